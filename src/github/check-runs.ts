/**
 * Publishing an audit as check runs, idempotently: one run per phase, started `in_progress` when
 * the audit starts and completed with its result. The runs of a commit are found again (this
 * app's runs, by `external_id`, else by name) and updated, so a re-run or a redelivered webhook
 * never adds a second run of a phase. What each run says comes from `src/report/check-run.ts`.
 *
 * Annotations: GitHub takes at most 50 per request and APPENDS those of every update to the run,
 * and no API removes one. So a run that is reused has its annotations listed first, and only the
 * missing ones are sent; annotations of an earlier audit that no longer hold are counted in the
 * run's text (they stay on GitHub).
 *
 * Unchanged runs: the last request that completes a run ends its summary with a hidden marker, a
 * digest of everything the run was sent (`outputMarker`). An automatic audit (`skipUnchanged`: a
 * push, a pull request, a check suite; not a person's re-run) that finds a phase's run completed
 * with the same conclusion and digest sends nothing for it, not even the listing of its
 * annotations: the push and the `synchronize` of one pull-request head, or a redelivery, cost one
 * listing instead of a read and a write per phase. Only the last request carries the marker, so a
 * run whose batches of annotations did not all arrive is never taken for complete.
 *
 * The "phase-gate configuration" run: created failing when the checklist is invalid (and then no
 * phase run is created). When a later audit of the same commit finds the checklist valid (the
 * checklist is read from the default branch, so it can change without a new commit), that run is
 * completed `success` with a note, so a stale failure does not stay on the commit. Runs of phases
 * that are no longer in the checklist are completed `neutral` with a note for the same reason.
 */
import crypto from "node:crypto";
import { createOnce } from "./retry-create.js";
import type { ProbotOctokit } from "probot";
import type { AuditReport } from "../audit/types.js";
import type { ConfigError } from "../config/types.js";
import {
  ANNOTATIONS_PER_REQUEST,
  CHECK_RUN_NAME_PREFIX,
  checkRunName,
  checkRunOutput,
  CONFIG_CHECK_RUN_NAME,
  configErrorOutput,
  OUTPUT_MAX_BYTES,
  type CheckRunAnnotation,
  type CheckRunOutput,
} from "../report/check-run.js";
import { code } from "../report/markdown.js";

type FullOctokit = InstanceType<typeof ProbotOctokit>;

/** The part of Octokit this module uses (`context.octokit` has it). */
export interface ChecksOctokit {
  readonly rest: { readonly checks: Pick<FullOctokit["rest"]["checks"], "create" | "update" | "listForRef" | "listAnnotations"> };
  readonly paginate: Pick<FullOctokit["paginate"], "iterator">;
}

export interface CheckRunTarget {
  readonly owner: string;
  readonly repo: string;
  readonly headSha: string;
  /** This app's id: runs of other apps are never touched. Pass it (APP_ID); without it, runs are told apart by name and external id only. */
  readonly appId?: number;
  /** Where "Details" leads; GitHub uses the app's homepage when absent. */
  readonly detailsUrl?: string;
}

export interface PhaseRef {
  readonly id: string;
  readonly name: string;
}

export interface PublishOptions {
  /** The clock, for `started_at` / `completed_at`. */
  readonly now?: () => Date;
  /** Annotations per run at most (see `MAX_ANNOTATIONS`). */
  readonly maxAnnotations?: number;
  /** Waits before looking again after a create that failed with a 5xx (default CREATE_RETRY_DELAYS_MS). */
  readonly retryDelaysMs?: readonly number[];
  /** Send nothing for a run found completed with the same output (its marker): automatic audits; a person's re-run writes. */
  readonly skipUnchanged?: boolean;
}

/** `external_id` of the run of a phase. */
export function phaseExternalId(phaseId: string): string {
  return `phase-gate:${phaseId}`;
}

/** `external_id` of the configuration run (a `/`, so that no phase id can take it). */
export const CONFIG_EXTERNAL_ID = "phase-gate/configuration";

/**
 * Check run ids by phase id, as `startCheckRuns` returns them. `reused` holds the ids of runs that
 * existed before (their annotations are listed before sending more).
 */
