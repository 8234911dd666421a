/**
 * What the app tests share: a Probot with retry and throttle disabled the verified way (the
 * function form of `ProbotOctokit.defaults`), a throwaway RSA key, a logger the tests read, real
 * `@octokit/webhooks-examples` payloads with an installation id, and a simulated repository on
 * the GitHub API (nock, every request validated against GitHub's OpenAPI description).
 */
import crypto from "node:crypto";
import { createRequire } from "node:module";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { createApp, type AppOptions, type PhaseGateApp } from "../../src/index.js";
import { expect } from "vitest";
import { assertRequestsValid, githubApi } from "../support/openapi.js";

export const APP_ID = 123;
export const APP_SLUG = "phase-gate";
export const BOT_LOGIN = `${APP_SLUG}[bot]`;
export const INSTALLATION_ID = 4242;
export const API = "https://api.github.com";

/** One throwaway key for the test process; never written to disk. */
export const privateKey = crypto.generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
}).privateKey;

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface Harness {
  readonly probot: Probot;
  readonly app: PhaseGateApp;
  readonly logs: LogLine[];
  /** Log lines at error level (a failed audit is logged, not thrown: the queue isolates it). */
  errors(): LogLine[];
  /** Feeds an event through `probot.receive`, then waits for every audit it queued. */
  deliver(name: string, payload: object, id?: string): Promise<void>;
}

let deliveries = 0;

/** Requests nock had no reply for (the app asked GitHub something no test expected). */
const unmatched: string[] = [];
nock.emitter.on("no match", (req: { method?: string; path?: string; href?: string; options?: { method?: string; path?: string } }) => {
  unmatched.push(`${req.method ?? req.options?.method ?? "?"} ${req.path ?? req.options?.path ?? req.href ?? "?"}`);
});

/** The requests no mock answered since the last call; an app test expects none. */
export function unexpectedRequests(): string[] {
  return unmatched.splice(0, unmatched.length);
}

export async function harness(options: AppOptions = {}): Promise<Harness> {
  const logs: LogLine[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
  const probot = new Probot({
    appId: APP_ID,
    privateKey,
    log,
    Octokit: ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })),
  });
  // The shipped checks: the app's default registry. Runs are opened in progress before each audit
  // (the request sequences these tests spell out); `app.fast-runs.test.ts` tests the default, where
  // a fast audit creates its runs already completed.
  const app = createApp({ openRunsAfterMs: 0, ...options });
  await probot.load(app);
  return {
    probot,
    app,
    logs,
    errors: () => logs.filter((l) => l.level >= 50),
    async deliver(name, payload, id) {
      await probot.receive({ id: id ?? `delivery-${++deliveries}`, name, payload } as never);
      await app.idle();
    },
  };
}

interface Example {
  readonly name: string;
  readonly actions: readonly string[];
  readonly examples: readonly Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as readonly Example[];

/**
 * A real payload of `@octokit/webhooks-examples` (the first of that event and action, or the
 * `index`-th), deep-copied, with `installation.id` set (most examples lack it).
 */
export function example(name: string, action?: string, index = 0): Record<string, unknown> & { installation: { id: number } } {
  const all = examples.find((e) => e.name === name)?.examples ?? [];
  const matching = all.filter((p) => action === undefined || p.action === action);
  const found = matching[index];
  if (!found) throw new Error(`no example ${name}.${action ?? ""} #${index}`);
  const copy = structuredClone(found) as Record<string, unknown>;
  const installation = (typeof copy.installation === "object" && copy.installation !== null ? copy.installation : {}) as Record<string, unknown>;
  return Object.assign(copy, { installation: { ...installation, id: INSTALLATION_ID } });
}

/** Git's blob id of a text. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return crypto.createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

export type Files = Readonly<Record<string, string>>;

/** A nock scope for api.github.com whose every request is validated against GitHub's OpenAPI description. */
export function api(): nock.Scope {
  return githubApi(API);
}

/** The installation token (once per installation and Probot) and `GET /app` (once per app). */
export function mockAuth(scope: nock.Scope, { app = true, installations = [INSTALLATION_ID] }: { app?: boolean; installations?: readonly number[] } = {}): nock.Scope {
  for (const id of installations) {
    scope.post(`/app/installations/${id}/access_tokens`).reply(201, { token: `ghs_test_${id}`, expires_at: "2099-01-01T00:00:00Z", permissions: {} });
  }
  if (app) scope.get("/app").reply(200, { id: APP_ID, slug: APP_SLUG, name: "phase-gate", owner: { login: "phase-gate" } });
  return scope;
}

const RAW = { "content-type": "text/plain; charset=utf-8" };

/** The checklist on the default branch (`contents` with no ref), or none (404 here and in the owner's `.github`). */
export function mockChecklist(scope: nock.Scope, owner: string, repo: string, text: string | null): nock.Scope {
  const path = (r: string) => `/repos/${owner}/${r}/contents/.github%2Fphase-gate.yml`;
  if (text === null) return scope.get(path(repo)).reply(404, { message: "Not Found" }).get(path(".github")).reply(404, { message: "Not Found" });
  return scope
    .get(path(repo))
    .query((q) => Object.keys(q).length === 0)
    .reply(200, text, RAW);
}

/**
 * A commit: one recursive tree call, and one blob call for each of `read` (the files the
 * checks must read; any other blob request fails the test, as nock has no reply for it).
 */
export function mockCommit(scope: nock.Scope, owner: string, repo: string, sha: string, files: Files, read: readonly string[]): nock.Scope {
  const tree = Object.entries(files).map(([path, content]) => ({
    path,
    mode: "100644",
    type: "blob",
    sha: blobSha(content),
    size: Buffer.byteLength(content, "utf8"),
    url: `${API}/repos/${owner}/${repo}/git/blobs/${blobSha(content)}`,
  }));
  scope.get(`/repos/${owner}/${repo}/git/trees/${sha}`).query({ recursive: "1" }).reply(200, { sha, url: "", truncated: false, tree });
  for (const path of read) {
    const content = files[path];
    if (content === undefined) throw new Error(`${path} is not a file of the commit`);
    const blob = blobSha(content);
    scope.get(`/repos/${owner}/${repo}/git/blobs/${blob}`).reply(200, {
      sha: blob,
      node_id: "",
      url: "",
      size: Buffer.byteLength(content, "utf8"),
      encoding: "base64",
      content: Buffer.from(content, "utf8").toString("base64"),
    });
  }
  return scope;
}

export interface RunReply {
  readonly id: number;
  readonly name: string;
  readonly external_id: string | null;
  readonly status: string;
  readonly conclusion: string | null;
  readonly output?: { readonly title: string | null; readonly summary: string | null; readonly text: string | null; readonly annotations_count: number };
}

/** `GET …/commits/{sha}/check-runs` as `startCheckRuns` asks it: this app's latest runs on the commit. */
export function mockListRuns(scope: nock.Scope, owner: string, repo: string, sha: string, runs: readonly RunReply[] = []): nock.Scope {
  return scope
    .get(`/repos/${owner}/${repo}/commits/${sha}/check-runs`)
    .query({ filter: "latest", per_page: "100", app_id: String(APP_ID) })
    .reply(200, {
      total_count: runs.length,
      check_runs: runs.map((r) => ({ ...r, head_sha: sha, app: { id: APP_ID, slug: APP_SLUG } })),
    });
}

/** A request body as the test saw it. */
export type Body = Record<string, unknown>;

export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly body: Body;
}

