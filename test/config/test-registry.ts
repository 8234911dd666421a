/** Small fake checks with real zod option schemas, for the checklist loader's tests. */
import { z } from "zod";
import { defineCheck } from "../../src/check/define.js";
import type { AnyCheck } from "../../src/check/types.js";
import type { Registry } from "../../src/config/types.js";

function fake<S extends z.ZodType>(id: string, options: S): AnyCheck {
  return defineCheck({
    id,
    title: id,
    description: `test check ${id}`,
    options,
    messages: {},
    files: () => [],
    run: () => ({ status: "pass", summary: "ok", findings: [] }),
  }) as unknown as AnyCheck;
}

/** No options. */
export const noOptions = fake("secrets-baseline", z.object({}).strict());
/** `hooks: string[]`, default `[]`. */
export const withHooks = fake("pre-commit-config", z.object({ hooks: z.array(z.string()).default([]) }).strict());
/** `min: number` (0..100), default 80. */
export const withMin = fake("coverage-threshold", z.object({ min: z.number().min(0).max(100).default(80) }).strict());
/** A required `path` (a string), an optional `message`. */
export const needsPath = fake("file-exists", z.object({ path: z.string().min(1), message: z.string().optional() }).strict());

export const dockerfileReload = fake("dockerfile-reload", z.object({}).strict());
export const indexMigrations = fake("index-migrations", z.object({}).strict());

export function registryOf(checks: readonly AnyCheck[]): Registry {
  return new Map(checks.map((c) => [c.id, c]));
}

/** The four kinds of check the brief asks for, plus the two other default ids. */
export const testRegistry: Registry = registryOf([noOptions, withHooks, withMin, needsPath, dockerfileReload, indexMigrations]);
