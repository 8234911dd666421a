import { createHash } from "node:crypto";
import type { Location, Log, Notification, ReportingDescriptor, Result } from "sarif";
import type { AuditReport } from "../audit/types.js";
import { docsUrlFor } from "../check/define.js";
import type { Finding, Severity } from "../check/types.js";
import type { ClaimReport, DocumentReport } from "../claims/types.js";
import { allOverclaims, normaliseClaimText } from "./claims.js";
import { encodePath, locationText } from "./common.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const INFORMATION_URI = "https://github.com/phase-gate/phase-gate";
/** The key of `partialFingerprints`; bump the version if the hashed fields ever change. */
export const FINGERPRINT_KEY = "phaseGate/v1";

/**
 * The rule of overclaimed claims: a phase document marks an item done that its linked check does
 * not back. Check ids are kebab-case words, so an id with a `/` never clashes with one.
 */
export const OVERCLAIMED_RULE_ID = "phase-gate/overclaimed";

/** What a rule says about itself; the registry's checks have these fields, so `(id) => registry.get(id)` fits. */
export interface CheckDescription {
  readonly title: string;
  readonly description: string;
}

export interface SarifOptions {
  readonly toolVersion: string;
  /** Titles and descriptions of the checks, for the rules; a generic text is used without them. */
  readonly describeCheck?: (id: string) => CheckDescription | undefined;
}

const LEVEL: Readonly<Record<Severity, Result.level>> = { error: "error", warning: "warning", notice: "note" };

/**
 * SARIF 2.1.0, one run: a rule per check id of the report (with its docs URL), a result per
 * finding with its location when it has a path, and a fingerprint that ignores the line, so a
 * finding keeps its identity when the lines around it move. A finding that two phases share (the
 * same check in both) is one result listing both phases. Each overclaimed claim of a phase
 * document is an error of the rule OVERCLAIMED_RULE_ID on the claim's line, with the check's
 * evidence as related locations; its fingerprint is the document and the claim's words. Checks
 * that broke (`error`) and the report's notes are tool execution notifications.
 */
export function renderSarif(report: AuditReport, options: SarifOptions): string {
  return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}

export function toSarif(report: AuditReport, options: SarifOptions): Log {
  const ruleIndex = new Map<string, number>();
  const rules: ReportingDescriptor[] = [];
  for (const phase of report.phases) {
    for (const check of phase.checks) {
      if (ruleIndex.has(check.id)) continue;
      ruleIndex.set(check.id, rules.length);
      rules.push(rule(check.id, options.describeCheck?.(check.id)));
    }
  }

  const results: Result[] = [];
  const byKey = new Map<string, { result: Result; phases: string[] }>();
  const occurrences = new Map<string, number>();
  const notifications: Notification[] = [];
  const checklistPath = report.checklist.source === "file" ? report.checklist.path : null;
  for (const phase of report.phases) {
    for (const check of phase.checks) {
      const index = ruleIndex.get(check.id) ?? 0;
      if (check.status === "error") {
        notifications.push({
          level: "error",
          message: { text: check.summary },
          associatedRule: { id: check.id, index },
          properties: { phase: phase.id },
        });
      }
      for (const finding of check.findings) {
        const key = JSON.stringify([check.id, finding.messageId, finding.severity, finding.path, finding.line, finding.endLine, finding.message, finding.help]);
        const seen = byKey.get(key);
        if (seen) {
          if (!seen.phases.includes(phase.id)) seen.phases.push(phase.id);
          continue;
        }
        const base = fingerprintBase(check.id, finding);
        const occurrence = (occurrences.get(base) ?? 0) + 1;
        occurrences.set(base, occurrence);
        const phases = [phase.id];
        const result = findingResult(check.id, index, finding, `${base}:${occurrence}`, phases, checklistPath);
        byKey.set(key, { result, phases });
        results.push(result);
      }
    }
  }
  const overclaims = allOverclaims(report);
  if (overclaims.length > 0) {
    const index = rules.length;
    rules.push(overclaimedRule());
    for (const { phase, document, claim } of overclaims) {
      const base = claimFingerprintBase(document.path, claim.text);
      const occurrence = (occurrences.get(base) ?? 0) + 1;
      occurrences.set(base, occurrence);
      results.push(overclaimResult(index, document, claim, `${base}:${occurrence}`, phase.id));
    }
  }
  for (const note of report.notes) notifications.push({ level: "note", message: { text: note } });

  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "phase-gate",
            version: options.toolVersion,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: !report.phases.some((p) => p.checks.some((c) => c.status === "error")),
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results,
      },
    ],
  };
}

