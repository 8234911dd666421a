import { z } from "zod";
import { defineCheck } from "../src/check/define.js";
import { describeGlobs, globsOption, literalPaths } from "../src/check/globs.js";
import { compilePattern, findMatches, patternOptions, patternProblem } from "../src/check/text-search.js";

/**
 * Repolinter's `file-contents`: every file matching the globs contains the pattern, at least
 * `min` and at most `max` times.
 */
export const fileContains = defineCheck({
  id: "file-contains",
  title: "Files contain a pattern",
  description:
    "Passes when at least one file matches `path` and every matching file contains `pattern` (RE2 syntax) between `min` and `max` times.",
  options: z
    .object({
      path: globsOption,
      ...patternOptions,
      min: z.number().int().min(0).default(1),
      max: z.number().int().min(0).optional(),
      message: z.string().min(1).optional(),
    })
    .strict()
    .superRefine((o, issue) => {
      const problem = patternProblem(o.pattern, o.flags);
      if (problem) issue.addIssue({ code: "custom", path: ["pattern"], message: problem });
      if (o.max !== undefined && o.max < o.min) {
        issue.addIssue({ code: "custom", path: ["max"], message: `max (${o.max}) is less than min (${o.min})` });
      }
    }),
  messages: {
    "no-file": {
      message: "No file matches {{globs}}, so nothing can contain /{{pattern}}/.",
      help: "Add the file, or change `path` in the checklist.",
      severity: "error",
    },
    "too-few": {
      message: "{{message}}",
      help: "{{path}} must contain /{{pattern}}/ at least {{min}} time(s); it does {{count}} time(s).",
      severity: "error",
    },
    "too-many": {
      message: "{{message}}",
      help: "{{path}} may contain /{{pattern}}/ at most {{max}} time(s); it does {{count}} time(s).",
      severity: "error",
    },
    unreadable: {
      message: "{{path}} matches {{globs}} but was not read ({{reason}}), so its contents are unknown.",
      help: "Narrow `path` to text files under the size cap.",
      severity: "warning",
    },
  },
  claimPhrases: (o) => literalPaths(o.path),
  files: (o) => o.path,
  run(ctx) {
    const { path, pattern, flags, min, max, message } = ctx.options;
    const globs = describeGlobs(path);
    const targets = ctx.match(path, ctx.allPaths);
    if (targets.length === 0) {
      return { status: "fail", summary: `no file matches ${globs}`, findings: [ctx.finding("no-file", { data: { globs, pattern } })] };
    }
    const re = compilePattern(pattern, flags);
    const findings = [];
    let unknown = 0;
    for (const file of targets) {
      const text = ctx.read(file);
      if (text === undefined) {
        unknown++;
        findings.push(ctx.finding("unreadable", { path: file, data: { globs, reason: ctx.skipped(file) ?? "not read" } }));
        continue;
      }
      const keep = max === undefined ? 0 : max + 1;
      const { matches, count, capped } = findMatches(re, text, keep);
      const counted = capped ? `at least ${count}` : String(count);
      const data = { path: file, pattern, min, max: max ?? "", count: counted };
      if (count < min) {
        findings.push(ctx.finding("too-few", { path: file, data: { ...data, message: message ?? `${file} contains /${pattern}/ ${counted} time(s), fewer than ${min}.` } }));
      } else if (max !== undefined && count > max) {
        const line = matches[max]?.line;
        findings.push(
          ctx.finding("too-many", {
            path: file,
            ...(line !== undefined ? { line } : {}),
            data: { ...data, message: message ?? `${file} contains /${pattern}/ ${counted} time(s), more than ${max}.` },
          }),
        );
      }
    }
    const failed = findings.length - unknown;
    const status = failed > 0 ? "fail" : unknown > 0 ? "indeterminate" : "pass";
    const summary =
      failed > 0
        ? `${failed} of ${targets.length} file(s) matching ${globs} do not contain /${pattern}/ as required`
        : unknown > 0
          ? `${unknown} of ${targets.length} file(s) matching ${globs} could not be read`
          : `${targets.length} file(s) matching ${globs} contain /${pattern}/ as required`;
    return { status, summary, findings };
  },
});
