import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  loadPyYaml,
  parsePreCommitConfig,
  pyGet,
  type PyValue,
} from "../../src/parsers/pre-commit-config.js";

const PYTHON = "/usr/bin/python3";
/** pre-commit loads YAML with PyYAML's CSafeLoader; Debian's pre-commit runs on this interpreter. */
const hasPyYaml = spawnSync(PYTHON, ["-c", "import yaml; yaml.CSafeLoader"], { encoding: "utf8" }).status === 0;

type Rendered = unknown;

function render(v: PyValue, depth = 0): Rendered {
  if (depth > 50) return ["deep"];
  switch (v.kind) {
    case "str":
      return ["str", v.value];
    case "int":
      return ["int", v.value];
    case "float":
      return ["float", Number.isNaN(v.value) ? "nan" : v.value === Infinity ? "inf" : v.value === -Infinity ? "-inf" : v.value];
    case "bool":
      return ["bool", v.value];
    case "NoneType":
      return ["NoneType"];
    case "date":
    case "datetime":
    case "bytes":
      return [v.kind];
    case "set":
      return ["set", v.items.length];
    case "list":
    case "tuple":
      return [v.kind, v.items.map((i) => render(i, depth + 1))];
    case "dict":
      return ["dict", v.entries.map((e) => [render(e.key, depth + 1), render(e.value, depth + 1)])];
  }
}

function renderOurs(text: string): Rendered {
  try {
    return render(loadPyYaml(text).root);
  } catch {
    return ["error"];
  }
}

const PY_RENDER = String.raw`
import json, sys, math, datetime, yaml
def r(v, d=0):
    if d > 50: return ['deep']
    if isinstance(v, bool): return ['bool', v]
    if isinstance(v, int): return ['int', v]
    if isinstance(v, float):
        if math.isnan(v): return ['float', 'nan']
        if math.isinf(v): return ['float', 'inf' if v > 0 else '-inf']
        return ['float', v]
    if isinstance(v, str): return ['str', v]
    if v is None: return ['NoneType']
    if isinstance(v, datetime.datetime): return ['datetime']
    if isinstance(v, datetime.date): return ['date']
    if isinstance(v, bytes): return ['bytes']
    if isinstance(v, set): return ['set', len(v)]
    if isinstance(v, (list, tuple)): return [type(v).__name__, [r(x, d + 1) for x in v]]
    if isinstance(v, dict): return ['dict', [[r(k, d + 1), r(x, d + 1)] for k, x in v.items()]]
    return ['other', type(v).__name__]
out = []
for text in json.load(sys.stdin):
    try:
        out.append(r(yaml.load(text, Loader=yaml.CSafeLoader)))
    except Exception:
        out.append(['error'])
print(json.dumps(out))
`;

