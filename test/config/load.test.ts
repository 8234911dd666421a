import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineCheck } from "../../src/check/define.js";
import type { AnyCheck } from "../../src/check/types.js";
import { loadChecklist, MAX_CHECKLIST_BYTES, MAX_ERRORS, MAX_NESTING } from "../../src/config/load.js";
import type { Checklist, ConfigError } from "../../src/config/types.js";
import { needsPath, noOptions, registryOf, testRegistry, withHooks, withMin } from "./test-registry.js";

const FILE = ".github/phase-gate.yml";

function ok(text: string, registry = testRegistry): Checklist {
  const load = loadChecklist(text, FILE, registry);
  if (!load.ok) throw new Error(`expected a valid checklist, got:\n${load.errors.map((e) => `${e.line}:${e.column} ${e.at} ${e.message}`).join("\n")}`);
  return load.checklist;
}

function errors(text: string, registry = testRegistry): readonly ConfigError[] {
  const load = loadChecklist(text, FILE, registry);
  if (load.ok) throw new Error("expected errors, the checklist is valid");
  for (const e of load.errors) expect(e.file).toBe(FILE);
  return load.errors;
}

/** The one error of `text`, without its file name. */
function theError(text: string, registry = testRegistry): Omit<ConfigError, "file"> {
  const all = errors(text, registry);
  expect(all).toHaveLength(1);
  const { file: _file, ...rest } = all[0] as ConfigError;
  return rest;
}

/** Lines of YAML, joined, so that line numbers in assertions can be read off the array. */
const yaml = (...lines: string[]) => `${lines.join("\n")}\n`;

/** A valid checklist around one phase's check list, which starts on line 5. */
const withChecks = (...checkLines: string[]) =>
  yaml(
    "phases:", //            1
    "  - id: phase-1", //    2
    "    name: Phase 1", //  3
    "    checks:", //        4
    ...checkLines, //         5, 6, ...
  );

const summary = (c: Checklist) =>
  c.phases.map((p) => ({ id: p.id, name: p.name, gate: p.gate, doc: p.doc, checks: p.checks.map((e) => [e.check.id, e.options]) }));

