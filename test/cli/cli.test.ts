/**
 * The `phase-gate` command end to end, in process (fast) and through the real bin script, on
 * fixture repositories built with real git: commits, an uncommitted edit, an ignored file, a
 * binary, a symlink.
 */
import { execFile } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { git, makeGitRepo, makeTempDir, removeDir, writeFiles } from "../support/git-fixture.js";

const root = join(import.meta.dirname, "..", "..");

class Capture extends Writable {
  text = "";
  isTTY = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString("utf8");
    done();
  }
}

async function run(args: string[], cwd: string, opts: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = new Capture();
  stdout.isTTY = opts.tty ?? false;
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr, cwd, env: opts.env ?? {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const CHECKLIST = `phases:
  - id: phase-1
    name: Foundation
    gate: required
    checks:
      - file-exists: { path: SECURITY.md }
      - file-not-contains:
          path: "src/**/*.py"
          pattern: 'execute\\(f"'
          message: SQL is never built with f-strings
  - id: phase-2
    name: Hygiene
    gate: advisory
    checks:
      - file-absent: { path: "**/*.log" }
      - file-contains: { path: "assets/*.bin", pattern: "x" }
      - file-exists: { path: docs/LINK.md }
`;

let repo: string;

beforeAll(() => {
  repo = makeGitRepo({
    ".github/phase-gate.yml": CHECKLIST,
    ".gitignore": "*.log\n",
    "SECURITY.md": "# Security\n",
    "src/db.py": 'x = 1\ncursor.execute("SELECT 1")\n',
    "assets/logo.bin": new Uint8Array([0x78, 0x00, 0x78]),
    "docs/REAL.md": "real\n",
  });
  symlinkSync("REAL.md", join(repo, "docs", "LINK.md"));
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "symlink");
  // An ignored file that would fail file-absent if it were audited.
  writeFileSync(join(repo, "debug.log"), "ignored\n");
});

afterAll(() => removeDir(repo));

describe("phase-gate audit", () => {
  it("audits the work tree: ignored files unseen, binary and symlink skipped, exit 0 when required phases hold", async () => {
    const r = await run(["audit", repo, "--format", "json"], root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.commit).toBe(git(repo, "rev-parse", "HEAD").trim());
    expect(report.checklist).toEqual({ source: "file", path: ".github/phase-gate.yml" });
    const statuses = report.phases.map((p: { id: string; status: string; checks: { id: string; status: string }[] }) => [
      p.id,
      p.status,
      p.checks.map((c) => c.status),
    ]);
    expect(statuses).toEqual([
      ["phase-1", "complete", ["pass", "pass"]],
      // the binary is skipped, so file-contains cannot know: indeterminate
      ["phase-2", "incomplete", ["pass", "indeterminate", "pass"]],
    ]);
    expect(report.skipped).toEqual([{ path: "assets/logo.bin", reason: "binary", size: 3 }]);
  });

  it("audits uncommitted edits, and exits 1 when a required phase fails", async () => {
    writeFiles(repo, { "src/db.py": 'x = 1\ncursor.execute(f"SELECT {x}")\n' });
    try {
      const r = await run(["audit", repo], root);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("src/db.py:2");
      expect(r.stdout).toContain("SQL is never built with f-strings");
      expect(r.stdout).not.toContain("\u001b[");
      const json = JSON.parse((await run(["audit", repo, "--format", "json"], root)).stdout);
      expect(json.phases[0].checks[1].findings).toEqual([
        expect.objectContaining({ messageId: "match", path: "src/db.py", line: 2, severity: "error" }),
      ]);
      expect(json.notes).toContain("the work tree has uncommitted changes; they are audited");
    } finally {
      git(repo, "checkout", "--", "src/db.py");
    }
  });

  it("exits 0 when only an advisory phase fails", async () => {
    const r = await run(["audit", repo, "--phase", "phase-2", "--format", "json"], root);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).phases.map((p: { id: string }) => p.id)).toEqual(["phase-2"]);
  });

  it("colours the text report only on a TTY without NO_COLOR", async () => {
    expect((await run(["audit", repo], root, { tty: true })).stdout).toContain("\u001b[");
    expect((await run(["audit", repo], root, { tty: true, env: { NO_COLOR: "1" } })).stdout).not.toContain("\u001b[");
  });

  it("renders Markdown and SARIF", async () => {
    const md = await run(["audit", repo, "--format", "markdown"], root);
    expect(md.stdout).toContain("| Status | Check | Summary |");
    const sarif = JSON.parse((await run(["audit", repo, "--format", "sarif"], root)).stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].tool.driver.name).toBe("phase-gate");
  });

  it("reads another checklist with --config, relative to the working directory", async () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir, "other.yml"), "phases:\n  - id: only\n    name: Only\n    checks:\n      - file-exists: { path: MISSING.md }\n");
      const r = await run(["audit", repo, "--config", "other.yml", "--format", "json"], dir);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.checklist).toEqual({ source: "file", path: "other.yml" });
      expect(report.phases[0].checks[0].findings[0].messageId).toBe("missing");
    } finally {
      removeDir(dir);
    }
  });

  it("walks a directory that is not a git checkout", async () => {
    const dir = makeTempDir();
    try {
      writeFiles(dir, { ".github/phase-gate.yml": CHECKLIST, "SECURITY.md": "x", ".gitignore": "*.log\n", "a.log": "x" });
      const r = await run(["audit", dir, "--format", "json", "--phase", "phase-2"], root);
      const report = JSON.parse(r.stdout);
      expect(report.commit).toBeNull();
      expect(report.phases[0].checks[0].status).toBe("pass");
    } finally {
      removeDir(dir);
    }
  });
});

