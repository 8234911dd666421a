import type { ProbotOctokit } from "probot";
import type { GitDataClient, TreeEntry, TreeListing } from "./types.js";

type GitMethods = InstanceType<typeof ProbotOctokit>["rest"]["git"];

/** The part of an Octokit this module uses: `rest.git.getTree` and `rest.git.getBlob`. */
export interface GitDataOctokit {
  readonly rest: { readonly git: Pick<GitMethods, "getTree" | "getBlob"> };
}

const ENTRY_TYPES: ReadonlySet<string> = new Set<TreeEntry["type"]>(["blob", "tree", "commit"]);

/**
 * Tree and blob answers are the large ones (a 1,000-file tree is ~150 KB of JSON; a blob is its
 * bytes in base64). Octokit parses every JSON answer with `json-with-bigint`, which on Node 20 runs
 * a regular expression over the whole text and a reviver over every value: a fifth of the app's
 * CPU under load (the app benchmark's profile). These two calls take the body unparsed and read it
 * with the native `JSON.parse`; no field of theirs can exceed 2^53 (sizes, paths, SHAs, base64).
 */
const RAW_BODY = { request: { parseSuccessResponseBody: false } } as const;

/**
 * The Git Database API of one repository (`GET /repos/{owner}/{repo}/git/trees/{sha}` and
 * `.../git/blobs/{sha}`) behind `GitDataClient`. Errors of the API (`RequestError`, with its
 * `status`) are thrown as they come.
 */
export function octokitGitData(octokit: GitDataOctokit, owner: string, repo: string): GitDataClient {
  return {
    async getTree(sha, { recursive }) {
      // GitHub recurses for ANY value of `recursive` (even "0" or "false"): leave it out unless asked.
      const response = await octokit.rest.git.getTree({
        owner,
        repo,
        tree_sha: sha,
        ...(recursive ? { recursive: "1" } : {}),
        ...RAW_BODY,
      });
      const data = treeBody(await jsonBody(response.data), sha);
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
      const response = await octokit.rest.git.getBlob({ owner, repo, file_sha: sha, ...RAW_BODY });
      const data = blobBody(await jsonBody(response.data), sha);
      const bytes = decodeBlobContent(data.content, data.encoding);
      if (typeof data.size === "number" && bytes.byteLength !== data.size) {
        throw new Error(`blob ${sha}: ${bytes.byteLength} bytes decoded, ${data.size} expected`);
      }
      return bytes;
    },
  };
}

/** The JSON of an answer taken unparsed (a web stream); an already parsed value is kept. */
async function jsonBody(body: unknown): Promise<unknown> {
  if (body instanceof ReadableStream) return JSON.parse(await new Response(body).text()) as unknown;
  if (typeof body === "string") return JSON.parse(body) as unknown;
  return body;
}

interface RawTree {
  readonly sha: string;
  readonly truncated?: unknown;
  readonly tree: ReadonlyArray<{ path: string; mode: string; type: string; sha: string; size?: unknown }>;
}

function treeBody(body: unknown, sha: string): RawTree {
  const b = body as Partial<RawTree> | null;
  if (typeof b !== "object" || b === null || typeof b.sha !== "string" || !Array.isArray(b.tree)) {
    throw new Error(`tree ${sha}: GitHub's answer is not a tree (no sha or tree array)`);
  }
  for (const e of b.tree) {
    if (typeof e !== "object" || e === null || typeof e.path !== "string" || typeof e.sha !== "string" || typeof e.type !== "string" || typeof e.mode !== "string") {
      throw new Error(`tree ${sha}: GitHub's answer has an entry without path, mode, type and sha`);
    }
  }
  return b as RawTree;
}

function blobBody(body: unknown, sha: string): { content: string; encoding: string; size?: unknown } {
  const b = body as { content?: unknown; encoding?: unknown; size?: unknown } | null;
  if (typeof b !== "object" || b === null || typeof b.content !== "string" || typeof b.encoding !== "string") {
    throw new Error(`blob ${sha}: GitHub's answer is not a blob (no content and encoding)`);
  }
  return { content: b.content, encoding: b.encoding, size: b.size };
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
