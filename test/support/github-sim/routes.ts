/**
 * The REST endpoints the simulator implements, by GitHub's operation id: what each answers, from
 * git (trees, blobs, contents, branches) and from the simulator's state (pull requests, check
 * runs, comments, reactions, permissions). Errors are GitHub's: 404 `Not Found` for what the
 * installation cannot see, 422 for what GitHub refuses.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Auth, Credential } from "./auth.js";
import * as objects from "./objects.js";
import type { GitRepository, TreeItem } from "./repo-store.js";
import { iso, type AnnotationRecord, type AppRecord, type CheckRunRecord, type PullRequestRecord, type SimState } from "./state.js";

type Json = Record<string, unknown>;

export interface SimContext {
  readonly state: SimState;
  readonly app: AppRecord;
  readonly auth: Auth;
  readonly urls: objects.Urls;
  repo(owner: string, name: string): GitRepository | undefined;
  hasInstallation(id: number): boolean;
  readonly treeLimit: number;
  readonly treeMaxBytes: number;
  appJson(): Json;
  heads(repo: GitRepository, pr: PullRequestRecord): Promise<{ head: string; base: string }>;
}

export interface RouteRequest {
  readonly method: string;
  readonly operationId: string;
  readonly params: ReadonlyMap<string, string>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly credential: Credential;
  /** Where links point: the simulator's origin, plus `/api/v3` when the request used it. */
  readonly linkBase: string;
}

