import type { AuditReport, CheckReport, PhaseReport } from "../audit/types.js";
import { docsUrlFor } from "../check/define.js";
import type { Finding } from "../check/types.js";
import type { ClaimReport, DocumentReport } from "../claims/types.js";
import {
  CLAIM_TEXT_MAX,
  claimedText,
  claimLocation,
  claimPlace,
  clip,
  currentPhaseOf,
  firstEvidence,
  groupClaims,
  readDocument,
  REASON_MAX,
  type ClaimGroup,
} from "./claims.js";
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

/**
 * What a list that may be cut holds: claims a person should act on (overclaimed, pending,
 * underclaimed, ambiguous), findings of a check, skipped files, unverifiable claims. When the body
 * is too long, lists are filled in this order while they fit.
 */
type ItemKind = "claim" | "finding" | "skipped" | "unverifiable";

const FILL_ORDER: readonly ItemKind[] = ["claim", "finding", "skipped", "unverifiable"];

/** A list that may be cut. */
interface ItemsBlock {
  readonly kind: "items";
  readonly what: ItemKind;
  /** Line(s) above the items: dropped with them unless `keepHeader`. */
  readonly header: string;
  readonly keepHeader: boolean;
  readonly items: readonly string[];
  /** Line(s) below the items (a closing tag), shown whenever the header is, never with `keepHeader`. */
  readonly footer?: string;
}

type Block = FixedBlock | ItemsBlock;

/**
 * The report as Markdown (`--format markdown`, `/phase-report` answers, the comment's folded
 * report): a heading with the phase the repository is at, then per phase its status ("ahead,
 * waiting on …"), a progress bar, its document's summary, a table of checks, the claims of its
 * document by verdict and the findings; then skipped files and notes. Text from the repository is
 * escaped so it can neither break the Markdown nor inject HTML or mentions. Over `maxLength`,
 * unverifiable claims go first, then skipped files, then findings, then the other claims; phase
 * tables and document summaries are kept whole, and a closing note says what was left out.
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
      ...(report.phases.length > 0 && report.currentPhase !== undefined ? [currentPhaseLine(report), ""] : []),
      `${verdict} · ${text(phasesText(t))} · ${text(findingsText(t))}`,
    ],
  });

  if (report.phases.length === 0) blocks.push({ kind: "fixed", lines: ["_No phases to audit._"] });
  for (const phase of report.phases) {
    blocks.push({ kind: "fixed", phase: true, lines: phaseLines(phase, report) });
    for (const section of claimSections(report, phase)) {
      blocks.push({
        kind: "items",
        what: section.group === "unverifiable" ? "unverifiable" : "claim",
        header: section.header,
        keepHeader: false,
        items: section.items,
        ...(section.footer !== undefined ? { footer: section.footer } : {}),
      });
    }
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

/** `Current phase: **Foundation & Security** (`phase-1`), the first that is not complete.` */
export function currentPhaseLine(report: AuditReport): string {
  if (report.currentPhase === null || report.currentPhase === undefined) return "Current phase: none, every phase is complete.";
  const current = currentPhaseOf(report);
  const name = current === null ? code(report.currentPhase) : `**${text(current.name)}** (${code(current.id)})`;
  return `Current phase: ${name}, the first that is not complete.`;
}

/** The emoji of a phase: its status's, or ⏩ for a phase that is complete ahead of a phase it requires. */
export function phaseEmoji(phase: PhaseReport): string {
  return phase.ahead !== undefined ? "⏩" : PHASE_EMOJI[phase.status];
}

/** `ahead, waiting on `phase-1``: for a phase complete before a phase it requires; empty otherwise. */
export function aheadText(phase: PhaseReport): string {
  if (phase.ahead === undefined) return "";
  return `ahead, waiting on ${(phase.waitingOn ?? []).map((id) => code(id)).join(", ")}`;
}

/**
 * A phase's heading, status line with progress bar ("ahead, waiting on …"), its document's summary
 * and its table of checks (also the check run summary). With the report, the document is linked.
 */
