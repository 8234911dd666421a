import nock from "nock";
import { ChecklistCache } from "../../src/github/checklist-cache.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  api,
  BASE,
  CHECKLIST,
  example,
  FAILING,
  finishHttp,
  harness,
  HEAD,
  mockAuth,
  mockChecklist,
  mockCommit,
  mockListRuns,
  mockNewComment,
  mockPublish,
  OWNER,
  PASSING,
  patches,
  posts,
  PUSHED,
  recordBodies,
  REPO,
  type Body,
  type Harness,
} from "./app.harness.js";

/**
 * The app end to end: real webhook payloads through `probot.receive`, GitHub simulated by nock
 * (network disabled; every request validated against GitHub's OpenAPI description), every
 * expected call made and none left pending.
 */

let h: Harness;

beforeEach(async () => {
  nock.disableNetConnect();
  h = await harness();
});

afterEach(() => finishHttp(h));

describe("push", () => {
  it("audits the pushed head: one run per phase, created in_progress, completed with the result", async () => {
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockCommit(scope, OWNER, REPO, PUSHED, FAILING, ["src/db.py"]);
    mockPublish(scope, PUSHED);

    await h.deliver("push", example("push", undefined, 4));

    const created = posts(seen, "/check-runs");
    expect(created.map((b) => [b.name, b.status, b.head_sha])).toEqual([
      ["phase-gate: Foundation", "in_progress", PUSHED],
      ["phase-gate: Hardening", "in_progress", PUSHED],
    ]);
    const [foundation, hardening] = [patches(seen, "/check-runs/11"), patches(seen, "/check-runs/12")];
    expect(foundation.at(-1)).toMatchObject({ conclusion: "failure", output: { title: "1/2 checks pass" } });
    expect(foundation.at(-1)?.output).toMatchObject({
      annotations: [{ path: "src/db.py", start_line: 2, end_line: 2, annotation_level: "failure" }],
    });
    expect(hardening.at(-1)).toMatchObject({ conclusion: "success", output: { title: "1/1 checks pass" } });
    // No comment outside a pull request.
    expect(seen.some((r) => r.path.includes("/issues/"))).toBe(false);
  });

  it.each([
    ["a tag", 0],
    ["a deleted branch", 3],
  ])("ignores %s, saying why at debug level, with no API call", async (_what, index) => {
    const payload = example("push", undefined, index);
    await h.deliver("push", payload, "delivery-ignored");
    const ignored = h.logs.find((l) => l.deliveryId === "delivery-ignored" && typeof l.reason === "string");
    expect(ignored).toMatchObject({ repo: `${OWNER}/${REPO}`, level: 20 });
  });
});

describe("pull_request", () => {
  it.each(["opened", "synchronize", "reopened"])("%s: audits the head, publishes the runs, and comments what changed against the base", async (action) => {
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockCommit(scope, OWNER, REPO, HEAD, FAILING, ["src/db.py"]);
    mockPublish(scope, HEAD);
    // The base: its src/db.py differs (another blob), SECURITY.md and README.md are the same blobs.
    mockCommit(scope, OWNER, REPO, BASE, PASSING, ["src/db.py"]);
    mockNewComment(scope);

    await h.deliver("pull_request", example("pull_request", action));

    expect(posts(seen, "/check-runs").map((b) => b.head_sha)).toEqual([HEAD, HEAD]);
    const [comment] = posts(seen, "/issues/2/comments");
    const body = String(comment?.body);
    expect(body.startsWith("<!-- phase-gate:phase-completion -->")).toBe(true);
    expect(body).toContain(HEAD);
    expect(body).toMatch(/What this PR changed/);
    expect(body).toMatch(/file-not-contains[^\n]*pass[^\n]*fail/);
  });

  it("a fork's pull request: check runs on its head commit in the base repository, and the comment", async () => {
    const payload = example("pull_request", "opened");
    const pr = payload.pull_request as { head: { repo: Record<string, unknown>; label: string } };
    pr.head.repo = { ...pr.head.repo, full_name: "forker/Hello-World", fork: true, owner: { ...(pr.head.repo.owner as object), login: "forker" } };
    pr.head.label = "forker:changes";
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    // The fork's commit is read from the base repository (GitHub keeps pull request heads there).
    mockCommit(scope, OWNER, REPO, HEAD, FAILING, ["src/db.py"]);
    mockPublish(scope, HEAD);
    mockCommit(scope, OWNER, REPO, BASE, PASSING, ["src/db.py"]);
    mockNewComment(scope);

    await h.deliver("pull_request", payload);

    expect(posts(seen, "/check-runs").map((b) => b.head_sha)).toEqual([HEAD, HEAD]);
    expect(posts(seen, "/issues/2/comments")).toHaveLength(1);
    expect(seen.some((r) => r.path.includes("/forker/"))).toBe(false);
  });

  it("ignores the other actions", async () => {
    await h.deliver("pull_request", example("pull_request", "closed"));
    await h.deliver("pull_request", example("pull_request", "labeled"));
  });
});

