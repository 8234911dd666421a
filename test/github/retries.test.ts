/**
 * What the app does when GitHub answers a 5xx to a create, or a secondary rate limit: at the HTTP
 * boundary (nock, network disabled, every request validated against GitHub's OpenAPI description).
 * The end-to-end version through the real process is test/e2e/faults.test.ts.
 */
import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CheckRunIds, startCheckRuns } from "../../src/github/check-runs.js";
import { upsertComment } from "../../src/github/comment.js";
import { createOnce, mayHaveTakenEffect } from "../../src/github/retry-create.js";
import { secondaryWait, waitOutSecondaryLimits } from "../../src/github/secondary-limit.js";
import { COMMENT_MARKER } from "../../src/report/comment.js";
import { assertRequestsValid, githubApi, resetRequests, sentRequests } from "../support/openapi.js";

const octokit = (): InstanceType<typeof ProbotOctokit> =>
  new ProbotOctokit({ auth: { token: "test" }, retry: { enabled: false }, throttle: { enabled: false } });
const NO_WAIT = [0, 0, 0];
const calls = (): string[] => sentRequests().map((r) => `${r.method} ${r.path.split("?")[0]}`);

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => resetRequests());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  assertRequestsValid();
  expect(pending).toEqual([]);
});

describe("createOnce", () => {
  it("tries again only after an error that may have taken effect, as many times as there are delays", async () => {
    const seen: number[] = [];
    const failing = (status: number | undefined) => async (i: number) => {
      seen.push(i);
      throw Object.assign(new Error("x"), status === undefined ? {} : { status });
    };
    await expect(createOnce(failing(502), NO_WAIT)).rejects.toThrow("x");
    expect(seen).toEqual([0, 1, 2, 3]);
    seen.length = 0;
    await expect(createOnce(failing(422), NO_WAIT)).rejects.toThrow("x");
    expect(seen).toEqual([0]);
    expect([mayHaveTakenEffect({ status: 500 }), mayHaveTakenEffect(new Error("socket hang up")), mayHaveTakenEffect({ status: 404 })]).toEqual([true, true, false]);
  });
});

describe("the comment after a 5xx on its creation", () => {
  const COMMENTS = "/repos/acme/shop/issues/7/comments";
  const BODY = `${COMMENT_MARKER}\nall good\n`;
  const options = { botLogin: "phase-gate[bot]", retryDelaysMs: NO_WAIT };

  it("is found stored, and not posted twice", async () => {
    githubApi()
      .get(COMMENTS).query(true).reply(200, [])
      .post(COMMENTS).reply(500, { message: "Server Error" })
      .get(COMMENTS).query(true).reply(200, [{ id: 5, body: BODY, user: { login: "phase-gate[bot]", type: "Bot" } }]);
    await expect(upsertComment(octokit(), { owner: "acme", repo: "shop", issueNumber: 7 }, BODY, options)).resolves.toBe("created");
    expect(calls()).toEqual([`GET ${COMMENTS}`, `POST ${COMMENTS}`, `GET ${COMMENTS}`]);
  });

  it("is posted again when the failed request stored nothing", async () => {
    githubApi()
      .get(COMMENTS).query(true).reply(200, [])
      .post(COMMENTS).reply(503, { message: "Unavailable" })
      .get(COMMENTS).query(true).reply(200, [])
      .post(COMMENTS).reply(201, { id: 6 });
    await expect(upsertComment(octokit(), { owner: "acme", repo: "shop", issueNumber: 7 }, BODY, options)).resolves.toBe("created");
    expect(calls().filter((c) => c.startsWith("POST"))).toHaveLength(2);
  });

  it("gives up after the last delay, and does not retry a 4xx", async () => {
    const scope = githubApi();
    for (let i = 0; i < 4; i += 1) scope.get(COMMENTS).query(true).reply(200, []).post(COMMENTS).reply(502, { message: "Bad Gateway" });
    await expect(upsertComment(octokit(), { owner: "acme", repo: "shop", issueNumber: 7 }, BODY, options)).rejects.toMatchObject({ status: 502 });
    githubApi().get(COMMENTS).query(true).reply(200, []).post(COMMENTS).reply(422, { message: "Validation Failed" });
    await expect(upsertComment(octokit(), { owner: "acme", repo: "shop", issueNumber: 7 }, BODY, options)).rejects.toMatchObject({ status: 422 });
  });
});

