import crypto from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { budgetsOf, notifyingBudget, NOTIFYING_BURST, NOTIFYING_PER_MINUTE, PhaseGateOctokit, WRITE_BURST, writeBudget, WRITES_PER_MINUTE } from "../../src/github/octokit.js";
import { retryTransient } from "../../src/github/retry-transient.js";
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

function probot(Octokit: typeof PhaseGateOctokit = PhaseGateOctokit): Probot {
  return new Probot({ appId: 123, privateKey, Octokit });
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

  it("asks for every installation's token with one JWT, signed with the app's key", async () => {
    const bearers: string[] = [];
    const scope = nock("https://api.github.com")
      .post(/^\/app\/installations\/(9201|9202)\/access_tokens$/)
      .times(2)
      .reply(function () {
        bearers.push(String(this.req.headers.authorization));
        return [201, TOKEN];
      })
      .get("/repos/o/r")
      .times(2)
      .reply(200, { id: 1 });
    const app = probot();
    // Seconds apart: a JWT signed for each token would differ in its claims.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      for (const id of [9201, 9202]) {
        await (await app.auth(id)).request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
        vi.setSystemTime(Date.now() + 30_000);
      }
    } finally {
      vi.useRealTimers();
    }
    expect(scope.pendingMocks()).toEqual([]);
    expect(bearers).toHaveLength(2);
    expect(bearers[1]).toBe(bearers[0]);
    const [h = "", p = "", s = ""] = (bearers[0] ?? "").replace(/^bearer /, "").split(".");
    expect(crypto.verify("sha256", Buffer.from(`${h}.${p}`), crypto.createPublicKey(privateKey), Buffer.from(s, "base64url"))).toBe(true);
    expect(JSON.parse(Buffer.from(p, "base64url").toString()).iss).toBe(123);
  });

  it("keeps the clock difference GitHub's refusal showed: one refused request, not one per installation", async () => {
    // Our clock runs 200 s ahead of GitHub's, so a JWT's `iat` (60 s back) is in GitHub's future.
    const ahead = 200;
    const githubNow = (): number => Math.floor(Date.now() / 1000) - ahead;
    const answers: number[] = [];
    // Room for a fourth token request: without the kept difference, the second installation is refused too.
    nock("https://api.github.com")
      .post(/^\/app\/installations\/(9211|9212)\/access_tokens$/)
      .times(4)
      .reply(function () {
        const claims = JSON.parse(Buffer.from(String(this.req.headers.authorization).split(".")[1] ?? "", "base64url").toString()) as { iat: number };
        const refused = claims.iat > githubNow();
        answers.push(refused ? 401 : 201);
        return refused
          ? [401, { message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" }, { date: new Date(githubNow() * 1000).toUTCString() }]
          : [201, TOKEN];
      });
    const reads = nock("https://api.github.com").get("/repos/o/r").times(2).reply(200, { id: 1 });
    // A key of its own: the signer (one per key) starts without a measured difference.
    const key = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const app = new Probot({ appId: 123, privateKey: key, Octokit: PhaseGateOctokit, log: pino({ level: "silent" }) });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      for (const id of [9211, 9212]) {
        await (await app.auth(id)).request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
        vi.setSystemTime(Date.now() + 30_000);
      }
    } finally {
      vi.useRealTimers();
    }
    expect(reads.pendingMocks()).toEqual([]);
    expect(answers).toEqual([401, 201, 201]);
  });

  it("retries a transient error on an installation's client (built from the app client's options)", async () => {
    const scope = nock("https://api.github.com")
      .post("/app/installations/9301/access_tokens")
      .reply(201, TOKEN)
      .get("/repos/o/r")
      .reply(502)
      .get("/repos/o/r")
      .reply(200, { id: 3 });
    const octokit = await probot(PhaseGateOctokit.defaults({ retryBaseMs: 1 })).auth(9301);
    await expect(octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })).resolves.toMatchObject({ data: { id: 3 } });
    expect(scope.pendingMocks()).toEqual([]);
  });

  describe("transient errors (plugin-retry's rules, without plugin-retry)", () => {
    const octokit = () => new PhaseGateOctokit({ auth: "token", retryBaseMs: 1 });
    const get = (o: InstanceType<typeof PhaseGateOctokit>, request: object = {}) =>
      o.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r", request });

    it("sends a request again after a 5xx or a 409, up to three times", async () => {
      const scope = nock("https://api.github.com").get("/repos/o/r").reply(502).get("/repos/o/r").reply(409).get("/repos/o/r").reply(200, { id: 1 });
      await expect(get(octokit())).resolves.toMatchObject({ status: 200, data: { id: 1 } });
      expect(scope.pendingMocks()).toEqual([]);
      nock("https://api.github.com").get("/repos/o/r").times(4).reply(503);
      await expect(get(octokit())).rejects.toMatchObject({ status: 503 });
      expect(nock.pendingMocks()).toEqual([]);
    });

    it("leaves a 429 to the rate-limit hook, which every client has: waited out as retry-after says, then sent again", async () => {
      nock("https://api.github.com").get("/repos/o/r").reply(429, { message: "slow down" }, { "retry-after": "0" }).get("/repos/o/r").reply(200, { id: 4 });
      await expect(get(octokit())).resolves.toMatchObject({ data: { id: 4 } });
      expect(nock.pendingMocks()).toEqual([]);
    });

    it("sends it again after no answer at all", async () => {
      nock("https://api.github.com").get("/repos/o/r").replyWithError("socket hang up").get("/repos/o/r").reply(200, { id: 2 });
      await expect(get(octokit())).resolves.toMatchObject({ data: { id: 2 } });
    });

    it("does not send again what the request's own fault refused, nor a request that asks for no retries", async () => {
      for (const status of [400, 401, 403, 404, 410, 422, 429, 451]) {
        nock("https://api.github.com").get("/repos/o/r").reply(status, { message: "no" });
        await expect(get(octokit())).rejects.toMatchObject({ status });
        expect(nock.pendingMocks()).toEqual([]);
      }
      nock("https://api.github.com").get("/repos/o/r").reply(500);
      await expect(get(octokit(), { retries: 0 })).rejects.toMatchObject({ status: 500 });
      nock("https://api.github.com").get("/repos/o/r").times(2).reply(500);
      await expect(get(octokit(), { retries: 1 })).rejects.toMatchObject({ status: 500 });
      expect(nock.pendingMocks()).toEqual([]);
      // plugin-retry's own switch still means no retries.
      nock("https://api.github.com").get("/repos/o/r").reply(502);
      await expect(get(new PhaseGateOctokit({ auth: "token", retry: { enabled: false } }))).rejects.toMatchObject({ status: 502 });
      expect(nock.pendingMocks()).toEqual([]);
    });

    it("takes plugin-retry's options: retries, doNotRetry and retryAfterBaseValue (429 stays the rate-limit hook's)", async () => {
      const o = new PhaseGateOctokit({ auth: "token", retry: { retries: 1, doNotRetry: [502, 429], retryAfterBaseValue: 1 } });
      nock("https://api.github.com").get("/repos/o/r").reply(502);
      await expect(get(o)).rejects.toMatchObject({ status: 502 });
      expect(nock.pendingMocks()).toEqual([]);
      nock("https://api.github.com").get("/repos/o/r").times(2).reply(503);
      await expect(get(o)).rejects.toMatchObject({ status: 503 });
      expect(nock.pendingMocks()).toEqual([]);
      // 404 is not in this doNotRetry list, so it is sent again, as plugin-retry would.
      nock("https://api.github.com").get("/repos/o/r").reply(404).get("/repos/o/r").reply(200, { id: 6 });
      await expect(get(o)).resolves.toMatchObject({ data: { id: 6 } });
      // Malformed settings keep the defaults.
      nock("https://api.github.com").get("/repos/o/r").reply(404);
      await expect(get(new PhaseGateOctokit({ auth: "token", retryBaseMs: 1, retry: { retries: -1, doNotRetry: "none" as unknown as number[] } }))).rejects.toMatchObject({ status: 404 });
      expect(nock.pendingMocks()).toEqual([]);
    });

    it("keeps plugin-retry's options on an installation's client (built from the app client's options)", async () => {
      const scope = nock("https://api.github.com").post("/app/installations/9302/access_tokens").reply(201, TOKEN).get("/repos/o/r").times(2).reply(503);
      const octokit = await probot(PhaseGateOctokit.defaults({ retry: { retries: 1, retryAfterBaseValue: 1 } })).auth(9302);
      await expect(octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })).rejects.toMatchObject({ status: 503 });
      expect(scope.pendingMocks()).toEqual([]);
    });

    it("waits 1, 4, then 9 times the base between attempts", async () => {
      const waits: number[] = [];
      const o = new ProbotOctokit({ auth: { token: "test" }, retry: { enabled: false }, throttle: { enabled: false } });
      retryTransient(o, { baseMs: 10, sleep: async (ms) => void waits.push(ms) });
      nock("https://api.github.com").get("/repos/o/r").times(3).reply(500).get("/repos/o/r").reply(200, {});
      await expect(get(o)).resolves.toMatchObject({ status: 200 });
      expect(waits).toEqual([10, 40, 90]);
    });
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
