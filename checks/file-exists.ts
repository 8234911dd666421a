import { z } from "zod";
import { defineCheck } from "../src/check/define.js";
import { describeGlobs, globsOption, literalPaths } from "../src/check/globs.js";

/** Repolinter's `file-existence`: at least one file matches one of the globs. */
export const fileExists = defineCheck({
  id: "file-exists",
  title: "A file exists",
  description: "Passes when at least one file in the repository matches one of the globs in `path`.",
  options: z
    .object({
      /** A glob or a list of globs; any match passes. */
      path: globsOption,
      /** What the finding says when nothing matches (the checklist item, in the author's words). */
      message: z.string().min(1).optional(),
    })
    .strict(),
  messages: {
    missing: {
      message: "{{message}}",
      help: "Add a file matching {{globs}}, or change `path` in the checklist if it lives elsewhere.",
      severity: "error",
    },
  },
  // The listing is enough: nothing needs to be read.
  claimPhrases: (o) => literalPaths(o.path),
  files: () => [],
  lists: (o) => o.path,
  run(ctx) {
    const { path, message } = ctx.options;
    const found = ctx.match(path, ctx.allPaths);
    const globs = describeGlobs(path);
    if (found.length > 0) {
      const more = found.length > 1 ? ` and ${found.length - 1} more` : "";
      return { status: "pass", summary: `${found[0]}${more} matches ${globs}`, findings: [] };
    }
    return {
      status: "fail",
      summary: `no file matches ${globs}`,
      findings: [ctx.finding("missing", { data: { message: message ?? `No file matches ${globs}.`, globs } })],
    };
  },
});
