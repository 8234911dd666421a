/**
 * The Python regexes secrets-baseline runs: `should_exclude_file` filters and the detect-secrets
 * hook's (and the top-level) `files`/`exclude`. They come from the repository and run on RE2
 * (src/parsers/python-regex.ts): checked here against python3's `re.search` on patterns from real
 * baselines and configs, then through the check: catastrophic patterns over a 5,000-character path
 * are decided in linear time, and what RE2 cannot run is a `pattern-unevaluated` notice
 * (indeterminate), never a guess.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { secretsBaseline } from "../../checks/secrets-baseline/index.js";
import { isAllowlistedLine } from "../../checks/secrets-baseline/scan.js";
import { compileRepoRegex, matchesEverything, pySearch, type RepoRegexMatcher } from "../../src/parsers/python-regex.js";
import { expectResult, runCheck } from "../support/check-tester.js";

const PYTHON = "/usr/bin/python3";

function pythonSearch(patterns: readonly string[], paths: readonly string[]): (boolean[] | null)[] {
  const script = [
    "import json, sys, re, warnings",
    "warnings.simplefilter('ignore')",
    "d = json.load(sys.stdin)",
    "out = []",
    "for p in d['patterns']:",
    "    try:",
    "        r = re.compile(p)",
    "        out.append([bool(r.search(x)) for x in d['paths']])",
    "    except Exception:",
    "        out.append(None)",
    "print(json.dumps(out))",
  ].join("\n");
  const res = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify({ patterns, paths }), encoding: "utf8" });
  if (res.status !== 0) throw new Error(`python3 failed: ${res.stderr || String(res.error)}`);
  return JSON.parse(res.stdout) as (boolean[] | null)[];
}

/** Patterns seen in real baselines and hook configs (ACED-IDP, IBM/mcp-context-forge, Yelp, 18F). */
const PATTERNS = [
  ".*",
  "^.*$",
  ".",
  "^$",
  "test*",
  "^.secrets.baseline$",
  "^spec\\/",
  "(^|\\/)mock\\/|(^|\\/)(artifacts|keys)\\.example\\/|^spec\\/",
  "package.lock.json",
  "(?x)( package-lock\\.json$ |Cargo\\.lock$ |uv\\.lock$ |go\\.sum$ )|^\\.secrets\\.baseline$",
  "(?x)^(\n    docs/.*|  # documentation\n    vendor/.*\n)$",
  "(?i)README",
  "\\Atests/.*\\Z",
  "[]a]",
  "[^]a]x",
  "\\.(png|jpe?g|svg)$",
  "^(?!src/).*\\.py$",
];
const PATHS = ["", "a", "Z", ".env", "src/src", "src/app.py", "docs/readme.md", "README.md", "vendor/x.js", "tests/t.py", "spec/a_spec.rb",
  "keys.example/k.pem", "package-lock.json", "x/Cargo.lock", ".secrets.baseline", "a]b", "bx", "img/logo.svg", "contest.txt", "tools/x.py"];

describe("secrets-baseline Python regexes, against python3 re.search", () => {
  const python = pythonSearch(PATTERNS, PATHS);

  PATTERNS.forEach((pattern, i) => {
    it(`agrees on ${JSON.stringify(pattern)}`, () => {
      const theirs = python[i];
      expect(theirs, "python compiles it").not.toBeNull();
      expect(compileRepoRegex(pattern).ok, "it runs on RE2").toBe(true);
      expect(PATHS.map((p) => pySearch(pattern, p))).toEqual(theirs);
    });
  });

  it("knows which patterns match everything", () => {
    const all = (p: string) => matchesEverything(compileRepoRegex(p) as RepoRegexMatcher, ["src/app.py", "README.md"]);
    expect([".*", "^.*$", ".", "(?s).*"].map(all)).toEqual([true, true, true, true]);
    expect(["^$", "test*", "^spec\\/", "\\.py$"].map(all)).toEqual([false, false, false, false]);
  });

  it("gives invalid, not a throw, for what Python refuses", () => {
    expect(compileRepoRegex("(").ok).toBe(false);
    expect(compileRepoRegex("a{2,1}").ok).toBe(false);
  });
});

