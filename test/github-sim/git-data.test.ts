import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { commitAll, git, makeGitRepo, removeDir, writeFiles } from "../support/git-fixture.js";
import { GitHubSim } from "../support/github-sim/index.js";
import { simOctokit, type SimOctokit } from "../support/github-sim/client.js";

/** The simulator's git data (trees, blobs, contents, branches) against git itself, over real HTTP. */

const INSTALLATION = 77;
const binary = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);
const files = {
  "README.md": "# fixture\n",
  ".github/phase-gate.yml": "phases:\n  - id: phase-1\n    checks: [secrets-baseline]\n",
  "src/app/main.py": "print('hello')\n",
  "src/app/deep/er/file with space.txt": "spaces\n",
  "docs/ünïcode.md": "unicode name\n",
  "assets/blob.bin": binary,
  "big.txt": "x".repeat(200_000),
};

let sim: GitHubSim;
let dir: string;
let orgDir: string;
let head: string;
let octokit: SimOctokit;

beforeAll(async () => {
  dir = makeGitRepo(files);
  git(dir, "update-index", "--chmod=+x", "src/app/main.py");
  git(dir, "commit", "-q", "-m", "exec");
  head = git(dir, "rev-parse", "HEAD").trim();
  orgDir = makeGitRepo({ ".github/phase-gate.yml": "phases:\n  - id: org-phase\n    checks: [file-exists]\n" });
  sim = new GitHubSim({ validateResponses: true });
  await sim.start();
  sim.addRepo({ owner: "acme", name: "widgets", dir, installationId: INSTALLATION });
  sim.addRepo({ owner: "acme", name: ".github", dir: orgDir, installationId: INSTALLATION });
  octokit = simOctokit(sim, { installationId: INSTALLATION });
});

afterAll(async () => {
  await sim.stop();
  removeDir(dir);
  removeDir(orgDir);
});

afterEach(() => {
  expect(sim.invalidRequests()).toEqual([]);
  expect(sim.invalidResponses()).toEqual([]);
  sim.reset();
  sim.treeLimit = 100_000;
});

/** `git ls-tree` parsed independently of the simulator. */
function gitTree(treeish: string, recursive: boolean): { mode: string; type: string; sha: string; size?: number; path: string }[] {
  const out = git(dir, "ls-tree", "-z", "-l", ...(recursive ? ["-r", "-t"] : []), treeish);
  return out
    .split("\0")
    .filter((r) => r !== "")
    .map((record) => {
      const [meta = "", path = ""] = record.split("\t");
      const [mode = "", type = "", sha = "", size = "-"] = meta.split(/ +/);
      return { mode, type, sha, ...(size !== "-" ? { size: Number(size) } : {}), path };
    });
}

