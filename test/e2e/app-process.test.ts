import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubSim } from "../support/github-sim/index.js";
import { AppProcess, AppProcessExit } from "./app-process.js";
import { addRepo, BAD, deliverPush, E2E_TIMEOUT, GOOD, startE2E, stopE2E } from "./harness.js";

/** The harness of the end-to-end tests: a crash of the app process fails the waiting test at once, with its last log lines. */

let sim: GitHubSim;

beforeAll(async () => {
  sim = new GitHubSim();
  await sim.start();
});

afterAll(async () => {
  await sim.stop();
});

describe("AppProcess", { timeout: E2E_TIMEOUT }, () => {
  it("starts the app, answers PONG, keeps its JSON log lines, and stops it", async () => {
    const app = await AppProcess.start({ sim });
    try {
      expect(app.alive).toBe(true);
      const ping = await fetch(`${app.origin}/ping`);
      expect(await ping.text()).toBe("PONG");
      const listening = app.lines.find((l) => /Listening on/.test(l.msg ?? ""));
      expect(listening?.level).toBe(30);
      expect(listening?.msg).toContain(String(app.port));
    } finally {
      await app.stop();
    }
    expect(app.alive).toBe(false);
    expect(() => app.assertAlive()).toThrow(AppProcessExit);
  });

  it("a crash while a test waits rejects the wait at once, with the exit status and the last lines", async () => {
    const app = await AppProcess.start({ sim });
    try {
      const never = sim.waitFor(() => false, { timeoutMs: 60_000, description: "something that never happens" });
      never.catch(() => undefined);
      const waiting = app.guard(never);
      process.kill(app.pid as number, "SIGKILL");
      const error = await waiting.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppProcessExit);
      expect(String((error as Error).message)).toMatch(/exited while the test waited \(signal SIGKILL\)/);
      expect(String((error as Error).message)).toContain("Listening on");
    } finally {
      await app.stop();
    }
  });

  it("an app that cannot start fails start() with what it printed", async () => {
    const started = AppProcess.start({ sim, env: { LOG_LEVEL: "no-such-level" } });
    const error = await started.then(
      async (app) => {
        await app.stop();
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppProcessExit);
    expect(String((error as Error).message)).toMatch(/\(code 1\)/);
    expect(String((error as Error).message)).toContain("Invalid log level");
  });

  it("on SIGTERM, finishes the audit under way before it exits: its runs are completed, not left in progress", async () => {
    const e = await startE2E();
    try {
      const repo = addRepo(e, "sigterm", GOOD);
      const sha = repo.commit({ "src/app/db.py": BAD["src/app/db.py"] as string });
      const hold = e.sim.hold({ route: "GET /repos/{owner}/{repo}/git/trees/{tree_sha}", repo: repo.fullName });
      await deliverPush(e, repo);
      await e.app.guard(hold.reached);
      const stopping = e.app.stop(20_000);
      // Released only once the server has stopped taking deliveries (the signal was handled).
      for (let i = 0; i < 200 && (await fetch(`${e.app.origin}/ping`).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 50));
      hold.release();
      await stopping;
      const runs = e.sim.checkRuns(repo.owner, repo.name, { headSha: sha });
      expect(runs.map((r) => r.status)).toEqual(["completed", "completed"]);
      expect(runs.filter((r) => r.conclusion === null || r.conclusion === "cancelled")).toEqual([]);
    } finally {
      await stopE2E(e);
    }
  });
});
