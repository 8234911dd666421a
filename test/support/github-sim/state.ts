/**
 * What the simulated GitHub remembers besides git: the pull requests and issues a test declares,
 * check runs (with their annotations), issue comments, reactions and collaborator permissions.
 * Every change is emitted as a `SimEvent` (`events.on("change", ...)`), so tests and benchmarks
 * await outcomes (`GitHubSim.waitFor`) instead of polling.
 */
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";

export interface AccountRecord {
  readonly login: string;
  readonly id: number;
  readonly type: "User" | "Bot" | "Organization";
}

export interface AppRecord {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  readonly owner: AccountRecord;
  /** The app's bot user, `<slug>[bot]`: the author of its comments and reactions. */
  readonly bot: AccountRecord;
  readonly createdAt: string;
}

export interface AnnotationRecord {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly start_column?: number;
  readonly end_column?: number;
  readonly annotation_level: "notice" | "warning" | "failure";
  readonly message: string;
  readonly title?: string;
  readonly raw_details?: string;
}

export interface CheckRunRecord {
  readonly id: number;
  /** `owner/name` as the repository was added. */
  readonly repo: string;
  readonly headSha: string;
  readonly suiteId: number;
  readonly appId: number;
  name: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Every annotation sent, in order (GitHub appends those of each request). */
  readonly annotations: AnnotationRecord[];
  actions: unknown[];
  /** Requests that changed the run (the create included). */
  writes: number;
  /** `performance.now()` when created, last written, and when it last became completed (null while not completed). */
  readonly createdAtMs: number;
  updatedAtMs: number;
  completedAtMs: number | null;
}

export interface CommentRecord {
  readonly id: number;
  readonly repo: string;
  readonly issueNumber: number;
  readonly isPull: boolean;
  body: string;
  readonly user: AccountRecord;
  /** The app whose token wrote it, when an app did. */
  readonly appId: number | null;
  readonly createdAt: string;
  updatedAt: string;
  /** PATCHes that changed it. */
  edits: number;
  readonly createdAtMs: number;
  updatedAtMs: number;
}

export interface ReactionRecord {
  readonly id: number;
  readonly repo: string;
  readonly commentId: number;
  readonly content: string;
  readonly user: AccountRecord;
  readonly createdAt: string;
}

export interface PullRequestRecord {
  readonly id: number;
  readonly repo: string;
  readonly number: number;
  title: string;
  body: string | null;
  readonly user: AccountRecord;
  state: "open" | "closed";
  draft: boolean;
  /** A branch of the repository; `sha` pins the commit, else the branch's current head is used (as GitHub follows the branch). */
  head: { ref: string; sha?: string };
  base: { ref: string; sha?: string };
  readonly createdAt: string;
  updatedAt: string;
  /** The head SHA of the last pull_request payload built (the next synchronize's `before`). */
  lastHeadSha: string | null;
}

export interface IssueRecord {
  readonly repo: string;
  readonly number: number;
  readonly title: string;
  readonly user: AccountRecord;
  readonly isPull: boolean;
  readonly createdAt: string;
}

export type SimEvent =
  | { readonly type: "check_run.created" | "check_run.updated"; readonly checkRun: CheckRunRecord }
  | { readonly type: "comment.created" | "comment.updated"; readonly comment: CommentRecord }
  | { readonly type: "reaction.created"; readonly reaction: ReactionRecord };

export const iso = (date = new Date()): string => date.toISOString().replace(/\.\d{3}Z$/, "Z");

const key = (repo: string): string => repo.toLowerCase();

export class SimState {
  readonly events = new EventEmitter();
  #ids = { checkRun: 4_000_000, suite: 3_000_000, comment: 9_000_000, reaction: 8_000_000, pull: 6_000_000, user: 1_000 };
  readonly #checkRuns = new Map<number, CheckRunRecord>();
  readonly #runsBySha = new Map<string, CheckRunRecord[]>();
  readonly #suites = new Map<string, number>();
  readonly #comments = new Map<number, CommentRecord>();
  readonly #commentsByIssue = new Map<string, CommentRecord[]>();
  readonly #reactions = new Map<number, ReactionRecord[]>();
  readonly #issues = new Map<string, IssueRecord>();
  readonly #pulls = new Map<string, PullRequestRecord>();
  readonly #nextNumber = new Map<string, number>();
  readonly #permissions = new Map<string, string>();
  readonly #users = new Map<string, AccountRecord>();

