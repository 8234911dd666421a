/**
 * Phase documents through the CLI: `phase-gate audit --format json` gives each claim its verdict,
 * and `phase-gate claims <doc>` shows how each claim links before anything is audited. One real
 * git repository per scenario (test/claims/scenarios.ts).
 */
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import type { ClaimReport } from "../../src/claims/types.js";
import type { ClaimsPreview } from "../../src/claims/preview.js";
import { SCENARIOS } from "../claims/scenarios.js";
import { makeGitRepo, makeTempDir, removeDir, writeFiles } from "../support/git-fixture.js";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString("utf8");
    done();
  }
}

async function run(args: string[], cwd: string) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr, cwd, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});
function repo(files: Record<string, string>): string {
  const dir = makeGitRepo(files);
  dirs.push(dir);
  return dir;
}

describe.each(SCENARIOS)("$name", (scenario) => {
  it("audit --format json gives the claim its verdict, link and evidence", async () => {
    const dir = repo(scenario.files);
    const { stdout, stderr } = await run(["audit", ".", "--format", "json"], dir);
    expect(stderr).toBe("");
    const phase = JSON.parse(stdout).phases[0];
    expect(phase.document.path).toBe("docs/PHASE1.md");
    expect(phase.document.status).toBe("read");
    const claim = (phase.claims as ClaimReport[]).find((c) => c.line === scenario.expected.line);
    expect(claim, "the claim on the expected line").toBeDefined();
    expect(claim?.verdict).toBe(scenario.expected.verdict);
    expect(claim?.check?.id ?? null).toBe(scenario.expected.check);
    const evidence = claim?.evidence?.[0];
    expect(evidence ? `${evidence.path}:${evidence.line}` : undefined).toBe(scenario.expected.evidence);
    expect(claim?.ambiguous?.map((a) => a.id)).toEqual(scenario.expected.ambiguous);
    expect(claim?.repaired).toBe(scenario.expected.repaired);
    // The evidence is a finding of the linked check at that very place.
    if (evidence) {
      const check = phase.checks.find((c: { id: string }) => c.id === scenario.expected.check);
      expect(check.findings).toContainEqual(evidence);
    }
  });

  it("claims <doc> shows the same link before any audit", async () => {
    const dir = repo(scenario.files);
    const { code, stdout } = await run(["claims", "docs/PHASE1.md", "--format", "json"], dir);
    expect(code).toBe(0);
    const preview = JSON.parse(stdout) as ClaimsPreview;
    expect(preview.phase).toBe("phase-1");
    const claim = preview.claims.find((c) => c.line === scenario.expected.line);
    const ids = claim?.checks.map((c) => c.id);
    if (scenario.expected.ambiguous) expect([claim?.link, ids]).toEqual(["ambiguous", scenario.expected.ambiguous]);
    else if (scenario.expected.check) expect([claim?.link, ids]).toEqual(["linked", [scenario.expected.check]]);
    else expect([claim?.link, ids]).toEqual(["none", []]);
  });
});

