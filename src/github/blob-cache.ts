/**
 * Git blobs by SHA, kept in memory for every audit of the process. A blob SHA names its content
 * (the same SHA is the same bytes in every repository and every installation), so an entry never
 * goes stale and needs no key but the SHA; a repository can only ask for a SHA its own tree
 * lists, so sharing across installations reveals nothing.
 *
 * An LRU bounded by bytes, not entries: a few large files must not push out thousands of small
 * ones, so blobs above a fraction of the budget are handed back and not kept. Two callers asking
 * for the same SHA while it is being fetched share one fetch.
 */

/** 64 MiB. */
export const DEFAULT_BLOB_CACHE_BYTES = 64 * 1024 * 1024;
/** Blobs larger than this fraction of the budget are not kept. */
export const DEFAULT_MAX_ENTRY_FRACTION = 1 / 8;

export interface BlobCacheOptions {
  /** The most bytes of blob content held at once. */
  readonly maxBytes?: number;
  /** A blob over `maxBytes * maxEntryFraction` bytes is returned to its caller but not kept. */
  readonly maxEntryFraction?: number;
}

export interface BlobCacheStats {
  /** Requests answered from memory. */
  readonly hits: number;
  /** Requests that started a fetch (one API call each). */
  readonly misses: number;
  /** Requests that waited for a fetch another request had started. */
  readonly joined: number;
  /** Fetches that failed (not cached: the next request tries again). */
  readonly failures: number;
  /** Bytes held now. */
  readonly bytes: number;
  /** Blobs held now. */
  readonly entries: number;
  /** Blobs dropped to stay within the budget. */
  readonly evictions: number;
  /** Bytes fetched in total. */
  readonly fetchedBytes: number;
  /** Fetched blobs too large to keep. */
  readonly uncacheable: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class BlobCache {
  readonly maxBytes: number;
  /** Entries above this many bytes are not kept. */
  readonly maxEntryBytes: number;
  /** Least recently used first (a Map iterates in insertion order; a hit re-inserts). */
  private readonly entries = new Map<string, Uint8Array>();
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();
  private readonly counters: Mutable<Omit<BlobCacheStats, "bytes" | "entries">> = {
    hits: 0,
    misses: 0,
    joined: 0,
    failures: 0,
    evictions: 0,
    fetchedBytes: 0,
    uncacheable: 0,
  };
  private held = 0;

  constructor(options: BlobCacheOptions = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_BLOB_CACHE_BYTES;
    const fraction = options.maxEntryFraction ?? DEFAULT_MAX_ENTRY_FRACTION;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new RangeError(`maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
    }
    if (!(fraction > 0 && fraction <= 1)) {
      throw new RangeError(`maxEntryFraction must be in (0, 1], got ${String(fraction)}`);
    }
    this.maxBytes = maxBytes;
    this.maxEntryBytes = Math.floor(maxBytes * fraction);
  }

  /**
   * The blob `sha`: from memory, from a fetch already under way, or from `load` (called at most
   * once per SHA at a time). A failed load is not remembered. The bytes are shared between
   * callers: do not modify them.
   */
  get(sha: string, load: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const key = sha.toLowerCase();
    const held = this.entries.get(key);
    if (held !== undefined) {
      this.counters.hits++;
      this.entries.delete(key);
      this.entries.set(key, held);
      return Promise.resolve(held);
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) {
      this.counters.joined++;
      return pending;
    }
    this.counters.misses++;
    const fetch = (async () => {
      try {
        const bytes = await load();
        this.counters.fetchedBytes += bytes.byteLength;
        this.keep(key, bytes);
        return bytes;
      } catch (error) {
        this.counters.failures++;
        throw error;
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, fetch);
    return fetch;
  }

  /** True when the blob is held in memory (not counted as a hit). */
  has(sha: string): boolean {
    return this.entries.has(sha.toLowerCase());
  }

  stats(): BlobCacheStats {
    return { ...this.counters, bytes: this.held, entries: this.entries.size };
  }

  /** Drops every held blob (fetches under way still complete; counters are kept). */
  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  private keep(key: string, bytes: Uint8Array): void {
    if (bytes.byteLength > this.maxEntryBytes) {
      this.counters.uncacheable++;
      return;
    }
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.held -= old.byteLength;
    }
    this.entries.set(key, bytes);
    this.held += bytes.byteLength;
    for (const [oldest, value] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.held -= value.byteLength;
      this.counters.evictions++;
    }
  }
}
