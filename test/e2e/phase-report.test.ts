import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "../support/git-fixture.js";
import { accepted, addRepo, BAD, E2E_TIMEOUT, expectClean, GOOD, PHASE_1, PHASE_2, runsByName, startE2E, stopE2E, WAIT, type E2E, type TestRepo } from "./harness.js";

/** The `/phase-report` comment command, answered by the real app process. */

let e: E2E;

beforeAll(async () => {
  e = await startE2E();
});

afterAll(async () => {
  await stopE2E(e);
});

/** Posts a comment on the thread (stored, then `issue_comment.created` delivered); returns its id and the delivery. */
async function comment(repo: TestRepo, number: number, body: string, user: { login?: string; type?: "User" | "Bot" } = {}) {
  const { payload, commentId } = await e.sim.payloads.issueComment(repo.owner, repo.name, number, {
    body,
    ...(user.login !== undefined ? { user: user.login } : {}),
    ...(user.type !== undefined ? { userType: user.type } : {}),
  });
  const delivery = accepted(await e.sim.deliver(e.app.webhookUrl, { event: "issue_comment", payload }));
  return { commentId, delivery };
}

const reactions = (repo: TestRepo, commentId: number): string[] => e.sim.reactions(repo.owner, repo.name, commentId).map((r) => r.content);

/** The app's reply to one command comment (found by its marker). */
function replyTo(repo: TestRepo, number: number, commentId: number) {
  return e.sim.comments(repo.owner, repo.name, number).filter((c) => c.body.startsWith(`<!-- phase-gate:reply:${commentId} -->`));
}

function featurePullRequest(owner: string, number: number): { repo: TestRepo; head: string } {
  const repo = addRepo(e, owner, GOOD);
  git(repo.dir, "checkout", "-q", "-b", "feature");
  const head = repo.commit({ Dockerfile: BAD.Dockerfile as string }, "dev server");
  e.sim.addPullRequest(repo.owner, repo.name, { number, head: "feature" });
  return { repo, head };
}

