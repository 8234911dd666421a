import { describe, expect, it } from "vitest";
import { countClaims, summarise, verdictOf } from "../../src/claims/verify.js";
import { fixtureReport } from "./fixture-report.js";

/** The golden fixture holds what the engine would produce, not a report it never could. */
describe("the fixture report", () => {
  it("has documents whose counts and summaries are those of their claims", () => {
    const withDocuments = fixtureReport.phases.filter((p) => p.document !== undefined);
    expect(withDocuments.map((p) => p.id)).toEqual(["phase-1", "phase-2"]);
    for (const phase of withDocuments) {
      const document = phase.document!;
      const counts = countClaims(phase.claims ?? []);
      expect(document.counts).toEqual(counts);
      expect(document.summary).toBe(document.status === "read" ? summarise(counts, document.stated) : `no claims read: ${document.error}`);
    }
  });

  it("gives each linked claim the verdict, reason and evidence of its check", () => {
    for (const phase of fixtureReport.phases) {
      for (const claim of phase.claims ?? []) {
        if (claim.check === undefined) continue;
        const check = phase.checks[claim.check.index];
        expect(check?.id).toBe(claim.check.id);
        if (check === undefined) continue;
        expect(claim.verdict).toBe(verdictOf(claim.state, check.status));
        if (claim.verdict === "overclaimed" || claim.verdict === "pending") expect(claim.evidence).toEqual(check.findings.slice(0, 5));
        else expect(claim.evidence).toBeUndefined();
        // As verify.ts words it: a broken check's own summary, else "<id> passes/fails/…: <summary>".
        if (check.status === "error") expect(claim.reason).toBe(check.summary);
        else expect(claim.reason.startsWith(`${check.id} `)).toBe(true);
      }
    }
  });

  it("has a phase ahead of the phase it requires, and the first incomplete phase as current", () => {
    expect(fixtureReport.currentPhase).toBe(fixtureReport.phases.find((p) => p.status !== "complete")?.id);
    for (const phase of fixtureReport.phases) {
      const waiting = (phase.requires ?? []).filter((id) => fixtureReport.phases.find((p) => p.id === id)?.status !== "complete");
      expect(phase.waitingOn ?? []).toEqual(waiting);
      expect(phase.ahead !== undefined).toBe(waiting.length > 0 && phase.status === "complete");
    }
  });
});
