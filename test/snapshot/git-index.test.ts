import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseLsFilesStage, readIndex, type IndexEntries } from "../../src/snapshot/git-index.js";
import { git, makeGitRepo, makeTempDir, removeDir, writeFiles } from "../support/git-fixture.js";

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) removeDir(dir);
});

const FILES = {
  "a.txt": "alpha\n",
  "dir/b.txt": "bravo bravo\n",
  "dir/sub/c.txt": "charlie charlie charlie\n",
  "dir/sub/ünïcödé.txt": "unicode\n",
  "empty.txt": "",
  ["long/".repeat(20) + "deep.txt"]: "deep\n",
};

/** A committed repository holding FILES plus a symlink and a gitlink; returns it and its index bytes. */
function indexed(setup: (dir: string) => void = () => {}): { dir: string; index: Buffer } {
  const dir = makeGitRepo(FILES);
  temps.push(dir);
  fs.symlinkSync("a.txt", path.join(dir, "link"));
  git(dir, "add", "link");
  git(dir, "update-index", "--add", "--cacheinfo", "160000,0123456789abcdef0123456789abcdef01234567,sub");
  setup(dir);
  return { dir, index: fs.readFileSync(path.join(dir, ".git", "index")) };
}

/** The parser's entries, as `git ls-files --stage` sees them, and the sizes it trusts. */
function parsed(dir: string, objectIdBytes = 20, prefix = ""): { entries: IndexEntries | null; sizes: Map<string, number> } {
  const entries = readIndex(fs.readFileSync(path.join(dir, ".git", "index")), objectIdBytes, prefix);
  const sizes = new Map<string, number>();
  entries?.paths.forEach((p, i) => {
    const size = entries.sizes[i] ?? -1;
    if (size >= 0) sizes.set(p, size);
  });
  return { entries, sizes };
}

/** What `git ls-files --stage` says, run in `cwd` (which limits it to that directory). */
function lsFiles(cwd: string): Omit<IndexEntries, "sizes"> {
  const { paths, modes, blobs } = parseLsFilesStage(git(cwd, "ls-files", "-z", "--stage"));
  return { paths, modes, blobs };
}

function withoutSizes(entries: IndexEntries | null): Omit<IndexEntries, "sizes"> | null {
  if (!entries) return null;
  const { paths, modes, blobs } = entries;
  return { paths, modes, blobs };
}

/** The sizes the parser should trust: the non-empty regular files, as the work tree has them. */
function expectedSizes(dir: string, paths: string[], prefix = ""): Map<string, number> {
  return new Map(
    paths.filter((p) => p.startsWith(prefix)).map((p) => [p.slice(prefix.length), fs.statSync(path.join(dir, p)).size]),
  );
}

const NON_EMPTY = Object.keys(FILES).filter((p) => p !== "empty.txt");

