/**
 * pre-commit-config runs the repository's `files`/`exclude` patterns (Python regexes) on its paths.
 * They run on RE2 (src/parsers/python-regex.ts, tested against Python there): a catastrophic
 * pattern over a long path is decided in linear time, and what RE2 cannot run is `cannot-evaluate`
 * (indeterminate), never a guess and never a backtracking fallback.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { preCommitConfig } from "../../checks/pre-commit-config/index.js";
import { CHECK_STATUSES } from "../../src/check/types.js";
import { expectResult, runCheck } from "../support/check-tester.js";
import { CONFIG, lines, WORKFLOW } from "./fixtures/pre-commit-config/cases.js";

/** One pinned mypy hook with a `files`/`exclude` line (line 5 is the hook). */
function mypyWith(...more: string[]): string {
  return lines("repos:", "  - repo: https://github.com/pre-commit/mirrors-mypy", "    rev: v1.11.2", "    hooks:", "      - id: mypy", ...more);
}

const REQUIRED = { hooks: ["mypy"] };
const LONG_A = `${"a".repeat(4999)}!`;
const LONG_X = "x".repeat(5000);

describe("pre-commit-config: ReDoS patterns in files/exclude run in linear time", () => {
  it("exclude '(a+)+$' over a 5,000-character path: it does not match, the hook runs -> pass", async () => {
    const r = await runCheck(preCommitConfig, { [CONFIG]: mypyWith("        exclude: '(a+)+$'"), [LONG_A]: "", ...WORKFLOW }, REQUIRED);
    expectResult(preCommitConfig, r, "pass");
  });

  it("exclude '(x+x+)+y' with the only path 5,000 x's: not excluded -> pass", async () => {
    const r = await runCheck(preCommitConfig, { [CONFIG]: mypyWith("        exclude: '(x+x+)+y'"), [LONG_X]: "", ...WORKFLOW }, REQUIRED);
    expectResult(preCommitConfig, r, "pass");
  });

  it("exclude '(.*a){20}' matching the only path not under a dot directory: no file left -> warn hook-disabled", async () => {
    const r = await runCheck(preCommitConfig, { [CONFIG]: mypyWith("        exclude: '^\\.|(.*a){20}'"), [LONG_A]: "", ...WORKFLOW }, REQUIRED);
    expectResult(preCommitConfig, r, "warn", [{ messageId: "hook-disabled", path: CONFIG, line: 5 }]);
  });

  it("files '(.*a){20}' matching no path (5,000 x's): no file left -> warn hook-disabled", async () => {
    const r = await runCheck(preCommitConfig, { [CONFIG]: mypyWith("        files: '(.*a){20}'"), [LONG_X]: "", ...WORKFLOW }, REQUIRED);
    expectResult(preCommitConfig, r, "warn", [{ messageId: "hook-disabled", path: CONFIG, line: 5 }]);
  });
});

describe("pre-commit-config: patterns RE2 cannot run", () => {
  it("a back-reference in exclude -> indeterminate cannot-evaluate, naming the pattern and why", async () => {
    const r = await runCheck(preCommitConfig, { [CONFIG]: mypyWith("        exclude: '(a)\\1'"), "src/app.py": "", ...WORKFLOW }, REQUIRED);
    expectResult(preCommitConfig, r, "indeterminate", [{ messageId: "cannot-evaluate", path: CONFIG, line: 5 }]);
    expect(r.findings[0]?.message).toBe("Whether required hook 'mypy' runs on any file cannot be decided: the pattern '(a)\\1' (RE2 cannot run back-references)");
  });

  it("a look-ahead is run (reversed): files '^(?!src/)[a-z]' with only src/ files -> hook-disabled", async () => {
    const none = await runCheck(preCommitConfig, { [CONFIG]: mypyWith("        files: '^(?!src/)[a-z]'"), "src/app.py": "", ...WORKFLOW }, REQUIRED);
    expectResult(preCommitConfig, none, "warn", [{ messageId: "hook-disabled", path: CONFIG, line: 5 }]);
    const some = await runCheck(preCommitConfig, { [CONFIG]: mypyWith("        files: '^(?!src/)[a-z]'"), "src/app.py": "", "tools/x.py": "", ...WORKFLOW }, REQUIRED);
    expectResult(preCommitConfig, some, "pass");
  });

  it("a non-ASCII path where RE2's \\b differs from Python's is undecided only when it is the last hope", async () => {
    // "é" is a word character for Python, not for RE2's ASCII \b: the path cannot be decided.
    const only = await runCheck(preCommitConfig, { [CONFIG]: mypyWith("        exclude: '^\\.|\\bx'"), "é/x.py": "", ...WORKFLOW }, REQUIRED);
    expectResult(preCommitConfig, only, "indeterminate", [{ messageId: "cannot-evaluate", path: CONFIG, line: 5 }]);
    // With an ASCII path left for the hook, the verdict is decided.
    const more = await runCheck(preCommitConfig, { [CONFIG]: mypyWith("        exclude: '^\\.|\\bx'"), "é/x.py": "", "src/app.py": "", ...WORKFLOW }, REQUIRED);
    expectResult(preCommitConfig, more, "pass");
  });
});

describe("pre-commit-config: arbitrary files/exclude patterns over arbitrary paths", () => {
  it("never throw and always give a status", async () => {
    const pattern = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.array(fc.constantFrom("(", ")", "a", "+", "*", "$", "^", "(?!", "(?<=a)", "\\1", "|", ".", "{20}", "[", "]", "\\b", "(?x)"), { maxLength: 12 }).map((a) => a.join("")),
    );
    const path = fc.oneof(fc.stringMatching(/^[a-z.é]{1,20}(\/[a-z.]{1,10}){0,2}$/), fc.constant(LONG_A));
    await fc.assert(
      fc.asyncProperty(pattern, pattern, fc.uniqueArray(path, { minLength: 1, maxLength: 4 }), async (files, exclude, paths) => {
        const config = mypyWith(`        files: ${JSON.stringify(files)}`, `        exclude: ${JSON.stringify(exclude)}`);
        const repo = Object.fromEntries([...paths.map((p) => [p, ""] as const), [CONFIG, config], ...Object.entries(WORKFLOW)]);
        const r = await runCheck(preCommitConfig, repo, REQUIRED);
        expect(CHECK_STATUSES).toContain(r.status);
        expect(r.status, r.summary).not.toBe("error");
      }),
      { numRuns: 150 },
    );
  });
});
