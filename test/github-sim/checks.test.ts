import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { validateResponse } from "../support/openapi.js";
import { commitAll, git, makeGitRepo, removeDir, writeFiles } from "../support/git-fixture.js";
import { GitHubSim } from "../support/github-sim/index.js";
import { simOctokit, type SimOctokit } from "../support/github-sim/client.js";

/** Check runs in the simulator: create, update (annotations accumulate), list for a ref, waiters. */

const INSTALLATION = 5;
let sim: GitHubSim;
let dir: string;
let head: string;
let octokit: SimOctokit;

const annotation = (i: number) => ({ path: "src/a.py", start_line: i + 1, end_line: i + 1, annotation_level: "warning" as const, message: `finding ${i}` });

beforeAll(async () => {
  dir = makeGitRepo({ "src/a.py": "a = 1\n" });
  head = git(dir, "rev-parse", "HEAD").trim();
  sim = new GitHubSim({ validateResponses: true });
  await sim.start();
  sim.addRepo({ owner: "acme", name: "api", dir, installationId: INSTALLATION });
  octokit = simOctokit(sim, { installationId: INSTALLATION });
});

afterAll(async () => {
  await sim.stop();
  removeDir(dir);
});

afterEach(() => {
  expect(sim.invalidResponses()).toEqual([]);
  sim.reset();
});

