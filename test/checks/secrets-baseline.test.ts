/**
 * secrets-baseline, RuleTester style: every "Test cases to include" case of check-specs.md §1.10
 * (numbered as there), then the traps of §1.8 and the wiring, audit and scan edge cases.
 *
 * Token-shaped strings are built at run time from pieces so that no scanner flags this repository;
 * every test that plants one asserts that no finding, summary or fact contains it.
 */
import { describe, expect, it } from "vitest";
import { secretsBaseline } from "../../checks/secrets-baseline/index.js";
import { expectPass, expectResult, runCheck, type FileMap } from "../support/check-tester.js";
import type { CheckReport } from "../../src/audit/types.js";

// --- fake secrets, assembled so the source never holds one ------------------------------------
const AWS_ID = ["AK", "IA", "Z3Q7XK2L", "MNP4RS5T"].join("");
const AWS_EXAMPLE_ID = ["AK", "IA", "IOSFODNN7", "EXAMPLE"].join("");
const GH_TOKEN = ["gh", "p_", "A1b2C3d4E5f6G7h8I9j0", "K1l2M3n4O5p6Q7r8"].join("");
const DB_PASSWORD = ["Xy7", "_qLp29", "vTz"].join("");
const RSA_MARKER = ["BEGIN RSA", "PRIVATE KEY"].join(" ");
/** A PEM block long enough for secretlint's privatekey rule (≥ 100 base64 characters). */
const RSA_KEY = [`-----${RSA_MARKER}-----`, "MIIEowIBAAKCAQEA" + "q".repeat(48), "Q".repeat(64), "Z".repeat(64), `-----${RSA_MARKER.replace("BEGIN", "END")}-----`, ""].join("\n");

// sha1 values that detect-secrets would store
const SHA1_RSA_MARKER = "be4fc4886bd949b369d5e092eb87494f12e57e5b"; // sha1("BEGIN RSA PRIVATE KEY"), as in Yelp's own baseline
const SHA1_HELLO = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"; // sha1("test")

const PLUGINS_1X = [
  { name: "AWSKeyDetector" },
  { name: "Base64HighEntropyString", limit: 4.5 },
  { name: "GitHubTokenDetector" },
  { name: "KeywordDetector", keyword_exclude: "" },
  { name: "PrivateKeyDetector" },
];
const FILTERS_1X = [
  { path: "detect_secrets.filters.allowlist.is_line_allowlisted" },
  { path: "detect_secrets.filters.common.is_baseline_file", filename: ".secrets.baseline" },
  { path: "detect_secrets.filters.heuristic.is_lock_file" },
];

type Result = Record<string, unknown>;

function baseline1x(results: Record<string, Result[]>, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify(
    { version: "1.5.0", plugins_used: PLUGINS_1X, filters_used: FILTERS_1X, results, generated_at: "2026-01-10T10:00:00Z", ...extra },
    null,
    2,
  )}\n`;
}

function result(filename: string, more: Result = {}): Result {
  return { type: "Secret Keyword", filename, hashed_secret: SHA1_HELLO, is_verified: false, line_number: 3, ...more };
}

const YELP_HOOK = `repos:
-   repo: https://github.com/Yelp/detect-secrets
    rev: v1.5.0
    hooks:
    -   id: detect-secrets
        args: ['--baseline', '.secrets.baseline']
        exclude: package.lock.json
