import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OPEN_RUNS_AFTER_MS } from "../../src/github/audit-commit.js";
import {
  CHECKLIST,
  example,
  FAILING,
  finishHttp,
  harness,
  mockAuth,
  mockChecklist,
  mockCommit,
  mockListRuns,
  OWNER,
  patches,
  posts,
  PUSHED,
  recordBodies,
  REPO,
  api,
  blobSha,
  gate,
  type Harness,
} from "./app.harness.js";

/**
 * The app as shipped opens a phase's check run `in_progress` only when its audit takes longer than
 * `openRunsAfterMs` (1 s): a fast audit creates each run already completed, one write per phase
 * instead of two. The other app tests open runs at once (`openRunsAfterMs: 0`).
 */

let h: Harness;

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => finishHttp(h));

const RUNS = `/repos/${OWNER}/${REPO}/check-runs`;

/** The app with `openRunsAfterMs`, and GitHub answering for the token and the checklist. */
async function start(openRunsAfterMs: number) {
  h = await harness({ openRunsAfterMs });
  const scope = api();
  const seen = recordBodies(scope);
  mockAuth(scope);
  mockChecklist(scope, OWNER, REPO, CHECKLIST);
  return { scope, seen };
}

/** The one error a failed audit logs (then cleared, so that finishHttp finds no other). */
function expectAuditFailed(): void {
  expect(h.errors().map((e) => e.msg)).toEqual(["audit failed"]);
  h.logs.length = 0;
}

describe("check runs of a fast audit", () => {
  it("are created already completed, with their results and annotations: one write per phase", async () => {
    expect(OPEN_RUNS_AFTER_MS).toBe(1_000);
    const { scope, seen } = await start(OPEN_RUNS_AFTER_MS);
    mockCommit(scope, OWNER, REPO, PUSHED, FAILING, ["src/db.py"]);
    mockListRuns(scope, OWNER, REPO, PUSHED);
    scope.post(RUNS).reply(201, { id: 11 }).post(RUNS).reply(201, { id: 12 });

    await h.deliver("push", example("push", undefined, 4));

    const created = posts(seen, "/check-runs");
    expect(created.map((b) => [b.name, b.status ?? null, b.conclusion, b.external_id])).toEqual([
      ["phase-gate: Foundation", null, "failure", "phase-gate:phase-1"],
      ["phase-gate: Hardening", null, "success", "phase-gate:phase-2"],
    ]);
    expect(created[0]?.output).toMatchObject({
      title: "1/2 checks pass",
      annotations: [{ path: "src/db.py", start_line: 2, end_line: 2, annotation_level: "failure" }],
    });
    expect(seen.filter((r) => r.method === "PATCH")).toEqual([]);
  });

  it("update the commit's existing runs (a redelivery) straight to their results, never back to in progress", async () => {
    const { scope, seen } = await start(1_000);
    mockCommit(scope, OWNER, REPO, PUSHED, FAILING, ["src/db.py"]);
    mockListRuns(scope, OWNER, REPO, PUSHED, [
      { id: 71, name: "phase-gate: Foundation", external_id: "phase-gate:phase-1", status: "completed", conclusion: "failure" },
      { id: 72, name: "phase-gate: Hardening", external_id: "phase-gate:phase-2", status: "completed", conclusion: "success" },
    ]);
    // The first run holds its annotation already: listed, not sent again.
    scope
      .get(`${RUNS}/71/annotations`)
      .query({ per_page: "100" })
      .reply(200, [
        {
          path: "src/db.py",
          start_line: 2,
          end_line: 2,
          start_column: null,
          end_column: null,
          annotation_level: "failure",
          title: null,
          message: null,
          raw_details: null,
          blob_href: "",
        },
      ])
      .get(`${RUNS}/72/annotations`)
      .query({ per_page: "100" })
      .reply(200, []);
    scope.patch(`${RUNS}/71`).reply(200, { id: 71 }).patch(`${RUNS}/72`).reply(200, { id: 72 });

    await h.deliver("push", example("push", undefined, 4));

    expect(posts(seen, "/check-runs")).toEqual([]);
    expect(patches(seen, "/check-runs/71").map((b) => b.status ?? b.conclusion)).toEqual(["failure"]);
    expect(patches(seen, "/check-runs/72").map((b) => b.status ?? b.conclusion)).toEqual(["success"]);
  });
});

