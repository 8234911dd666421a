/**
 * The in-process audit queue. Pure: it knows nothing of GitHub; the worker is injected.
 *
 * - Requests with the same key (a repository and a ref, or a pull request) coalesce: at most one
 *   is queued per key, and a newer one replaces (`merge`s into) the queued one.
 * - At most one job runs per key, and per lock (the key is always a lock; the app adds the
 *   repository and commit, so two audits of one commit never publish at the same time).
 * - A request that arrives while a job of its key runs, and `supersedes` it (a newer commit),
 *   makes that job stale: its `isCurrent()` turns false and its `signal` aborts, and the worker
 *   publishes nothing more. The newer request runs when the stale job has finished, and carries
 *   what the stale one did (`merge(stale, newer)`: e.g. comment commands still to answer).
 * - A request that `duplicates` the running job of its key is dropped.
 * - Running jobs are limited per installation and overall; the oldest runnable request goes first.
 * - A job that throws is reported to `onError` and frees its slot; the others go on.
 * - A job that runs longer than `timeoutMs` (a request that never answers) is made stale,
 *   reported as an error, and frees its slot, key and locks; if it ever ends, nothing more happens.
 */

/** What a job can ask while it runs. */
export interface JobControl {
  /** False once a newer request for the same key has superseded this one. */
  isCurrent(): boolean;
  /** Aborted when the job is superseded. */
  readonly signal: AbortSignal;
}

export type Worker<R> = (request: R, control: JobControl) => Promise<void>;

export interface QueueOptions<R> {
  readonly worker: Worker<R>;
  /** The coalescing key, e.g. `owner/repo#pr:12` or `owner/repo@refs/heads/main`. */
  readonly keyOf: (request: R) => string;
  readonly installationOf: (request: R) => number;
  /** Further keys no two running jobs may share (e.g. `owner/repo@<sha>`). */
  readonly locksOf?: (request: R) => readonly string[];
  /** The request that replaces an older queued one, or a stale running one; default: the newer one. */
  readonly merge?: (queued: R, newer: R) => R;
  /** Whether `newer` makes the running job stale; default: always. */
  readonly supersedes?: (running: R, newer: R) => boolean;
  /** Whether `newer` asks for nothing the running job is not already doing; default: never. */
  readonly duplicates?: (running: R, newer: R) => boolean;
  /** Running jobs of one installation at most (default 4). */
  readonly perInstallation?: number;
  /** Running jobs at most (default 32): an audit mostly waits on GitHub, so a few dozen at once keep one process busy. */
  readonly global?: number;
  readonly onError?: (error: unknown, request: R) => void;
  /** Milliseconds a job may run (default 10 minutes; 0 for no limit). */
  readonly timeoutMs?: number;
  /** Starts a timer and returns what cancels it (default `setTimeout`, not keeping the process alive; tests inject their own). */
  readonly setTimer?: (fire: () => void, ms: number) => () => void;
  /** Told about every decision, for logs. */
  readonly onEvent?: (event: QueueEvent<R>) => void;
}

export type QueueEvent<R> =
  | { readonly type: "queued" | "started" | "finished"; readonly request: R }
  | { readonly type: "merged"; readonly request: R; readonly replaced: R }
  | { readonly type: "superseded"; readonly request: R; readonly by: R }
  | { readonly type: "dropped"; readonly request: R; readonly running: R };

/** What `enqueue` did with a request. */
export type EnqueueResult = "queued" | "merged" | "dropped";

interface Running<R> {
  readonly request: R;
  readonly locks: readonly string[];
  readonly controller: AbortController;
  current: boolean;
}

export interface QueueStats {
  readonly queued: number;
  readonly running: number;
}

/** Ten minutes: far beyond an audit, short enough that a hung request does not block a repository for long. */
export const DEFAULT_JOB_TIMEOUT_MS = 10 * 60 * 1000;

export class JobTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`the audit did not finish within ${ms} ms; its slot was freed and it publishes nothing more`);
    this.name = "JobTimeoutError";
  }
}

