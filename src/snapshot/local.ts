import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { decodeFile } from "./decode.js";
import { compareByPath, comparePathBytes } from "./path-order.js";
import { firstLine, runGit, type GitResult } from "./git.js";
import { parseLsFilesStage, readIndex, type IndexEntries } from "./git-index.js";
import {
  DEFAULT_MAX_FILE_BYTES,
  type FileEntry,
  type FileRead,
  type RepoSnapshot,
  type SkippedEntry,
  type SnapshotListing,
} from "./types.js";
import { describeError, specialKind, walkDirectory } from "./walk.js";

/** A directory that cannot be audited at all (missing, not a directory, not readable). One line. */
export class LocalSnapshotError extends Error {
  override readonly name = "LocalSnapshotError";
}

export interface LocalSnapshotOptions {
  /** Files over this many bytes are listed as skipped "too-large" and never read. */
  readonly maxFileBytes?: number;
  /** What reports call the repository; the directory as given by default. */
  readonly label?: string;
}

export const DIRTY_WORK_TREE_NOTE = "the work tree has uncommitted changes; they are audited";

/** Where `dir` sits in a git work tree. */
interface GitCheckout {
  /** The path of the root relative to the top of the work tree, with a trailing slash ("" at the top). */
  readonly prefix: string;
  readonly head: string | null;
}

/**
 * Opens a local directory as a snapshot. Inside a git work tree the files are the index plus the
 * untracked files that are not ignored, with their work-tree contents (uncommitted edits are
 * audited); elsewhere the directory is walked, honouring `.gitignore` files. Throws
 * `LocalSnapshotError` when `dir` is missing, not a directory, or not readable.
 */
export async function openLocalSnapshot(dir: string, options: LocalSnapshotOptions = {}): Promise<RepoSnapshot> {
  if (dir === "") throw new LocalSnapshotError("no directory was given");
  const root = path.resolve(dir);
  let stats: fs.Stats;
  try {
    stats = await fsp.stat(root);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") throw new LocalSnapshotError(`${dir}: no such directory`);
    throw new LocalSnapshotError(`${dir}: cannot be opened: ${describeError(error)}`);
  }
  if (!stats.isDirectory()) throw new LocalSnapshotError(`${dir}: not a directory`);
  try {
    await fsp.access(root, fs.constants.R_OK | fs.constants.X_OK);
  } catch {
    throw new LocalSnapshotError(`${dir}: permission denied`);
  }
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < 0) {
    throw new LocalSnapshotError(`maxFileBytes must be a non-negative integer, got ${String(maxFileBytes)}`);
  }
  const realRoot = await fsp.realpath(root);
  const probe = await probeGit(root);
  return new LocalSnapshot({
    label: options.label ?? dir,
    root,
    realRoot,
    maxFileBytes,
    git: probe.checkout,
    notes: probe.notes,
  });
}

interface LocalSnapshotInit {
  readonly label: string;
  readonly root: string;
  readonly realRoot: string;
  readonly maxFileBytes: number;
  readonly git: GitCheckout | null;
  readonly notes: readonly string[];
}

class LocalSnapshot implements RepoSnapshot {
  readonly label: string;
  readonly commit: string | null;
  private readonly init: LocalSnapshotInit;
  /** One listing per snapshot: the checklist loader and the engine both ask for it. */
  private listing: Promise<SnapshotListing> | undefined;

  constructor(init: LocalSnapshotInit) {
    this.init = init;
    this.label = init.label;
    this.commit = init.git?.head ?? null;
  }

  list(): Promise<SnapshotListing> {
    this.listing ??= this.listOnce();
    return this.listing;
  }

  private async listOnce(): Promise<SnapshotListing> {
    const { root, maxFileBytes, git } = this.init;
    const notes = [...this.init.notes];
    let raw: RawListing | null = null;
    if (git) {
      raw = await listGit(root, maxFileBytes, git);
      if (raw.failure !== undefined) {
        notes.push(`git could not list the files (${raw.failure}); the directory was walked instead, honouring .gitignore files`);
        raw = null;
      }
    }
    raw ??= await listWalk(root, maxFileBytes);
    notes.push(...raw.notes);
    const { files, skipped } = raw;
    sortByPath(files);
    sortByPath(skipped);
    return { files, skipped, notes };
  }

