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
  /** Bytes of a recursive tree listing's entries at most, likewise (default: the simulator's `treeMaxBytes`). */
  readonly treeMaxBytes?: number;
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

/** An entry of a tree object, as stored. */
interface RawTreeItem {
  readonly name: string;
  readonly mode: string;
  readonly type: TreeItem["type"];
  readonly sha: string;
}

/** The entries of a tree object (`<mode> <name>\0<20-byte id>`, repeated), with modes as `ls-tree` prints them. */
export function parseTree(content: Buffer): RawTreeItem[] {
  const items: RawTreeItem[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space + 1);
    if (space === -1 || nul === -1 || nul + 21 > content.length) throw new Error("malformed tree object");
    const rawMode = content.subarray(at, space).toString("latin1");
    const mode = rawMode.padStart(6, "0");
    const name = content.subarray(space + 1, nul).toString("utf8");
    const sha = content.subarray(nul + 1, nul + 21).toString("hex");
    const type = mode === "040000" ? "tree" : mode === "160000" ? "commit" : "blob";
    items.push({ name, mode, type, sha });
    at = nul + 21;
  }
  return items;
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
  readonly treeMaxBytes: number | undefined;
  readonly createdAt = new Date().toISOString();
  readonly #git: CatFile;
  readonly #treeObjects = new Map<string, Promise<readonly RawTreeItem[]>>();
  readonly #blobSizes = new Map<string, number>();
  readonly #commits = new Map<string, CommitInfo>();
  /** Serialised responses (a recursive tree of 50k entries is costly to stringify), by key, oldest first. */
  readonly responses = new Map<string, Buffer>();
  /** Tree entries as JSON without their path, by mode and SHA, for the REST base `fragmentsApi`. */
  readonly fragments = new Map<string, string>();
  fragmentsApi = "";

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
    this.treeMaxBytes = options.treeMaxBytes;
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

  /**
   * The entries of a tree, in git's order (that of `git ls-tree -l`); with `recursive`, every entry
   * below it too, each tree before its contents (`git ls-tree -r -t -l`). Tree objects are read
   * through cat-file and kept per SHA, blob sizes per blob SHA, so a new commit costs only the trees
   * and blobs it changed.
   */
  async tree(treeSha: string, recursive: boolean): Promise<readonly TreeItem[]> {
    if (!recursive) {
      const items = await this.#treeObject(treeSha);
      await this.#sizes(items);
      return items.map((item) => this.#withSize(item, item.name));
    }
    const out: TreeItem[] = [];
    const walk = async (sha: string, prefix: string): Promise<void> => {
      const items = await this.#treeObject(sha);
      await this.#sizes(items);
      for (const item of items) {
        out.push(this.#withSize(item, prefix + item.name));
        if (item.type === "tree") await walk(item.sha, `${prefix}${item.name}/`);
      }
    };
    await walk(treeSha, "");
    return out;
  }

  /** Lists the commit's (or tree's) whole tree once, so that the first API call for it is as fast as the next ones. */
  async warm(treeish: string): Promise<number> {
    const tree = await this.resolveTree(treeish);
    if (tree === null) throw new Error(`${this.fullName}: no tree at ${treeish}`);
    return (await this.tree(tree, true)).length;
  }

  #withSize(item: RawTreeItem, path: string): TreeItem {
    const size = item.type === "blob" ? this.#blobSizes.get(item.sha) : undefined;
    return { path, mode: item.mode, type: item.type, sha: item.sha, ...(size !== undefined ? { size } : {}) };
  }

  /** A tree object's entries (kept: trees are immutable). */
  #treeObject(sha: string): Promise<readonly RawTreeItem[]> {
    let items = this.#treeObjects.get(sha);
    if (items === undefined) {
      items = this.#git.contents(sha).then((object) => {
        if (object === null || object.type !== "tree") throw new Error(`${this.fullName}: ${sha} is not a tree`);
        return parseTree(object.content);
      });
      this.#treeObjects.set(sha, items);
      items.catch(() => this.#treeObjects.delete(sha));
    }
    return items;
  }

  /** Looks up the sizes of the blobs among `items` not known yet (all asked of cat-file at once). */
  async #sizes(items: readonly RawTreeItem[]): Promise<void> {
    const missing = items.filter((i) => i.type === "blob" && !this.#blobSizes.has(i.sha));
    if (missing.length === 0) return;
    const infos = await Promise.all(missing.map((i) => this.#git.info(i.sha)));
    infos.forEach((info, n) => {
      if (info !== null) this.#blobSizes.set((missing[n] as RawTreeItem).sha, info.size);
    });
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