describe("phase-gate claims", () => {
  const files = {
    ".github/phase-gate.yml": [
      "phases:",
      "  - id: phase-1",
      "    name: Foundation",
      "    doc: docs/PHASE1.md",
      "    claims:",
      "      - { match: SQL injection, check: file-not-contains }",
      "    checks:",
      "      - dockerfile-reload",
      "      - file-not-contains: { path: 'src/**/*.py', pattern: 'execute\\(f' }",
      "  - id: phase-2",
      "    name: Later",
      "    checks: [secrets-baseline]",
      "",
    ].join("\n"),
    "docs/PHASE1.md": "# P1\n\n- [x] Fix SQL injection in search\n- [x] Removed --reload\n- [ ] Baseline with detect-secrets\n",
    "docs/OTHER.md": "# Other\n\n- [x] Created .secrets.baseline\n- [x] Removed --reload\n",
  };

  it("prints each claim with its state and the check it links to, and how", async () => {
    const { code, stdout } = await run(["claims", "docs/PHASE1.md"], repo(files));
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "docs/PHASE1.md: 3 claims; 2 linked to a check, 0 ambiguous, 1 not covered (linked against the checks of phase 'phase-1')",
        "",
        "3  done      Fix SQL injection in search",
        "             → file-not-contains — the checklist's claims link",
        "4  done      Removed --reload",
        "             → dockerfile-reload — '--reload'",
        "5  not-done  Baseline with detect-secrets",
        "             → no check: unverifiable",
        "",
      ].join("\n"),
    );
  });

  it("links a document no phase names against every check of the checklist, saying which phase each is in", async () => {
    const { stdout } = await run(["claims", "docs/OTHER.md", "--format", "json"], repo(files));
    const preview = JSON.parse(stdout) as ClaimsPreview;
    expect(preview.phase).toBeNull();
    expect(preview.claims.map((c) => c.checks.map((k) => `${k.phase}/${k.id}`))).toEqual([["phase-2/secrets-baseline"], ["phase-1/dockerfile-reload"]]);
    expect(preview.notes[0]).toBe("docs/OTHER.md is not the 'doc' of any phase: its claims are linked against every check of the checklist");
  });

  it("--phase links against that phase; --dir names the repository when run from elsewhere", async () => {
    const dir = repo(files);
    const { stdout } = await run(["claims", join(dir, "docs/OTHER.md"), "--dir", dir, "--phase", "phase-2", "--format", "json"], makeTempDir());
    const preview = JSON.parse(stdout) as ClaimsPreview;
    expect([preview.doc, preview.phase, preview.counts]).toEqual(["docs/OTHER.md", "phase-2", { claims: 2, linked: 1, ambiguous: 0, none: 1 }]);
  });

  it("suggests a link for a claim whose sub-items name a check, and says when another phase names the document too", async () => {
    const dir = repo({
      ...files,
      ".github/phase-gate.yml": `${files[".github/phase-gate.yml"]}  - id: phase-3\n    name: Again\n    doc: docs/PHASE1.md\n    checks: [dockerfile-reload]\n`,
      "docs/PHASE1.md": "# P1\n\n- [x] Cleaned the images\n  - services/api/Dockerfile: no more --reload\n",
    });
    const { stdout } = await run(["claims", "docs/PHASE1.md", "--format", "json"], dir);
    const preview = JSON.parse(stdout) as ClaimsPreview;
    expect(preview.claims.map((c) => c.link)).toEqual(["none"]);
    expect(preview.notes).toEqual([
      "docs/PHASE1.md is also the doc of phase 'phase-3'; use --phase to link it against that phase's checks",
      "the checklist links claims matching 'SQL injection' to file-not-contains, but no claim of the document contains those words",
      `line 3: its sub-items mention '--reload' (dockerfile-reload); if the claim is about that, link it with claims: [{ match: "Cleaned the images", check: dockerfile-reload }]`,
    ]);
  });

  it("refuses what it cannot read, in one line, exit 2", async () => {
    const dir = repo(files);
    writeFiles(dir, { "bin.md": "\u0000\u0001" });
    symlinkSync("docs/PHASE1.md", join(dir, "link.md"));
    const cases: Array<[string[], string]> = [
      [["claims"], "phase-gate: claims takes one document, got 0\n"],
      [["claims", "nope.md"], "phase-gate: cannot read nope.md: no such file\n"],
      [["claims", "docs"], "phase-gate: cannot read docs: it is a directory\n"],
      [["claims", "bin.md"], "phase-gate: bin.md is not a text document (binary)\n"],
      [["claims", "link.md"], "phase-gate: link.md is a symlink; phase-gate reads the file itself, never a link\n"],
      [["claims", "/etc/hostname"], `phase-gate: /etc/hostname is not inside the repository ${dir} (use --dir)\n`],
      [["claims", "docs/PHASE1.md", "--phase", "phase-9"], "phase-gate: unknown phase 'phase-9' (the checklist has: phase-1, phase-2)\n"],
      [["claims", "docs/PHASE1.md", "--format", "sarif"], "phase-gate: unknown format 'sarif' (use text, json)\n"],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await run(args, dir);
      expect([code, stdout, stderr], args.join(" ")).toEqual([2, "", message]);
    }
  });

  it("reads one of the five real reports as its phase's doc", async () => {
    const report = readFileSync(join(import.meta.dirname, "..", "claims", "fixtures", "foundation-security-phase1.md"), "utf8");
    const dir = repo({ ...files, "docs/PHASE1.md": report });
    const { stdout } = await run(["claims", "docs/PHASE1.md", "--format", "json"], dir);
    const preview = JSON.parse(stdout) as ClaimsPreview;
    expect(preview.counts.claims).toBe(60);
    // Line 40 "Created `.secrets.baseline` for secret tracking" is about a check phase-1 does not run.
    expect(preview.claims.find((c) => c.line === 40)?.link).toBe("none");
  });
});