/** Records the bodies of the requests a scope receives, by `METHOD path`. */
export function recordBodies(scope: nock.Scope): Seen[] {
  const seen: Seen[] = [];
  scope.on("request", (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    seen.push({ method: req.method, path: req.path, body: parseBody(body) });
  });
  return seen;
}

function parseBody(body: string): Body {
  if (body === "") return {};
  try {
    return JSON.parse(body) as Body;
  } catch {
    return { raw: body };
  }
}

/** A promise and the function that resolves it: lets a test hold a reply until it says so. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

// The repository most tests audit (the owner and name of the webhook examples).

export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const BASE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
export const PUSHED = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";

export const CHECKLIST = `phases:
  - id: phase-1
    name: Foundation
    checks:
      - file-exists: { path: SECURITY.md }
      - file-not-contains: { path: "src/*.py", pattern: "execute\\\\(f" }
  - id: phase-2
    name: Hardening
    gate: advisory
    checks:
      - file-absent: { path: .env }
`;

/** A repository where phase-1 fails (an f-string SQL on line 2 of src/db.py) and phase-2 passes. */
export const FAILING: Readonly<Record<string, string>> = {
  "SECURITY.md": "# Security\n",
  "src/db.py": 'import db\ncursor.execute(f"SELECT * FROM t WHERE id = {x}")\n',
  "README.md": "hello\n",
};
/** The same repository before: no SQL problem, so phase-1 passed at the base. */
export const PASSING: Readonly<Record<string, string>> = {
  "SECURITY.md": "# Security\n",
  "src/db.py": "import db\ncursor.execute(QUERY, (x,))\n",
  "README.md": "hello\n",
};

/** The two phases' runs created in_progress and then completed: the requests a fresh commit needs. */
export function mockPublish(scope: nock.Scope, sha: string, ids: readonly [number, number] = [11, 12]): nock.Scope {
  mockListRuns(scope, OWNER, REPO, sha);
  scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: ids[0] });
  scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: ids[1] });
  scope.patch(`/repos/${OWNER}/${REPO}/check-runs/${ids[0]}`).reply(200, { id: ids[0] });
  scope.patch(`/repos/${OWNER}/${REPO}/check-runs/${ids[1]}`).reply(200, { id: ids[1] });
  return scope;
}

export const posts = (seen: readonly Seen[], suffix: string) =>
  seen.filter((r) => r.method === "POST" && r.path.endsWith(suffix)).map((r) => r.body);
export const patches = (seen: readonly Seen[], infix: string) =>
  seen.filter((r) => r.method === "PATCH" && r.path.includes(infix)).map((r) => r.body);

/** The requests of a pull request's comment, posted for the first time. */
export function mockNewComment(scope: nock.Scope, number = 2): nock.Scope {
  return scope
    .get(`/repos/${OWNER}/${REPO}/issues/${number}/comments`)
    .query({ per_page: "100" })
    .reply(200, [])
    .post(`/repos/${OWNER}/${REPO}/issues/${number}/comments`)
    .reply(201, { id: 901 });
}


/**
 * The end of every app test: every request the app sent is one GitHub would accept, every expected
 * one was made, none went unanswered, and (given a harness) nothing was logged as failed.
 */
export function finishHttp(h?: Harness): void {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  assertRequestsValid();
  expect(pending).toEqual([]);
  expect(unexpectedRequests()).toEqual([]);
  if (h) expect(h.errors()).toEqual([]);
}
