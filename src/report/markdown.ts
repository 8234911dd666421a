import type { AuditReport, CheckReport, PhaseReport } from "../audit/types.js";
import { docsUrlFor } from "../check/define.js";
import type { Finding } from "../check/types.js";
import { fileUrl, findingsText, locationText, PHASE_EMOJI, phasesText, plural, skipText, STATUS_LOOK, totals, visible } from "./common.js";

export interface MarkdownOptions {
  /** The body never exceeds this many characters (UTF-16 code units); default 65,000. */
  readonly maxLength?: number;
}

/** GitHub refuses comment bodies over 65,536 characters; this leaves room for the app's marker. */
export const MARKDOWN_MAX_LENGTH = 65_000;

const BAR_CELLS = 10;

/** A part of the body that is always shown (headings, phase tables, notes). */
interface FixedBlock {
  readonly kind: "fixed";
  readonly lines: readonly string[];
  /** Set on the block of a phase's heading and table, to count phases left out when even those do not fit. */
  readonly phase?: boolean;
}

/** A list that may be cut: findings of a check, or skipped files. */
interface ItemsBlock {
  readonly kind: "items";
  readonly what: "finding" | "skipped";
  /** Line(s) above the items: dropped with them unless `keepHeader`. */
  readonly header: string;
  readonly keepHeader: boolean;
  readonly items: readonly string[];
}

type Block = FixedBlock | ItemsBlock;

/**
 * The phase-completion comment body: a heading, then per phase its status, a progress bar, a
 * table of checks and the findings, then skipped files and notes. Text from the repository is
 * escaped so it can neither break the Markdown nor inject HTML or mentions. Over `maxLength`,
 * finding details go first, then skipped files; phase tables are kept whole, and a closing note
 * says what was left out.
 */
export function renderMarkdown(report: AuditReport, options: MarkdownOptions = {}): string {
  // The body ends with a newline, which counts.
  const maxLength = (options.maxLength ?? MARKDOWN_MAX_LENGTH) - 1;
  if (maxLength < 0) return "";
  const blocks = buildBlocks(report);
  const all = blocks.map((b) => (b.kind === "items" ? b.items.length : 0));
  const full = assemble(blocks, all);
  const body = full.length <= maxLength ? full : cut(blocks, maxLength);
  return body === "" ? "" : `${body}\n`;
}

function buildBlocks(report: AuditReport): Block[] {
  const t = totals(report);
  const blocks: Block[] = [];
  const commit = report.commit === null ? "(not a commit)" : /^[0-9a-f]{7,64}$/i.test(report.commit) ? `at ${report.commit}` : `at ${code(report.commit)}`;
  const checklist =
    report.checklist.source === "default"
      ? "Checklist: **built-in default** (advisory; no checklist file was found)"
      : `Checklist: ${code(report.checklist.path ?? "(unnamed)")}`;
  const verdict =
    t.requiredFailing.length > 0
      ? `❌ **Required ${t.requiredFailing.length === 1 ? "phase" : "phases"} failing:** ${t.requiredFailing.map((id) => code(id)).join(", ")}`
      : "✅ **No required phase is failing**";
  blocks.push({
    kind: "fixed",
    lines: [
      "## phase-gate report",
      "",
      `**${text(report.repository)}** ${commit}`,
      "",
      checklist,
      "",
      `${verdict} · ${text(phasesText(t))} · ${text(findingsText(t))}`,
    ],
  });

  if (report.phases.length === 0) blocks.push({ kind: "fixed", lines: ["_No phases to audit._"] });
  for (const phase of report.phases) {
    blocks.push({ kind: "fixed", phase: true, lines: phaseLines(phase) });
    for (const check of phase.checks) {
      if (check.findings.length === 0) continue;
      blocks.push({
        kind: "items",
        what: "finding",
        header: `**${code(check.id)}** (${check.status}): ${plural(check.findings.length, "finding")}`,
        keepHeader: false,
        items: check.findings.map((f) => findingItem(report, check, f)),
      });
    }
  }

  if (report.skipped.length > 0) {
    blocks.push({
      kind: "items",
      what: "skipped",
      header: `#### Files not read (${report.skipped.length})\n\nThese files matched a check but were not read, so the checks that needed them may say less:`,
      keepHeader: true,
      items: report.skipped.map((s) => `- ${code(s.path)}: ${text(skipText(s))}`),
    });
  }
  if (report.notes.length > 0) {
    blocks.push({ kind: "fixed", lines: ["#### Notes", "", ...report.notes.map((n) => `- ${text(n)}`)] });
  }
  return blocks;
}