describe("a create answered with a 5xx after GitHub stored the run", () => {
  it("finds the stored run and does not send its annotations again", async () => {
    const { scope, seen } = await start(1_000);
    mockCommit(scope, OWNER, REPO, PUSHED, FAILING, ["src/db.py"]);
    mockListRuns(scope, OWNER, REPO, PUSHED);
    scope.post(RUNS).reply(502, { message: "Bad Gateway" });
    // Looked for after the 502: GitHub had stored it.
    mockListRuns(scope, OWNER, REPO, PUSHED, [{ id: 11, name: "phase-gate: Foundation", external_id: "phase-gate:phase-1", status: "completed", conclusion: "failure" }]);
    scope.patch(`${RUNS}/11`).reply(200, { id: 11 });
    scope.post(RUNS).reply(201, { id: 12 });

    await h.deliver("push", example("push", undefined, 4));

    const [first] = posts(seen, "/check-runs");
    expect(first?.output).toMatchObject({ annotations: [{ path: "src/db.py", start_line: 2 }] });
    const [again] = patches(seen, "/check-runs/11");
    expect(again).toMatchObject({ conclusion: "failure", output: { title: "1/2 checks pass" } });
    expect((again?.output as Record<string, unknown>).annotations).toBeUndefined();
    expect(posts(seen, "/check-runs").map((b) => b.name)).toEqual(["phase-gate: Foundation", "phase-gate: Hardening"]);
  });
});

describe("check runs of a slow audit", () => {
  it("are opened in progress once the audit has run openRunsAfterMs, then completed", async () => {
    const { scope, seen } = await start(20);
    mockListRuns(scope, OWNER, REPO, PUSHED);
    // The file the audit reads answers only once the runs are open: they are opened while it waits.
    mockCommit(scope, OWNER, REPO, PUSHED, FAILING, []);
    const opened = gate();
    const content = FAILING["src/db.py"] ?? "";
    scope.get(`/repos/${OWNER}/${REPO}/git/blobs/${blobSha(content)}`).reply(async () => {
      await opened.promise;
      return [200, { sha: blobSha(content), node_id: "", url: "", size: Buffer.byteLength(content), encoding: "base64", content: Buffer.from(content).toString("base64") }];
    });
    scope
      .post(RUNS)
      .reply(201, { id: 11 })
      .post(RUNS)
      .reply(() => {
        opened.open();
        return [201, { id: 12 }];
      });
    scope.patch(`${RUNS}/11`).reply(200, { id: 11 }).patch(`${RUNS}/12`).reply(200, { id: 12 });

    await h.deliver("push", example("push", undefined, 4));

    expect(posts(seen, "/check-runs").map((b) => b.status)).toEqual(["in_progress", "in_progress"]);
    expect(patches(seen, "/check-runs/11").map((b) => b.conclusion)).toEqual(["failure"]);
    expect(patches(seen, "/check-runs/12").map((b) => b.conclusion)).toEqual(["success"]);
  });

  it("does not reopen runs that show a result already when GitHub sent the event on its own: updated only", async () => {
    const { scope, seen } = await start(20);
    // Completed by an earlier audit of the commit (their marker says with another result).
    const shown = (id: number, phase: string, name: string, conclusion: string) => ({
      id,
      name,
      external_id: `phase-gate:${phase}`,
      status: "completed",
      conclusion,
      output: { title: "old", summary: "old\n<!-- phase-gate:output:earlier -->\n", text: null, annotations_count: 0 },
    });
    mockListRuns(scope, OWNER, REPO, PUSHED, [shown(71, "phase-1", "phase-gate: Foundation", "success"), shown(72, "phase-2", "phase-gate: Hardening", "success")]);
    mockCommit(scope, OWNER, REPO, PUSHED, FAILING, []);
    const content = FAILING["src/db.py"] ?? "";
    // Slow: the file answers well after openRunsAfterMs.
    scope.get(`/repos/${OWNER}/${REPO}/git/blobs/${blobSha(content)}`).delay(200).reply(200, { sha: blobSha(content), node_id: "", url: "", size: Buffer.byteLength(content), encoding: "base64", content: Buffer.from(content).toString("base64") });
    scope.get(`${RUNS}/71/annotations`).query({ per_page: "100" }).reply(200, []).get(`${RUNS}/72/annotations`).query({ per_page: "100" }).reply(200, []);
    scope.patch(`${RUNS}/71`).reply(200, { id: 71 }).patch(`${RUNS}/72`).reply(200, { id: 72 });

    await h.deliver("push", example("push", undefined, 4));

    expect(posts(seen, "/check-runs")).toEqual([]);
    expect(patches(seen, "/check-runs/71").map((b) => b.status ?? b.conclusion)).toEqual(["failure"]);
    expect(patches(seen, "/check-runs/72").map((b) => b.status ?? b.conclusion)).toEqual(["success"]);
  });
});

