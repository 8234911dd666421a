import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  comparePathBytes,
  DIRTY_WORK_TREE_NOTE,
  LocalSnapshotError,
  openLocalSnapshot,
} from "../../src/snapshot/local.js";
import type { FileRead, RepoSnapshot, SnapshotListing } from "../../src/snapshot/types.js";
import { commitAll, git, makeGitRepo, makeTempDir, removeDir, writeFiles } from "../support/git-fixture.js";

const CAP = 1000;
const FAKE_GITLINK = "0123456789abcdef0123456789abcdef01234567";
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = makeTempDir(prefix);
  temps.push(dir);
  return dir;
};
const repoOf = (files: Parameters<typeof makeGitRepo>[0], options: Parameters<typeof makeGitRepo>[1] = {}) => {
  const dir = makeGitRepo(files, options);
  temps.push(dir);
  return dir;
};

beforeAll(() => {
  // openLocalSnapshot runs git with this process's environment: keep the machine's git
  // configuration out, and stop repository discovery at the temp directory.
  vi.stubEnv("GIT_CONFIG_GLOBAL", os.devNull);
  vi.stubEnv("GIT_CONFIG_NOSYSTEM", "1");
  vi.stubEnv("GIT_CEILING_DIRECTORIES", fs.realpathSync(os.tmpdir()));
});

afterAll(() => {
  vi.unstubAllEnvs();
  for (const dir of temps) removeDir(dir);
});

function paths(listing: SnapshotListing): string[] {
  return listing.files.map((f) => f.path);
}

function textOf(read: FileRead): string {
  if (!read.ok) throw new Error(`expected text, got ${read.reason}${read.detail ? `: ${read.detail}` : ""}`);
  return read.text;
}

function headBlob(dir: string, rel: string): string {
  return git(dir, "rev-parse", `HEAD:${rel}`).trim();
}

