import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeGitRepo, removeDir } from "../support/git-fixture.js";
import { GitHubSim } from "../support/github-sim/index.js";
import { simOctokit, type SimOctokit } from "../support/github-sim/client.js";

/**
 * What the end-to-end tests of the app process added to the simulator: holds (requests kept until
 * a test releases them), faults of one repository, and deliveries that survive a kept-alive
 * connection the app's server closed.
 */

const REPO = "/repos/{owner}/{repo}";
let sim: GitHubSim;
let dirs: string[];
let octokit: SimOctokit;
let other: SimOctokit;

beforeAll(async () => {
  dirs = [makeGitRepo({ "a.txt": "a\n" }), makeGitRepo({ "b.txt": "b\n" })];
  sim = new GitHubSim();
  await sim.start();
  sim.addRepo({ owner: "acme", name: "one", dir: dirs[0] as string, installationId: 41 });
  sim.addRepo({ owner: "acme", name: "two", dir: dirs[1] as string, installationId: 42 });
  octokit = simOctokit(sim, { installationId: 41 });
  other = simOctokit(sim, { installationId: 42 });
});

afterAll(async () => {
  await sim.stop();
  for (const dir of dirs) removeDir(dir);
});

afterEach(() => {
  sim.clearFaults();
  sim.reset();
});

/** Settles `promise` into "done" or "pending" without waiting on time: a macrotask turn after the other requests have been answered. */
async function state(promise: Promise<unknown>, after: Promise<unknown>): Promise<"done" | "pending"> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await after;
  await new Promise((resolve) => setImmediate(resolve));
  return done ? "done" : "pending";
}

describe("hold", () => {
  it("keeps the next matching request until release, lets the others through, and says when it was reached", async () => {
    const hold = sim.hold({ route: `GET ${REPO}`, repo: "acme/one" });
    const held = octokit.rest.repos.get({ owner: "acme", repo: "one" });
    await hold.reached;
    expect([hold.held, hold.waiting]).toEqual([1, 1]);
    // Another repository, and a second request of the same one (times: 1), are not held.
    const passing = Promise.all([other.rest.repos.get({ owner: "acme", repo: "two" }), octokit.rest.repos.get({ owner: "acme", repo: "one" })]);
    expect(await state(held, passing)).toBe("pending");
    expect(sim.count(`GET ${REPO}`)).toBe(2); // logged when answered: the held one is not yet

    hold.release();
    expect((await held).data.full_name).toBe("acme/one");
    expect([hold.waiting, hold.released]).toEqual([0, true]);
    expect(sim.count(`GET ${REPO}`)).toBe(3);
  });

  it("holds `times` requests, and clearFaults releases them", async () => {
    const hold = sim.hold({ method: "GET", times: 2 });
    const first = octokit.rest.repos.get({ owner: "acme", repo: "one" });
    const second = other.rest.repos.get({ owner: "acme", repo: "two" });
    await hold.untilHeld(2);
    const third = octokit.rest.repos.get({ owner: "acme", repo: "one" });
    expect(await state(first, third)).toBe("pending");
    expect(hold.held).toBe(2);
    sim.clearFaults();
    const [a, b] = await Promise.all([first, second]);
    expect([a.status, b.status]).toEqual([200, 200]);
  });
});

describe("faults of one repository", () => {
  it("a server error and a secondary rate limit given `repo` spare the other repositories", async () => {
    sim.fault({ route: `GET ${REPO}`, repo: "ACME/One", status: 503 });
    sim.secondaryRateLimit({ route: `GET ${REPO}`, repo: "acme/one", retryAfter: 3 });
    expect((await other.rest.repos.get({ owner: "acme", repo: "two" })).status).toBe(200);
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "one" })).rejects.toMatchObject({ status: 503 });
    const limited = await octokit.rest.repos.get({ owner: "acme", repo: "one" }).catch((error: { status: number; response: { headers: Record<string, string> } }) => error);
    expect(limited).toMatchObject({ status: 403, response: { headers: { "retry-after": "3" } } });
    expect((await octokit.rest.repos.get({ owner: "acme", repo: "one" })).status).toBe(200);
    expect(sim.requests().map((r) => [r.path, r.fault])).toEqual([
      ["/repos/acme/two", null],
      ["/repos/acme/one", "server-error"],
      ["/repos/acme/one", "secondary-rate-limit"],
      ["/repos/acme/one", null],
    ]);
  });
});

describe("deliveries on kept-alive connections", () => {
  it("a delivery whose kept-alive connection the app closed is sent again on a new one, once", async () => {
    // The app's side: answers the first request of each connection, and drops the connection at the
    // second one without answering (what a server's keep-alive timeout does to a client that reuses it).
    let requests = 0;
    const perSocket = new WeakMap<object, number>();
    const server = http.createServer((req, res) => {
      requests++;
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      req.resume();
      req.on("end", () => {
        if (n > 1) req.socket.destroy();
        else res.writeHead(200, { connection: "keep-alive" }).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const first = await sim.deliver(url, { event: "ping", payload: { zen: "one" } });
      const second = await sim.deliver(url, { event: "ping", payload: { zen: "two" } });
      expect([first.status, first.error]).toEqual([200, null]);
      expect([second.status, second.error, second.body]).toEqual([200, null, "ok"]);
      expect(requests).toBe(3); // the second delivery: dropped on the old connection, answered on a new one
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
