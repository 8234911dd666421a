import { describe, expect, it } from "vitest";
import { coverageThreshold as check } from "../../checks/coverage-threshold/index.js";
import { expectPass, expectResult, runCheck } from "../support/check-tester.js";

function workflow(...steps: string[]): string {
  return ["on: [push, pull_request]", "jobs:", "  test:", "    runs-on: ubuntu-latest", "    steps:", "      - uses: actions/checkout@v4", ...steps, ""].join("\n");
}
const WF = ".github/workflows/ci.yml";
const PY = { "src/app.py": "print(1)\n" };
const PKG_JEST = '{ "scripts": { "test": "jest" }, "devDependencies": { "jest": "^29.7.0" } }\n';

describe("coverage-threshold: false-positive traps (spec §3.6 and the issue)", () => {
  it("nyc watermarks only colour the report: no gate", async () => {
    const r = await runCheck(check, {
      "package.json": '{ "scripts": { "test": "nyc mocha" } }\n',
      ".nycrc": '{ "watermarks": { "lines": [80, 95], "statements": [80, 95] } }\n',
      [WF]: workflow("      - run: npm test"),
    });
    expectResult(check, r, "fail", [{ messageId: "no-gate" }]);
  });

  it("codecov range only colours the badge: no gate", async () => {
    const r = await runCheck(check, { ...PY, "codecov.yml": 'coverage:\n  range: "80...100"\n  precision: 2\n' });
    expectResult(check, r, "fail", [{ messageId: "no-gate" }]);
  });

  it("k6 thresholds are latency budgets, not coverage", async () => {
    const r = await runCheck(check, {
      "package.json": '{ "scripts": { "load": "k6 run load/script.js" } }\n',
      "load/script.js": "export const options = { thresholds: { http_req_duration: ['p(95)<500'], checks: ['rate>0.8'] } };\n",
      "load/config.json": '{ "thresholds": { "http_req_failed": ["rate<0.01"] } }\n',
      [WF]: workflow("      - run: npm run load"),
    });
    expectResult(check, r, "fail", [{ messageId: "no-gate" }]);
  });

  it("--cov-fail-under in a README code block is not configuration", async () => {
    const r = await runCheck(check, { ...PY, "README.md": "```\npytest --cov --cov-fail-under=90\n```\n", "docs/ci.yml": "run: pytest --cov-fail-under=90\n" });
    expectResult(check, r, "fail", [{ messageId: "no-gate" }]);
  });

  it("per-shard --cov-fail-under=0 is fine when the combined report is gated (facts: the combined gate)", async () => {
    const wf = [
      "on: [pull_request]",
      "jobs:",
      "  test:",
      "    strategy: { matrix: { shard: [1, 2, 3] } }",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: pytest --cov=src --cov-fail-under=0 --splits 3 --group ${{ matrix.shard }}",
      "  coverage:",
      "    needs: test",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: |",
      "          coverage combine",
      "          coverage report",
      "",
    ].join("\n");
    const r = await expectPass(check, { ...PY, "pyproject.toml": "[tool.coverage.report]\nfail_under = 85\n", [WF]: wf });
    expect(r.facts).toEqual({ minimum: 85, source: { path: "pyproject.toml", line: 2 } });
  });

  it("per-shard --cov-fail-under=0 with no combined gate switches the configured gate off", async () => {
    const r = await runCheck(check, {
      ...PY,
      "pyproject.toml": "[tool.coverage.report]\nfail_under = 85\n",
      [WF]: workflow("      - run: pytest --cov=src --cov-fail-under=0"),
    });
    expectResult(check, r, "fail", [{ messageId: "gate-neutralised", path: WF, line: 7 }]);
  });

  it("the combined gate on the CLI (coverage report --fail-under) also counts", async () => {
    const r = await expectPass(check, {
      ...PY,
      [WF]: workflow("      - run: pytest --cov=src --cov-fail-under=0", "      - run: coverage report --fail-under=88"),
    });
    expect(r.facts).toEqual({ minimum: 88, source: { path: WF, line: 8 } });
  });

  it("a fail_under in a sub-package applies only when CI runs there (working-directory)", async () => {
    const files = { ...PY, "backend/pyproject.toml": "[tool.coverage.report]\nfail_under = 90\n" };
    const r1 = await runCheck(check, { ...files, [WF]: workflow("      - run: pytest --cov=app") });
    expectResult(check, r1, "warn", [{ messageId: "not-enforced-in-ci", path: "backend/pyproject.toml", line: 2 }]);
    await expectPass(check, { ...files, [WF]: workflow("      - run: pytest --cov=app", "        working-directory: backend") });
    await expectPass(check, { ...files, [WF]: workflow("      - run: cd backend && pytest --cov=app") });
  });

  it("tox commands = pytest {posargs} with the gate in setup.cfg [tool:pytest], CI tox -e py", async () => {
    await expectPass(check, {
      ...PY,
      "setup.cfg": "[tool:pytest]\naddopts = --cov=src --cov-fail-under=80\n",
      "tox.ini": "[tox]\nenvlist = py311,lint\n\n[testenv]\ncommands = pytest {posargs}\n\n[testenv:lint]\ncommands = ruff check .\n",
      [WF]: workflow("      - run: tox -e py"),
    });
  });

  it("jest coverageThreshold inside projects[] is not a per-project option: a warning", async () => {
    const r = await runCheck(check, {
      "package.json": PKG_JEST,
      "jest.config.js": "module.exports = {\n  projects: [\n    { displayName: 'api', coverageThreshold: { global: { lines: 90 } } },\n  ],\n};\n",
      [WF]: workflow("      - run: npx jest --coverage"),
    });
    expectResult(check, r, "warn", [{ messageId: "dead-config", path: "jest.config.js", line: 3 }]);
    expect(r.findings[0]?.severity).toBe("warning");
  });

  it("coverage run then coverage report in separate steps is enforced", async () => {
    await expectPass(check, {
      ...PY,
      ".coveragerc": "[report]\nfail_under = 81\n",
      [WF]: workflow("      - run: coverage run -m pytest", "      - run: coverage xml"),
    });
  });

  it("codecov-action fail_ci_if_error is about uploads, not coverage", async () => {
    const r = await runCheck(check, {
      ...PY,
      [WF]: workflow("      - run: pytest --cov=src", "      - uses: codecov/codecov-action@v4", "        with:", "          fail_ci_if_error: true"),
    });
    expectResult(check, r, "fail", [{ messageId: "no-gate" }]);
  });
});

