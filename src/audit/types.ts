import type { CheckResult } from "../check/types.js";
import type { ClaimReport, DocumentReport } from "../claims/types.js";
import type { SkippedEntry } from "../snapshot/types.js";

/** The result of auditing one repository state against a checklist: the output contract of DESIGN.md. */
export interface AuditReport {
  /** A path, or `owner/name`. */
  readonly repository: string;
  readonly commit: string | null;
  /** Where the checklist came from: the repository's file, another file, or the built-in default. */
  readonly checklist: ChecklistOrigin;
  readonly phases: readonly PhaseReport[];
  /**
   * The first phase, in the checklist's order, that is not complete; null when every phase is.
   * Absent when only some phases were audited (`--phase`): the others were not looked at.
   */
  readonly currentPhase?: string | null;
  /** Files that some check wanted but that were not read, and why. */
  readonly skipped: readonly SkippedEntry[];
  /** What the reader and engine want a person to know (truncated tree, default checklist, …). */
  readonly notes: readonly string[];
  /** Base URL for links to files (`…/blob/<sha>/`), when the repository is on GitHub. */
  readonly fileUrlBase?: string;
}

export interface ChecklistOrigin {
  readonly source: "file" | "default";
  /** The file read, relative to the repository root or as given; null for the default. */
  readonly path: string | null;
}

export type Gate = "required" | "advisory";

export type PhaseStatus = "complete" | "incomplete" | "failing";

export interface PhaseReport {
  readonly id: string;
  readonly name: string;
  readonly gate: Gate;
  readonly status: PhaseStatus;
  /** Checks whose status is `pass`. */
  readonly passed: number;
  /** Checks whose status is not `not-applicable`. */
  readonly total: number;
  readonly checks: readonly CheckReport[];
  /** Phases that must be complete before this one counts (present when there are any). */
  readonly requires?: readonly string[];
  /** Those of `requires` that are not complete (present when there are any). */
  readonly waitingOn?: readonly string[];
  /**
   * Present when the phase is complete while a phase it requires is not ("ahead, waiting on
   * …"): the conclusion its check run takes then (`neutral` unless the checklist says `success`).
   */
  readonly ahead?: "neutral" | "success";
  /** The phase document (`doc:`), when the phase names one. */
  readonly document?: DocumentReport;
  /** The claims of the phase document, each with its verdict (present with `document`). */
  readonly claims?: readonly ClaimReport[];
}

export interface CheckReport extends CheckResult {
  readonly id: string;
}
