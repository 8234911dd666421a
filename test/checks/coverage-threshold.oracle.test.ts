/**
 * Differential tests against the real tools, as spec §3.7 asks: coverage.py 6.5 and pytest-cov 4.0
 * (Debian `python3-coverage` and `python3-pytest-cov`). Each case is a set of config files; the
 * oracle runs in a temporary directory, phase-gate reads the same files from memory.
 *
 * - coverage.py: the `fail_under` coverage.py itself reads (or the ConfigError it raises).
 * - pytest-cov: a 66.67 % fixture (`f(1)` covers 2 of 3 statements) run by pytest.main;
 *   the gate is real iff that run fails on "Required test coverage" while a 100 % run passes.
 *
 * Skipped (with this reason in the name) where /usr/bin/python3 lacks coverage or pytest-cov:
 * `apt-get install -y python3-coverage python3-pytest-cov` provides them.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env, Invocation } from "../../checks/coverage-threshold/model.js";
import { coverageConfig, evaluatePytest } from "../../checks/coverage-threshold/python.js";
import { Repo } from "../../checks/coverage-threshold/repo.js";

const PYTHON = "/usr/bin/python3";
const available = fs.existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import coverage, pytest, pytest_cov"]).status === 0;

type Files = Record<string, string>;

function memoryRepo(files: Files): Repo {
  return new Repo({ read: (p) => files[p], exists: (p) => p in files, skipped: () => undefined, allPaths: Object.keys(files).sort() });
}

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function materialise(files: Files): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-cov-oracle-"));
  tmpDirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

// ---------------------------------------------------------------------------------------------
// coverage.py: which fail_under it reads

/** One Python process answers every case: for each directory, the fail_under coverage.py reads. */
const COVERAGE_DRIVER = `
import json, os, sys, coverage
base = dict(os.environ)
out = []
for case in json.load(sys.stdin):
    os.chdir(case["dir"])
    os.environ.clear(); os.environ.update(base); os.environ.update(case["env"])
    try:
        out.append({"fail_under": coverage.Coverage().config.fail_under})
    except Exception as e:
        out.append({"error": type(e).__name__ + ": " + str(e)})
json.dump(out, sys.stdout)
`;

/**
 * One Python process runs every pytest case in turn (pytest.main in each case's directory, the
 * fixture modules dropped from sys.modules between runs): exit 0 passes, 1 is the coverage gate
 * (every fixture test passes), anything else is an error (3: ConfigError, 4: usage error).
 */
const PYTEST_DRIVER = `
import contextlib, io, json, os, sys
import pytest
base = dict(os.environ)
out = []
for case in json.load(sys.stdin):
    os.chdir(case["dir"])
    for m in ("mod", "test_mod"):
        sys.modules.pop(m, None)
    os.environ.clear(); os.environ.update(base); os.environ.update(case["env"])
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        try:
            rc = int(pytest.main(["-q", "-p", "no:cacheprovider", *case["args"]]))
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 4
        except BaseException:  # pytest's fail() (e.g. [pytest] in setup.cfg) raises an OutcomeException
            rc = 3
    out.append({"rc": rc, "out": buf.getvalue()[-1500:]})
json.dump(out, sys.stdout)
`;

