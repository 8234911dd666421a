import { describe, expect, it } from "vitest";
import type { AuditReport } from "../../src/audit/types.js";
import { renderText } from "../../src/report/text.js";
import { fixtureReport } from "./fixture-report.js";

const ESC = "\u001b";
const stripAnsi = (s: string): string => s.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "");

describe("renderText", () => {
  it("has no escape code at all without colour, even when a message carries one", () => {
    expect(JSON.stringify(fixtureReport)).toContain("\\u001b");
    const out = renderText(fixtureReport, { color: false });
    expect(out).not.toContain(ESC);
    expect(out).toContain("\\x1b[31m");
  });

  it("with colour, says the same words once the escape codes are removed", () => {
    const plain = renderText(fixtureReport, { color: false });
    const colored = renderText(fixtureReport, { color: true });
    expect(colored).toContain(`${ESC}[31mFAILING${ESC}[39m`);
    expect(stripAnsi(colored)).toBe(plain);
  });

  it("keeps lines within 100 columns where words allow", () => {
    for (const line of renderText(fixtureReport, { color: false }).split("\n")) {
      expect([...line].length, line).toBeLessThanOrEqual(100);
    }
  });

  it("says visibly that the built-in default checklist was used", () => {
    const report: AuditReport = { ...fixtureReport, checklist: { source: "default", path: null } };
    const out = renderText(report, { color: false });
    expect(out.split("\n")[1]).toBe("checklist: built-in default (advisory; no checklist file was found)");
    expect(renderText(fixtureReport, { color: false })).not.toContain("built-in default");
  });

  it("shows skipped files and notes", () => {
    const out = renderText(fixtureReport, { color: false });
    expect(out).toContain("Files not read (4):\n  assets/logo.png     binary\n");
    expect(out).toContain("  db/dump.sql         too large (5.0 MiB)\n");
    expect(out).toContain("Notes:\n  - The repository tree was truncated by GitHub");
  });

  it("ends with the verdict of the required phases", () => {
    const lines = renderText(fixtureReport, { color: false }).trimEnd().split("\n");
    expect(lines.at(-1)).toBe("FAILED: required phase failing: phase-1");

    const passing: AuditReport = {
      ...fixtureReport,
      phases: fixtureReport.phases.map((p) => (p.gate === "required" && p.status === "failing" ? { ...p, gate: "advisory" } : p)),
    };
    expect(renderText(passing, { color: false }).trimEnd().split("\n").at(-1)).toBe("OK: no required phase is failing");
  });

  it("handles a report with no phases and no commit", () => {
    const empty: AuditReport = {
      repository: "./repo",
      commit: null,
      checklist: { source: "file", path: "custom.yml" },
      phases: [],
      currentPhase: null,
      skipped: [],
      notes: [],
    };
    expect(renderText(empty, { color: false })).toBe(
      [
        "phase-gate audit of ./repo (not a commit)",
        "checklist: custom.yml",
        "",
        "No phases to audit.",
        "",
        "no phases; no findings",
        "OK: no required phase is failing",
        "",
      ].join("\n"),
    );
  });

  it("names the current phase near the top, or says every phase is complete", () => {
    expect(renderText(fixtureReport, { color: false }).split("\n")[2]).toBe("current phase: phase-1 (Foundation & Security)");
    const done: AuditReport = { ...fixtureReport, currentPhase: null, phases: fixtureReport.phases.map((p) => ({ ...p, status: "complete" as const })) };
    expect(renderText(done, { color: false }).split("\n")[2]).toBe("current phase: none (every phase is complete)");
  });

  it("says 'ahead, waiting on' on the line of a phase complete before one it requires", () => {
    const out = renderText(fixtureReport, { color: false });
    expect(out).toContain("\nRelease readiness (phase-3)  required gate  COMPLETE  2/2 passed  ahead, waiting on phase-1\n");
    expect(renderText(fixtureReport, { color: true })).toContain(`  ${ESC}[33mahead, waiting on phase-1${ESC}[39m\n`);
  });

  it("lists each overclaim with its first evidence, each ambiguous claim, and counts the rest", () => {
    const out = renderText(fixtureReport, { color: false });
    expect(out).toContain(
      [
        "      docs/PHASE1.md:11  overclaimed  \"Removed `--reload` from production Dockerfiles\" — claimed",
        "        done; dockerfile-reload fails: 1 production Dockerfile starts uvicorn with --reload",
        "        evidence: services/api/Dockerfile:14  uvicorn is started with --reload in the final stage",
      ].join("\n"),
    );
    expect(out).toContain("      other claims: 2 backed, 1 pending, 1 underclaimed, 2 unverifiable (the JSON format lists every\n        claim)\n");
    // Backed, pending, underclaimed and unverifiable claims are counted, not listed.
    expect(out).not.toContain("Compose services drop the development server");
    expect(out).not.toContain("Rate limiting");
  });

  it("says in one line that a phase document could not be read", () => {
    const phase = fixtureReport.phases[1];
    if (!phase?.document) throw new Error("fixture has a missing document");
    const unreadable: AuditReport = {
      ...fixtureReport,
      phases: [{ ...phase, document: { ...phase.document, status: "unreadable", error: "docs/PHASE2.md was not read (binary)" } }],
    };
    const lines = renderText(unreadable, { color: false }).split("\n").filter((l) => l.includes("docs/PHASE2.md"));
    expect(lines).toEqual(["  document docs/PHASE2.md: unreadable, no claims read: docs/PHASE2.md was not read (binary)"]);
    expect(renderText(fixtureReport, { color: false })).toContain("\n  document docs/PHASE2.md: missing, no claims read: docs/PHASE2.md is not in the repository\n");
  });

  it("makes bidirectional controls in repository text visible", () => {
    const phase = fixtureReport.phases[0];
    if (!phase) throw new Error("fixture has phases");
    const report: AuditReport = {
      ...fixtureReport,
      phases: [{ ...phase, checks: [{ id: "file-exists", status: "fail", summary: "admin\u202e gnp.exe", findings: [] }] }],
    };
    const out = renderText(report, { color: false });
    expect(out).toContain("admin\\u202e gnp.exe");
    expect(out).not.toContain("\u202e");
  });
});
