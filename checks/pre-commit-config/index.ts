import { z } from "zod";
import { defineCheck } from "../../src/check/define.js";
import type { CheckContext, CheckStatus, Finding } from "../../src/check/types.js";
import {
  parsePreCommitConfig,
  pyGet,
  pyGetStrings,
  type PreCommitConfigParsed,
  type PreCommitHookRef,
  type PyValue,
} from "../../src/parsers/pre-commit-config.js";
import { compileRepoRegex, keepsAnyPath, MatchBudget, type RepoRegexMatcher } from "../../src/parsers/python-regex.js";
import { CI_GLOBS, findPreCommitInCi, type CiEvidence } from "./ci.js";
import { isOpaqueLocalHook, isPreCommitHooksRepo, normaliseRepoUrl, REMOVED_STUBS, satisfies } from "./hooks.js";
import { classifyRev, MOVED_REPOS } from "./revs.js";
import { LEGACY_STAGES, PRE_COMMIT_VERSION, validateConfig } from "./schema.js";

export const CONFIG_FILE = ".pre-commit-config.yaml";
/** pre-commit never reads this name unless told to with `-c`. */
export const YML_FILE = ".pre-commit-config.yml";

const MESSAGES = {
  "missing-config": {
    message: "No {{path}}: pre-commit is not configured in this repository",
    help: "Add {{path}} at the repository root with the hooks under `repos:` (see https://pre-commit.com), then run `pre-commit install`.",
    severity: "error",
  },
  "other-framework": {
    message: "{{file}} is present: hooks are managed by {{tool}}, not pre-commit",
    help: "phase-gate checks pre-commit's configuration; if {{tool}} is the team's choice, change the checklist item.",
    severity: "notice",
  },
  "publishes-hooks": {
    message: ".pre-commit-hooks.yaml is present: this repository publishes pre-commit hooks, which is not the same as running them",
    help: "Running hooks on this repository takes a .pre-commit-config.yaml.",
    severity: "notice",
  },
  "yml-extension": {
    message: "{{path}} is ignored: pre-commit reads only .pre-commit-config.yaml unless run with `-c {{path}}`",
    help: "{{fix}}",
    severity: "warning",
  },
  unreadable: {
    message: "{{path}} could not be read ({{reason}})",
    help: "{{fix}}",
    severity: "warning",
  },
  "yaml-error": {
    message: "{{path}} does not load as YAML: {{error}}",
    help: "Fix the YAML: pre-commit cannot load this file, so no hook runs (`pre-commit validate-config` shows the same error).",
    severity: "error",
  },
  "not-a-mapping": {
    message: "The top level of {{path}} is a {{type}}, not a mapping with `repos:` (\"Expected a Config map but got a {{type}}\")",
    help: "Start the file with `repos:` and list the hook repositories under it.",
    severity: "error",
  },
  "top-level-list": {
    message: "{{path}} is a bare list of repositories, a format pre-commit refuses since 3.0 (\"Expected a Config map but got a list\")",
    help: "Move the list under a `repos:` key (`pre-commit migrate-config` does it).",
    severity: "error",
  },
  "hook-manifest": {
    message: "{{path}} holds hook definitions (the content of a hook repository's .pre-commit-hooks.yaml), not a config",
    help: "A config lists `repos:` and, for each, the hook ids to run. To run hooks defined in this repository, put them under `- repo: local` with `hooks:`; a manifest belongs in .pre-commit-hooks.yaml.",
    severity: "error",
  },
  "schema-error": {
    message: "{{where}}: {{error}}",
    help: "`pre-commit validate-config` refuses this, and no hook runs until it is fixed.",
    severity: "error",
  },
  "unknown-key": {
    message: "Unexpected key '{{key}}' {{where}}: pre-commit ignores it (and warns)",
    help: "{{hint}}Remove the key or fix its spelling.",
    severity: "warning",
  },
  "duplicate-key": {
    message: "Key '{{key}}' is given twice in one mapping (lines {{first}} and {{line}}): YAML loaders keep only the last one",
    help: "Remove one of the two; pre-commit silently uses the value on line {{line}}.",
    severity: "warning",
  },
  "unknown-hook-key": {
    message: "Unknown key '{{key}}' on {{where}}: pre-commit drops it without a warning",
    help: "{{hint}}Remove the key or fix its spelling; hook keys are listed at https://pre-commit.com/#pre-commit-configyaml---hooks.",
    severity: "warning",
  },
  deprecated: {
    message: "{{what}}, which pre-commit deprecated",
    help: "{{fix}}",
    severity: "warning",
  },
  "regex-not-glob": {
    message: "'{{field}}' of {{where}} is '{{value}}': a Python regex, not a glob ('/*' matches slashes, not files)",
    help: "Write a regex, e.g. '^docs/' for everything under docs/ or '\\.py$' for Python files.",
    severity: "warning",
  },
  "regex-slash": {
    message: "'{{field}}' of {{where}} matches '{{slash}}': pre-commit already turns backslashes into '/' in paths",
    help: "Use '/' instead of {{slash}}.",
    severity: "notice",
  },
  "min-version": {
    message: "{{feature}} needs pre-commit {{version}} or newer, but minimum_pre_commit_version is '{{minimum}}'",
    help: "Raise minimum_pre_commit_version to '{{version}}', so older pre-commits refuse the config clearly instead of misreading it.",
    severity: "warning",
  },
  "mutable-rev": {
    message: "rev '{{rev}}' of {{repo}} is a branch or moving tag: pre-commit installs it once and never updates it",
    help: "Pin a release tag or a full commit SHA (`pre-commit autoupdate` picks the latest tag; `--freeze` pins SHAs).",
    severity: "error",
  },
  "branch-like-rev": {
    message: "rev '{{rev}}' of {{repo}} looks like a branch name: a branch moves, and pre-commit never updates what it installed",
    help: "Pin a release tag or a full commit SHA (`pre-commit autoupdate`).",
    severity: "warning",
  },
  "short-sha-rev": {
    message: "rev '{{rev}}' of {{repo}} is an abbreviated commit SHA, which can become ambiguous",
    help: "Use the full 40-character SHA (`pre-commit autoupdate --freeze`) or a release tag.",
    severity: "warning",
  },
  "prerelease-rev": {
    message: "rev '{{rev}}' of {{repo}} is a pre-release tag",
    help: "Pin a stable release; `pre-commit autoupdate` picks pre-release tags from some mirrors.",
    severity: "warning",
  },
  "moved-repo": {
    message: "{{repo}} {{why}}",
    help: "Use {{now}} instead (and run `pre-commit autoupdate`).",
    severity: "warning",
  },
  "removed-hook": {
    message: "Hook '{{id}}' of pre-commit/pre-commit-hooks was removed: it now only fails with a message",
    help: "Remove it; {{fix}}.",
    severity: "error",
  },
  "missing-hook": {
    message: "Required hook '{{id}}' is not configured{{note}}",
    help: "Add a '{{id}}' hook to {{path}} (from its hook repository, or as a `repo: local` hook whose entry runs it), or update the checklist.",
    severity: "error",
  },
  "hook-unverifiable": {
    message: "Required hook '{{id}}' is not configured by name, and local hooks {{hooks}} run commands that may run it",
    help: "Call the tool in the hook's entry (e.g. `entry: uv run ruff check`) so the checklist item can be verified, or add the tool's own hook.",
    severity: "warning",
  },
  "hook-disabled": {
    message: "Required hook '{{id}}' is configured but never runs on commits: {{why}}",
    help: "{{fix}}",
    severity: "warning",
  },
  "cannot-evaluate": {
    message: "Whether required hook '{{id}}' runs on any file cannot be decided: {{why}}",
    help: "phase-gate matches `files`/`exclude` with a linear-time engine (RE2), which does not run back-references, possessive quantifiers, atomic groups or conditionals; check by hand with `pre-commit run --all-files`, or simplify the pattern.",
    severity: "notice",
  },
  "no-ci": {
    message: "No CI configuration runs pre-commit{{note}}: the hooks only run for contributors who ran `pre-commit install`",
    help: "Run the hooks in CI, e.g. a GitHub Actions step `uses: pre-commit/action@v3.0.1` or `run: pre-commit run --all-files`, or set `requireCi: false` if pre-commit.ci is installed.",
    severity: "warning",
  },
} as const;

