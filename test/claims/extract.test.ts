import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitDocument } from "../../src/claims/chunks.js";
import { extractClaims } from "../../src/claims/extract.js";
import { repairMojibake } from "../../src/claims/mojibake.js";
import { parseStatus } from "../../src/claims/status.js";
import type { Claim, ClaimKind, ClaimState, PhaseDocument } from "../../src/claims/types.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(path.join(here, "fixtures", name), "utf8");

type Row = [line: number, state: ClaimState, kind: ClaimKind, text: string];
const rows = (claims: Claim[], from: number, to: number): Row[] =>
  claims.filter((c) => c.line >= from && c.line <= to).map((c) => [c.line, c.state, c.kind, c.text]);
const count = (doc: PhaseDocument, key: "state" | "kind", value: string): number =>
  doc.claims.filter((c) => c[key] === value).length;
const lineCount = (text: string): number => text.split(/\r\n|\r|\n/).length;

/*
 * The five reports, as received (byte-for-byte copies of ../shared/phase-reports/).
 *
 * How the expectations were counted: by reading each document (`cat -n`) section by
 * section, and cross-checking the counts with line searches over the raw file (for
 * example `grep -c '^\s*- \[x\]'` for done tasks, `grep -cE '^\s*- âœ…'` for items led
 * by a (damaged) ✅). The rules applied while reading are those documented in
 * src/claims/types.ts: a `**Status:**` line merges into its section's heading when the
 * heading states a status itself; lists under "Goals", "Success Criteria" or an
 * "Expected …" label are expectations, not claims; a table's Total row and the
 * document's header/footer status are overall figures, not claims.
 */
