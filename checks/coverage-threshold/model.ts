/** What the coverage-threshold check collects before it judges. Plain data. */

export interface Where {
  readonly path: string;
  /** 1-based. */
  readonly line: number;
}

export type Tool =
  | "pytest-cov"
  | "coverage.py"
  | "jest"
  | "vitest"
  | "nyc"
  | "c8"
  | "node:test"
  | "tarpaulin"
  | "cargo-llvm-cov"
  | "jacoco"
  | "codecov";

export type Metric = "total" | "lines" | "statements" | "branches" | "functions" | "regions" | "instructions" | "methods" | "classes" | "complexity";

/** Metrics that measure the code as a whole, comparable with "coverage >= N %". */
export const LINE_LIKE: ReadonlySet<Metric> = new Set<Metric>(["total", "lines", "statements", "instructions"]);

/** A minimum coverage that some tool would enforce, where it is written. */
export interface Gate {
  readonly tool: Tool;
  /** Percent; null when the value is only known at run time. */
  readonly value: number | null;
  /** Why the value is unknown (`process.env.COV`, `$MIN`, ...). */
  readonly dynamic?: string;
  readonly metric: Metric;
  /** `per-file`: every file must reach it (so the total does too); `glob`: only some files. */
  readonly scope: "global" | "per-file" | "glob";
  /** A negative Jest/istanbul threshold: a maximum count of uncovered items, not a percentage. */
  readonly count?: boolean;
  /** How it reads in the file, e.g. `fail_under = 80`, `--cov-fail-under=80`, `coverageThreshold.global.lines`. */
  readonly setting: string;
  readonly where: Where;
}

export function gateKey(g: Gate): string {
  // The tool is left out on purpose: c8 and nyc both read `.nycrc`, and one setting is one gate.
  return `${g.where.path}|${g.where.line}|${g.metric}|${g.setting}`;
}

/** Something wrong that is not a gate's value. */
export type Problem =
  /** The tool would stop with an error on this config (CV005). */
  | { readonly kind: "broken"; readonly where: Where; readonly what: string; readonly why: string }
  /** A setting the tool never reads (CV004). */
  | { readonly kind: "dead"; readonly where: Where; readonly what: string; readonly why: string }
  /** A setting the tool ignores, which weakens nothing else (e.g. Jest's coverageThreshold in projects[]): a warning. */
  | { readonly kind: "ignored"; readonly where: Where; readonly what: string; readonly why: string }
  /** A setting hidden by another file the tool reads first (CV004). */
  | { readonly kind: "shadowed"; readonly where: Where; readonly what: string; readonly by: Where; readonly why: string }
  /** A file phase-gate could not parse (not a coverage config; the tool may still run). */
  | { readonly kind: "unparsable"; readonly where: Where; readonly why: string }
  /** A file the check needs but the snapshot did not read. */
  | { readonly kind: "unreadable"; readonly path: string; readonly why: string };

/** A coverage status set by a service, outside the repository's own runs. */
export interface External {
  readonly service: "codecov" | "sonar" | "coveralls";
  /** Absolute target in percent, `auto` (relative to the base), or null (not visible). */
  readonly target: number | "auto" | null;
  readonly informational: boolean;
  readonly where: Where;
  readonly setting: string;
}

/** Why a gate that runs does not bite. */
export interface Neutraliser {
  readonly reason: string;
  readonly where: Where;
}

/** What one tool run in CI enforces. */
export interface RunOutcome {
  /** The CI step (or job) that leads to the run. */
  readonly ci: Where;
  /** The command line that runs the tool (a workflow line, a Makefile recipe, a package.json script). */
  readonly command: Where;
  readonly runner: string;
  /** Gates this run enforces, when nothing neutralises it. */
  readonly gates: readonly Gate[];
  /** Set when the run's failure would not fail CI (continue-on-error, `|| true`, ...). */
  readonly neutralised: Neutraliser | null;
  /** Gates that are configured for this run but switched off by it (coverage not collected, `--cov-fail-under=0`). */
  readonly disabled: readonly { readonly gate: Gate; readonly why: string; readonly kind: "not-collected" | "overridden" }[];
  /** Configured gates this run replaced with another value (they are not reported on their own). */
  readonly replaced: readonly Gate[];
}

/** An environment variable as CI sets it: `value` undefined when only known at run time. */
export interface EnvValue {
  readonly value: string | undefined;
  readonly where?: Where;
}

export type Env = ReadonlyMap<string, EnvValue>;

/** One argument of a tool run, and where it is written. */
export interface ArgWord {
  readonly text: string;
  readonly dynamic: boolean;
  readonly where: Where;
}

export type InvokedTool = "pytest" | "coverage" | "jest" | "vitest" | "nyc" | "c8" | "node-test" | "tarpaulin" | "llvm-cov" | "maven";

/** A coverage tool run found by following CI into scripts, Makefiles, package.json and tox. */
export interface Invocation {
  readonly tool: InvokedTool;
  /** Sub-command when it matters (`report`, `check-coverage`, ...). */
  readonly sub: string | null;
  readonly args: readonly ArgWord[];
  /** Working directory, repository-relative ("" for the root). */
  readonly cwd: string;
  readonly env: Env;
  readonly command: Where;
  readonly ci: Where;
  /** How CI reaches the tool, e.g. `npm test → jest`. */
  readonly runner: string;
  readonly neutralised: Neutraliser | null;
}
