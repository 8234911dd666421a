import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registry } from "../../checks/index.js";
import { changedPaths, ChecklistCache } from "../../src/github/checklist-cache.js";
import { finishHttp } from "./app.harness.js";
import { githubApi } from "../support/openapi.js";

/** Checklists kept between deliveries: dropped by a push that may have changed one of their files, by time, or on request. */

const RAW = { "content-type": "text/plain; charset=utf-8" };
const file = (owner: string, repo: string, path = ".github%2Fphase-gate.yml") => `/repos/${owner}/${repo}/contents/${path}`;
const target = { owner: "octo", repo: "app" };

const ONE = `phases:
  - id: phase-1
    name: Foundation
    checks:
      - file-exists: { path: SECURITY.md }
`;
const TWO = `${ONE}  - id: phase-2
    name: Docs
    checks:
      - file-exists: { path: README.md }
`;

function octokit(): InstanceType<typeof ProbotOctokit> {
  return new ProbotOctokit({ auth: { token: "test" }, retry: { enabled: false }, throttle: { enabled: false } });
}

/** The phase ids of a read. */
async function phases(cache: ChecklistCache, options: { fresh?: boolean } = {}, at = target): Promise<string[]> {
  const read = await cache.read(octokit(), at, registry, options);
  if (!read.ok) throw new Error(JSON.stringify(read.errors));
  return read.checklist.phases.map((p) => p.id);
}

const pushOf = (...paths: string[]) => new Set(paths);

/** octo/app's checklist: ONE, held on its way until the returned function is called; then TWO. */
function heldThenChanged(): () => void {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  githubApi()
    .get(file("octo", "app"))
    .reply(200, async () => {
      await held;
      return ONE;
    }, RAW)
    .get(file("octo", "app"))
    .reply(200, TWO, RAW);
  return () => release();
}

/** Lets the held request reach the server first. */
const aTurn = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => finishHttp());

