import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  api,
  BASE,
  BOT_LOGIN,
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

/** Publishing through the app: idempotent on redelivery, annotations in batches, summaries cut to GitHub's byte limit. */

let h: Harness;

beforeEach(async () => {
  nock.disableNetConnect();
  h = await harness();
});

afterEach(() => finishHttp(h));

describe("the same delivery twice", () => {
  it("makes one comment, and updates the check runs instead of adding new ones", async () => {
    const payload = example("pull_request", "synchronize");
    const scope = api();
    const seen = recordBodies(scope);

    // First delivery: runs created, comment created.
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockCommit(scope, OWNER, REPO, HEAD, FAILING, ["src/db.py"]);
    mockPublish(scope, HEAD);
    mockCommit(scope, OWNER, REPO, BASE, PASSING, ["src/db.py"]);
    mockNewComment(scope);
    await h.deliver("pull_request", payload, "delivery-same");

    const first = [...seen];
    const annotationsOf = (id: number): Body[] =>
      patches(first, `/check-runs/${id}`).flatMap((b) => ((b.output as { annotations?: Body[] } | undefined)?.annotations ?? []));
    const commentBody = String(posts(first, "/issues/2/comments")[0]?.body);
    expect(commentBody).toContain("phase-gate:phase-completion");

    // Second delivery of the same event: the token, GET /app, the checklist and the blobs are kept.
    mockListRuns(scope, OWNER, REPO, HEAD, [
      { id: 11, name: "phase-gate: Foundation", external_id: "phase-gate:phase-1", status: "completed", conclusion: "failure" },
      { id: 12, name: "phase-gate: Hardening", external_id: "phase-gate:phase-2", status: "completed", conclusion: "success" },
    ]);
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/11`).reply(200, {}).patch(`/repos/${OWNER}/${REPO}/check-runs/12`).reply(200, {});
    mockCommit(scope, OWNER, REPO, HEAD, FAILING, []);
    for (const id of [11, 12]) {
      scope
        .get(`/repos/${OWNER}/${REPO}/check-runs/${id}/annotations`)
        .query({ per_page: "100" })
        .reply(200, () => annotationsOf(id).map((a) => ({ ...a, start_column: null, end_column: null, raw_details: null, blob_href: "" })))
        .patch(`/repos/${OWNER}/${REPO}/check-runs/${id}`)
        .reply(200, {});
    }
    mockCommit(scope, OWNER, REPO, BASE, PASSING, []);
    scope
      .get(`/repos/${OWNER}/${REPO}/issues/2/comments`)
      .query({ per_page: "100" })
      .reply(200, [
        { id: 900, body: "<!-- phase-gate:phase-completion -->\nquoted by a person", user: { login: "octocat", type: "User" } },
        { id: 901, body: commentBody, user: { login: BOT_LOGIN, type: "Bot" } },
      ]);
    await h.deliver("pull_request", payload, "delivery-same");

    const all = seen;
    expect(posts(all, "/issues/2/comments")).toHaveLength(1);
    expect(all.some((r) => r.method === "PATCH" && r.path.includes("/issues/comments/"))).toBe(false);
    expect(posts(all, "/check-runs")).toHaveLength(2);
    // Each run: started and completed twice; the annotation already on run 11 is not sent again.
    expect(patches(all, "/check-runs/11").map((b) => b.status ?? b.conclusion)).toEqual(["failure", "in_progress", "failure"]);
    expect(patches(all, "/check-runs/11").at(-1)?.output).not.toHaveProperty("annotations");
  });
});

describe("limits", () => {
  it("sends 60 annotations as 50, then 10 with the conclusion", async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `cursor.execute(f"q{${i}}")`).join("\n");
    const files = { "SECURITY.md": "ok\n", "src/a.py": lines, "src/b.py": lines.replace(/q/g, "r"), "src/c.py": lines.replace(/q/g, "s") };
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockCommit(scope, OWNER, REPO, PUSHED, files, ["src/a.py", "src/b.py", "src/c.py"]);
    mockPublish(scope, PUSHED);
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/11`).reply(200, {});

    await h.deliver("push", example("push", undefined, 4));

    const [batch, last] = patches(seen, "/check-runs/11");
    const annotations = (b: Body | undefined) => ((b?.output as { annotations?: unknown[] } | undefined)?.annotations ?? []).length;
    expect([annotations(batch), annotations(last)]).toEqual([50, 10]);
    expect(batch).not.toHaveProperty("conclusion");
    expect(last).toMatchObject({ conclusion: "failure" });
  });

  it("cuts a summary over 65,535 bytes (not characters) with a note", async () => {
    // 40 checks whose summaries quote a 1,000-character pattern of 2-byte characters: about 84 KB, 44,000 characters.
    const pattern = "é".repeat(1000);
    const checks = Array.from({ length: 40 }, () => `      - file-not-contains: { path: README.md, pattern: "${pattern}" }`).join("\n");
    const checklist = `phases:\n  - id: big\n    name: Big\n    checks:\n${checks}\n`;
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, checklist);
    mockCommit(scope, OWNER, REPO, PUSHED, { "README.md": "hello\n" }, ["README.md"]);
    mockListRuns(scope, OWNER, REPO, PUSHED);
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 61 }).patch(`/repos/${OWNER}/${REPO}/check-runs/61`).reply(200, {});

    await h.deliver("push", example("push", undefined, 4));

    const summary = String((patches(seen, "/check-runs/61")[0]?.output as { summary: string }).summary);
    expect(summary.length).toBeLessThan(65_535);
    expect(Buffer.byteLength(summary, "utf8")).toBeLessThanOrEqual(65_535);
    expect(Buffer.byteLength(summary, "utf8")).toBeGreaterThan(60_000);
    expect(summary).toMatch(/cut to GitHub's limit of 65,535 bytes/);
  });
});
