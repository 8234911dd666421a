import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "../support/git-fixture.js";
import { accepted, addRepo, annotationPlaces, BAD, deliverPush, E2E_TIMEOUT, expectClean, GOOD, lineOf, PHASE_1, PHASE_2, PHASES, runsByName, startE2E, stopE2E, WAIT, type E2E, type TestRepo } from "./harness.js";

/**
 * GitHub failing under the real app process: server errors on writes (answered before or after the
 * write took effect) and secondary rate limits. Each scenario must still end with one comment and
 * one completed check run per phase. Faults are given per repository, so the tests run at once.
 */

const MARKER = "<!-- phase-gate:phase-completion -->";
const COMMENTS = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const CREATE_RUN = "POST /repos/{owner}/{repo}/check-runs";
const UPDATE_RUN = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";
const TREE = "GET /repos/{owner}/{repo}/git/trees/{tree_sha}";
const DB_LINE = `src/app/db.py:${lineOf(BAD["src/app/db.py"] as string, "execute(f")}`;

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

async function openPullRequest(repo: TestRepo, number: number) {
  const payload = await e.sim.payloads.pullRequest(repo.owner, repo.name, number, "opened");
  return accepted(await e.sim.deliver(e.app.webhookUrl, { event: "pull_request", payload }));
}

/** The requests of one repository that the simulator answered with an injected fault. */
const faulted = (repo: TestRepo) => e.sim.requests().filter((r) => r.fault !== null && r.path.startsWith(`/repos/${repo.fullName}/`));

/** The phase runs of a commit: one per phase, completed, phase-1 failing on the f-string SQL. */
function expectFailingRuns(repo: TestRepo, sha: string): void {
  const runs = e.sim.checkRuns(repo.owner, repo.name, { headSha: sha });
  const byName = runsByName(runs);
  expect(Object.keys(byName).sort()).toEqual([...PHASES].sort());
  expect(runs.map((r) => r.status)).toEqual(["completed", "completed"]);
  expect([byName[PHASE_1]?.conclusion, byName[PHASE_2]?.conclusion]).toEqual(["failure", "success"]);
  expect(annotationPlaces(byName[PHASE_1])).toEqual([DB_LINE]);
}