  constructor() {
    // Many waiters (one per awaited outcome) are normal here.
    this.events.setMaxListeners(0);
  }

  emit(event: SimEvent): void {
    this.events.emit("change", event);
  }

  /** A user account (created on first use, with a stable id). */
  user(login: string, type: AccountRecord["type"] = "User"): AccountRecord {
    const k = login.toLowerCase();
    let user = this.#users.get(k);
    if (user === undefined) {
      user = { login, id: ++this.#ids.user, type };
      this.#users.set(k, user);
    }
    return user;
  }

  // Issues and pull requests ---------------------------------------------------------------

  #number(repo: string, wanted: number | undefined): number {
    const next = this.#nextNumber.get(key(repo)) ?? 1;
    const number = wanted ?? next;
    if (this.#issues.has(`${key(repo)}#${number}`)) throw new Error(`${repo}#${number} exists already`);
    this.#nextNumber.set(key(repo), Math.max(next, number + 1));
    return number;
  }

  addIssue(repo: string, options: { number?: number; title?: string; user?: string } = {}): IssueRecord {
    const number = this.#number(repo, options.number);
    const issue: IssueRecord = { repo, number, title: options.title ?? `Issue ${number}`, user: this.user(options.user ?? "octocat"), isPull: false, createdAt: iso() };
    this.#issues.set(`${key(repo)}#${number}`, issue);
    return issue;
  }

  addPullRequest(
    repo: string,
    options: { number?: number; title?: string; body?: string; user?: string; draft?: boolean; head: { ref: string; sha?: string }; base: { ref: string; sha?: string } },
  ): PullRequestRecord {
    const number = this.#number(repo, options.number);
    const user = this.user(options.user ?? "octocat");
    const createdAt = iso();
    const pr: PullRequestRecord = {
      id: ++this.#ids.pull,
      repo,
      number,
      title: options.title ?? `Pull request ${number}`,
      body: options.body ?? null,
      user,
      state: "open",
      draft: options.draft ?? false,
      head: { ...options.head },
      base: { ...options.base },
      createdAt,
      updatedAt: createdAt,
      lastHeadSha: null,
    };
    this.#pulls.set(`${key(repo)}#${number}`, pr);
    this.#issues.set(`${key(repo)}#${number}`, { repo, number, title: pr.title, user, isPull: true, createdAt });
    return pr;
  }

  issue(repo: string, number: number): IssueRecord | undefined {
    return this.#issues.get(`${key(repo)}#${number}`);
  }

  pullRequest(repo: string, number: number): PullRequestRecord | undefined {
    return this.#pulls.get(`${key(repo)}#${number}`);
  }

  pullRequests(repo: string): PullRequestRecord[] {
    return [...this.#pulls.values()].filter((p) => key(p.repo) === key(repo));
  }

  // Check runs -------------------------------------------------------------------------------

  suiteId(repo: string, headSha: string, appId: number): number {
    const k = `${key(repo)}@${headSha}@${appId}`;
    let id = this.#suites.get(k);
    if (id === undefined) {
      id = ++this.#ids.suite;
      this.#suites.set(k, id);
    }
    return id;
  }

  createCheckRun(fields: Omit<CheckRunRecord, "id" | "suiteId" | "writes" | "createdAtMs" | "updatedAtMs" | "completedAtMs" | "annotations">): CheckRunRecord {
    const now = performance.now();
    const run: CheckRunRecord = {
      ...fields,
      id: ++this.#ids.checkRun,
      suiteId: this.suiteId(fields.repo, fields.headSha, fields.appId),
      annotations: [],
      writes: 1,
      createdAtMs: now,
      updatedAtMs: now,
      completedAtMs: fields.status === "completed" ? now : null,
    };
    this.#checkRuns.set(run.id, run);
    const k = `${key(run.repo)}@${run.headSha}`;
    const list = this.#runsBySha.get(k) ?? [];
    list.push(run);
    this.#runsBySha.set(k, list);
    return run;
  }

  /** Marks a run written (times, completion) and emits the event. */
  touchCheckRun(run: CheckRunRecord, created: boolean): void {
    const now = performance.now();
    run.updatedAtMs = now;
    if (!created) run.writes += 1;
    run.completedAtMs = run.status === "completed" ? (run.completedAtMs ?? now) : null;
    this.emit({ type: created ? "check_run.created" : "check_run.updated", checkRun: run });
  }

  checkRun(repo: string, id: number): CheckRunRecord | undefined {
    const run = this.#checkRuns.get(id);
    return run !== undefined && key(run.repo) === key(repo) ? run : undefined;
  }

  /** The runs of a repository, oldest first; of one commit when `headSha` is given. */
  checkRuns(repo: string, headSha?: string): CheckRunRecord[] {
    if (headSha !== undefined) return [...(this.#runsBySha.get(`${key(repo)}@${headSha}`) ?? [])];
    return [...this.#checkRuns.values()].filter((r) => key(r.repo) === key(repo));
  }

  // Comments and reactions ---------------------------------------------------------------------

  addComment(repo: string, issueNumber: number, body: string, user: AccountRecord, appId: number | null): CommentRecord {
    const issue = this.issue(repo, issueNumber);
    if (issue === undefined) throw new Error(`${repo}#${issueNumber}: no such issue or pull request`);
    const createdAt = iso();
    const now = performance.now();
    const comment: CommentRecord = {
      id: ++this.#ids.comment,
      repo,
      issueNumber,
      isPull: issue.isPull,
      body,
      user,
      appId,
      createdAt,
      updatedAt: createdAt,
      edits: 0,
      createdAtMs: now,
      updatedAtMs: now,
    };
    this.#comments.set(comment.id, comment);
    const k = `${key(repo)}#${issueNumber}`;
    const list = this.#commentsByIssue.get(k) ?? [];
    list.push(comment);
    this.#commentsByIssue.set(k, list);
    this.emit({ type: "comment.created", comment });
    return comment;
  }

  updateComment(comment: CommentRecord, body: string): void {
    comment.body = body;
    comment.updatedAt = iso();
    comment.updatedAtMs = performance.now();
    comment.edits += 1;
    this.emit({ type: "comment.updated", comment });
  }

  comment(repo: string, id: number): CommentRecord | undefined {
    const comment = this.#comments.get(id);
    return comment !== undefined && key(comment.repo) === key(repo) ? comment : undefined;
  }

  /** The comments of an issue or pull request, oldest first. */
  comments(repo: string, issueNumber: number): CommentRecord[] {
    return [...(this.#commentsByIssue.get(`${key(repo)}#${issueNumber}`) ?? [])];
  }

  /** Adds a reaction, unless the user already reacted so (then the existing one and `created: false`). */
  react(repo: string, commentId: number, content: string, user: AccountRecord): { reaction: ReactionRecord; created: boolean } {
    const list = this.#reactions.get(commentId) ?? [];
    const existing = list.find((r) => r.content === content && r.user.id === user.id);
    if (existing !== undefined) return { reaction: existing, created: false };
    const reaction: ReactionRecord = { id: ++this.#ids.reaction, repo, commentId, content, user, createdAt: iso() };
    list.push(reaction);
    this.#reactions.set(commentId, list);
    this.emit({ type: "reaction.created", reaction });
    return { reaction, created: true };
  }

  reactions(commentId: number): ReactionRecord[] {
    return [...(this.#reactions.get(commentId) ?? [])];
  }

  // Permissions ---------------------------------------------------------------------------------

  setPermission(repo: string, login: string, permission: string): void {
    this.#permissions.set(`${key(repo)}:${login.toLowerCase()}`, permission);
  }

  permission(repo: string, login: string): string | undefined {
    return this.#permissions.get(`${key(repo)}:${login.toLowerCase()}`);
  }
}
