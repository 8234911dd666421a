import { describe, expect, it } from "vitest";
import type { AuditReport, CheckReport, PhaseReport } from "../../src/audit/types.js";
import type { Finding } from "../../src/check/types.js";
import type { ClaimReport } from "../../src/claims/types.js";
import { code, MARKDOWN_MAX_LENGTH, progressBar, renderMarkdown, text } from "../../src/report/markdown.js";
import { fixtureReport } from "./fixture-report.js";

/** Cells of a GFM table row: split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function tableRows(markdown: string): string[] {
  return markdown.split("\n").filter((l) => l.startsWith("| "));
}

/** A big report: three phases, thousands of findings, many skipped files. */
function bigReport(findingsPerCheck: number): AuditReport {
  const phases: PhaseReport[] = [1, 2, 3].map((n) => {
    const checks: CheckReport[] = ["dockerfile-reload", "index-migrations", "file-not-contains"].map((id) => ({
      id,
      status: "fail",
      summary: `${findingsPerCheck} problems in phase ${n}`,
      findings: Array.from(
        { length: findingsPerCheck },
        (_, i): Finding => ({
          messageId: "problem",
          severity: i % 3 === 0 ? "error" : i % 3 === 1 ? "warning" : "notice",
          path: `services/svc-${i % 50}/migrations/${String(i).padStart(4, "0")}_add_index.sql`,
          line: i + 1,
          message: `CREATE INDEX on an existing table without CONCURRENTLY (statement ${i}) | <b>x</b>`,
          help: "Use CREATE INDEX CONCURRENTLY outside a transaction",
        }),
      ),
    }));
    return { id: `phase-${n}`, name: `Phase ${n}`, gate: "required", status: "failing", passed: 0, total: 3, checks };
  });
  return {
    ...fixtureReport,
    phases,
    skipped: Array.from({ length: 300 }, (_, i) => ({ path: `assets/img-${i}.png`, reason: "binary" as const, size: 1000 })),
  };
}

