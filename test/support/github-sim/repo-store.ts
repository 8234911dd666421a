/**
 * The repositories the simulator serves, each backed by a real git repository on disk: commits,
 * branches, trees and blobs are git's own (a test commits with `test/support/git-fixture.ts`, then
 * sends a push webhook). Trees are listed once per tree SHA (`git ls-tree -z -l`, kept), objects are
 * read through one long-lived `git cat-file --batch-command` child per repository.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fixtureGitEnv } from "../git-fixture.js";
import { CatFile, safeObjectName, type ObjectInfo } from "./cat-file.js";

const run = promisify(execFile);

export interface RepoOptions {
  readonly owner: string;
  readonly name: string;
  /** A git repository (work tree or bare) on disk. */
  readonly dir: string;
  /** Default "main". */
  readonly defaultBranch?: string;
  readonly installationId: number;
  readonly private?: boolean;
  /** The repository id (default: given in order, from 1000). */
  readonly id?: number;
  /** "User" (default) or "Organization": the type of the owner account. */
  readonly ownerType?: "User" | "Organization";
  /** Entries of a recursive tree listing at most; more are cut and `truncated: true` (default: the simulator's `treeLimit`). */
  readonly treeLimit?: number;
}

/** One entry of a tree listing, as git stores it. */
export interface TreeItem {
  readonly path: string;
  /** `100644`, `100755`, `120000`, `160000`, `040000`. */
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  readonly sha: string;
  /** Bytes, for blobs. */
  readonly size?: number;
}

export interface Signature {
  readonly name: string;
  readonly email: string;
  /** ISO 8601, UTC. */
  readonly date: string;
}

export interface CommitInfo {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: Signature;
  readonly committer: Signature;
  readonly message: string;
}

export interface FileChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly modified: readonly string[];
}

const HEX_SHA = /^[0-9a-f]{40}$/;

export class GitRepository {
  readonly owner: string;
  readonly name: string;
  readonly dir: string;
  readonly defaultBranch: string;
  readonly installationId: number;
  readonly private: boolean;
  readonly id: number;
  readonly ownerType: "User" | "Organization";
  readonly treeLimit: number | undefined;
  readonly createdAt = new Date().toISOString();
  readonly #git: CatFile;
  readonly #trees = new Map<string, Promise<readonly TreeItem[]>>();
  readonly #commits = new Map<string, CommitInfo>();
  /** Serialised responses (a recursive tree of 50k entries is costly to stringify), by key. */
  readonly responses = new Map<string, Buffer>();

