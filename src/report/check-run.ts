/**
 * AuditReport -> the output of one GitHub check run per phase, and of the "phase-gate
 * configuration" run for an invalid checklist. Pure: the GitHub side (`src/github/check-runs.ts`)
 * only sends what these functions return. They own GitHub's limits: 65,535 bytes of summary and
 * of text, annotations that need a path and a 1-based line, a cap on annotations per run.
 */
import type { AuditReport, CheckReport, PhaseReport } from "../audit/types.js";
import type { Finding, Severity } from "../check/types.js";
import type { ClaimReport, DocumentReport } from "../claims/types.js";
import type { ConfigError } from "../config/types.js";
import { CLAIM_TEXT_MAX, clip, overclaimsOf, readDocument, waitingOn } from "./claims.js";
import { locationText, plural, skipText, visible } from "./common.js";
import { claimSections, code, findingItem, phaseLines, text } from "./markdown.js";

/** Check runs of phases are named `phase-gate: <phase name>`. */
export const CHECK_RUN_NAME_PREFIX = "phase-gate: ";
/** The run that says the checklist is invalid (and nothing else is published). */
export const CONFIG_CHECK_RUN_NAME = "phase-gate configuration";
/** GitHub's limit on `output.summary` and `output.text`, counted in UTF-8 bytes. */
export const OUTPUT_MAX_BYTES = 65_535;
/** GitHub accepts at most this many annotations in one request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** Annotations sent for one run at most (each 50 is one more request); the text lists every finding. */
export const MAX_ANNOTATIONS = 500;
/** GitHub's limit on an annotation's `message` (64 KB) and `title` (255 characters). */
const ANNOTATION_MESSAGE_MAX_BYTES = 65_535;
const ANNOTATION_TITLE_MAX_CHARS = 255;

export type AnnotationLevel = "notice" | "warning" | "failure";
export type CheckRunConclusion = "success" | "failure" | "neutral";

/** An annotation as `POST/PATCH …/check-runs` takes it (field names are GitHub's). */
export interface CheckRunAnnotation {
  readonly path: string;
  /** 1-based. */
  readonly start_line: number;
  readonly end_line: number;
  /** Only when `start_line === end_line`. */
  readonly start_column?: number;
  readonly end_column?: number;
  readonly annotation_level: AnnotationLevel;
  readonly title?: string;
  readonly message: string;
}

/** Everything a completed check run says. */
export interface CheckRunOutput {
  readonly name: string;
  /** `7/9 checks pass`. */
  readonly title: string;
  /** Markdown, at most OUTPUT_MAX_BYTES bytes. */
  readonly summary: string;
  /** Markdown, at most OUTPUT_MAX_BYTES bytes; may be empty. */
  readonly text: string;
  readonly conclusion: CheckRunConclusion;
  /** Every annotation of the run, in order; the GitHub side sends them 50 per request. */
  readonly annotations: readonly CheckRunAnnotation[];
}

export interface CheckRunOptions {
  /** Annotations kept at most; default MAX_ANNOTATIONS. */
  readonly maxAnnotations?: number;
  /** Lines added at the end of the text (Markdown), e.g. what the GitHub side knows about earlier runs. */
  readonly extraNotes?: readonly string[];
}

const LEVELS: Readonly<Record<Severity, AnnotationLevel>> = { error: "failure", warning: "warning", notice: "notice" };

/** error -> failure, warning -> warning, notice -> notice. */
export function annotationLevel(severity: Severity): AnnotationLevel {
  return LEVELS[severity];
}

/** `phase-gate: Foundation & Security` (control characters made visible: a name is one line). */
export function checkRunName(phaseName: string): string {
  return `${CHECK_RUN_NAME_PREFIX}${visible(phaseName, false)}`;
}

/**
 * DESIGN.md: success when complete, failure when failing and the gate is required, neutral
 * otherwise. A phase complete ahead of a phase it requires takes its `ahead` conclusion instead of
 * success (neutral unless the checklist says success).
 */
export function checkRunConclusion(phase: Pick<PhaseReport, "status" | "gate" | "ahead">): CheckRunConclusion {
  if (phase.status === "complete") return phase.ahead ?? "success";
  return phase.status === "failing" && phase.gate === "required" ? "failure" : "neutral";
}

