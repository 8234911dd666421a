/**
 * A reader for git's index file (gitformat-index(5), versions 2 to 4): the same entries
 * `git ls-files --stage` prints (mode, blob id, stage, path), plus the work-tree size git
 * recorded for each entry, read straight from the file instead of through a git process that
 * prints 50,000 lines for us to parse again.
 *
 * Each entry carries the `lstat` data git saw when it last refreshed the entry. After
 * `git status` has just compared every entry with the work tree (it `lstat`s them all and
 * reports any entry whose size differs), an entry it does not report has exactly the recorded
 * size in the work tree. A size is only offered where git really maintains it: stage 0, a
 * regular file, a non-zero size and mtime (git zeroes the size of "racily clean" entries to
 * force a content check), not assume-unchanged, not skip-worktree, not intent-to-add.
 */

/** Index entries under a prefix, one array slot per path, in index (byte) order. */
export interface IndexEntries {
  /** Paths relative to the prefix. */
  readonly paths: string[];
  /** File modes, e.g. 0o100644, 0o120000 (symlink), 0o160000 (gitlink). */
  readonly modes: number[];
  /** Blob ids (hex); null for an unmerged path, which has several stages and no single blob. */
  readonly blobs: Array<string | null>;
  /** The recorded work-tree size where it can be trusted (see above), otherwise -1. */
  readonly sizes: number[];
}

/** Index entry flags (16 bits after the object id). */
const FLAG_ASSUME_VALID = 0x8000;
const FLAG_EXTENDED = 0x4000;
const FLAG_STAGE_MASK = 0x3000;
const FLAG_NAME_MASK = 0x0fff;
/** Extended flags (version 3 and later). */
const XFLAG_SKIP_WORKTREE = 0x4000;
const XFLAG_INTENT_TO_ADD = 0x2000;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/** Offsets inside an entry: ten 32-bit stat fields, then the object id. */
const MTIME_SECONDS = 8;
const MODE = 24;
const SIZE = 36;
const OBJECT_ID = 40;

/**
 * Parses an index file. Only entries under `prefix` (a directory of the work tree with a
 * trailing slash, "" for all) are kept, relative to it. `objectIdBytes` is 20 (SHA-1) or 32
 * (SHA-256). Returns null when the file is not an index this parser fully understands (another
 * version, a split index whose entries live partly in a shared file, a truncated file): the
 * caller then asks `git ls-files --stage`. Sparse-directory entries (a sparse index) are left
 * out, as their files are not in the work tree.
 *
 * The index keeps sizes modulo 2^32, as git compares them: a file of 4 GiB and more may show a
 * smaller size here. Reading re-checks the real size, so such a file is still never read.
 */
