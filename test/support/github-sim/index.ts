/**
 * A simulated GitHub for end-to-end tests and benchmarks of the app: an HTTP server on loopback
 * that answers the REST endpoints the app uses from real git repositories on disk and from its own
 * state (check runs, comments, reactions), validates every request against GitHub's OpenAPI
 * description, injects GitHub's failures on demand, and sends the app signed webhook deliveries.
 * See README.md beside this file.
 */
import crypto from "node:crypto";
import { EventEmitter } from "node:events";
import http from "node:http";
import { useSchemas } from "../openapi.js";
import { Auth } from "./auth.js";
import { Faults, type FaultOptions, type Hold, type HoldOptions, type RateLimitOptions, type SecondaryRateLimitOptions } from "./faults.js";
import * as objects from "./objects.js";
import {
  checkSuitePayload,
  issueCommentPayload,
  pullRequestPayload,
  pushPayload,
  type CheckSuiteOptions,
  type IssueCommentOptions,
  type PayloadContext,
  type PullRequestPayloadOptions,
  type PushOptions,
} from "./payloads.js";
import { GitRepository, type RepoOptions } from "./repo-store.js";
import { RequestLog, type InvalidRequest, type InvalidResponse, type RequestEntry } from "./request-log.js";
import { HANDLERS, type SimContext } from "./routes.js";
import { SimServer } from "./server.js";
import { SimState, type AppRecord, type CheckRunRecord, type CommentRecord, type IssueRecord, type PullRequestRecord, type ReactionRecord, type SimEvent } from "./state.js";
import { deliver, type DeliverOptions, type DeliveryRecord } from "./webhooks.js";

export type { AccountRecord, AnnotationRecord, AppRecord, CheckRunRecord, CommentRecord, IssueRecord, PullRequestRecord, ReactionRecord, SimEvent } from "./state.js";
export type { DeliverOptions, DeliveryRecord } from "./webhooks.js";
export type { FaultOptions, Hold, HoldOptions, RateLimitOptions, SecondaryRateLimitOptions } from "./faults.js";
export type { InvalidRequest, InvalidResponse, RequestEntry } from "./request-log.js";
export type { RepoOptions, TreeItem } from "./repo-store.js";
export type { CheckSuiteOptions, IssueCommentOptions, PullRequestPayloadOptions, PushOptions } from "./payloads.js";
export { GitRepository } from "./repo-store.js";
export { signature256 } from "./webhooks.js";
export { ZERO_SHA } from "./payloads.js";

export interface GitHubSimOptions {
  /** The app's id (default 4242). */
  readonly appId?: number;
  /** The app's slug (default "phase-gate"): its bot is `<slug>[bot]`. */
  readonly appSlug?: string;
  /** The app's private key (PEM); a throwaway RSA key is generated when absent. */
  readonly privateKey?: string;
  /** The webhook secret deliveries are signed with (default "sim-webhook-secret"). */
  readonly webhookSecret?: string;
  /** Entries of a recursive tree listing at most before `truncated: true` (default 100 000, GitHub's). */
  readonly treeLimit?: number;
  /** Bytes of a recursive tree listing's entries at most before `truncated: true` (default 7 MiB, GitHub's "7 MB"; Infinity for none). */
  readonly treeMaxBytes?: number;
  /** Milliseconds every response waits (default 0). */
  readonly latencyMs?: number;
  readonly rateLimit?: RateLimitOptions;
  /** Validate every 2xx JSON response against GitHub's description too (`invalidResponses()`); default false (costly). */
  readonly validateResponses?: boolean;
  /** The port to listen on (default: a random free port). */
  readonly port?: number;
}

export interface PullRequestOptions {
  readonly number?: number;
  readonly title?: string;
  readonly body?: string;
  /** The author (default `octocat`). */
  readonly user?: string;
  readonly draft?: boolean;
  /** The head branch, or `{ ref, sha }` to pin the commit (otherwise the branch's current head, as GitHub follows it). */
  readonly head: string | { readonly ref: string; readonly sha?: string };
  /** The base branch (default: the default branch), or `{ ref, sha }`. */
  readonly base?: string | { readonly ref: string; readonly sha?: string };
}

export interface WaitOptions {
  /** Rejects after this many milliseconds (default 30 000); a safety net, not a measurement. */
  readonly timeoutMs?: number;
  /** Says what was awaited in the timeout's message. */
  readonly description?: string;
}

