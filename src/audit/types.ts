import type { CheckResult } from "../check/types.js";
import type { SkippedEntry } from "../snapshot/types.js";

/** The result of auditing one repository state against a checklist: the output contract of DESIGN.md. */
export interface AuditReport {
  /** A path, or `owner/name`. */
  readonly repository: string;
  readonly commit: string | null;
  /** Where the checklist came from: the repository's file, another file, or the built-in default. */
  readonly checklist: ChecklistOrigin;
  readonly phases: readonly PhaseReport[];
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
}

export interface CheckReport extends CheckResult {
  readonly id: string;
}
