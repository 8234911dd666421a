/**
 * Python `re` patterns from repositories: validity checked against Python 3.11's `re.compile`, and
 * matching (on RE2, linear time) checked against `re.search`, on hand-picked and generated patterns.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUDGET_SPENT,
  compileRepoRegex,
  MatchBudget,
  matchesEverything,
  pySearch,
  pythonRegexValidity,
  type RepoRegexMatcher,
} from "../../src/parsers/python-regex.js";

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

/** pre-commit `files`/`exclude` shapes and Python corner cases. */
const PATTERNS = [
  "^docs/", "\\.py$", "*.py", "^.*\\.(js|ts)$", "(?x)^(\n    docs/.*|\n    vendor/.*  # third party\n)$", "(?i)readme", "(?P<dir>src)/(?P=dir)",
  "(?<dir>src)", "[]a]", "[^]a]", "a{,3}", "a*+", "(?>a)", "\\q", "\\x1", "\\x41", "(?<=a+)b", "(?<=ab)c", "(?<=a|bc)d", "(?i:a)b", "\\1(a)",
  "(a)\\1", "(a)\\2", "[\\A]", "\\Azz\\Z", "(?#comment)a", "a**", "a*?", "a??", "a???", "(?L)a", "(?au)a", "\\u00e9", "\\U0001F600", "\\8", "\\0",
  "\\123", "x{2,1}", "a(?i)", "(?x)(?i)a b", "(?x)a(?i)", "^$", "", ".*", "/*", "[\\\\/]", "tests/.*\\.snap$", "^(?!src/).*", "\\d{3}-\\w+",
  "[z-a]", "(", ")", "a|*", "^*", "(?)", "(?-:a)", "(?i-i:a)", "(?<=)?", "[\\d-z]", "[a-\\d]", "[a\\d-]",
  // Matching on RE2: anchors, newlines, Unicode classes, case folding, look-arounds.
  "a$", "a$\\n", "(?m)a$", "(?m)^b", "^a\\Z", "\\bdocs\\b", "(?a)\\bdocs\\b", "\\w+\\.md$", "(?a)\\w+\\.md$", "[\\w.]+$", "[^\\W]", "[\\W]", "\\s", "[\\S]",
  "[^\\s/]", "\\d", "(?a)\\d", "(?i)I", "(?i)[h-j]", "(?i)[^i]", "(?i)İ", "(?i:I)x", "(?s).", ".", "(?s:a.)b", "(?-s:.)", "😀", "[😀]", "😀+", "é*$",
  "(?=docs/)", "^(?!docs/|vendor/).*\\.py$", "(?=.*\\.py$)src", "a(?!b)", "(?<!/)test", "^(?:(?!tests/).)*$", "(?=a)(?<=b)", "\\Z", "\\A",
  "(?x) a \\  b # comment", "(?x)[ ]a", "(?x)a\u00a0*", "\\.(?:png|jpe?g|svg)$", "a{2,3}?", "(?i)straße", "(?i)STRASSE", "(?i)Σ", "[\\x00-\\x7f]+$",
];
const PATHS = [
  "", "docs/index.md", "vendor/lib.js", "src/app.py", "README.md", "a", "aaa", "src/src", "tests/x.snap", "123-abc", "é", "Docs/x",
  "a\n", "b\na", "ab", "docs", "my docs/x", "x/docs/y", "İ", "ı", "i", "\u212a", "٣", "\u00a0", "😀", "😀😀", "src/tests/a.py", "src/a.py",
  "a b", "a\u00a0\u00a0", "straße", "STRASSE", "ς", "\v", "x.PNG", "img/y.svg", "src/main.py\n", "é\n",
];

const isAscii = (s: string) => [...s].every((c) => c.charCodeAt(0) < 0x80);

/** Patterns Python accepts but RE2 cannot run: a search gives undefined. */
const NOT_RUN = new Set(["(?P<dir>src)/(?P=dir)", "a*+", "(?>a)", "(a)\\1", "(?=a)(?<=b)"]);

