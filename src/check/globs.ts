import { z } from "zod";

/** A glob or a list of globs (picomatch, `dot: true`), relative to the repository root. */
export const globsOption = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (typeof v === "string" ? [v] : v))
  .refine((globs) => globs.every((g) => !g.startsWith("/") && !g.split("/").includes("..")), {
    message: "globs are relative to the repository root: no leading '/' and no '..'",
  });

/** How a list of globs reads in a message. */
export function describeGlobs(globs: readonly string[]): string {
  return globs.map((g) => `'${g}'`).join(" or ");
}
