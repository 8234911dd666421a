/**
 * One long-lived `git cat-file --batch-command` child per repository: object lookups (`info`) and
 * reads (`contents`) are lines written to its stdin, answered in order on its stdout, so serving a
 * blob or resolving a ref costs no process start. The child sees new commits and moved refs (git
 * reads refs and loose objects on every lookup), so tests may commit while the simulator runs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fixtureGitEnv } from "../git-fixture.js";

export type ObjectType = "blob" | "tree" | "commit" | "tag";

export interface ObjectInfo {
  readonly oid: string;
  readonly type: ObjectType;
  readonly size: number;
}

export interface GitObject extends ObjectInfo {
  readonly content: Buffer;
}

interface Pending {
  readonly withContent: boolean;
  readonly resolve: (value: GitObject | ObjectInfo | null) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Object names this client passes to git: a hex object id or a ref-like name, optionally followed
 * by `^{tree}` / `^{commit}` or `:<path>`. Anything git would read as a search (`:/text`), a reflog
 * (`@{...}`), an option, or a line break is refused before it reaches git.
 */
export function safeObjectName(name: string): boolean {
  const colon = name.indexOf(":");
  const rev = colon === -1 ? name : name.slice(0, colon);
  const path = colon === -1 ? "" : name.slice(colon + 1);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return false;
  const base = rev.replace(/\^\{(tree|commit|blob)\}$/, "");
  if (!/^[A-Za-z0-9._/-]+$/.test(base) || base.startsWith("-") || base.startsWith("/") || base.includes("..") || base.includes("@{")) return false;
  if (colon !== -1 && (path.startsWith("/") || path === "")) return false;
  return true;
}

export class CatFile {
  readonly #dir: string;
  #child: ChildProcessWithoutNullStreams | null = null;
  readonly #pending: Pending[] = [];
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** The header of the object whose content is being read. */
  #current: ObjectInfo | null = null;
  #closed = false;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** What `name` is (`oid type size`), or null when git has no such object. */
  info(name: string): Promise<ObjectInfo | null> {
    return this.#ask(`info ${name}`, false) as Promise<ObjectInfo | null>;
  }

  /** The object `name` with its content, or null when git has no such object. */
  contents(name: string): Promise<GitObject | null> {
    return this.#ask(`contents ${name}`, true) as Promise<GitObject | null>;
  }

  /** Ends the child (pending lookups are answered first: git reads stdin to its end). */
  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    if (child === null) return;
    this.#child = null;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      child.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin.end();
    });
  }

  #ask(line: string, withContent: boolean): Promise<GitObject | ObjectInfo | null> {
    if (this.#closed) return Promise.reject(new Error("cat-file: closed"));
    const name = line.slice(line.indexOf(" ") + 1);
    if (!safeObjectName(name)) return Promise.resolve(null);
    const child = this.#start();
    return new Promise((resolve, reject) => {
      this.#pending.push({ withContent, resolve, reject });
      child.stdin.write(`${line}\n`);
    });
  }

  #start(): ChildProcessWithoutNullStreams {
    if (this.#child !== null) return this.#child;
    const child = spawn("git", ["cat-file", "--batch-command"], { cwd: this.#dir, env: fixtureGitEnv(), stdio: ["pipe", "pipe", "pipe"] });
    this.#child = child;
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      stderr = (stderr + text).slice(-2_000);
    });
    child.stdout.on("data", (chunk: Buffer) => this.#receive(chunk));
    const fail = (why: string): void => {
      if (this.#child === child) this.#child = null;
      const error = new Error(`git cat-file in ${this.#dir}: ${why}${stderr ? `: ${stderr.trim()}` : ""}`);
      for (const p of this.#pending.splice(0)) p.reject(error);
      this.#chunks = [];
      this.#buffered = 0;
      this.#current = null;
    };
    child.on("error", (error) => fail(error.message));
    child.on("close", (code, signal) => fail(`exited (${signal ?? code ?? "?"})`));
    child.stdin.on("error", () => undefined);
    return child;
  }

  #receive(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      const pending = this.#pending[0];
      if (pending === undefined) return;
      if (this.#current === null) {
        const line = this.#takeLine();
        if (line === null) return;
        const parts = line.split(" ");
        if (parts.length !== 3) {
          // `<name> missing` or `<name> ambiguous`
          this.#pending.shift();
          pending.resolve(null);
          continue;
        }
        const info: ObjectInfo = { oid: parts[0] ?? "", type: (parts[1] ?? "blob") as ObjectType, size: Number(parts[2]) };
        if (!pending.withContent) {
          this.#pending.shift();
          pending.resolve(info);
          continue;
        }
        this.#current = info;
      }
      const info = this.#current;
      // The content, then a line feed.
      if (this.#buffered < info.size + 1) return;
      const all = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#buffered);
      const content = Buffer.from(all.subarray(0, info.size));
      const rest = all.subarray(info.size + 1);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#buffered = rest.length;
      this.#current = null;
      this.#pending.shift();
      pending.resolve({ ...info, content });
    }
  }

  /** The next line of the buffered output (without its line feed), or null when it is not complete. */
  #takeLine(): string | null {
    for (let i = 0, offset = 0; i < this.#chunks.length; offset += (this.#chunks[i] as Buffer).length, i += 1) {
      const at = (this.#chunks[i] as Buffer).indexOf(0x0a);
      if (at === -1) continue;
      const all = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#buffered);
      const end = offset + at;
      const line = all.subarray(0, end).toString("utf8");
      const rest = all.subarray(end + 1);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#buffered = rest.length;
      return line;
    }
    return null;
  }
}
