import type { ProbotOctokit } from "probot";
import type { GitDataClient, TreeEntry, TreeListing } from "./types.js";

type GitMethods = InstanceType<typeof ProbotOctokit>["rest"]["git"];

/** The part of an Octokit this module uses: `rest.git.getTree` and `rest.git.getBlob`. */
export interface GitDataOctokit {
  readonly rest: { readonly git: Pick<GitMethods, "getTree" | "getBlob"> };
}

const ENTRY_TYPES: ReadonlySet<string> = new Set<TreeEntry["type"]>(["blob", "tree", "commit"]);

/**
 * The Git Database API of one repository (`GET /repos/{owner}/{repo}/git/trees/{sha}` and
 * `.../git/blobs/{sha}`) behind `GitDataClient`. Errors of the API (`RequestError`, with its
 * `status`) are thrown as they come.
 */
export function octokitGitData(octokit: GitDataOctokit, owner: string, repo: string): GitDataClient {
  return {
    async getTree(sha, { recursive }) {
      // GitHub recurses for ANY value of `recursive` (even "0" or "false"): leave it out unless asked.
      const { data } = await octokit.rest.git.getTree({
        owner,
        repo,
        tree_sha: sha,
        ...(recursive ? { recursive: "1" } : {}),
      });
      const tree: TreeEntry[] = [];
      for (const e of data.tree) {
        // GitHub sends only these three types; anything else could not be read anyway.
        if (!ENTRY_TYPES.has(e.type)) continue;
        tree.push({
          path: e.path,
          mode: e.mode,
          type: e.type as TreeEntry["type"],
          sha: e.sha,
          ...(typeof e.size === "number" ? { size: e.size } : {}),
        });
      }
      const listing: TreeListing = { sha: data.sha, truncated: data.truncated === true, tree };
      return listing;
    },

    async getBlob(sha) {
      const { data } = await octokit.rest.git.getBlob({ owner, repo, file_sha: sha });
      const bytes = decodeBlobContent(data.content, data.encoding);
      if (typeof data.size === "number" && bytes.byteLength !== data.size) {
        throw new Error(`blob ${sha}: ${bytes.byteLength} bytes decoded, ${data.size} expected`);
      }
      return bytes;
    },
  };
}

/** The bytes of a blob response's `content`, as its `encoding` says (`base64`, or `utf-8`). */
export function decodeBlobContent(content: string, encoding: string): Uint8Array {
  switch (encoding.toLowerCase()) {
    case "base64": {
      // Buffer's base64 decoder skips the line breaks GitHub puts every 60 characters.
      const buffer = Buffer.from(content, "base64");
      return ownBytes(buffer);
    }
    case "utf-8":
    case "utf8":
      return new TextEncoder().encode(content);
    default:
      throw new Error(`unsupported blob encoding '${encoding}'`);
  }
}

/**
 * A Uint8Array over exactly its bytes: small Buffers are views into a shared 8 KiB pool, which a
 * long-lived cache entry would keep alive whole.
 */
function ownBytes(buffer: Buffer): Uint8Array {
  if (buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.byteLength) {
    return new Uint8Array(buffer.buffer, 0, buffer.byteLength);
  }
  return new Uint8Array(buffer);
}
