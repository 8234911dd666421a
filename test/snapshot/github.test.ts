import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { registry } from "../../checks/index.js";
import { runAudit } from "../../src/audit/engine.js";
import { loadChecklist } from "../../src/config/load.js";
import type { Checklist } from "../../src/config/types.js";
import { BlobCache } from "../../src/github/blob-cache.js";
import type { GitDataClient, TreeEntry, TreeListing } from "../../src/github/types.js";
import { DEFAULT_API_CONCURRENCY, GitHubSnapshot, needsOf, type GitHubSnapshotOptions } from "../../src/snapshot/github.js";

/* ------------------------------------------------------------------------------------------ */
/* An in-memory GitHub: git objects by SHA, and a client that counts what it is asked          */
/* ------------------------------------------------------------------------------------------ */

type Content = string | Uint8Array | { symlink: string } | { submodule: string };

const encoder = new TextEncoder();
const sha1 = (data: Uint8Array | string): string => createHash("sha1").update(data).digest("hex");

/** The git blob id of some bytes (what GitHub would report). */
function blobSha(bytes: Uint8Array): string {
  return sha1(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]));
}

interface StoredTree {
  /** Entries with names relative to this tree. */
  readonly entries: TreeEntry[];
}

interface TreeCall {
  readonly sha: string;
  readonly recursive: boolean;
  /** The directory the SHA names ("" for a commit or the root tree). */
  readonly dir: string;
}

class FakeGitHub implements GitDataClient {
  readonly blobs = new Map<string, Uint8Array>();
  private readonly trees = new Map<string, StoredTree>();
  /** commit SHA -> root tree SHA */
  private readonly commits = new Map<string, string>();
  /** tree SHA -> the directory it was built for (distinct contents in these tests). */
  private readonly dirOf = new Map<string, string>();
  readonly treeCalls: TreeCall[] = [];
  readonly blobCalls: string[] = [];
  /** Blob SHAs that fail, with the HTTP status of the failure. */
  readonly failing = new Map<string, number>();
  /** Recursive listings above this many entries come back truncated. */
  truncateOver = Infinity;
  /** The same for a recursive listing asked by a commit SHA (the whole tree), when set. */
  rootTruncateOver: number | null = null;
  /** Non-recursive listings above this many entries come back truncated. */
  listingTruncateOver = Infinity;
  /** When set, each call waits a pseudo-random number of turns of the event loop (this seed's), so answers come back out of order. */
  shuffleSeed: number | null = null;
  /** Tree SHAs whose listing fails. */
  readonly failingTrees = new Set<string>();
  inFlight = 0;
  maxInFlight = 0;

  /** Stores a commit whose files are `files`; returns its SHA. */
  commit(name: string, files: Record<string, Content>): string {
    const root = this.buildTree("", files);
    const sha = sha1(`commit ${name} ${root}`);
    this.commits.set(sha, root);
    return sha;
  }

  blobOf(content: string | Uint8Array): string {
    return blobSha(typeof content === "string" ? encoder.encode(content) : content);
  }

  treeOf(commit: string, dir: string): string {
    let sha = this.commits.get(commit) as string;
    if (dir === "") return sha;
    for (const name of dir.split("/")) {
      const entry = this.trees.get(sha)?.entries.find((e) => e.path === name && e.type === "tree");
      if (!entry) throw new Error(`no directory ${dir}`);
      sha = entry.sha;
    }
    return sha;
  }

