/**
 * One small repository per claims scenario of issue #5, shared by the CLI tests
 * (`test/cli/claims.test.ts`) and the app tests (`test/github/app.claims.test.ts`). Each holds a
 * checklist whose phase names `docs/PHASE1.md`, the document, and the files its claims are about;
 * `expected` is what phase-gate must say of the one claim that matters, read off the files.
 */
import type { Verdict } from "../../src/claims/types.js";

export interface ClaimScenario {
  readonly name: string;
  readonly files: Record<string, string>;
  /** The blobs the app fetches for this commit: the document and the files its checks read (never the others). */
  readonly reads: readonly string[];
  readonly expected: {
    readonly line: number;
    readonly verdict: Verdict;
    readonly check: string | null;
    /** `path:line` of the first evidence finding, for overclaimed and pending. */
    readonly evidence?: string;
    readonly ambiguous?: readonly string[];
    readonly repaired?: true;
  };
}

const checklist = (checks: string[]): string =>
  ["phases:", "  - id: phase-1", "    name: Foundation", "    doc: docs/PHASE1.md", "    checks:", ...checks.map((c) => `      - ${c}`), ""].join("\n");

const doc = (...items: string[]): string => ["# Phase 1 report", "", ...items, ""].join("\n");

const SAFE_DOCKERFILE = ["FROM python:3.12-slim", "WORKDIR /app", "COPY . .", 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]', ""].join("\n");
const RELOAD_DOCKERFILE = ["FROM python:3.12-slim", "WORKDIR /app", "COPY . .", 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]', ""].join("\n");

export const SCENARIOS: readonly ClaimScenario[] = [
  {
    name: "backed: claimed done, the check passes",
    reads: ["Dockerfile", "docs/PHASE1.md"],
    files: {
      ".github/phase-gate.yml": checklist(["dockerfile-reload"]),
      "docs/PHASE1.md": doc("- [x] Removed `--reload` from the production Dockerfile"),
      Dockerfile: SAFE_DOCKERFILE,
    },
    expected: { line: 3, verdict: "backed", check: "dockerfile-reload" },
  },
  {
    name: "overclaimed: claimed done, the check fails, the finding is the evidence",
    reads: ["Dockerfile", "docs/PHASE1.md"],
    files: {
      ".github/phase-gate.yml": checklist(["dockerfile-reload"]),
      "docs/PHASE1.md": doc("- [x] Removed `--reload` from the production Dockerfile"),
      Dockerfile: RELOAD_DOCKERFILE,
    },
    expected: { line: 3, verdict: "overclaimed", check: "dockerfile-reload", evidence: "Dockerfile:4" },
  },
  {
    name: "underclaimed: not claimed, the check passes",
    reads: ["docs/PHASE1.md"],
    files: {
      ".github/phase-gate.yml": checklist(["file-exists: { path: SECURITY.md }"]),
      "docs/PHASE1.md": doc("- [ ] Write SECURITY.md"),
      "SECURITY.md": "# Security policy\n",
    },
    expected: { line: 3, verdict: "underclaimed", check: "file-exists" },
  },
  {
    name: "pending: not claimed, the check fails",
    reads: ["Dockerfile", "docs/PHASE1.md"],
    files: {
      ".github/phase-gate.yml": checklist(["dockerfile-reload"]),
      "docs/PHASE1.md": doc("- [x] Wrote the API", "- [ ] Drop the development flags from the image"),
      Dockerfile: RELOAD_DOCKERFILE,
    },
    expected: { line: 4, verdict: "pending", check: "dockerfile-reload", evidence: "Dockerfile:4" },
  },
  {
    name: "unverifiable: no check covers the claim",
    reads: ["Dockerfile", "docs/PHASE1.md"],
    files: {
      ".github/phase-gate.yml": checklist(["dockerfile-reload"]),
      "docs/PHASE1.md": doc("- [x] Structured logging with correlation ids"),
      Dockerfile: SAFE_DOCKERFILE,
    },
    expected: { line: 3, verdict: "unverifiable", check: null },
  },
  {
    name: "ambiguous: the claim names two checks, none is chosen",
    reads: ["docs/PHASE1.md"],
    files: {
      ".github/phase-gate.yml": checklist(["secrets-baseline", "pre-commit-config"]),
      "docs/PHASE1.md": doc("- [x] Set up secret detection in pre-commit hooks (detect-secrets)"),
    },
    expected: { line: 3, verdict: "unverifiable", check: null, ambiguous: ["secrets-baseline", "pre-commit-config"] },
  },
  {
    name: "mojibake: a ✅ saved as UTF-8 read as Windows-1252 is still a done claim",
    reads: ["Dockerfile", "docs/PHASE1.md"],
    files: {
      ".github/phase-gate.yml": checklist(["dockerfile-reload"]),
      // "✅" (E2 9C 85) read as Windows-1252 and saved again as UTF-8: "âœ…".
      "docs/PHASE1.md": doc("## Results", "", "- \u00e2\u0153\u2026 Removed --reload from the API image"),
      Dockerfile: RELOAD_DOCKERFILE,
    },
    expected: { line: 5, verdict: "overclaimed", check: "dockerfile-reload", evidence: "Dockerfile:4", repaired: true },
  },
];