export class CheckRunIds extends Map<string, number> {
  readonly reused = new Set<number>();
  /** Runs this job set `in_progress` (opened or created): those to close if it cannot finish. */
  readonly opened = new Set<number>();
  /** Runs found not completed (an earlier job that never finished them): closed too if this one cannot finish. */
  readonly unfinished = new Set<number>();
  /** Runs this job completed with its result: never closed as failed afterwards. */
  readonly completed = new Set<number>();
  /** Whether the runs were looked up (`findCheckRuns`): then a phase without an id has no run yet. */
  found = false;
  /** The reused runs as listed (status, conclusion, output marker): what `skipUnchanged` compares with. */
  readonly listed = new Map<number, ExistingRun>();
}

/** A check run of this app on the commit, as listed. */
export interface ExistingRun {
  readonly id: number;
  readonly name: string;
  readonly externalId: string | null;
  readonly status: string;
  readonly conclusion: string | null;
  /** The digest of the summary's marker (`outputMarker`), when it ends with one. */
  readonly digest: string | null;
}

const MARKER = /<!-- phase-gate:output:([A-Za-z0-9_-]{1,64}) -->\n?$/;

/**
 * The hidden line that ends the summary of a completed run: a digest of all the run was sent (its
 * name, details link, conclusion, title, summary, text and annotations). Markdown does not show it.
 */
export function outputMarker(output: CheckRunOutput, detailsUrl?: string): string {
  const sent = [output.name, detailsUrl ?? null, output.conclusion, output.title, output.summary, output.text, output.annotations];
  return `<!-- phase-gate:output:${crypto.createHash("sha256").update(JSON.stringify(sent)).digest("base64url").slice(0, 32)} -->\n`;
}

/** The digest a listed summary ends with, or null. */
export function markedDigest(summary: string | null | undefined): string | null {
  return summary == null ? null : (MARKER.exec(summary)?.[1] ?? null);
}

/** Whether a run as listed already shows `output` in full, completed. */
function showsAlready(run: ExistingRun | undefined, output: CheckRunOutput, detailsUrl: string | undefined): boolean {
  if (run === undefined || run.status !== "completed" || run.conclusion !== output.conclusion || run.digest === null) return false;
  return markedDigest(outputMarker(output, detailsUrl)) === run.digest;
}

/** `summary` ended by `marker`; alone when both would pass GitHub's limit (such a run is always sent again). */
export function withMarker(summary: string, marker: string): string {
  const marked = `${summary}${summary.endsWith("\n") ? "" : "\n"}${marker}`;
  return Buffer.byteLength(marked, "utf8") <= OUTPUT_MAX_BYTES ? marked : summary;
}

/** `details_url` of a run, when the target names one. */
const detailsOf = (target: CheckRunTarget): { details_url?: string } => (target.detailsUrl !== undefined ? { details_url: target.detailsUrl } : {});

const now = (options: PublishOptions): string => (options.now?.() ?? new Date()).toISOString();

/** A POST that failed after GitHub created the resource must not be repeated (plugin-retry would): see `retry-create.ts`. */
const NO_RETRY = { request: { retries: 0 } } as const;

/** This app's latest runs on the commit whose name or external id is phase-gate's. */
async function listOwnRuns(octokit: ChecksOctokit, target: CheckRunTarget): Promise<ExistingRun[]> {
  const runs: ExistingRun[] = [];
  const pages = octokit.paginate.iterator(octokit.rest.checks.listForRef, {
    owner: target.owner,
    repo: target.repo,
    ref: target.headSha,
    filter: "latest",
    per_page: 100,
    ...(target.appId !== undefined ? { app_id: target.appId } : {}),
  });
  for await (const page of pages) {
    for (const run of page.data) {
      if (target.appId !== undefined && run.app !== null && run.app !== undefined && run.app.id !== target.appId) continue;
      const externalId = run.external_id ?? null;
      const ours = run.name.startsWith(CHECK_RUN_NAME_PREFIX) || run.name === CONFIG_CHECK_RUN_NAME || (externalId?.startsWith("phase-gate") ?? false);
      if (!ours) continue;
      runs.push({ id: run.id, name: run.name, externalId, status: run.status, conclusion: run.conclusion ?? null, digest: markedDigest(run.output?.summary) });
    }
  }
  return runs;
}

