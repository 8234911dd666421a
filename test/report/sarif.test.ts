import type { Log, Result } from "sarif";
import { describe, expect, it } from "vitest";
import type { AuditReport, PhaseReport } from "../../src/audit/types.js";
import type { Finding } from "../../src/check/types.js";
import type { ClaimReport } from "../../src/claims/types.js";
import { FINGERPRINT_KEY, OVERCLAIMED_RULE_ID, renderSarif } from "../../src/report/sarif.js";
import { fixtureReport } from "./fixture-report.js";
import { sarifProblems } from "./sarif-shape.js";

const render = (report: AuditReport): Log => JSON.parse(renderSarif(report, { toolVersion: "1.2.3" })) as Log;
const resultsOf = (log: Log): Result[] => log.runs[0]?.results ?? [];
const fingerprint = (r: Result | undefined): string | undefined => r?.partialFingerprints?.[FINGERPRINT_KEY];

function withFindings(findings: Finding[]): AuditReport {
  const phase: PhaseReport = {
    id: "phase-1",
    name: "One",
    gate: "required",
    status: "failing",
    passed: 0,
    total: 1,
    checks: [{ id: "index-migrations", status: "fail", summary: "s", findings }],
  };
  return { ...fixtureReport, phases: [phase] };
}

describe("renderSarif", () => {
  const log = render(fixtureReport);
  const run = log.runs[0];

  it("is structurally valid SARIF 2.1.0", () => {
    expect(sarifProblems(log)).toEqual([]);
    expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(run?.tool.driver).toMatchObject({ name: "phase-gate", version: "1.2.3", informationUri: "https://github.com/phase-gate/phase-gate" });
  });

  it("the structural check itself catches a wrong ruleIndex, a bad level and a zero line", () => {
    const broken = JSON.parse(JSON.stringify(log)) as Log;
    const results = resultsOf(broken);
    const [first, second] = results;
    if (!first || !second) throw new Error("fixture has results");
    first.ruleIndex = 5;
    second.level = "info" as Result.level;
    const region = second.locations?.[0]?.physicalLocation?.region;
    if (region) region.startLine = 0;
    const problems = sarifProblems(broken);
    expect(problems.some((p) => p.includes("does not point at rule"))).toBe(true);
    expect(problems.some((p) => p.includes("not a level: info"))).toBe(true);
    expect(problems.some((p) => p.includes("startLine"))).toBe(true);
  });

  it("has one rule per check id of the report, with its docs URL", () => {
    const ids = [...new Set(fixtureReport.phases.flatMap((p) => p.checks.map((c) => c.id)))];
    // The rule of overclaimed claims comes after the checks' (the fixture has overclaims).
    expect(run?.tool.driver.rules?.map((r) => r.id)).toEqual([...ids, OVERCLAIMED_RULE_ID]);
    const { phases } = fixtureReport;
    const noClaims = render({ ...fixtureReport, phases: phases.map((p) => ({ ...p, claims: (p.claims ?? []).filter((c) => c.verdict !== "overclaimed") })) });
    expect(noClaims.runs[0]?.tool.driver.rules?.map((r) => r.id)).toEqual(ids);
    expect(resultsOf(noClaims).some((r) => r.ruleId === OVERCLAIMED_RULE_ID)).toBe(false);
    expect(run?.tool.driver.rules?.[3]).toEqual({
      id: "dockerfile-reload",
      name: "DockerfileReload",
      shortDescription: { text: "phase-gate check dockerfile-reload" },
      helpUri: "https://github.com/phase-gate/phase-gate/blob/main/docs/checks/dockerfile-reload.md",
    });
  });

  it("maps severities to levels and puts the help in the message", () => {
    const byMessageId = new Map(resultsOf(log).map((r) => [r.properties?.messageId as string, r]));
    expect(byMessageId.get("dev-server-flag")?.level).toBe("error");
    expect(byMessageId.get("missing-hook")?.level).toBe("warning");
    expect(byMessageId.get("no-install-types")?.level).toBe("note");
    expect(byMessageId.get("dev-server-flag")?.message.text).toBe(
      "uvicorn is started with --reload in the final stage\nHelp: Drop --reload; keep it in Dockerfile.dev or a compose override",
    );
  });

  it("gives a finding its own location, a region only with a line, and a pathless one the checklist's first line", () => {
    const byMessageId = new Map(resultsOf(log).map((r) => [r.properties?.messageId as string, r]));
    // GitHub code scanning rejects a whole upload when a result has no location.
    expect(byMessageId.get("generated-match")?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: ".github/phase-gate.yml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 1 },
    });
    const fromDefault = JSON.parse(renderSarif({ ...fixtureReport, checklist: { source: "default", path: null } }, { toolVersion: "0.0.0" })) as Log;
    const pathless = fromDefault.runs[0]?.results?.find((r) => r.properties?.messageId === "generated-match");
    expect(pathless?.locations).toBeUndefined();
    expect(byMessageId.get("no-install-types")?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: ".pre-commit-config.yaml", uriBaseId: "%SRCROOT%" },
    });
    expect(byMessageId.get("missing-hook")?.locations?.[0]?.physicalLocation?.region).toEqual({ startLine: 12, endLine: 14 });
    expect(byMessageId.get("pattern-found")?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe("docs/release%20notes%20%28draft%29.md");
  });

  it("reports a finding two phases share once, naming both phases", () => {
    const shared = resultsOf(log).filter((r) => r.ruleId === "secrets-baseline");
    expect(shared).toHaveLength(1);
    expect(shared[0]?.properties?.phases).toEqual(["phase-1", "phase-3"]);
    expect(resultsOf(log).filter((r) => r.ruleId !== OVERCLAIMED_RULE_ID)).toHaveLength(6);
  });

  it("reports checks that broke as tool execution notifications", () => {
    const invocation = run?.invocations?.[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications?.[0]).toEqual({
      level: "error",
      message: { text: "the check index-migrations failed to run: Cannot read properties of undefined (reading 'stmts')" },
      associatedRule: { id: "index-migrations", index: 4 },
      properties: { phase: "phase-1" },
    });
    const clean = render({ ...fixtureReport, phases: fixtureReport.phases.slice(1), notes: [] });
    expect(clean.runs[0]?.invocations).toEqual([{ executionSuccessful: true }]);
  });

  it("keeps fingerprints when lines shift, and tells different findings apart", () => {
    const base: Finding = { messageId: "not-concurrent", severity: "error", path: "db/0001.sql", line: 3, message: "CREATE INDEX without CONCURRENTLY" };
    const before = resultsOf(render(withFindings([base, { ...base, line: 9 }, { ...base, path: "db/0002.sql", line: 1 }])));
    const after = resultsOf(render(withFindings([{ ...base, line: 13, endLine: 15 }, { ...base, line: 19 }, { ...base, path: "db/0002.sql", line: 40 }])));
    expect(after.map(fingerprint)).toEqual(before.map(fingerprint));
    // Same message twice in one file: distinct by occurrence; another file: distinct hash.
    const [a, b, c] = before.map(fingerprint);
    expect(a).toMatch(/^[0-9a-f]{64}:1$/);
    expect(b).toBe(`${a?.slice(0, 64)}:2`);
    expect(c?.slice(0, 64)).not.toBe(a?.slice(0, 64));
    const reworded = resultsOf(render(withFindings([{ ...base, message: "CREATE INDEX CONCURRENTLY inside a transaction" }])));
    expect(fingerprint(reworded[0])).not.toBe(a);
  });

  it("escapes literal brackets in messages (SARIF embedded-link syntax)", () => {
    const text = resultsOf(log).find((r) => r.properties?.messageId === "generated-match")?.message.text;
    expect(text).toContain("\\[x\\](javascript:void)");
  });

  it("reports each overclaimed claim as an error on its line of the document, the evidence as related locations", () => {
    const overclaims = resultsOf(log).filter((r) => r.ruleId === OVERCLAIMED_RULE_ID);
    expect(overclaims).toHaveLength(2);
    const rules = run?.tool.driver.rules ?? [];
    expect(rules[overclaims[0]?.ruleIndex ?? -1]?.id).toBe(OVERCLAIMED_RULE_ID);
    const [hooks, reload] = overclaims;
    expect(reload).toEqual({
      ruleId: OVERCLAIMED_RULE_ID,
      ruleIndex: rules.length - 1,
      level: "error",
      message: {
        text:
          '"Removed `--reload` from production Dockerfiles" is marked done in docs/PHASE1.md, but dockerfile-reload fails: 1 production Dockerfile starts uvicorn with --reload.\n' +
          "Evidence: [services/api/Dockerfile:14](1): uvicorn is started with --reload in the final stage",
      },
      locations: [{ physicalLocation: { artifactLocation: { uri: "docs/PHASE1.md", uriBaseId: "%SRCROOT%" }, region: { startLine: 11 } } }],
      relatedLocations: [
        {
          id: 1,
          physicalLocation: { artifactLocation: { uri: "services/api/Dockerfile", uriBaseId: "%SRCROOT%" }, region: { startLine: 14 } },
          message: { text: "uvicorn is started with --reload in the final stage" },
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: expect.stringMatching(/^[0-9a-f]{64}:1$/) },
      properties: { phases: ["phase-1"], check: "dockerfile-reload" },
    });
    // Evidence without a line is a related location without a region; each is linked from the message.
    expect(hooks?.relatedLocations?.map((l) => [l.id, l.physicalLocation?.region?.startLine])).toEqual([
      [1, 12],
      [2, undefined],
    ]);
    expect(hooks?.message.text).toContain("Evidence: [.pre-commit-config.yaml:12-14](1): the required hook 'mypy' is not configured; [.pre-commit-config.yaml](2): ");
  });

  it("the structural check catches a message linking to a related location the result does not have", () => {
    const broken = JSON.parse(JSON.stringify(log)) as Log;
    const overclaim = resultsOf(broken).find((r) => r.ruleId === OVERCLAIMED_RULE_ID);
    if (!overclaim) throw new Error("fixture has overclaims");
    overclaim.relatedLocations = overclaim.relatedLocations?.slice(1);
    expect(sarifProblems(broken).some((p) => p.includes("links to related location 1"))).toBe(true);
  });

  it("fingerprints a claim by its document and words: not its line, case, spacing or emphasis", () => {
    const phase = fixtureReport.phases[0];
    if (!phase) throw new Error("fixture has phases");
    const withClaims = (claims: ClaimReport[], path = "docs/PHASE1.md"): Result[] => {
      const document = phase.document ? { ...phase.document, path } : undefined;
      return resultsOf(render({ ...fixtureReport, phases: [{ ...phase, ...(document ? { document } : {}), claims }] })).filter((r) => r.ruleId === OVERCLAIMED_RULE_ID);
    };
    const claim = (phase.claims ?? []).find((c) => c.line === 11);
    if (!claim) throw new Error("fixture has the claim");
    const before = withClaims([claim, { ...claim, line: 30 }]).map(fingerprint);
    const moved = withClaims([{ ...claim, line: 40, text: "  removed `--RELOAD`   from **production** Dockerfiles " }, { ...claim, line: 41 }]).map(fingerprint);
    expect(moved).toEqual(before);
    // The same words twice: told apart by occurrence.
    expect(before[1]).toBe(`${before[0]?.slice(0, 64)}:2`);
    expect(withClaims([{ ...claim, text: "Removed --reload from staging Dockerfiles" }]).map(fingerprint)[0]).not.toBe(before[0]);
    expect(withClaims([claim], "docs/PHASE-1.md").map(fingerprint)[0]).not.toBe(before[0]);
    // A finding's fingerprint never equals a claim's.
    expect(resultsOf(log).filter((r) => r.ruleId !== OVERCLAIMED_RULE_ID).map(fingerprint)).not.toContain(before[0]);
  });

  it("reports no claim of a document that could not be read", () => {
    const phase = fixtureReport.phases[0];
    if (!phase?.document) throw new Error("fixture has a document");
    const missing = render({ ...fixtureReport, phases: [{ ...phase, document: { ...phase.document, status: "missing", error: "gone" } }] });
    expect(resultsOf(missing).filter((r) => r.ruleId === OVERCLAIMED_RULE_ID)).toEqual([]);
  });

  it("leaves out a region whose line is not a valid SARIF line", () => {
    const out = resultsOf(render(withFindings([{ messageId: "m", severity: "notice", path: "a.sql", line: 0, message: "x" }])));
    expect(out[0]?.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: "a.sql", uriBaseId: "%SRCROOT%" } });
  });
});