function rule(id: string, described: CheckDescription | undefined): ReportingDescriptor {
  return {
    id,
    name: pascalCase(id),
    shortDescription: { text: described?.title ?? `phase-gate check ${id}` },
    ...(described ? { fullDescription: { text: described.description } } : {}),
    helpUri: docsUrlFor(id),
  };
}

function overclaimedRule(): ReportingDescriptor {
  return {
    id: OVERCLAIMED_RULE_ID,
    name: "Overclaimed",
    shortDescription: { text: "A phase document marks an item done that its linked check does not back" },
    fullDescription: {
      text: "A claim of a phase document (`doc:` in .github/phase-gate.yml) is marked done, but the check it links to fails or warns; the check's findings are the evidence.",
    },
    helpUri: `${INFORMATION_URI}#phase-documents-and-ordered-phases`,
  };
}

function overclaimResult(ruleIndex: number, document: DocumentReport, claim: ClaimReport, fingerprint: string, phaseId: string): Result {
  // Evidence with a path is a related location, and the message links to it (`[path:14](1)`, §3.11.6).
  const related: NonNullable<Result["relatedLocations"]> = [];
  const said = (claim.evidence ?? []).map((f) => {
    const where = locationText(f);
    const location = locationOf(f);
    if (where === null || location === undefined) return escapeBrackets(f.message);
    const id = related.length + 1;
    related.push({ id, ...location, message: { text: escapeBrackets(f.message) } });
    return `[${escapeBrackets(where)}](${id}): ${escapeBrackets(f.message)}`;
  });
  const claimed = escapeBrackets(`"${claim.text}" is marked done in ${document.path}, but ${claim.reason.replace(/\.$/, "")}.`);
  const text = [claimed, ...(said.length > 0 ? [`Evidence: ${said.join("; ")}`] : [])].join("\n");
  const location = locationOf({ messageId: "claim", severity: "error", message: claim.text, path: document.path, line: claim.line });
  return {
    ruleId: OVERCLAIMED_RULE_ID,
    ruleIndex,
    level: "error",
    message: { text },
    ...(location ? { locations: [location] } : {}),
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
    properties: { phases: [phaseId], ...(claim.check !== undefined ? { check: claim.check.id } : {}) },
  };
}

/**
 * The stable identity of a claim: the rule, the document and the claim's words normalised (case,
 * whitespace, emphasis), never its line, so a claim keeps it when the document around it changes.
 */
export function claimFingerprintBase(documentPath: string, claimText: string): string {
  return createHash("sha256")
    .update([OVERCLAIMED_RULE_ID, documentPath, normaliseClaimText(claimText)].join("\u0000"))
    .digest("hex");
}

function findingResult(
  checkId: string,
  ruleIndex: number,
  finding: Finding,
  fingerprint: string,
  phases: string[],
  checklistPath: string | null,
): Result {
  const text = finding.help === undefined ? finding.message : `${finding.message}\nHelp: ${finding.help}`;
  // GitHub code scanning rejects a whole upload when one result has no location, so a finding
  // about the repository as a whole (a missing file) is placed on the checklist that asked for it.
  const location = locationOf(finding.path === undefined && checklistPath !== null ? { ...finding, path: checklistPath, line: 1 } : finding);
  return {
    ruleId: checkId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: escapeBrackets(text) },
    ...(location ? { locations: [location] } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
    properties: { messageId: finding.messageId, phases },
  };
}

function locationOf(finding: Finding): Location | undefined {
  if (finding.path === undefined) return undefined;
  const { line, endLine } = finding;
  const hasLine = line !== undefined && Number.isInteger(line) && line >= 1;
  const hasEnd = hasLine && endLine !== undefined && Number.isInteger(endLine) && endLine >= line;
  return {
    physicalLocation: {
      artifactLocation: { uri: encodePath(finding.path), uriBaseId: "%SRCROOT%" },
      ...(hasLine ? { region: { startLine: line, ...(hasEnd ? { endLine } : {}) } } : {}),
    },
  };
}

/**
 * The stable part of a finding's identity: check, message id, path and message, never the line.
 * The caller appends `:n` for the n-th finding with the same base, so two identical messages in
 * one file stay distinct.
 */
export function fingerprintBase(checkId: string, finding: Finding): string {
  return createHash("sha256")
    .update([checkId, finding.messageId, finding.path ?? "", finding.message].join("\u0000"))
    .digest("hex");
}

/** SARIF plain-text messages treat `[text](n)` as an embedded link; literal brackets are escaped (§3.11.6). */
function escapeBrackets(text: string): string {
  return text.replace(/[[\]]/g, (c) => `\\${c}`);
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== "")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
