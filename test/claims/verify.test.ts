import { describe, expect, it } from "vitest";
import type { CheckResult, CheckStatus, Finding } from "../../src/check/types.js";
import { MAX_CLAIMS, summarise, verdictOf, verifyDocument, type DocumentInput } from "../../src/claims/verify.js";
import type { ClaimState, Verdict } from "../../src/claims/types.js";

const finding = (severity: Finding["severity"], line: number): Finding => ({
  messageId: "dev-server-flag",
  message: `finding at ${line}`,
  severity,
  path: "Dockerfile",
  line,
});

function check(id: string, status: CheckStatus, findings: Finding[] = []): CheckResult & { id: string } {
  return { id, status, summary: `${id} is ${status}`, findings };
}

function input(markdown: string, checks: DocumentInput["checks"], over: Partial<DocumentInput> = {}): DocumentInput {
  return {
    path: "docs/PHASE1.md",
    read: { ok: true, text: markdown, lossy: false },
    checks,
    targets: checks.map((c, index) => ({ index, id: c.id, phrases: c.id === "dockerfile-reload" ? ["--reload"] : c.id === "coverage-threshold" ? ["coverage"] : [] })),
    explicit: [],
    ...over,
  };
}

describe("verdictOf", () => {
  const table: Array<[ClaimState, CheckStatus, Verdict]> = [
    ["done", "pass", "backed"],
    ["done", "fail", "overclaimed"],
    ["done", "warn", "overclaimed"],
    ["partial", "pass", "underclaimed"],
    ["not-done", "pass", "underclaimed"],
    ["partial", "fail", "pending"],
    ["not-done", "warn", "pending"],
    ["done", "indeterminate", "unverifiable"],
    ["done", "not-applicable", "unverifiable"],
    ["not-done", "error", "unverifiable"],
  ];
  it.each(table)("claimed %s, check %s: %s", (state, status, verdict) => {
    expect(verdictOf(state, status)).toBe(verdict);
  });
});

describe("verifyDocument", () => {
  const doc = [
    "# Phase 1", //                                       1
    "", //                                                2
    "- [x] Removed --reload from the API image", //       3
    "- [x] Coverage gate at 80%", //                      4
    "- [ ] Structured logging", //                        5
    "- [x] Health endpoints", //                          6
  ].join("\n");

  it("judges each claim against its linked check and keeps the evidence of an overclaim, errors first", () => {
    const { claims, document } = verifyDocument(
      input(doc, [check("dockerfile-reload", "fail", [finding("notice", 9), finding("error", 14)]), check("coverage-threshold", "pass")]),
    );
    expect(claims.map((c) => [c.line, c.state, c.verdict, c.check?.id ?? null])).toEqual([
      [3, "done", "overclaimed", "dockerfile-reload"],
      [4, "done", "backed", "coverage-threshold"],
      [5, "not-done", "unverifiable", null],
      [6, "done", "unverifiable", null],
    ]);
    expect(claims[0]?.evidence?.map((f) => f.line)).toEqual([14, 9]);
    expect(claims[0]?.reason).toBe("dockerfile-reload fails: dockerfile-reload is fail");
    expect(claims[1]?.evidence).toBeUndefined();
    expect(claims[2]?.reason).toBe("no check of this phase covers it");
    expect(document).toMatchObject({
      path: "docs/PHASE1.md",
      status: "read",
      counts: { claims: 4, done: 3, partial: 0, notDone: 1, verifiable: 2, backed: 1, overclaimed: 1, underclaimed: 0, pending: 0, unverifiable: 2, ambiguous: 0 },
      summary: "claims 75% complete (3 of 4 items marked done); 1 of 2 verifiable claims backed, 1 overclaimed; 2 unverifiable",
    });
  });

  it("says a broken check's own words once", () => {
    const broken = { id: "dockerfile-reload", status: "error" as const, summary: "the check dockerfile-reload failed to run: boom", findings: [] };
    expect(verifyDocument(input(doc, [broken, check("coverage-threshold", "pass")])).claims[0]?.reason).toBe("the check dockerfile-reload failed to run: boom");
  });

  it("says why a claim about a check that could not decide is unverifiable", () => {
    const { claims } = verifyDocument(input(doc, [check("dockerfile-reload", "not-applicable"), check("coverage-threshold", "indeterminate")]));
    expect(claims.slice(0, 2).map((c) => [c.verdict, c.reason])).toEqual([
      ["unverifiable", "dockerfile-reload found nothing to check: dockerfile-reload is not-applicable"],
      ["unverifiable", "coverage-threshold could not decide: coverage-threshold is indeterminate"],
    ]);
  });

  it("prefers the document's own completion figure in the summary", () => {
    const { document } = verifyDocument(input(`**Status:** 55% Complete\n\n${doc}`, [check("dockerfile-reload", "pass"), check("coverage-threshold", "fail")]));
    expect(document.summary).toBe("claims 55% complete (line 1); 1 of 2 verifiable claims backed, 1 overclaimed; 2 unverifiable");
  });

  it("a missing document is said once, with no claims, and the summary says why", () => {
    const { claims, document } = verifyDocument({
      ...input("", []),
      read: { ok: false, status: "missing", error: "docs/PHASE1.md is not in the repository" },
    });
    expect(claims).toEqual([]);
    expect(document).toMatchObject({ status: "missing", error: "docs/PHASE1.md is not in the repository", summary: "no claims read: docs/PHASE1.md is not in the repository" });
    expect(document.counts.claims).toBe(0);
  });

  it("notes invalid UTF-8, mojibake repaired, and explicit links that matched nothing", () => {
    const { document, claims } = verifyDocument(
      input("- âœ… Removed --reload\n", [check("dockerfile-reload", "pass")], {
        read: { ok: true, text: "- âœ… Removed --reload \uFFFD\n", lossy: true },
        explicit: [{ match: "nothing like this", index: 0 }],
      }),
    );
    expect(claims.map((c) => [c.verdict, c.repaired])).toEqual([["backed", true]]);
    expect(document.notes[0]).toBe("the document is not valid UTF-8: the bytes that are not were read as U+FFFD");
    expect(document.notes[1]).toMatch(/^1 piece of mojibake .* repaired before reading, first on line 1$/);
    expect(document.notes.at(-1)).toBe("the checklist links claims matching 'nothing like this' to dockerfile-reload, but no claim of the document contains those words");
  });

  it("an ambiguous claim is unverifiable, names its candidates and says how to choose", () => {
    const both = input("- [x] Coverage of --reload paths\n", [check("dockerfile-reload", "pass"), check("coverage-threshold", "pass")]);
    const [c] = verifyDocument(both).claims;
    expect(c?.verdict).toBe("unverifiable");
    expect(c?.ambiguous?.map((a) => a.id)).toEqual(["dockerfile-reload", "coverage-threshold"]);
    expect(c?.reason).toBe("it names more than one check: dockerfile-reload ('--reload'), coverage-threshold ('coverage'); link it in the checklist's 'claims' to choose");
    expect(verifyDocument(both).document.counts.ambiguous).toBe(1);
  });
});