describe("openLocalSnapshot in a git checkout", () => {
  let outside: string;
  let repo: string;
  let head: string;
  let snapshot: RepoSnapshot;
  let listing: SnapshotListing;

  beforeAll(async () => {
    outside = temp("phase-gate-outside-");
    writeFiles(outside, { "secret.txt": "TOP SECRET\n" });
    repo = temp("phase-gate-local-");
    writeFiles(repo, {
      ".gitignore": "*.log\nbuild/\n",
      "README.md": "# hello\n",
      "src/app.py": "print('hi')\n",
      "docs/guide.md": "guide\n",
      "pkg/changed.txt": "before\n",
      "pkg/same.txt": "same\n",
      "dir with space/ünïcödé file.txt": "unicode\n",
      "new\nline.txt": "a newline in the name\n",
      "modified.txt": "old\n",
      "deleted.txt": "to be deleted\n",
      "binary.bin": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0x0a]),
      "big.txt": "x".repeat(5000),
      "invalid-utf8.txt": Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe, 0x0a]),
    });
    fs.symlinkSync("README.md", path.join(repo, "link-inside"));
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(repo, "link-outside"));
    fs.symlinkSync(outside, path.join(repo, "outdir"));
    git(repo, "init", "-q");
    git(repo, "add", "-A");
    git(repo, "update-index", "--add", "--cacheinfo", `160000,${FAKE_GITLINK},sub`);
    git(repo, "commit", "-q", "--no-verify", "-m", "fixture");
    head = git(repo, "rev-parse", "HEAD").trim();

    // The work tree moves on: an edit, a deletion, new files, ignored files, a new symlink, a FIFO.
    writeFiles(repo, {
      "modified.txt": "new content, longer than before\n",
      "pkg/changed.txt": "after the change\n",
      "new.txt": "untracked but not ignored\n",
      "untracked dir/inner.txt": "inner\n",
      "debug.log": "ignored\n",
      "build/out.txt": "ignored\n",
    });
    fs.rmSync(path.join(repo, "deleted.txt"));
    fs.symlinkSync("README.md", path.join(repo, "new-link"));
    execFileSync("mkfifo", [path.join(repo, "pipe")]);

    snapshot = await openLocalSnapshot(repo, { maxFileBytes: CAP });
    listing = await snapshot.list();
  });

  it("lists the work tree: tracked and untracked files, not ignored or deleted ones, sorted by bytes", () => {
    const expected = [
      ".gitignore",
      "README.md",
      "binary.bin",
      "dir with space/ünïcödé file.txt",
      "docs/guide.md",
      "invalid-utf8.txt",
      "modified.txt",
      "new\nline.txt",
      "new.txt",
      "pkg/changed.txt",
      "pkg/same.txt",
      "src/app.py",
      "untracked dir/inner.txt",
    ].sort(byBytes);
    expect(paths(listing)).toEqual(expected);
  });

  it("lists symlinks, the submodule and the file over the cap as skipped, and nothing under a symlinked directory", () => {
    expect(listing.skipped).toEqual([
      { path: "big.txt", reason: "too-large", size: 5000 },
      { path: "link-inside", reason: "symlink" },
      { path: "link-outside", reason: "symlink" },
      { path: "new-link", reason: "symlink" },
      { path: "outdir", reason: "symlink" },
      { path: "sub", reason: "submodule" },
    ]);
    const everything = [...paths(listing), ...listing.skipped.map((s) => s.path)];
    expect(everything.filter((p) => p.startsWith("outdir/"))).toEqual([]);
    expect(everything).not.toContain("pipe");
  });

  it("reports HEAD as the commit and says the work tree has uncommitted changes", () => {
    expect(snapshot.commit).toBe(head);
    expect(listing.notes).toEqual([DIRTY_WORK_TREE_NOTE]);
    expect(snapshot.label).toBe(repo);
  });

  it("gives work-tree sizes, and index blob ids only where the work tree matches them", () => {
    const entry = (p: string) => listing.files.find((f) => f.path === p);
    expect(entry("README.md")).toEqual({ path: "README.md", size: 8, blob: headBlob(repo, "README.md") });
    expect(entry("modified.txt")).toEqual({ path: "modified.txt", size: 32, blob: null });
    expect(entry("new.txt")).toEqual({ path: "new.txt", size: 26, blob: null });
    expect(entry("binary.bin")?.blob).toBe(headBlob(repo, "binary.bin"));
    for (const file of listing.files) {
      expect(file.size, file.path).toBe(fs.statSync(path.join(repo, file.path)).size);
    }
  });

  it("reads work-tree contents: the uncommitted edit, unicode and newline names, invalid UTF-8 lossily", async () => {
    expect(await snapshot.read("modified.txt")).toEqual({ ok: true, text: "new content, longer than before\n", lossy: false });
    expect(textOf(await snapshot.read("dir with space/ünïcödé file.txt"))).toBe("unicode\n");
    expect(textOf(await snapshot.read("new\nline.txt"))).toBe("a newline in the name\n");
    expect(await snapshot.read("invalid-utf8.txt")).toEqual({ ok: true, text: "ok \uFFFD\uFFFD\n", lossy: true });
  });

  it("refuses binary files, files over the cap, symlinks and anything through a symlinked directory", async () => {
    expect(await snapshot.read("binary.bin")).toEqual({ ok: false, reason: "binary" });
    expect(await snapshot.read("big.txt")).toMatchObject({ ok: false, reason: "too-large" });
    expect(await snapshot.read("link-inside")).toMatchObject({ ok: false, reason: "symlink" });
    expect(await snapshot.read("link-outside")).toMatchObject({ ok: false, reason: "symlink" });
    expect(await snapshot.read("outdir/secret.txt")).toMatchObject({ ok: false, reason: "symlink" });
  });

  it("refuses paths that leave the root, and never opens a FIFO", async () => {
    for (const bad of ["", "/etc/passwd", path.join(outside, "secret.txt"), "../x", "docs/../README.md", "./README.md", "docs//guide.md", "a\0b"]) {
      expect(await snapshot.read(bad), JSON.stringify(bad)).toMatchObject({ ok: false, reason: "unreadable" });
    }
    // Opening a FIFO for reading would block until a writer came: the test would time out.
    expect(await snapshot.read("pipe")).toEqual({ ok: false, reason: "unreadable", detail: "not a regular file (fifo)" });
  });

  it("says why a deleted or missing file cannot be read, without throwing", async () => {
    expect(await snapshot.read("deleted.txt")).toEqual({ ok: false, reason: "unreadable", detail: "no such file" });
    expect(await snapshot.read("nowhere/at/all.txt")).toEqual({ ok: false, reason: "unreadable", detail: "no such file" });
  });

  it("audits a subdirectory as its own root, relative paths, changes outside it not noted", async () => {
    const docs = await openLocalSnapshot(path.join(repo, "docs"));
    const docsListing = await docs.list();
    expect(docs.commit).toBe(head);
    expect(docsListing).toEqual({
      files: [{ path: "guide.md", size: 6, blob: headBlob(repo, "docs/guide.md") }],
      skipped: [],
      notes: [],
    });
    expect(textOf(await docs.read("guide.md"))).toBe("guide\n");
    expect(await docs.read("../README.md")).toMatchObject({ ok: false, reason: "unreadable" });
  });

  it("notes changes inside a subdirectory root and drops the blob id of the changed file", async () => {
    const pkg = await openLocalSnapshot(path.join(repo, "pkg"), { label: "pkg" });
    const pkgListing = await pkg.list();
    expect(pkg.label).toBe("pkg");
    expect(pkgListing.files).toEqual([
      { path: "changed.txt", size: 17, blob: null },
      { path: "same.txt", size: 5, blob: headBlob(repo, "pkg/same.txt") },
    ]);
    expect(pkgListing.notes).toEqual([DIRTY_WORK_TREE_NOTE]);
    expect(textOf(await pkg.read("changed.txt"))).toBe("after the change\n");
  });
});

