import type { AuditReport, PhaseStatus } from "../audit/types.js";
import type { CheckStatus, Finding, Severity } from "../check/types.js";
import type { SkippedEntry } from "../snapshot/types.js";

/** What every renderer says about one check status: a symbol for terminals, an emoji for Markdown. */
export const STATUS_LOOK: Readonly<Record<CheckStatus, { readonly symbol: string; readonly emoji: string }>> = {
  pass: { symbol: "✓", emoji: "✅" },
  fail: { symbol: "✗", emoji: "❌" },
  warn: { symbol: "!", emoji: "⚠️" },
  indeterminate: { symbol: "?", emoji: "❔" },
  "not-applicable": { symbol: "-", emoji: "➖" },
  error: { symbol: "✗", emoji: "💥" },
};

export const PHASE_EMOJI: Readonly<Record<PhaseStatus, string>> = {
  complete: "✅",
  incomplete: "🟡",
  failing: "❌",
};

export const SEVERITIES: readonly Severity[] = ["error", "warning", "notice"];

/**
 * Where a finding points, as people write it: `path:14`, `path:14-16`, `path`; null without a path.
 * An `endLine` is shown only when it is after `line`.
 */
export function locationText(finding: Finding): string | null {
  if (finding.path === undefined) return null;
  const { line, endLine } = finding;
  if (line === undefined) return finding.path;
  return endLine !== undefined && endLine > line ? `${finding.path}:${line}-${endLine}` : `${finding.path}:${line}`;
}

/** A GitHub line anchor: `#L14` or `#L14-L16`; empty without a line. */
export function lineAnchor(finding: Pick<Finding, "line" | "endLine">): string {
  const { line, endLine } = finding;
  if (line === undefined) return "";
  return endLine !== undefined && endLine > line ? `#L${line}-L${endLine}` : `#L${line}`;
}

/**
 * A relative path as a URI reference: each segment percent-encoded (RFC 3986 unreserved
 * characters kept), `/` kept. Also safe inside a Markdown link destination (no parentheses).
 */
export function encodePath(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

/** The link to a file (and line) of the audited state, or null when the report has no link base. */
export function fileUrl(report: Pick<AuditReport, "fileUrlBase">, finding: Pick<Finding, "path" | "line" | "endLine">): string | null {
  if (report.fileUrlBase === undefined || finding.path === undefined) return null;
  const base = report.fileUrlBase.endsWith("/") ? report.fileUrlBase : `${report.fileUrlBase}/`;
  return `${base}${encodePath(finding.path)}${lineAnchor(finding)}`;
}

/**
 * Makes text from a repository safe to show: control characters, and the Unicode bidirectional
 * controls that can make text read differently from what it is, become visible escapes (`\x1b`,
 * `\u202e`). Newlines are kept (normalised to `\n`) unless `keepNewlines` is false.
 */
export function visible(text: string, keepNewlines = true): string {
  const normalised = text.replace(/\r\n?/g, "\n");
  // eslint-disable-next-line no-control-regex
  return normalised.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => {
    if (c === "\n" && keepNewlines) return c;
    if (c === "\t") return " ";
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** How a skipped file is described: "binary", "too large (2.0 MiB)", "unreadable: EACCES". */
export function skipText(entry: SkippedEntry): string {
  const words: Record<SkippedEntry["reason"], string> = {
    binary: "binary",
    "too-large": "too large",
    symlink: "symbolic link, not followed",
    submodule: "submodule",
    unreadable: "unreadable",
  };
  let text = words[entry.reason];
  if (entry.reason === "too-large" && entry.size !== undefined) text += ` (${formatSize(entry.size)})`;
  if (entry.detail !== undefined && entry.detail !== "") text += `: ${entry.detail}`;
  return text;
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
}

/** "1 finding", "3 findings". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

export interface ReportTotals {
  readonly phases: number;
  readonly byStatus: Readonly<Record<PhaseStatus, number>>;
  readonly findings: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Ids of required phases whose status is `failing` (what makes `phase-gate audit` exit 1). */
  readonly requiredFailing: readonly string[];
}

export function totals(report: AuditReport): ReportTotals {
  const byStatus: Record<PhaseStatus, number> = { complete: 0, incomplete: 0, failing: 0 };
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  let findings = 0;
  for (const phase of report.phases) {
    byStatus[phase.status] += 1;
    for (const check of phase.checks) {
      for (const finding of check.findings) {
        findings += 1;
        bySeverity[finding.severity] += 1;
      }
    }
  }
  const requiredFailing = report.phases.filter((p) => p.gate === "required" && p.status === "failing").map((p) => p.id);
  return { phases: report.phases.length, byStatus, findings, bySeverity, requiredFailing };
}

/** "3 findings (1 error, 1 warning, 1 notice)" or "no findings". */
export function findingsText(t: ReportTotals): string {
  if (t.findings === 0) return "no findings";
  const parts = SEVERITIES.filter((s) => t.bySeverity[s] > 0).map((s) => plural(t.bySeverity[s], s));
  return `${plural(t.findings, "finding")} (${parts.join(", ")})`;
}

/** "3 phases: 1 complete, 1 incomplete, 1 failing". */
export function phasesText(t: ReportTotals): string {
  if (t.phases === 0) return "no phases";
  const parts = (["complete", "incomplete", "failing"] as const).filter((s) => t.byStatus[s] > 0).map((s) => `${t.byStatus[s]} ${s}`);
  return `${plural(t.phases, "phase")}: ${parts.join(", ")}`;
}
