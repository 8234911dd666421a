import { createHash } from "node:crypto";
import type { CheckResult } from "../check/types.js";
import type { CheckEntry } from "../config/types.js";

/**
 * What a long-running process (the app) may reuse between audits: the paths a set of globs matches
 * in a listing, and the result of a check whose inputs are unchanged. A push usually edits files
 * and adds none, so the next audit of the repository lists the same paths: every glob matches the
 * same paths again, and every check whose own files kept their blob SHAs gives the same result.
 * Under load, matching globs over the listing and re-running unchanged checks were most of an
 * audit's CPU (the app benchmark's profile).
 *
 * Sound because a check is a function of its context alone (`src/check/types.ts`: synchronous
 * access to its options, the listing, and the texts of its own files, all read before it runs).
 * A result is keyed by:
 * - the checklist entry, by identity (the app reuses a checklist while its text is unchanged);
 * - the listing's fingerprint (every path, and each skipped entry's reason);
 * - the blob SHA of each of the check's files;
 * - the files that could not be read in this audit, and why.
 * A result is not kept when a file of the audit had no blob SHA or failed to read for a reason
 * that may pass ("unreadable": an API error), nor when the check errored.
 *
 * Bounded by weight (an entry weighs 1 plus the paths or findings it holds; keys are digests),
 * least recently used first out.
 */
export class AuditMemo {
  private readonly entries = new Map<string, { readonly value: unknown; readonly weight: number }>();
  private weight = 0;
  private hits = 0;
  private misses = 0;

  constructor(readonly maxWeight = 500_000) {
    if (!Number.isSafeInteger(maxWeight) || maxWeight < 1) throw new RangeError(`maxWeight must be a positive integer, got ${String(maxWeight)}`);
  }

  /**
   * The paths `patterns` match among `universe` of the listing `fingerprint` (its readable files, or
   * all its paths, skipped entries included), computed by `compute` once.
   */
  matches(fingerprint: string, universe: "files" | "all", patterns: readonly string[], compute: () => string[]): string[] {
    const key = `m\0${universe}\0${fingerprint}\0${patterns.join("\0")}`;
    const known = this.get<string[]>(key);
    if (known !== undefined) return known;
    const value = compute();
    this.set(key, value, 1 + value.length);
    return value;
  }

  /** A result stored under `key` (see `resultKey`), if any. */
  result(key: string): CheckResult | undefined {
    return this.get<CheckResult>(key);
  }

  /** Keeps `result` under `key`, unless the check errored. */
  keep(key: string, result: CheckResult): void {
    if (result.status === "error") return;
    this.set(key, result, 1 + result.findings.length);
  }

  /** Hits and misses so far, and the weight held (for logs and benchmarks). */
  stats(): { hits: number; misses: number; weight: number; entries: number } {
    return { hits: this.hits, misses: this.misses, weight: this.weight, entries: this.entries.size };
  }

  private get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value as T;
  }

  private set(key: string, value: unknown, weight: number): void {
    if (weight > this.maxWeight) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.weight -= old.weight;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, weight });
    this.weight += weight;
    for (const [oldest, entry] of this.entries) {
      if (this.weight <= this.maxWeight) break;
      this.entries.delete(oldest);
      this.weight -= entry.weight;
    }
  }
}

const entryIds = new WeakMap<CheckEntry, number>();
let nextEntryId = 1;

/** A number naming one checklist entry object for as long as it lives. */
function entryId(entry: CheckEntry): number {
  let id = entryIds.get(entry);
  if (id === undefined) {
    id = nextEntryId++;
    entryIds.set(entry, id);
  }
  return id;
}

/** A digest of a listing: its paths (sorted, as listings are) and each skipped entry's reason. */
export function listingFingerprint(files: ReadonlyArray<{ readonly path: string }>, skipped: ReadonlyArray<{ readonly path: string; readonly reason: string }>): string {
  // One string hashed once (each path followed by NUL, as before): an update per path cost a string and a native call each.
  const paths = files.length > 0 ? `${files.map((f) => f.path).join("\0")}\0` : "";
  const reasons = skipped.map((s) => `${s.path}\0${s.reason}\0`).join("");
  return createHash("sha256").update(`${paths}\u0001${reasons}`).digest("base64");
}

/**
 * The key of a check's result, or null when it must not be reused: `scope` are the check's files
 * (path and blob SHA, null when unknown), `failed` the audit's files that could not be read.
 */
export function resultKey(
  entry: CheckEntry,
  fingerprint: string,
  scope: ReadonlyArray<{ readonly path: string; readonly blob: string | null }>,
  failed: ReadonlyArray<{ readonly path: string; readonly reason: string }>,
): string | null {
  if (scope.some((f) => f.blob === null) || failed.some((f) => f.reason === "unreadable")) return null;
  // Digested: a check that reads thousands of files would otherwise make a key of hundreds of KB.
  const hash = createHash("sha256");
  for (const f of scope) hash.update(`${f.path}\0${f.blob ?? ""}\0`);
  hash.update("\u0001");
  for (const f of failed) hash.update(`${f.path}\0${f.reason}\0`);
  return `r\0${entryId(entry)}\0${fingerprint}\0${hash.digest("base64")}`;
}
