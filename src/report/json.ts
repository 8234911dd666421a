import type { AuditReport, CheckReport, PhaseReport } from "../audit/types.js";
import type { Facts, Finding } from "../check/types.js";
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
  readonly checks: readonly JsonCheck[];
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
    phases: report.phases.map(
      (phase): JsonPhase => ({
        id: phase.id,
        name: phase.name,
        gate: phase.gate,
        status: phase.status,
        passed: phase.passed,
        total: phase.total,
        checks: phase.checks.map(
          (check): JsonCheck => ({
            id: check.id,
            status: check.status,
            summary: check.summary,
            findings: check.findings.map(findingJson),
            ...(check.facts === undefined ? {} : { facts: check.facts }),
          }),
        ),
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