/** The SHAs GitHub's API would show for a state's check runs, and a list filter. */
export interface CheckRunFilter {
  readonly headSha?: string;
  readonly name?: string;
}

const API_OPERATIONS = Object.keys(HANDLERS);
const WEBHOOKS = ["push", "pull-request-opened", "pull-request-synchronize", "pull-request-reopened", "issue-comment-created", "check-suite-requested", "check-suite-rerequested"];

export class GitHubSim {
  readonly appId: number;
  readonly appSlug: string;
  /** `<slug>[bot]`: the login of the app's comments. */
  readonly botLogin: string;
  /** The app's private key, PEM (pass it to the app as PRIVATE_KEY). */
  readonly privateKey: string;
  readonly webhookSecret: string;
  /** Entries of a recursive tree at most (a repository's own `treeLimit` wins); may be changed any time. */
  treeLimit: number;
  /** Bytes of a recursive tree's entries at most (a repository's own `treeMaxBytes` wins); may be changed any time. */
  treeMaxBytes: number;
  readonly state = new SimState();
  readonly log = new RequestLog();
  readonly faults: Faults;
  /** `"change"` (a `SimEvent`: check run, comment, reaction), `"request"` (a `RequestEntry`), `"delivery"` (a `DeliveryRecord`). */
  readonly events = new EventEmitter();
  readonly #app: AppRecord;
  readonly #auth: Auth;
  readonly #server: SimServer;
  readonly #port: number;
  readonly #repos = new Map<string, GitRepository>();
  readonly #reposById = new Map<number, GitRepository>();
  readonly #installations = new Set<number>();
  readonly #deliveries: DeliveryRecord[] = [];
  readonly #waiters = new Set<(error: Error) => void>();
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  #origin: string | null = null;
  #nextRepoId = 1000;
  #hookId = 0;