describe("a valid checklist", () => {
  it("reads DESIGN.md's example, with defaults merged into the options", () => {
    const checklist = ok(
      yaml(
        "_extends: .github            # optional: inherit the organisation's file (Probot config)",
        "phases:",
        "  - id: phase-1",
        "    name: Foundation & Security",
        "    gate: required            # required -> a failing check run; advisory -> neutral",
        "    doc: docs/PHASE1.md       # optional: a phase report whose claims are verified",
        "    checks:",
        "      - secrets-baseline",
        "      - pre-commit-config:",
        "          hooks: [ruff, black, mypy, bandit, detect-secrets]",
        "      - coverage-threshold:",
        "          min: 85",
        "  - id: phase-2",
        "    name: Production hardening",
        "    checks:",
        "      - dockerfile-reload",
        "      - index-migrations",
        "      - file-exists: { path: SECURITY.md }",
        "      - pre-commit-config",
        "      - coverage-threshold",
      ),
    );
    expect(checklist.origin).toEqual({ source: "file", path: FILE });
    expect(summary(checklist)).toEqual([
      {
        id: "phase-1",
        name: "Foundation & Security",
        gate: "required",
        doc: "docs/PHASE1.md",
        checks: [
          ["secrets-baseline", {}],
          ["pre-commit-config", { hooks: ["ruff", "black", "mypy", "bandit", "detect-secrets"] }],
          ["coverage-threshold", { min: 85 }],
        ],
      },
      {
        id: "phase-2",
        name: "Production hardening",
        // The default gate of a file the maintainer wrote.
        gate: "required",
        doc: undefined,
        checks: [
          ["dockerfile-reload", {}],
          ["index-migrations", {}],
          ["file-exists", { path: "SECURITY.md" }],
          // Defaults: hooks [] and min 80.
          ["pre-commit-config", { hooks: [] }],
          ["coverage-threshold", { min: 80 }],
        ],
      },
    ]);
    // The entries hold the registry's own check objects, ready for the engine.
    expect(checklist.phases[0]?.checks[0]?.check).toBe(noOptions);
    expect(checklist.phases[1]?.checks[2]?.check).toBe(needsPath);
  });

  it("takes a bare id, a map, and a map with nothing after the colon alike", () => {
    const checklist = ok(
      withChecks(
        "      - coverage-threshold", //         bare id
        "      - coverage-threshold:", //        null options
        "      - coverage-threshold: ~", //      explicit null
        "      - coverage-threshold: {}", //     empty map
        "      - coverage-threshold: { min: 90 }",
        "      - secrets-baseline: null",
      ),
    );
    expect(summary(checklist)[0]?.checks).toEqual([
      ["coverage-threshold", { min: 80 }],
      ["coverage-threshold", { min: 80 }],
      ["coverage-threshold", { min: 80 }],
      ["coverage-threshold", { min: 80 }],
      ["coverage-threshold", { min: 90 }],
      ["secrets-baseline", {}],
    ]);
  });

  it("allows the same check twice in a phase (two file-exists)", () => {
    const checklist = ok(withChecks("      - file-exists: { path: SECURITY.md }", "      - file-exists: { path: LICENSE }"));
    expect(summary(checklist)[0]?.checks).toEqual([
      ["file-exists", { path: "SECURITY.md" }],
      ["file-exists", { path: "LICENSE" }],
    ]);
  });

  it("accepts _extends (Probot inheritance) and ignores it", () => {
    const checklist = ok(yaml("_extends: my-org/.github", "phases:", "  - { id: p, name: P, checks: [secrets-baseline] }"));
    expect(checklist.phases.map((p) => p.id)).toEqual(["p"]);
    expect(Object.keys(checklist)).toEqual(["origin", "phases"]);
  });

  it("reads an advisory gate, flow style, quoted keys and anchors", () => {
    const checklist = ok(
      yaml(
        "phases:",
        "  - id: 'a-1'",
        '    "name": A',
        "    gate: advisory",
        "    checks:",
        "      - pre-commit-config: { hooks: &hooks [ruff, mypy] }",
        "  - id: b.2",
        "    name: B",
        "    checks: [{ pre-commit-config: { hooks: *hooks } }]",
      ),
    );
    expect(summary(checklist)).toEqual([
      { id: "a-1", name: "A", gate: "advisory", doc: undefined, checks: [["pre-commit-config", { hooks: ["ruff", "mypy"] }]] },
      { id: "b.2", name: "B", gate: "required", doc: undefined, checks: [["pre-commit-config", { hooks: ["ruff", "mypy"] }]] },
    ]);
  });

  it("ignores a byte-order mark", () => {
    expect(ok(`\uFEFF${withChecks("      - secrets-baseline")}`).phases).toHaveLength(1);
  });
});