  async read(relPath: string): Promise<FileRead> {
    try {
      return await readInside(this.init.root, this.init.realRoot, relPath, this.init.maxFileBytes);
    } catch (error) {
      return { ok: false, reason: "unreadable", detail: describeError(error) };
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Git                                                                                          */
/* ------------------------------------------------------------------------------------------ */

async function probeGit(root: string): Promise<{ checkout: GitCheckout | null; notes: string[] }> {
  // One process: "true\n<prefix>\n<sha>\n"; exit 1 (and no sha) when there is no commit yet.
  const result = await runGit(root, ["rev-parse", "--is-inside-work-tree", "--show-prefix", "-q", "--verify", "HEAD"]);
  if (result.spawnError !== undefined) return { checkout: null, notes: [] }; // git is not installed
  if ((result.code === 0 || result.code === 1) && result.stdout.startsWith("true\n")) {
    let rest = result.stdout.slice("true\n".length);
    let head: string | null = null;
    const sha = result.code === 0 ? /(?:^|\n)([0-9a-f]{40}|[0-9a-f]{64})\n$/.exec(rest) : null;
    if (sha?.[1]) {
      head = sha[1];
      rest = rest.slice(0, rest.length - head.length - 1);
    }
    // The prefix is everything between the first and the last line: it may itself hold newlines.
    const prefix = rest.endsWith("\n") ? rest.slice(0, -1) : rest;
    return { checkout: { prefix, head }, notes: [] };
  }
  if (result.stdout.startsWith("false\n") || /not a git repository/i.test(result.stderr)) {
    return { checkout: null, notes: [] };
  }
  const why = firstLine(result.stderr) || `git rev-parse exited with ${String(result.code)}`;
  return {
    checkout: null,
    notes: [`git could not read the repository (${why}); the directory was walked instead, honouring .gitignore files`],
  };
}

/** Files and skipped entries before sorting, or why git could not list them. */
interface RawListing {
  readonly files: FileEntry[];
  readonly skipped: SkippedEntry[];
  readonly notes: string[];
  /** Set when git failed: the caller walks the directory instead. */
  readonly failure?: string;
}

const GITLINK_MODE = 0o160000;
const SYMLINK_MODE = 0o120000;

/**
 * The index (paths, modes, blob ids and recorded sizes, read from the index file; from
 * `git ls-files --stage` when the parser does not know the file's format), the untracked files
 * that are not ignored (`git ls-files --others --exclude-standard`) and what differs from the
 * index and HEAD (`git status`), with git processes started at once. Sizes come from the
 * index's stat data for the files `status` finds unchanged (it has just `lstat`ed them all),
 * from `lstat` for the others; those `lstat`s run while `status` is still running.
 */
async function listGit(root: string, maxFileBytes: number, checkout: GitCheckout): Promise<RawListing> {
  const othersRun = runGit(root, ["ls-files", "-z", "--others", "--exclude-standard"]);
  const statusRun = runGit(root, [
    "--no-optional-locks",
    "status",
    "--porcelain=v1",
    "-z",
    "--untracked-files=no",
    "--ignore-submodules=all",
    "--no-renames",
    "--",
    ".",
  ]);
  const failed = async (name: string, result: GitResult): Promise<RawListing> => {
    await Promise.all([othersRun, statusRun]);
    const why = firstLine(result.stderr) || result.spawnError || `exit ${String(result.code)}`;
    return { files: [], skipped: [], notes: [], failure: `${name}: ${why}` };
  };

  let tracked = await readIndexFile(root, checkout.prefix);
  if (tracked === null) {
    const staged = await runGit(root, ["ls-files", "-z", "--stage"]);
    if (staged.code !== 0) return failed("git ls-files --stage", staged);
    tracked = parseLsFilesStage(staged.stdout);
  }
  const { paths: trackedPaths, modes, blobs, sizes } = tracked;
  const count = trackedPaths.length;

  // What the index gives no size for is lstat'ed now, while git status is still running.
  const prober = new Prober(root);
  const probes: Array<Probe | undefined> = new Array<Probe | undefined>(count);
  for (let i = 0; i < count; i++) {
    if (sizes[i] === -1 && modes[i] !== GITLINK_MODE) probes[i] = prober.probe(trackedPaths[i] as string);
  }

  const [others, status] = await Promise.all([othersRun, statusRun]);
  if (others.code !== 0) return failed("git ls-files --others", others);

  const notes: string[] = [];
  const changes = status.code === 0 ? parseStatus(status.stdout, checkout.prefix) : null;
  if (!changes) {
    notes.push(`git status failed (${firstLine(status.stderr) || "unexpected output"}); blob ids are omitted`);
  }
  let dirty = changes?.dirty ?? false;
  const changed = changes?.changed;

  // git reports a tracked file whose directory became a symlink as deleted; lstat would follow
  // that directory, so the directories of changed paths (of all paths when status failed) are checked.
  const gone = prober.underNonDirectory(changed ? [...changed] : trackedPaths);

  const files: FileEntry[] = [];
  const skipped: SkippedEntry[] = [];
  for (let i = 0; i < count; i++) {
    const p = trackedPaths[i] as string;
    const mode = modes[i];
    const unchanged = changed !== undefined && (changed.size === 0 || !changed.has(p));
    if (mode === GITLINK_MODE) {
      skipped.push({ path: p, reason: "submodule" });
    } else if (mode === SYMLINK_MODE && unchanged) {
      skipped.push({ path: p, reason: "symlink" }); // also when core.symlinks=false made it a plain file
    } else if (gone.size === 0 || !gone.has(p)) {
      const blob = unchanged ? (blobs[i] ?? null) : null;
      // git status has just compared this file's lstat data with the index's and found no
      // change: the size the index records is the work-tree size.
      const size = unchanged ? (sizes[i] as number) : -1;
      if (size === -1) addProbe(p, probes[i] ?? prober.probe(p), blob, maxFileBytes, true, files, skipped);
      else if (size > maxFileBytes) skipped.push({ path: p, reason: "too-large", size });
      else files.push({ path: p, size, blob });
    }
  }
  for (const p of others.stdout.split("\0")) {
    if (p === "") continue;
    if (p.endsWith("/")) {
      skipped.push({ path: p.slice(0, -1), reason: "submodule", detail: "an untracked nested git repository" });
      continue;
    }
    dirty = true;
    addProbe(p, prober.probe(p), null, maxFileBytes, true, files, skipped);
  }
  if (dirty) notes.push(DIRTY_WORK_TREE_NOTE);
  return { files, skipped, notes };
}

/**
 * The index entries under the root, read from the index file; null when they must be asked
 * from `git ls-files` instead (an index format the parser does not know, an unknown hash).
 */
async function readIndexFile(root: string, prefix: string): Promise<IndexEntries | null> {
  const where = await runGit(root, ["rev-parse", "--show-object-format", "--git-path", "index"]);
  const lines = where.code === 0 ? where.stdout.split("\n") : [];
  const objectIdBytes = lines[0] === "sha1" ? 20 : lines[0] === "sha256" ? 32 : 0;
  if (objectIdBytes === 0 || lines.length !== 3 || lines[2] !== "") return null;
  let bytes: Uint8Array;
  try {
    // One synchronous read: an index of 50,000 entries is ~5 MB, which readFile would fetch in
    // ten round trips through the thread pool.
    bytes = fs.readFileSync(path.resolve(root, lines[1] as string));
  } catch (error) {
    // No index file yet is an empty index, as git reads it.
    return errorCode(error) === "ENOENT" ? { paths: [], modes: [], blobs: [], sizes: [] } : null;
  }
  return readIndex(bytes, objectIdBytes, prefix);
}

/**
 * `git status --porcelain=v1 -z` records, `XY <path>` (root-relative; a rename or copy, were
 * rename detection on, is followed by its source path). Any record means the work tree differs from HEAD; `changed`
 * holds the paths (relative to the snapshot root) whose work-tree contents differ from the
 * index, whose index blob id therefore does not describe them. Null on unexpected output.
 */
export function parseStatus(output: string, prefix: string): { dirty: boolean; changed: Set<string> } | null {
  const changed = new Set<string>();
  let dirty = false;
  const fields = output.split("\0");
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field === undefined || field === "") continue;
    if (field.length < 4 || field[2] !== " " || !field.startsWith(prefix, 3)) return null;
    dirty = true;
    const x = field[0];
    const y = field[1];
    if (x === "R" || x === "C") i++;
    if (y !== " " || x === "U") changed.add(field.slice(3 + prefix.length));
  }
  return { dirty, changed };
}

/* ------------------------------------------------------------------------------------------ */
/* Directory walk                                                                               */
/* ------------------------------------------------------------------------------------------ */

async function listWalk(root: string, maxFileBytes: number): Promise<RawListing> {
  let walked;
  try {
    walked = await walkDirectory(root);
  } catch (error) {
    throw new LocalSnapshotError(`${root}: cannot be listed: ${describeError(error)}`);
  }
  const prober = new Prober(root);
  const files: FileEntry[] = [];
  const skipped = walked.skipped;
  for (const p of walked.files) addProbe(p, prober.probe(p), null, maxFileBytes, false, files, skipped);
  return { files, skipped, notes: [] };
}

/* ------------------------------------------------------------------------------------------ */
/* Sizes and kinds                                                                              */
/* ------------------------------------------------------------------------------------------ */

/** What `lstat` says about a listed path. */
type Probe =
  | { readonly kind: "file"; readonly size: number }
  | { readonly kind: "skip"; readonly reason: "symlink" | "unreadable"; readonly detail?: string }
  /** Missing, or a directory now: deleted from the work tree as git sees it. */
  | { readonly kind: "gone"; readonly detail: string };

/**
 * `lstat`s paths under the root, synchronously: for tens of thousands of cached inodes a tight
 * loop is several times faster than a round trip through libuv's thread pool per file, and in
 * git mode it runs while git is still working in its own processes.
 */
class Prober {
  private readonly prefix: string;