function renderWithPyYaml(texts: readonly string[]): Rendered[] {
  const res = spawnSync(PYTHON, ["-c", PY_RENDER], { input: JSON.stringify(texts), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Rendered[];
}

/** YAML that pre-commit configs contain, and the YAML 1.1 traps between PyYAML and a YAML 1.2 reader. */
const CORPUS: readonly string[] = [
  // scalars PyYAML types differently from YAML 1.2
  "rev: 1.7\n",
  "rev: 22.10\n",
  "rev: '1.7'\n",
  "rev: v1.7\n",
  "rev: 1e3\n",
  "rev: 1.0e+3\n",
  "rev: 1.e-3\n",
  "rev: .5\n",
  "rev: ._\n",
  "rev: 1_000\n",
  "rev: 0x1F\n",
  "rev: 0o17\n",
  "rev: 017\n",
  "rev: 08\n",
  "rev: 0b101\n",
  "rev: 1:20\n",
  "rev: 1:20.5\n",
  "rev: -.inf\n",
  "rev: .NaN\n",
  "rev: 7e1b0a4\n",
  "rev: 1234567\n",
  "rev: deadbeef\n",
  "a: [yes, no, on, off, Yes, NO, True, FALSE, y, n, Y, N]\n",
  "a: [~, null, Null, NULL, nULL, '']\n",
  "a:\n",
  "a: 2024-01-31\n",
  "a: 2024-1-3 10:20:30\n",
  "a: 2024-01-31T10:20:30.5Z\n",
  "a: 2024-01-31 10:20:30 +05:30\n",
  "a: 2023-02-29\n",
  "a: 2024-02-29\n",
  "a: 2001-13-45\n",
  "a: =\n",
  "a: '='\n",
  "a: <<\n",
  // tags
  "a: !!str 1.7\n",
  "a: !!int '12'\n",
  "a: !!float '1'\n",
  "a: !!bool yes\n",
  "a: !!bool maybe\n",
  "a: !!null x\n",
  "a: ! 12\n",
  "a: !foo bar\n",
  "a: !!python/name:os.system ''\n",
  "a: !!set {x, y}\n",
  "a: !!omap [x: 1, y: 2]\n",
  "a: !!seq {x: 1}\n",
  "a: !!map [1]\n",
  "a: !!binary aGVsbG8=\n",
  // block and flow strings
  "a: |\n  line one\n  line two\n",
  "a: >-\n  folded\n  text\n",
  'a: "tab\\there"\n',
  "a: 'it''s'\n",
  "a: plain\n  continued\n",
  "a: [x, 'y', \"z\", 1, 1.5]\n",
  "a: {x: 1, y: [2, 3]}\n",
  "a: [x: 1, y]\n",
  // keys
  "a: 1\na: 2\n",
  "1: a\n1.0: b\ntrue: c\n",
  "? [a, b]\n: c\n",
  "{[a]: b}\n",
  "? a\n",
  ": a\n",
  "null: 1\n~: 2\n",
  ": a\n",
  "{: a}\n",
  "a: [: x]\n",
  "? \n: a\n",
  "? a\n: b\n",
  "a: ! [1]\n",
  "a: !!pairs [x: 1]\n",
  // anchors, aliases, merges
  "x: &x {a: 1}\ny: *x\n",
  "x: &x {a: 1, b: 2}\ny: {<<: *x, b: 3}\n",
  "x: &x {a: 1}\ny: &y {a: 2, b: 3}\nz: {<<: [*x, *y], c: 1}\n",
  "x: &x {a: 1}\nz:\n  c: 1\n  <<: *x\n  a: 9\n",
  "z: {<<: 1}\n",
  "z: {<<: [1]}\n",
  "z: {'<<': {a: 1}}\n",
  "a: *nope\n",
  "a: &x 1\nb: &x 2\nc: *x\n",
  "a: &x [1, 2]\nb: [*x, *x]\n",
  // documents and syntax
  "",
  "# only a comment\n",
  "---\na: 1\n",
  "---\na: 1\n...\n",
  "a: 1\n---\nb: 2\n",
  "a: 1\n---\n",
  "- a\n- b\n",
  "just a string\n",
  "a:\n\t- b\n",
  "a: 1\n\t\nb: 2\n",
  "a: 1\n\t# comment\nb: 2\n",
  "a: 1\n  \t\nb: 2\n",
  "a:\tb\n",
  "- \tx\n",
  "a: x\n\ty\n",
  "a: |\n  x\n\ty\n",
  "a: |\n  x\n  \ty\n",
  "a: 1 \t# comment\n",
  "a:\n  b: 1\n c: 2\n",
  "a: [1, 2\n",
  "a: 'unterminated\n",
  "a:b\n",
  "a: b: c\n",
  "\ufeffa: 1\n",
  "a: b\u0001\n",
  "a: b\u007f\n",
  "a: \u00e9t\u00e9 \u{1F600}\n",
  "a: 1\r\nb: 2\r\n",
  "%YAML 1.1\n---\na: yes\n",
  // a real-looking config
  [
    "default_language_version:",
    "  python: python3.11",
    "ci:",
    "  autoupdate_schedule: monthly",
    "repos:",
    "  - repo: https://github.com/pre-commit/pre-commit-hooks",
    "    rev: v4.6.0",
    "    hooks:",
    "      - id: check-yaml",
    "        args: [--unsafe]",
    "      - id: end-of-file-fixer",
    "        exclude: &excl ^docs/",
    "  - repo: https://github.com/astral-sh/ruff-pre-commit",
    "    rev: v0.6.4",
    "    hooks:",
    "      - id: ruff",
    "        args: [--fix, --exit-non-zero-on-fix]",
    "        exclude: *excl",
    "      - id: ruff-format",
    "",
  ].join("\n"),
];

describe.skipIf(!hasPyYaml)(
  `loadPyYaml agrees with PyYAML's CSafeLoader (${hasPyYaml ? "found" : `skipped: no PyYAML at ${PYTHON}`})`,
  () => {
    const theirs = hasPyYaml ? renderWithPyYaml(CORPUS) : [];
    CORPUS.forEach((text, i) => {
      it(`agrees on ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}`, () => {
        expect(renderOurs(text)).toEqual(theirs[i]);
      });
    });
  },
);

/**
 * Documents the `yaml` package refuses and libyaml loads: continuation lines of a flow collection
 * or a quoted scalar indented no deeper than their block parent (YAML 1.2 requires the indent;
 * libyaml does not check it). phase-gate reports them as YAML errors. Asserted both ways, so the
 * list goes stale loudly.
 */
const KNOWN_DIFFERENCES: readonly string[] = ["a: [\n\tx]\n", "a: [\nx]\n", 'a: "x\n\ty"\n', 'a: "x\ny"\n'];

describe.skipIf(!hasPyYaml)("loadPyYaml: known differences from PyYAML", () => {
  const theirs = hasPyYaml ? renderWithPyYaml(KNOWN_DIFFERENCES) : [];
  KNOWN_DIFFERENCES.forEach((text, i) => {
    it(`is stricter than libyaml on ${JSON.stringify(text)} (an under-indented continuation line)`, () => {
      expect(renderOurs(text)).toEqual(["error"]);
      expect(theirs[i]).not.toEqual(["error"]);
    });
  });
});

describe("loadPyYaml: deliberate differences from PyYAML", () => {
  it("refuses a recursive alias (PyYAML builds a cyclic list) instead of walking a cycle", () => {
    expect(renderOurs("a: &a [1, *a]\n")).toEqual(["error"]);
  });

  it("refuses an alias bomb instead of expanding it", () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]`);
    const r = parsePreCommitConfig(`${lines.join("\n")}\nrepos: []\n`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/aliases expand/);
  });

  it("accepts modest alias use", () => {
    const r = parsePreCommitConfig("x: &x [a, b]\ny: [*x, *x, *x]\nrepos: []\n");
    expect(r.ok).toBe(true);
  });

  it("refuses absurd nesting without overflowing the stack", () => {
    const r = parsePreCommitConfig(`${"[".repeat(5000)}${"]".repeat(5000)}`);
    expect(r.ok).toBe(false);
  });
});

describe("parsePreCommitConfig", () => {
  const config = [
    "repos:", // 1
    "- repo: https://github.com/Yelp/detect-secrets", // 2
    "  rev: v1.5.0", // 3
    "  hooks:", // 4
    "  - id: detect-secrets", // 5
    "    args: ['--baseline', '.secrets.baseline']", // 6
    "    exclude: package.lock.json", // 7
    "- repo: local", // 8
    "  hooks:", // 9
    "  - {id: ruff, name: ruff, entry: uv run ruff check, language: system, stages: [pre-commit]}", // 10
    "- repo: meta", // 11
    "  hooks: [{id: check-hooks-apply}]", // 12
    "- repo: https://example.com/float", // 13
    "  rev: 1.7", // 14
    "  hooks:", // 15
    "  - id: x", // 16
    "    args: [--n, 100]", // 17
    "  - not-a-hook", // 18
    "  - name: no id", // 19
    "- repo: 12", // 20
    "  hooks: [{id: y}]", // 21
    "fail_fast: true", // 22
    "", //
  ].join("\n");

  it("lists every hook with its repo, rev, args, fields and 1-based line", () => {
    const r = parsePreCommitConfig(config);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.hooks.map(({ raw: _raw, ...h }) => h)).toEqual([
      {
        repo: "https://github.com/Yelp/detect-secrets",
        rev: "v1.5.0",
        id: "detect-secrets",
        args: ["--baseline", ".secrets.baseline"],
        exclude: "package.lock.json",
        line: 5,
        repoLine: 2,
      },
      {
        repo: "local",
        rev: null,
        id: "ruff",
        args: [],
        name: "ruff",
        entry: "uv run ruff check",
        language: "system",
        stages: ["pre-commit"],
        line: 10,
        repoLine: 8,
      },
      { repo: "meta", rev: null, id: "check-hooks-apply", args: [], line: 12, repoLine: 11 },
      { repo: "https://example.com/float", rev: null, id: "x", args: ["--n"], line: 16, repoLine: 13 },
    ]);
    expect(r.repos.map((x) => [x.repo, x.rev, x.line, x.revLine ?? null])).toEqual([
      ["https://github.com/Yelp/detect-secrets", "v1.5.0", 2, 3],
      ["local", null, 8, null],
      ["meta", null, 11, null],
      ["https://example.com/float", null, 13, 14],
    ]);
    expect(r.topLevelKeys).toEqual(["repos", "fail_fast"]);
    expect(pyGet(r.root, "fail_fast")?.value).toMatchObject({ kind: "bool", value: true, line: 22 });
  });

  it("keeps the last duplicate key, as PyYAML does, and reports both lines", () => {
    const r = parsePreCommitConfig("repos:\n- repo: https://github.com/psf/black\n  rev: 22.3.0\n  rev: main\n  hooks: [{id: black}]\n");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.hooks[0]?.rev).toBe("main");
    expect(r.duplicateKeys).toEqual([{ key: "rev", line: 4, firstLine: 3 }]);
  });

  it("does not count a key overriding a merged one as a duplicate", () => {
    const r = parsePreCommitConfig("x: &x {id: a, args: [--one]}\nrepos:\n- repo: local\n  hooks:\n  - <<: *x\n    args: [--two]\n");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.duplicateKeys).toEqual([]);
    expect(r.hooks.map((h) => [h.id, h.args, h.line])).toEqual([["a", ["--two"], 5]]);
  });

  it("says what the top level is when it is not a mapping", () => {
    const list = parsePreCommitConfig("- id: black\n  name: black\n  entry: black\n  language: python\n");
    expect(list).toMatchObject({ ok: false, error: { kind: "not-a-mapping", line: 1, message: "Expected a Config map but got a list" } });
    expect(parsePreCommitConfig("")).toMatchObject({ ok: false, error: { kind: "not-a-mapping", message: "Expected a Config map but got a NoneType" } });
  });

  it("gives the line of a YAML error", () => {
    expect(parsePreCommitConfig("repos:\n- repo: x\n  hooks: [\n")).toMatchObject({ ok: false, error: { kind: "yaml" } });
    expect(parsePreCommitConfig("repos:\n  - a\n  b: 1\n")).toMatchObject({ ok: false, error: { kind: "yaml", line: 3 } });
    expect(parsePreCommitConfig("a: 1\nb: \u0002\n")).toMatchObject({ ok: false, error: { kind: "yaml", line: 2 } });
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        const r = parsePreCommitConfig(text);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on YAML-shaped text built from config fragments", () => {
    const token = fc.constantFrom(
      "repos:", "- repo: ", "local", "meta", "  rev: ", "v1.0", "1.7", "  hooks:", "  - id: ", "ruff", "    args: ",
      "[--fix]", "&a ", "*a", "<<: ", "{", "}", "[", "]", ", ", ": ", "\n", "  ", "'", '"', "!!str ", "!!set ", "? ", "#", "---\n",
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (parts) => {
        const r = parsePreCommitConfig(parts.join(""));
        expect(typeof r.ok).toBe("boolean");
        if (r.ok) for (const h of r.hooks) expect(h.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