// --- through the check ---------------------------------------------------------------------------

const PLUGINS = [{ name: "AWSKeyDetector" }, { name: "GitHubTokenDetector" }, { name: "PrivateKeyDetector" }];

/** An audited, empty 1.x baseline whose `should_exclude_file` filter is `pattern`. */
function baselineWithFilter(pattern: string): string {
  const filters = [{ path: "detect_secrets.filters.regex.should_exclude_file", pattern: [pattern] }];
  return `${JSON.stringify({ version: "1.5.0", plugins_used: PLUGINS, filters_used: filters, results: {}, generated_at: "2026-01-10T10:00:00Z" }, null, 2)}\n`;
}
const PLAIN_BASELINE = `${JSON.stringify({ version: "1.5.0", plugins_used: PLUGINS, filters_used: [], results: {}, generated_at: "2026-01-10T10:00:00Z" }, null, 2)}\n`;

/** The Yelp hook, wired, with one more line (line 5 is the hook). */
function hookWith(line: string): string {
  return [
    "repos:",
    "-   repo: https://github.com/Yelp/detect-secrets",
    "    rev: v1.5.0",
    "    hooks:",
    "    -   id: detect-secrets",
    "        args: ['--baseline', '.secrets.baseline']",
    `        ${line}`,
    "",
  ].join("\n");
}
const HOOK = hookWith("exclude: package.lock.json");
/** The line of `"pattern": [` in a baselineWithFilter baseline. */
const FILTER_LINE = baselineWithFilter("x").split("\n").findIndex((l) => l.includes('"pattern"')) + 1;

const LONG_A = `${"a".repeat(4999)}!`;
const LONG_X = "x".repeat(5000);

describe("secrets-baseline: ReDoS patterns run in linear time over 5,000-character paths", () => {
  it("baseline filter '(a+)+$': does not match the long path -> pass", async () => {
    const r = await runCheck(secretsBaseline, { ".secrets.baseline": baselineWithFilter("(a+)+$"), ".pre-commit-config.yaml": HOOK, [LONG_A]: "" });
    expectResult(secretsBaseline, r, "pass");
  });

  it("baseline filter '(x+x+)+y': does not match -> pass", async () => {
    const r = await runCheck(secretsBaseline, { ".secrets.baseline": baselineWithFilter("(x+x+)+y"), ".pre-commit-config.yaml": HOOK, [LONG_X]: "" });
    expectResult(secretsBaseline, r, "pass");
  });

  it("baseline filter '(.*a){20}': the sample paths have no 20 a's, so it does not exclude everything -> pass", async () => {
    const r = await runCheck(secretsBaseline, { ".secrets.baseline": baselineWithFilter("(.*a){20}"), ".pre-commit-config.yaml": HOOK, [LONG_A]: "" });
    expectResult(secretsBaseline, r, "pass");
  });

  it("hook exclude '(.*a){20}|^\\.' leaves only the long path, which it excludes -> warn hook-disabled", async () => {
    const r = await runCheck(secretsBaseline, { ".secrets.baseline": PLAIN_BASELINE, ".pre-commit-config.yaml": hookWith("exclude: '(.*a){20}|^\\.'"), [LONG_A]: "" });
    expectResult(secretsBaseline, r, "warn", [{ messageId: "hook-disabled", path: ".pre-commit-config.yaml", line: 5 }]);
  });

  it("hook exclude '(a+)+$' and files '(x+x+)+y' over the long paths: a file is left -> pass", async () => {
    const config = hookWith("exclude: '(a+)+$'").concat("        files: '(x+x+)+y|^x+$'\n");
    const r = await runCheck(secretsBaseline, { ".secrets.baseline": PLAIN_BASELINE, ".pre-commit-config.yaml": config, [LONG_A]: "", [LONG_X]: "" });
    expectResult(secretsBaseline, r, "pass");
  });
});

