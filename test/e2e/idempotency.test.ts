import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "../support/git-fixture.js";
import type { CheckRunRecord } from "../support/github-sim/index.js";
import { accepted, addRepo, annotationPlaces, BAD, E2E_TIMEOUT, expectClean, GOOD, lineOf, PHASE_1, PHASE_2, PHASES, runsByName, startE2E, stopE2E, WAIT, type E2E, type TestRepo } from "./harness.js";

/**
 * The same work asked for more than once, or at once: a redelivered webhook, events that race for
 * one pull request, a burst of pushes to one branch. Each must end with one comment and one
 * completed check run per phase, on the newest commit, and nothing stale published as final.
 */

const MARKER = "<!-- phase-gate:phase-completion -->";
let e: E2E;

beforeAll(async () => {
  e = await startE2E();
});

afterAll(async () => {
  await stopE2E(e);
});

function featurePullRequest(owner: string, number: number): { repo: TestRepo; head: string } {
  const repo = addRepo(e, owner, GOOD);
  git(repo.dir, "checkout", "-q", "-b", "feature");
  const head = repo.commit({ "src/app/db.py": BAD["src/app/db.py"] as string }, "feature");
  e.sim.addPullRequest(repo.owner, repo.name, { number, head: "feature" });
  return { repo, head };
}

/** What the runs of a commit look like, for comparing two moments. */
const shape = (runs: readonly CheckRunRecord[]) =>
  runs.map((r) => ({ id: r.id, name: r.name, status: r.status, conclusion: r.conclusion, annotations: annotationPlaces(r) }));

const DB_LINE = `src/app/db.py:${lineOf(BAD["src/app/db.py"] as string, "execute(f")}`;