describe("the five phase reports", () => {
  it("codeflow-phase1-summary.md: 40 claims, all done", () => {
    const doc = extractClaims(fixture("codeflow-phase1-summary.md"));
    // Headings with ✅ (lines 17, 19, 40, 79, 109, 153, 307) = 7; items led by ✅:
    // 59–61, 136–141, 450–455 = 15 (217–220 and 250–253 sit under "Expected Impact:");
    // table rows: Time Investment 5 (Total row excluded), Success Metrics 7, Risks 5 = 17;
    // "Phase 1 Status: ✅ COMPLETE …" (line 444) = 1. Total 40, every one done.
    expect(doc.claims).toHaveLength(40);
    expect(count(doc, "state", "done")).toBe(40);
    expect(count(doc, "kind", "heading")).toBe(7);
    expect(count(doc, "kind", "item")).toBe(15);
    expect(count(doc, "kind", "table-row")).toBe(17);
    expect(count(doc, "kind", "status-line")).toBe(1);
    // Section "### 4. PERF-2": the heading's claim; its `**Status:** VERIFIED COMPLETE`
    // (line 111) merges into it; the six ✅ features.
    expect(rows(doc.claims, 109, 152)).toEqual([
      [109, "done", "heading", "4. PERF-2: DB Connection Pooling"],
      [136, "done", "item", "QueuePool for production (proper pooling)"],
      [137, "done", "item", "NullPool for testing (isolation)"],
      [138, "done", "item", "Environment-based configuration"],
      [139, "done", "item", "Connection health checks (pool_pre_ping)"],
      [140, "done", "item", "Connection recycling (1 hour)"],
      [141, "done", "item", "Pool monitoring via get_connection_info()"],
    ]);
    // "Phase 1 Targets vs Actual": the Status column, not the ✅ of Target/Actual.
    expect(rows(doc.claims, 290, 300)).toEqual([
      [293, "done", "table-row", "Master PRD created"],
      [294, "done", "table-row", "Security audit done"],
      [295, "done", "table-row", "Logging consolidated"],
      [296, "done", "table-row", "DB pooling configured"],
      [297, "done", "table-row", "Indexes added"],
      [298, "done", "table-row", "Zero critical vulns"],
      [299, "done", "table-row", "2-3x DB performance"],
    ]);
    expect(doc.overall.map((o) => [o.line, o.source, o.state, o.percent])).toEqual([
      [6, "document-status", "done", undefined],
      [268, "table-total", "done", undefined],
      [301, "label", "done", 100],
      [465, "document-status", "done", undefined],
    ]);
    // `âœ…` on line 19 was read as ✅.
    const heading19 = doc.claims.find((c) => c.line === 19);
    expect(heading19?.repaired).toBe(true);
    expect(heading19?.raw).toBe("✅");
    expect(doc.notes.filter((n) => n.includes("an expectation")).length).toBe(8);
  });

  it("foundation-security-phase1.md: 60 claims, 42 done, 10 partial, 8 not done", () => {
    const doc = extractClaims(fixture("foundation-security-phase1.md"));
    // Headings: 28 (45%), 30 (✅ 50%), 50 (✅ 90%), 80 (✅ 100%), 101 (✅ 60%), 118 (✅ 100%),
    // 139 (🟡 0%), 153 (🟡 50%), 171 (🔴 0%) = 9 ("High Risk 🔴" is a risk level, not a status).
    // Items of the five "**Completed:**" lists (top-level only): 6 + 5 + 6 + 7 + 6 = 30 done.
    // The conclusion's five "✅ …" lines (434–438) = 5 done. The nine ✅ Goals are targets.
    // Acceptance Criteria 9 rows + Progress Tracking 7 rows = 16.
    expect(doc.claims).toHaveLength(60);
    expect(count(doc, "state", "done")).toBe(42);
    expect(count(doc, "state", "partial")).toBe(10);
    expect(count(doc, "state", "not-done")).toBe(8);
    expect(count(doc, "kind", "heading")).toBe(9);
    expect(count(doc, "kind", "item")).toBe(35);
    expect(count(doc, "kind", "table-row")).toBe(16);
    expect(rows(doc.claims, 28, 49)).toEqual([
      [28, "partial", "heading", "What's Been Done"],
      [30, "partial", "heading", "Security Fixes"],
      [33, "done", "item", "Comprehensive .env.example with security warnings and placeholders"],
      [34, "done", "item", "Security scanning tools integrated:"],
      [38, "done", "item", "Created .bandit.yaml configuration with appropriate skips"],
      [39, "done", "item", "Set up secret detection in pre-commit hooks (detect-secrets)"],
      [40, "done", "item", "Created .secrets.baseline for secret tracking"],
      [41, "done", "item", "Enabled GitHub Dependabot configuration"],
    ]);
    // Acceptance Criteria: the word beats the colour (🟡 Pending is not done).
    expect(rows(doc.claims, 350, 364)).toEqual([
      [355, "done", "table-row", "Zero secrets in repo"],
      [356, "not-done", "table-row", "All P0 security issues documented"],
      [357, "partial", "table-row", "100% of PRs pass linting, formatting, type checking"],
      [358, "not-done", "table-row", "Test coverage >= 80%"],
      [359, "done", "table-row", "All events documented with schemas"],
      [360, "partial", "table-row", "JSON structured logging with correlation IDs"],
      [361, "done", "table-row", "All health endpoints working"],
      [362, "not-done", "table-row", "Staging deployed and stable (99.9% uptime, 7 days)"],
      [363, "not-done", "table-row", "Zero production-blocking bugs in staging"],
    ]);
    // `🟢 90% Complete` is partial: the percentage wins.
    expect(doc.claims.find((c) => c.line === 374)?.state).toBe("partial");
    expect(rows(doc.claims, 1, 27)).toEqual([]); // the Goals list
    expect(doc.overall).toEqual([
      { text: "Status: 🟡 45% Complete", line: 6, source: "document-status", state: "partial", percent: 45 },
      {
        text: "Overall: 55% Complete (5/9 criteria met or in progress)", line: 365, source: "label",
        state: "partial", percent: 55, fraction: { done: 5, total: 9 },
      },
      { text: "Overall: 45% Complete", line: 381, source: "label", state: "partial", percent: 45 },
    ]);
  });

  it("phase1-quick-wins-report.md: 48 claims, 32 done, 16 not done", () => {
    const doc = extractClaims(fixture("phase1-quick-wins-report.md"));
    // Headings "### ✅ Quick Win #1–#7" = 7 (their "**Status**: COMPLETED" lines merge);
    // "## Security Audit Results" has no status, so its "**Status**: COMPLETED" (305) is a
    // status-line claim = 1; items: "What Was Done" 33–36 (4), "Cache Policies
    // Implemented" 197–200 (4), the eight ✅ agents 449–456 (8) = 16; Test Breakdown rows
    // = 8 (TOTAL excluded); the staging checklist's `- [ ]` tasks = 16 not done.
    // The four ✅ Success Criteria (518–521) are targets.
    expect(doc.claims).toHaveLength(48);
    expect(count(doc, "state", "done")).toBe(32);
    expect(count(doc, "state", "not-done")).toBe(16);
    expect(count(doc, "kind", "task")).toBe(16);
    expect(count(doc, "kind", "heading")).toBe(7);
    expect(count(doc, "kind", "item")).toBe(16);
    expect(count(doc, "kind", "table-row")).toBe(8);
    expect(count(doc, "kind", "status-line")).toBe(1);
    expect(rows(doc.claims, 20, 46)).toEqual([
      [25, "done", "heading", "Quick Win #1: Remove Warning Suppression"],
      [33, "done", "item", "Removed #![allow(warnings)] and #![allow(clippy::all)] directives"],
      [34, "done", "item", "Fixed deprecated chrono functions"],
      [35, "done", "item", "Fixed ambiguous glob re-exports"],
      [36, "done", "item", "Applied automatic clippy fixes where safe"],
    ]);
    expect(rows(doc.claims, 489, 522)).toEqual([
      [493, "not-done", "task", "Code review completed by tech lead"],
      [494, "not-done", "task", "All 255 tests passing in CI/CD"],
      [495, "not-done", "task", "Security audit approved (P0/P1 fixes verified)"],
      [496, "not-done", "task", "DBA sign-off on index migration"],
      [497, "not-done", "task", "Staging environment prepared"],
      [501, "not-done", "task", "Deploy all 7 Quick Wins to staging"],
      [502, "not-done", "task", "Integrated testing with production-like data"],
      [503, "not-done", "task", "Load testing (verify cache hit rates, pool utilization)"],
      [504, "not-done", "task", "Monitoring dashboards configured"],
      [505, "not-done", "task", "Rollback procedures tested"],
      [509, "not-done", "task", "Deploy to 10% of production (canary phase)"],
      [510, "not-done", "task", "Monitor for 4 hours"],
      [511, "not-done", "task", "Expand to 50% of production"],
      [512, "not-done", "task", "Monitor for 8 hours"],
      [513, "not-done", "task", "Expand to 100% (full rollout)"],
      [514, "not-done", "task", "Measure and verify target metrics"],
    ]);
    expect(doc.claims.find((c) => c.line === 305)).toMatchObject({ text: "Security Audit Results", kind: "status-line", state: "done" });
    expect(doc.overall.map((o) => [o.line, o.source, o.state])).toEqual([
      [4, "document-status", "done"],
      [363, "table-total", "done"],
      [585, "document-status", "done"],
    ]);
    expect(doc.repairs).toEqual([]); // this one arrived undamaged
  });

  it("temponest-optimization-tracker.md: 266 claims, 246 done, 5 partial, 15 not done", () => {
    const doc = extractClaims(fixture("temponest-optimization-tracker.md"));
    // Tasks: 86 `- [x]` + 8 `- [ ]` = 94. Items: 103 `- âœ…` + 4 `- â¸ï¸` = 107.
    // Headings: 36 with ✅ minus "## ✅ Completed Phases" (a group label) = 35, the eight
    // "### Phase N: … (100% Complete)/(In Progress)" headings, three ⏸️ headings (477, 818,
    // 863) and the two "Phase 8 - In Progress" headings (890, 922) = 48.
    // Status lines "**Phase N Status**" ×8 + "**Phase 2 Actual Completion**: 100%" = 9.
    // Overall Progress table: 8 rows (TOTAL excluded). 94 + 107 + 48 + 9 + 8 = 266.
    // Not done: 8 tasks + 4 ⏸️ items + 3 ⏸️ headings = 15. Partial: headings 768, 890, 922,
    // "Phase 8 Status: 🚧 In Progress" (884), the table's Phase 8 row (913) = 5.
    expect(doc.claims).toHaveLength(266);
    expect(count(doc, "kind", "task")).toBe(94);
    expect(count(doc, "kind", "item")).toBe(107);
    expect(count(doc, "kind", "heading")).toBe(48);
    expect(count(doc, "kind", "status-line")).toBe(9);
    expect(count(doc, "kind", "table-row")).toBe(8);
    expect(count(doc, "state", "done")).toBe(246);
    expect(count(doc, "state", "partial")).toBe(5);
    expect(count(doc, "state", "not-done")).toBe(15);
    // Phase 1, every claim.
    expect(rows(doc.claims, 1, 72)).toEqual([
      [10, "done", "heading", "Phase 1: Critical Security & Stability"],
      [15, "done", "heading", "1.1 Security Fixes (2 hours)"],
      [16, "done", "task", "Fix SQL Injection in Auth Service (services/auth/app/database.py:63)"],
      [18, "done", "task", "Fix SQL Injection in Scheduler (services/scheduler/app/db.py:301-305)"],
      [21, "done", "task", "Fix SQL Injection in Web UI (web-ui/app.py:157-165, 442)"],
      [23, "done", "task", "Security Audit"],
      [28, "done", "heading", "1.2 Production Configuration Fixes (1 hour)"],
      [29, "done", "task", "Remove Development Flags"],
      [33, "done", "task", "Add Resource Limits (docker/docker-compose.yml)"],
      [41, "done", "heading", "1.3 Build Optimization Quick Wins (2 hours)"],
      [42, "done", "task", "Created .dockerignore files for all services:"],
      [54, "done", "heading", "1.4 Database Pagination Critical Fix (3 hours)"],
      [59, "done", "task", "Add Pagination to Project Details Page"],
      [70, "done", "status-line", "Phase 1"],
    ]);
    // The nested lines that name the files and flags stay with their task.
    expect(doc.claims.find((c) => c.line === 29)?.detail).toBe(
      "services/agents/Dockerfile - Removed --reload services/scheduler/Dockerfile - Removed --reload services/approval_ui/Dockerfile - Removed --reload",
    );
    // Phase 8's deferred parts.
    expect(rows(doc.claims, 818, 836)).toEqual([
      [818, "not-done", "heading", "8.2 Performance Validation (6 hours)"],
      [820, "not-done", "task", "Load Testing - k6 or Locust"],
      [824, "not-done", "task", "Database Performance Testing"],
      [828, "not-done", "task", "Docker Performance Testing"],
      [832, "not-done", "task", "Before/After Metrics Comparison"],
    ]);
    expect(doc.claims.find((c) => c.line === 818)?.raw).toBe("⏸"); // from `â¸ï¸`
    expect(doc.overall.map((o) => [o.line, o.source, o.state, o.percent])).toEqual([
      [4, "label", "done", 100],
      [914, "table-total", "partial", 77],
      [916, "label", "partial", 77],
    ]);
  });

  it("workflow-mcp-phase0-review.md: 18 claims from a review that is mostly not a status report", () => {
    const doc = extractClaims(fixture("workflow-mcp-phase0-review.md"));
    // "#### ✅ Strengths" ×5 (46, 230, 471, 697, 1050); the Compliance column of
    // "Architectural Principles Compliance" (found by its cells: 8 ✅ Excellent,
    // 2 ⚠️ Partial); the three marked recommendations 1637–1639 (✅, ✅, ⏸️). The many ✅
    // and ❌ inside fenced shell scripts are code, not claims; the "Summary by Category"
    // table's Status ("Sound", "Needs Improvement") states no progress.
    expect(doc.claims).toHaveLength(18);
    expect(count(doc, "state", "done")).toBe(15);
    expect(count(doc, "state", "partial")).toBe(2);
    expect(count(doc, "state", "not-done")).toBe(1);
    expect(rows(doc.claims, 1587, 1648)).toEqual([
      [1591, "done", "table-row", "Simplicity"],
      [1592, "done", "table-row", "Local-First"],
      [1593, "done", "table-row", "Protocol Compliance"],
      [1594, "partial", "table-row", "Performance"],
      [1595, "partial", "table-row", "Production Quality"],
      [1596, "done", "table-row", "Specification-First"],
      [1597, "done", "table-row", "Test-Driven"],
      [1598, "done", "table-row", "Type Safety"],
      [1599, "done", "table-row", "Git Micro-Commits"],
      [1600, "done", "table-row", "FastMCP Foundation"],
      [1637, "done", "item", "Implement Critical fixes (passwords, security scanning) - MANDATORY"],
      [1638, "done", "item", "Implement High priority fixes (baseline validation, config validation) - STRONGLY RECOMMENDED"],
      [1639, "not-done", "item", "Defer Medium/Low priority fixes to Phase 1 or later - OPTIONAL"],
    ]);
    expect(doc.claims.filter((c) => c.kind === "heading").map((c) => c.line)).toEqual([46, 230, 471, 697, 1050]);
    expect(doc.overall).toEqual([{ text: "Review Status: COMPLETE", line: 1645, source: "document-status", state: "done" }]);
    expect(doc.notes.some((n) => n.startsWith("line 1555:"))).toBe(true);
  });
});