describe("git/trees", () => {
  it("lists a commit's whole tree recursively, exactly as git does", async () => {
    const { data } = await octokit.rest.git.getTree({ owner: "acme", repo: "widgets", tree_sha: head, recursive: "1" });
    expect(data.sha).toBe(git(dir, "rev-parse", `${head}^{tree}`).trim());
    expect(data.truncated).toBe(false);
    expect(data.tree.map(({ path, mode, type, sha, size }) => ({ mode, type, sha, ...(size !== undefined ? { size } : {}), path }))).toEqual(gitTree(head, true));
    // Trees are listed too, and the executable bit is kept.
    expect(data.tree.find((e) => e.path === "src/app")?.type).toBe("tree");
    expect(data.tree.find((e) => e.path === "src/app/main.py")?.mode).toBe("100755");
    expect(data.tree.find((e) => e.path === "docs/ünïcode.md")).toBeDefined();
  });

  it("recurses for any value of `recursive` (as GitHub does) and not without it; accepts a branch name", async () => {
    const zero = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner: "acme", repo: "widgets", tree_sha: head, recursive: "0" });
    expect(zero.data.tree.length).toBe(gitTree(head, true).length);
    const flat = await octokit.rest.git.getTree({ owner: "acme", repo: "widgets", tree_sha: "main" });
    expect(flat.data.tree.map((e) => e.path)).toEqual(gitTree(head, false).map((e) => e.path));
    // A subtree by its own SHA.
    const src = flat.data.tree.find((e) => e.path === "src");
    const sub = await octokit.rest.git.getTree({ owner: "acme", repo: "widgets", tree_sha: src?.sha ?? "" });
    expect(sub.data.tree.map((e) => e.path)).toEqual(["app"]);
  });

  it("cuts the listing at the tree limit and says truncated", async () => {
    sim.treeLimit = 4;
    const { data } = await octokit.rest.git.getTree({ owner: "acme", repo: "widgets", tree_sha: head, recursive: "1" });
    expect(data.truncated).toBe(true);
    expect(data.tree.map((e) => e.path)).toEqual(gitTree(head, true).slice(0, 4).map((e) => e.path));
    // A non-recursive listing is not cut.
    const flat = await octokit.rest.git.getTree({ owner: "acme", repo: "widgets", tree_sha: head });
    expect(flat.data.truncated).toBe(false);
  });

  it("cuts the listing at the byte limit too (GitHub's 7 MB), keeping whole entries", async () => {
    sim.treeMaxBytes = 1000;
    const { data } = await octokit.rest.git.getTree({ owner: "acme", repo: "widgets", tree_sha: head, recursive: "1" });
    expect(data.truncated).toBe(true);
    expect(data.tree.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(data.tree))).toBeLessThanOrEqual(1000);
    expect(data.tree.map((e) => e.path)).toEqual(gitTree(head, true).slice(0, data.tree.length).map((e) => e.path));
    sim.treeMaxBytes = 7 * 1024 * 1024;
  });

  it("answers 404 for an unknown tree", async () => {
    await expect(octokit.rest.git.getTree({ owner: "acme", repo: "widgets", tree_sha: "f".repeat(40) })).rejects.toMatchObject({ status: 404 });
  });
});

describe("git/blobs", () => {
  it("serves every blob of the tree byte for byte (base64, with its size)", async () => {
    const blobs = gitTree(head, true).filter((e) => e.type === "blob");
    expect(blobs.length).toBe(Object.keys(files).length);
    for (const entry of blobs) {
      const { data } = await octokit.rest.git.getBlob({ owner: "acme", repo: "widgets", file_sha: entry.sha });
      const bytes = Buffer.from(data.content, "base64");
      expect(data.encoding).toBe("base64");
      expect(data.size).toBe(entry.size);
      expect(bytes.equals(Buffer.from(files[entry.path as keyof typeof files]))).toBe(true);
      // GitHub breaks the base64 every 60 characters.
      expect(data.content.split("\n").every((line) => line.length <= 60)).toBe(true);
    }
    expect(sim.count("GET /repos/{owner}/{repo}/git/blobs/{file_sha}")).toBe(blobs.length);
  });

  it("answers 404 for a SHA that is not a blob of the repository", async () => {
    const tree = git(dir, "rev-parse", `${head}^{tree}`).trim();
    await expect(octokit.rest.git.getBlob({ owner: "acme", repo: "widgets", file_sha: tree })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.git.getBlob({ owner: "acme", repo: "widgets", file_sha: "0".repeat(40) })).rejects.toMatchObject({ status: 404 });
  });
});