  private buildTree(dir: string, files: Record<string, Content>): string {
    const here = new Map<string, Content>();
    const below = new Map<string, Record<string, Content>>();
    for (const [path, content] of Object.entries(files)) {
      const slash = path.indexOf("/");
      if (slash < 0) here.set(path, content);
      else {
        const name = path.slice(0, slash);
        const sub = below.get(name) ?? {};
        sub[path.slice(slash + 1)] = content;
        below.set(name, sub);
      }
    }
    const entries: TreeEntry[] = [];
    for (const [name, content] of here) {
      if (typeof content === "object" && "submodule" in content) {
        entries.push({ path: name, mode: "160000", type: "commit", sha: content.submodule });
      } else if (typeof content === "object" && "symlink" in content) {
        const target = encoder.encode(content.symlink);
        const sha = blobSha(target);
        this.blobs.set(sha, target);
        entries.push({ path: name, mode: "120000", type: "blob", sha, size: target.length });
      } else {
        const bytes = typeof content === "string" ? encoder.encode(content) : content;
        const sha = blobSha(bytes);
        this.blobs.set(sha, bytes);
        const mode = name.endsWith(".sh") ? "100755" : "100644";
        entries.push({ path: name, mode, type: "blob", sha, size: bytes.length });
      }
    }
    for (const [name, sub] of below) {
      const path = dir === "" ? name : `${dir}/${name}`;
      entries.push({ path: name, mode: "040000", type: "tree", sha: this.buildTree(path, sub) });
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const sha = sha1(`tree ${dir}\n${entries.map((e) => `${e.mode} ${e.path} ${e.sha}`).join("\n")}`);
    this.trees.set(sha, { entries });
    if (!this.dirOf.has(sha)) this.dirOf.set(sha, dir);
    return sha;
  }

  async getTree(sha: string, options: { readonly recursive: boolean }): Promise<TreeListing> {
    const treeSha = this.commits.get(sha) ?? sha;
    this.treeCalls.push({ sha, recursive: options.recursive, dir: this.dirOf.get(treeSha) ?? "?" });
    await this.enter();
    try {
      if (this.failingTrees.has(treeSha)) throw Object.assign(new Error("Server Error"), { status: 502 });
      const tree = this.trees.get(treeSha);
      if (!tree) throw Object.assign(new Error("Not Found"), { status: 404 });
      if (!options.recursive) {
        const over = this.listingTruncateOver;
        if (tree.entries.length > over) return { sha: treeSha, truncated: true, tree: tree.entries.slice(0, over) };
        return { sha: treeSha, truncated: false, tree: tree.entries };
      }
      const all = this.flatten(treeSha, "");
      const over = this.commits.has(sha) ? (this.rootTruncateOver ?? this.truncateOver) : this.truncateOver;
      if (all.length > over) return { sha: treeSha, truncated: true, tree: all.slice(0, over) };
      return { sha: treeSha, truncated: false, tree: all };
    } finally {
      this.inFlight--;
    }
  }

  private flatten(treeSha: string, prefix: string): TreeEntry[] {
    const out: TreeEntry[] = [];
    for (const e of this.trees.get(treeSha)?.entries ?? []) {
      out.push({ ...e, path: prefix + e.path });
      if (e.type === "tree") out.push(...this.flatten(e.sha, `${prefix}${e.path}/`));
    }
    return out;
  }

  async getBlob(sha: string): Promise<Uint8Array> {
    this.blobCalls.push(sha);
    await this.enter();
    try {
      const status = this.failing.get(sha);
      if (status !== undefined) throw Object.assign(new Error(status === 404 ? "Not Found" : "Server Error"), { status });
      const bytes = this.blobs.get(sha);
      if (!bytes) throw Object.assign(new Error("Not Found"), { status: 404 });
      return bytes;
    } finally {
      this.inFlight--;
    }
  }

  /** Counts a call in flight and yields to the event loop, so that calls overlap as over a network. */
  private async enter(): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let turns = 1;
    if (this.shuffleSeed !== null) {
      this.shuffleSeed = (this.shuffleSeed * 1103515245 + 12345) % 2147483648;
      turns += this.shuffleSeed % 7;
    }
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** The paths whose blobs were fetched, for a commit's file map. */
  fetchedPaths(files: Record<string, Content>): string[] {
    const bySha = new Map<string, string[]>();
    for (const [path, content] of Object.entries(files)) {
      if (typeof content === "object" && !(content instanceof Uint8Array)) continue;
      const sha = this.blobOf(content);
      bySha.set(sha, [...(bySha.get(sha) ?? []), path]);
    }
    return this.blobCalls.flatMap((sha) => bySha.get(sha) ?? [`?${sha}`]).sort();
  }
}

function snapshot(fake: FakeGitHub, commit: string, extra: Partial<GitHubSnapshotOptions> = {}): GitHubSnapshot {
  return new GitHubSnapshot({ client: fake, owner: "octo", repo: "app", commit, cache: new BlobCache(), ...extra });
}

function checklist(yaml: string): Checklist {
  const load = loadChecklist(yaml, ".github/phase-gate.yml", registry);
  if (!load.ok) throw new Error(JSON.stringify(load.errors));
  return load.checklist;
}

/* ------------------------------------------------------------------------------------------ */

describe("GitHubSnapshot: listing", () => {
  const files: Record<string, Content> = {
    "README.md": "# app\n",
    "scripts/build.sh": "#!/bin/sh\nmake\n",
    "src/index.ts": "export {};\n",
    "src/big.json": "x".repeat(2000),
    "docs/current": { symlink: "v2" },
    "vendor/lib": { submodule: "0123456789abcdef0123456789abcdef01234567" },
  };

  it("lists files with sizes and blob SHAs, and symlinks, submodules and oversized files as skipped", async () => {
    const fake = new FakeGitHub();
    const commit = fake.commit("c1", files);
    const snap = snapshot(fake, commit, { maxFileBytes: 1000 });
    const listing = await snap.list();
    expect(listing.files).toEqual([
      { path: "README.md", size: 6, blob: fake.blobOf("# app\n") },
      { path: "scripts/build.sh", size: 15, blob: fake.blobOf("#!/bin/sh\nmake\n") },
      { path: "src/index.ts", size: 11, blob: fake.blobOf("export {};\n") },
    ]);
    expect(listing.skipped).toEqual([
      { path: "docs/current", reason: "symlink" },
      { path: "src/big.json", reason: "too-large", size: 2000 },
      { path: "vendor/lib", reason: "submodule" },
    ]);
    expect(listing.notes).toEqual([]);
    expect(fake.treeCalls).toEqual([{ sha: commit, recursive: true, dir: "" }]);
    expect(fake.blobCalls).toEqual([]);
  });

  it("names the repository, the commit and the links to its files", () => {
    const fake = new FakeGitHub();
    const commit = fake.commit("c1", files);
    const snap = snapshot(fake, commit);
    expect(snap.label).toBe("octo/app");
    expect(snap.commit).toBe(commit);
    expect(snap.fileUrlBase).toBe(`https://github.com/octo/app/blob/${commit}/`);
    const ghe = snapshot(fake, commit, { htmlBase: "https://ghe.example.com/" });
    expect(ghe.fileUrlBase).toBe(`https://ghe.example.com/octo/app/blob/${commit}/`);
  });

  it("makes one tree call however many times and however concurrently list() is called", async () => {
    const fake = new FakeGitHub();
    const commit = fake.commit("c1", files);
    const snap = snapshot(fake, commit);
    const [a, b] = await Promise.all([snap.list(), snap.list(["src/**"])]);
    const c = await snap.list(["**/*.md"]);
    const d = await snap.list();
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(d).toEqual(a);
    expect(fake.treeCalls).toHaveLength(1);
  });

  it("tries the tree again after a failed tree call instead of remembering the failure", async () => {
    const fake = new FakeGitHub();
    const commit = fake.commit("c1", files);
    const root = fake.treeOf(commit, "");
    fake.failingTrees.add(root);
    const snap = snapshot(fake, commit);
    await expect(snap.list()).rejects.toThrow("Server Error");
    fake.failingTrees.delete(root);
    expect((await snap.list()).files).toHaveLength(4);
    expect(fake.treeCalls.map((c) => c.recursive)).toEqual([true, true]);
  });

  it("refuses options that make no sense", () => {
    const fake = new FakeGitHub();
    const commit = fake.commit("c1", files);
    expect(() => snapshot(fake, commit, { concurrency: 0 })).toThrow(RangeError);
    expect(() => snapshot(fake, commit, { maxFileBytes: -1 })).toThrow(RangeError);
    expect(() => snapshot(fake, "")).toThrow(RangeError);
  });
});

describe("GitHubSnapshot: reading", () => {
  it("fetches only the blobs the enabled checks read (an audit of declarative checks)", async () => {
    const files: Record<string, Content> = {
      "README.md": "# app\nSee docs.\n",
      LICENSE: "MIT\n",
      "docs/guide.md": "Install with npm.\n",
      "docs/api.md": "TODO: write\n",
      "docs/img/logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]),
      "src/a.ts": "export const a = 1;\n",
      "src/deep/b.ts": "// FIXME later\nexport const b = 2;\n",
      "src/c.js": "console.log(1)\n",
      "package.json": '{"name":"app"}\n',
      "node_modules/x/index.js": "module.exports = 1;\n",
    };
    const fake = new FakeGitHub();
    const commit = fake.commit("c1", files);
    const snap = snapshot(fake, commit);
    const list = checklist(`
phases:
  - id: docs
    name: Documentation
    checks:
      - file-exists: { path: LICENSE }
      - file-contains: { path: "docs/*.md", pattern: "\\\\w" }
  - id: code
    name: Code
    checks:
      - file-not-contains: { path: "src/**/*.ts", pattern: "FIXME" }
      - file-absent: { path: "**/*.orig" }
`);
    const report = await runAudit(snap, list);
    expect(fake.fetchedPaths(files)).toEqual(["docs/api.md", "docs/guide.md", "src/a.ts", "src/deep/b.ts"]);
    expect(fake.treeCalls).toHaveLength(1);
    const statuses = report.phases.map((p) => p.checks.map((c) => `${c.id}:${c.status}`));
    expect(statuses).toEqual([
      ["file-exists:pass", "file-contains:pass"],
      ["file-not-contains:fail", "file-absent:pass"],
    ]);
    const fixme = report.phases[1]?.checks[0]?.findings[0];
    expect(fixme).toMatchObject({ path: "src/deep/b.ts", line: 1 });
    expect(report.repository).toBe("octo/app");
    expect(report.commit).toBe(commit);
    expect(report.fileUrlBase).toBe(`https://github.com/octo/app/blob/${commit}/`);
  });

  it("shares the cache between snapshots of two commits: an unchanged file is fetched once", async () => {
    const fake = new FakeGitHub();
    const v1 = { "README.md": "same\n", "src/app.ts": "v1\n" };
    const v2 = { "README.md": "same\n", "src/app.ts": "v2\n", "src/new.ts": "new\n" };
    const c1 = fake.commit("c1", v1);
    const c2 = fake.commit("c2", v2);
    const cache = new BlobCache();
    const s1 = snapshot(fake, c1, { cache });
    const s2 = snapshot(fake, c2, { cache });
    await s1.list();
    await s2.list();
    const texts1 = await Promise.all(["README.md", "src/app.ts"].map((p) => s1.read(p)));
    const texts2 = await Promise.all(["README.md", "src/app.ts", "src/new.ts"].map((p) => s2.read(p)));
    expect(texts1).toEqual([
      { ok: true, text: "same\n", lossy: false },
      { ok: true, text: "v1\n", lossy: false },
    ]);
    expect(texts2.map((r) => (r.ok ? r.text : r.reason))).toEqual(["same\n", "v2\n", "new\n"]);
    expect(fake.blobCalls.sort()).toEqual([fake.blobOf("same\n"), fake.blobOf("v1\n"), fake.blobOf("v2\n"), fake.blobOf("new\n")].sort());
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 4 });
  });

