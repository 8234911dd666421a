import { describe, expect, it } from "vitest";
import { loadChecklist } from "../../src/config/load.js";
import type { Checklist, ConfigError } from "../../src/config/types.js";
import { testRegistry } from "./test-registry.js";

const FILE = ".github/phase-gate.yml";
const yaml = (...lines: string[]) => `${lines.join("\n")}\n`;

function ok(text: string, inheritedPhases: string[] = []): Checklist {
  const load = loadChecklist(text, FILE, testRegistry, { inheritedPhases });
  if (!load.ok) throw new Error(load.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join("\n"));
  return load.checklist;
}

function errors(text: string): Array<[number, number, string, string | undefined]> {
  const load = loadChecklist(text, FILE, testRegistry);
  if (load.ok) throw new Error("expected errors");
  return load.errors.map((e: ConfigError) => [e.line, e.column, e.message, e.hint]);
}

const phase = (id: string, extra: string[] = [], checks = ["secrets-baseline"]) => [
  `  - id: ${id}`,
  `    name: ${id.toUpperCase()}`,
  ...extra.map((l) => `    ${l}`),
  "    checks:",
  ...checks.map((c) => `      - ${c}`),
];

describe("ordered phases", () => {
  it("without 'ordered', phases require nothing; with it, each requires the one before unless it says otherwise", () => {
    const plain = ok(yaml("phases:", ...phase("a"), ...phase("b")));
    expect(plain.phases.map((p) => p.requires)).toEqual([[], []]);
    const ordered = ok(yaml("ordered: true", "phases:", ...phase("a"), ...phase("b"), ...phase("c", ["requires: []"]), ...phase("d", ["requires: [a, b]"])));
    expect(ordered.phases.map((p) => [p.id, p.requires])).toEqual([
      ["a", []],
      ["b", ["a"]],
      ["c", []],
      ["d", ["a", "b"]],
    ]);
    expect(ordered.phases.map((p) => p.ahead)).toEqual(["neutral", "neutral", "neutral", "neutral"]);
  });

  it("reads 'ahead: success'", () => {
    expect(ok(yaml("phases:", ...phase("a"), ...phase("b", ["requires: [a]", "ahead: success"]))).phases[1]?.ahead).toBe("success");
  });

  it("reports an unknown required phase at its line with did-you-mean, and a phase requiring itself", () => {
    expect(errors(yaml("phases:", ...phase("phase-1"), ...phase("phase-2", ["requires: [phase-l, phase-2]"])))).toEqual([
      [8, 16, "phase 'phase-2' requires 'phase-l', which is not a phase of this checklist", "did you mean 'phase-1'?"],
      [8, 25, "phase 'phase-2' requires itself", "a phase can only require other phases"],
    ]);
  });

  it("reports a cycle, defaults of 'ordered' included", () => {
    expect(errors(yaml("ordered: true", "phases:", ...phase("a", ["requires: [c]"]), ...phase("b"), ...phase("c")))).toEqual([
      [5, 15, "phases require each other in a cycle: 'a' → 'c' → 'b' → 'a'", "with 'ordered: true', 'c' and 'b' require the phase before; give them 'requires: [...]' (or '[]') to break the cycle"],
    ]);
    expect(errors(yaml("phases:", ...phase("a", ["requires: [b]"]), ...phase("b", ["requires: [a]"])))).toEqual([
      [4, 15, "phases require each other in a cycle: 'a' → 'b' → 'a'", "a phase can only require phases that do not require it back"],
    ]);
  });

  it("may require a phase of an extended file (_extends)", () => {
    expect(ok(yaml("phases:", ...phase("b", ["requires: [org-a]"])), ["org-a"]).phases[0]?.requires).toEqual(["org-a"]);
    // Read alone (the CLI does not follow _extends), the other file's phases cannot be known: accepted.
    expect(ok(yaml("_extends: .github", "phases:", ...phase("b", ["requires: [org-a]"]))).phases[0]?.requires).toEqual(["org-a"]);
    // Without _extends, an unknown phase is an error.
    expect(errors(yaml("phases:", ...phase("b", ["requires: [org-a]"])))[0]?.[2]).toBe("phase 'b' requires 'org-a', which is not a phase of this checklist");
  });

  it("rejects 'ordered' that is not a boolean, and 'ahead' outside its two values", () => {
    const found = errors(yaml("ordered: yes please", "phases:", ...phase("a", ["ahead: failure"])));
    expect(found.map((e) => [e[0], e[2]])).toEqual([
      [1, "expected true or false, got a string"],
      [5, "expected one of 'neutral' or 'success', got 'failure'"],
    ]);
  });
});

describe("explicit claim links", () => {
  it("resolves each link to the position of its check in the phase, '#n' choosing among repeats", () => {
    const checklist = ok(
      yaml(
        "phases:",
        ...phase(
          "a",
          ["doc: docs/PHASE1.md", "claims:", "  - { match: Fix SQL injection, check: dockerfile-reload }", "  - { match: 'SECURITY.md', check: 'file-exists#2' }"],
          ["secrets-baseline", "file-exists: { path: README.md }", "dockerfile-reload", "file-exists: { path: SECURITY.md }"],
        ),
      ),
    );
    expect(checklist.phases[0]?.claims).toEqual([
      { match: "Fix SQL injection", index: 2 },
      { match: "SECURITY.md", index: 3 },
    ]);
  });

  it("says which check is meant when a phase has two of it, when '#n' is out of range, and when the check is not in the phase", () => {
    const found = errors(
      yaml(
        "phases:",
        ...phase(
          "a",
          ["doc: d.md", "claims:", "  - { match: x, check: file-exists }", "  - { match: y, check: 'file-exists#3' }", "  - { match: z, check: dockerfile-reloads }"],
          ["file-exists: { path: A }", "file-exists: { path: B }", "dockerfile-reload"],
        ),
      ),
    );
    expect(found).toEqual([
      [6, 28, "phase 'a' has 2 'file-exists' checks (checks[0], checks[1])", "write 'file-exists#1' … 'file-exists#2' to say which, in the order they are listed"],
      [7, 28, "phase 'a' has 2 'file-exists' checks, not 3", "count the 'file-exists' checks from 1, in the order they are listed"],
      [8, 28, "phase 'a' has no check 'dockerfile-reloads'", "did you mean 'dockerfile-reload'?"],
    ]);
  });

  it("wants a doc to read the claims from", () => {
    const found = errors(yaml("phases:", ...phase("a", ["claims:", "  - { match: x, check: secrets-baseline }"])));
    expect(found).toEqual([[4, 5, "phase 'a' links claims but names no 'doc' to read them from", "add 'doc: <path of the phase report>' to the phase"]]);
  });

  it("wants a match and a check in each link", () => {
    const found = errors(yaml("phases:", ...phase("a", ["doc: d.md", "claims:", "  - { match: '  ' }"])));
    expect(found.map((e) => [e[0], e[2]])).toEqual([
      [6, "missing 'check': expected a string"],
      [6, "must not be empty"],
    ]);
  });
});