/** The existing run of a phase: by external id, else by name (a run without phase-gate's external id). */
function runOfPhase(runs: readonly ExistingRun[], phase: PhaseRef, taken: ReadonlySet<number>): ExistingRun | undefined {
  const free = runs.filter((r) => !taken.has(r.id));
  return (
    free.find((r) => r.externalId === phaseExternalId(phase.id)) ??
    free.find((r) => r.name === checkRunName(phase.name) && (r.externalId === null || !r.externalId.startsWith("phase-gate")))
  );
}

function configRun(runs: readonly ExistingRun[]): ExistingRun | undefined {
  return runs.find((r) => r.externalId === CONFIG_EXTERNAL_ID) ?? runs.find((r) => r.name === CONFIG_CHECK_RUN_NAME);
}

/**
 * Marks the runs of the commit `in_progress` at the start of an audit (`findCheckRuns`, then
 * `openCheckRuns`).
 */
export async function startCheckRuns(
  octokit: ChecksOctokit,
  target: CheckRunTarget,
  phases: readonly PhaseRef[],
  options: PublishOptions = {},
  /** Filled as runs are opened, so that a caller whose start failed half-way can close what was opened. */
  ids: CheckRunIds = new CheckRunIds(),
): Promise<CheckRunIds> {
  await findCheckRuns(octokit, target, phases, options, ids);
  return openCheckRuns(octokit, target, phases, options, ids);
}

/**
 * Finds this app's runs of these phases on the commit (one listing) and records them in `ids` as
 * reused, without changing them. A failing "phase-gate configuration" run left by an earlier audit
 * of the commit is completed `success` (the checklist is valid now), and runs of phases no longer
 * in the checklist `neutral`.
 */
export async function findCheckRuns(
  octokit: ChecksOctokit,
  target: CheckRunTarget,
  phases: readonly PhaseRef[],
  options: PublishOptions = {},
  ids: CheckRunIds = new CheckRunIds(),
): Promise<CheckRunIds> {
  const { owner, repo } = target;
  const existing = await listOwnRuns(octokit, target);
  const taken = new Set<number>(ids.values());
  for (const phase of phases) {
    if (ids.has(phase.id)) continue;
    const run = runOfPhase(existing, phase, taken);
    if (run === undefined) continue;
    taken.add(run.id);
    ids.set(phase.id, run.id);
    ids.reused.add(run.id);
    ids.listed.set(run.id, run);
    if (run.status !== "completed") ids.unfinished.add(run.id);
  }
  ids.found = true;

  const completedAt = now(options);
  const config = configRun(existing);
  if (config !== undefined && !(config.status === "completed" && config.conclusion === "success")) {
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: config.id,
      conclusion: "success",
      completed_at: completedAt,
      output: {
        title: "The checklist is valid",
        summary: "An earlier audit of this commit found the checklist invalid. It is valid now, and each phase has its own check run.\n",
      },
    });
  }
  const phaseIds = new Set(phases.map((p) => p.id));
  for (const run of existing) {
    const id = run.externalId?.startsWith("phase-gate:") ? run.externalId.slice("phase-gate:".length) : null;
    if (id === null || phaseIds.has(id) || taken.has(run.id)) continue;
    if (run.status === "completed" && run.conclusion === "neutral") continue;
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: run.id,
      conclusion: "neutral",
      completed_at: completedAt,
      output: {
        title: "No longer in the checklist",
        summary: `The phase ${code(id)} is no longer in the checklist, so this check run is not updated any more.\n`,
      },
    });
  }
  return ids;
}

/**
 * Sets the run of each phase `in_progress` ("Auditing…"): the runs `findCheckRuns` found are
 * updated, the missing ones created (a create answered with a 5xx is looked for before it is sent
 * again: `retry-create.ts`).
 */
export async function openCheckRuns(
  octokit: ChecksOctokit,
  target: CheckRunTarget,
  phases: readonly PhaseRef[],
  options: PublishOptions = {},
  ids: CheckRunIds = new CheckRunIds(),
): Promise<CheckRunIds> {
  const { owner, repo } = target;
  const started = now(options);
  const details = detailsOf(target);
  const output = { title: "Auditing…", summary: `phase-gate is auditing commit ${target.headSha}.` };
  for (const phase of phases) {
    const fields = { name: checkRunName(phase.name), external_id: phaseExternalId(phase.id), status: "in_progress" as const, started_at: started, output, ...details };
    const known = ids.get(phase.id);
    if (known !== undefined) {
      if (ids.opened.has(known)) continue;
      await octokit.rest.checks.update({ owner, repo, check_run_id: known, ...fields });
      ids.opened.add(known);
      continue;
    }
    const id = await createRun(octokit, target, phaseExternalId(phase.id), new Set(ids.values()), fields, options);
    ids.set(phase.id, id);
    ids.opened.add(id);
  }
  return ids;
}