  constructor(options: RepoOptions, id: number) {
    this.owner = options.owner;
    this.name = options.name;
    this.dir = options.dir;
    this.defaultBranch = options.defaultBranch ?? "main";
    this.installationId = options.installationId;
    this.private = options.private ?? false;
    this.id = options.id ?? id;
    this.ownerType = options.ownerType ?? "User";
    this.treeLimit = options.treeLimit;
    this.#git = new CatFile(options.dir);
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  /** What an object name (SHA, ref, `rev:path`, `rev^{tree}`) is, or null. */
  info(name: string): Promise<ObjectInfo | null> {
    return this.#git.info(name);
  }

  /** The commit a ref or SHA names (`main`, `refs/heads/x`, a SHA, a tag), or null. */
  async resolveCommit(ref: string): Promise<string | null> {
    const info = await this.#git.info(`${ref}^{commit}`);
    return info?.oid ?? null;
  }

  /** The head of a branch, or null when there is no such branch. */
  async branchHead(branch: string): Promise<string | null> {
    if (!safeObjectName(`refs/heads/${branch}`)) return null;
    return this.resolveCommit(`refs/heads/${branch}`);
  }

  /** The tree a tree-ish names (a tree SHA, a commit SHA, a ref), or null. */
  async resolveTree(treeish: string): Promise<string | null> {
    const info = await this.#git.info(`${treeish}^{tree}`);
    return info?.oid ?? null;
  }

  /** The entries of a tree (all of them, recursively, trees included, when `recursive`), in git's order. Kept per tree. */
  tree(treeSha: string, recursive: boolean): Promise<readonly TreeItem[]> {
    const key = `${treeSha}:${recursive ? "r" : "1"}`;
    let listing = this.#trees.get(key);
    if (listing === undefined) {
      listing = this.#listTree(treeSha, recursive);
      this.#trees.set(key, listing);
      listing.catch(() => this.#trees.delete(key));
    }
    return listing;
  }

  async #listTree(treeSha: string, recursive: boolean): Promise<TreeItem[]> {
    if (!HEX_SHA.test(treeSha)) throw new Error(`not a tree SHA: ${treeSha}`);
    const args = ["ls-tree", "-z", "-l", ...(recursive ? ["-r", "-t"] : []), treeSha];
    const { stdout } = await run("git", args, { cwd: this.dir, env: fixtureGitEnv(), encoding: "buffer", maxBuffer: 1024 * 1024 * 1024 });
    const items: TreeItem[] = [];
    let start = 0;
    for (;;) {
      const end = stdout.indexOf(0, start);
      if (end === -1) break;
      const record = stdout.subarray(start, end);
      start = end + 1;
      const tab = record.indexOf(0x09);
      const [mode = "", type = "", sha = "", size = "-"] = record.subarray(0, tab).toString("latin1").split(/ +/);
      const path = record.subarray(tab + 1).toString("utf8");
      items.push({ path, mode, type: type as TreeItem["type"], sha, ...(type === "blob" && size !== "-" ? { size: Number(size) } : {}) });
    }
    return items;
  }

  /** The entry at `path` in a commit's tree (mode, type, SHA, size), or null. The root is not an entry. */
  async entry(commit: string, path: string): Promise<TreeItem | null> {
    const slash = path.lastIndexOf("/");
    const dir = slash === -1 ? "" : path.slice(0, slash);
    const base = slash === -1 ? path : path.slice(slash + 1);
    const parent = dir === "" ? await this.resolveTree(commit) : (await this.#git.info(`${commit}:${dir}`))?.oid;
    if (parent === null || parent === undefined || base === "") return null;
    const parentInfo = await this.#git.info(parent);
    if (parentInfo?.type !== "tree") return null;
    const items = await this.tree(parent, false);
    const found = items.find((i) => i.path === base);
    return found === undefined ? null : { ...found, path };
  }

  /** A blob's bytes, or null when `sha` is not a blob of this repository. */
  async blob(sha: string): Promise<Buffer | null> {
    if (!HEX_SHA.test(sha)) return null;
    const object = await this.#git.contents(sha);
    return object?.type === "blob" ? object.content : null;
  }

  /** A commit, or null. */
  async commit(sha: string): Promise<CommitInfo | null> {
    const known = this.#commits.get(sha);
    if (known !== undefined) return known;
    const object = await this.#git.contents(`${sha}^{commit}`);
    if (object === null || object.type !== "commit") return null;
    const info = parseCommit(object.oid, object.content.toString("utf8"));
    this.#commits.set(info.sha, info);
    return info;
  }

  /**
   * The commits of a push, oldest first (at most `max`, the newest ones): those reachable from
   * `after` and not from `before` (all of `after`'s history when `before` is null).
   */
  async commitsBetween(before: string | null, after: string, max = 20): Promise<CommitInfo[]> {
    const range = before === null ? [after] : [after, `^${before}`];
    const { stdout } = await run("git", ["rev-list", `--max-count=${max}`, ...range], { cwd: this.dir, env: fixtureGitEnv(), encoding: "utf8" });
    const shas = stdout.split("\n").filter((s) => HEX_SHA.test(s)).reverse();
    const commits: CommitInfo[] = [];
    for (const sha of shas) {
      const c = await this.commit(sha);
      if (c !== null) commits.push(c);
    }
    return commits;
  }

  /** Paths a commit added, removed and modified compared with its first parent (all added for a root commit). */
  async changes(commit: CommitInfo): Promise<FileChanges> {
    const parent = commit.parents[0];
    const args = parent === undefined ? ["diff-tree", "-r", "-z", "--name-status", "--root", commit.sha] : ["diff-tree", "-r", "-z", "--name-status", parent, commit.sha];
    const { stdout } = await run("git", args, { cwd: this.dir, env: fixtureGitEnv(), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const fields = stdout.split("\0").filter((f) => f !== "");
    // With --root, the first field is the commit itself.
    if (fields[0] !== undefined && HEX_SHA.test(fields[0])) fields.shift();
    const added: string[] = [];
    const removed: string[] = [];
    const modified: string[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const status = fields[i] ?? "";
      const path = fields[i + 1] ?? "";
      if (status.startsWith("A")) added.push(path);
      else if (status.startsWith("D")) removed.push(path);
      else modified.push(path);
    }
    return { added, removed, modified };
  }

  close(): Promise<void> {
    return this.#git.close();
  }
}

function parseSignature(text: string): Signature {
  const match = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(text);
  if (match === null) return { name: text, email: "", date: new Date(0).toISOString() };
  return { name: match[1] ?? "", email: match[2] ?? "", date: new Date(Number(match[3]) * 1000).toISOString().replace(/\.000Z$/, "Z") };
}

export function parseCommit(sha: string, text: string): CommitInfo {
  const split = text.indexOf("\n\n");
  const headers = (split === -1 ? text : text.slice(0, split)).split("\n");
  const message = split === -1 ? "" : text.slice(split + 2);
  let tree = "";
  const parents: string[] = [];
  let author: Signature = { name: "", email: "", date: new Date(0).toISOString() };
  let committer = author;
  for (const line of headers) {
    const space = line.indexOf(" ");
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === "tree") tree = value;
    else if (key === "parent") parents.push(value);
    else if (key === "author") author = parseSignature(value);
    else if (key === "committer") committer = parseSignature(value);
  }
  return { sha, tree, parents, author, committer, message };
}
