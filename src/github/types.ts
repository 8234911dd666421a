/**
 * The narrow interfaces between phase-gate and GitHub (danger-js style: reading the repository
 * and writing results are separate). Octokit stays behind these; the engine never sees it.
 */

/** A repository on GitHub, as an installation of the app sees it. */
export interface RepoCoordinates {
  readonly owner: string;
  readonly repo: string;
  readonly installationId: number;
}

/** One entry of `GET /repos/{o}/{r}/git/trees/{sha}` (recursive or not). */
export interface TreeEntry {
  readonly path: string;
  /** `100644`, `100755` (file), `120000` (symlink), `160000` (submodule), `040000` (tree). */
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  readonly sha: string;
  /** Bytes, for blobs. */
  readonly size?: number;
}

export interface TreeListing {
  readonly sha: string;
  readonly truncated: boolean;
  readonly tree: readonly TreeEntry[];
}

/** Reading git data of one repository (the Git Database API). */
export interface GitDataClient {
  /** `git/trees/{sha}`, with `recursive=1` when asked. `sha` may be a commit or a tree. */
  getTree(sha: string, options: { readonly recursive: boolean }): Promise<TreeListing>;
  /** `git/blobs/{sha}`: the blob's bytes. */
  getBlob(sha: string): Promise<Uint8Array>;
}