describe("coverage-threshold: what neutralises a gate in CI", () => {
  const gate = { ...PY, "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--cov=src --cov-fail-under=90"\n' };

  it("|| true", async () => {
    const r = await runCheck(check, { ...gate, [WF]: workflow("      - run: pytest || true") });
    expectResult(check, r, "fail", [{ messageId: "gate-neutralised", path: WF, line: 7 }]);
    expect(r.findings[0]?.message).toContain('"|| true"');
  });

  it("a pipe into tee loses the exit status under the default shell, not under shell: bash", async () => {
    const r = await runCheck(check, { ...gate, [WF]: workflow("      - run: pytest | tee pytest.log") });
    expectResult(check, r, "fail", [{ messageId: "gate-neutralised", path: WF, line: 7 }]);
    await expectPass(check, { ...gate, [WF]: workflow("      - run: pytest | tee pytest.log", "        shell: bash") });
  });

  it("set +e before the run, with more commands after it", async () => {
    const r = await runCheck(check, { ...gate, [WF]: workflow("      - run: |", "          set +e", "          pytest", "          echo done") });
    expectResult(check, r, "fail", [{ messageId: "gate-neutralised", path: WF, line: 9 }]);
  });

  it("shell: bash -l {0} has no -e: a later command hides the failure", async () => {
    const r = await runCheck(check, { ...gate, [WF]: workflow("      - run: |", "          pytest", "          echo done", "        shell: bash -l {0}") });
    expectResult(check, r, "fail", [{ messageId: "gate-neutralised", path: WF, line: 8 }]);
    await expectPass(check, { ...gate, [WF]: workflow("      - run: |", "          pytest", "          echo done", "        shell: bash -el {0}") });
  });

  it("job-level continue-on-error", async () => {
    const wf = ["on: push", "jobs:", "  test:", "    runs-on: ubuntu-latest", "    continue-on-error: true", "    steps:", "      - run: pytest", ""].join("\n");
    const r = await runCheck(check, { ...gate, [WF]: wf });
    expectResult(check, r, "fail", [{ messageId: "gate-neutralised", path: WF, line: 5 }]);
  });

  it("--no-cov switches pytest-cov off; -p no:cov makes the --cov options in addopts a usage error", async () => {
    const r = await runCheck(check, { ...gate, [WF]: workflow("      - run: pytest --no-cov") });
    expectResult(check, r, "fail", [{ messageId: "coverage-not-collected", path: WF, line: 7 }]);
    // pytest 7.2 + pytest-cov 4.0: exit 4, "unrecognized arguments: --cov=src --cov-fail-under=90"
    const r2 = await runCheck(check, { ...gate, [WF]: workflow("      - run: pytest -p no:cov") });
    expectResult(check, r2, "fail", [{ messageId: "broken-config", path: WF, line: 7 }]);
  });

  it("a workflow that only runs on workflow_dispatch or schedule is not CI on PRs", async () => {
    const wf = ["on:", "  workflow_dispatch:", "  schedule:", "    - cron: '0 0 * * *'", "jobs:", "  t:", "    runs-on: ubuntu-latest", "    steps:", "      - run: pytest", ""].join("\n");
    const r = await runCheck(check, { ...gate, [WF]: wf });
    expectResult(check, r, "warn", [{ messageId: "not-enforced-in-ci", path: "pyproject.toml", line: 2 }]);
  });

  it("a job or step with if: false never runs", async () => {
    const r = await runCheck(check, { ...gate, [WF]: workflow("      - run: pytest", "        if: ${{ false }}") });
    expectResult(check, r, "warn", [{ messageId: "not-enforced-in-ci", path: "pyproject.toml", line: 2 }]);
  });

  it("a Makefile recipe line starting with - is ignored by make", async () => {
    const r = await runCheck(check, { ...gate, Makefile: "test:\n\t-pytest\n", [WF]: workflow("      - run: make test") });
    expectResult(check, r, "fail", [{ messageId: "gate-neutralised", path: "Makefile", line: 2 }]);
  });

  it("GitLab allow_failure: true", async () => {
    const r = await runCheck(check, { ...gate, ".gitlab-ci.yml": "test:\n  script:\n    - pytest\n  allow_failure: true\n" });
    expectResult(check, r, "fail", [{ messageId: "gate-neutralised", path: ".gitlab-ci.yml", line: 4 }]);
  });
});

describe("coverage-threshold: Python configuration rules", () => {
  it("[pytest] in setup.cfg is an error in pytest", async () => {
    const r = await runCheck(check, { ...PY, "setup.cfg": "[pytest]\naddopts = --cov --cov-fail-under=90\n" });
    expectResult(check, r, "fail", [{ messageId: "broken-config", path: "setup.cfg", line: 1 }]);
  });

  it("fail_under above 100 is a ConfigError; --cov-fail-under above 100 is refused", async () => {
    const r = await runCheck(check, { ...PY, ".coveragerc": "[report]\nfail_under = 101\n" });
    expectResult(check, r, "fail", [{ messageId: "broken-config", path: ".coveragerc", line: 2 }]);
    const r2 = await runCheck(check, { ...PY, "pytest.ini": "[pytest]\naddopts = --cov --cov-fail-under=120\n" });
    expectResult(check, r2, "fail", [{ messageId: "broken-config", path: "pytest.ini", line: 2 }]);
  });

  it("setup.cfg [report] without the coverage: prefix is never read", async () => {
    const r = await runCheck(check, { ...PY, "setup.cfg": "[report]\nfail_under = 90\n" });
    expectResult(check, r, "fail", [{ messageId: "dead-config", path: "setup.cfg", line: 2 }]);
  });

  it("a duplicate option anywhere in setup.cfg makes coverage.py stop when it reads the file", async () => {
    const r = await runCheck(check, {
      ...PY,
      "setup.cfg": "[flake8]\nmax-line-length = 88\nmax-line-length = 100\n\n[coverage:report]\nfail_under = 90\n",
      [WF]: workflow("      - run: pytest --cov=src"),
    });
    expectResult(check, r, "fail", [{ messageId: "broken-config", path: "setup.cfg", line: 3 }]);
  });

  it("fail_under = ${COV_MIN} is substituted from the environment: indeterminate", async () => {
    const r = await runCheck(check, { ...PY, ".coveragerc": "[report]\nfail_under = ${COV_MIN}\n", [WF]: workflow("      - run: pytest --cov=src") });
    expectResult(check, r, "indeterminate", [{ messageId: "dynamic-threshold", path: ".coveragerc", line: 2 }]);
  });

  it("PYTEST_ADDOPTS in the workflow env adds the gate", async () => {
    const wf = ["on: push", "env:", "  PYTEST_ADDOPTS: --cov=src --cov-fail-under=83", "jobs:", "  t:", "    runs-on: ubuntu-latest", "    steps:", "      - run: pytest", ""].join("\n");
    const r = await expectPass(check, { ...PY, [WF]: wf });
    expect(r.facts).toEqual({ minimum: 83, source: { path: WF, line: 3 } });
  });

  it("--cov-fail-under=$MIN: literal env resolves, ${{ vars.MIN }} is indeterminate", async () => {
    const lit = ["on: push", "jobs:", "  t:", "    runs-on: ubuntu-latest", "    env:", "      MIN: 86", "    steps:", "      - run: pytest --cov=src --cov-fail-under=$MIN", ""].join("\n");
    const r = await expectPass(check, { ...PY, [WF]: lit });
    expect(r.facts).toEqual({ minimum: 86, source: { path: WF, line: 8 } });
    const dyn = lit.replace("MIN: 86", "MIN: ${{ vars.MIN }}");
    const r2 = await runCheck(check, { ...PY, [WF]: dyn });
    expectResult(check, r2, "indeterminate", [{ messageId: "dynamic-threshold", path: WF, line: 8 }]);
  });

  it("pytest 9 [tool.pytest] takes a list for addopts; a string there is an error", async () => {
    await expectPass(check, { ...PY, "pyproject.toml": '[tool.pytest]\naddopts = ["--cov=src", "--cov-fail-under=80"]\n', [WF]: workflow("      - run: pytest") });
    const r = await runCheck(check, { ...PY, "pyproject.toml": '[tool.pytest]\naddopts = "--cov=src --cov-fail-under=80"\n', [WF]: workflow("      - run: pytest") });
    expectResult(check, r, "fail", [{ messageId: "broken-config", path: "pyproject.toml", line: 2 }]);
  });

  it("Makefile targets, variables and prerequisites are followed", async () => {
    const r = await expectPass(check, {
      ...PY,
      Makefile: "COV_MIN := 87\nPYTEST = python -m pytest\n\n.PHONY: test ci\nci: lint test\n\nlint:\n\truff check .\n\ntest:\n\t$(PYTEST) --cov=src --cov-fail-under=$(COV_MIN)\n",
      [WF]: workflow("      - run: make ci"),
    });
    expect(r.facts).toEqual({ minimum: 87, source: { path: "Makefile", line: 11 } });
  });

  it("poetry run / uv run / python -m wrappers are seen through", async () => {
    const gate = { ...PY, "pyproject.toml": "[tool.coverage.report]\nfail_under = 80\n" };
    await expectPass(check, { ...gate, [WF]: workflow("      - run: poetry run pytest --cov=src") });
    await expectPass(check, { ...gate, [WF]: workflow("      - run: uv run --frozen python -m pytest --cov=src") });
  });

  it("scripts defined in pyproject.toml: hatch run env:script, pdm run, taskipy", async () => {
    const r = await expectPass(check, {
      ...PY,
      "pyproject.toml": '[tool.hatch.envs.test.scripts]\ncov = "pytest --cov=src --cov-fail-under=91 {args}"\n',
      [WF]: workflow("      - run: hatch run test:cov"),
    });
    expect(r.facts).toEqual({ minimum: 91, source: { path: "pyproject.toml", line: 2 } });
    await expectPass(check, { ...PY, "pyproject.toml": '[tool.pdm.scripts]\ntest = { cmd = "pytest --cov=src --cov-fail-under=85" }\n', [WF]: workflow("      - run: pdm run test") });
    await expectPass(check, { ...PY, "pyproject.toml": '[tool.taskipy.tasks]\ntest = "pytest --cov=src --cov-fail-under=85"\n', [WF]: workflow("      - run: poetry run task test") });
  });

  it("the min option raises the bar", async () => {
    const files = { ...PY, "pyproject.toml": "[tool.coverage.report]\nfail_under = 85\n", [WF]: workflow("      - run: pytest --cov=src") };
    await expectPass(check, files, { min: 85 });
    const r = await runCheck(check, files, { min: 90 });
    expectResult(check, r, "fail", [{ messageId: "below-minimum", path: "pyproject.toml", line: 2 }]);
  });

  it("requireCi: false accepts a configured gate that no CI runs", async () => {
    const files = { ...PY, "pyproject.toml": "[tool.coverage.report]\nfail_under = 85\n" };
    const r = await runCheck(check, files);
    expectResult(check, r, "warn", [{ messageId: "not-enforced-in-ci", path: "pyproject.toml", line: 2 }]);
    await expectPass(check, files, { requireCi: false });
  });
});

describe("coverage-threshold: JavaScript configuration rules", () => {
  it("Jest: more than one config is an error", async () => {
    const r = await runCheck(check, {
      "package.json": '{ "jest": { "collectCoverage": true }, "devDependencies": { "jest": "^29.0.0" } }\n',
      "jest.config.js": "module.exports = { coverageThreshold: { global: { lines: 80 } } };\n",
    });
    expectResult(check, r, "fail", [{ messageId: "broken-config", path: "jest.config.js", line: 1 }]);
  });

  it("Jest: package.json \"jest\" key with --coverage in the script", async () => {
    const r = await expectPass(check, {
      "package.json": '{\n  "scripts": { "test": "jest", "test:ci": "jest --ci --coverage" },\n  "jest": {\n    "coverageThreshold": { "global": { "lines": 82 } }\n  }\n}\n',
      [WF]: workflow("      - run: npm run test:ci"),
    });
    expect(r.facts).toEqual({ minimum: 82, source: { path: "package.json", line: 4 } });
  });

  it("Jest: a negative threshold is a count, not a percentage", async () => {
    const r = await runCheck(check, {
      "package.json": PKG_JEST,
      "jest.config.ts": "export default { collectCoverage: true, coverageThreshold: { global: { lines: -10 } } };\n",
      [WF]: workflow("      - run: npm test"),
    });
    expectResult(check, r, "warn", [{ messageId: "count-threshold", path: "jest.config.ts", line: 1 }]);
  });

  it("Jest: branches-only or glob-only thresholds are partial", async () => {
    const r = await runCheck(check, {
      "package.json": PKG_JEST,
      "jest.config.js": "module.exports = {\n  collectCoverage: true,\n  coverageThreshold: {\n    global: { branches: 90 },\n    './src/core/': { lines: 95 },\n  },\n};\n",
      [WF]: workflow("      - run: npm test"),
    });
    expectResult(check, r, "warn", [
      { messageId: "partial-gate", path: "jest.config.js", line: 4 },
      { messageId: "partial-gate", path: "jest.config.js", line: 5 },
    ]);
  });

  it("Jest: a spread after the key may override it: indeterminate; a spread before it may not", async () => {
    const cfg = (body: string) => ({ "package.json": PKG_JEST, "jest.config.js": `const base = require('@org/jest-preset');\nmodule.exports = ${body};\n`, [WF]: workflow("      - run: npx jest --coverage") });
    const r = await runCheck(check, cfg("{ coverageThreshold: { global: { lines: 90 } }, ...base }"));
    expectResult(check, r, "indeterminate", [{ messageId: "dynamic-threshold", path: "jest.config.js", line: 2 }]);
    await expectPass(check, cfg("{ ...base, coverageThreshold: { global: { lines: 90 } } }"));
  });

  it("Jest: --config naming a file phase-gate does not read leaves the threshold unknown", async () => {
    const r = await runCheck(check, { "package.json": '{ "scripts": { "test:e2e": "jest --config ./e2e/settings.json --coverage" } }\n', "e2e/settings.json": "{}", [WF]: workflow("      - run: npm run test:e2e") });
    expectResult(check, r, "indeterminate", [{ messageId: "dynamic-threshold", path: "package.json", line: 1 }]);
    // a config it can read (jest-e2e.json, as NestJS names it) is read
    const r2 = await runCheck(check, { "package.json": '{ "scripts": { "test:e2e": "jest --config ./test/jest-e2e.json --coverage" } }\n', "test/jest-e2e.json": "{}", [WF]: workflow("      - run: npm run test:e2e") });
    expectResult(check, r2, "fail", [{ messageId: "no-gate" }]);
  });

  it("Jest: a local base config is followed", async () => {
    await expectPass(check, {
      "package.json": PKG_JEST,
      "jest.base.js": "module.exports = { coverageThreshold: { global: { statements: 85 } } };\n",
      "jest.config.js": "const base = require('./jest.base');\nmodule.exports = { ...base, collectCoverage: true };\n",
      [WF]: workflow("      - run: npm test"),
    });
  });

  it("Vitest: not a dependency at all, so the config is dead (synthable/copilot-instructions-cli)", async () => {
    const r = await runCheck(check, {
      "package.json": '{ "scripts": { "test": "jest" }, "devDependencies": { "jest": "^29.0.0" } }\n',
      "vitest.config.ts": "export default { test: { coverage: { thresholds: { lines: 80 } } } };\n",
      [WF]: workflow("      - run: npm test"),
    });
    expectResult(check, r, "fail", [{ messageId: "dead-config", path: "vitest.config.ts", line: 1 }]);
  });

  it("Vitest: vitest.config.* wins over vite.config.*, whose thresholds are shadowed", async () => {
    const r = await runCheck(check, {
      "package.json": '{ "devDependencies": { "vitest": "^3.0.0" } }\n',
      "vitest.config.ts": "export default { test: { environment: 'node' } };\n",
      "vite.config.ts": "export default { test: { coverage: { enabled: true, thresholds: { lines: 90 } } } };\n",
      [WF]: workflow("      - run: npx vitest run"),
    });
    expectResult(check, r, "fail", [{ messageId: "shadowed-config", path: "vite.config.ts", line: 1 }]);
  });

  it("Vitest: mergeConfig and defineConfig(() => ...) are read; thresholds.100 means 100", async () => {
    const r = await expectPass(check, {
      "package.json": '{ "devDependencies": { "vitest": "^2.0.0" } }\n',
      "vite.config.ts": "export default { plugins: [] };\n",
      "vitest.config.ts":
        "import { defineConfig, mergeConfig } from 'vitest/config'\nimport viteConfig from './vite.config'\nexport default defineConfig((env) => mergeConfig(viteConfig, {\n  test: { coverage: { thresholds: { 100: true } } },\n}))\n",
      [WF]: workflow("      - run: npx vitest run --coverage"),
    });
    expect(r.facts).toEqual({ minimum: 100, source: { path: "vitest.config.ts", line: 4 } });
  });

  it("Vitest: thresholds on the command line", async () => {
    const r = await expectPass(check, {
      "package.json": '{ "scripts": { "coverage": "vitest run --coverage --coverage.thresholds.lines=84" }, "devDependencies": { "vitest": "^3.0.0" } }\n',
      [WF]: workflow("      - run: pnpm coverage"),
    });
    expect(r.facts).toEqual({ minimum: 84, source: { path: "package.json", line: 1 } });
  });

  it("nyc: thresholds without check-coverage are never checked by nyc mocha", async () => {
    const r = await runCheck(check, {
      "package.json": '{ "scripts": { "test": "nyc mocha" } }\n',
      ".nycrc.yml": "lines: 85\nstatements: 85\n",
      [WF]: workflow("      - run: npm test"),
    });
    // the command that runs nyc is the npm script, in package.json
    expectResult(check, r, "fail", [{ messageId: "coverage-not-collected", path: "package.json", line: 1 }]);
    await expectPass(check, {
      "package.json": '{ "scripts": { "test": "nyc mocha", "posttest": "nyc check-coverage" } }\n',
      ".nycrc.yml": "lines: 85\nstatements: 85\n",
      [WF]: workflow("      - run: npm test"),
    });
  });

  it("c8: --check-coverage --lines on the command line; .nycrc is read by c8 too", async () => {
    const r = await expectPass(check, { "package.json": '{ "scripts": { "test": "c8 --check-coverage --lines 95 node --test" } }\n', [WF]: workflow("      - run: npm test") });
    expect(r.facts).toMatchObject({ minimum: 95 });
    await expectPass(check, { "package.json": '{ "scripts": { "test": "c8 node --test" } }\n', ".nycrc": '{ "check-coverage": true, "lines": 81 }\n', [WF]: workflow("      - run: npm test") });
  });

  it("npm-run-all: run-s with a script glob", async () => {
    await expectPass(check, {
      "package.json": '{ "scripts": { "test": "run-s lint test:*", "lint": "eslint .", "test:unit": "nyc --check-coverage --lines 88 mocha" } }\n',
      [WF]: workflow("      - run: npm test"),
    });
  });

  it("node --test with --test-coverage-lines", async () => {
    await expectPass(check, { "package.json": "{}\n", [WF]: workflow("      - run: node --test --experimental-test-coverage --test-coverage-lines=80") });
  });
});

describe("coverage-threshold: Codecov, Rust, JVM, server-side gates", () => {
  it("Codecov: an absolute target is advisory (warn); below min it fails; codecovRequired makes it count", async () => {
    const files = { ...PY, "codecov.yml": "coverage:\n  status:\n    project:\n      default:\n        target: 85%\n" };
    const r = await runCheck(check, files);
    expectResult(check, r, "warn", [{ messageId: "external-gate", path: "codecov.yml", line: 5 }]);
    expect(r.facts).toEqual({ minimum: 85, source: { path: "codecov.yml", line: 5 } });
    await expectPass(check, files, { codecovRequired: true });
    const low = await runCheck(check, { ...PY, ".github/codecov.yml": "coverage:\n  status:\n    project:\n      default:\n        target: 70\n" });
    expectResult(check, low, "fail", [
      { messageId: "external-gate", path: ".github/codecov.yml", line: 5 },
      { messageId: "below-minimum", path: ".github/codecov.yml", line: 5 },
    ]);
  });

  it("Sonar only: the gate lives on the server, indeterminate", async () => {
    const r = await runCheck(check, { ...PY, "sonar-project.properties": "sonar.projectKey=x\n" });
    expectResult(check, r, "indeterminate", [{ messageId: "external-gate", path: "sonar-project.properties", line: 1 }]);
  });

  it("cargo tarpaulin --fail-under on the CLI, and cargo llvm-cov --fail-under-lines", async () => {
    const cargo = { "Cargo.toml": '[package]\nname = "x"\n' };
    await expectPass(check, { ...cargo, [WF]: workflow("      - run: cargo tarpaulin --out xml --fail-under 81") });
    await expectPass(check, { ...cargo, [WF]: workflow("      - run: cargo llvm-cov --lcov --output-path lcov.info --fail-under-lines 85") });
    await expectPass(check, { ...cargo, "tarpaulin.toml": "[ci]\nfail-under = 90\n", [WF]: workflow("      - uses: actions-rs/tarpaulin@v0.1") });
  });

  it("tarpaulin's key is fail-under: fail_under is ignored", async () => {
    const r = await runCheck(check, { "Cargo.toml": "[package]\n", "tarpaulin.toml": "[ci]\nfail_under = 90\n", [WF]: workflow("      - run: cargo tarpaulin") });
    expectResult(check, r, "fail", [{ messageId: "dead-config", path: "tarpaulin.toml", line: 2 }]);
  });

  it("JaCoCo: a 0.80 ratio enforced by mvn verify; mvn test never reaches the check; -Djacoco.skip", async () => {
    const pom = (min: string) =>
      `<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <build><plugins><plugin>\n    <artifactId>jacoco-maven-plugin</artifactId>\n    <executions><execution><goals><goal>check</goal></goals>\n      <configuration><rules><rule><limits><limit>\n        <counter>LINE</counter><value>COVEREDRATIO</value>\n        <minimum>${min}</minimum>\n      </limit></limits></rule></rules></configuration>\n    </execution></executions>\n  </plugin></plugins></build>\n</project>\n`;
    const r = await expectPass(check, { "pom.xml": pom("0.80"), [WF]: workflow("      - run: ./mvnw -B verify") });
    expect(r.facts).toEqual({ minimum: 80, source: { path: "pom.xml", line: 7 } });
    const t = await runCheck(check, { "pom.xml": pom("0.80"), [WF]: workflow("      - run: mvn test") });
    expectResult(check, t, "warn", [{ messageId: "not-enforced-in-ci", path: "pom.xml", line: 7 }]);
    const s = await runCheck(check, { "pom.xml": pom("0.80"), [WF]: workflow("      - run: mvn verify -Djacoco.skip=true") });
    expectResult(check, s, "fail", [{ messageId: "coverage-not-collected", path: WF, line: 7 }]);
  });
});

describe("coverage-threshold: CI structure", () => {
  const gate = { ...PY, "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--cov=src --cov-fail-under=90"\n' };

  it("a local composite action's steps are followed", async () => {
    await expectPass(check, {
      ...gate,
      ".github/actions/test/action.yml": "runs:\n  using: composite\n  steps:\n    - run: pytest\n      shell: bash\n",
      [WF]: workflow("      - uses: ./.github/actions/test"),
    });
  });

  it("a reusable workflow called from a PR workflow runs", async () => {
    await expectPass(check, {
      ...gate,
      ".github/workflows/tests.yml": "on: workflow_call\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
      [WF]: "on: pull_request\njobs:\n  call:\n    uses: ./.github/workflows/tests.yml\n",
    });
  });

  it("GitLab CI script lines", async () => {
    await expectPass(check, { ...gate, ".gitlab-ci.yml": "test:\n  image: python:3.12\n  script:\n    - pip install -e .\n    - pytest\n" });
  });

  it("a shell script under scripts/ is followed, with cd \"$(dirname \"$0\")/..\"", async () => {
    await expectPass(check, {
      "backend/app.py": "",
      "backend/pyproject.toml": "[tool.coverage.report]\nfail_under = 80\n",
      "backend/scripts/test.sh": '#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")/.."\npytest --cov=app\n',
      [WF]: workflow("      - run: ./backend/scripts/test.sh"),
    });
  });

  it("an unparsable workflow is reported and runs nothing", async () => {
    const r = await runCheck(check, { ...gate, [WF]: "on: push\njobs:\n  t: [\n" });
    expectResult(check, r, "warn", [
      { messageId: "unparsable-file", path: WF, line: 4 },
      { messageId: "not-enforced-in-ci", path: "pyproject.toml", line: 2 },
    ]);
  });
});

describe("coverage-threshold: repository shapes", () => {
  it("nothing to measure: not-applicable", async () => {
    const r = await runCheck(check, { "README.md": "# docs\n", "docs/index.md": "hi\n" });
    expectResult(check, r, "not-applicable", []);
  });

  it("a config file too large to read is reported, and the verdict is indeterminate rather than 'no gate'", async () => {
    const r = await runCheck(check, { ...PY, "pyproject.toml": `[tool.coverage.report]\nfail_under = 90\n# ${"x".repeat(2000)}\n` }, {}, { maxFileBytes: 1000 });
    expectResult(check, r, "indeterminate", [{ messageId: "unreadable-file", path: "pyproject.toml", line: 1 }]);
  });
});

describe("coverage-threshold: shapes found on real repositories", () => {
  it("encode/httpx: an extensionless scripts/coverage with ${PREFIX}coverage report --fail-under=100", async () => {
    const r = await expectPass(check, {
      "httpx/__init__.py": "",
      "scripts/coverage": '#!/bin/sh -e\n\nexport PREFIX=""\nif [ -d \'venv\' ] ; then\n    export PREFIX="venv/bin/"\nfi\n\nset -x\n\n${PREFIX}coverage report --show-missing --skip-covered --fail-under=100\n',
      [WF]: workflow('      - name: "Enforce coverage"', '        run: "scripts/coverage"'),
    });
    expect(r.facts).toEqual({ minimum: 100, source: { path: "scripts/coverage", line: 10 } });
  });

  it("bcoe/c8: node ./bin/c8.js --check-coverage, thresholds in .nycrc written as strings", async () => {
    const r = await expectPass(check, {
      "bin/c8.js": "#!/usr/bin/env node\n",
      ".nycrc": '{\n  "reporter": ["html", "text"],\n  "lines": 95,\n  "branches": "82",\n  "statements": "95"\n}\n',
      "package.json": '{ "scripts": { "coverage": "cross-env TS_NODE_SKIP_PROJECT=true node ./bin/c8.js --check-coverage mocha ./test/*.js" } }\n',
      "test/fixtures/config/.c8rc.json": '{ "lines": 101 }\n',
      [WF]: workflow("      - run: npm run coverage"),
    });
    expect(r.facts).toEqual({ minimum: 95, source: { path: ".nycrc", line: 3 } });
  });

  it("actions/typescript-action: NODE_OPTIONS=... npx jest with an ESM jest.config.js", async () => {
    await expectPass(check, {
      "package.json": '{ "type": "module", "scripts": { "ci-test": "NODE_OPTIONS=--experimental-vm-modules NODE_NO_WARNINGS=1 npx jest" } }\n',
      "jest.config.js": "export default {\n  collectCoverage: true,\n  coverageThreshold: {\n    global: { branches: 100, functions: 100, lines: 100, statements: 100 }\n  },\n  preset: 'ts-jest',\n}\n",
      [WF]: workflow("      - run: npm run ci-test"),
    });
  });

  it("test fixtures' configs are not the project's gate", async () => {
    const r = await runCheck(check, { ...PY, "tests/fixtures/proj/pyproject.toml": "[tool.coverage.report]\nfail_under = 90\n" });
    expectResult(check, r, "fail", [{ messageId: "no-gate" }]);
  });
});