  constructor(options: GitHubSimOptions = {}) {
    this.appId = options.appId ?? 4242;
    this.appSlug = options.appSlug ?? "phase-gate";
    this.botLogin = `${this.appSlug}[bot]`;
    this.privateKey =
      options.privateKey ??
      crypto.generateKeyPairSync("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
      }).privateKey;
    this.webhookSecret = options.webhookSecret ?? "sim-webhook-secret";
    this.treeLimit = options.treeLimit ?? 100_000;
    this.treeMaxBytes = options.treeMaxBytes ?? 7 * 1024 * 1024;
    this.#port = options.port ?? 0;
    this.faults = new Faults(options.rateLimit);
    this.faults.latencyMs = options.latencyMs ?? 0;
    this.#hookId = 400_000_000 + this.appId;
    this.events.setMaxListeners(0);
    this.state.events.on("change", (event: SimEvent) => this.events.emit("change", event));
    this.#app = {
      id: this.appId,
      slug: this.appSlug,
      name: this.appSlug,
      owner: this.state.user("phase-gate-org", "Organization"),
      bot: this.state.user(this.botLogin, "Bot"),
      createdAt: "2024-01-01T00:00:00Z",
    };
    this.#auth = new Auth({ appId: this.appId, clientId: `Iv1.${this.appId.toString(16).padStart(16, "0")}`, publicKey: crypto.createPublicKey(this.privateKey) });
    if (options.validateResponses) useSchemas({ responses: API_OPERATIONS });
    this.#server = new SimServer({
      ctx: () => this.#context(),
      log: this.log,
      faults: this.faults,
      validateResponses: options.validateResponses ?? false,
      repoById: (id) => this.#reposById.get(id),
      onRequest: (entry) => this.events.emit("request", entry),
    });
  }

  // --- Lifecycle ------------------------------------------------------------------------------------

  /** Starts the server on 127.0.0.1; resolves with the REST base URL, `http://127.0.0.1:<port>/api/v3`. */
  async start(): Promise<string> {
    if (this.#origin === null) this.#origin = await this.#server.listen(this.#port);
    return this.apiUrl;
  }

  /** Stops the server, the git children and the webhook connections; pending waiters reject. */
  async stop(): Promise<void> {
    for (const reject of [...this.#waiters]) reject(new Error("the simulated GitHub stopped"));
    this.faults.releaseHolds();
    await this.#server.close();
    await Promise.all([...this.#repos.values()].map((r) => r.close()));
    this.#agent.destroy();
    this.#origin = null;
  }

  /** `http://127.0.0.1:<port>` (the "web" host: html_url, GHE_HOST). */
  get origin(): string {
    if (this.#origin === null) throw new Error("the simulated GitHub is not started");
    return this.#origin;
  }

  /** `http://127.0.0.1:<port>/api/v3`: Octokit's `baseUrl` (Probot's with GHE_HOST). */
  get apiUrl(): string {
    return `${this.origin}/api/v3`;
  }

  /** `127.0.0.1:<port>`: GHE_HOST. */
  get host(): string {
    return new URL(this.origin).host;
  }

  /** What `probot run` needs to use this simulator: GHE_HOST, GHE_PROTOCOL, APP_ID, PRIVATE_KEY, WEBHOOK_SECRET. */
  env(): Record<string, string> {
    return { GHE_HOST: this.host, GHE_PROTOCOL: "http", APP_ID: String(this.appId), PRIVATE_KEY: this.privateKey, WEBHOOK_SECRET: this.webhookSecret };
  }

  // --- Repositories and declared state --------------------------------------------------------------

  /** Serves a git repository on disk as `owner/name`, visible to the installation `installationId`. */
  addRepo(options: RepoOptions): GitRepository {
    const key = `${options.owner}/${options.name}`.toLowerCase();
    if (this.#repos.has(key)) throw new Error(`${options.owner}/${options.name} is already added`);
    const repo = new GitRepository(options, this.#nextRepoId++);
    this.#repos.set(key, repo);
    this.#reposById.set(repo.id, repo);
    this.#installations.add(options.installationId);
    return repo;
  }

  /** An installation with no repository (its token can be created). */
  addInstallation(installationId: number): void {
    this.#installations.add(installationId);
  }

  repo(owner: string, name: string): GitRepository {
    const repo = this.#repos.get(`${owner}/${name}`.toLowerCase());
    if (repo === undefined) throw new Error(`${owner}/${name}: not added (addRepo)`);
    return repo;
  }

  addPullRequest(owner: string, name: string, options: PullRequestOptions): PullRequestRecord {
    const repo = this.repo(owner, name);
    const end = (value: PullRequestOptions["head"]): { ref: string; sha?: string } => (typeof value === "string" ? { ref: value } : { ...value });
    return this.state.addPullRequest(repo.fullName, {
      ...options,
      head: end(options.head),
      base: end(options.base ?? repo.defaultBranch),
    });
  }

  pullRequest(owner: string, name: string, number: number): PullRequestRecord {
    const pr = this.state.pullRequest(this.repo(owner, name).fullName, number);
    if (pr === undefined) throw new Error(`${owner}/${name}#${number}: no such pull request`);
    return pr;
  }

  addIssue(owner: string, name: string, options: { number?: number; title?: string; user?: string } = {}): IssueRecord {
    return this.state.addIssue(this.repo(owner, name).fullName, options);
  }

  /** A comment by a person (or another bot), without a webhook (see `payloads.issueComment` for both). */
  addComment(owner: string, name: string, issueNumber: number, options: IssueCommentOptions): CommentRecord {
    const user = this.state.user(options.user ?? "octocat", options.userType ?? "User");
    return this.state.addComment(this.repo(owner, name).fullName, issueNumber, options.body, user, null);
  }

  /** `GET /repos/{o}/{r}/collaborators/{user}/permission` answers this (default: "read" on a public repository, "none" on a private one). */
  setPermission(owner: string, name: string, login: string, permission: "admin" | "write" | "read" | "none"): void {
    this.state.setPermission(this.repo(owner, name).fullName, login, permission);
  }

  // --- State, as tests and benchmarks read it ----------------------------------------------------------

  /** Check runs of a repository, oldest first (filtered by commit and name). */
  checkRuns(owner: string, name: string, filter: CheckRunFilter = {}): CheckRunRecord[] {
    const runs = this.state.checkRuns(this.repo(owner, name).fullName, filter.headSha);
    return filter.name === undefined ? runs : runs.filter((r) => r.name === filter.name);
  }

  /** Comments of an issue or pull request, oldest first. */
  comments(owner: string, name: string, issueNumber: number): CommentRecord[] {
    return this.state.comments(this.repo(owner, name).fullName, issueNumber);
  }

  reactions(owner: string, name: string, commentId: number): ReactionRecord[] {
    const comment = this.state.comment(this.repo(owner, name).fullName, commentId);
    return comment === undefined ? [] : this.state.reactions(comment.id);
  }

  // --- Requests --------------------------------------------------------------------------------------

  /** Every request answered since the last `reset()`, in order. */
  requests(): readonly RequestEntry[] {
    return this.log.entries;
  }

  /** Requests of a route (`"GET /repos/{owner}/{repo}/git/blobs/{file_sha}"`, or `"/repos/…"` for any method), or all. */
  count(route?: string): number {
    return this.log.count(route);
  }

  /** Requests per route (`METHOD /template`). */
  countByRoute(): Record<string, number> {
    return this.log.byRoute();
  }

  /** Requests GitHub's description says GitHub would refuse (answered 422), since the last `reset()`. */
  invalidRequests(): readonly InvalidRequest[] {
    return this.log.invalidRequests;
  }

  /** Responses of the simulator that do not match GitHub's description (with `validateResponses`). */
  invalidResponses(): readonly InvalidResponse[] {
    return this.log.invalidResponses;
  }

  /** Requests of operations GitHub has and the simulator does not implement (answered 404). */
  unimplementedRequests(): readonly RequestEntry[] {
    return this.log.entries.filter((e) => e.operationId !== null && !e.implemented);
  }

  /** Forgets the request log, invalid requests and responses, and deliveries (not the state, not the faults). */
  reset(): void {
    this.log.reset();
    this.#deliveries.length = 0;
  }

  // --- Faults ------------------------------------------------------------------------------------------

  /**
   * The next `times` (default 1) requests of a route (or any; `repo` for one repository's) wait
   * until `release()` (or `clearFaults()`, `stop()`); `reached` resolves when the first waits.
   */
  hold(options: HoldOptions = {}): Hold {
    return this.faults.hold(options);
  }

  /** The next `times` requests of a route (or any; `repo` for one repository's) answer `status` (500/502/503/504). */
  fault(options: FaultOptions): void {
    this.faults.fault(options);
  }

  /** The next `times` requests of a route (or any) are refused with a secondary rate limit (403 or 429, `retry-after`). */
  secondaryRateLimit(options: SecondaryRateLimitOptions = {}): void {
    this.faults.secondaryRateLimit(options);
  }

  get latencyMs(): number {
    return this.faults.latencyMs;
  }

  set latencyMs(ms: number) {
    this.faults.latencyMs = ms;
  }

  /** Drops every injected fault and the latency, and releases every hold. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Every installation token issued so far stops working (401 "Bad credentials"). */
  expireTokens(): void {
    this.#auth.expireTokens();
  }

  // --- Credentials for tests ------------------------------------------------------------------------

  /** A JWT of the app (RS256, ten minutes), as Octokit's app auth makes it. */
  appJwt(): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
    const unsigned = `${part({ alg: "RS256", typ: "JWT" })}.${part({ iat: now - 30, exp: now + 540, iss: this.appId })}`;
    const signature = crypto.sign("RSA-SHA256", Buffer.from(unsigned), this.privateKey).toString("base64url");
    return `${unsigned}.${signature}`;
  }

  /** An installation token, without the JWT exchange. */
  installationToken(installationId: number): string {
    if (!this.#installations.has(installationId)) throw new Error(`no installation ${installationId}`);
    return this.#auth.issue(installationId).token;
  }

  // --- Webhooks -----------------------------------------------------------------------------------------

  /** Payload builders from the simulator's state (real SHAs of the git repositories). */
  readonly payloads = {
    push: (owner: string, name: string, options?: PushOptions) => pushPayload(this.#payloadContext(), this.repo(owner, name), options),
    pullRequest: (owner: string, name: string, number: number, action: "opened" | "synchronize" | "reopened", options?: PullRequestPayloadOptions) =>
      pullRequestPayload(this.#payloadContext(), this.repo(owner, name), this.pullRequest(owner, name, number), action, options),
    /** Stores the comment (as GitHub does before it sends the event) and builds `issue_comment.created`. */
    issueComment: (owner: string, name: string, issueNumber: number, options: IssueCommentOptions) =>
      issueCommentPayload(this.#payloadContext(), this.repo(owner, name), issueNumber, options),
    checkSuite: (owner: string, name: string, action: "requested" | "rerequested", options?: CheckSuiteOptions) =>
      checkSuitePayload(this.#payloadContext(), this.repo(owner, name), action, options),
  };

  /**
   * POSTs a delivery to the app (`appUrl`: its webhook URL, e.g. `http://127.0.0.1:3000/api/github/webhooks`),
   * signed like GitHub. Resolves with what the app answered (`status` 0: no answer); never rejects.
   */
  async deliver(appUrl: string, options: DeliverOptions): Promise<DeliveryRecord> {
    const record = await deliver(appUrl, options, { secret: this.webhookSecret, appId: this.appId, hookId: this.#hookId, agent: this.#agent });
    this.#deliveries.push(record);
    this.events.emit("delivery", record);
    return record;
  }

  /** Deliveries sent since the last `reset()`. */
  deliveries(): readonly DeliveryRecord[] {
    return this.#deliveries;
  }

  // --- Waiting ------------------------------------------------------------------------------------------

  /**
   * Resolves with the predicate's first truthy value, checked now and after every state change,
   * request and delivery (no polling). Rejects after `timeoutMs` or when the simulator stops.
   */
  waitFor<T>(predicate: () => T | null | undefined | false | 0 | "", options: WaitOptions = {}): Promise<T> {
    return this.#wait(["change", "request", "delivery"], () => true, predicate, options);
  }

  /**
   * Resolves with the check runs of a commit once there are at least `count` (default 1) and all are
   * completed. Wakes only on changes of that commit's check runs, so many waiters stay cheap.
   */
  waitForCheckRuns(owner: string, name: string, headSha: string, options: WaitOptions & { readonly count?: number } = {}): Promise<CheckRunRecord[]> {
    const repo = this.repo(owner, name);
    const count = options.count ?? 1;
    return this.#wait(
      ["change"],
      (event) => {
        const e = event as SimEvent;
        return (e.type === "check_run.created" || e.type === "check_run.updated") && e.checkRun.headSha === headSha;
      },
      () => {
        const runs = this.state.checkRuns(repo.fullName, headSha);
        return runs.length >= count && runs.every((r) => r.status === "completed") ? runs : undefined;
      },
      { description: `${count} completed check run(s) on ${repo.fullName}@${headSha}`, ...options },
    );
  }

  #wait<T>(channels: readonly string[], relevant: (event: unknown) => boolean, predicate: () => T | null | undefined | false | 0 | "", options: WaitOptions): Promise<T> {
    const first = predicate();
    if (first) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 30_000;
      const cleanup = (): void => {
        clearTimeout(timer);
        for (const channel of channels) this.events.off(channel, onEvent);
        this.#waiters.delete(fail);
      };
      const fail = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const onEvent = (event: unknown): void => {
        if (!relevant(event)) return;
        let value: T | null | undefined | false | 0 | "";
        try {
          value = predicate();
        } catch (error) {
          fail(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => fail(new Error(`waitFor: not reached after ${timeoutMs} ms: ${options.description ?? "the predicate"}`)), timeoutMs);
      for (const channel of channels) this.events.on(channel, onEvent);
      this.#waiters.add(fail);
    });
  }

  // --- Internals ----------------------------------------------------------------------------------------

  get #urls(): objects.Urls {
    return { api: this.apiUrl, web: this.origin };
  }

  async #heads(repo: GitRepository, pr: PullRequestRecord): Promise<{ head: string; base: string }> {
    const head = pr.head.sha ?? (await repo.branchHead(pr.head.ref));
    const base = pr.base.sha ?? (await repo.branchHead(pr.base.ref));
    if (head === null) throw new Error(`${repo.fullName}#${pr.number}: no branch ${pr.head.ref}`);
    if (base === null) throw new Error(`${repo.fullName}#${pr.number}: no branch ${pr.base.ref}`);
    return { head, base };
  }

  #context(): SimContext {
    return {
      state: this.state,
      app: this.#app,
      auth: this.#auth,
      urls: this.#urls,
      repo: (owner, name) => this.#repos.get(`${owner}/${name}`.toLowerCase()),
      hasInstallation: (id) => this.#installations.has(id),
      treeLimit: this.treeLimit,
      treeMaxBytes: this.treeMaxBytes,
      appJson: () => objects.app(this.#app, this.#urls),
      heads: (repo, pr) => this.#heads(repo, pr),
    };
  }

  #payloadContext(): PayloadContext {
    return { state: this.state, urls: this.#urls, appJson: () => objects.app(this.#app, this.#urls), heads: (repo, pr) => this.#heads(repo, pr) };
  }
}

/** The webhook payload schemas the simulator's builders follow (names of `x-webhooks`). */
export const SIM_WEBHOOKS: readonly string[] = WEBHOOKS;
