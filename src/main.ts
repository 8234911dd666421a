/**
 * The server: `npm start` (`node lib/src/main.js`). Probot's `run`, as `probot run` does it (the
 * environment and `.env`, the setup page when the app has no credentials yet, `/ping`), with the
 * app's Octokit: GitHub's write budget per installation instead of Probot's fixed write pacing
 * (`github/octokit.ts`). A configuration that cannot start (an unknown LOG_LEVEL, no APP_ID in
 * production) ends the process with one line saying why.
 */
import { run } from "probot";
import app from "./index.js";
import { PhaseGateOctokit } from "./github/octokit.js";

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

const level: string | undefined = process.env.LOG_LEVEL;
if (level !== undefined && level !== "" && !LEVELS.includes(level)) {
  console.error(`Invalid log level '${level}': LOG_LEVEL must be one of ${LEVELS.join(", ")}`);
  process.exit(1);
}

try {
  await run(app, { Octokit: PhaseGateOctokit });
} catch (error) {
  console.error(`phase-gate could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