describe("constructs", () => {
  it("reads task-list items, done and not done, nested ones included", () => {
    const doc = extractClaims("# P\n\n- [x] **Ship** it\n- [ ] Write docs\n  - [X] nested\n");
    expect(rows(doc.claims, 1, 99)).toEqual([
      [3, "done", "task", "Ship it"],
      [4, "not-done", "task", "Write docs"],
      [5, "done", "task", "nested"],
    ]);
    expect(doc.claims[0]?.raw).toBe("[x]");
  });

  it("finds a status column by its header and takes the first other cell as the text", () => {
    const md = [
      "## Work", "", "| Item | Owner | Progress |", "|---|---|---|",
      "| Migrations | ana | 100% |", "| Docs | bo | 40% |", "| CI | cy | 0% |", "| Lint | dee | soon |",
      "| **Total** | | 47% |",
    ].join("\n");
    const doc = extractClaims(md);
    expect(rows(doc.claims, 1, 99)).toEqual([
      [5, "done", "table-row", "Migrations"],
      [6, "partial", "table-row", "Docs"],
      [7, "not-done", "table-row", "CI"],
    ]);
    expect(doc.notes).toEqual(['line 8: table row "Lint": status "soon" not recognised']);
    expect(doc.overall).toEqual([{ text: "Total |  | 47%", line: 9, source: "table-total", state: "partial", percent: 47 }]);
  });

  it("finds a status column by its cells when the header says nothing", () => {
    const md = "| Task | Where |\n|---|---|\n| A | ✅ |\n| B | ❌ |\n| C | 🟡 |\n| D | ⏸️ |\n";
    expect(extractClaims(md).claims.map((c) => [c.text, c.state])).toEqual([
      ["A", "done"], ["B", "not-done"], ["C", "partial"], ["D", "not-done"],
    ]);
  });

  it("does not read a column of bare percentages as a status by its cells", () => {
    const md = "| Metric | Improvement |\n|---|---|\n| p99 | 68% |\n| errors | 100% |\n";
    expect(extractClaims(md).claims).toEqual([]);
  });

  it("reads headings marked ✅, COMPLETE, (N% Complete), ⏸️ and skips colour-dot risk levels", () => {
    const md = [
      "# Plan", "", "text", "",
      "## Fix auth ✅", "## Docker - COMPLETE", "## Coverage (60% Complete)", "## Later ⏸️ (Deferred)",
      "## High Risk 🔴", "## 🔴 Staging (0% Complete)", "## Phase 2 (In Progress)",
    ].join("\n");
    expect(rows(extractClaims(md).claims, 1, 99)).toEqual([
      [5, "done", "heading", "Fix auth"],
      [6, "done", "heading", "Docker"],
      [7, "partial", "heading", "Coverage"],
      [8, "not-done", "heading", "Later"],
      [10, "not-done", "heading", "Staging"],
      [11, "partial", "heading", "Phase 2"],
    ]);
  });

  it("merges a section's **Status:** line into its heading and reads it alone otherwise", () => {
    const md = [
      "# Doc", "", "intro", "",
      "## Pooling ✅", "", "**Status:** VERIFIED COMPLETE", "",
      "## Audit", "", "**File:** a.md  ", "**Status**: COMPLETED  ", "**Time:** 2h", "",
      "## Cache ✅", "", "**Status:** Not started", "",
      "## Phases", "", "**Phase 3 Status**: 🚧 In Progress",
    ].join("\n");
    const doc = extractClaims(md);
    expect(rows(doc.claims, 1, 99)).toEqual([
      [5, "done", "heading", "Pooling"],
      [12, "done", "status-line", "Audit"],
      [15, "done", "heading", "Cache"],
      [21, "partial", "status-line", "Phase 3"],
    ]);
    expect(doc.notes).toEqual(["line 17: status \"Not started\" says not-done, its heading (line 15) says done; the heading's claim is kept"]);
  });

  it("reads the document's own status in its header and footer, and Overall lines, as figures", () => {
    const md = [
      "# Phase 1", "## Subtitle", "", "**Status:** ✅ COMPLETE", "", "---", "",
      "## Work", "", "**Overall: 5/9 criteria met**", "", "---", "", "**Status**: 40% complete",
    ].join("\n");
    const doc = extractClaims(md);
    expect(doc.claims).toEqual([]);
    expect(doc.overall).toEqual([
      { text: "Status: ✅ COMPLETE", line: 4, source: "document-status", state: "done" },
      { text: "Overall: 5/9 criteria met", line: 10, source: "label", fraction: { done: 5, total: 9 } },
      { text: "Status: 40% complete", line: 14, source: "document-status", state: "partial", percent: 40 },
    ]);
  });

  it("reads marked items and the items of a **Completed:** / **Remaining:** list, not goals", () => {
    const md = [
      "## Goals", "", "- ✅ Zero secrets", "",
      "## Security", "", "**Completed:**", "- Created `.secrets.baseline`", "- ❌ Gitleaks in CI", "",
      "**Remaining:**", "- Rotate keys", "", "**Expected Impact:**", "- ✅ Faster", "",
      "✅ Pre-commit installed", "✅ **Strengths:**", "- fine",
    ].join("\n");
    const doc = extractClaims(md);
    expect(rows(doc.claims, 1, 99)).toEqual([
      [8, "done", "item", "Created .secrets.baseline"],
      [9, "not-done", "item", "Gitleaks in CI"],
      [12, "not-done", "item", "Rotate keys"],
      [17, "done", "item", "Pre-commit installed"],
    ]);
    expect(doc.claims[0]?.section).toBe("Security");
    expect(doc.notes).toHaveLength(2); // the goal and the expectation
  });

  it("never reads claims inside code blocks", () => {
    const md = "## Setup\n\n```bash\necho \"✅ done\"\n- [x] not a task\n```\n";
    expect(extractClaims(md).claims).toEqual([]);
  });
});