describe("repository, branches, contents", () => {
  it("gives the repository with its default branch, and branch heads as git moves them", async () => {
    const { data: repo } = await octokit.rest.repos.get({ owner: "acme", repo: "widgets" });
    expect(repo).toMatchObject({ full_name: "acme/widgets", default_branch: "main", private: false });
    const before = await octokit.rest.repos.getBranch({ owner: "acme", repo: "widgets", branch: "main" });
    expect(before.data.commit.sha).toBe(head);
    expect(before.data.commit.commit.tree.sha).toBe(git(dir, "rev-parse", `${head}^{tree}`).trim());

    git(dir, "checkout", "-q", "-b", "feature/x");
    writeFiles(dir, { "NEW.md": "new\n" });
    const next = commitAll(dir, "on a branch");
    git(dir, "checkout", "-q", "main");
    const branch = await octokit.rest.repos.getBranch({ owner: "acme", repo: "widgets", branch: "feature/x" });
    expect(branch.data.commit.sha).toBe(next);
    expect(branch.data.commit.parents.map((p) => p.sha)).toEqual([head]);
    await expect(octokit.rest.repos.getBranch({ owner: "acme", repo: "widgets", branch: "nope" })).rejects.toMatchObject({ status: 404 });
  });

  it("serves files through the contents API: JSON with base64, raw, directories, 404 when absent", async () => {
    const json = await octokit.rest.repos.getContent({ owner: "acme", repo: "widgets", path: "src/app/main.py" });
    expect(json.data).toMatchObject({ type: "file", path: "src/app/main.py", encoding: "base64" });
    expect(Buffer.from((json.data as { content: string }).content, "base64").toString()).toBe(files["src/app/main.py"]);

    const raw = await octokit.rest.repos.getContent({ owner: "acme", repo: "widgets", path: ".github/phase-gate.yml", mediaType: { format: "raw" } });
    expect(raw.data).toBe(files[".github/phase-gate.yml"]);

    const listing = await octokit.rest.repos.getContent({ owner: "acme", repo: "widgets", path: "src/app" });
    expect((listing.data as { name: string; type: string }[]).map((e) => [e.name, e.type])).toEqual([
      ["deep", "dir"],
      ["main.py", "file"],
    ]);
    await expect(octokit.rest.repos.getContent({ owner: "acme", repo: "widgets", path: ".github/absent.yml" })).rejects.toMatchObject({ status: 404 });
    // At another ref.
    const atRef = await octokit.rest.repos.getContent({ owner: "acme", repo: "widgets", path: "NEW.md", ref: "feature/x", mediaType: { format: "raw" } });
    expect(atRef.data).toBe("new\n");
  });

  it("serves Probot's config lookup: the repository's file, the owner's .github fallback, and _extends", async () => {
    const own = await octokit.config.get({ owner: "acme", repo: "widgets", path: ".github/phase-gate.yml" });
    expect(own.config).toEqual({ phases: [{ id: "phase-1", checks: ["secrets-baseline"] }] });
    // No file in the repository: the owner's `.github` repository is read.
    const fallback = await octokit.config.get({ owner: "acme", repo: "widgets", path: ".github/other.yml" });
    expect(fallback.files.map((f) => [f.repo, f.config])).toEqual([
      ["widgets", null],
      [".github", null],
    ]);
    writeFiles(dir, { ".github/extending.yml": "_extends: .github:.github/phase-gate.yml\nlocal: true\n" });
    commitAll(dir, "extends");
    const extended = await octokit.config.get({ owner: "acme", repo: "widgets", path: ".github/extending.yml" });
    expect(extended.files.map((f) => f.repo)).toEqual(["widgets", ".github"]);
    expect(extended.config).toMatchObject({ local: true });
    expect(sim.count("GET /repos/{owner}/{repo}/contents/{path}")).toBe(5);
  });

  it("hides repositories of other installations (404) and unknown ones", async () => {
    sim.addInstallation(999);
    const other = simOctokit(sim, { installationId: 999 });
    await expect(other.rest.repos.get({ owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "nope" })).rejects.toMatchObject({ status: 404 });
    expect(sim.requests().map((r) => [r.route, r.status, r.installationId])).toEqual([
      ["GET /repos/{owner}/{repo}", 404, 999],
      ["GET /repos/{owner}/{repo}", 404, INSTALLATION],
    ]);
  });
});
