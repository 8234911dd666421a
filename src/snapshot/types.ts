/**
 * A read-only view of one state of a repository: the file list (cheap) and file contents on
 * demand (expensive). Implementations: a local checkout or directory (`local.ts`), a commit read
 * through the GitHub API (`github.ts`), an in-memory map for tests (`memory.ts`).
 *
 * Checks never see this interface directly: the engine reads what they need once and hands them
 * a synchronous `CheckContext`.
 */
export interface RepoSnapshot {
  /** What the reports call the repository: a path, or `owner/name`. */
  readonly label: string;
  /** The commit audited (a checkout's HEAD, even with uncommitted edits, which a note then reports); null outside git or before the first commit. */
  readonly commit: string | null;
  /** Base URL for links to files at this state, e.g. `https://github.com/o/r/blob/<sha>/`; absent locally. */
  readonly fileUrlBase?: string;
  /**
   * Every path of the repository, with what could not be read. `want`, when given, is the globs
   * the audit will read: a snapshot that cannot list everything cheaply (a truncated GitHub tree)
   * may list only what they can match, and says so in `notes`. Implementations may memoise.
   */
  list(want?: readonly string[]): Promise<SnapshotListing>;
  /** The text of one listed file. Never throws for a file that is unreadable: says why instead. */
  read(path: string): Promise<FileRead>;
}

export interface SnapshotListing {
  /** Regular files that may be read, sorted by path in UTF-8 byte order as git sorts (POSIX separators, relative to the root). */
  readonly files: readonly FileEntry[];
  /** Entries that are listed but never read (symlinks, submodules, files over the size cap). */
  readonly skipped: readonly SkippedEntry[];
  /** Things the reader wants the report to say (a truncated tree that was walked, an ignored directory). */
  readonly notes: readonly string[];
}

export interface FileEntry {
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
  /** Git blob SHA when known (a commit, or the index of a checkout); null otherwise. */
  readonly blob: string | null;
}

export type SkipReason =
  | "binary" // a NUL byte in the first 8 KiB
  | "too-large" // over the snapshot's size cap
  | "symlink" // never followed
  | "submodule" // a gitlink: another repository
  | "unreadable"; // the reader failed (permissions, vanished file, API error)

export interface SkippedEntry {
  readonly path: string;
  readonly reason: SkipReason;
  readonly size?: number;
  /** Human-readable detail, e.g. the error of an unreadable file. */
  readonly detail?: string;
}

export type FileRead =
  | { readonly ok: true; readonly text: string; /** true when invalid UTF-8 was replaced by U+FFFD */ readonly lossy: boolean }
  | { readonly ok: false; readonly reason: SkipReason; readonly detail?: string };

/** Files over this size are listed as skipped and never read, unless a snapshot is given another cap. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** A NUL byte in this many leading bytes marks a file as binary (git's and detect-secrets' rule). */
export const BINARY_SNIFF_BYTES = 8 * 1024;
