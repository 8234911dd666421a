import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readIndexSizes } from "../../src/snapshot/git-index.js";
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

/** What the parser should return: the non-empty regular files with their work-tree sizes. */
function expectedSizes(dir: string, paths: string[], prefix = ""): Map<string, number> {
  return new Map(
    paths.filter((p) => p.startsWith(prefix)).map((p) => [p.slice(prefix.length), fs.statSync(path.join(dir, p)).size]),
  );
}

const NON_EMPTY = Object.keys(FILES).filter((p) => p !== "empty.txt");

describe("readIndexSizes", () => {
  it("reads a version 2 index: regular non-empty files only (no symlink, gitlink or empty file)", () => {
    const { dir, index } = indexed();
    expect(index.readUInt32BE(4)).toBe(2);
    expect(readIndexSizes(index, 20)).toEqual(expectedSizes(dir, NON_EMPTY));
  });

  it("reads a version 3 index and leaves out intent-to-add, skip-worktree and assume-unchanged entries", () => {
    const { dir, index } = indexed((d) => {
      writeFiles(d, { "later.txt": "later\n" });
      git(d, "add", "-N", "later.txt");
      git(d, "update-index", "--skip-worktree", "dir/b.txt");
      git(d, "update-index", "--assume-unchanged", "dir/sub/c.txt");
    });
    expect(index.readUInt32BE(4)).toBe(3);
    const expected = expectedSizes(dir, NON_EMPTY.filter((p) => p !== "dir/b.txt" && p !== "dir/sub/c.txt"));
    expect(readIndexSizes(index, 20)).toEqual(expected);
  });

  it("reads a version 4 index, whose paths are prefix-compressed", () => {
    const { dir, index } = indexed((d) => git(d, "update-index", "--index-version", "4"));
    expect(index.readUInt32BE(4)).toBe(4);
    expect(readIndexSizes(index, 20)).toEqual(expectedSizes(dir, NON_EMPTY));
  });

  it("keeps only the paths under a prefix, relative to it", () => {
    for (const version of ["2", "4"]) {
      const { dir, index } = indexed((d) => git(d, "update-index", "--index-version", version));
      expect(readIndexSizes(index, 20, "dir/")).toEqual(expectedSizes(dir, NON_EMPTY, "dir/"));
    }
  });

  it("leaves out the stages of an unmerged path", () => {
    const dir = makeGitRepo({ "f.txt": "base\n", "g.txt": "gee\n" });
    temps.push(dir);
    git(dir, "checkout", "-q", "-b", "other");
    writeFiles(dir, { "f.txt": "theirs\n" });
    git(dir, "commit", "-q", "-am", "theirs");
    git(dir, "checkout", "-q", "main");
    writeFiles(dir, { "f.txt": "ours\n" });
    git(dir, "commit", "-q", "-am", "ours");
    expect(() => git(dir, "merge", "-q", "other")).toThrow();
    const sizes = readIndexSizes(fs.readFileSync(path.join(dir, ".git", "index")), 20);
    expect(sizes).toEqual(new Map([["g.txt", 4]]));
  });

  it("reads SHA-256 indexes given the object id length", () => {
    const dir = makeTempDir("phase-gate-sha256-");
    temps.push(dir);
    git(dir, "init", "-q", "--object-format=sha256");
    writeFiles(dir, { "a.txt": "alpha\n", "b/c.txt": "charlie\n" });
    git(dir, "add", "-A");
    const index = fs.readFileSync(path.join(dir, ".git", "index"));
    expect(readIndexSizes(index, 32)).toEqual(new Map([["a.txt", 6], ["b/c.txt", 8]]));
  });

  it("gives up (null) on a split index, whose entries live partly in a shared file", () => {
    const { index } = indexed((d) => git(d, "update-index", "--split-index"));
    expect(index.includes(Buffer.from("link"))).toBe(true);
    expect(readIndexSizes(index, 20)).toBeNull();
  });

  it("gives up (null) on anything that is not a complete index it knows", () => {
    const { index } = indexed();
    expect(readIndexSizes(Buffer.from("not an index"), 20)).toBeNull();
    expect(readIndexSizes(index.subarray(0, index.length - 30), 20)).toBeNull();
    expect(readIndexSizes(index.subarray(0, 40), 20)).toBeNull();
    const otherVersion = Buffer.from(index);
    otherVersion.writeUInt32BE(5, 4);
    expect(readIndexSizes(otherVersion, 20)).toBeNull();
    const tooMany = Buffer.from(index);
    tooMany.writeUInt32BE(index.readUInt32BE(8) + 1, 8);
    expect(readIndexSizes(tooMany, 20)).toBeNull();
    // A SHA-1 index read as SHA-256 does not line up.
    expect(readIndexSizes(index, 32)).toBeNull();
  });

  it("never throws on random bytes after a valid header", () => {
    const header = Buffer.from("DIRC\0\0\0\x04\0\0\0\x03", "latin1");
    for (let seed = 1; seed <= 200; seed++) {
      const body = Buffer.alloc(seed * 3);
      for (let i = 0; i < body.length; i++) body[i] = (seed * 7919 + i * 104729) % 251;
      expect(() => readIndexSizes(Buffer.concat([header, body]), 20)).not.toThrow();
    }
  });
});
