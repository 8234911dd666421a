/**
 * A phase document against its phase's check results: each claim gets a verdict (see
 * `Verdict`), the document a one-line summary and counts. Pure: the engine reads the document
 * and runs the checks, this only compares.
 */
import type { CheckResult, CheckStatus, Finding } from "../check/types.js";
import { extractClaims } from "./extract.js";
import { linkClaims, type Candidate, type ExplicitLink, type Link, type LinkTarget } from "./link.js";
import type { Claim, ClaimCheckLink, ClaimCounts, ClaimReport, ClaimState, DocumentReport, OverallFigure, PhaseDocument, Verdict } from "./types.js";

export interface DocumentInput {
  readonly path: string;
  readonly read:
    | {
        readonly ok: true;
        readonly text: string;
        readonly lossy: boolean;
        /** The claims of `text`, when already extracted (a document several phases name is read once). */
        readonly extracted?: PhaseDocument;
      }
    | { readonly ok: false; readonly status: "missing" | "unreadable"; readonly error: string };
  /** The phase's check results, in the order of its `checks`. */
  readonly checks: readonly (CheckResult & { readonly id: string })[];
  readonly targets: readonly LinkTarget[];
  readonly explicit: readonly ExplicitLink[];
}

export interface VerifiedDocument {
  readonly document: DocumentReport;
  readonly claims: readonly ClaimReport[];
}

/** Evidence kept per claim: the findings that say most, errors first. */
const MAX_EVIDENCE = 5;
/** Claims judged per document; a report is dozens to hundreds, a generated table could be tens of thousands. */
export const MAX_CLAIMS = 2_000;

export function verifyDocument(input: DocumentInput): VerifiedDocument {
  if (!input.read.ok) {
    return {
      document: {
        path: input.path,
        status: input.read.status,
        error: input.read.error,
        summary: `no claims read: ${input.read.error}`,
        counts: countClaims([]),
        stated: [],
        notes: [],
      },
      claims: [],
    };
  }
  const doc = input.read.extracted ?? extractClaims(input.read.text);
  const kept = doc.claims.slice(0, MAX_CLAIMS);
  const { links, notes: linkNotes } = linkClaims(kept, input.targets, input.explicit);
  const claims = kept.map((claim, i) => judge(claim, links[i] ?? { kind: "none" }, input.checks, input.path));
  const counts = countClaims(claims);
  const notes = [
    ...(input.read.lossy ? ["the document is not valid UTF-8: the bytes that are not were read as U+FFFD"] : []),
    ...(doc.repairs.length > 0
      ? [`${doc.repairs.length} ${doc.repairs.length === 1 ? "piece" : "pieces"} of mojibake (UTF-8 read as Windows-1252, e.g. '${doc.repairs[0]?.from}' for '${doc.repairs[0]?.to}') repaired before reading, first on line ${doc.repairs[0]?.line}`]
      : []),
    ...(doc.claims.length > MAX_CLAIMS ? [`the document holds ${doc.claims.length} claims; the first ${MAX_CLAIMS} are judged (the rest end on line ${kept.at(-1)?.line ?? 1})`] : []),
    ...doc.notes,
    ...linkNotes,
  ];
  return {
    document: { path: input.path, status: "read", summary: summarise(counts, doc.overall), counts, stated: doc.overall, notes },
    claims,
  };
}