describe("checks and their options", () => {
  it("reports an unknown check id with the close one as a hint (the design's example)", () => {
    // Line 6: "      - dockerfile-reloads": the id starts at column 9.
    expect(theError(withChecks("      - secrets-baseline", "      - dockerfile-reloads"))).toEqual({
      line: 6,
      column: 9,
      endLine: 6,
      endColumn: 27,
      at: "phases[0].checks[1]",
      message: "unknown check 'dockerfile-reloads'",
      hint: "did you mean 'dockerfile-reload'?",
    });
  });

  it("points at the key of an unknown check written as a map", () => {
    // Line 5: "      - secret-baseline: { x: 1 }": the key starts at column 9.
    expect(theError(withChecks("      - secret-baseline: { x: 1 }"))).toEqual({
      line: 5,
      column: 9,
      endLine: 5,
      endColumn: 24,
      at: "phases[0].checks[0]",
      message: "unknown check 'secret-baseline'",
      hint: "did you mean 'secrets-baseline'?",
    });
  });

  it("lists the valid ids when no id is close", () => {
    const error = theError(withChecks("      - lint-everything"));
    expect(error.message).toBe("unknown check 'lint-everything'");
    expect(error.hint).toBe(
      "valid checks: 'secrets-baseline', 'pre-commit-config', 'coverage-threshold', 'file-exists', 'dockerfile-reload', 'index-migrations'",
    );
    expect([error.line, error.column]).toEqual([5, 9]);
  });

  it("reports an unknown option at its key, with did-you-mean", () => {
    // Line 6: "          hook: [ruff]": the key starts at column 11.
    expect(theError(withChecks("      - pre-commit-config:", "          hook: [ruff]"))).toEqual({
      line: 6,
      column: 11,
      endLine: 6,
      endColumn: 15,
      at: "phases[0].checks[0].pre-commit-config",
      message: "unknown option 'hook'",
      hint: "did you mean 'hooks'?",
    });
  });

  it("says a check takes no options when it has none", () => {
    const error = theError(withChecks("      - secrets-baseline: { strict: true }"));
    expect(error).toMatchObject({ line: 5, column: 29, message: "unknown option 'strict'", hint: "this check takes no options" });
  });

  it("reports a wrong type in plain words, at the value", () => {
    // Line 6: "          hooks: 3": the value is at column 18.
    expect(theError(withChecks("      - pre-commit-config:", "          hooks: 3"))).toEqual({
      line: 6,
      column: 18,
      endLine: 6,
      endColumn: 19,
      at: "phases[0].checks[0].pre-commit-config.hooks",
      message: "expected a list of strings, got a number",
    });
  });

  it("reports a wrong element of a list at the element", () => {
    // Line 5: "      - pre-commit-config: { hooks: [ruff, 7] }": 7 is at column 44.
    expect(theError(withChecks("      - pre-commit-config: { hooks: [ruff, 7] }"))).toMatchObject({
      line: 5,
      column: 44,
      at: "phases[0].checks[0].pre-commit-config.hooks[1]",
      message: "expected a string, got a number",
    });
  });

  it("reports a value out of range, and options that are not a map", () => {
    const all = errors(withChecks("      - coverage-threshold: { min: 120 }", "      - coverage-threshold: 80"));
    expect(all.map((e) => [e.line, e.column, e.at, e.message])).toEqual([
      [5, 36, "phases[0].checks[0].coverage-threshold.min", "must be at most 100, got 120"],
      [6, 29, "phases[0].checks[1].coverage-threshold", "expected a map of options, got a number"],
    ]);
  });

  it("says which options a bare id needs", () => {
    // Line 6: "      - file-exists" (bare), line 7: "      - file-exists:" (nothing after the colon).
    const all = errors(withChecks("      - secrets-baseline", "      - file-exists", "      - file-exists:"));
    expect(all).toEqual([
      {
        file: FILE,
        line: 6,
        column: 9,
        endLine: 6,
        endColumn: 20,
        at: "phases[0].checks[1]",
        message: "check 'file-exists' needs options: path",
        hint: "write it as 'file-exists: { path: … }'",
      },
      {
        file: FILE,
        line: 7,
        column: 9,
        endLine: 7,
        endColumn: 20,
        at: "phases[0].checks[2]",
        message: "check 'file-exists' needs options: path",
        hint: "write it as 'file-exists: { path: … }'",
      },
    ]);
  });

  it("reports a required option missing from a map of options", () => {
    // Line 6: "          message: Add a security policy": the options map spans columns 11 to 40.
    expect(theError(withChecks("      - file-exists:", "          message: Add a security policy"))).toEqual({
      line: 6,
      column: 11,
      endLine: 6,
      endColumn: 41,
      at: "phases[0].checks[0].file-exists",
      message: "missing option 'path': expected a string",
    });
  });

  it("does not also report a missing option that an unknown one is a typo of", () => {
    expect(theError(withChecks("      - file-exists: { pth: SECURITY.md }"))).toMatchObject({
      line: 5,
      column: 24,
      message: "unknown option 'pth'",
      hint: "did you mean 'path'?",
    });
  });

  it("explains options indented at the level of the check id", () => {
    // Line 6: "        path: SECURITY.md" is a second key of the entry, not an option.
    expect(theError(withChecks("      - file-exists:", "        path: SECURITY.md"))).toEqual({
      line: 6,
      column: 9,
      endLine: 6,
      endColumn: 13,
      at: "phases[0].checks[0]",
      message: "a check entry has a single key, the check id; this one has 2: 'file-exists' and 'path'",
      hint: "options go under the check id: indent 'path' below 'file-exists:'",
    });
  });

  it("rejects entries that are neither an id nor a one-key map", () => {
    const all = errors(withChecks("      - {}", "      - 42", "      - [secrets-baseline]", "      - { secrets-baseline: , dockerfile-reload: }"));
    expect(all.map((e) => [e.line, e.column, e.at, e.message, e.hint])).toEqual([
      [5, 9, "phases[0].checks[0]", "an empty map is not a check", "write a check id, or '<check id>: { <options> }'"],
      [6, 9, "phases[0].checks[1]", "expected a check id or a map { <check id>: <options> }, got a number", undefined],
      [7, 9, "phases[0].checks[2]", "expected a check id or a map { <check id>: <options> }, got a list", undefined],
      [
        8,
        31,
        "phases[0].checks[3]",
        "a check entry has a single key, the check id; this one has 2: 'secrets-baseline' and 'dockerfile-reload'",
        "write each check as its own list item",
      ],
    ]);
  });

  it("explains a union option through the alternative the value has the type of", () => {
    const globs = defineCheck({
      id: "globbed",
      title: "globbed",
      description: "globbed",
      options: z.object({ path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) }).strict(),
      messages: {},
      files: () => [],
      run: () => ({ status: "pass", summary: "ok", findings: [] }),
    }) as unknown as AnyCheck;
    const registry = registryOf([globs]);
    const all = errors(withChecks("      - globbed: { path: 3 }", "      - globbed: { path: [a, 4] }", "      - globbed: { path: [] }"), registry);
    expect(all.map((e) => [e.line, e.column, e.at, e.message])).toEqual([
      [5, 26, "phases[0].checks[0].globbed.path", "expected a string or a list of strings, got a number"],
      [6, 30, "phases[0].checks[1].globbed.path[1]", "expected a string, got a number"],
      [7, 26, "phases[0].checks[2].globbed.path", "must not be empty"],
    ]);
  });
});

