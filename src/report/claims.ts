/**
 * What every renderer says about a phase document's claims and about the order of phases, apart
 * from how it is written down: which claims to list and how they are grouped, where a claim sits,
 * a claim's identity across commits, the phase a repository is at, "ahead, waiting on …".
 */
import type { AuditReport, PhaseReport } from "../audit/types.js";
import type { Finding } from "../check/types.js";
import type { ClaimReport, ClaimState, DocumentReport } from "../claims/types.js";

/** Claim text is cut to this many characters in lists (the JSON format keeps it whole). */
export const CLAIM_TEXT_MAX = 200;
/** A reason (a check's summary) is cut to this many characters in lists. */
export const REASON_MAX = 300;

/** The groups claims are listed in, most urgent first. */
export type ClaimGroup = "overclaimed" | "pending" | "underclaimed" | "ambiguous" | "unverifiable";

export const CLAIM_GROUPS: readonly ClaimGroup[] = ["overclaimed", "pending", "underclaimed", "ambiguous", "unverifiable"];

/** The group a claim is listed in; backed claims are counted, not listed (null). */
export function claimGroup(claim: ClaimReport): ClaimGroup | null {
  if (claim.verdict === "backed") return null;
  if (claim.verdict === "unverifiable") return claim.ambiguous !== undefined ? "ambiguous" : "unverifiable";
  return claim.verdict;
}

/** The claims of a phase in each group, in document order. */
export function groupClaims(claims: readonly ClaimReport[]): Record<ClaimGroup, ClaimReport[]> {
  const groups: Record<ClaimGroup, ClaimReport[]> = { overclaimed: [], pending: [], underclaimed: [], ambiguous: [], unverifiable: [] };
  for (const claim of claims) {
    const group = claimGroup(claim);
    if (group !== null) groups[group].push(claim);
  }
  return groups;
}

/** The phase's document when its claims were read. */
export function readDocument(phase: PhaseReport): DocumentReport | null {
  return phase.document !== undefined && phase.document.status === "read" ? phase.document : null;
}

export function overclaimsOf(phase: PhaseReport): ClaimReport[] {
  return readDocument(phase) === null ? [] : (phase.claims ?? []).filter((c) => c.verdict === "overclaimed");
}

/** A claim's place in its document, as a finding-like location (for links and `path:line`). */
export function claimPlace(document: DocumentReport, claim: ClaimReport): Finding {
  return { messageId: "claim", severity: "error", message: claim.text, path: document.path, line: claim.line };
}

/** `docs/PHASE1.md:42`. */
export function claimLocation(document: DocumentReport, claim: ClaimReport): string {
  return `${document.path}:${claim.line}`;
}

const STATE_WORDS: Readonly<Record<ClaimState, string>> = { done: "done", partial: "partly done", "not-done": "not done" };

/** `claimed done`, `claimed partly done`, `claimed not done`. */
export function claimedText(state: ClaimState): string {
  return `claimed ${STATE_WORDS[state]}`;
}

/** At most `max` characters (code points), with `…` when cut; whitespace runs made one space. */
export function clip(value: string, max: number): string {
  const flat = value.replace(/\s+/g, " ").trim();
  const points = [...flat];
  return points.length <= max ? flat : `${points.slice(0, max - 1).join("")}…`;
}

/**
 * A claim's words as its identity across commits: case, whitespace and Markdown emphasis do not
 * count, so a claim keeps its identity when it moves to another line or is reformatted.
 */
export function normaliseClaimText(value: string): string {
  return value
    .normalize("NFC")
    .replace(/[*_`~]+/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/** The phase the repository is at (the first that is not complete), when the report shows it. */
export function currentPhaseOf(report: AuditReport): PhaseReport | null {
  if (report.currentPhase === null || report.currentPhase === undefined) return null;
  return report.phases.find((p) => p.id === report.currentPhase) ?? null;
}

/** The phases a phase waits on, with their names when the report shows them. */
export function waitingOn(report: AuditReport, phase: PhaseReport): Array<{ id: string; name: string | null }> {
  return (phase.waitingOn ?? []).map((id) => ({ id, name: report.phases.find((p) => p.id === id)?.name ?? null }));
}

/** The first `line` of evidence that has a path, else the first at all. */
export function firstEvidence(claim: ClaimReport): Finding | null {
  const evidence = claim.evidence ?? [];
  return evidence.find((f) => f.path !== undefined) ?? evidence[0] ?? null;
}

/** Every overclaim of the report, phase by phase, in document order. */
export function allOverclaims(report: AuditReport): Array<{ phase: PhaseReport; document: DocumentReport; claim: ClaimReport }> {
  return report.phases.flatMap((phase) => {
    const document = readDocument(phase);
    return document === null ? [] : overclaimsOf(phase).map((claim) => ({ phase, document, claim }));
  });
}
