/**
 * The app exactly as `npm start` (`lib/src/main.js`) runs it, except that Octokit's client-side
 * throttling is off (the shipped app paces each installation's writes within GitHub's write
 * budget, which bounds the app's throughput per installation before its own work does). Used by the load benchmark to measure what the
 * app itself can sustain; the "shipped" runs use `lib/src/main.js` unchanged.
 *
 * With `BENCH_NO_SECRETLINT_PROFILER=1`, also turns secretlint's process-wide profiler off:
 * `@secretlint/core` makes ~100 `performance.mark`s per file it scans, and `@secretlint/profiler`
 * keeps every one (and searches them all on each new mark; Node's timeline buffer keeps them too),
 * so a long-running process slows down and grows with every audit (see the benchmark's notes).
 *
 *   node lib/bench/app-unthrottled.js   (environment as for `npm start`: APP_ID, PRIVATE_KEY, ...)
 */
import { ProbotOctokit, run } from "probot";
import app from "../src/index.js";

// The function form of `defaults` (the object form leaves Probot's throttle options in place).
const Unthrottled = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as object | undefined), enabled: false },
}));

if (process.env.BENCH_NO_SECRETLINT_PROFILER === "1") {
  // A transitive dependency (of @secretlint/core; one copy in node_modules, so the same instance).
  const profiler = (await import("@secretlint/profiler")) as unknown as { secretLintProfiler: { mark: (marker: unknown) => void } };
  profiler.secretLintProfiler.mark = () => undefined;
}

await run(app, { Octokit: Unthrottled });