describe("ChecklistCache", () => {
  it("reads a repository's checklist once, then answers from what it kept", async () => {
    githubApi().get(file("octo", "app")).once().reply(200, ONE, RAW);
    const cache = new ChecklistCache();
    expect(await phases(cache)).toEqual(["phase-1"]);
    expect(await phases(cache)).toEqual(["phase-1"]);
    expect(cache.size).toBe(1);
  });

  it("reads again after a push to the default branch that changed the file, not after one that changed others", async () => {
    githubApi().get(file("octo", "app")).reply(200, ONE, RAW).get(file("octo", "app")).reply(200, TWO, RAW);
    const cache = new ChecklistCache();
    expect(await phases(cache)).toEqual(["phase-1"]);
    cache.changed("octo/app", pushOf("README.md", "src/a.py"));
    cache.changed("octo/other", pushOf(".github/phase-gate.yml"));
    expect(await phases(cache)).toEqual(["phase-1"]);
    cache.changed("Octo/App", pushOf(".github/phase-gate.yml"));
    expect(await phases(cache)).toEqual(["phase-1", "phase-2"]);
  });

  it("reads again after a push that does not say what it changed", async () => {
    githubApi().get(file("octo", "app")).reply(200, ONE, RAW).get(file("octo", "app")).reply(200, TWO, RAW);
    const cache = new ChecklistCache();
    expect(await phases(cache)).toEqual(["phase-1"]);
    cache.changed("octo/app", null);
    expect(await phases(cache)).toEqual(["phase-1", "phase-2"]);
  });

  it("follows the files a read asked for and did not find: a checklist added to the repository, or changed in the owner's .github", async () => {
    const scope = githubApi();
    // No file: the owner's .github has one.
    scope.get(file("octo", "app")).reply(404, { message: "Not Found" }).get(file("octo", ".github")).reply(200, ONE, RAW);
    // After the push to octo/.github: its new text.
    scope.get(file("octo", "app")).reply(404, { message: "Not Found" }).get(file("octo", ".github")).reply(200, TWO, RAW);
    // After the push adding the repository's own file.
    scope.get(file("octo", "app")).reply(200, ONE, RAW);
    const cache = new ChecklistCache();
    expect(await phases(cache)).toEqual(["phase-1"]);
    cache.changed("octo/.github", pushOf(".github/phase-gate.yml"));
    expect(await phases(cache)).toEqual(["phase-1", "phase-2"]);
    expect(await phases(cache)).toEqual(["phase-1", "phase-2"]);
    cache.changed("octo/app", pushOf(".github/phase-gate.yml"));
    expect(await phases(cache)).toEqual(["phase-1"]);
  });

  it("follows an _extends target by its path", async () => {
    const extending = `_extends: policies:checklists/base.yml\n`;
    const scope = githubApi();
    scope.get(file("octo", "app")).reply(200, extending, RAW).get(file("octo", "policies", "checklists%2Fbase.yml")).reply(200, ONE, RAW);
    scope.get(file("octo", "app")).reply(200, extending, RAW).get(file("octo", "policies", "checklists%2Fbase.yml")).reply(200, TWO, RAW);
    const cache = new ChecklistCache();
    expect(await phases(cache)).toEqual(["phase-1"]);
    cache.changed("octo/policies", pushOf(".github/phase-gate.yml"));
    expect(await phases(cache)).toEqual(["phase-1"]);
    cache.changed("octo/policies", pushOf("checklists/base.yml"));
    expect(await phases(cache)).toEqual(["phase-1", "phase-2"]);
  });

  it("keeps a read for ttlMs at most", async () => {
    githubApi().get(file("octo", "app")).reply(200, ONE, RAW).get(file("octo", "app")).reply(200, TWO, RAW);
    let now = 1_000;
    const cache = new ChecklistCache({ ttlMs: 60_000, now: () => now });
    expect(await phases(cache)).toEqual(["phase-1"]);
    now += 59_999;
    expect(await phases(cache)).toEqual(["phase-1"]);
    now += 1;
    expect(await phases(cache)).toEqual(["phase-1", "phase-2"]);
  });

  it("reads fresh when asked, and keeps that read", async () => {
    githubApi().get(file("octo", "app")).reply(200, ONE, RAW).get(file("octo", "app")).reply(200, TWO, RAW);
    const cache = new ChecklistCache();
    expect(await phases(cache)).toEqual(["phase-1"]);
    expect(await phases(cache, { fresh: true })).toEqual(["phase-1", "phase-2"]);
    expect(await phases(cache)).toEqual(["phase-1", "phase-2"]);
  });

  it("keeps invalid checklists too, with their errors", async () => {
    githubApi().get(file("octo", "app")).once().reply(200, "phases: [", RAW);
    const cache = new ChecklistCache();
    for (let i = 0; i < 2; i++) {
      const read = await cache.read(octokit(), target, registry);
      expect(read.ok).toBe(false);
    }
  });

  it("keeps nothing from a read that failed", async () => {
    githubApi().get(file("octo", "app")).reply(500, { message: "boom" }).get(file("octo", "app")).reply(200, ONE, RAW);
    const cache = new ChecklistCache();
    await expect(cache.read(octokit(), target, registry)).rejects.toMatchObject({ status: 500 });
    expect(cache.size).toBe(0);
    expect(await phases(cache)).toEqual(["phase-1"]);
  });

  it("does not keep a read that a push to the default branch overtook", async () => {
    const release = heldThenChanged();
    const cache = new ChecklistCache();
    const first = phases(cache);
    await aTurn();
    // The push lands while the old text is on its way: that text is used by this read only.
    cache.changed("octo/app", pushOf(".github/phase-gate.yml"));
    release();
    expect(await first).toEqual(["phase-1"]);
    expect(cache.size).toBe(0);
    expect(await phases(cache)).toEqual(["phase-1", "phase-2"]);
  });

  it("does not let a read replace one that started after it (a re-run's fresh read)", async () => {
    const release = heldThenChanged();
    const cache = new ChecklistCache();
    const older = phases(cache);
    await aTurn();
    expect(await phases(cache, { fresh: true })).toEqual(["phase-1", "phase-2"]);
    release();
    expect(await older).toEqual(["phase-1"]);
    expect(await phases(cache)).toEqual(["phase-1", "phase-2"]);
  });

  it("keeps maxEntries repositories, the least recently used out first", async () => {
    const scope = githubApi();
    for (const repo of ["a", "b", "c", "a"]) scope.get(file("octo", repo)).reply(200, ONE, RAW);
    const cache = new ChecklistCache({ maxEntries: 2 });
    const at = (repo: string) => ({ owner: "octo", repo });
    await phases(cache, {}, at("a"));
    await phases(cache, {}, at("b"));
    await phases(cache, {}, at("b"));
    await phases(cache, {}, at("c")); // a out
    await phases(cache, {}, at("b"));
    await phases(cache, {}, at("a")); // read again
    expect(cache.size).toBe(2);
  });

  it("keeps nothing with ttlMs 0, and refuses nonsense options", async () => {
    githubApi().get(file("octo", "app")).twice().reply(200, ONE, RAW);
    const cache = new ChecklistCache({ ttlMs: 0 });
    await phases(cache);
    await phases(cache);
    expect(cache.size).toBe(0);
    expect(() => new ChecklistCache({ ttlMs: -1 })).toThrow(/ttlMs/);
    expect(() => new ChecklistCache({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});

describe("changedPaths", () => {
  const commit = (added: string[], modified: string[], removed: string[]) => ({ added, modified, removed });

  it("is every path the push's commits added, modified or removed", () => {
    const paths = changedPaths({ forced: false, commits: [commit(["a"], ["b"], []), commit([], ["c"], ["d"])] });
    expect([...(paths ?? [])].sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("is unknown for a forced push, a push listing no commit or as many as GitHub lists, and a commit without its lists", () => {
    expect(changedPaths({ forced: true, commits: [commit(["a"], [], [])] })).toBeNull();
    expect(changedPaths({ forced: false, commits: [] })).toBeNull();
    expect(changedPaths({})).toBeNull();
    expect(changedPaths({ commits: Array.from({ length: 2048 }, () => commit(["a"], [], [])) })).toBeNull();
    expect(changedPaths({ commits: [{ added: ["a"] }] })).toBeNull();
    // GitHub lists at most 3,000 files of a commit.
    const many = Array.from({ length: 1500 }, (_, i) => `f${i}`);
    expect(changedPaths({ commits: [commit(many, many.map((p) => `m/${p}`), [])] })).toBeNull();
    expect(changedPaths({ commits: [commit(many, many.slice(1).map((p) => `m/${p}`), [])] })?.size).toBe(2999);
  });
});
