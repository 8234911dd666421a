import { RE2JS } from "re2js";
import { z } from "zod";

/**
 * Regular expressions written by checklist authors run over repository contents, so both sides may
 * be hostile. They run on RE2 (re2js): linear time in the input whatever the pattern, so a
 * catastrophic pattern cannot hang an audit. RE2 has no look-around or back-references; such a
 * pattern is refused when the checklist is validated, with RE2's own message.
 */
export const MAX_PATTERN_LENGTH = 1000;

const FLAG_BITS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

export function compilePattern(pattern: string, flags = ""): RE2JS {
  let bits = 0;
  for (const f of flags) {
    const bit = FLAG_BITS[f];
    if (bit === undefined) throw new Error(`unknown flag '${f}' (use i, m or s)`);
    bits |= bit;
  }
  return RE2JS.compile(pattern, bits);
}

/** Why a pattern cannot be used, or null when it compiles. */
export function patternProblem(pattern: string, flags = ""): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    compilePattern(pattern, flags);
    return null;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `invalid regular expression (RE2 syntax: no look-around or back-references): ${why}`;
  }
}

/** Options shared by the declarative checks that look inside files. */
export const patternOptions = {
  pattern: z.string().min(1),
  flags: z
    .string()
    .regex(/^[ims]*$/, "flags may only contain i, m and s")
    .default(""),
};

export interface LineMatch {
  /** 1-based. */
  readonly line: number;
  /** The matched text, cut to 120 characters. */
  readonly text: string;
}

/** Start offsets of every line, for offset -> line in O(log n). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Matches are counted up to this many per file; past it the count is a lower bound. */
export const MAX_COUNTED_MATCHES = 100_000;

/**
 * Matches of `re` in `text`: the first `keep` with their line, and how many there are (counting
 * stops at `MAX_COUNTED_MATCHES`, then `capped` is true).
 */
export function findMatches(re: RE2JS, text: string, keep: number): { matches: LineMatch[]; count: number; capped: boolean } {
  const matcher = re.matcher(text);
  const matches: LineMatch[] = [];
  let count = 0;
  let starts: number[] | null = null;
  while (matcher.find()) {
    count++;
    if (matches.length < keep) {
      starts ??= lineStarts(text);
      const found = matcher.group() ?? "";
      matches.push({ line: lineOf(starts, matcher.start()), text: found.length > 120 ? `${found.slice(0, 117)}...` : found });
    }
    if (count >= MAX_COUNTED_MATCHES) return { matches, count, capped: true };
  }
  return { matches, count, capped: false };
}
