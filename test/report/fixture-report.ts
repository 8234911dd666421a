import type { AuditReport } from "../../src/audit/types.js";
import type { Finding } from "../../src/check/types.js";

/**
 * The one report every renderer's golden file is made from. It holds, on purpose: three phases
 * (complete, incomplete, failing; required and advisory gates), every check status, findings of
 * every severity with and without path / line / endLine / help, a path that needs URL encoding,
 * facts, skipped files of several reasons, notes, a link base, one finding shared by two phases
 * (the same check in both), and a message from repository content with `|`, `<script>`, a
 * mention, Markdown punctuation, a control character and a newline in it.
 *
 * Claims and phase order: phase 1 names a document whose claims take every verdict (two
 * overclaimed, one with a finding without a line among its evidence; backed; pending;
 * underclaimed; one ambiguous; unverifiable ones, one of them from repository text with `|`, HTML
 * and a mention); phase 2 names a document that is missing; phase 3 is complete but requires
 * phase 1, so it is ahead (neutral).
 */
export const COMMIT = "9c1d2e3f4a5b6c7d8e9f00112233445566778899";

const MISSING_HOOK: Finding = {
  messageId: "missing-hook",
  severity: "warning",
  path: ".pre-commit-config.yaml",
  line: 12,
  endLine: 14,
  message: "the required hook 'mypy' is not configured",
  help: "Add the mirrors-mypy repository with the hook id 'mypy'",
};

const NO_INSTALL_TYPES: Finding = {
  messageId: "no-install-types",
  severity: "notice",
  path: ".pre-commit-config.yaml",
  message: "default_install_hook_types is not set, so only the pre-commit stage is installed",
};

const DEV_SERVER_FLAG: Finding = {
  messageId: "dev-server-flag",
  severity: "error",
  path: "services/api/Dockerfile",
  line: 14,
  message: "uvicorn is started with --reload in the final stage",
  help: "Drop --reload; keep it in Dockerfile.dev or a compose override",
};

