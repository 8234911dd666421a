/**
 * Reading a status as written: markers (✅ 🟡 🔴 ⏸️ ❌ 🚧), words (Complete, In progress,
 * Not started, Pending, …) and percentages. Works on text already repaired of mojibake.
 *
 * Precedence when a status carries several signals: a percentage (the most specific:
 * `🟢 90% Complete` is partial, `✅ … (50% Complete)` is partial), then words
 * (`🟡 Pending` is not done), then markers. Among words, a negative wins over a partial
 * and a partial over a done (`Not started` contains `started`; `In progress (80% complete)`
 * has its percentage first anyway).
 */
import type { ClaimState } from "./types.js";

/** Markers that state a status on their own, in a heading, a line or a table. */
const STRONG_MARKERS: ReadonlyArray<readonly [string, ClaimState]> = [
  ["✅", "done"], ["✔", "done"], ["☑", "done"], ["✓", "done"],
  ["❌", "not-done"], ["✖", "not-done"], ["✗", "not-done"], ["⏸", "not-done"],
  ["🚧", "partial"],
];

/**
 * Colour dots and the warning sign: in a table's status column they are a status, in a
 * heading they are often a priority or a risk level (`### High Risk 🔴`), so there they
 * count only beside a status word or percentage.
 */
const WEAK_MARKERS: ReadonlyArray<readonly [string, ClaimState]> = [
  ["🟢", "done"], ["🟡", "partial"], ["🟠", "partial"], ["⚠", "partial"],
  ["🔴", "not-done"], ["⬜", "not-done"],
];

const NOT_DONE_WORDS = /\b(?:not[ -]started|not[ -]done|not[ -]complete[d]?|incomplete|pending|blocked|to[ -]?do|deferred|on[ -]hold|paused|fail(?:ed|ing)?|missing|not[ -]yet)\b/i;
const PARTIAL_WORDS = /\b(?:in[ -]progress|partial(?:ly)?|wip|ongoing|under[ -]?way|in[ -]review)\b/i;
const DONE_WORDS = /\b(?:complete[d]?|done|finished|verified|resolved|mitigated|implemented|pass(?:ed|ing)?|fixed|achieved|approved|merged|shipped)\b/i;

/** `45% Complete`, `(100% Complete)`, `Complete (100%)`, `40% complete`. */
const PERCENT_WITH_WORD = /(\d{1,3}(?:\.\d+)?)\s*%\s*(?:complete[d]?|done|finished)\b|\b(?:complete[d]?|done)\s*\(\s*(\d{1,3}(?:\.\d+)?)\s*%\s*\)/i;
/** A value that is only a percentage: `100%`, `~77%`, `**60%**`. */
const PERCENT_ALONE = /^[~≈]?\s*(\d{1,3}(?:\.\d+)?)\s*%\+?$/;

export interface ParsedStatus {
  state: ClaimState;
  percent?: number;
}

export function stateOfPercent(percent: number): ClaimState {
  if (percent >= 100) return "done";
  if (percent <= 0) return "not-done";
  return "partial";
}

/** Removes U+FE0F/U+FE0E (emoji/text presentation) so `⏸️` and `⏸` compare equal. */
export function stripSelectors(text: string): string {
  return text.replace(/[\ufe0e\ufe0f]/g, "");
}

export function hasStrongMarker(text: string): boolean {
  return STRONG_MARKERS.some(([m]) => text.includes(m));
}

export function hasAnyMarker(text: string): boolean {
  return hasStrongMarker(text) || WEAK_MARKERS.some(([m]) => text.includes(m));
}

/** The marker a text starts with (after spaces), if it is a strong one. */
export function leadingStrongMarker(text: string): { marker: string; state: ClaimState } | undefined {
  const t = stripSelectors(text).trimStart();
  for (const [marker, state] of STRONG_MARKERS) {
    if (t.startsWith(marker)) return { marker, state };
  }
  return undefined;
}

/** Every marker character we know, to strip from a claim's text. */
export const ALL_MARKERS: readonly string[] = [...STRONG_MARKERS, ...WEAK_MARKERS].map(([m]) => m);

export interface ParseOptions {
  /** Accept a bare percentage (`60%`) as a status: only in a progress/completion column. */
  percentAlone?: boolean;
  /** Accept colour dots and ⚠ without a word (a table's status column). */
  weakMarkers?: boolean;
}

/** The state a status text states, or undefined when it states none we know. */
export function parseStatus(input: string, options: ParseOptions = {}): ParsedStatus | undefined {
  const text = stripSelectors(input).replace(/\*\*|__|`/g, "").trim();
  if (text === "") return undefined;

  const withWord = PERCENT_WITH_WORD.exec(text);
  const pctText = withWord ? (withWord[1] ?? withWord[2]) : undefined;
  if (pctText !== undefined) {
    const percent = Number(pctText);
    return { state: stateOfPercent(percent), percent };
  }
  if (options.percentAlone === true) {
    const alone = PERCENT_ALONE.exec(text);
    if (alone?.[1] !== undefined) {
      const percent = Number(alone[1]);
      return { state: stateOfPercent(percent), percent };
    }
  }

  if (NOT_DONE_WORDS.test(text)) return { state: "not-done" };
  if (PARTIAL_WORDS.test(text)) return { state: "partial" };
  if (DONE_WORDS.test(text)) return { state: "done" };

  for (const [marker, state] of STRONG_MARKERS) {
    if (text.includes(marker)) return { state };
  }
  if (options.weakMarkers === true) {
    for (const [marker, state] of WEAK_MARKERS) {
      if (text.includes(marker)) return { state };
    }
  }
  return undefined;
}

/** True when the text, markers and status words removed, has no word of its own left. */
export function isOnlyStatus(text: string): boolean {
  let t = stripSelectors(text);
  for (const m of ALL_MARKERS) t = t.split(m).join(" ");
  t = t
    .replace(new RegExp(NOT_DONE_WORDS.source, "gi"), " ")
    .replace(new RegExp(PARTIAL_WORDS.source, "gi"), " ")
    .replace(new RegExp(DONE_WORDS.source, "gi"), " ")
    .replace(/\b(?:already|remaining|and|or|status|optional)\b/gi, " ")
    .replace(/\d+(?:\.\d+)?\s*%/g, " ");
  return !/\p{L}/u.test(t);
}