describe.concurrent("the same work asked twice or at once", { timeout: E2E_TIMEOUT }, () => {
  describe("one comment and one check run per phase", () => {
    it("when GitHub redelivers a delivery (same id) after it was handled", async () => {
      const { repo, head } = featurePullRequest("redeliver-after", 2);
      const payload = await e.sim.payloads.pullRequest(repo.owner, repo.name, 2, "opened");
      const first = accepted(await e.sim.deliver(e.app.webhookUrl, { event: "pull_request", payload }));
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
      await e.app.settled([first.id]);
      const before = shape(e.sim.checkRuns(repo.owner, repo.name));
      const writesBefore = e.sim.checkRuns(repo.owner, repo.name).map((r) => r.writes);
      const comment = e.sim.comments(repo.owner, repo.name, 2);
      expect(comment).toHaveLength(1);

      const again = accepted(await e.sim.deliver(e.app.webhookUrl, { event: "pull_request", payload, id: first.id }));
      expect(again.id).toBe(first.id);
      await e.app.settled([first.id, first.id]);

      const runs = e.sim.checkRuns(repo.owner, repo.name);
      expect(shape(runs)).toEqual(before);
      expect(runs.map((r) => r.writes)).toEqual(writesBefore); // the same result: not written again
      expect(runs.every((r) => r.headSha === head)).toBe(true);
      expect(Object.keys(runsByName(runs)).sort()).toEqual([...PHASES].sort());
      expect(annotationPlaces(runsByName(runs)[PHASE_1])).toEqual([DB_LINE]); // not sent twice
      const after = e.sim.comments(repo.owner, repo.name, 2);
      expect(after).toHaveLength(1);
      expect(after[0]?.id).toBe(comment[0]?.id);
      expect(after[0]?.edits).toBe(0); // same content: no edit
      expectClean(e, [repo]);
    });

    it("when the same delivery arrives twice at once", async () => {
      const { repo, head } = featurePullRequest("redeliver-racing", 3);
      const payload = await e.sim.payloads.pullRequest(repo.owner, repo.name, 3, "opened");
      const id = "5a0c6f2e-0000-4000-8000-000000000003";
      const both = await Promise.all([
        e.sim.deliver(e.app.webhookUrl, { event: "pull_request", payload, id }),
        e.sim.deliver(e.app.webhookUrl, { event: "pull_request", payload, id }),
      ]);
      both.forEach(accepted);
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
      await e.app.settled([id, id]);
      const runs = e.sim.checkRuns(repo.owner, repo.name);
      expect(runs.map((r) => [r.name, r.headSha, r.status]).sort()).toEqual(PHASES.map((n) => [n, head, "completed"]).sort());
      expect(runsByName(runs)[PHASE_1]?.conclusion).toBe("failure");
      expect(annotationPlaces(runsByName(runs)[PHASE_1])).toEqual([DB_LINE]);
      expect(e.sim.comments(repo.owner, repo.name, 3).filter((c) => c.body.startsWith(MARKER))).toHaveLength(1);
      expectClean(e, [repo]);
    });

    it("when a push, its check suite and the pull request's synchronize arrive at once", async () => {
      const { repo, head } = featurePullRequest("events-racing", 4);
      const opened = accepted(
        await e.sim.deliver(e.app.webhookUrl, { event: "pull_request", payload: await e.sim.payloads.pullRequest(repo.owner, repo.name, 4, "opened") }),
      );
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
      await e.app.settled([opened.id]);

      // The author pushes a fix: GitHub sends push, check_suite.requested and pull_request.synchronize together.
      const next = repo.commit({ "src/app/db.py": GOOD["src/app/db.py"] as string, Dockerfile: BAD.Dockerfile as string }, "fix the query, break the image");
      const payloads = await Promise.all([
        e.sim.payloads.push(repo.owner, repo.name, { ref: "feature" }),
        e.sim.payloads.checkSuite(repo.owner, repo.name, "requested", { branch: "feature" }),
        e.sim.payloads.pullRequest(repo.owner, repo.name, 4, "synchronize"),
      ]);
      const deliveries = await Promise.all([
        e.sim.deliver(e.app.webhookUrl, { event: "push", payload: payloads[0] }),
        e.sim.deliver(e.app.webhookUrl, { event: "check_suite", payload: payloads[1] }),
        e.sim.deliver(e.app.webhookUrl, { event: "pull_request", payload: payloads[2] }),
      ]);
      deliveries.forEach(accepted);
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, next, { count: 2, ...WAIT }));
      await e.app.settled(deliveries.map((d) => d.id));

      const runs = e.sim.checkRuns(repo.owner, repo.name, { headSha: next });
      const byName = runsByName(runs);
      expect(runs).toHaveLength(2);
      expect([byName[PHASE_1]?.conclusion, byName[PHASE_2]?.conclusion]).toEqual(["success", "neutral"]);
      expect(annotationPlaces(byName[PHASE_2])).toEqual([`Dockerfile:${lineOf(BAD.Dockerfile as string, "--reload")}`]);
      const comments = e.sim.comments(repo.owner, repo.name, 4);
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body).toContain(next);
      // The earlier head keeps its completed runs; nothing is left in progress anywhere.
      expect(e.sim.checkRuns(repo.owner, repo.name).filter((r) => r.status !== "completed")).toEqual([]);
      expectClean(e, [repo]);
    });

    it("when the push and the synchronize of one head come one after the other: the second audit writes the comment and no check run", async () => {
      const { repo, head } = featurePullRequest("push-then-sync", 5);
      const push = accepted(
        await e.sim.deliver(e.app.webhookUrl, { event: "push", payload: await e.sim.payloads.push(repo.owner, repo.name, { ref: "feature" }) }),
      );
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
      await e.app.settled([push.id]);
      const before = shape(e.sim.checkRuns(repo.owner, repo.name));
      const writesBefore = e.sim.checkRuns(repo.owner, repo.name).map((r) => r.writes);
      const seq = Math.max(0, ...e.sim.requests().map((r) => r.seq));

      const sync = accepted(
        await e.sim.deliver(e.app.webhookUrl, { event: "pull_request", payload: await e.sim.payloads.pullRequest(repo.owner, repo.name, 5, "synchronize") }),
      );
      await e.app.settled([push.id, sync.id]);
      const comments = e.sim.comments(repo.owner, repo.name, 5);
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body).toContain(head);
      const runs = e.sim.checkRuns(repo.owner, repo.name);
      expect(shape(runs)).toEqual(before);
      expect(runs.map((r) => r.writes)).toEqual(writesBefore);
      // The runs were listed (one request); their annotations were not, and nothing was written to them.
      const checks = e.sim.requests().filter((r) => r.seq > seq && r.path.startsWith(`/repos/${repo.fullName}/`) && r.route.includes("check-runs"));
      expect(checks.map((r) => r.route)).toEqual(["GET /repos/{owner}/{repo}/commits/{ref}/check-runs"]);
      expectClean(e, [repo]);
    });

    it("when a check suite is re-requested: the runs of the commit are updated, not added", async () => {
      const repo = addRepo(e, "rerequest", { ...GOOD, Dockerfile: BAD.Dockerfile as string });
      const head = git(repo.dir, "rev-parse", "HEAD").trim();
      const first = accepted(
        await e.sim.deliver(e.app.webhookUrl, { event: "check_suite", payload: await e.sim.payloads.checkSuite(repo.owner, repo.name, "requested") }),
      );
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
      await e.app.settled([first.id]);
      const before = shape(e.sim.checkRuns(repo.owner, repo.name));
      const writesBefore = e.sim.checkRuns(repo.owner, repo.name).map((r) => r.writes);
      const rerun = accepted(
        await e.sim.deliver(e.app.webhookUrl, { event: "check_suite", payload: await e.sim.payloads.checkSuite(repo.owner, repo.name, "rerequested") }),
      );
      await e.app.settled([first.id, rerun.id]);
      const runs = e.sim.checkRuns(repo.owner, repo.name);
      expect(shape(runs)).toEqual(before);
      // Each run was written again by the re-run (completed again; shown in progress first if it was slow).
      runs.forEach((r, i) => expect(r.writes).toBeGreaterThan(writesBefore[i] ?? Number.POSITIVE_INFINITY));
      expectClean(e, [repo]);
    });
  });

  describe("a burst of pushes to one branch", () => {
    it("audits the newest commit; the audit it overtook is cancelled, the ones between never run", async () => {
      const repo = addRepo(e, "burst-held", GOOD);
      const shas = [repo.commit({ "src/app/db.py": BAD["src/app/db.py"] as string }, "push 1")];
      // The first audit waits at the tree of its commit until released; after a second of auditing
      // (the app's default), its runs are shown in progress.
      const hold = e.sim.hold({ route: "GET /repos/{owner}/{repo}/git/trees/{tree_sha}", repo: repo.fullName });
      const deliveries = [(await deliverPushOf(repo, shas[0] as string)).id];
      await e.app.guard(hold.reached);
      await e.app.guard(e.sim.waitFor(() => e.sim.checkRuns(repo.owner, repo.name, { headSha: shas[0] }).length === 2, { timeoutMs: 30_000 }));
      for (let i = 2; i <= 5; i++) {
        shas.push(repo.commit({ "src/app/db.py": (i % 2 === 0 ? GOOD : BAD)["src/app/db.py"] as string, "README.md": `push ${i}\n` }, `push ${i}`));
        deliveries.push((await deliverPushOf(repo, shas.at(-1) as string)).id);
      }
      const inProgress = e.sim.checkRuns(repo.owner, repo.name, { headSha: shas[0] });
      expect(inProgress.map((r) => r.status)).toEqual(["in_progress", "in_progress"]);
      hold.release();

      const newest = shas[4] as string;
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, newest, { count: 2, ...WAIT }));
      await e.app.settled(deliveries);
      const byName = runsByName(e.sim.checkRuns(repo.owner, repo.name, { headSha: newest }));
      expect([byName[PHASE_1]?.conclusion, byName[PHASE_2]?.conclusion]).toEqual(["failure", "success"]);
      expect(annotationPlaces(byName[PHASE_1])).toEqual([DB_LINE]);
      // The overtaken audit published no result: its runs closed as cancelled, none left in progress.
      const overtaken = e.sim.checkRuns(repo.owner, repo.name, { headSha: shas[0] });
      expect(overtaken.map((r) => [r.status, r.conclusion])).toEqual([
        ["completed", "cancelled"],
        ["completed", "cancelled"],
      ]);
      expect(overtaken.flatMap((r) => r.annotations)).toEqual([]);
      for (const sha of shas.slice(1, 4)) expect(e.sim.checkRuns(repo.owner, repo.name, { headSha: sha })).toEqual([]);
      expectClean(e, [repo]);
    });

    it("as fast as they come: the newest commit's result is final and right, and no run is left in progress", async () => {
      const repo = addRepo(e, "burst-free", GOOD);
      const shas: string[] = [];
      for (let i = 1; i <= 5; i++) {
        shas.push(repo.commit({ "src/app/db.py": (i % 2 === 1 ? GOOD : BAD)["src/app/db.py"] as string, "README.md": `push ${i}\n` }, `push ${i}`));
      }
      const payloads = await Promise.all(shas.map((sha) => e.sim.payloads.push(repo.owner, repo.name, { after: sha })));
      const deliveries: string[] = [];
      for (const payload of payloads) deliveries.push(accepted(await e.sim.deliver(e.app.webhookUrl, { event: "push", payload })).id);
      const newest = shas[4] as string;
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, newest, { count: 2, ...WAIT }));
      await e.app.settled(deliveries);

      const byName = runsByName(e.sim.checkRuns(repo.owner, repo.name, { headSha: newest }));
      expect([byName[PHASE_1]?.conclusion, byName[PHASE_2]?.conclusion]).toEqual(["success", "success"]);
      const all = e.sim.checkRuns(repo.owner, repo.name);
      expect(all.filter((r) => r.status !== "completed")).toEqual([]);
      // An older commit's runs are cancelled, or carry that commit's own result (audited before the next push came).
      for (const [i, sha] of shas.slice(0, 4).entries()) {
        const own = i % 2 === 0 ? "success" : "failure";
        for (const run of e.sim.checkRuns(repo.owner, repo.name, { headSha: sha, name: PHASE_1 })) expect(["cancelled", own]).toContain(run.conclusion);
      }
      expectClean(e, [repo]);
    });
  });
});


async function deliverPushOf(repo: TestRepo, sha: string) {
  const payload = await e.sim.payloads.push(repo.owner, repo.name, { after: sha });
  return accepted(await e.sim.deliver(e.app.webhookUrl, { event: "push", payload }));
}
