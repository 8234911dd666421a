import type { CheckStatus } from "../check/types.js";
import type { PhaseStatus } from "./types.js";

/**
 * A phase counts `passed` (checks with `pass`) out of `total` (checks that are not
 * `not-applicable`); it is `complete` when every applicable check passes, `failing` when any check
 * is `fail` or `error`, otherwise `incomplete`.
 */
export function phaseStatus(checks: readonly { readonly status: CheckStatus }[]): {
  status: PhaseStatus;
  passed: number;
  total: number;
} {
  const applicable = checks.filter((c) => c.status !== "not-applicable");
  const passed = applicable.filter((c) => c.status === "pass").length;
  const total = applicable.length;
  const failing = applicable.some((c) => c.status === "fail" || c.status === "error");
  return { status: failing ? "failing" : passed === total ? "complete" : "incomplete", passed, total };
}
