/**
 * The phase-completion comment of a pull request: a hidden marker (how the app finds its comment
 * again), the claims of the phase documents that the code does not back, every phase's progress
 * and document summary, what the pull request changed compared with its base commit, and the
 * full report folded away. Pure: `src/github/comment.ts` only posts or edits it.
 */
import type { AuditReport, PhaseReport, PhaseStatus } from "../audit/types.js";
import type { CheckStatus, JsonValue } from "../check/types.js";
import type { Verdict } from "../claims/types.js";
import { allOverclaims, CLAIM_TEXT_MAX, clip as clipTo, firstEvidence, normaliseClaimText, readDocument } from "./claims.js";
import { fileUrl, PHASE_EMOJI, plural, STATUS_LOOK, totals } from "./common.js";
import { aheadText, claimLink, code, currentPhaseLine, evidenceText, phaseEmoji, progressBar, reasonText, renderMarkdown, text, url } from "./markdown.js";

/** The first line of the comment: the app finds its comment by this marker and its own login. */
export const COMMENT_MARKER = "<!-- phase-gate:phase-completion -->";
/** The body never exceeds this many characters (GitHub refuses more than 65,536). */
export const COMMENT_MAX_LENGTH = 65_000;

/** Overclaimed claims listed at the top of the comment at most; the check runs list them all. */
export const MAX_TOP_CLAIMS = 20;

export interface PhaseCommentOptions {
  /** Default COMMENT_MAX_LENGTH. */
  readonly maxLength?: number;
  /** Said instead of the comparison when there is no base report (e.g. "the base commit's checklist is not valid"). */
  readonly baseNote?: string;
}

/** How a phase stood: status and progress. */
export interface PhaseState {
  readonly status: PhaseStatus;
  readonly passed: number;
  readonly total: number;
}

/** A fact that differs between base and head: a value, or items added to / removed from a list. */
export interface FactChange {
  /** Dotted path in the check's facts, e.g. `minimum`, `source.path`. */
  readonly path: string;
  readonly from?: JsonValue;
  readonly to?: JsonValue;
  /** For lists of plain values: what head has that base had not, and the reverse. */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
}

/** One check of a phase, told apart from another run of the same check by its occurrence (0 for the first). */
export interface CheckKey {
  readonly phaseId: string;
  readonly checkId: string;
  readonly occurrence: number;
}

export type CheckChange =
  | (CheckKey & { readonly kind: "added"; readonly status: CheckStatus })
  | (CheckKey & { readonly kind: "removed"; readonly status: CheckStatus })
  | (CheckKey & {
      readonly kind: "changed";
      readonly from: CheckStatus;
      readonly to: CheckStatus;
      /** Set when the number of findings differs. */
      readonly findings?: { readonly from: number; readonly to: number };
      readonly facts: readonly FactChange[];
    });

/** A claim of a phase document whose verdict went from backed to overclaimed, or back. */
export interface ClaimChange {
  readonly phaseId: string;
  /** The document at head. */
  readonly path: string;
  /** The claim's line at head. */
  readonly line: number;
  readonly text: string;
  readonly from: Verdict;
  readonly to: Verdict;
  /** The check the claim links to at head. */
  readonly checkId?: string;
}

export interface PhaseChange {
  readonly phaseId: string;
  readonly name: string;
  readonly kind: "added" | "removed" | "kept";
  readonly from?: PhaseState;
  readonly to?: PhaseState;
  readonly checks: readonly CheckChange[];
  /** Claims that were backed at base and are overclaimed at head, or the reverse (present when there are any). */
  readonly claims?: readonly ClaimChange[];
}

/** Keys of facts that say where something is, not what it is: a line that moved is not a change. */
const POSITION_KEYS = new Set(["line", "endLine", "column", "endColumn"]);
const MAX_FACT_DEPTH = 4;

/**
 * What differs between the base report and the head report: phases by id, checks by phase id,
 * check id and occurrence, statuses, numbers of findings and simple facts. Phases and checks that
 * did not change are left out; head order first, then what was removed.
 */
