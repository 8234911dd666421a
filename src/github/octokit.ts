/**
 * The Octokit the app runs with (`src/main.ts`): Probot's, with GitHub's documented write budget
 * per installation in place of Probot's client-side throttling.
 *
 * Probot's throttling (plugin-throttling) spaces an installation's writes one second apart and its
 * notifying writes (comments) three seconds apart, whatever came before. An audit writes one check
 * run per phase, so a single push waited two seconds for its third run, and an installation could
 * never publish faster than one run a second. It also schedules every request, reads included,
 * through Bottleneck, which cost a fifth of the app's CPU under load (app benchmark). GitHub's
 * secondary limits are budgets, not spacings: 900 points a minute for REST, a write costing 5
 * points, and at most 80 content-creating requests a minute (`notes/github-app-facts.md`, section
 * 6). So plugin-throttling is turned off and each installation gets token buckets instead
 * (`token-buckets.ts`):
 * - writes (POST, PATCH, PUT, DELETE): a burst of WRITE_BURST, refilled at WRITES_PER_MINUTE (600 of
 *   the 900 points, the rest left for reads);
 * - comments (a POST to `…/comments`: the pull request's comment, a reply): also a burst of
 *   NOTIFYING_BURST, refilled at NOTIFYING_PER_MINUTE, a quarter of the content-creation limit.
 * A quiet installation's audit publishes at once; a flood from one installation is paced within
 * GitHub's limits. Rate limits that still happen, primary or secondary, are waited out as GitHub
 * asks by the hook of `secondary-limit.ts`. If GitHub counts creating a check run as content
 * creation (its documentation does not say), a sustained flood of fast audits would pass 80 a
 * minute; that hook then waits it out.
 *
 * Two more of Probot's defaults are replaced for their cost under load (app benchmark, CPU
 * profile), with the same behaviour: plugin-retry by `retry-transient.ts` (plugin-retry builds a
 * Bottleneck limiter per request; a 429 is left to the rate-limit hook, which every client has),
 * and auth-app's JWT per installation token by one JWT for the app (`app-jwt.ts`).
 *
 * The key is the installation id of an `app.auth(id)` client; other clients
 * (`context.octokit`, the app's JWT client) share one key. The buckets live in the process: run one
 * replica (the audit queue is in-process too).
 */
import { ProbotOctokit } from "probot";
import { jwtSigner, type CreateJwt } from "./app-jwt.js";
import { fromPluginRetryOptions, retryTransient, type TransientRetryOptions } from "./retry-transient.js";
import { waitOutSecondaryLimits } from "./secondary-limit.js";
import { TokenBuckets } from "./token-buckets.js";

export const WRITE_BURST = 15;
export const WRITES_PER_MINUTE = 120;
export const NOTIFYING_BURST = 5;
export const NOTIFYING_PER_MINUTE = 20;

/** The process's buckets, by installation id (exported for tests and diagnostics). */
export const writeBudget = new TokenBuckets({ burst: WRITE_BURST, perMinute: WRITES_PER_MINUTE });
export const notifyingBudget = new TokenBuckets({ burst: NOTIFYING_BURST, perMinute: NOTIFYING_PER_MINUTE });

const SHARED_KEY = "no-installation";

type Options = Record<string, unknown> & {
  throttle?: Record<string, unknown>;
  auth?: unknown;
  writeBudget?: { readonly key: string };
  /** First wait before a transient error is retried (`retry-transient.ts`); tests shorten it. */
  retryBaseMs?: number;
  /** False when the client was built with plugin-retry's `retry: { enabled: false }`: no retries at all; else plugin-retry's settings it was built with. */
  retryTransient?: false | Omit<TransientRetryOptions, "sleep">;
};

