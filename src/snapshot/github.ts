import { literalBase } from "../check/glob.js";
import type { BlobCache } from "../github/blob-cache.js";
import type { GitDataClient, TreeEntry, TreeListing } from "../github/types.js";
import { decodeFile } from "./decode.js";
import { compareByPath, comparePathBytes, findByPath } from "./path-order.js";
import {
  DEFAULT_MAX_FILE_BYTES,
  type FileEntry,
  type FileRead,
  type RepoSnapshot,
  type SkippedEntry,
  type SnapshotListing,
} from "./types.js";

/** API calls one snapshot has in flight at most (trees and blobs). */
export const DEFAULT_API_CONCURRENCY = 8;
/** Tree requests (subtrees' recursive listings and directory listings) a truncated tree's walk may make before it stops. */
export const DEFAULT_MAX_TREE_CALLS = 2000;
/** Directories a note names before it says "and N more". */
const NOTE_NAMES = 10;

export interface GitHubSnapshotOptions {
  readonly client: GitDataClient;
  readonly owner: string;
  readonly repo: string;
  /** The commit SHA audited. */
  readonly commit: string;
  /** Shared by every snapshot of the process (blobs are immutable). */
  readonly cache: BlobCache;
  /** Files over this many bytes are listed as skipped "too-large" and never fetched. */
  readonly maxFileBytes?: number;
  /** API calls in flight at most for this snapshot. */
  readonly concurrency?: number;
  /** The web host for file links, e.g. `https://ghe.example.com` (default `https://github.com`). */
  readonly htmlBase?: string;
  /** Bound on the tree requests of a truncated tree's walk. */
  readonly maxTreeCalls?: number;
}

/** Which directories a truncated tree's walk must list: `base`, its ancestors, and `depth` levels below it. */
interface DirNeed {
  /** "" for the root. */
  readonly base: string;
  /** How many directory levels below `base` may hold matches (Infinity for `**`). */
  readonly depth: number;
}

/** Everything, or the directories some globs can match. */
type Needs = "all" | readonly DirNeed[];

interface Classified {
  readonly files: FileEntry[];
  readonly skipped: SkippedEntry[];
}

