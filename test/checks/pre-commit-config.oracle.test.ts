/**
 * Differential test against the reference tool: every case's config file goes through
 * `pre-commit validate-config`, and its verdict (exit 0 = valid) must equal phase-gate's (no
 * finding that means "pre-commit refuses this config"). Where the two differ on purpose, the case
 * records pre-commit's verdict and the reason, and this test checks that the difference is real.
 *
 * The oracle is Debian's pre-commit (3.0.4). phase-gate follows 4.6.2, so the recorded
 * differences are the 3.0 -> 4.6 changes (stage names, `unsupported`, `python_venv`,
 * `minimum_pre_commit_version`) plus the few things phase-gate does on purpose (type tags,
 * alias bombs). validate-config reads the file only: no clone, no network.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFIG_INVALID, preCommitConfig } from "../../checks/pre-commit-config/index.js";
import { runCheck } from "../support/check-tester.js";
import { CASES, type Case } from "./fixtures/pre-commit-config/cases.js";

const PRE_COMMIT = "/usr/bin/pre-commit";
const hasPreCommit = existsSync(PRE_COMMIT);
const run = promisify(execFile);

/** The config file of a case: the `path` option, else .pre-commit-config.yaml, else the .yml. */
function configOf(c: Case): { path: string; text: string } | undefined {
  const candidates = [c.options?.path, ".pre-commit-config.yaml", ".pre-commit-config.yml"].filter((p): p is string => typeof p === "string");
  for (const path of candidates) {
    const body = c.files[path];
    if (typeof body === "string") return { path, text: body };
  }
  return undefined;
}

const withConfig = CASES.flatMap((c) => {
  const config = configOf(c);
  return config ? [{ c, config }] : [];
});

describe.skipIf(!hasPreCommit)(
  `pre-commit-config agrees with \`pre-commit validate-config\` (${hasPreCommit ? PRE_COMMIT : `skipped: ${PRE_COMMIT} is not installed`})`,
  () => {
    const dir = hasPreCommit ? mkdtempSync(join(tmpdir(), "phase-gate-pre-commit-")) : "";
    const env = { ...process.env, PRE_COMMIT_HOME: join(dir, "cache"), HOME: dir, PRE_COMMIT_COLOR: "never", GIT_CONFIG_NOSYSTEM: "1" };
    const fileOf = (i: number, path: string) => join(dir, `case-${i}${path.endsWith(".yml") ? ".yml" : ".yaml"}`);

    /** validate-config on one or more files: exit status, and the files it names in an error. */
    async function validate(files: readonly string[]): Promise<{ ok: boolean; refused: Set<string>; output: string }> {
      try {
        const res = await run(PRE_COMMIT, ["validate-config", ...files], { env, cwd: dir, timeout: 60_000, maxBuffer: 1 << 24 });
        return { ok: true, refused: new Set(), output: res.stdout + res.stderr };
      } catch (err) {
        const e = err as { code?: unknown; stdout?: string; stderr?: string };
        if (typeof e.code !== "number") throw err;
        const output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
        // Each refused file's error starts with "==> File <path>" (cfgv's context).
        const refused = new Set([...output.matchAll(/^==> File (.+)$/gm)].map((m) => (m[1] ?? "").trim()));
        return { ok: false, refused, output };
      }
    }

    // One run over every case (a Python start per case would take most of the test time).
    let batch: { refused: Set<string>; output: string } | undefined;
    beforeAll(async () => {
      withConfig.forEach(({ config }, i) => writeFileSync(fileOf(i, config.path), config.text));
      batch = await validate(withConfig.map(({ config }, i) => fileOf(i, config.path)));
    }, 120_000);
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("runs pre-commit 3.0.4, the version the recorded differences are about", async () => {
      const { stdout } = await run(PRE_COMMIT, ["--version"], { env, cwd: dir });
      expect(stdout.trim()).toBe("pre-commit 3.0.4");
    });

    it("reads the batch run the way a run per file would", async () => {
      const valid = withConfig.findIndex(({ c }) => c.name === "full-python-stack");
      const invalid = withConfig.findIndex(({ c }) => c.name === "float-rev");
      const one = await validate([fileOf(valid, ".yaml")]);
      const other = await validate([fileOf(invalid, ".yaml")]);
      expect([one.ok, other.ok]).toEqual([true, false]);
      expect(batch?.refused.has(fileOf(invalid, ".yaml"))).toBe(true);
      expect(batch?.refused.has(fileOf(valid, ".yaml"))).toBe(false);
    });

    it("covers most cases", () => {
      expect(withConfig.length).toBeGreaterThan(60);
    });

    withConfig.forEach(({ c, config }, i) => {
      const label = c.oracle ? `differs on purpose: ${c.oracle.reason}` : "same verdict";
      it(`${c.name} (${label})`, async () => {
        const file = fileOf(i, config.path);
        const preCommitValid = !batch?.refused.has(file);
        const result = await runCheck(preCommitConfig, c.files, c.options ?? {});
        const phaseGateValid = !result.findings.some((f) => CONFIG_INVALID.has(f.messageId));
        const said = (batch?.output ?? "").split("\n==> File ").find((chunk) => chunk.startsWith(file)) ?? "(accepted)";
        if (c.oracle) {
          expect(preCommitValid, `pre-commit's verdict changed; it said:\n${said}`).toBe(c.oracle.valid);
          expect(phaseGateValid).toBe(!c.oracle.valid);
        } else {
          expect(phaseGateValid, `pre-commit ${preCommitValid ? "accepts" : "refuses"} it:\n${said}`).toBe(preCommitValid);
        }
      });
    });
  },
);
