import { describe, expect, it } from "vitest";
import type { AuditReport, CheckReport, PhaseReport } from "../../src/audit/types.js";
import type { ClaimReport } from "../../src/claims/types.js";
import { COMMENT_MARKER, COMMENT_MAX_LENGTH, compareReports, phaseComment } from "../../src/report/comment.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { COMMIT, fixtureReport } from "./fixture-report.js";

const BASE = "1111111111111111111111111111111111111111";
const [phase1, , phase3] = fixtureReport.phases as [PhaseReport, PhaseReport, PhaseReport];

/** The fixture's base: phase 1 was better, phase 2 did not exist, a phase 0 did, phase 3 is the same. */
const baseReport: AuditReport = {
  ...fixtureReport,
  commit: BASE,
  phases: [
    {
      ...phase1,
      status: "incomplete",
      passed: 3,
      checks: phase1.checks.map((c): CheckReport => {
        if (c.id === "coverage-threshold") return { ...c, facts: { minimum: 80, source: { path: "pyproject.toml", line: 40 } } };
        if (c.id === "index-migrations") return { ...c, status: "pass", summary: "no migrations", findings: [] };
        if (c.id === "dockerfile-reload") return { ...c, findings: [] };
        return c;
      }),
    },
    { id: "phase-0", name: "Old", gate: "advisory", status: "complete", passed: 1, total: 1, checks: [] },
    phase3,
  ],
};

const BLOB = `https://github.com/acme/storefront/blob/${COMMIT}`;

/** The comment's head: marker, title, verdict, current phase. */
const HEAD = [
  COMMENT_MARKER,
  "## phase-gate: phase completion",
  "",
  `**acme/storefront** at ${COMMIT}`,
  "",
  "❌ **Required phase failing:** `phase-1` · Checklist: `.github/phase-gate.yml`",
  "",
  "Current phase: **Foundation &amp; Security** (`phase-1`), the first that is not complete.",
  "",
];

/** The overclaims of the fixture, at the top. */
const CLAIMS = [
  "### ⚠️ Claims not backed by the code",
  "",
  "2 claims of the phase documents are marked done, but the linked checks do not pass:",
  "",
  `- **Foundation &amp; Security** (\`phase-1\`): [\`docs/PHASE1.md:9\`](${BLOB}/docs/PHASE1.md#L9) "Pre-commit hooks: ruff, black, mypy, bandit, detect-secrets" — ` +
    `\`pre-commit-config\` warns: 1 of 5 required hooks is missing; every rev is pinned · evidence: [\`.pre-commit-config.yaml:12-14\`](${BLOB}/.pre-commit-config.yaml#L12-L14)`,
  `- **Foundation &amp; Security** (\`phase-1\`): [\`docs/PHASE1.md:11\`](${BLOB}/docs/PHASE1.md#L11) "Removed \\\`--reload\\\` from production Dockerfiles" — ` +
    `\`dockerfile-reload\` fails: 1 production Dockerfile starts uvicorn with --reload · evidence: [\`services/api/Dockerfile:14\`](${BLOB}/services/api/Dockerfile#L14)`,
  "",
];

const TABLE = [
  "| Phase | Gate | Status | Progress | Claims |",
  "| --- | --- | --- | --- | --- |",
  "| ❌ Foundation &amp; Security (`phase-1`) | required | failing | ████░░░░░░ 2/5 | claims 60% complete (line 4); 2 of 6 verifiable claims backed, 2 overclaimed, 1 underclaimed, 1 pending; 3 unverifiable (1 ambiguous) |",
  "| 🟡 Production hardening (`phase-2`) | advisory | incomplete | █████░░░░░ 1/2 | `docs/PHASE2.md` missing |",
  "| ⏩ Release readiness (`phase-3`) | required | complete (ahead, waiting on `phase-1`) | ██████████ 2/2 | — |",
  "",
];

const TOP = [...HEAD, ...CLAIMS, ...TABLE];

