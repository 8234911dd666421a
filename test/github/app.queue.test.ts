import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  api,
  BASE,
  blobSha,
  CHECKLIST,
  example,
  FAILING,
  gate,
  finishHttp,
  harness,
  mockAuth,
  mockChecklist,
  mockCommit,
  mockListRuns,
  mockNewComment,
  OWNER,
  PASSING,
  patches,
  posts,
  recordBodies,
  REPO,
  type Files,
  type Harness,
} from "./app.harness.js";

/**
 * The queue through the app: real events received while audits are held at a chosen request (a
 * reply that waits for the test), so what runs when is decided by the test, not by timing.
 */

let h: Harness;

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => finishHttp(h));

const S1 = "1111111111111111111111111111111111111111";
const S2 = "2222222222222222222222222222222222222222";

function push(sha: string, repo = REPO) {
  const payload = example("push", undefined, 4);
  payload.after = sha;
  (payload.repository as { full_name: string; name: string }).full_name = `${OWNER}/${repo}`;
  (payload.repository as { name: string }).name = repo;
  return payload;
}

function synchronize(head: string) {
  const payload = example("pull_request", "synchronize");
  (payload.pull_request as { head: { sha: string } }).head.sha = head;
  return payload;
}

/** A tree reply held until `open()`. */
function heldTree(scope: nock.Scope, repo: string, sha: string, files: Files, held: Promise<void>): void {
  const tree = Object.entries(files).map(([path, content]) => ({ path, mode: "100644", type: "blob", sha: blobSha(content), size: Buffer.byteLength(content) }));
  scope
    .get(`/repos/${OWNER}/${repo}/git/trees/${sha}`)
    .query({ recursive: "1" })
    .reply(async () => {
      await held;
      return [200, { sha, url: "", truncated: false, tree }];
    });
}

function blob(scope: nock.Scope, repo: string, content: string): void {
  scope.get(`/repos/${OWNER}/${repo}/git/blobs/${blobSha(content)}`).reply(200, {
    sha: blobSha(content),
    node_id: "",
    url: "",
    size: Buffer.byteLength(content),
    encoding: "base64",
    content: Buffer.from(content).toString("base64"),
  });
}

const ONE_PHASE = "phases:\n  - id: docs\n    name: Docs\n    checks:\n      - file-exists: { path: README.md }\n";