describe("parseStatus", () => {
  it("gives a percentage precedence, then words, then markers", () => {
    expect(parseStatus("🟢 90% Complete")).toEqual({ state: "partial", percent: 90 });
    expect(parseStatus("✅ Complete (100%)")).toEqual({ state: "done", percent: 100 });
    expect(parseStatus("🟡 Pending")?.state).toBe("not-done");
    expect(parseStatus("Not Started")?.state).toBe("not-done");
    expect(parseStatus("In progress")?.state).toBe("partial");
    expect(parseStatus("Blocked")?.state).toBe("not-done");
    expect(parseStatus("Done")?.state).toBe("done");
    expect(parseStatus("❌")?.state).toBe("not-done");
    expect(parseStatus("⏸️")?.state).toBe("not-done");
    expect(parseStatus("🟡")).toBeUndefined(); // a colour alone: only in a status column
    expect(parseStatus("🟡", { weakMarkers: true })?.state).toBe("partial");
    expect(parseStatus("60%")).toBeUndefined();
    expect(parseStatus("60%", { percentAlone: true })).toEqual({ state: "partial", percent: 60 });
    expect(parseStatus("95% under budget!", { percentAlone: true })).toBeUndefined();
    expect(parseStatus("incomplete")?.state).toBe("not-done");
  });
});

