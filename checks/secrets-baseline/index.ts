/**
 * `secrets-baseline`: "✅ .secrets.baseline created". Passes when a detect-secrets baseline exists,
 * is valid, is wired into the detect-secrets pre-commit hook (or a CI step) with `--baseline`,
 * holds no result audited as a real secret, and an independent secretlint scan finds no secret
 * that no baseline covers. Specification: check-specs.md §1 (rule ids SB001-SB015).
 */
import { z } from "zod";
import { defineCheck } from "../../src/check/define.js";
import { compilableGlob } from "../../src/check/globs.js";
import type { CheckContext, Facts, Finding, JsonValue } from "../../src/check/types.js";
import { parsePreCommitConfig, pyGetString } from "../../src/parsers/pre-commit-config.js";
import { compileRepoRegex, keepsAnyPath, MatchBudget, matchesAny, matchesEverything, type RepoRegexMatcher } from "../../src/parsers/python-regex.js";
import { compareVersions, readBaseline, type Baseline } from "./baseline.js";
import { emptyCiScan, scanMakefile, scanToxIni, scanWorkflow, type CiRun } from "./ci.js";
import type { AlternativeTool } from "./commands.js";
import {
  ALL_FILES,
  ALTERNATIVE_FILES,
  DEFAULT_BASELINE_GLOBS,
  DEFAULT_SCAN_EXCLUDE,
  LIKELY_SECRET_FILES,
  MAKEFILES,
  NIX_HOOK_FILES,
  PRE_COMMIT_CONFIG,
  TOX_INI,
  VENDORED,
  WORKFLOW_GLOBS,
} from "./globs.js";
import { asAlternativeHook, asDetectSecretsHook, WEAK_SUBSTITUTES, type DetectSecretsHook, type HookLike } from "./hooks.js";
import { PRIVATE_KEY_MARKERS, scanText, sha1, type SecretHit } from "./scan.js";

const globList = z.array(compilableGlob);

const options = z
  .object({
    baselines: globList
      .default([...DEFAULT_BASELINE_GLOBS])
      .describe("Globs of files that may be detect-secrets baselines (a baseline a hook names must match one)"),
    requireAudited: z
      .boolean()
      .default(true)
      .describe("Unaudited results (no is_secret) make the check warn; false turns them into a notice"),
    scan: z
      .enum(["likely", "all", "off"])
      .default("likely")
      .describe("Independent secretlint scan: files likely to hold secrets, every text file, or none"),
    scanInclude: globList.default([]).describe("More globs to scan"),
    scanExclude: globList.default([...DEFAULT_SCAN_EXCLUDE]).describe("Globs never scanned"),
  })
  .strict();

type MessageId =
  | "no-baseline"
  | "alternative-tool"
  | "invalid-json"
  | "invalid-baseline"
  | "invalid-result"
  | "confirmed-secret"
  | "unaudited-results"
  | "baseline-not-wired"
  | "version-mismatch"
  | "baseline-too-old"
  | "stale-result"
  | "baseline-disabled"
  | "hook-disabled"
  | "slim-baseline"
  | "unbaselined-secret"
  | "audit-flag-unsupported"
  | "ci-failure-ignored"
  | "hook-without-baseline"
  | "baseline-missing"
  | "baseline-unreadable"
  | "pre-commit-config-invalid"
  | "broad-allowlist"
  | "weak-substitute"
  | "generated-hook"
  | "pattern-unevaluated";

type Ctx = CheckContext<z.output<typeof options>, MessageId>;

const WHAT: Readonly<Record<string, string>> = {
  aws: "an AWS credential",
  privatekey: "a private key",
  github: "a GitHub token",
  gitlab: "a GitLab token",
  slack: "a Slack token",
  npm: "an npm token",
  openai: "an OpenAI API key",
  anthropic: "an Anthropic API key",
  gcp: "a GCP service-account key",
  sendgrid: "a SendGrid API key",
  basicauth: "credentials in a URL",
  "database-connection-string": "a database password in a connection string",
};

/** A baseline that was read and is valid enough to judge. */
interface LoadedBaseline {
  readonly path: string;
  readonly baseline: Baseline;
  /** Hooks and CI steps that pass it with --baseline. */
  readonly hooks: DetectSecretsHook[];
  readonly ciRuns: CiRun[];
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash + 1);
}

/** Lines as detect-secrets counts them (`readlines()`). */
function lineCount(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return text.endsWith("\n") ? n : n + 1;
}

const PRIVATE_KEY_MARKER_BY_HASH = new Map(PRIVATE_KEY_MARKERS.map((m) => [sha1(m), m]));