describe("an audit that fails before its runs were shown", () => {
  it("creates each phase's run cancelled, saying why, so the failure and its re-run are visible", async () => {
    const { scope, seen } = await start(1_000);
    mockListRuns(scope, OWNER, REPO, PUSHED);
    scope.get(`/repos/${OWNER}/${REPO}/git/trees/${PUSHED}`).query({ recursive: "1" }).reply(404, { message: "Not Found" });
    scope.post(RUNS).reply(201, { id: 11 }).post(RUNS).reply(201, { id: 12 });

    await h.deliver("push", example("push", undefined, 4));

    const created = posts(seen, "/check-runs");
    expect(created.map((b) => [b.name, b.conclusion])).toEqual([
      ["phase-gate: Foundation", "cancelled"],
      ["phase-gate: Hardening", "cancelled"],
    ]);
    expect(created[0]?.output).toMatchObject({ title: "The audit could not finish", summary: expect.stringContaining("GitHub answered 404") });
    expectAuditFailed();
  });

  it("a phase that fails to publish does not close, or duplicate, a phase already published", async () => {
    const { scope, seen } = await start(1_000);
    mockCommit(scope, OWNER, REPO, PUSHED, FAILING, ["src/db.py"]);
    mockListRuns(scope, OWNER, REPO, PUSHED);
    scope
      .post(RUNS)
      .reply(201, { id: 11 })
      .post(RUNS)
      .reply(422, { message: "Invalid request" })
      .post(RUNS)
      .reply(201, { id: 12 });

    await h.deliver("push", example("push", undefined, 4));

    expect(posts(seen, "/check-runs").map((b) => [b.name, b.conclusion])).toEqual([
      ["phase-gate: Foundation", "failure"],
      ["phase-gate: Hardening", "success"],
      ["phase-gate: Hardening", "cancelled"],
    ]);
    expect(seen.filter((r) => r.method === "PATCH")).toEqual([]);
    expectAuditFailed();
  });

  it("closes a run an earlier job left in progress when this audit cannot finish either", async () => {
    const { scope, seen } = await start(1_000);
    mockListRuns(scope, OWNER, REPO, PUSHED, [
      { id: 71, name: "phase-gate: Foundation", external_id: "phase-gate:phase-1", status: "in_progress", conclusion: null },
      { id: 72, name: "phase-gate: Hardening", external_id: "phase-gate:phase-2", status: "completed", conclusion: "success" },
    ]);
    scope.get(`/repos/${OWNER}/${REPO}/git/trees/${PUSHED}`).query({ recursive: "1" }).reply(404, { message: "Not Found" });
    scope.patch(`${RUNS}/71`).reply(200, { id: 71 });

    await h.deliver("push", example("push", undefined, 4));

    expect(patches(seen, "/check-runs/71").map((b) => b.conclusion)).toEqual(["cancelled"]);
    expect(patches(seen, "/check-runs/72")).toEqual([]);
    expect(posts(seen, "/check-runs")).toEqual([]);
    expectAuditFailed();
  });

  it("leaves a run of an earlier audit of the same commit with its result", async () => {
    const { scope, seen } = await start(1_000);
    mockListRuns(scope, OWNER, REPO, PUSHED, [{ id: 71, name: "phase-gate: Foundation", external_id: "phase-gate:phase-1", status: "completed", conclusion: "failure" }]);
    scope.get(`/repos/${OWNER}/${REPO}/git/trees/${PUSHED}`).query({ recursive: "1" }).reply(404, { message: "Not Found" });
    scope.post(RUNS).reply(201, { id: 12 });

    await h.deliver("push", example("push", undefined, 4));

    expect(patches(seen, "/check-runs/71")).toEqual([]);
    expect(posts(seen, "/check-runs").map((b) => [b.name, b.conclusion])).toEqual([["phase-gate: Hardening", "cancelled"]]);
    expectAuditFailed();
  });
});