/** The output of the check run of phase `phaseId`. Throws a RangeError when the report has no such phase. */
export function checkRunOutput(report: AuditReport, phaseId: string, options: CheckRunOptions = {}): CheckRunOutput {
  const phase = report.phases.find((p) => p.id === phaseId);
  if (phase === undefined) throw new RangeError(`the report has no phase '${phaseId}'`);
  const conclusion = checkRunConclusion(phase);
  // Overclaimed claims first: the cap keeps them whatever their level.
  const document = readDocument(phase);
  const claims = document === null ? [] : overclaimsOf(phase).flatMap((claim) => claimAnnotation(phase, document, claim) ?? []);
  const findings = phase.checks.flatMap((check) => check.findings.flatMap((f) => findingAnnotation(check, f) ?? []));
  const max = options.maxAnnotations ?? MAX_ANNOTATIONS;
  const annotations = capAnnotations([...claims, ...findings], max, claims.length);
  return {
    name: checkRunName(phase.name),
    title: `${phase.passed}/${phase.total} checks pass`,
    summary: clampBytes(phaseSummary(report, phase, conclusion), OUTPUT_MAX_BYTES, "summary"),
    text: clampBytes(phaseText(report, phase, { located: claims.length + findings.length, claims: claims.length }, annotations.length, max, options.extraNotes ?? []), OUTPUT_MAX_BYTES, "text"),
    conclusion,
    annotations,
  };
}

function phaseSummary(report: AuditReport, phase: PhaseReport, conclusion: CheckRunConclusion): string {
  if (phase.ahead !== undefined) {
    const waiting = waitingOn(report, phase).map((p) => (p.name === null ? code(p.id) : `**${text(p.name)}** (${code(p.id)})`));
    const which = `which ${waiting.length === 1 ? "is" : "are"} not complete yet`;
    const then = conclusion === "success" ? `${which}; the checklist lets a phase that is ahead succeed.` : `${which}, so this check run is ${conclusion}.`;
    return [...phaseLines(phase, report), "", `Complete, but ahead: waiting on ${waiting.join(", ")}, ${then}`, "", checklistLine(report), ""].join("\n");
  }
  const why: Record<CheckRunConclusion, string> = {
    success: "Every applicable check of this phase passes.",
    failure: "A check of this phase fails and its gate is `required`, so this check run fails.",
    neutral:
      phase.status === "failing"
        ? "A check of this phase fails, but its gate is `advisory`, so this check run is neutral."
        : "Not every check of this phase passes yet (none fails), so this check run is neutral.",
  };
  return [...phaseLines(phase, report), "", why[conclusion], "", checklistLine(report), ""].join("\n");
}

function checklistLine(report: AuditReport): string {
  return report.checklist.source === "default"
    ? "Checklist: **built-in default** (advisory; no checklist file was found)"
    : `Checklist: ${code(report.checklist.path ?? "(unnamed)")}`;
}

function phaseText(
  report: AuditReport,
  phase: PhaseReport,
  located: { readonly located: number; readonly claims: number },
  annotated: number,
  max: number,
  extraNotes: readonly string[],
): string {
  const parts: string[] = [];
  if (annotated < located.located) {
    parts.push(
      located.claims === 0
        ? `> [!NOTE]\n> ${annotated} of ${plural(located.located, "finding")} with a file and a line are annotated ` +
            `(at most ${max} per check run, errors first); every finding is listed below.`
        : `> [!NOTE]\n> ${annotated} of ${located.located} findings and overclaimed claims with a file and a line are annotated ` +
            `(at most ${max} per check run, overclaimed claims first, then errors); every one is listed below.`,
    );
  }
  // The claims of the phase's document first, whole (the text is cut to GitHub's limit at its end).
  for (const section of claimSections(report, phase)) {
    parts.push([section.header, ...section.items, ...(section.footer !== undefined ? [section.footer] : [])].join("\n"));
  }
  const withFindings = phase.checks.filter((c) => c.findings.length > 0);
  if (withFindings.length === 0) parts.push("No findings.");
  for (const check of withFindings) {
    parts.push(
      [`**${code(check.id)}** (${check.status}): ${plural(check.findings.length, "finding")}`, ...check.findings.map((f) => findingItem(report, check, f))].join(
        "\n",
      ),
    );
  }
  if (report.skipped.length > 0) {
    parts.push(
      [
        `#### Files not read (${report.skipped.length})`,
        "",
        "These files matched a check but were not read, so the checks that needed them may say less:",
        ...report.skipped.map((s) => `- ${code(s.path)}: ${text(skipText(s))}`),
      ].join("\n"),
    );
  }
  const notes = [...report.notes.map((n) => `- ${text(n)}`), ...documentNotes(phase), ...extraNotes.map((n) => `- ${n}`)];
  if (notes.length > 0) parts.push(["#### Notes", "", ...notes].join("\n"));
  return `${parts.join("\n\n")}\n`;
}

/**
 * An overclaimed claim as an annotation on its line of the phase document: a failure when the
 * phase's gate is required and the linked check fails, else (an advisory gate, or a check that only
 * warns) a warning; the message says the claim, why, and where the evidence is.
 */