describe("repairMojibake", () => {
  const bytes = (...b: number[]): string => Buffer.from(b).toString("latin1");
  // Windows-1252 renderings, written as the code points the damaged files hold.
  it("repairs the sequences of the reports, byte for byte", () => {
    // âœ… = c3 a2 c5 93 e2 80 a6 in the file: â (U+00E2) œ (U+0153) … (U+2026) → E2 9C 85.
    expect(Buffer.from("âœ…", "utf8")).toEqual(Buffer.from([0xc3, 0xa2, 0xc5, 0x93, 0xe2, 0x80, 0xa6]));
    expect(repairMojibake("âœ…").text).toBe("✅");
    expect(repairMojibake("ðŸŸ¡").text).toBe("🟡"); // F0 9F 9F A1
    expect(repairMojibake("ðŸ”´").text).toBe("🔴"); // F0 9F 94 B4
    expect(repairMojibake("ðŸš§").text).toBe("🚧"); // F0 9F 9A A7
    expect(repairMojibake("â€”").text).toBe("—");
    expect(repairMojibake("â†’").text).toBe("→");
    // ⏸️ = E2 8F B8 EF B8 8F: both 8F bytes (undefined in Windows-1252) were dropped.
    const pause = readFileSync(path.join(here, "fixtures", "temponest-optimization-tracker.md"), "utf8").split("\n")[817] ?? "";
    expect(Buffer.from(pause, "utf8").subarray(32, 40)).toEqual(Buffer.from([0xc3, 0xa2, 0xc2, 0xb8, 0xc3, 0xaf, 0xc2, 0xb8]));
    expect(repairMojibake(pause).text).toBe("#### 8.2 Performance Validation ⏸️ (6 hours)");
    // ⚠️ = E2 9A A0 EF B8 [8F]: "âš ï¸" with a no-break space.
    expect(repairMojibake("âš\u00a0ï¸ MODERATE").text).toBe("⚠️ MODERATE");
    // ❌ = E2 [9D] 8C.
    expect(repairMojibake("âŒ no").text).toBe("❌ no");
    // The same bytes read as ISO-8859-1 (80–9F become C1 controls) are repaired too.
    expect(repairMojibake(bytes(0xe2, 0x9c, 0x85))).toEqual({ text: "✅", repairs: [{ line: 1, from: "â\u009c\u0085", to: "✅" }] });
  });

  it("keeps text that is not mojibake, and keeps line numbers", () => {
    const text = "Café, naïve, Ångström, 25°C, ½\nâ\nÃ";
    expect(repairMojibake(text).text).toBe(text);
    const r = repairMojibake("a\r\nb\rc\nâœ… d");
    expect(r.text).toBe("a\r\nb\rc\n✅ d");
    expect(r.repairs).toEqual([{ line: 4, from: "âœ…", to: "✅" }]);
    // An ambiguous dropped byte is not guessed: ðŸ³ (🐳 lost its 90) stays.
    expect(repairMojibake("ðŸ³").text).toBe("ðŸ³");
  });

  it("repairs the whole damaged reports without changing their line count", () => {
    for (const name of ["codeflow-phase1-summary.md", "foundation-security-phase1.md", "temponest-optimization-tracker.md"]) {
      const text = fixture(name);
      const repaired = repairMojibake(text).text;
      expect(lineCount(repaired)).toBe(lineCount(text));
      expect(repaired).not.toContain("âœ…");
      expect(repaired).not.toContain("ðŸŸ¡");
    }
  });
});

