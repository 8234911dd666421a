import { createCheckContext, globMatcher, type FileStore } from "../check/context.js";
import { matchPaths } from "../check/match-paths.js";
import type { AnyCheck, CheckResult } from "../check/types.js";
import type { Checklist, CheckEntry, PhaseConfig } from "../config/types.js";
import { linkTargets } from "../claims/link.js";
import { extractClaims } from "../claims/extract.js";
import { verifyDocument, type DocumentInput } from "../claims/verify.js";
import { compareByPath, comparePathBytes, findByPath, holdsUnder } from "../snapshot/path-order.js";
import type { FileEntry, RepoSnapshot, SkippedEntry, SkipReason } from "../snapshot/types.js";
import { mapLimit } from "./map-limit.js";
import { listingFingerprint, resultKey, type AuditMemo } from "./memo.js";
import { phaseStatus } from "./phase-status.js";
import { validateResult } from "./validate-result.js";
import type { AuditReport, CheckReport, PhaseReport } from "./types.js";

export interface AuditOptions {
  /** Only these phase ids (all when absent). Unknown ids are the caller's to reject. */
  readonly phases?: readonly string[];
  /** How many files are read at once. */
  readonly readConcurrency?: number;
  /** Glob matches and check results kept from earlier audits (a long-running process's; see `memo.ts`). */
  readonly memo?: AuditMemo;
}

interface PlannedCheck {
  readonly entry: CheckEntry;
  /** null when `files()` itself threw: the check becomes `error` without running. */
  readonly patterns: readonly string[] | null;
  /** Globs looked up in the listing without being read. */
  readonly lists: readonly string[];
  readonly planError?: string;
}

/**
 * Audits one repository state: lists the snapshot once, reads the union of the files the enabled
 * checks need once, runs every check in isolation, and aggregates phases. Pure: all I/O goes
 * through the snapshot.
 */