describe.skipIf(!hasPython)(`Python patterns, checked against ${PYTHON} re (${hasPython ? "found" : "skipped: not found"})`, () => {
  const theirs = hasPython ? python(PATTERNS, PATHS) : [];

  PATTERNS.forEach((pattern, i) => {
    it(`agrees with re.compile and re.search on ${JSON.stringify(pattern)}`, () => {
      const validity = pythonRegexValidity(pattern);
      const py = theirs[i];
      expect(py).toBeDefined();
      if (validity.ok === "unknown") throw new Error(`untranslated: ${validity.reason}`);
      expect(validity.ok).toBe(py?.valid);
      const compiled = compileRepoRegex(pattern);
      if (!py?.valid) {
        expect(compiled.ok).toBe(false);
        return;
      }
      if (NOT_RUN.has(pattern)) {
        expect(compiled.ok).toBe("unknown");
        expect(PATHS.map((p) => pySearch(pattern, p))).toEqual(PATHS.map(() => undefined));
        return;
      }
      expect(compiled.ok).toBe(true);
      const ours = PATHS.map((p) => pySearch(pattern, p));
      // Where RE2 could differ from Python (non-ASCII text for \b, (?a)(?i), ...) the answer is undefined, never wrong.
      const decided = ours.map((r, k) => (r === undefined ? undefined : py.search[k]));
      expect(ours).toEqual(decided);
      const undecided = PATHS.filter((_, k) => ours[k] === undefined);
      for (const p of undecided) expect(isAscii(p), `only non-ASCII paths are undecided, not ${JSON.stringify(p)}`).toBe(false);
    });
  });

  it("decides every ASCII path for patterns without Unicode-sensitive parts", () => {
    for (const pattern of ["(?i)readme", "\\w+\\.md$", "[\\W]", "(?=docs/)", "a$"]) {
      for (const p of PATHS) if (isAscii(p)) expect(pySearch(pattern, p), `${pattern} on ${JSON.stringify(p)}`).not.toBeUndefined();
    }
    for (const pattern of ["\\w+\\.md$", "[\\w.]+$", "\\s", "(?i)I", "(?=docs/)", "😀+", "a$"]) {
      for (const p of PATHS) expect(pySearch(pattern, p), `${pattern} on ${JSON.stringify(p)}`).not.toBeUndefined();
    }
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
      const ours = pythonRegexValidity(p);
      return ours.ok !== "unknown" && (ours.ok === true) !== py[i]?.valid;
    });
    expect(disagreements).toEqual([]);
  });

  it("agrees with re.search on generated patterns and paths, or says it cannot tell", () => {
    const token = fc.constantFrom(
      "a", "b", "/", ".", "*", "+", "?", "{2}", "{1,2}", "{,2}", "(", ")", "(?:", "(?P<n>", "(?=", "(?!", "(?<=a)", "(?<!b)", "(?i)", "(?i:", "(?s:",
      "(?m)", "[ab]", "[^a]", "[\\w]", "[^\\W/]", "^", "$", "\\A", "\\Z", "\\b", "\\B", "\\d", "\\w", "\\s", "\\W", "|", "\\.", "é", "I", "\\n",
    );
    const patterns = fc.sample(fc.array(token, { maxLength: 8 }).map((p) => p.join("")), { numRuns: 1500, seed: 7 });
    const paths = ["", "a", "ab/", "b.a", "a/b\n", "\n", "A/İ", "é", "ba1", "aab", "a b", "a\nb", "Ia", "x/y/z"];
    const py = python(patterns, paths);
    const disagreements: string[] = [];
    let decided = 0;
    let valid = 0;
    patterns.forEach((pattern, i) => {
      const theirs = py[i];
      if (!theirs?.valid) return;
      paths.forEach((p, k) => {
        valid += 1;
        const ours = pySearch(pattern, p);
        if (ours === undefined) return;
        decided += 1;
        if (ours !== theirs.search[k]) disagreements.push(`${JSON.stringify(pattern)} on ${JSON.stringify(p)}: python ${theirs.search[k]}`);
      });
    });
    expect(disagreements).toEqual([]);
    // The comparison means something only if most answers are decided.
    expect(decided).toBeGreaterThan(valid * 0.75);
  });
});

