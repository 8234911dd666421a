/**
 * The server: `npm start` (`node --max-old-space-size=1024 --max-semi-space-size=2 lib/src/main.js`). Probot's `run`, as `probot run` does it (the
 * environment and `.env`, the setup page when the app has no credentials yet, `/ping`), with the
 * app's Octokit: GitHub's write budget per installation instead of Probot's fixed write pacing
 * (`github/octokit.ts`). A configuration that cannot start (an unknown LOG_LEVEL, no APP_ID in
 * production) ends the process with one line saying why.
 *
 * SIGTERM (`docker stop`, a Kubernetes rollout) stops taking deliveries and lets the audits under
 * way finish for up to SHUTDOWN_GRACE_MS, so that their check runs are completed rather than left
 * in progress; SIGINT stops at once, as Probot does.
 */
import { run } from "probot";
import app from "./index.js";
import { PhaseGateOctokit } from "./github/octokit.js";

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];
/** Within Docker's default 10 s between SIGTERM and SIGKILL. */
const SHUTDOWN_GRACE_MS = 8_000;

const level: string | undefined = process.env.LOG_LEVEL;
if (level !== undefined && level !== "" && !LEVELS.includes(level)) {
  console.error(`Invalid log level '${level}': LOG_LEVEL must be one of ${LEVELS.join(", ")}`);
  process.exit(1);
}

let server: Awaited<ReturnType<typeof run>>;
try {
  server = await run(app, { Octokit: PhaseGateOctokit });
} catch (error) {
  console.error(`phase-gate could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

process.once("SIGTERM", () => {
  void (async () => {
    const deadline = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), SHUTDOWN_GRACE_MS).unref());
    try {
      await server.stop();
      const ended = await Promise.race([app.idle().then(() => "idle" as const), deadline]);
      if (ended === "timeout") console.error(`phase-gate: audits still running after ${SHUTDOWN_GRACE_MS} ms; stopping anyway`);
      process.exit(0);
    } catch (error) {
      console.error(`phase-gate: error while stopping: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  })();
});
