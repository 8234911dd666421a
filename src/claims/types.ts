/**
 * What phase-gate reads from a phase document: the claims it makes about work items and
 * the figures it gives for itself. Plain, serialisable data.
 */
import type { Finding } from "../check/types.js";

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

/**
 * What the repository says about a claim:
 * - `backed`: claimed done, and the linked check passes;
 * - `overclaimed`: claimed done, and the linked check fails or warns (its findings are the evidence);
 * - `underclaimed`: not claimed done (partial or not done), yet the linked check passes;
 * - `pending`: not claimed done, and the linked check does not pass;
 * - `unverifiable`: no check covers it, the link is ambiguous, or the check could not decide.
 */
export type Verdict = "backed" | "overclaimed" | "underclaimed" | "pending" | "unverifiable";

export const VERDICTS: readonly Verdict[] = ["overclaimed", "backed", "underclaimed", "pending", "unverifiable"];

/** The check a claim links to, and how. */
export interface ClaimCheckLink {
  readonly id: string;
  /** Position of the check in the phase's `checks` (0-based). */
  readonly index: number;
  /** `config`: the checklist's `claims` links; `phrase`: a phrase the check declares. */
  readonly by: "config" | "phrase";
  /** The words of the claim that named the check. */
  readonly phrase: string;
}

/** One claim of a phase document, with its verdict: an element of a phase's `claims` array. */
export interface ClaimReport {
  readonly text: string;
  readonly line: number;
  readonly state: ClaimState;
  readonly kind: ClaimKind;
  readonly section?: string;
  readonly repaired?: true;
  readonly verdict: Verdict;
  /** One sentence: why this verdict (the check's status and summary, or why nothing covers it). */
  readonly reason: string;
  readonly check?: ClaimCheckLink;
  /** When the claim names more than one check: every candidate, none chosen. */
  readonly ambiguous?: readonly ClaimCheckLink[];
  /** For `overclaimed` and `pending`: the linked check's findings (at most five, errors first). */
  readonly evidence?: readonly Finding[];
}

export interface ClaimCounts {
  readonly claims: number;
  readonly done: number;
  readonly partial: number;
  readonly notDone: number;
  /** Claims linked to a check that could decide (not `unverifiable`). */
  readonly verifiable: number;
  readonly backed: number;
  readonly overclaimed: number;
  readonly underclaimed: number;
  readonly pending: number;
  readonly unverifiable: number;
  /** Unverifiable because they name more than one check. */
  readonly ambiguous: number;
}

/** The phase document as read: where it is, what it claims overall, what phase-gate made of it. */
export interface DocumentReport {
  readonly path: string;
  /** `read`, or why its claims could not be read (the phase's checks are reported all the same). */
  readonly status: "read" | "missing" | "unreadable";
  /** Why it could not be read, when it could not. */
  readonly error?: string;
  /** One line: `claims 100% complete; 7 of 12 verifiable claims backed, 2 overclaimed; 28 unverifiable`. */
  readonly summary: string;
  readonly counts: ClaimCounts;
  /** The document's own figures (`Overall: 55% Complete`). */
  readonly stated: readonly OverallFigure[];
  /** What was read but not taken as a claim, links that matched nothing, repairs made. */
  readonly notes: readonly string[];
}