describe("openLocalSnapshot: git details", () => {
  it("reports a clean checkout without notes, with the index's blob ids and the files' sizes", async () => {
    const dir = repoOf({ "a.txt": "alpha\n", "b/c.txt": "", "b/d.md": "delta delta\n" });
    const snapshot = await openLocalSnapshot(dir);
    const listing = await snapshot.list();
    expect(snapshot.commit).toBe(git(dir, "rev-parse", "HEAD").trim());
    expect(listing.notes).toEqual([]);
    expect(listing.files).toEqual(
      ["a.txt", "b/c.txt", "b/d.md"].map((p) => ({ path: p, size: fs.statSync(path.join(dir, p)).size, blob: headBlob(dir, p) })),
    );
  });

  it("has a null commit and notes the staged files when nothing is committed yet", async () => {
    const dir = repoOf({ "a.txt": "alpha\n" }, { commit: false });
    const snapshot = await openLocalSnapshot(dir);
    const listing = await snapshot.list();
    expect(snapshot.commit).toBeNull();
    expect(listing.files).toEqual([{ path: "a.txt", size: 6, blob: git(dir, "rev-parse", ":a.txt").trim() }]);
    expect(listing.notes).toEqual([DIRTY_WORK_TREE_NOTE]);
  });

  it("lists an empty repository as empty", async () => {
    const dir = repoOf({}, { commit: false });
    const snapshot = await openLocalSnapshot(dir);
    expect(await snapshot.list()).toEqual({ files: [], skipped: [], notes: [] });
    expect(snapshot.commit).toBeNull();
  });

  it("does not follow a tracked directory that was replaced by a symlink", async () => {
    const outside = temp("phase-gate-outside-");
    writeFiles(outside, { "a.txt": "outside, much longer than the tracked file\n" });
    const dir = repoOf({ "real/a.txt": "inside\n", "keep.txt": "keep\n" });
    fs.rmSync(path.join(dir, "real"), { recursive: true });
    fs.symlinkSync(outside, path.join(dir, "real"));
    const snapshot = await openLocalSnapshot(dir);
    const listing = await snapshot.list();
    expect(paths(listing)).toEqual(["keep.txt"]);
    expect(listing.skipped).toEqual([{ path: "real", reason: "symlink" }]);
    expect(await snapshot.read("real/a.txt")).toMatchObject({ ok: false, reason: "symlink" });
  });

  it("lists an unmerged path once, without a blob id, and reads its conflict markers", async () => {
    const dir = repoOf({ "f.txt": "base\n" });
    git(dir, "checkout", "-q", "-b", "other");
    writeFiles(dir, { "f.txt": "theirs\n" });
    commitAll(dir, "theirs");
    git(dir, "checkout", "-q", "main");
    writeFiles(dir, { "f.txt": "ours\n" });
    commitAll(dir, "ours");
    expect(() => git(dir, "merge", "-q", "other")).toThrow();
    const snapshot = await openLocalSnapshot(dir);
    const listing = await snapshot.list();
    expect(listing.files).toEqual([{ path: "f.txt", size: fs.statSync(path.join(dir, "f.txt")).size, blob: null }]);
    expect(listing.notes).toEqual([DIRTY_WORK_TREE_NOTE]);
    expect(textOf(await snapshot.read("f.txt"))).toContain("<<<<<<<");
  });

  it("lists an untracked nested repository as skipped, not its files", async () => {
    const dir = repoOf({ "a.txt": "a\n" });
    const nested = path.join(dir, "vendor", "lib");
    makeGitRepo({ "inner.txt": "inner\n" }, { dir: nested });
    const listing = await (await openLocalSnapshot(dir)).list();
    expect(paths(listing)).toEqual(["a.txt"]);
    expect(listing.skipped).toEqual([{ path: "vendor/lib", reason: "submodule", detail: "an untracked nested git repository" }]);
  });

  it("keeps sizes right whatever the index format: versions 2, 3 (intent-to-add), 4, and a split index", async () => {
    for (const setup of [
      [],
      ["add", "-N", "later.txt"],
      ["update-index", "--index-version", "4"],
      ["update-index", "--split-index"],
    ]) {
      const dir = repoOf({ "a.txt": "alpha\n", "deep/er/b.txt": "bravo bravo\n", "c.txt": "charlie\n" });
      writeFiles(dir, { "later.txt": "added with -N\n" });
      if (setup.length > 0) git(dir, ...setup);
      // An edit of another size, and one of the same size: both must show the work tree.
      writeFiles(dir, { "a.txt": "alpha, edited\n", "c.txt": "CHARLIE\n" });
      const listing = await (await openLocalSnapshot(dir)).list();
      expect(paths(listing), setup.join(" ")).toEqual(["a.txt", "c.txt", "deep/er/b.txt", "later.txt"]);
      for (const file of listing.files) {
        expect(file.size, `${setup.join(" ")}: ${file.path}`).toBe(fs.statSync(path.join(dir, file.path)).size);
      }
      expect(listing.files.find((f) => f.path === "deep/er/b.txt")?.blob).toBe(headBlob(dir, "deep/er/b.txt"));
      expect(listing.files.find((f) => f.path === "a.txt")?.blob).toBeNull();
    }
  });

  it("takes the size of an assume-unchanged file from the work tree, not the index", async () => {
    const dir = repoOf({ "a.txt": "alpha\n" });
    git(dir, "update-index", "--assume-unchanged", "a.txt");
    writeFiles(dir, { "a.txt": "alpha, edited behind git's back\n" });
    const listing = await (await openLocalSnapshot(dir)).list();
    expect(listing.files.map((f) => [f.path, f.size])).toEqual([["a.txt", 32]]);
  });

  it("works in a linked worktree, whose .git is a file and whose index lives in the main repository", async () => {
    const main = repoOf({ "a.txt": "alpha\n", "b.txt": "bravo\n" });
    const worktree = path.join(temp("phase-gate-worktree-"), "wt");
    git(main, "worktree", "add", "-q", "-b", "wt", worktree);
    writeFiles(worktree, { "b.txt": "bravo, edited in the worktree\n" });
    const snapshot = await openLocalSnapshot(worktree);
    const listing = await snapshot.list();
    expect(fs.statSync(path.join(worktree, ".git")).isFile()).toBe(true);
    expect(snapshot.commit).toBe(git(main, "rev-parse", "HEAD").trim());
    expect(listing.files).toEqual([
      { path: "a.txt", size: 6, blob: headBlob(main, "a.txt") },
      { path: "b.txt", size: 30, blob: null },
    ]);
    expect(listing.notes).toEqual([DIRTY_WORK_TREE_NOTE]);
  });

  it("works in a SHA-256 repository", async () => {
    const dir = temp("phase-gate-sha256-");
    git(dir, "init", "-q", "--object-format=sha256");
    writeFiles(dir, { "a.txt": "alpha\n", "b.txt": "bravo\n" });
    commitAll(dir);
    const snapshot = await openLocalSnapshot(dir);
    const listing = await snapshot.list();
    expect(snapshot.commit).toMatch(/^[0-9a-f]{64}$/);
    expect(listing.files).toEqual([
      { path: "a.txt", size: 6, blob: headBlob(dir, "a.txt") },
      { path: "b.txt", size: 6, blob: headBlob(dir, "b.txt") },
    ]);
  });

  it("ignores GIT_DIR and GIT_INDEX_FILE left by a surrounding git hook", async () => {
    const other = repoOf({ "other.txt": "other\n" });
    const dir = repoOf({ "mine.txt": "mine\n" });
    const head = git(dir, "rev-parse", "HEAD").trim();
    expect(head).not.toBe(git(other, "rev-parse", "HEAD").trim());
    vi.stubEnv("GIT_DIR", path.join(other, ".git"));
    vi.stubEnv("GIT_INDEX_FILE", path.join(other, ".git", "index"));
    try {
      const snapshot = await openLocalSnapshot(dir);
      expect(paths(await snapshot.list())).toEqual(["mine.txt"]);
      expect(snapshot.commit).toBe(head);
    } finally {
      vi.stubEnv("GIT_DIR", undefined);
      vi.stubEnv("GIT_INDEX_FILE", undefined);
    }
  });

  it("walks the directory instead, with a note, when git cannot read the index", async () => {
    const dir = repoOf({ "a.txt": "alpha\n", ".gitignore": "*.log\n" });
    writeFiles(dir, { "x.log": "ignored\n" });
    fs.writeFileSync(path.join(dir, ".git", "index"), "not an index at all");
    const listing = await (await openLocalSnapshot(dir)).list();
    expect(paths(listing)).toEqual([".gitignore", "a.txt"]);
    expect(listing.notes).toHaveLength(1);
    expect(listing.notes[0]).toMatch(/^git could not list the files \(git ls-files --stage: .+\); the directory was walked instead/);
  });
});