export function compareReports(head: AuditReport, base: AuditReport): PhaseChange[] {
  const changes: PhaseChange[] = [];
  const basePhases = new Map(base.phases.map((p) => [p.id, p]));
  const headIds = new Set(head.phases.map((p) => p.id));
  for (const phase of head.phases) {
    const before = basePhases.get(phase.id);
    if (before === undefined) {
      changes.push({ phaseId: phase.id, name: phase.name, kind: "added", to: stateOf(phase), checks: [] });
      continue;
    }
    const checks = compareChecks(phase, before);
    const claims = compareClaims(phase, before);
    const moved = before.status !== phase.status || before.passed !== phase.passed || before.total !== phase.total;
    if (moved || checks.length > 0 || claims.length > 0) {
      changes.push({ phaseId: phase.id, name: phase.name, kind: "kept", from: stateOf(before), to: stateOf(phase), checks, ...(claims.length > 0 ? { claims } : {}) });
    }
  }
  for (const phase of base.phases) {
    if (!headIds.has(phase.id)) changes.push({ phaseId: phase.id, name: phase.name, kind: "removed", from: stateOf(phase), checks: [] });
  }
  return changes;
}

function stateOf(phase: PhaseReport): PhaseState {
  return { status: phase.status, passed: phase.passed, total: phase.total };
}

interface Keyed<T> {
  readonly key: string;
  readonly checkId: string;
  readonly occurrence: number;
  readonly value: T;
}

/** Checks keyed by id and occurrence: the second `file-exists` of a phase is `file-exists#1`. */
function keyed<T extends { readonly id: string }>(items: readonly T[]): Keyed<T>[] {
  const seen = new Map<string, number>();
  return items.map((value) => {
    const occurrence = seen.get(value.id) ?? 0;
    seen.set(value.id, occurrence + 1);
    return { key: `${value.id}#${occurrence}`, checkId: value.id, occurrence, value };
  });
}

function compareChecks(head: PhaseReport, base: PhaseReport): CheckChange[] {
  const out: CheckChange[] = [];
  const before = new Map(keyed(base.checks).map((k) => [k.key, k]));
  const headChecks = keyed(head.checks);
  const headKeys = new Set(headChecks.map((k) => k.key));
  for (const { key, checkId, occurrence, value: check } of headChecks) {
    const id = { phaseId: head.id, checkId, occurrence };
    const old = before.get(key)?.value;
    if (old === undefined) {
      out.push({ ...id, kind: "added", status: check.status });
      continue;
    }
    const facts = compareFacts(old.facts ?? {}, check.facts ?? {}, "", 0);
    const counts = old.findings.length !== check.findings.length ? { findings: { from: old.findings.length, to: check.findings.length } } : {};
    if (old.status !== check.status || facts.length > 0 || "findings" in counts) {
      out.push({ ...id, kind: "changed", from: old.status, to: check.status, ...counts, facts });
    }
  }
  for (const { key, checkId, occurrence, value } of before.values()) {
    if (!headKeys.has(key)) out.push({ phaseId: head.id, checkId, occurrence, kind: "removed", status: value.status });
  }
  return out;
}

/** Verdict changes worth a line: a claim the code backed and no longer does, or now does again. */
const TOLD: ReadonlySet<string> = new Set(["backed>overclaimed", "overclaimed>backed"]);

/**
 * Claims of the same document at base and head, matched by their normalised words and occurrence
 * (a claim that moved to another line is the same claim), whose verdict went from backed to
 * overclaimed or back.
 */
function compareClaims(head: PhaseReport, base: PhaseReport): ClaimChange[] {
  const headDoc = readDocument(head);
  const baseDoc = readDocument(base);
  if (headDoc === null || baseDoc === null || headDoc.path !== baseDoc.path) return [];
  const key = (claims: PhaseReport["claims"]): Array<{ key: string; claim: NonNullable<PhaseReport["claims"]>[number] }> => {
    const seen = new Map<string, number>();
    return (claims ?? []).map((claim) => {
      const words = normaliseClaimText(claim.text);
      const n = seen.get(words) ?? 0;
      seen.set(words, n + 1);
      return { key: `${words}#${n}`, claim };
    });
  };
  const before = new Map(key(base.claims).map((k) => [k.key, k.claim]));
  const out: ClaimChange[] = [];
  for (const { key: k, claim } of key(head.claims)) {
    const old = before.get(k);
    if (old === undefined || !TOLD.has(`${old.verdict}>${claim.verdict}`)) continue;
    out.push({
      phaseId: head.id,
      path: headDoc.path,
      line: claim.line,
      text: claim.text,
      from: old.verdict,
      to: claim.verdict,
      ...(claim.check !== undefined ? { checkId: claim.check.id } : {}),
    });
  }
  return out;
}

