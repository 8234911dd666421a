import type { AuditReport, PhaseReport, PhaseStatus } from "../audit/types.js";
import type { CheckStatus, Finding, Severity } from "../check/types.js";
import { findingsText, locationText, phasesText, skipText, STATUS_LOOK, totals, visible } from "./common.js";

export interface TextOptions {
  /** ANSI colour; the CLI passes `stdout.isTTY && !NO_COLOR`. Without it the output has no escape codes at all. */
  readonly color: boolean;
}

/** Lines are wrapped to this many columns where the text allows it. */
const WIDTH = 100;
const CHECK_INDENT = "  ";
const FINDING_INDENT = "      ";
const DETAIL_INDENT = "        ";

type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan" | "magenta";

/** SGR open and close codes; closing with the specific reset keeps nested styles intact. */
const SGR: Readonly<Record<Style, readonly [number, number]>> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
};

const CHECK_STYLE: Readonly<Record<CheckStatus, Style>> = {
  pass: "green",
  fail: "red",
  warn: "yellow",
  indeterminate: "cyan",
  "not-applicable": "dim",
  error: "magenta",
};

const PHASE_STYLE: Readonly<Record<PhaseStatus, Style>> = { complete: "green", incomplete: "yellow", failing: "red" };

const SEVERITY_STYLE: Readonly<Record<Severity, Style>> = { error: "red", warning: "yellow", notice: "cyan" };

/**
 * The report for a terminal: per phase a header line and one line per check, findings indented
 * under their check with their help, then skipped files, notes and a final verdict line.
 */
export function renderText(report: AuditReport, options: TextOptions): string {
  const paint = (style: Style, text: string): string => {
    if (!options.color || text === "") return text;
    const [open, close] = SGR[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
  const out: string[] = [];

  const commit = report.commit === null ? "(not a commit)" : `at ${visible(report.commit, false)}`;
  out.push(paint("bold", `phase-gate audit of ${visible(report.repository, false)} ${commit}`));
  out.push(
    report.checklist.source === "default"
      ? `checklist: ${paint("yellow", "built-in default")} (advisory; no checklist file was found)`
      : `checklist: ${visible(report.checklist.path ?? "(unnamed)", false)}`,
  );

  // One layout for every phase, so the columns line up down the whole report.
  const checks = report.phases.flatMap((p) => p.checks);
  const widths: Widths = {
    status: Math.max(0, ...checks.map((c) => c.status.length)),
    id: Math.max(0, ...checks.map((c) => visible(c.id, false).length)),
  };
  if (report.phases.length === 0) out.push("", "No phases to audit.");
  for (const phase of report.phases) out.push("", ...renderPhase(phase, widths, paint));

  if (report.skipped.length > 0) {
    out.push("", paint("bold", `Files not read (${report.skipped.length}):`));
    const pathWidth = Math.min(40, Math.max(...report.skipped.map((e) => visible(e.path, false).length)));
    for (const entry of report.skipped) {
      const shownPath = visible(entry.path, false).padEnd(pathWidth);
      out.push(...wrap(visible(skipText(entry), false), `${CHECK_INDENT}${shownPath}  `, DETAIL_INDENT));
    }
  }
  if (report.notes.length > 0) {
    out.push("", paint("bold", "Notes:"));
    for (const note of report.notes) out.push(...wrap(visible(note), `${CHECK_INDENT}- `, `${CHECK_INDENT}  `));
  }

  const t = totals(report);
  const verdict =
    t.requiredFailing.length > 0
      ? paint("red", `FAILED: required ${t.requiredFailing.length === 1 ? "phase" : "phases"} failing: ${t.requiredFailing.map((id) => visible(id, false)).join(", ")}`)
      : paint("green", "OK: no required phase is failing");
  out.push("", `${phasesText(t)}; ${findingsText(t)}`, verdict);
  return `${out.join("\n")}\n`;
}

type Paint = (style: Style, text: string) => string;

interface Widths {
  readonly status: number;
  readonly id: number;
}

function renderPhase(phase: PhaseReport, widths: Widths, paint: Paint): string[] {
  const lines: string[] = [];
  const name = paint("bold", `${visible(phase.name, false)} (${visible(phase.id, false)})`);
  const status = paint(PHASE_STYLE[phase.status], phase.status.toUpperCase());
  lines.push(`${name}  ${phase.gate} gate  ${status}  ${phase.passed}/${phase.total} passed`);
  if (phase.checks.length === 0) {
    lines.push(`${CHECK_INDENT}(no checks)`);
    return lines;
  }

  const { status: statusWidth, id: idWidth } = widths;
  for (const check of phase.checks) {
    const look = STATUS_LOOK[check.status];
    const id = visible(check.id, false);
    const statusCell = paint(CHECK_STYLE[check.status], `${look.symbol} ${check.status}`) + " ".repeat(statusWidth - check.status.length);
    const prefix = `${CHECK_INDENT}${statusCell} ${id.padEnd(idWidth)}  `;
    // Width of the prefix as it shows, without escape codes.
    const shown = CHECK_INDENT.length + 2 + statusWidth + 1 + idWidth + 2;
    lines.push(...wrap(visible(check.summary), prefix, " ".repeat(Math.min(shown, 40)), shown));
    for (const finding of check.findings) lines.push(...renderFinding(finding, paint));
  }
  return lines;
}

function renderFinding(finding: Finding, paint: Paint): string[] {
  const location = locationText(finding);
  const where = location === null ? "" : `${visible(location, false)}  `;
  const severity = paint(SEVERITY_STYLE[finding.severity], finding.severity);
  const prefix = `${FINDING_INDENT}${where}${severity}  `;
  const shown = FINDING_INDENT.length + where.length + finding.severity.length + 2;
  const lines = wrap(visible(finding.message), prefix, DETAIL_INDENT, shown);
  if (finding.help !== undefined) {
    lines.push(...wrap(visible(finding.help), `${DETAIL_INDENT}${paint("dim", "help:")} `, `${DETAIL_INDENT}      `, DETAIL_INDENT.length + 6));
  }
  return lines;
}

/**
 * Word-wraps `text` to WIDTH columns: the first line starts with `first` (which shows as
 * `firstWidth` columns, escape codes aside), the others with `rest`. Newlines in the text start
 * new lines; a word longer than a line is left whole. When the first prefix is too wide to leave
 * room, the text starts on the next line.
 */
function wrap(text: string, first: string, rest: string, firstWidth = first.length): string[] {
  const lines: string[] = [];
  let current = first;
  let used = firstWidth;
  let empty = true;
  const room = (): number => WIDTH - used;
  if (WIDTH - firstWidth < 30 && text.length > WIDTH - firstWidth) {
    lines.push(first.trimEnd());
    current = rest;
    used = rest.length;
  }
  const paragraphs = text.split("\n");
  paragraphs.forEach((paragraph, index) => {
    if (index > 0) {
      lines.push(current.trimEnd());
      current = rest;
      used = rest.length;
      empty = true;
    }
    for (const word of paragraph.split(" ")) {
      if (!empty && word.length + 1 > room()) {
        lines.push(current.trimEnd());
        current = rest;
        used = rest.length;
        empty = true;
      }
      const piece = empty ? word : ` ${word}`;
      current += piece;
      used += piece.length;
      empty = false;
    }
  });
  lines.push(current.trimEnd());
  return lines;
}
