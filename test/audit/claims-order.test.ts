/**
 * The engine with phase documents and ordered phases, through the real loader and the shipped
 * checks: what a maintainer's checklist and repository produce.
 */
import { describe, expect, it } from "vitest";
import { registry } from "../../checks/index.js";
import { runAudit } from "../../src/audit/engine.js";
import { loadChecklist } from "../../src/config/load.js";
import type { Checklist } from "../../src/config/types.js";
import { MemorySnapshot } from "../../src/snapshot/memory.js";

function checklist(yaml: string): Checklist {
  const load = loadChecklist(yaml, ".github/phase-gate.yml", registry);
  if (!load.ok) throw new Error(load.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join("\n"));
  return load.checklist;
}

const ORDERED = `
ordered: true
phases:
  - id: phase-1
    name: Foundation
    doc: docs/PHASE1.md
    checks:
      - file-exists: { path: SECURITY.md }
      - file-absent: { path: secrets.env }
  - id: phase-2
    name: Hardening
    checks:
      - file-exists: { path: README.md }
  - id: phase-3
    name: Release
    ahead: success
    checks:
      - file-exists: { path: CHANGELOG.md }
`;

const DOC = [
  "# Phase 1 report", //                         1
  "", //                                         2
  "- [x] Wrote SECURITY.md", //                  3
  "- [x] Deleted secrets.env from the repo", //  4
  "- [ ] Rotate keys", //                        5
].join("\n");

describe("ordered phases", () => {
  it("names the current phase, and marks a complete phase whose required phase is not complete as ahead", async () => {
    const snapshot = new MemorySnapshot({ "docs/PHASE1.md": DOC, "secrets.env": "X=1", "README.md": "r", "CHANGELOG.md": "c" });
    const report = await runAudit(snapshot, checklist(ORDERED));
    expect(report.currentPhase).toBe("phase-1");
    expect(report.phases.map((p) => [p.id, p.status, p.requires ?? null, p.waitingOn ?? null, p.ahead ?? null])).toEqual([
      ["phase-1", "failing", null, null, null],
      ["phase-2", "complete", ["phase-1"], ["phase-1"], "neutral"],
      // phase-3 requires phase-2, complete but itself waiting on phase-1: phase-3 waits on phase-1 too.
      ["phase-3", "complete", ["phase-2"], ["phase-1"], "success"],
    ]);
  });

  it("has no current phase when every phase is complete, and nothing waits", async () => {
    const snapshot = new MemorySnapshot({ "docs/PHASE1.md": DOC, "SECURITY.md": "s", "README.md": "r", "CHANGELOG.md": "c" });
    const report = await runAudit(snapshot, checklist(ORDERED));
    expect(report.currentPhase).toBeNull();
    expect(report.phases.every((p) => p.waitingOn === undefined && p.ahead === undefined)).toBe(true);
  });

  it("with --phase, still audits the phases the shown one requires, to say whether it waits, but shows only it", async () => {
    const snapshot = new MemorySnapshot({ "docs/PHASE1.md": DOC, "README.md": "r" });
    const report = await runAudit(snapshot, checklist(ORDERED), { phases: ["phase-2"] });
    expect(report.phases.map((p) => [p.id, p.waitingOn, p.ahead])).toEqual([["phase-2", ["phase-1"], "neutral"]]);
    // Phases not audited may be incomplete: no current phase is named.
    expect(report.currentPhase).toBeUndefined();
  });

  it("with --phase and no order, names no current phase (a phase not audited may be failing)", async () => {
    const unordered = ORDERED.replace("ordered: true\n", "");
    const report = await runAudit(new MemorySnapshot({ "README.md": "r" }), checklist(unordered), { phases: ["phase-2"] });
    expect(report.phases.map((p) => [p.id, p.status, p.waitingOn])).toEqual([["phase-2", "complete", undefined]]);
    expect("currentPhase" in report).toBe(false);
  });

  it("waits on a phase only through the phases it requires, and never loops on a cycle the loader could not see", async () => {
    const base = checklist(ORDERED);
    const looped = { ...base, phases: base.phases.map((p) => (p.id === "phase-1" ? { ...p, requires: ["phase-3"] } : p)) };
    const report = await runAudit(new MemorySnapshot({ "docs/PHASE1.md": DOC, "README.md": "r" }), looped);
    expect(report.phases.map((p) => [p.id, p.waitingOn ?? null])).toEqual([
      ["phase-1", ["phase-3"]],
      ["phase-2", ["phase-1"]],
      // phase-2 is complete but waits on phase-1: phase-3 waits on the root, phase-1.
      ["phase-3", ["phase-1"]],
    ]);
  });

  it("takes the checklist's 'ahead: success' for a phase that waits", async () => {
    const yaml = ORDERED.replace("    name: Release\n", "    name: Release\n    requires: [phase-1]\n");
    const report = await runAudit(new MemorySnapshot({ "CHANGELOG.md": "c", "README.md": "r" }), checklist(yaml));
    expect(report.phases.find((p) => p.id === "phase-3")?.ahead).toBe("success");
  });
});