function judge(claim: Claim, link: Link, checks: DocumentInput["checks"], docPath: string): ClaimReport {
  const base = {
    text: claim.text,
    line: claim.line,
    state: claim.state,
    kind: claim.kind,
    ...(claim.section !== undefined ? { section: claim.section } : {}),
    ...(claim.repaired ? { repaired: true as const } : {}),
  };
  if (link.kind === "none") {
    return { ...base, verdict: "unverifiable", reason: "no check of this phase covers it" };
  }
  if (link.kind === "ambiguous") {
    const names = link.candidates.map((c) => `${c.id} ('${c.phrase}')`);
    return {
      ...base,
      verdict: "unverifiable",
      reason: `it names more than one check: ${names.join(", ")}; link it in the checklist's 'claims' to choose`,
      ambiguous: link.candidates.map((c) => linkOf(c, link.by)),
    };
  }
  const check = checks[link.target.index];
  const linked = linkOf(link.target, link.by);
  if (check === undefined) return { ...base, verdict: "unverifiable", reason: "the linked check was not run", check: linked };
  // A check whose globs also match the document can find its own claims there (the report quotes
  // `--reload` while saying it was removed): the document is never evidence against itself.
  const findings = check.findings.filter((f) => f.path !== docPath);
  if ((check.status === "fail" || check.status === "warn") && findings.length === 0 && check.findings.length > 0) {
    return { ...base, verdict: "unverifiable", reason: `${check.id}'s only findings are in ${docPath} itself, which is not evidence against its own claims`, check: linked };
  }
  const verdict = verdictOf(claim.state, check.status);
  const reason =
    check.status === "error"
      ? check.summary // already "the check <id> failed to run: <why>"
      : verdict === "unverifiable"
        ? `${check.id} ${UNDECIDED[check.status] ?? check.status}: ${check.summary}`
        : `${check.id} ${check.status === "pass" ? "passes" : check.status === "warn" ? "warns" : "fails"}: ${check.summary}`;
  const evidence = verdict === "overclaimed" || verdict === "pending" ? pickEvidence(findings) : [];
  return { ...base, verdict, reason, check: linked, ...(evidence.length > 0 ? { evidence } : {}) };
}

const UNDECIDED: Partial<Record<CheckStatus, string>> = {
  indeterminate: "could not decide",
  "not-applicable": "found nothing to check",
};

/** The verdict of a claim in `state` about a check that ended `status`. */
export function verdictOf(state: ClaimState, status: CheckStatus): Verdict {
  if (status === "pass") return state === "done" ? "backed" : "underclaimed";
  if (status === "fail" || status === "warn") return state === "done" ? "overclaimed" : "pending";
  return "unverifiable";
}

function linkOf(c: Candidate, by: "config" | "phrase"): ClaimCheckLink {
  return { id: c.id, index: c.index, by, phrase: c.phrase };
}

const SEVERITY_RANK = { error: 0, warning: 1, notice: 2 } as const;

function pickEvidence(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .slice(0, MAX_EVIDENCE)
    .map((x) => x.f);
}

export function countClaims(claims: readonly Pick<ClaimReport, "state" | "verdict" | "ambiguous">[]): ClaimCounts {
  const n = (pred: (c: (typeof claims)[number]) => boolean): number => claims.filter(pred).length;
  const unverifiable = n((c) => c.verdict === "unverifiable");
  return {
    claims: claims.length,
    done: n((c) => c.state === "done"),
    partial: n((c) => c.state === "partial"),
    notDone: n((c) => c.state === "not-done"),
    verifiable: claims.length - unverifiable,
    backed: n((c) => c.verdict === "backed"),
    overclaimed: n((c) => c.verdict === "overclaimed"),
    underclaimed: n((c) => c.verdict === "underclaimed"),
    pending: n((c) => c.verdict === "pending"),
    unverifiable,
    ambiguous: n((c) => c.ambiguous !== undefined),
  };
}

/**
 * `claims 55% complete (line 6); 3 of 5 verifiable claims backed, 2 overclaimed; 50 unverifiable (1 ambiguous)`.
 * The completion claimed is the document's own first figure when it gives one, else the share of
 * its claims marked done.
 */
export function summarise(counts: ClaimCounts, stated: readonly OverallFigure[]): string {
  if (counts.claims === 0) return "no claims found";
  const figure = stated.find((f) => f.percent !== undefined);
  const claimed =
    figure?.percent !== undefined
      ? `claims ${figure.percent}% complete (line ${figure.line})`
      : `claims ${Math.round((100 * counts.done) / counts.claims)}% complete (${counts.done} of ${counts.claims} items marked done)`;
  const verified = counts.verifiable === 0 ? ["none verifiable"] : [`${counts.backed} of ${counts.verifiable} verifiable ${counts.verifiable === 1 ? "claim" : "claims"} backed`];
  if (counts.overclaimed > 0) verified.push(`${counts.overclaimed} overclaimed`);
  if (counts.underclaimed > 0) verified.push(`${counts.underclaimed} underclaimed`);
  if (counts.pending > 0) verified.push(`${counts.pending} pending`);
  const ambiguous = counts.ambiguous > 0 ? ` (${counts.ambiguous} ambiguous)` : "";
  return `${claimed}; ${verified.join(", ")}; ${counts.unverifiable} unverifiable${ambiguous}`;
}
