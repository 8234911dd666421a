import type { AuditReport, PhaseReport, PhaseStatus } from "../audit/types.js";
import type { CheckStatus, Finding, Severity } from "../check/types.js";
import type { ClaimReport, DocumentReport } from "../claims/types.js";
import { CLAIM_TEXT_MAX, claimedText, claimLocation, clip, currentPhaseOf, firstEvidence, groupClaims, REASON_MAX } from "./claims.js";
import { findingsText, locationText, phasesText, plural, skipText, STATUS_LOOK, totals, visible } from "./common.js";

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
 * The report for a terminal: the phase the repository is at, then per phase a header line
 * ("ahead, waiting on …" when it is complete before a phase it requires) and one line per check,
 * findings indented under their check with their help, the phase document's summary with its
 * overclaimed and ambiguous claims; then skipped files, notes and a final verdict line.
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
  if (report.phases.length > 0 && report.currentPhase !== undefined) {
    const current = currentPhaseOf(report);
    out.push(
      report.currentPhase === null
        ? `current phase: ${paint("green", "none")} (every phase is complete)`
        : `current phase: ${paint("bold", visible(report.currentPhase, false))}${current === null ? "" : ` (${visible(current.name, false)})`}`,
    );
  }

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
  const ahead = phase.ahead === undefined ? "" : `  ${paint("yellow", `ahead, waiting on ${(phase.waitingOn ?? []).map((id) => visible(id, false)).join(", ")}`)}`;
  lines.push(`${name}  ${phase.gate} gate  ${status}  ${phase.passed}/${phase.total} passed${ahead}`);
  if (phase.checks.length === 0) lines.push(`${CHECK_INDENT}(no checks)`);

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
  if (phase.document !== undefined) lines.push(...renderDocument(phase.document, phase.claims ?? [], paint));
  return lines;
}

/**
 * The phase document: its summary line, then each overclaimed claim with its first piece of
 * evidence, each ambiguous claim with its candidates, and how many other claims there are (the
 * JSON format lists them all). A document that could not be read is one line.
 */
function renderDocument(document: DocumentReport, claims: readonly ClaimReport[], paint: Paint): string[] {
  const path = visible(document.path, false);
  if (document.status !== "read") {
    const why = document.error ?? document.summary;
    const prefix = `${CHECK_INDENT}document ${path}: ${paint("yellow", document.status)}, no claims read: `;
    return wrap(visible(why), prefix, DETAIL_INDENT, CHECK_INDENT.length + 11 + path.length + document.status.length + 18);
  }
  const lines = wrap(visible(document.summary), `${CHECK_INDENT}document ${path}: `, DETAIL_INDENT, CHECK_INDENT.length + 11 + path.length);
  const groups = groupClaims(claims);
  for (const claim of groups.overclaimed) {
    const reason = `${claimedText(claim.state)}; ${clip(claim.reason, REASON_MAX)}`;
    lines.push(...renderClaim(document, claim, "overclaimed", "red", reason, paint));
    const evidence = firstEvidence(claim);
    if (evidence !== null) {
      const location = locationText(evidence);
      const more = (claim.evidence?.length ?? 0) - 1;
      const said = `${location === null ? "" : `${location}  `}${evidence.message}${more > 0 ? ` (and ${plural(more, "more finding")})` : ""}`;
      lines.push(...wrap(visible(said), `${DETAIL_INDENT}${paint("dim", "evidence:")} `, `${DETAIL_INDENT}          `, DETAIL_INDENT.length + 10));
    }
  }
  for (const claim of groups.ambiguous) {
    const candidates = (claim.ambiguous ?? []).map((c) => `${c.id} ('${c.phrase}')`).join(", ");
    lines.push(...renderClaim(document, claim, "ambiguous", "cyan", `names more than one check: ${candidates}`, paint));
  }
  const rest = [
    [document.counts.backed, "backed"],
    [groups.pending.length, "pending"],
    [groups.underclaimed.length, "underclaimed"],
    [groups.unverifiable.length, "unverifiable"],
  ] as const;
  const others = rest.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  if (others.length > 0) {
    lines.push(...wrap(`${others.join(", ")} (the JSON format lists every claim)`, `${FINDING_INDENT}${paint("dim", "other claims:")} `, DETAIL_INDENT, FINDING_INDENT.length + 14));
  }
  return lines;
}

/** `docs/PHASE1.md:42  overclaimed  "Removed --reload" — claimed done; dockerfile-reload fails: …`. */
function renderClaim(document: DocumentReport, claim: ClaimReport, label: string, style: Style, said: string, paint: Paint): string[] {
  const where = `${visible(claimLocation(document, claim), false)}  `;
  const prefix = `${FINDING_INDENT}${where}${paint(style, label)}  `;
  const shown = FINDING_INDENT.length + where.length + label.length + 2;
  return wrap(visible(`"${clip(claim.text, CLAIM_TEXT_MAX)}" — ${said}`), prefix, DETAIL_INDENT, shown);
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
