/**
 * The REAL app as a child process, for end-to-end tests: `node lib/src/main.js` (what
 * `npm start` runs), pointed at the simulated GitHub with GHE_HOST/GHE_PROTOCOL, listening on a
 * free loopback port, logging JSON lines that the tests read.
 *
 * - `AppProcess.start({ sim })` resolves once `GET /ping` answers PONG (after the "Listening on"
 *   line; no fixed sleep). A process that exits before that fails with its last log lines.
 * - Every line of stdout/stderr is kept (`lines`, parsed JSON when it is JSON).
 * - `guard(promise)` races a wait with the process: if the app exits (a crash) while a test waits,
 *   the wait rejects at once with the exit code and the last log lines.
 * - `settled(deliveryIds)` resolves when every listed delivery has reached the audit queue and the
 *   queue has finished all it took (from the app's debug log lines "audit request queued|merged|
 *   dropped|finished" and "ignored: …"): after it, nothing more will be published for them.
 * - `stop()`: SIGTERM, then SIGKILL after a grace period.
 *
 * `npm test` builds `lib/` first; run `npm run build` before `npx vitest run test/e2e` alone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { GitHubSim } from "../support/github-sim/index.js";
import { startCommand } from "../support/start-command.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** `npm start`'s command: node's options (the heap limit) and `lib/src/main.js`. */
const START = startCommand(ROOT);
const APP_ENTRY = START.entry;

/** One line the app wrote: pino's JSON (level, time, msg, …), or `{ raw }` for anything else. */
export interface LogLine {
  readonly level?: number;
  readonly time?: number;
  readonly msg?: string;
  readonly raw?: string;
  readonly stream: "stdout" | "stderr";
  readonly [key: string]: unknown;
}

export interface AppProcessOptions {
  readonly sim: GitHubSim;
  /** Extra environment (wins over the defaults). */
  readonly env?: Readonly<Record<string, string>>;
  /** LOG_LEVEL (default "debug": `settled()` reads the queue's debug lines). */
  readonly logLevel?: "trace" | "debug" | "info";
  /** Milliseconds to wait for PONG (default 20 000). */
  readonly readyTimeoutMs?: number;
}

/** Environment variables of the test runner that must not reach the app (they would change what it talks to). */
const SCRUBBED = /^(GHE_|GITHUB_|PRIVATE_KEY|APP_ID$|WEBHOOK_|LOG_|REDIS_URL$|SENTRY_DSN$|PORT$|HOST$|NODE_OPTIONS$|VITEST|npm_)/;

const LINES_KEPT = 20_000;

export class AppProcessExit extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AppProcessExit";
  }
}