`;
/** The line of `- id: detect-secrets` in YELP_HOOK. */
const HOOK_LINE = 5;

const SETTINGS_PY = "import os\n\nPASSWORD = os.environ['PASSWORD']\n";

/** The 1-based line of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string, from = 0): number {
  const at = text.indexOf(needle, from);
  if (at === -1) throw new Error(`${needle} not in fixture`);
  return text.slice(0, at).split("\n").length;
}

function expectNoLeak(report: CheckReport, ...secrets: string[]): void {
  const all = JSON.stringify(report);
  for (const s of secrets) expect(all).not.toContain(s);
}

const check = secretsBaseline;

describe("secrets-baseline: the spec's cases (§1.10)", () => {
  it("1 valid-1x-audited: a 1.5.0 baseline, audited, wired through the Yelp hook -> pass", async () => {
    const report = await expectPass(check, {
      ".secrets.baseline": baseline1x({ "settings.py": [result("settings.py", { is_secret: false })] }),
      "settings.py": SETTINGS_PY,
      ".pre-commit-config.yaml": YELP_HOOK,
    });
    expect(report.summary).toContain(".secrets.baseline");
    expect(report.facts).toMatchObject({
      baselines: [{ path: ".secrets.baseline", version: "1.5.0", results: 1, unaudited: 0, confirmedSecrets: 0, wired: true }],
      hooks: [{ line: HOOK_LINE, rev: "v1.5.0", baseline: ".secrets.baseline" }],
    });
  });

  it("2 valid-1x-unaudited: no is_secret -> warn unaudited-results (1/1)", async () => {
    const text = baseline1x({ "settings.py": [result("settings.py")] });
    const report = await runCheck(check, { ".secrets.baseline": text, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": YELP_HOOK });
    expectResult(check, report, "warn", [{ messageId: "unaudited-results", path: ".secrets.baseline", line: lineOf(text, '"results"') }]);
    expect(report.findings[0]?.message).toContain("1 of 1 results");
  });

  it("3 confirmed-real-secret: is_secret true and the file exists -> fail confirmed-secret", async () => {
    const text = baseline1x({ "settings.py": [result("settings.py", { is_secret: true })] });
    const report = await runCheck(check, { ".secrets.baseline": text, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": YELP_HOOK });
    expectResult(check, report, "fail", [{ messageId: "confirmed-secret", path: ".secrets.baseline", line: lineOf(text, '"is_secret"') }]);
    expect(report.findings[0]?.message).toContain(SHA1_HELLO);
  });

  it("4 legacy-0x: an ACED-IDP-style 0.13.1 baseline under a v1.5.0 hook -> valid, warn version-mismatch", async () => {
    const text = `${JSON.stringify(
      {
        exclude: { files: "^.secrets.baseline$", lines: null },
        generated_at: "2022-10-10T19:15:39Z",
        plugins_used: [
          { name: "AWSKeyDetector" },
          { base64_limit: 4.5, name: "Base64HighEntropyString" },
          { hex_limit: 3, name: "HexHighEntropyString" },
          { keyword_exclude: null, name: "KeywordDetector" },
          { name: "PrivateKeyDetector" },
        ],
        results: {
          "Docker/sidecar/service.key": [
            { hashed_secret: "1348b145fa1a555461c1b790a2f66614781091e9", is_secret: false, is_verified: false, line_number: 1, type: "Private Key" },
          ],
        },
        version: "0.13.1",
        word_list: { file: null, hash: null },
      },
      null,
      2,
    )}\n`;
    const report = await runCheck(check, {
      ".secrets.baseline": text,
      "Docker/sidecar/service.key": "placeholder, the real key was removed\n",
      ".pre-commit-config.yaml": YELP_HOOK,
    });
    expectResult(check, report, "warn", [
      { messageId: "version-mismatch", path: ".pre-commit-config.yaml", line: HOOK_LINE },
      { messageId: "broad-allowlist", path: ".secrets.baseline", line: lineOf(text, '"hashed_secret"') - 1 },
    ]);
    expect(report.findings.find((f) => f.messageId === "broad-allowlist")?.message).toContain("BEGIN PRIVATE KEY");
  });

  it("5 ibm-fork: 0.13.1+ibm.62.dss with verified_result, IBM hook with --fail-on-unaudited -> pass, no audit-flag finding", async () => {
    const text = `${JSON.stringify(
      {
        custom_plugin_paths: [],
        exclude: { files: "^.secrets.baseline$", lines: null },
        generated_at: "2024-03-01T12:00:00Z",
        plugins_used: [{ name: "AWSKeyDetector" }, { name: "PrivateKeyDetector" }, { name: "GitHubTokenDetector" }],
        results: {
          "settings.py": [{ hashed_secret: SHA1_HELLO, is_secret: false, is_verified: false, line_number: 3, type: "Secret Keyword", verified_result: null }],
        },
        version: "0.13.1+ibm.62.dss",
        word_list: { file: null, hash: null },
      },
      null,
      2,
    )}\n`;
    await expectPass(check, {
      ".secrets.baseline": text,
      "settings.py": SETTINGS_PY,
      ".pre-commit-config.yaml": `repos:
- repo: https://github.com/ibm/detect-secrets
  rev: 0.13.1+ibm.62.dss
  hooks:
  - id: detect-secrets
    args: [--baseline, .secrets.baseline, --use-all-plugins, --fail-on-unaudited]