type MessageId = keyof typeof MESSAGES;

/** Findings that mean `pre-commit validate-config` would refuse the config. */
export const CONFIG_INVALID: ReadonlySet<string> = new Set<MessageId>([
  "yaml-error",
  "not-a-mapping",
  "top-level-list",
  "hook-manifest",
  "schema-error",
]);

const HOOK_MANAGERS: readonly (readonly [string, string])[] = [
  [".husky/pre-commit", "husky"],
  ["lefthook.yml", "lefthook"],
  ["lefthook.yaml", "lefthook"],
  [".lefthook.yml", "lefthook"],
  ["lefthook.json", "lefthook"],
  [".overcommit.yml", "overcommit"],
];

/**
 * Whether any file of the repository is left for a hook by its `files` (all must match) and
 * `exclude` (none may match) patterns. The patterns come from the repository: they run on RE2, in
 * linear time, and what cannot be run or decided is "unknown", never guessed.
 */
function filesLeft(
  allPaths: readonly string[],
  patterns: { files: readonly string[]; exclude: readonly string[] },
  budget: MatchBudget,
): { left: boolean } | { unknown: string } {
  const files: RepoRegexMatcher[] = [];
  const exclude: RepoRegexMatcher[] = [];
  /** A pattern RE2 cannot run can only remove files: it matters only if the others leave some. */
  let notRun: string | undefined;
  for (const [list, into] of [
    [patterns.files, files],
    [patterns.exclude, exclude],
  ] as const) {
    for (const p of list) {
      const r = compileRepoRegex(p, budget);
      if (r.ok === false) return { left: true }; // an invalid regex is a schema error already
      if (r.ok === "unknown") notRun ??= `the pattern '${p}' (${r.reason})`;
      else into.push(r);
    }
  }
  const kept = keepsAnyPath(allPaths, files, exclude);
  if (kept.kept === false) return { left: false };
  if (notRun !== undefined) return { unknown: notRun };
  if (kept.kept === true) return { left: true };
  const { undecided } = kept;
  const all = [...patterns.files, ...patterns.exclude].map((p) => `'${p}'`).join(", ");
  const first = undecided[0] ?? "";
  const more = undecided.length > 1 ? ` and ${undecided.length - 1} more` : "";
  return { unknown: `${all} could not be evaluated on ${first}${more} (a non-ASCII name where RE2 and Python may differ, or the matching budget is spent)` };
}