  it("makes one call for concurrent reads of the same SHA, within and across snapshots", async () => {
    const fake = new FakeGitHub();
    const files = { "a/LICENSE": "MIT\n", "b/LICENSE": "MIT\n", "c/LICENSE": "MIT\n" };
    const c1 = fake.commit("c1", files);
    const c2 = fake.commit("c2", { ...files, "d.txt": "other\n" });
    const cache = new BlobCache();
    const s1 = snapshot(fake, c1, { cache });
    const s2 = snapshot(fake, c2, { cache });
    await Promise.all([s1.list(), s2.list()]);
    const reads = await Promise.all([...Object.keys(files).map((p) => s1.read(p)), ...Object.keys(files).map((p) => s2.read(p))]);
    expect(reads.every((r) => r.ok && r.text === "MIT\n")).toBe(true);
    expect(fake.blobCalls).toEqual([fake.blobOf("MIT\n")]);
    expect(cache.stats()).toMatchObject({ misses: 1, joined: 5, hits: 0 });
  });

  it("keeps at most `concurrency` calls in flight (8 by default)", async () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f/${String(i).padStart(2, "0")}.txt`, `file ${i}\n`]));
    for (const [concurrency, expected] of [[undefined, DEFAULT_API_CONCURRENCY], [3, 3], [1, 1]] as const) {
      const fake = new FakeGitHub();
      const snap = snapshot(fake, fake.commit("c", files), concurrency === undefined ? {} : { concurrency });
      await snap.list();
      fake.maxInFlight = 0;
      const reads = await Promise.all(Object.keys(files).map((p) => snap.read(p)));
      expect(reads.filter((r) => r.ok)).toHaveLength(30);
      expect(fake.blobCalls).toHaveLength(30);
      expect(fake.maxInFlight).toBe(expected);
    }
    expect(DEFAULT_API_CONCURRENCY).toBe(8);
  });

  it("never fetches symlinks, submodules, oversized files or unlisted paths, and says why", async () => {
    const fake = new FakeGitHub();
    const files: Record<string, Content> = {
      "Dockerfile.link": { symlink: "docker/Dockerfile" },
      "docker/Dockerfile": "FROM node:20\n",
      sub: { submodule: "89abcdef0123456789abcdef0123456789abcdef" },
      "dump.sql": "-- big\n".repeat(100),
    };
    const snap = snapshot(fake, fake.commit("c", files), { maxFileBytes: 100 });
    expect(await snap.read("Dockerfile.link")).toEqual({ ok: false, reason: "symlink" });
    expect(await snap.read("sub")).toEqual({ ok: false, reason: "submodule" });
    expect(await snap.read("dump.sql")).toEqual({ ok: false, reason: "too-large" });
    expect(await snap.read("docker")).toEqual({ ok: false, reason: "unreadable", detail: "no such file at this commit" });
    expect(await snap.read("missing.txt")).toEqual({ ok: false, reason: "unreadable", detail: "no such file at this commit" });
    expect(fake.blobCalls).toEqual([]);
    expect(fake.treeCalls).toHaveLength(1); // read() listed the tree itself, once

    const report = await runAudit(snap, checklist(`
phases:
  - id: p
    name: P
    checks:
      - file-contains: { path: ["Dockerfile*", "docker/*", "sub", "*.sql"], pattern: FROM }
`));
    expect(report.skipped).toEqual([
      { path: "Dockerfile.link", reason: "symlink" },
      { path: "dump.sql", reason: "too-large", size: 700 },
      { path: "sub", reason: "submodule" },
    ]);
    expect(fake.blobCalls).toEqual([fake.blobOf("FROM node:20\n")]);
  });

  it("refuses a binary blob and replaces invalid UTF-8", async () => {
    const fake = new FakeGitHub();
    const files: Record<string, Content> = {
      "logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
      "latin1.txt": new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]), // "café\n" in Latin-1
      "bom.txt": new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]),
    };
    const snap = snapshot(fake, fake.commit("c", files));
    expect(await snap.read("logo.png")).toEqual({ ok: false, reason: "binary" });
    expect(await snap.read("latin1.txt")).toEqual({ ok: true, text: "caf\uFFFD\n", lossy: true });
    expect(await snap.read("bom.txt")).toEqual({ ok: true, text: "hi", lossy: false });
  });

  it("reports a blob the API refuses as unreadable, reads the others, and retries it later", async () => {
    const fake = new FakeGitHub();
    const files = { "a.md": "a\n", "b.md": "b\n", "c.md": "c\n" };
    const snap = snapshot(fake, fake.commit("c", files));
    fake.failing.set(fake.blobOf("a\n"), 404);
    fake.failing.set(fake.blobOf("c\n"), 500);
    const report = await runAudit(snap, checklist(`
phases:
  - id: p
    name: P
    checks:
      - file-contains: { path: "*.md", pattern: "\\\\w" }
`));
    expect(report.skipped).toEqual([
      { path: "a.md", reason: "unreadable", size: 2, detail: "HTTP 404: Not Found" },
      { path: "c.md", reason: "unreadable", size: 2, detail: "HTTP 500: Server Error" },
    ]);
    const check = report.phases[0]?.checks[0];
    expect(check?.findings.map((f) => [f.messageId, f.path])).toEqual([
      ["unreadable", "a.md"],
      ["unreadable", "c.md"],
    ]);
    fake.failing.clear();
    expect(await snap.read("a.md")).toEqual({ ok: true, text: "a\n", lossy: false });
    expect(fake.fetchedPaths(files)).toEqual(["a.md", "a.md", "b.md", "c.md"]);
  });

  it("reads a file before any list() with the one tree call", async () => {
    const fake = new FakeGitHub();
    const snap = snapshot(fake, fake.commit("c", { "x/y.txt": "y\n" }));
    expect(await snap.read("x/y.txt")).toEqual({ ok: true, text: "y\n", lossy: false });
    await snap.list();
    expect(fake.treeCalls).toHaveLength(1);
  });
});

describe("GitHubSnapshot: a truncated tree", () => {
  // Recursive listings over 5 entries are truncated: the whole tree, and services (6 entries
  // below it); .github, docs, node_modules, src and services/api (3 each) fit.
  const files: Record<string, Content> = {
    "README.md": "# big\n",
    "docs/index.md": "docs\n",
    "docs/old/notes.md": "old\n",
    ".github/phase-gate.yml": "phases: []\n",
    ".github/workflows/ci.yml": "on: push\n",
    "services/api/Dockerfile": "FROM node\n",
    "services/api/deep/Dockerfile": "FROM deep\n",
    "services/web/Dockerfile": "FROM nginx\n",
    "src/a.ts": "a\n",
    "src/b/c.ts": "c\n",
    "node_modules/x/y/z.js": "z\n",
  };

  function setUp(extra: Partial<GitHubSnapshotOptions> = {}) {
    const fake = new FakeGitHub();
    fake.truncateOver = 5;
    const commit = fake.commit("c", files);
    return { fake, commit, snap: snapshot(fake, commit, extra) };
  }

  /** Directories listed alone (non-recursive calls). */
  const walkedDirs = (fake: FakeGitHub) => fake.treeCalls.filter((c) => !c.recursive).map((c) => c.dir);
  /** Every tree call after the commit's recursive one: "R dir" a subtree's recursive listing, "L dir" a directory alone ("/" the root). */
  const walkCalls = (fake: FakeGitHub) => fake.treeCalls.slice(1).map((c) => `${c.recursive ? "R" : "L"} ${c.dir || "/"}`);

  it("lists again, for the next commit, only the directories whose tree changed (listings are cached by tree SHA)", async () => {
    const fake = new FakeGitHub();
    fake.truncateOver = 5;
    const cache = new BlobCache();
    const first = fake.commit("c1", files);
    const second = fake.commit("c2", { ...files, "services/api/Dockerfile": "FROM node:22\n" });
    const globs = ["docs/*.md", ".github/workflows/*.yml", "services/*/Dockerfile"];
    const before = await snapshot(fake, first, { cache }).list(globs);
    fake.treeCalls.length = 0;
    const listing = await snapshot(fake, second, { cache }).list(globs);
    // The recursive call (truncated), then the root (by the new commit), services (its new tree is
    // truncated recursively too, so it is listed alone) and services/api: .github (recursive),
    // docs and services/web are the same trees and are not asked again.
    expect(fake.treeCalls[0]).toEqual({ sha: second, recursive: true, dir: "" });
    expect(walkCalls(fake)).toEqual(["L /", "R services", "L services", "L services/api"]);
    expect(listing.files.find((f) => f.path === "services/api/Dockerfile")?.blob).toBe(fake.blobOf("FROM node:22\n"));
    expect(listing.files.map((f) => f.path)).toEqual(before.files.map((f) => f.path));
    expect(listing.notes).toEqual(before.notes);
  });

  it("asks each needed directory for its whole subtree, lists alone only what GitHub truncates, and says so", async () => {
    const { fake, commit, snap } = setUp();
    const listing = await snap.list(["docs/*.md", ".github/workflows/*.yml", "services/*/Dockerfile"]);
    expect(fake.treeCalls[0]).toEqual({ sha: commit, recursive: true, dir: "" });
    // .github holds a needed directory: one recursive call lists it and .github/workflows. Nothing
    // below docs, services/api or services/web is needed: each is listed alone. services' own
    // recursive answer is truncated: it is listed alone, after the other requests of its level.
    expect(walkCalls(fake)).toEqual(["L /", "R .github", "L docs", "R services", "L services", "L services/api", "L services/web"]);
    // Each call names the directory by its own tree SHA (the root by the commit).
    expect(fake.treeCalls.slice(1).map((c) => c.sha)).toEqual([
      commit,
      ...[".github", "docs", "services", "services", "services/api", "services/web"].map((d) => fake.treeOf(commit, d)),
    ]);
    expect(listing.files.map((f) => f.path)).toEqual([
      ".github/phase-gate.yml",
      ".github/workflows/ci.yml",
      "README.md",
      "docs/index.md",
      "services/api/Dockerfile",
      "services/web/Dockerfile",
    ]);
    expect(listing.files[0]).toEqual({ path: ".github/phase-gate.yml", size: 11, blob: fake.blobOf("phases: []\n") });
    expect(listing.notes).toEqual([
      "GitHub truncated the file tree of this commit (too many entries for one request); only the directories the checks' patterns can match were listed (7 directories: (root), .github, docs, services, .github/workflows, services/api, services/web), so other files are missing from this audit",
    ]);

    // The same globs again: nothing new is asked.
    const calls = fake.treeCalls.length;
    expect(await snap.list(["docs/*.md", ".github/workflows/*.yml", "services/*/Dockerfile"])).toEqual(listing);
    expect(fake.treeCalls).toHaveLength(calls);
    expect(fake.blobCalls).toEqual([]);
  });

  it("walks every directory for a glob without a literal base, asking each subtree once across calls", async () => {
    const { fake, snap } = setUp();
    await snap.list([".github/*.yml"]);
    expect(walkCalls(fake)).toEqual(["L /", "L .github"]);
    const listing = await snap.list(["**/Dockerfile"]);
    expect(listing.files.map((f) => f.path)).toEqual(Object.keys(files).sort());
    // The root and .github were listed already; the other top-level subtrees are asked
    // recursively (services is truncated, so it is listed alone and its subdirectories asked),
    // and .github's subdirectory too. 11 calls where listing each directory alone took 14.
    expect(walkCalls(fake)).toEqual([
      "L /",
      "L .github",
      "R docs",
      "R node_modules",
      "R services",
      "R src",
      "L services",
      "R .github/workflows",
      "R services/api",
      "R services/web",
    ]);
    expect(listing.notes).toEqual([
      "GitHub truncated the file tree of this commit (too many entries for one request); only the directories the checks' patterns can match were listed (14 directories: (root), .github, docs, node_modules, services, src, .github/workflows, docs/old, node_modules/x, services/api and 4 more), so other files are missing from this audit",
    ]);
    const everything = await snap.list();
    expect(everything.files).toEqual(listing.files);
    expect(everything.notes[0]).toMatch(/every directory was listed one request at a time \(14 directories\)$/);
    expect(fake.treeCalls).toHaveLength(11);
  });

  it("stops after the bound on tree calls and names what it did not list", async () => {
    const { fake, snap } = setUp({ maxTreeCalls: 4 });
    const listing = await snap.list(["**/Dockerfile"]);
    expect(walkCalls(fake)).toEqual(["L /", "R .github", "R docs", "R node_modules"]);
    expect(listing.files.map((f) => f.path)).toEqual([".github/phase-gate.yml", ".github/workflows/ci.yml", "README.md", "docs/index.md", "docs/old/notes.md", "node_modules/x/y/z.js"]);
    expect(listing.notes).toEqual([
      "GitHub truncated the file tree of this commit (too many entries for one request); only the directories the checks' patterns can match were listed (8 directories: (root), .github, docs, node_modules, .github/workflows, docs/old, node_modules/x, node_modules/x/y), so other files are missing from this audit",
      "the walk stopped after 4 directory requests: services, src and whatever is below them were not listed, so those files are missing from this audit",
    ]);
  });

  it("cuts at the bound the same directories however the answers are ordered, a truncated subtree's own listing included", async () => {
    const outcomes = new Set<string>();
    for (const [seed, concurrency] of [[null, 8], [1, 8], [7, 8], [12345, 3], [99, 1]] as const) {
      const { fake, snap } = setUp({ maxTreeCalls: 5, concurrency });
      fake.shuffleSeed = seed;
      const listing = await snap.list(["**/Dockerfile"]);
      // services' recursive answer is the 5th call and is truncated: its own listing is past the bound, as src is.
      expect(walkCalls(fake)).toEqual(["L /", "R .github", "R docs", "R node_modules", "R services"]);
      expect(listing.notes[1]).toBe(
        "the walk stopped after 5 directory requests: services, src and whatever is below them were not listed, so those files are missing from this audit",
      );
      outcomes.add(JSON.stringify(listing));
    }
    expect(outcomes.size).toBe(1);
  });

  it("never asks for a directory no glob can reach", async () => {
    const { fake, snap } = setUp();
    const listing = await snap.list(["services/*/Dockerfile", ".github/*.yml"]);
    expect(walkCalls(fake)).toEqual(["L /", "L .github", "R services", "L services", "L services/api", "L services/web"]);
    const asked = new Set(fake.treeCalls.map((c) => c.dir));
    for (const dir of ["docs", "src", "node_modules", ".github/workflows", "services/api/deep"]) expect(asked.has(dir)).toBe(false);
    expect(listing.files.map((f) => f.path)).toEqual([".github/phase-gate.yml", "README.md", "services/api/Dockerfile", "services/web/Dockerfile"]);
    // No glob at all: nothing is listed.
    const { fake: idle, snap: none } = setUp();
    expect((await none.list([])).files).toEqual([]);
    expect(walkCalls(idle)).toEqual([]);
  });

  it("notes a directory that could not be listed, lists the rest, and asks it again on the next list", async () => {
    const { fake, commit, snap } = setUp();
    fake.failingTrees.add(fake.treeOf(commit, "docs"));
    const listing = await snap.list(["docs/**", "src/*.ts"]);
    // docs' recursive call fails: the directory is reported, not asked again alone.
    expect(walkCalls(fake)).toEqual(["L /", "R docs", "L src"]);
    expect(listing.files.map((f) => f.path)).toEqual(["README.md", "src/a.ts"]);
    expect(listing.notes[1]).toBe("the directory docs could not be listed (HTTP 502: Server Error): its files are missing from this audit");
    fake.failingTrees.clear();
    const again = await snap.list(["docs/**", "src/*.ts"]);
    expect(walkCalls(fake)).toEqual(["L /", "R docs", "L src", "R docs"]);
    expect(again.files.map((f) => f.path)).toEqual(["README.md", "docs/index.md", "docs/old/notes.md", "src/a.ts"]);
    expect(again.notes).toHaveLength(1);
  });

  it("notes a directory whose own listing GitHub truncated, not one whose recursive answer it truncated", async () => {
    const { fake, snap } = setUp();
    fake.listingTruncateOver = 2; // the root's 6 entries; services holds 2
    const listing = await snap.list(["**/Dockerfile"]);
    // The root's listing kept .github and README.md; services was truncated recursively and listed alone in full.
    expect(walkCalls(fake)).toEqual(["L /", "R .github"]);
    expect(listing.notes).toEqual([
      "GitHub truncated the file tree of this commit (too many entries for one request); only the directories the checks' patterns can match were listed (3 directories: (root), .github, .github/workflows), so other files are missing from this audit",
      "GitHub truncated the listing of (root) too: some of its entries are missing",
    ]);
    // .github listed alone (nothing below it is needed) and truncated: noted; asked recursively: complete, not noted.
    for (const [globs, calls, noted] of [
      [[".github/*.yml"], ["L /", "L .github"], ["(root)", ".github"]],
      [[".github/**"], ["L /", "R .github"], ["(root)"]],
    ] as const) {
      const other = setUp();
      other.fake.listingTruncateOver = 1; // the root keeps .github, .github keeps phase-gate.yml
      const found = await other.snap.list(globs);
      expect(walkCalls(other.fake)).toEqual(calls);
      expect(found.notes.slice(1)).toEqual(noted.map((d) => `GitHub truncated the listing of ${d} too: some of its entries are missing`));
    }
  });

  it("reads a file of a directory no listing walked by listing only its ancestors", async () => {
    const { fake, snap } = setUp();
    await snap.list(["README.md"]);
    expect(walkCalls(fake)).toEqual(["L /"]);
    expect(await snap.read("services/api/deep/Dockerfile")).toEqual({ ok: true, text: "FROM deep\n", lossy: false });
    // services is truncated recursively: listed alone; services/api's recursive answer holds services/api/deep.
    expect(walkCalls(fake)).toEqual(["L /", "R services", "L services", "R services/api"]);
    expect(await snap.read("src/nope.ts")).toEqual({ ok: false, reason: "unreadable", detail: "no such file at this commit" });
    expect(walkCalls(fake)).toEqual(["L /", "R services", "L services", "R services/api", "L src"]);
    expect(fake.fetchedPaths(files)).toEqual(["services/api/deep/Dockerfile"]);
  });

  it("puts the note in the audit report and reads only the needed blobs", async () => {
    const { fake, snap } = setUp();
    const report = await runAudit(snap, checklist(`
phases:
  - id: ops
    name: Ops
    checks:
      - file-contains: { path: "services/*/Dockerfile", pattern: "^FROM" }
`));
    expect(report.phases[0]?.checks[0]?.status).toBe("pass");
    expect(report.notes).toHaveLength(1);
    expect(report.notes[0]).toContain("GitHub truncated the file tree of this commit");
    expect(walkedDirs(fake)).toEqual(["", "services", "services/api", "services/web"]);
    expect(fake.fetchedPaths(files)).toEqual(["services/api/Dockerfile", "services/web/Dockerfile"]);
  });
});

describe("GitHubSnapshot: a truncated tree's walk costs few calls and lists the same", () => {
  /** 5 top-level directories of 3 subdirectories of 4 files (and a symlink, a submodule and an oversized file below), and root files. */
  function wide(salt: string, changed: Record<string, Content> = {}): Record<string, Content> {
    const out: Record<string, Content> = { "README.md": `# ${salt}\n`, "SECURITY.md": "report\n", LINK: { symlink: "README.md" } };
    for (const top of ["api", "db", "docs", "web", "zz-tools"]) {
      for (const sub of ["a", "b", "c"]) {
        for (let i = 0; i < 4; i++) out[`${top}/${sub}/f${i}.md`] = `${top} ${sub} ${i}\n`;
        out[`${top}/${sub}/deep/${sub}.txt`] = `${top}/${sub} deep\n`;
      }
      out[`${top}/current`] = { symlink: "a" };
      out[`${top}/vendor/lib`] = { submodule: sha1(top) };
      out[`${top}/dump.sql`] = `-- ${top}\n`.repeat(200);
    }
    return { ...out, ...changed };
  }
  const options = { maxFileBytes: 1000 };
  const globSets: (readonly string[] | undefined)[] = [
    undefined,
    ["**/*.md"],
    ["docs/*/*.md", "SECURITY.md"],
    ["api/**", "web/a/deep/*.txt", "zz-tools/vendor/*"],
    ["*/b/*.md", "!**/f0.md"],
    ["README.md"],
    [],
  ];

