import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlobCache } from "../../src/github/blob-cache.js";
import { decodeBlobContent, octokitGitData } from "../../src/github/git-data.js";
import { GitHubSnapshot } from "../../src/snapshot/github.js";

const API = "https://api.github.com";
const COMMIT = "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d";
const TREE = "9fb037999f264ba9a7fc6274d15fa3ae2ab98312";
const README = "3a0f86fb8db8eea7ccbb9a95f325ddbedfb25e15";
const SCRIPT = "45b983be36b73c0788dc9cbcb76cbb80fc7bb057";
const SUBDIR = "f484d249c660418515fb01c2b9662073663c242e";

// Retry and throttle off, the function form (the object form leaves throttling on).
const TestOctokit = ProbotOctokit.defaults((o: ConstructorParameters<typeof ProbotOctokit>[0]) => ({
  ...o,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

function octokit() {
  return new TestOctokit({ auth: { token: "test-token" } });
}

/** A blob response as GitHub sends it: base64 wrapped every 60 characters. */
function blobBody(sha: string, text: string | Uint8Array) {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : Buffer.from(text);
  const b64 = bytes.toString("base64").replace(/.{60}/g, "$&\n");
  return {
    sha,
    node_id: `B_${sha.slice(0, 8)}`,
    size: bytes.length,
    url: `${API}/repos/octo/app/git/blobs/${sha}`,
    content: `${b64}\n`,
    encoding: "base64",
  };
}

const treeBody = {
  sha: TREE,
  url: `${API}/repos/octo/app/git/trees/${TREE}`,
  tree: [
    { path: "README.md", mode: "100644", type: "blob", size: 30, sha: README, url: `${API}/repos/octo/app/git/blobs/${README}` },
    { path: "bin", mode: "040000", type: "tree", sha: SUBDIR, url: `${API}/repos/octo/app/git/trees/${SUBDIR}` },
    { path: "bin/run.sh", mode: "100755", type: "blob", size: 19, sha: SCRIPT, url: `${API}/repos/octo/app/git/blobs/${SCRIPT}` },
    { path: "latest", mode: "120000", type: "blob", size: 3, sha: "1111111111111111111111111111111111111111", url: `${API}/x` },
    { path: "vendor/dep", mode: "160000", type: "commit", sha: "2222222222222222222222222222222222222222" },
  ],
  truncated: false,
};

/** Every request nock answered: method, path and query string as sent. */
let seen: string[] = [];

beforeEach(() => {
  nock.disableNetConnect();
  seen = [];
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function api() {
  return nock(API, { reqheaders: { authorization: "token test-token" } }).on("request", (req: { method: string; path: string }) => {
    seen.push(`${req.method} ${req.path}`);
  });
}

describe("octokitGitData", () => {
  it("asks for a recursive tree with recursive=1 and maps its entries", async () => {
    const scope = api().get(`/repos/octo/app/git/trees/${COMMIT}`).query({ recursive: "1" }).reply(200, treeBody);
    const tree = await octokitGitData(octokit(), "octo", "app").getTree(COMMIT, { recursive: true });
    expect(seen).toEqual([`GET /repos/octo/app/git/trees/${COMMIT}?recursive=1`]);
    expect(scope.pendingMocks()).toEqual([]);
    expect(tree).toEqual({
      sha: TREE,
      truncated: false,
      tree: [
        { path: "README.md", mode: "100644", type: "blob", size: 30, sha: README },
        { path: "bin", mode: "040000", type: "tree", sha: SUBDIR },
        { path: "bin/run.sh", mode: "100755", type: "blob", size: 19, sha: SCRIPT },
        { path: "latest", mode: "120000", type: "blob", size: 3, sha: "1111111111111111111111111111111111111111" },
        { path: "vendor/dep", mode: "160000", type: "commit", sha: "2222222222222222222222222222222222222222" },
      ],
    });
  });

  it("sends no recursive parameter at all for one directory (any value would recurse)", async () => {
    const scope = api()
      .get(`/repos/octo/app/git/trees/${SUBDIR}`)
      .query((q) => Object.keys(q).length === 0)
      .reply(200, { sha: SUBDIR, url: "u", truncated: false, tree: [{ path: "run.sh", mode: "100755", type: "blob", size: 19, sha: SCRIPT }] });
    const tree = await octokitGitData(octokit(), "octo", "app").getTree(SUBDIR, { recursive: false });
    expect(seen).toEqual([`GET /repos/octo/app/git/trees/${SUBDIR}`]);
    expect(scope.isDone()).toBe(true);
    expect(tree.tree).toEqual([{ path: "run.sh", mode: "100755", type: "blob", size: 19, sha: SCRIPT }]);
  });

  it("passes GitHub's truncated flag on", async () => {
    api().get(`/repos/octo/app/git/trees/${COMMIT}`).query({ recursive: "1" }).reply(200, { ...treeBody, truncated: true });
    const tree = await octokitGitData(octokit(), "octo", "app").getTree(COMMIT, { recursive: true });
    expect(tree.truncated).toBe(true);
  });

  it("decodes a base64 blob wrapped over several lines to its bytes", async () => {
    const text = `${"phase-gate ".repeat(20)}\ncafé ☕\n`;
    api().get(`/repos/octo/app/git/blobs/${README}`).reply(200, blobBody(README, text));
    const bytes = await octokitGitData(octokit(), "octo", "app").getBlob(README);
    expect(seen).toEqual([`GET /repos/octo/app/git/blobs/${README}`]);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).toString("utf8")).toBe(text);
  });

  it("keeps binary bytes, NULs included", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff]);
    api().get(`/repos/octo/app/git/blobs/${README}`).reply(200, blobBody(README, png));
    expect([...(await octokitGitData(octokit(), "octo", "app").getBlob(README))]).toEqual([...png]);
  });

  it("refuses a blob whose decoded size differs from the size GitHub states", async () => {
    api().get(`/repos/octo/app/git/blobs/${README}`).reply(200, { ...blobBody(README, "abc"), size: 4 });
    await expect(octokitGitData(octokit(), "octo", "app").getBlob(README)).rejects.toThrow("3 bytes decoded, 4 expected");
  });

  it("refuses an answer that is not a tree, or not a blob, with an error naming the object", async () => {
    api()
      .get(`/repos/octo/app/git/trees/${COMMIT}`)
      .query({ recursive: "1" })
      .reply(200, { sha: COMMIT, message: "no tree here" })
      .get(`/repos/octo/app/git/trees/${SUBDIR}`)
      .reply(200, { sha: SUBDIR, tree: [{ path: "a", type: "blob" }] })
      .get(`/repos/octo/app/git/blobs/${README}`)
      .reply(200, { sha: README, size: 3 });
    const git = octokitGitData(octokit(), "octo", "app");
    await expect(git.getTree(COMMIT, { recursive: true })).rejects.toThrow(`tree ${COMMIT}: GitHub's answer is not a tree`);
    await expect(git.getTree(SUBDIR, { recursive: false })).rejects.toThrow(`tree ${SUBDIR}: GitHub's answer has an entry without path, mode, type and sha`);
    await expect(git.getBlob(README)).rejects.toThrow(`blob ${README}: GitHub's answer is not a blob`);
  });

  it("reads a large tree answer whole (parsed natively, not by Octokit)", async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ path: `src/f${i}.py`, mode: "100644", type: "blob", size: i, sha: README, url: "u" }));
    api().get(`/repos/octo/app/git/trees/${COMMIT}`).query({ recursive: "1" }).reply(200, { sha: TREE, url: "u", truncated: false, tree: many });
    const tree = await octokitGitData(octokit(), "octo", "app").getTree(COMMIT, { recursive: true });
    expect(tree.tree).toHaveLength(5000);
    expect(tree.tree[4999]).toEqual({ path: "src/f4999.py", mode: "100644", type: "blob", size: 4999, sha: README });
  });

  it("throws the API's error for a missing blob, and makes one request for a 500 (no retry)", async () => {
    const scope = api()
      .get(`/repos/octo/app/git/blobs/${README}`)
      .reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/git/blobs#get-a-blob", status: "404" })
      .get(`/repos/octo/app/git/blobs/${SCRIPT}`)
      .reply(500, { message: "Server Error" });
    const git = octokitGitData(octokit(), "octo", "app");
    await expect(git.getBlob(README)).rejects.toMatchObject({ status: 404 });
    await expect(git.getBlob(SCRIPT)).rejects.toMatchObject({ status: 500 });
    expect(seen).toHaveLength(2);
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("decodeBlobContent", () => {
  it("decodes base64 and utf-8 content and refuses other encodings", () => {
    expect(Buffer.from(decodeBlobContent("aGVs\nbG8=\n", "base64")).toString()).toBe("hello");
    expect(Buffer.from(decodeBlobContent("héllo", "utf-8")).toString()).toBe("héllo");
    expect(() => decodeBlobContent("", "none")).toThrow("unsupported blob encoding 'none'");
  });

  it("hands back bytes that own their memory (not a view into Buffer's shared pool)", () => {
    const bytes = decodeBlobContent("aGVsbG8=", "base64");
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(5);
  });
});

describe("GitHubSnapshot over the GitHub API", () => {
  it("lists with one recursive tree request and fetches each needed blob once", async () => {
    const scope = api()
      .get(`/repos/octo/app/git/trees/${COMMIT}`)
      .query({ recursive: "1" })
      .reply(200, treeBody)
      .get(`/repos/octo/app/git/blobs/${README}`)
      .reply(200, blobBody(README, "# app\nphase-gate audits this.\n"))
      .get(`/repos/octo/app/git/blobs/${SCRIPT}`)
      .reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/git/blobs#get-a-blob", status: "404" });
    const snap = new GitHubSnapshot({
      client: octokitGitData(octokit(), "octo", "app"),
      owner: "octo",
      repo: "app",
      commit: COMMIT,
      cache: new BlobCache(),
    });
    const listing = await snap.list(["**/*.md"]);
    await snap.list();
    expect(listing.files.map((f) => f.path)).toEqual(["README.md", "bin/run.sh"]);
    expect(listing.skipped).toEqual([
      { path: "latest", reason: "symlink" },
      { path: "vendor/dep", reason: "submodule" },
    ]);
    const [readme, again, script, link] = await Promise.all([snap.read("README.md"), snap.read("README.md"), snap.read("bin/run.sh"), snap.read("latest")]);
    expect(readme).toEqual({ ok: true, text: "# app\nphase-gate audits this.\n", lossy: false });
    expect(again).toEqual(readme);
    expect(script).toEqual({ ok: false, reason: "unreadable", detail: "HTTP 404: Not Found - https://docs.github.com/rest/git/blobs#get-a-blob" });
    expect(link).toEqual({ ok: false, reason: "symlink" });
    expect(seen.sort()).toEqual(
      [
        `GET /repos/octo/app/git/trees/${COMMIT}?recursive=1`,
        `GET /repos/octo/app/git/blobs/${README}`,
        `GET /repos/octo/app/git/blobs/${SCRIPT}`,
      ].sort(),
    );
    expect(scope.pendingMocks()).toEqual([]);
  });
});