describe("phases", () => {
  it("reports unknown phase keys with did-you-mean, and a misspelt gate", () => {
    const all = errors(
      yaml(
        "phases:", //                     1
        "  - id: p", //                   2
        "    nmae: P", //                 3
        "    gates: advisory", //         4
        "    gate: advisroy", //          5
        "    checks: [secrets-baseline]", // 6
        "    ordered: true", //           7
      ),
    );
    expect(all.map((e) => [e.line, e.column, e.at, e.message, e.hint])).toEqual([
      [3, 5, "phases[0]", "unknown key 'nmae'", "did you mean 'name'?"],
      [4, 5, "phases[0]", "unknown key 'gates'", "did you mean 'gate'?"],
      [5, 11, "phases[0].gate", "expected one of 'required' or 'advisory', got 'advisroy'", "did you mean 'advisory'?"],
      [7, 5, "phases[0]", "unknown key 'ordered'", "valid keys: 'id', 'name', 'gate', 'doc', 'checks', 'requires', 'ahead', 'claims'"],
    ]);
  });

  it("reports a missing key at the phase, with what it is for", () => {
    // The phase spans line 2, column 5 to the end of line 3.
    expect(theError(yaml("phases:", "  - id: p", "    checks: [secrets-baseline]"))).toEqual({
      line: 2,
      column: 5,
      endLine: 3,
      endColumn: 31,
      at: "phases[0]",
      message: "missing 'name': expected a string",
      hint: "the phase's title, e.g. 'Foundation & Security'",
    });
  });

  it("reports duplicate phase ids at the second one, naming the first's line", () => {
    const all = errors(
      yaml(
        "phases:", //                                      1
        "  - id: phase-1", //                              2
        "    name: One", //                                3
        "    checks: [secrets-baseline]", //               4
        "  - id: phase-1", //                              5
        "    name: Two", //                                6
        "    checks: [secrets-baseline, nonsense-check]", // 7
      ),
    );
    expect(all.map((e) => [e.line, e.column, e.at, e.message, e.hint])).toEqual([
      [5, 9, "phases[1].id", "duplicate phase id 'phase-1'", "phase ids must be unique; phases[0] (line 2) has the same id"],
      // Reported together with the other errors of the file.
      [7, 32, "phases[1].checks[1]", "unknown check 'nonsense-check'", expect.stringContaining("valid checks:")],
    ]);
  });

  it("checks the form of phase ids, names and check lists", () => {
    const all = errors(
      yaml(
        "phases:", //                    1
        "  - id: Phase One", //          2
        "    name: ''", //               3
        "    checks: []", //             4
        "  - id: 7", //                  5
        "    name: Seven", //            6
        "    checks: secrets-baseline", // 7
      ),
    );
    expect(all.map((e) => [e.line, e.column, e.at, e.message, e.hint])).toEqual([
      [2, 9, "phases[0].id", "phase id 'Phase One' must be lowercase letters and digits joined by '-', '_' or '.'", "write it in kebab-case, e.g. 'phase-one'"],
      [3, 11, "phases[0].name", "must not be empty", undefined],
      [4, 13, "phases[0].checks", "must not be empty", undefined],
      [5, 9, "phases[1].id", "expected a string, got a number", undefined],
      [7, 13, "phases[1].checks", "expected a list of checks, got a string", undefined],
    ]);
  });
});