  it("lists a truncated root whose top-level subtrees fit in 1 + 1 + one call per top-level directory", async () => {
    const fake = new FakeGitHub();
    fake.rootTruncateOver = 10;
    const commit = fake.commit("c", wide("c"));
    const listing = await snapshot(fake, commit, options).list();
    expect(fake.treeCalls.map((c) => `${c.recursive ? "R" : "L"} ${c.dir || "/"}`)).toEqual([
      "R /",
      "L /",
      "R api",
      "R db",
      "R docs",
      "R web",
      "R zz-tools",
    ]);
    expect(listing.files).toHaveLength(2 + 5 * 3 * 5);
    expect(listing.skipped).toHaveLength(1 + 5 * 3);
    expect(listing.notes[0]).toMatch(/every directory was listed one request at a time \(41 directories\)$/);
  });

  it("lists, for a commit that changed one file, the changed top-level directory's subtree only (a shared cache)", async () => {
    const fake = new FakeGitHub();
    fake.rootTruncateOver = 10;
    const cache = new BlobCache();
    const first = fake.commit("c1", wide("c"));
    const second = fake.commit("c2", wide("c", { "web/b/deep/b.txt": "changed\n" }));
    await snapshot(fake, first, { ...options, cache }).list(["**/*.txt"]);
    fake.treeCalls.length = 0;
    const listing = await snapshot(fake, second, { ...options, cache }).list(["**/*.txt"]);
    expect(fake.treeCalls).toEqual([
      { sha: second, recursive: true, dir: "" },
      { sha: second, recursive: false, dir: "" },
      { sha: fake.treeOf(second, "web"), recursive: true, dir: "web" },
    ]);
    expect(listing.files.find((f) => f.path === "web/b/deep/b.txt")?.blob).toBe(fake.blobOf("changed\n"));
    const untruncated = new FakeGitHub();
    const same = await snapshot(untruncated, untruncated.commit("c2", wide("c", { "web/b/deep/b.txt": "changed\n" })), options).list();
    expect(listing.files).toEqual(same.files);
    expect(listing.skipped).toEqual(same.skipped);
  });

