/**
 * Keeps the set of checks honest (as ESLint's checkRuleFiles and typescript-eslint's docs test do):
 * every check module is registered, tested and documented, and its documentation names every
 * message id it can report.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_CHECKS, registry } from "../../checks/index.js";
import { docsUrlFor } from "../../src/check/define.js";

const root = join(import.meta.dirname, "..", "..");

/** `checks/<id>.ts` or `checks/<id>/index.ts`; `checks/index.ts` is the registry itself. */
function checkModules(): string[] {
  const dir = join(root, "checks");
  return readdirSync(dir)
    .filter((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return existsSync(join(full, "index.ts"));
      return name.endsWith(".ts") && name !== "index.ts";
    })
    .map((name) => name.replace(/\.ts$/, ""))
    .sort();
}

describe("the check registry", () => {
  it("registers every check module in checks/, under the module's name", () => {
    expect([...registry.keys()].sort()).toEqual(checkModules());
  });

  it("has unique kebab-case ids", () => {
    const ids = ALL_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  for (const check of ALL_CHECKS) {
    describe(check.id, () => {
      it("has a test file", () => {
        expect(existsSync(join(root, "test", "checks", `${check.id}.test.ts`)), `test/checks/${check.id}.test.ts`).toBe(true);
      });

      it("has a doc page naming every message id, at the URL derived from its id", () => {
        const page = join(root, "docs", "checks", `${check.id}.md`);
        expect(existsSync(page), `docs/checks/${check.id}.md`).toBe(true);
        const text = readFileSync(page, "utf8");
        expect(text.startsWith(`# \`${check.id}\``), "the page starts with the id as its title").toBe(true);
        for (const id of Object.keys(check.messages)) expect(text, `message id ${id}`).toContain(`\`${id}\``);
        expect(text, "a section on the claims it verifies").toContain("## Claims it verifies");
        expect(check.claimPhrases, "declares the phrases of claims about it").toBeDefined();
        // The phrases of a check whose phrases need no options are each on its page.
        const defaults = check.options.safeParse({});
        if (defaults.success) for (const phrase of check.claimPhrases?.(defaults.data) ?? []) expect(text, `phrase ${phrase}`).toContain(`\`${phrase}\``);
        expect(check.docsUrl).toBe(docsUrlFor(check.id));
        expect(check.docsUrl.endsWith(`docs/checks/${check.id}.md`)).toBe(true);
      });

      it("has a title, a description, and messages with text and a severity", () => {
        expect(check.title.length).toBeGreaterThan(0);
        expect(check.description.length).toBeGreaterThan(0);
        for (const spec of Object.values(check.messages)) {
          expect(spec.message.length).toBeGreaterThan(0);
          expect(["error", "warning", "notice"]).toContain(spec.severity);
        }
      });
    });
  }
});