export async function runAudit(
  snapshot: RepoSnapshot,
  checklist: Checklist,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const shown = options.phases ? checklist.phases.filter((p) => options.phases?.includes(p.id)) : checklist.phases;
  // The phases shown, and those they require (to tell whether they wait), in the checklist's order.
  const phases = withRequired(checklist.phases, shown);

  const plans = new Map<CheckEntry, PlannedCheck>();
  for (const phase of phases) for (const entry of phase.checks) plans.set(entry, plan(entry));

  const patterns = [...plans.values()].flatMap((p) => p.patterns ?? []);
  const docs = [...new Set(phases.flatMap((p) => (p.doc !== undefined ? [p.doc] : [])))];
  const listing = await snapshot.list([...patterns, ...[...plans.values()].flatMap((p) => p.lists), ...docs]);
  const wanted = globMatcher(patterns);
  const memo = options.memo;
  const fingerprint = memo !== undefined ? listingFingerprint(listing.files, listing.skipped) : "";
  const matchListing = (universe: "files" | "all", globs: readonly string[], paths: readonly string[]): string[] =>
    memo !== undefined ? memo.matches(fingerprint, universe, globs, () => matchPaths(globs, paths)) : matchPaths(globs, paths);
  const filePaths = listing.files.map((f) => f.path);
  // Looked up by binary search in the sorted listing: no map of every path for each audit.
  const needed = matchListing("files", patterns, filePaths).map((p) => findByPath(listing.files, p) as FileEntry);

  const texts = new Map<string, string>();
  const skipped = new Map<string, SkipReason>();
  const skippedEntries: SkippedEntry[] = [];
  for (const s of listing.skipped) {
    skipped.set(s.path, s.reason);
    if (wanted(s.path)) skippedEntries.push(s);
  }
  await mapLimit(needed, options.readConcurrency ?? 16, async (file) => {
    const read = await snapshot.read(file.path);
    if (read.ok) texts.set(file.path, read.text);
    else {
      skipped.set(file.path, read.reason);
      skippedEntries.push({ path: file.path, reason: read.reason, size: file.size, ...(read.detail ? { detail: read.detail } : {}) });
    }
  });

  const docReads = new Map<string, DocumentInput["read"]>();
  await mapLimit(docs, options.readConcurrency ?? 16, async (doc) => {
    const read = await readDocument(snapshot, doc, listing.files, skipped);
    // Extracted once, however many phases name the document.
    docReads.set(doc, read.ok ? { ...read, extracted: extractClaims(read.text) } : read);
  });

  // Files come sorted (the listing's contract); skipped entries (few) need not.
  const allPaths = mergeSorted(filePaths, listing.skipped.map((e) => e.path).sort(comparePathBytes));
  let existing: Set<string> | undefined;
  const store: FileStore = {
    allPaths,
    // Built when a check first asks (a warm audit's checks mostly come from the memo).
    get existing() {
      return (existing ??= new Set(allPaths));
    },
    texts,
    skipped,
    ...(memo !== undefined ? { matchAll: (globs: readonly string[]) => matchListing("all", globs, allPaths) } : {}),
  };
  const failed = memo !== undefined ? needed.flatMap((f) => (texts.has(f.path) ? [] : [{ path: f.path, reason: skipped.get(f.path) ?? "unreadable" }])) : [];
  /** A check's result, reused from an earlier audit when its inputs are the same (see `memo.ts`). */
  const run = async (entry: CheckEntry, checkPatterns: readonly string[]): Promise<CheckResult> => {
    if (memo === undefined) return runOne(entry, checkPatterns, store);
    const inScope = globMatcher(checkPatterns);
    const key = resultKey(entry, fingerprint, needed.filter((f) => inScope(f.path)), failed);
    const known = key !== null ? memo.result(key) : undefined;
    if (known !== undefined) return known;
    const result = await runOne(entry, checkPatterns, store);
    if (key !== null) memo.keep(key, result);
    return result;
  };

  const phaseReports: PhaseReport[] = [];
  for (const phase of phases) {
    const checks: CheckReport[] = [];
    for (const entry of phase.checks) {
      const planned = plans.get(entry);
      const result = planned?.patterns ? await run(entry, planned.patterns) : errorResult(entry.check, planned?.planError ?? "no plan");
      checks.push({ id: entry.check.id, ...result });
    }
    const claims = phase.doc !== undefined ? verifyDocument({
      path: phase.doc,
      read: docReads.get(phase.doc) ?? { ok: false, status: "missing", error: `${phase.doc} was not read` },
      checks,
      targets: linkTargets(phase.checks),
      explicit: phase.claims,
    }) : null;
    phaseReports.push({
      id: phase.id,
      name: phase.name,
      gate: phase.gate,
      ...phaseStatus(checks),
      checks,
      ...(claims !== null ? { document: claims.document, claims: claims.claims } : {}),
    });
  }
  const ordered = orderPhases(phases, phaseReports);

  return {
    repository: snapshot.label,
    commit: snapshot.commit,
    checklist: checklist.origin,
    phases: ordered.filter((p) => shown.some((s) => s.id === p.id)),
    // With only some phases audited, the first that is not complete may be one not looked at.
    ...(options.phases ? {} : { currentPhase: ordered.find((p) => p.status !== "complete")?.id ?? null }),
    skipped: skippedEntries.sort(compareByPath),
    notes: listing.notes,
    ...(snapshot.fileUrlBase ? { fileUrlBase: snapshot.fileUrlBase } : {}),
  };
}

/** `shown` and every phase they require, directly or not, in the order of `all`. */
function withRequired(all: readonly PhaseConfig[], shown: readonly PhaseConfig[]): PhaseConfig[] {
  const wanted = new Set(shown.map((p) => p.id));
  const byId = new Map(all.map((p) => [p.id, p]));
  const queue = [...wanted];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const required of byId.get(id)?.requires ?? []) {
      if (!wanted.has(required) && byId.has(required)) {
        wanted.add(required);
        queue.push(required);
      }
    }
  }
  return all.filter((p) => wanted.has(p.id));
}