function claimAnnotation(phase: PhaseReport, document: DocumentReport, claim: ClaimReport): CheckRunAnnotation | null {
  if (document.path === "" || !Number.isInteger(claim.line) || claim.line < 1) return null;
  const evidence = (claim.evidence ?? []).map((f) => {
    const where = locationText(f);
    return `- ${where === null ? "" : `${where}: `}${clip(f.message, 300)}`;
  });
  const message = [
    `"${clip(claim.text, CLAIM_TEXT_MAX)}" is marked done, but ${claim.reason}`,
    ...(evidence.length > 0 ? ["", "Evidence:", ...evidence] : []),
  ].join("\n");
  return {
    path: document.path,
    start_line: claim.line,
    end_line: claim.line,
    annotation_level: phase.gate === "required" && phase.checks[claim.check?.index ?? -1]?.status !== "warn" ? "failure" : "warning",
    title: clipChars(visible(`claim overclaimed: ${claim.check?.id ?? "no check"}`, false), ANNOTATION_TITLE_MAX_CHARS),
    message: clampBytes(visible(message), ANNOTATION_MESSAGE_MAX_BYTES, "message"),
  };
}

/** Document notes shown in a check run at most; the JSON report and `phase-gate claims` list them all. */
export const MAX_DOCUMENT_NOTES = 20;

/**
 * What reading the phase document noted (a `claims:` link that matched nothing, a status not
 * recognised, goals not taken as claims), for the maintainer who wonders why a claim is missing.
 */
function documentNotes(phase: PhaseReport): string[] {
  const doc = phase.document;
  if (doc === undefined || doc.notes.length === 0) return [];
  const shown = doc.notes.slice(0, MAX_DOCUMENT_NOTES).map((n) => `- ${code(doc.path)}: ${text(n)}`);
  const more = doc.notes.length - shown.length;
  return more > 0 ? [...shown, `- ${code(doc.path)}: ${more} more (the JSON report and \`phase-gate claims\` list every note)`] : shown;
}

/** A finding with a path and a valid 1-based line, as an annotation; otherwise null (it stays in the text). */
function findingAnnotation(check: CheckReport, finding: Finding): CheckRunAnnotation | null {
  const { path, line, endLine } = finding;
  if (path === undefined || path === "" || line === undefined || !Number.isInteger(line) || line < 1) return null;
  const end = endLine !== undefined && Number.isInteger(endLine) && endLine > line ? endLine : line;
  const help = finding.help === undefined || finding.help === "" ? "" : `\n\nHelp: ${visible(finding.help)}`;
  return {
    path,
    start_line: line,
    end_line: end,
    annotation_level: annotationLevel(finding.severity),
    title: clipChars(visible(`${check.id}: ${finding.messageId}`, false), ANNOTATION_TITLE_MAX_CHARS),
    message: clampBytes(`${visible(finding.message)}${help}`, ANNOTATION_MESSAGE_MAX_BYTES, "message"),
  };
}

const LEVEL_RANK: Readonly<Record<AnnotationLevel, number>> = { failure: 0, warning: 1, notice: 2 };

/**
 * At most `max` annotations: the first `first` (overclaimed claims) before any other, then
 * failures, then warnings, then notices, each kept in its order.
 */
function capAnnotations(all: readonly CheckRunAnnotation[], max: number, first = 0): CheckRunAnnotation[] {
  const limit = Math.max(0, Math.floor(max));
  if (all.length <= limit) return [...all];
  const rank = (a: CheckRunAnnotation, i: number): number => (i < first ? -1 : LEVEL_RANK[a.annotation_level]);
  const chosen = all
    .map((a, i) => ({ a, i }))
    .sort((x, y) => rank(x.a, x.i) - rank(y.a, y.i) || x.i - y.i)
    .slice(0, limit)
    .sort((x, y) => x.i - y.i);
  return chosen.map((c) => c.a);
}

function clipChars(value: string, max: number): string {
  const points = [...value];
  return points.length <= max ? value : `${points.slice(0, max - 1).join("")}…`;
}

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
/** A cut moves back to the end of a line when one ends this close before it, so a table row is kept whole. */
const LINE_SNAP_CHARS = 2_000;

/**
 * `value` if it fits in `maxBytes` UTF-8 bytes; otherwise its longest start that fits together
 * with a note saying it was cut. The cut never splits a character (nor a grapheme such as an emoji
 * with modifiers), and falls at the end of a line when one is near.
 */