describe("robustness", () => {
  it("never throws, and every line is within the document (arbitrary strings)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), (s) => {
        const doc = extractClaims(s);
        const n = lineCount(s);
        for (const c of doc.claims) expect(c.line >= 1 && c.line <= n).toBe(true);
        for (const o of doc.overall) expect(o.line >= 1 && o.line <= n).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on Markdown-shaped input", () => {
    const piece = fc.constantFrom(
      "# ", "## ", "- [x] ", "- [ ] ", "- ✅ ", "| a | Status |\n|---|---|\n| b | ✅ |\n", "**Status:** ", "**Overall: ",
      "COMPLETE", "(50% Complete)", "âœ…", "â¸ï¸", "ðŸŸ¡", "\n", "\r\n", "\r", "```\n", "---\n", "> ", "**", ":", "text ", "%",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const s = parts.join("");
        const doc = extractClaims(s);
        const n = lineCount(s);
        for (const c of [...doc.claims, ...doc.overall]) expect(c.line >= 1 && c.line <= n).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("reads a 1 MB document", () => {
    const unit = fixture("temponest-optimization-tracker.md");
    const big = Array.from({ length: Math.ceil(1_000_000 / unit.length) }, () => unit).join("\n");
    expect(big.length).toBeGreaterThan(1_000_000);
    const doc = extractClaims(big);
    // Read in pieces (chunks.ts), each copy keeps its 266 claims at its own lines.
    const copies = Math.ceil(1_000_000 / unit.length);
    expect(doc.claims.length).toBe(266 * copies);
    const one = extractClaims(unit).claims;
    const unitLines = lineCount(unit);
    const last = doc.claims.slice(-266).map((c) => [c.line - (copies - 1) * unitLines, c.state, c.kind, c.text]);
    expect(last).toEqual(one.map((c) => [c.line, c.state, c.kind, c.text]));
  });

  it("cuts a large document only at headings outside fenced code and HTML blocks", () => {
    const filler = "text line\n".repeat(4000); // 40 000 characters
    const doc = [
      filler, "```md\n", "# not a heading\n", "```\n", filler, "<!--\n", "# still a comment\n", "-->\n",
      filler, filler, "# Real heading\n", filler,
    ].join("");
    const pieces = splitDocument(doc);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces.slice(1)) expect(p.text.startsWith("# Real heading") || p.text.startsWith("# ")).toBe(true);
    expect(pieces.some((p) => p.text.startsWith("# not a heading") || p.text.startsWith("# still"))).toBe(false);
    expect(pieces.map((p) => p.text).join("")).toBe(doc);
    const real = pieces.find((p) => p.text.startsWith("# Real heading"));
    expect(real?.lineOffset).toBe(doc.slice(0, doc.indexOf("# Real heading")).split("\n").length - 1);
  });
});
