/**
 * The checklists of the process's repositories, kept between deliveries. Reading a checklist is
 * one or more contents API calls and Probot's config plugin parsing each file again; under load
 * that was one call in seven and a sixth of what an audit allocated (the app benchmark), for a file
 * that rarely changes. Probot does not cache it (`notes/github-app-facts.md` §2).
 *
 * A read is kept with the files it asked for, found or not (`owner/repo:path`: the repository's
 * file, the owner's `.github` fallback, each `_extends` target), and is dropped:
 * - when a push to the default branch of one of those repositories changes one of those paths, or
 *   does not say which paths it changed (a forced push, a push listing no commits, or as many
 *   commits or files of a commit as GitHub lists at most);
 * - after `ttlMs` (default 5 minutes) in any case: a push that never reaches the app (a repository
 *   of another owner named by `_extends`, a lost delivery) is seen late, never missed;
 * - never kept when a push to the default branch of a repository it read arrived while it was read,
 *   nor in place of a read that started after it.
 *
 * What a person asks for again (a re-run, a `/phase-report` command) is read fresh (`fresh`).
 * Reads that throw (an API failure) are not kept.
 */
import type { ProbotOctokit } from "probot";
import type { Registry } from "../config/types.js";
import { readChecklist, type ChecklistRead, type ChecklistSource } from "./config.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface ChecklistCacheOptions {
  /** Milliseconds a read is kept at most (default 5 minutes; 0 keeps nothing). */
  readonly ttlMs?: number;
  /** Repositories whose reads are kept at most (default 10,000), least recently used out first. */
  readonly maxEntries?: number;
  /** The clock, in milliseconds. */
  readonly now?: () => number;
}

/** What a push to a repository's default branch changed: its paths, or null when the payload does not say. */
export type ChangedPaths = ReadonlySet<string> | null;

interface Entry {
  readonly read: ChecklistRead;
  readonly sources: readonly ChecklistSource[];
  readonly expires: number;
  /** The sequence number when the read started: an older read never replaces a newer one. */
  readonly started: number;
}

/** Default of `ChecklistCacheOptions.ttlMs`. */
export const CHECKLIST_TTL_MS = 5 * 60_000;

/** Repositories whose last default-branch push is remembered (for reads under way). */
const PUSHES_KEPT = 10_000;

export class ChecklistCache {
  private readonly entries = new Map<string, Entry>();
  /** Source repository → the repositories whose kept reads asked it for a file. */
  private readonly dependents = new Map<string, Set<string>>();
  /** Repository → the sequence number of its last default-branch push (the most recent PUSHES_KEPT). */
  private readonly pushes = new Map<string, number>();
  private sequence = 0;
  /** Pushes at or below this number may have been forgotten. */
  private forgotten = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: ChecklistCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? CHECKLIST_TTL_MS;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    if (!(this.ttlMs >= 0)) throw new RangeError(`ttlMs must be 0 or more, got ${String(options.ttlMs)}`);
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${String(options.maxEntries)}`);
  }

  /** The checklist of `target` (see `readChecklist`): kept, or read and kept. */
  async read(
    octokit: Octokit,
    target: { readonly owner: string; readonly repo: string },
    registry: Registry,
    options: { readonly fresh?: boolean } = {},
  ): Promise<ChecklistRead> {
    const key = repoKey(target.owner, target.repo);
    const known = this.entries.get(key);
    if (known !== undefined) {
      if (options.fresh !== true && known.expires > this.now()) {
        this.entries.delete(key);
        this.entries.set(key, known);
        return known.read;
      }
      this.drop(key);
    }
    // Every read has its own number: pushes and other reads are ordered by it.
    const started = ++this.sequence;
    const sources: ChecklistSource[] = [];
    const read = await readChecklist(octokit, target, registry, { sources });
    const newer = this.entries.get(key);
    if (this.ttlMs > 0 && sources.every((s) => this.lastPush(s.repo) < started) && (newer === undefined || newer.started < started)) {
      this.keep(key, { read, sources, expires: this.now() + this.ttlMs, started });
    }
    return read;
  }

  /**
   * Files of `fullName`'s (`owner/repo`) default branch may have changed: `paths` (null: any). Said
   * for a push to the default branch, and for a repository the installation gains or loses (a read
   * that found nothing there may now find a file).
   */
  changed(fullName: string, paths: ChangedPaths): void {
    const source = fullName.toLowerCase();
    this.sequence++;
    this.pushes.delete(source);
    this.pushes.set(source, this.sequence);
    if (this.pushes.size > PUSHES_KEPT) {
      const [oldest, at] = this.pushes.entries().next().value as [string, number];
      this.pushes.delete(oldest);
      this.forgotten = Math.max(this.forgotten, at);
    }
    for (const key of [...(this.dependents.get(source) ?? [])]) {
      const entry = this.entries.get(key);
      if (entry?.sources.some((s) => s.repo === source && (paths === null || paths.has(s.path)))) this.drop(key);
    }
  }

  /** Repositories kept (tests, logs). */
  get size(): number {
    return this.entries.size;
  }

  private lastPush(repo: string): number {
    return this.pushes.get(repo) ?? this.forgotten;
  }

  private keep(key: string, entry: Entry): void {
    this.drop(key);
    this.entries.set(key, entry);
    for (const { repo } of entry.sources) {
      let set = this.dependents.get(repo);
      if (set === undefined) this.dependents.set(repo, (set = new Set()));
      set.add(key);
    }
    if (this.entries.size > this.maxEntries) this.drop(this.entries.keys().next().value as string);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    for (const { repo } of entry.sources) {
      const set = this.dependents.get(repo);
      set?.delete(key);
      if (set?.size === 0) this.dependents.delete(repo);
    }
  }
}

/** The most commits a push webhook lists; a push with more does not list them all. */
const PUSH_COMMITS_LISTED = 2048;
/** The most files a commit of a push webhook lists (added, modified and removed together). */
const COMMIT_FILES_LISTED = 3000;

/**
 * The paths a push changed, from its payload: every commit's added, modified and removed files;
 * null when the payload cannot say (a forced push, no commits listed, or as many commits or files
 * of a commit as GitHub lists at most).
 */
export function changedPaths(payload: {
  readonly forced?: boolean;
  readonly commits?: ReadonlyArray<{ readonly added?: readonly string[]; readonly modified?: readonly string[]; readonly removed?: readonly string[] }>;
}): ChangedPaths {
  const commits = payload.commits ?? [];
  if (payload.forced === true || commits.length === 0 || commits.length >= PUSH_COMMITS_LISTED) return null;
  const paths = new Set<string>();
  for (const commit of commits) {
    const { added, modified, removed } = commit;
    if (added === undefined || modified === undefined || removed === undefined) return null;
    if (added.length + modified.length + removed.length >= COMMIT_FILES_LISTED) return null;
    for (const list of [added, modified, removed]) for (const path of list) paths.add(path);
  }
  return paths;
}

function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}
