/**
 * Fuzz tests: whatever the bytes or structures in the files the check reads, it never throws (the
 * engine would report status `error`), never hangs, and always answers with a status.
 */
import fc from "fast-check";
import { stringify as yamlStringify } from "yaml";
import { describe, expect, it } from "vitest";
import { coverageThreshold as check } from "../../checks/coverage-threshold/index.js";
import { tomlKeyLine } from "../../checks/coverage-threshold/repo.js";
import { evaluateModule, getPath } from "../../checks/coverage-threshold/static-js.js";
import { parseXml } from "../../checks/coverage-threshold/xml.js";
import { runCheck } from "../support/check-tester.js";

const STATUSES = ["pass", "fail", "warn", "indeterminate", "not-applicable"];

const CONFIG_PATHS = [
  "pyproject.toml",
  "setup.cfg",
  "tox.ini",
  ".coveragerc",
  "pytest.ini",
  "package.json",
  "jest.config.js",
  "jest.config.ts",
  "vitest.config.ts",
  "vite.config.mjs",
  ".nycrc",
  ".nycrc.yml",
  ".c8rc.json",
  "codecov.yml",
  "tarpaulin.toml",
  "pom.xml",
  ".github/workflows/ci.yml",
  ".github/actions/x/action.yml",
  ".gitlab-ci.yml",
  "Makefile",
  "scripts/test.sh",
];

/** Files that make CI reach every reader, so fuzzed content is actually followed. */
const WIRING = {
  "src/app.py": "",
  ".github/workflows/ci.yml":
    "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/x\n      - run: |\n          pytest --cov\n          coverage report\n          npm test\n          npx jest --coverage\n          npx vitest run --coverage\n          nyc check-coverage\n          c8 check-coverage\n          make test\n          tox -e py\n          cargo tarpaulin\n          mvn verify\n          ./scripts/test.sh\n",
  "package.json": '{ "scripts": { "test": "jest && vitest run && nyc mocha" }, "devDependencies": { "vitest": "^3.0.0" } }\n',
  Makefile: "test:\n\tpytest --cov --cov-fail-under=80\n",
  "tox.ini": "[testenv]\ncommands = pytest {posargs}\n",
};

async function statusOf(files: Record<string, string | Uint8Array>): Promise<string> {
  const r = await runCheck(check, files);
  expect(r.status, r.summary).not.toBe("error");
  expect(STATUSES).toContain(r.status);
  return r.status;
}

describe("coverage-threshold fuzz: arbitrary bytes in every file it reads", () => {
  it("never errors on random text in one config file", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONFIG_PATHS), fc.string({ unit: "grapheme", maxLength: 300 }), async (path, text) => {
        await statusOf({ ...WIRING, [path]: text });
      }),
      { numRuns: 150 },
    );
  });

  it("never errors on random bytes (binary and invalid UTF-8 included)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONFIG_PATHS), fc.uint8Array({ maxLength: 300 }), async (path, bytes) => {
        await statusOf({ ...WIRING, [path]: bytes });
      }),
      { numRuns: 100 },
    );
  });

  it("never errors on lines made of the formats' own tokens", async () => {
    const token = fc.constantFrom(
      "[tool.coverage.report]", "[tool.pytest.ini_options]", "[coverage:report]", "[tool:pytest]", "[pytest]", "[report]", "[testenv]",
      "fail_under = 80", 'addopts = "--cov --cov-fail-under=90"', "addopts =", "  --cov-fail-under=85", "commands = pytest {posargs}",
      "fail-under = 82.5", "[ci]", "\t-pytest", "test:", "jobs:", "  t:", "    steps:", "      - run: pytest", "continue-on-error: true",
      "{", "}", "[", "]", '"', "'", "=", ":", "#", "\\", "${{ matrix.x }}", "$(MAKE)", "|| true", "&&", "|", "set -e", "<project>", "</project>",
      "<minimum>0.8</minimum>", "module.exports = {", "coverageThreshold: { global: { lines: 80 } }", "...x,", "export default defineConfig({",
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONFIG_PATHS), fc.array(token, { maxLength: 25 }), async (path, lines) => {
        await statusOf({ ...WIRING, [path]: lines.join("\n") });
      }),
      { numRuns: 150 },
    );
  });
});

