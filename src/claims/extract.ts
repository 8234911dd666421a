/**
 * Reads a phase document (Markdown, parsed as mdast with GFM) and extracts its claims:
 * task-list items, status-table rows, headings and bold status lines that carry a
 * status, marked list items and lines, and the document's own overall figures.
 * See `types.ts` for what each kind is; the rules below are the ones the five real
 * reports in `test/claims/fixtures/` needed.
 */
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";
import type {
  Heading, List, ListItem, Nodes, Paragraph, PhrasingContent, Root, RootContent, Table,
} from "mdast";
import { splitDocument } from "./chunks.js";
import { repairMojibake } from "./mojibake.js";
import {
  ALL_MARKERS, hasStrongMarker, isOnlyStatus, leadingStrongMarker, parseStatus,
  stateOfPercent, stripSelectors,
} from "./status.js";
import type { Claim, ClaimState, OverallFigure, PhaseDocument } from "./types.js";

/** Sections whose marked items are goals or targets, not achievements. */
const GOAL_HEADING = /\b(?:goals?|targets?|objectives?|success criteria|acceptance criteria)\b/i;
/** List labels whose items are expectations, not achievements. */
const GOAL_LABEL = /\b(?:goals?|targets?|objectives?|success criteria|acceptance criteria|expected|planned|recommend\w*)\b/i;
/** List labels that state their items are not done. */
const NOT_DONE_LABEL = /\b(?:remaining|to ?do|next steps|open items|not started|pending)\b/i;
/** `Overall`, `Overall Status`, `Adjusted Overall Progress`. */
const OVERALL_LABEL = /^(?:adjusted\s+)?overall(?:\s+(?:status|progress|completion))?$/i;
/** A status label: the status word is the label's last word (`Phase 1 Status`, not `Completion Date`). */
const STATUS_LABEL = /^(?:(.*?)\s+)?(status|state|progress|completion)$/i;
/** Status words a heading may carry in capitals. */
const HEADING_CAPS = /\b(?:ALREADY IMPLEMENTED|NOT STARTED|IN PROGRESS|COMPLETED?|DONE|DEFERRED|BLOCKED)\b/g;
/** A heading's trailing ` - In Progress` / ` – Complete`. */
const HEADING_DASH_STATUS = /\s[-–—]\s*(?:in progress|complete[d]?|done|not started|pending|deferred|blocked)\s*(?=\(|$)/i;
/** Header names of a status column, best first. */
const STATUS_HEADERS = ["status", "state", "progress", "completion", "complete", "done", "result"];
const TOTAL_ROW = /^(?:total|overall|sum)$/i;

interface Section {
  text: string;
  depth: number;
  claim?: Claim;
  goal: boolean;
}

interface Line {
  line: number;
  /** Inline pieces in order; `strong` when inside `**…**`. */
  pieces: Array<{ text: string; strong: boolean }>;
}

class Extractor {
  readonly claims: Claim[] = [];
  readonly overall: OverallFigure[] = [];
  readonly notes: string[] = [];
  private section: Section | null = null;
  /** True until the document's header (title, status block) has ended. */
  private inHeader = true;
  private headerHasContent = false;

  constructor(private readonly repairedLines: ReadonlySet<number>) {}

  addClaim(claim: Claim): Claim {
    const c: Claim = { ...claim, text: tidy(claim.text) };
    if (this.section !== null && c.kind !== "heading") c.section = tidy(this.section.text);
    if (this.repairedLines.has(c.line)) c.repaired = true;
    this.claims.push(c);
    return c;
  }

  note(line: number, message: string): void {
    this.notes.push(`line ${line}: ${message}`);
  }

  walk(children: readonly RootContent[]): void {
    for (let i = 0; i < children.length; i += 1) {
      const node = children[i];
      if (node === undefined) continue;
      switch (node.type) {
        case "heading":
          this.heading(node);
          break;
        case "thematicBreak":
          // A break ends the header, and a section: what follows before the next heading
          // (a footer's `**Status:** COMPLETE`) speaks for the whole document.
          this.inHeader = false;
          this.section = null;
          break;
        case "paragraph": {
          this.markContent();
          const label = this.paragraph(node);
          const next = children[i + 1];
          if (label !== undefined && next?.type === "list") {
            this.list(next, label);
            i += 1;
          }
          break;
        }
        case "list":
          this.markContent();
          this.list(node, undefined);
          break;
        case "table":
          this.markContent();
          this.table(node);
          break;
        case "blockquote":
          this.markContent();
          this.walk(node.children);
          break;
        default:
          if (node.type !== "definition" && node.type !== "html" && node.type !== "yaml") this.markContent();
          break;
      }
    }
  }

  private markContent(): void {
    if (this.inHeader) this.headerHasContent = true;
  }

  // ---------------------------------------------------------------- headings

  private heading(node: Heading): void {
    if (this.inHeader && (node.depth >= 3 || this.headerHasContent)) this.inHeader = false;
    const text = inlineText(node.children);
    const line = lineOf(node);
    const section: Section = { text: cleanHeading(text), depth: node.depth, goal: GOAL_HEADING.test(text) };
    this.section = section;
    const status = headingStatus(text);
    if (status === undefined) return;
    if (this.inHeader) {
      this.overall.push(figure(tidy(stripSelectors(text)), line, "document-status", status.state, status.percent));
      return;
    }
    const cleaned = cleanHeading(text);
    // `## ✅ Completed Phases`, `## 🚧 In Progress / Pending`: a label over a group of
    // claims, not a claim of its own.
    if (cleaned === "" || isOnlyStatus(cleaned) || /^(?:completed?|done|remaining|in progress|pending)\b/i.test(cleaned)) {
      this.note(line, `heading "${tidy(text)}" groups claims; not a claim itself`);
      return;
    }
    section.claim = this.addClaim({ text: cleaned, state: status.state, line, kind: "heading", raw: status.raw });
  }

  // -------------------------------------------------------------- paragraphs

  /**
   * Reads each line of a paragraph: a status line, an overall figure, a line led by a
   * marker. Returns the state a lone label line gives the list that follows it
   * (`**Completed:**`), `null` for a label with no state, undefined for no label.
   */
  private paragraph(node: Paragraph): ListLabel | undefined {
    const lines = splitLines(node.children, lineOf(node));
    for (const l of lines) this.paragraphLine(l);
    if (lines.length === 1 && lines[0] !== undefined) return listLabel(lines[0]);
    return undefined;
  }

  private paragraphLine(l: Line): void {
    const text = lineText(l);
    if (text.trim() === "") return;
    const labelled = splitLabel(l);
    if (labelled !== undefined) {
      this.labelledLine(l.line, labelled.label, labelled.value, text);
      return;
    }
    const lead = leadingStrongMarker(text);
    if (lead !== undefined) this.markedLine(l.line, text, lead.state, lead.marker);
  }

  private labelledLine(line: number, label: string, value: string, whole: string): void {
    if (OVERALL_LABEL.test(label)) {
      const f = overallFigure(tidy(whole), line, value, "label");
      if (f !== undefined) this.overall.push(f);
      else this.note(line, `overall line "${tidy(whole)}" states no figure phase-gate reads`);
      return;
    }
    const m = STATUS_LABEL.exec(label);
    if (m === null) return;
    const parsed = parseStatus(value, { percentAlone: true });
    if (parsed === undefined) {
      if (value.trim() !== "") this.note(line, `status "${tidy(value)}" (${label}) not recognised`);
      return;
    }
    const subject = (m[1] ?? "").trim();
    const statusWordOnly = subject === "" && /^(?:status|state|progress)$/i.test(m[2] ?? "");
    if (this.inHeader || this.section === null) {
      this.overall.push(figure(tidy(whole), line, "document-status", parsed.state, parsed.percent));
      return;
    }
    if (statusWordOnly) {
      const section = this.section;
      if (section.claim !== undefined) {
        if (section.claim.state !== parsed.state) {
          this.note(line, `status "${tidy(value)}" says ${parsed.state}, its heading (line ${section.claim.line}) says ${section.claim.state}; the heading's claim is kept`);
        }
        return;
      }
      section.claim = this.addClaim({ text: section.text, state: parsed.state, line, kind: "status-line", raw: tidy(value) });
      return;
    }
    const text = /^(?:status|state)$/i.test(m[2] ?? "") ? subject : label;
    this.addClaim({ text, state: parsed.state, line, kind: "status-line", raw: tidy(value) });
  }

  private markedLine(line: number, text: string, state: ClaimState, marker: string): void {
    const body = tidy(stripMarkers(text));
    if (body === "" || /:\s*$/.test(body)) return; // `✅ **Strengths:**` labels a list
    if (this.section?.goal === true) {
      this.note(line, `"${body}" is listed under "${tidy(this.section.text)}": a goal, not a claim`);
      return;
    }
    const parsed = parseStatus(text);
    this.addClaim({ text: body, state: parsed?.percent !== undefined ? parsed.state : state, line, kind: "item", raw: marker });
  }

  // ------------------------------------------------------------------- lists

  private list(node: List, label: ListLabel | undefined): void {
    for (const item of node.children) this.listItem(item, label);
  }

  private listItem(item: ListItem, label: ListLabel | undefined): void {
    const line = lineOf(item);
    const [first, ...rest] = item.children;
    const firstText = first?.type === "paragraph" ? inlineText(first.children) : "";
    const before = this.claims.length;
    if (typeof item.checked === "boolean") {
      const text = tidy(firstText.replace(/\s*\n\s*/g, " "));
      if (text !== "") {
        this.addClaim({ text, state: item.checked ? "done" : "not-done", line, kind: "task", raw: item.checked ? "[x]" : "[ ]" });
      }
    } else if (first?.type === "paragraph") {
      const oneLine = firstText.replace(/\s*\n\s*/g, " ");
      const lead = leadingStrongMarker(oneLine);
      if (label?.goal === true && (lead !== undefined || label.state !== undefined)) {
        this.note(line, `"${tidy(stripMarkers(oneLine))}" is listed under "${label.text}": an expectation, not a claim`);
      } else if (lead !== undefined) {
        this.markedLine(line, oneLine, lead.state, lead.marker);
      } else if (label?.state !== undefined && oneLine.trim() !== "") {
        this.addClaim({ text: oneLine, state: label.state, line, kind: "item", raw: label.text });
      } else {
        // Not an item claim: its lines may still be status lines (`**Status:** …`).
        for (const l of splitLines(first.children, lineOf(first)).slice(1)) this.paragraphLine(l);
      }
    }
    const itemClaim = this.claims.length > before ? this.claims[before] : undefined;
    if (itemClaim !== undefined && rest.length > 0) {
      const detail = tidy(rest.map(blockText).join(" ")).slice(0, 1000);
      if (detail !== "") itemClaim.detail = detail;
    }
    const children = first !== undefined && first.type !== "paragraph" ? [first, ...rest] : rest;
    this.walk(children);
  }

  // ------------------------------------------------------------------ tables

  private table(node: Table): void {
    const [headerRow, ...body] = node.children;
    if (headerRow === undefined || body.length === 0) return;
    const headers = headerRow.children.map((c) => normaliseHeader(inlineText(c.children)));
    const rows = body.map((r) => ({ line: lineOf(r), cells: r.children.map((c) => tidy(inlineText(c.children))) }));
    const descriptive = (cells: string[], statusCol: number): number =>
      cells.findIndex((c, i) => i !== statusCol && c !== "");

    let statusCol = -1;
    for (const name of STATUS_HEADERS) {
      statusCol = headers.indexOf(name);
      if (statusCol >= 0) break;
    }
    if (statusCol < 0) statusCol = statusColumnByCells(rows, headers.length);
    if (statusCol < 0) return;

    const tableLine = lineOf(node);
    const header = tidy(inlineText(headerRow.children[statusCol]?.children ?? []));
    let recognised = 0;
    const unrecognised: Array<{ line: number; row: string; status: string }> = [];
    const found: Claim[] = [];
    for (const row of rows) {
      const d = descriptive(row.cells, statusCol);
      const rowText = d >= 0 ? row.cells[d] ?? "" : "";
      const status = row.cells[statusCol] ?? "";
      const parsed = parseStatus(status, { weakMarkers: true, percentAlone: true });
      if (TOTAL_ROW.test(rowText.replace(/[*_]/g, "").trim())) {
        const percent = parsed?.percent ?? rowPercent(row.cells, headers);
        const state = percent !== undefined ? stateOfPercent(percent) : parsed?.state;
        if (state !== undefined) {
          this.overall.push({
            text: row.cells.join(" | "), line: row.line, source: "table-total", state,
            ...(percent !== undefined ? { percent } : {}),
          });
        }
        continue;
      }
      if (parsed === undefined) {
        unrecognised.push({ line: row.line, row: rowText, status });
        continue;
      }
      recognised += 1;
      if (rowText === "") continue;
      found.push({ text: rowText, state: parsed.state, line: row.line, kind: "table-row", raw: status });
    }
    if (recognised === 0) {
      const sample = unrecognised.slice(0, 3).map((u) => `"${u.status}"`).join(", ");
      this.note(tableLine, `table column "${header}" holds no status phase-gate recognises (${sample})`);
      return;
    }
    for (const claim of found) this.addClaim(claim);
    for (const u of unrecognised) this.note(u.line, `table row "${u.row}": status "${u.status}" not recognised`);
  }
}

interface ListLabel {
  text: string;
  state?: ClaimState;
  goal: boolean;
}

/** A paragraph line that is only a bold label: `**Completed:**`, `**Remaining (Optional):**`. */
function listLabel(l: Line): ListLabel | undefined {
  const pieces = l.pieces.filter((p) => p.text.trim() !== "");
  const first = pieces[0];
  if (first === undefined || !first.strong) return undefined;
  const rest = pieces.slice(1).map((p) => p.text).join("").trim();
  if (rest !== "" && rest !== ":") return undefined;
  const raw = first.text.trim();
  if (!raw.endsWith(":") && rest !== ":") return undefined;
  const text = raw.replace(/:$/, "").trim();
  if (text === "" || hasStrongMarker(text)) return undefined;
  const goal = GOAL_LABEL.test(text);
  if (NOT_DONE_LABEL.test(text)) return { text, state: "not-done", goal };
  const parsed = parseStatus(text);
  return parsed !== undefined ? { text, state: parsed.state, goal } : { text, goal };
}

/** Splits `**Label:** value`, `**Label**: value` and `**Label: value**`. */
function splitLabel(l: Line): { label: string; value: string } | undefined {
  const pieces = l.pieces;
  let i = 0;
  while (i < pieces.length && pieces[i]?.strong !== true && (pieces[i]?.text.trim() ?? "") === "") i += 1;
  const first = pieces[i];
  if (first === undefined || !first.strong) return undefined;
  // Adjacent strong pieces (`**Status:** **COMPLETE**` has a text piece between) stay apart.
  const strongText = first.text;
  const after = pieces.slice(i + 1).map((p) => p.text).join("");
  const colon = strongText.indexOf(":");
  if (colon >= 0 && colon < strongText.trim().length - 1) {
    return { label: strongText.slice(0, colon).trim(), value: strongText.slice(colon + 1) + after };
  }
  if (strongText.trim().endsWith(":")) return { label: strongText.trim().replace(/:$/, "").trim(), value: after };
  if (/^\s*:/.test(after)) return { label: strongText.trim(), value: after.replace(/^\s*:/, "") };
  return undefined;
}

function statusColumnByCells(rows: Array<{ cells: string[] }>, width: number): number {
  const counted = rows.filter((r) => !TOTAL_ROW.test((r.cells[0] ?? "").replace(/[*_]/g, "").trim()));
  if (counted.length === 0) return -1;
  let best = -1;
  let bestCount = 0;
  for (let col = 1; col < width; col += 1) {
    let n = 0;
    for (const r of counted) {
      if (parseStatus(r.cells[col] ?? "", { weakMarkers: true }) !== undefined) n += 1;
    }
    if (n > bestCount) {
      best = col;
      bestCount = n;
    }
  }
  const enough = bestCount >= Math.min(2, counted.length) && bestCount * 2 >= counted.length;
  return enough ? best : -1;
}

/** A percentage in a total row's progress/completion column (`**~77%**`). */
function rowPercent(cells: string[], headers: string[]): number | undefined {
  for (let i = 0; i < cells.length; i += 1) {
    if (!/complet|progress|%/.test(headers[i] ?? "")) continue;
    const m = /(\d{1,3}(?:\.\d+)?)\s*%/.exec(cells[i] ?? "");
    if (m?.[1] !== undefined) return Number(m[1]);
  }
  return undefined;
}

function normaliseHeader(text: string): string {
  let t = stripSelectors(text);
  for (const m of ALL_MARKERS) t = t.split(m).join("");
  return t.replace(/[*_`]/g, "").trim().toLowerCase();
}

/** The status a heading states, if any: markers, `COMPLETE`, `(45% Complete)`, ` - In Progress`. */
function headingStatus(text: string): { state: ClaimState; percent?: number; raw: string } | undefined {
  const t = stripSelectors(text);
  const fragments: string[] = [];
  for (const m of t.matchAll(/\(([^()]*)\)/g)) {
    const inner = m[1] ?? "";
    if (parseStatus(inner) !== undefined && isOnlyStatus(inner)) fragments.push(inner.trim());
  }
  for (const m of t.matchAll(HEADING_CAPS)) fragments.push(m[0]);
  const dash = HEADING_DASH_STATUS.exec(t);
  if (dash !== null) fragments.push(dash[0].replace(/^\s*[-–—]\s*/, "").trim());
  const markers = ALL_MARKERS.filter((m) => t.includes(m));
  const strong = hasStrongMarker(t);
  if (fragments.length === 0 && !strong) return undefined;
  const raw = [...new Set([...markers, ...fragments])].join(" ");
  const parsed = parseStatus(raw, { weakMarkers: true });
  if (parsed === undefined) return undefined;
  return { state: parsed.state, raw, ...(parsed.percent !== undefined ? { percent: parsed.percent } : {}) };
}

/** A heading's words without markers and status phrases. */
function cleanHeading(text: string): string {
  let t = stripMarkers(text);
  t = t.replace(/\(([^()]*)\)/g, (whole, inner: string) => (parseStatus(inner) !== undefined && isOnlyStatus(inner) ? " " : whole));
  t = t.replace(HEADING_CAPS, " ");
  t = t.replace(HEADING_DASH_STATUS, " ");
  return tidy(t).replace(/[\s\-–—:]+$/, "").replace(/^[\s\-–—:]+/, "");
}

function stripMarkers(text: string): string {
  let t = stripSelectors(text);
  for (const m of ALL_MARKERS) t = t.split(m).join(" ");
  return t;
}

function overallFigure(text: string, line: number, value: string, source: OverallFigure["source"]): OverallFigure | undefined {
  const pct = /(\d{1,3}(?:\.\d+)?)\s*%/.exec(value);
  const frac = /\b(\d+)\s*(?:\/|of)\s*(\d+)\b/.exec(value);
  const percent = pct?.[1] !== undefined ? Number(pct[1]) : undefined;
  const parsed = parseStatus(value);
  const state = percent !== undefined ? stateOfPercent(percent) : parsed?.state;
  if (percent === undefined && frac === null && state === undefined) return undefined;
  const f = figure(text, line, source, state, percent);
  if (frac?.[1] !== undefined && frac[2] !== undefined) f.fraction = { done: Number(frac[1]), total: Number(frac[2]) };
  return f;
}

function figure(text: string, line: number, source: OverallFigure["source"], state: ClaimState | undefined, percent: number | undefined): OverallFigure {
  return {
    text, line, source,
    ...(state !== undefined ? { state } : {}),
    ...(percent !== undefined ? { percent } : {}),
  };
}

// ------------------------------------------------------------ inline text

/** Lines before the piece being read (see chunks.ts); 0 for a document read whole. */
let lineOffset = 0;

function lineOf(node: Nodes): number {
  return (node.position?.start.line ?? 1) + lineOffset;
}

/** The text of inline content, without markup. */
function inlineText(children: readonly PhrasingContent[]): string {
  return splitLines(children, 1).map(lineText).join("\n");
}

function lineText(l: Line): string {
  return l.pieces.map((p) => p.text).join("");
}

/** Inline content split by source line, each piece marked strong or not. */
function splitLines(children: readonly PhrasingContent[], startLine: number): Line[] {
  const lines: Line[] = [];
  let current: Line = { line: startLine, pieces: [] };
  lines.push(current);
  const push = (text: string, strong: boolean, line: number): void => {
    const parts = text.split(/\r\n|\r|\n/);
    parts.forEach((part, idx) => {
      if (idx > 0 || line > current.line) {
        current = { line: idx > 0 ? current.line + 1 : line, pieces: [] };
        lines.push(current);
      }
      if (part !== "") current.pieces.push({ text: part, strong });
    });
  };
  const visit = (nodes: readonly PhrasingContent[], strong: boolean): void => {
    for (const n of nodes) {
      const line = n.position !== undefined ? n.position.start.line + lineOffset : current.line;
      switch (n.type) {
        case "text":
          push(n.value, strong, line);
          break;
        case "inlineCode":
          push(n.value.replace(/\r\n|\r|\n/g, " "), strong, line);
          break;
        case "strong":
          visit(n.children, true);
          break;
        case "emphasis":
        case "delete":
        case "link":
        case "linkReference":
          visit(n.children, strong);
          break;
        case "image":
        case "imageReference":
          push(n.alt ?? "", strong, line);
          break;
        case "break":
          break; // the next node starts on the next line and says so
        default:
          break;
      }
    }
  };
  visit(children, false);
  return lines.filter((l) => l.pieces.length > 0);
}

/** The words of a block and its descendants (code blocks included: they name files and flags). */
function blockText(node: Nodes): string {
  if (node.type === "paragraph" || node.type === "heading" || node.type === "tableCell") return inlineText(node.children);
  if (node.type === "code" || node.type === "inlineCode" || node.type === "text") return node.value;
  if ("children" in node) return (node.children as Nodes[]).map(blockText).join(" ");
  return "";
}

function tidy(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Extracts the claims and overall figures of a phase document. Never throws. */
export function extractClaims(markdown: string): PhaseDocument {
  let repairs: PhaseDocument["repairs"] = [];
  try {
    const repaired = repairMojibake(typeof markdown === "string" ? markdown : String(markdown));
    repairs = repaired.repairs;
    const extractor = new Extractor(new Set(repairs.map((r) => r.line)));
    for (const piece of splitDocument(repaired.text)) {
      const tree: Root = fromMarkdown(piece.text, {
        extensions: [gfm()],
        mdastExtensions: [gfmFromMarkdown()],
      });
      lineOffset = piece.lineOffset;
      try {
        extractor.walk(tree.children);
      } finally {
        lineOffset = 0;
      }
    }
    return { claims: extractor.claims, overall: extractor.overall, notes: extractor.notes, repairs };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { claims: [], overall: [], notes: [`the document could not be read: ${message}`], repairs };
  }
}
