import type { AnyCheck } from "../src/check/types.js";
import type { Registry } from "../src/config/types.js";
import { fileAbsent } from "./file-absent.js";
import { fileContains } from "./file-contains.js";
import { fileExists } from "./file-exists.js";
import { fileNotContains } from "./file-not-contains.js";
import { indexMigrations } from "./index-migrations/index.js";
import { coverageThreshold } from "./coverage-threshold/index.js";
import { dockerfileReload } from "./dockerfile-reload/index.js";
import { preCommitConfig } from "./pre-commit-config/index.js";
import { secretsBaseline } from "./secrets-baseline/index.js";

/**
 * Every check phase-gate ships, in the order `phase-gate checks` lists them. A check module is
 * registered here and nowhere else; `test/checks/registry.test.ts` fails when a file in checks/ is
 * missing from this list, or a check has no test file or no doc page.
 */
export const ALL_CHECKS: readonly AnyCheck[] = [
  secretsBaseline,
  preCommitConfig,
  coverageThreshold,
  dockerfileReload,
  indexMigrations,
  fileExists,
  fileAbsent,
  fileContains,
  fileNotContains,
];

export const registry: Registry = new Map(ALL_CHECKS.map((c) => [c.id, c]));
