import { describe, expect, it } from "vitest";
import { formatConfigError } from "../../src/config/format-error.js";
import { loadChecklist } from "../../src/config/load.js";
import { CHECKLIST_PATH } from "../../src/config/types.js";
import { testRegistry } from "./test-registry.js";

describe("formatConfigError", () => {
  it("writes file:line:column: path: message (hint)", () => {
    expect(
      formatConfigError({
        file: CHECKLIST_PATH,
        line: 3,
        column: 9,
        at: "phases[0].checks[1]",
        message: "unknown check 'dockerfile-reloads'",
        hint: "did you mean 'dockerfile-reload'?",
      }),
    ).toBe(".github/phase-gate.yml:3:9: phases[0].checks[1]: unknown check 'dockerfile-reloads' (did you mean 'dockerfile-reload'?)");
  });

  it("leaves out an empty path and a missing hint", () => {
    expect(formatConfigError({ file: "ci/checklist.yml", line: 1, column: 1, at: "", message: "the checklist is empty" })).toBe(
      "ci/checklist.yml:1:1: the checklist is empty",
    );
  });

  it("formats what the loader returns", () => {
    const load = loadChecklist("phases:\n  - id: p\n    name: P\n    checks: [secrets-baseline, dockerfile-reloads]\n", CHECKLIST_PATH, testRegistry);
    expect(load.ok ? [] : load.errors.map(formatConfigError)).toEqual([
      ".github/phase-gate.yml:4:32: phases[0].checks[1]: unknown check 'dockerfile-reloads' (did you mean 'dockerfile-reload'?)",
    ]);
  });
});
