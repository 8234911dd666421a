/**
 * Differential test: every SQL case of the index-migrations check is also linted by squawk 2.66.0
 * (the reference tool, `squawk --reporter json`), and squawk's verdict on the index rules must
 * equal phase-gate's, except where the case names a deliberate divergence and its reason.
 *
 * One squawk process lints all plain files, one more all files the case runs with
 * `--assume-in-transaction` (the runner wraps them, or sends them as one query string).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexMigrations } from "../../checks/index-migrations/index.js";
import type { Finding } from "../../src/check/types.js";
import { runCheck } from "../support/check-tester.js";
import { SQL_CASES } from "./fixtures/index-migrations/sql-cases.js";

const SQUAWK = join(import.meta.dirname, "..", "..", "node_modules", ".bin", "squawk");

/** squawk's rules that phase-gate's findings correspond to. */
const RULES = new Set([
  "require-concurrent-index-creation",
  "ban-concurrent-index-creation-in-transaction",
  "require-concurrent-index-deletion",
  "require-concurrent-reindex",
  "disallowed-unique-constraint",
  "adding-serial-primary-key-field",
]);

/** phase-gate's finding -> the squawk rule that says the same, if any. */
function squawkRule(f: Finding): string | null {
  switch (f.messageId) {
    case "create-index-not-concurrent":
      return "require-concurrent-index-creation";
    case "concurrent-in-transaction":
      // squawk's rule covers CREATE INDEX CONCURRENTLY only (not DROP/REINDEX)
      return f.message.startsWith("CREATE") ? "ban-concurrent-index-creation-in-transaction" : null;
    case "drop-index-not-concurrent":
      return "require-concurrent-index-deletion";
    case "reindex-not-concurrent":
      return "require-concurrent-reindex";
    case "constraint-builds-index":
      return f.message.includes("PRIMARY KEY") ? "adding-serial-primary-key-field" : "disallowed-unique-constraint";
    default:
      return null;
  }
}

interface SquawkViolation {
  file: string;
  line: number;
  rule_name: string;
}

let dir = "";
const bySquawk = new Map<string, string[]>();

function runSquawk(files: string[], assume: boolean): void {
  if (files.length === 0) return;
  const args = ["--reporter", "json", ...(assume ? ["--assume-in-transaction"] : []), ...files];
  const r = spawnSync(SQUAWK, args, { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  // exit code 1 means "violations found"; anything else is a broken run
  expect(r.status === 0 || r.status === 1, `squawk failed: ${r.stderr}`).toBe(true);
  const out = JSON.parse(r.stdout || "[]") as SquawkViolation[];
  for (const v of out) {
    if (!RULES.has(v.rule_name)) continue;
    const [caseDir, ...rest] = v.file.split("/");
    const key = `${v.rule_name} ${rest.join("/")}:${v.line + 1}`; // squawk's lines are 0-based
    bySquawk.set(caseDir ?? "", [...(bySquawk.get(caseDir ?? "") ?? []), key]);
  }
}

describe("index-migrations against squawk 2.66.0", () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "phase-gate-squawk-"));
    writeFileSync(join(dir, ".squawk.toml"), "");
    const plain: string[] = [];
    const assumed: string[] = [];
    for (const [i, c] of SQL_CASES.entries()) {
      for (const [path, text] of Object.entries(c.files)) {
        if (!path.endsWith(".sql")) continue;
        const rel = `case${i}/${path}`;
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        // psql meta-commands are not SQL; squawk reports them as syntax errors (spec §5.9, case 18)
        writeFileSync(join(dir, rel), text.replace(/^[ \t]*\\.*$/gm, ""));
        (c.squawk?.assume ? assumed : plain).push(rel);
      }
    }
    runSquawk(plain, false);
    runSquawk(assumed, true);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("is squawk 2.66.0", () => {
    const r = spawnSync(SQUAWK, ["--version"], { encoding: "utf8" });
    expect(r.stdout.trim()).toBe("squawk 2.66.0");
  });

  for (const [i, c] of SQL_CASES.entries()) {
    it(c.name, async () => {
      const result = await runCheck(indexMigrations, { ...c.files }, c.options ?? {});
      const ours = result.findings
        .map((f) => {
          const rule = squawkRule(f);
          return rule && f.path?.endsWith(".sql") ? `${rule} ${f.path}:${f.line ?? 0}` : null;
        })
        .filter((x): x is string => x !== null)
        .sort();
      const theirs = [...(bySquawk.get(`case${i}`) ?? [])].sort();
      // the verdicts: does each tool object to these migrations at all?
      const ourVerdict = result.status === "pass" || result.status === "not-applicable" ? "clean" : "objects";
      const theirVerdict = theirs.length === 0 ? "clean" : "objects";
      const divergence = c.squawk?.diverges;
      if (divergence) {
        expect(divergence.reason.length).toBeGreaterThan(20);
        expect(theirs, "squawk's findings (the divergence documents them)").toEqual([...divergence.expect].sort());
        const agree = JSON.stringify(ours) === JSON.stringify(theirs) && ourVerdict === theirVerdict;
        expect(agree, `a divergence that is not one: ${divergence.reason}`).toBe(false);
      } else {
        expect({ findings: ours, verdict: ourVerdict }, "phase-gate agrees with squawk").toEqual({ findings: theirs, verdict: theirVerdict });
      }
    });
  }
});
