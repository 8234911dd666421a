import { describe, expect, it } from "vitest";
import type { AuditReport, CheckReport, PhaseReport } from "../../src/audit/types.js";
import type { Finding } from "../../src/check/types.js";
import type { ClaimReport } from "../../src/claims/types.js";
import type { ConfigError } from "../../src/config/types.js";
import {
  annotationLevel,
  checkRunConclusion,
  checkRunName,
  checkRunOutput,
  clampBytes,
  configErrorOutput,
  MAX_ANNOTATIONS,
  OUTPUT_MAX_BYTES,
} from "../../src/report/check-run.js";
import { COMMIT, fixtureReport } from "./fixture-report.js";

const bytes = (s: string): number => Buffer.byteLength(s, "utf8");
const DOCS = "https://github.com/phase-gate/phase-gate/blob/main/docs/checks";
const BLOB = `https://github.com/acme/storefront/blob/${COMMIT}`;

function reportWith(phase: Partial<PhaseReport> & { checks: readonly CheckReport[] }): AuditReport {
  return {
    repository: "acme/app",
    commit: COMMIT,
    checklist: { source: "file", path: ".github/phase-gate.yml" },
    currentPhase: phase.status === "complete" ? null : (phase.id ?? "phase-1"),
    skipped: [],
    notes: [],
    phases: [{ id: "p", name: "P", gate: "required", status: "failing", passed: 0, total: 1, ...phase }],
  };
}