describe("renderMarkdown", () => {
  it("escapes repository text so it cannot inject HTML, mentions or break a table", () => {
    const out = renderMarkdown(fixtureReport);
    expect(out).not.toContain("<script>");
    expect(out).toContain("&lt;script&gt;alert('@&#8203;octocat')&lt;/script&gt;");
    expect(out).not.toMatch(/@octocat/);
    expect(out).toContain("\\*not bold\\*");
    expect(out).toContain("\\[x\\](javascript:void)");
    expect(out).not.toContain("\u001b");
    // The finding's newline became <br>, so the list item stays one line.
    expect(out).toContain("\\x1b\\[31m<br>second line");
    for (const row of tableRows(out)) expect(cells(row), row).toHaveLength(3);
    expect(out).toContain("| 2 files \\| 1 could not be decided |");
  });

  it("links findings to the file and line when the report has a link base, and shows plain code otherwise", () => {
    const base = fixtureReport.fileUrlBase ?? "";
    const out = renderMarkdown(fixtureReport);
    expect(out).toContain(`[\`services/api/Dockerfile:14\`](${base}services/api/Dockerfile#L14)`);
    expect(out).toContain(`[\`.pre-commit-config.yaml:12-14\`](${base}.pre-commit-config.yaml#L12-L14)`);
    expect(out).toContain(`(${base}docs/release%20notes%20%28draft%29.md#L3)`);

    const { fileUrlBase: _drop, ...local } = fixtureReport;
    const plain = renderMarkdown(local);
    expect(plain).toContain("- **error** `services/api/Dockerfile:14`: uvicorn");
    expect(plain).not.toContain("/blob/9c1d");
  });

  it("links every check id to its documentation", () => {
    const out = renderMarkdown(fixtureReport);
    expect(out).toContain("| ❌ fail | [`dockerfile-reload`](https://github.com/phase-gate/phase-gate/blob/main/docs/checks/dockerfile-reload.md) |");
  });

  it("says visibly that the built-in default checklist was used", () => {
    const out = renderMarkdown({ ...fixtureReport, checklist: { source: "default", path: null } });
    expect(out).toContain("Checklist: **built-in default** (advisory; no checklist file was found)");
    expect(renderMarkdown(fixtureReport)).toContain("Checklist: `.github/phase-gate.yml`");
  });

  it("cuts a report with thousands of findings under 65,000 characters, keeping every phase table", () => {
    const report = bigReport(700);
    const full = renderMarkdown(report, { maxLength: Number.MAX_SAFE_INTEGER });
    expect(full.length).toBeGreaterThan(MARKDOWN_MAX_LENGTH * 10);

    const out = renderMarkdown(report);
    expect(out.length).toBeLessThanOrEqual(MARKDOWN_MAX_LENGTH);
    expect(out.length).toBeGreaterThan(MARKDOWN_MAX_LENGTH - 500);
    for (const phase of report.phases) {
      expect(out).toContain(`### ❌ ${phase.name} (\`${phase.id}\`)`);
    }
    // Every check row of every phase, whole.
    const rows = tableRows(out);
    expect(rows.filter((r) => r.startsWith("| ❌ fail |"))).toHaveLength(9);
    for (const row of rows) expect(cells(row)).toHaveLength(3);

    // Nothing cut mid-line: every line but the note is a whole line of the full body.
    const fullLines = new Set(full.split("\n"));
    const [body, note] = out.split("\n\n> [!WARNING]\n");
    expect(note).toBeDefined();
    for (const line of (body ?? "").split("\n")) expect(fullLines.has(line), line).toBe(true);

    // The note counts what is missing.
    const bodyLines = (body ?? "").split("\n");
    const shown = bodyLines.filter((l) => l.startsWith("- **")).length;
    const shownSkipped = bodyLines.filter((l) => l.startsWith("- `assets/")).length;
    expect(shown).toBeGreaterThan(100);
    expect(shownSkipped).toBeLessThan(300);
    expect(out).toContain("#### Files not read (300)");
    expect(note).toContain(`Not shown: ${6300 - shown} of 6300 findings, ${300 - shownSkipped} of 300 skipped files.`);
    expect(note).toContain("`phase-gate audit`");
    expect(out.endsWith("prints it locally.\n")).toBe(true);
  });

  it("never exceeds maxLength, and only ever drops whole lines", () => {
    const full = renderMarkdown(fixtureReport);
    const fullLines = new Set(full.split("\n"));
    for (let max = 0; max <= full.length + 1; max += max < 300 ? 1 : 3) {
      const out = renderMarkdown(fixtureReport, { maxLength: max });
      expect(out.length, `maxLength ${max}`).toBeLessThanOrEqual(max);
      if (max >= full.length) {
        expect(out).toBe(full);
        continue;
      }
      const cut = out.indexOf("\n\n> [!WARNING]\n");
      // Backticks come in pairs: no code span (and so no link around one) is left open.
      expect((out.match(/`/g) ?? []).length % 2, `maxLength ${max}`).toBe(0);
      // A folded list is never left open.
      expect((out.match(/<details>/g) ?? []).length, `maxLength ${max}`).toBe((out.match(/<\/details>/g) ?? []).length);
      if (cut === -1) {
        // Too small for any of the report: only a whole note, or nothing.
        expect(out === "" || /^> \[!WARNING\]\n> [^\n]+\.\n?$/.test(out), `maxLength ${max}: ${out}`).toBe(true);
        continue;
      }
      for (const line of out.slice(0, cut).split("\n")) expect(fullLines.has(line), `maxLength ${max}: ${line}`).toBe(true);
    }
  });

  it("drops lists before phase tables and document summaries: unverifiable claims first, claims to act on last", () => {
    const full = renderMarkdown(fixtureReport);
    const summaryLine = full.split("\n").find((l) => l.startsWith("📄 Claims of [`docs/PHASE1.md`]")) ?? "";
    expect(summaryLine).toContain("2 of 6 verifiable claims backed, 2 overclaimed");

    // A little short: only the folded unverifiable claims go, and their <details> goes with them.
    const nearlyAll = renderMarkdown(fixtureReport, { maxLength: full.length - 200 });
    expect(nearlyAll).toContain("Not shown: 2 of 2 unverifiable claims. The full report");
    expect(nearlyAll).not.toContain("<details>");
    expect(nearlyAll).not.toContain("</details>");
    expect(nearlyAll).toContain("**Overclaimed**: 2 claims");
    expect(tableRows(nearlyAll)).toHaveLength(tableRows(full).length);

    // Room for the tables but for no list: every summary stays, the note counts each kind left out.
    const tablesOnly = renderMarkdown(fixtureReport, { maxLength: full.length - 4500 });
    expect(tableRows(tablesOnly)).toHaveLength(tableRows(full).length);
    expect(tablesOnly).toContain(`\n${summaryLine}\n`);
    expect(tablesOnly).toContain("📄 Claims of `docs/PHASE2.md`: **missing**");
    expect(tablesOnly).toContain("**ahead, waiting on `phase-1`**");
    expect(tablesOnly).not.toContain("**Overclaimed**");
    expect(tablesOnly).toMatch(/Not shown: 5 of 5 listed claims, 7 of 7 findings, 2 of 2 unverifiable claims, [1-4] of 4 skipped files\./);

    const tiny = renderMarkdown(fixtureReport, { maxLength: 1500 });
    expect(tiny).toMatch(/Not shown: [123] of 3 phase tables \(whole or in part\), 5 of 5 listed claims, 7 of 7 findings, 2 of 2 unverifiable claims, 4 of 4 skipped files\./);
    expect(tiny.length).toBeLessThanOrEqual(1500);
  });

  it("keeps overclaimed claims before findings when a report is cut", () => {
    const report = bigReport(300);
    const phase = report.phases[0];
    if (phase === undefined) throw new Error("big report has phases");
    const claims: ClaimReport[] = Array.from({ length: 40 }, (_, i) => ({
      text: `Item ${i} is done`,
      line: i + 1,
      state: "done",
      kind: "task",
      verdict: i % 2 === 0 ? "overclaimed" : "unverifiable",
      reason: i % 2 === 0 ? "dockerfile-reload fails: 300 problems in phase 1" : "no check of this phase covers it",
      ...(i % 2 === 0 ? { check: { id: "dockerfile-reload", index: 0, by: "phrase" as const, phrase: "Item" }, evidence: phase.checks[0]?.findings.slice(0, 5) } : {}),
    }));
    const counts = { claims: 40, done: 40, partial: 0, notDone: 0, verifiable: 20, backed: 0, overclaimed: 20, underclaimed: 0, pending: 0, unverifiable: 20, ambiguous: 0 };
    const withClaims: AuditReport = {
      ...report,
      phases: [{ ...phase, document: { path: "docs/PHASE1.md", status: "read", summary: "claims 100% complete (40 of 40 items marked done); 0 of 20 verifiable claims backed, 20 overclaimed; 20 unverifiable", counts, stated: [], notes: [] }, claims }, ...report.phases.slice(1)],
    };
    const out = renderMarkdown(withClaims);
    expect(out.length).toBeLessThanOrEqual(MARKDOWN_MAX_LENGTH);
    // Every overclaim is there (listed before any finding), in document order; unverifiable ones are not.
    const overclaims = out.split("\n").filter((l) => l.startsWith("- [`docs/PHASE1.md:"));
    expect(overclaims.map((l) => /PHASE1\.md:(\d+)/.exec(l)?.[1])).toEqual(Array.from({ length: 20 }, (_, i) => String(2 * i + 1)));
    expect(out.indexOf("**Overclaimed**: 20 claims")).toBeLessThan(out.indexOf("**`dockerfile-reload`** (fail)"));
    expect(out).toContain("0 of 20 verifiable claims backed, 20 overclaimed");
    expect(out).toMatch(/Not shown: \d+ of 2700 findings, 20 of 20 unverifiable claims, \d+ of 300 skipped files\./);
  });

  it("lists claims by verdict, linked to their line, with the evidence of overclaims", () => {
    const out = renderMarkdown(fixtureReport);
    const base = fixtureReport.fileUrlBase ?? "";
    expect(out).toContain(
      `- [\`docs/PHASE1.md:11\`](${base}docs/PHASE1.md#L11) "Removed \\\`--reload\\\` from production Dockerfiles" — claimed done; \`dockerfile-reload\` fails: ` +
        `1 production Dockerfile starts uvicorn with --reload<br>*Evidence:* [\`services/api/Dockerfile:14\`](${base}services/api/Dockerfile#L14): uvicorn is started with --reload in the final stage`,
    );
    // Repository text in a claim is escaped like any other.
    expect(out).toContain('"Rate limiting \\| &lt;b&gt;10 req/s&lt;/b&gt; agreed with @&#8203;ops" — no check of this phase covers it');
    // Without a link base, places are plain code spans.
    const { fileUrlBase: _drop, ...local } = fixtureReport;
    expect(renderMarkdown(local)).toContain("- `docs/PHASE1.md:11` \"Removed");
  });

  it("clips a very long claim in lists", () => {
    const phase = fixtureReport.phases[0];
    if (phase === undefined) throw new Error("fixture has phases");
    const long = "word ".repeat(100).trim();
    const claims = (phase.claims ?? []).map((c) => (c.line === 11 ? { ...c, text: long } : c));
    const out = renderMarkdown({ ...fixtureReport, phases: [{ ...phase, claims }] });
    const item = out.split("\n").find((l) => l.includes("PHASE1.md:11`](")) ?? "";
    expect(item).toContain(`"${"word ".repeat(40).slice(0, 199)}…"`);
  });

  it("draws the progress bar in ten cells", () => {
    expect(progressBar(0, 5)).toBe("░░░░░░░░░░");
    expect(progressBar(1, 30)).toBe("█░░░░░░░░░");
    expect(progressBar(5, 10)).toBe("█████░░░░░");
    expect(progressBar(29, 30)).toBe("█████████░");
    expect(progressBar(3, 3)).toBe("██████████");
    expect(progressBar(0, 0)).toBe("░░░░░░░░░░");
  });

  it("escapes inline text and code spans", () => {
    expect(text("a|b <i>&amp; @team _x_ $y$\nz")).toBe("a\\|b &lt;i&gt;&amp;amp; @&#8203;team \\_x\\_ \\$y\\$<br>z");
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`start")).toBe("`` `start ``");
    expect(code("x|y", true)).toBe("`x\\|y`");
    expect(code("two\nlines")).toBe("`two\\x0alines`");
  });
});