describe("phase documents", () => {
  it("reads the phase's doc and judges its claims against the phase's checks", async () => {
    const snapshot = new MemorySnapshot({ "docs/PHASE1.md": DOC, "secrets.env": "X=1", "SECURITY.md": "s" });
    const report = await runAudit(snapshot, checklist(ORDERED), { phases: ["phase-1"] });
    const [phase] = report.phases;
    expect(phase?.document).toMatchObject({
      path: "docs/PHASE1.md",
      status: "read",
      summary: "claims 67% complete (2 of 3 items marked done); 1 of 2 verifiable claims backed, 1 overclaimed; 1 unverifiable",
    });
    expect(phase?.claims?.map((c) => [c.line, c.verdict, c.check?.id ?? null, c.evidence?.map((f) => `${f.path}`) ?? null])).toEqual([
      [3, "backed", "file-exists", null],
      [4, "overclaimed", "file-absent", ["secrets.env"]],
      [5, "unverifiable", null, null],
    ]);
    expect(snapshot.reads.get("docs/PHASE1.md")).toBe(1);
  });

  it("says when the doc is missing or not readable, and still reports every check", async () => {
    const missing = await runAudit(new MemorySnapshot({ "SECURITY.md": "s" }), checklist(ORDERED), { phases: ["phase-1"] });
    expect(missing.phases[0]?.document).toMatchObject({ status: "missing", error: "docs/PHASE1.md is not in the repository" });
    expect(missing.phases[0]?.claims).toEqual([]);
    expect(missing.phases[0]?.checks.map((c) => c.status)).toEqual(["pass", "pass"]);

    const binary = await runAudit(new MemorySnapshot({ "docs/PHASE1.md": new Uint8Array([0x23, 0, 1, 2]), "SECURITY.md": "s" }), checklist(ORDERED), { phases: ["phase-1"] });
    expect(binary.phases[0]?.document).toMatchObject({ status: "unreadable", error: "docs/PHASE1.md was not read (binary)" });
    expect(binary.phases[0]?.status).toBe("complete");

    const huge = await runAudit(new MemorySnapshot({ "docs/PHASE1.md": DOC, "SECURITY.md": "s" }, { maxFileBytes: 10 }), checklist(ORDERED), { phases: ["phase-1"] });
    expect(huge.phases[0]?.document?.status).toBe("unreadable");
    expect(huge.phases[0]?.document?.error).toMatch(/^docs\/PHASE1\.md was not read \(too-large/);
  });

  it("says a doc that is a directory is one", async () => {
    const yaml = ORDERED.replace("doc: docs/PHASE1.md", "doc: docs");
    const report = await runAudit(new MemorySnapshot({ "docs/a.md": "x", "SECURITY.md": "s" }), checklist(yaml), { phases: ["phase-1"] });
    expect(report.phases[0]?.document).toMatchObject({ status: "unreadable", error: "docs is a directory, not a document" });
  });

  it("uses the checklist's explicit links", async () => {
    const yaml = ORDERED.replace(
      "    doc: docs/PHASE1.md\n",
      "    doc: docs/PHASE1.md\n    claims:\n      - { match: rotate keys, check: file-absent }\n",
    );
    const report = await runAudit(new MemorySnapshot({ "docs/PHASE1.md": DOC, "SECURITY.md": "s" }), checklist(yaml), { phases: ["phase-1"] });
    expect(report.phases[0]?.claims?.[2]).toMatchObject({ line: 5, state: "not-done", verdict: "underclaimed", check: { id: "file-absent", by: "config", phrase: "rotate keys" } });
  });
});
