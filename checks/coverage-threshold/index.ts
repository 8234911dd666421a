import { z } from "zod";
import { defineCheck } from "../../src/check/define.js";
import type { CheckResult } from "../../src/check/types.js";
import { scanCi } from "./ci.js";
import { evaluateIstanbul, evaluateJest, evaluateNodeTest, evaluateVitest, javascriptInventory } from "./javascript.js";
import type { Invocation, RunOutcome } from "./model.js";
import { codecovExternals, CODECOV_FILES, evaluateLlvmCov, evaluateMaven, evaluateTarpaulin, jvmInventory, rustInventory, serverSideExternals } from "./others.js";
import { evaluateCoverageReport, evaluatePytest, pythonInventory } from "./python.js";
import { Repo } from "./repo.js";
import { judge, type MessageId } from "./verdict.js";

/** Every file the check reads (the engine fetches only these). */
const FILES = [
  // Python
  "**/pyproject.toml",
  "**/setup.cfg",
  "**/tox.ini",
  "**/.coveragerc",
  "**/pytest.ini",
  "**/.pytest.ini",
  // JavaScript / TypeScript
  "**/package.json",
  "**/jest.config.{js,ts,mjs,cjs,mts,cts,json}",
  "**/jest*.{js,ts,mjs,cjs,mts,cts,json}",
  "**/vitest.config.{ts,mts,cts,js,mjs,cjs}",
  "**/vite.config.{ts,mts,cts,js,mjs,cjs}",
  "**/vitest.*.{ts,mts,cts,js,mjs,cjs}",
  "**/.nycrc",
  "**/.nycrc.{json,yml,yaml}",
  "**/nyc.config.{js,cjs,mjs}",
  "**/.c8rc",
  "**/.c8rc.json",
  // Rust, JVM
  "**/tarpaulin.toml",
  "**/.tarpaulin.toml",
  "**/pom.xml",
  // Codecov
  ...CODECOV_FILES,
  // CI and what it runs
  ".github/workflows/*.{yml,yaml}",
  ".github/actions/**/action.{yml,yaml}",
  ".gitlab-ci.yml",
  "**/{Makefile,makefile,GNUmakefile}",
  "*.sh",
  "**/{scripts,script,ci,.ci,bin,tools,hack}/*.sh",
  // extensionless scripts (`scripts/test`), followed only when their shebang is a shell
  "{scripts,script,ci,.ci,bin,tools,hack}/*",
  ".github/**/*.sh",
];

const MANIFEST = /(^|\/)(package\.json|pyproject\.toml|setup\.py|setup\.cfg|Cargo\.toml|pom\.xml|build\.gradle(\.kts)?|go\.mod|Gemfile|composer\.json|[^/]+\.csproj|mix\.exs|Package\.swift)$/;
const SOURCE = /\.(py|js|jsx|ts|tsx|mjs|cjs|rs|java|kt|go|rb|php|cs|scala|swift|ex|exs|c|cc|cpp|h|hpp)$/;

