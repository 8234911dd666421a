/**
 * One audit request, end to end: resolve the commit, read the checklist (default branch, see
 * `config.ts`; kept between deliveries by `checklist-cache.ts`), mark the check runs
 * `in_progress`, audit the commit through the Git Database API, complete the runs, and on a pull
 * request edit the phase-completion comment (the head compared with the base commit).
 * `/phase-report` commands carried by the request are answered last.
 *
 * A job that a newer request has superseded (`control.isCurrent()` turned false) publishes no
 * results: the runs it had opened are closed `cancelled` (so none stays in progress forever), and
 * neither the comment nor any reply is written; the newer request does that.
 */
import type { Probot, ProbotOctokit } from "probot";
import { runAudit } from "../audit/engine.js";
import type { AuditMemo } from "../audit/memo.js";
import type { AuditReport } from "../audit/types.js";
import { formatConfigError } from "../config/format-error.js";
import { CHECKLIST_PATH, type Checklist, type Registry } from "../config/types.js";
import { renderMarkdown } from "../report/markdown.js";
import { phaseComment } from "../report/comment.js";
import { GitHubSnapshot } from "../snapshot/github.js";
import type { AppIdentity } from "./app-login.js";
import type { BlobCache } from "./blob-cache.js";
import {
  CheckRunIds,
  completeCheckRuns,
  closeCheckRuns,
  findCheckRuns,
  openCheckRuns,
  publishConfigError,
  showsResults,
  startCheckRuns,
  type CheckRunTarget,
  type Closing,
  type PhaseRef,
} from "./check-runs.js";
import { react, unknownPhaseReply } from "./commands.js";
import { upsertComment } from "./comment.js";
import type { ChecklistCache } from "./checklist-cache.js";
import { statusOf } from "./retry-create.js";
import { octokitGitData } from "./git-data.js";
import type { JobControl } from "./queue.js";

export type Octokit = InstanceType<typeof ProbotOctokit>;
export type Logger = Probot["log"];

/** What made the app audit. */
export type Trigger =
  | "push"
  | "pull_request"
  | "check_suite.requested"
  | "check_suite.rerequested"
  | "check_run.rerequested"
  | "command"
  | "installation";

/** A `/phase-report` comment to answer. */
export interface CommandRequest {
  readonly commentId: number;
  /** The issue or pull request the comment is on. */
  readonly issueNumber: number;
  /** The phase asked for; absent for every phase. */
  readonly phase?: string;
  readonly deliveryId: string;
}

/** One audit to run, as the handlers make it from an event. */
export interface AuditRequest {
  readonly installationId: number;
  readonly owner: string;
  readonly repo: string;
  /** The commit; null when the event does not say (a command, an installation): resolved when the job runs. */
  readonly sha: string | null;
  /** `refs/heads/<branch>`; null for a pull request, a commit on no known branch, or the default branch when its name is unknown. */
  readonly ref: string | null;
  /** The pull request audited (its phase-completion comment is edited); baseSha null when unknown. */
  readonly pr?: { readonly number: number; readonly baseSha: string | null };
  readonly trigger: Trigger;
  readonly deliveryId: string;
  /** `/phase-report` commands to answer when the audit is done. */
  readonly commands: readonly CommandRequest[];
  /** Read the checklist again rather than use the one kept: set when a merged request was a person's (see `readsFresh`). */
  readonly freshChecklist?: boolean;
}

export interface AuditDeps {
  /** An Octokit of the installation (`app.auth(installationId)`). */
  readonly auth: (installationId: number) => Promise<Octokit>;
  /** The app's id and bot login (`GET /app`, cached). */
  readonly identity: () => Promise<AppIdentity>;
  readonly registry: Registry;
  /** Blobs by SHA, shared by every audit of the process. */
  readonly cache: BlobCache;
  readonly log: Logger;
  /** The web host for file links (GitHub Enterprise Server); default github.com. */
  readonly htmlBase?: string;
  /** The clock for check-run times. */
  readonly now?: () => Date;
  /** Glob matches and check results reused between audits of the process (`audit/memo.ts`). */
  readonly memo?: AuditMemo;
  /** Milliseconds an audit runs before its check runs are shown `in_progress` (default OPEN_RUNS_AFTER_MS; 0: at once). */
  readonly openRunsAfterMs?: number;
  /** Checklists kept between deliveries (`checklist-cache.ts`). */
  readonly checklists: ChecklistCache;
}

export type AuditOutcome =
  | { readonly kind: "published"; readonly sha: string; readonly report: AuditReport; readonly comment?: string }
  | { readonly kind: "config-error"; readonly sha: string }
  | { readonly kind: "superseded"; readonly sha: string | null }
  | { readonly kind: "commands-only" }
  | { readonly kind: "nothing-to-audit"; readonly reason: string };