/** Whether a request spends the write budget, and the comment budget. */
export function budgetsOf(method: string | undefined, url: string | undefined): { write: boolean; notifying: boolean } {
  const m = (method ?? "GET").toUpperCase();
  const write = m !== "GET" && m !== "HEAD" && m !== "OPTIONS" && !/\/access_tokens$/.test(url ?? "");
  return { write, notifying: write && m === "POST" && /\/comments$/.test(url ?? "") };
}

/** The plugin: waits for the installation's tokens before each write. */
function writeBudgetPlugin(octokit: InstanceType<typeof ProbotOctokit>, options: Options): void {
  const key = options.writeBudget?.key;
  if (key === undefined) return;
  octokit.hook.before("request", async (request) => {
    const { write, notifying } = budgetsOf(request.method, request.url);
    if (write) await writeBudget.take(key);
    if (notifying) await notifyingBudget.take(key);
  });
}

/** What plugin-retry's options ask of the transient-error hook: nothing when it is turned off. */
function retrySettings(retry: unknown): false | Omit<TransientRetryOptions, "sleep"> {
  return (retry as { enabled?: unknown } | undefined)?.enabled === false ? false : fromPluginRetryOptions(retry);
}

/** The plugin: transient errors sent again, in place of plugin-retry. */
function retryPlugin(octokit: InstanceType<typeof ProbotOctokit>, options: Options): void {
  if (options.retryTransient === false) return;
  retryTransient(octokit, { ...options.retryTransient, ...(options.retryBaseMs !== undefined ? { baseMs: options.retryBaseMs } : {}) });
}

/**
 * The plugin: rate limits waited out on every client (`secondary-limit.ts`), the app's own and
 * `context.octokit` too; `src/index.ts` adds the same hook (once per client) to installation
 * clients, whatever Octokit the app runs with.
 */
function rateLimitPlugin(octokit: InstanceType<typeof ProbotOctokit>): void {
  // Probot gives every client its pino logger (typed as Octokit's), which takes (object, message).
  waitOutSecondaryLimits(octokit, { log: octokit.log as unknown as { warn(obj: object, msg: string): void } });
}

/** One signer per private key (in practice one): its JWT is shared by every client of the app. */
let signer: { readonly privateKey: string; readonly createJwt: CreateJwt } | undefined;

/**
 * App credentials with the private key replaced by the shared signer (`app-jwt.ts`). Probot adds
 * `privateKey` back to every client it builds (an installation's client too), so this runs on each.
 */
function withSharedJwt(auth: unknown): unknown {
  if (typeof auth !== "object" || auth === null) return auth;
  const { privateKey, ...rest } = auth as { privateKey?: unknown };
  if (typeof privateKey !== "string" || privateKey === "") return auth;
  if (signer?.privateKey !== privateKey) signer = { privateKey, createJwt: jwtSigner(privateKey) };
  return { ...rest, createJwt: signer.createJwt };
}

/**
 * ProbotOctokit with the write budgets above, plugin-throttling and plugin-retry off (the
 * transient-error hook of `retry-transient.ts` instead), and one JWT for the app. The function
 * form of `defaults` sees the options Probot built: an `app.auth(id)` client carries its
 * installation id in `auth.installationId` (Probot drops `throttle.id` once throttling is off).
 */
export const PhaseGateOctokit = ProbotOctokit.defaults((options: Options) => {
  const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
  const key = typeof installationId === "number" || typeof installationId === "string" ? String(installationId) : SHARED_KEY;
  return {
    ...options,
    auth: withSharedJwt(options.auth),
    throttle: { ...options.throttle, enabled: false },
    // plugin-retry off; its own options still apply (`retryPlugin`): `enabled: false` turns retries
    // off. Options this function already saw (an installation's client is built from the app
    // client's options, `retry: { enabled: false }` included) keep what was decided then.
    retry: { enabled: false },
    retryTransient: options.retryTransient ?? retrySettings(options.retry),
    writeBudget: { key },
  };
}).plugin(writeBudgetPlugin as never, retryPlugin as never, rateLimitPlugin as never);
