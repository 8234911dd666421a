/**
 * Fuzzing every entry point of secrets-baseline: the baseline reader (bytes, JSON-like text and
 * baseline-shaped structures), the pre-commit config and CI files it reads, the shell reader, the
 * Python-regex translator and the scan. Nothing may throw out of the check; every run gives a
 * status. The JSON scanner must agree with `JSON.parse` on what is JSON.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readBaseline } from "../../checks/secrets-baseline/baseline.js";
import { findRuns } from "../../checks/secrets-baseline/commands.js";
import { secretsBaseline } from "../../checks/secrets-baseline/index.js";
import { scanJson } from "../../checks/secrets-baseline/json-scan.js";
import { shlexSplit, tokenizeShell } from "../../checks/secrets-baseline/shell.js";
import { CHECK_STATUSES } from "../../src/check/types.js";
import { compileRepoRegex } from "../../src/parsers/python-regex.js";
import { runCheck } from "../support/check-tester.js";

const HOOK = "repos:\n- repo: https://github.com/Yelp/detect-secrets\n  rev: v1.5.0\n  hooks:\n  - id: detect-secrets\n    args: [--baseline, .secrets.baseline]\n";

/** Text built from JSON's own alphabet, so that near-JSON is common. */
const jsonish = fc
  .array(
    fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'a', '1', '-', '.', 'e', ' ', '\n', 'true', 'null', '"k"', '"version"', '0', '//', "'", 'u00', '\t'),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(""));

const jsonValue = fc.jsonValue({ maxDepth: 4 });

/** Baseline-shaped objects with arbitrary values where detect-secrets expects types. */
const baselineShaped = fc.record(
  {
    version: fc.oneof(fc.constantFrom("1.5.0", "0.13.1", "0.13.1+ibm.62.dss", "0.8.0", "1.5", ""), jsonValue),
    plugins_used: fc.oneof(fc.array(fc.oneof(fc.record({ name: fc.constantFrom("AWSKeyDetector", "KeywordDetector") }), jsonValue)), jsonValue),
    filters_used: fc.oneof(
      fc.array(fc.oneof(fc.record({ path: fc.constantFrom("detect_secrets.filters.regex.should_exclude_file", "x"), pattern: fc.oneof(fc.array(fc.string()), fc.string(), jsonValue) }), jsonValue)),
      jsonValue,
    ),
    results: fc.oneof(
      fc.dictionary(
        fc.oneof(fc.constantFrom("settings.py", "a\\b.py", "./x", "", "__proto__"), fc.string()),
        fc.oneof(
          fc.array(
            fc.record(
              {
                type: fc.oneof(fc.constantFrom("Private Key", "Secret Keyword"), jsonValue),
                hashed_secret: fc.oneof(fc.constant("a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"), fc.string(), jsonValue),
                line_number: fc.oneof(fc.integer({ min: -2, max: 1e9 }), jsonValue),
                is_secret: fc.oneof(fc.boolean(), jsonValue),
                is_verified: fc.oneof(fc.boolean(), jsonValue),
              },
              { requiredKeys: [] },
            ),
          ),
          jsonValue,
        ),
      ),
      jsonValue,
    ),
    generated_at: fc.string(),
    exclude: fc.oneof(fc.record({ files: fc.oneof(fc.string(), fc.constant(null)) }), jsonValue),
  },
  { requiredKeys: [] },
);

async function expectStatus(files: Record<string, string | Uint8Array>, options: unknown = {}): Promise<void> {
  const report = await runCheck(secretsBaseline, files, options);
  expect(CHECK_STATUSES).toContain(report.status);
  // A throw inside the check becomes `error` in the engine: that is a bug here.
  expect(report.status, report.summary).not.toBe("error");
}