describe("check_suite and check_run", () => {
  it.each([
    ["requested", 4],
    ["rerequested", 7],
  ])("check_suite.%s: the suite's head commit, check runs only (even when a bot asked)", async (action, index) => {
    const payload = example("check_suite", undefined, index);
    expect(payload.action).toBe(action);
    const sha = (payload.check_suite as { head_sha: string }).head_sha;
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockCommit(scope, OWNER, REPO, sha, FAILING, ["src/db.py"]);
    mockPublish(scope, sha);

    await h.deliver("check_suite", payload);

    expect(posts(seen, "/check-runs")).toHaveLength(2);
    expect(seen.some((r) => r.path.includes("/issues/"))).toBe(false);
  });

  it("check_suite.completed is not handled", async () => {
    await h.deliver("check_suite", example("check_suite", "completed"));
  });

  it("check_run.rerequested: audits that commit again and updates the existing runs instead of adding new ones", async () => {
    const payload = example("check_run", "rerequested");
    const repository = payload.repository as { full_name: string };
    const [owner, repo] = repository.full_name.split("/") as [string, string];
    const sha = (payload.check_run as { head_sha: string }).head_sha;
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, owner, repo, CHECKLIST);
    mockListRuns(scope, owner, repo, sha, [
      { id: 71, name: "phase-gate: Foundation", external_id: "phase-gate:phase-1", status: "completed", conclusion: "failure" },
      { id: 72, name: "phase-gate: Hardening", external_id: "phase-gate:phase-2", status: "completed", conclusion: "success" },
    ]);
    // Started again, then completed; the annotations already on them are listed first (none here).
    scope.patch(`/repos/${owner}/${repo}/check-runs/71`).reply(200, {}).patch(`/repos/${owner}/${repo}/check-runs/72`).reply(200, {});
    mockCommit(scope, owner, repo, sha, PASSING, ["src/db.py"]);
    scope
      .get(`/repos/${owner}/${repo}/check-runs/71/annotations`)
      .query({ per_page: "100" })
      .reply(200, [])
      .patch(`/repos/${owner}/${repo}/check-runs/71`)
      .reply(200, {})
      .get(`/repos/${owner}/${repo}/check-runs/72/annotations`)
      .query({ per_page: "100" })
      .reply(200, [])
      .patch(`/repos/${owner}/${repo}/check-runs/72`)
      .reply(200, {});

    await h.deliver("check_run", payload);

    expect(posts(seen, "/check-runs")).toEqual([]);
    expect(patches(seen, "/check-runs/71").map((b) => b.status ?? b.conclusion)).toEqual(["in_progress", "success"]);
    expect(patches(seen, "/check-runs/72").map((b) => b.status ?? b.conclusion)).toEqual(["in_progress", "success"]);
  });
});

