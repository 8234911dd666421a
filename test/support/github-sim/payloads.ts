/**
 * Webhook payloads built from the simulator's state, so their SHAs are the git repository's own:
 * `push`, `pull_request` (opened, synchronize, reopened), `issue_comment.created` and
 * `check_suite` (requested, rerequested). Fields follow GitHub's description of each event
 * (`x-webhooks` of @octokit/openapi; the simulator's tests validate them against it).
 */
import { account, checkRunPullRequest, comment as commentJson, issue as issueJson, nodeId, ownerOf, pullRequest as pullRequestJson, repository, type Urls } from "./objects.js";
import type { CommitInfo, GitRepository } from "./repo-store.js";
import type { AccountRecord, PullRequestRecord, SimState } from "./state.js";

export const ZERO_SHA = "0".repeat(40);

type Json = Record<string, unknown>;

export interface PayloadContext {
  readonly state: SimState;
  readonly urls: Urls;
  /** The app's JSON (`GET /app`), for `check_suite.app`. */
  readonly appJson: () => Json;
  /** Head and base SHAs of a pull request now. */
  readonly heads: (repo: GitRepository, pr: PullRequestRecord) => Promise<{ head: string; base: string }>;
}

function installation(repo: GitRepository): Json {
  return { id: repo.installationId, node_id: nodeId("Installation", repo.installationId) };
}

function organization(repo: GitRepository, urls: Urls): Json {
  if (repo.ownerType !== "Organization") return {};
  const url = `${urls.api}/orgs/${repo.owner}`;
  return {
    organization: {
      login: repo.owner,
      id: ownerOf(repo).id,
      node_id: nodeId("Organization", repo.owner),
      url,
      repos_url: `${url}/repos`,
      events_url: `${url}/events`,
      hooks_url: `${url}/hooks`,
      issues_url: `${url}/issues`,
      members_url: `${url}/members{/member}`,
      public_members_url: `${url}/public_members{/member}`,
      avatar_url: `${urls.web}/avatars/${repo.owner}`,
      description: null,
    },
  };
}

export interface PushOptions {
  /** `refs/heads/<branch>` or a branch name (default: the default branch). */
  readonly ref?: string;
  /** The pushed commit (default: the branch's head in git); ZERO_SHA for a deleted branch. */
  readonly after?: string;
  /** The commit the branch was at (default: `after`'s first parent, or ZERO_SHA for a root commit). */
  readonly before?: string;
  readonly sender?: string;
  readonly forced?: boolean;
}

async function pushCommit(repo: GitRepository, c: CommitInfo, urls: Urls): Promise<Json> {
  const changes = await repo.changes(c);
  return {
    id: c.sha,
    tree_id: c.tree,
    distinct: true,
    message: c.message.replace(/\n$/, ""),
    timestamp: c.committer.date,
    url: `${urls.web}/${repo.fullName}/commit/${c.sha}`,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
    added: [...changes.added],
    removed: [...changes.removed],
    modified: [...changes.modified],
  };
}

