/**
 * What the end-to-end test files share: one simulated GitHub and one real app process per file
 * (`startE2E`), repositories made with real git (one owner and installation per test, so tests
 * stay independent while sharing the process), and the assertions every scenario ends with: the
 * simulator saw no request GitHub would refuse, no route the app has no business calling, and the
 * app logged no error and is still running.
 */
import { expect } from "vitest";
import { commitAll, makeGitRepo, removeDir, writeFiles, type FixtureFiles } from "../support/git-fixture.js";
import { GitHubSim, type CheckRunRecord, type DeliveryRecord, type GitHubSimOptions, type RepoOptions } from "../support/github-sim/index.js";
import { AppProcess, type AppProcessOptions } from "./app-process.js";

/** A scenario's own time limit: generous, as audits wait on Probot's write throttling (1 s per write per installation). */
export const E2E_TIMEOUT = 90_000;
/** Options of the simulator's waiters: a safety net, never a measurement. */
export const WAIT = { timeoutMs: 60_000 } as const;

export interface E2E {
  readonly sim: GitHubSim;
  readonly app: AppProcess;
  /** Temp directories to remove at the end. */
  readonly dirs: string[];
}

export async function startE2E(options: { sim?: GitHubSimOptions; app?: Omit<AppProcessOptions, "sim"> } = {}): Promise<E2E> {
  const sim = new GitHubSim(options.sim);
  await sim.start();
  try {
    const app = await AppProcess.start({ sim, ...options.app });
    return { sim, app, dirs: [] };
  } catch (error) {
    await sim.stop();
    throw error;
  }
}

export async function stopE2E(e: E2E | undefined): Promise<void> {
  if (e === undefined) return;
  if (process.env.E2E_DEBUG) {
    // E2E_DEBUG=1: the simulator's request log (epoch ms, installation, route, status) on stderr.
    for (const r of e.sim.requests()) process.stderr.write(`${r.time} ${r.installationId ?? "-"} ${r.route} ${r.status}${r.fault ? ` (${r.fault})` : ""}\n`);
    for (const l of e.app.lines) {
      const outcome = /^(audited and published|superseded|audit failed|audit request (queued|merged|dropped|superseded|started|finished))/.test(l.msg ?? "");
      if ((l.level ?? 0) >= 40 || l.stream === "stderr" || outcome) process.stderr.write(`APP ${JSON.stringify(l).slice(0, 1500)}\n`);
    }
  }
  await e.app.stop();
  await e.sim.stop();
  for (const dir of e.dirs) removeDir(dir);
}

/** The checklist most scenarios use: two phases, each with a check that annotates a line. */
export const CHECKLIST = `phases:
  - id: phase-1
    name: Foundation
    checks:
      - file-exists: { path: SECURITY.md }
      - file-not-contains: { path: "src/**/*.py", pattern: "execute\\\\(f" }
  - id: phase-2
    name: Hardening
    gate: advisory
    checks:
      - dockerfile-reload
      - index-migrations
`;

export const PHASE_1 = "phase-gate: Foundation";
export const PHASE_2 = "phase-gate: Hardening";
export const PHASES = [PHASE_1, PHASE_2] as const;

/** A repository where every check holds. */
export const GOOD: Readonly<Record<string, string>> = {
  ".github/phase-gate.yml": CHECKLIST,
  "SECURITY.md": "# Security\n\nReport issues to security@example.com.\n",
  "README.md": "# api\n",
  "src/app/db.py": 'import db\n\n\ndef find(x):\n    return db.cursor().execute("SELECT * FROM t WHERE id = %s", (x,))\n',
  "src/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
  Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nEXPOSE 8000\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
  "migrations/0001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
  "migrations/0002_email_idx.sql": "-- add an index\n\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n",
};

/** The offending versions of three files (each finding on a known line). */
export const BAD: Readonly<Record<string, string>> = {
  "src/app/db.py": 'import db\n\n\ndef find(x):\n    return db.cursor().execute(f"SELECT * FROM t WHERE id = {x}")\n',
  Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nEXPOSE 8000\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]\n',
  "migrations/0002_email_idx.sql": "-- add an index\n\nCREATE INDEX users_email_idx ON users (email);\n",
};

/** The 1-based line of the first line of `text` that contains `needle` (the test's own reading of the file). */
export function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`'${needle}' is in no line`);
  return index + 1;
}

let nextInstallation = 7001;