describe("checkRunOutput on the fixture report", () => {
  it("names, titles and concludes each phase's run as the design says", () => {
    const runs = fixtureReport.phases.map((p) => checkRunOutput(fixtureReport, p.id));
    expect(runs.map((r) => [r.name, r.title, r.conclusion])).toEqual([
      ["phase-gate: Foundation & Security", "2/5 checks pass", "failure"],
      ["phase-gate: Production hardening", "1/2 checks pass", "neutral"],
      // Complete, but ahead of phase 1, which it requires.
      ["phase-gate: Release readiness", "2/2 checks pass", "neutral"],
    ]);
  });

  it("annotates each overclaimed claim on its document line first, then every finding with a path and a line, levels mapped from severity, help in the message", () => {
    expect(checkRunOutput(fixtureReport, "phase-1").annotations).toEqual([
      {
        path: "docs/PHASE1.md",
        start_line: 9,
        end_line: 9,
        // The check only warns: a warning, whatever the gate.
        annotation_level: "warning",
        title: "claim overclaimed: pre-commit-config",
        message: [
          '"Pre-commit hooks: ruff, black, mypy, bandit, detect-secrets" is marked done, but pre-commit-config warns: 1 of 5 required hooks is missing; every rev is pinned',
          "",
          "Evidence:",
          "- .pre-commit-config.yaml:12-14: the required hook 'mypy' is not configured",
          "- .pre-commit-config.yaml: default_install_hook_types is not set, so only the pre-commit stage is installed",
        ].join("\n"),
      },
      {
        path: "docs/PHASE1.md",
        start_line: 11,
        end_line: 11,
        annotation_level: "failure",
        title: "claim overclaimed: dockerfile-reload",
        message:
          '"Removed `--reload` from production Dockerfiles" is marked done, but dockerfile-reload fails: 1 production Dockerfile starts uvicorn with --reload\n\n' +
          "Evidence:\n- services/api/Dockerfile:14: uvicorn is started with --reload in the final stage",
      },
      {
        path: ".secrets.baseline",
        start_line: 2,
        end_line: 2,
        annotation_level: "notice",
        title: "secrets-baseline: old-plugin-version",
        message: "the baseline was written by detect-secrets 1.4.0",
      },
      {
        path: ".pre-commit-config.yaml",
        start_line: 12,
        end_line: 14,
        annotation_level: "warning",
        title: "pre-commit-config: missing-hook",
        message: "the required hook 'mypy' is not configured\n\nHelp: Add the mirrors-mypy repository with the hook id 'mypy'",
      },
      {
        path: "services/api/Dockerfile",
        start_line: 14,
        end_line: 14,
        annotation_level: "failure",
        title: "dockerfile-reload: dev-server-flag",
        message: "uvicorn is started with --reload in the final stage\n\nHelp: Drop --reload; keep it in Dockerfile.dev or a compose override",
      },
    ]);
    // The finding without a path (and its control character and newline) is in the text only.
    const phase2 = checkRunOutput(fixtureReport, "phase-2");
    expect(phase2.annotations.map((a) => a.path)).toEqual(["docs/release notes (draft).md"]);
    expect(phase2.text).toContain(
      "- **notice**: matched \\`TODO\\|FIXME\\` in &lt;script&gt;alert('@&#8203;octocat')&lt;/script&gt; \\*not bold\\* \\[x\\](javascript:void)\\\\x1b\\[31m<br>second line",
    );
  });

  it("summarises a phase with its table, why it concludes so, and the checklist", () => {
    expect(checkRunOutput(fixtureReport, "phase-3").summary).toBe(
      [
        "### ⏩ Release readiness (`phase-3`)",
        "",
        "**complete** · required gate · ██████████ 2/2 checks pass · **ahead, waiting on `phase-1`**",
        "",
        "| Status | Check | Summary |",
        "| --- | --- | --- |",
        `| ✅ pass | [\`secrets-baseline\`](${DOCS}/secrets-baseline.md) | .secrets.baseline is valid and wired into the detect-secrets hook |`,
        `| ✅ pass | [\`file-absent\`](${DOCS}/file-absent.md) | no .env file is committed |`,
        "",
        "Complete, but ahead: waiting on **Foundation &amp; Security** (`phase-1`), which is not complete yet, so this check run is neutral.",
        "",
        "Checklist: `.github/phase-gate.yml`",
        "",
      ].join("\n"),
    );
    const { requires: _r, waitingOn: _w, ahead: _a, ...inOrder } = fixtureReport.phases[2] as PhaseReport;
    const notAhead: AuditReport = { ...fixtureReport, phases: [...fixtureReport.phases.slice(0, 2), inOrder] };
    expect(checkRunOutput(notAhead, "phase-3").summary).toContain("\n\nEvery applicable check of this phase passes.\n\n");
    // The document's summary line is in the summary, linked; a missing document is said so.
    expect(checkRunOutput(fixtureReport, "phase-1").summary).toContain(
      `\n📄 Claims of [\`docs/PHASE1.md\`](${BLOB}/docs/PHASE1.md): claims 60% complete (line 4); 2 of 6 verifiable claims backed, 2 overclaimed, 1 underclaimed, 1 pending; 3 unverifiable (1 ambiguous)\n`,
    );
    expect(checkRunOutput(fixtureReport, "phase-2").summary).toContain(
      "\n📄 Claims of `docs/PHASE2.md`: **missing**, docs/PHASE2.md is not in the repository; no claims read, the checks ran all the same.\n",
    );
    expect(checkRunOutput(fixtureReport, "phase-1").summary).toContain("\nA check of this phase fails and its gate is `required`, so this check run fails.\n");
    expect(checkRunOutput(fixtureReport, "phase-2").summary).toContain("\nNot every check of this phase passes yet (none fails), so this check run is neutral.\n");
  });

  it("details the findings, the files not read and the notes in the text", () => {
    expect(checkRunOutput(fixtureReport, "phase-3").text).toBe(
      [
        "**`secrets-baseline`** (pass): 1 finding",
        `- **notice** [\`.secrets.baseline:2\`](${BLOB}/.secrets.baseline#L2): the baseline was written by detect-secrets 1.4.0`,
        "",
        "#### Files not read (4)",
        "",
        "These files matched a check but were not read, so the checks that needed them may say less:",
        "- `assets/logo.png`: binary",
        "- `config/secrets.yml`: unreadable: GitHub API error 502",
        "- `db/dump.sql`: too large (5.0 MiB)",
        "- `vendor/payments`: submodule",
        "",
        "#### Notes",
        "",
        "- The repository tree was truncated by GitHub; its subtrees were read one by one.",
        "- docs/PHASE1.md claims 6 items; 2 are not backed by a check.",
        "",
      ].join("\n"),
    );
  });

  it("puts the claims of the phase document in the text before the findings", () => {
    const out = checkRunOutput(fixtureReport, "phase-1").text;
    const order = ["**Overclaimed**: 2 claims", "**Pending**: 1 claim", "**Underclaimed**: 1 claim", "**Ambiguous**: 1 claim", "<details><summary>2 unverifiable claims", "</details>", "**`secrets-baseline`** (pass)"];
    const at = order.map((s) => out.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(out).toContain(
      `- [\`docs/PHASE1.md:11\`](${BLOB}/docs/PHASE1.md#L11) "Removed \\\`--reload\\\` from production Dockerfiles" — claimed done; \`dockerfile-reload\` fails: 1 production Dockerfile starts uvicorn with --reload` +
        `<br>*Evidence:* [\`services/api/Dockerfile:14\`](${BLOB}/services/api/Dockerfile#L14): uvicorn is started with --reload in the final stage\n`,
    );
  });

  it("adds extra notes to the text and says 'No findings.' when there are none", () => {
    const report = reportWith({ status: "complete", passed: 1, checks: [{ id: "file-exists", status: "pass", summary: "ok", findings: [] }] });
    expect(checkRunOutput(report, "p", { extraNotes: ["3 annotations of an earlier audit no longer apply."] }).text).toBe(
      "No findings.\n\n#### Notes\n\n- 3 annotations of an earlier audit no longer apply.\n",
    );
  });

  it("refuses a phase the report does not have", () => {
    expect(() => checkRunOutput(fixtureReport, "phase-9")).toThrow(RangeError);
  });
});

describe("conclusions and levels", () => {
  it("success when complete; failure only when failing with a required gate; neutral otherwise", () => {
    expect(checkRunConclusion({ status: "complete", gate: "required" })).toBe("success");
    expect(checkRunConclusion({ status: "complete", gate: "advisory" })).toBe("success");
    expect(checkRunConclusion({ status: "failing", gate: "required" })).toBe("failure");
    expect(checkRunConclusion({ status: "failing", gate: "advisory" })).toBe("neutral");
    expect(checkRunConclusion({ status: "incomplete", gate: "required" })).toBe("neutral");
    const advisoryFailing = reportWith({ gate: "advisory", checks: [{ id: "x", status: "fail", summary: "no", findings: [] }] });
    expect(checkRunOutput(advisoryFailing, "p").summary).toContain("A check of this phase fails, but its gate is `advisory`, so this check run is neutral.");
  });

  it("a phase complete ahead of one it requires takes its 'ahead' conclusion: neutral by default, success when configured", () => {
    expect(checkRunConclusion({ status: "complete", gate: "required", ahead: "neutral" })).toBe("neutral");
    expect(checkRunConclusion({ status: "complete", gate: "advisory", ahead: "neutral" })).toBe("neutral");
    expect(checkRunConclusion({ status: "complete", gate: "required", ahead: "success" })).toBe("success");
    const ahead = (conclusion: "neutral" | "success"): AuditReport =>
      reportWith({
        id: "p",
        status: "complete",
        passed: 1,
        requires: ["q"],
        waitingOn: ["q"],
        ahead: conclusion,
        checks: [{ id: "file-exists", status: "pass", summary: "ok", findings: [] }],
      });
    const neutral = checkRunOutput(ahead("neutral"), "p");
    expect(neutral.conclusion).toBe("neutral");
    // The phase it waits on is not in this report: named by its id.
    expect(neutral.summary).toContain("\nComplete, but ahead: waiting on `q`, which is not complete yet, so this check run is neutral.\n");
    const success = checkRunOutput(ahead("success"), "p");
    expect(success.conclusion).toBe("success");
    expect(success.summary).toContain("\nComplete, but ahead: waiting on `q`, which is not complete yet; the checklist lets a phase that is ahead succeed.\n");
  });

  it("maps error to failure, warning to warning, notice to notice", () => {
    expect([annotationLevel("error"), annotationLevel("warning"), annotationLevel("notice")]).toEqual(["failure", "warning", "notice"]);
  });

  it("keeps a name on one line", () => {
    expect(checkRunName("Phase\none\u202e")).toBe("phase-gate: Phase\\x0aone\\u202e");
  });
});

describe("annotations", () => {
  const finding = (over: Partial<Finding>): Finding => ({ messageId: "m", message: "msg", severity: "warning", path: "a.txt", line: 3, ...over });

  it("needs a path and a whole line of at least 1; an end line before the line is ignored", () => {
    const report = reportWith({
      checks: [
        {
          id: "c",
          status: "fail",
          summary: "s",
          findings: [
            finding({ line: 0 }),
            finding({ line: -2 }),
            finding({ line: 1.5 }),
            finding({ path: "" }),
            finding({ path: undefined }),
            finding({ line: undefined }),
            finding({ line: 7, endLine: 5 }),
            finding({ line: 7, endLine: 9, severity: "error" }),
          ],
        },
      ],
    });
    const out = checkRunOutput(report, "p");
    expect(out.annotations.map((a) => [a.start_line, a.end_line, a.annotation_level])).toEqual([
      [7, 7, "warning"],
      [7, 9, "failure"],
    ]);
    // Every finding stays in the text, annotated or not.
    expect(out.text.split("\n").filter((l) => l.startsWith("- **"))).toHaveLength(8);
  });

  it("escapes nothing as Markdown but makes control characters visible", () => {
    const report = reportWith({ checks: [{ id: "c", status: "fail", summary: "s", findings: [finding({ message: "a *b* <i>\u0007", help: "do\u202ethis" })] }] });
    expect(checkRunOutput(report, "p").annotations[0]?.message).toBe("a *b* <i>\\x07\n\nHelp: do\\u202ethis");
  });

  it("caps the annotations, errors first, keeping their order, and says so in the text", () => {
    const notices = Array.from({ length: 300 }, (_, i) => finding({ severity: "notice", line: i + 1, message: `n${i}` }));
    const errors = Array.from({ length: 250 }, (_, i) => finding({ severity: "error", line: i + 1, message: `e${i}` }));
    const warnings = Array.from({ length: 50 }, (_, i) => finding({ severity: "warning", line: i + 1, message: `w${i}` }));
    const report = reportWith({ checks: [{ id: "c", status: "fail", summary: "s", findings: [...notices, ...errors, ...warnings] }] });
    const out = checkRunOutput(report, "p");
    expect(out.annotations).toHaveLength(MAX_ANNOTATIONS);
    const levels = out.annotations.map((a) => a.annotation_level);
    expect(levels.filter((l) => l === "failure")).toHaveLength(250);
    expect(levels.filter((l) => l === "warning")).toHaveLength(50);
    expect(levels.filter((l) => l === "notice")).toHaveLength(200);
    // Original order: the 200 first notices, then the errors, then the warnings.
    expect(out.annotations.map((a) => a.message).slice(198, 202)).toEqual(["n198", "n199", "e0", "e1"]);
    expect(out.text).toContain(
      "> [!NOTE]\n> 500 of 600 findings with a file and a line are annotated (at most 500 per check run, errors first); every finding is listed below.",
    );
    expect(checkRunOutput(report, "p", { maxAnnotations: 10 }).annotations.map((a) => a.message)).toEqual(["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"]);
  });

  /** A phase with 600 errors and `overclaims` overclaimed claims of docs/P.md, on lines 1, 2, … */
  function withOverclaims(gate: "required" | "advisory", overclaims: number): AuditReport {
    const errors = Array.from({ length: 600 }, (_, i) => finding({ severity: "error", line: i + 1, message: `e${i}` }));
    const claims: ClaimReport[] = Array.from({ length: overclaims }, (_, i) => ({
      text: `claim ${i}`,
      line: i + 1,
      state: "done",
      kind: "task",
      verdict: "overclaimed",
      reason: "c fails: s",
      check: { id: "c", index: 0, by: "phrase", phrase: "claim" },
      evidence: errors.slice(0, 1),
    }));
    const counts = { claims: overclaims, done: overclaims, partial: 0, notDone: 0, verifiable: overclaims, backed: 0, overclaimed: overclaims, underclaimed: 0, pending: 0, unverifiable: 0, ambiguous: 0 };
    return reportWith({
      gate,
      checks: [{ id: "c", status: "fail", summary: "s", findings: errors }],
      document: { path: "docs/P.md", status: "read", summary: "…", counts, stated: [], notes: [] },
      claims,
    });
  }

  it("keeps overclaimed claims when the cap cuts: they come first, even as warnings under an advisory gate", () => {
    for (const gate of ["required", "advisory"] as const) {
      const out = checkRunOutput(withOverclaims(gate, 3), "p");
      expect(out.annotations).toHaveLength(MAX_ANNOTATIONS);
      expect(out.annotations.slice(0, 3).map((a) => [a.path, a.start_line, a.annotation_level, a.title])).toEqual(
        [1, 2, 3].map((line) => ["docs/P.md", line, gate === "required" ? "failure" : "warning", "claim overclaimed: c"]),
      );
      expect(out.annotations.slice(3).every((a) => a.path === "a.txt")).toBe(true);
      expect(out.annotations.at(-1)?.message).toBe("e496");
      expect(out.text).toContain(
        "> [!NOTE]\n> 500 of 603 findings and overclaimed claims with a file and a line are annotated (at most 500 per check run, overclaimed claims first, then errors); every one is listed below.",
      );
    }
    // More overclaims than the cap: the first ones, in document order.
    const many = checkRunOutput(withOverclaims("required", 600), "p", { maxAnnotations: 50 });
    expect(many.annotations.map((a) => [a.path, a.start_line])).toEqual(Array.from({ length: 50 }, (_, i) => ["docs/P.md", i + 1]));
  });

  it("annotates no claim of a document that could not be read", () => {
    const report = withOverclaims("required", 2);
    const [phase] = report.phases as [PhaseReport];
    const missing: AuditReport = { ...report, phases: [{ ...phase, document: { ...phase.document!, status: "unreadable", error: "docs/P.md was not read (binary)" } }] };
    expect(checkRunOutput(missing, "p").annotations.some((a) => a.path === "docs/P.md")).toBe(false);
  });
});

describe("clampBytes", () => {
  const note = (what: string): string =>
    `\n\n> [!WARNING]\n> This ${what} was cut to GitHub's limit of 65,535 bytes; \`phase-gate audit\` prints the full report.\n`;

  it("leaves text within the limit alone", () => {
    const exact = "€".repeat(21_845); // 65,535 bytes
    expect(clampBytes(exact, OUTPUT_MAX_BYTES)).toBe(exact);
  });

  it("cuts by bytes, never inside a character, and adds the note", () => {
    const noteBytes = bytes(note("summary"));
    // Padding of 0, 1 and 2 bytes puts the byte budget at each place of a three-byte character.
    for (let pad = 0; pad < 3; pad += 1) {
      const value = `${"a".repeat(pad)}${"€".repeat(30_000)}`;
      const cut = clampBytes(value, OUTPUT_MAX_BYTES, "summary");
      expect(cut.endsWith(note("summary"))).toBe(true);
      const kept = cut.slice(0, -note("summary").length);
      expect(bytes(cut)).toBeLessThanOrEqual(OUTPUT_MAX_BYTES);
      expect(value.startsWith(kept)).toBe(true);
      expect(kept).not.toContain("\uFFFD");
      // As much as fits: pad + 3n <= 65,535 - note.
      expect(kept.length - pad).toBe(Math.floor((OUTPUT_MAX_BYTES - noteBytes - pad) / 3));
    }
  });

  it("keeps a four-byte character and an emoji with its skin-tone modifier whole", () => {
    const noteBytes = bytes(note("text"));
    const emoji = "👍🏽"; // U+1F44D U+1F3FD: 8 bytes, 4 UTF-16 units, one grapheme
    // `room` bytes are left for the emoji: a cut inside the first code point (1-3), between the
    // two (4), inside the modifier (5-7), after the first emoji (8), and so on.
    for (let room = 0; room < 17; room += 1) {
      const value = "x".repeat(OUTPUT_MAX_BYTES - noteBytes - room) + emoji.repeat(100);
      const cut = clampBytes(value, OUTPUT_MAX_BYTES, "text");
      expect(cut.endsWith(note("text"))).toBe(true);
      const kept = cut.slice(0, -note("text").length);
      expect(kept).toBe("x".repeat(OUTPUT_MAX_BYTES - noteBytes - room) + emoji.repeat(Math.floor(room / 8)));
    }
  });

  it("ends at a line end when one is near the cut", () => {
    const lines = Array.from({ length: 5_000 }, (_, i) => `| row ${i} | ${"é".repeat(10)} |`);
    const kept = clampBytes(lines.join("\n"), OUTPUT_MAX_BYTES, "summary").slice(0, -note("summary").length);
    const keptLines = kept.split("\n");
    expect(keptLines).toEqual(lines.slice(0, keptLines.length));
  });
});

describe("a summary and a text over GitHub's byte limit", () => {
  it("are cut to 65,535 bytes with a note, whole characters, whole rows", () => {
    // 400 checks whose summaries hold multi-byte characters: the table alone is ~ 100 KB.
    const checks: CheckReport[] = Array.from({ length: 400 }, (_, i) => ({
      id: `file-exists`,
      status: "fail",
      summary: `${i}: ${"ü€😀".repeat(20)}`,
      findings: [{ messageId: "m", severity: "error", path: `src/${i}.ts`, line: 1, message: `${"€".repeat(100)} ${i}` }],
    }));
    const out = checkRunOutput(reportWith({ checks }), "p");
    for (const field of [out.summary, out.text]) {
      expect(bytes(field)).toBeLessThanOrEqual(OUTPUT_MAX_BYTES);
      expect(bytes(field)).toBeGreaterThan(OUTPUT_MAX_BYTES - 2_000 * 4);
      expect(field).not.toContain("\uFFFD");
      expect(field).toMatch(/\n\n> \[!WARNING\]\n> This (summary|text) was cut to GitHub's limit of 65,535 bytes; `phase-gate audit` prints the full report\.\n$/);
    }
    const rows = out.summary.split("\n").filter((l) => l.startsWith("| ❌ fail |"));
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.length).toBeLessThan(400);
    rows.forEach((row, i) => expect(row).toBe(`| ❌ fail | [\`file-exists\`](${DOCS}/file-exists.md) | ${i}: ${"ü€😀".repeat(20)} |`));
    // Annotations do not depend on the text: all 400 are there.
    expect(out.annotations).toHaveLength(400);
  });

  it("cut inside one very long line, without splitting a character", () => {
    const summary = "😀é".repeat(20_000); // one table cell of 120,000 bytes
    const out = checkRunOutput(reportWith({ checks: [{ id: "c", status: "fail", summary, findings: [] }] }), "p");
    expect(bytes(out.summary)).toBeLessThanOrEqual(OUTPUT_MAX_BYTES);
    const row = out.summary.split("\n").find((l) => l.startsWith("| ❌ fail |")) ?? "";
    const cell = row.slice(row.indexOf(") | ") + 4);
    expect(cell.length).toBeGreaterThan(1_000);
    expect(summary.startsWith(cell)).toBe(true);
  });
});

describe("configErrorOutput", () => {
  const file = ".github/phase-gate.yml";
  const errors: ConfigError[] = [
    { file, line: 3, column: 9, endLine: 3, endColumn: 27, at: "phases[0].checks[1]", message: "unknown check 'dockerfile-reloads'", hint: "did you mean 'dockerfile-reload'?" },
    { file, line: 5, column: 5, endLine: 8, endColumn: 3, at: "phases[1]", message: "a phase needs an id" },
    { file: "acme/.github:.github/phase-gate.yml", line: 2, column: 1, at: "phases", message: "expected a list", hint: "write each phase as a list item" },
  ];

  it("fails, annotates the lines of this repository's file with the hint, and names the other file in the summary", () => {
    const out = configErrorOutput(errors, file);
    expect(out.name).toBe("phase-gate configuration");
    expect(out.title).toBe("3 errors in .github/phase-gate.yml");
    expect(out.conclusion).toBe("failure");
    expect(out.text).toBe("");
    expect(out.annotations).toEqual([
      {
        path: file,
        start_line: 3,
        end_line: 3,
        start_column: 9,
        end_column: 26,
        annotation_level: "failure",
        title: "phase-gate configuration: phases[0].checks[1]",
        message: "unknown check 'dockerfile-reloads'\n\nFix: did you mean 'dockerfile-reload'?",
      },
      { path: file, start_line: 5, end_line: 8, annotation_level: "failure", title: "phase-gate configuration: phases[1]", message: "a phase needs an id" },
    ]);
    expect(out.summary).toBe(
      [
        "The checklist `.github/phase-gate.yml` is not valid, so phase-gate audited nothing on this commit and published no phase check runs.",
        "Fix the errors below; the phases are audited again on the next push, or when this check run is re-run.",
        "",
        "- `.github/phase-gate.yml:3:9`: `phases[0].checks[1]`: unknown check 'dockerfile-reloads'<br>*Fix:* did you mean 'dockerfile-reload'?",
        "- `.github/phase-gate.yml:5:5`: `phases[1]`: a phase needs an id",
        "- `acme/.github:.github/phase-gate.yml:2:1` (another repository's file): `phases`: expected a list<br>*Fix:* write each phase as a list item",
        "",
        "1 error is in `acme/.github:.github/phase-gate.yml`, which this checklist extends through `_extends`: fix that file in its repository (it is not annotated here: that file is not in this repository).",
        "",
      ].join("\n"),
    );
  });

  it("an error on a point has one column; an error without a place still fails", () => {
    const point = configErrorOutput([{ file, line: 1, column: 1, at: "", message: "the checklist is empty", hint: "list the phases" }], file);
    expect(point.title).toBe("1 error in .github/phase-gate.yml");
    expect(point.annotations).toEqual([
      { path: file, start_line: 1, end_line: 1, start_column: 1, end_column: 1, annotation_level: "failure", title: "phase-gate configuration", message: "the checklist is empty\n\nFix: list the phases" },
    ]);
    const none = configErrorOutput([], file);
    expect(none.conclusion).toBe("failure");
    expect(none.annotations).toEqual([]);
    expect(none.summary).toContain("- the checklist could not be loaded, and no error was located in it");
  });
});

describe("the phase document's notes in the check run", () => {
  const counts = { claims: 0, done: 0, partial: 0, notDone: 0, verifiable: 0, backed: 0, overclaimed: 0, underclaimed: 0, pending: 0, unverifiable: 0, ambiguous: 0 };
  const withNotes = (notes: string[]) =>
    reportWith({
      status: "complete",
      passed: 0,
      total: 0,
      checks: [],
      document: { path: "docs/P.md", status: "read", summary: "no claims found", counts, stated: [], notes },
      claims: [],
    });

  it("lists them under Notes, named by the document, so a maintainer sees a link that matched nothing", () => {
    const out = checkRunOutput(withNotes(["the checklist links claims matching 'SQL' to file-not-contains, but no claim of the document contains those words"]), "p");
    expect(out.text).toContain("#### Notes\n\n- `docs/P.md`: the checklist links claims matching 'SQL' to file-not-contains, but no claim of the document contains those words\n");
  });

  it("shows twenty at most, and says how many more there are", () => {
    const out = checkRunOutput(withNotes(Array.from({ length: 25 }, (_, i) => `note ${i}`)), "p");
    expect(out.text.match(/^- `docs\/P\.md`: note \d+$/gm)).toHaveLength(20);
    expect(out.text).toContain("- `docs/P.md`: 5 more (the JSON report and `phase-gate claims` list every note)");
  });
});