/**
 * Adds `requires`, `waitingOn` and `ahead` to each phase. A phase waits on every phase it
 * requires, directly or through others, that is not complete: with phase-1 failing, phase-3
 * (requiring phase-2, requiring phase-1) waits on phase-1 even when phase-2 is complete. A
 * required id that is not a phase of the checklist (an `_extends` file not followed) is ignored.
 */
function orderPhases(configs: readonly PhaseConfig[], reports: readonly PhaseReport[]): PhaseReport[] {
  const byId = new Map(reports.map((report, i) => [report.id, { report, config: configs[i] as PhaseConfig }]));
  const memo = new Map<string, string[]>();
  const blockers = (id: string, path: ReadonlySet<string>): string[] => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const found = new Set<string>();
    for (const required of byId.get(id)?.config.requires ?? []) {
      const entry = byId.get(required);
      if (entry === undefined || path.has(required)) continue; // unknown, or a cycle the loader could not see
      if (entry.report.status !== "complete") found.add(required);
      else for (const root of blockers(required, new Set([...path, required]))) found.add(root);
    }
    const list = [...found];
    memo.set(id, list);
    return list;
  };
  return reports.map((report, i) => {
    const config = configs[i] as PhaseConfig;
    if (config.requires.length === 0) return report;
    const waitingOn = blockers(report.id, new Set([report.id]));
    return {
      ...report,
      requires: config.requires,
      ...(waitingOn.length > 0 ? { waitingOn } : {}),
      ...(waitingOn.length > 0 && report.status === "complete" ? { ahead: config.ahead } : {}),
    };
  });
}

async function readDocument(
  snapshot: RepoSnapshot,
  doc: string,
  files: readonly FileEntry[],
  skipped: ReadonlyMap<string, SkipReason>,
): Promise<DocumentInput["read"]> {
  const reason = skipped.get(doc);
  if (reason !== undefined) return { ok: false, status: "unreadable", error: `${doc} was not read (${reason})` };
  if (findByPath(files, doc) === undefined) {
    const prefix = `${doc}/`;
    const isDirectory = holdsUnder(files, doc) || [...skipped.keys()].some((p) => p.startsWith(prefix));
    return { ok: false, status: isDirectory ? "unreadable" : "missing", error: isDirectory ? `${doc} is a directory, not a document` : `${doc} is not in the repository` };
  }
  const read = await snapshot.read(doc);
  if (read.ok) return { ok: true, text: read.text, lossy: read.lossy };
  return { ok: false, status: "unreadable", error: `${doc} was not read (${read.reason}${read.detail ? `: ${read.detail}` : ""})` };
}

function plan(entry: CheckEntry): PlannedCheck {
  try {
    return { entry, patterns: [...entry.check.files(entry.options)], lists: [...(entry.check.lists?.(entry.options) ?? [])] };
  } catch (error) {
    return { entry, patterns: null, lists: [], planError: describe(error) };
  }
}

async function runOne(entry: CheckEntry, patterns: readonly string[], store: FileStore): Promise<CheckResult> {
  const { check } = entry;
  try {
    const ctx = createCheckContext({ options: entry.options, messages: check.messages, patterns, store });
    const result = await check.run(ctx);
    const problem = validateResult(result);
    return problem === null ? result : errorResult(check, `returned an invalid result: ${problem}`);
  } catch (error) {
    return errorResult(check, describe(error));
  }
}

function errorResult(check: AnyCheck, why: string): CheckResult {
  return {
    status: "error",
    summary: `the check ${check.id} failed to run: ${why}`,
    findings: [],
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Two lists of paths sorted by `comparePathBytes`, merged in that order (`a` itself when `b` is empty). */
function mergeSorted(a: string[], b: readonly string[]): string[] {
  if (b.length === 0) return a;
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (comparePathBytes(a[i] as string, b[j] as string) <= 0) out.push(a[i++] as string);
    else out.push(b[j++] as string);
  }
  while (i < a.length) out.push(a[i++] as string);
  while (j < b.length) out.push(b[j++] as string);
  return out;
}