describe("coverage-threshold fuzz: arbitrary structures", () => {
  it("never errors on any JSON in package.json, .nycrc, .c8rc.json and jest.config.json", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("package.json", ".nycrc", ".c8rc.json", "jest.config.json"), fc.jsonValue({ maxDepth: 5 }), async (path, value) => {
        await statusOf({ ...WIRING, [path]: JSON.stringify(value) });
      }),
      { numRuns: 100 },
    );
  });

  it("never errors on any YAML structure in workflows, GitLab CI, codecov.yml and composite actions", async () => {
    const key = fc.constantFrom("on", "jobs", "steps", "run", "uses", "with", "args", "env", "shell", "if", "continue-on-error", "working-directory", "defaults", "script", "coverage", "status", "project", "target", "runs", "using", "extends", "allow_failure", "push");
    const tree = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { maxDepth: 5 },
        fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom("pytest --cov --cov-fail-under=90", "true", "auto", "80%", "./.github/actions/x", "composite")),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(key, tie("node"), { maxKeys: 5 }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(".github/workflows/ci.yml", ".gitlab-ci.yml", "codecov.yml", ".github/actions/x/action.yml"), tree, async (path, value) => {
        await statusOf({ ...WIRING, [path]: yamlStringify(value) });
      }),
      { numRuns: 100 },
    );
  });

  it("never errors on generated JS/TS configs", async () => {
    const leaf = fc.oneof(
      fc.integer({ min: -200, max: 200 }).map(String),
      fc.constantFrom("process.env.COV", "Number(process.env.X || 70)", "true", "undefined", "null", "base", "cfg.x", "`t`", "'s'", "[1, 2]", "(() => 1)()", "a ? 80 : 90"),
    );
    const obj = fc.letrec<{ obj: string }>((tie) => ({
      obj: fc
        .array(
          fc.oneof(
            fc.tuple(fc.constantFrom("coverageThreshold", "global", "lines", "statements", "test", "coverage", "thresholds", "enabled", "collectCoverage", "100", "perFile", "projects"), fc.oneof({ maxDepth: 4 }, leaf, tie("obj"))).map(([k, v]) => `${k}: ${v}`),
            fc.constantFrom("...base", "...require('./x')", "[k]: 1", "m() { return 1 }"),
          ),
          { maxLength: 5 },
        )
        .map((props) => `{ ${props.join(", ")} }`),
    })).obj;
    const wrap = fc.constantFrom(
      (o: string) => `module.exports = ${o};`,
      (o: string) => `export default ${o} satisfies Config;`,
      (o: string) => `import { defineConfig } from 'vitest/config';\nconst base = ${o};\nexport default defineConfig(({ mode }) => ({ ...base, test: ${o} }));`,
      (o: string) => `const base = require('./jest.base');\nmodule.exports = ${o};`,
      (o: string) => `export default mergeConfig(${o}, ${o});`,
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("jest.config.js", "jest.config.ts", "vitest.config.ts", "jest.base.js"), wrap, obj, async (path, w, o) => {
        await statusOf({ ...WIRING, "jest.config.js": "module.exports = { collectCoverage: true };", [path]: w(o) });
      }),
      { numRuns: 150 },
    );
  });
});

describe("coverage-threshold fuzz: reader entry points", () => {
  it("evaluateModule never throws and getPath always answers", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom("a.js", "a.ts"), (text, path) => {
        const m = evaluateModule(path, text, { read: () => text });
        if (m.ok) getPath(m.value, ["coverageThreshold", "global", "lines"]);
        expect(typeof m.ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });

  it("a self-importing config terminates", () => {
    const m = evaluateModule("jest.config.js", "const a = require('./jest.config.js');\nmodule.exports = { ...a, x: a };", { read: () => "const a = require('./jest.config.js');\nmodule.exports = { ...a, x: a };" });
    expect(m.ok).toBe(true);
  });

  it("parseXml and tomlKeyLine never throw", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const x = parseXml(text);
        expect(typeof x.ok).toBe("boolean");
        const line = tomlKeyLine(text, ["tool", "coverage", "report", "fail_under"]);
        expect(line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