const realTimer = (fire: () => void, ms: number): (() => void) => {
  const timer = setTimeout(fire, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export class AuditQueue<R> {
  readonly #options: QueueOptions<R>;
  readonly #perInstallation: number;
  readonly #global: number;
  readonly #timeoutMs: number;
  /** Queued requests by key; a Map keeps insertion order, so the oldest key comes first. */
  readonly #queued = new Map<string, R>();
  readonly #running = new Map<string, Running<R>>();
  readonly #heldLocks = new Set<string>();
  readonly #perInstallationRunning = new Map<number, number>();
  #idleWaiters: (() => void)[] = [];

  constructor(options: QueueOptions<R>) {
    this.#options = options;
    this.#perInstallation = positive(options.perInstallation, 4, "perInstallation");
    this.#global = positive(options.global, 32, "global");
    const timeout = options.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    if (!Number.isFinite(timeout) || timeout < 0) throw new RangeError(`timeoutMs must be a non-negative number, got ${timeout}`);
    this.#timeoutMs = timeout;
  }

  enqueue(request: R): EnqueueResult {
    const key = this.#options.keyOf(request);
    const queued = this.#queued.get(key);
    const running = this.#running.get(key);
    if (queued !== undefined) {
      const merged = this.#merge(queued, request);
      this.#queued.set(key, running ? this.#supersede(running, merged) : merged);
      this.#emit({ type: "merged", request: merged, replaced: queued });
      this.#pump();
      return "merged";
    }
    if (running && running.current && this.#options.duplicates?.(running.request, request) === true) {
      this.#emit({ type: "dropped", request, running: running.request });
      return "dropped";
    }
    this.#queued.set(key, running ? this.#supersede(running, request) : request);
    this.#emit({ type: "queued", request });
    this.#pump();
    return "queued";
  }

  #merge(older: R, newer: R): R {
    return this.#options.merge ? this.#options.merge(older, newer) : newer;
  }

  get stats(): QueueStats {
    return { queued: this.#queued.size, running: this.#running.size };
  }

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    if (this.#queued.size === 0 && this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Marks the running job stale when `newer` supersedes it, and returns the request to queue: the
   * stale job publishes nothing, so what it carried (`merge`) passes to the newer one.
   */
  #supersede(running: Running<R>, newer: R): R {
    if (!running.current) return newer;
    const supersedes = this.#options.supersedes ? this.#options.supersedes(running.request, newer) : true;
    if (!supersedes) return newer;
    running.current = false;
    running.controller.abort(new Error("superseded by a newer request"));
    this.#emit({ type: "superseded", request: running.request, by: newer });
    return this.#merge(running.request, newer);
  }

  /** Starts every queued request that may run now, oldest first. */
  #pump(): void {
    for (const [key, request] of this.#queued) {
      if (this.#running.size >= this.#global) break;
      if (this.#running.has(key)) continue;
      const installation = this.#options.installationOf(request);
      if ((this.#perInstallationRunning.get(installation) ?? 0) >= this.#perInstallation) continue;
      const locks = [key, ...(this.#options.locksOf?.(request) ?? [])];
      if (locks.some((lock) => this.#heldLocks.has(lock))) continue;
      this.#queued.delete(key);
      this.#start(key, installation, request, locks);
    }
    this.#checkIdle();
  }

  #start(key: string, installation: number, request: R, locks: readonly string[]): void {
    const job: Running<R> = { request, locks, controller: new AbortController(), current: true };
    this.#running.set(key, job);
    for (const lock of locks) this.#heldLocks.add(lock);
    this.#perInstallationRunning.set(installation, (this.#perInstallationRunning.get(installation) ?? 0) + 1);
    this.#emit({ type: "started", request });
    const control: JobControl = { isCurrent: () => job.current, signal: job.controller.signal };
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      cancelTimer();
      this.#running.delete(key);
      for (const lock of locks) this.#heldLocks.delete(lock);
      const left = (this.#perInstallationRunning.get(installation) ?? 1) - 1;
      if (left === 0) this.#perInstallationRunning.delete(installation);
      else this.#perInstallationRunning.set(installation, left);
      this.#emit({ type: "finished", request });
      this.#pump();
    };
    const cancelTimer =
      this.#timeoutMs > 0
        ? (this.#options.setTimer ?? realTimer)(() => {
            if (released) return;
            const error = new JobTimeoutError(this.#timeoutMs);
            job.current = false;
            job.controller.abort(error);
            this.#reportError(error, request);
            release();
          }, this.#timeoutMs)
        : () => undefined;
    let work: Promise<void>;
    try {
      work = this.#options.worker(request, control);
    } catch (error) {
      work = Promise.reject(error);
    }
    work
      .catch((error: unknown) => {
        if (!released) this.#reportError(error, request);
      })
      .finally(release);
  }

  #reportError(error: unknown, request: R): void {
    try {
      this.#options.onError?.(error, request);
    } catch {
      // A failing error reporter must not stop the queue.
    }
  }

  #emit(event: QueueEvent<R>): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // Logging must not stop the queue.
    }
  }

  #checkIdle(): void {
    if (this.#queued.size > 0 || this.#running.size > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
