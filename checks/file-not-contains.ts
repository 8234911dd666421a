import { z } from "zod";
import { defineCheck } from "../src/check/define.js";
import { describeGlobs, globsOption, literalPaths } from "../src/check/globs.js";
import { compilePattern, findMatches, patternOptions, patternProblem } from "../src/check/text-search.js";

/** Findings reported per file; the summary still counts every match. */
const MAX_FINDINGS_PER_FILE = 20;

/** Repolinter's `file-not-contents`: no file matching the globs contains the pattern. */
export const fileNotContains = defineCheck({
  id: "file-not-contains",
  title: "Files do not contain a pattern",
  description:
    "Passes when no file matching `path` contains `pattern` (RE2 syntax); each match is a finding on its line. Not applicable when no file matches `path`.",
  options: z
    .object({
      path: globsOption,
      ...patternOptions,
      message: z.string().min(1).optional(),
    })
    .strict()
    .superRefine((o, issue) => {
      const problem = patternProblem(o.pattern, o.flags);
      if (problem) issue.addIssue({ code: "custom", path: ["pattern"], message: problem });
    }),
  messages: {
    match: {
      message: "{{message}}",
      help: "Remove or rewrite the text matching /{{pattern}}/ on this line.",
      severity: "error",
    },
    "more-matches": {
      message: "{{path}} has {{more}} more match(es) of /{{pattern}}/ not listed here.",
      help: "Run `phase-gate audit` locally to see every line.",
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
    const { path, pattern, flags, message } = ctx.options;
    const globs = describeGlobs(path);
    const targets = ctx.match(path, ctx.allPaths);
    if (targets.length === 0) return { status: "not-applicable", summary: `no file matches ${globs}`, findings: [] };
    const re = compilePattern(pattern, flags);
    const findings = [];
    let offending = 0;
    let total = 0;
    let unknown = 0;
    for (const file of targets) {
      const text = ctx.read(file);
      if (text === undefined) {
        unknown++;
        findings.push(ctx.finding("unreadable", { path: file, data: { path: file, globs, reason: ctx.skipped(file) ?? "not read" } }));
        continue;
      }
      const { matches, count, capped } = findMatches(re, text, MAX_FINDINGS_PER_FILE);
      if (count === 0) continue;
      offending++;
      total += count;
      for (const m of matches) {
        const text = message ?? `${file}:${m.line} contains /${pattern}/: ${JSON.stringify(m.text)}`;
        findings.push(ctx.finding("match", { path: file, line: m.line, data: { message: text, pattern } }));
      }
      if (count > matches.length) {
        const more = capped ? `at least ${count - matches.length}` : String(count - matches.length);
        findings.push(ctx.finding("more-matches", { path: file, data: { path: file, more, pattern } }));
      }
    }
    if (offending > 0) {
      return { status: "fail", summary: `${total} match(es) of /${pattern}/ in ${offending} file(s) matching ${globs}`, findings };
    }
    if (unknown > 0) return { status: "indeterminate", summary: `${unknown} of ${targets.length} file(s) matching ${globs} could not be read`, findings };
    return { status: "pass", summary: `none of ${targets.length} file(s) matching ${globs} contains /${pattern}/`, findings: [] };
  },
});
