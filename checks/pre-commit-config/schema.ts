/**
 * The schema `pre-commit validate-config` enforces (pre-commit 4.6.2, `pre_commit/clientlib.py`
 * with `cfgv`), rewritten over the Python-typed tree of `src/parsers/pre-commit-config.ts`.
 * Error texts follow cfgv's ("Missing required key: rev", "Expected string got float", "At index
 * 1: Expected string got int") after a location a person can find ("repos[2] (repo '...'), hooks[0]
 * (id 'black'), key 'args'").
 *
 * pre-commit stops at its first error; this reports the first error of every repo and every hook,
 * so one run shows them all (each is an error pre-commit would report once the earlier ones are
 * fixed). The one exception is `minimum_pre_commit_version`: pre-commit checks it first precisely
 * so that a config written for a newer pre-commit is not judged by older rules, so a too-new
 * minimum is reported alone.
 */
import {
  pyGet,
  pyRepr,
  type PyDict,
  type PyList,
  type PyStr,
  type PyValue,
} from "../../src/parsers/pre-commit-config.js";
import { pythonRegexValidity } from "../../src/parsers/python-regex.js";

/** The pre-commit release these rules follow; a newer `minimum_pre_commit_version` is refused. */
export const PRE_COMMIT_VERSION = "4.6.2";

export const HOOK_TYPES = [
  "commit-msg",
  "post-checkout",
  "post-commit",
  "post-merge",
  "post-rewrite",
  "pre-commit",
  "pre-merge-commit",
  "pre-push",
  "pre-rebase",
  "prepare-commit-msg",
] as const;
export const STAGES: readonly string[] = [...HOOK_TYPES, "manual"];
/** Stage names pre-commit 3.2 renamed; 4.x still accepts them with a deprecation warning. */
export const LEGACY_STAGES: Readonly<Record<string, string>> = { commit: "pre-commit", "merge-commit": "pre-merge-commit", push: "pre-push" };
export const LANGUAGES = [
  "conda", "coursier", "dart", "docker", "docker_image", "dotnet", "fail", "golang", "haskell", "julia", "lua", "node", "perl",
  "pygrep", "python", "r", "ruby", "rust", "swift", "unsupported", "unsupported_script",
] as const;
/** `system` and `script` are read as these since 4.4.0 (LanguageMigration). */
const LANGUAGE_ALIASES: Readonly<Record<string, string>> = { system: "unsupported", script: "unsupported_script" };
export const META_HOOK_IDS = ["check-hooks-apply", "check-useless-excludes", "identity"] as const;
export const ROOT_KEYS = [
  "repos", "default_install_hook_types", "default_language_version", "default_stages", "files", "exclude", "fail_fast",
  "minimum_pre_commit_version", "ci",
] as const;
export const REPO_KEYS = ["repo", "rev", "hooks"] as const;
/** Keys of a hook in a config (CONFIG_HOOK_DICT): the manifest's keys, all optional but `id`. */
export const HOOK_KEYS = [
  "id", "name", "entry", "language", "alias", "files", "exclude", "types", "types_or", "exclude_types", "additional_dependencies",
  "args", "always_run", "fail_fast", "pass_filenames", "description", "language_version", "log_file", "require_serial", "stages",
  "verbose", "minimum_pre_commit_version",
] as const;

export type SchemaMessageId =
  | "schema-error"
  | "unknown-key"
  | "unknown-hook-key"
  | "deprecated"
  | "regex-not-glob"
  | "regex-slash"
  | "min-version";

export interface SchemaIssue {
  readonly messageId: SchemaMessageId;
  readonly line: number;
  readonly data: Readonly<Record<string, string>>;
}

class Invalid extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Python's `type(v).__name__`. */
function typeName(v: PyValue): string {
  return v.kind;
}

function expectString(v: PyValue): asserts v is PyStr {
  if (v.kind !== "str") throw new Invalid(`Expected string got ${typeName(v)}`, v.line);
}

function expectBool(v: PyValue): void {
  if (v.kind !== "bool") throw new Invalid(`Expected bool got ${typeName(v)}`, v.line);
}