export const fixtureReport: AuditReport = {
  repository: "acme/storefront",
  commit: COMMIT,
  checklist: { source: "file", path: ".github/phase-gate.yml" },
  fileUrlBase: `https://github.com/acme/storefront/blob/${COMMIT}/`,
  currentPhase: "phase-1",
  phases: [
    {
      id: "phase-1",
      name: "Foundation & Security",
      gate: "required",
      status: "failing",
      passed: 2,
      total: 5,
      checks: [
        {
          id: "secrets-baseline",
          status: "pass",
          summary: ".secrets.baseline is valid and wired into the detect-secrets hook",
          findings: [
            {
              messageId: "old-plugin-version",
              severity: "notice",
              path: ".secrets.baseline",
              line: 2,
              message: "the baseline was written by detect-secrets 1.4.0",
            },
          ],
        },
        {
          id: "pre-commit-config",
          status: "warn",
          summary: "1 of 5 required hooks is missing; every rev is pinned",
          findings: [MISSING_HOOK, NO_INSTALL_TYPES],
        },
        {
          id: "coverage-threshold",
          status: "pass",
          summary: "coverage must reach 85% (pyproject.toml:41)",
          findings: [],
          facts: { minimum: 85, source: { path: "pyproject.toml", line: 41 } },
        },
        {
          id: "dockerfile-reload",
          status: "fail",
          summary: "1 production Dockerfile starts uvicorn with --reload",
          findings: [DEV_SERVER_FLAG],
        },
        {
          id: "index-migrations",
          status: "error",
          summary: "the check index-migrations failed to run: Cannot read properties of undefined (reading 'stmts')",
          findings: [],
        },
      ],
      document: {
        path: "docs/PHASE1.md",
        status: "read",
        summary: "claims 60% complete (line 4); 2 of 6 verifiable claims backed, 2 overclaimed, 1 underclaimed, 1 pending; 3 unverifiable (1 ambiguous)",
        counts: {
          claims: 9,
          done: 7,
          partial: 1,
          notDone: 1,
          verifiable: 6,
          backed: 2,
          overclaimed: 2,
          underclaimed: 1,
          pending: 1,
          unverifiable: 3,
          ambiguous: 1,
        },
        stated: [{ text: "Overall: 60% Complete", line: 4, source: "label", percent: 60 }],
        notes: ["line 22: the status 'Blocked on vendor' was not recognised"],
      },
      claims: [
        {
          text: "Created `.secrets.baseline` for secret tracking",
          line: 8,
          state: "done",
          kind: "item",
          section: "Security",
          verdict: "backed",
          reason: "secrets-baseline passes: .secrets.baseline is valid and wired into the detect-secrets hook",
          check: { id: "secrets-baseline", index: 0, by: "phrase", phrase: ".secrets.baseline" },
        },
        {
          text: "Pre-commit hooks: ruff, black, mypy, bandit, detect-secrets",
          line: 9,
          state: "done",
          kind: "task",
          section: "Security",
          verdict: "overclaimed",
          reason: "pre-commit-config warns: 1 of 5 required hooks is missing; every rev is pinned",
          check: { id: "pre-commit-config", index: 1, by: "phrase", phrase: "Pre-commit hooks" },
          evidence: [MISSING_HOOK, NO_INSTALL_TYPES],
        },
        {
          text: "Coverage >= 80% enforced in CI",
          line: 10,
          state: "done",
          kind: "task",
          section: "Quality",
          verdict: "backed",
          reason: "coverage-threshold passes: coverage must reach 85% (pyproject.toml:41)",
          check: { id: "coverage-threshold", index: 2, by: "phrase", phrase: "Coverage" },
        },
        {
          text: "Removed `--reload` from production Dockerfiles",
          line: 11,
          state: "done",
          kind: "task",
          section: "Quality",
          verdict: "overclaimed",
          reason: "dockerfile-reload fails: 1 production Dockerfile starts uvicorn with --reload",
          check: { id: "dockerfile-reload", index: 3, by: "config", phrase: "Removed `--reload`" },
          evidence: [DEV_SERVER_FLAG],
        },
        {
          text: "Index migrations created CONCURRENTLY",
          line: 12,
          state: "done",
          kind: "task",
          section: "Quality",
          verdict: "unverifiable",
          reason: "the check index-migrations failed to run: Cannot read properties of undefined (reading 'stmts')",
          check: { id: "index-migrations", index: 4, by: "phrase", phrase: "migrations" },
        },
        {
          text: "Compose services drop the development server",
          line: 15,
          state: "partial",
          kind: "item",
          section: "In progress",
          verdict: "pending",
          reason: "dockerfile-reload fails: 1 production Dockerfile starts uvicorn with --reload",
          check: { id: "dockerfile-reload", index: 3, by: "phrase", phrase: "development server" },
          evidence: [DEV_SERVER_FLAG],
        },
        {
          text: "Coverage uploaded to Codecov",
          line: 16,
          state: "not-done",
          kind: "task",
          section: "In progress",
          verdict: "underclaimed",
          reason: "coverage-threshold passes: coverage must reach 85% (pyproject.toml:41)",
          check: { id: "coverage-threshold", index: 2, by: "phrase", phrase: "Coverage" },
        },
        {
          text: "Secrets and coverage gates documented",
          line: 18,
          state: "done",
          kind: "item",
          section: "In progress",
          verdict: "unverifiable",
          reason:
            "it names more than one check: secrets-baseline ('Secrets'), coverage-threshold ('coverage'); link it in the checklist's 'claims' to choose",
          ambiguous: [
            { id: "secrets-baseline", index: 0, by: "phrase", phrase: "Secrets" },
            { id: "coverage-threshold", index: 2, by: "phrase", phrase: "coverage" },
          ],
        },
        {
          text: "Rate limiting | <b>10 req/s</b> agreed with @ops",
          line: 20,
          state: "done",
          kind: "table-row",
          section: "Platform",
          verdict: "unverifiable",
          reason: "no check of this phase covers it",
        },
      ],
    },
    {
      id: "phase-2",
      name: "Production hardening",
      gate: "advisory",
      status: "incomplete",
      passed: 1,
      total: 2,
      checks: [
        {
          id: "file-exists",
          status: "pass",
          summary: "SECURITY.md exists",
          findings: [],
        },
        {
          id: "file-not-contains",
          status: "indeterminate",
          summary: "2 files | 1 could not be decided",
          findings: [
            {
              messageId: "generated-match",
              severity: "notice",
              message:
                "matched `TODO|FIXME` in <script>alert('@octocat')</script> *not bold* [x](javascript:void)\u001b[31m\nsecond line",
            },
            {
              messageId: "pattern-found",
              severity: "warning",
              path: "docs/release notes (draft).md",
              line: 3,
              message: "TODO found",
              help: "Finish the release notes or remove the TODO",
            },
          ],
        },
        {
          id: "index-migrations",
          status: "not-applicable",
          summary: "no PostgreSQL migrations found",
          findings: [],
        },
      ],
      document: {
        path: "docs/PHASE2.md",
        status: "missing",
        error: "docs/PHASE2.md is not in the repository",
        summary: "no claims read: docs/PHASE2.md is not in the repository",
        counts: {
          claims: 0,
          done: 0,
          partial: 0,
          notDone: 0,
          verifiable: 0,
          backed: 0,
          overclaimed: 0,
          underclaimed: 0,
          pending: 0,
          unverifiable: 0,
          ambiguous: 0,
        },
        stated: [],
        notes: [],
      },
      claims: [],
    },
    {
      id: "phase-3",
      name: "Release readiness",
      gate: "required",
      status: "complete",
      passed: 2,
      total: 2,
      requires: ["phase-1"],
      waitingOn: ["phase-1"],
      ahead: "neutral",
      checks: [
        {
          id: "secrets-baseline",
          status: "pass",
          summary: ".secrets.baseline is valid and wired into the detect-secrets hook",
          findings: [
            {
              messageId: "old-plugin-version",
              severity: "notice",
              path: ".secrets.baseline",
              line: 2,
              message: "the baseline was written by detect-secrets 1.4.0",
            },
          ],
        },
        {
          id: "file-absent",
          status: "pass",
          summary: "no .env file is committed",
          findings: [],
        },
      ],
    },
  ],
  skipped: [
    { path: "assets/logo.png", reason: "binary", size: 20480 },
    { path: "config/secrets.yml", reason: "unreadable", detail: "GitHub API error 502" },
    { path: "db/dump.sql", reason: "too-large", size: 5242880 },
    { path: "vendor/payments", reason: "submodule" },
  ],
  notes: [
    "The repository tree was truncated by GitHub; its subtrees were read one by one.",
    "docs/PHASE1.md claims 6 items; 2 are not backed by a check.",
  ],
};
