import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeRule } from "../../checks/coverage-threshold/ci.js";
import { coverageThreshold as check } from "../../checks/coverage-threshold/index.js";
import { tableHeader } from "../../checks/coverage-threshold/repo.js";
import { expectPass, expectResult, runCheck } from "../support/check-tester.js";

/** A workflow run on pushes and PRs; its first `run:` step is on line 7. */
function workflow(...steps: string[]): string {
  return ["on: [push, pull_request]", "jobs:", "  test:", "    runs-on: ubuntu-latest", "    steps:", "      - uses: actions/checkout@v4", ...steps, ""].join("\n");
}
const WF = ".github/workflows/ci.yml";
const MOD = { "mod.py": "def f(x):\n    if x: return 1\n    return 2\n", "test_mod.py": "from mod import f\n\ndef test_f():\n    assert f(1) == 1\n" };

describe("coverage-threshold: spec §3.8 test cases", () => {
  it("1 pyproject-addopts-80: pytest-cov gate in addopts, CI runs pytest -> pass (80)", async () => {
    const r = await expectPass(check, {
      ...MOD,
      "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--cov=mod --cov-fail-under=80"\n',
      [WF]: workflow("      - run: pytest"),
    });
    expect(r.facts).toEqual({ minimum: 80, source: { path: "pyproject.toml", line: 2 } });
  });

  it("2 coveragerc-shadows-pyproject: .coveragerc is read first, fail_under 95 in pyproject never applies -> fail", async () => {
    const r = await runCheck(check, {
      ...MOD,
      ".coveragerc": "[run]\nbranch = True\n",
      "pyproject.toml": "[tool.coverage.report]\nfail_under = 95\n",
      [WF]: workflow("      - run: pytest --cov=mod"),
    });
    expectResult(check, r, "fail", [{ messageId: "shadowed-config", path: "pyproject.toml", line: 2 }]);
  });

  it("3 pytest-ini-coverage-section: coverage.py never reads pytest.ini -> fail", async () => {
    const r = await runCheck(check, { ...MOD, "pytest.ini": "[pytest]\naddopts = -q\n[coverage:report]\nfail_under = 95\n" });
    expectResult(check, r, "fail", [{ messageId: "dead-config", path: "pytest.ini", line: 4 }]);
  });

  it("4 inline-comment: configparser keeps '# gate' in the value, coverage.py stops with a ConfigError -> fail", async () => {
    const r = await runCheck(check, { ...MOD, "setup.cfg": "[coverage:report]\nfail_under = 80  # gate\n" });
    expectResult(check, r, "fail", [{ messageId: "broken-config", path: "setup.cfg", line: 2 }]);
  });

  it("5 empty-pytest-ini-shadow: an empty pytest.ini hides pyproject's addopts -> fail", async () => {
    const r = await runCheck(check, {
      ...MOD,
      "pytest.ini": "",
      "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--cov=mod --cov-fail-under=95"\n',
    });
    expectResult(check, r, "fail", [{ messageId: "shadowed-config", path: "pyproject.toml", line: 2 }]);
  });

  it("6 setup-cfg-multiline: continuation lines are joined (the npm ini package would lose them) -> pass (85)", async () => {
    const r = await expectPass(check, {
      ...MOD,
      "setup.cfg": "[tool:pytest]\naddopts =\n    --cov=mod\n    --cov-fail-under=85\n",
      [WF]: workflow("      - run: python -m pytest"),
    });
    expect(r.facts).toEqual({ minimum: 85, source: { path: "setup.cfg", line: 4 } });
  });

  it("7 ci-override-lower: --cov-fail-under on the CI line wins over fail_under = 95 (last wins) -> fail (50)", async () => {
    const r = await runCheck(check, {
      ...MOD,
      "pyproject.toml": "[tool.coverage.report]\nfail_under = 95\n",
      [WF]: workflow("      - run: pytest --cov=mod --cov-fail-under=50"),
    });
    expectResult(check, r, "fail", [{ messageId: "below-minimum", path: WF, line: 7 }]);
    expect(r.facts).toEqual({ minimum: 50, source: { path: WF, line: 7 } });
  });

  it("8 fail-under-without-cov: pytest without --cov never checks fail_under -> warn", async () => {
    const r = await runCheck(check, {
      ...MOD,
      "pyproject.toml": "[tool.coverage.report]\nfail_under = 90\n",
      [WF]: workflow("      - run: pytest"),
    });
    expectResult(check, r, "warn", [{ messageId: "not-enforced-in-ci", path: "pyproject.toml", line: 2 }]);
    expect(r.facts).toEqual({ minimum: 90, source: { path: "pyproject.toml", line: 2 } });
  });

  it("9 covdefaults: the plugin sets fail_under = 100; tox runs coverage report -> pass (100)", async () => {
    const r = await expectPass(check, {
      ...MOD,
      "setup.cfg": "[coverage:run]\nplugins = covdefaults\n",
      "tox.ini": "[tox]\nenvlist = py\n\n[testenv]\ndeps = covdefaults\ncommands =\n    coverage run -m pytest {posargs}\n    coverage report\n",
      [WF]: workflow("      - run: pip install tox", "      - run: tox"),
    });
    expect(r.facts).toEqual({ minimum: 100, source: { path: "setup.cfg", line: 2 } });
  });

  it("10 jest-global-80: collectCoverage and coverageThreshold.global, CI npm test -> pass", async () => {
    const r = await expectPass(check, {
      "package.json": '{\n  "scripts": { "test": "jest" },\n  "devDependencies": { "jest": "^29.7.0" }\n}\n',
      "jest.config.js": "module.exports = { collectCoverage: true, coverageThreshold: { global: { branches: 80, functions: 80, lines: 80, statements: 80 } } };\n",
      [WF]: workflow("      - run: npm ci", "      - run: npm test"),
    });
    expect(r.facts).toEqual({ minimum: 80, source: { path: "jest.config.js", line: 1 } });
  });

  it("11 jest-threshold-no-coverage: jest runs without --coverage, so the threshold is never checked -> fail", async () => {
    const r = await runCheck(check, {
      "package.json": '{ "devDependencies": { "jest": "^29.7.0" } }\n',
      "jest.config.js": "module.exports = {\n  coverageThreshold: { global: { lines: 80, statements: 80 } },\n};\n",
      [WF]: workflow("      - run: npx jest"),
    });
    expectResult(check, r, "fail", [{ messageId: "coverage-not-collected", path: WF, line: 7 }]);
    expect(r.findings[0]?.message).toContain("coverageThreshold.global.lines (jest.config.js:2), jest coverageThreshold.global.statements");
  });

  it("12 jest-env-driven: Number(process.env.COV || 70) -> indeterminate", async () => {
    const r = await runCheck(check, {
      "package.json": '{ "scripts": { "test": "jest --coverage" } }\n',
      "jest.config.js": "module.exports = {\n  coverageThreshold: { global: { statements: Number(process.env.COV || 70) } },\n};\n",
      [WF]: workflow("      - run: npm test"),
    });
    expectResult(check, r, "indeterminate", [{ messageId: "dynamic-threshold", path: "jest.config.js", line: 2 }]);
  });

  it("13 vitest-legacy-keys: coverage.lines is ignored since Vitest 1.0 -> fail", async () => {
    const r = await runCheck(check, {
      "package.json": '{ "scripts": { "test": "vitest run --coverage" }, "devDependencies": { "vitest": "^2.1.0" } }\n',
      "vitest.config.ts": "import { defineConfig } from 'vitest/config'\nexport default defineConfig({ test: { coverage: { provider: 'v8', lines: 80, branches: 80 } } })\n",
      [WF]: workflow("      - run: npm test"),
    });
    expectResult(check, r, "fail", [
      { messageId: "dead-config", path: "vitest.config.ts", line: 2 },
      { messageId: "dead-config", path: "vitest.config.ts", line: 2 },
    ]);
  });

  it("14 vitest-thresholds: coverage.enabled and thresholds.lines = 85, CI vitest run -> pass (85)", async () => {
    const r = await expectPass(check, {
      "package.json": '{ "devDependencies": { "vitest": "^3.2.0" } }\n',
      "vitest.config.ts": "import { defineConfig } from 'vitest/config'\nexport default defineConfig({\n  test: {\n    coverage: { enabled: true, thresholds: { lines: 85 } },\n  },\n})\n",
      [WF]: workflow("      - run: npx vitest run"),
    });
    expect(r.facts).toEqual({ minimum: 85, source: { path: "vitest.config.ts", line: 4 } });
  });

  it("15 nyc-default-90: check-coverage with no numbers means lines 90 -> pass (90)", async () => {
    const r = await expectPass(check, {
      "package.json": '{ "scripts": { "test": "nyc mocha" } }\n',
      ".nycrc": '{"check-coverage": true}\n',
      [WF]: workflow("      - run: npm test"),
    });
    expect(r.facts).toEqual({ minimum: 90, source: { path: ".nycrc", line: 1 } });
  });

  it("16 codecov-auto: target auto is relative to the base, not a floor -> warn", async () => {
    const r = await runCheck(check, {
      ...MOD,
      "codecov.yml": "coverage:\n  status:\n    project:\n      default:\n        target: auto\n        threshold: 1%\n",
    });
    expectResult(check, r, "warn", [{ messageId: "external-gate", path: "codecov.yml", line: 5 }]);
  });

  it("17 continue-on-error: the step's failure never fails the job -> fail", async () => {
    const r = await runCheck(check, {
      ...MOD,
      [WF]: workflow("      - run: pytest --cov=mod --cov-fail-under=90", "        continue-on-error: true"),
    });
    expectResult(check, r, "fail", [{ messageId: "gate-neutralised", path: WF, line: 8 }]);
  });

  it("18 tarpaulin-toml: fail-under = 82.5, CI cargo tarpaulin -> pass (82.5)", async () => {
    const r = await expectPass(check, {
      "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n',
      "tarpaulin.toml": "[ci]\nfail-under = 82.5\n",
      [WF]: workflow("      - run: cargo tarpaulin"),
    });
    expect(r.facts).toEqual({ minimum: 82.5, source: { path: "tarpaulin.toml", line: 2 } });
  });

  it("19 jacoco-ratio-typo: <minimum>80</minimum> on a COVEREDRATIO can never be met -> fail", async () => {
    const pom = [
      "<project>",
      "  <build><plugins><plugin>",
      "    <groupId>org.jacoco</groupId>",
      "    <artifactId>jacoco-maven-plugin</artifactId>",
      "    <executions><execution><id>check</id><goals><goal>check</goal></goals>",
      "      <configuration><rules><rule><element>BUNDLE</element><limits><limit>",
      "        <counter>LINE</counter>",
      "        <value>COVEREDRATIO</value>",
      "        <minimum>80</minimum>",
      "      </limit></limits></rule></rules></configuration>",
      "    </execution></executions>",
      "  </plugin></plugins></build>",
      "</project>",
    ].join("\n");
    const r = await runCheck(check, { "pom.xml": pom, [WF]: workflow("      - run: mvn -B verify") });
    expectResult(check, r, "fail", [{ messageId: "broken-config", path: "pom.xml", line: 9 }]);
  });
});

