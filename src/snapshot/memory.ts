import { createHash } from "node:crypto";
import { decodeFile } from "./decode.js";
import { comparePathBytes } from "./path-order.js";
import {
  DEFAULT_MAX_FILE_BYTES,
  type FileEntry,
  type FileRead,
  type RepoSnapshot,
  type SkippedEntry,
  type SnapshotListing,
} from "./types.js";

export interface MemorySnapshotOptions {
  label?: string;
  commit?: string | null;
  fileUrlBase?: string;
  maxFileBytes?: number;
  /** Paths listed as symlinks or submodules (never read). */
  skipped?: readonly SkippedEntry[];
  /** List each file with its git blob SHA, as a commit's listing has it (default: null, as a work tree's). */
  blobShas?: boolean;
}

/**
 * A snapshot over an in-memory map of path -> contents (string or bytes). For tests and for the
 * engine's own callers that already hold the files. Counts reads so tests can prove "read once".
 */
export class MemorySnapshot implements RepoSnapshot {
  readonly label: string;
  readonly commit: string | null;
  readonly fileUrlBase?: string;
  readonly reads = new Map<string, number>();
  private readonly files: Map<string, Uint8Array>;
  private readonly maxFileBytes: number;
  private readonly extraSkipped: readonly SkippedEntry[];
  private readonly blobShas: boolean;

  constructor(files: Record<string, string | Uint8Array>, options: MemorySnapshotOptions = {}) {
    this.label = options.label ?? "memory";
    this.commit = options.commit ?? null;
    if (options.fileUrlBase !== undefined) this.fileUrlBase = options.fileUrlBase;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.extraSkipped = options.skipped ?? [];
    this.blobShas = options.blobShas ?? false;
    const encoder = new TextEncoder();
    this.files = new Map(
      Object.entries(files).map(([path, body]) => [path, typeof body === "string" ? encoder.encode(body) : body]),
    );
  }

  async list(_want?: readonly string[]): Promise<SnapshotListing> {
    const files: FileEntry[] = [];
    const skipped: SkippedEntry[] = [...this.extraSkipped];
    for (const [path, bytes] of [...this.files].sort(([a], [b]) => comparePathBytes(a, b))) {
      if (bytes.length > this.maxFileBytes) skipped.push({ path, reason: "too-large", size: bytes.length });
      else files.push({ path, size: bytes.length, blob: this.blobShas ? gitBlobSha(bytes) : null });
    }
    return { files, skipped, notes: [] };
  }

  async read(path: string): Promise<FileRead> {
    this.reads.set(path, (this.reads.get(path) ?? 0) + 1);
    const bytes = this.files.get(path);
    if (bytes === undefined) return { ok: false, reason: "unreadable", detail: "no such file" };
    if (bytes.length > this.maxFileBytes) return { ok: false, reason: "too-large" };
    return decodeFile(bytes);
  }
}

/** Git's id of a blob: SHA-1 of `blob <size>\0` and the bytes. */
function gitBlobSha(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
