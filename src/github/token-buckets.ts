/**
 * Token buckets by key (an installation): `burst` tokens at once, refilled continuously at
 * `perMinute`; `take(key)` resolves when a token is there, in the order asked. One timer per key,
 * and only while someone waits; idle keys with a full bucket are forgotten.
 */
export interface TokenBucketOptions {
  readonly burst: number;
  readonly perMinute: number;
  /** Milliseconds clock (default `performance.now`). */
  readonly now?: () => number;
  /** Starts a timer and returns what cancels it (default `setTimeout`, unref'd). */
  readonly setTimer?: (fire: () => void, ms: number) => () => void;
}

interface Bucket {
  tokens: number;
  at: number;
  readonly waiting: Array<() => void>;
  cancel: (() => void) | null;
}

const defaultTimer = (fire: () => void, ms: number): (() => void) => {
  const timer = setTimeout(fire, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export class TokenBuckets {
  readonly burst: number;
  readonly perMinute: number;
  private readonly perMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fire: () => void, ms: number) => () => void;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: TokenBucketOptions) {
    if (!Number.isSafeInteger(options.burst) || options.burst < 1) throw new RangeError(`burst must be a positive integer, got ${String(options.burst)}`);
    if (!(options.perMinute > 0) || !Number.isFinite(options.perMinute)) throw new RangeError(`perMinute must be positive, got ${String(options.perMinute)}`);
    this.burst = options.burst;
    this.perMinute = options.perMinute;
    this.perMs = options.perMinute / 60_000;
    this.now = options.now ?? (() => performance.now());
    this.setTimer = options.setTimer ?? defaultTimer;
  }

  /** Resolves once `key` has a token (taking it). */
  take(key: string): Promise<void> {
    const bucket = this.refilled(key);
    if (bucket.waiting.length === 0 && bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      bucket.waiting.push(resolve);
      this.schedule(key, bucket);
    });
  }

  /** Tokens `key` has now (for tests and diagnostics). */
  available(key: string): number {
    return Math.floor(this.refilled(key).tokens);
  }

  /** Keys with a bucket in memory. */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, at: now, waiting: [], cancel: null };
      this.buckets.set(key, bucket);
      this.forgetIdle(key);
      return bucket;
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    return bucket;
  }

  /** Hands out tokens to waiters, and waits for the next one when some are left waiting. */
  private schedule(key: string, bucket: Bucket): void {
    if (bucket.cancel !== null) return;
    const release = (): void => {
      bucket.cancel = null;
      const current = this.refilled(key);
      while (current.waiting.length > 0 && current.tokens >= 1) {
        current.tokens -= 1;
        current.waiting.shift()?.();
      }
      if (current.waiting.length > 0) this.schedule(key, current);
    };
    // Someone waits only while the bucket holds less than a token.
    bucket.cancel = this.setTimer(release, Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs)));
  }

  /** Drops the buckets that are full and idle, so that a process serving many installations stays small. */
  private forgetIdle(justAdded: string): void {
    if (this.buckets.size < 1024) return;
    for (const [key, bucket] of this.buckets) {
      if (key === justAdded || bucket.waiting.length > 0) continue;
      if (Math.min(this.burst, bucket.tokens + (this.now() - bucket.at) * this.perMs) >= this.burst) this.buckets.delete(key);
    }
  }
}
