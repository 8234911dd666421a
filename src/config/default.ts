/**
 * The built-in checklist, used when a repository has no `.github/phase-gate.yml`: one advisory
 * phase with the five domain checks, so installing the app never turns a repository red by
 * surprise. It is YAML read by the same loader as a maintainer's file.
 */
import { formatConfigError } from "./format-error.js";
import { loadChecklist } from "./load.js";
import type { Checklist, Registry } from "./types.js";

/** The checks the default checklist runs, in its order. */
export const DEFAULT_CHECK_IDS = [
  "secrets-baseline",
  "pre-commit-config",
  "coverage-threshold",
  "dockerfile-reload",
  "index-migrations",
] as const;

export const DEFAULT_CHECKLIST_YAML = `# phase-gate's built-in checklist: used when the repository has no .github/phase-gate.yml.
phases:
  - id: baseline
    name: Baseline
    gate: advisory
    checks:
${DEFAULT_CHECK_IDS.map((id) => `      - ${id}\n`).join("")}`;

/** How errors in the built-in checklist name it. */
const DEFAULT_NAME = "(built-in default checklist)";

/**
 * The built-in checklist over `registry`. Throws when the registry lacks one of its checks or
 * its options do not validate: that is a bug in phase-gate, not a problem of the repository.
 */
export function defaultChecklist(registry: Registry): Checklist {
  const missing = DEFAULT_CHECK_IDS.filter((id) => !registry.has(id));
  if (missing.length > 0) {
    throw new Error(`the built-in default checklist needs check${missing.length === 1 ? "" : "s"} ${missing.map((id) => `'${id}'`).join(", ")}, which the registry does not have`);
  }
  const load = loadChecklist(DEFAULT_CHECKLIST_YAML, DEFAULT_NAME, registry);
  if (!load.ok) {
    throw new Error(`the built-in default checklist does not validate:\n${load.errors.map(formatConfigError).join("\n")}`);
  }
  return { origin: { source: "default", path: null }, phases: load.checklist.phases };
}