/** A phase's heading, status line with progress bar, and table of checks (also the check run summary). */
export function phaseLines(phase: PhaseReport): string[] {
  const lines = [
    `### ${PHASE_EMOJI[phase.status]} ${text(phase.name)} (${code(phase.id)})`,
    "",
    `**${phase.status}** · ${phase.gate} gate · ${progressBar(phase.passed, phase.total)} ${phase.passed}/${phase.total} checks pass`,
    "",
  ];
  if (phase.checks.length === 0) {
    lines.push("_No checks._");
    return lines;
  }
  lines.push("| Status | Check | Summary |", "| --- | --- | --- |");
  for (const check of phase.checks) lines.push(checkRow(check));
  return lines;
}

function checkRow(check: CheckReport): string {
  const status = `${STATUS_LOOK[check.status].emoji} ${check.status}`;
  const id = `[${code(check.id, true)}](${url(docsUrlFor(check.id))})`;
  return `| ${status} | ${id} | ${text(check.summary)} |`;
}

/** One finding as a list item: severity, linked location, message and help. */
export function findingItem(report: AuditReport, check: CheckReport, finding: Finding): string {
  const location = locationText(finding);
  const link = fileUrl(report, finding);
  const where = location === null ? "" : link === null ? ` ${code(location)}` : ` [${code(location)}](${url(link)})`;
  const help = finding.help === undefined ? "" : `<br>*Help:* ${text(finding.help)}`;
  return `- **${finding.severity}**${where}: ${text(finding.message)}${help}`;
}

/** `███░░░░░░░`: the share of applicable checks that pass, in ten cells; a part counts as one. */
export function progressBar(passed: number, total: number): string {
  let filled = total > 0 ? Math.floor((passed * BAR_CELLS) / total) : 0;
  if (passed > 0 && filled === 0) filled = 1;
  filled = Math.max(0, Math.min(BAR_CELLS, filled));
  return "█".repeat(filled) + "░".repeat(BAR_CELLS - filled);
}

/** Blocks joined by blank lines; items blocks show their first `counts[i]` items. */
function assemble(blocks: readonly Block[], counts: readonly number[]): string {
  const parts: string[] = [];
  blocks.forEach((block, i) => {
    const part = blockText(block, counts[i] ?? 0);
    if (part !== null) parts.push(part);
  });
  return parts.join("\n\n");
}

function blockText(block: Block, count: number): string | null {
  if (block.kind === "fixed") return block.lines.join("\n");
  if (count === 0) return block.keepHeader ? block.header : null;
  return [block.header, ...block.items.slice(0, count)].join("\n");
}

/** For a limit too small for anything else. */
const SHORT_NOTE = "> [!WARNING]\n> This report is too long for a comment; `phase-gate audit` prints it.";

interface Shown {
  readonly shown: number;
  readonly total: number;
}

function truncationNote(findings: Shown, skipped: Shown, phases: Shown): string {
  const parts: string[] = [];
  if (phases.total > phases.shown) parts.push(`${phases.total - phases.shown} of ${plural(phases.total, "phase table")} (whole or in part)`);
  if (findings.total > findings.shown) parts.push(`${findings.total - findings.shown} of ${plural(findings.total, "finding")}`);
  if (skipped.total > skipped.shown) parts.push(`${skipped.total - skipped.shown} of ${plural(skipped.total, "skipped file")}`);
  return [
    "> [!WARNING]",
    `> This report was cut to fit in a comment. Not shown: ${parts.length > 0 ? parts.join(", ") : "the end of the report"}. ` +
      "The full report is in this commit's phase-gate check runs, and `phase-gate audit` prints it locally.",
  ].join("\n");
}

/**
 * Cuts the body to `maxLength`: every fixed block (phase tables included) stays, then findings
 * are added in order while they fit, then skipped files. When even the fixed blocks do not fit,
 * whole lines are kept in order (a table is then cut between rows, never inside one).
 */
