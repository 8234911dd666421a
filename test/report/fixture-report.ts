import type { AuditReport } from "../../src/audit/types.js";

/**
 * The one report every renderer's golden file is made from. It holds, on purpose: three phases
 * (complete, incomplete, failing; required and advisory gates), every check status, findings of
 * every severity with and without path / line / endLine / help, a path that needs URL encoding,
 * facts, skipped files of several reasons, notes, a link base, one finding shared by two phases
 * (the same check in both), and a message from repository content with `|`, `<script>`, a
 * mention, Markdown punctuation, a control character and a newline in it.
 */
export const COMMIT = "9c1d2e3f4a5b6c7d8e9f00112233445566778899";

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
          findings: [
            {
              messageId: "missing-hook",
              severity: "warning",
              path: ".pre-commit-config.yaml",
              line: 12,
              endLine: 14,
              message: "the required hook 'mypy' is not configured",
              help: "Add the mirrors-mypy repository with the hook id 'mypy'",
            },
            {
              messageId: "no-install-types",
              severity: "notice",
              path: ".pre-commit-config.yaml",
              message: "default_install_hook_types is not set, so only the pre-commit stage is installed",
            },
          ],
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
          findings: [
            {
              messageId: "dev-server-flag",
              severity: "error",
              path: "services/api/Dockerfile",
              line: 14,
              message: "uvicorn is started with --reload in the final stage",
              help: "Drop --reload; keep it in Dockerfile.dev or a compose override",
            },
          ],
        },
        {
          id: "index-migrations",
          status: "error",
          summary: "the check index-migrations failed to run: Cannot read properties of undefined (reading 'stmts')",
          findings: [],
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
    },
    {
      id: "phase-3",
      name: "Release readiness",
      gate: "required",
      status: "complete",
      passed: 2,
      total: 2,
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
