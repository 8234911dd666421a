import { describe, expect, it } from "vitest";
import type { AuditReport } from "../../src/audit/types.js";
import { renderJson, toJson } from "../../src/report/json.js";
import { fixtureReport } from "./fixture-report.js";

const FINDING_KEYS = ["messageId", "severity", "path", "line", "endLine", "message", "help"];

describe("renderJson", () => {
  const out = renderJson(fixtureReport);
  const parsed = JSON.parse(out) as Record<string, unknown>;

  it("is pretty-printed with two spaces and a trailing newline", () => {
    expect(out.startsWith('{\n  "repository": "acme/storefront",\n  "commit": ')).toBe(true);
    expect(out.endsWith("}\n")).toBe(true);
  });

  it("has exactly the contract's keys, in its order", () => {
    expect(Object.keys(parsed)).toEqual(["repository", "commit", "checklist", "currentPhase", "phases", "skipped", "notes"]);
    const phases = parsed.phases as Record<string, unknown>[];
    expect(phases).toHaveLength(3);
    expect(phases.map((p) => Object.keys(p))).toEqual([
      ["id", "name", "gate", "status", "passed", "total", "checks", "document", "claims"],
      ["id", "name", "gate", "status", "passed", "total", "checks", "document", "claims"],
      ["id", "name", "gate", "status", "passed", "total", "requires", "waitingOn", "ahead", "checks"],
    ]);
    for (const phase of phases) {
      for (const check of phase.checks as Record<string, unknown>[]) {
        const keys = Object.keys(check);
        expect(keys.slice(0, 4)).toEqual(["id", "status", "summary", "findings"]);
        expect(keys.length === 4 || (keys.length === 5 && keys[4] === "facts")).toBe(true);
        for (const finding of check.findings as Record<string, unknown>[]) {
          const fk = Object.keys(finding);
          // A subsequence of the contract's order, with the required keys present.
          expect(fk).toEqual(FINDING_KEYS.filter((k) => fk.includes(k)));
          expect(fk).toEqual(expect.arrayContaining(["messageId", "severity", "message"]));
        }
      }
    }
  });

  it("writes facts only when a check has them, and never an undefined or null optional key", () => {
    const undefinedAt = (value: unknown, where: string): string[] =>
      value === undefined
        ? [where]
        : typeof value === "object" && value !== null
          ? Object.entries(value).flatMap(([k, v]) => undefinedAt(v, `${where}.${k}`))
          : [];
    expect(undefinedAt(toJson(fixtureReport), "$")).toEqual([]);
    expect(out.match(/"facts"/g)).toHaveLength(1);
    const check = (parsed.phases as { checks: Record<string, unknown>[] }[])[0]?.checks[2];
    expect(check).toEqual({
      id: "coverage-threshold",
      status: "pass",
      summary: "coverage must reach 85% (pyproject.toml:41)",
      findings: [],
      facts: { minimum: 85, source: { path: "pyproject.toml", line: 41 } },
    });
  });

  it("carries the report's data unchanged", () => {
    const { fileUrlBase: _drop, ...rest } = fixtureReport;
    expect(parsed).toEqual(JSON.parse(JSON.stringify(rest)));
  });

  it("leaves out keys the contract does not have, whatever the input object carries", () => {
    const phase = fixtureReport.phases[0];
    if (!phase) throw new Error("fixture has phases");
    const extra = {
      ...fixtureReport,
      debug: true,
      phases: [{ ...phase, timingMs: 12, checks: [{ ...phase.checks[0], durationMs: 3, findings: [{ messageId: "m", severity: "error", message: "x", column: 4, path: undefined }] }] }],
    } as unknown as AuditReport;
    const json = JSON.parse(renderJson(extra)) as { phases: { checks: { findings: object[] }[] }[] };
    expect(Object.keys(json)).not.toContain("debug");
    expect(Object.keys(json.phases[0] ?? {})).not.toContain("timingMs");
    expect(Object.keys(json.phases[0]?.checks[0] ?? {})).toEqual(["id", "status", "summary", "findings"]);
    expect(json.phases[0]?.checks[0]?.findings[0]).toEqual({ messageId: "m", severity: "error", message: "x" });
  });

  it("keeps a null commit and a null checklist path", () => {
    const local: AuditReport = { ...fixtureReport, commit: null, checklist: { source: "default", path: null } };
    const json = JSON.parse(renderJson(local)) as Record<string, unknown>;
    expect(json.commit).toBeNull();
    expect(json.checklist).toEqual({ source: "default", path: null });
  });
});
