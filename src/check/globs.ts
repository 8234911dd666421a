import { z } from "zod";
import { globProblem, literalBase } from "./glob.js";

function addGlobProblem(glob: string, ctx: z.RefinementCtx): void {
  const problem = globProblem(glob);
  if (problem !== null) ctx.addIssue({ code: "custom", message: `invalid glob '${glob.length > 80 ? `${glob.slice(0, 77)}...` : glob}': ${problem}` });
}

/**
 * A glob (`src/check/glob.ts` syntax) of a check's options: one that cannot be compiled is a config
 * error at its own line, not a failure when the audit runs.
 */
export const compilableGlob = z
  .string()
  .min(1)
  .superRefine((glob, ctx) => {
    if (glob !== "") addGlobProblem(glob, ctx);
  });

/** One glob of a checklist, relative to the repository root. */
export const globString = z.string().min(1).superRefine((glob, ctx) => {
  if (glob.startsWith("/") || glob.split("/").includes("..")) {
    ctx.addIssue({ code: "custom", message: "globs are relative to the repository root: no leading '/' and no '..'" });
    return;
  }
  addGlobProblem(glob, ctx);
});

/** A glob or a list of globs (`src/check/glob.ts` syntax), relative to the repository root. */
export const globsOption = z
  .union([globString, z.array(globString).min(1)])
  .transform((v) => (typeof v === "string" ? [v] : v));

/** How a list of globs reads in a message. */
export function describeGlobs(globs: readonly string[]): string {
  return globs.map((g) => `'${g}'`).join(" or ");
}

/**
 * The file names a list of globs spells out, as phrases a phase document would use for them:
 * a literal path and its last segment (`docs/SECURITY.md`, `SECURITY.md`), or the literal last
 * segment of a glob (`**\/Dockerfile` gives `Dockerfile`). Negated globs name nothing.
 */
export function literalPaths(globs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const glob of globs) {
    const { negated, base, exact } = literalBase(glob);
    if (negated) continue;
    if (exact && base !== "") names.add(base);
    const last = glob.split("/").at(-1) ?? "";
    if (last !== "" && literalBase(last).exact && !literalBase(last).negated) names.add(last);
  }
  return [...names];
}