function expectArray(v: PyValue): asserts v is PyList {
  if (v.kind !== "list" && v.kind !== "tuple") throw new Invalid(`Expected array but got '${typeName(v)}'`, v.line);
}

function oneOf(v: PyValue, allowed: readonly string[]): void {
  if (v.kind !== "str" || !allowed.includes(v.value)) {
    throw new Invalid(`Expected one of ${[...allowed].sort().join(", ")} but got: ${pyRepr(v)}`, v.line);
  }
}

function eachItem(v: PyValue, check: (item: PyValue) => void): void {
  expectArray(v);
  v.items.forEach((item, i) => {
    try {
      check(item);
    } catch (err) {
      if (err instanceof Invalid) throw new Invalid(`At index ${i}: ${err.message}`, v.itemLines[i] ?? err.line);
      throw err;
    }
  });
}

function checkRegex(v: PyValue): void {
  expectString(v);
  const r = pythonRegexValidity(v.value);
  if (r.ok === false) throw new Invalid(`${pyRepr(v)} is not a valid python regex (${r.error})`, v.line);
}

/** pre-commit's `parse_version`: dotted integers; anything else makes pre-commit crash. */
function parseVersion(text: string): number[] | undefined {
  const parts = text.split(".").map((p) => p.trim().replace(/_/g, ""));
  if (!parts.every((p) => /^[+-]?\d+$/.test(p))) return undefined;
  return parts.map((p) => Number(p));
}

/** Python tuple ordering: element by element, then the shorter one first. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function checkMinVersion(v: PyValue): void {
  expectString(v);
  const parsed = parseVersion(v.value);
  if (!parsed) throw new Invalid(`${pyRepr(v)} is not a version pre-commit can compare (dotted integers)`, v.line);
  if (compareVersions(parsed, parseVersion(PRE_COMMIT_VERSION) ?? []) > 0) {
    throw new Invalid(
      `pre-commit version ${v.value} is required but ${PRE_COMMIT_VERSION} is the newest release phase-gate knows`,
      v.line,
    );
  }
}

function checkStages(v: PyValue): void {
  eachItem(v, (item) => oneOf(item.kind === "str" ? { ...item, value: LEGACY_STAGES[item.value] ?? item.value } : item, STAGES));
}

function checkLanguage(v: PyValue): void {
  if (v.kind === "str" && v.value === "python_venv") {
    throw new Invalid("language 'python_venv' was removed in pre-commit 4.0.0 (use python)", v.line);
  }
  oneOf(v.kind === "str" ? { ...v, value: LANGUAGE_ALIASES[v.value] ?? v.value } : v, LANGUAGES);
}

function checkTypeTag(v: PyValue): void {
  // identify's tag list changes with every release: only a non-string can be known to be wrong.
  if (v.kind !== "str") throw new Invalid(`Type tag ${pyRepr(v)} is not recognized`, v.line);
}

type KeyCheck = (v: PyValue) => void;

/** Checks of the optional hook keys, in the order pre-commit runs them. */
const HOOK_VALUE_CHECKS: readonly (readonly [string, KeyCheck])[] = [
  ["minimum_pre_commit_version", checkMinVersion],
  ["name", expectString],
  ["entry", expectString],
  ["language", checkLanguage],
  ["alias", expectString],
  ["files", checkRegex],
  ["exclude", checkRegex],
  ["types", (v) => eachItem(v, checkTypeTag)],
  ["types_or", (v) => eachItem(v, checkTypeTag)],
  ["exclude_types", (v) => eachItem(v, checkTypeTag)],
  ["additional_dependencies", (v) => eachItem(v, expectString)],
  ["args", (v) => eachItem(v, expectString)],
  ["always_run", expectBool],
  ["fail_fast", expectBool],
  ["pass_filenames", expectBool],
  ["description", expectString],
  ["language_version", expectString],
  ["log_file", expectString],
  ["require_serial", expectBool],
  ["stages", checkStages],
  ["verbose", expectBool],
];

function withKey(dict: PyDict, key: string, check: KeyCheck): void {
  const entry = pyGet(dict, key);
  if (!entry) return;
  try {
    check(entry.value);
  } catch (err) {
    if (err instanceof Invalid) throw new Invalid(`key '${key}': ${err.message}`, err.line === entry.value.line ? entry.valueLine : err.line);
    throw err;
  }
}