/**
 * The coalescing key of a request: the pull request; else the ref; else the commit (a fork's
 * check suite names no branch); else the default branch.
 */
export function requestKey(request: AuditRequest): string {
  const repo = `${request.owner}/${request.repo}`.toLowerCase();
  if (request.pr) return `${repo}#pr:${request.pr.number}`;
  if (request.ref !== null) return `${repo}@${request.ref}`;
  if (request.sha !== null) return `${repo}@sha:${request.sha}`;
  return `${repo}@default-branch`;
}

/** Locks besides the key: one audit of a commit at a time, so its check runs are never created twice. */
export function requestLocks(request: AuditRequest): string[] {
  return request.sha === null ? [] : [`${request.owner}/${request.repo}`.toLowerCase() + `@commit:${request.sha}`];
}

/**
 * The queue's merge: the newer request, carrying the older one's commands still to answer. A
 * command merged into an event keeps the event's trigger, so that the event's audit still runs
 * when the command itself asks for nothing (an unknown phase id).
 */
export function mergeRequests(older: AuditRequest, newer: AuditRequest): AuditRequest {
  const commands = [...older.commands];
  for (const c of newer.commands) if (!commands.some((o) => o.commentId === c.commentId)) commands.push(c);
  const trigger = newer.trigger === "command" ? older.trigger : newer.trigger;
  const fresh = readsFresh(older) || readsFresh(newer);
  return { ...newer, trigger, pr: newer.pr ?? older.pr, commands, ...(fresh ? { freshChecklist: true } : {}) };
}

/**
 * Whether the request reads the checklist again instead of using the one kept (`checklist-cache.ts`):
 * a person asked (a re-run, a command, an installation), or a request merged into it did.
 */
export function readsFresh(request: AuditRequest): boolean {
  return request.freshChecklist === true || !AUTOMATIC.has(request.trigger) || request.commands.length > 0;
}

/** Whether `newer` makes the running `older` stale: another commit (or one to resolve that may be). */
export function supersedes(running: AuditRequest, newer: AuditRequest): boolean {
  return newer.sha !== null && newer.sha !== running.sha;
}

/** What GitHub sends on its own; the other triggers are a person asking (a re-run, a command, an installation). */
const AUTOMATIC: ReadonlySet<Trigger> = new Set<Trigger>(["push", "pull_request", "check_suite.requested"]);

/** Whether `newer` only repeats what the running job does (the push and check_suite events of one push). */
export function duplicates(running: AuditRequest, newer: AuditRequest): boolean {
  return running.sha !== null && newer.sha === running.sha && newer.commands.length === 0 && AUTOMATIC.has(newer.trigger);
}

/** Runs one request. Throws on API failures (the queue logs them); commands get 😕 first. */
export async function auditCommit(deps: AuditDeps, request: AuditRequest, control: JobControl): Promise<AuditOutcome> {
  const log = deps.log.child({
    repo: `${request.owner}/${request.repo}`,
    deliveryId: request.deliveryId,
    trigger: request.trigger,
    ...(request.pr ? { pr: request.pr.number } : {}),
  });
  const octokit = await deps.auth(request.installationId);
  try {
    return await run(deps, request, control, octokit, log);
  } catch (error) {
    // The commands were acknowledged with 👀: say it went wrong (best effort), then let the queue log it.
    if (control.isCurrent()) {
      for (const command of request.commands) {
        await react(octokit, { owner: request.owner, repo: request.repo, commentId: command.commentId }, "confused").catch(() => undefined);
      }
    }
    throw error;
  }
}