describe.concurrent("GitHub failing", { timeout: E2E_TIMEOUT }, () => {
  describe("a 5xx on comment creation", () => {
    it("answered before the comment is stored: the pull request still ends with one comment", async () => {
      const { repo, head } = featurePullRequest("comment-502", 2);
      e.sim.fault({ route: COMMENTS, repo: repo.fullName, status: 502 });
      const opened = await openPullRequest(repo, 2);
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
      await e.app.settled([opened.id]);

      expect(faulted(repo).map((r) => `${r.route} ${r.status}`)).toEqual([`${COMMENTS} 502`]);
      expectFailingRuns(repo, head);
      const comments = e.sim.comments(repo.owner, repo.name, 2);
      expect(comments.map((c) => c.body.startsWith(MARKER))).toEqual([true]);
      expectClean(e, [repo]);
    });

    it("answered after the comment was stored (GitHub's 500 that did happen): one comment, never a duplicate", async () => {
      const { repo, head } = featurePullRequest("comment-500-stored", 3);
      e.sim.fault({ route: COMMENTS, repo: repo.fullName, status: 500, afterEffect: true });
      const opened = await openPullRequest(repo, 3);
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
      await e.app.settled([opened.id]);
      expect(faulted(repo).map((r) => `${r.route} ${r.status}`)).toEqual([`${COMMENTS} 500`]);
      expectFailingRuns(repo, head);
      const comments = e.sim.comments(repo.owner, repo.name, 3);
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body.startsWith(MARKER)).toBe(true);

      // The next push edits that comment: still one.
      const next = repo.commit({ "src/app/db.py": GOOD["src/app/db.py"] as string }, "fix");
      const sync = accepted(
        await e.sim.deliver(e.app.webhookUrl, { event: "pull_request", payload: await e.sim.payloads.pullRequest(repo.owner, repo.name, 3, "synchronize") }),
      );
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, next, { count: 2, ...WAIT }));
      await e.app.settled([sync.id]);
      const after = e.sim.comments(repo.owner, repo.name, 3);
      expect(after).toHaveLength(1);
      expect(after[0]?.id).toBe(comments[0]?.id);
      expect(after[0]?.body).toContain(next);
      expectClean(e, [repo]);
    });
  });

  describe("a 5xx on check runs", () => {
    it("on creating a run, answered after GitHub created it: one run per phase, none left in progress", async () => {
      const repo = addRepo(e, "run-create-500", GOOD);
      const sha = repo.commit({ "src/app/db.py": BAD["src/app/db.py"] as string });
      e.sim.fault({ route: CREATE_RUN, repo: repo.fullName, status: 500, afterEffect: true });
      const delivery = await deliverPush(e, repo);
      await e.app.settled([delivery.id]);
      expect(faulted(repo).map((r) => `${r.route} ${r.status}`)).toEqual([`${CREATE_RUN} 500`]);
      expectFailingRuns(repo, sha);
      expectClean(e, [repo]);
    });

    it("on completing a run: retried, and the run completes", async () => {
      const repo = addRepo(e, "run-update-503", GOOD);
      const sha = repo.commit({ "src/app/db.py": BAD["src/app/db.py"] as string });
      // A slow audit (held at its tree until its runs are shown in progress, after the app's default
      // second) completes its runs with updates: the first of them fails.
      e.sim.fault({ route: UPDATE_RUN, repo: repo.fullName, status: 503 });
      const hold = e.sim.hold({ route: TREE, repo: repo.fullName });
      const delivery = await deliverPush(e, repo);
      await e.app.guard(hold.reached);
      await e.app.guard(e.sim.waitFor(() => e.sim.checkRuns(repo.owner, repo.name, { headSha: sha }).filter((r) => r.status === "in_progress").length === 2, { timeoutMs: 30_000 }));
      hold.release();
      await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, sha, { count: 2, ...WAIT }));
      await e.app.settled([delivery.id]);
      expect(faulted(repo).map((r) => `${r.route} ${r.status}`)).toEqual([`${UPDATE_RUN} 503`]);
      expectFailingRuns(repo, sha);
      expectClean(e, [repo]);
    });
  });

  describe("secondary rate limits", () => {
    it("a 403 with retry-after on reading the tree is waited out, and the audit completes", async () => {
      const repo = addRepo(e, "secondary-403-read", GOOD);
      const sha = repo.commit({ "src/app/db.py": BAD["src/app/db.py"] as string });
      e.sim.secondaryRateLimit({ route: TREE, repo: repo.fullName, retryAfter: 1, status: 403 });
      const delivery = await deliverPush(e, repo);
      await e.app.settled([delivery.id]);
      const limited = faulted(repo);
      expect(limited.map((r) => `${r.route} ${r.status}`)).toEqual([`${TREE} 403`]);
      expectFailingRuns(repo, sha);
      // Waited out: the tree was asked again only after the limit said to wait.
      const retried = e.sim.requests().filter((r) => r.route === TREE && r.path.startsWith(`/repos/${repo.fullName}/`) && r.seq > (limited[0]?.seq ?? 0));
      expect(retried.length).toBeGreaterThan(0);
      expect((retried[0]?.time ?? 0) - (limited[0]?.time ?? 0)).toBeGreaterThanOrEqual(1000);
      expectClean(e, [repo]);
    });

    it("a 403 with retry-after on creating a check run is waited out, and the audit completes", async () => {
      const repo = addRepo(e, "secondary-403-write", GOOD);
      const sha = repo.commit({ "src/app/db.py": BAD["src/app/db.py"] as string });
      e.sim.secondaryRateLimit({ route: CREATE_RUN, repo: repo.fullName, retryAfter: 1, status: 403 });
      const delivery = await deliverPush(e, repo);
      await e.app.settled([delivery.id]);
      expect(faulted(repo).map((r) => `${r.route} ${r.status}`)).toEqual([`${CREATE_RUN} 403`]);
      expectFailingRuns(repo, sha);
      expectClean(e, [repo]);
    });

    it("a 429 with retry-after is waited out, and the audit completes", async () => {
      const repo = addRepo(e, "secondary-429", GOOD);
      const sha = repo.commit({ "src/app/db.py": BAD["src/app/db.py"] as string });
      e.sim.secondaryRateLimit({ route: TREE, repo: repo.fullName, retryAfter: 1, status: 429 });
      const delivery = await deliverPush(e, repo);
      await e.app.settled([delivery.id]);
      expect(faulted(repo).map((r) => `${r.route} ${r.status}`)).toEqual([`${TREE} 429`]);
      expectFailingRuns(repo, sha);
      expectClean(e, [repo]);
    });
  });
});
