import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { git, makeGitRepo, removeDir } from "../support/git-fixture.js";
import { GitHubSim } from "../support/github-sim/index.js";
import { simOctokit, type SimOctokit } from "../support/github-sim/client.js";

/** Authentication, the request log, injected faults and rate limits of the simulator, over real HTTP. */

const INSTALLATION = 31;
const COMMENTS = "/repos/{owner}/{repo}/issues/{issue_number}/comments";
let sim: GitHubSim;
let dir: string;
let octokit: SimOctokit;
let issue: number;

beforeAll(async () => {
  dir = makeGitRepo({ "a.txt": "a\n" });
  sim = new GitHubSim();
  await sim.start();
  sim.addRepo({ owner: "acme", name: "core", dir, installationId: INSTALLATION });
  issue = sim.addIssue("acme", "core").number;
  octokit = simOctokit(sim, { installationId: INSTALLATION });
});

afterAll(async () => {
  await sim.stop();
  removeDir(dir);
});

afterEach(() => {
  sim.clearFaults();
  sim.reset();
});

/** A JWT like Octokit's, signed with `key`. */
function jwt(key: crypto.KeyLike, claims: Record<string, unknown>): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}`;
  return `${unsigned}.${crypto.sign("RSA-SHA256", Buffer.from(unsigned), key).toString("base64url")}`;
}

describe("authentication", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it("exchanges the app's JWT for an installation token that then reads the repository", async () => {
    const app = simOctokit(sim, { app: true });
    const { data: me } = await app.rest.apps.getAuthenticated();
    expect(me).toMatchObject({ id: sim.appId, slug: "phase-gate" });
    const { data: token } = await app.rest.apps.createInstallationAccessToken({ installation_id: INSTALLATION });
    expect(token.token).toMatch(/^ghs_/);
    const installed = simOctokit(sim, { token: token.token });
    expect((await installed.rest.repos.get({ owner: "acme", repo: "core" })).data.full_name).toBe("acme/core");
    expect(sim.requests().map((r) => [r.route, r.auth, r.installationId])).toEqual([
      ["GET /app", "app", null],
      ["POST /app/installations/{installation_id}/access_tokens", "app", null],
      ["GET /repos/{owner}/{repo}", "installation", INSTALLATION],
    ]);
  });

  it("refuses a JWT signed with another key, an expired one, and one for ten hours (401)", async () => {
    const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const cases = [
      jwt(other, { iat: now() - 30, exp: now() + 500, iss: sim.appId }),
      jwt(sim.privateKey, { iat: now() - 1000, exp: now() - 400, iss: sim.appId }),
      jwt(sim.privateKey, { iat: now() - 30, exp: now() + 36_000, iss: sim.appId }),
      jwt(sim.privateKey, { iat: now() - 30, exp: now() + 500, iss: sim.appId + 1 }),
    ];
    for (const token of cases) {
      await expect(simOctokit(sim, { token }).rest.apps.createInstallationAccessToken({ installation_id: INSTALLATION })).rejects.toMatchObject({ status: 401 });
    }
    // The right key works, and an unknown installation is 404.
    const good = jwt(sim.privateKey, { iat: now() - 30, exp: now() + 500, iss: sim.appId });
    await expect(simOctokit(sim, { token: good }).rest.apps.createInstallationAccessToken({ installation_id: 404_404 })).rejects.toMatchObject({ status: 404 });
  });

  it("sends the unauthenticated budget's rate-limit headers with a 401", async () => {
    const res = await fetch(`${sim.apiUrl}/repos/acme/core`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: "Requires authentication" });
    expect(res.headers.get("x-ratelimit-limit")).toBe("60");
    expect(Number(res.headers.get("x-ratelimit-used"))).toBeGreaterThan(0);
  });

  it("needs an installation token for repository routes, and the JWT for app routes", async () => {
    await expect(simOctokit(sim, {}).rest.repos.get({ owner: "acme", repo: "core" })).rejects.toMatchObject({ status: 401 });
    await expect(simOctokit(sim, { token: "ghs_madeup" }).rest.repos.get({ owner: "acme", repo: "core" })).rejects.toMatchObject({ status: 401 });
    await expect(simOctokit(sim, { app: true }).rest.repos.get({ owner: "acme", repo: "core" })).rejects.toMatchObject({ status: 401 });
    await expect(octokit.rest.apps.getAuthenticated()).rejects.toMatchObject({ status: 401 });
  });

  it("expired installation tokens stop working", async () => {
    const client = simOctokit(sim, { installationId: INSTALLATION });
    await client.rest.repos.get({ owner: "acme", repo: "core" });
    sim.expireTokens();
    await expect(client.rest.repos.get({ owner: "acme", repo: "core" })).rejects.toMatchObject({ status: 401, message: expect.stringContaining("Bad credentials") });
    octokit = simOctokit(sim, { installationId: INSTALLATION });
  });
});

describe("the request log and unknown routes", () => {
  it("records each request by route template, with counts per route", async () => {
    const sha = git(dir, "rev-parse", "HEAD").trim();
    await octokit.rest.git.getTree({ owner: "acme", repo: "core", tree_sha: sha, recursive: "1" });
    await octokit.rest.git.getTree({ owner: "acme", repo: "core", tree_sha: sha });
    await octokit.rest.issues.createComment({ owner: "acme", repo: "core", issue_number: issue, body: "hi" });
    expect(sim.count()).toBe(3);
    expect(sim.count("GET /repos/{owner}/{repo}/git/trees/{tree_sha}")).toBe(2);
    expect(sim.count(COMMENTS)).toBe(1);
    expect(sim.countByRoute()).toEqual({ "GET /repos/{owner}/{repo}/git/trees/{tree_sha}": 2, [`POST ${COMMENTS}`]: 1 });
    expect(sim.requests()[0]).toMatchObject({ method: "GET", operationId: "git/get-tree", status: 200, path: `/repos/acme/core/git/trees/${sha}?recursive=1`, fault: null });
    sim.reset();
    expect(sim.count()).toBe(0);
  });

  it("answers 404 JSON for a route GitHub does not have, and for one the simulator does not implement", async () => {
    const unknown = await fetch(`${sim.apiUrl}/no/such/route`, { headers: { authorization: `token ${sim.installationToken(INSTALLATION)}` } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("x-ratelimit-limit")).toBe("5000");
    expect(await unknown.json()).toMatchObject({ message: "Not Found", documentation_url: expect.stringContaining("docs.github.com") });
    await expect(octokit.rest.issues.listLabelsForRepo({ owner: "acme", repo: "core" })).rejects.toMatchObject({ status: 404 });
    expect(sim.requests().map((r) => [r.route, r.status, r.implemented])).toEqual([
      ["GET /no/such/route", 404, false],
      ["GET /repos/{owner}/{repo}/labels", 404, false],
    ]);
    expect(sim.unimplementedRequests().map((r) => r.operationId)).toEqual(["issues/list-labels-for-repo"]);
  });

  it("serves the same API at / as at /api/v3", async () => {
    const res = await fetch(`${sim.origin}/repos/acme/core`, { headers: { authorization: `token ${sim.installationToken(INSTALLATION)}` } });
    expect(res.status).toBe(200);
    expect(sim.requests()[0]?.route).toBe("GET /repos/{owner}/{repo}");
  });

  it("answers 422 for a body GitHub's description refuses, and keeps it among the invalid requests", async () => {
    const res = await fetch(`${sim.apiUrl}/repos/acme/core/check-runs`, {
      method: "POST",
      headers: { authorization: `token ${sim.installationToken(INSTALLATION)}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "no head sha" }),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toContain("head_sha");
    expect(sim.invalidRequests()).toEqual([expect.objectContaining({ method: "POST", operationId: "checks/create", body: { name: "no head sha" } })]);
    const malformed = await fetch(`${sim.apiUrl}/repos/acme/core/check-runs`, {
      method: "POST",
      headers: { authorization: `token ${sim.installationToken(INSTALLATION)}` },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
  });
});