describe("readIndex", () => {
  it("reads a version 2 index: the entries ls-files prints, sizes for regular non-empty files only", () => {
    const { dir, index } = indexed();
    expect(index.readUInt32BE(4)).toBe(2);
    const { entries, sizes } = parsed(dir);
    expect(withoutSizes(entries)).toEqual(lsFiles(dir));
    expect(entries?.modes).toContain(0o120000);
    expect(entries?.modes).toContain(0o160000);
    expect(sizes).toEqual(expectedSizes(dir, NON_EMPTY));
  });

  it("reads a version 3 index and trusts no size of intent-to-add, skip-worktree or assume-unchanged entries", () => {
    const { dir, index } = indexed((d) => {
      writeFiles(d, { "later.txt": "later\n" });
      git(d, "add", "-N", "later.txt");
      git(d, "update-index", "--skip-worktree", "dir/b.txt");
      git(d, "update-index", "--assume-unchanged", "dir/sub/c.txt");
    });
    expect(index.readUInt32BE(4)).toBe(3);
    const { entries, sizes } = parsed(dir);
    expect(withoutSizes(entries)).toEqual(lsFiles(dir));
    expect(entries?.paths).toContain("later.txt");
    expect(sizes).toEqual(expectedSizes(dir, NON_EMPTY.filter((p) => p !== "dir/b.txt" && p !== "dir/sub/c.txt")));
  });

  it("reads a version 4 index, whose paths are prefix-compressed", () => {
    const { dir, index } = indexed((d) => git(d, "update-index", "--index-version", "4"));
    expect(index.readUInt32BE(4)).toBe(4);
    const { entries, sizes } = parsed(dir);
    expect(withoutSizes(entries)).toEqual(lsFiles(dir));
    expect(sizes).toEqual(expectedSizes(dir, NON_EMPTY));
  });

  it("keeps only the paths under a prefix, relative to it, as ls-files does in that directory", () => {
    for (const version of ["2", "4"]) {
      const { dir } = indexed((d) => git(d, "update-index", "--index-version", version));
      const { entries, sizes } = parsed(dir, 20, "dir/");
      expect(withoutSizes(entries)).toEqual(lsFiles(path.join(dir, "dir")));
      expect(sizes).toEqual(expectedSizes(dir, NON_EMPTY, "dir/"));
    }
  });

  it("makes one entry without a blob id of the stages of an unmerged path", () => {
    const dir = makeGitRepo({ "f.txt": "base\n", "g.txt": "gee\n" });
    temps.push(dir);
    git(dir, "checkout", "-q", "-b", "other");
    writeFiles(dir, { "f.txt": "theirs\n" });
    git(dir, "commit", "-q", "-am", "theirs");
    git(dir, "checkout", "-q", "main");
    writeFiles(dir, { "f.txt": "ours\n" });
    git(dir, "commit", "-q", "-am", "ours");
    expect(() => git(dir, "merge", "-q", "other")).toThrow();
    expect(git(dir, "ls-files", "--stage", "f.txt").trim().split("\n")).toHaveLength(3);
    const { entries, sizes } = parsed(dir);
    expect(withoutSizes(entries)).toEqual(lsFiles(dir));
    expect(entries?.paths).toEqual(["f.txt", "g.txt"]);
    expect(entries?.blobs[0]).toBeNull();
    expect(sizes).toEqual(new Map([["g.txt", 4]]));
  });

  it("reads SHA-256 indexes given the object id length", () => {
    const dir = makeTempDir("phase-gate-sha256-");
    temps.push(dir);
    git(dir, "init", "-q", "--object-format=sha256");
    writeFiles(dir, { "a.txt": "alpha\n", "b/c.txt": "charlie\n" });
    git(dir, "add", "-A");
    const { entries, sizes } = parsed(dir, 32);
    expect(withoutSizes(entries)).toEqual(lsFiles(dir));
    expect(entries?.blobs[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(sizes).toEqual(new Map([["a.txt", 6], ["b/c.txt", 8]]));
  });

  it("gives up (null) on a split index, whose entries live partly in a shared file", () => {
    const { dir, index } = indexed((d) => git(d, "update-index", "--split-index"));
    expect(index.includes(Buffer.from("link"))).toBe(true);
    expect(parsed(dir).entries).toBeNull();
  });

  it("gives up (null) on anything that is not a complete index it knows", () => {
    const { index } = indexed();
    expect(readIndex(Buffer.from("not an index"), 20)).toBeNull();
    expect(readIndex(index.subarray(0, index.length - 30), 20)).toBeNull();
    expect(readIndex(index.subarray(0, 40), 20)).toBeNull();
    const otherVersion = Buffer.from(index);
    otherVersion.writeUInt32BE(5, 4);
    expect(readIndex(otherVersion, 20)).toBeNull();
    const tooMany = Buffer.from(index);
    tooMany.writeUInt32BE(index.readUInt32BE(8) + 1, 8);
    expect(readIndex(tooMany, 20)).toBeNull();
    // A SHA-1 index read as SHA-256 does not line up.
    expect(readIndex(index, 32)).toBeNull();
  });

  it("never throws on random bytes after a valid header", () => {
    for (const version of [2, 3, 4]) {
      const header = Buffer.from(`DIRC\0\0\0${String.fromCharCode(version)}\0\0\0\x03`, "latin1");
      for (let seed = 1; seed <= 200; seed++) {
        const body = Buffer.alloc(seed * 3);
        for (let i = 0; i < body.length; i++) body[i] = (seed * 7919 + i * 104729) % 251;
        expect(() => readIndex(Buffer.concat([header, body]), 20)).not.toThrow();
      }
    }
  });
});

describe("parseLsFilesStage", () => {
  it("reads modes, blob ids and paths, paths with tabs, spaces and newlines included", () => {
    const blob = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
    const output = [`100644 ${blob} 0\ta b.txt`, `120000 ${blob} 0\tlink\twith tab`, `160000 ${blob} 0\tnew\nline`, ""].join("\0");
    expect(parseLsFilesStage(output)).toEqual({
      paths: ["a b.txt", "link\twith tab", "new\nline"],
      modes: [0o100644, 0o120000, 0o160000],
      blobs: [blob, blob, blob],
      sizes: [-1, -1, -1],
    });
  });
});