function stringAt(v: PyValue | undefined): string | undefined {
  return v?.kind === "str" ? v.value : undefined;
}

export const preCommitConfig = defineCheck({
  id: "pre-commit-config",
  title: "pre-commit hooks are configured",
  description:
    "Passes when .pre-commit-config.yaml is valid for `pre-commit validate-config`, runs every required hook id, pins every `rev` to a tag or full SHA, and CI runs it.",
  options: z
    .object({
      hooks: z
        .array(z.string().min(1))
        .default([])
        .describe("Hook ids that must be configured, e.g. [ruff, black, mypy]; a `repo: local` hook counts when its entry runs the tool"),
      path: z
        .string()
        .min(1)
        .default(CONFIG_FILE)
        .describe("The config file, for repositories that run `pre-commit -c <path>`"),
      requireCi: z.boolean().default(true).describe("Warn when no CI configuration runs pre-commit"),
    })
    .strict(),
  messages: MESSAGES,
  claimPhrases: () => [".pre-commit-config.yaml", "pre-commit"],
  files: (options) => [options.path, YML_FILE, ...CI_GLOBS],
  run(ctx) {
    return audit(ctx);
  },
});

type Ctx = CheckContext<{ hooks: string[]; path: string; requireCi: boolean }, MessageId>;