async function run(deps: AuditDeps, request: AuditRequest, control: JobControl, octokit: Octokit, log: Logger): Promise<AuditOutcome> {
  const { owner, repo } = request;
  const read = await deps.checklists.read(octokit, { owner, repo }, deps.registry, { fresh: readsFresh(request) });
  const identity = await deps.identity();

  // Commands for a phase the checklist does not have: answered at once, and not audited for.
  const commands: CommandRequest[] = [];
  for (const command of request.commands) {
    if (!read.ok || command.phase === undefined || read.checklist.phases.some((p) => p.id === command.phase)) {
      commands.push(command);
      continue;
    }
    if (!control.isCurrent()) return superseded(log, request.sha);
    await reply(octokit, request, command, identity, unknownPhaseReply(command.phase, read.checklist.phases));
    await react(octokit, { owner, repo, commentId: command.commentId }, "confused");
    log.debug({ commentId: command.commentId, phase: command.phase }, "unknown phase id in /phase-report");
  }
  if (request.trigger === "command" && commands.length === 0) return { kind: "commands-only" };

  const target = await resolveTarget(octokit, request);
  if (target === null) {
    log.info({ reason: "no commit" }, "nothing to audit: the branch has no commit");
    return { kind: "nothing-to-audit", reason: "the branch has no commit" };
  }
  const { sha } = target;
  const shaLog = log.child({ sha });
  if (!control.isCurrent()) return superseded(shaLog, sha);
  const runTarget: CheckRunTarget = { owner, repo, headSha: sha, appId: identity.id };
  const publishOptions = deps.now ? { now: deps.now } : {};
  // What GitHub sent on its own leaves a run that already shows this result alone; a person's re-run rewrites it.
  const resultOptions = { ...publishOptions, skipUnchanged: !readsFresh(request) };

  if (!read.ok) {
    await publishConfigError(octokit, runTarget, read.errors, CHECKLIST_PATH, resultOptions);
    for (const command of commands) {
      await reply(octokit, request, command, identity, configErrorReply(read.errors.map(formatConfigError)));
      await react(octokit, { owner, repo, commentId: command.commentId }, "confused");
    }
    shaLog.info({ errors: read.errors.length }, "the checklist is not valid: published the configuration check run");
    return { kind: "config-error", sha };
  }
  const { checklist } = read;

  const phases = checklist.phases.map((p) => ({ id: p.id, name: p.name }));
  const runs = new CheckRunIds();
  let report: AuditReport;
  try {
    report = await auditWithRuns(deps, octokit, request, sha, checklist, runTarget, phases, runs);
    if (!control.isCurrent()) {
      await closeCheckRuns(octokit, runTarget, phases, runs, supersededClosing(sha), publishOptions);
      return superseded(shaLog, sha);
    }
    await completeCheckRuns(octokit, runTarget, report, runs, resultOptions);
  } catch (error) {
    // No run stays in progress forever: those this job opened say it could not finish (best effort).
    const closing = { title: "The audit could not finish", summary: `phase-gate could not finish auditing ${sha}: ${describeError(error)}. Re-run the check to try again.`, createMissing: true };
    await closeCheckRuns(octokit, runTarget, phases, runs, closing, publishOptions).catch(
      (closeError: unknown) => shaLog.warn({ err: closeError }, "could not close the check runs of a failed audit"),
    );
    throw error;
  }

  let comment: string | undefined;
  const pr = target.pr;
  if (pr) {
    const base = pr.baseSha === null ? null : await auditBase(deps, octokit, request, pr.baseSha, checklist, shaLog);
    const body =
      base === null
        ? phaseComment(report, null, { baseNote: pr.baseSha === null ? "the base commit is not known" : "the base commit could not be audited" })
        : phaseComment(report, base);
    if (!control.isCurrent()) return superseded(shaLog, sha);
    comment = await upsertComment(octokit, { owner, repo, issueNumber: pr.number }, body, { botLogin: identity.login });
  }

  for (const command of commands) {
    if (!control.isCurrent()) return superseded(shaLog, sha);
    const shown = command.phase === undefined ? report : { ...report, phases: report.phases.filter((p) => p.id === command.phase) };
    await reply(octokit, request, command, identity, renderMarkdown(shown, { maxLength: 60_000 }));
    await react(octokit, { owner, repo, commentId: command.commentId }, "rocket");
  }

  shaLog.info(
    { phases: report.phases.map((p) => `${p.id}:${p.status}`).join(" "), comment, commands: commands.length },
    "audited and published",
  );
  return { kind: "published", sha, report, ...(comment !== undefined ? { comment } : {}) };
}

interface ResolvedTarget {
  readonly sha: string;
  readonly pr?: { readonly number: number; readonly baseSha: string | null };
}

/**
 * The commit to audit: the request's, the pull request's head (with its base), or the head of the
 * branch (the default branch when none is named). Null for a branch without commits.
 */