export class AppProcess {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Where GitHub would deliver webhooks. */
  readonly webhookUrl: string;
  /** Every line written so far (the oldest are dropped past 20 000). */
  readonly lines: LogLine[] = [];
  readonly #child: ChildProcess;
  readonly #listeners = new Set<() => void>();
  /** Queue bookkeeping from the debug lines, for `settled`. */
  #queued = 0;
  #finished = 0;
  /** Lines that show a delivery reached the queue (or was ignored), by delivery id. */
  readonly #taken = new Map<string, number>();
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  #stopping = false;
  readonly #exited: Promise<void>;

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.port = port;
    this.origin = `http://127.0.0.1:${port}`;
    this.webhookUrl = `${this.origin}/api/github/webhooks`;
    const read = (stream: NodeJS.ReadableStream | null, name: "stdout" | "stderr"): void => {
      if (stream === null) return;
      createInterface({ input: stream, crlfDelay: Infinity }).on("line", (text) => this.#add(text, name));
    };
    read(child.stdout, "stdout");
    read(child.stderr, "stderr");
    this.#exited = new Promise((resolve) => {
      // "close", not "exit": the last lines of stdout and stderr are read by then.
      child.once("close", (code, signal) => {
        this.#exit = { code, signal };
        resolve();
        this.#notify();
      });
    });
  }

  /** Spawns the app and waits until it answers `GET /ping` with PONG. */
  static async start(options: AppProcessOptions): Promise<AppProcess> {
    if (!fs.existsSync(path.join(ROOT, APP_ENTRY))) {
      throw new Error(`${APP_ENTRY} is missing: run \`npm run build\` first (npm test does)`);
    }
    let lastError: unknown;
    // A free port can be taken between the probe and the app's listen: try another one.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const app = AppProcess.#spawn(options, port);
      try {
        await app.#ready(options.readyTimeoutMs ?? 20_000);
        return app;
      } catch (error) {
        lastError = error;
        await app.stop();
        if (!app.lines.some((l) => /EADDRINUSE/.test(l.raw ?? JSON.stringify(l)))) break;
      }
    }
    throw lastError;
  }

  static #spawn(options: AppProcessOptions, port: number): AppProcess {
    const base: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!SCRUBBED.test(key)) base[key] = value;
    const env: NodeJS.ProcessEnv = {
      ...base,
      ...options.sim.env(), // GHE_HOST, GHE_PROTOCOL=http, APP_ID, PRIVATE_KEY (a throwaway key of the test), WEBHOOK_SECRET
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_FORMAT: "json",
      LOG_LEVEL: options.logLevel ?? "debug",
      NODE_ENV: "test",
      ...options.env,
    };
    const child = spawn(process.execPath, [...START.nodeArgs, APP_ENTRY], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    return new AppProcess(child, port);
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.#exit === null;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The last `n` lines, one per line of text (for failure messages). */
  tail(n = 40): string {
    return this.lines
      .slice(-n)
      .map((l) => (l.raw !== undefined ? `[${l.stream}] ${l.raw}` : JSON.stringify(l)))
      .join("\n");
  }

  /** Lines at pino's error level or above (50: error, 60: fatal), and anything on stderr. */
  errors(filter: (line: LogLine) => boolean = () => true): LogLine[] {
    return this.lines.filter((l) => ((l.level ?? 0) >= 50 || l.stream === "stderr") && filter(l));
  }

  /** Throws (with the last log lines) when the process is no longer running. */
  assertAlive(): void {
    if (this.#exit !== null) throw this.#exitError("the app process is not running");
  }

  /**
   * Resolves as `promise` does, unless the app exits first: then rejects with the exit status and
   * the last log lines (a crash fails the waiting test at once, not at its timeout).
   */
  guard<T>(promise: Promise<T>): Promise<T> {
    if (this.#exit !== null && !this.#stopping) return Promise.reject(this.#exitError("the app process had exited"));
    return Promise.race([
      promise,
      this.#exited.then(() => {
        throw this.#exitError("the app process exited while the test waited");
      }),
    ]);
  }

  /** Resolves with the first `count` lines that match (checked on every new line), or rejects on exit or timeout. */
  waitForLines(match: (line: LogLine) => boolean, options: { count?: number; timeoutMs?: number; description?: string } = {}): Promise<LogLine[]> {
    const count = options.count ?? 1;
    return this.#until(() => {
      const found = this.lines.filter(match);
      return found.length >= count ? found.slice(0, count) : undefined;
    }, options.timeoutMs ?? 30_000, options.description ?? `${count} matching log line(s)`);
  }

  /**
   * Resolves once each of `deliveryIds` has reached the audit queue (a "queued", "merged" or
   * "dropped" line carrying it) or was ignored, and every request the queue took has finished.
   * An id listed twice (a redelivery) must have been taken twice. Needs LOG_LEVEL debug.
   */
  settled(deliveryIds: readonly string[], timeoutMs = 60_000): Promise<void> {
    const wanted = new Map<string, number>();
    for (const id of deliveryIds) wanted.set(id, (wanted.get(id) ?? 0) + 1);
    return this.#until(
      () => ([...wanted].every(([id, n]) => (this.#taken.get(id) ?? 0) >= n) && this.#queued === this.#finished ? true : undefined),
      timeoutMs,
      `the deliveries ${deliveryIds.join(", ")} to be taken and every audit to finish`,
    ).then(() => undefined);
  }

  /** Lines of the app's audit outcome ("audited and published", "superseded…", "audit failed", …) for one repository. */
  linesOf(repo: string): LogLine[] {
    return this.lines.filter((l) => l.repo === repo);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  async stop(graceMs = 3_000): Promise<void> {
    this.#stopping = true;
    if (this.#exit !== null) return;
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (this.#exit === null) this.#child.kill("SIGKILL");
    }, graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  async #ready(timeoutMs: number): Promise<void> {
    await this.#until(() => this.lines.some((l) => /Listening on/.test(l.msg ?? l.raw ?? "")) || undefined, timeoutMs, "the 'Listening on' line");
    // The line is written just before listen() returns: ask until PONG (a few tries at most).
    for (let tries = 0; ; tries++) {
      this.assertAlive();
      try {
        const response = await fetch(`${this.origin}/ping`, { signal: AbortSignal.timeout(5_000) });
        const text = await response.text();
        if (response.status === 200 && text === "PONG") return;
        throw new Error(`GET /ping answered ${response.status} ${JSON.stringify(text.slice(0, 200))}`);
      } catch (error) {
        if (tries >= 20) throw new Error(`the app never answered PONG: ${String(error)}\n${this.tail()}`, { cause: error });
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  #until<T>(check: () => T | undefined, timeoutMs: number, description: string): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
      };
      const listener = (): void => {
        const value = check();
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.#exit !== null) {
          done();
          reject(this.#exitError(`the app process exited while the test waited for ${description}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`not reached after ${timeoutMs} ms: ${description}\nlast lines of the app:\n${this.tail()}`));
      }, timeoutMs);
      this.#listeners.add(listener);
      if (this.#exit !== null) listener();
    });
  }

  #add(text: string, stream: "stdout" | "stderr"): void {
    let line: LogLine;
    try {
      const parsed: unknown = JSON.parse(text);
      line = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? { ...(parsed as Record<string, unknown>), stream } : { raw: text, stream };
    } catch {
      line = { raw: text, stream };
    }
    this.lines.push(line);
    const msg = line.msg ?? "";
    if (msg === "audit request queued") this.#queued++;
    if (msg === "audit request finished") this.#finished++;
    if (typeof line.deliveryId === "string" && (/^audit request (queued|merged|dropped)$/.test(msg) || msg.startsWith("ignored: "))) {
      this.#taken.set(line.deliveryId, (this.#taken.get(line.deliveryId) ?? 0) + 1);
    }
    if (this.lines.length > LINES_KEPT) this.lines.splice(0, this.lines.length - LINES_KEPT);
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #exitError(what: string): AppProcessExit {
    const status = this.#exit === null ? "running" : this.#exit.signal !== null ? `signal ${this.#exit.signal}` : `code ${String(this.#exit.code)}`;
    return new AppProcessExit(`${what} (${status}); its last lines:\n${this.tail()}`);
  }
}

/** A port nothing listens on now (the kernel's choice on 127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
