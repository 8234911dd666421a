import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineCheck } from "../../src/check/define.js";
import type { AnyCheck } from "../../src/check/types.js";
import { DEFAULT_CHECK_IDS, DEFAULT_CHECKLIST_YAML, defaultChecklist } from "../../src/config/default.js";
import { loadChecklist } from "../../src/config/load.js";
import { dockerfileReload, indexMigrations, needsPath, noOptions, registryOf, testRegistry, withHooks, withMin } from "./test-registry.js";

describe("the built-in default checklist", () => {
  it("is one advisory phase with the five domain checks, their defaults merged", () => {
    const checklist = defaultChecklist(testRegistry);
    expect(checklist.origin).toEqual({ source: "default", path: null });
    expect(checklist.phases).toHaveLength(1);
    const [phase] = checklist.phases;
    expect({ id: phase?.id, name: phase?.name, gate: phase?.gate, doc: phase?.doc }).toEqual({
      id: "baseline",
      name: "Baseline",
      gate: "advisory",
      doc: undefined,
    });
    expect(phase?.checks.map((e) => e.check)).toEqual([noOptions, withHooks, withMin, dockerfileReload, indexMigrations]);
    expect(phase?.checks.map((e) => e.options)).toEqual([{}, { hooks: [] }, { min: 80 }, {}, {}]);
  });

  it("is YAML that the loader reads like any file", () => {
    const load = loadChecklist(DEFAULT_CHECKLIST_YAML, "default.yml", testRegistry);
    expect(load.ok && load.checklist.phases[0]?.checks.map((e) => e.check.id)).toEqual([...DEFAULT_CHECK_IDS]);
    expect(load.ok && load.checklist.origin).toEqual({ source: "file", path: "default.yml" });
  });

  it("throws a programming error when the registry lacks one of its checks", () => {
    const partial = registryOf([noOptions, withHooks, withMin, needsPath]);
    expect(() => defaultChecklist(partial)).toThrow(
      "the built-in default checklist needs checks 'dockerfile-reload', 'index-migrations', which the registry does not have",
    );
  });

  it("throws when one of its checks cannot run without options", () => {
    const strictReload = defineCheck({
      id: "dockerfile-reload",
      title: "t",
      description: "d",
      options: z.object({ stages: z.array(z.string()) }).strict(),
      messages: {},
      files: () => [],
      run: () => ({ status: "pass", summary: "ok", findings: [] }),
    }) as unknown as AnyCheck;
    const registry = registryOf([noOptions, withHooks, withMin, strictReload, indexMigrations]);
    // Line 10 of the embedded YAML: a comment, phases, id, name, gate, checks, then the fourth check.
    expect(() => defaultChecklist(registry)).toThrow(
      "(built-in default checklist):10:9: phases[0].checks[3]: check 'dockerfile-reload' needs options: stages",
    );
  });
});
