import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONFIG_INVALID, preCommitConfig } from "../../checks/pre-commit-config/index.js";
import { expectPass, expectResult, runCheck } from "../support/check-tester.js";
import { CASES, CONFIG, lines, WORKFLOW } from "./fixtures/pre-commit-config/cases.js";

describe("pre-commit-config: cases", () => {
  it("has unique case names", () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.status}${c.findings.length ? ` (${c.findings.map((f) => f.messageId).join(", ")})` : ""}`, async () => {
      const result = await runCheck(preCommitConfig, c.files, c.options ?? {});
      expectResult(preCommitConfig, result, c.status, c.findings);
      for (const f of result.findings) {
        expect(f.message).not.toMatch(/\{\{/);
        expect(f.help ?? "").not.toMatch(/\{\{/);
      }
    });
  }
});

describe("pre-commit-config: messages, facts and summary", () => {
  const stack = CASES.find((c) => c.name === "full-python-stack");

  it("reports the configured hook ids as facts", async () => {
    const r = await runCheck(preCommitConfig, stack?.files ?? {}, {});
    expect(r.facts).toEqual({ hooks: ["ruff", "ruff-format", "black", "mypy", "bandit", "detect-secrets"] });
    expect(r.summary).toBe("6 hooks in .pre-commit-config.yaml, every rev pinned");
  });

  it("names the required hooks it found, and what it could not verify", async () => {
    const r = await runCheck(preCommitConfig, stack?.files ?? {}, { hooks: ["ruff", "black", "mypy", "bandit", "detect-secrets"] });
    expect(r.summary).toBe("6 hooks in .pre-commit-config.yaml, every rev pinned, required ruff, black, mypy, bandit, detect-secrets present");
    const make = CASES.find((c) => c.name === "a required hook may hide behind make");
    const m = await runCheck(preCommitConfig, make?.files ?? {}, make?.options ?? {});
    expect(m.summary).toBe(
      "3 hooks in .pre-commit-config.yaml, required codespell present; 1 warning (local hooks run commands phase-gate cannot look into)",
    );
    expect(m.findings[0]?.message).toBe(
      "Required hook 'ruff' is not configured by name, and local hooks 'lint' (`make lint-python`) run commands that may run it",
    );
  });

  it("reports no hooks as facts when there is no config, and no facts when it does not load", async () => {
    expect((await runCheck(preCommitConfig, {}, {})).facts).toEqual({ hooks: [] });
    expect((await runCheck(preCommitConfig, { [CONFIG]: "repos: [" }, {})).facts).toBeUndefined();
  });

  it("quotes pre-commit's own error, with where it is", async () => {
    const r = await runCheck(preCommitConfig, { [CONFIG]: lines("repos:", "- repo: https://github.com/PyCQA/bandit", "  rev: 1.7", "  hooks: [{id: bandit}]"), ...WORKFLOW });
    expect(r.findings.map((f) => f.message)).toEqual([
      "repos[0] (repo 'https://github.com/PyCQA/bandit'), key 'rev': Expected string got float",
    ]);
    expect(r.summary).toBe("1 hook in .pre-commit-config.yaml: pre-commit 4.6.2 would refuse .pre-commit-config.yaml");
  });

  it("says which index of args is not a string", async () => {
    const r = await runCheck(preCommitConfig, {
      [CONFIG]: lines("repos:", "- repo: https://github.com/psf/black", "  rev: 24.8.0", "  hooks:", "  - id: black", "    args: [--line-length, 100]"),
      ...WORKFLOW,
    });
    expect(r.findings[0]?.message).toBe(
      "repos[0] (repo 'https://github.com/psf/black'), hooks[0] (id 'black'): key 'args': At index 1: Expected string got int",
    );
  });

  it("names the mutable rev and gives pre-commit's fix", async () => {
    const r = await runCheck(preCommitConfig, { [CONFIG]: lines("repos:", "- repo: https://github.com/psf/black", "  rev: stable", "  hooks: [{id: black}]"), ...WORKFLOW });
    expect(r.findings[0]?.message).toBe(
      "rev 'stable' of https://github.com/psf/black is a branch or moving tag: pre-commit installs it once and never updates it",
    );
    expect(r.findings[0]?.help).toContain("pre-commit autoupdate");
  });

  it("suggests the key a typo meant", async () => {
    const r = await runCheck(preCommitConfig, {
      [CONFIG]: lines("repos:", "- repo: https://github.com/psf/black", "  rev: 24.8.0", "  hooks:", "  - id: black", "    arg: [--check]"),
      ...WORKFLOW,
    });
    expect(r.findings[0]?.help).toMatch(/^Did you mean 'args'\?/);
  });

  it("explains a missing black when ruff-format replaced it", async () => {
    const r = await runCheck(preCommitConfig, CASES.find((c) => c.name.startsWith("black is required"))?.files ?? {}, { hooks: ["black"] });
    expect(r.findings[0]?.message).toContain("ruff-format");
  });

  it("reads .pre-commit-config.yml when it is the only config, and says it is ignored", async () => {
    const r = await runCheck(preCommitConfig, { ".pre-commit-config.yml": lines("repos:", "- repo: x", "  rev: main", "  hooks: [{id: y}]"), ...WORKFLOW });
    expectResult(preCommitConfig, r, "fail", [
      { messageId: "yml-extension", path: ".pre-commit-config.yml" },
      { messageId: "mutable-rev", path: ".pre-commit-config.yml", line: 3 },
    ]);
  });

  it("does not look for .pre-commit-config.yml when another path is configured", async () => {
    const r = await runCheck(preCommitConfig, { ".pre-commit-config.yml": "repos: []\n", "ci/hooks.yaml": "repos: []\n", ...WORKFLOW }, { path: "ci/hooks.yaml" });
    expectResult(preCommitConfig, r, "pass");
  });

  it("fails on a binary config and is indeterminate on a symlinked one", async () => {
    const binary = await runCheck(preCommitConfig, { [CONFIG]: new Uint8Array([0x72, 0x00, 0x01]), ...WORKFLOW });
    expectResult(preCommitConfig, binary, "fail", [{ messageId: "unreadable", path: CONFIG }]);
    const link = await runCheck(preCommitConfig, { ...WORKFLOW }, {}, { skipped: [{ path: CONFIG, reason: "symlink" }] });
    expectResult(preCommitConfig, link, "indeterminate", [{ messageId: "unreadable", path: CONFIG }]);
  });

  it("warns about a config over the size cap instead of crashing", async () => {
    const big = `repos: []\n${"# padding\n".repeat(200)}`;
    const r = await runCheck(preCommitConfig, { [CONFIG]: big, ...WORKFLOW }, {}, { maxFileBytes: 100 });
    expectResult(preCommitConfig, r, "indeterminate", [{ messageId: "unreadable", path: CONFIG }]);
  });

  it("validates its options", () => {
    expect(preCommitConfig.options.parse({})).toEqual({ hooks: [], path: ".pre-commit-config.yaml", requireCi: true });
    expect(preCommitConfig.options.safeParse({ hooks: "ruff" }).success).toBe(false);
    expect(preCommitConfig.options.safeParse({ hook: ["ruff"] }).success).toBe(false);
  });

  it("reads only the config, the .yml name and CI files", () => {
    expect(preCommitConfig.files(preCommitConfig.options.parse({}))).toEqual(
      expect.arrayContaining([".pre-commit-config.yaml", ".pre-commit-config.yml", ".github/workflows/*.yml", ".gitlab-ci.yml"]),
    );
  });

  it("passes a minimal valid config with CI and no requirements", async () => {
    await expectPass(preCommitConfig, { [CONFIG]: "repos: []\n", ...WORKFLOW });
  });

  it("treats every invalid-config message as a failure", () => {
    for (const id of CONFIG_INVALID) expect(preCommitConfig.messages[id as keyof typeof preCommitConfig.messages].severity).toBe("error");
  });
});

describe("pre-commit-config: never throws", () => {
  const statuses = ["pass", "fail", "warn", "indeterminate", "not-applicable"];

  it("on arbitrary bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const r = await runCheck(preCommitConfig, { [CONFIG]: bytes }, { hooks: ["ruff"] });
        expect(statuses).toContain(r.status);
      }),
      { numRuns: 150 },
    );
  });

  it("on arbitrary text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (text) => {
        const r = await runCheck(preCommitConfig, { [CONFIG]: text }, { hooks: ["ruff"] });
        expect(statuses).toContain(r.status);
      }),
      { numRuns: 150 },
    );
  });

  it("on arbitrary config-shaped structures", async () => {
    const scalar = fc.oneof(
      fc.constantFrom("local", "meta", "main", "v1.0.0", "1.7", "ruff", "mypy", "^$", ".*", "*.py", "(?x) a", "manual", "commit", "system", "[", "yes", "~"),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: "small" }, scalar, tie("list"), tie("map")),
      list: fc.array(tie("any"), { maxLength: 4 }),
      map: fc.dictionary(
        fc.constantFrom("repos", "repo", "rev", "hooks", "id", "name", "entry", "language", "args", "stages", "files", "exclude", "ci", "skip", "default_stages", "minimum_pre_commit_version", "x"),
        tie("any"),
        { maxKeys: 5 },
      ),
    }));
    await fc.assert(
      fc.asyncProperty(value.map, async (doc) => {
        const r = await runCheck(preCommitConfig, { [CONFIG]: JSON.stringify(doc), ...WORKFLOW }, { hooks: ["ruff", "mypy"] });
        expect(statuses).toContain(r.status);
        for (const f of r.findings) if (f.line !== undefined) expect(f.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });
});
