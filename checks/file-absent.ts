import { z } from "zod";
import { defineCheck } from "../src/check/define.js";
import { describeGlobs, globsOption, literalPaths } from "../src/check/globs.js";

/** Repolinter's `file-not-exists`: no file matches any of the globs. */
export const fileAbsent = defineCheck({
  id: "file-absent",
  title: "A file is absent",
  description: "Passes when no file in the repository matches any of the globs in `path`; each match is a finding.",
  options: z
    .object({
      path: globsOption,
      /** What each finding says (the checklist item, in the author's words). */
      message: z.string().min(1).optional(),
    })
    .strict(),
  messages: {
    present: {
      message: "{{message}}",
      help: "Remove {{path}} (and ignore it in .gitignore if it is generated), or change `path` in the checklist.",
      severity: "error",
    },
  },
  claimPhrases: (o) => literalPaths(o.path),
  files: () => [],
  lists: (o) => o.path,
  run(ctx) {
    const { path, message } = ctx.options;
    const found = ctx.match(path, ctx.allPaths);
    const globs = describeGlobs(path);
    if (found.length === 0) return { status: "pass", summary: `no file matches ${globs}`, findings: [] };
    return {
      status: "fail",
      summary: `${found.length} file${found.length === 1 ? "" : "s"} ${found.length === 1 ? "matches" : "match"} ${globs}`,
      findings: found.map((p) =>
        ctx.finding("present", { path: p, data: { message: message ?? `${p} should not exist (matches ${globs}).`, path: p } }),
      ),
    };
  },
});
