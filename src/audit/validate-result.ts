import { CHECK_STATUSES } from "../check/types.js";

const SEVERITIES = new Set(["error", "warning", "notice"]);

/**
 * A check's result comes from code we do not control at runtime (a bug, a parser returning odd
 * data): verify its shape so that a broken result becomes status `error`, not a broken report.
 * Returns null when the result is well formed, otherwise what is wrong.
 */
export function validateResult(result: unknown): string | null {
  if (typeof result !== "object" || result === null) return "not an object";
  const r = result as Record<string, unknown>;
  if (!CHECK_STATUSES.includes(r.status as never)) return `unknown status ${JSON.stringify(r.status)}`;
  if (typeof r.summary !== "string") return "summary is not a string";
  if (!Array.isArray(r.findings)) return "findings is not an array";
  for (const [i, f] of r.findings.entries()) {
    const problem = validateFinding(f);
    if (problem) return `findings[${i}]: ${problem}`;
  }
  if (r.facts !== undefined && (typeof r.facts !== "object" || r.facts === null || Array.isArray(r.facts))) {
    return "facts is not an object";
  }
  return null;
}

function validateFinding(f: unknown): string | null {
  if (typeof f !== "object" || f === null) return "not an object";
  const x = f as Record<string, unknown>;
  if (typeof x.messageId !== "string" || typeof x.message !== "string") return "messageId and message must be strings";
  if (!SEVERITIES.has(x.severity as string)) return `unknown severity ${JSON.stringify(x.severity)}`;
  for (const key of ["line", "endLine"] as const) {
    const v = x[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 1)) return `${key} must be a 1-based integer`;
  }
  if (x.path !== undefined && typeof x.path !== "string") return "path must be a string";
  return null;
}
