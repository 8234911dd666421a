/**
 * Sending a request again when GitHub's answer was a passing failure (a 5xx, a 409, no answer at
 * all), as @octokit/plugin-retry does, without its cost: plugin-retry builds a Bottleneck limiter
 * for every request, retried or not, which was 5 % of the app's CPU under load (app benchmark,
 * CPU profile). The app's Octokit turns plugin-retry off and adds this hook instead (`octokit.ts`).
 *
 * The rules are plugin-retry's but for 429 (see DO_NOT_RETRY): an error with an HTTP status of 400 or
 * more (a request that got no answer has status 500 in Octokit) is retried unless the status says
 * the request itself is wrong (DO_NOT_RETRY); at most `request.retries` times (default 3; a create
 * that must not be repeated passes 0: `retry-create.ts`), after 1, 4, then 9 times `baseMs`.
 * plugin-retry's options given to the app's Octokit (`retry: { retries, doNotRetry,
 * retryAfterBaseValue }`) still apply (`fromPluginRetryOptions`).
 * Rate limits (403, 429) are another hook's: `secondary-limit.ts`.
 */
import type { ProbotOctokit } from "probot";
import { sleep, statusOf } from "./retry-create.js";

/**
 * Statuses another attempt at once would not change: plugin-retry's list, and 429, which
 * plugin-retry sent again after 1, 4 and 9 s whatever `retry-after` said; the secondary-limit hook
 * waits it out as GitHub asks instead.
 */
export const DO_NOT_RETRY: ReadonlySet<number> = new Set([400, 401, 403, 404, 410, 422, 429, 451]);
export const DEFAULT_RETRIES = 3;
export const DEFAULT_BASE_MS = 1000;

export interface TransientRetryOptions {
  /** Milliseconds of the first wait; the n-th waits n² times this. */
  readonly baseMs?: number;
  /** Retries of a request that does not say (`request.retries`); default DEFAULT_RETRIES. */
  readonly retries?: number;
  /** Statuses never retried (default DO_NOT_RETRY; 429 is never retried here whatever this says). */
  readonly doNotRetry?: ReadonlySet<number>;
  readonly sleep?: (ms: number) => Promise<void>;
}

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Whether another attempt may succeed: an Octokit request error whose status is not the request's fault. */
export function isTransient(error: unknown, doNotRetry: ReadonlySet<number> = DO_NOT_RETRY): boolean {
  const status = statusOf(error);
  const request = (error as { request?: unknown } | null)?.request;
  return request !== undefined && status !== undefined && status >= 400 && status !== 429 && !doNotRetry.has(status);
}

/**
 * The settings plugin-retry takes (`new Octokit({ retry: { retries, doNotRetry, retryAfterBaseValue } })`),
 * as this hook's options; what is absent or malformed keeps its default.
 */
export function fromPluginRetryOptions(retry: unknown): Omit<TransientRetryOptions, "sleep"> {
  const r = (typeof retry === "object" && retry !== null ? retry : {}) as { retries?: unknown; doNotRetry?: unknown; retryAfterBaseValue?: unknown };
  const count = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;
  return {
    ...(count(r.retries) ? { retries: r.retries } : {}),
    ...(Array.isArray(r.doNotRetry) && r.doNotRetry.every((s) => typeof s === "number") ? { doNotRetry: new Set(r.doNotRetry as number[]) } : {}),
    ...(count(r.retryAfterBaseValue) ? { baseMs: r.retryAfterBaseValue } : {}),
  };
}

/** Adds the hook to `octokit`. */
export function retryTransient(octokit: Octokit, options: TransientRetryOptions = {}): void {
  const baseMs = options.baseMs ?? DEFAULT_BASE_MS;
  const wait = options.sleep ?? sleep;
  const doNotRetry = options.doNotRetry ?? DO_NOT_RETRY;
  const defaultRetries = options.retries ?? DEFAULT_RETRIES;
  octokit.hook.wrap("request", async (request, requestOptions) => {
    const asked = (requestOptions.request as { retries?: unknown } | undefined)?.retries;
    const retries = typeof asked === "number" ? asked : defaultRetries;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await request(requestOptions);
      } catch (error) {
        if (attempt >= retries || !isTransient(error, doNotRetry)) throw error;
        await wait((attempt + 1) ** 2 * baseMs);
      }
    }
  });
}