describe("coverage-threshold: hostile text stays linear", () => {
  const blanks = " ".repeat(40_000);
  const oldRule = /^([^:=]+?)\s*::?\s*(.*)$/;
  const oldHeader = /^\[\[?\s*([^\]]+?)\s*\]\]?/;

  it("splits Makefile rules as the old RegExp did", () => {
    const char = fc.constantFrom("a", "b", ":", "=", " ", "\t", "\u00a0", "\r", "\n", "\u2028", "%", "|", "$", "(");
    fc.assert(
      fc.property(fc.array(char, { maxLength: 14 }), (cs) => {
        const line = cs.join("");
        const m = oldRule.exec(line);
        expect(makeRule(line)).toEqual(m ? { targets: m[1], rest: m[2] } : null);
      }),
      { numRuns: 20_000 },
    );
    expect(makeRule(`a${blanks}b`)).toBeNull();
    expect(makeRule(`a${blanks}:: b${blanks}`)).toEqual({ targets: "a", rest: `b${blanks}` });
  });

  it("reads TOML table headers as the old RegExp did", () => {
    const char = fc.constantFrom("[", "]", " ", "\t", "a", ".", '"', "\n", "=");
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }), (cs) => {
        const line = cs.join("");
        const m = oldHeader.exec(line);
        expect(tableHeader(line)).toBe(m ? m[1] : null);
      }),
      { numRuns: 20_000 },
    );
    expect(tableHeader(`[${blanks}a`)).toBeNull();
    expect(tableHeader(`[[${blanks}tool.x${blanks}]]`)).toBe("tool.x");
  });

  it("a Makefile line of 40,000 blanks changes nothing", async () => {
    const gate = { "pyproject.toml": '[tool.coverage.report]\nfail_under = 80\n[tool.pytest.ini_options]\naddopts = "--cov"\n', [WF]: workflow("      - run: make test") };
    const plain = await runCheck(check, { ...gate, Makefile: "x y\ntest:\n\tpytest\n" });
    const hostile = await runCheck(check, { ...gate, Makefile: `x${blanks}y\ntest:\n\tpytest\n` });
    expect(plain.status).toBe("pass");
    expect(hostile).toEqual(plain);
  });

  it("a TOML array line of 40,000 blanks does not move the gate's line", async () => {
    const toml = (pad: string) => `[tool.coverage.report]\nexclude_lines = [\n  ["a"${pad},\n  "b"],\n]\nfail_under = 80\n`;
    const files = { ...MOD, [WF]: workflow("      - run: pytest --cov=mod") };
    const plain = await runCheck(check, { ...files, "pyproject.toml": toml(" ") });
    const hostile = await runCheck(check, { ...files, "pyproject.toml": toml(blanks) });
    expect(plain.facts).toEqual({ minimum: 80, source: { path: "pyproject.toml", line: 6 } });
    expect(hostile.facts).toEqual(plain.facts);
  });

  it("npm-run-all patterns follow minimatch with ':' for '/', on the RE2 glob engine", async () => {
    const pkg = (test: string) =>
      JSON.stringify({ scripts: { test, "test:unit:fast": "nyc --check-coverage --lines 88 mocha", [`${"a".repeat(30)}`]: "mocha" } });
    for (const pattern of ["test:**", "test:*:fast", "'test:{unit,e2e}:*'", "'test:+(unit):fast'"]) {
      const r = await runCheck(check, { "package.json": pkg(`run-s ${pattern}`), [WF]: workflow("      - run: npm test") });
      expect([pattern, r.status]).toEqual([pattern, "pass"]);
    }
    // `*` stays within a segment, `test:**` does not match `test:` alone, a refused glob names one script.
    for (const pattern of ["test:*", "test:unit:fast:**", "'test:(unit):fast'", `${"*a".repeat(12)}*b`]) {
      const r = await runCheck(check, { "package.json": pkg(`run-s ${pattern}`), [WF]: workflow("      - run: npm test") });
      expect([pattern, r.status]).toEqual([pattern, "fail"]);
    }
  });
});
