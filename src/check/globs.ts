import { z } from "zod";
import { globProblem } from "./glob.js";

/**
 * One glob of a checklist (`src/check/glob.ts` syntax), relative to the repository root. A glob
 * that cannot be compiled is a config error at its own line, not a failure when the audit runs.
 */
export const globString = z.string().min(1).superRefine((glob, ctx) => {
  if (glob.startsWith("/") || glob.split("/").includes("..")) {
    ctx.addIssue({ code: "custom", message: "globs are relative to the repository root: no leading '/' and no '..'" });
    return;
  }
  const problem = globProblem(glob);
  if (problem !== null) ctx.addIssue({ code: "custom", message: `invalid glob '${glob.length > 80 ? `${glob.slice(0, 77)}...` : glob}': ${problem}` });
});

/** A glob or a list of globs (`src/check/glob.ts` syntax), relative to the repository root. */
export const globsOption = z
  .union([globString, z.array(globString).min(1)])
  .transform((v) => (typeof v === "string" ? [v] : v));

/** How a list of globs reads in a message. */
export function describeGlobs(globs: readonly string[]): string {
  return globs.map((g) => `'${g}'`).join(" or ");
}
