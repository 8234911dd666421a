import nock from "nock";
import { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { budgetsOf, notifyingBudget, NOTIFYING_BURST, NOTIFYING_PER_MINUTE, PhaseGateOctokit, WRITE_BURST, writeBudget, WRITES_PER_MINUTE } from "../../src/github/octokit.js";
import { TokenBuckets } from "../../src/github/token-buckets.js";
import { privateKey } from "./app.harness.js";

/**
 * The app's Octokit: Probot's with plugin-throttling off and a write budget per installation
 * (token buckets). Asserted through the buckets, never through time.
 */

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const TOKEN = { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {}, repository_selection: "all" };

function probot(): Probot {
  return new Probot({ appId: 123, privateKey, Octokit: PhaseGateOctokit });
}

describe("PhaseGateOctokit through Probot", () => {
  it("spends the installation's own write tokens on writes, none on reads", async () => {
    const scope = nock("https://api.github.com")
      .post("/app/installations/9101/access_tokens")
      .reply(201, TOKEN)
      .get("/repos/o/r")
      .times(20)
      .reply(200, { id: 1 })
      .post("/repos/o/r/check-runs")
      .times(14)
      .reply(201, { id: 5 });
    const octokit = await probot().auth(9101);
    for (let i = 0; i < 20; i++) await octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
    expect(writeBudget.available("9101")).toBe(WRITE_BURST);
    const started = performance.now();
    for (let i = 0; i < 14; i++) await octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner: "o", repo: "r", name: "n", head_sha: "a".repeat(40) });
    expect(scope.pendingMocks()).toEqual([]);
    // 1 left, plus what refilled (2 a second) while the writes ran, however slow the machine.
    const refilled = Math.ceil(((performance.now() - started) / 1000) * (WRITES_PER_MINUTE / 60));
    expect(writeBudget.available("9101")).toBeLessThanOrEqual(1 + refilled);
    expect(writeBudget.available("9102")).toBe(WRITE_BURST);
  });

  it("spends the comment tokens too for comments", async () => {
    nock("https://api.github.com")
      .post("/app/installations/9103/access_tokens")
      .reply(201, TOKEN)
      .post("/repos/o/r/issues/1/comments")
      .times(NOTIFYING_BURST)
      .reply(201, { id: 7 });
    const octokit = await probot().auth(9103);
    const started = performance.now();
    for (let i = 0; i < NOTIFYING_BURST; i++) {
      await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "o", repo: "r", issue_number: 1, body: "hi" });
    }
    // Each comment took a comment token and a write token; bounds allow for what refilled meanwhile.
    const seconds = (performance.now() - started) / 1000;
    expect(notifyingBudget.available("9103")).toBeLessThanOrEqual(Math.ceil(seconds * (NOTIFYING_PER_MINUTE / 60)));
    expect(writeBudget.available("9103")).toBeLessThanOrEqual(WRITE_BURST - NOTIFYING_BURST + Math.ceil(seconds * (WRITES_PER_MINUTE / 60)));
  });

  it("puts a client without an installation (the app's own) in one shared bucket", async () => {
    nock("https://api.github.com").post("/repos/o/r/check-runs").times(3).reply(201, { id: 5 });
    expect(writeBudget.available("no-installation")).toBe(WRITE_BURST);
    const octokit = new PhaseGateOctokit({ auth: "token" });
    const started = performance.now();
    for (let i = 0; i < 3; i++) await octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner: "o", repo: "r", name: "n", head_sha: "a".repeat(40) });
    const refilled = Math.ceil(((performance.now() - started) / 1000) * (WRITES_PER_MINUTE / 60));
    expect(writeBudget.available("no-installation")).toBeLessThanOrEqual(WRITE_BURST - 3 + refilled);
  });

  it("counts writes and comments by method and route", () => {
    expect(budgetsOf("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}")).toEqual({ write: false, notifying: false });
    expect(budgetsOf("POST", "/repos/{owner}/{repo}/check-runs")).toEqual({ write: true, notifying: false });
    expect(budgetsOf("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}")).toEqual({ write: true, notifying: false });
    expect(budgetsOf("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")).toEqual({ write: true, notifying: true });
    expect(budgetsOf("POST", "/app/installations/{installation_id}/access_tokens")).toEqual({ write: false, notifying: false });
  });
});

describe("TokenBuckets", () => {
  /** A clock and timers the test moves by hand. */
  function fake() {
    let now = 0;
    const timers: Array<{ at: number; fire: () => void; live: boolean }> = [];
    return {
      now: () => now,
      setTimer: (fire: () => void, ms: number) => {
        const t = { at: now + ms, fire, live: true };
        timers.push(t);
        return () => {
          t.live = false;
        };
      },
      async advance(ms: number) {
        now += ms;
        for (const t of timers.filter((x) => x.live && x.at <= now)) {
          t.live = false;
          t.fire();
        }
        for (let i = 0; i < 5; i++) await Promise.resolve();
      },
      pending: () => timers.filter((t) => t.live).map((t) => t.at),
    };
  }

  it("gives `burst` tokens at once, then one per refill interval, in the order asked", async () => {
    const clock = fake();
    const buckets = new TokenBuckets({ burst: 2, perMinute: 60, now: clock.now, setTimer: clock.setTimer });
    const done: string[] = [];
    const take = (name: string) => buckets.take("k").then(() => done.push(name));
    await Promise.all([take("a"), take("b")]);
    expect(done).toEqual(["a", "b"]);
    void take("c");
    void take("d");
    await clock.advance(0);
    expect(done).toEqual(["a", "b"]);
    expect(clock.pending()).toEqual([1000]);
    await clock.advance(999);
    expect(done).toEqual(["a", "b"]);
    await clock.advance(1);
    expect(done).toEqual(["a", "b", "c"]);
    await clock.advance(1000);
    expect(done).toEqual(["a", "b", "c", "d"]);
    expect(clock.pending()).toEqual([]);
    // Other keys have their own bucket; a full bucket never holds more than `burst`.
    expect(buckets.available("other")).toBe(2);
    await clock.advance(60_000);
    expect(buckets.available("k")).toBe(2);
  });

  it("refuses a bucket that could never give a token", () => {
    expect(() => new TokenBuckets({ burst: 0, perMinute: 60 })).toThrow("burst must be a positive integer");
    expect(() => new TokenBuckets({ burst: 1, perMinute: 0 })).toThrow("perMinute must be positive");
  });
});