export interface TestRepo {
  readonly owner: string;
  readonly name: string;
  readonly dir: string;
  readonly installationId: number;
  /** `owner/name`, as the app's log lines name it. */
  readonly fullName: string;
  /** Commits `files` on the current branch (written over the work tree); returns the new HEAD. */
  commit(files: FixtureFiles, message?: string): string;
}

/**
 * A git repository served as `owner/name` to a new installation (one per test: its own throttling
 * bucket in the app, its own log lines), holding `files` in one commit on `main`.
 */
export function addRepo(e: E2E, owner: string, files: FixtureFiles, options: Partial<Omit<RepoOptions, "owner" | "dir" | "installationId">> = {}): TestRepo {
  const dir = makeGitRepo(files);
  e.dirs.push(dir);
  const installationId = nextInstallation++;
  const name = options.name ?? "api";
  e.sim.addRepo({ ...options, owner, name, dir, installationId });
  return {
    owner,
    name,
    dir,
    installationId,
    fullName: `${owner}/${name}`,
    commit(changed, message = "change") {
      writeFiles(dir, changed);
      return commitAll(dir, message);
    },
  };
}

/** Delivers a push of the branch's head (the default branch unless named) and expects the app to accept it. */
export async function deliverPush(e: E2E, repo: TestRepo, options: { ref?: string; id?: string } = {}): Promise<DeliveryRecord> {
  const payload = await e.sim.payloads.push(repo.owner, repo.name, options.ref !== undefined ? { ref: options.ref } : {});
  return accepted(await e.sim.deliver(e.app.webhookUrl, { event: "push", payload, ...(options.id !== undefined ? { id: options.id } : {}) }));
}

/** Expects the app to have answered a delivery with 2xx. */
export function accepted(delivery: DeliveryRecord): DeliveryRecord {
  expect(delivery.error ?? null, `delivery ${delivery.id} failed`).toBeNull();
  expect(delivery.status, `delivery ${delivery.id}: ${delivery.body}`).toBeGreaterThanOrEqual(200);
  expect(delivery.status).toBeLessThan(300);
  return delivery;
}

/** The runs of a commit by name (each name once: a second run of a phase fails here). */
export function runsByName(runs: readonly CheckRunRecord[]): Record<string, CheckRunRecord> {
  const names = runs.map((r) => r.name);
  expect(names, "one check run per phase").toEqual([...new Set(names)]);
  return Object.fromEntries(runs.map((r) => [r.name, r]));
}

/** What an annotation points at, for comparison with the file's real offending lines. */
export function annotationPlaces(run: CheckRunRecord | undefined): string[] {
  return (run?.annotations ?? []).map((a) => `${a.path}:${a.start_line}`).sort();
}

/** The operations the app may call on GitHub; anything else is an unexpected route. */
export const APP_ROUTES: ReadonlySet<string> = new Set([
  "POST /app/installations/{installation_id}/access_tokens",
  "GET /app",
  "GET /repos/{owner}/{repo}",
  "GET /repos/{owner}/{repo}/branches/{branch}",
  "GET /repos/{owner}/{repo}/contents/{path}",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}",
  "GET /repos/{owner}/{repo}/git/trees/{tree_sha}",
  "GET /repos/{owner}/{repo}/git/blobs/{file_sha}",
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
  "POST /repos/{owner}/{repo}/check-runs",
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
  "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
]);

/**
 * The end of a scenario: no request GitHub would refuse (OpenAPI validation), none to an operation
 * the simulator lacks or GitHub does not have, none outside the app's routes; the app alive, and
 * no error logged for the repositories given (tests that expect an error filter it themselves).
 */
export function expectClean(e: E2E, repos: readonly TestRepo[] = []): void {
  const { sim, app } = e;
  expect(sim.invalidRequests(), "requests GitHub would refuse").toEqual([]);
  expect(sim.unimplementedRequests().map((r) => `${r.method} ${r.path}`), "operations the simulator does not implement").toEqual([]);
  const unknown = sim.requests().filter((r) => r.operationId === null || !APP_ROUTES.has(r.route));
  expect(unknown.map((r) => `${r.route} (${r.path})`), "unexpected routes").toEqual([]);
  app.assertAlive();
  const names = new Set(repos.map((r) => r.fullName));
  const errors = app.errors((l) => names.size === 0 || (typeof l.repo === "string" && names.has(l.repo)));
  expect(errors.map((l) => JSON.stringify(l).slice(0, 2000)), "errors logged by the app").toEqual([]);
}
