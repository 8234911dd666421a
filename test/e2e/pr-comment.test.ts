import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "../support/git-fixture.js";
import { accepted, addRepo, annotationPlaces, BAD, E2E_TIMEOUT, expectClean, GOOD, lineOf, PHASE_1, PHASE_2, runsByName, startE2E, stopE2E, WAIT, type E2E, type TestRepo } from "./harness.js";

/** The phase-completion comment of a pull request: created once, then edited in place on the next push. */

const MARKER = "<!-- phase-gate:phase-completion -->";

let e: E2E;

beforeAll(async () => {
  e = await startE2E();
});

afterAll(async () => {
  await stopE2E(e);
});

/** A repository with GOOD on main and a `feature` branch holding `files`, and PR #number from feature into main. */
function pullRequest(owner: string, files: Record<string, string>, number = 7): { repo: TestRepo; head: string; base: string } {
  const repo = addRepo(e, owner, GOOD);
  const base = git(repo.dir, "rev-parse", "HEAD").trim();
  git(repo.dir, "checkout", "-q", "-b", "feature");
  const head = repo.commit(files, "feature work");
  e.sim.addPullRequest(repo.owner, repo.name, { number, head: "feature", title: "Feature" });
  return { repo, head, base };
}

async function deliverPullRequest(repo: TestRepo, number: number, action: "opened" | "synchronize" | "reopened", id?: string) {
  const payload = await e.sim.payloads.pullRequest(repo.owner, repo.name, number, action);
  return accepted(await e.sim.deliver(e.app.webhookUrl, { event: "pull_request", payload, ...(id !== undefined ? { id } : {}) }));
}

describe.concurrent("the phase-completion comment", { timeout: E2E_TIMEOUT }, () => {
  it("is created once when the pull request opens, and edited in place (not re-posted) on the next push", async () => {
    const { repo, head } = pullRequest("pr-lifecycle", { "src/app/db.py": BAD["src/app/db.py"] as string });
    const opened = await deliverPullRequest(repo, 7, "opened");

    await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
    await e.app.settled([opened.id]);
    const first = e.sim.comments(repo.owner, repo.name, 7);
    expect(first).toHaveLength(1);
    const comment = first[0];
    expect(comment?.body.startsWith(MARKER)).toBe(true);
    expect(comment?.user.login).toBe(e.sim.botLogin);
    expect(comment?.user.type).toBe("Bot");
    expect(comment?.edits).toBe(0);
    // The head regressed phase-1 compared with its base (main, where it passed).
    expect(comment?.body).toContain("Foundation");
    expect(comment?.body).toMatch(/fail/i);
    const firstBody = comment?.body ?? "";
    const byName = runsByName(e.sim.checkRuns(repo.owner, repo.name, { headSha: head }));
    expect(byName[PHASE_1]?.conclusion).toBe("failure");
    expect(annotationPlaces(byName[PHASE_1])).toEqual([`src/app/db.py:${lineOf(BAD["src/app/db.py"] as string, "execute(f")}`]);

    // The author fixes it: a new head, `synchronize`.
    const fixed = repo.commit({ "src/app/db.py": GOOD["src/app/db.py"] as string }, "fix the query");
    const sync = await deliverPullRequest(repo, 7, "synchronize");
    await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, fixed, { count: 2, ...WAIT }));
    await e.app.settled([sync.id]);

    const after = e.sim.comments(repo.owner, repo.name, 7);
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBe(comment?.id);
    expect(after[0]?.edits).toBe(1);
    expect(after[0]?.body.startsWith(MARKER)).toBe(true);
    expect(after[0]?.body).not.toBe(firstBody);
    const fixedRuns = runsByName(e.sim.checkRuns(repo.owner, repo.name, { headSha: fixed }));
    expect([fixedRuns[PHASE_1]?.conclusion, fixedRuns[PHASE_2]?.conclusion]).toEqual(["success", "success"]);
    // The first head keeps its own (final) results.
    expect(runsByName(e.sim.checkRuns(repo.owner, repo.name, { headSha: head }))[PHASE_1]?.conclusion).toBe("failure");
    expectClean(e, [repo]);
  });

  it("compares the head with the base: a pull request that fixes a failing phase says so", async () => {
    const repo = addRepo(e, "pr-compare", { ...GOOD, "src/app/db.py": BAD["src/app/db.py"] as string });
    const base = git(repo.dir, "rev-parse", "HEAD").trim();
    git(repo.dir, "checkout", "-q", "-b", "fix");
    const head = repo.commit({ "src/app/db.py": GOOD["src/app/db.py"] as string }, "parameterise the query");
    e.sim.addPullRequest(repo.owner, repo.name, { number: 3, head: "fix", title: "Fix the query" });
    const opened = await deliverPullRequest(repo, 3, "opened");
    await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
    await e.app.settled([opened.id]);

    const comments = e.sim.comments(repo.owner, repo.name, 3);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? "";
    expect(body).toContain(head);
    expect(body).toContain(base);
    const changed = body.slice(body.indexOf("### What this PR changed"), body.indexOf("<details>"));
    expect(changed).toMatch(/Foundation/);
    expect(changed).toMatch(/failing/);
    expect(changed).toMatch(/complete/);
    expect(changed).toContain("file-not-contains");
    // Only the head gets check runs; the base is audited for the comparison only.
    expect(e.sim.checkRuns(repo.owner, repo.name, { headSha: base })).toEqual([]);
    expect(runsByName(e.sim.checkRuns(repo.owner, repo.name, { headSha: head }))[PHASE_1]?.conclusion).toBe("success");
    expectClean(e, [repo]);
  });

  it("does not take over a person's comment that quotes the marker", async () => {
    const { repo, head } = pullRequest("pr-quoted", { "src/app/db.py": BAD["src/app/db.py"] as string }, 4);
    const person = e.sim.addComment(repo.owner, repo.name, 4, { body: `${MARKER}\nI pasted the bot's comment here`, user: "octocat" });
    const opened = await deliverPullRequest(repo, 4, "opened");
    await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
    await e.app.settled([opened.id]);
    const comments = e.sim.comments(repo.owner, repo.name, 4);
    expect(comments).toHaveLength(2);
    expect(comments[0]?.id).toBe(person.id);
    expect(comments[0]?.edits).toBe(0);
    expect(comments[0]?.body).toBe(`${MARKER}\nI pasted the bot's comment here`);
    expect(comments[1]?.user.login).toBe(e.sim.botLogin);
    expectClean(e, [repo]);
  });
});
