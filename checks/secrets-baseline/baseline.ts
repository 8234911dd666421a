/**
 * A detect-secrets baseline: `JSON.parse` (as strict as Python's `json.loads`) and zod schemas for
 * the three formats seen in the wild: Yelp 1.x (`filters_used`, `filename` in each result), Yelp
 * 0.x (sorted keys, `exclude`, `word_list`, no `filename`) and the IBM fork (`0.13.1+ibm.N.dss`,
 * `verified_result`, `custom_plugin_paths`). What detect-secrets itself requires decides what is
 * an error: `load_from_file`, `upgrade`, `configure_settings_from_baseline` and
 * `PotentialSecret.load_secret_from_dict` of Yelp/detect-secrets v1.5.0.
 */
import { z } from "zod";
import { normalizeRepoPath } from "./commands.js";
import { scanJson, type JsonScan } from "./json-scan.js";

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** SemVer build metadata after `+` (the IBM fork's `ibm.62.dss`), or null. */
  readonly build: string | null;
}

/** detect-secrets' `Version` is `map(int, version.split('.'))`; the IBM fork adds `+build`. */
export function parseVersion(text: string): Version | null {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:\+([0-9A-Za-z.-]+))?$/.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), build: m[4] ?? null };
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export interface BaselineEntry {
  /** The results key as written. */
  readonly key: string;
  /** The key as a repository path (`\` → `/`, no `./`). */
  readonly file: string;
  readonly type: string;
  readonly hashedSecret: string;
  readonly lineNumber: number | null;
  /** true: audited as a real secret; false: audited as a false positive; null: not audited. */
  readonly isSecret: boolean | null;
  /** 1-based line of the entry in the baseline file. */
  readonly line: number;
  /** 1-based line of its `is_secret` member, when present. */
  readonly isSecretLine: number | null;
  /** 1-based line of its `line_number` member, when present. */
  readonly lineNumberLine: number | null;
}

export interface Baseline {
  readonly version: string;
  readonly parsedVersion: Version;
  readonly entries: readonly BaselineEntry[];
  /** Results keys in file order, with the line of each. */
  readonly files: readonly { key: string; file: string; line: number }[];
  /** `plugins_used[].name`. */
  readonly plugins: readonly string[];
  /** `should_exclude_file` patterns (1.x filters, or 0.x `exclude.files`), with their line. */
  readonly excludeFilePatterns: readonly { pattern: string; line: number }[];
  readonly hasGeneratedAt: boolean;
  readonly lines: { readonly version: number; readonly results: number; readonly plugins: number };
}

export type BaselineProblem =
  | { readonly kind: "invalid-json"; readonly line: number; readonly reason: string }
  | { readonly kind: "schema"; readonly line: number; readonly reason: string }
  | { readonly kind: "entry"; readonly line: number; readonly reason: string };

export type BaselineRead = { ok: true; baseline: Baseline; problems: readonly BaselineProblem[] } | { ok: false; problems: readonly BaselineProblem[] };

const SHA1 = /^[0-9a-f]{40}$/;

const pluginSchema = z.looseObject({ name: z.string({ error: "`name` must be a string" }) });
const filterSchema = z.looseObject({ path: z.string({ error: "`path` must be a string" }) });

const topSchema = z.looseObject({
  version: z.string({ error: "`version` must be a string" }),
  plugins_used: z.array(z.unknown(), { error: "`plugins_used` must be a list" }),
  results: z.record(z.string(), z.unknown(), { error: "`results` must be an object" }),
  filters_used: z.array(z.unknown(), { error: "`filters_used` must be a list" }).optional(),
  generated_at: z.unknown().optional(),
  exclude: z.unknown().optional(),
});

const entrySchema = z.looseObject({
  type: z.string({ error: "`type` must be a string" }),
  hashed_secret: z.string({ error: "`hashed_secret` must be a string" }).regex(SHA1, { error: "`hashed_secret` is not a SHA-1 (40 lowercase hex characters)" }),
  line_number: z.number({ error: "`line_number` must be an integer ≥ 1" }).int({ error: "`line_number` must be an integer ≥ 1" }).min(1, { error: "`line_number` must be an integer ≥ 1" }).optional(),
  // Python's None is the "not audited" default of PotentialSecret, so null is accepted.
  is_secret: z.boolean({ error: "`is_secret` must be true or false" }).nullable().optional(),
  is_verified: z.boolean({ error: "`is_verified` must be true or false" }).nullable().optional(),
  filename: z.string({ error: "`filename` must be a string" }).optional(),
});

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function has(input: unknown, path: readonly (string | number)[]): boolean {
  let v: unknown = input;
  for (const p of path) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, p)) return false;
    v = (v as Record<string | number, unknown>)[p];
  }
  return true;
}

function firstIssue(error: z.ZodError, input: unknown): { path: (string | number)[]; message: string } {
  const issue = error.issues[0];
  if (!issue) return { path: [], message: "invalid" };
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  // A missing key reads better than "must be a string".
  if (path.length > 0 && !has(input, path)) return { path, message: `\`${String(path[path.length - 1])}\` is missing` };
  return { path, message: issue.message };
}

