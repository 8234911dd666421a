import { describe, expect, it } from "vitest";
import { BlobCache, DEFAULT_BLOB_CACHE_BYTES } from "../../src/github/blob-cache.js";

const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);

/** A loader that counts its calls and answers with `n` bytes. */
function loader(n: number, fill = 1) {
  const calls = { count: 0 };
  const load = async (): Promise<Uint8Array> => {
    calls.count++;
    return bytes(n, fill);
  };
  return { calls, load };
}

/** A promise and the functions that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("BlobCache", () => {
  it("fetches a blob once, then answers from memory", async () => {
    const cache = new BlobCache();
    const { calls, load } = loader(10, 7);
    const first = await cache.get("aaaa", load);
    const second = await cache.get("aaaa", load);
    expect(calls.count).toBe(1);
    expect(second).toBe(first);
    expect([...first]).toEqual(Array(10).fill(7));
    expect(cache.stats()).toEqual({
      hits: 1,
      misses: 1,
      joined: 0,
      failures: 0,
      bytes: 10,
      entries: 1,
      evictions: 0,
      fetchedBytes: 10,
      uncacheable: 0,
    });
  });

  it("keys by SHA regardless of letter case", async () => {
    const cache = new BlobCache();
    const { calls, load } = loader(3);
    await cache.get("ABCDEF", load);
    await cache.get("abcdef", load);
    expect(calls.count).toBe(1);
    expect(cache.has("AbCdEf")).toBe(true);
  });

  it("evicts the least recently used blobs when the byte budget is exceeded", async () => {
    const cache = new BlobCache({ maxBytes: 100, maxEntryFraction: 1 });
    await cache.get("a", loader(40).load);
    await cache.get("b", loader(40).load);
    await cache.get("a", loader(40).load); // a is now the most recently used
    await cache.get("c", loader(40).load); // 120 bytes > 100: b goes
    expect(cache.has("a")).toBe(true);
    expect(cache.has("b")).toBe(false);
    expect(cache.has("c")).toBe(true);
    expect(cache.stats()).toMatchObject({ bytes: 80, entries: 2, evictions: 1 });

    const again = loader(40);
    await cache.get("b", again.load);
    expect(again.calls.count).toBe(1); // evicted, so fetched again; a (LRU now) goes
    expect(cache.has("a")).toBe(false);
    expect(cache.stats()).toMatchObject({ bytes: 80, entries: 2, evictions: 2 });
  });

  it("evicts as many small blobs as a large one needs, and never more", async () => {
    const cache = new BlobCache({ maxBytes: 100, maxEntryFraction: 1 });
    for (const sha of ["1", "2", "3", "4", "5"]) await cache.get(sha, loader(20).load);
    expect(cache.stats()).toMatchObject({ bytes: 100, entries: 5, evictions: 0 });
    await cache.get("big", loader(70).load);
    // 170 bytes: 1, 2, 3 and 4 must go (100 left after three would still be 110 > 100).
    expect(["1", "2", "3", "4", "5", "big"].map((s) => cache.has(s))).toEqual([false, false, false, false, true, true]);
    expect(cache.stats()).toMatchObject({ bytes: 90, entries: 2, evictions: 4 });
  });

  it("does not keep a blob larger than its share of the budget", async () => {
    const cache = new BlobCache({ maxBytes: 100, maxEntryFraction: 0.25 });
    expect(cache.maxEntryBytes).toBe(25);
    await cache.get("small", loader(20).load);
    const big = loader(30);
    expect((await cache.get("big", big.load)).length).toBe(30);
    await cache.get("big", big.load);
    expect(big.calls.count).toBe(2);
    expect(cache.has("small")).toBe(true); // the large blob pushed nothing out
    expect(cache.stats()).toMatchObject({ bytes: 20, entries: 1, uncacheable: 2, fetchedBytes: 80 });
  });

  it("makes one call for concurrent requests of the same SHA", async () => {
    const cache = new BlobCache();
    const gate = deferred<Uint8Array>();
    let calls = 0;
    const load = (): Promise<Uint8Array> => {
      calls++;
      return gate.promise;
    };
    const a = cache.get("same", load);
    const b = cache.get("same", load);
    const c = cache.get("SAME", load);
    gate.resolve(bytes(5));
    const [x, y, z] = await Promise.all([a, b, c]);
    expect(calls).toBe(1);
    expect(y).toBe(x);
    expect(z).toBe(x);
    expect(cache.stats()).toMatchObject({ misses: 1, joined: 2, hits: 0, bytes: 5 });
  });

  it("does not remember a failed fetch: everyone waiting gets the error, the next request tries again", async () => {
    const cache = new BlobCache();
    const gate = deferred<Uint8Array>();
    let calls = 0;
    const failing = (): Promise<Uint8Array> => {
      calls++;
      return gate.promise;
    };
    const a = cache.get("x", failing);
    const b = cache.get("x", failing);
    gate.reject(Object.assign(new Error("Server Error"), { status: 500 }));
    await expect(a).rejects.toThrow("Server Error");
    await expect(b).rejects.toThrow("Server Error");
    expect(cache.has("x")).toBe(false);
    const retry = loader(4);
    expect((await cache.get("x", retry.load)).length).toBe(4);
    expect(calls).toBe(1);
    expect(retry.calls.count).toBe(1);
    expect(cache.stats()).toMatchObject({ misses: 2, joined: 1, failures: 1, entries: 1 });
  });

  it("clear() drops what it holds and keeps the counters", async () => {
    const cache = new BlobCache();
    await cache.get("a", loader(8).load);
    cache.clear();
    expect(cache.stats()).toMatchObject({ bytes: 0, entries: 0, misses: 1 });
    const again = loader(8);
    await cache.get("a", again.load);
    expect(again.calls.count).toBe(1);
  });

  it("has a 64 MiB default budget and refuses nonsense", () => {
    expect(new BlobCache().maxBytes).toBe(DEFAULT_BLOB_CACHE_BYTES);
    expect(DEFAULT_BLOB_CACHE_BYTES).toBe(64 * 1024 * 1024);
    expect(() => new BlobCache({ maxBytes: -1 })).toThrow(RangeError);
    expect(() => new BlobCache({ maxBytes: 1.5 })).toThrow(RangeError);
    expect(() => new BlobCache({ maxEntryFraction: 0 })).toThrow(RangeError);
    expect(() => new BlobCache({ maxEntryFraction: 2 })).toThrow(RangeError);
    expect(() => new BlobCache({ maxEntryFraction: Number.NaN })).toThrow(RangeError);
  });
});