describe("pythonRegexValidity", () => {
  it("says which patterns it cannot translate instead of guessing", () => {
    expect(pythonRegexValidity("(?(1)a|b)").ok).toBe("unknown");
    expect(pythonRegexValidity("\\N{DIGIT ONE}").ok).toBe("unknown");
    expect(pythonRegexValidity("(?x:a b)").ok).toBe("unknown");
    expect(compileRepoRegex("(?(1)a|b)")).toMatchObject({ ok: "unknown" });
  });

  it("gives Python's reason for an invalid pattern", () => {
    expect(pythonRegexValidity("*.py")).toEqual({ ok: false, error: "nothing to repeat at position 0" });
    expect(compileRepoRegex("a{2,1}")).toMatchObject({ ok: false, error: expect.stringContaining("min repeat greater than max repeat") as unknown });
  });

  it("never throws on arbitrary patterns", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (p) => {
        const r = pythonRegexValidity(p);
        expect([true, false, "unknown"]).toContain(r.ok);
      }),
      { numRuns: 300 },
    );
  });
});

describe("compileRepoRegex and pySearch", () => {
  it("searches like re.search, including verbose patterns", () => {
    expect(pySearch("(?x)^(\n  docs/.*|\n  vendor/.*\n)$", "docs/a.md")).toBe(true);
    expect(pySearch("(?x)^(\n  docs/.*|\n  vendor/.*\n)$", "src/a.md")).toBe(false);
    expect(pySearch("*.py", "a.py")).toBeUndefined();
  });

  it("runs look-aheads reversed: the usual 'everything but' idiom is decided", () => {
    expect(pySearch("^(?!src/)", "docs/a.md")).toBe(true);
    expect(pySearch("^(?!src/)", "src/a.py")).toBe(false);
    expect(pySearch("^(?=.*\\.py$)tests/", "tests/a.py")).toBe(true);
    expect(pySearch("^(?=.*\\.py$)tests/", "tests/a.js")).toBe(false);
  });

  it("does not run back-references, possessive quantifiers or atomic groups, and says why", () => {
    expect(compileRepoRegex("(a)\\1")).toEqual({ ok: "unknown", reason: "RE2 cannot run back-references" });
    expect(compileRepoRegex("a*+b")).toEqual({ ok: "unknown", reason: "RE2 cannot run possessive quantifiers" });
    expect(compileRepoRegex("(?>a|ab)c")).toEqual({ ok: "unknown", reason: "RE2 cannot run atomic groups" });
    expect(compileRepoRegex("(?=a)(?<=b)")).toEqual({ ok: "unknown", reason: "RE2 cannot run look-aheads together with look-behinds" });
  });

  it("refuses what RE2 refuses (repeat counts over 1000) as unknown, not invalid", () => {
    expect(pythonRegexValidity("a{1001}").ok).toBe(true);
    expect(compileRepoRegex("a{1001}")).toMatchObject({ ok: "unknown", reason: expect.stringContaining("RE2 cannot run it") as unknown });
  });

  it("does not build huge programs", () => {
    const huge = "(?:.{1000}c)".repeat(100);
    expect(compileRepoRegex(huge)).toMatchObject({ ok: "unknown", reason: expect.stringContaining("instructions") as unknown });
    const deep = `${"(".repeat(300)}a${")".repeat(300)}`;
    expect(compileRepoRegex(deep)).toMatchObject({ ok: "unknown", reason: "RE2 cannot run groups nested deeper than 200" });
  });

  it("a path ending in a newline is matched exactly by `$` (reversed), or undefined when that is impossible", () => {
    expect(pySearch("a$", "a\n")).toBe(true);
    expect(pySearch("a$\\n", "a\n")).toBe(true);
    expect(pySearch("a\\Z", "a\n")).toBe(false);
    // With a look-behind the pattern cannot be reversed.
    expect(pySearch("(?<=b)a$", "ba\n")).toBeUndefined();
    expect(pySearch("(?<=b)a$", "ba")).toBe(true);
  });
});

