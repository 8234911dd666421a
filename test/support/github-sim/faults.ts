/**
 * Errors on purpose, as GitHub gives them: 5xx for the next N requests of a route, secondary rate
 * limits (403 or 429, "You have exceeded a secondary rate limit", `retry-after`), and the primary
 * rate limit's `x-ratelimit-*` headers on every response (enforced only when asked: a benchmark
 * makes more requests than an hour's budget).
 */
import { matchesRoute } from "./request-log.js";

export interface FaultOptions {
  /** A route as the log names it: `/repos/{owner}/{repo}/issues/{issue_number}/comments` (any method) or with a method first. Default: every route. */
  readonly route?: string;
  /** Only requests of this method (`POST`). */
  readonly method?: string;
  /** How many of the next matching requests fail (default 1). */
  readonly times?: number;
  readonly status: 500 | 502 | 503 | 504;
  /**
   * When true, the request takes effect first and the error is answered after (GitHub storing a
   * comment and answering 500): a client that retries creates a duplicate.
   */
  readonly afterEffect?: boolean;
}

export interface SecondaryRateLimitOptions {
  readonly route?: string;
  readonly method?: string;
  /** How many of the next matching requests are refused (default 1). */
  readonly times?: number;
  /** Seconds, sent as `retry-after` (no header when absent). */
  readonly retryAfter?: number;
  /** 403 (default) or 429. */
  readonly status?: 403 | 429;
}

export type Rule =
  | { readonly kind: "server-error"; readonly route?: string; readonly method?: string; left: number; readonly status: number; readonly afterEffect: boolean }
  | { readonly kind: "secondary-rate-limit"; readonly route?: string; readonly method?: string; left: number; readonly status: number; readonly retryAfter?: number };

export interface RateLimitOptions {
  /** `x-ratelimit-limit` (default 5000). */
  readonly limit?: number;
  /** When true, a request past the limit is refused like GitHub (403, `x-ratelimit-remaining: 0`) until the window resets. Default false. */
  readonly enforce?: boolean;
  /** Seconds of a window (default 3600). */
  readonly windowSeconds?: number;
}

interface Window {
  used: number;
  /** Epoch seconds. */
  reset: number;
}

export class Faults {
  readonly rules: Rule[] = [];
  /** Milliseconds every response waits before it is sent. */
  latencyMs = 0;
  limit: number;
  enforce: boolean;
  windowSeconds: number;
  readonly #windows = new Map<string, Window>();

  constructor(options: RateLimitOptions = {}) {
    this.limit = options.limit ?? 5000;
    this.enforce = options.enforce ?? false;
    this.windowSeconds = options.windowSeconds ?? 3600;
  }

  fault(options: FaultOptions): void {
    this.rules.push({
      kind: "server-error",
      ...(options.route !== undefined ? { route: options.route } : {}),
      ...(options.method !== undefined ? { method: options.method.toUpperCase() } : {}),
      left: options.times ?? 1,
      status: options.status,
      afterEffect: options.afterEffect ?? false,
    });
  }

  secondaryRateLimit(options: SecondaryRateLimitOptions = {}): void {
    this.rules.push({
      kind: "secondary-rate-limit",
      ...(options.route !== undefined ? { route: options.route } : {}),
      ...(options.method !== undefined ? { method: options.method.toUpperCase() } : {}),
      left: options.times ?? 1,
      status: options.status ?? 403,
      ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}),
    });
  }

  /** The first rule that applies to this request, consumed (one of its `times`); undefined when none. */
  take(method: string, route: string): Rule | undefined {
    const entry = { method, route };
    const index = this.rules.findIndex(
      (r) => r.left > 0 && (r.method === undefined || r.method === method) && (r.route === undefined || matchesRoute(entry, r.route)),
    );
    if (index === -1) return undefined;
    const rule = this.rules[index] as Rule;
    rule.left -= 1;
    if (rule.left === 0) this.rules.splice(index, 1);
    return rule;
  }

  /** Drops every rule and the latency; rate-limit windows start again. */
  clear(): void {
    this.rules.length = 0;
    this.latencyMs = 0;
    this.#windows.clear();
  }

  /**
   * Counts a request against its budget (`bucket`: the installation, or the app) and returns the
   * `x-ratelimit-*` headers; `exceeded` when enforcing and the budget is spent.
   */
  charge(bucket: string, limitOverride?: number, resource = "core"): { headers: Record<string, string>; exceeded: boolean } {
    const limit = limitOverride ?? this.limit;
    const now = Math.floor(Date.now() / 1000);
    let window = this.#windows.get(bucket);
    if (window === undefined || window.reset <= now) {
      window = { used: 0, reset: now + this.windowSeconds };
      this.#windows.set(bucket, window);
    }
    const exceeded = this.enforce && window.used >= limit;
    if (!exceeded) window.used += 1;
    return {
      exceeded,
      headers: {
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-remaining": String(Math.max(0, limit - window.used)),
        "x-ratelimit-reset": String(window.reset),
        "x-ratelimit-used": String(window.used),
        "x-ratelimit-resource": resource,
      },
    };
  }
}

export const SECONDARY_RATE_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID";
