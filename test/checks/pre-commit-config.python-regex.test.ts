import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pySearch, translatePythonRegex } from "../../checks/pre-commit-config/python-regex.js";

const PYTHON = "/usr/bin/python3";
const hasPython = spawnSync(PYTHON, ["-c", "import re"], { encoding: "utf8" }).status === 0;

/** Python's verdict (`re.compile` succeeds) for each pattern, and `re.search` on each path. */
function python(patterns: readonly string[], paths: readonly string[] = []): { valid: boolean; search: boolean[] }[] {
  const script = [
    "import json, sys, re, warnings",
    "warnings.simplefilter('ignore')",
    "data = json.load(sys.stdin)",
    "out = []",
    "for p in data['patterns']:",
    "    try:",
    "        r = re.compile(p)",
    "        out.append({'valid': True, 'search': [bool(r.search(x)) for x in data['paths']]})",
    "    except Exception:",
    "        out.append({'valid': False, 'search': []})",
    "print(json.dumps(out))",
  ].join("\n");
  const res = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify({ patterns, paths }), encoding: "utf8", maxBuffer: 1 << 26 });
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout) as { valid: boolean; search: boolean[] }[];
}

const PATTERNS = [
  "^docs/", "\\.py$", "*.py", "^.*\\.(js|ts)$", "(?x)^(\n    docs/.*|\n    vendor/.*  # third party\n)$", "(?i)readme", "(?P<dir>src)/(?P=dir)",
  "(?<dir>src)", "[]a]", "[^]a]", "a{,3}", "a*+", "(?>a)", "\\q", "\\x1", "\\x41", "(?<=a+)b", "(?<=ab)c", "(?<=a|bc)d", "(?i:a)b", "\\1(a)",
  "(a)\\1", "(a)\\2", "[\\A]", "\\Azz\\Z", "(?#comment)a", "a**", "a*?", "a??", "a???", "(?L)a", "(?au)a", "\\u00e9", "\\U0001F600", "\\8", "\\0",
  "\\123", "x{2,1}", "a(?i)", "(?x)(?i)a b", "(?x)a(?i)", "^$", "", ".*", "/*", "[\\\\/]", "tests/.*\\.snap$", "^(?!src/).*", "\\d{3}-\\w+",
  "[z-a]", "(", ")", "a|*", "^*", "(?)", "(?-:a)", "(?i-i:a)", "(?<=)?", "[\\d-z]", "[a-\\d]", "[a\\d-]",
];
const PATHS = ["", "docs/index.md", "vendor/lib.js", "src/app.py", "README.md", "a", "aaa", "src/src", "tests/x.snap", "123-abc", "é", "Docs/x"];

describe.skipIf(!hasPython)(`Python patterns, checked against ${PYTHON} re (${hasPython ? "found" : "skipped: not found"})`, () => {
  const theirs = hasPython ? python(PATTERNS, PATHS) : [];

  PATTERNS.forEach((pattern, i) => {
    it(`agrees with re.compile and re.search on ${JSON.stringify(pattern)}`, () => {
      const ours = translatePythonRegex(pattern);
      const py = theirs[i];
      expect(py).toBeDefined();
      if (ours.ok === "unknown") throw new Error(`untranslated: ${ours.reason}`);
      expect(ours.ok === true).toBe(py?.valid);
      if (ours.ok === true && py?.valid) {
        expect(PATHS.map((p) => ours.regex.test(p))).toEqual(py.search);
      }
    });
  });

  it("agrees with re.compile on generated patterns", () => {
    const token = fc.constantFrom(
      "a", "b", ".", "*", "+", "?", "{", "}", "{2}", "{,3}", "{2,1}", "(", ")", "(?:", "(?P<n>", "(?P=n)", "(?<=", "(?<!", "(?=", "(?i)",
      "(?x)", "(?i:", "(?-i:", "(?#c)", "[", "]", "^", "-", "\\", "\\d", "\\1", "\\x4", "\\x41", "\\q", "\\A", "\\Z", "|", "$", " ", "#", "\n",
      "/", "\\.", "[^", "\\b", "\\0", "\\u00e9", "(?)",
    );
    const samples = fc.sample(fc.array(token, { maxLength: 10 }).map((p) => p.join("")), { numRuns: 3000, seed: 42 });
    const py = python(samples);
    const disagreements = samples.filter((p, i) => {
      const ours = translatePythonRegex(p);
      return ours.ok !== "unknown" && (ours.ok === true) !== py[i]?.valid;
    });
    expect(disagreements).toEqual([]);
  });
});

describe("translatePythonRegex", () => {
  it("says which patterns it cannot translate instead of guessing", () => {
    expect(translatePythonRegex("(?(1)a|b)").ok).toBe("unknown");
    expect(translatePythonRegex("\\N{DIGIT ONE}").ok).toBe("unknown");
  });

  it("marks approximate translations as not exact", () => {
    expect(translatePythonRegex("(?i:a)b")).toMatchObject({ ok: true, exact: false });
    expect(translatePythonRegex("^docs/")).toMatchObject({ ok: true, exact: true });
  });

  it("searches like re.search", () => {
    expect(pySearch("(?x)^(\n  docs/.*|\n  vendor/.*\n)$", "docs/a.md")).toBe(true);
    expect(pySearch("(?x)^(\n  docs/.*|\n  vendor/.*\n)$", "src/a.md")).toBe(false);
    expect(pySearch("*.py", "a.py")).toBeUndefined();
  });

  it("never throws on arbitrary patterns", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (p) => {
        const r = translatePythonRegex(p);
        expect([true, false, "unknown"]).toContain(r.ok);
      }),
      { numRuns: 300 },
    );
  });
});