/** Why a job closes its runs without results, and whether a phase without a run gets one. */
export interface Closing {
  readonly title: string;
  readonly summary: string;
  /** Create a closed run for a phase that has none on the commit yet, so the reason and its "Re-run" are visible. */
  readonly createMissing: boolean;
}

/**
 * Closes the runs of a job that publishes no result (superseded, or failed), `cancelled` with
 * `closing`'s output: those this job opened or found unfinished are updated, and with
 * `createMissing` a phase with no run on the commit yet (the audit failed before its runs were
 * shown) gets one created. A run this job already completed, or a completed run of an earlier
 * audit of the same commit, keeps its result. Nothing is created when the runs were never looked
 * up (`ids.found`): there may be some already.
 */
export async function closeCheckRuns(
  octokit: ChecksOctokit,
  target: CheckRunTarget,
  phases: readonly PhaseRef[],
  ids: CheckRunIds,
  closing: Closing,
  options: PublishOptions = {},
): Promise<void> {
  const { owner, repo } = target;
  const fields = { conclusion: "cancelled" as const, completed_at: now(options), output: { title: closing.title, summary: `${closing.summary}\n` } };
  for (const phase of phases) {
    const id = ids.get(phase.id);
    if (id !== undefined) {
      if (!ids.completed.has(id) && (ids.opened.has(id) || ids.unfinished.has(id))) await octokit.rest.checks.update({ owner, repo, check_run_id: id, ...fields });
      continue;
    }
    if (!closing.createMissing || !ids.found) continue;
    const created = await createRun(octokit, target, phaseExternalId(phase.id), new Set(ids.values()), { name: checkRunName(phase.name), external_id: phaseExternalId(phase.id), ...detailsOf(target), ...fields }, options);
    ids.set(phase.id, created);
  }
}

/**
 * Creates a run with `fields`; when GitHub answers a 5xx (the run may have been stored), looks for
 * the run by external id before creating again, and updates the one it finds with the same fields
 * but its annotations: the failed create stored them already, and an update would add them again.
 */
async function createRun(
  octokit: ChecksOctokit,
  target: CheckRunTarget,
  externalId: string,
  taken: ReadonlySet<number>,
  fields: RunFields,
  options: PublishOptions,
): Promise<number> {
  const { owner, repo } = target;
  return createOnce(async (attempt) => {
    const stored = attempt === 0 ? undefined : (await listOwnRuns(octokit, target)).find((r) => r.externalId === externalId && !taken.has(r.id));
    if (stored !== undefined) {
      await octokit.rest.checks.update({ owner, repo, check_run_id: stored.id, ...withoutAnnotations(fields) } as UpdateParams);
      return stored.id;
    }
    const { data } = await octokit.rest.checks.create({ owner, repo, head_sha: target.headSha, ...fields, ...NO_RETRY } as CreateParams);
    return data.id;
  }, options.retryDelaysMs);
}

function withoutAnnotations(fields: RunFields): RunFields {
  const output = fields.output as { annotations?: unknown } | undefined;
  if (output?.annotations === undefined) return fields;
  const { annotations: _sent, ...rest } = output;
  return { ...fields, output: rest };
}

type CreateParams = Parameters<FullOctokit["rest"]["checks"]["create"]>[0];
type UpdateParams = Parameters<FullOctokit["rest"]["checks"]["update"]>[0];
/** What a run is created with, besides the repository and commit. */
type RunFields = { readonly name: string; readonly external_id: string } & Readonly<Record<string, unknown>>;

/** What was published for one run. */
export interface PublishedRun {
  readonly phaseId: string | null;
  readonly checkRunId: number;
  readonly conclusion: string;
  /** Annotations sent now (those already on a reused run are not sent again). */
  readonly annotationsSent: number;
  readonly requests: number;
}