export async function pushPayload(ctx: PayloadContext, repo: GitRepository, options: PushOptions = {}): Promise<Json> {
  const ref = options.ref === undefined ? `refs/heads/${repo.defaultBranch}` : options.ref.startsWith("refs/") ? options.ref : `refs/heads/${options.ref}`;
  let after = options.after;
  if (after === undefined) {
    const resolved = await repo.resolveCommit(ref);
    if (resolved === null) throw new Error(`${repo.fullName}: no commit at ${ref}`);
    after = resolved;
  }
  const deleted = after === ZERO_SHA;
  let before = options.before;
  if (before === undefined) {
    const head = deleted ? null : await repo.commit(after);
    before = head?.parents[0] ?? ZERO_SHA;
  }
  const created = before === ZERO_SHA;
  const commits = deleted ? [] : await repo.commitsBetween(created ? null : before, after);
  const commitJson = await Promise.all(commits.map((c) => pushCommit(repo, c, ctx.urls)));
  const sender = ctx.state.user(options.sender ?? "octocat");
  return {
    ref,
    before,
    after,
    repository: repository(repo, ctx.urls, "push"),
    pusher: { name: sender.login, email: `${sender.login}@users.noreply.example` },
    ...organization(repo, ctx.urls),
    installation: installation(repo),
    sender: account(sender, ctx.urls),
    created,
    deleted,
    forced: options.forced ?? false,
    base_ref: null,
    compare: `${ctx.urls.web}/${repo.fullName}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: commitJson,
    head_commit: commitJson.at(-1) ?? null,
  };
}

export interface PullRequestPayloadOptions {
  /** synchronize: the head before the push (default: the head of the previous payload built for this pull request, else the new head's parent). */
  readonly before?: string;
  readonly sender?: string;
}

export async function pullRequestPayload(
  ctx: PayloadContext,
  repo: GitRepository,
  pr: PullRequestRecord,
  action: "opened" | "synchronize" | "reopened",
  options: PullRequestPayloadOptions = {},
): Promise<Json> {
  const heads = await ctx.heads(repo, pr);
  const sender = options.sender !== undefined ? ctx.state.user(options.sender) : pr.user;
  const payload: Json = {
    action,
    number: pr.number,
    pull_request: pullRequestJson(repo, pr, heads, ctx.urls),
  };
  if (action === "synchronize") {
    let before = options.before ?? pr.lastHeadSha;
    if (before === null || before === undefined) before = (await repo.commit(heads.head))?.parents[0] ?? ZERO_SHA;
    payload.before = before;
    payload.after = heads.head;
  }
  pr.lastHeadSha = heads.head;
  return {
    ...payload,
    repository: repository(repo, ctx.urls, "webhook"),
    ...organization(repo, ctx.urls),
    installation: installation(repo),
    sender: account(sender, ctx.urls),
  };
}

export interface IssueCommentOptions {
  readonly body: string;
  /** The comment's author (default `octocat`, a User). */
  readonly user?: string;
  readonly userType?: AccountRecord["type"];
}

/** Adds the comment to the issue or pull request (as GitHub stores it before it sends the event) and builds `issue_comment.created`. */
export async function issueCommentPayload(ctx: PayloadContext, repo: GitRepository, issueNumber: number, options: IssueCommentOptions): Promise<{ payload: Json; commentId: number }> {
  const issue = ctx.state.issue(repo.fullName, issueNumber);
  if (issue === undefined) throw new Error(`${repo.fullName}#${issueNumber}: no such issue or pull request (add it with addIssue or addPullRequest)`);
  const user = ctx.state.user(options.user ?? "octocat", options.userType ?? "User");
  const stored = ctx.state.addComment(repo.fullName, issueNumber, options.body, user, null);
  const payload = {
    action: "created",
    issue: issueJson(repo, issueNumber, issue.title, issue.user, issue.isPull, issue.createdAt, ctx.urls),
    comment: commentJson(repo, stored, [], null, ctx.urls),
    repository: repository(repo, ctx.urls, "webhook"),
    ...organization(repo, ctx.urls),
    installation: installation(repo),
    sender: account(user, ctx.urls),
  };
  return { payload, commentId: stored.id };
}

export interface CheckSuiteOptions {
  /** The head commit (default: the head of `branch`). */
  readonly sha?: string;
  /** The branch (default: the default branch); null for a fork's push (no branch). */
  readonly branch?: string | null;
  readonly sender?: string;
}

export async function checkSuitePayload(ctx: PayloadContext, repo: GitRepository, action: "requested" | "rerequested", options: CheckSuiteOptions = {}): Promise<Json> {
  const branch = options.branch === undefined ? repo.defaultBranch : options.branch;
  let sha = options.sha;
  if (sha === undefined) {
    if (branch === null) throw new Error("checkSuite: give `sha` when `branch` is null");
    const head = await repo.branchHead(branch);
    if (head === null) throw new Error(`${repo.fullName}: no branch ${branch}`);
    sha = head;
  }
  const headCommit = await repo.commit(sha);
  if (headCommit === null) throw new Error(`${repo.fullName}: no commit ${sha}`);
  const appJson = ctx.appJson();
  const suiteId = ctx.state.suiteId(repo.fullName, sha, Number(appJson.id));
  const base = `${ctx.urls.api}/repos/${repo.fullName}`;
  const prs: Json[] = [];
  for (const pr of ctx.state.pullRequests(repo.fullName)) {
    const heads = await ctx.heads(repo, pr).catch(() => null);
    if (heads !== null && heads.head === sha && pr.state === "open") prs.push(checkRunPullRequest(repo, pr, heads, ctx.urls));
  }
  const sender = ctx.state.user(options.sender ?? "octocat");
  return {
    action,
    check_suite: {
      id: suiteId,
      node_id: nodeId("CheckSuite", suiteId),
      head_branch: branch,
      head_sha: sha,
      status: "queued",
      conclusion: null,
      url: `${base}/check-suites/${suiteId}`,
      before: headCommit.parents[0] ?? ZERO_SHA,
      after: sha,
      pull_requests: prs,
      app: appJson,
      created_at: headCommit.committer.date,
      updated_at: headCommit.committer.date,
      rerequestable: true,
      runs_rerequestable: true,
      latest_check_runs_count: ctx.state.checkRuns(repo.fullName, sha).length,
      check_runs_url: `${base}/check-suites/${suiteId}/check-runs`,
      head_commit: {
        id: headCommit.sha,
        tree_id: headCommit.tree,
        message: headCommit.message.replace(/\n$/, ""),
        timestamp: headCommit.committer.date,
        author: { name: headCommit.author.name, email: headCommit.author.email },
        committer: { name: headCommit.committer.name, email: headCommit.committer.email },
      },
    },
    repository: repository(repo, ctx.urls, "webhook"),
    ...organization(repo, ctx.urls),
    installation: installation(repo),
    sender: account(sender, ctx.urls),
  };
}