  constructor(private readonly root: string) {
    this.prefix = root.endsWith(path.sep) ? root : root + path.sep;
  }

  private abs(p: string): string {
    return this.prefix + (path.sep === "/" ? p : p.split("/").join(path.sep));
  }

  probe(p: string): Probe {
    let stats: fs.Stats | undefined;
    try {
      stats = fs.lstatSync(this.abs(p), { throwIfNoEntry: false });
    } catch (error) {
      if (errorCode(error) === "ENOTDIR") return { kind: "gone", detail: "a directory on its path is a file" };
      return { kind: "skip", reason: "unreadable", detail: describeError(error) };
    }
    if (stats === undefined) {
      if (p.includes("\uFFFD")) return { kind: "skip", reason: "unreadable", detail: "the file name is not valid UTF-8" };
      return { kind: "gone", detail: "the file vanished while being listed" };
    }
    if (stats.isFile()) return { kind: "file", size: stats.size };
    if (stats.isSymbolicLink()) return { kind: "skip", reason: "symlink" };
    if (stats.isDirectory()) return { kind: "gone", detail: "the file became a directory while being listed" };
    return { kind: "skip", reason: "unreadable", detail: `not a regular file (${specialKind(stats)})` };
  }

  /** The paths among `paths` that have a symlink, a file or nothing where a parent directory should be. */
  underNonDirectory(paths: readonly string[]): Set<string> {
    const verdicts = new Map<string, boolean>([["", true]]);
    const isDirectory = (dir: string): boolean => {
      const known = verdicts.get(dir);
      if (known !== undefined) return known;
      const slash = dir.lastIndexOf("/");
      let ok = isDirectory(slash < 0 ? "" : dir.slice(0, slash));
      if (ok) {
        try {
          ok = fs.lstatSync(this.abs(dir), { throwIfNoEntry: false })?.isDirectory() === true;
        } catch {
          ok = false;
        }
      }
      verdicts.set(dir, ok);
      return ok;
    };
    return new Set(
      paths.filter((p) => {
        const slash = p.lastIndexOf("/");
        return slash >= 0 && !isDirectory(p.slice(0, slash));
      }),
    );
  }
}

/** Files within the cap are listed with their size; the rest are skipped, never read. */
function addProbe(
  p: string,
  probe: Probe,
  blob: string | null,
  maxFileBytes: number,
  goneIsDeleted: boolean,
  files: FileEntry[],
  skipped: SkippedEntry[],
): void {
  if (probe.kind === "file") {
    if (probe.size > maxFileBytes) skipped.push({ path: p, reason: "too-large", size: probe.size });
    else files.push({ path: p, size: probe.size, blob });
  } else if (probe.kind === "skip") {
    skipped.push({ path: p, reason: probe.reason, ...(probe.detail !== undefined ? { detail: probe.detail } : {}) });
  } else if (!goneIsDeleted) {
    skipped.push({ path: p, reason: "unreadable", detail: probe.detail });
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Reading                                                                                      */
/* ------------------------------------------------------------------------------------------ */

const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);
const SEPARATORS = process.platform === "win32" ? /[\\/]/ : "/";

async function readInside(root: string, realRoot: string, relPath: string, maxFileBytes: number): Promise<FileRead> {
  const segments = relPath.split(SEPARATORS);
  if (
    relPath === "" ||
    relPath.includes("\0") ||
    path.isAbsolute(relPath) ||
    segments.some((s) => s === "" || s === "." || s === "..")
  ) {
    return { ok: false, reason: "unreadable", detail: `not a relative path inside the snapshot: ${JSON.stringify(relPath)}` };
  }
  const full = path.join(root, ...segments);

  // Every directory on the way must be a real directory inside the root: a symlink among them is
  // refused even when it points inside, as symlinks are never followed.
  if (segments.length > 1) {
    let realParent: string;
    try {
      realParent = await fsp.realpath(path.dirname(full));
    } catch (error) {
      return missingOr(error);
    }
    if (realParent !== path.join(realRoot, ...segments.slice(0, -1))) {
      return { ok: false, reason: "symlink", detail: "a directory on the path is a symbolic link" };
    }
  }

  // Look before opening: a FIFO or a device is never opened, whatever opening it would do.
  let before: fs.Stats;
  try {
    before = await fsp.lstat(full);
  } catch (error) {
    return missingOr(error);
  }
  if (before.isSymbolicLink()) return { ok: false, reason: "symlink" };
  if (!before.isFile()) return { ok: false, reason: "unreadable", detail: `not a regular file (${specialKind(before)})` };

  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(full, OPEN_FLAGS); // O_NOFOLLOW: a symlink fails with ELOOP
  } catch (error) {
    if (errorCode(error) === "ELOOP") return { ok: false, reason: "symlink" };
    return missingOr(error);
  }
  try {
    const stats = await handle.stat(); // the file opened, which may have been swapped since lstat
    if (!stats.isFile()) return { ok: false, reason: "unreadable", detail: `not a regular file (${specialKind(stats)})` };
    if (stats.size > maxFileBytes) {
      return { ok: false, reason: "too-large", detail: `${stats.size} bytes, over the ${maxFileBytes}-byte cap` };
    }
    const bytes = await readAtMost(handle, Math.min(stats.size, maxFileBytes) + 1, maxFileBytes + 1);
    if (bytes.length > maxFileBytes) {
      return { ok: false, reason: "too-large", detail: `grew past the ${maxFileBytes}-byte cap while being read` };
    }
    return decodeFile(bytes);
  } finally {
    await handle.close();
  }
}

/** Reads until end of file or `limit` bytes, starting with a buffer of `initial` bytes. */
async function readAtMost(handle: fsp.FileHandle, initial: number, limit: number): Promise<Uint8Array> {
  let buffer = Buffer.allocUnsafe(Math.max(1, Math.min(initial, limit)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length >= limit) break;
      const bigger = Buffer.allocUnsafe(Math.min(limit, buffer.length * 2));
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

function missingOr(error: unknown): FileRead {
  const code = errorCode(error);
  if (code === "ENOENT" || code === "ENOTDIR") return { ok: false, reason: "unreadable", detail: "no such file" };
  return { ok: false, reason: "unreadable", detail: describeError(error) };
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Sorts in place by `comparePathBytes`; git's listings usually arrive sorted already. */
function sortByPath(entries: Array<{ readonly path: string }>): void {
  for (let i = 1; i < entries.length; i++) {
    if (comparePathBytes((entries[i - 1] as { path: string }).path, (entries[i] as { path: string }).path) > 0) {
      entries.sort(compareByPath);
      return;
    }
  }
}

export { comparePathBytes };