/**
 * Completes the run of every phase of the report with its output: the first update carries the
 * output and up to 50 annotations, further updates append 50 at a time, and the last one also
 * carries the conclusion and `completed_at` (so a run is never shown complete without all its
 * annotations). A phase without a started run gets one created.
 */
export async function completeCheckRuns(
  octokit: ChecksOctokit,
  target: CheckRunTarget,
  report: AuditReport,
  /** A `CheckRunIds` also records the runs created here and those completed. */
  runs: ReadonlyMap<string, number>,
  options: PublishOptions = {},
): Promise<PublishedRun[]> {
  const published: PublishedRun[] = [];
  const reused = runs instanceof CheckRunIds ? runs.reused : null;
  for (const phase of report.phases) {
    const id = runs.get(phase.id);
    const first = checkRunOutput(report, phase.id, options.maxAnnotations !== undefined ? { maxAnnotations: options.maxAnnotations } : {});
    const marker = outputMarker(first, target.detailsUrl);
    if (id !== undefined && runs instanceof CheckRunIds && unchanged(runs, id, first, target, options)) {
      runs.completed.add(id);
      published.push({ phaseId: phase.id, checkRunId: id, conclusion: first.conclusion, annotationsSent: 0, requests: 0 });
      continue;
    }
    // Runs not known to be new (a plain Map) may hold annotations already: list them.
    const already = id !== undefined && (reused === null || reused.has(id)) ? await listAnnotationKeys(octokit, target, id) : [];
    const { send, stale } = newAnnotations(first.annotations, already);
    const output =
      stale > 0
        ? checkRunOutput(report, phase.id, {
            ...(options.maxAnnotations !== undefined ? { maxAnnotations: options.maxAnnotations } : {}),
            extraNotes: [
              `${stale} ${stale === 1 ? "annotation" : "annotations"} from an earlier audit of this commit no longer ${stale === 1 ? "applies" : "apply"}; GitHub keeps annotations once they are added.`,
            ],
          })
        : first;
    const result = await publish(octokit, target, id, phaseExternalId(phase.id), output, marker, send, options, new Set(runs.values()));
    if (runs instanceof CheckRunIds) {
      // Known at once: a later phase that fails must neither close this run nor create another.
      runs.set(phase.id, result.checkRunId);
      runs.completed.add(result.checkRunId);
    }
    published.push({ phaseId: phase.id, ...result });
  }
  return published;
}

/**
 * Publishes an invalid checklist: one failing "phase-gate configuration" run (reused when the
 * commit has one) with an annotation on each error's line of `file`, and no phase run. Runs of
 * phases this app left `in_progress` or `queued` on the commit are completed `cancelled`, so they
 * do not spin forever.
 */
export async function publishConfigError(
  octokit: ChecksOctokit,
  target: CheckRunTarget,
  errors: readonly ConfigError[],
  file: string,
  options: PublishOptions = {},
): Promise<PublishedRun> {
  const existing = await listOwnRuns(octokit, target);
  const run = configRun(existing);
  const output = configErrorOutput(errors, file);
  let result: Omit<PublishedRun, "phaseId">;
  if (options.skipUnchanged === true && run !== undefined && showsAlready(run, output, target.detailsUrl)) {
    result = { checkRunId: run.id, conclusion: output.conclusion, annotationsSent: 0, requests: 0 };
  } else {
    const already = run !== undefined ? await listAnnotationKeys(octokit, target, run.id) : [];
    const { send } = newAnnotations(output.annotations, already);
    result = await publish(octokit, target, run?.id, CONFIG_EXTERNAL_ID, output, outputMarker(output, target.detailsUrl), send, options);
  }
  for (const other of existing) {
    if (other.id === run?.id || other.status === "completed" || !other.externalId?.startsWith("phase-gate:")) continue;
    await octokit.rest.checks.update({
      owner: target.owner,
      repo: target.repo,
      check_run_id: other.id,
      conclusion: "cancelled",
      completed_at: now(options),
      output: { title: "Not audited", summary: `Not audited: the checklist is not valid (see the check run "${CONFIG_CHECK_RUN_NAME}").\n` },
    });
  }
  return { phaseId: null, ...result };
}

/**
 * Whether every phase has a run found completed with a result of phase-gate's (its marker): an
 * automatic audit of that commit does not show them in progress again, since its result is most
 * likely the same (`completeCheckRuns` then writes only what differs).
 */