  it("lists the same files and skipped entries as an untruncated tree, and the same notes as listing every directory alone", async () => {
    for (const want of globSets) {
      // Reference 1: the tree GitHub does not truncate (everything is listed whatever the globs).
      const untruncated = new FakeGitHub();
      const all = await snapshot(untruncated, untruncated.commit("c", wide("c")), options).list(want);
      // Reference 2: every recursive answer truncated, so each directory is listed alone (the walk before subtrees were asked recursively).
      const alone = new FakeGitHub();
      alone.truncateOver = 0;
      const oneByOne = await snapshot(alone, alone.commit("c", wide("c")), options).list(want);
      if (want?.length !== 0) expect(alone.treeCalls.filter((c) => !c.recursive).length).toBeGreaterThan(0);
      if (want === undefined) {
        expect(oneByOne.files).toEqual(all.files);
        expect(oneByOne.skipped).toEqual(all.skipped);
      }
      for (const [rootOver, over] of [[10, Infinity], [10, 20], [10, 8], [10, 3], [0, 0]] as const) {
        const fake = new FakeGitHub();
        fake.rootTruncateOver = rootOver;
        fake.truncateOver = over;
        const listing = await snapshot(fake, fake.commit("c", wide("c")), options).list(want);
        expect({ want, over, listing }).toEqual({ want, over, listing: oneByOne });
        expect(fake.treeCalls.length).toBeLessThanOrEqual(alone.treeCalls.length);
        // Every listed file is the untruncated tree's, with its SHA and size.
        const byPath = new Map(all.files.map((f) => [f.path, f]));
        for (const f of listing.files) expect(byPath.get(f.path)).toEqual(f);
      }
    }
  });
});

describe("needsOf: which directories a glob can match", () => {
  it("derives each glob's base and depth", () => {
    expect(needsOf(undefined)).toBe("all");
    expect(needsOf([])).toEqual([]);
    expect(needsOf([".github/phase-gate.yml", "LICENSE"])).toEqual([
      { base: ".github", depth: 0 },
      { base: "", depth: 0 },
    ]);
    expect(needsOf(["docs/*.md", "services/*/Dockerfile", "a/{b,c}/d/*.ts", "*.md"])).toEqual([
      { base: "docs", depth: 0 },
      { base: "services", depth: 1 },
      { base: "a", depth: 2 },
      { base: "", depth: 0 },
    ]);
    // `**`, brackets and extglobs can match '/': no bound below the base.
    expect(needsOf(["src/**/*.ts", "x/[[:punct:]]y", "m/+(a/)b", "**/Dockerfile"])).toEqual([
      { base: "src", depth: Infinity },
      { base: "x", depth: Infinity },
      { base: "m", depth: Infinity },
      { base: "", depth: Infinity },
    ]);
    expect(needsOf(["docs/*.md", "!docs/old.md"])).toBe("all");
  });
});
