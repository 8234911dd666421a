import type { z } from "zod";
import type { CheckContext, CheckDefinition, CheckResult, MessageSpec } from "./types.js";

/** Where each check's documentation page lives; the URL is derived from the id so it cannot drift. */
export const DOCS_BASE = "https://github.com/phase-gate/phase-gate/blob/main/docs/checks/";

export function docsUrlFor(id: string): string {
  return `${DOCS_BASE}${id}.md`;
}

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export interface CheckSpec<Schema extends z.ZodType, MessageId extends string> {
  id: string;
  title: string;
  description: string;
  /** A zod object schema with `.default()`s; use `.strict()` so unknown options are rejected. */
  options: Schema;
  messages: Record<MessageId, MessageSpec>;
  files: (options: z.output<Schema>) => readonly string[];
  /** Globs of paths looked up in the listing but not read (see `CheckDefinition.lists`). */
  lists?: (options: z.output<Schema>) => readonly string[];
  /** Phrases of claims about this check (see `CheckDefinition.claimPhrases`). */
  claimPhrases?: (options: z.output<Schema>) => readonly string[];
  run: (ctx: CheckContext<z.output<Schema>, MessageId>) => CheckResult | Promise<CheckResult>;
}

/**
 * Defines a check: options typed from their schema (defaults merged before `run`), message ids
 * typed from `messages`, docs URL derived from the id.
 */
export function defineCheck<Schema extends z.ZodType, MessageId extends string>(
  spec: CheckSpec<Schema, MessageId>,
): CheckDefinition<z.output<Schema>, MessageId> {
  if (!KEBAB.test(spec.id)) throw new Error(`check id '${spec.id}' is not kebab-case`);
  return {
    id: spec.id,
    title: spec.title,
    description: spec.description,
    docsUrl: docsUrlFor(spec.id),
    options: spec.options as unknown as z.ZodType<z.output<Schema>>,
    messages: spec.messages,
    files: spec.files,
    ...(spec.lists ? { lists: spec.lists } : {}),
    ...(spec.claimPhrases ? { claimPhrases: spec.claimPhrases } : {}),
    run: spec.run,
  };
}