describe("secrets-baseline fuzz", () => {
  it("scanJson agrees with JSON.parse on arbitrary and JSON-like text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), jsonish, jsonValue.map((v) => JSON.stringify(v, null, 1))), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const scanned = scanJson(text);
        expect(scanned.ok, text).toBe(valid);
        if (!scanned.ok) {
          expect(scanned.error.line).toBeGreaterThanOrEqual(1);
          expect(scanned.error.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("scanJson survives deep nesting without recursion", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(scanJson(deep).ok).toBe(true);
    expect(readBaseline(deep).ok).toBe(false);
  });

  it("readBaseline never throws on bytes-as-text, JSON-ish text or baseline-shaped values", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), jsonish, baselineShaped.map((b) => JSON.stringify(b, null, 2))), (text) => {
        const r = readBaseline(text);
        for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("the check gives a status for arbitrary bytes as the baseline", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        await expectStatus({ ".secrets.baseline": bytes, ".pre-commit-config.yaml": HOOK });
      }),
      { numRuns: 100 },
    );
  });

  it("the check gives a status for baseline-shaped structures", async () => {
    await fc.assert(
      fc.asyncProperty(baselineShaped, async (b) => {
        await expectStatus({ ".secrets.baseline": JSON.stringify(b, null, 2), ".pre-commit-config.yaml": HOOK, "settings.py": "x = 1\n" });
      }),
      { numRuns: 100 },
    );
  });

  it("the check gives a status for arbitrary pre-commit configs, workflows, Makefiles and tox files", async () => {
    const hookish = fc
      .record({
        repo: fc.constantFrom("local", "https://github.com/Yelp/detect-secrets", "https://github.com/ibm/detect-secrets", "meta", ""),
        rev: fc.oneof(fc.constantFrom("v1.5.0", "0.13.1+ibm.62.dss", "main"), fc.string({ maxLength: 8 })),
        id: fc.constantFrom("detect-secrets", "gitleaks", "detect-private-key", "x"),
        entry: fc.oneof(fc.constantFrom("detect-secrets-hook", "bash -c 'detect-secrets-hook --baseline", "uv run"), fc.string({ maxLength: 30 })),
        args: fc.array(fc.oneof(fc.constantFrom("--baseline", "--baseline=", ".secrets.baseline"), fc.string({ maxLength: 10 })), { maxLength: 4 }),
        files: fc.oneof(fc.constantFrom("(?x) a # c", "(?P<n>x)(?P=n)", "[", "^$", ".*", "(?i)A", "(a+)+$", "^(?!src/)", "(?<=a)b", "(?>a)"), fc.string({ maxLength: 10 })),
      })
      .map(
        (h) =>
          `repos:\n- repo: ${JSON.stringify(h.repo)}\n  rev: ${JSON.stringify(h.rev)}\n  hooks:\n  - id: ${h.id}\n    entry: ${JSON.stringify(h.entry)}\n    args: ${JSON.stringify(h.args)}\n    files: ${JSON.stringify(h.files)}\n`,
      );
    const script = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc
        .array(fc.constantFrom("detect-secrets", "audit", "scan", "--baseline", "x", "||", "true", "&&", "|", ";", "'", '"', "\\\n", "$(", ")", "#", "-", "--fail-on-live", "bash -c", "xargs -0", "\n"), { maxLength: 20 })
        .map((a) => a.join(" ")),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), hookish), script, script, async (config, run, recipe) => {
        await expectStatus({
          ".pre-commit-config.yaml": config,
          ".secrets.baseline": '{"version":"1.5.0","plugins_used":[],"filters_used":[],"results":{}}',
          ".github/workflows/a.yml": `on: push\njobs:\n  a:\n    continue-on-error: true\n    steps:\n      - run: ${JSON.stringify(run)}\n`,
          Makefile: `all:\n\t${recipe.replace(/\n/g, "\n\t")}\n`,
          "tox.ini": `[testenv]\ncommands =\n    ${run.replace(/\n/g, "\n    ")}\n`,
        });
      }),
      { numRuns: 100 },
    );
  });

  it("the shell reader, shlex and the regex translator never throw", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        tokenizeShell(s);
        shlexSplit(s);
        findRuns(s);
        const re = compileRepoRegex(s);
        if (re.ok === true) expect([true, false, undefined]).toContain(re.search("a/b.py"));
      }),
      { numRuns: 300 },
    );
  });

  it("the scan gives a status for arbitrary file contents", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (content) => {
        const report = await runCheck(secretsBaseline, {
          ".secrets.baseline": '{"version":"1.5.0","plugins_used":[{"name":"AWSKeyDetector"}],"filters_used":[],"results":{}}',
          ".pre-commit-config.yaml": HOOK,
          ".env": content,
          "config/app.ini": content,
        });
        expect(report.status).not.toBe("error");
      }),
      { numRuns: 100 },
    );
  });
});
