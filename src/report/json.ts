import type { AuditReport, CheckReport, PhaseReport } from "../audit/types.js";
import type { Facts, Finding } from "../check/types.js";
import type { ClaimReport, DocumentReport } from "../claims/types.js";
import type { SkippedEntry } from "../snapshot/types.js";

/**
 * The output contract of DESIGN.md (`phase-gate audit --format json`), keys in its order, plus the
 * report's `checklist`, `skipped` and `notes`. Optional keys are left out rather than null; pretty
 * printed with two spaces and a trailing newline.
 */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(toJson(report), null, 2)}\n`;
}

export interface JsonReport {
  readonly repository: string;
  readonly commit: string | null;
  readonly checklist: { readonly source: "file" | "default"; readonly path: string | null };
  readonly currentPhase?: string | null;
  readonly phases: readonly JsonPhase[];
  readonly skipped: readonly JsonSkipped[];
  readonly notes: readonly string[];
}

export interface JsonPhase {
  readonly id: string;
  readonly name: string;
  readonly gate: PhaseReport["gate"];
  readonly status: PhaseReport["status"];
  readonly passed: number;
  readonly total: number;
  readonly requires?: readonly string[];
  readonly waitingOn?: readonly string[];
  readonly ahead?: PhaseReport["ahead"];
  readonly checks: readonly JsonCheck[];
  readonly document?: DocumentReport;
  readonly claims?: readonly ClaimReport[];
}

export interface JsonCheck {
  readonly id: string;
  readonly status: CheckReport["status"];
  readonly summary: string;
  readonly findings: readonly Finding[];
  readonly facts?: Facts;
}

export type JsonSkipped = SkippedEntry;

/** The object `renderJson` prints: built key by key so the order is the contract's, whatever the input's. */
export function toJson(report: AuditReport): JsonReport {
  return {
    repository: report.repository,
    commit: report.commit,
    checklist: { source: report.checklist.source, path: report.checklist.path },
    ...(report.currentPhase === undefined ? {} : { currentPhase: report.currentPhase }),
    phases: report.phases.map(
      (phase): JsonPhase => ({
        id: phase.id,
        name: phase.name,
        gate: phase.gate,
        status: phase.status,
        passed: phase.passed,
        total: phase.total,
        ...(phase.requires === undefined ? {} : { requires: [...phase.requires] }),
        ...(phase.waitingOn === undefined ? {} : { waitingOn: [...phase.waitingOn] }),
        ...(phase.ahead === undefined ? {} : { ahead: phase.ahead }),
        checks: phase.checks.map(
          (check): JsonCheck => ({
            id: check.id,
            status: check.status,
            summary: check.summary,
            findings: check.findings.map(findingJson),
            ...(check.facts === undefined ? {} : { facts: check.facts }),
          }),
        ),
        ...(phase.document === undefined ? {} : { document: documentJson(phase.document) }),
        ...(phase.claims === undefined ? {} : { claims: phase.claims.map(claimJson) }),
      }),
    ),
    skipped: report.skipped.map(
      (entry): JsonSkipped => ({
        path: entry.path,
        reason: entry.reason,
        ...(entry.size === undefined ? {} : { size: entry.size }),
        ...(entry.detail === undefined ? {} : { detail: entry.detail }),
      }),
    ),
    notes: [...report.notes],
  };
}

function findingJson(finding: Finding): Finding {
  return {
    messageId: finding.messageId,
    severity: finding.severity,
    ...(finding.path === undefined ? {} : { path: finding.path }),
    ...(finding.line === undefined ? {} : { line: finding.line }),
    ...(finding.endLine === undefined ? {} : { endLine: finding.endLine }),
    message: finding.message,
    ...(finding.help === undefined ? {} : { help: finding.help }),
  };
}

function documentJson(doc: DocumentReport): DocumentReport {
  return {
    path: doc.path,
    status: doc.status,
    ...(doc.error === undefined ? {} : { error: doc.error }),
    summary: doc.summary,
    counts: { ...doc.counts },
    stated: doc.stated.map((f) => ({ ...f })),
    notes: [...doc.notes],
  };
}

function claimJson(claim: ClaimReport): ClaimReport {
  return {
    line: claim.line,
    text: claim.text,
    state: claim.state,
    kind: claim.kind,
    ...(claim.section === undefined ? {} : { section: claim.section }),
    ...(claim.repaired === undefined ? {} : { repaired: claim.repaired }),
    verdict: claim.verdict,
    reason: claim.reason,
    ...(claim.check === undefined ? {} : { check: { ...claim.check } }),
    ...(claim.ambiguous === undefined ? {} : { ambiguous: claim.ambiguous.map((c) => ({ ...c })) }),
    ...(claim.evidence === undefined ? {} : { evidence: claim.evidence.map(findingJson) }),
  };
}
