/**
 * What phase-gate reads from a phase document: the claims it makes about work items and
 * the figures it gives for itself. Plain, serialisable data.
 */

export type ClaimState = "done" | "partial" | "not-done";

/**
 * Where a claim comes from:
 * - `task`: a GFM task-list item (`- [x]` done, `- [ ]` not done);
 * - `table-row`: a row of a table with a status column;
 * - `heading`: a heading marked ✅ / ❌ / ⏸️ / 🚧, `COMPLETE`, `(100% Complete)`, …;
 * - `status-line`: a bold status line (`**Status:** ✅ COMPLETE`, `**Phase 1 Status**: …`)
 *   in a section whose heading carries no status of its own;
 * - `item`: a list item or a paragraph line that starts with a status marker
 *   (`- ✅ BUG-2: Race condition`), or an item of a list introduced by a status label
 *   (`**Completed:**` then `- Created .secrets.baseline`).
 */
export type ClaimKind = "task" | "table-row" | "heading" | "status-line" | "item";

export interface Claim {
  /** The item's words without the status marker (a table row: its descriptive cell). */
  text: string;
  state: ClaimState;
  /** 1-based line in the file as written. */
  line: number;
  kind: ClaimKind;
  /** The status as written (after mojibake repair): `✅ Complete`, `[x]`, `COMPLETE`. */
  raw?: string;
  /**
   * A list item's nested content (sub-items, further paragraphs, code), up to 1000
   * characters: where the reports name the files and flags a claim is about
   * (`- [x] **Remove Development Flags**` / `services/agents/Dockerfile - Removed --reload`).
   */
  detail?: string;
  /** The heading of the section the claim sits in, when there is one. */
  section?: string;
  /** True when the claim's line held mojibake that was repaired before matching. */
  repaired?: true;
}

/**
 * A figure the document gives about itself: `Overall: 55% Complete (5/9 criteria met)`,
 * a table's `Total` row, the document's own `Status:` line in its header or footer.
 * These summarise the claims; they are not claims about one work item.
 */
export interface OverallFigure {
  /** The figure as written (after mojibake repair), without Markdown markup. */
  text: string;
  line: number;
  /** Where the figure sits: a labelled line, a table's total row, or the document header/footer. */
  source: "label" | "table-total" | "document-status";
  state?: ClaimState;
  /** The percentage stated, 0–100 (`~77%` gives 77). */
  percent?: number;
  /** A stated fraction, `5/9` or `5 of 9`. */
  fraction?: { done: number; total: number };
}

export interface PhaseDocument {
  claims: Claim[];
  overall: OverallFigure[];
  /**
   * What was seen but not read as a claim, one sentence each with its line: unrecognised
   * status values, status lines that disagree with their heading, goal lists skipped.
   */
  notes: string[];
  /** Every mojibake repair made before matching, with the line as written. */
  repairs: Array<{ line: number; from: string; to: string }>;
}
