import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "../support/git-fixture.js";
import { addRepo, annotationPlaces, BAD, deliverPush, E2E_TIMEOUT, expectClean, GOOD, lineOf, PHASE_1, PHASE_2, runsByName, startE2E, stopE2E, WAIT, type E2E } from "./harness.js";

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
});