describe("faults", () => {
  it("answers 5xx to the next N requests of a route and method, then serves again", async () => {
    sim.fault({ route: COMMENTS, method: "POST", times: 2, status: 502 });
    const body = { owner: "acme", repo: "core", issue_number: issue, body: "x" };
    await expect(octokit.rest.issues.createComment(body)).rejects.toMatchObject({ status: 502 });
    // Another method of the same route is not affected.
    await octokit.rest.issues.listComments({ owner: "acme", repo: "core", issue_number: issue });
    await expect(octokit.rest.issues.createComment(body)).rejects.toMatchObject({ status: 502 });
    await expect(octokit.rest.issues.createComment(body)).resolves.toMatchObject({ status: 201 });
    expect(sim.requests().map((r) => [r.method, r.status, r.fault])).toEqual([
      ["POST", 502, "server-error"],
      ["GET", 200, null],
      ["POST", 502, "server-error"],
      ["POST", 201, null],
    ]);
  });

  it("afterEffect: the request takes effect, then the error is answered", async () => {
    const number = sim.addIssue("acme", "core").number;
    sim.fault({ route: `POST ${COMMENTS}`, status: 500, afterEffect: true });
    await expect(octokit.rest.issues.createComment({ owner: "acme", repo: "core", issue_number: number, body: "stored anyway" })).rejects.toMatchObject({ status: 500 });
    expect(sim.comments("acme", "core", number).map((c) => c.body)).toEqual(["stored anyway"]);
  });

  it("refuses with a secondary rate limit like GitHub (403, the message Octokit recognises, retry-after, x-ratelimit headers)", async () => {
    sim.secondaryRateLimit({ route: COMMENTS, times: 1, retryAfter: 7 });
    const error = (await octokit.rest.issues.createComment({ owner: "acme", repo: "core", issue_number: issue, body: "x" }).catch((e: unknown) => e)) as {
      status: number;
      message: string;
      response: { headers: Record<string, string> };
    };
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/\bsecondary rate\b/i);
    expect(error.response.headers["retry-after"]).toBe("7");
    expect(Number(error.response.headers["x-ratelimit-remaining"])).toBeGreaterThan(0);
    expect(error.response.headers["x-ratelimit-resource"]).toBe("core");
    await expect(octokit.rest.issues.createComment({ owner: "acme", repo: "core", issue_number: issue, body: "x" })).resolves.toMatchObject({ status: 201 });
    expect(sim.requests()[0]?.fault).toBe("secondary-rate-limit");
  });

  it("429 secondary rate limits too, on any route when none is named", async () => {
    sim.secondaryRateLimit({ status: 429, times: 2 });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "core" })).rejects.toMatchObject({ status: 429 });
    await expect(octokit.rest.pulls.get({ owner: "acme", repo: "core", pull_number: 1 })).rejects.toMatchObject({ status: 429 });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "core" })).resolves.toMatchObject({ status: 200 });
  });

  it("sends x-ratelimit-* on every response, counting per installation", async () => {
    const a = await octokit.rest.repos.get({ owner: "acme", repo: "core" });
    const b = await octokit.rest.repos.get({ owner: "acme", repo: "core" });
    expect(a.headers["x-ratelimit-limit"]).toBe("5000");
    expect(Number(b.headers["x-ratelimit-used"])).toBe(Number(a.headers["x-ratelimit-used"]) + 1);
    expect(Number(b.headers["x-ratelimit-remaining"])).toBe(Number(a.headers["x-ratelimit-remaining"]) - 1);
    expect(Number(a.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);
  });

  it("enforces the primary limit when asked: 403 with x-ratelimit-remaining 0", async () => {
    const strict = new GitHubSim({ rateLimit: { limit: 2, enforce: true }, privateKey: sim.privateKey });
    await strict.start();
    try {
      strict.addRepo({ owner: "acme", name: "core", dir, installationId: 1 });
      const client = simOctokit(strict, { installationId: 1 });
      await client.rest.repos.get({ owner: "acme", repo: "core" });
      await client.rest.repos.get({ owner: "acme", repo: "core" });
      const error = (await client.rest.repos.get({ owner: "acme", repo: "core" }).catch((e: unknown) => e)) as { status: number; response: { headers: Record<string, string> } };
      expect(error.status).toBe(403);
      expect(error.response.headers["x-ratelimit-remaining"]).toBe("0");
      expect(strict.requests().map((r) => r.fault)).toEqual([null, null, "primary-rate-limit"]);
    } finally {
      await strict.stop();
    }
  });
});