function required(dict: PyDict, key: string, check: KeyCheck): void {
  if (!pyGet(dict, key)) throw new Invalid(`Missing required key: ${key}`, dict.line);
  withKey(dict, key, check);
}

function asDict(v: PyValue, objectName: string, line: number): PyDict {
  if (v.kind !== "dict") throw new Invalid(`Expected a ${objectName} map but got a ${typeName(v)}`, line);
  return v;
}

function stringKeys(dict: PyDict): string[] {
  return dict.entries.map((e) => (e.key.kind === "str" ? e.key.value : pyRepr(e.key)));
}

/** The closest known key, for "did you mean" (edit distance at most 2). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

class Collector {
  readonly issues: SchemaIssue[] = [];

  add(messageId: SchemaMessageId, line: number, data: Record<string, string>): void {
    this.issues.push({ messageId, line, data });
  }

  error(where: string, err: unknown): void {
    if (!(err instanceof Invalid)) throw err;
    this.add("schema-error", err.line, { where, error: err.message });
  }

  /** pre-commit's warnings on `files` / `exclude` values (OptionalSensibleRegexAt*). */
  regexWarnings(dict: PyDict, where: string): void {
    for (const field of ["files", "exclude"]) {
      const entry = pyGet(dict, field);
      if (entry?.value.kind !== "str") continue;
      const value = entry.value.value;
      if (value.includes("/*")) this.add("regex-not-glob", entry.valueLine, { where, field, value });
      for (const slash of ["[\\\\/]", "[\\/]", "[/\\\\]"]) {
        if (value.includes(slash)) this.add("regex-slash", entry.valueLine, { where, field, slash });
      }
    }
  }

  deprecatedStages(dict: PyDict, key: string, where: string): void {
    const entry = pyGet(dict, key);
    if (entry?.value.kind !== "list") return;
    const legacy = entry.value.items.flatMap((s) => (s.kind === "str" && LEGACY_STAGES[s.value] ? [s.value] : []));
    if (legacy.length === 0) return;
    this.add("deprecated", entry.valueLine, {
      what: `${where} uses the stage name${legacy.length > 1 ? "s" : ""} ${legacy.map((s) => `'${s}'`).join(", ")}`,
      fix: `rename to ${legacy.map((s) => `'${LEGACY_STAGES[s] ?? s}'`).join(", ")} (\`pre-commit migrate-config\` does it)`,
    });
  }
}