describe("installation", () => {
  it("installation.created: each repository's default branch, check runs on its head and nothing else", async () => {
    const payload = example("installation", "created");
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    scope.get(`/repos/${OWNER}/${REPO}`).reply(200, { default_branch: "main", full_name: `${OWNER}/${REPO}` });
    scope.get(`/repos/${OWNER}/${REPO}/branches/main`).reply(200, { name: "main", commit: { sha: PUSHED } });
    mockChecklist(scope, OWNER, REPO, null);
    // The built-in checklist reads what its five checks need: none of these files.
    mockCommit(scope, OWNER, REPO, PUSHED, { "README.md": "hello\n" }, []);
    mockListRuns(scope, OWNER, REPO, PUSHED);
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 31 }).patch(`/repos/${OWNER}/${REPO}/check-runs/31`).reply(200, {});

    await h.deliver("installation", payload);

    expect(posts(seen, "/check-runs")).toMatchObject([{ name: "phase-gate: Baseline", head_sha: PUSHED }]);
    // The default checklist is advisory: never a failing run on installing.
    expect(patches(seen, "/check-runs/31").at(-1)?.conclusion).not.toBe("failure");
    expect(seen.some((r) => r.path.includes("/issues/"))).toBe(false);
  });

  it("installation_repositories.added: the added repositories, with bounded concurrency", async () => {
    const payload = example("installation_repositories", "added");
    const added = payload.repositories_added as { full_name: string; name: string }[];
    const first = added[0];
    if (!first) throw new Error("the example adds no repository");
    const more = Array.from({ length: 3 }, (_, i) => ({ ...first, id: 1000 + i, name: `repo-${i}`, full_name: `${OWNER}/repo-${i}` }));
    payload.repositories_added = [first, ...more];
    const scope = api();
    mockAuth(scope);
    let running = 0;
    let most = 0;
    for (const { name } of payload.repositories_added as { name: string }[]) {
      scope.get(`/repos/${OWNER}/${name}`).reply(200, () => {
        running += 1;
        most = Math.max(most, running);
        return { default_branch: "main" };
      });
      scope.get(`/repos/${OWNER}/${name}/branches/main`).reply(200, { name: "main", commit: { sha: PUSHED } });
      mockChecklist(scope, OWNER, name, "phases:\n  - id: docs\n    name: Docs\n    checks:\n      - file-exists: { path: README.md }\n");
      mockCommit(scope, OWNER, name, PUSHED, { "README.md": "hello\n" }, []);
      mockListRuns(scope, OWNER, name, PUSHED);
      scope
        .post(`/repos/${OWNER}/${name}/check-runs`)
        .reply(201, { id: 41 })
        .patch(`/repos/${OWNER}/${name}/check-runs/41`)
        .reply(200, () => {
          running -= 1;
          return {};
        });
    }
    h = await harness({ perInstallation: 2 });

    await h.deliver("installation_repositories", payload);

    expect(most).toBe(2);
  });

  it("installation_repositories: a repository gained or lost drops the kept checklists that read it (an owner's .github)", async () => {
    const checklists = new ChecklistCache();
    const changed: [string, unknown][] = [];
    checklists.changed = (fullName, paths) => void changed.push([fullName, paths]);
    h = await harness({ checklists });
    const removed = example("installation_repositories", "removed");
    const gone = (removed.repositories_removed as { full_name: string }[]).map((r) => r.full_name);
    expect(gone.length).toBeGreaterThan(0);

    await h.deliver("installation_repositories", removed);

    expect(changed).toEqual(gone.map((name) => [name, null]));
  });
});

describe("the checklist", () => {
  it("an invalid file: only the failing configuration run, annotated on the offending line, and no comment", async () => {
    const invalid = CHECKLIST.replace("file-absent", "file-absnet");
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, invalid);
    mockListRuns(scope, OWNER, REPO, HEAD);
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 51 });

    await h.deliver("pull_request", example("pull_request", "opened"));

    const [run] = posts(seen, "/check-runs");
    expect(run).toMatchObject({ name: "phase-gate configuration", conclusion: "failure", head_sha: HEAD });
    const output = run?.output as { annotations: Body[]; summary: string };
    expect(output.annotations).toEqual([
      expect.objectContaining({ path: ".github/phase-gate.yml", start_line: 11, annotation_level: "failure" }),
    ]);
    expect(String(output.annotations[0]?.message)).toMatch(/unknown check 'file-absnet'[\s\S]*Fix: did you mean 'file-absent'\?/);
    // Nothing else: no phase run, no commit read, no comment.
    expect(seen.filter((r) => r.method !== "GET" && !r.path.includes("access_tokens"))).toHaveLength(1);
  });

  it("a pull request that edits the checklist is audited with the default branch's version", async () => {
    // The head commit's own .github/phase-gate.yml drops phase-1 and makes everything advisory:
    // reading it would let the pull request pass its own gate.
    const weakened = "phases:\n  - id: phase-2\n    name: Hardening\n    gate: advisory\n    checks:\n      - file-absent: { path: .env }\n";
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    // The checklist is read once, without a ref: the default branch.
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockCommit(scope, OWNER, REPO, HEAD, { ...FAILING, ".github/phase-gate.yml": weakened }, ["src/db.py"]);
    mockPublish(scope, HEAD);
    mockCommit(scope, OWNER, REPO, BASE, { ...PASSING, ".github/phase-gate.yml": CHECKLIST }, ["src/db.py"]);
    mockNewComment(scope);

    await h.deliver("pull_request", example("pull_request", "synchronize"));

    expect(posts(seen, "/check-runs").map((b) => b.name)).toEqual(["phase-gate: Foundation", "phase-gate: Hardening"]);
    expect(patches(seen, "/check-runs/11").at(-1)?.conclusion).toBe("failure");
    expect(seen.filter((r) => r.path.includes("/contents/"))).toHaveLength(1);
  });
});