describe("more phase rules", () => {
  it("wants doc to be a path inside the repository", () => {
    const all = errors(
      yaml(
        "phases:", //                                                       1
        "  - { id: a, name: A, doc: /etc/passwd, checks: [secrets-baseline] }", // 2
        "  - { id: b, name: B, doc: ../x.md, checks: [secrets-baseline] }", //    3
        "  - { id: c, name: C, doc: docs/C.md, checks: [secrets-baseline] }", //  4
        "  - { id: d, name: D, doc: ./docs/D.md, checks: [secrets-baseline] }", // 5
        "  - { id: e, name: E, doc: docs//E.md, checks: [secrets-baseline] }", // 6
        "  - { id: f, name: F, doc: docs/, checks: [secrets-baseline] }", //     7
      ),
    );
    const gitPath = "a file's path as git lists it: '/' between names, no './', no '//', no '/' at the end";
    expect(all.map((e) => [e.line, e.column, e.at, e.message])).toEqual([
      [2, 28, "phases[0].doc", "a path relative to the repository root: no leading '/' and no '..'"],
      [3, 28, "phases[1].doc", "a path relative to the repository root: no leading '/' and no '..'"],
      [5, 28, "phases[3].doc", gitPath],
      [6, 28, "phases[4].doc", gitPath],
      [7, 28, "phases[5].doc", gitPath],
    ]);
  });

  it("limits the length of phase ids", () => {
    const id = `p${"-x".repeat(40)}`;
    expect(theError(yaml("phases:", `  - { id: ${id}, name: P, checks: [secrets-baseline] }`))).toMatchObject({
      line: 2,
      column: 11,
      at: "phases[0].id",
      message: "phase id is 81 characters long; the limit is 64",
    });
  });

  it("says that YAML merge keys are not supported", () => {
    const all = errors(
      yaml(
        "base: &base { gate: advisory }", //  1
        "phases:", //                         2
        "  - <<: *base", //                   3
        "    id: p", //                       4
        "    name: P", //                     5
        "    checks: [secrets-baseline]", //  6
      ),
    );
    expect(all.map((e) => [e.line, e.column, e.at, e.message, e.hint])).toEqual([
      [1, 1, "", "unknown key 'base'", "valid keys: '_extends', 'ordered', 'phases'"],
      [3, 5, "phases[0]", "unknown key '<<'", "YAML merge keys ('<<') are not supported here: write the keys out"],
    ]);
  });

  it("counts lines and columns the same with CRLF line ends", () => {
    const text = withChecks("      - secrets-baseline", "      - dockerfile-reloads").replace(/\n/g, "\r\n");
    expect(theError(text)).toMatchObject({ line: 6, column: 9, endLine: 6, endColumn: 27, message: "unknown check 'dockerfile-reloads'" });
  });
});