function audit(ctx: Ctx) {
  const { options } = ctx;
  const findings: Finding[] = [];
  let indeterminate: string | undefined;

  // Which file pre-commit would read.
  let path = options.path;
  const defaultPath = options.path === CONFIG_FILE;
  if (defaultPath && ctx.exists(YML_FILE)) {
    if (ctx.exists(CONFIG_FILE)) {
      findings.push(ctx.finding("yml-extension", { path: YML_FILE, data: { path: YML_FILE, fix: `Delete it: ${CONFIG_FILE} is the config pre-commit uses.` } }));
    } else {
      findings.push(
        ctx.finding("yml-extension", { path: YML_FILE, data: { path: YML_FILE, fix: `Rename it to ${CONFIG_FILE}.` } }),
      );
      path = YML_FILE;
    }
  }

  if (!ctx.exists(path)) {
    findings.push(ctx.finding("missing-config", { data: { path } }));
    for (const [file, tool] of HOOK_MANAGERS) {
      if (ctx.exists(file)) findings.push(ctx.finding("other-framework", { path: file, data: { file, tool } }));
    }
    if (ctx.exists(".pre-commit-hooks.yaml")) findings.push(ctx.finding("publishes-hooks", { path: ".pre-commit-hooks.yaml" }));
    return result(findings, `no ${path}`, { hooks: [] });
  }

  const text = ctx.read(path);
  if (text === undefined) {
    const reason = ctx.skipped(path) ?? "unreadable";
    if (reason === "binary") {
      findings.push(
        ctx.finding("unreadable", {
          path,
          severity: "error",
          data: { path, reason: "it is a binary file", fix: "pre-commit cannot load it either: write the config as UTF-8 YAML." },
        }),
      );
      return result(findings, `${path} is a binary file`);
    }
    const why: Record<string, string> = {
      "too-large": "it is larger than the snapshot's size cap",
      symlink: "it is a symbolic link, which phase-gate does not follow",
      submodule: "it is a submodule",
      unreadable: "reading it failed",
    };
    findings.push(
      ctx.finding("unreadable", {
        path,
        data: { path, reason: why[reason] ?? reason, fix: "Commit the config as a regular file so it can be audited." },
      }),
    );
    return result(findings, `${path} could not be read`, undefined, `${path} could not be read`);
  }

  const parsed = parsePreCommitConfig(text);
  if (!parsed.ok) {
    const { error } = parsed;
    if (error.kind === "yaml") {
      findings.push(ctx.finding("yaml-error", { path, ...(error.line ? { line: error.line } : {}), data: { path, error: error.message } }));
      return result(findings, `${path} does not load as YAML`);
    }
    const root = error.root;
    if (root?.kind === "list" && root.items.length > 0 && root.items.every((i) => i.kind === "dict" && pyGet(i, "repo"))) {
      findings.push(ctx.finding("top-level-list", { path, line: root.line, data: { path } }));
    } else if (root?.kind === "list" && root.items.some((i) => i.kind === "dict" && pyGet(i, "id") && (pyGet(i, "entry") || pyGet(i, "language")))) {
      findings.push(ctx.finding("hook-manifest", { path, line: root.line, data: { path } }));
    } else {
      findings.push(ctx.finding("not-a-mapping", { path, line: error.line ?? 1, data: { path, type: root?.kind ?? "NoneType" } }));
    }
    return result(findings, `${path} is not a pre-commit config`);
  }

  // Schema, as validate-config.
  for (const issue of validateConfig(parsed.root)) {
    findings.push(ctx.finding(issue.messageId, { path, line: issue.line, data: issue.data }));
  }
  for (const d of parsed.duplicateKeys) {
    findings.push(ctx.finding("duplicate-key", { path, line: d.line, data: { key: d.key, first: d.firstLine, line: d.line } }));
  }

  // Revs and hook repositories.
  for (const repo of parsed.repos) {
    if (repo.repo === "local" || repo.repo === "meta") continue;
    const moved = MOVED_REPOS[normaliseRepoUrl(repo.repo)];
    if (moved) findings.push(ctx.finding("moved-repo", { path, line: repo.line, data: { repo: repo.repo, why: moved.why, now: moved.now } }));
    if (repo.rev === null) continue;
    const kind = classifyRev(repo.rev);
    const line = repo.revLine ?? repo.line;
    const data = { rev: repo.rev, repo: repo.repo };
    if (kind === "mutable") findings.push(ctx.finding("mutable-rev", { path, line, data }));
    else if (kind === "branch-like") findings.push(ctx.finding("branch-like-rev", { path, line, data }));
    else if (kind === "short-sha") findings.push(ctx.finding("short-sha-rev", { path, line, data }));
    else if (kind === "prerelease") findings.push(ctx.finding("prerelease-rev", { path, line, data }));
  }
  for (const hook of parsed.hooks) {
    const fix = REMOVED_STUBS[hook.id];
    if (fix && isPreCommitHooksRepo(hook.repo)) findings.push(ctx.finding("removed-hook", { path, line: hook.line, data: { id: hook.id, fix } }));
  }

  // CI.
  const ci = findCi(ctx);
  const hasCiBlock = pyGet(parsed.root, "ci") !== undefined;
  if (options.requireCi && !ci) {
    findings.push(
      ctx.finding("no-ci", {
        path,
        ...(hasCiBlock ? { line: pyGet(parsed.root, "ci")?.keyLine ?? 1 } : {}),
        data: { note: hasCiBlock ? " (the `ci:` block configures pre-commit.ci, but whether that app is installed cannot be seen from the repository)" : "" },
      }),
    );
  }

  // Required hooks. Their `files`/`exclude` patterns share one matching budget.
  const budget = new MatchBudget();
  const present: string[] = [];
  for (const id of options.hooks) {
    const matching = parsed.hooks.filter((h) => satisfies(id, h));
    if (matching.length > 0) present.push(id);
    if (matching.length === 0) {
      const opaque = parsed.hooks.filter(isOpaqueLocalHook);
      const first = opaque[0];
      if (first) {
        // A `make lint` hook may well run the tool: only running it could tell.
        indeterminate ??= `local hooks run commands phase-gate cannot look into`;
        const hooks = opaque.map((h) => `'${h.id}' (\`${h.entry ?? ""}\`)`).join(", ");
        findings.push(ctx.finding("hook-unverifiable", { path, line: first.line, data: { id, hooks } }));
      } else {
        findings.push(ctx.finding("missing-hook", { path, data: { id, path, note: missingNote(id, parsed) } }));
      }
      continue;
    }
    const verdicts = matching.map((h) => disabled(ctx, parsed, h, ci, budget));
    if (verdicts.some((v) => v === undefined)) continue;
    const unknown = verdicts.find((v) => v?.kind === "unknown");
    if (unknown) {
      indeterminate ??= `whether '${id}' runs on any file cannot be decided`;
      findings.push(ctx.finding("cannot-evaluate", { path, line: matching[0]?.line, data: { id, why: unknown.why } }));
      continue;
    }
    const first = verdicts[0];
    if (first?.kind === "off") findings.push(ctx.finding("hook-disabled", { path, line: matching[0]?.line, data: { id, why: first.why, fix: first.fix } }));
  }

  const ids = [...new Set(parsed.hooks.map((h) => h.id))];
  return result(findings, summaryFor(path, parsed, findings, present), { hooks: ids }, indeterminate);
}