describe("openLocalSnapshot in a plain directory", () => {
  let dir: string;
  let outside: string;
  let snapshot: RepoSnapshot;
  let listing: SnapshotListing;

  beforeAll(async () => {
    outside = temp("phase-gate-outside-");
    writeFiles(outside, { "secret.txt": "TOP SECRET\n" });
    dir = temp("phase-gate-walk-");
    writeFiles(dir, {
      ".gitignore": "*.log\n/build/\n",
      "a.txt": "alpha\n",
      "x.log": "ignored by *.log\n",
      "build/out.txt": "ignored by /build/\n",
      "sub/.gitignore": "secret.txt\n!keep.log\n",
      "sub/build/kept.txt": "/build/ is anchored to the root\n",
      "sub/secret.txt": "ignored by sub/.gitignore\n",
      "sub/keep.log": "re-included by sub/.gitignore\n",
      "sub/deeper/z.log": "still ignored by *.log\n",
      "other/secret.txt": "sub/.gitignore does not reach here\n",
      "vendored/.git/HEAD": "ref: refs/heads/main\n",
      "vendored/lib.py": "x = 1\n",
      "binary.bin": Buffer.from([0x00, 0x01]),
      "big.txt": "y".repeat(CAP + 1),
      "exact.txt": "z".repeat(CAP),
    });
    fs.symlinkSync("a.txt", path.join(dir, "link"));
    fs.symlinkSync(outside, path.join(dir, "linkdir"));
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
    snapshot = await openLocalSnapshot(dir, { maxFileBytes: CAP });
    listing = await snapshot.list();
  });

  it("honours every .gitignore relative to its own directory, a deeper one winning, and skips .git", () => {
    expect(paths(listing)).toEqual([
      ".gitignore",
      "a.txt",
      "binary.bin",
      "exact.txt",
      "other/secret.txt",
      "sub/.gitignore",
      "sub/build/kept.txt",
      "sub/keep.log",
      "vendored/lib.py",
    ]);
  });

  it("lists symlinks (never followed), FIFOs and files over the cap as skipped", () => {
    expect(listing.skipped).toEqual([
      { path: "big.txt", reason: "too-large", size: CAP + 1 },
      { path: "link", reason: "symlink" },
      { path: "linkdir", reason: "symlink" },
      { path: "pipe", reason: "unreadable", detail: "not a regular file (fifo)" },
    ]);
    expect(snapshot.commit).toBeNull();
    expect(listing.notes).toEqual([]);
    expect(listing.files.every((f) => f.blob === null)).toBe(true);
  });

  it("reads a file at the cap, refuses one over it, binary files, symlinks and the FIFO", async () => {
    expect(textOf(await snapshot.read("exact.txt"))).toHaveLength(CAP);
    expect(await snapshot.read("big.txt")).toMatchObject({ ok: false, reason: "too-large" });
    expect(await snapshot.read("binary.bin")).toEqual({ ok: false, reason: "binary" });
    expect(await snapshot.read("link")).toMatchObject({ ok: false, reason: "symlink" });
    expect(await snapshot.read("linkdir/secret.txt")).toMatchObject({ ok: false, reason: "symlink" });
    expect(await snapshot.read("pipe")).toMatchObject({ ok: false, reason: "unreadable" });
  });

  it("re-checks the size when reading: a file that grew past the cap after listing is not read", async () => {
    const growing = temp("phase-gate-grow-");
    writeFiles(growing, { "g.txt": "small\n" });
    const snap = await openLocalSnapshot(growing, { maxFileBytes: 100 });
    expect((await snap.list()).files).toEqual([{ path: "g.txt", size: 6, blob: null }]);
    fs.appendFileSync(path.join(growing, "g.txt"), "g".repeat(200));
    expect(await snap.read("g.txt")).toMatchObject({ ok: false, reason: "too-large" });
  });

  it("lists the same tree as git would for the committed version of it", async () => {
    // The plain walk and git agree on what .gitignore excludes.
    const copy = temp("phase-gate-walk-vs-git-");
    fs.cpSync(dir, copy, { recursive: true, verbatimSymlinks: true, filter: (src) => !src.endsWith("pipe") && !src.includes(`${path.sep}vendored`) });
    const walked = paths(await (await openLocalSnapshot(copy)).list());
    git(copy, "init", "-q");
    git(copy, "add", "-A");
    const listed = git(copy, "ls-files", "-z").split("\0").filter((p) => p !== "" && !["link", "linkdir"].includes(p));
    expect(walked).toEqual(listed.sort(byBytes));
  });
});