export interface Reply {
  readonly status: number;
  /** A JSON body. */
  readonly json?: unknown;
  /** A body already serialised (JSON unless `contentType` says otherwise). */
  readonly body?: Buffer | string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (ctx: SimContext, req: RouteRequest) => Promise<Reply>;

const DOCS = "https://docs.github.com/rest";

export function errorReply(status: number, message: string, extra: Json = {}): Reply {
  return { status, json: { message, documentation_url: DOCS, ...extra, status: String(status) } };
}

export const notFound = (): Reply => errorReply(404, "Not Found");

/** Operations that take the app's JWT; every other one takes an installation token. */
export const APP_OPERATIONS: ReadonlySet<string> = new Set(["apps/get-authenticated", "apps/create-installation-access-token"]);

function param(req: RouteRequest, name: string): string {
  return req.params.get(name) ?? "";
}

function intParam(req: RouteRequest, name: string): number {
  return Number(req.params.get(name) ?? "NaN");
}

function body(req: RouteRequest): Json {
  return typeof req.body === "object" && req.body !== null && !Array.isArray(req.body) ? (req.body as Json) : {};
}

/** The repository of the request, when the calling installation can see it. */
function repoOf(ctx: SimContext, req: RouteRequest): GitRepository | undefined {
  const repo = ctx.repo(param(req, "owner"), param(req, "repo"));
  if (repo === undefined) return undefined;
  if (req.credential.kind !== "installation" || req.credential.installationId !== repo.installationId) return undefined;
  return repo;
}

/** One page of `items` (`per_page` default 30, at most 100; `page` from 1) and GitHub's `link` header. */
function paginate<T>(items: readonly T[], req: RouteRequest, repo: GitRepository, restPath: string): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get("per_page") ?? 30) || 30));
  const page = Math.max(1, Number(req.query.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (n: number): string => {
    const query = new URLSearchParams(req.query);
    query.set("per_page", String(perPage));
    query.set("page", String(n));
    return `${req.linkBase}/repositories/${repo.id}${restPath}?${query.toString()}`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${link(Math.min(page - 1, last))}>; rel="prev"`);
  if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
  return { page: slice, headers: rels.length > 0 ? { link: rels.join(", ") } : {} };
}

// --- The app and its installations ---------------------------------------------------------------

const getApp: Handler = async (ctx) => ({ status: 200, json: ctx.appJson() });

const createToken: Handler = async (ctx, req) => {
  const id = intParam(req, "installation_id");
  if (!ctx.hasInstallation(id)) return notFound();
  const { token, expiresAt } = ctx.auth.issue(id);
  return {
    status: 201,
    json: {
      token,
      expires_at: expiresAt,
      permissions: { checks: "write", contents: "read", issues: "write", metadata: "read", pull_requests: "write" },
      repository_selection: "all",
    },
  };
};

// --- Repositories and git data -----------------------------------------------------------------------

const getRepo: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  return repo === undefined ? notFound() : { status: 200, json: objects.repository(repo, ctx.urls, "rest") };
};

const getBranch: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const name = param(req, "branch");
  const head = await repo.branchHead(name);
  const info = head === null ? null : await repo.commit(head);
  if (info === null) return errorReply(404, "Branch not found");
  return { status: 200, json: objects.branch(repo, name, info, ctx.urls) };
};

/** An entry of a tree listing as JSON, without its path (the same for every path of that object): kept per repository. */
function entryFragment(repo: GitRepository, item: TreeItem, urls: objects.Urls): string {
  if (repo.fragmentsApi !== urls.api) {
    repo.fragments.clear();
    repo.fragmentsApi = urls.api;
  }
  const key = item.mode === "100644" ? item.sha : `${item.mode}${item.sha}`;
  let fragment = repo.fragments.get(key);
  if (fragment === undefined) {
    const base = `${urls.api}/repos/${repo.fullName}/git`;
    const url = item.type === "blob" ? `${base}/blobs/${item.sha}` : item.type === "tree" ? `${base}/trees/${item.sha}` : undefined;
    const json = JSON.stringify({ mode: item.mode, type: item.type, sha: item.sha, ...(item.size !== undefined ? { size: item.size } : {}), ...(url !== undefined ? { url } : {}) });
    fragment = json.slice(1, -1);
    repo.fragments.set(key, fragment);
  }
  return fragment;
}

/** Serialised tree responses kept per repository (the newest ones). */
const KEPT_RESPONSES = 16;

const getTree: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const treeSha = await repo.resolveTree(param(req, "tree_sha"));
  if (treeSha === null) return notFound();
  // GitHub recurses for any value of `recursive`, even "0" or "false".
  const recursive = req.query.has("recursive");
  // "The limit for the tree array is 100,000 entries with a maximum size of 7 MB when using the recursive parameter."
  const limit = recursive ? (repo.treeLimit ?? ctx.treeLimit) : Infinity;
  const maxBytes = recursive ? (repo.treeMaxBytes ?? ctx.treeMaxBytes) : Infinity;
  const key = `tree:${treeSha}:${recursive}:${limit}:${maxBytes}:${ctx.urls.api}`;
  let cached = repo.responses.get(key);
  if (cached === undefined) {
    const items = await repo.tree(treeSha, recursive);
    const parts: string[] = [];
    let bytes = 0;
    let truncated = false;
    for (const item of items) {
      const json = `{"path":${JSON.stringify(item.path)},${entryFragment(repo, item, ctx.urls)}}`;
      // Bytes: the fragment is ASCII; only a path may hold more than one byte per character.
      // eslint-disable-next-line no-control-regex
      const size = json.length + 1 + (/[^\u0000-\u007f]/.test(item.path) ? Buffer.byteLength(item.path) - item.path.length : 0);
      if (parts.length >= limit || bytes + size > maxBytes) {
        truncated = true;
        break;
      }
      parts.push(json);
      bytes += size;
    }
    const url = `${ctx.urls.api}/repos/${repo.fullName}/git/trees/${treeSha}`;
    cached = Buffer.from(`{"sha":"${treeSha}","url":${JSON.stringify(url)},"tree":[${parts.join(",")}],"truncated":${truncated}}`);
    repo.responses.set(key, cached);
    for (const old of repo.responses.keys()) {
      if (repo.responses.size <= KEPT_RESPONSES) break;
      repo.responses.delete(old);
    }
  }
  return { status: 200, body: cached };
};

/** The Git Database API serves blobs up to 100 MB. */
export const MAX_BLOB_BYTES = 100 * 1024 * 1024;
/** The contents API sends `content` up to 1 MB (larger files: raw media type, or `encoding: "none"`). */
const MAX_CONTENTS_JSON_BYTES = 1024 * 1024;

function tooLarge(): Reply {
  return errorReply(403, "This API returns blobs up to 100 MB in size. The requested blob is too large to fetch via the API, but you can use the Git Data API to request blobs up to 100 MB in size.", {
    errors: [{ resource: "Blob", field: "data", code: "too_large" }],
  });
}

/** Base64 with a line break every 60 characters, as GitHub sends it. */
function githubBase64(bytes: Buffer): string {
  const plain = bytes.toString("base64");
  if (plain.length <= 60) return plain === "" ? "" : `${plain}\n`;
  const lines: string[] = [];
  for (let i = 0; i < plain.length; i += 60) lines.push(plain.slice(i, i + 60));
  return `${lines.join("\n")}\n`;
}

const getBlob: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const sha = param(req, "file_sha");
  const info = /^[0-9a-f]{40}$/.test(sha) ? await repo.info(sha) : null;
  if (info === null || info.type !== "blob") return notFound();
  if (info.size > MAX_BLOB_BYTES) return tooLarge();
  const bytes = await repo.blob(sha);
  if (bytes === null) return notFound();
  return {
    status: 200,
    json: {
      sha,
      node_id: objects.nodeId("Blob", sha),
      size: bytes.length,
      url: `${ctx.urls.api}/repos/${repo.fullName}/git/blobs/${sha}`,
      content: githubBase64(bytes),
      encoding: "base64",
    },
  };
};

function wantsRaw(headers: IncomingHttpHeaders): boolean {
  const accept = String(headers.accept ?? "");
  return /application\/vnd\.github(?:\.v3)?\.raw/.test(accept);
}

function contentItem(repo: GitRepository, item: TreeItem, ref: string, urls: objects.Urls): Json {
  const self = `${urls.api}/repos/${repo.fullName}/contents/${item.path}?ref=${encodeURIComponent(ref)}`;
  const kind = item.type === "tree" ? "dir" : item.type === "commit" ? "submodule" : item.mode === "120000" ? "symlink" : "file";
  const git = item.type === "tree" ? `${urls.api}/repos/${repo.fullName}/git/trees/${item.sha}` : item.type === "blob" ? `${urls.api}/repos/${repo.fullName}/git/blobs/${item.sha}` : null;
  const html = `${urls.web}/${repo.fullName}/${item.type === "tree" ? "tree" : "blob"}/${ref}/${item.path}`;
  return {
    type: kind,
    size: item.size ?? 0,
    name: item.path.slice(item.path.lastIndexOf("/") + 1),
    path: item.path,
    sha: item.sha,
    url: self,
    git_url: git,
    html_url: item.type === "commit" ? null : html,
    download_url: kind === "file" ? `${urls.web}/raw/${repo.fullName}/${ref}/${item.path}` : null,
    _links: { self, git, html: item.type === "commit" ? null : html },
  };
}

const getContent: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const ref = req.query.get("ref") ?? repo.defaultBranch;
  const commit = await repo.resolveCommit(ref);
  if (commit === null) return errorReply(404, `No commit found for the ref ${ref}`);
  const path = param(req, "path").replace(/^\/+|\/+$/g, "");
  const raw = wantsRaw(req.headers);
  if (path === "") {
    const root = await repo.resolveTree(commit);
    const items = root === null ? [] : await repo.tree(root, false);
    return { status: 200, json: items.map((item) => contentItem(repo, item, ref, ctx.urls)) };
  }
  const item = await repo.entry(commit, path);
  if (item === null) return notFound();
  if (item.type === "tree") {
    const items = await repo.tree(item.sha, false);
    return { status: 200, json: items.map((child) => contentItem(repo, { ...child, path: `${path}/${child.path}` }, ref, ctx.urls)) };
  }
  if (item.type === "commit") return { status: 200, json: { ...contentItem(repo, item, ref, ctx.urls), submodule_git_url: `${ctx.urls.web}/submodule.git` } };
  if ((item.size ?? 0) > MAX_BLOB_BYTES) return tooLarge();
  const bytes = (await repo.blob(item.sha)) ?? Buffer.alloc(0);
  if (item.mode === "120000") return { status: 200, json: { ...contentItem(repo, item, ref, ctx.urls), target: bytes.toString("utf8") } };
  if (raw) return { status: 200, body: bytes, contentType: "text/plain; charset=utf-8" };
  const large = bytes.length > MAX_CONTENTS_JSON_BYTES;
  return {
    status: 200,
    json: { ...contentItem(repo, item, ref, ctx.urls), content: large ? "" : githubBase64(bytes), encoding: large ? "none" : "base64" },
  };
};

const getPull: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const pr = ctx.state.pullRequest(repo.fullName, intParam(req, "pull_number"));
  if (pr === undefined) return notFound();
  const heads = await ctx.heads(repo, pr);
  return { status: 200, json: objects.pullRequest(repo, pr, heads, ctx.urls) };
};

const getPermission: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const login = param(req, "username");
  const declared = ctx.state.permission(repo.fullName, login);
  const permission = declared ?? (repo.private ? "none" : "read");
  const roleName = permission === "none" ? "none" : permission;
  const user = ctx.state.user(login);
  return {
    status: 200,
    json: {
      permission,
      role_name: roleName,
      user: {
        ...objects.account(user, ctx.urls),
        permissions: {
          admin: permission === "admin",
          maintain: permission === "admin",
          push: permission === "admin" || permission === "write",
          triage: permission !== "none" && permission !== "read",
          pull: permission !== "none",
        },
        role_name: roleName,
      },
    },
  };
};

// --- Check runs --------------------------------------------------------------------------------------

async function runJson(ctx: SimContext, repo: GitRepository, run: CheckRunRecord): Promise<Json> {
  const prs: Json[] = [];
  for (const pr of ctx.state.pullRequests(repo.fullName)) {
    if (pr.state !== "open") continue;
    const heads = await ctx.heads(repo, pr).catch(() => null);
    if (heads !== null && heads.head === run.headSha) prs.push(objects.checkRunPullRequest(repo, pr, heads, ctx.urls));
  }
  return objects.checkRun(repo, run, ctx.appJson(), prs, ctx.urls);
}

function outputOf(b: Json): Json | undefined {
  return typeof b.output === "object" && b.output !== null ? (b.output as Json) : undefined;
}

function annotationsOf(output: Json | undefined): AnnotationRecord[] {
  return Array.isArray(output?.annotations) ? (output.annotations as AnnotationRecord[]).map((a) => ({ ...a })) : [];
}

const createCheckRun: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const b = body(req);
  const headSha = String(b.head_sha);
  const commit = /^[0-9a-f]{40}$/.test(headSha) ? await repo.commit(headSha) : null;
  if (commit === null) return errorReply(422, `No commit found for SHA: ${headSha}`);
  const conclusion = typeof b.conclusion === "string" ? b.conclusion : null;
  const status = conclusion !== null ? "completed" : ((b.status as CheckRunRecord["status"] | undefined) ?? "queued");
  if (status === "completed" && conclusion === null) return errorReply(422, "Invalid request.\n\n\"conclusion\" wasn't supplied.");
  const output = outputOf(b);
  const now = iso();
  const run = ctx.state.createCheckRun({
    repo: repo.fullName,
    headSha,
    appId: ctx.app.id,
    name: String(b.name),
    status,
    conclusion,
    externalId: typeof b.external_id === "string" ? b.external_id : null,
    detailsUrl: typeof b.details_url === "string" ? b.details_url : null,
    startedAt: typeof b.started_at === "string" ? b.started_at : now,
    completedAt: status === "completed" ? (typeof b.completed_at === "string" ? b.completed_at : now) : null,
    output: {
      title: typeof output?.title === "string" ? output.title : null,
      summary: typeof output?.summary === "string" ? output.summary : null,
      text: typeof output?.text === "string" ? output.text : null,
    },
    actions: Array.isArray(b.actions) ? b.actions : [],
  });
  run.annotations.push(...annotationsOf(output));
  ctx.state.touchCheckRun(run, true);
  return { status: 201, json: await runJson(ctx, repo, run) };
};

const updateCheckRun: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const run = ctx.state.checkRun(repo.fullName, intParam(req, "check_run_id"));
  if (run === undefined) return notFound();
  const b = body(req);
  const conclusion = typeof b.conclusion === "string" ? b.conclusion : undefined;
  const status = typeof b.status === "string" ? (b.status as CheckRunRecord["status"]) : undefined;
  if ((status === "completed" || typeof b.completed_at === "string") && conclusion === undefined && run.conclusion === null) {
    return errorReply(422, "Invalid request.\n\n\"conclusion\" wasn't supplied.");
  }
  if (typeof b.name === "string") run.name = b.name;
  if (typeof b.details_url === "string") run.detailsUrl = b.details_url;
  if (typeof b.external_id === "string") run.externalId = b.external_id;
  if (typeof b.started_at === "string") run.startedAt = b.started_at;
  if (Array.isArray(b.actions)) run.actions = b.actions;
  if (conclusion !== undefined) {
    run.status = "completed";
    run.conclusion = conclusion;
    run.completedAt = typeof b.completed_at === "string" ? b.completed_at : iso();
  } else if (status !== undefined) {
    run.status = status;
    if (status !== "completed") {
      run.conclusion = null;
      run.completedAt = null;
    } else if (typeof b.completed_at === "string") run.completedAt = b.completed_at;
  }
  const output = outputOf(b);
  if (output !== undefined) {
    if (typeof output.title === "string") run.output.title = output.title;
    if (typeof output.summary === "string") run.output.summary = output.summary;
    if (typeof output.text === "string") run.output.text = output.text;
    run.annotations.push(...annotationsOf(output));
  }
  ctx.state.touchCheckRun(run, false);
  return { status: 200, json: await runJson(ctx, repo, run) };
};

const getCheckRun: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const run = ctx.state.checkRun(repo.fullName, intParam(req, "check_run_id"));
  return run === undefined ? notFound() : { status: 200, json: await runJson(ctx, repo, run) };
};

const listCheckRunsForRef: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const ref = param(req, "ref");
  const sha = await repo.resolveCommit(ref);
  if (sha === null) return errorReply(422, `No commit found for SHA: ${ref}`);
  let runs = ctx.state.checkRuns(repo.fullName, sha);
  const name = req.query.get("check_name");
  const status = req.query.get("status");
  const appId = req.query.get("app_id");
  if (name !== null) runs = runs.filter((r) => r.name === name);
  if (status !== null) runs = runs.filter((r) => r.status === status);
  if (appId !== null) runs = runs.filter((r) => String(r.appId) === appId);
  if ((req.query.get("filter") ?? "latest") === "latest") {
    // The most recent run of each name in each check suite.
    const latest = new Map<string, CheckRunRecord>();
    for (const r of runs) {
      const k = `${r.suiteId}:${r.name}`;
      const seen = latest.get(k);
      if (seen === undefined || seen.id < r.id) latest.set(k, r);
    }
    runs = [...latest.values()];
  }
  runs.sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(runs, req, repo, `/commits/${encodeURIComponent(ref)}/check-runs`);
  const checkRuns = await Promise.all(page.map((r) => runJson(ctx, repo, r)));
  return { status: 200, json: { total_count: runs.length, check_runs: checkRuns }, headers };
};

const listAnnotations: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const run = ctx.state.checkRun(repo.fullName, intParam(req, "check_run_id"));
  if (run === undefined) return notFound();
  const { page, headers } = paginate(run.annotations, req, repo, `/check-runs/${run.id}/annotations`);
  return { status: 200, json: page.map((a) => objects.annotation(repo, run, a, ctx.urls)), headers };
};

// --- Comments and reactions ----------------------------------------------------------------------

function commentJson(ctx: SimContext, repo: GitRepository, id: number): Json | null {
  const c = ctx.state.comment(repo.fullName, id);
  if (c === undefined) return null;
  return objects.comment(repo, c, ctx.state.reactions(c.id), c.appId !== null ? ctx.appJson() : null, ctx.urls);
}

const listComments: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const number = intParam(req, "issue_number");
  if (ctx.state.issue(repo.fullName, number) === undefined) return notFound();
  let comments = ctx.state.comments(repo.fullName, number);
  const since = req.query.get("since");
  if (since !== null) comments = comments.filter((c) => Date.parse(c.updatedAt) >= Date.parse(since));
  const { page, headers } = paginate(comments, req, repo, `/issues/${number}/comments`);
  return { status: 200, json: page.map((c) => commentJson(ctx, repo, c.id)), headers };
};

const createComment: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const number = intParam(req, "issue_number");
  if (ctx.state.issue(repo.fullName, number) === undefined) return notFound();
  const created = ctx.state.addComment(repo.fullName, number, String(body(req).body), ctx.app.bot, ctx.app.id);
  return { status: 201, json: commentJson(ctx, repo, created.id), headers: { location: `${ctx.urls.api}/repos/${repo.fullName}/issues/comments/${created.id}` } };
};

const updateComment: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const comment = ctx.state.comment(repo.fullName, intParam(req, "comment_id"));
  if (comment === undefined) return notFound();
  ctx.state.updateComment(comment, String(body(req).body));
  return { status: 200, json: commentJson(ctx, repo, comment.id) };
};

const getComment: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const json = commentJson(ctx, repo, intParam(req, "comment_id"));
  return json === null ? notFound() : { status: 200, json };
};

const createReaction: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const comment = ctx.state.comment(repo.fullName, intParam(req, "comment_id"));
  if (comment === undefined) return notFound();
  const { reaction, created } = ctx.state.react(repo.fullName, comment.id, String(body(req).content), ctx.app.bot);
  return { status: created ? 201 : 200, json: objects.reaction(reaction, ctx.urls) };
};

const listReactions: Handler = async (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo === undefined) return notFound();
  const comment = ctx.state.comment(repo.fullName, intParam(req, "comment_id"));
  if (comment === undefined) return notFound();
  const content = req.query.get("content");
  const reactions = ctx.state.reactions(comment.id).filter((r) => content === null || r.content === content);
  const { page, headers } = paginate(reactions, req, repo, `/issues/comments/${comment.id}/reactions`);
  return { status: 200, json: page.map((r) => objects.reaction(r, ctx.urls)), headers };
};

/** Every operation the simulator answers. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  "apps/get-authenticated": getApp,
  "apps/create-installation-access-token": createToken,
  "repos/get": getRepo,
  "repos/get-branch": getBranch,
  "git/get-tree": getTree,
  "git/get-blob": getBlob,
  "repos/get-content": getContent,
  "pulls/get": getPull,
  "repos/get-collaborator-permission-level": getPermission,
  "checks/create": createCheckRun,
  "checks/update": updateCheckRun,
  "checks/get": getCheckRun,
  "checks/list-for-ref": listCheckRunsForRef,
  "checks/list-annotations": listAnnotations,
  "issues/list-comments": listComments,
  "issues/create-comment": createComment,
  "issues/update-comment": updateComment,
  "issues/get-comment": getComment,
  "reactions/create-for-issue-comment": createReaction,
  "reactions/list-for-issue-comment": listReactions,
};
