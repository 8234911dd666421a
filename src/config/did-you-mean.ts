/**
 * "Did you mean …?" for misspelt check ids, option names and keys: the candidates closest to what
 * was written, by optimal-string-alignment distance (Levenshtein plus adjacent transpositions),
 * case-insensitive, and only when they are close enough to be a plausible typo.
 */

/** Edits (insert, delete, substitute, swap two adjacent characters) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: i-2, i-1, i.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      }
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] ?? 0;
}

/** How many edits still read as a typo of a word this long: 1 for short words, at most 3. */
function tolerance(length: number): number {
  return Math.max(1, Math.min(3, Math.floor(length * 0.4)));
}

/** Longer than this, a written word is not compared (it is not a typo of a short id). */
const MAX_COMPARED = 100;

/**
 * The candidates closest to `input` (all those at the smallest distance, sorted), or none when
 * nothing is close. A candidate that `input` is the start of, at a `-` boundary
 * (`coverage` -> `coverage-threshold`), also counts as close.
 */
export function closest(input: string, candidates: Iterable<string>): string[] {
  if (input.length === 0 || input.length > MAX_COMPARED) return [];
  const needle = input.toLowerCase();
  let best = Number.POSITIVE_INFINITY;
  let found: string[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === input) continue;
    const hay = candidate.toLowerCase();
    let distance = editDistance(needle, hay);
    if (distance > tolerance(Math.max(needle.length, hay.length))) {
      if (needle.length >= 4 && (hay.startsWith(`${needle}-`) || needle.startsWith(`${hay}-`))) {
        // A prefix match ranks after every real typo.
        distance = 4 + Math.abs(hay.length - needle.length);
      } else continue;
    }
    if (distance < best) {
      best = distance;
      found = [candidate];
    } else if (distance === best) found.push(candidate);
  }
  return found.sort();
}

/** `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`. */
export function quoteList(words: readonly string[], conjunction = "or"): string {
  const quoted = words.map((w) => `'${w}'`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} ${conjunction} ${quoted[quoted.length - 1]}`;
}

/**
 * The hint for an unknown word: "did you mean 'x'?" when something is close, otherwise the list
 * of valid words ("valid checks: 'a', 'b'"), or undefined when there are none.
 */
export function suggestionHint(input: string, candidates: readonly string[], plural: string): string | undefined {
  const near = closest(input, candidates);
  if (near.length > 0) return `did you mean ${quoteList(near)}?`;
  if (candidates.length === 0) return undefined;
  return `valid ${plural}: ${[...candidates].map((c) => `'${c}'`).join(", ")}`;
}