describe("openLocalSnapshot errors", () => {
  it("throws a one-line LocalSnapshotError for a missing directory", async () => {
    const missing = path.join(temp("phase-gate-missing-"), "nope");
    const error = await openLocalSnapshot(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalSnapshotError);
    expect((error as Error).message).toBe(`${missing}: no such directory`);
  });

  it("throws for a file given as the directory", async () => {
    const dir = temp("phase-gate-file-");
    writeFiles(dir, { "f.txt": "f\n" });
    await expect(openLocalSnapshot(path.join(dir, "f.txt"))).rejects.toThrow(/f\.txt: not a directory$/);
  });

  it("throws for an invalid size cap", async () => {
    await expect(openLocalSnapshot(temp("phase-gate-cap-"), { maxFileBytes: -1 })).rejects.toBeInstanceOf(LocalSnapshotError);
  });
});

describe("comparePathBytes", () => {
  it("orders by UTF-8 bytes, unlike UTF-16 code units", () => {
    const list = ["\u{10000}", "b", "\uE000", "Z", "a/b", "a", "a b"];
    expect([...list].sort(comparePathBytes)).toEqual(["Z", "a", "a b", "a/b", "b", "\uE000", "\u{10000}"]);
  });

  it("agrees with Buffer.compare on any strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(Math.sign(comparePathBytes(a, b))).toBe(Math.sign(byBytes(a, b)));
      }),
      { numRuns: 150 },
    );
  });
});

describe("openLocalSnapshot: one listing per snapshot", () => {
  it("lists the checkout once however often it is asked (the checklist loader and the engine both ask)", async () => {
    const dir = makeGitRepo({ "a.txt": "a\n" });
    try {
      const snap = await openLocalSnapshot(dir);
      const first = snap.list();
      expect(snap.list()).toBe(first);
      // A file added afterwards belongs to another snapshot, not to this one's listing.
      writeFiles(dir, { "b.txt": "b\n" });
      expect((await snap.list()).files.map((f) => f.path)).toEqual(["a.txt"]);
      expect((await (await openLocalSnapshot(dir)).list()).files.map((f) => f.path)).toEqual(["a.txt", "b.txt"]);
    } finally {
      removeDir(dir);
    }
  });
});