function missingNote(id: string, parsed: PreCommitConfigParsed): string {
  const has = (x: string) => parsed.hooks.some((h) => h.id === x);
  if (id === "black" && has("ruff-format")) return " (ruff-format, a compatible formatter, is: if it replaced black, update the checklist)";
  if ((id === "ruff" || id === "ruff-check") && has("ruff-format")) return " (only ruff-format, the formatter, is)";
  return "";
}

type Disabled = { kind: "off"; why: string; fix: string } | { kind: "unknown"; why: string };

/** Why a configured hook never runs on a commit, if it does not. */
function disabled(ctx: Ctx, parsed: PreCommitConfigParsed, hook: PreCommitHookRef, ci: CiEvidence | undefined, budget: MatchBudget): Disabled | undefined {
  const root = parsed.root;
  const stagesOf = (v: PyValue | undefined) =>
    v?.kind === "list" ? v.items.flatMap((s) => (s.kind === "str" ? [LEGACY_STAGES[s.value] ?? s.value] : [])) : undefined;
  const own = stagesOf(pyGet(hook.raw, "stages")?.value);
  const defaults = stagesOf(pyGet(root, "default_stages")?.value);
  if (own && own.length > 0 && own.every((s) => s === "manual")) {
    return { kind: "off", why: "`stages: [manual]` runs it only on `pre-commit run --hook-stage manual`", fix: "Remove `stages: [manual]` (or add `pre-commit`)." };
  }
  if ((!own || own.length === 0) && defaults && defaults.length > 0 && defaults.every((s) => s === "manual")) {
    return { kind: "off", why: "`default_stages: [manual]` runs it only on `pre-commit run --hook-stage manual`", fix: "Give the hook `stages: [pre-commit]` or change default_stages." };
  }
  const ciBlock = pyGet(root, "ci")?.value;
  if (!ci && ciBlock?.kind === "dict" && pyGetStrings(ciBlock, "skip").includes(hook.id)) {
    return { kind: "off", why: "pre-commit.ci skips it (`ci: skip:`) and no other CI runs pre-commit", fix: `Remove '${hook.id}' from ci.skip, or run it in another CI job.` };
  }
  const files = [stringAt(pyGet(root, "files")?.value), hook.files].filter((x): x is string => x !== undefined && x !== "");
  const exclude = [stringAt(pyGet(root, "exclude")?.value), hook.exclude].filter((x): x is string => x !== undefined && x !== "^$");
  if (files.length === 0 && exclude.length === 0) return undefined;
  const left = filesLeft(ctx.allPaths, { files, exclude }, budget);
  if ("unknown" in left) return { kind: "unknown", why: left.unknown };
  if (!left.left) {
    return {
      kind: "off",
      why: "its `files`/`exclude` patterns (and the top-level ones) leave no file of the repository to check",
      fix: "Fix the patterns; `exclude: ''` or `'.*'` excludes everything, `files: '^$'` matches nothing.",
    };
  }
  return undefined;
}