async function resolveTarget(octokit: Octokit, request: AuditRequest): Promise<ResolvedTarget | null> {
  const { owner, repo } = request;
  if (request.pr) {
    if (request.sha !== null && request.pr.baseSha !== null) return { sha: request.sha, pr: request.pr };
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: request.pr.number });
    return { sha: request.sha ?? data.head.sha, pr: { number: request.pr.number, baseSha: request.pr.baseSha ?? data.base.sha } };
  }
  if (request.sha !== null) return { sha: request.sha };
  let branch = request.ref?.startsWith("refs/heads/") ? request.ref.slice("refs/heads/".length) : null;
  if (branch === null) {
    const { data } = await octokit.rest.repos.get({ owner, repo });
    branch = data.default_branch;
  }
  try {
    const { data } = await octokit.rest.repos.getBranch({ owner, repo, branch });
    return { sha: data.commit.sha };
  } catch (error) {
    // An empty repository has no branch yet.
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** Default of `AuditDeps.openRunsAfterMs`. */
export const OPEN_RUNS_AFTER_MS = 1_000;

/**
 * Audits the commit with its check runs found first (a redelivery or a re-run updates them) and
 * opened `in_progress` only when the audit takes longer than `openRunsAfterMs` (0: before it
 * starts). A fast audit then costs one write per phase, the run created already completed, instead
 * of two: under load, writes are what GitHub limits (secondary limits count a write five times a
 * read, and Probot paces an installation's writes a second apart).
 */
async function auditWithRuns(
  deps: AuditDeps,
  octokit: Octokit,
  request: AuditRequest,
  sha: string,
  checklist: Checklist,
  runTarget: CheckRunTarget,
  phases: readonly PhaseRef[],
  runs: CheckRunIds,
): Promise<AuditReport> {
  const publishOptions = deps.now ? { now: deps.now } : {};
  const after = deps.openRunsAfterMs ?? OPEN_RUNS_AFTER_MS;
  if (after <= 0) {
    await startCheckRuns(octokit, runTarget, phases, publishOptions, runs);
    return audit(deps, octokit, request, sha, checklist);
  }
  await findCheckRuns(octokit, runTarget, phases, publishOptions, runs);
  // The commit's runs already show a result and GitHub sent this on its own (the push and the
  // synchronize of one head): they are not shown in progress meanwhile, only updated if it differs.
  const reopen = readsFresh(request) || !showsResults(runs, phases);
  const auditing = audit(deps, octokit, request, sha, checklist);
  let settled = false;
  const ended = auditing.then(
    () => (settled = true),
    () => (settled = true),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, after)))]);
  clearTimeout(timer);
  // Still running after `after` ms (one that ended just then publishes its results straight away).
  if (!settled && reopen) {
    try {
      await openCheckRuns(octokit, runTarget, phases, publishOptions, runs);
    } catch (error) {
      // The audit is not left running on its own once its job has failed.
      await auditing.catch(() => undefined);
      throw error;
    }
  }
  return auditing;
}

async function audit(deps: AuditDeps, octokit: Octokit, request: AuditRequest, sha: string, checklist: Checklist): Promise<AuditReport> {
  const snapshot = new GitHubSnapshot({
    client: octokitGitData(octokit, request.owner, request.repo),
    owner: request.owner,
    repo: request.repo,
    commit: sha,
    cache: deps.cache,
    ...(deps.htmlBase !== undefined ? { htmlBase: deps.htmlBase } : {}),
  });
  return runAudit(snapshot, checklist, deps.memo !== undefined ? { memo: deps.memo } : {});
}

/** The audit of the pull request's base commit with the same checklist; null when it fails (the comment then says so). */
async function auditBase(deps: AuditDeps, octokit: Octokit, request: AuditRequest, baseSha: string, checklist: Checklist, log: Logger): Promise<AuditReport | null> {
  try {
    return await audit(deps, octokit, request, baseSha, checklist);
  } catch (error) {
    log.warn({ err: error, baseSha }, "the base commit could not be audited");
    return null;
  }
}

/** Runs of a commit a newer one superseded while it was audited: closed `cancelled`, which a required check does not pass. */
function supersededClosing(sha: string): Closing {
  return { title: "Superseded", summary: `A newer commit was pushed while ${sha} was audited; its result is not published.`, createMissing: false };
}

function describeError(error: unknown): string {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return `${status !== undefined ? `GitHub answered ${status}: ` : ""}${message.split("\n")[0]?.slice(0, 300) ?? ""}`;
}

function superseded(log: Logger, sha: string | null): AuditOutcome {
  log.info("superseded by a newer request: nothing published");
  return { kind: "superseded", sha };
}

/** The reply to a command: one comment per command comment, edited if the command is answered again (a redelivery). */
async function reply(octokit: Octokit, request: AuditRequest, command: CommandRequest, identity: AppIdentity, text: string): Promise<void> {
  const marker = `<!-- phase-gate:reply:${command.commentId} -->`;
  await upsertComment(octokit, { owner: request.owner, repo: request.repo, issueNumber: command.issueNumber }, `${marker}\n${text}`, {
    botLogin: identity.login,
    marker,
  });
}

function configErrorReply(errors: readonly string[]): string {
  const shown = errors.slice(0, 20).map((e) => `- \`${e.replace(/`/g, "'")}\``);
  const more = errors.length > 20 ? [`- … and ${errors.length - 20} more`] : [];
  return [`The checklist \`${CHECKLIST_PATH}\` is not valid, so nothing was audited:`, "", ...shown, ...more, "", 'See the check run "phase-gate configuration".'].join("\n");
}
