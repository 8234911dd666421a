import nock from "nock";
import { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { budgetGroup, notifyingBudget, NOTIFYING_BURST, PhaseGateOctokit, WRITE_BURST, writeBudget } from "../../src/github/octokit.js";
import { privateKey } from "./app.harness.js";

/**
 * The app's Octokit: Probot's, with a write budget per installation (token buckets) in place of
 * Probot's fixed pacing. Asserted through the buckets' reservoirs, never through time.
 */

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function probot(): Probot {
  return new Probot({ appId: 123, privateKey, Octokit: PhaseGateOctokit });
}

describe("PhaseGateOctokit through Probot", () => {
  it("spends one write of the installation's own bucket per POST or PATCH, none per GET", async () => {
    const scope = nock("https://api.github.com")
      .post("/app/installations/9101/access_tokens")
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {}, repository_selection: "all" })
      .get("/repos/o/r")
      .reply(200, { id: 1 })
      .post("/repos/o/r/check-runs")
      .times(3)
      .reply(201, { id: 5 })
      .patch("/repos/o/r/check-runs/5")
      .reply(200, { id: 5 });
    const octokit = await probot().auth(9101);
    await octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
    for (let i = 0; i < 3; i++) await octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner: "o", repo: "r", name: "n", head_sha: "a".repeat(40) });
    await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { owner: "o", repo: "r", check_run_id: 5 });
    expect(scope.pendingMocks()).toEqual([]);
    expect(await writeBudget.key("9101").currentReservoir()).toBe(WRITE_BURST - 4);
    // Another installation's bucket is untouched.
    expect(await writeBudget.key("9102").currentReservoir()).toBe(WRITE_BURST);
  });

  it("spends the notifying bucket too for a comment", async () => {
    nock("https://api.github.com")
      .post("/app/installations/9103/access_tokens")
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {}, repository_selection: "all" })
      .post("/repos/o/r/issues/1/comments")
      .reply(201, { id: 7 });
    const octokit = await probot().auth(9103);
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "o", repo: "r", issue_number: 1, body: "hi" });
    expect(await notifyingBudget.key("9103").currentReservoir()).toBe(NOTIFYING_BURST - 1);
    expect(await writeBudget.key("9103").currentReservoir()).toBe(WRITE_BURST - 1);
  });

  it("adds nothing when throttling is turned off", async () => {
    nock("https://api.github.com").post("/repos/o/r/check-runs").reply(201, { id: 5 });
    const octokit = new PhaseGateOctokit({ auth: "token", throttle: { enabled: false } });
    await octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner: "o", repo: "r", name: "n", head_sha: "a".repeat(40) });
    // The default key of an Octokit without an installation id.
    expect(await writeBudget.key("no-id").currentReservoir()).toBe(WRITE_BURST);
  });
});

describe("budgetGroup", () => {
  it("lets `burst` jobs through at once, then holds the next until the bucket refills", async () => {
    const group = budgetGroup("test", 2, 60);
    const limiter = group.key("k");
    let ran = 0;
    const job = async (): Promise<void> => {
      ran++;
    };
    await Promise.all([limiter.schedule(job), limiter.schedule(job)]);
    expect(ran).toBe(2);
    expect(await limiter.currentReservoir()).toBe(0);
    const third = limiter.schedule(job);
    // Still queued: nothing refills the bucket before its interval (a second here).
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toBe(2);
    expect(limiter.counts().QUEUED + limiter.counts().RECEIVED).toBe(1);
    await third;
    expect(ran).toBe(3);
    await group.deleteKey("k");
  });

  it("refuses a bucket that could never let anything through", () => {
    expect(() => budgetGroup("bad", 0, 60)).toThrow("burst must be a positive integer");
    expect(() => budgetGroup("bad", 1, 0)).toThrow("perMinute must be positive");
  });
});