`,
      ".github/workflows/sec.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: detect-secrets audit .secrets.baseline --report --fail-on-unaudited\n",
    });
  });

  it("6 yelp-with-ibm-flags: Yelp hook, CI `audit --fail-on-unaudited || true` -> warn twice (flag and masked failure)", async () => {
    const workflow = "on: push\njobs:\n  sec:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: detect-secrets audit .secrets.baseline --fail-on-unaudited || true\n";
    const report = await runCheck(check, {
      ".secrets.baseline": baseline1x({ "settings.py": [result("settings.py", { is_secret: false })] }),
      "settings.py": SETTINGS_PY,
      ".pre-commit-config.yaml": YELP_HOOK,
      ".github/workflows/sec.yml": workflow,
    });
    expectResult(check, report, "warn", [
      { messageId: "audit-flag-unsupported", path: ".github/workflows/sec.yml", line: 7 },
      { messageId: "ci-failure-ignored", path: ".github/workflows/sec.yml", line: 7 },
    ]);
  });

  it("7 malformed-json: a trailing comma -> fail invalid-json at its line", async () => {
    const report = await runCheck(check, {
      ".secrets.baseline": '{\n  "version": "1.5.0",\n  "results": {},\n}\n',
      ".pre-commit-config.yaml": YELP_HOOK,
    });
    expectResult(check, report, "fail", [{ messageId: "invalid-json", path: ".secrets.baseline", line: 4 }]);
    expect(report.findings[0]?.message).toContain("trailing comma");
  });

  it("8 bad-hash: hashed_secret 'not-a-sha' -> fail invalid-result at the entry's hashed_secret", async () => {
    const text = baseline1x({ "settings.py": [result("settings.py", { hashed_secret: "not-a-sha", is_secret: false })] });
    const report = await runCheck(check, { ".secrets.baseline": text, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": YELP_HOOK });
    expectResult(check, report, "fail", [{ messageId: "invalid-result", path: ".secrets.baseline", line: lineOf(text, '"hashed_secret"') }]);
    expect(report.findings[0]?.message).toContain("SHA-1");
  });

  it("9 unwired: a valid audited baseline, no hook, no CI -> warn baseline-not-wired", async () => {
    const report = await runCheck(check, {
      ".secrets.baseline": baseline1x({ "settings.py": [result("settings.py", { is_secret: false })] }),
      "settings.py": SETTINGS_PY,
    });
    expectResult(check, report, "warn", [{ messageId: "baseline-not-wired", path: ".secrets.baseline", line: 1 }]);
  });

  it("10 unbaselined-aws-key: config/prod.env holds an AWS key id, results {} -> fail unbaselined-secret, sha1 only", async () => {
    const report = await runCheck(check, {
      ".secrets.baseline": baseline1x({}),
      ".pre-commit-config.yaml": YELP_HOOK,
      "config/prod.env": `DEBUG=0\nAWS_ACCESS_KEY_ID=${AWS_ID}\n`,
    });
    expectResult(check, report, "fail", [{ messageId: "unbaselined-secret", path: "config/prod.env", line: 2 }]);
    expect(report.findings[0]?.message).toMatch(/hashed_secret [0-9a-f]{40}/);
    expectNoLeak(report, AWS_ID, AWS_ID.slice(4));
  });

  it("11 example-key-allowed: AWS's documentation key id is not a finding", async () => {
    await expectPass(check, {
      ".secrets.baseline": baseline1x({}),
      ".pre-commit-config.yaml": YELP_HOOK,
      "config/prod.env": `AWS_ACCESS_KEY_ID=${AWS_EXAMPLE_ID}\n`,
    });
  });

  it("12 gitleaks-only: .gitleaks.toml and a gitleaks hook, no baseline -> warn alternative-tool", async () => {
    const report = await runCheck(check, {
      ".gitleaks.toml": "[extend]\nuseDefault = true\n",
      ".pre-commit-config.yaml": "repos:\n- repo: https://github.com/gitleaks/gitleaks\n  rev: v8.24.2\n  hooks:\n  - id: gitleaks\n",
    });
    expectResult(check, report, "warn", [{ messageId: "alternative-tool", path: ".pre-commit-config.yaml", line: 5 }]);
    expect(report.findings[0]?.message).toContain("gitleaks");
    expect(report.facts).toMatchObject({ alternatives: ["gitleaks"] });
  });

  it("13 stale-entry: the baseline lists old/creds.py, which is gone -> warn stale-result", async () => {
    const text = baseline1x({ "old/creds.py": [result("old/creds.py", { is_secret: false })] });
    const report = await runCheck(check, { ".secrets.baseline": text, ".pre-commit-config.yaml": YELP_HOOK });
    expectResult(check, report, "warn", [{ messageId: "stale-result", path: ".secrets.baseline", line: lineOf(text, '"old/creds.py": [') }]);
  });

  it("14 exclude-everything: a should_exclude_file filter with .* -> warn baseline-disabled", async () => {
    const text = baseline1x(
      { "settings.py": [result("settings.py", { is_secret: false })] },
      { filters_used: [...FILTERS_1X, { path: "detect_secrets.filters.regex.should_exclude_file", pattern: [".*"] }] },
    );
    const report = await runCheck(check, { ".secrets.baseline": text, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": YELP_HOOK });
    expectResult(check, report, "warn", [{ messageId: "baseline-disabled", path: ".secrets.baseline", line: lineOf(text, '"pattern"') }]);
  });
});

describe("secrets-baseline: nothing, or the wrong thing", () => {
  it("an empty repository -> fail no-baseline", async () => {
    const report = await runCheck(check, { "README.md": "# app\n" });
    expectResult(check, report, "fail", [{ messageId: "no-baseline" }]);
  });

  it("weak substitutes (detect-private-key, detect-aws-credentials) do not count -> fail, with notices", async () => {
    const config = `repos:
- repo: https://github.com/pre-commit/pre-commit-hooks
  rev: v5.0.0
  hooks:
  - id: detect-private-key
  - id: detect-aws-credentials
`;
    const report = await runCheck(check, { ".pre-commit-config.yaml": config });
    expectResult(check, report, "fail", [
      { messageId: "no-baseline" },
      { messageId: "weak-substitute", path: ".pre-commit-config.yaml", line: 5 },
      { messageId: "weak-substitute", path: ".pre-commit-config.yaml", line: 6 },
    ]);
  });

  it("trufflehog as a GitHub Action and secretlint config -> warn alternative-tool for each tool", async () => {
    const report = await runCheck(check, {
      ".github/workflows/secrets.yml": "on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: trufflesecurity/trufflehog@v3.88.0\n",
      ".secretlintrc.json": '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}\n',
    });
    expectResult(check, report, "warn", [
      { messageId: "alternative-tool", path: ".github/workflows/secrets.yml", line: 6 },
      { messageId: "alternative-tool", path: ".secretlintrc.json" },
    ]);
  });

  it("a detect-secrets hook without --baseline and no baseline -> warn hook-without-baseline", async () => {
    const config = "repos:\n- repo: https://github.com/Yelp/detect-secrets\n  rev: v1.5.0\n  hooks:\n  - id: detect-secrets\n";
    const report = await runCheck(check, { ".pre-commit-config.yaml": config });
    expectResult(check, report, "warn", [{ messageId: "hook-without-baseline", path: ".pre-commit-config.yaml", line: 5 }]);
  });

  it("a hook without --baseline next to an existing .secrets.baseline -> warn twice (hook, unwired baseline)", async () => {
    const config = "repos:\n- repo: https://github.com/Yelp/detect-secrets\n  rev: v1.5.0\n  hooks:\n  - id: detect-secrets\n";
    const report = await runCheck(check, { ".pre-commit-config.yaml": config, ".secrets.baseline": baseline1x({}) });
    expectResult(check, report, "warn", [
      { messageId: "hook-without-baseline", path: ".pre-commit-config.yaml", line: 5 },
      { messageId: "baseline-not-wired", path: ".secrets.baseline", line: 1 },
    ]);
  });

  it("a hook pointing at a missing baseline -> fail baseline-missing at the hook", async () => {
    const config = "repos:\n- repo: https://github.com/Yelp/detect-secrets\n  rev: v1.5.0\n  hooks:\n  - id: detect-secrets\n    args: [--baseline, .secrets/baseline.json]\n";
    const report = await runCheck(check, { ".pre-commit-config.yaml": config });
    expectResult(check, report, "fail", [{ messageId: "baseline-missing", path: ".pre-commit-config.yaml", line: 5 }]);
    expect(report.findings[0]?.message).toContain(".secrets/baseline.json");
  });

  it("a broken .pre-commit-config.yaml: its hooks do not run -> warn, and the baseline is unwired", async () => {
    const report = await runCheck(check, {
      ".pre-commit-config.yaml": "repos: [\n",
      ".secrets.baseline": baseline1x({}),
    });
    expectResult(check, report, "warn", [
      { messageId: "pre-commit-config-invalid", path: ".pre-commit-config.yaml", line: 2 },
      { messageId: "baseline-not-wired", path: ".secrets.baseline", line: 1 },
    ]);
  });
});

describe("secrets-baseline: wiring", () => {
  const audited = baseline1x({ "settings.py": [result("settings.py", { is_secret: false })] });

  it("Yelp's own style: repo local, entry detect-secrets-hook, args ['--baseline', X] -> pass", async () => {
    await expectPass(check, {
      ".secrets.baseline": audited,
      "settings.py": SETTINGS_PY,
      ".pre-commit-config.yaml": `repos:
-   repo: local
    hooks:
    -   id: detect-secrets
        name: Detect secrets
        language: python
        entry: detect-secrets-hook
        args: ['--baseline', '.secrets.baseline']
`,
    });
  });

  it("repo local with --baseline=X inside the entry, under poetry run -> pass", async () => {
    await expectPass(check, {
      "tools/ds.baseline": audited.replace(".secrets.baseline", "tools/ds.baseline"),
      "settings.py": SETTINGS_PY,
      ".pre-commit-config.yaml": `repos:
- repo: local
  hooks:
  - id: secrets
    name: secrets
    language: system
    entry: poetry run detect-secrets-hook --baseline=./tools/ds.baseline
`,
    });
  });

  it("repo local through bash -c and xargs -> pass", async () => {
    await expectPass(check, {
      ".secrets.baseline": audited,
      "settings.py": SETTINGS_PY,
      ".pre-commit-config.yaml": `repos:
- repo: local
  hooks:
  - id: detect-secrets
    name: detect-secrets
    language: system
    entry: bash -c 'git diff --staged --name-only -z | xargs -0 detect-secrets-hook --baseline .secrets.baseline'
    pass_filenames: false
`,
    });
  });

  it("an https URL with .git and upper case still names the Yelp hook; the last --baseline wins", async () => {
    const report = await runCheck(check, {
      ".secrets.baseline": audited,
      "settings.py": SETTINGS_PY,
      ".pre-commit-config.yaml": `repos:
- repo: HTTPS://GitHub.com/Yelp/detect-secrets.git
  rev: v1.5.0
  hooks:
  - id: detect-secrets
    args: [--baseline, old.baseline, --baseline, .secrets.baseline]
`,
    });
    expectResult(check, report, "pass");
  });

  it("a local hook whose entry is something else is not the detect-secrets hook", async () => {
    const report = await runCheck(check, {
      ".secrets.baseline": audited,
      "settings.py": SETTINGS_PY,
      ".pre-commit-config.yaml": "repos:\n- repo: local\n  hooks:\n  - id: detect-secrets\n    name: x\n    language: system\n    entry: echo detect-secrets-hook --baseline .secrets.baseline\n",
    });
    expectResult(check, report, "warn", [{ messageId: "baseline-not-wired", path: ".secrets.baseline", line: 1 }]);
  });

  it("CI only: a workflow runs detect-secrets-hook --baseline -> pass", async () => {
    await expectPass(check, {
      ".secrets.baseline": audited,
      "settings.py": SETTINGS_PY,
      ".github/workflows/ci.yaml": `on: [push]
jobs:
  secrets:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install detect-secrets==1.5.0
      - run: |
          git ls-files -z | xargs -0 detect-secrets-hook --baseline .secrets.baseline
`,
    });
  });

  it("CI with continue-on-error: true -> warn ci-failure-ignored at the command's line in the block", async () => {
    const report = await runCheck(check, {
      ".secrets.baseline": audited,
      "settings.py": SETTINGS_PY,
      ".github/workflows/ci.yml": `on: [push]
jobs:
  secrets:
    runs-on: ubuntu-latest
    steps:
      - continue-on-error: true
        run: |
          pip install detect-secrets

          detect-secrets scan --baseline .secrets.baseline