describe("the document is not evidence against itself", () => {
  const quoting = "# Report\n\n- [x] Removed --reload\n  - the Dockerfile said `uvicorn --reload`\n";
  const inDoc = { ...finding("error", 4), path: "docs/PHASE1.md" };

  it("drops the findings a check made in the document, keeping the others as evidence", () => {
    const { claims } = verifyDocument(input(quoting, [check("dockerfile-reload", "fail", [inDoc, finding("error", 14)])]));
    expect(claims[0]?.verdict).toBe("overclaimed");
    expect(claims[0]?.evidence?.map((f) => `${f.path}:${f.line}`)).toEqual(["Dockerfile:14"]);
  });

  it("calls the claim unverifiable when the document holds the check's only findings", () => {
    const { claims } = verifyDocument(input(quoting, [check("dockerfile-reload", "fail", [inDoc])]));
    expect([claims[0]?.verdict, claims[0]?.reason]).toEqual([
      "unverifiable",
      "dockerfile-reload's only findings are in docs/PHASE1.md itself, which is not evidence against its own claims",
    ]);
  });
});

describe("a document with very many claims", () => {
  it("judges the first MAX_CLAIMS and says how many there were", () => {
    const rows = Array.from({ length: MAX_CLAIMS + 5 }, (_, i) => `- [x] item ${i}`).join("\n");
    const { claims, document } = verifyDocument(input(rows, [check("dockerfile-reload", "pass")]));
    expect(claims).toHaveLength(MAX_CLAIMS);
    expect(document.notes).toContain(`the document holds ${MAX_CLAIMS + 5} claims; the first ${MAX_CLAIMS} are judged (the rest end on line ${MAX_CLAIMS})`);
  });
});

describe("summarise", () => {
  const zero = { claims: 0, done: 0, partial: 0, notDone: 0, verifiable: 0, backed: 0, overclaimed: 0, underclaimed: 0, pending: 0, unverifiable: 0, ambiguous: 0 };
  it("says when a document holds no claims, and when none of its claims is verifiable", () => {
    expect(summarise(zero, [])).toBe("no claims found");
    expect(summarise({ ...zero, claims: 2, done: 2, unverifiable: 2 }, [])).toBe("claims 100% complete (2 of 2 items marked done); none verifiable; 2 unverifiable");
  });
  it("lists only the verdicts that occur, and the ambiguous share of the unverifiable", () => {
    const counts = { ...zero, claims: 12, done: 12, verifiable: 9, backed: 7, overclaimed: 2, unverifiable: 3, ambiguous: 1 };
    expect(summarise(counts, [])).toBe("claims 100% complete (12 of 12 items marked done); 7 of 9 verifiable claims backed, 2 overclaimed; 3 unverifiable (1 ambiguous)");
    expect(summarise({ ...zero, claims: 1, notDone: 1, verifiable: 1, pending: 1 }, [])).toBe("claims 0% complete (0 of 1 items marked done); 0 of 1 verifiable claim backed, 1 pending; 0 unverifiable");
  });
});