function findCi(ctx: Ctx): CiEvidence | undefined {
  for (const p of ctx.match(CI_GLOBS)) {
    const text = ctx.read(p);
    if (text === undefined) continue;
    const found = findPreCommitInCi(p, text);
    if (found) return found;
  }
  return undefined;
}

function summaryFor(path: string, parsed: PreCommitConfigParsed, findings: readonly Finding[], present: readonly string[]): string {
  const errors = findings.filter((f) => f.severity === "error");
  const warnings = findings.filter((f) => f.severity === "warning");
  const hooks = `${parsed.hooks.length} hook${parsed.hooks.length === 1 ? "" : "s"} in ${path}`;
  if (errors.length > 0) {
    const invalid = errors.some((f) => CONFIG_INVALID.has(f.messageId));
    const missing = errors.filter((f) => f.messageId === "missing-hook").length;
    const mutable = errors.filter((f) => f.messageId === "mutable-rev").length;
    const parts = [
      invalid ? `pre-commit ${PRE_COMMIT_VERSION} would refuse ${path}` : undefined,
      missing ? `${missing} required hook${missing > 1 ? "s" : ""} missing` : undefined,
      mutable ? `${mutable} mutable rev${mutable > 1 ? "s" : ""}` : undefined,
    ].filter((x): x is string => x !== undefined);
    const other = errors.length - (invalid ? errors.filter((f) => CONFIG_INVALID.has(f.messageId)).length : 0) - missing - mutable;
    if (other > 0) parts.push(`${other} other problem${other > 1 ? "s" : ""}`);
    return `${hooks}: ${parts.join(", ")}`;
  }
  const req = present.length > 0 ? `, required ${present.join(", ")} present` : "";
  if (warnings.length > 0) return `${hooks}${req}; ${warnings.length} warning${warnings.length > 1 ? "s" : ""}`;
  return `${hooks}, every rev pinned${req}`;
}

function result(findings: Finding[], summary: string, facts?: { hooks: string[] }, indeterminate?: string) {
  let status: CheckStatus = "pass";
  if (findings.some((f) => f.severity === "error")) status = "fail";
  else if (indeterminate !== undefined) status = "indeterminate";
  else if (findings.some((f) => f.severity === "warning")) status = "warn";
  return { status, summary: status === "indeterminate" && indeterminate ? `${summary} (${indeterminate})` : summary, findings, ...(facts ? { facts } : {}) };
}
