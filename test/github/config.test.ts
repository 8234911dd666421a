import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registry } from "../../checks/index.js";
import type { PhaseConfig } from "../../src/config/types.js";
import { mergePhases, readChecklist } from "../../src/github/config.js";
import { finishHttp } from "./app.harness.js";
import { githubApi } from "../support/openapi.js";

/** The checklist read as Probot reads config: default branch, the owner's `.github`, `_extends`. */

const RAW = { "content-type": "text/plain; charset=utf-8" };
const path = (owner: string, repo: string) => `/repos/${owner}/${repo}/contents/.github%2Fphase-gate.yml`;

function octokit(): InstanceType<typeof ProbotOctokit> {
  return new ProbotOctokit({ auth: { token: "test" }, retry: { enabled: false }, throttle: { enabled: false } });
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => finishHttp());

const TWO_PHASES = `phases:
  - id: phase-1
    name: Foundation
    checks:
      - secrets-baseline
  - id: phase-2
    name: Hardening
    gate: advisory
    checks:
      - file-exists: { path: SECURITY.md }
`;

describe("readChecklist", () => {
  it("reads the repository's file from the default branch (no ref), once", async () => {
    githubApi()
      .get(path("octo", "app"))
      .query((q) => Object.keys(q).length === 0)
      .reply(200, TWO_PHASES, RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.checklist.origin).toEqual({ source: "file", path: ".github/phase-gate.yml" });
    expect(read.checklist.phases.map((p) => [p.id, p.gate])).toEqual([
      ["phase-1", "required"],
      ["phase-2", "advisory"],
    ]);
    expect(read.files).toEqual(["octo/app:.github/phase-gate.yml"]);
  });

  it("keeps the same phase and check objects while the file's text is unchanged (the audit memo's key)", async () => {
    const changed = TWO_PHASES.replace("phase-2", "phase-two");
    githubApi().get(path("octo", "app")).times(2).reply(200, TWO_PHASES, RAW).get(path("octo", "app")).reply(200, changed, RAW);
    const reads = [];
    for (let i = 0; i < 3; i++) {
      const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
      if (!read.ok) throw new Error(JSON.stringify(read.errors));
      reads.push(read.checklist);
    }
    const [first, second, third] = reads;
    expect(second?.phases[0]).toBe(first?.phases[0]);
    expect(second?.phases[0]?.checks[0]).toBe(first?.phases[0]?.checks[0]);
    expect(third?.phases[0]).not.toBe(first?.phases[0]);
    expect(third?.phases.map((p) => p.id)).toEqual(["phase-1", "phase-two"]);
  });

  it("falls back to the owner's .github repository", async () => {
    githubApi().get(path("octo", "app")).reply(404, { message: "Not Found" }).get(path("octo", ".github")).reply(200, TWO_PHASES, RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.checklist.origin.path).toBe("octo/.github:.github/phase-gate.yml");
    expect(read.checklist.phases).toHaveLength(2);
  });

  it("no file anywhere: the built-in default checklist, advisory", async () => {
    githubApi().get(path("octo", "app")).reply(404, { message: "Not Found" }).get(path("octo", ".github")).reply(404, { message: "Not Found" });
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.checklist.origin).toEqual({ source: "default", path: null });
    expect(read.checklist.phases.every((p) => p.gate === "advisory")).toBe(true);
    expect(read.files).toEqual([]);
  });

  it("an invalid file: errors on the offending line of the repository's file, with the hint", async () => {
    const text = "phases:\n  - id: phase-1\n    name: One\n    checks:\n      - dockerfile-reloads\n";
    githubApi().get(path("octo", "app")).reply(200, text, RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors).toHaveLength(1);
    expect(read.errors[0]).toMatchObject({ file: ".github/phase-gate.yml", line: 5, at: "phases[0].checks[0]" });
    expect(read.errors[0]?.message).toMatch(/unknown check 'dockerfile-reloads'/);
    expect(read.errors[0]?.hint).toMatch(/dockerfile-reload/);
  });

  it("invalid YAML: located by the checklist loader, not the plugin's one-line message", async () => {
    const text = "phases:\n  - id: phase-1\n    name: [unclosed\n";
    githubApi().get(path("octo", "app")).reply(200, text, RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors[0]?.file).toBe(".github/phase-gate.yml");
    expect(read.errors[0]?.line).toBeGreaterThanOrEqual(3);
    expect(read.errors[0]?.message).toMatch(/YAML/);
  });

  it("a file of one scalar is an error at its place", async () => {
    githubApi().get(path("octo", "app")).reply(200, "just words\n", RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors[0]).toMatchObject({ file: ".github/phase-gate.yml", line: 1 });
    expect(read.errors[0]?.message).toMatch(/must be a map/);
  });

  it("_extends only: the extended file's phases", async () => {
    githubApi()
      .get(path("octo", "app"))
      .reply(200, "_extends: policies\n", RAW)
      .get(path("octo", "policies"))
      .reply(200, TWO_PHASES, RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.checklist.phases.map((p) => p.id)).toEqual(["phase-1", "phase-2"]);
    expect(read.files).toEqual(["octo/app:.github/phase-gate.yml", "octo/policies:.github/phase-gate.yml"]);
    expect(read.checklist.origin.path).toBe(".github/phase-gate.yml");
  });

  it("_extends with phases: inherited ones first; a phase defined again replaces the inherited one in place", async () => {
    const own = `_extends: other-org/policies:shared/phase-gate.yml
phases:
  - id: phase-2
    name: Hardening (ours)
    checks:
      - file-absent: { path: .env }
  - id: phase-3
    name: Extra
    checks:
      - file-exists: { path: README.md }
`;
    githubApi()
      .get(path("octo", "app"))
      .reply(200, own, RAW)
      .get("/repos/other-org/policies/contents/shared%2Fphase-gate.yml")
      .reply(200, TWO_PHASES, RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.checklist.phases.map((p) => [p.id, p.name])).toEqual([
      ["phase-1", "Foundation"],
      ["phase-2", "Hardening (ours)"],
      ["phase-3", "Extra"],
    ]);
  });

  it("a phase may require an inherited phase; a cycle closed across the files is an error of the repository's file", async () => {
    const base = "ordered: true\nphases:\n  - { id: a, name: A, checks: [secrets-baseline] }\n  - { id: b, name: B, checks: [secrets-baseline] }\n";
    githubApi()
      .get(path("octo", "app"))
      .reply(200, "_extends: policies\nphases:\n  - { id: c, name: C, requires: [b], checks: [secrets-baseline] }\n", RAW)
      .get(path("octo", "policies"))
      .reply(200, base, RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.checklist.phases.map((p) => [p.id, p.requires])).toEqual([["a", []], ["b", ["a"]], ["c", ["b"]]]);

    // The repository redefines 'a' to require 'b', which (ordered, in the base) requires 'a'.
    githubApi()
      .get(path("octo", "app"))
      .reply(200, "_extends: policies\nphases:\n  - { id: a, name: A2, requires: [b], checks: [secrets-baseline] }\n", RAW)
      .get(path("octo", "policies"))
      .reply(200, base, RAW);
    const looped = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    expect(looped.ok).toBe(false);
    if (looped.ok) return;
    expect(looped.errors).toEqual([
      {
        file: ".github/phase-gate.yml",
        line: 1,
        column: 1,
        at: "",
        message: "phases require each other in a cycle across the extended files: 'a' → 'b' → 'a'",
        hint: "a phase can only require phases that do not require it back",
      },
    ]);
  });

  it("an error in an extended file is named by its repository", async () => {
    githubApi()
      .get(path("octo", "app"))
      .reply(200, "_extends: .github\n", RAW)
      .get(path("octo", ".github"))
      .reply(200, "phases:\n  - id: Bad Id\n    name: x\n    checks: [secrets-baseline]\n", RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors[0]).toMatchObject({ file: "octo/.github:.github/phase-gate.yml", line: 2 });
  });

  it("an _extends cycle is a configuration error, not a crash", async () => {
    githubApi()
      .get(path("octo", "app"))
      .reply(200, "_extends: a\nphases:\n  - id: p\n    name: P\n    checks: [secrets-baseline]\n", RAW)
      .get(path("octo", "a"))
      .reply(200, "_extends: app\n", RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors[0]?.message).toMatch(/Recursion detected/);
    expect(read.errors[0]?.message).not.toMatch(/https:/);
    expect(read.errors[0]?.message).toContain("octo/a:.github/phase-gate.yml");
    expect(read.errors[0]).toMatchObject({ file: "octo/a:.github/phase-gate.yml", line: 1, at: "_extends" });
  });

  it("an invalid _extends value is a configuration error", async () => {
    githubApi().get(path("octo", "app")).reply(200, "# inherit\n\n_extends: 'not a repo!'\n", RAW);
    const read = await readChecklist(octokit(), { owner: "octo", repo: "app" }, registry);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors[0]?.message).toMatch(/Invalid value "not a repo!" for _extends in \.github\/phase-gate\.yml/);
    expect(read.errors[0]).toMatchObject({ file: ".github/phase-gate.yml", line: 3, column: 1, at: "_extends" });
  });

  it("an API failure is thrown, not mistaken for a configuration problem", async () => {
    githubApi().get(path("octo", "app")).reply(500, { message: "boom" });
    await expect(readChecklist(octokit(), { owner: "octo", repo: "app" }, registry)).rejects.toMatchObject({ status: 500 });
  });

  it("two reads at once on one client each get their own files", async () => {
    const client = octokit();
    githubApi().get(path("octo", "one")).reply(200, TWO_PHASES, RAW).get(path("octo", "two")).reply(200, "phases: 3\n", RAW);
    const [one, two] = await Promise.all([
      readChecklist(client, { owner: "octo", repo: "one" }, registry),
      readChecklist(client, { owner: "octo", repo: "two" }, registry),
    ]);
    expect(one.ok).toBe(true);
    expect(two.ok).toBe(false);
  });
});

describe("mergePhases", () => {
  const phase = (id: string, name: string): PhaseConfig => ({ id, name, gate: "required", checks: [], requires: [], ahead: "neutral", claims: [] });
  it("puts inherited phases first and replaces by id in place", () => {
    const merged = mergePhases([
      [phase("b", "B-near"), phase("c", "C")],
      [phase("a", "A"), phase("b", "B-far")],
    ]);
    expect(merged.map((p) => p.name)).toEqual(["A", "B-near", "C"]);
  });
});