/** Reads a baseline. Never throws: bad input becomes problems. */
export function readBaseline(text: string): BaselineRead {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const located = scanJson(text);
    if (!located.ok) {
      return { ok: false, problems: [{ kind: "invalid-json", line: located.error.line, reason: `${located.error.reason} (line ${located.error.line}, column ${located.error.column})` }] };
    }
    const pos = /position (\d+)/.exec(error instanceof Error ? error.message : "");
    const line = pos ? text.slice(0, Number(pos[1])).split("\n").length : 1;
    return { ok: false, problems: [{ kind: "invalid-json", line, reason: "JSON.parse refused it" }] };
  }
  const scanned = scanJson(text);
  const scan: JsonScan = scanned.ok ? scanned.scan : { lineOf: () => undefined };
  const lineOf = (path: (string | number)[]): number => {
    for (let p = path; ; p = p.slice(0, -1)) {
      const l = scan.lineOf(p);
      if (l !== undefined) return l;
      if (p.length === 0) return 1;
    }
  };

  if (!isPlainObject(data)) return { ok: false, problems: [{ kind: "schema", line: 1, reason: "the baseline is not a JSON object" }] };
  const top = topSchema.safeParse(data);
  if (!top.success) {
    const { path, message } = firstIssue(top.error, data);
    return { ok: false, problems: [{ kind: "schema", line: lineOf(path.slice(0, 1)), reason: message }] };
  }
  const version = parseVersion(top.data.version);
  if (!version) {
    return {
      ok: false,
      problems: [{ kind: "schema", line: lineOf(["version"]), reason: `\`version\` ${JSON.stringify(top.data.version)} is not MAJOR.MINOR.PATCH, which detect-secrets needs to load it` }],
    };
  }
  const problems: BaselineProblem[] = [];
  const isOneX = version.major >= 1;
  if (isOneX && top.data.filters_used === undefined) {
    problems.push({ kind: "schema", line: 1, reason: "`filters_used` is missing (required from version 1.0)" });
  }
  const plugins: string[] = [];
  for (const [k, p] of top.data.plugins_used.entries()) {
    const r = pluginSchema.safeParse(p);
    if (r.success) plugins.push(r.data.name);
    else problems.push({ kind: "schema", line: lineOf(["plugins_used", k]), reason: `plugins_used[${k}]: ${isPlainObject(p) ? firstIssue(r.error, p).message : "must be an object"}` });
  }
  const excludeFilePatterns: { pattern: string; line: number }[] = [];
  for (const [k, f] of (top.data.filters_used ?? []).entries()) {
    const r = filterSchema.safeParse(f);
    if (!r.success) {
      problems.push({ kind: "schema", line: lineOf(["filters_used", k]), reason: `filters_used[${k}]: ${isPlainObject(f) ? firstIssue(r.error, f).message : "must be an object"}` });
      continue;
    }
    if (r.data.path === "detect_secrets.filters.regex.should_exclude_file") {
      const pattern = r.data.pattern;
      const list = typeof pattern === "string" ? [pattern] : Array.isArray(pattern) ? pattern.filter((x): x is string => typeof x === "string") : [];
      for (const pat of list) excludeFilePatterns.push({ pattern: pat, line: lineOf(["filters_used", k, "pattern"]) });
    }
  }
  if (isPlainObject(top.data.exclude) && typeof top.data.exclude.files === "string" && top.data.exclude.files !== "") {
    excludeFilePatterns.push({ pattern: top.data.exclude.files, line: lineOf(["exclude", "files"]) });
  }

  const entries: BaselineEntry[] = [];
  const files: { key: string; file: string; line: number }[] = [];
  for (const [key, list] of Object.entries(top.data.results)) {
    const keyLine = lineOf(["results", key]);
    files.push({ key, file: normalizeRepoPath(key), line: keyLine });
    if (!Array.isArray(list)) {
      problems.push({ kind: "entry", line: keyLine, reason: `results[${JSON.stringify(key)}] must be a list of results` });
      continue;
    }
    for (const [k, item] of list.entries()) {
      const line = lineOf(["results", key, k]);
      if (!isPlainObject(item)) {
        problems.push({ kind: "entry", line, reason: `results[${JSON.stringify(key)}][${k}] must be an object` });
        continue;
      }
      const r = entrySchema.safeParse(item);
      if (!r.success) {
        const issue = firstIssue(r.error, item);
        problems.push({ kind: "entry", line: lineOf(["results", key, k, ...issue.path.slice(0, 1)]), reason: `results[${JSON.stringify(key)}][${k}]: ${issue.message}` });
        continue;
      }
      entries.push({
        key,
        // The hook matches staged files against the results keys, so the key is the file.
        file: normalizeRepoPath(key),
        type: r.data.type,
        hashedSecret: r.data.hashed_secret,
        lineNumber: r.data.line_number ?? null,
        isSecret: r.data.is_secret ?? null,
        line,
        isSecretLine: r.data.is_secret === undefined ? null : lineOf(["results", key, k, "is_secret"]),
        lineNumberLine: r.data.line_number === undefined ? null : lineOf(["results", key, k, "line_number"]),
      });
    }
  }

  // detect-secrets refuses to load a baseline with a top-level problem ("Invalid baseline"); a
  // malformed result is reported, and the other results are still judged.
  if (problems.some((p) => p.kind === "schema")) return { ok: false, problems };
  return {
    ok: true,
    baseline: {
      version: top.data.version,
      parsedVersion: version,
      entries,
      files,
      plugins,
      excludeFilePatterns,
      hasGeneratedAt: top.data.generated_at !== undefined,
      lines: { version: lineOf(["version"]), results: lineOf(["results"]), plugins: lineOf(["plugins_used"]) },
    },
    problems,
  };
}
