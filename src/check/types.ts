import type { z } from "zod";
import type { SkipReason } from "../snapshot/types.js";

/** The verdict of one check. See DESIGN.md "Checks". */
export type CheckStatus = "pass" | "fail" | "warn" | "indeterminate" | "not-applicable" | "error";

export const CHECK_STATUSES: readonly CheckStatus[] = ["pass", "fail", "warn", "indeterminate", "not-applicable", "error"];

export type Severity = "error" | "warning" | "notice";

/** Plain, serialisable evidence. Lines are 1-based whatever the parser counted from. */
export interface Finding {
  readonly messageId: string;
  readonly message: string;
  readonly help?: string;
  readonly severity: Severity;
  readonly path?: string;
  readonly line?: number;
  readonly endLine?: number;
}

/** JSON a check measured, for reports and base-vs-head deltas (e.g. `{ minimum: 80, source: {...} }`). */
export type Facts = { readonly [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface CheckResult {
  readonly status: CheckStatus;
  /** One line: what was found, e.g. "coverage must reach 85% (pyproject.toml:41)". */
  readonly summary: string;
  readonly findings: readonly Finding[];
  readonly facts?: Facts;
}

/** How a message id reads. `{{name}}` is replaced by `data.name` in `message` and `help`. */
export interface MessageSpec {
  readonly message: string;
  readonly help?: string;
  /** Default severity of findings with this id; a finding may override it. */
  readonly severity: Severity;
}

export type MessageData = Readonly<Record<string, string | number>>;

export interface FindingInput {
  readonly data?: MessageData;
  readonly path?: string;
  readonly line?: number;
  readonly endLine?: number;
  readonly severity?: Severity;
}

/**
 * What a check sees: its validated options and the files its `files` patterns matched, already
 * read. Synchronous on purpose: all I/O happened in the engine, once.
 */
export interface CheckContext<Options, MessageId extends string> {
  readonly options: Options;
  /** Readable files matched by the check's `files` patterns, sorted. */
  readonly paths: readonly string[];
  /** Every path in the repository, readable or not, sorted (the listing; contents not loaded). */
  readonly allPaths: readonly string[];
  /** Paths (of `paths` by default) that match any of the globs (`src/check/glob.ts`: picomatch syntax with `dot: true`, run on RE2). */
  match(patterns: string | readonly string[], among?: readonly string[]): string[];
  /** True when the path is in the repository (readable or skipped). */
  exists(path: string): boolean;
  /** Contents of a file matched by the check's patterns; undefined when absent or not readable. */
  read(path: string): string | undefined;
  /** Why a listed file could not be read (binary, too large, symlink, submodule), if it could not. */
  skipped(path: string): SkipReason | undefined;
  /** Build a finding from a message id of this check; the id is a type, so a typo does not compile. */
  finding(messageId: MessageId, input?: FindingInput): Finding;
}

/** A check as `defineCheck` returns it. `meta` is data; `run` is the only behaviour. */
export interface CheckDefinition<Options, MessageId extends string> {
  /** kebab-case, permanent: used in config, output, SARIF rule ids and the docs URL. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly docsUrl: string;
  /** zod schema of the options, with defaults. A bare id in the checklist means `{}`. */
  readonly options: z.ZodType<Options>;
  readonly messages: Readonly<Record<MessageId, MessageSpec>>;
  /** Globs (`src/check/glob.ts`) of the files this check reads, given its options. */
  files(options: Options): readonly string[];
  /**
   * Glob patterns of paths the check looks up in the listing without reading them (`file-exists`).
   * A snapshot that cannot list everything cheaply (a truncated GitHub tree) lists at least these.
   */
  lists?(options: Options): readonly string[];
  /**
   * Phrases a phase document uses when it claims this item is done (`--reload`, `detect-secrets`,
   * `SECURITY.md`), matched case-insensitively as whole words in a claim's text
   * (`src/claims/link.ts`). Given the options, so a declarative check can offer the path it checks.
   */
  claimPhrases?(options: Options): readonly string[];
  run(ctx: CheckContext<Options, MessageId>): CheckResult | Promise<CheckResult>;
}

/** The registry's view of any check (options and message ids erased). */
export type AnyCheck = CheckDefinition<unknown, string>;