function cut(blocks: readonly Block[], maxLength: number): string {
  const counts = blocks.map(() => 0);
  const totalOf = (what: ItemsBlock["what"]): number =>
    blocks.reduce((n, b) => n + (b.kind === "items" && b.what === what ? b.items.length : 0), 0);
  const findingsTotal = totalOf("finding");
  const skippedTotal = totalOf("skipped");
  const phaseCount = blocks.filter((b) => b.kind === "fixed" && b.phase === true).length;

  // The longest the note can be: the counts it will hold are at most these.
  const worstNote = truncationNote({ shown: 0, total: findingsTotal }, { shown: 0, total: skippedTotal }, { shown: 0, total: phaseCount });
  const base = assemble(blocks, counts);
  let budget = maxLength - base.length - 2 - worstNote.length;
  if (budget < 0) return cutLines(blocks, maxLength, worstNote, findingsTotal, skippedTotal, phaseCount);

  for (const what of ["finding", "skipped"] as const) {
    let stopped = false;
    blocks.forEach((block, i) => {
      if (stopped || block.kind !== "items" || block.what !== what) return;
      for (const item of block.items) {
        const current = counts[i] ?? 0;
        const cost = current === 0 && !block.keepHeader ? 2 + block.header.length + 1 + item.length : 1 + item.length;
        if (cost > budget) {
          stopped = true;
          return;
        }
        budget -= cost;
        counts[i] = current + 1;
      }
    });
  }
  const shown = (what: ItemsBlock["what"]): number =>
    blocks.reduce((n, b, i) => n + (b.kind === "items" && b.what === what ? (counts[i] ?? 0) : 0), 0);
  const note = truncationNote(
    { shown: shown("finding"), total: findingsTotal },
    { shown: shown("skipped"), total: skippedTotal },
    { shown: phaseCount, total: phaseCount },
  );
  const body = `${assemble(blocks, counts)}\n\n${note}`;
  return body.length <= maxLength ? body : cutLines(blocks, maxLength, worstNote, findingsTotal, skippedTotal, phaseCount);
}

/** The last resort: no findings or skipped files, and whole lines of the fixed blocks while they fit. */
function cutLines(
  blocks: readonly Block[],
  maxLength: number,
  worstNote: string,
  findingsTotal: number,
  skippedTotal: number,
  phaseCount: number,
): string {
  let budget = maxLength - worstNote.length - 2;
  const kept: string[] = [];
  let phasesLeft = 0;
  let stopped = false;
  for (const block of blocks) {
    const lines = block.kind === "fixed" ? block.lines : block.keepHeader ? block.header.split("\n") : [];
    if (lines.length === 0) continue;
    let whole = true;
    lines.forEach((line, j) => {
      const cost = (kept.length === 0 ? 0 : j === 0 ? 2 : 1) + line.length;
      if (stopped || cost > budget) {
        stopped = true;
        whole = false;
        return;
      }
      budget -= cost;
      kept.push(j === 0 && kept.length > 0 ? `\n${line}` : line);
    });
    if (!whole && block.kind === "fixed" && block.phase === true) phasesLeft += 1;
  }
  const note = truncationNote({ shown: 0, total: findingsTotal }, { shown: 0, total: skippedTotal }, { shown: phaseCount - phasesLeft, total: phaseCount });
  if (kept.length === 0) return [note, SHORT_NOTE].find((n) => n.length <= maxLength) ?? "";
  return `${kept.join("\n")}\n\n${note}`;
}

/**
 * Repository text as inline Markdown: Markdown punctuation backslash-escaped, `<`, `>` and `&` as
 * entities (no HTML), `@` followed by a zero-width space (no mentions), newlines as `<br>` so a
 * message stays in its table cell or list item.
 */
export function text(value: string): string {
  return visible(value)
    .replace(/[\\`*_[\]|~$]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "@&#8203;")
    .replace(/\n/g, "<br>");
}

/**
 * Repository text as a code span: on one line, with a backtick fence longer than any run of
 * backticks inside. In a table cell, `|` is escaped (GFM splits cells before reading code spans).
 */
export function code(value: string, inTable = false): string {
  let content = visible(value, false);
  if (inTable) content = content.replace(/\|/g, "\\|");
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = content.startsWith("`") || content.endsWith("`") || (content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "");
  return pad ? `${fence} ${content} ${fence}` : `${fence}${content}${fence}`;
}

/** A URL as a Markdown link destination: characters that would end or break it are percent-encoded. */
export function url(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\s<>()"\\|`\u0000-\u001f\u007f]/g, (c) =>
    [...Buffer.from(c, "utf8")].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
}