describe("check runs", () => {
  it("creates, updates and completes a run; annotations accumulate across requests like GitHub's", async () => {
    const { data: created } = await octokit.rest.checks.create({
      owner: "acme",
      repo: "api",
      name: "phase-gate: Phase 1",
      head_sha: head,
      status: "in_progress",
      external_id: "phase-gate:phase-1",
      output: { title: "Auditing…", summary: "started", annotations: [annotation(0), annotation(1)] },
    });
    expect(created).toMatchObject({ head_sha: head, status: "in_progress", conclusion: null, external_id: "phase-gate:phase-1", app: { id: sim.appId, slug: "phase-gate" } });
    expect(created.output.annotations_count).toBe(2);

    await octokit.rest.checks.update({ owner: "acme", repo: "api", check_run_id: created.id, output: { title: "t", summary: "s", annotations: Array.from({ length: 50 }, (_, i) => annotation(i + 2)) } });
    const { data: done } = await octokit.rest.checks.update({
      owner: "acme",
      repo: "api",
      check_run_id: created.id,
      conclusion: "failure",
      completed_at: "2026-01-01T00:00:00Z",
      output: { title: "1/2 checks pass", summary: "final", text: "details" },
    });
    expect(done).toMatchObject({ status: "completed", conclusion: "failure", completed_at: "2026-01-01T00:00:00Z", output: { title: "1/2 checks pass", summary: "final", text: "details", annotations_count: 52 } });

    const annotations = await octokit.paginate(octokit.rest.checks.listAnnotations, { owner: "acme", repo: "api", check_run_id: created.id, per_page: 100 });
    expect(annotations.map((a) => a.message)).toEqual(Array.from({ length: 52 }, (_, i) => `finding ${i}`));
    const [record] = sim.checkRuns("acme", "api", { headSha: head });
    expect(record).toMatchObject({ id: created.id, status: "completed", conclusion: "failure", writes: 3 });
    expect(record?.completedAtMs).not.toBeNull();
    expect(sim.invalidRequests()).toEqual([]);
  });

  it("refuses 51 annotations in one request with 422, records it, and changes nothing", async () => {
    const { data: run } = await octokit.rest.checks.create({ owner: "acme", repo: "api", name: "phase-gate: Phase 2", head_sha: head });
    const error = await octokit.rest.checks
      .update({ owner: "acme", repo: "api", check_run_id: run.id, output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i)) } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 422 });
    expect((error as { response: { data: { message: string } } }).response.data.message).toContain("must NOT have more than 50 items");
    expect(sim.invalidRequests()).toHaveLength(1);
    expect(sim.invalidRequests()[0]).toMatchObject({ method: "PATCH", operationId: "checks/update" });
    expect(sim.checkRuns("acme", "api", { name: "phase-gate: Phase 2" })[0]?.annotations).toEqual([]);
  });

  it("refuses a run on a commit the repository does not have, and completion without a conclusion", async () => {
    await expect(octokit.rest.checks.create({ owner: "acme", repo: "api", name: "x", head_sha: "a".repeat(40) })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.checks.create({ owner: "acme", repo: "api", name: "x", head_sha: head, status: "completed" })).rejects.toMatchObject({ status: 422 });
    expect(sim.invalidRequests()).toHaveLength(1); // the second is refused by the description's rule too
  });

  it("lists the runs of a ref: latest per name by default, filters, pages", async () => {
    writeFiles(dir, { "b.txt": "b\n" });
    const sha = commitAll(dir, "second");
    const make = async (name: string) => (await octokit.rest.checks.create({ owner: "acme", repo: "api", name, head_sha: sha })).data.id;
    const first = await make("phase-gate: A");
    const again = await make("phase-gate: A");
    for (let i = 0; i < 4; i += 1) await make(`other ${i}`);

    const latest = await octokit.rest.checks.listForRef({ owner: "acme", repo: "api", ref: sha, check_name: "phase-gate: A" });
    expect(latest.data.total_count).toBe(1);
    expect(latest.data.check_runs.map((r) => r.id)).toEqual([again]);
    const all = await octokit.rest.checks.listForRef({ owner: "acme", repo: "api", ref: sha, check_name: "phase-gate: A", filter: "all" });
    expect(all.data.check_runs.map((r) => r.id).sort()).toEqual([first, again].sort());
    // By branch name, filtered by app, paged 2 at a time: 5 latest runs in 3 pages.
    sim.reset();
    const paged = await octokit.paginate(octokit.rest.checks.listForRef, { owner: "acme", repo: "api", ref: "main", app_id: sim.appId, per_page: 2 });
    expect(paged).toHaveLength(5);
    expect(sim.count("GET /repos/{owner}/{repo}/commits/{ref}/check-runs")).toBe(3);
    const none = await octokit.rest.checks.listForRef({ owner: "acme", repo: "api", ref: sha, app_id: sim.appId + 1 });
    expect(none.data.total_count).toBe(0);
  });

  it("names the open pull requests whose head is the run's commit", async () => {
    git(dir, "checkout", "-q", "-b", "topic");
    writeFiles(dir, { "c.txt": "c\n" });
    const sha = commitAll(dir, "topic");
    git(dir, "checkout", "-q", "main");
    const pr = sim.addPullRequest("acme", "api", { head: "topic" });
    const { data } = await octokit.rest.checks.create({ owner: "acme", repo: "api", name: "n", head_sha: sha });
    expect(data.pull_requests.map((p) => [p.number, p.head.sha, p.base.ref])).toEqual([[pr.number, sha, "main"]]);
  });

  it("waitForCheckRuns resolves when the commit's runs are all completed, not before", async () => {
    writeFiles(dir, { "d.txt": "d\n" });
    const sha = commitAll(dir, "third");
    const waiting = sim.waitForCheckRuns("acme", "api", sha, { count: 2 });
    let settled = false;
    void waiting.then(() => (settled = true));
    const a = (await octokit.rest.checks.create({ owner: "acme", repo: "api", name: "a", head_sha: sha, status: "in_progress" })).data.id;
    await octokit.rest.checks.create({ owner: "acme", repo: "api", name: "b", head_sha: sha, conclusion: "success" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await octokit.rest.checks.update({ owner: "acme", repo: "api", check_run_id: a, conclusion: "neutral" });
    const runs = await waiting;
    expect(runs.map((r) => [r.name, r.conclusion])).toEqual([
      ["a", "neutral"],
      ["b", "success"],
    ]);
  });

  it("a completed run can be put back in progress (a re-audit of the same commit)", async () => {
    const { data: run } = await octokit.rest.checks.create({ owner: "acme", repo: "api", name: "again", head_sha: head, conclusion: "success" });
    const { data } = await octokit.rest.checks.update({ owner: "acme", repo: "api", check_run_id: run.id, status: "in_progress" });
    expect(data).toMatchObject({ status: "in_progress", conclusion: null, completed_at: null });
  });
});

describe("response validation", () => {
  it("would catch a check run that lacks what GitHub's description requires", () => {
    expect(validateResponse("checks/create", 201, { id: 1, name: "x" })).not.toEqual([]);
    expect(validateResponse("checks/create", 201, { id: 1, name: "x" }).join("\n")).toContain("head_sha");
  });
});