export function clampBytes(value: string, maxBytes: number, what = "text"): string {
  if (Buffer.byteLength(value, "utf8") <= maxBytes) return value;
  const note =
    what === "message"
      ? " … (cut)"
      : `\n\n> [!WARNING]\n> This ${what} was cut to GitHub's limit of ${maxBytes.toLocaleString("en-US")} bytes; \`phase-gate audit\` prints the full report.\n`;
  const budget = maxBytes - Buffer.byteLength(note, "utf8");
  if (budget <= 0) return Buffer.byteLength(note, "utf8") <= maxBytes ? note : "";
  const bytes = Buffer.from(value, "utf8");
  let cut = budget;
  // Back to the first byte of a character (continuation bytes are 10xxxxxx).
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  let kept = bytes.subarray(0, cut).toString("utf8");
  // Back to a grapheme boundary (an emoji with a modifier is one): segment around the cut only.
  const from = Math.max(0, kept.length - 64);
  let boundary = from;
  for (const { index } of segmenter.segment(value.slice(from, kept.length + 64))) {
    if (from + index > kept.length) break;
    boundary = from + index;
  }
  kept = kept.slice(0, boundary);
  const newline = kept.lastIndexOf("\n");
  if (newline > 0 && kept.length - newline <= LINE_SNAP_CHARS) kept = kept.slice(0, newline);
  return `${kept}${note}`;
}

/**
 * The "phase-gate configuration" run for a checklist that is not valid: it fails, its summary lists
 * every error with its hint, and each error in `file` (the checklist of this repository) is an
 * annotation on its line. An error whose `file` is another one (a file of another repository,
 * reached through `_extends`) is said in the summary, never annotated: its path does not exist here.
 */
export function configErrorOutput(errors: readonly ConfigError[], file: string): CheckRunOutput {
  const count = Math.max(errors.length, 1);
  const elsewhere = errors.filter((e) => e.file !== file);
  const lines = [
    `The checklist ${code(file)} is not valid, so phase-gate audited nothing on this commit and published no phase check runs.`,
    "Fix the errors below; the phases are audited again on the next push, or when this check run is re-run.",
    "",
  ];
  if (errors.length === 0) lines.push("- the checklist could not be loaded, and no error was located in it");
  for (const e of errors) {
    const where = e.file === file ? `${code(`${e.file}:${e.line}:${e.column}`)}` : `${code(`${e.file}:${e.line}:${e.column}`)} (another repository's file)`;
    const at = e.at === "" ? "" : `${code(e.at)}: `;
    const hint = e.hint === undefined || e.hint === "" ? "" : `<br>*Fix:* ${text(e.hint)}`;
    lines.push(`- ${where}: ${at}${text(e.message)}${hint}`);
  }
  if (elsewhere.length > 0) {
    const files = [...new Set(elsewhere.map((e) => e.file))];
    lines.push(
      "",
      `${plural(elsewhere.length, "error")} ${elsewhere.length === 1 ? "is" : "are"} in ${files.map((f) => code(f)).join(", ")}, ` +
        "which this checklist extends through `_extends`: fix " +
        (files.length === 1 ? "that file" : "those files") +
        " in " +
        (files.length === 1 ? "its repository" : "their repositories") +
        (elsewhere.length === 1 ? " (it is not annotated here: that file is not in this repository)." : " (they are not annotated here: those files are not in this repository)."),
    );
  }
  const annotations = errors.flatMap((e): CheckRunAnnotation[] => {
    if (e.file !== file || !Number.isInteger(e.line) || e.line < 1) return [];
    const end = e.endLine !== undefined && Number.isInteger(e.endLine) && e.endLine > e.line ? e.endLine : e.line;
    // Columns only on one line (GitHub's rule); a ConfigError's end column is exclusive, GitHub's inclusive.
    const lastColumn = e.endLine === e.line && e.endColumn !== undefined && e.endColumn > e.column ? e.endColumn - 1 : e.column;
    const columns = end === e.line && Number.isInteger(e.column) && e.column >= 1 ? { start_column: e.column, end_column: lastColumn } : {};
    const hint = e.hint === undefined || e.hint === "" ? "" : `\n\nFix: ${visible(e.hint)}`;
    return [
      {
        path: file,
        start_line: e.line,
        end_line: end,
        ...columns,
        annotation_level: "failure",
        title: clipChars(e.at === "" ? CONFIG_CHECK_RUN_NAME : `${CONFIG_CHECK_RUN_NAME}: ${visible(e.at, false)}`, ANNOTATION_TITLE_MAX_CHARS),
        message: clampBytes(`${visible(e.message)}${hint}`, ANNOTATION_MESSAGE_MAX_BYTES, "message"),
      },
    ];
  });
  return {
    name: CONFIG_CHECK_RUN_NAME,
    title: `${plural(count, "error")} in ${visible(file, false)}`,
    summary: clampBytes(`${lines.join("\n")}\n`, OUTPUT_MAX_BYTES, "summary"),
    text: "",
    conclusion: "failure",
    annotations: capAnnotations(annotations, MAX_ANNOTATIONS),
  };
}
