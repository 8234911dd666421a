/**
 * Linking the claims of a phase document to the checks of its phase. A claim links to at most
 * one check: the checklist's explicit links (`claims: [{ match, check }]`) first, then the
 * phrases each check declares (`claimPhrases`), looked up in the claim's own words only: its
 * nested detail often names files and flags of neighbouring work (a "created
 * docker-compose.dev.yml" item whose sub-items mention `--reload`), and a false link makes a
 * false overclaim. A claim that names two checks is ambiguous: it is reported with its
 * candidates, never guessed.
 */
import type { CheckEntry } from "../config/types.js";
import type { Claim } from "./types.js";

/** A check of the phase a claim can link to. */
export interface LinkTarget {
  /** Position of the check in the phase's `checks`. */
  readonly index: number;
  readonly id: string;
  readonly phrases: readonly string[];
}

/**
 * Checks as link targets, with the phrases each declares for its options; index = position in
 * `entries`. A check whose phrases cannot be computed is linked by the checklist's `claims` only.
 */
export function linkTargets(entries: readonly CheckEntry[]): LinkTarget[] {
  return entries.map((entry, index) => {
    let phrases: readonly string[] = [];
    try {
      phrases = entry.check.claimPhrases?.(entry.options) ?? [];
    } catch {
      // No phrases: see above.
    }
    return { index, id: entry.check.id, phrases };
  });
}

/** An explicit link of the checklist: claims whose text contains the words `match` (whole words, case aside) are about the check at `index`. */
export interface ExplicitLink {
  readonly match: string;
  readonly index: number;
}

export interface Candidate {
  readonly index: number;
  readonly id: string;
  /** The phrase (or the checklist's `match`) that named the check. */
  readonly phrase: string;
}

export type Link =
  | { readonly kind: "linked"; readonly by: "config" | "phrase"; readonly target: Candidate }
  | { readonly kind: "ambiguous"; readonly by: "config" | "phrase"; readonly candidates: readonly Candidate[] }
  | { readonly kind: "none" };

export interface Linked {
  /** One link per claim, in the order of the claims. */
  readonly links: readonly Link[];
  /** Explicit links that matched no claim, one sentence each. */
  readonly notes: readonly string[];
}

export function linkClaims(claims: readonly Claim[], targets: readonly LinkTarget[], explicit: readonly ExplicitLink[] = []): Linked {
  const byIndex = new Map(targets.map((t) => [t.index, t]));
  const used = new Set<number>();
  const links = claims.map((claim): Link => {
    const text = normalise(claim.text);
    const configured = explicit.flatMap((link, i): Candidate[] => {
      if (!containsPhrase(text, normalise(link.match))) return [];
      used.add(i);
      return [{ index: link.index, id: byIndex.get(link.index)?.id ?? "?", phrase: link.match }];
    });
    const fromConfig = decide(configured, "config");
    if (fromConfig !== null) return fromConfig;
    return decide(phraseCandidates(text, targets), "phrase") ?? { kind: "none" };
  });
  const notes = explicit.flatMap((link, i) =>
    used.has(i) ? [] : [`the checklist links claims matching '${link.match}' to ${byIndex.get(link.index)?.id ?? "a check"}, but no claim of the document contains those words`],
  );
  return { links, notes };
}

/** One candidate per check: linked; several: ambiguous; none: null. */
function decide(candidates: readonly Candidate[], by: "config" | "phrase"): Link | null {
  const distinct = new Map<number, Candidate>();
  for (const c of candidates) {
    const seen = distinct.get(c.index);
    // Keep the longest phrase of each check: it says best why the claim names it.
    if (seen === undefined || c.phrase.length > seen.phrase.length) distinct.set(c.index, c);
  }
  const list = [...distinct.values()].sort((a, b) => a.index - b.index);
  const [first] = list;
  if (first === undefined) return null;
  return list.length === 1 ? { kind: "linked", by, target: first } : { kind: "ambiguous", by, candidates: list };
}

function phraseCandidates(text: string, targets: readonly LinkTarget[]): Candidate[] {
  return targets.flatMap((t) => t.phrases.filter((p) => containsPhrase(text, normalise(p))).map((phrase) => ({ index: t.index, id: t.id, phrase })));
}

const WORD = /[\p{L}\p{N}_]/u;

/**
 * True when `phrase` occurs in `text` as whole words: not inside a longer word on either side
 * (`reload` is in `--reload`, not in `preloaded`), a plural `s`/`es` allowed after it
 * (`index migration` is in `index migrations`). Both already normalised.
 */
export function containsPhrase(text: string, phrase: string): boolean {
  if (phrase === "") return false;
  for (let at = text.indexOf(phrase); at !== -1; at = text.indexOf(phrase, at + 1)) {
    const before = at === 0 ? "" : text.charAt(at - 1);
    if (before !== "" && WORD.test(before) && WORD.test(phrase.charAt(0))) continue;
    let end = at + phrase.length;
    if (WORD.test(phrase.charAt(phrase.length - 1))) {
      if (text.startsWith("es", end) && !WORD.test(text.charAt(end + 2))) end += 2;
      else if (text.charAt(end) === "s" && !WORD.test(text.charAt(end + 1))) end += 1;
      if (WORD.test(text.charAt(end))) continue;
    }
    return true;
  }
  return false;
}

/** Case, compatibility forms, typographic quotes and runs of white space do not matter. */
export function normalise(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2010-\u2013]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}