/** Validates a loaded config (a mapping) as `pre-commit validate-config` does, plus its warnings. */
export function validateConfig(root: PyDict): SchemaIssue[] {
  const out = new Collector();
  const minEntry = pyGet(root, "minimum_pre_commit_version");
  if (minEntry) {
    try {
      withKey(root, "minimum_pre_commit_version", checkMinVersion);
    } catch (err) {
      out.error("minimum_pre_commit_version", err);
      return out.issues;
    }
  }
  const minimum = minEntry?.value.kind === "str" ? parseVersion(minEntry.value.value) : undefined;

  const reposEntry = pyGet(root, "repos");
  if (!reposEntry) out.add("schema-error", root.line, { where: "the top level", error: "Missing required key: repos" });
  else if (reposEntry.value.kind !== "list" && reposEntry.value.kind !== "tuple") {
    out.add("schema-error", reposEntry.valueLine, { where: "key 'repos'", error: `Expected array but got '${typeName(reposEntry.value)}'` });
  } else {
    const repos = reposEntry.value;
    repos.items.forEach((item, i) => validateRepo(out, item, i, repos.itemLines[i] ?? item.line));
  }

  const rootChecks: readonly (readonly [string, KeyCheck])[] = [
    ["default_install_hook_types", (v) => eachItem(v, (t) => oneOf(t, HOOK_TYPES))],
    [
      "default_language_version",
      (v) => {
        const d = asDict(v, "DefaultLanguageVersion", v.line);
        const extra = stringKeys(d).filter((k) => !(LANGUAGES as readonly string[]).includes(k)).sort();
        if (extra.length > 0) {
          const hint = extra.map((k) => (LANGUAGE_ALIASES[k] ? `${k} (now ${LANGUAGE_ALIASES[k]})` : k)).join(", ");
          throw new Invalid(`Additional keys found: ${hint}. Only these keys are allowed: ${LANGUAGES.join(", ")}`, d.line);
        }
        for (const e of d.entries) {
          try {
            expectString(e.value);
          } catch (err) {
            if (err instanceof Invalid) throw new Invalid(`key '${pyRepr(e.key).replace(/^'|'$/g, "")}': ${err.message}`, e.valueLine);
            throw err;
          }
        }
      },
    ],
    ["default_stages", checkStages],
    ["files", checkRegex],
    ["exclude", checkRegex],
    ["fail_fast", expectBool],
    [
      "ci",
      (v) => {
        if (v.kind !== "dict") throw new Invalid(`Expected dict got ${typeName(v)}`, v.line);
      },
    ],
  ];
  for (const [key, check] of rootChecks) {
    try {
      withKey(root, key, check);
    } catch (err) {
      out.error(`key '${key}'`, err);
    }
  }
  const extra = stringKeys(root).filter((k) => !(ROOT_KEYS as readonly string[]).includes(k));
  for (const key of extra) {
    const entry = root.entries.find((e) => (e.key.kind === "str" ? e.key.value : pyRepr(e.key)) === key);
    const suggestion = closest(key, ROOT_KEYS);
    out.add("unknown-key", entry?.keyLine ?? root.line, {
      key,
      where: "at the top level",
      hint: suggestion ? `Did you mean '${suggestion}'? ` : "",
    });
  }
  out.regexWarnings(root, "the top level");
  out.deprecatedStages(root, "default_stages", "default_stages");
  if (minimum) minVersionWarnings(out, root, minimum);
  return out.issues;
}

function validateRepo(out: Collector, item: PyValue, index: number, line: number): void {
  let where = `repos[${index}]`;
  let repo: PyDict;
  try {
    repo = asDict(item, "Repository", line);
  } catch (err) {
    out.error(where, err);
    return;
  }
  try {
    required(repo, "repo", expectString);
  } catch (err) {
    out.error(where, err);
    return;
  }
  const name = (pyGet(repo, "repo")?.value as { value: string }).value;
  where = `repos[${index}] (repo '${name}')`;
  const kind = name === "local" ? "local" : name === "meta" ? "meta" : "remote";

  // hooks
  const hooksEntry = pyGet(repo, "hooks");
  if (!hooksEntry) out.add("schema-error", line, { where, error: "Missing required key: hooks" });
  else if (hooksEntry.value.kind !== "list" && hooksEntry.value.kind !== "tuple") {
    out.add("schema-error", hooksEntry.valueLine, { where: `${where}, key 'hooks'`, error: `Expected array but got '${typeName(hooksEntry.value)}'` });
  } else {
    const hooks = hooksEntry.value;
    hooks.items.forEach((h, j) => validateHook(out, kind, h, `${where}, hooks[${j}]`, hooks.itemLines[j] ?? h.line));
  }

  // rev
  const revEntry = pyGet(repo, "rev");
  if (kind === "remote") {
    if (!revEntry) {
      const hint = pyGet(repo, "sha") ? " ('sha' was renamed 'rev' and is no longer read)" : "";
      out.add("schema-error", line, { where, error: `Missing required key: rev${hint}` });
    } else if (revEntry.value.kind !== "str") {
      out.add("schema-error", revEntry.valueLine, { where: `${where}, key 'rev'`, error: `Expected string got ${typeName(revEntry.value)}` });
    }
  } else if (revEntry) {
    out.add("schema-error", revEntry.keyLine, {
      where,
      error: `Expected rev to be absent when repo is any of ('local', 'meta'), found rev: ${pyRepr(revEntry.value)}`,
    });
  }

  // keys pre-commit warns about
  for (const e of repo.entries) {
    const key = e.key.kind === "str" ? e.key.value : pyRepr(e.key);
    if ((REPO_KEYS as readonly string[]).includes(key)) continue;
    if (key === "sha") {
      out.add("deprecated", e.keyLine, { what: `${where} pins its version with 'sha'`, fix: "rename 'sha' to 'rev' (pre-commit 3.0 stopped reading 'sha')" });
      continue;
    }
    const suggestion = closest(key, REPO_KEYS);
    out.add("unknown-key", e.keyLine, { key, where: `on ${where}`, hint: suggestion ? `Did you mean '${suggestion}'? ` : "" });
  }
}