type JsonObject = { readonly [key: string]: JsonValue };

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPlain(value: JsonValue | undefined): value is string | number | boolean | null {
  return value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function compareFacts(from: JsonValue | undefined, to: JsonValue | undefined, path: string, depth: number): FactChange[] {
  if (isJsonObject(from) && isJsonObject(to) && depth < MAX_FACT_DEPTH) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((k) => !POSITION_KEYS.has(k));
    return keys.flatMap((k) => compareFacts(from[k], to[k], path === "" ? k : `${path}.${k}`, depth + 1));
  }
  if (Array.isArray(from) && Array.isArray(to) && [...from, ...to].every(isPlain)) {
    const a = new Set(from.map(itemText));
    const b = new Set(to.map(itemText));
    const added = [...b].filter((x) => !a.has(x));
    const removed = [...a].filter((x) => !b.has(x));
    // Order alone is not a change worth telling.
    return added.length + removed.length === 0 ? [] : [{ path, added, removed }];
  }
  if (JSON.stringify(from) === JSON.stringify(to)) return [];
  return [{ path, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }];
}

function itemText(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The body of the phase-completion comment: the marker, the phase the repository is at, the
 * claims of the phase documents that the code does not back (when there are any), every phase's
 * progress and document summary, what this pull request changed compared with `base` (null when
 * the base commit could not be audited), and the full report of `head` in a folded section. At
 * most `maxLength` characters: the full report is cut first, then the list of changes, the table
 * and the claims (each keeps at least its share, with a line saying how many were left out).
 */
export function phaseComment(head: AuditReport, base: AuditReport | null, options: PhaseCommentOptions = {}): string {
  const maxLength = options.maxLength ?? COMMENT_MAX_LENGTH;
  const t = totals(head);
  const verdict =
    t.requiredFailing.length > 0
      ? `❌ **Required ${t.requiredFailing.length === 1 ? "phase" : "phases"} failing:** ${t.requiredFailing.map((id) => code(id)).join(", ")}`
      : "✅ **No required phase is failing**";
  const checklist =
    head.checklist.source === "default"
      ? "Checklist: **built-in default** (advisory; no checklist file was found)"
      : `Checklist: ${code(head.checklist.path ?? "(unnamed)")}`;
  const top = [
    COMMENT_MARKER,
    "## phase-gate: phase completion",
    "",
    `**${text(head.repository)}** ${commitText(head.commit)}`,
    "",
    `${verdict} · ${checklist}`,
    "",
    ...(head.phases.length > 0 && head.currentPhase !== undefined ? [currentPhaseLine(head), ""] : []),
  ];
  const claims = overclaimLines(head);
  const table = progressTable(head);
  const changes = changeLines(head, base, options.baseNote);

  const fixedLength = (lines: readonly string[]): number => lines.reduce((n, l) => n + l.length + 1, 0);
  // The least the end can take: a blank line and a note instead of the folded report.
  const noteOnly = "_The full report is in this commit's phase-gate check runs._";
  const tailMin = 1 + noteOnly.length + 1;
  // The blank line between the table and the changes counts too.
  const budget = maxLength - fixedLength(top) - 1 - tailMin;
  // The claims come first, but take at most a third of the room when not everything fits; then
  // the table gets at least half of what is left and the changes the rest. A blank line follows the claims.
  const claimsNeed = claims.header.length === 0 ? 0 : fixedLength([...claims.header, ...claims.lines]) + 1;
  const tableNeed = fixedLength([...table.header, ...table.lines]);
  const changesNeed = fixedLength([...changes.header, ...changes.lines]);
  const claimsBudget = claimsNeed + tableNeed + changesNeed <= budget ? claimsNeed : Math.min(claimsNeed, Math.floor(budget / 3));
  const keptClaims =
    claims.header.length === 0
      ? []
      : [...fitLines(claims.lines, claims.header, claimsBudget - 1, (n) => `- … and ${plural(n, "more overclaimed claim")}: see the phases' check runs`), ""];
  const rest = budget - fixedLength(keptClaims);
  const tableBudget = tableNeed + changesNeed <= rest ? tableNeed : Math.max(Math.floor(rest / 2), rest - changesNeed);
  const keptTable = fitLines(table.lines, table.header, tableBudget, (n) => `| … | ${n} more ${n === 1 ? "phase" : "phases"}: see the check runs | | |${table.claims ? " |" : ""}`);
  const keptChanges = fitLines(changes.lines, changes.header, rest - fixedLength(keptTable), (n) => `- … and ${plural(n, "more line")} of changes: compare the check runs of both commits`);

  const body = [...top, ...keptClaims, ...keptTable, "", ...keptChanges];
  const open = "<details><summary>Full report: findings, files not read, notes</summary>";
  const close = "</details>";
  // "", open, "", the report, close: each line ends with a newline.
  const room = maxLength - fixedLength(body) - (1 + open.length + 1 + 1 + 1 + close.length + 1);
  const full = room >= 500 ? renderMarkdown(head, { maxLength: room }) : "";
  if (full !== "") body.push("", open, "", full.replace(/\n$/, ""), "", close);
  else body.push("", noteOnly);
  const result = `${body.join("\n")}\n`;
  // The budget above is exact; this only guards against a mistake in it.
  return result.length <= maxLength ? result : `${result.slice(0, Math.max(0, maxLength - 1))}\n`;
}

/**
 * "Claims not backed by the code": each overclaimed claim of every phase document, with its phase,
 * its linked line, its words, the check and the first piece of evidence; at most MAX_TOP_CLAIMS.
 * No lines at all when there is no overclaim.
 */
function overclaimLines(report: AuditReport): { header: string[]; lines: string[] } {
  const all = allOverclaims(report);
  if (all.length === 0) return { header: [], lines: [] };
  const header = [
    "### ⚠️ Claims not backed by the code",
    "",
    `${plural(all.length, "claim")} of the phase documents ${all.length === 1 ? "is" : "are"} marked done, but the linked ${all.length === 1 ? "check does" : "checks do"} not pass:`,
    "",
  ];
  const lines = all.slice(0, MAX_TOP_CLAIMS).map(({ phase, document, claim }) => {
    const evidence = firstEvidence(claim);
    const where = evidence === null ? "" : ` · evidence: ${evidenceText(report, evidence, false)}`;
    return `- **${text(phase.name)}** (${code(phase.id)}): ${claimLink(report, document, claim)} "${text(clipTo(claim.text, CLAIM_TEXT_MAX))}" — ${reasonText(claim)}${where}`;
  });
  if (all.length > MAX_TOP_CLAIMS) lines.push(`- … and ${plural(all.length - MAX_TOP_CLAIMS, "more overclaimed claim")}: see the phases' check runs`);
  return { header, lines };
}

function commitText(commit: string | null): string {
  if (commit === null) return "(not a commit)";
  return /^[0-9a-f]{7,64}$/i.test(commit) ? `at ${commit}` : `at ${code(commit)}`;
}

function progressTable(report: AuditReport): { header: string[]; lines: string[]; claims: boolean } {
  if (report.phases.length === 0) return { header: ["_No phases to audit._"], lines: [], claims: false };
  // A column for the phase documents' summaries, when a phase names one.
  const claims = report.phases.some((p) => p.document !== undefined);
  const header = claims
    ? ["| Phase | Gate | Status | Progress | Claims |", "| --- | --- | --- | --- | --- |"]
    : ["| Phase | Gate | Status | Progress |", "| --- | --- | --- | --- |"];
  const lines = report.phases.map((p) => {
    const ahead = aheadText(p);
    const status = ahead === "" ? p.status : `${p.status} (${ahead})`;
    const row = `| ${phaseEmoji(p)} ${text(p.name)} (${code(p.id, true)}) | ${p.gate} | ${status} | ${progressBar(p.passed, p.total)} ${p.passed}/${p.total} |`;
    if (!claims) return row;
    const document = p.document === undefined ? "—" : p.document.status === "read" ? text(p.document.summary) : `${code(p.document.path, true)} ${p.document.status}`;
    return `${row} ${document} |`;
  });
  return { header, lines, claims };
}

/** Header lines and as many of `lines` as fit in `budget` characters, with a line saying how many were left out. */
function fitLines(lines: readonly string[], header: readonly string[], budget: number, more: (left: number) => string): string[] {
  const size = (ls: readonly string[]): number => ls.reduce((n, l) => n + l.length + 1, 0);
  if (size(header) + size(lines) <= budget) return [...header, ...lines];
  const kept = [...header];
  let used = size(header);
  let i = 0;
  for (; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    // This line, and the note about the lines after it.
    if (used + line.length + 1 + more(lines.length - i - 1).length + 1 > budget) break;
    kept.push(line);
    used += line.length + 1;
  }
  kept.push(more(lines.length - i));
  return kept;
}

function changeLines(head: AuditReport, base: AuditReport | null, baseNote: string | undefined): { header: string[]; lines: string[] } {
  const title = "### What this PR changed";
  if (base === null) {
    const why = baseNote === undefined || baseNote === "" ? "the base commit was not audited" : text(baseNote);
    return { header: [title, "", `Nothing to compare with: ${why}.`], lines: [] };
  }
  const against = `Compared with the base commit${base.commit === null ? "" : ` ${commitText(base.commit).replace(/^at /, "")}`}:`;
  const changes = compareReports(head, base);
  if (changes.length === 0) return { header: [title, "", `${against} no phase or check changed.`], lines: [] };
  const lines: string[] = [];
  for (const phase of changes) {
    lines.push(phaseChangeLine(phase));
    for (const check of phase.checks) lines.push(...checkChangeLines(check));
    for (const claim of phase.claims ?? []) lines.push(claimChangeLine(head, claim));
  }
  return { header: [title, "", against, ""], lines };
}

/** `  - ❌ claim [`docs/PHASE1.md:11`](…) "Removed --reload": backed → overclaimed (`dockerfile-reload`)`. */
function claimChangeLine(head: AuditReport, change: ClaimChange): string {
  const place = { path: change.path, line: change.line };
  const link = fileUrl(head, place);
  const location = code(`${change.path}:${change.line}`);
  const where = link === null ? location : `[${location}](${url(link)})`;
  const emoji = change.to === "overclaimed" ? "❌" : "✅";
  const check = change.checkId === undefined ? "" : ` (${code(change.checkId)})`;
  return `  - ${emoji} claim ${where} "${text(clipTo(change.text, CLAIM_TEXT_MAX))}": ${change.from} → ${change.to}${check}`;
}

function stateText(s: PhaseState): string {
  return `${s.status}, ${s.passed}/${s.total} checks pass`;
}

function phaseChangeLine(change: PhaseChange): string {
  const name = `**${text(change.name)}** (${code(change.phaseId)})`;
  if (change.kind === "added" && change.to) return `- ${PHASE_EMOJI[change.to.status]} ${name}: new phase (${stateText(change.to)})`;
  if (change.kind === "removed" && change.from) return `- ➖ ${name}: phase removed (was ${stateText(change.from)})`;
  const { from, to } = change;
  if (from === undefined || to === undefined) return `- ${name}`;
  const status = from.status === to.status ? `${to.status} (unchanged)` : `${from.status} → ${to.status}`;
  const progress = from.passed === to.passed && from.total === to.total ? `${to.passed}/${to.total}` : `${from.passed}/${from.total} → ${to.passed}/${to.total}`;
  return `- ${PHASE_EMOJI[to.status]} ${name}: ${status}, ${progress} checks pass`;
}

function checkLabel(change: CheckKey): string {
  return change.occurrence === 0 ? code(change.checkId) : `${code(change.checkId)} (#${change.occurrence + 1})`;
}

function checkChangeLines(change: CheckChange): string[] {
  const label = checkLabel(change);
  if (change.kind === "added") return [`  - ${STATUS_LOOK[change.status].emoji} ${label}: new check (${change.status})`];
  if (change.kind === "removed") return [`  - ➖ ${label}: check removed (was ${change.status})`];
  const parts = [change.from === change.to ? `${change.to} (status unchanged)` : `${change.from} → ${change.to}`];
  if (change.findings !== undefined) parts.push(`${change.findings.from} → ${plural(change.findings.to, "finding")}`);
  const lines = [`  - ${STATUS_LOOK[change.to].emoji} ${label}: ${parts.join(", ")}`];
  const shown = change.facts.slice(0, 5);
  for (const fact of shown) lines.push(`    - ${factText(fact)}`);
  if (change.facts.length > shown.length) lines.push(`    - … and ${plural(change.facts.length - shown.length, "more fact")}`);
  return lines;
}

function factText(fact: FactChange): string {
  const name = code(`facts.${fact.path}`);
  if (fact.added !== undefined || fact.removed !== undefined) {
    const parts: string[] = [];
    if (fact.added && fact.added.length > 0) parts.push(`added ${fact.added.map((v) => code(clip(v))).join(", ")}`);
    if (fact.removed && fact.removed.length > 0) parts.push(`removed ${fact.removed.map((v) => code(clip(v))).join(", ")}`);
    return `${name}: ${parts.join("; ")}`;
  }
  return `${name}: ${valueText(fact.from)} → ${valueText(fact.to)}`;
}

function valueText(value: JsonValue | undefined): string {
  if (value === undefined) return "(none)";
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (typeof value === "string") return code(clip(value));
  return code(clip(JSON.stringify(value)));
}

function clip(value: string): string {
  const points = [...value];
  return points.length > 60 ? `${points.slice(0, 59).join("")}…` : value;
}