describe("linear time on hostile patterns (these would not finish on a backtracking engine)", () => {
  const long = `${"a".repeat(4999)}!`;
  const xs = "x".repeat(5000);

  it("(a+)+$ in 5,000 characters: no match, decided", () => {
    expect(pySearch("(a+)+$", long)).toBe(false);
    expect(pySearch("(a+)+$", `${"a".repeat(5000)}`)).toBe(true);
  });

  it("(x+x+)+y in 5,000 characters: no match, decided", () => {
    expect(pySearch("(x+x+)+y", xs)).toBe(false);
  });

  it("(.*a){20} in 5,000 characters: a match where there are 20 a's, none where there are none", () => {
    expect(pySearch("(.*a){20}", long)).toBe(true);
    expect(pySearch("(.*a){20}", xs)).toBe(false);
  });

  it("nested alternations repeated, and many paths, within one budget", () => {
    const budget = new MatchBudget();
    const r = compileRepoRegex("^(?:(?:a|a?)+)+b$", budget);
    expect(r.ok).toBe(true);
    if (r.ok !== true) return;
    for (let n = 0; n < 200; n++) expect(r.search(`${"a".repeat(n)}c`)).toBe(false);
  });
});

describe("MatchBudget", () => {
  it("answers undefined once the budget is spent, and the same way every time", () => {
    const run = () => {
      const budget = new MatchBudget(200_000);
      const r = compileRepoRegex("(x+x+)+y", budget);
      if (r.ok !== true) throw new Error("not compiled");
      return Array.from({ length: 40 }, () => r.search("x".repeat(1000)));
    };
    const first = run();
    expect(first.slice(0, 5)).toEqual([false, false, false, false, false]);
    expect(first[first.length - 1]).toBeUndefined();
    expect(run()).toEqual(first);
  });

  it("refuses to compile when the budget cannot pay, without remembering the refusal", () => {
    const budget = new MatchBudget(10);
    expect(compileRepoRegex("abc", budget)).toEqual({ ok: "unknown", reason: BUDGET_SPENT });
    expect(budget.programs.size).toBe(0);
  });

  it("refuses a single search too large for one call", () => {
    const r = compileRepoRegex("(?:(?:x?){100}x{100}[!#])|(?:(?:y?){100}y{100}[!#])");
    expect(r.ok).toBe(true);
    if (r.ok === true) expect(r.search("x".repeat(100_000))).toBeUndefined();
  });
});

describe("matchesEverything", () => {
  const matcher = (p: string): RepoRegexMatcher => {
    const r = compileRepoRegex(p);
    if (r.ok !== true) throw new Error(`${p} does not compile`);
    return r;
  };

  it("knows which patterns match everything", () => {
    const all = (p: string) => matchesEverything(matcher(p), ["src/app.py", "README.md"]);
    expect([".*", "^.*$", ".", "(?s).*", "^(?!\\s*$)"].map(all)).toEqual([true, true, true, true, true]);
    expect(["^$", "test*", "^spec\\/", "\\.py$", "^(?!src/)"].map(all)).toEqual([false, false, false, false, false]);
  });

  it("is undefined when no path is known not to match but some are undecided", () => {
    expect(matchesEverything(matcher("\\b|^"), ["src/é.py"])).toBeUndefined();
    expect(matchesEverything(matcher("\\bnope"), ["src/é.py"])).toBe(false);
  });
});

describe("fuzz", () => {
  it("arbitrary patterns on arbitrary paths never throw", () => {
    const pattern = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(fc.constantFrom("(", ")", "(?=", "(?<=", "(?!", "[", "]", "^", "\\", "*", "+", "?", "{3}", "{,9}", "|", "$", "\\b", "\\1", "a", ".", "(?i)", "(?x)", "😀", "\ud800"), { maxLength: 20 }).map((a) => a.join("")),
    );
    const path = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom("a\n", "src/a.py", ""));
    fc.assert(
      fc.property(pattern, fc.array(path, { maxLength: 5 }), (p, paths) => {
        const budget = new MatchBudget();
        const r = compileRepoRegex(p, budget);
        expect([true, false, "unknown"]).toContain(r.ok);
        if (r.ok === true) {
          for (const x of paths) expect([true, false, undefined]).toContain(r.search(x));
          expect([true, false, undefined]).toContain(matchesEverything(r, paths));
        }
        for (const x of paths) expect([true, false, undefined]).toContain(pySearch(p, x, budget));
      }),
      { numRuns: 1000 },
    );
  });
});
