import type { AnyCheck } from "../check/types.js";
import type { ChecklistOrigin, Gate } from "../audit/types.js";

/** One check of a phase, its options validated against the check's schema and defaults merged. */
export interface CheckEntry {
  readonly check: AnyCheck;
  readonly options: unknown;
}

export interface PhaseConfig {
  readonly id: string;
  readonly name: string;
  readonly gate: Gate;
  /** A phase document in the repository whose claims are verified (see the claims issue). */
  readonly doc?: string;
  readonly checks: readonly CheckEntry[];
  /** Phases that must be complete before this one counts (resolved: `ordered` gives the previous phase). */
  readonly requires: readonly string[];
  /** The check run's conclusion when this phase is complete while a phase it requires is not. */
  readonly ahead: "neutral" | "success";
  /** The checklist's explicit links from claims of `doc` to checks of this phase (by position in `checks`). */
  readonly claims: readonly ClaimLinkConfig[];
}

/** `claims: [{ match: "Fix SQL injection", check: file-not-contains }]`, the check resolved to its position. */
export interface ClaimLinkConfig {
  readonly match: string;
  readonly index: number;
}

/** A validated checklist, ready for the engine. */
export interface Checklist {
  readonly origin: ChecklistOrigin;
  readonly phases: readonly PhaseConfig[];
}

/** A problem in a checklist file, located in the file and said in words a person can act on. */
export interface ConfigError {
  /** The file, as given to the loader (e.g. `.github/phase-gate.yml`). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  /** Where in the document, e.g. `phases[1].checks[0]`; empty for the whole file. */
  readonly at: string;
  readonly message: string;
  /** What to do, e.g. "did you mean 'dockerfile-reload'?". */
  readonly hint?: string;
}

export type ChecklistLoad =
  | { readonly ok: true; readonly checklist: Checklist }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** Checks by id: what the config is validated against and what the engine runs. */
export type Registry = ReadonlyMap<string, AnyCheck>;

/** The default location of the checklist in a repository. */
export const CHECKLIST_PATH = ".github/phase-gate.yml";