describe("the top level", () => {
  it("reports an empty file, and a file of comments only, at 1:1", () => {
    for (const text of ["", "\n\n", "# nothing here yet\n", "~\n"]) {
      expect(theError(text)).toEqual({
        line: 1,
        column: 1,
        at: "",
        message: "the checklist is empty",
        hint: "list the phases under 'phases:', each with an id, a name and its checks",
      });
    }
  });

  it("reports a file that is not a map", () => {
    expect(theError("- phase-1\n- phase-2\n")).toMatchObject({ line: 1, column: 1, message: "the checklist must be a map with a 'phases' key, got a list" });
    expect(theError("just words\n")).toMatchObject({ line: 1, column: 1, message: "the checklist must be a map with a 'phases' key, got a single value" });
  });

  it("reports a file with no phases", () => {
    expect(theError(yaml("# phase-gate", "_extends: .github"))).toEqual({
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 18,
      at: "",
      message: "missing 'phases': expected a list of maps",
      hint: "the phases, each with an id, a name and its checks",
    });
    expect(theError("phases:\n")).toMatchObject({ line: 1, column: 1, at: "phases", message: "expected a list of maps, got an empty value (null)" });
    expect(theError("phases: []\n")).toMatchObject({ line: 1, column: 9, at: "phases", message: "must not be empty" });
  });

  it("reports unknown top-level keys, with did-you-mean", () => {
    const all = errors(yaml("phase:", "  - id: p", "extends: .github"));
    expect(all.map((e) => [e.line, e.column, e.at, e.message, e.hint])).toEqual([
      [1, 1, "", "unknown key 'phase'", "did you mean 'phases'?"],
      [3, 1, "", "unknown key 'extends'", "did you mean '_extends'?"],
    ]);
  });
});