export function phaseLines(phase: PhaseReport, report?: Pick<AuditReport, "fileUrlBase">): string[] {
  const ahead = aheadText(phase);
  const lines = [
    `### ${phaseEmoji(phase)} ${text(phase.name)} (${code(phase.id)})`,
    "",
    `**${phase.status}** · ${phase.gate} gate · ${progressBar(phase.passed, phase.total)} ${phase.passed}/${phase.total} checks pass${ahead === "" ? "" : ` · **${ahead}**`}`,
    "",
  ];
  if (phase.document !== undefined) lines.push(documentLine(phase.document, report), "");
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

/** `📄 Claims of [`docs/PHASE1.md`](…): claims 55% complete (line 6); 3 of 5 verifiable claims backed, …`. */
export function documentLine(document: DocumentReport, report?: Pick<AuditReport, "fileUrlBase">): string {
  if (document.status !== "read") {
    return `📄 Claims of ${code(document.path)}: **${document.status}**, ${text(document.error ?? document.summary)}; no claims read, the checks ran all the same.`;
  }
  const link = report === undefined ? null : fileUrl(report, { path: document.path });
  const name = link === null ? code(document.path) : `[${code(document.path)}](${url(link)})`;
  return `📄 Claims of ${name}: ${text(document.summary)}`;
}

/** A group of claims as a list: its header, one item per claim, and a footer when it is folded. */
export interface ClaimSection {
  readonly group: ClaimGroup;
  readonly header: string;
  readonly items: readonly string[];
  readonly footer?: string;
}

const GROUP_HEADERS: Readonly<Record<ClaimGroup, (n: number) => string>> = {
  overclaimed: (n) => `**Overclaimed**: ${plural(n, "claim")} marked done that the code does not back`,
  pending: (n) => `**Pending**: ${plural(n, "claim")} not marked done, and ${n === 1 ? "its check does" : "their checks do"} not pass yet`,
  underclaimed: (n) => `**Underclaimed**: ${plural(n, "claim")} not marked done, though ${n === 1 ? "its check passes" : "their checks pass"}`,
  ambiguous: (n) => `**Ambiguous**: ${plural(n, "claim")} naming more than one check (link ${n === 1 ? "it" : "them"} in the checklist's \`claims\` to choose)`,
  unverifiable: (n) => `<details><summary>${plural(n, "unverifiable claim")}: no check of this phase decides ${n === 1 ? "it" : "them"}</summary>\n`,
};

/**
 * The claims of a phase's document as lists, one per group that has claims: overclaimed (with
 * their evidence), pending, underclaimed, ambiguous, and the unverifiable ones folded away. Backed
 * claims are counted in the summary only. Empty when the document was not read.
 */
export function claimSections(report: AuditReport, phase: PhaseReport): ClaimSection[] {
  const document = readDocument(phase);
  if (document === null) return [];
  const groups = groupClaims(phase.claims ?? []);
  return (Object.keys(GROUP_HEADERS) as ClaimGroup[])
    .filter((group) => groups[group].length > 0)
    .map((group) => ({
      group,
      header: GROUP_HEADERS[group](groups[group].length),
      items: groups[group].map((claim) => claimItem(report, document, claim)),
      ...(group === "unverifiable" ? { footer: "\n</details>" } : {}),
    }));
}

/** A claim's place in its document: a link to the line when the report has a link base. */
export function claimLink(report: AuditReport, document: DocumentReport, claim: ClaimReport): string {
  const link = fileUrl(report, claimPlace(document, claim));
  const location = code(claimLocation(document, claim));
  return link === null ? location : `[${location}](${url(link)})`;
}

/** A claim's reason with the check it names as a code span: `` `dockerfile-reload` fails: … ``. */
export function reasonText(claim: ClaimReport): string {
  const reason = clip(claim.reason, REASON_MAX);
  const id = claim.check?.id;
  if (id !== undefined && reason.startsWith(`${id} `)) return `${code(id)}${text(reason.slice(id.length))}`;
  return text(reason);
}

/** `[`path:14`](…)`, or the message of evidence that has no path. */
export function evidenceText(report: AuditReport, finding: Finding, withMessage: boolean): string {
  const location = locationText(finding);
  const link = fileUrl(report, finding);
  const where = location === null ? "" : link === null ? code(location) : `[${code(location)}](${url(link)})`;
  if (!withMessage) return where === "" ? text(clip(finding.message, REASON_MAX)) : where;
  return where === "" ? text(clip(finding.message, REASON_MAX)) : `${where}: ${text(clip(finding.message, REASON_MAX))}`;
}

/** One claim as a list item: its linked line, its words, what it claims, why the verdict, the evidence. */
export function claimItem(report: AuditReport, document: DocumentReport, claim: ClaimReport): string {
  const words = `"${text(clip(claim.text, CLAIM_TEXT_MAX))}"`;
  const claimed = claim.verdict === "unverifiable" ? "" : `${claimedText(claim.state)}; `;
  const first = firstEvidence(claim);
  const more = (claim.evidence?.length ?? 0) - 1;
  const evidence =
    first === null ? "" : `<br>*Evidence:* ${evidenceText(report, first, true)}${more > 0 ? ` (and ${plural(more, "more finding")} of ${code(claim.check?.id ?? "the check")})` : ""}`;
  const why =
    claim.ambiguous !== undefined ? `names more than one check: ${claim.ambiguous.map((c) => `${code(c.id)} ('${text(clip(c.phrase, 60))}')`).join(", ")}` : reasonText(claim);
  return `- ${claimLink(report, document, claim)} ${words} — ${claimed}${why}${evidence}`;
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
  return [block.header, ...block.items.slice(0, count), ...(block.footer !== undefined ? [block.footer] : [])].join("\n");
}

/** For a limit too small for anything else. */
const SHORT_NOTE = "> [!WARNING]\n> This report is too long for a comment; `phase-gate audit` prints it.";

interface Shown {
  readonly shown: number;
  readonly total: number;
}

const NOTE_WORDS: Readonly<Record<ItemKind, string>> = {
  claim: "listed claim",
  finding: "finding",
  skipped: "skipped file",
  unverifiable: "unverifiable claim",
};

/** The order the note names what it left out. */
const NOTE_ORDER: readonly ItemKind[] = ["claim", "finding", "unverifiable", "skipped"];

function truncationNote(items: Readonly<Record<ItemKind, Shown>>, phases: Shown): string {
  const parts: string[] = [];
  if (phases.total > phases.shown) parts.push(`${phases.total - phases.shown} of ${plural(phases.total, "phase table")} (whole or in part)`);
  for (const what of NOTE_ORDER) {
    const { shown, total } = items[what];
    if (total > shown) parts.push(`${total - shown} of ${plural(total, NOTE_WORDS[what])}`);
  }
  return [
    "> [!WARNING]",
    `> This report was cut to fit in a comment. Not shown: ${parts.length > 0 ? parts.join(", ") : "the end of the report"}. ` +
      "The full report is in this commit's phase-gate check runs, and `phase-gate audit` prints it locally.",
  ].join("\n");
}

/** How many items of each kind the blocks hold, and how many of them `counts` shows. */
function itemCounts(blocks: readonly Block[], counts: readonly number[] | null): Record<ItemKind, Shown> {
  const out = { claim: { shown: 0, total: 0 }, finding: { shown: 0, total: 0 }, skipped: { shown: 0, total: 0 }, unverifiable: { shown: 0, total: 0 } };
  blocks.forEach((b, i) => {
    if (b.kind !== "items") return;
    out[b.what].total += b.items.length;
    out[b.what].shown += counts === null ? 0 : (counts[i] ?? 0);
  });
  return out;
}

/**
 * Cuts the body to `maxLength`: every fixed block (phase tables and document summaries included)
 * stays, then lists are filled in FILL_ORDER (claims to act on, findings, skipped files,
 * unverifiable claims), each in order while they fit. When even the fixed blocks do not fit,
 * whole lines are kept in order (a table is then cut between rows, never inside one).
 */
function cut(blocks: readonly Block[], maxLength: number): string {
  const counts = blocks.map(() => 0);
  const phaseCount = blocks.filter((b) => b.kind === "fixed" && b.phase === true).length;
  const none = itemCounts(blocks, null);

  // The longest the note can be: the counts it will hold are at most these.
  const worstNote = truncationNote(none, { shown: 0, total: phaseCount });
  const base = assemble(blocks, counts);
  let budget = maxLength - base.length - 2 - worstNote.length;
  if (budget < 0) return cutLines(blocks, maxLength, worstNote, none, phaseCount);

  for (const what of FILL_ORDER) {
    let stopped = false;
    blocks.forEach((block, i) => {
      if (stopped || block.kind !== "items" || block.what !== what) return;
      // The header (after a blank line) and the footer come with the first item.
      const opening = block.keepHeader ? 0 : 2 + block.header.length + (block.footer !== undefined ? 1 + block.footer.length : 0);
      for (const item of block.items) {
        const current = counts[i] ?? 0;
        const cost = (current === 0 ? opening : 0) + 1 + item.length;
        if (cost > budget) {
          stopped = true;
          return;
        }
        budget -= cost;
        counts[i] = current + 1;
      }
    });
  }
  const note = truncationNote(itemCounts(blocks, counts), { shown: phaseCount, total: phaseCount });
  const body = `${assemble(blocks, counts)}\n\n${note}`;
  return body.length <= maxLength ? body : cutLines(blocks, maxLength, worstNote, none, phaseCount);
}

/** The last resort: no lists, and whole lines of the fixed blocks while they fit. */
function cutLines(blocks: readonly Block[], maxLength: number, worstNote: string, none: Readonly<Record<ItemKind, Shown>>, phaseCount: number): string {
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
  const note = truncationNote(none, { shown: phaseCount - phasesLeft, total: phaseCount });
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