/** Up to this many stale files get a finding each; more are summed up in one. */
const STALE_ONE_BY_ONE = 5;

const SEVERITY_RANK = { error: 0, warning: 1, notice: 2 } as const;

export const secretsBaseline = defineCheck({
  id: "secrets-baseline",
  title: "detect-secrets baseline created, wired and audited",
  description:
    "Passes when a detect-secrets .secrets.baseline exists, is a valid baseline, is wired into the detect-secrets pre-commit hook with --baseline, holds no result audited as a real secret, and a secretlint scan finds no secret the baseline does not cover.",
  options,
  messages: {
    "no-baseline": {
      message: "No detect-secrets baseline, no detect-secrets hook and no other secret scanner in the repository",
      help: "Create a baseline with `detect-secrets scan > .secrets.baseline`, audit it with `detect-secrets audit .secrets.baseline`, and add the Yelp/detect-secrets pre-commit hook with `args: ['--baseline', '.secrets.baseline']`",
      severity: "error",
    },
    "alternative-tool": {
      message: "No detect-secrets baseline: secrets are scanned by {{tool}} instead ({{how}})",
      help: "{{tool}} can meet a looser 'secret scanning in place' item but not '.secrets.baseline created': add a detect-secrets baseline and hook, or reword the checklist item",
      severity: "warning",
    },
    "invalid-json": {
      message: "{{path}} is not valid JSON ({{reason}}); detect-secrets cannot load it",
      help: "Regenerate it with `detect-secrets scan > {{path}}`; JSON allows no comments and no trailing commas",
      severity: "error",
    },
    "invalid-baseline": {
      message: "{{path}} is not a valid detect-secrets baseline: {{reason}}",
      help: "Regenerate it with `detect-secrets scan > {{path}}`, then audit it again",
      severity: "error",
    },
    "invalid-result": {
      message: "{{path}} has a malformed result: {{reason}}",
      help: "Fix the entry, or refresh the baseline with `detect-secrets scan --baseline {{path}}`",
      severity: "error",
    },
    "confirmed-secret": {
      message: "{{path}} records a {{type}} in {{file}} audited as a real secret (is_secret: true, hashed_secret {{hash}}), and {{file}} is still in the repository",
      help: "Revoke the secret, remove it from {{file}} and from history, then refresh the baseline with `detect-secrets scan --baseline {{path}}`",
      severity: "error",
    },
    "unaudited-results": {
      message: "{{unaudited}} of {{total}} results in {{path}} were never audited (no is_secret)",
      help: "Run `detect-secrets audit {{path}}`, label every result, and commit the baseline",
      severity: "warning",
    },
    "baseline-not-wired": {
      message: "{{path}} is not used: no detect-secrets pre-commit hook or CI step passes it with --baseline",
      help: "Add to .pre-commit-config.yaml the hook `repo: https://github.com/Yelp/detect-secrets`, `id: detect-secrets`, `args: ['--baseline', '{{path}}']`",
      severity: "warning",
    },
    "version-mismatch": {
      message: "The detect-secrets hook runs version {{rev}} but {{path}} was written by {{version}}: the hook will rewrite the baseline and fail the next commit (exit 3)",
      help: "Regenerate the baseline with detect-secrets {{rev}} (`detect-secrets scan --baseline {{path}}`) and commit it, or set the hook's rev to the baseline's version",
      severity: "warning",
    },
    "baseline-too-old": {
      message: "{{path}} was written by detect-secrets {{version}}, older than 0.9, which current versions do not upgrade",
      help: "Recreate it with `detect-secrets scan > {{path}}` and audit it again",
      severity: "warning",
    },
    "stale-result": {
      message: "{{path}} has stale results: {{what}}",
      help: "Refresh the baseline with `detect-secrets scan --baseline {{path}}`",
      severity: "warning",
    },
    "baseline-disabled": {
      message: "{{path}} disables its own scanning: {{why}}",
      help: "Remove the filter or restore the plugins (`detect-secrets scan > {{path}}` writes the defaults), then audit again",
      severity: "warning",
    },
    "hook-disabled": {
      message: "The detect-secrets hook never scans a file: {{why}}",
      help: "Narrow the pattern (exclude only generated or vendored files) so the hook sees the repository",
      severity: "warning",
    },
    "slim-baseline": {
      message: "{{path}} is a slim baseline (no generated_at, no line numbers): valid, but `detect-secrets audit` cannot show the lines",
      help: "Regenerate it without --slim before auditing",
      severity: "notice",
    },
    "unbaselined-secret": {
      message: "{{file}}:{{line}} holds {{what}} ({{mask}}, secretlint rule {{rule}}) that no detect-secrets baseline lists (hashed_secret {{hash}})",
      help: "Revoke it and remove it from the repository and its history; if it is not a secret, record it in the baseline (`detect-secrets scan --baseline .secrets.baseline`, then audit it) or end the line with `# pragma: allowlist secret`",
      severity: "error",
    },
    "audit-flag-unsupported": {
      message: "{{where}} runs `detect-secrets audit` with {{flags}}, which only the IBM fork has: Yelp's detect-secrets stops with a usage error",
      help: "With Yelp's detect-secrets, gate on the hook (`detect-secrets-hook --baseline`) instead, or install the IBM fork explicitly",
      severity: "warning",
    },
    "ci-failure-ignored": {
      message: "{{where}} runs detect-secrets but ignores its failure ({{how}})",
      help: "Remove `|| true` / `continue-on-error` / the `-` prefix so that a finding fails the job",
      severity: "warning",
    },
    "hook-without-baseline": {
      message: "The detect-secrets hook runs without --baseline: every detected string blocks the commit and no audit is recorded",
      help: "Create a baseline with `detect-secrets scan > .secrets.baseline` and add `args: ['--baseline', '.secrets.baseline']` to the hook",
      severity: "warning",
    },
    "baseline-missing": {
      message: "{{where}} passes --baseline {{baseline}}, but {{baseline}} is not in the repository: detect-secrets stops with 'Invalid path'",
      help: "Commit the baseline (`detect-secrets scan > {{baseline}}`), or correct the path",
      severity: "error",
    },
    "baseline-unreadable": {
      message: "{{path}} was not read ({{why}}), so it could not be checked",
      help: "{{fix}}",
      severity: "warning",
    },
    "pre-commit-config-invalid": {
      message: ".pre-commit-config.yaml cannot be loaded ({{reason}}), so none of its hooks run",
      help: "Fix the file (the pre-commit-config check says how) and verify with `pre-commit validate-config`",
      severity: "warning",
    },
    "broad-allowlist": {
      message: "{{path}} accepts a private key in {{file}} as a false positive; detect-secrets hashes only the header ({{marker}}), so every future key with that header in {{file}} is allowed too",
      help: "Keep test keys in a dedicated fixtures path, and review new keys in {{file}} by hand",
      severity: "notice",
    },
    "generated-hook": {
      message: "{{nix}} declares a detect-secrets git hook with --baseline {{path}}; the pre-commit config it generates is not in the repository, so the wiring cannot be verified",
      help: "Commit the hook to .pre-commit-config.yaml (or run detect-secrets-hook in CI) so the wiring can be checked",
      severity: "notice",
    },
    "pattern-unevaluated": {
      message: "{{what}} {{pattern}} could not be evaluated ({{why}}), so whether it {{effect}} is not known",
      help: "phase-gate runs repository regexes on RE2, in linear time, which has no back-references, possessive quantifiers or atomic groups: simplify the pattern, or check by hand with `detect-secrets scan`",
      severity: "notice",
    },
    "weak-substitute": {
      message: "The {{id}} hook (pre-commit-hooks) is not a secret scanner: {{why}}",
      help: "Use detect-secrets with a baseline for the checklist item",
      severity: "notice",
    },
  },
  claimPhrases: () => [".secrets.baseline", "secrets baseline", "detect-secrets", "secret detection", "secret scanning"],
  files: (o) => {
    const scan = o.scan === "off" ? [] : o.scan === "all" ? ALL_FILES : LIKELY_SECRET_FILES;
    return [...o.baselines, PRE_COMMIT_CONFIG, ...WORKFLOW_GLOBS, ...MAKEFILES, TOX_INI, ...NIX_HOOK_FILES, ...scan, ...(o.scan === "off" ? [] : o.scanInclude)];
  },
  run: (ctx) => audit(ctx),
});

