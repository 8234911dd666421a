/**
 * Waiting out GitHub's rate limits. The app's Octokit has plugin-throttling off (`octokit.ts`), and
 * Probot's throttling options would only log a secondary limit anyway. So each installation client
 * the app uses gets a request hook: a 403 or 429 that says "secondary rate limit" (or carries
 * `retry-after`), or that says the primary limit is spent (`x-ratelimit-remaining: 0`), is waited
 * out (`retry-after` seconds, else until `x-ratelimit-reset` when nothing remains, else 60 s, as
 * GitHub's documentation asks) and sent again, at most `maxRetries` times; a wait longer than
 * `maxWaitSeconds` is not made (the error is thrown). A request refused that way was not
 * processed, so sending it again creates nothing twice.
 */
import type { ProbotOctokit } from "probot";
import { sleep, statusOf } from "./retry-create.js";

export interface SecondaryLimitOptions {
  /** Times one request is sent again (default 3). */
  readonly maxRetries?: number;
  /** Seconds waited at most for one answer (default 15 minutes): beyond, the error is thrown. */
  readonly maxWaitSeconds?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly log?: { warn(obj: object, msg: string): void };
}

type Octokit = InstanceType<typeof ProbotOctokit>;

const hooked = new WeakSet<object>();

/** Adds the hook to `octokit` (once) and returns it. */
export function waitOutSecondaryLimits(octokit: Octokit, options: SecondaryLimitOptions = {}): Octokit {
  if (hooked.has(octokit)) return octokit;
  hooked.add(octokit);
  const maxRetries = options.maxRetries ?? 3;
  const maxWait = options.maxWaitSeconds ?? 15 * 60;
  const wait = options.sleep ?? sleep;
  const now = options.now ?? Date.now;
  octokit.hook.wrap("request", async (request, requestOptions) => {
    for (let retry = 0; ; retry += 1) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const seconds = secondaryWait(error, now());
        if (seconds === null || retry >= maxRetries || seconds > maxWait) throw error;
        const { method, url } = requestOptions;
        options.log?.warn({ method, url, retryAfter: seconds, retry: retry + 1 }, `secondary rate limit: waiting ${seconds} s before sending ${method ?? ""} ${url ?? ""} again`);
        await wait(seconds * 1000);
      }
    }
  });
  return octokit;
}

/** Seconds to wait when `error` is a secondary rate limit; null when it is not one. */
export function secondaryWait(error: unknown, nowMs: number): number | null {
  const status = statusOf(error);
  if (status !== 403 && status !== 429) return null;
  const response = (error as { response?: { headers?: Record<string, string | number | undefined>; data?: unknown } }).response;
  const headers = response?.headers ?? {};
  const message = `${(error as { message?: unknown }).message ?? ""} ${JSON.stringify(response?.data ?? "")}`.toLowerCase();
  const retryAfter = Number(headers["retry-after"]);
  const secondary = message.includes("secondary rate limit") || Number.isFinite(retryAfter);
  // The primary limit (the installation's requests an hour) is spent: wait for its reset.
  const primary = String(headers["x-ratelimit-remaining"]) === "0" && Number.isFinite(Number(headers["x-ratelimit-reset"]));
  if (!secondary && !primary) return null;
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.ceil(retryAfter);
  const reset = Number(headers["x-ratelimit-reset"]);
  if (String(headers["x-ratelimit-remaining"]) === "0" && Number.isFinite(reset)) return Math.max(1, Math.ceil(reset - nowMs / 1000));
  return 60;
}
