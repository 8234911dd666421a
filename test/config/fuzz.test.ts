/**
 * Whatever the text, `loadChecklist` returns: a checklist, or errors with 1-based positions
 * inside the file. Arbitrary strings, YAML-ish token soup, and real YAML of arbitrary values.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadChecklist } from "../../src/config/load.js";
import type { ChecklistLoad } from "../../src/config/types.js";
import { testRegistry } from "./test-registry.js";

function wellFormed(text: string, load: ChecklistLoad): void {
  if (load.ok) {
    expect(load.checklist.phases.length).toBeGreaterThan(0);
    for (const phase of load.checklist.phases) {
      expect(phase.checks.length).toBeGreaterThan(0);
      for (const entry of phase.checks) expect(testRegistry.get(entry.check.id)).toBe(entry.check);
    }
    return;
  }
  expect(load.errors.length).toBeGreaterThan(0);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const e of load.errors) {
    expect(e.file).toBe("f.yml");
    expect(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines + 1).toBe(true);
    expect(Number.isInteger(e.column) && e.column >= 1).toBe(true);
    expect(e.message.length).toBeGreaterThan(0);
  }
}

const load = (text: string) => loadChecklist(text, "f.yml", testRegistry);

/** Pieces of YAML and of checklists, to reach deeper than random characters do. */
const token = fc.constantFrom(
  "phases:", "\n", "\n  ", "\n    ", "- ", "id: ", "name: ", "gate: ", "checks:", "doc: ", "_extends: ",
  "secrets-baseline", "pre-commit-config", "coverage-threshold", "file-exists", "dockerfile-reload", "hooks: ", "min: ", "path: ",
  "[", "]", "{", "}", ", ", ": ", "&a ", "*a", "&b ", "*b", "!!str ", "!tag ", "? ", "|\n", ">-\n", "'", '"', "#", "---\n", "...\n",
  "%YAML 1.2\n", "\t", "\r\n", "~", "null", "80", "-1", "1e400", ".nan", "true", "advisory", "required", "\uFFFD", "\u0000", "\u0085", "\uFEFF", "__proto__",
);

describe("loadChecklist never throws", () => {
  it("on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => wellFormed(text, load(text))),
      { numRuns: 1500 },
    );
  });

  it("on YAML-ish token soup", () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 80 }).map((t) => t.join("")), (text) => wellFormed(text, load(text))),
      { numRuns: 1500 },
    );
  });

  it("on real YAML of arbitrary values shaped like a checklist", () => {
    const option = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    const entry = fc.oneof(
      fc.constantFrom("secrets-baseline", "pre-commit-config", "coverage-threshold", "file-exists", "nope"),
      fc.record({ "coverage-threshold": option }),
      fc.record({ "pre-commit-config": fc.record({ hooks: option }) }),
      fc.record({ "file-exists": fc.record({ path: option }) }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const phase = fc.record(
      {
        id: fc.oneof(fc.constantFrom("p", "p", "phase-1"), fc.string(), fc.integer()),
        name: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
        gate: fc.oneof(fc.constantFrom("required", "advisory"), fc.string()),
        checks: fc.oneof(fc.array(entry, { maxLength: 5 }), fc.jsonValue({ maxDepth: 1 })),
        extra: option,
      },
      { requiredKeys: [] },
    );
    const checklist = fc.record({ phases: fc.oneof(fc.array(phase, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })), _extends: option }, { requiredKeys: [] });
    fc.assert(
      fc.property(checklist, (value) => {
        const text = stringify(value);
        wellFormed(text, load(text));
      }),
      { numRuns: 1000 },
    );
  });
});
