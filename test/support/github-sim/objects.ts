/**
 * GitHub's JSON objects as the REST API and webhooks send them (users, repositories, the app,
 * commits, pull requests, check runs, comments, reactions), with every field GitHub's OpenAPI
 * description requires, built from the simulator's state. URLs point at the simulator: `api` is its
 * REST base (`http://127.0.0.1:<port>/api/v3`), `web` its "web" host (`http://127.0.0.1:<port>`).
 */
import type { CommitInfo, GitRepository } from "./repo-store.js";
import type { AccountRecord, AppRecord, CheckRunRecord, CommentRecord, PullRequestRecord, ReactionRecord } from "./state.js";

export interface Urls {
  readonly api: string;
  readonly web: string;
}

type Json = Record<string, unknown>;

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString("base64").replace(/=+$/, "");
}

/** A `simple-user` (also the owner of repositories and apps). */
export function account(user: AccountRecord, urls: Urls): Json {
  const url = `${urls.api}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type, user.id),
    avatar_url: `${urls.web}/avatars/u/${user.id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `${urls.web}/${user.type === "Bot" ? "apps/" + user.login.replace(/\[bot\]$/, "") : encodeURIComponent(user.login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: user.type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function ownerOf(repo: GitRepository): AccountRecord {
  // Owner ids are derived from the name so that two repositories of an owner agree.
  let hash = 0;
  for (const c of repo.owner.toLowerCase()) hash = (hash * 31 + c.charCodeAt(0)) % 1_000_000;
  return { login: repo.owner, id: 5_000_000 + hash, type: repo.ownerType };
}

export type RepositoryFormat = "rest" | "webhook" | "push";

/**
 * A repository: the REST `full-repository` (`GET /repos/{o}/{r}`), the `repository` of webhook
 * payloads, or the push event's variant (times as epoch seconds, `stargazers`, `master_branch`).
 */
export function repository(repo: GitRepository, urls: Urls, format: RepositoryFormat = "rest"): Json {
  const base = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${urls.web}/${repo.owner}/${repo.name}`;
  const host = new URL(urls.web).host;
  const created = repo.createdAt.replace(/\.\d{3}Z$/, "Z");
  const epoch = Math.floor(Date.parse(repo.createdAt) / 1000);
  const json: Json = {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: account(ownerOf(repo), urls),
    html_url: html,
    description: null,
    fork: false,
    url: base,
    forks_url: `${base}/forks`,
    keys_url: `${base}/keys{/key_id}`,
    collaborators_url: `${base}/collaborators{/collaborator}`,
    teams_url: `${base}/teams`,
    hooks_url: `${base}/hooks`,
    issue_events_url: `${base}/issues/events{/number}`,
    events_url: `${base}/events`,
    assignees_url: `${base}/assignees{/user}`,
    branches_url: `${base}/branches{/branch}`,
    tags_url: `${base}/tags`,
    blobs_url: `${base}/git/blobs{/sha}`,
    git_tags_url: `${base}/git/tags{/sha}`,
    git_refs_url: `${base}/git/refs{/sha}`,
    trees_url: `${base}/git/trees{/sha}`,
    statuses_url: `${base}/statuses/{sha}`,
    languages_url: `${base}/languages`,
    stargazers_url: `${base}/stargazers`,
    contributors_url: `${base}/contributors`,
    subscribers_url: `${base}/subscribers`,
    subscription_url: `${base}/subscription`,
    commits_url: `${base}/commits{/sha}`,
    git_commits_url: `${base}/git/commits{/sha}`,
    comments_url: `${base}/comments{/number}`,
    issue_comment_url: `${base}/issues/comments{/number}`,
    contents_url: `${base}/contents/{+path}`,
    compare_url: `${base}/compare/{base}...{head}`,
    merges_url: `${base}/merges`,
    archive_url: `${base}/{archive_format}{/ref}`,
    downloads_url: `${base}/downloads`,
    issues_url: `${base}/issues{/number}`,
    pulls_url: `${base}/pulls{/number}`,
    milestones_url: `${base}/milestones{/number}`,
    notifications_url: `${base}/notifications{?since,all,participating}`,
    labels_url: `${base}/labels{/name}`,
    releases_url: `${base}/releases{/id}`,
    deployments_url: `${base}/deployments`,
    created_at: format === "push" ? epoch : created,
    updated_at: created,
    pushed_at: format === "push" ? epoch : created,
    git_url: `git://${host}/${repo.fullName}.git`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? "private" : "public",
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: repo.defaultBranch,
  };
  if (format === "rest") {
    json.network_count = 0;
    json.subscribers_count = 0;
    json.temp_clone_token = null;
  }
  if (format === "push") {
    json.stargazers = 0;
    json.master_branch = repo.defaultBranch;
    if (repo.ownerType === "Organization") json.organization = repo.owner;
  }
  if (format !== "rest") json.custom_properties = {};
  return json;
}

/** The app (`integration`), as `GET /app` and check runs show it. */
export function app(appRecord: AppRecord, urls: Urls): Json {
  return {
    id: appRecord.id,
    slug: appRecord.slug,
    node_id: nodeId("Integration", appRecord.id),
    client_id: `Iv1.${appRecord.id.toString(16).padStart(16, "0")}`,
    owner: account(appRecord.owner, urls),
    name: appRecord.name,
    description: "",
    external_url: `${urls.web}/apps/${appRecord.slug}`,
    html_url: `${urls.web}/apps/${appRecord.slug}`,
    created_at: appRecord.createdAt,
    updated_at: appRecord.createdAt,
    permissions: { checks: "write", contents: "read", issues: "write", metadata: "read", pull_requests: "write" },
    events: ["check_run", "check_suite", "issue_comment", "pull_request", "push"],
    installations_count: 1,
  };
}

function gitUser(signature: CommitInfo["author"]): Json {
  return { name: signature.name, email: signature.email, date: signature.date };
}

/** A `commit` (`GET /repos/{o}/{r}/commits/{ref}`, the `commit` of a branch). */
export function commit(repo: GitRepository, info: CommitInfo, urls: Urls): Json {
  const base = `${urls.api}/repos/${repo.fullName}`;
  return {
    sha: info.sha,
    node_id: nodeId("Commit", info.sha),
    url: `${base}/commits/${info.sha}`,
    html_url: `${urls.web}/${repo.fullName}/commit/${info.sha}`,
    comments_url: `${base}/commits/${info.sha}/comments`,
    commit: {
      author: gitUser(info.author),
      committer: gitUser(info.committer),
      message: info.message.replace(/\n$/, ""),
      tree: { sha: info.tree, url: `${base}/git/trees/${info.tree}` },
      url: `${base}/git/commits/${info.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    author: null,
    committer: null,
    parents: info.parents.map((sha) => ({ sha, url: `${base}/commits/${sha}`, html_url: `${urls.web}/${repo.fullName}/commit/${sha}` })),
  };
}

/** `GET /repos/{o}/{r}/branches/{branch}` (`branch-with-protection`). */
export function branch(repo: GitRepository, name: string, info: CommitInfo, urls: Urls): Json {
  const self = `${urls.api}/repos/${repo.fullName}/branches/${encodeURIComponent(name)}`;
  return {
    name,
    commit: commit(repo, info, urls),
    _links: { self, html: `${urls.web}/${repo.fullName}/tree/${name}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
    protection_url: `${self}/protection`,
  };
}

/** The head or base of a pull request. */
function prEnd(repo: GitRepository, ref: string, sha: string, urls: Urls): Json {
  return { label: `${repo.owner}:${ref}`, ref, sha, user: account(ownerOf(repo), urls), repo: repository(repo, urls, "webhook") };
}

/** A pull request (`GET /repos/{o}/{r}/pulls/{n}`, the `pull_request` of its webhooks). */
export function pullRequest(repo: GitRepository, pr: PullRequestRecord, heads: { readonly head: string; readonly base: string }, urls: Urls): Json {
  const base = `${urls.api}/repos/${repo.fullName}`;
  const html = `${urls.web}/${repo.fullName}/pull/${pr.number}`;
  const self = `${base}/pulls/${pr.number}`;
  const issue = `${base}/issues/${pr.number}`;
  return {
    url: self,
    id: pr.id,
    node_id: nodeId("PullRequest", pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: account(pr.user, urls),
    body: pr.body,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: pr.draft,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${base}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `${base}/statuses/${heads.head}`,
    head: prEnd(repo, pr.head.ref, heads.head, urls),
    base: prEnd(repo, pr.base.ref, heads.base, urls),
    _links: {
      self: { href: self },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${base}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${base}/statuses/${heads.head}` },
    },
    author_association: "CONTRIBUTOR",
    auto_merge: null,
    active_lock_reason: null,
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

/** The short pull request a check run lists. */
export function checkRunPullRequest(repo: GitRepository, pr: PullRequestRecord, heads: { readonly head: string; readonly base: string }, urls: Urls): Json {
  const repoRef = { id: repo.id, url: `${urls.api}/repos/${repo.fullName}`, name: repo.name };
  return {
    id: pr.id,
    number: pr.number,
    url: `${urls.api}/repos/${repo.fullName}/pulls/${pr.number}`,
    head: { ref: pr.head.ref, sha: heads.head, repo: repoRef },
    base: { ref: pr.base.ref, sha: heads.base, repo: repoRef },
  };
}

export function checkRun(repo: GitRepository, run: CheckRunRecord, appJson: Json, pullRequests: readonly Json[], urls: Urls): Json {
  const url = `${urls.api}/repos/${repo.fullName}/check-runs/${run.id}`;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("CheckRun", run.id),
    head_sha: run.headSha,
    external_id: run.externalId,
    url,
    html_url: `${urls.web}/${repo.fullName}/runs/${run.id}`,
    details_url: run.detailsUrl ?? appJson.external_url ?? null,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    check_suite: { id: run.suiteId },
    app: appJson,
    pull_requests: pullRequests,
  };
}

export function annotation(repo: GitRepository, run: CheckRunRecord, a: CheckRunRecord["annotations"][number], urls: Urls): Json {
  return {
    path: a.path,
    blob_href: `${urls.web}/${repo.fullName}/blob/${run.headSha}/${a.path}`,
    start_line: a.start_line,
    end_line: a.end_line,
    start_column: a.start_column ?? null,
    end_column: a.end_column ?? null,
    annotation_level: a.annotation_level,
    title: a.title ?? null,
    message: a.message,
    raw_details: a.raw_details ?? null,
  };
}

const NO_REACTIONS = ["+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"] as const;

export function comment(repo: GitRepository, c: CommentRecord, reactions: readonly ReactionRecord[], appJson: Json | null, urls: Urls): Json {
  const base = `${urls.api}/repos/${repo.fullName}`;
  const url = `${base}/issues/comments/${c.id}`;
  const rollup: Json = { url: `${url}/reactions`, total_count: reactions.length };
  for (const content of NO_REACTIONS) rollup[content] = reactions.filter((r) => r.content === content).length;
  return {
    url,
    html_url: `${urls.web}/${repo.fullName}/${c.isPull ? "pull" : "issues"}/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${base}/issues/${c.issueNumber}`,
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    user: account(c.user, urls),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: c.user.type === "Bot" ? "NONE" : c.user.login.toLowerCase() === repo.owner.toLowerCase() ? "OWNER" : "CONTRIBUTOR",
    body: c.body,
    reactions: rollup,
    performed_via_github_app: appJson,
  };
}

export function reaction(r: ReactionRecord, urls: Urls): Json {
  return { id: r.id, node_id: nodeId("Reaction", r.id), user: account(r.user, urls), content: r.content, created_at: r.createdAt };
}

/** The `issue` of an `issue_comment` webhook (for a pull request, with its `pull_request` links). */
export function issue(repo: GitRepository, number: number, title: string, user: AccountRecord, isPull: boolean, createdAt: string, urls: Urls): Json {
  const base = `${urls.api}/repos/${repo.fullName}`;
  const url = `${base}/issues/${number}`;
  const html = `${urls.web}/${repo.fullName}/${isPull ? "pull" : "issues"}/${number}`;
  return {
    url,
    repository_url: base,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    id: 7_000_000 + repo.id * 1000 + number,
    node_id: nodeId(isPull ? "PullRequest" : "Issue", `${repo.id}:${number}`),
    number,
    title,
    user: account(user, urls),
    labels: [],
    state: "open",
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 0,
    created_at: createdAt,
    updated_at: createdAt,
    closed_at: null,
    author_association: "CONTRIBUTOR",
    active_lock_reason: null,
    body: null,
    reactions: { url: `${url}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: null,
    ...(isPull
      ? {
          draft: false,
          pull_request: {
            url: `${base}/pulls/${number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: null,
          },
        }
      : {}),
  };
}
