import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { iniSection, iniValue, parseIni, type IniDocument } from "../../src/parsers/ini.js";

function value(doc: IniDocument, section: string, key: string): string | undefined {
  return iniValue(doc, section, key)?.value;
}

describe("parseIni: configparser semantics", () => {
  it("joins a multi-line value with newlines (the npm ini package splits it into bogus keys)", () => {
    const doc = parseIni("[tool:pytest]\naddopts =\n    --cov=mod\n    --cov-fail-under=85\n");
    expect(doc.error).toBeNull();
    expect(value(doc, "tool:pytest", "addopts")).toBe("\n--cov=mod\n--cov-fail-under=85");
    const entry = iniValue(doc, "tool:pytest", "addopts");
    expect(entry?.line).toBe(2);
    expect(entry?.endLine).toBe(4);
    expect(entry?.lines.map((l) => [l.text, l.line])).toEqual([
      ["", 2],
      ["--cov=mod", 3],
      ["--cov-fail-under=85", 4],
    ]);
    expect(iniSection(doc, "tool:pytest")?.entries.has("--cov-fail-under")).toBe(false);
  });

  it("keeps an inline comment as part of the value", () => {
    const doc = parseIni("[coverage:report]\nfail_under = 80  # gate\n");
    expect(value(doc, "coverage:report", "fail_under")).toBe("80  # gate");
  });

  it("skips whole-line comments, also indented ones inside a value", () => {
    const doc = parseIni("# top\n; also\n[s]\nk = a\n    # not a value line\n    b\n");
    expect(value(doc, "s", "k")).toBe("a\nb");
  });

  it("splits at the first = or : and lower-cases keys, not section names", () => {
    const doc = parseIni("[Report]\nFail_Under: 90\nurl = http://x:1/\nweird:key = v\n");
    expect(value(doc, "Report", "fail_under")).toBe("90");
    expect(value(doc, "Report", "url")).toBe("http://x:1/");
    expect(value(doc, "Report", "weird")).toBe("key = v");
    expect(iniSection(doc, "report")).toBeUndefined();
  });

  it("keeps blank lines inside a value and drops trailing ones", () => {
    const doc = parseIni("[testenv]\ncommands =\n    a\n\n    b\n\n\n[next]\n");
    expect(value(doc, "testenv", "commands")).toBe("\na\n\nb");
  });

  it("ends a value at a line that is not indented deeper than its key", () => {
    const doc = parseIni("[s]\n  k = 1\n  j = 2\n    more\n");
    expect(value(doc, "s", "k")).toBe("1");
    expect(value(doc, "s", "j")).toBe("2\nmore");
  });

  it("inherits [DEFAULT]", () => {
    const doc = parseIni("[DEFAULT]\nfail_under = 70\n[report]\nshow_missing = true\n");
    expect(value(doc, "report", "fail_under")).toBe("70");
    expect(doc.sections.map((s) => s.name)).toEqual(["report"]);
  });

  it("ignores text after the closing bracket of a header", () => {
    const doc = parseIni("[coverage:report] ; trailing\nfail_under = 1\n");
    expect(value(doc, "coverage:report", "fail_under")).toBe("1");
  });

  it("reports a duplicate option as configparser's strict mode does, and stops there", () => {
    const doc = parseIni("[flake8]\nmax-line-length = 88\nmax-line-length = 100\n[coverage:report]\nfail_under = 90\n");
    expect(doc.error).toMatchObject({ kind: "duplicate-option", line: 3 });
    expect(iniSection(doc, "coverage:report")).toBeUndefined();
  });

  it("reports a duplicate section", () => {
    expect(parseIni("[a]\n[b]\n[a]\n").error).toMatchObject({ kind: "duplicate-section", line: 3 });
  });

  it("reports an option before any section header", () => {
    expect(parseIni("fail_under = 80\n[report]\n").error).toMatchObject({ kind: "missing-section-header", line: 1 });
  });

  it("collects lines that are neither section, option nor continuation, and keeps reading", () => {
    const doc = parseIni("[a]\nk = 1\nnot an option\n[b]\nj = 2\n= nokey\n");
    expect(doc.error).toMatchObject({ kind: "parsing", line: 3 });
    expect(doc.error?.message).toContain("line 3, line 6");
    expect(value(doc, "b", "j")).toBe("2");
  });

  it("treats \\r\\n and \\r as line ends", () => {
    const doc = parseIni("[a]\r\nk =\r\n  x\r\n  y\r[b]\rz = 1");
    expect(value(doc, "a", "k")).toBe("\nx\ny");
    expect(value(doc, "b", "z")).toBe("1");
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        const doc = parseIni(text);
        expect(Array.isArray(doc.sections)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

// Differential test against Python's own configparser (the parser coverage.py uses). Python's
// standard library is enough; the test is skipped only where no python3 is on the machine.
const python = ["/usr/bin/python3", "python3"].find((bin) => spawnSync(bin, ["-c", "import configparser"]).status === 0);

const PY_ORACLE = `
import configparser, json, sys
out = []
for text in json.load(sys.stdin):
    cp = configparser.RawConfigParser()
    try:
        cp.read_string(text)
        err = None
    except configparser.Error as e:
        err = type(e).__name__
    sections = {}
    if err is None:
        for s in cp.sections():
            sections[s] = {k: v for k, v in cp.items(s)}
    out.append({"error": err, "sections": sections})
json.dump(out, sys.stdout)
`;

const ERROR_NAMES: Record<string, string> = {
  "duplicate-option": "DuplicateOptionError",
  "duplicate-section": "DuplicateSectionError",
  "missing-section-header": "MissingSectionHeaderError",
  parsing: "ParsingError",
};

const iniLine = fc.oneof(
  fc.constantFrom("[report]", "[coverage:report]", "[run]", "[DEFAULT]", "[ spaced ]", "[a] tail", ""),
  fc.constantFrom("fail_under = 80", "fail_under=80  # gate", "Key: v", "addopts =", "k = a:b=c", "# c", "  ; c", "junk", "=x"),
  fc.tuple(fc.constantFrom("", " ", "  ", "\t", "    "), fc.constantFrom("--cov", "x = 1", "y", "# z", "")).map(([i, t]) => i + t),
);

describe.skipIf(python === undefined)("parseIni agrees with Python's configparser (python3 needed)", () => {
  it("gives the same sections, values and error class on generated files", () => {
    const texts = fc.sample(fc.array(iniLine, { maxLength: 10 }).map((ls) => ls.join("\n") + "\n"), { numRuns: 300, seed: 42 });
    texts.push(
      "[tool:pytest]\naddopts =\n    --cov=mod\n    --cov-fail-under=85\n",
      "[a]\nk = 1\n\n\n  x\n",
      // an option with an empty name takes no continuation lines (configparser tests `optname` for truth)
      "[DEFAULT]\n # z\n x = 1\n=x\n    x = 1\n",
      "[a]\n=x\n  y = 1\n y = 2\n",
    );
    const run = spawnSync(python ?? "python3", ["-c", PY_ORACLE], { input: JSON.stringify(texts), encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as { error: string | null; sections: Record<string, Record<string, string>> }[];
    texts.forEach((text, i) => {
      const doc = parseIni(text);
      const want = expected[i];
      const got = {
        error: doc.error ? ERROR_NAMES[doc.error.kind] : null,
        sections: doc.error
          ? {}
          : Object.fromEntries(
              doc.sections.map((s) => {
                const merged = new Map([...(doc.defaults?.entries ?? new Map()), ...s.entries]);
                return [s.name, Object.fromEntries([...merged].map(([k, e]) => [k, e.value]))];
              }),
            ),
      };
      expect(got, JSON.stringify(text)).toEqual(want);
    });
  });
});
