import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "../support/git-fixture.js";
import { accepted, addRepo, annotationPlaces, BAD, CHECKLIST, deliverPush, E2E_TIMEOUT, expectClean, GOOD, lineOf, PHASE_1, PHASE_2, runsByName, startE2E, stopE2E, WAIT, type E2E } from "./harness.js";

/** A push, end to end: the real app process audits the pushed commit and publishes one completed check run per phase. */

let e: E2E;

beforeAll(async () => {
  e = await startE2E();
});

afterAll(async () => {
  await stopE2E(e);
});

describe.concurrent("push", { timeout: E2E_TIMEOUT }, () => {
  it("publishes completed check runs whose annotations point at the offending lines of the files", async () => {
    const repo = addRepo(e, "push-annotations", GOOD);
    const sha = repo.commit(BAD, "regress");
    const delivery = await deliverPush(e, repo);

    const runs = await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, sha, { count: 2, ...WAIT }));
    await e.app.settled([delivery.id]);
    const byName = runsByName(e.sim.checkRuns(repo.owner, repo.name));
    expect(Object.keys(byName).sort()).toEqual([PHASE_1, PHASE_2]);
    expect(runs.every((r) => r.headSha === sha && r.status === "completed")).toBe(true);
    // phase-1 is required and failing; phase-2 is advisory: neutral.
    expect(byName[PHASE_1]?.conclusion).toBe("failure");
    expect(byName[PHASE_2]?.conclusion).toBe("neutral");

    const db = BAD["src/app/db.py"] as string;
    const dockerfile = BAD.Dockerfile as string;
    const migration = BAD["migrations/0002_email_idx.sql"] as string;
    expect(annotationPlaces(byName[PHASE_1])).toEqual([`src/app/db.py:${lineOf(db, "execute(f")}`]);
    expect(annotationPlaces(byName[PHASE_2])).toEqual(
      [`Dockerfile:${lineOf(dockerfile, "--reload")}`, `migrations/0002_email_idx.sql:${lineOf(migration, "CREATE INDEX")}`].sort(),
    );
    for (const a of byName[PHASE_1]?.annotations ?? []) expect(a.annotation_level).toBe("failure");
    // SECURITY.md is there; the f-string SQL is not allowed.
    expect(byName[PHASE_1]?.output.title).toMatch(/1\/2/);
    expect(byName[PHASE_2]?.output.title).toMatch(/0\/2/);
    expectClean(e, [repo]);
  });

  it("concludes success on a commit where every check holds, with no annotation", async () => {
    const repo = addRepo(e, "push-clean", GOOD);
    const sha = repo.commit({ "README.md": "# api\n\nNow documented.\n" });
    const delivery = await deliverPush(e, repo);

    await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, sha, { count: 2, ...WAIT }));
    await e.app.settled([delivery.id]);
    const byName = runsByName(e.sim.checkRuns(repo.owner, repo.name));
    expect([byName[PHASE_1]?.conclusion, byName[PHASE_2]?.conclusion]).toEqual(["success", "success"]);
    expect(annotationPlaces(byName[PHASE_1])).toEqual([]);
    expect(annotationPlaces(byName[PHASE_2])).toEqual([]);
    expect(byName[PHASE_1]?.output.title).toMatch(/2\/2/);
    expectClean(e, [repo]);
  });

  it("audits a pushed branch other than the default one, on its own head", async () => {
    const repo = addRepo(e, "push-branch", GOOD);
    git(repo.dir, "checkout", "-q", "-b", "feature");
    const sha = repo.commit({ "src/app/db.py": BAD["src/app/db.py"] as string });
    const delivery = await deliverPush(e, repo, { ref: "feature" });

    await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, sha, { count: 2, ...WAIT }));
    await e.app.settled([delivery.id]);
    const byName = runsByName(e.sim.checkRuns(repo.owner, repo.name));
    expect(byName[PHASE_1]?.conclusion).toBe("failure");
    expect(byName[PHASE_2]?.conclusion).toBe("success");
    expect(annotationPlaces(byName[PHASE_1])).toEqual([`src/app/db.py:${lineOf(BAD["src/app/db.py"] as string, "execute(f")}`]);
    expectClean(e, [repo]);
  });

  it("keeps the checklist between pushes, and reads it again once a push to the default branch edits it", async () => {
    const repo = addRepo(e, "push-checklist", GOOD);
    const reads = (): number =>
      e.sim.requests().filter((r) => r.route === "GET /repos/{owner}/{repo}/contents/{path}" && r.path.startsWith(`/repos/${repo.owner}/`)).length;
    const audited = async (ref: string, count: number): Promise<Record<string, { conclusion: string | null }>> => {
      const sha = (await e.sim.repo(repo.owner, repo.name).resolveCommit(`refs/heads/${ref}`)) as string;
      const delivery = await deliverPush(e, repo, { ref });
      const runs = await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, sha, { count, ...WAIT }));
      await e.app.settled([delivery.id]);
      return runsByName(runs);
    };

    git(repo.dir, "checkout", "-q", "-b", "feature");
    repo.commit({ "README.md": "# one\n" });
    expect(Object.keys(await audited("feature", 2)).sort()).toEqual([PHASE_1, PHASE_2]);
    expect(reads()).toBe(1);
    repo.commit({ "README.md": "# two\n" });
    await audited("feature", 2);
    expect(reads(), "the second push's audit reads no checklist").toBe(1);

    // The default branch gains a third phase, which this push's own audit already has.
    git(repo.dir, "checkout", "-q", "main");
    const third = `${CHECKLIST}  - id: phase-3\n    name: Docs\n    checks:\n      - file-exists: { path: CHANGELOG.md }\n`;
    repo.commit({ ".github/phase-gate.yml": third }, "a third phase");
    const onMain = await audited("main", 3);
    expect(onMain["phase-gate: Docs"]?.conclusion).toBe("failure");
    expect(reads()).toBe(2);

    // A pull request's branch is audited with the default branch's checklist, kept again.
    git(repo.dir, "checkout", "-q", "feature");
    repo.commit({ "CHANGELOG.md": "# Changes\n" });
    const onFeature = await audited("feature", 3);
    expect(onFeature["phase-gate: Docs"]?.conclusion).toBe("success");
    expect(reads()).toBe(2);
    expectClean(e, [repo]);
  });

  it("reads the checklist again for a re-run: the fix for a push to the default branch that never arrived", async () => {
    const repo = addRepo(e, "push-rerun", GOOD);
    const first = await deliverPush(e, repo);
    const head = (await e.sim.repo(repo.owner, repo.name).resolveCommit("refs/heads/main")) as string;
    await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, head, { count: 2, ...WAIT }));
    await e.app.settled([first.id]);

    // The checklist gains a phase on the default branch; its push is never delivered.
    const third = `${CHECKLIST}  - id: phase-3\n    name: Docs\n    checks:\n      - file-exists: { path: CHANGELOG.md }\n`;
    const sha = repo.commit({ ".github/phase-gate.yml": third }, "a third phase");
    const suite = async (action: "requested" | "rerequested") => {
      const payload = await e.sim.payloads.checkSuite(repo.owner, repo.name, action);
      const delivery = accepted(await e.sim.deliver(e.app.webhookUrl, { event: "check_suite", payload }));
      await e.app.settled([delivery.id]);
    };
    // GitHub's own check_suite.requested uses the checklist kept (for 5 minutes at most).
    await suite("requested");
    expect(Object.keys(runsByName(e.sim.checkRuns(repo.owner, repo.name, { headSha: sha }))).sort()).toEqual([PHASE_1, PHASE_2]);
    // A person's re-run reads it.
    await suite("rerequested");
    const runs = await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, sha, { count: 3, ...WAIT }));
    expect(runsByName(runs)["phase-gate: Docs"]?.conclusion).toBe("failure");
    expectClean(e, [repo]);
  });
});
