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
  /** Only requests of this repository (`owner/name`, any case): tests that share a simulator stay apart. */
  readonly repo?: string;
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
  /** Only requests of this repository (`owner/name`). */
  readonly repo?: string;
  /** How many of the next matching requests are refused (default 1). */
  readonly times?: number;
  /** Seconds, sent as `retry-after` (no header when absent). */
  readonly retryAfter?: number;
  /** 403 (default) or 429. */
  readonly status?: 403 | 429;
}

interface Match {
  readonly route?: string;
  readonly method?: string;
  /** `/repos/<owner>/<name>`, lower case. */
  readonly repoPath?: string;
}

export type Rule =
  | (Match & { readonly kind: "server-error"; left: number; readonly status: number; readonly afterEffect: boolean })
  | (Match & { readonly kind: "secondary-rate-limit"; left: number; readonly status: number; readonly retryAfter?: number });

export interface HoldOptions {
  /** A route as the log names it (any method), or with a method first. Default: every route. */
  readonly route?: string;
  readonly method?: string;
  /** Only requests of this repository (`owner/name`). */
  readonly repo?: string;
  /** How many of the next matching requests are held (default 1); later ones pass. */
  readonly times?: number;
}

/**
 * Requests stopped before the fault stage until `release()`: a test makes the app wait at a known
 * point (say, while it reads a commit's tree) and does something meanwhile, without timing.
 */
export class Hold {
  /** Requests that reached the hold so far (at most `times`). */
  held = 0;
  readonly #match: Match;
  #left: number;
  #released = false;
  readonly #waiting: (() => void)[] = [];
  readonly #watchers: { readonly count: number; readonly resolve: () => void }[] = [];

  constructor(options: HoldOptions) {
    this.#match = match(options);
    this.#left = options.times ?? 1;
  }

  /** Resolves once the first request is held. */
  get reached(): Promise<void> {
    return this.untilHeld(1);
  }

  /** Resolves once `count` requests have reached the hold. */
  untilHeld(count: number): Promise<void> {
    if (this.held >= count) return Promise.resolve();
    return new Promise((resolve) => this.#watchers.push({ count, resolve }));
  }

  /** Requests held now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  get released(): boolean {
    return this.#released;
  }

  /** Lets every held request go on, and every later one pass. */
  release(): void {
    this.#released = true;
    this.#left = 0;
    for (const go of this.#waiting.splice(0)) go();
  }

  /** Holds this request if it is one of the next `times` matching ones; resolves when released. */
  take(method: string, route: string, path: string): Promise<void> | null {
    if (this.#released || this.#left <= 0 || !matches(this.#match, method, route, path)) return null;
    this.#left -= 1;
    this.held += 1;
    const wait = new Promise<void>((resolve) => this.#waiting.push(resolve));
    for (const watcher of this.#watchers.filter((w) => w.count <= this.held)) {
      this.#watchers.splice(this.#watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
    return wait;
  }
}

function match(options: { readonly route?: string; readonly method?: string; readonly repo?: string }): Match {
  return {
    ...(options.route !== undefined ? { route: options.route } : {}),
    ...(options.method !== undefined ? { method: options.method.toUpperCase() } : {}),
    ...(options.repo !== undefined ? { repoPath: `/repos/${options.repo.toLowerCase()}` } : {}),
  };
}

function ofRepo(path: string, repoPath: string): boolean {
  return path === repoPath || path.startsWith(`${repoPath}/`) || path.startsWith(`${repoPath}?`);
}

function matches(rule: Match, method: string, route: string, path: string): boolean {
  return (
    (rule.method === undefined || rule.method === method) &&
    (rule.route === undefined || matchesRoute({ method, route }, rule.route)) &&
    (rule.repoPath === undefined || ofRepo(path.toLowerCase(), rule.repoPath))
  );
}

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
  readonly holds: Hold[] = [];
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
      ...match(options),
      left: options.times ?? 1,
      status: options.status,
      afterEffect: options.afterEffect ?? false,
    });
  }

  secondaryRateLimit(options: SecondaryRateLimitOptions = {}): void {
    this.rules.push({
      kind: "secondary-rate-limit",
      ...match(options),
      left: options.times ?? 1,
      status: options.status ?? 403,
      ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}),
    });
  }

  hold(options: HoldOptions = {}): Hold {
    const hold = new Hold(options);
    this.holds.push(hold);
    return hold;
  }

  /** Waits while a hold keeps this request (resolves at once when none does). */
  async gate(method: string, route: string, path: string): Promise<void> {
    for (const hold of this.holds) {
      const wait = hold.take(method, route, path);
      if (wait !== null) {
        await wait;
        return;
      }
    }
  }

  /** Lets every held request go (holds end too). */
  releaseHolds(): void {
    for (const hold of this.holds.splice(0)) hold.release();
  }

  /**
   * The first rule that applies to this request, consumed (one of its `times`); undefined when none.
   * `path` (without `/api/v3`) is needed only by rules of one repository.
   */
  take(method: string, route: string, path = ""): Rule | undefined {
    const index = this.rules.findIndex((r) => r.left > 0 && matches(r, method, route, path));
    if (index === -1) return undefined;
    const rule = this.rules[index] as Rule;
    rule.left -= 1;
    if (rule.left === 0) this.rules.splice(index, 1);
    return rule;
  }

  /** Drops every rule, releases every hold, drops the latency; rate-limit windows start again. */
  clear(): void {
    this.rules.length = 0;
    this.releaseHolds();
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