`,
    });
    expectResult(check, report, "warn", [{ messageId: "ci-failure-ignored", path: ".github/workflows/ci.yml", line: 10 }]);
  });

  it("a Makefile recipe wires the baseline; a tox command with a - prefix is a masked failure", async () => {
    const report = await runCheck(check, {
      ".secrets.baseline": audited,
      "settings.py": SETTINGS_PY,
      Makefile: "secrets:\n\t@detect-secrets scan --baseline .secrets.baseline\n",
      "tox.ini": "[tox]\nenvlist = py312\n\n[testenv:secrets]\ncommands =\n    - detect-secrets-hook --baseline .secrets.baseline settings.py\n",
    });
    expectResult(check, report, "warn", [{ messageId: "ci-failure-ignored", path: "tox.ini", line: 6 }]);
  });

  it("a Makefile running the IBM fork through `$(UV_BIN) tool run --from …` wires the baseline and allows --fail-on flags", async () => {
    const makefile = [
      "DETECT_SECRETS_SPEC ?= git+https://github.com/ibm/detect-secrets.git@0123456789abcdef0123456789abcdef01234567",
      "",
      "detect-secrets-hook:",
      "\t@git ls-files -z | xargs -0 $(UV_BIN) tool run --from '$(DETECT_SECRETS_SPEC)' detect-secrets-hook \\",
      "\t\t--baseline .secrets.baseline \\",
      "\t\t--fail-on-unaudited",
      "",
      "audit:",
      "\t@$(UV_BIN) tool run --from '$(DETECT_SECRETS_SPEC)' detect-secrets audit --report --fail-on-unaudited .secrets.baseline",
      "",
    ].join("\n");
    await expectPass(check, { ".secrets.baseline": audited, "settings.py": SETTINGS_PY, Makefile: makefile });
  });

  it("`detect-secrets scan --update X` (0.x, IBM) names the baseline like --baseline", async () => {
    const workflow = "on: push\njobs:\n  s:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python -m detect_secrets scan --update .secrets.baseline\n";
    await expectPass(check, { ".secrets.baseline": audited, "settings.py": SETTINGS_PY, ".github/workflows/s.yml": workflow });
  });

  it("the hook rev matches the baseline version after stripping v; a SHA rev is not compared", async () => {
    const config = YELP_HOOK.replace("rev: v1.5.0", "rev: 5e141933554a0b74e7341841f318be21e895339c");
    await expectPass(check, { ".secrets.baseline": audited, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": config });
    const older = YELP_HOOK.replace("rev: v1.5.0", "rev: v1.4.0");
    const report = await runCheck(check, { ".secrets.baseline": audited, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": older });
    expectResult(check, report, "warn", [{ messageId: "version-mismatch", path: ".pre-commit-config.yaml", line: HOOK_LINE }]);
  });

  it("a devenv.nix git hook with the baseline (as in 18F/identity-idp) -> indeterminate generated-hook, not unwired", async () => {
    const nix = `{ pkgs, ... }: {\n  git-hooks.hooks = {\n    detect-secrets = {\n      enable = true;\n      entry = "detect-secrets-hook";\n      args = [ "--baseline" ".secrets.baseline" ];\n    };\n  };\n}\n`;
    const report = await runCheck(check, { ".secrets.baseline": audited, "settings.py": SETTINGS_PY, "devenv.nix": nix });
    expectResult(check, report, "indeterminate", [{ messageId: "generated-hook", path: "devenv.nix", line: 6 }]);
    // A Nix file naming another baseline does not count.
    const other = await runCheck(check, { ".secrets.baseline": audited, "settings.py": SETTINGS_PY, "devenv.nix": nix.replace(".secrets.baseline", "x.baseline") });
    expectResult(check, other, "warn", [{ messageId: "baseline-not-wired", path: ".secrets.baseline", line: 1 }]);
  });

  it("a hook that excludes everything, or runs only manually, never scans -> warn hook-disabled", async () => {
    const excluding = YELP_HOOK.replace("exclude: package.lock.json", "exclude: .*");
    const a = await runCheck(check, { ".secrets.baseline": audited, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": excluding });
    expectResult(check, a, "warn", [{ messageId: "hook-disabled", path: ".pre-commit-config.yaml", line: HOOK_LINE }]);
    const nothing = YELP_HOOK.replace("exclude: package.lock.json", "files: ^$");
    const b = await runCheck(check, { ".secrets.baseline": audited, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": nothing });
    expectResult(check, b, "warn", [{ messageId: "hook-disabled", path: ".pre-commit-config.yaml", line: HOOK_LINE }]);
    const manual = YELP_HOOK.replace("exclude: package.lock.json", "stages: [manual]");
    const c = await runCheck(check, { ".secrets.baseline": audited, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": manual });
    expectResult(check, c, "warn", [{ messageId: "hook-disabled", path: ".pre-commit-config.yaml", line: HOOK_LINE }]);
  });

  it("a verbose (?x) exclude that spares most files is fine", async () => {
    const config = YELP_HOOK.replace("exclude: package.lock.json", "exclude: |\n          (?x)^(\n            docs/.*|\n            vendor/.*\n          )$");
    await expectPass(check, { ".secrets.baseline": audited, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": config });
  });

  it("monorepo: a wired root baseline and an unwired package baseline -> warn for the package one only", async () => {
    const report = await runCheck(check, {
      ".secrets.baseline": audited,
      "settings.py": SETTINGS_PY,
      ".pre-commit-config.yaml": YELP_HOOK,
      "packages/api/.secrets.baseline": baseline1x({}),
      "node_modules/dep/.secrets.baseline": "not even json",
    });
    expectResult(check, report, "warn", [{ messageId: "baseline-not-wired", path: "packages/api/.secrets.baseline", line: 1 }]);
  });
});

describe("secrets-baseline: the baseline format", () => {
  const wired = (text: string, more: FileMap = {}) => runCheck(check, { ".secrets.baseline": text, ".pre-commit-config.yaml": YELP_HOOK, ...more });

  it("comments are not JSON -> fail invalid-json", async () => {
    const report = await wired('{\n  // generated\n  "version": "1.5.0"\n}\n');
    expectResult(check, report, "fail", [{ messageId: "invalid-json", path: ".secrets.baseline", line: 2 }]);
    expect(report.findings[0]?.message).toContain("comment");
  });

  it("a binary baseline -> fail invalid-json", async () => {
    const report = await wired("x", { ".secrets.baseline": new Uint8Array([123, 0, 125]) });
    expectResult(check, report, "fail", [{ messageId: "invalid-json", path: ".secrets.baseline", line: 1 }]);
  });

  it("missing plugins_used -> fail invalid-baseline", async () => {
    const report = await wired('{\n  "version": "1.5.0",\n  "filters_used": [],\n  "results": {}\n}\n');
    expectResult(check, report, "fail", [{ messageId: "invalid-baseline", path: ".secrets.baseline", line: 1 }]);
    expect(report.findings[0]?.message).toContain("`plugins_used` is missing");
  });

  it("a 1.x baseline without filters_used -> fail invalid-baseline", async () => {
    const report = await wired('{"version": "1.1.0", "plugins_used": [{"name": "AWSKeyDetector"}], "results": {}}');
    expectResult(check, report, "fail", [{ messageId: "invalid-baseline", path: ".secrets.baseline", line: 1 }]);
  });

  it("results as a list, version as a number, or version not x.y.z -> fail invalid-baseline at that key", async () => {
    const a = await wired('{\n"version": "1.5.0",\n"plugins_used": [],\n"filters_used": [],\n"results": []\n}');
    expectResult(check, a, "fail", [{ messageId: "invalid-baseline", path: ".secrets.baseline", line: 5 }]);
    const b = await wired('{\n"version": 1.5,\n"plugins_used": [],\n"filters_used": [],\n"results": {}\n}');
    expectResult(check, b, "fail", [{ messageId: "invalid-baseline", path: ".secrets.baseline", line: 2 }]);
    const c = await wired('{\n"version": "1.5",\n"plugins_used": [],\n"filters_used": [],\n"results": {}\n}');
    expectResult(check, c, "fail", [{ messageId: "invalid-baseline", path: ".secrets.baseline", line: 2 }]);
  });

  it("a plugin without a name -> fail invalid-baseline at the plugin", async () => {
    const text = baseline1x({}, { plugins_used: [{ name: "AWSKeyDetector" }, { limit: 3 }] });
    const report = await wired(text);
    expectResult(check, report, "fail", [{ messageId: "invalid-baseline", path: ".secrets.baseline", line: lineOf(text, '"limit"') - 1 }]);
  });

  it("line_number 0, is_secret 'yes', a missing type -> fail invalid-result for each", async () => {
    const text = baseline1x({
      "settings.py": [
        result("settings.py", { line_number: 0, is_secret: false }),
        result("settings.py", { is_secret: "yes" }),
        { filename: "settings.py", hashed_secret: SHA1_HELLO, is_verified: false, is_secret: false },
      ],
    });
    const report = await wired(text, { "settings.py": SETTINGS_PY });
    expectResult(check, report, "fail", [
      { messageId: "invalid-result", path: ".secrets.baseline", line: lineOf(text, '"line_number": 0') },
      { messageId: "invalid-result", path: ".secrets.baseline", line: lineOf(text, '"is_secret": "yes"') },
      // The third entry has no `type`: reported at the entry's opening brace.
      { messageId: "invalid-result", path: ".secrets.baseline", line: lineOf(text, '"filename"', text.indexOf('"is_secret": "yes"')) - 1 },
    ]);
  });

  it("is_secret: null is Python's None: unaudited, not malformed", async () => {
    const text = baseline1x({ "settings.py": [result("settings.py", { is_secret: null })] });
    const report = await wired(text, { "settings.py": SETTINGS_PY });
    expectResult(check, report, "warn", [{ messageId: "unaudited-results", path: ".secrets.baseline", line: lineOf(text, '"results"') }]);
  });

  it("requireAudited: false turns unaudited results into a notice -> pass", async () => {
    const report = await runCheck(
      check,
      { ".secrets.baseline": baseline1x({ "settings.py": [result("settings.py")] }), "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": YELP_HOOK },
      { requireAudited: false },
    );
    expect(report.status).toBe("pass");
    expect(report.findings.map((f) => [f.messageId, f.severity])).toEqual([["unaudited-results", "notice"]]);
  });

  it("is_secret: true for a file that is gone is history, not a live secret -> warn stale-result only", async () => {
    const text = baseline1x({ "old.py": [result("old.py", { is_secret: true })] });
    const report = await wired(text);
    expectResult(check, report, "warn", [{ messageId: "stale-result", path: ".secrets.baseline", line: lineOf(text, '"old.py": [') }]);
  });

  it("a line_number past the end of a file that was read -> warn stale-result at the entry", async () => {
    const text = baseline1x({ "config/app.ini": [result("config/app.ini", { line_number: 40, is_secret: false })] });
    const report = await wired(text, { "config/app.ini": "[app]\nname = x\n" });
    expectResult(check, report, "warn", [{ messageId: "stale-result", path: ".secrets.baseline", line: lineOf(text, '"line_number": 40') }]);
    expect(report.findings[0]?.message).toContain("has 2 lines");
  });

  it("more than five stale files are summed up in one finding", async () => {
    const files = ["a", "b", "c", "d", "e", "f", "g"].map((x) => `gone/${x}.py`);
    const text = baseline1x(Object.fromEntries(files.map((f) => [f, [result(f, { is_secret: false })]])));
    const report = await wired(text);
    expectResult(check, report, "warn", [{ messageId: "stale-result", path: ".secrets.baseline", line: lineOf(text, '"gone/a.py": [') }]);
    expect(report.findings[0]?.message).toContain("7 files are gone");
  });

  it("0.x Windows keys are repository paths with forward slashes", async () => {
    const text = JSON.stringify({
      exclude: { files: null, lines: null },
      generated_at: "2020-01-01T00:00:00Z",
      plugins_used: [{ name: "AWSKeyDetector" }, { name: "PrivateKeyDetector" }],
      results: { "app\\settings.py": [{ hashed_secret: SHA1_HELLO, is_secret: false, is_verified: false, line_number: 3, type: "Secret Keyword" }] },
      version: "0.14.3",
    });
    const config = YELP_HOOK.replace("rev: v1.5.0", "rev: v0.14.3");
    await expectPass(check, { ".secrets.baseline": text, "app/settings.py": SETTINGS_PY, ".pre-commit-config.yaml": config });
  });

  it("a baseline older than 0.9 -> warn baseline-too-old", async () => {
    const text = '{\n  "exclude_regex": null,\n  "generated_at": "2018-01-01T00:00:00Z",\n  "plugins_used": [{"name": "PrivateKeyDetector"}],\n  "results": {},\n  "version": "0.8.8"\n}\n';
    const report = await wired(text);
    expectResult(check, report, "warn", [
      { messageId: "baseline-too-old", path: ".secrets.baseline", line: 6 },
      { messageId: "version-mismatch", path: ".pre-commit-config.yaml", line: HOOK_LINE },
    ]);
  });

  it("no plugins, or none of the key detectors, or a 0.x exclude of everything -> warn baseline-disabled", async () => {
    const a = baseline1x({}, { plugins_used: [] });
    expectResult(check, await wired(a), "warn", [{ messageId: "baseline-disabled", path: ".secrets.baseline", line: lineOf(a, '"plugins_used"') }]);
    const b = baseline1x({}, { plugins_used: [{ name: "KeywordDetector" }] });
    expectResult(check, await wired(b), "warn", [{ messageId: "baseline-disabled", path: ".secrets.baseline", line: lineOf(b, '"plugins_used"') }]);
    const c = JSON.stringify({ exclude: { files: "^.*$", lines: null }, plugins_used: [{ name: "AWSKeyDetector" }], results: {}, version: "0.14.3" }, null, 2);
    const report = await runCheck(check, { ".secrets.baseline": c, ".pre-commit-config.yaml": YELP_HOOK.replace("v1.5.0", "v0.14.3") });
    expectResult(check, report, "warn", [{ messageId: "baseline-disabled", path: ".secrets.baseline", line: lineOf(c, '"files"') }]);
  });

  it("a slim baseline is valid -> pass with a notice", async () => {
    const text = JSON.stringify({ version: "1.5.0", plugins_used: PLUGINS_1X, filters_used: FILTERS_1X, results: { "settings.py": [{ type: "Secret Keyword", filename: "settings.py", hashed_secret: SHA1_HELLO, is_verified: false, is_secret: false }] } });
    const report = await runCheck(check, { ".secrets.baseline": text, "settings.py": SETTINGS_PY, ".pre-commit-config.yaml": YELP_HOOK });
    expect(report.status).toBe("pass");
    expect(report.findings.map((f) => f.messageId)).toEqual(["slim-baseline"]);
  });

  it("a baseline over the size cap -> indeterminate baseline-unreadable", async () => {
    const big = baseline1x({}, { padding: "x".repeat(2000) });
    const report = await runCheck(check, { ".secrets.baseline": big, ".pre-commit-config.yaml": YELP_HOOK }, {}, { maxFileBytes: 1000 });
    expectResult(check, report, "indeterminate", [{ messageId: "baseline-unreadable", path: ".secrets.baseline" }]);
  });

  it("a baseline outside the `baselines` globs -> indeterminate, and the help says which option to set", async () => {
    const config = YELP_HOOK.replace("'.secrets.baseline'", "'ci/detect-secrets.state'");
    const report = await runCheck(check, { "ci/detect-secrets.state": baseline1x({}), ".pre-commit-config.yaml": config });
    expectResult(check, report, "indeterminate", [{ messageId: "baseline-unreadable", path: "ci/detect-secrets.state" }]);
    expect(report.findings[0]?.help).toContain("baselines");
    await expectPass(check, { "ci/detect-secrets.state": baseline1x({}), ".pre-commit-config.yaml": config }, { baselines: ["ci/detect-secrets.state"] });
  });
});

describe("secrets-baseline: the independent scan (SB014)", () => {
  const base = (results: Record<string, Result[]>) => ({ ".secrets.baseline": baseline1x(results), ".pre-commit-config.yaml": YELP_HOOK });

  it("a private key the baseline records (hash of its header) is covered; another file's is not", async () => {
    const entry = { type: "Private Key", filename: "deploy/id.pem", hashed_secret: SHA1_RSA_MARKER, is_verified: false, line_number: 1, is_secret: false };
    const report = await runCheck(check, { ...base({ "deploy/id.pem": [entry] }), "deploy/id.pem": RSA_KEY, "certs/other.key": RSA_KEY });
    expectResult(check, report, "fail", [
      { messageId: "broad-allowlist", path: ".secrets.baseline", line: lineOf(baseline1x({ "deploy/id.pem": [entry] }), '"type": "Private Key"') - 1 },
      { messageId: "unbaselined-secret", path: "certs/other.key", line: 1 },
    ]);
    const hit = report.findings.find((f) => f.messageId === "unbaselined-secret");
    expect(hit?.message).toContain(SHA1_RSA_MARKER);
    expectNoLeak(report, "Q".repeat(64));
  });

  it("a GitHub token in a workflow and a database password in compose -> two findings, neither printed", async () => {
    const report = await runCheck(check, {
      ...base({}),
      ".github/workflows/deploy.yml": `on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    env:\n      TOKEN: ${GH_TOKEN}\n    steps:\n      - run: echo\n`,
      "docker-compose.prod.yml": `services:\n  api:\n    environment:\n      DATABASE_URL: mysql://app:${DB_PASSWORD}@prod-db.internal/app\n`,
    });
    expectResult(check, report, "fail", [
      { messageId: "unbaselined-secret", path: ".github/workflows/deploy.yml", line: 6 },
      { messageId: "unbaselined-secret", path: "docker-compose.prod.yml", line: 4 },
    ]);
    expectNoLeak(report, GH_TOKEN, GH_TOKEN.slice(4), DB_PASSWORD);
  });

  it("an entry with the same file and hash covers the hit, whatever type detect-secrets gave it", async () => {
    const { createHash } = await import("node:crypto");
    const hash = createHash("sha1").update(GH_TOKEN).digest("hex");
    const entry = { type: "Base64 High Entropy String", filename: ".env.production", hashed_secret: hash, is_verified: false, line_number: 1, is_secret: false };
    await expectPass(check, { ...base({ ".env.production": [entry] }), ".env.production": `TOKEN=${GH_TOKEN}\n` });
    // The same hash recorded for another file does not cover it.
    const elsewhere = { ...entry, filename: "other.env" };
    const report = await runCheck(check, { ...base({ "other.env": [elsewhere] }), "other.env": "X=1\n", ".env.production": `TOKEN=${GH_TOKEN}\n` });
    expectResult(check, report, "fail", [{ messageId: "unbaselined-secret", path: ".env.production", line: 1 }]);
  });

  it("local placeholder credentials are not secrets; detect-secrets pragmas and secretlint-disable are honoured", async () => {
    await expectPass(check, {
      ...base({}),
      ".github/workflows/test.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      DATABASE_URL: postgres://postgres:postgres@localhost:5432/test\n    steps:\n      - run: pytest\n",
      "docker-compose.yml": "services:\n  db:\n    environment:\n      URL: mongodb://root:example@mongo:27017/\n",
      "config/settings.sh.conf": 'URI="postgresql://\\(.db_username):\\(.db_password)@\\(.db_host)/db"\n# postgresql://[user[:password]@][netloc][:port][/dbname]\nX=mysql://app:${DB_PASSWORD}@db/app\n',
      ".env.test": `TOKEN=${GH_TOKEN}  # pragma: allowlist secret\n# pragma: allowlist nextline secret\nAWS_ACCESS_KEY_ID=${AWS_ID}\n# secretlint-disable-next-line\nOTHER=${GH_TOKEN}\n`,
    });
  });

  it("one secret twice on a line is one finding", async () => {
    const report = await runCheck(check, { ...base({}), ".env": `PAIR=${AWS_ID}:${AWS_ID}\n` });
    expectResult(check, report, "fail", [{ messageId: "unbaselined-secret", path: ".env", line: 1 }]);
  });

  it("files outside the likely set are not scanned unless scan: all or scanInclude", async () => {
    const files = { ...base({}), "src/client.py": `TOKEN = "${GH_TOKEN}"\n` };
    await expectPass(check, files);
    const all = await runCheck(check, files, { scan: "all" });
    expectResult(check, all, "fail", [{ messageId: "unbaselined-secret", path: "src/client.py", line: 1 }]);
    const included = await runCheck(check, files, { scanInclude: ["src/**/*.py"] });
    expectResult(check, included, "fail", [{ messageId: "unbaselined-secret", path: "src/client.py", line: 1 }]);
    expect(secretsBaseline.files(secretsBaseline.options.parse({ scan: "all" }))).toContain("**");
    expectNoLeak(all, GH_TOKEN);
  });

  it("scan: off, scanExclude, vendored code and the baseline's own exclude filter stop the scan", async () => {
    const planted = { ".env": `AWS_ACCESS_KEY_ID=${AWS_ID}\n`, "node_modules/x/.env": `AWS_ACCESS_KEY_ID=${AWS_ID}\n` };
    await expectPass(check, { ...base({}), ...planted }, { scan: "off" });
    await expectPass(check, { ...base({}), ...planted }, { scanExclude: ["**/.env", "**/node_modules/**"] });
    const filtered = baseline1x({}, { filters_used: [...FILTERS_1X, { path: "detect_secrets.filters.regex.should_exclude_file", pattern: ["^\\.env$"] }] });
    await expectPass(check, { ".secrets.baseline": filtered, ".pre-commit-config.yaml": YELP_HOOK, ...planted });
  });

  it("the check's files cover the baseline, the pre-commit config and the scan", () => {
    const files = secretsBaseline.files(secretsBaseline.options.parse({}));
    for (const f of [".secrets.baseline", ".pre-commit-config.yaml", ".github/workflows/*.yml", "**/.env", "**/*.pem"]) {
      expect(files.some((g) => g === f || g.endsWith(f.replace("**/", "")))).toBe(true);
    }
    expect(secretsBaseline.files(secretsBaseline.options.parse({ scan: "off" }))).not.toContain("**/.env");
  });
});

describe("the secretlint scan in a long-running process", () => {
  it("keeps no profile: scanning many files leaves no performance marks and nothing in secretlint's profiler", async () => {
    const { performance } = await import("node:perf_hooks");
    const { secretLintProfiler } = await import("@secretlint/profiler");
    const { scanText } = await import("../../checks/secrets-baseline/scan.js");
    const before = performance.getEntriesByType("mark").length;
    for (let i = 0; i < 50; i += 1) await scanText(`config/app${i}.env`, `API_URL=https://example.invalid/${i}\nDEBUG=false\n`);
    // Let the profiler's PerformanceObserver run, had anything been marked.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(performance.getEntriesByType("mark").length - before).toBe(0);
    expect(await secretLintProfiler.getEntries()).toHaveLength(0);
  });
});