const folded = (report: AuditReport): string[] => [
  "",
  "<details><summary>Full report: findings, files not read, notes</summary>",
  "",
  renderMarkdown(report).trimEnd(),
  "",
  "</details>",
];

describe("phaseComment", () => {
  it("starts with the marker, shows every phase's progress, what the PR changed, and the full report folded", () => {
    const body = phaseComment(fixtureReport, baseReport);
    const expected = [
      ...TOP,
      "### What this PR changed",
      "",
      `Compared with the base commit ${BASE}:`,
      "",
      "- ❌ **Foundation &amp; Security** (`phase-1`): incomplete → failing, 3/5 → 2/5 checks pass",
      "  - ✅ `coverage-threshold`: pass (status unchanged)",
      "    - `facts.minimum`: 80 → 85",
      "  - ❌ `dockerfile-reload`: fail (status unchanged), 0 → 1 finding",
      "  - 💥 `index-migrations`: pass → error",
      "- 🟡 **Production hardening** (`phase-2`): new phase (incomplete, 1/2 checks pass)",
      "- ➖ **Old** (`phase-0`): phase removed (was complete, 1/1 checks pass)",
      ...folded(fixtureReport),
      "",
    ].join("\n");
    expect(body).toBe(expected);
    expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
  });

  it("says why there is nothing to compare with when the base was not audited", () => {
    expect(phaseComment(fixtureReport, null)).toBe(
      [...TOP, "### What this PR changed", "", "Nothing to compare with: the base commit was not audited.", ...folded(fixtureReport), ""].join("\n"),
    );
    expect(phaseComment(fixtureReport, null, { baseNote: "the base commit's checklist is not valid" })).toContain(
      "Nothing to compare with: the base commit's checklist is not valid.",
    );
  });

  it("says so when nothing changed, and renders the same body for the same reports", () => {
    const body = phaseComment(fixtureReport, { ...fixtureReport, commit: BASE });
    expect(body).toContain(`### What this PR changed\n\nCompared with the base commit ${BASE}: no phase or check changed.\n`);
    expect(phaseComment(fixtureReport, { ...fixtureReport, commit: BASE })).toBe(body);
  });

  it("stays within 65,000 characters: the folded report is cut first, the changes kept", () => {
    const checks: CheckReport[] = Array.from({ length: 40 }, (_, i) => ({
      id: `check-${i}`,
      status: "fail",
      summary: `summary ${i}`,
      findings: Array.from({ length: 100 }, (_, j) => ({ messageId: "m", severity: "error", path: `src/${j}.py`, line: j + 1, message: `problem ${j} ${"x".repeat(80)}` })),
    }));
    const head: AuditReport = { ...fixtureReport, phases: [{ id: "big", name: "Big", gate: "required", status: "failing", passed: 0, total: 40, checks }] };
    const base: AuditReport = { ...head, commit: BASE, phases: [{ ...head.phases[0]!, checks: checks.map((c) => ({ ...c, status: "pass" })) }] };
    const body = phaseComment(head, base);
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_LENGTH);
    expect(body.length).toBeGreaterThan(COMMENT_MAX_LENGTH - 2_000);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    for (let i = 0; i < 40; i += 1) expect(body).toContain(`  - ❌ \`check-${i}\`: pass → fail\n`);
    expect(body).toContain("> This report was cut to fit in a comment.");
    expect(body.endsWith("</details>\n")).toBe(true);
  });

  it("cuts a very long list of changes with a count, and falls back to a note when no report fits", () => {
    const phases = (status: "complete" | "failing"): PhaseReport[] =>
      Array.from({ length: 2_000 }, (_, i) => ({ id: `phase-${i}`, name: `Phase ${i}`, gate: "advisory", status, passed: 0, total: 0, checks: [] }));
    const head: AuditReport = { ...fixtureReport, skipped: [], notes: [], phases: phases("failing") };
    const body = phaseComment(head, { ...head, commit: BASE, phases: phases("complete") }, { maxLength: 20_000 });
    expect(body.length).toBeLessThanOrEqual(20_000);
    expect(body).toMatch(/\n\| … \| \d+ more phases: see the check runs \| \| \|\n/);
    expect(body).toContain("_The full report is in this commit's phase-gate check runs._");

    const changesOnly = phaseComment({ ...head, phases: phases("failing").slice(0, 300) }, { ...head, commit: BASE, phases: phases("complete").slice(0, 300) }, { maxLength: 40_000 });
    expect(changesOnly.length).toBeLessThanOrEqual(40_000);
    const shown = changesOnly.split("\n").filter((l) => l.startsWith("- ❌ **Phase "));
    expect(shown.length).toBeGreaterThan(50);
    expect(shown.length).toBeLessThan(300);
    expect(changesOnly).toContain(`- … and ${300 - shown.length} more lines of changes: compare the check runs of both commits\n`);

    for (const maxLength of [700, 1_500, 5_000]) expect(phaseComment(fixtureReport, baseReport, { maxLength }).length).toBeLessThanOrEqual(maxLength);
  });
});