describe("coalescing", () => {
  it("a newer push replaces a queued older one: only the newest commit is audited", async () => {
    h = await harness({ global: 1 });
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    // A push to another repository takes the only slot and is held at its tree call.
    const held = gate();
    mockChecklist(scope, OWNER, "other", ONE_PHASE);
    mockListRuns(scope, OWNER, "other", S1);
    scope.post(`/repos/${OWNER}/other/check-runs`).reply(201, { id: 1 });
    heldTree(scope, "other", S1, { "README.md": "x\n" }, held.promise);
    scope.patch(`/repos/${OWNER}/other/check-runs/1`).reply(200, {});
    // Then only S2 of Hello-World.
    mockChecklist(scope, OWNER, REPO, ONE_PHASE);
    mockListRuns(scope, OWNER, REPO, S2);
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 2 });
    mockCommit(scope, OWNER, REPO, S2, { "README.md": "x\n" }, []);
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/2`).reply(200, {});

    await h.probot.receive({ id: "blocker", name: "push", payload: push(S1, "other") } as never);
    await h.probot.receive({ id: "push-1", name: "push", payload: push(S1) } as never);
    await h.probot.receive({ id: "push-2", name: "push", payload: push(S2) } as never);
    held.open();
    await h.app.idle();

    expect(posts(seen, `/repos/${OWNER}/${REPO}/check-runs`).map((b) => b.head_sha)).toEqual([S2]);
    expect(seen.some((r) => r.path.includes(`/repos/${OWNER}/${REPO}/git/trees/${S1}`))).toBe(false);
    expect(h.logs.some((l) => l.queue === "merged" && l.deliveryId === "push-2")).toBe(true);
  });

  it("a running audit of a superseded commit publishes no result and no comment; the newer one does", async () => {
    h = await harness();
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    const held = gate();
    // S1: runs opened in_progress, then held at its tree call while S2 arrives.
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockListRuns(scope, OWNER, REPO, S1);
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 11 }).post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 12 });
    heldTree(scope, REPO, S1, FAILING, held.promise);
    blob(scope, REPO, FAILING["src/db.py"] ?? "");
    // Closed without a result.
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/11`).reply(200, {}).patch(`/repos/${OWNER}/${REPO}/check-runs/12`).reply(200, {});
    // S2: everything, comment included (the checklist read for S1 is kept).
    mockListRuns(scope, OWNER, REPO, S2);
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 21 }).post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 22 });
    mockCommit(scope, OWNER, REPO, S2, PASSING, ["src/db.py"]);
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/21`).reply(200, {}).patch(`/repos/${OWNER}/${REPO}/check-runs/22`).reply(200, {});
    mockCommit(scope, OWNER, REPO, BASE, PASSING, []);
    mockNewComment(scope);

    await h.probot.receive({ id: "sync-1", name: "pull_request", payload: synchronize(S1) } as never);
    // Wait until S1 is held at its tree call (its runs are open).
    while (!seen.some((r) => r.path.includes(`/git/trees/${S1}`))) await new Promise((resolve) => setImmediate(resolve));
    await h.probot.receive({ id: "sync-2", name: "pull_request", payload: synchronize(S2) } as never);
    held.open();
    await h.app.idle();

    const stale = [...patches(seen, "/check-runs/11"), ...patches(seen, "/check-runs/12")];
    expect(stale.map((b) => b.conclusion)).toEqual(["cancelled", "cancelled"]);
    expect(stale.every((b) => !("annotations" in (b.output as object)))).toBe(true);
    expect([...patches(seen, "/check-runs/21"), ...patches(seen, "/check-runs/22")].map((b) => b.conclusion)).toEqual(["success", "success"]);
    const comments = posts(seen, "/issues/2/comments").map((b) => String(b.body));
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain(S2);
    expect(comments[0]).not.toContain(S1);
  });

  it("the push and check_suite events of one push: the second is dropped while the first runs", async () => {
    h = await harness();
    const suite = example("check_suite", "requested");
    const { head_sha: sha, head_branch: branch } = suite.check_suite as { head_sha: string; head_branch: string };
    const pushed = push(sha);
    pushed.ref = `refs/heads/${branch}`;
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    const held = gate();
    mockChecklist(scope, OWNER, REPO, ONE_PHASE);
    mockListRuns(scope, OWNER, REPO, sha);
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 5 });
    heldTree(scope, REPO, sha, { "README.md": "x\n" }, held.promise);
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/5`).reply(200, {});

    await h.probot.receive({ id: "the-push", name: "push", payload: pushed } as never);
    await h.probot.receive({ id: "the-suite", name: "check_suite", payload: suite } as never);
    held.open();
    await h.app.idle();

    expect(posts(seen, "/check-runs")).toHaveLength(1);
    expect(h.logs.some((l) => l.queue === "dropped" && l.deliveryId === "the-suite")).toBe(true);
  });

  it("a push and a pull request of the same commit never publish at once: the second finds and updates the first's runs", async () => {
    h = await harness();
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    const held = gate();
    // The push of S1 (held at its tree call) creates the runs.
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockListRuns(scope, OWNER, REPO, S1);
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 11 }).post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 12 });
    heldTree(scope, REPO, S1, PASSING, held.promise);
    blob(scope, REPO, PASSING["src/db.py"] ?? "");
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/11`).reply(200, {}).patch(`/repos/${OWNER}/${REPO}/check-runs/12`).reply(200, {});
    // The pull request's audit of S1 waits, then finds those runs (the push's checklist read is kept).
    mockListRuns(scope, OWNER, REPO, S1, [
      { id: 11, name: "phase-gate: Foundation", external_id: "phase-gate:phase-1", status: "completed", conclusion: "success" },
      { id: 12, name: "phase-gate: Hardening", external_id: "phase-gate:phase-2", status: "completed", conclusion: "success" },
    ]);
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/11`).reply(200, {}).patch(`/repos/${OWNER}/${REPO}/check-runs/12`).reply(200, {});
    mockCommit(scope, OWNER, REPO, S1, PASSING, []);
    for (const id of [11, 12]) {
      scope.get(`/repos/${OWNER}/${REPO}/check-runs/${id}/annotations`).query({ per_page: "100" }).reply(200, []);
      scope.patch(`/repos/${OWNER}/${REPO}/check-runs/${id}`).reply(200, {});
    }
    mockCommit(scope, OWNER, REPO, BASE, PASSING, []);
    mockNewComment(scope);

    await h.probot.receive({ id: "push-s1", name: "push", payload: push(S1) } as never);
    await h.probot.receive({ id: "sync-s1", name: "pull_request", payload: synchronize(S1) } as never);
    held.open();
    await h.app.idle();

    expect(posts(seen, "/check-runs")).toHaveLength(2);
    expect(patches(seen, "/check-runs/11").map((b) => b.status ?? b.conclusion)).toEqual(["success", "in_progress", "success"]);
  });
});
