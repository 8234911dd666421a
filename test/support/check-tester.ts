/**
 * RuleTester for phase-gate checks: run one check over an in-memory file map through the real
 * engine (so file selection, reading and error isolation are the engine's own), then assert the
 * status and the exact findings by message id, path and line.
 */
import { expect } from "vitest";
import { runAudit } from "../../src/audit/engine.js";
import type { CheckReport } from "../../src/audit/types.js";
import type { CheckDefinition, CheckStatus } from "../../src/check/types.js";
import { MemorySnapshot, type MemorySnapshotOptions } from "../../src/snapshot/memory.js";

export type FileMap = Record<string, string | Uint8Array>;

export async function runCheck<O, M extends string>(
  check: CheckDefinition<O, M>,
  files: FileMap,
  rawOptions: unknown = {},
  snapshotOptions: MemorySnapshotOptions = {},
): Promise<CheckReport> {
  const options = check.options.parse(rawOptions);
  const report = await runAudit(new MemorySnapshot(files, snapshotOptions), {
    origin: { source: "file", path: ".github/phase-gate.yml" },
    phases: [{ id: "p", name: "P", gate: "required", checks: [{ check: check as never, options }], requires: [], ahead: "neutral", claims: [] }],
  });
  const result = report.phases[0]?.checks[0];
  if (!result) throw new Error("the engine returned no result");
  return result;
}

export interface ExpectedFinding<M extends string> {
  messageId: M;
  path?: string;
  line?: number;
}

/** Asserts the status and exactly these findings (order-insensitive), compared on id, path and line. */
export function expectResult<O, M extends string>(
  check: CheckDefinition<O, M>,
  result: CheckReport,
  status: CheckStatus,
  findings: readonly ExpectedFinding<M>[] = [],
): void {
  for (const f of result.findings) {
    expect(Object.keys(check.messages), `unknown message id ${f.messageId}`).toContain(f.messageId);
  }
  const key = (f: { messageId: string; path?: string; line?: number }) =>
    `${f.messageId} ${f.path ?? "-"}:${f.line ?? "-"}`;
  expect({ status: result.status, findings: result.findings.map(key).sort() }).toEqual({
    status,
    findings: findings.map(key).sort(),
  });
}

/** A valid case: the check passes and reports nothing. */
export async function expectPass<O, M extends string>(check: CheckDefinition<O, M>, files: FileMap, options?: unknown): Promise<CheckReport> {
  const result = await runCheck(check, files, options);
  expectResult(check, result, "pass", []);
  return result;
}