describe("phaseComment: claims and phase order", () => {
  /** The fixture without phase documents, and phase 3 not ahead. */
  const plain: AuditReport = {
    ...fixtureReport,
    phases: fixtureReport.phases.map((p) => {
      const { document: _d, claims: _c, requires: _r, waitingOn: _w, ahead: _a, ...rest } = p;
      return rest;
    }),
  };

  it("has the section of claims not backed by the code only when a document has overclaims", () => {
    expect(phaseComment(fixtureReport, null)).toContain(`\n\n${CLAIMS.join("\n")}\n| Phase |`);
    const noOverclaims: AuditReport = {
      ...fixtureReport,
      phases: fixtureReport.phases.map((p) => ({ ...p, claims: (p.claims ?? []).filter((c) => c.verdict !== "overclaimed") })),
    };
    const body = phaseComment(noOverclaims, null);
    expect(body).not.toContain("Claims not backed by the code");
    expect(body).toContain(`${HEAD.join("\n")}\n| Phase | Gate | Status | Progress | Claims |\n`);
    // Overclaims of a document that could not be read are not claims anyone made.
    const [first, ...others] = fixtureReport.phases as [PhaseReport, ...PhaseReport[]];
    const unread: AuditReport = { ...fixtureReport, phases: [{ ...first, document: { ...first.document!, status: "unreadable", error: "binary" } }, ...others] };
    expect(phaseComment(unread, null)).not.toContain("Claims not backed by the code");
  });

  it("keeps the table without a claims column when no phase names a document, and says when every phase is complete", () => {
    const body = phaseComment(plain, null);
    expect(body).toContain("\n| Phase | Gate | Status | Progress |\n| --- | --- | --- | --- |\n| ❌ Foundation &amp; Security (`phase-1`) | required | failing | ████░░░░░░ 2/5 |\n");
    expect(body).toContain("\n| ✅ Release readiness (`phase-3`) | required | complete | ██████████ 2/2 |\n");
    const done: AuditReport = { ...plain, currentPhase: null, phases: plain.phases.map((p) => ({ ...p, status: "complete" as const })) };
    expect(phaseComment(done, null)).toContain("\n\nCurrent phase: none, every phase is complete.\n\n");
  });

  it("lists at most 20 overclaims at the top, then says how many more", () => {
    const [first, ...others] = fixtureReport.phases as [PhaseReport, ...PhaseReport[]];
    const claim = (first.claims ?? []).find((c) => c.verdict === "overclaimed") as ClaimReport;
    const claims = Array.from({ length: 25 }, (_, i): ClaimReport => ({ ...claim, line: 100 + i, text: `Claim ${i}` }));
    const body = phaseComment({ ...fixtureReport, phases: [{ ...first, claims }, ...others] }, null);
    expect(body).toContain("25 claims of the phase documents are marked done, but the linked checks do not pass:");
    const listed = body.split("\n").filter((l) => l.startsWith("- **Foundation &amp; Security** (`phase-1`): [`docs/PHASE1.md:"));
    expect(listed.map((l) => /PHASE1\.md:(\d+)`/.exec(l)?.[1])).toEqual(Array.from({ length: 20 }, (_, i) => String(100 + i)));
    expect(body).toContain(`${listed.at(-1)}\n- … and 5 more overclaimed claims: see the phases' check runs\n\n| Phase |`);
  });

  it("stays within its length with many long overclaims, keeping the claims section's start", () => {
    const [first, ...others] = fixtureReport.phases as [PhaseReport, ...PhaseReport[]];
    const claim = (first.claims ?? []).find((c) => c.verdict === "overclaimed") as ClaimReport;
    const claims = Array.from({ length: 20 }, (_, i): ClaimReport => ({ ...claim, line: 100 + i, text: `Claim ${i} ${"x".repeat(300)}` }));
    const report: AuditReport = { ...fixtureReport, phases: [{ ...first, claims }, ...others] };
    for (const maxLength of [3_000, 6_000, 12_000]) {
      const body = phaseComment(report, baseReport, { maxLength });
      expect(body.length).toBeLessThanOrEqual(maxLength);
      expect(body).toContain("### ⚠️ Claims not backed by the code");
      expect(body).toMatch(/\n- … and \d+ more overclaimed claims: see the phases' check runs\n/);
      // The table still has its rows.
      expect(body).toContain("| ⏩ Release readiness (`phase-3`) |");
    }
  });

  it("tells claims that were backed at base and are overclaimed at head, and the reverse", () => {
    const [first, ...others] = fixtureReport.phases as [PhaseReport, ...PhaseReport[]];
    const backed = (c: ClaimReport): ClaimReport => {
      const { evidence: _e, ...rest } = c;
      return { ...rest, verdict: "backed", reason: "dockerfile-reload passes: ok" };
    };
    // At base, the --reload claim was backed (on another line, written otherwise), and the hooks claim overclaimed.
    const baseClaims = (first.claims ?? []).map((c) => (c.line === 11 ? { ...backed(c), line: 7, text: "Removed `--reload`  from production dockerfiles" } : c));
    const base: AuditReport = { ...fixtureReport, commit: BASE, phases: [{ ...first, claims: baseClaims }, ...others] };
    const headClaims = (first.claims ?? []).map((c) => (c.line === 9 ? backed(c) : c));
    const head: AuditReport = { ...fixtureReport, phases: [{ ...first, claims: headClaims }, ...others] };
    const [change] = compareReports(head, base);
    expect(change?.claims).toEqual([
      { phaseId: "phase-1", path: "docs/PHASE1.md", line: 9, text: "Pre-commit hooks: ruff, black, mypy, bandit, detect-secrets", from: "overclaimed", to: "backed", checkId: "pre-commit-config" },
      { phaseId: "phase-1", path: "docs/PHASE1.md", line: 11, text: "Removed `--reload` from production Dockerfiles", from: "backed", to: "overclaimed", checkId: "dockerfile-reload" },
    ]);
    expect(phaseComment(head, base)).toContain(
      [
        "- ❌ **Foundation &amp; Security** (`phase-1`): failing (unchanged), 2/5 checks pass",
        `  - ✅ claim [\`docs/PHASE1.md:9\`](${BLOB}/docs/PHASE1.md#L9) "Pre-commit hooks: ruff, black, mypy, bandit, detect-secrets": overclaimed → backed (\`pre-commit-config\`)`,
        `  - ❌ claim [\`docs/PHASE1.md:11\`](${BLOB}/docs/PHASE1.md#L11) "Removed \\\`--reload\\\` from production Dockerfiles": backed → overclaimed (\`dockerfile-reload\`)`,
      ].join("\n"),
    );
    // Verdicts that did not move between backed and overclaimed are not told; nor is another document's claim.
    expect(compareReports(fixtureReport, { ...fixtureReport, commit: BASE })).toEqual([]);
    const moved: AuditReport = { ...base, phases: [{ ...first, claims: baseClaims, document: { ...first.document!, path: "docs/OLD.md" } }, ...others] };
    expect(compareReports(head, moved)).toEqual([]);
  });
});

describe("compareReports", () => {
  const check = (id: string, over: Partial<CheckReport> = {}): CheckReport => ({ id, status: "pass", summary: "s", findings: [], ...over });
  const report = (checks: CheckReport[]): AuditReport => ({
    ...fixtureReport,
    phases: [{ id: "p", name: "P", gate: "required", status: "complete", passed: checks.length, total: checks.length, checks }],
  });

  it("tells two runs of one check apart by their occurrence", () => {
    const base = report([check("file-exists"), check("file-exists")]);
    const head = report([check("file-exists"), check("file-exists", { status: "fail" }), check("file-exists")]);
    expect(compareReports(head, base)).toEqual([
      {
        phaseId: "p",
        name: "P",
        kind: "kept",
        from: { status: "complete", passed: 2, total: 2 },
        to: { status: "complete", passed: 3, total: 3 },
        checks: [
          { phaseId: "p", checkId: "file-exists", occurrence: 1, kind: "changed", from: "pass", to: "fail", facts: [] },
          { phaseId: "p", checkId: "file-exists", occurrence: 2, kind: "added", status: "pass" },
        ],
      },
    ]);
    expect(phaseComment(head, base)).toContain("  - ❌ `file-exists` (#2): pass → fail\n  - ✅ `file-exists` (#3): new check (pass)\n");
  });

  it("reports simple fact deltas: values, items of lists, new keys; not order, not moved lines", () => {
    const base = report([
      check("coverage-threshold", { facts: { minimum: 85, source: { path: "pyproject.toml", line: 41 } } }),
      check("pre-commit-config", { facts: { hooks: ["ruff", "black", "mypy"] } }),
      check("secrets-baseline", { facts: { plugins: ["a", "b"], version: "1.4.0" } }),
    ]);
    const head = report([
      check("coverage-threshold", { facts: { minimum: 80, source: { path: "setup.cfg", line: 12 }, branch: true } }),
      check("pre-commit-config", { facts: { hooks: ["ruff", "mypy", "bandit"] } }),
      check("secrets-baseline", { facts: { plugins: ["b", "a"], version: "1.4.0" } }),
    ]);
    const [phase] = compareReports(head, base);
    expect(phase?.checks).toEqual([
      {
        phaseId: "p",
        checkId: "coverage-threshold",
        occurrence: 0,
        kind: "changed",
        from: "pass",
        to: "pass",
        facts: [
          { path: "minimum", from: 85, to: 80 },
          { path: "source.path", from: "pyproject.toml", to: "setup.cfg" },
          { path: "branch", to: true },
        ],
      },
      { phaseId: "p", checkId: "pre-commit-config", occurrence: 0, kind: "changed", from: "pass", to: "pass", facts: [{ path: "hooks", added: ["bandit"], removed: ["black"] }] },
    ]);
    const body = phaseComment(head, base);
    expect(body).toContain(
      [
        "  - ✅ `coverage-threshold`: pass (status unchanged)",
        "    - `facts.minimum`: 85 → 80",
        "    - `facts.source.path`: `pyproject.toml` → `setup.cfg`",
        "    - `facts.branch`: (none) → true",
        "  - ✅ `pre-commit-config`: pass (status unchanged)",
        "    - `facts.hooks`: added `bandit`; removed `black`",
      ].join("\n"),
    );
  });

  it("lists removed checks and phases after the ones of head", () => {
    const base = report([check("a"), check("b", { status: "fail" })]);
    const head = report([check("a")]);
    expect(compareReports(head, base)[0]?.checks).toEqual([{ phaseId: "p", checkId: "b", occurrence: 0, kind: "removed", status: "fail" }]);
    expect(phaseComment(head, base)).toContain("  - ➖ `b`: check removed (was fail)\n");
    expect(compareReports(head, head)).toEqual([]);
  });
});