describe.concurrent("/phase-report", { timeout: E2E_TIMEOUT }, () => {
  it("on a pull request: 👀 at once, then the report of its head as a reply, and 🚀", async () => {
    const { repo, head } = featurePullRequest("cmd-pr", 5);
    const { commentId, delivery } = await comment(repo, 5, "Could you check?\n\n/phase-report");

    await e.app.guard(e.sim.waitFor(() => reactions(repo, commentId).includes("rocket"), { description: "🚀 on the command", ...WAIT }));
    await e.app.settled([delivery.id]);
    expect(reactions(repo, commentId).sort()).toEqual(["eyes", "rocket"]);
    for (const r of e.sim.reactions(repo.owner, repo.name, commentId)) expect(r.user.login).toBe(e.sim.botLogin);

    const replies = replyTo(repo, 5, commentId);
    expect(replies).toHaveLength(1);
    const body = replies[0]?.body ?? "";
    expect(body).toContain(head);
    expect(body).toContain("Foundation");
    expect(body).toContain("Hardening");
    expect(body).toContain("dockerfile-reload");
    expect(body).toMatch(/--reload/);
    // The command audits the head like an event would: its check runs, and the PR's one phase-completion comment.
    const runs = runsByName(e.sim.checkRuns(repo.owner, repo.name, { headSha: head }));
    expect(runs[PHASE_2]?.conclusion).toBe("neutral");
    expect(runs[PHASE_1]?.conclusion).toBe("success");
    const all = e.sim.comments(repo.owner, repo.name, 5);
    expect(all.filter((c) => c.body.startsWith("<!-- phase-gate:phase-completion -->"))).toHaveLength(1);
    expect(all).toHaveLength(3); // the command, the reply, the phase-completion comment
    expectClean(e, [repo]);
  });

  it("with a phase id: the reply shows that phase only", async () => {
    const { repo } = featurePullRequest("cmd-phase", 6);
    const { commentId, delivery } = await comment(repo, 6, "/phase-report phase-2");
    await e.app.guard(e.sim.waitFor(() => reactions(repo, commentId).includes("rocket"), { description: "🚀 on the command", ...WAIT }));
    await e.app.settled([delivery.id]);
    const replies = replyTo(repo, 6, commentId);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain("Hardening");
    expect(replies[0]?.body).not.toContain("Foundation");
    expectClean(e, [repo]);
  });

  it("with an unknown phase id: a reply listing the phases, 😕, and no audit", async () => {
    const { repo, head } = featurePullRequest("cmd-unknown", 8);
    const { commentId, delivery } = await comment(repo, 8, "/phase-report phase-9");
    await e.app.guard(e.sim.waitFor(() => reactions(repo, commentId).includes("confused"), { description: "😕 on the command", ...WAIT }));
    await e.app.settled([delivery.id]);
    expect(reactions(repo, commentId).sort()).toEqual(["confused", "eyes"]);
    const replies = replyTo(repo, 8, commentId);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain("phase-9");
    expect(replies[0]?.body).toContain("`phase-1`");
    expect(replies[0]?.body).toContain("`phase-2`");
    expect(e.sim.checkRuns(repo.owner, repo.name, { headSha: head })).toEqual([]);
    expect(e.sim.requests().filter((r) => r.path.startsWith(`/repos/${repo.fullName}/git/`))).toEqual([]);
    expectClean(e, [repo]);
  });

  it("on an issue: the report of the default branch's head", async () => {
    const repo = addRepo(e, "cmd-issue", { ...GOOD, "migrations/0002_email_idx.sql": BAD["migrations/0002_email_idx.sql"] as string });
    const main = git(repo.dir, "rev-parse", "HEAD").trim();
    e.sim.addIssue(repo.owner, repo.name, { number: 11, title: "Where are we?" });
    const { commentId, delivery } = await comment(repo, 11, "/phase-report");
    await e.app.guard(e.sim.waitFor(() => reactions(repo, commentId).includes("rocket"), { description: "🚀 on the command", ...WAIT }));
    await e.app.settled([delivery.id]);
    const replies = replyTo(repo, 11, commentId);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain(main);
    expect(replies[0]?.body).toContain("index-migrations");
    expect(replies[0]?.body).toMatch(/CONCURRENTLY/);
    // An issue has no phase-completion comment.
    expect(e.sim.comments(repo.owner, repo.name, 11).filter((c) => c.body.startsWith("<!-- phase-gate:phase-completion -->"))).toEqual([]);
    expect(runsByName(e.sim.checkRuns(repo.owner, repo.name, { headSha: main }))[PHASE_2]?.conclusion).toBe("neutral");
    expectClean(e, [repo]);
  });

  it("from a bot, or quoted, is not a command: no reaction, no reply", async () => {
    const { repo } = featurePullRequest("cmd-ignored", 9);
    const bot = await comment(repo, 9, "/phase-report", { login: "other-app[bot]", type: "Bot" });
    const quoted = await comment(repo, 9, "> /phase-report\n\nthe bot said this earlier");
    await e.app.settled([bot.delivery.id, quoted.delivery.id]);
    const ignored = e.app.linesOf(repo.fullName).filter((l) => (l.msg ?? "").startsWith("ignored: "));
    expect(ignored.map((l) => l.deliveryId).sort()).toEqual([bot.delivery.id, quoted.delivery.id].sort());
    expect(reactions(repo, bot.commentId)).toEqual([]);
    expect(reactions(repo, quoted.commentId)).toEqual([]);
    expect(e.sim.comments(repo.owner, repo.name, 9)).toHaveLength(2);
    expect(e.sim.requests().filter((r) => r.path.startsWith(`/repos/${repo.fullName}/`))).toEqual([]);
    expectClean(e, [repo]);
  });
});
