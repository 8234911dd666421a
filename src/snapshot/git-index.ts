/**
 * The work-tree file sizes a git index records (gitformat-index(5), versions 2 to 4).
 *
 * Each index entry carries the `lstat` data git saw when it last refreshed the entry, size
 * included. After `git status` has just compared every entry with the work tree (it `lstat`s
 * them all, and reports any entry whose size differs), an entry it does not report has exactly
 * that size in the work tree, so the listing can take it from here instead of calling `lstat`
 * 50,000 times. Only entries whose stat data git really maintains are returned: stage 0, a
 * regular file, a non-zero size and mtime (git zeroes the size of "racily clean" entries to
 * force a content check), not assume-unchanged, not skip-worktree, not intent-to-add.
 */

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

/** Offsets inside an entry: ten 32-bit stat fields, then the object id. */
const MTIME_SECONDS = 8;
const MODE = 24;
const SIZE = 36;
const OBJECT_ID = 40;

/**
 * Parses an index file into path -> recorded size, for the entries whose size can be trusted once
 * `git status` reports them unchanged. Only paths under `prefix` (a directory of the work tree
 * with a trailing slash, "" for all) are kept, relative to it. `objectIdBytes` is 20 (SHA-1) or 32
 * (SHA-256). Returns null when the file is not an index this parser fully understands (another
 * version, a split index whose entries live partly in a shared file, a truncated file): the
 * caller then `lstat`s every file.
 *
 * The index keeps sizes modulo 2^32, as git compares them: a file of 4 GiB and more may show a
 * smaller size here. Reading re-checks the real size, so such a file is still never read.
 */
export function readIndexSizes(index: Uint8Array, objectIdBytes: number, prefix = ""): Map<string, number> | null {
  const buf = Buffer.from(index.buffer, index.byteOffset, index.byteLength);
  if (buf.length < 12 + objectIdBytes || buf.toString("latin1", 0, 4) !== "DIRC") return null;
  const version = buf.readUInt32BE(4);
  if (version < 2 || version > 4) return null;
  const count = buf.readUInt32BE(8);
  const end = buf.length - objectIdBytes; // the trailing checksum
  const fixed = OBJECT_ID + objectIdBytes + 2;

  const sizes = new Map<string, number>();
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
      // A varint (git's offset encoding) of bytes to drop from the previous path, then the rest of
      // this path, NUL-terminated; no padding.
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

    const size = buf.readUInt32BE(start + SIZE);
    if (
      size > 0 &&
      buf.readUInt32BE(start + MTIME_SECONDS) !== 0 &&
      (buf.readUInt32BE(start + MODE) & S_IFMT) === S_IFREG &&
      (flags & (FLAG_ASSUME_VALID | FLAG_STAGE_MASK)) === 0 &&
      (extended & (XFLAG_SKIP_WORKTREE | XFLAG_INTENT_TO_ADD)) === 0
    ) {
      if (prefix === "") sizes.set(path, size);
      else if (path.startsWith(prefix)) sizes.set(path.slice(prefix.length), size);
    }
  }

  // Extensions: a four-letter signature and a 32-bit length each. "link" means a split index.
  while (offset + 8 <= end) {
    const signature = buf.toString("latin1", offset, offset + 4);
    if (signature === "link") return null;
    offset += 8 + buf.readUInt32BE(offset + 4);
  }
  if (offset !== end) return null;
  return sizes;
}
