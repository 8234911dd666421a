/**
 * The Python-regex translation secrets-baseline uses for `should_exclude_file` filters and hook
 * `files`/`exclude`, checked against Python's own `re.search` (python3 is on every machine that
 * runs pre-commit, which this project's CI installs).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compilePythonRegex, matchesEverything } from "../../checks/secrets-baseline/py-regex.js";

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
  "(?P<d>src)/(?P=d)",
  "\\Atests/.*\\Z",
  "[]a]",
  "[^]a]x",
  "\\.(png|jpe?g|svg)$",
];
const PATHS = ["", "a", "Z", ".env", "src/src", "src/app.py", "docs/readme.md", "README.md", "vendor/x.js", "tests/t.py", "spec/a_spec.rb",
  "keys.example/k.pem", "package-lock.json", "x/Cargo.lock", ".secrets.baseline", "a]b", "bx", "img/logo.svg", "contest.txt"];

describe("secrets-baseline Python regexes, against python3 re.search", () => {
  const python = pythonSearch(PATTERNS, PATHS);

  PATTERNS.forEach((pattern, i) => {
    it(`agrees on ${JSON.stringify(pattern)}`, () => {
      const ours = compilePythonRegex(pattern);
      const theirs = python[i];
      expect(theirs, "python compiles it").not.toBeNull();
      expect(ours, "it translates").not.toBeNull();
      expect(PATHS.map((p) => (ours as RegExp).test(p))).toEqual(theirs);
    });
  });

  it("knows which patterns match everything", () => {
    const all = (p: string) => matchesEverything(compilePythonRegex(p) as RegExp, ["src/app.py", "README.md"]);
    expect([".*", "^.*$", ".", "(?s).*"].map(all)).toEqual([true, true, true, true]);
    expect(["^$", "test*", "^spec\\/", "\\.py$"].map(all)).toEqual([false, false, false, false]);
  });

  it("gives null for what JavaScript cannot compile instead of throwing", () => {
    expect(compilePythonRegex("(")).toBeNull();
    expect(compilePythonRegex("a{2,1}")).toBeNull();
  });
});