async function audit(ctx: Ctx): Promise<{ status: "pass" | "fail" | "warn" | "indeterminate"; summary: string; findings: Finding[]; facts: Facts }> {
  const o = ctx.options;
  const findings: Finding[] = [];
  /** Something only running code could settle: an unreadable baseline, a generated hook. */
  let undecided = false;

  // --- pre-commit hooks -------------------------------------------------------------------
  let hooks: HookLike[] = [];
  let topFiles: string | undefined;
  let topExclude: string | undefined;
  const preText = ctx.read(PRE_COMMIT_CONFIG);
  if (preText !== undefined) {
    const parsed = parsePreCommitConfig(preText);
    if (parsed.ok) {
      hooks = parsed.hooks;
      topFiles = pyGetString(parsed.root, "files");
      topExclude = pyGetString(parsed.root, "exclude");
    } else {
      findings.push(
        ctx.finding("pre-commit-config-invalid", {
          path: PRE_COMMIT_CONFIG,
          line: parsed.error.line ?? 1,
          data: { reason: parsed.error.message },
        }),
      );
    }
  } else if (ctx.exists(PRE_COMMIT_CONFIG)) {
    findings.push(
      ctx.finding("pre-commit-config-invalid", { path: PRE_COMMIT_CONFIG, data: { reason: `the file is ${ctx.skipped(PRE_COMMIT_CONFIG) ?? "unreadable"}` } }),
    );
  }
  const dsHooks = hooks.flatMap((h) => asDetectSecretsHook(h) ?? []);

  // --- CI ---------------------------------------------------------------------------------
  const ci = emptyCiScan();
  for (const p of ctx.match(WORKFLOW_GLOBS)) scanWorkflow(p, ctx.read(p) ?? "", ci);
  for (const p of MAKEFILES) {
    const text = ctx.read(p);
    if (text !== undefined) scanMakefile(p, text, ci);
  }
  const tox = ctx.read(TOX_INI);
  if (tox !== undefined) scanToxIni(TOX_INI, tox, ci);

  // --- which files are baselines ----------------------------------------------------------
  const isVendored = ctx.match(VENDORED, ctx.allPaths);
  const vendored = new Set(isVendored);
  const referencedBy = new Map<string, { hooks: DetectSecretsHook[]; ciRuns: CiRun[] }>();
  const refer = (path: string) => {
    let r = referencedBy.get(path);
    if (!r) referencedBy.set(path, (r = { hooks: [], ciRuns: [] }));
    return r;
  };
  for (const h of dsHooks) if (h.baseline !== null) refer(h.baseline).hooks.push(h);
  for (const r of ci.runs) if (r.baseline !== null) refer(r.baseline).ciRuns.push(r);
  // `detect-secrets audit X` names a baseline too (wiring comes from --baseline only).
  const audited = new Set(ci.runs.filter((r) => r.subcommand === "audit").flatMap((r) => r.positionals));

  const conventional = ctx.paths.filter((p) => (p === ".secrets.baseline" || p.endsWith("/.secrets.baseline")) && !vendored.has(p));
  const candidates = [...new Set([...referencedBy.keys(), ...conventional, ...[...audited].filter((p) => ctx.exists(p))])].sort();

  const loaded: LoadedBaseline[] = [];
  for (const path of candidates) {
    const refs = referencedBy.get(path) ?? { hooks: [], ciRuns: [] };
    if (!ctx.exists(path)) {
      for (const h of refs.hooks) {
        findings.push(ctx.finding("baseline-missing", { path: PRE_COMMIT_CONFIG, line: h.hook.line, data: { where: "The detect-secrets hook", baseline: path } }));
      }
      for (const r of refs.ciRuns) {
        findings.push(ctx.finding("baseline-missing", { path: r.path, line: r.fileLine, data: { where: `${r.path}:${r.fileLine}`, baseline: path } }));
      }
      continue;
    }
    const text = ctx.read(path);
    if (text === undefined) {
      const why = ctx.skipped(path);
      if (why === "binary") {
        findings.push(ctx.finding("invalid-json", { path, line: 1, data: { path, reason: "it is a binary file (a NUL byte)" } }));
      } else {
        undecided = true;
        const inScope = ctx.match(o.baselines, [path]).length > 0;
        findings.push(
          ctx.finding("baseline-unreadable", {
            path,
            data: {
              path,
              why: why ?? (inScope ? "unreadable" : "it matches none of the check's `baselines` globs"),
              fix: why === undefined && !inScope ? `Add "${path}" to the check's \`baselines\` option` : "Keep the baseline a regular text file under 1 MiB",
            },
          }),
        );
      }
      continue;
    }
    const read = readBaseline(text);
    for (const p of read.problems) {
      const id = p.kind === "invalid-json" ? "invalid-json" : p.kind === "schema" ? "invalid-baseline" : "invalid-result";
      findings.push(ctx.finding(id, { path, line: p.line, data: { path, reason: p.reason } }));
    }
    if (read.ok) loaded.push({ path, baseline: read.baseline, hooks: refs.hooks, ciRuns: refs.ciRuns });
  }

  // --- each valid baseline ----------------------------------------------------------------
  const repoPaths = ctx.allPaths.filter((p) => !candidates.includes(p));
  const resolve = (baselinePath: string, file: string): string | undefined => {
    if (ctx.exists(file)) return file;
    const rel = dirOf(baselinePath) + file;
    return dirOf(baselinePath) !== "" && ctx.exists(rel) ? rel : undefined;
  };
  /** Repository regexes of this run share one matching budget (they run on RE2, in linear time). */
  const budget = new MatchBudget();
  const scanExcludes: RepoRegexMatcher[] = [];
  const lineCounts = new Map<string, number | undefined>();
  for (const lb of loaded) {
    const { path, baseline } = lb;
    const v = baseline.parsedVersion;
    if (compareVersions(v, { major: 0, minor: 9, patch: 0, build: null }) < 0) {
      findings.push(ctx.finding("baseline-too-old", { path, line: baseline.lines.version, data: { path, version: baseline.version } }));
    }
    // SB006 / SB011 / broad allowlists
    const stale: { key: string; what: string; line: number }[] = [];
    for (const e of baseline.entries) {
      const resolved = resolve(path, e.file);
      if (e.isSecret === true && resolved !== undefined) {
        findings.push(
          ctx.finding("confirmed-secret", { path, line: e.isSecretLine ?? e.line, data: { path, type: e.type, file: resolved, hash: e.hashedSecret } }),
        );
      }
      if (e.isSecret === false && e.type === "Private Key") {
        const marker = PRIVATE_KEY_MARKER_BY_HASH.get(e.hashedSecret) ?? `hashed_secret ${e.hashedSecret}`;
        findings.push(ctx.finding("broad-allowlist", { path, line: e.line, data: { path, file: e.file, marker } }));
      }
      if (stale.some((x) => x.key === e.key)) continue;
      if (resolved === undefined) {
        stale.push({ key: e.key, what: `${e.file} is not in the repository`, line: baseline.files.find((f) => f.key === e.key)?.line ?? e.line });
      } else if (e.lineNumber !== null) {
        let n = lineCounts.get(resolved);
        if (n === undefined && !lineCounts.has(resolved)) {
          const content = ctx.read(resolved);
          n = content === undefined ? undefined : lineCount(content);
          lineCounts.set(resolved, n);
        }
        if (n !== undefined && e.lineNumber > n) {
          stale.push({ key: e.key, what: `${e.file} has no line ${e.lineNumber} (it has ${n} line${n === 1 ? "" : "s"})`, line: e.lineNumberLine ?? e.line });
        }
      }
    }
    if (stale.length <= STALE_ONE_BY_ONE) {
      for (const x of stale) findings.push(ctx.finding("stale-result", { path, line: x.line, data: { path, what: x.what } }));
    } else {
      const names = stale.slice(0, 3).map((x) => x.key).join(", ");
      const what = `${stale.length} files are gone or shorter than recorded (${names}, …)`;
      findings.push(ctx.finding("stale-result", { path, line: (stale[0] as { line: number }).line, data: { path, what } }));
    }
    // SB007
    const unaudited = baseline.entries.filter((e) => e.isSecret === null).length;
    if (unaudited > 0) {
      findings.push(
        ctx.finding("unaudited-results", {
          path,
          line: baseline.lines.results,
          data: { path, unaudited, total: baseline.entries.length },
          ...(o.requireAudited ? {} : { severity: "notice" as const }),
        }),
      );
    }
    // SB012
    for (const f of baseline.excludeFilePatterns) {
      const re = compileRepoRegex(f.pattern, budget);
      // An invalid pattern: detect-secrets fails on it; not judged here.
      if (re.ok === false) continue;
      const all = re.ok === true ? matchesEverything(re, repoPaths) : undefined;
      if (all === true) {
        findings.push(
          ctx.finding("baseline-disabled", { path, line: f.line, data: { path, why: `its should_exclude_file pattern ${JSON.stringify(f.pattern)} matches every file` } }),
        );
        continue;
      }
      if (re.ok === true) scanExcludes.push(re);
      if (all === undefined) {
        undecided = true;
        const why = re.ok === "unknown" ? re.reason : "it could not be decided on some paths (non-ASCII names where RE2 and Python may differ, or the matching budget is spent)";
        findings.push(
          ctx.finding("pattern-unevaluated", {
            path,
            line: f.line,
            data: { what: `The should_exclude_file pattern of ${path}`, pattern: JSON.stringify(f.pattern), why, effect: "excludes every file (and which files it keeps from the scan)" },
          }),
        );
      }
    }
    if (baseline.plugins.length === 0) {
      findings.push(ctx.finding("baseline-disabled", { path, line: baseline.lines.plugins, data: { path, why: "plugins_used is empty" } }));
    } else if (!["AWSKeyDetector", "PrivateKeyDetector", "GitHubTokenDetector"].some((p) => baseline.plugins.includes(p))) {
      findings.push(
        ctx.finding("baseline-disabled", {
          path,
          line: baseline.lines.plugins,
          data: { path, why: "plugins_used has none of AWSKeyDetector, PrivateKeyDetector, GitHubTokenDetector" },
        }),
      );
    }
    // SB013
    if (!baseline.hasGeneratedAt && v.major >= 1 && baseline.entries.length > 0 && baseline.entries.every((e) => e.lineNumber === null)) {
      findings.push(ctx.finding("slim-baseline", { path, line: 1, data: { path } }));
    }
    // SB009
    for (const h of lb.hooks) {
      if (h.releaseRev !== null && h.releaseRev !== baseline.version.replace(/^v/, "")) {
        findings.push(
          ctx.finding("version-mismatch", { path: PRE_COMMIT_CONFIG, line: h.hook.line, data: { path, rev: h.releaseRev, version: baseline.version } }),
        );
      }
    }
    // SB008, unless a Nix git-hooks module (devenv, git-hooks.nix) generates the hook
    if (lb.hooks.length === 0 && lb.ciRuns.length === 0) {
      const nix = nixHookFor(ctx, path);
      if (nix) {
        undecided = true;
        findings.push(ctx.finding("generated-hook", { path: nix.path, line: nix.line, data: { nix: nix.path, path } }));
      } else findings.push(ctx.finding("baseline-not-wired", { path, line: 1, data: { path } }));
    }
  }

  // --- the hooks themselves (pre-commit filters every tracked file, vendored or not) --------
  for (const h of dsHooks) {
    if (h.baseline === null) {
      findings.push(ctx.finding("hook-without-baseline", { path: PRE_COMMIT_CONFIG, line: h.hook.line }));
    }
    const verdict = hookNeverRuns(h.hook, repoPaths, { files: topFiles, exclude: topExclude }, budget);
    if (verdict?.kind === "off") findings.push(ctx.finding("hook-disabled", { path: PRE_COMMIT_CONFIG, line: h.hook.line, data: { why: verdict.why } }));
    if (verdict?.kind === "unknown") {
      undecided = true;
      findings.push(
        ctx.finding("pattern-unevaluated", {
          path: PRE_COMMIT_CONFIG,
          line: h.hook.line,
          data: { what: verdict.what, pattern: verdict.pattern, why: verdict.why, effect: "leaves the detect-secrets hook any file to scan" },
        }),
      );
    }
  }

  // --- CI gating (SB015) ------------------------------------------------------------------
  const ibm =
    dsHooks.some((h) => h.flavor === "ibm") || ci.installsIbmFork || loaded.some((l) => (l.baseline.parsedVersion.build ?? "").includes("ibm"));
  for (const r of ci.runs) {
    const where = `${r.path}:${r.fileLine}`;
    if (r.subcommand === "audit" && r.failOnFlags.length > 0 && !ibm) {
      findings.push(ctx.finding("audit-flag-unsupported", { path: r.path, line: r.fileLine, data: { where, flags: r.failOnFlags.join(" ") } }));
    }
    if (r.masked || r.errorsIgnored) {
      const how = r.masked ? "a `||` fallback" : r.path.startsWith(".github/") ? "continue-on-error: true" : "a `-` prefix";
      findings.push(ctx.finding("ci-failure-ignored", { path: r.path, line: r.fileLine, data: { where, how } }));
    }
  }

  // --- alternatives and nothing at all (SB001 / SB002) ------------------------------------
  const alternatives: { tool: AlternativeTool; how: string; path: string; line?: number }[] = [];
  for (const h of hooks) {
    const alt = asAlternativeHook(h);
    if (alt) alternatives.push({ tool: alt.tool, how: `pre-commit hook ${h.id}`, path: PRE_COMMIT_CONFIG, line: h.line });
  }
  for (const a of ci.alternatives) alternatives.push({ tool: a.tool, how: a.how, path: a.path, line: a.line });
  for (const f of ALTERNATIVE_FILES) {
    for (const p of ctx.match(f.glob, ctx.allPaths)) alternatives.push({ tool: f.tool, how: p, path: p });
  }
  const anyBaseline = candidates.some((p) => ctx.exists(p));
  if (!anyBaseline && dsHooks.length === 0) {
    if (alternatives.length > 0) {
      const seen = new Set<AlternativeTool>();
      for (const a of alternatives) {
        if (seen.has(a.tool)) continue;
        seen.add(a.tool);
        findings.push(ctx.finding("alternative-tool", { path: a.path, ...(a.line ? { line: a.line } : {}), data: { tool: a.tool, how: a.how } }));
      }
    } else {
      findings.push(ctx.finding("no-baseline"));
    }
    for (const h of hooks) {
      if (!WEAK_SUBSTITUTES.has(h.id)) continue;
      const why =
        h.id === "detect-aws-credentials"
          ? "it only looks for the values of your local ~/.aws credentials"
          : "it only finds private-key headers";
      findings.push(ctx.finding("weak-substitute", { path: PRE_COMMIT_CONFIG, line: h.line, data: { id: h.id, why } }));
    }
  }

  // --- the independent scan (SB014) -------------------------------------------------------
  const covered = new Map<string, Set<string>>();
  for (const lb of loaded) {
    for (const e of lb.baseline.entries) {
      for (const file of new Set([e.file, dirOf(lb.path) + e.file])) {
        let set = covered.get(file);
        if (!set) covered.set(file, (set = new Set()));
        set.add(e.hashedSecret);
      }
    }
  }
  let scanned = 0;
  const hits: SecretHit[] = [];
  if (o.scan !== "off") {
    const globs = [...(o.scan === "all" ? ALL_FILES : LIKELY_SECRET_FILES), ...o.scanInclude];
    const excluded = new Set(ctx.match(o.scanExclude));
    const baselineFiles = new Set(candidates);
    for (const p of ctx.match(globs)) {
      // A file a baseline filter may or may not exclude (undecided) is scanned: a secret is reported either way.
      if (excluded.has(p) || baselineFiles.has(p) || scanExcludes.some((re) => re.search(p) === true)) continue;
      const text = ctx.read(p);
      if (text === undefined) continue;
      scanned++;
      for (const hit of await scanText(p, text)) {
        const known = covered.get(p);
        if (known && hit.hashes.some((h) => known.has(h))) continue;
        hits.push(hit);
        findings.push(
          ctx.finding("unbaselined-secret", {
            path: p,
            line: hit.line,
            data: { file: p, line: hit.line, what: WHAT[hit.rule] ?? `a ${hit.rule} secret`, mask: hit.mask, rule: hit.rule, hash: hit.hashes[0] ?? "" },
          }),
        );
      }
    }
  }

  // --- verdict ----------------------------------------------------------------------------
  const wired = loaded.filter((l) => l.hooks.length > 0 || l.ciRuns.length > 0);
  const hasError = findings.some((f) => f.severity === "error");
  const hasWarning = findings.some((f) => f.severity === "warning" && f.messageId !== "baseline-unreadable");
  const status = hasError ? "fail" : hasWarning ? "warn" : undecided ? "indeterminate" : wired.length > 0 ? "pass" : "warn";
  const sorted = [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  let summary: string;
  if (status === "pass") {
    const lb = wired[0] as LoadedBaseline;
    const by = lb.hooks[0] ? `the detect-secrets hook (${PRE_COMMIT_CONFIG}:${lb.hooks[0].hook.line})` : `${lb.ciRuns[0]?.path}:${lb.ciRuns[0]?.fileLine}`;
    const n = lb.baseline.entries.length;
    summary = `${lb.path} (detect-secrets ${lb.baseline.version}, ${n} result${n === 1 ? "" : "s"}, none a confirmed secret) is wired into ${by}`;
  } else {
    const top = sorted[0];
    summary = top ? `${top.message}${findings.length > 1 ? ` (and ${findings.length - 1} more finding${findings.length > 2 ? "s" : ""})` : ""}` : "no detect-secrets baseline is wired";
  }

  const facts: Facts = {
    baselines: loaded.map(
      (l): JsonValue => ({
        path: l.path,
        version: l.baseline.version,
        results: l.baseline.entries.length,
        unaudited: l.baseline.entries.filter((e) => e.isSecret === null).length,
        confirmedSecrets: l.baseline.entries.filter((e) => e.isSecret === true).length,
        wired: l.hooks.length > 0 || l.ciRuns.length > 0,
      }),
    ),
    hooks: dsHooks.map((h): JsonValue => ({ line: h.hook.line, repo: h.hook.repo, rev: h.hook.rev, baseline: h.baseline })),
    alternatives: [...new Set(alternatives.map((a) => a.tool))],
    scan: { mode: o.scan, files: scanned, unbaselinedSecrets: hits.length },
  };
  return { status, summary, findings, facts };
}

/**
 * A Nix file that declares the detect-secrets hook with this baseline (devenv's and git-hooks.nix's
 * `hooks.detect-secrets = { entry = "detect-secrets-hook"; args = [ "--baseline" "<path>" ]; }`).
 * Nix is not evaluated: the file must name both the hook program and the baseline path as a
 * string, and the verdict stays indeterminate.
 */
function nixHookFor(ctx: Ctx, baselinePath: string): { path: string; line: number } | null {
  for (const p of ctx.match(NIX_HOOK_FILES)) {
    const text = ctx.read(p);
    if (text === undefined) continue;
    if (!text.includes("detect-secrets")) continue;
    const quoted = text.indexOf(`"${baselinePath}"`);
    const at = quoted !== -1 ? quoted : text.indexOf(`--baseline=${baselinePath}`);
    if (at === -1) continue;
    return { path: p, line: text.slice(0, at).split("\n").length };
  }
  return null;
}

type HookVerdict = { kind: "off"; why: string } | { kind: "unknown"; what: string; pattern: string; why: string } | null;

/**
 * Why a detect-secrets hook never runs on any file (`off`), or that its patterns could not be
 * evaluated (`unknown`), or null when it runs. The hook's and the top-level `files`/`exclude` are
 * the repository's Python regexes, run on RE2 in linear time.
 */
function hookNeverRuns(
  hook: HookLike,
  paths: readonly string[],
  top: { files: string | undefined; exclude: string | undefined },
  budget: MatchBudget,
): HookVerdict {
  const stages = hook.stages;
  if (stages !== undefined && stages.length > 0 && stages.every((s) => s === "manual")) return { kind: "off", why: "it only runs at `stages: [manual]`" };
  const patterns = [
    { role: "files", what: "The detect-secrets hook's files", text: hook.files },
    { role: "exclude", what: "The detect-secrets hook's exclude", text: hook.exclude },
    { role: "files", what: "The top-level files", text: top.files },
    { role: "exclude", what: "The top-level exclude", text: top.exclude },
  ] as const;
  const compiled: { role: "files" | "exclude"; what: string; text: string; re: RepoRegexMatcher }[] = [];
  /** A pattern RE2 cannot run: it can only remove files, so it matters only if others keep some. */
  let notRun: Extract<HookVerdict, { kind: "unknown" }> | undefined;
  for (const p of patterns) {
    if (p.text === undefined) continue;
    const re = compileRepoRegex(p.text, budget);
    // An invalid pattern makes pre-commit refuse the config: the pre-commit-config check says so.
    if (re.ok === false) continue;
    if (re.ok === "unknown") notRun ??= { kind: "unknown", what: p.what, pattern: JSON.stringify(p.text), why: re.reason };
    else compiled.push({ ...p, text: p.text, re });
  }
  let unsure: (typeof compiled)[number] | undefined;
  for (const c of compiled) {
    if (c.role !== "exclude") continue;
    const all = matchesEverything(c.re, paths);
    if (all === true) return { kind: "off", why: `${c.what === "The top-level exclude" ? "the top-level" : "its"} exclude ${JSON.stringify(c.text)} matches every file` };
    if (all === undefined) unsure ??= c;
  }
  const kept = keepsAnyPath(
    paths,
    compiled.filter((c) => c.role === "files").map((c) => c.re),
    compiled.filter((c) => c.role === "exclude").map((c) => c.re),
  );
  if (kept.kept === true || paths.length === 0) return notRun ?? null;
  if (kept.kept === undefined) {
    const c = unsure ?? compiled[0];
    const why = `it could not be decided on ${kept.undecided[0] ?? ""}${kept.undecided.length > 1 ? ` and ${kept.undecided.length - 1} more paths` : ""} (non-ASCII names where RE2 and Python may differ, or the matching budget is spent)`;
    return { kind: "unknown", what: c?.what ?? "A pattern", pattern: JSON.stringify(c?.text ?? ""), why };
  }
  for (const c of compiled) {
    if (c.role === "files" && matchesAny(c.re, paths) === false) {
      return { kind: "off", why: `${c.what === "The top-level files" ? "the top-level" : "its"} files ${JSON.stringify(c.text)} matches no file` };
    }
  }
  return { kind: "off", why: "its files/exclude patterns leave no file to scan" };
}