function driver<T>(code: string, cases: { dir: string; env: Record<string, string>; args?: string[] }[]): T[] {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("COV") && k !== "PYTEST_ADDOPTS"));
  const res = spawnSync(PYTHON, ["-c", code], { input: JSON.stringify(cases), encoding: "utf8", env: { ...base, PYTHONDONTWRITEBYTECODE: "1" }, maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`the oracle driver failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as T[];
}

interface CoverageCase {
  name: string;
  files: Files;
  env?: Record<string, string>;
  /** The oracle is older than the coverage.py repositories use: phase-gate follows the newer one, and says why. */
  newer?: { reason: string; oracleError: boolean; ours: number };
}

const COVERAGE_CASES: CoverageCase[] = [
  { name: ".coveragerc without fail_under shadows pyproject's 95 (spec case 2)", files: { ".coveragerc": "[run]\nbranch = True\n", "pyproject.toml": "[tool.coverage.report]\nfail_under = 95\n" } },
  { name: "pytest.ini is never read by coverage.py (spec case 3)", files: { "pytest.ini": "[pytest]\naddopts = -q\n[coverage:report]\nfail_under = 95\n" } },
  { name: "inline comment: could not convert string to float (spec case 4)", files: { "setup.cfg": "[coverage:report]\nfail_under = 80  # gate\n" } },
  { name: "setup.cfg [coverage:report]", files: { "setup.cfg": "[metadata]\nname = x\n\n[coverage:report]\nfail_under = 91\n" } },
  { name: "setup.cfg [report] without prefix is not read", files: { "setup.cfg": "[report]\nfail_under = 90\n" } },
  { name: "tox.ini [coverage:report] when setup.cfg has no coverage section", files: { "setup.cfg": "[flake8]\nmax-line-length = 88\n", "tox.ini": "[coverage:report]\nfail_under = 77\n" } },
  { name: "setup.cfg with a coverage section wins over tox.ini", files: { "setup.cfg": "[coverage:run]\nbranch = True\n", "tox.ini": "[coverage:report]\nfail_under = 77\n" } },
  { name: "an empty [coverage:run] section does not make setup.cfg used", files: { "setup.cfg": "[coverage:run]\n", "pyproject.toml": "[tool.coverage.report]\nfail_under = 72\n" } },
  { name: "a duplicate option in [flake8] breaks coverage.py reading setup.cfg", files: { "setup.cfg": "[flake8]\nmax-line-length = 88\nmax-line-length = 100\n[coverage:report]\nfail_under = 90\n" } },
  { name: ".coveragerc reads [coverage:report] before [report]", files: { ".coveragerc": "[report]\nfail_under = 50\n[coverage:report]\nfail_under = 90\n" } },
  { name: ".coveragerc [DEFAULT] is inherited by [report]", files: { ".coveragerc": "[DEFAULT]\nfail_under = 70\n[report]\nshow_missing = true\n" } },
  {
    name: "pyproject fail_under as a string: 6.5 refuses it, coverage.py >= 6.6 (commit 44fbd3b, 'only apply environment substitution to coverage settings') converts it, and phase-gate follows the newer versions",
    files: { "pyproject.toml": '[tool.coverage.report]\nfail_under = "75.5"\n' },
    newer: { reason: "coverage.py >= 6.6 converts TOML strings", oracleError: true, ours: 75.5 },
  },
  { name: "pyproject fail_under as a float", files: { "pyproject.toml": "[tool.coverage.report]\nfail_under = 82.5\n" } },
  { name: "invalid pyproject TOML is a ConfigError when coverage.py reaches it", files: { "pyproject.toml": "[tool.coverage.report\nfail_under = 80\n" } },
  { name: "pyproject without [tool.coverage] is skipped", files: { "pyproject.toml": '[project]\nname = "x"\n' } },
  { name: "COVERAGE_RCFILE names the file", files: { "ci.cfg": "[report]\nfail_under = 66\n", "pyproject.toml": "[tool.coverage.report]\nfail_under = 95\n" }, env: { COVERAGE_RCFILE: "ci.cfg" } },
  { name: "COVERAGE_RCFILE naming a missing file is an error", files: { "pyproject.toml": "[tool.coverage.report]\nfail_under = 95\n" }, env: { COVERAGE_RCFILE: "missing.cfg" } },
  { name: "$VAR in fail_under is substituted from the environment", files: { ".coveragerc": "[report]\nfail_under = ${COV_MIN}\n" }, env: { COV_MIN: "64" } },
  { name: "$$ is a literal dollar (and then not a number)", files: { ".coveragerc": "[report]\nfail_under = $$80\n" } },
  { name: "underscores in a float, as Python reads them", files: { ".coveragerc": "[report]\nfail_under = 8_0\n" } },
  { name: "a multi-line fail_under is not a number", files: { ".coveragerc": "[report]\nfail_under =\n    80\n" } },
];

describe.skipIf(!available)("coverage-threshold vs coverage.py 6.5 (needs /usr/bin/python3 with python3-coverage)", () => {
  let oracle: { fail_under?: number; error?: string }[] = [];
  beforeAll(() => {
    oracle = driver<{ fail_under?: number; error?: string }>(COVERAGE_DRIVER, COVERAGE_CASES.map((c) => ({ dir: materialise(c.files), env: c.env ?? {} })));
  }, 120_000);

  COVERAGE_CASES.forEach((c, i) => {
    it(c.name, () => {
      const said = oracle[i] ?? {};
      const env: Env = new Map(Object.entries(c.env ?? {}).map(([k, value]) => [k, { value }]));
      const ours = coverageConfig(memoryRepo(c.files), "", null, env);
      if (c.newer) {
        expect(said.error !== undefined, `the oracle (coverage 6.5) ${c.newer.oracleError ? "refuses" : "accepts"} this`).toBe(c.newer.oracleError);
        expect(ours.failUnder?.value, c.newer.reason).toBe(c.newer.ours);
      } else if (said.error !== undefined) {
        expect(ours.broken, `coverage.py said ${said.error}`).not.toBeNull();
      } else {
        expect(ours.broken, ours.broken ? JSON.stringify(ours.broken) : "").toBeNull();
        expect(ours.failUnder?.value ?? 0).toBe(said.fail_under);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// pytest-cov: does the run fail on coverage?

const MOD = "def f(x):\n    if x:\n        return 1\n    return 2\n";
const TEST_PARTIAL = "from mod import f\n\n\ndef test_f():\n    assert f(1) == 1\n";
const TEST_FULL = "from mod import f\n\n\ndef test_f():\n    assert f(1) == 1\n    assert f(0) == 2\n";

interface PytestCase {
  name: string;
  files: Files;
  args: string[];
  env?: Record<string, string>;
}

const PYTEST_CASES: PytestCase[] = [
  { name: "spec 1: pyproject addopts --cov-fail-under=80", files: { "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--cov=mod --cov-fail-under=80"\n' }, args: [] },
  { name: "spec 2: .coveragerc shadows pyproject fail_under 95", files: { ".coveragerc": "[run]\nbranch = True\n", "pyproject.toml": "[tool.coverage.report]\nfail_under = 95\n" }, args: ["--cov=mod"] },
  { name: "spec 3: [coverage:report] in pytest.ini is dead", files: { "pytest.ini": "[pytest]\naddopts = -q\n[coverage:report]\nfail_under = 95\n" }, args: ["--cov=mod"] },
  { name: "spec 4: inline comment is a ConfigError", files: { "setup.cfg": "[coverage:report]\nfail_under = 80  # gate\n" }, args: ["--cov=mod"] },
  { name: "spec 5: an empty pytest.ini shadows pyproject addopts", files: { "pytest.ini": "", "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--cov=mod --cov-fail-under=95"\n' }, args: [] },
  { name: "spec 6: multi-line addopts in setup.cfg [tool:pytest]", files: { "setup.cfg": "[tool:pytest]\naddopts =\n    --cov=mod\n    --cov-fail-under=85\n" }, args: [] },
  { name: "spec 7: CLI --cov-fail-under=50 overrides fail_under 95 (last wins)", files: { "pyproject.toml": "[tool.coverage.report]\nfail_under = 95\n" }, args: ["--cov=mod", "--cov-fail-under=50"] },
  { name: "spec 8: fail_under without --cov is not enforced", files: { "pyproject.toml": "[tool.coverage.report]\nfail_under = 90\n" }, args: [] },
  { name: "pytest-cov falls back to coverage's fail_under", files: { "pyproject.toml": "[tool.coverage.report]\nfail_under = 90\n" }, args: ["--cov=mod"] },
  { name: "--no-cov switches the addopts gate off", files: { "pytest.ini": "[pytest]\naddopts = --cov=mod --cov-fail-under=90\n" }, args: ["--no-cov"] },
  { name: "-p no:pytest_cov with --cov options in addopts is a usage error (unrecognized arguments)", files: { "pytest.ini": "[pytest]\naddopts = --cov-fail-under=90\n" }, args: ["-p", "no:pytest_cov"] },
  { name: "-p no:cov alone just runs without coverage", files: { "pyproject.toml": "[tool.coverage.report]\nfail_under = 90\n" }, args: ["-p", "no:cov"] },
  { name: "--cov-fail-under without --cov is not checked", files: { "pytest.ini": "[pytest]\naddopts = --cov-fail-under=90\n" }, args: [] },
  { name: "addopts 95, CLI 10: last wins", files: { "pytest.ini": "[pytest]\naddopts = --cov=mod --cov-fail-under=95\n" }, args: ["--cov-fail-under=10"] },
  { name: "--cov-fail-under above 100 is refused", files: {}, args: ["--cov=mod", "--cov-fail-under=101"] },
  { name: "[pytest] in setup.cfg is an error", files: { "setup.cfg": "[pytest]\naddopts = --cov=mod --cov-fail-under=90\n" }, args: [] },
  { name: "pytest.ini wins over setup.cfg [tool:pytest]", files: { "pytest.ini": "[pytest]\naddopts = -q\n", "setup.cfg": "[tool:pytest]\naddopts = --cov=mod --cov-fail-under=90\n" }, args: [] },
  { name: "pyproject ini_options wins over tox.ini [pytest]", files: { "pyproject.toml": "[tool.pytest.ini_options]\nminversion = \"6.0\"\n", "tox.ini": "[pytest]\naddopts = --cov=mod --cov-fail-under=90\n" }, args: [] },
  { name: "tox.ini [pytest] when it is the first config", files: { "tox.ini": "[pytest]\naddopts = --cov=mod --cov-fail-under=90\n" }, args: [] },
  { name: "--cov-config names another coverage file", files: { "ci.coveragerc": "[report]\nfail_under = 90\n" }, args: ["--cov=mod", "--cov-config=ci.coveragerc"] },
  { name: "PYTEST_ADDOPTS adds the gate", files: {}, args: [], env: { PYTEST_ADDOPTS: "--cov=mod --cov-fail-under=90" } },
  { name: "a CLI --cov-fail-under=0 disables the configured gate (a shard)", files: { "pyproject.toml": "[tool.coverage.report]\nfail_under = 90\n" }, args: ["--cov=mod", "--cov-fail-under=0"] },
];

type Verdict = "pass" | "gate-fail" | "error";

function verdictOf(rc: number): Verdict {
  return rc === 0 ? "pass" : rc === 1 ? "gate-fail" : "error";
}

function ourVerdict(files: Files, args: string[], env: Record<string, string> = {}, coverage: number): Verdict {
  const repo = memoryRepo({ ...files, "mod.py": MOD });
  const where = { path: "ci.yml", line: 1 };
  const inv: Invocation = {
    tool: "pytest",
    sub: null,
    args: args.map((text) => ({ text, dynamic: false, where })),
    cwd: "",
    env: new Map(Object.entries(env).map(([k, value]) => [k, { value }])),
    command: where,
    ci: where,
    runner: "pytest",
    neutralised: null,
  };
  const out = evaluatePytest(repo, inv);
  if (repo.problems.some((p) => p.kind === "broken")) return "error";
  const gate = out.gates.find((g) => g.value !== null);
  return gate && (gate.value ?? 0) > coverage ? "gate-fail" : "pass";
}

describe.skipIf(!available)("coverage-threshold vs pytest-cov 4.0 on a 66.67 % fixture (needs /usr/bin/python3 with python3-pytest-cov)", () => {
  let oracle: { partial: { verdict: Verdict; out: string }; full: { verdict: Verdict; out: string } }[] = [];
  beforeAll(() => {
    const cases = PYTEST_CASES.flatMap((c) =>
      [TEST_PARTIAL, TEST_FULL].map((test) => ({ dir: materialise({ ...c.files, "mod.py": MOD, "test_mod.py": test }), env: c.env ?? {}, args: c.args })),
    );
    const runs = driver<{ rc: number; out: string }>(PYTEST_DRIVER, cases).map((r) => ({ verdict: verdictOf(r.rc), out: r.out }));
    oracle = PYTEST_CASES.map((_c, i) => ({ partial: runs[2 * i] ?? { verdict: "error", out: "" }, full: runs[2 * i + 1] ?? { verdict: "error", out: "" } }));
  }, 180_000);

  PYTEST_CASES.forEach((c, i) => {
    it(c.name, () => {
      const said = oracle[i];
      expect(ourVerdict(c.files, c.args, c.env, 66.67), said?.partial.out).toBe(said?.partial.verdict);
      expect(ourVerdict(c.files, c.args, c.env, 100), said?.full.out).toBe(said?.full.verdict);
    });
  });
});