/**
 * One commit of a GitHub repository read through the Git Database API: one recursive tree call
 * lists it (memoised for every `list`), blobs are fetched only when read, through the shared
 * `BlobCache`, with at most `concurrency` calls in flight. Symlinks, submodules and files over
 * the size cap are listed as skipped and never fetched.
 *
 * When GitHub truncates the recursive tree (over 100,000 entries or 7 MB), the directories the
 * audit's globs can match are walked instead, and the listing's notes say so: the root is listed
 * alone, then each needed directory below is asked for recursively, which usually lists its whole
 * subtree in one call; only a directory whose own recursive answer is truncated is listed alone
 * (one call) and its subdirectories are asked for the same way.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class GitHubSnapshot implements RepoSnapshot {
  readonly label: string;
  readonly commit: string;
  readonly fileUrlBase: string;
  private readonly client: GitDataClient;
  private readonly cache: BlobCache;
  private readonly maxFileBytes: number;
  private readonly maxTreeCalls: number;
  private readonly limit: Limiter;
  private recursive: Promise<TreeListing> | null = null;
  private full: SnapshotListing | null = null;
  /** Non-recursive listings of a truncated tree's walk, by directory path ("" is the root). */
  private readonly dirs = new Map<string, Promise<TreeListing>>();
  /** Recursive listings of subtrees, by directory path: true when complete, false when GitHub truncated it. */
  private readonly subtrees = new Map<string, Promise<boolean>>();
  /** Listings of the directories a complete recursive listing covered, by directory path (as non-recursive ones). */
  private readonly derived = new Map<string, TreeListing>();
  private treeCalls = 0;
  /** Every file and skipped entry a walk of a truncated tree has returned (with `full`: what `read` may fetch). */
  private readonly knownFiles = new Map<string, FileEntry>();
  private readonly knownSkipped = new Map<string, SkippedEntry>();

  constructor(options: GitHubSnapshotOptions) {
    const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    const concurrency = options.concurrency ?? DEFAULT_API_CONCURRENCY;
    const maxTreeCalls = options.maxTreeCalls ?? DEFAULT_MAX_TREE_CALLS;
    if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < 0) {
      throw new RangeError(`maxFileBytes must be a non-negative integer, got ${String(maxFileBytes)}`);
    }
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${String(concurrency)}`);
    }
    if (!Number.isSafeInteger(maxTreeCalls) || maxTreeCalls < 0) {
      throw new RangeError(`maxTreeCalls must be a non-negative integer, got ${String(maxTreeCalls)}`);
    }
    if (options.commit === "") throw new RangeError("commit must be a commit SHA");
    this.client = options.client;
    this.cache = options.cache;
    this.maxFileBytes = maxFileBytes;
    this.maxTreeCalls = maxTreeCalls;
    this.limit = limiter(concurrency);
    this.label = `${options.owner}/${options.repo}`;
    this.commit = options.commit;
    const host = (options.htmlBase ?? "https://github.com").replace(/\/+$/, "");
    this.fileUrlBase = `${host}/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/blob/${options.commit}/`;
  }

  async list(want?: readonly string[]): Promise<SnapshotListing> {
    const root = await this.recursiveTree();
    if (!root.truncated) {
      if (this.full === null) {
        // Sorted, and looked up by binary search (`fileAt`): no map of every path for each audit.
        const { files, skipped } = classify(root.tree, "", this.maxFileBytes);
        this.full = { files: files.sort(compareByPath), skipped: skipped.sort(compareByPath), notes: [] };
      }
      return this.full;
    }
    return this.walk(needsOf(want));
  }

  async read(path: string): Promise<FileRead> {
    let entry = this.fileAt(path);
    if (entry === undefined && this.skippedAt(path) === undefined) {
      // Not listed yet: list what holds it (the memoised tree, or its directory), never more.
      try {
        await this.locate(path);
      } catch (error) {
        return { ok: false, reason: "unreadable", detail: describeError(error) };
      }
      entry = this.fileAt(path);
    }
    const skipped = this.skippedAt(path);
    if (skipped !== undefined) return { ok: false, reason: skipped.reason, ...(skipped.detail ? { detail: skipped.detail } : {}) };
    if (entry === undefined || entry.blob === null) return { ok: false, reason: "unreadable", detail: "no such file at this commit" };
    const sha = entry.blob;
    let bytes: Uint8Array;
    try {
      bytes = await this.cache.get(sha, () => this.limit(() => this.client.getBlob(sha)));
    } catch (error) {
      return { ok: false, reason: "unreadable", detail: describeError(error) };
    }
    if (bytes.byteLength > this.maxFileBytes) return { ok: false, reason: "too-large" };
    return decodeFile(bytes);
  }

  /** The one recursive tree call; a failure is not remembered, so a later call tries again. */
  private recursiveTree(): Promise<TreeListing> {
    if (this.recursive === null) {
      const call = this.limit(() => this.client.getTree(this.commit, { recursive: true }));
      this.recursive = call;
      call.catch(() => {
        if (this.recursive === call) this.recursive = null;
      });
    }
    return this.recursive;
  }

  private async locate(path: string): Promise<void> {
    const root = await this.recursiveTree();
    if (!root.truncated) {
      await this.list();
      return;
    }
    const slash = path.lastIndexOf("/");
    await this.walk([{ base: slash < 0 ? "" : path.slice(0, slash), depth: 0 }]);
  }

  /**
   * Lists a truncated tree directory by directory, only where `needs` says, within the call bound.
   * Level by level, in path order: a directory already known costs nothing; one with needed
   * directories below is asked for recursively, and only when that answer is truncated too, listed
   * alone (after every recursive request of its level, so the bound cuts the same directories every
   * time); the root (whose recursive answer is the truncated one) and a directory nothing below
   * is needed from are listed alone at once.
   */
  private async walk(needs: Needs): Promise<SnapshotListing> {
    const wanted = (dir: string): boolean => needs === "all" || needs.some((n) => dirNeeded(dir, n));
    const listed: string[] = [];
    const failed: { path: string; why: string }[] = [];
    const incomplete: string[] = [];
    const notWalked: string[] = [];
    const files: FileEntry[] = [];
    const skipped: SkippedEntry[] = [];

    let level: { path: string; sha: string }[] = needs !== "all" && needs.length === 0 ? [] : [{ path: "", sha: this.commit }];
    while (level.length > 0) {
      const next: { path: string; sha: string }[] = [];
      const listings = new Map<string, TreeListing>();
      const pending = new Map<string, Promise<TreeListing>>();
      const recursive = new Map<string, Promise<boolean>>();
      const alone = (dir: { path: string; sha: string }): void => {
        const listing = this.dirListing(dir.path, dir.sha);
        if (listing === null) notWalked.push(dir.path);
        else pending.set(dir.path, listing);
      };
      // Requests are made in path order, so the call bound cuts the same directories every time.
      for (const dir of level) {
        const known = this.derived.get(dir.path) ?? null;
        if (known !== null) {
          listings.set(dir.path, known);
        } else if (this.dirs.has(dir.path) || dir.path === "" || !childNeeded(dir.path, needs)) {
          alone(dir);
        } else {
          const answer = this.subtreeListing(dir.path, dir.sha);
          if (answer === null) notWalked.push(dir.path);
          else recursive.set(dir.path, answer);
        }
      }
      const complete = await settle(recursive, failed);
      for (const dir of level) {
        if (!complete.has(dir.path)) continue;
        const known = complete.get(dir.path) === true ? this.derived.get(dir.path) : undefined;
        if (known !== undefined) listings.set(dir.path, known);
        else alone(dir); // GitHub truncated the subtree too
      }
      for (const [path, listing] of await settle(pending, failed)) listings.set(path, listing);

      for (const dir of level) {
        const listing = listings.get(dir.path);
        if (listing === undefined) continue;
        listed.push(dir.path);
        if (listing.truncated) incomplete.push(dir.path);
        const prefix = dir.path === "" ? "" : `${dir.path}/`;
        const found = classify(listing.tree, prefix, this.maxFileBytes);
        files.push(...found.files);
        skipped.push(...found.skipped);
        for (const e of listing.tree) {
          const sub = prefix + e.path;
          if (e.type === "tree" && wanted(sub)) next.push({ path: sub, sha: e.sha });
        }
      }
      level = next.sort(compareByPath);
    }

    const notes = [truncationNote(needs, listed)];
    if (notWalked.length > 0) {
      notes.push(
        `the walk stopped after ${this.maxTreeCalls} directory requests: ${names(notWalked.sort(comparePathBytes))} and whatever is below ${notWalked.length === 1 ? "it" : "them"} were not listed, so those files are missing from this audit`,
      );
    }
    for (const dir of incomplete) notes.push(`GitHub truncated the listing of ${display(dir)} too: some of its entries are missing`);
    for (const { path, why } of failed.sort(compareByPath)) {
      notes.push(`the directory ${display(path)} could not be listed (${why}): its files are missing from this audit`);
    }
    return this.remember({ files, skipped }, notes);
  }

  /**
   * The memoised non-recursive listing of one directory, or null when the call bound is spent.
   * Listings are kept in the process's cache by tree SHA, as blobs are (a tree SHA names its
   * entries, so it never goes stale): a push that changed one file lists again only the
   * directories on that file's path, whose SHAs changed, instead of walking the whole tree.
   */
  private dirListing(path: string, sha: string): Promise<TreeListing> | null {
    const known = this.dirs.get(path);
    if (known !== undefined) return known;
    const key = `tree:${sha}`;
    if (this.treeCalls >= this.maxTreeCalls && !this.cache.has(key)) return null;
    const call = this.cache
      .get(key, async () => {
        this.treeCalls++;
        const listing = await this.limit(() => this.client.getTree(sha, { recursive: false }));
        return encodeListing(listing.truncated, listing.tree);
      })
      .then((bytes) => decodeListing(bytes, sha));
    this.dirs.set(path, call);
    call.catch(() => {
      if (this.dirs.get(path) === call) this.dirs.delete(path);
    });
    return call;
  }

  /**
   * The memoised recursive listing of the subtree at `path`: true when it is complete (the listings
   * of the directory and of every directory below it are then in `derived`), false when GitHub
   * truncated it; null when the call bound is spent. Kept in the process's cache by tree SHA, as
   * `dirListing`'s are (a truncated answer is kept without its entries, so it is not asked again).
   */
  private subtreeListing(path: string, sha: string): Promise<boolean> | null {
    const known = this.subtrees.get(path);
    if (known !== undefined) return known;
    const key = `rtree:${sha}`;
    if (this.treeCalls >= this.maxTreeCalls && !this.cache.has(key)) return null;
    const call = this.cache
      .get(key, async () => {
        this.treeCalls++;
        const listing = await this.limit(() => this.client.getTree(sha, { recursive: true }));
        return listing.truncated ? encodeListing(true, []) : encodeListing(false, listing.tree);
      })
      .then((bytes) => {
        const listing = decodeListing(bytes, sha);
        if (listing.truncated) return false;
        this.derive(path, sha, listing.tree);
        return true;
      });
    this.subtrees.set(path, call);
    call.catch(() => {
      if (this.subtrees.get(path) === call) this.subtrees.delete(path);
    });
    return call;
  }

  /** Splits a complete recursive listing of the subtree at `path` into its directories' own listings. */
  private derive(path: string, sha: string, tree: readonly TreeEntry[]): void {
    const dirs = new Map<string, { sha: string; tree: TreeEntry[] }>([["", { sha, tree: [] }]]);
    const dirOf = (rel: string): { sha: string; tree: TreeEntry[] } => {
      let dir = dirs.get(rel);
      if (dir === undefined) {
        dir = { sha: "", tree: [] };
        dirs.set(rel, dir);
      }
      return dir;
    };
    for (const e of tree) {
      const slash = e.path.lastIndexOf("/");
      dirOf(slash < 0 ? "" : e.path.slice(0, slash)).tree.push({ ...e, path: e.path.slice(slash + 1) });
      if (e.type === "tree") dirOf(e.path).sha = e.sha;
    }
    for (const [rel, dir] of dirs) {
      const full = rel === "" ? path : `${path}/${rel}`;
      if (!this.derived.has(full)) this.derived.set(full, { sha: dir.sha, truncated: false, tree: dir.tree });
    }
  }

  private remember(found: Classified, notes: string[]): SnapshotListing {
    const files = found.files.sort(compareByPath);
    const skipped = found.skipped.sort(compareByPath);
    for (const f of files) this.knownFiles.set(f.path, f);
    for (const s of skipped) this.knownSkipped.set(s.path, s);
    return { files, skipped, notes };
  }

  private fileAt(path: string): FileEntry | undefined {
    return this.full !== null ? findByPath(this.full.files, path) : this.knownFiles.get(path);
  }

  private skippedAt(path: string): SkippedEntry | undefined {
    return this.full !== null ? findByPath(this.full.skipped, path) : this.knownSkipped.get(path);
  }
}


/** Files and skipped entries of tree entries whose paths are relative to `prefix`. */
function classify(tree: readonly TreeEntry[], prefix: string, maxFileBytes: number): Classified {
  const files: FileEntry[] = [];
  const skipped: SkippedEntry[] = [];
  for (const e of tree) {
    const path = prefix + e.path;
    if (e.type === "tree") continue;
    if (e.type === "commit") {
      skipped.push({ path, reason: "submodule" });
    } else if (e.mode === "120000") {
      skipped.push({ path, reason: "symlink" });
    } else if (/^100[0-7]{3}$/.test(e.mode)) {
      // 100644 and 100755; 100664 and the like survive in old repositories and are regular files too.
      const size = e.size ?? 0;
      if (size > maxFileBytes) skipped.push({ path, reason: "too-large", size });
      else files.push({ path, size, blob: e.sha });
    } else {
      skipped.push({ path, reason: "unreadable", detail: `git mode ${e.mode} is not a regular file` });
    }
  }
  return { files, skipped };
}

/**
 * The directories the globs can match, from each glob's literal base (`literalBase`): its
 * ancestors, itself, and as many levels below as the rest of the glob has `/` (all of them after
 * `**`, an extglob, a bracket or an escape, which may match `/`). A negated glob needs everything.
 */
export function needsOf(want: readonly string[] | undefined): Needs {
  if (want === undefined) return "all";
  const needs: DirNeed[] = [];
  for (const pattern of want) {
    const { negated, base, exact, rest } = literalBase(pattern);
    if (negated || base.endsWith("/")) return "all";
    if (exact) {
      const slash = base.lastIndexOf("/");
      needs.push({ base: slash < 0 ? "" : base.slice(0, slash), depth: 0 });
      continue;
    }
    const unbounded = rest.includes("**") || /[[(\\]/.test(rest);
    needs.push({ base, depth: unbounded ? Infinity : [...rest].filter((c) => c === "/").length });
  }
  return needs;
}

/**
 * Settles the requests of one level: what each answered, by path, in the map's order; a failure is
 * added to `failed` instead.
 */
async function settle<T>(requests: ReadonlyMap<string, Promise<T>>, failed: { path: string; why: string }[]): Promise<Map<string, T>> {
  const answers = await Promise.allSettled(requests.values());
  const out = new Map<string, T>();
  let i = 0;
  for (const path of requests.keys()) {
    const answer = answers[i++] as PromiseSettledResult<T>;
    if (answer.status === "fulfilled") out.set(path, answer.value);
    else failed.push({ path, why: describeError(answer.reason) });
  }
  return out;
}

/**
 * A listing as the process cache keeps it: `[truncated, path, mode, type, sha, size, path, …]`,
 * five values an entry (size null when absent), about half the JSON of the entries as objects.
 */
function encodeListing(truncated: boolean, tree: readonly TreeEntry[]): Uint8Array {
  const flat: (string | number | boolean | null)[] = [truncated];
  for (const e of tree) flat.push(e.path, e.mode, e.type, e.sha, e.size ?? null);
  return encoder.encode(JSON.stringify(flat));
}

function decodeListing(bytes: Uint8Array, sha: string): TreeListing {
  const flat = JSON.parse(decoder.decode(bytes)) as unknown[];
  const tree: TreeEntry[] = [];
  for (let i = 1; i + 4 < flat.length; i += 5) {
    const size = flat[i + 4];
    tree.push({
      path: flat[i] as string,
      mode: flat[i + 1] as string,
      type: flat[i + 2] as TreeEntry["type"],
      sha: flat[i + 3] as string,
      ...(typeof size === "number" ? { size } : {}),
    });
  }
  return { sha, truncated: flat[0] === true, tree };
}

function segments(path: string): number {
  return path === "" ? 0 : path.split("/").length;
}

/** Whether the directory `dir` ("" for the root) must be listed for `need`. */
function dirNeeded(dir: string, need: DirNeed): boolean {
  if (dir === "" || dir === need.base) return true;
  if (need.base === "") return segments(dir) <= need.depth;
  if (need.base.startsWith(`${dir}/`)) return true; // an ancestor of the base
  return dir.startsWith(`${need.base}/`) && segments(dir) - segments(need.base) <= need.depth;
}

/** Whether some directory right below `dir` may be needed (what a recursive listing of `dir` would save calls for). */
function childNeeded(dir: string, needs: Needs): boolean {
  if (needs === "all") return true;
  const depth = segments(dir) + 1;
  return needs.some((n) => {
    if (n.base === "") return depth <= n.depth;
    if (dir === "" || n.base.startsWith(`${dir}/`)) return true; // an ancestor of the base
    return (dir === n.base || dir.startsWith(`${n.base}/`)) && depth - segments(n.base) <= n.depth;
  });
}

function truncationNote(needs: Needs, listed: readonly string[]): string {
  const head = "GitHub truncated the file tree of this commit (too many entries for one request)";
  const count = `${listed.length} director${listed.length === 1 ? "y" : "ies"}`;
  if (needs === "all") return `${head}; every directory was listed one request at a time (${count})`;
  if (listed.length === 0) return `${head}; no directory was listed, as no check reads any file`;
  return `${head}; only the directories the checks' patterns can match were listed (${count}: ${names(listed)}), so other files are missing from this audit`;
}

function display(dir: string): string {
  return dir === "" ? "(root)" : dir;
}

function names(dirs: readonly string[]): string {
  const shown = dirs.slice(0, NOTE_NAMES).map(display).join(", ");
  return dirs.length > NOTE_NAMES ? `${shown} and ${dirs.length - NOTE_NAMES} more` : shown;
}

function describeError(error: unknown): string {
  const status = typeof error === "object" && error !== null && "status" in error ? error.status : undefined;
  const message = error instanceof Error ? error.message || error.name : String(error);
  const first = message.split("\n", 1)[0] ?? message;
  return typeof status === "number" && !first.includes(String(status)) ? `HTTP ${status}: ${first}` : first;
}

type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

/** Runs at most `max` functions at once, the others in the order they came. */
function limiter(max: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