describe("YAML safety", () => {
  it("reports a duplicate key at the second key, with the first one's line", () => {
    expect(
      theError(
        yaml(
          "phases:", //                      1
          "  - id: p", //                    2
          "    name: P", //                  3
          "    checks: [secrets-baseline]", // 4
          "    name: Q", //                  5
        ),
      ),
    ).toEqual({
      line: 5,
      column: 5,
      endLine: 5,
      endColumn: 9,
      at: "phases[0]",
      message: "duplicate key 'name'",
      hint: "'name' is already set at line 3; keep one of them",
    });
  });

  it("reports every syntax error with its line and column", () => {
    const all = errors(
      yaml(
        "phases:", //                         1
        "  - id: p", //                       2
        '    name: "unterminated \\q"', //     3: a bad escape at column 25
        "\tchecks: [secrets-baseline]", //    4: a tab as indentation at column 1
      ),
    );
    expect(all.map((e) => [e.line, e.column, e.message])).toEqual([
      [3, 25, "YAML syntax error: Invalid escape sequence \\q"],
      [4, 1, "a tab is used for indentation"],
    ]);
  });

  it("reports an unclosed flow list", () => {
    const error = errors(yaml("phases:", "  - id: p", "    checks: [secrets-baseline", "    name: P"))[0];
    expect(error?.message).toMatch(/^YAML syntax error: /);
    expect(error?.line).toBe(4);
  });

  it("reports several documents, unknown tags and non-string keys", () => {
    expect(theError(yaml("phases: []", "---", "phases: []"))).toMatchObject({ line: 2, column: 1, message: "the file holds more than one YAML document ('---')" });
    expect(theError(yaml("phases: !!binary aGVsbG8="))).toMatchObject({ line: 1, column: 9, message: expect.stringContaining("unsupported YAML tag") });
    expect(theError(yaml("? [a, b]", ": 1"))).toMatchObject({ line: 1, column: 3, message: "a key is not a string" });
  });

  it("stops a billion-laughs alias bomb with an error", () => {
    const bomb = yaml(
      'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
      "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]",
      "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]",
      "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]",
      "phases: *i",
    );
    const error = theError(bomb);
    expect(error.message).toMatch(/^the aliases of this file expand to too many values/);
    // Pointed at the first alias: line 2, "b: &b [*a", column 8.
    expect([error.line, error.column]).toEqual([2, 8]);
  });

  it("reports an alias with no anchor and an alias inside its own anchor", () => {
    expect(theError(yaml("phases: *nowhere"))).toMatchObject({ line: 1, column: 9, at: "phases", message: "unknown alias '*nowhere'" });
    expect(theError(yaml("phases: &loop [*loop]"))).toMatchObject({ line: 1, column: 16, at: "phases[0]", message: "alias '*loop' is inside the node it names" });
  });

  it("refuses a file over the size cap at line 1, without parsing it", () => {
    const big = withChecks(...Array.from({ length: 20_000 }, () => "      - secrets-baseline"));
    expect(big.length).toBeGreaterThan(MAX_CHECKLIST_BYTES);
    expect(theError(big)).toEqual({
      line: 1,
      column: 1,
      at: "",
      message: `the checklist is ${Math.ceil(big.length / 1024)} KiB; the limit is 256 KiB`,
      hint: "a checklist lists phases and checks; move anything else out of this file",
    });
  });

  it("counts the cap in UTF-8 bytes", () => {
    // 90,000 three-byte characters: under the cap in UTF-16 units, over it in bytes.
    const text = `phases: []\n# ${"\u20AC".repeat(90_000)}\n`;
    expect(text.length).toBeLessThan(MAX_CHECKLIST_BYTES);
    expect(theError(text).message).toMatch(/^the checklist is 26\d KiB; the limit is 256 KiB$/);
  });

  it("refuses deep nesting before the YAML library recurses into it", () => {
    // Deep enough that composing it would overflow the stack (the library fails near 800 levels).
    const flow = `phases: ${"[".repeat(10_000)}\n`;
    expect(theError(flow)).toMatchObject({ line: 1, column: 9 + MAX_NESTING - 1, message: `the YAML is nested more than ${MAX_NESTING} levels deep` });
    const dashes = `${"- ".repeat(10_000)}x\n`;
    expect(theError(dashes).message).toBe(`the YAML is nested more than ${MAX_NESTING} levels deep`);
  });

  it("does not crash on replacement characters and control characters", () => {
    const text = withChecks("      - secrets-baseline\uFFFD", "      - \u0001\u0007\u001b[31m", "      - \uFFFD\uFFFD");
    const all = errors(text);
    expect(all.length).toBeGreaterThan(0);
    for (const e of all) {
      expect(e.line).toBeGreaterThanOrEqual(5);
      expect(e.column).toBeGreaterThanOrEqual(1);
    }
    // Invalid UTF-8 decoded with U+FFFD in a name is just text.
    const named = ok(yaml("phases:", "  - id: p", "    name: caf\uFFFD \uFFFD", "    checks: [secrets-baseline]"));
    expect(named.phases[0]?.name).toBe("caf\uFFFD \uFFFD");
  });

  it("keeps at most MAX_ERRORS errors, and says how many more there are", () => {
    const text = withChecks(...Array.from({ length: MAX_ERRORS + 20 }, (_, i) => `      - unknown-${i}`));
    const all = errors(text);
    expect(all).toHaveLength(MAX_ERRORS + 1);
    expect(all[MAX_ERRORS - 1]?.message).toBe(`unknown check 'unknown-${MAX_ERRORS - 1}'`);
    expect(all[MAX_ERRORS]?.message).toBe("20 more errors not shown");
  });

  it("escapes control characters and cuts long text in messages", () => {
    const all = errors(withChecks(`      - ${"x".repeat(5000)}`, '      - "bell\\a"'));
    expect(all.map((e) => e.message)).toEqual([`unknown check '${"x".repeat(79)}…'`, "unknown check 'bell\\u0007'"]);
  });

  it("treats __proto__ and other object keys as plain unknown keys", () => {
    const all = errors(yaml("__proto__: { polluted: true }", "constructor: 1", "phases:", "  - { id: p, name: P, checks: [__proto__, toString] }"));
    expect(all.map((e) => e.message)).toEqual(["unknown key '__proto__'", "unknown key 'constructor'", "unknown check '__proto__'", "unknown check 'toString'"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("the registry", () => {
  it("validates against the registry it is given", () => {
    const small = registryOf([withMin, withHooks]);
    expect(ok(withChecks("      - coverage-threshold"), small).phases[0]?.checks[0]?.check).toBe(withMin);
    expect(theError(withChecks("      - secrets-baseline"), small)).toMatchObject({
      message: "unknown check 'secrets-baseline'",
      hint: "valid checks: 'coverage-threshold', 'pre-commit-config'",
    });
  });

  it("turns a check whose options schema throws into an error, not a throw", () => {
    const explosive = defineCheck({
      id: "explosive",
      title: "explosive",
      description: "explosive",
      options: z.object({}).transform(() => {
        throw new Error("boom");
      }),
      messages: {},
      files: () => [],
      run: () => ({ status: "pass", summary: "ok", findings: [] }),
    }) as unknown as AnyCheck;
    expect(theError(withChecks("      - explosive"), registryOf([explosive]))).toEqual({
      line: 1,
      column: 1,
      at: "",
      message: "the checklist could not be read: boom",
    });
  });
});
