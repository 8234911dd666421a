/**
 * The Octokit the app runs with (`src/main.ts`): Probot's, with GitHub's documented write budget
 * per installation in place of Probot's fixed pacing.
 *
 * Probot's throttling (plugin-throttling) spaces an installation's writes one second apart and its
 * notifying writes (comments) three seconds apart, whatever came before. An audit writes one check
 * run per phase, so a single push waited two seconds for its third run, and an installation could
 * never publish faster than one run a second. GitHub's secondary limits are budgets, not spacings:
 * 900 points a minute for REST, a write costing 5 points, and at most 80 content-creating requests
 * a minute (`notes/github-app-facts.md`, section 6). So each installation gets token buckets
 * instead (Bottleneck's reservoir, the limiter plugin-throttling itself uses):
 * - writes: a burst of WRITE_BURST, refilled at WRITES_PER_MINUTE (600 of the 900 points, the rest
 *   left for reads);
 * - notifying writes (a pull request's comment, a reply): a burst of NOTIFYING_BURST, refilled at
 *   NOTIFYING_PER_MINUTE, a quarter of the content-creation limit.
 * The buckets count writes; the requests themselves then run in Probot's global group (at most 10
 * at once per installation), so a burst's writes are not a second apart as GitHub's best practices
 * suggest for "a large number" of them: the budget is what keeps a flood within the limits. If
 * GitHub counts creating a check run as content creation (its documentation does not say), a
 * sustained flood of fast audits (one create per phase) would pass 80 a minute; the secondary-limit
 * hook then waits it out (`secondary-limit.ts`).
 * A quiet installation's audit publishes at once; a flood from one installation is paced within
 * GitHub's limits. The keys are Probot's (`app.auth(id)` sets the installation id); with
 * `REDIS_URL`, Probot's Bottleneck connection is not used by these buckets: run one replica (the
 * audit queue is in-process too).
 */
import Bottleneck from "bottleneck/light.js";
import { ProbotOctokit } from "probot";

export const WRITE_BURST = 15;
export const WRITES_PER_MINUTE = 120;
export const NOTIFYING_BURST = 5;
export const NOTIFYING_PER_MINUTE = 20;

/** Keys idle this long are dropped (their bucket is full again by then). */
const IDLE_KEY_MS = 5 * 60_000;

/**
 * A token bucket per key: `burst` requests at once, then `perMinute`. The bucket is
 * topped up at most once a second (Bottleneck checks it on a timer per key: with hundreds of
 * installations, a timer every 250 ms each cost the app 4% of its CPU under load).
 */
export function budgetGroup(id: string, burst: number, perMinute: number): Bottleneck.Group {
  if (!Number.isSafeInteger(burst) || burst < 1) throw new RangeError(`burst must be a positive integer, got ${String(burst)}`);
  if (!(perMinute > 0)) throw new RangeError(`perMinute must be positive, got ${String(perMinute)}`);
  const interval = Math.max(1_000, Math.ceil(60_000 / perMinute));
  const amount = Math.max(1, Math.round((perMinute * interval) / 60_000));
  return new Bottleneck.Group({
    id,
    maxConcurrent: 1,
    reservoir: burst,
    reservoirIncreaseAmount: amount,
    // A little under the heartbeat: a tick measured a millisecond short must not skip a top-up.
    reservoirIncreaseInterval: interval - 50,
    reservoirIncreaseMaximum: burst,
    heartbeatInterval: interval,
    timeout: IDLE_KEY_MS,
  });
}

/** The process's buckets, by installation id (exported for tests and diagnostics). */
export const writeBudget = budgetGroup("phase-gate-write", WRITE_BURST, WRITES_PER_MINUTE);
export const notifyingBudget = budgetGroup("phase-gate-notifications", NOTIFYING_BURST, NOTIFYING_PER_MINUTE);

type Options = Record<string, unknown> & { throttle?: Record<string, unknown> };

/**
 * ProbotOctokit with the write budgets above. The function form of `defaults` sees the options
 * Probot built (its handlers, the installation id as throttle key) and replaces only the two groups;
 * when throttling is off (`throttle.enabled: false`), nothing is added.
 */
export const PhaseGateOctokit = ProbotOctokit.defaults((options: Options) => {
  const throttle = options.throttle;
  if (throttle?.enabled === false) return options;
  return { ...options, throttle: { ...throttle, write: writeBudget, notifications: notifyingBudget } };
});