describe("usage and configuration errors: one line on stderr, nothing on stdout, exit 2", () => {
  const cases: [string, string[], RegExp][] = [
    ["a missing directory", ["audit", "/nonexistent/phase-gate-dir"], /^phase-gate: \/nonexistent\/phase-gate-dir: no such directory\n$/],
    ["an unknown format", ["audit", ".", "--format", "xml"], /^phase-gate: unknown format 'xml' \(use text, markdown, json, sarif\)\n$/],
    ["an unreadable config", ["audit", ".", "--config", "nope.yml"], /^phase-gate: cannot read the checklist nope\.yml: no such file\n$/],
    ["an unknown option", ["audit", "--frmat", "json"], /^phase-gate: Unknown option '--frmat'.*\n$/],
    ["an unknown command", ["adit"], /^phase-gate: unknown command 'adit' \(try 'phase-gate --help'\)\n$/],
    ["two directories", ["audit", "a", "b"], /^phase-gate: audit takes one directory, got 2\n$/],
  ];
  for (const [name, args, stderr] of cases) {
    it(name, async () => {
      const r = await run(args, root);
      expect(r).toMatchObject({ code: 2, stdout: "" });
      expect(r.stderr).toMatch(stderr);
    });
  }

  it("an unknown phase lists the valid ones", async () => {
    const r = await run(["audit", repo, "--phase", "phase-9"], root);
    expect(r).toEqual({ code: 2, stdout: "", stderr: "phase-gate: unknown phase 'phase-9' (the checklist has: phase-1, phase-2)\n" });
  });

  it("an invalid checklist: each error with its file, line and column, then a summary line", async () => {
    const dir = makeGitRepo({
      ".github/phase-gate.yml": "phases:\n  - id: p\n    name: P\n    checks:\n      - file-exist: { path: x }\n",
    });
    try {
      const r = await run(["audit", "."], dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        ".github/phase-gate.yml:5:9: phases[0].checks[0]: unknown check 'file-exist' (did you mean 'file-exists'?)\n" +
          "phase-gate: the checklist has 1 error; nothing was audited\n",
      );
      // From another directory, the path is given so that an editor can open it.
      const elsewhere = await run(["audit", dir], root);
      expect(elsewhere.stderr.split("\n")[0]).toBe(`${join(dir, ".github/phase-gate.yml")}:5:9: phases[0].checks[0]: unknown check 'file-exist' (did you mean 'file-exists'?)`);
    } finally {
      removeDir(dir);
    }
  });
});

describe("phase-gate checks", () => {
  it("lists every check with its options and defaults", async () => {
    const r = await run(["checks"], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("file-contains — Files contain a pattern");
    expect(r.stdout).toContain("  min: integer (default 1)");
    expect(r.stdout).toContain("  path: string | string[] (required)");
    const json = JSON.parse((await run(["checks", "--format", "json"], root)).stdout);
    const contains = json.find((c: { id: string }) => c.id === "file-contains");
    expect(contains.options).toContainEqual({ name: "flags", type: "string", required: false, default: "" });
    expect(contains.docs).toMatch(/docs\/checks\/file-contains\.md$/);
  });

  it("prints help and the version", async () => {
    expect((await run(["--help"], root)).stdout).toContain("phase-gate audit [dir]");
    expect((await run(["--version"], root)).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await run([], root)).code).toBe(2);
  });
});

describe("the installed command (bin/phase-gate.js over lib/)", () => {
  const exec = promisify(execFile);
  const bin = join(root, "bin", "phase-gate.js");

  it("audits and exits with the report's code", async () => {
    const ok = await exec(process.execPath, [bin, "audit", repo, "--format", "json"], { cwd: root });
    expect(JSON.parse(ok.stdout).phases).toHaveLength(2);
    const failed = await exec(process.execPath, [bin, "audit", repo, "--config", join(repo, "missing.yml")], { cwd: root }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 2, stdout: "" });
    expect((failed as { stderr: string }).stderr).toMatch(/^phase-gate: cannot read the checklist .*missing\.yml: no such file\n$/);
  });
});