export function readIndex(index: Uint8Array, objectIdBytes: number, prefix = ""): IndexEntries | null {
  const buf = Buffer.from(index.buffer, index.byteOffset, index.byteLength);
  if (buf.length < 12 + objectIdBytes || buf.toString("latin1", 0, 4) !== "DIRC") return null;
  const version = buf.readUInt32BE(4);
  if (version < 2 || version > 4) return null;
  const count = buf.readUInt32BE(8);
  const end = buf.length - objectIdBytes; // the trailing checksum
  const fixed = OBJECT_ID + objectIdBytes + 2;

  const entries: IndexEntries = { paths: [], modes: [], blobs: [], sizes: [] };
  let name = Buffer.alloc(256); // version 4 builds each path from the previous one
  let nameLength = 0;
  let offset = 12;
  for (let i = 0; i < count; i++) {
    if (offset + fixed > end) return null;
    const start = offset;
    const flags = buf.readUInt16BE(start + OBJECT_ID + objectIdBytes);
    let cursor = start + fixed;
    let extended = 0;
    if (flags & FLAG_EXTENDED) {
      if (version < 3 || cursor + 2 > end) return null;
      extended = buf.readUInt16BE(cursor);
      cursor += 2;
    }

    let path: string;
    if (version === 4) {
      // A varint (git's offset encoding) of bytes to drop from the end of the previous path,
      // then the rest of this path, NUL-terminated; no padding.
      let byte = buf[cursor++] ?? 0;
      let drop = byte & 0x7f;
      while (byte & 0x80) {
        if (cursor >= end) return null;
        byte = buf[cursor++] ?? 0;
        drop = (drop + 1) * 128 + (byte & 0x7f);
      }
      const nul = buf.indexOf(0, cursor);
      if (drop > nameLength || nul < 0 || nul >= end) return null;
      const kept = nameLength - drop;
      const needed = kept + (nul - cursor);
      if (needed > name.length) {
        const bigger = Buffer.alloc(Math.max(needed, name.length * 2));
        name.copy(bigger, 0, 0, kept);
        name = bigger;
      }
      buf.copy(name, kept, cursor, nul);
      nameLength = needed;
      path = name.toString("utf8", 0, nameLength);
      offset = nul + 1;
    } else {
      // The path, NUL-terminated, padded with NULs to a multiple of 8 bytes for the whole entry.
      const length = flags & FLAG_NAME_MASK;
      const nul = length < FLAG_NAME_MASK ? cursor + length : buf.indexOf(0, cursor);
      if (nul < 0 || nul >= end || buf[nul] !== 0) return null;
      path = buf.toString("utf8", cursor, nul);
      offset = start + ((nul - start + 8) & ~7);
    }

    if (prefix !== "") {
      if (!path.startsWith(prefix)) continue;
      path = path.slice(prefix.length);
    }
    const mode = buf.readUInt32BE(start + MODE);
    if ((mode & S_IFMT) === S_IFDIR) continue; // a sparse directory
    const unmerged = (flags & FLAG_STAGE_MASK) !== 0;
    const last = entries.paths.length - 1;
    if (unmerged && last >= 0 && entries.paths[last] === path) continue; // another stage of it
    const size = buf.readUInt32BE(start + SIZE);
    const trusted =
      size > 0 &&
      !unmerged &&
      buf.readUInt32BE(start + MTIME_SECONDS) !== 0 &&
      (mode & S_IFMT) === S_IFREG &&
      (flags & FLAG_ASSUME_VALID) === 0 &&
      (extended & (XFLAG_SKIP_WORKTREE | XFLAG_INTENT_TO_ADD)) === 0;
    entries.paths.push(path);
    entries.modes.push(mode);
    entries.blobs.push(unmerged ? null : buf.toString("hex", start + OBJECT_ID, start + OBJECT_ID + objectIdBytes));
    entries.sizes.push(trusted ? size : -1);
  }

  // Extensions: a four-letter signature and a 32-bit length each. "link" means a split index.
  while (offset + 8 <= end) {
    if (buf.toString("latin1", offset, offset + 4) === "link") return null;
    offset += 8 + buf.readUInt32BE(offset + 4);
  }
  if (offset !== end) return null;
  return entries;
}

/**
 * `git ls-files -z --stage` output, `<mode> <blob> <stage>\t<path>` records, in the same shape
 * (sizes unknown: -1). The stages of an unmerged path are adjacent and become one entry.
 */
export function parseLsFilesStage(output: string): IndexEntries {
  const entries: IndexEntries = { paths: [], modes: [], blobs: [], sizes: [] };
  let start = 0;
  while (start < output.length) {
    let end = output.indexOf("\0", start);
    if (end < 0) end = output.length;
    const firstSpace = output.indexOf(" ", start);
    const secondSpace = output.indexOf(" ", firstSpace + 1);
    const tab = output.indexOf("\t", secondSpace + 1);
    if (firstSpace > start && secondSpace > firstSpace && tab > secondSpace && tab < end) {
      const path = output.slice(tab + 1, end);
      const merged = tab === secondSpace + 2 && output.charCodeAt(secondSpace + 1) === 48; /* "0" */
      const last = entries.paths.length - 1;
      if (last >= 0 && entries.paths[last] === path) {
        entries.blobs[last] = null;
      } else {
        entries.paths.push(path);
        entries.modes.push(parseInt(output.slice(start, firstSpace), 8));
        entries.blobs.push(merged ? output.slice(firstSpace + 1, secondSpace) : null);
        entries.sizes.push(-1);
      }
    }
    start = end + 1;
  }
  return entries;
}