export function showsResults(ids: CheckRunIds, phases: readonly PhaseRef[]): boolean {
  return phases.every((phase) => {
    const id = ids.get(phase.id);
    const run = id === undefined ? undefined : ids.listed.get(id);
    return run !== undefined && run.status === "completed" && run.digest !== null;
  });
}

/** Whether the run `id` was found completed with this output (`skipUnchanged` only), and is neither opened nor completed by this job. */
function unchanged(runs: CheckRunIds, id: number, output: CheckRunOutput, target: CheckRunTarget, options: PublishOptions): boolean {
  return options.skipUnchanged === true && !runs.opened.has(id) && !runs.completed.has(id) && showsAlready(runs.listed.get(id), output, target.detailsUrl);
}

/**
 * Sends an output: to the run `id` (updates), or to a new run. The annotations go 50 per request;
 * the last request completes the run, its summary ended by `marker` (`outputMarker`).
 */
async function publish(
  octokit: ChecksOctokit,
  target: CheckRunTarget,
  id: number | undefined,
  externalId: string,
  output: CheckRunOutput,
  marker: string,
  annotations: readonly CheckRunAnnotation[],
  options: PublishOptions,
  /** Runs of the commit a lookup after a failed create must not take for the new one. */
  taken?: ReadonlySet<number>,
): Promise<Omit<PublishedRun, "phaseId">> {
  const { owner, repo } = target;
  const batches: CheckRunAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  if (batches.length === 0) batches.push([]);
  const base = {
    title: output.title,
    summary: output.summary,
    ...(output.text !== "" ? { text: output.text } : {}),
  };
  const details = detailsOf(target);
  let runId = id;
  let requests = 0;
  for (const [i, batch] of batches.entries()) {
    const last = i === batches.length - 1;
    const out = { ...base, ...(last ? { summary: withMarker(base.summary, marker) } : {}), ...(batch.length > 0 ? { annotations: batch.map((a) => ({ ...a })) } : {}) };
    const completion = last ? { conclusion: output.conclusion, completed_at: now(options) } : {};
    if (runId === undefined) {
      runId = await createRun(
        octokit,
        target,
        externalId,
        taken ?? new Set(),
        { name: output.name, external_id: externalId, ...details, ...(last ? completion : { status: "in_progress" as const, started_at: now(options) }), output: out },
        options,
      );
    } else {
      await octokit.rest.checks.update({ owner, repo, check_run_id: runId, name: output.name, ...details, ...completion, output: out });
    }
    requests += 1;
  }
  return { checkRunId: runId ?? 0, conclusion: output.conclusion, annotationsSent: annotations.length, requests };
}

/** A key that tells an annotation apart from another (what GitHub shows of it). */
function annotationKey(a: {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number | null;
  end_column?: number | null;
  annotation_level?: string | null;
  title?: string | null;
  message?: string | null;
}): string {
  return JSON.stringify([a.path, a.start_line, a.end_line, a.start_column ?? null, a.end_column ?? null, a.annotation_level ?? null, a.title ?? null, a.message ?? null]);
}

async function listAnnotationKeys(octokit: ChecksOctokit, target: CheckRunTarget, checkRunId: number): Promise<string[]> {
  const keys: string[] = [];
  const pages = octokit.paginate.iterator(octokit.rest.checks.listAnnotations, { owner: target.owner, repo: target.repo, check_run_id: checkRunId, per_page: 100 });
  for await (const page of pages) for (const a of page.data) keys.push(annotationKey(a));
  return keys;
}

/** The annotations not on the run yet (each existing one accounts for one equal annotation), and how many existing ones are not wanted any more. */
function newAnnotations(wanted: readonly CheckRunAnnotation[], existing: readonly string[]): { send: CheckRunAnnotation[]; stale: number } {
  const left = new Map<string, number>();
  for (const key of existing) left.set(key, (left.get(key) ?? 0) + 1);
  const send: CheckRunAnnotation[] = [];
  for (const a of wanted) {
    const key = annotationKey(a);
    const count = left.get(key) ?? 0;
    if (count > 0) left.set(key, count - 1);
    else send.push(a);
  }
  const stale = [...left.values()].reduce((n, c) => n + c, 0);
  return { send, stale };
}
