/**
 * `phase-gate claims <doc>`: what phase-gate reads from a phase document and how each claim
 * links to a check, before anything is audited, so an author can see what will be verified.
 */
import type { CheckEntry, PhaseConfig } from "../config/types.js";
import { extractClaims } from "./extract.js";
import { containsPhrase, linkClaims, linkTargets, normalise, type Candidate, type Link } from "./link.js";
import type { ClaimKind, ClaimState, OverallFigure } from "./types.js";

/** The checks a document is linked against: one phase's, or (for a document no phase names) every phase's. */
export interface PreviewScope {
  /** The phase whose `doc` this is, or null when linked against every check of the checklist. */
  readonly phase: PhaseConfig | null;
  readonly phases: readonly PhaseConfig[];
}

export interface PreviewClaim {
  readonly line: number;
  readonly state: ClaimState;
  readonly kind: ClaimKind;
  readonly text: string;
  readonly section?: string;
  /** `linked`: the check it will be verified by; `ambiguous`: the checks it names; `none`: unverifiable. */
  readonly link: "linked" | "ambiguous" | "none";
  readonly checks: readonly PreviewCheck[];
  /** `config` (the checklist's `claims`) or `phrase`, when linked or ambiguous. */
  readonly by?: "config" | "phrase";
}

export interface PreviewCheck {
  readonly id: string;
  /** The phase of the check (useful when linked across every phase). */
  readonly phase: string;
  readonly phrase: string;
}

export interface ClaimsPreview {
  readonly doc: string;
  /** The phase whose doc it is; null when no phase names it. */
  readonly phase: string | null;
  readonly claims: readonly PreviewClaim[];
  readonly overall: readonly OverallFigure[];
  readonly notes: readonly string[];
  readonly counts: { readonly claims: number; readonly linked: number; readonly ambiguous: number; readonly none: number };
}

export function previewClaims(doc: string, text: string, scope: PreviewScope, lossy = false): ClaimsPreview {
  const extracted = extractClaims(text);
  const entries: Array<{ entry: CheckEntry; phase: string }> = (scope.phase ? [scope.phase] : scope.phases).flatMap((p) => p.checks.map((entry) => ({ entry, phase: p.id })));
  const targets = linkTargets(entries.map(({ entry }) => entry));
  const { links, notes } = linkClaims(extracted.claims, targets, scope.phase?.claims ?? []);
  const toCheck = (c: Candidate): PreviewCheck => ({ id: c.id, phase: entries[c.index]?.phase ?? "?", phrase: c.phrase });
  const claims = extracted.claims.map((claim, i): PreviewClaim => {
    const link: Link = links[i] ?? { kind: "none" };
    return {
      line: claim.line,
      state: claim.state,
      kind: claim.kind,
      text: claim.text,
      ...(claim.section !== undefined ? { section: claim.section } : {}),
      link: link.kind,
      checks: link.kind === "linked" ? [toCheck(link.target)] : link.kind === "ambiguous" ? link.candidates.map(toCheck) : [],
      ...(link.kind !== "none" ? { by: link.by } : {}),
    };
  });
  const count = (kind: PreviewClaim["link"]): number => claims.filter((c) => c.link === kind).length;
  // What a link could be: a claim that names no check, whose sub-items use a check's phrase.
  const hints = extracted.claims.flatMap((claim, i) => {
    if (links[i]?.kind !== "none" || claim.detail === undefined) return [];
    const detail = normalise(claim.detail);
    const named = targets.flatMap((t) => t.phrases.filter((p) => containsPhrase(detail, normalise(p))).slice(0, 1).map((p) => ({ id: t.id, phrase: p })));
    const first = named[0];
    if (first === undefined) return [];
    return [`line ${claim.line}: its sub-items mention '${first.phrase}' (${first.id}); if the claim is about that, link it with claims: [{ match: "${claim.text.slice(0, 60)}", check: ${first.id} }]`];
  });
  const alsoNamedBy = scope.phases.filter((p) => p.doc === doc && p.id !== scope.phase?.id).map((p) => p.id);
  return {
    doc,
    phase: scope.phase?.id ?? null,
    claims,
    overall: extracted.overall,
    notes: [
      ...(scope.phase === null ? [`${doc} is not the 'doc' of any phase: its claims are linked against every check of the checklist`] : []),
      ...(lossy ? ["the document is not valid UTF-8: the bytes that are not were read as U+FFFD"] : []),
      ...(extracted.repairs.length > 0 ? [`${extracted.repairs.length} pieces of mojibake repaired before reading (first on line ${extracted.repairs[0]?.line})`] : []),
      ...(alsoNamedBy.length > 0 ? [`${doc} is also the doc of ${alsoNamedBy.map((id) => `phase '${id}'`).join(", ")}; use --phase to link it against ${alsoNamedBy.length === 1 ? "that phase's" : "another phase's"} checks`] : []),
      ...extracted.notes,
      ...notes,
      ...hints,
    ],
    counts: { claims: claims.length, linked: count("linked"), ambiguous: count("ambiguous"), none: count("none") },
  };
}

const STATE_WIDTH = "not-done".length;

/** The preview for a terminal: one line per claim, then the document's own figures and the notes. */
export function renderPreviewText(preview: ClaimsPreview): string {
  const scope = preview.phase === null ? "every check of the checklist" : `the checks of phase '${preview.phase}'`;
  const { claims, linked, ambiguous, none } = preview.counts;
  const lines = [
    `${preview.doc}: ${claims} ${claims === 1 ? "claim" : "claims"}; ${linked} linked to a check, ${ambiguous} ambiguous, ${none} not covered (linked against ${scope})`,
    "",
  ];
  const width = String(Math.max(1, ...preview.claims.map((c) => c.line))).length;
  for (const c of preview.claims) {
    lines.push(`${String(c.line).padStart(width)}  ${c.state.padEnd(STATE_WIDTH)}  ${c.text}`);
    lines.push(`${" ".repeat(width)}  ${" ".repeat(STATE_WIDTH)}  ${linkText(c, preview.phase === null)}`);
  }
  if (preview.overall.length > 0) {
    lines.push("", "The document's own figures:");
    for (const f of preview.overall) lines.push(`  line ${f.line}: ${f.text}`);
  }
  if (preview.notes.length > 0) {
    lines.push("", "Notes:");
    for (const n of preview.notes) lines.push(`  - ${n}`);
  }
  return `${lines.join("\n")}\n`;
}

function linkText(c: PreviewClaim, showPhase: boolean): string {
  const name = (k: PreviewCheck): string =>
    `${k.id}${showPhase ? ` (phase ${k.phase})` : ""} — ${c.by === "config" ? "the checklist's claims link" : `'${k.phrase}'`}`;
  if (c.link === "linked" && c.checks[0]) return `→ ${name(c.checks[0])}`;
  if (c.link === "ambiguous") return `→ ambiguous, not verified: ${c.checks.map(name).join("; ")}`;
  return "→ no check: unverifiable";
}