describe("secrets-baseline: patterns RE2 cannot run are said to be unevaluated", () => {
  it("a baseline filter with a back-reference -> indeterminate, pattern-unevaluated at the filter", async () => {
    const text = baselineWithFilter("(a)\\1");
    const r = await runCheck(secretsBaseline, { ".secrets.baseline": text, ".pre-commit-config.yaml": HOOK, "src/app.py": "" });
    expectResult(secretsBaseline, r, "indeterminate", [{ messageId: "pattern-unevaluated", path: ".secrets.baseline", line: FILTER_LINE }]);
    expect(r.findings[0]?.message).toBe(
      'The should_exclude_file pattern of .secrets.baseline "(a)\\\\1" could not be evaluated (RE2 cannot run back-references), so whether it excludes every file (and which files it keeps from the scan) is not known',
    );
  });

  it("a hook exclude with an atomic group -> indeterminate, pattern-unevaluated at the hook", async () => {
    const r = await runCheck(secretsBaseline, { ".secrets.baseline": PLAIN_BASELINE, ".pre-commit-config.yaml": hookWith("exclude: '(?>a|ab)c'"), "src/app.py": "" });
    expectResult(secretsBaseline, r, "indeterminate", [{ messageId: "pattern-unevaluated", path: ".pre-commit-config.yaml", line: 5 }]);
  });

  it("a hook pattern RE2 cannot run does not hide a decided hook-disabled: files '^$' matches nothing anyway", async () => {
    const config = hookWith("exclude: '(?>a|ab)c'").concat("        files: ^$\n");
    const r = await runCheck(secretsBaseline, { ".secrets.baseline": PLAIN_BASELINE, ".pre-commit-config.yaml": config, "src/app.py": "" });
    expectResult(secretsBaseline, r, "warn", [{ messageId: "hook-disabled", path: ".pre-commit-config.yaml", line: 5 }]);
  });

  it("a look-ahead is run: exclude '^(?!src/)' keeps src/ files for the hook -> pass", async () => {
    const r = await runCheck(secretsBaseline, { ".secrets.baseline": PLAIN_BASELINE, ".pre-commit-config.yaml": hookWith("exclude: '^(?!src/)'"), "src/app.py": "" });
    expectResult(secretsBaseline, r, "pass");
  });
});

describe("secrets-baseline: the inline allowlist regexes run on repository lines in linear time", () => {
  /** detect-secrets' own spelling (three adjacent quantifiers over blanks), the reference for the language. */
  const COMMENT = String.raw`(?:#|//|/\*|'|--|<!--[# \t]*?)`;
  const SAME = new RegExp(String.raw`${COMMENT}[ \t]* *pragma: ?(?:allow|white)list[ -]secret`);
  const NEXT = new RegExp(String.raw`^[ \t]*${COMMENT}[ \t]* *pragma: ?allowlist[ -]nextline[ -]secret`);
  const SAME_YAML = /#[ \t]* *pragma: ?(?:allow|white)list[ -]secret/;
  const NEXT_YAML = /^[ \t]*#[ \t]* *pragma: ?allowlist[ -]nextline[ -]secret/;

  it("accept the same lines as detect-secrets' spelling", () => {
    const piece = fc.constantFrom("#", "//", "/*", "'", "--", "<!--", " ", "\t", "x", "pragma: allowlist secret", "pragma:whitelist-secret", "pragma: allowlist nextline secret", "pragma");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.array(piece, { maxLength: 8 }), fc.boolean(), (a, b, yaml) => {
        const here = a.join("");
        const above = b.join("");
        const path = yaml ? "config.yaml" : "settings.py";
        const expected = (yaml ? SAME_YAML : SAME).test(here) || (yaml ? NEXT_YAML : NEXT).test(above);
        expect(isAllowlistedLine(path, [above, here], 2)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("decide a hostile line of 100,000 blanks after a comment opener (cubic before)", () => {
    for (const opener of ["<!--", "#", "//", "<!--#"]) {
      const line = `${opener}${" \t".repeat(50_000)}x`;
      expect(isAllowlistedLine("a.py", [line, line], 2)).toBe(false);
      expect(isAllowlistedLine("a.yaml", [line, line], 2)).toBe(false);
      expect(isAllowlistedLine("a.py", [`${line} pragma: allowlist secret`], 1)).toBe(false);
      expect(isAllowlistedLine("a.py", [`${opener}${" ".repeat(50_000)}pragma: allowlist secret`], 1)).toBe(true);
    }
  });
});