describe("a check run after a 5xx on its creation", () => {
  const SHA = "a".repeat(40);
  const target = { owner: "acme", repo: "shop", headSha: SHA, appId: 9 };
  const LIST = `/repos/acme/shop/commits/${SHA}/check-runs`;
  const run = (id: number, externalId: string) => ({ id, name: "phase-gate: One", external_id: externalId, status: "in_progress", conclusion: null, head_sha: SHA, app: { id: 9 } });

  it("is found by its external id and reused; the next phase's run is created", async () => {
    githubApi()
      .get(LIST).query(true).reply(200, { total_count: 0, check_runs: [] })
      .post("/repos/acme/shop/check-runs").reply(500, { message: "Server Error" })
      .get(LIST).query(true).reply(200, { total_count: 1, check_runs: [run(41, "phase-gate:one")] })
      .patch("/repos/acme/shop/check-runs/41").reply(200, { id: 41 })
      .post("/repos/acme/shop/check-runs").reply(201, { id: 42 });
    const ids = await startCheckRuns(octokit(), target, [{ id: "one", name: "One" }, { id: "two", name: "Two" }], { retryDelaysMs: NO_WAIT });
    expect([...ids]).toEqual([["one", 41], ["two", 42]]);
  });

  it("leaves in the given map the runs opened before a failure, so the caller can close them", async () => {
    const scope = githubApi()
      .get(LIST).query(true).reply(200, { total_count: 0, check_runs: [] })
      .post("/repos/acme/shop/check-runs").reply(201, { id: 51 })
      .post("/repos/acme/shop/check-runs").reply(422, { message: "Validation Failed" });
    const ids = new CheckRunIds();
    await expect(startCheckRuns(octokit(), target, [{ id: "one", name: "One" }, { id: "two", name: "Two" }], { retryDelaysMs: NO_WAIT }, ids)).rejects.toMatchObject({ status: 422 });
    expect([...ids]).toEqual([["one", 51]]);
    expect(scope.isDone()).toBe(true);
  });
});

describe("secondary rate limits", () => {
  const limit = (status: number, headers: Record<string, string>, message = "You have exceeded a secondary rate limit") => ({
    status,
    message,
    response: { headers, data: { message } },
  });

  it("are told apart from other 403s, and the wait comes from retry-after, then the reset time, then 60 s", () => {
    expect(secondaryWait(limit(403, { "retry-after": "7" }), 0)).toBe(7);
    expect(secondaryWait(limit(429, { "retry-after": "0" }), 0)).toBe(0);
    expect(secondaryWait(limit(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1030" }), 1_000_000)).toBe(30);
    expect(secondaryWait(limit(403, {}), 0)).toBe(60);
    expect(secondaryWait(limit(403, {}, "Resource not accessible by integration"), 0)).toBeNull();
    expect(secondaryWait(limit(500, { "retry-after": "1" }), 0)).toBeNull();
  });

  it("also wait out a spent primary limit until its reset (plugin-throttling, which did, is off)", () => {
    const primary = (remaining: string) => limit(403, { "x-ratelimit-remaining": remaining, "x-ratelimit-reset": "1030" }, "API rate limit exceeded for installation ID 7.");
    expect(secondaryWait(primary("0"), 1_000_000)).toBe(30);
    expect(secondaryWait({ ...primary("0"), status: 429 }, 1_000_000)).toBe(30);
    // Requests left: a 403 for another reason.
    expect(secondaryWait(primary("12"), 1_000_000)).toBeNull();
  });

  it("are waited out and the request sent again, at most maxRetries times", async () => {
    const waits: number[] = [];
    const client = waitOutSecondaryLimits(octokit(), { maxRetries: 2, sleep: async (ms) => void waits.push(ms) });
    const LIMITED = { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." };
    githubApi()
      .get("/repos/acme/shop").reply(403, LIMITED, { "retry-after": "3" })
      .get("/repos/acme/shop").reply(200, { id: 1, name: "shop", full_name: "acme/shop", default_branch: "main" });
    await expect(client.rest.repos.get({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ status: 200 });
    expect(waits).toEqual([3000]);

    waits.length = 0;
    githubApi().get("/repos/acme/shop").times(3).reply(403, LIMITED, { "retry-after": "1" });
    await expect(client.rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 403 });
    expect(waits).toEqual([1000, 1000]);
    // Hooked once however often it is given the same client.
    expect(waitOutSecondaryLimits(client)).toBe(client);
  });

  it("does not wait on a 403 that is not a rate limit", async () => {
    const waits: number[] = [];
    const client = waitOutSecondaryLimits(octokit(), { sleep: async (ms) => void waits.push(ms) });
    githubApi().get("/repos/acme/shop").reply(403, { message: "Resource not accessible by integration" });
    await expect(client.rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 403 });
    expect(waits).toEqual([]);
  });
});
