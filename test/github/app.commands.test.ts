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
  mockNewComment,
  mockPublish,
  OWNER,
  PASSING,
  posts,
  PUSHED,
  recordBodies,
  REPO,
  type Harness,
  type Seen,
} from "./app.harness.js";

/** `/phase-report` through `probot.receive`: reactions, replies, the pull request's head or the default branch, bots, cooldown. */

let h: Harness;
let clock = 0;

beforeEach(async () => {
  nock.disableNetConnect();
  clock = 1_000_000;
  h = await harness({ now: () => clock, commandCooldownMs: 60_000 });
});

afterEach(() => finishHttp(h));

const COMMENT_ID = 492700400;

/** The `issue_comment.created` example (issue #1, by a person) with another body; on a pull request when asked. */
function commentEvent(body: string, { pull = false }: { pull?: boolean } = {}) {
  const payload = example("issue_comment", "created");
  const comment = payload.comment as { body: string; id: number };
  comment.body = body;
  expect(comment.id).toBe(COMMENT_ID);
  if (pull) {
    const issue = payload.issue as Record<string, unknown>;
    issue.number = 2;
    issue.pull_request = { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/2`, html_url: "", diff_url: "", patch_url: "" };
  }
  return payload;
}

const reactions = (seen: readonly Seen[]) => posts(seen, `/issues/comments/${COMMENT_ID}/reactions`).map((b) => b.content);

function mockReaction(scope: nock.Scope, content: string): nock.Scope {
  return scope.post(`/repos/${OWNER}/${REPO}/issues/comments/${COMMENT_ID}/reactions`, { content }).reply(201, { id: 1, content });
}

/** The reply to the command: one comment marked with the command's id. */
function mockReply(scope: nock.Scope, issue: number): nock.Scope {
  return scope
    .get(`/repos/${OWNER}/${REPO}/issues/${issue}/comments`)
    .query({ per_page: "100" })
    .reply(200, [])
    .post(`/repos/${OWNER}/${REPO}/issues/${issue}/comments`)
    .reply(201, { id: 902 });
}

describe("/phase-report", () => {
  it("on an issue: 👀, the default branch's head audited, the report as a reply, 🚀", async () => {
    const payload = commentEvent("Could you check?\n\n/phase-report");
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockReaction(scope, "eyes");
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    const branch = (payload.repository as { default_branch: string }).default_branch;
    scope.get(`/repos/${OWNER}/${REPO}/branches/${branch}`).reply(200, { name: branch, commit: { sha: PUSHED } });
    mockCommit(scope, OWNER, REPO, PUSHED, FAILING, ["src/db.py"]);
    mockPublish(scope, PUSHED);
    mockReply(scope, 1);
    mockReaction(scope, "rocket");

    await h.deliver("issue_comment", payload);

    expect(reactions(seen)).toEqual(["eyes", "rocket"]);
    const [reply] = posts(seen, "/issues/1/comments");
    expect(String(reply?.body)).toMatch(new RegExp(`^<!-- phase-gate:reply:${COMMENT_ID} -->\\n`));
    expect(String(reply?.body)).toContain("Foundation");
    expect(String(reply?.body)).toContain("Hardening");
    expect(posts(seen, "/check-runs").map((b) => b.head_sha)).toEqual([PUSHED, PUSHED]);
  });

  it("on a pull request with a phase id: its head audited, the comment edited, the reply for that phase only", async () => {
    const payload = commentEvent("/phase-report phase-2", { pull: true });
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockReaction(scope, "eyes");
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    scope.get(`/repos/${OWNER}/${REPO}/pulls/2`).reply(200, { number: 2, head: { sha: HEAD }, base: { sha: BASE } });
    mockCommit(scope, OWNER, REPO, HEAD, FAILING, ["src/db.py"]);
    mockPublish(scope, HEAD);
    mockCommit(scope, OWNER, REPO, BASE, PASSING, ["src/db.py"]);
    mockNewComment(scope, 2);
    mockReply(scope, 2);
    mockReaction(scope, "rocket");

    await h.deliver("issue_comment", payload);

    const [sticky, reply] = posts(seen, "/issues/2/comments").map((b) => String(b.body));
    expect(sticky).toMatch(/^<!-- phase-gate:phase-completion -->/);
    expect(reply).toMatch(new RegExp(`^<!-- phase-gate:reply:${COMMENT_ID} -->`));
    expect(reply).toContain("Hardening");
    expect(reply).not.toContain("Foundation");
    expect(reactions(seen)).toEqual(["eyes", "rocket"]);
  });

  it("an unknown phase id: a reply listing the valid ones, 😕, and no audit", async () => {
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockReaction(scope, "eyes");
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockReply(scope, 1);
    mockReaction(scope, "confused");

    await h.deliver("issue_comment", commentEvent("/phase-report phase-9"));

    const [reply] = posts(seen, "/issues/1/comments");
    expect(String(reply?.body)).toContain("no phase `phase-9`");
    expect(String(reply?.body)).toContain("- `phase-1` (Foundation)");
    expect(String(reply?.body)).toContain("- `phase-2` (Hardening)");
    expect(reactions(seen)).toEqual(["eyes", "confused"]);
    expect(seen.some((r) => r.path.includes("/git/") || r.path.includes("/check-runs"))).toBe(false);
  });

  it("a command from a bot is ignored: no reaction, no request at all", async () => {
    const payload = commentEvent("/phase-report");
    payload.sender = { ...(payload.sender as object), login: "some-bot[bot]", type: "Bot" };
    (payload.comment as { user: object }).user = { ...((payload.comment as { user: object }).user), login: "some-bot[bot]", type: "Bot" };
    await h.deliver("issue_comment", payload, "delivery-bot");
    expect(h.logs.find((l) => l.deliveryId === "delivery-bot" && l.reason === "the sender is a bot")).toBeDefined();
  });

  it("a command by the app itself is ignored (known from GET /app)", async () => {
    const payload = commentEvent("/phase-report");
    (payload.comment as { user: object }).user = { ...((payload.comment as { user: object }).user), login: BOT_LOGIN };
    mockAuth(api(), { installations: [] });
    await h.deliver("issue_comment", payload, "delivery-self");
    expect(h.logs.find((l) => l.deliveryId === "delivery-self" && l.reason === "the comment is the app's own")).toBeDefined();
  });

  it.each([
    ["no command", "Looks good to me"],
    ["a quoted command", "> /phase-report\n\nwhy did this fail?"],
    ["a command in a code block", "Type this:\n\n```\n/phase-report\n```"],
  ])("%s: nothing", async (_what, body) => {
    await h.deliver("issue_comment", commentEvent(body), "delivery-none");
    expect(h.logs.find((l) => l.deliveryId === "delivery-none" && l.reason === "no /phase-report command")).toBeDefined();
  });

  it("a second command in the thread within the cooldown gets 😕 and no audit; after it, one runs again", async () => {
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockReaction(scope, "eyes");
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockReply(scope, 1);
    mockReaction(scope, "confused");
    await h.deliver("issue_comment", commentEvent("/phase-report nope"));

    mockReaction(scope, "confused");
    clock += 59_999;
    await h.deliver("issue_comment", commentEvent("/phase-report nope"), "delivery-cooling");
    expect(h.logs.find((l) => l.deliveryId === "delivery-cooling" && String(l.reason).startsWith("cooldown"))).toBeDefined();
    expect(reactions(seen)).toEqual(["eyes", "confused", "confused"]);

    clock += 1;
    mockReaction(scope, "eyes");
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    scope
      .get(`/repos/${OWNER}/${REPO}/issues/1/comments`)
      .query({ per_page: "100" })
      .reply(200, [{ id: 902, body: String(posts(seen, "/issues/1/comments")[0]?.body), user: { login: BOT_LOGIN, type: "Bot" } }]);
    mockReaction(scope, "confused");
    await h.deliver("issue_comment", commentEvent("/phase-report nope"));
    // The same command comment answered again: its reply is found and left as it is.
    expect(posts(seen, "/issues/1/comments")).toHaveLength(1);
    expect(reactions(seen)).toEqual(["eyes", "confused", "confused", "eyes", "confused"]);
  });

  it("an audit that fails: 😕 on the command, and the failure logged with the repository and delivery", async () => {
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockReaction(scope, "eyes");
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    scope.get(/\/repos\/Codertocat\/Hello-World\/branches\/.*/).reply(500, { message: "Server Error" });
    mockReaction(scope, "confused");

    await h.deliver("issue_comment", commentEvent("/phase-report"), "delivery-fails");

    expect(reactions(seen)).toEqual(["eyes", "confused"]);
    const errors = h.errors();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: "audit failed", repo: `${OWNER}/${REPO}`, deliveryId: "delivery-fails" });
    h.logs.length = 0;
  });

  it("issue_comment.edited is not a command", async () => {
    const payload = example("issue_comment", "edited");
    (payload.comment as { body: string }).body = "/phase-report";
    await h.deliver("issue_comment", payload);
  });
});
