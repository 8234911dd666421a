import type { Dirent } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import type { SkippedEntry } from "./types.js";

/** What a directory walk found: files to stat, and entries that are never read. */
export interface WalkResult {
  /** Paths (POSIX, relative to the root) of regular files, in no particular order. */
  readonly files: string[];
  readonly skipped: SkippedEntry[];
}

/** The rules of one `.gitignore`, applied to paths relative to its own directory. */
interface IgnoreLevel {
  /** The directory of the `.gitignore`, relative to the root, with a trailing slash ("" for the root). */
  readonly base: string;
  readonly rules: Ignore;
}

/**
 * Walks `root` the way git would see it without an index: every `.gitignore` on the way applies
 * to its own directory and below (a deeper file wins, as in git), `.git` is never entered,
 * symlinks are listed but never followed, and sockets, FIFOs and devices are listed as
 * unreadable. Contents are never read, except the `.gitignore` files themselves.
 */
export async function walkDirectory(root: string): Promise<WalkResult> {
  const files: string[] = [];
  const skipped: SkippedEntry[] = [];

  async function visit(rel: string, levels: readonly IgnoreLevel[]): Promise<void> {
    const abs = rel === "" ? root : path.join(root, rel);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(abs, { withFileTypes: true });
    } catch (error) {
      if (rel !== "") skipped.push({ path: rel, reason: "unreadable", detail: describeError(error) });
      else throw error;
      return;
    }

    const gitignore = entries.find((e) => e.name === ".gitignore" && e.isFile());
    let here = levels;
    if (gitignore) {
      const base = rel === "" ? "" : `${rel}/`;
      try {
        const text = await fs.readFile(path.join(abs, ".gitignore"), "utf8");
        here = [...levels, { base, rules: ignore({ ignorecase: false }).add(text) }];
      } catch {
        // Vanished or unreadable since readdir: it is still listed, and reading it will say why.
      }
    }

    const subdirs: string[] = [];
    for (const entry of entries) {
      if (entry.name === ".git") continue;
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      let kind: EntryKind = entry;
      if (isUnknownType(entry)) {
        try {
          kind = await fs.lstat(path.join(abs, entry.name));
        } catch (error) {
          skipped.push({ path: child, reason: "unreadable", detail: describeError(error) });
          continue;
        }
      }
      const isDir = kind.isDirectory();
      if (isIgnored(child, isDir, here)) continue;
      if (isDir) subdirs.push(child);
      else if (kind.isSymbolicLink()) skipped.push({ path: child, reason: "symlink" });
      else if (kind.isFile()) files.push(child);
      else skipped.push({ path: child, reason: "unreadable", detail: `not a regular file (${specialKind(kind)})` });
    }
    await Promise.all(subdirs.map((d) => visit(d, here)));
  }

  await visit("", []);
  return { files, skipped };
}

/** Git's precedence: the deepest `.gitignore` with an opinion on the path decides. */
function isIgnored(rel: string, isDir: boolean, levels: readonly IgnoreLevel[]): boolean {
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i];
    if (!level) continue;
    const sub = rel.slice(level.base.length) + (isDir ? "/" : "");
    let result;
    try {
      result = level.rules.test(sub);
    } catch {
      continue; // a name the ignore package refuses cannot match any rule
    }
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}

/** What `Dirent` and `Stats` both say about an entry's type. */
type EntryKind = Pick<
  Dirent,
  "isFile" | "isDirectory" | "isSymbolicLink" | "isFIFO" | "isSocket" | "isBlockDevice" | "isCharacterDevice"
>;

/** Some file systems do not report entry types in `readdir`; those entries are `lstat`ed. */
function isUnknownType(entry: EntryKind): boolean {
  return !(
    entry.isFile() ||
    entry.isDirectory() ||
    entry.isSymbolicLink() ||
    entry.isFIFO() ||
    entry.isSocket() ||
    entry.isBlockDevice() ||
    entry.isCharacterDevice()
  );
}

export function specialKind(entry: EntryKind): string {
  if (entry.isFIFO()) return "fifo";
  if (entry.isSocket()) return "socket";
  if (entry.isBlockDevice()) return "block device";
  if (entry.isCharacterDevice()) return "character device";
  return "unknown type";
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