export const coverageThreshold = defineCheck({
  id: "coverage-threshold",
  title: "Coverage threshold enforced",
  description:
    "Passes when a minimum test coverage of at least `min` percent is enforced somewhere that runs in CI: pytest-cov, coverage.py, Jest, Vitest, nyc, c8, node:test, cargo-tarpaulin, cargo-llvm-cov or JaCoCo, each read with its own config precedence.",
  options: z
    .object({
      /** The minimum coverage, in percent, that must be enforced. */
      min: z.number().min(0).max(100).default(80),
      /** A gate must run in CI (GitHub Actions, GitLab CI). When false, a configured gate is enough. */
      requireCi: z.boolean().default(true),
      /** Branch protection requires the `codecov/project` status, so a Codecov target counts as enforced. */
      codecovRequired: z.boolean().default(false),
    })
    .strict(),
  messages: {
    "no-gate": {
      message: "No minimum coverage is configured: no fail_under, --cov-fail-under, coverageThreshold, coverage.thresholds, check-coverage, fail-under or JaCoCo rule was found.",
      help: "Enforce {{min}} in the test run, e.g. `--cov-fail-under=80` in pytest's addopts, `fail_under = 80` under [tool.coverage.report], or Jest's coverageThreshold.global.lines.",
      severity: "error",
    },
    "below-minimum": {
      message: "{{gate}} requires only {{value}} coverage, below the required {{min}}.",
      help: "Raise the minimum to at least {{min}}.",
      severity: "error",
    },
    "not-enforced-in-ci": {
      message: "{{gate}} requires {{value}} coverage, but no CI job runs {{runner}}.",
      help: "Run {{runner}} in a CI workflow triggered on pull requests or pushes.",
      severity: "warning",
    },
    "gate-neutralised": {
      message: "{{gate}} does not fail CI: {{why}}.",
      help: "Let the coverage step fail the build: remove what swallows its exit status.",
      severity: "error",
    },
    "coverage-not-collected": {
      message: "{{gate}} is never checked here: {{why}}.",
      help: "Collect coverage in this run (e.g. `pytest --cov`, `jest --coverage`, `vitest run --coverage`, `nyc --check-coverage`).",
      severity: "error",
    },
    "shadowed-config": {
      message: "{{what}} is never applied: {{why}}.",
      help: "Move the setting into {{by}}, or remove the file that hides it.",
      severity: "error",
    },
    "dead-config": {
      message: "{{what}} is never applied: {{why}}.",
      help: "Put the setting where the tool reads it.",
      severity: "error",
    },
    "broken-config": {
      message: "{{what}} breaks the coverage run: {{why}}.",
      help: "Fix the configuration so the tool can read it (configparser keeps `# comments` after a value: put them on their own line).",
      severity: "error",
    },
    "dynamic-threshold": {
      message: "{{gate}} is only known at run time: {{why}}.",
      help: "Write the minimum as a literal so it can be verified, or accept an indeterminate result.",
      severity: "warning",
    },
    "external-gate": {
      message: "Coverage is reported by {{what}}.",
      help: "Also enforce the minimum in the test run itself (or set `codecovRequired: true` if branch protection requires codecov/project).",
      severity: "warning",
    },
    "partial-gate": {
      message: "{{gate}} is a partial gate: {{why}}.",
      help: "Add a global minimum on lines or statements.",
      severity: "warning",
    },
    "count-threshold": {
      message: "{{gate}} is a count of uncovered items ({{value}}), not a percentage, so it cannot be compared with the required minimum.",
      help: "Use a positive percentage threshold.",
      severity: "warning",
    },
    "unparsable-file": {
      message: "This file could not be read: {{why}}.",
      help: "Fix the syntax so the tools (and phase-gate) can read it.",
      severity: "warning",
    },
    "unreadable-file": {
      message: "{{path}} was not read ({{why}}), so any coverage setting in it is unknown.",
      help: "Keep configuration files small and textual.",
      severity: "warning",
    },
  },
  claimPhrases: () => ["test coverage", "code coverage", "coverage threshold", "coverage gate", "minimum coverage", "coverage minimum", "cov-fail-under", "fail_under", "fail-under", "coverageThreshold"],
  files: () => FILES,
  run(ctx): CheckResult {
    const repo = new Repo({ read: (p) => ctx.read(p), exists: (p) => ctx.exists(p), skipped: (p) => ctx.skipped(p), allPaths: ctx.allPaths });
    if (!ctx.allPaths.some((p) => MANIFEST.test(p) || SOURCE.test(p))) {
      return { status: "not-applicable", summary: "no code or project manifest: nothing to measure coverage of", findings: [] };
    }
    const inventory = [...pythonInventory(repo).gates, ...javascriptInventory(repo), ...rustInventory(repo), ...jvmInventory(repo)];
    const ci = scanCi(repo);
    const runs = ci.invocations.map((inv) => evaluate(repo, inv));
    const externals = [...codecovExternals(repo), ...serverSideExternals(repo), ...ci.externals];
    const judged = judge({ inventory, runs, externals, problems: repo.problems, options: ctx.options, hasCi: ci.hasCi });
    const findings = dedupe(judged.findings).map((f) =>
      ctx.finding(f.id as MessageId, { data: f.data, ...(f.where ? { path: f.where.path, line: f.where.line } : {}), ...(f.severity ? { severity: f.severity } : {}) }),
    );
    return { status: judged.status, summary: judged.summary, findings, facts: judged.facts };
  },
});

function evaluate(repo: Repo, inv: Invocation): RunOutcome {
  switch (inv.tool) {
    case "pytest":
      return evaluatePytest(repo, inv);
    case "coverage":
      return evaluateCoverageReport(repo, inv);
    case "jest":
      return evaluateJest(repo, inv);
    case "vitest":
      return evaluateVitest(repo, inv);
    case "nyc":
    case "c8":
      return evaluateIstanbul(repo, inv);
    case "node-test":
      return evaluateNodeTest(inv);
    case "tarpaulin":
      return evaluateTarpaulin(repo, inv);
    case "llvm-cov":
      return evaluateLlvmCov(inv);
    case "maven":
      return evaluateMaven(repo, inv);
  }
}

function dedupe<T extends { id: string; where?: { path: string; line: number }; data: Record<string, string | number> }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const key = `${f.id}|${f.where?.path}|${f.where?.line}|${JSON.stringify(f.data)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