function validateHook(out: Collector, kind: "remote" | "local" | "meta", item: PyValue, where: string, line: number): void {
  let hook: PyDict;
  try {
    hook = asDict(item, "Hook", line);
  } catch (err) {
    out.error(where, err);
    return;
  }
  const idValue = pyGet(hook, "id")?.value;
  const label = idValue?.kind === "str" ? `${where} (id '${idValue.value}')` : where;
  try {
    if (kind === "local") {
      withKey(hook, "minimum_pre_commit_version", checkMinVersion);
      required(hook, "id", expectString);
      required(hook, "name", expectString);
      required(hook, "entry", expectString);
      if (!pyGet(hook, "language")) throw new Invalid("Missing required key: language", hook.line);
      for (const [key, check] of HOOK_VALUE_CHECKS) if (key !== "minimum_pre_commit_version") withKey(hook, key, check);
    } else if (kind === "meta") {
      required(hook, "id", expectString);
      withKey(hook, "id", (v) => oneOf(v, META_HOOK_IDS));
      withKey(hook, "language", (v) => oneOf(v, ["unsupported"]));
      if (pyGet(hook, "entry")) throw new Invalid("'entry' cannot be overridden", pyGet(hook, "entry")?.keyLine ?? hook.line);
      for (const [key, check] of HOOK_VALUE_CHECKS) if (key !== "language") withKey(hook, key, check);
    } else {
      required(hook, "id", expectString);
      for (const [key, check] of HOOK_VALUE_CHECKS) withKey(hook, key, check);
    }
  } catch (err) {
    out.error(label, err);
  }
  for (const e of hook.entries) {
    const key = e.key.kind === "str" ? e.key.value : pyRepr(e.key);
    if ((HOOK_KEYS as readonly string[]).includes(key)) continue;
    const suggestion = closest(key, HOOK_KEYS);
    out.add("unknown-hook-key", e.keyLine, { key, where: label, hint: suggestion ? `Did you mean '${suggestion}'? ` : "" });
  }
  out.regexWarnings(hook, label);
  out.deprecatedStages(hook, "stages", label);
}

/** Features newer than the `minimum_pre_commit_version` the config declares. */
function minVersionWarnings(out: Collector, root: PyDict, minimum: readonly number[]): void {
  const renamedStages = new Set(Object.values(LEGACY_STAGES));
  const below = (v: number[]) => compareVersions(minimum, v) < 0;
  const seen = new Set<string>();
  const note = (line: number, feature: string, version: string) => {
    if (seen.has(feature)) return;
    seen.add(feature);
    out.add("min-version", line, { feature, version, minimum: minimum.join(".") });
  };
  const visitStages = (dict: PyDict, key: string) => {
    const v = pyGet(dict, key);
    if (v?.value.kind !== "list") return;
    for (const s of v.value.items) {
      if (s.kind === "str" && renamedStages.has(s.value) && below([3, 2, 0])) note(v.valueLine, `the stage name '${s.value}'`, "3.2.0");
    }
  };
  visitStages(root, "default_stages");
  const repos = pyGet(root, "repos")?.value;
  if (repos?.kind !== "list") return;
  for (const repo of repos.items) {
    if (repo.kind !== "dict") continue;
    const hooks = pyGet(repo, "hooks")?.value;
    if (hooks?.kind !== "list") continue;
    for (const hook of hooks.items) {
      if (hook.kind !== "dict") continue;
      visitStages(hook, "stages");
      const lang = pyGet(hook, "language");
      if (lang?.value.kind === "str" && lang.value.value.startsWith("unsupported") && below([4, 4, 0])) {
        note(lang.valueLine, `language '${lang.value.value}'`, "4.4.0");
      }
    }
  }
}
