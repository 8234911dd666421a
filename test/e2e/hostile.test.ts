import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, git, makeGitRepo } from "../support/git-fixture.js";
import type { CheckRunRecord } from "../support/github-sim/index.js";
import { accepted, annotationPlaces, E2E_TIMEOUT, expectClean, lineOf, runsByName, startE2E, stopE2E, WAIT, type E2E } from "./harness.js";

/**
 * A hostile repository audited by the real app process: a tree GitHub truncates, a 100 MB file, a
 * YAML alias bomb, invalid UTF-8 and a symlink loop, each where a check reads. The app must stay up,
 * complete every phase's run with every check reported, and report the broken files (skipped or a
 * finding) instead of failing. An alias bomb as the checklist itself gives the configuration run.
 */

let e: E2E;

beforeAll(async () => {
  e = await startE2E();
});

afterAll(async () => {
  await stopE2E(e);
});

/** Nine levels of nine aliases: 9^9 (387 million) strings if a parser expanded it. */
function aliasBomb(key: string): string {
  const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  const names = "abcdefghi";
  for (let i = 1; i < names.length; i++) {
    const alias = `*${names[i - 1]}`;
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(alias).join(", ")}]`);
  }
  lines.push(`${key}: *i`);
  return `${lines.join("\n")}\n`;
}

const CHECKLIST = `phases:
  - id: phase-1
    name: Foundation
    checks:
      - secrets-baseline
      - pre-commit-config:
          hooks: [ruff]
      - file-exists: { path: SECURITY.md }
  - id: phase-2
    name: Hardening
    gate: advisory
    checks:
      - dockerfile-reload
      - index-migrations
      - file-not-contains: { path: "src/**/*.py", pattern: "execute\\\\(f" }
`;
/** What each check says of the hostile repository: a judgement each, never `error`. */
const EXPECTED = {
  "secrets-baseline": "fail",
  "pre-commit-config": "fail",
  "file-exists": "pass",
  "dockerfile-reload": "fail",
  "index-migrations": "fail",
  "file-not-contains": "fail",
};

/** Check id -> status, from the table of a phase run's output (`| ❌ fail | [\`id\`](…) | …`). */
function statuses(run: CheckRunRecord): Record<string, string> {
  const text = `${run.output.summary ?? ""}\n${run.output.text ?? ""}`;
  const found: Record<string, string> = {};
  for (const m of text.matchAll(/^\| \S+ ([a-z-]+) \| \[`([a-z-]+)`\]/gmu)) found[m[2] as string] ??= m[1] as string;
  return found;
}

/** Invalid UTF-8 (a lone 0xFF, a cut 3-byte sequence) before the line a check must still find. */
const LATIN1_PY = Buffer.concat([
  Buffer.from("# caf"),
  Buffer.from([0xe9, 0xff, 0xe2, 0x82]),
  Buffer.from(" encoded as latin-1\nimport db\n\n\ndef find(x):\n    return db.cursor().execute(f\"SELECT {x}\")\n"),
]);
const LATIN1_DOCKERFILE = Buffer.concat([
  Buffer.from("FROM python:3.12-slim\n# maintainer: Jos"),
  Buffer.from([0xe9, 0xfe]),
  Buffer.from("\nWORKDIR /app\nCOPY . .\nCMD [\"uvicorn\", \"app.main:app\", \"--reload\"]\n"),
]);

const HUGE_BYTES = 100 * 1024 * 1024;

/** A 100 MB file written in 1 MiB chunks of SQL comments. */
function writeHuge(file: string): void {
  const line = Buffer.from("-- a generated migration padded to 100 MB; no statement here\n");
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = line[i % line.length] as number;
  const fd = fs.openSync(file, "w");
  try {
    for (let written = 0; written < HUGE_BYTES; written += chunk.length) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

const TREE_LIMIT = 200;

describe.concurrent("a hostile repository", { timeout: E2E_TIMEOUT }, () => {
  it("is audited without a crash: every check reported, the broken files skipped or found, the rest judged", async () => {
    const files: Record<string, string | Uint8Array> = {
      ".github/phase-gate.yml": CHECKLIST,
      "SECURITY.md": "# Security\n",
      ".pre-commit-config.yaml": aliasBomb("repos"),
      "src/app/latin1.py": LATIN1_PY,
      Dockerfile: LATIN1_DOCKERFILE,
      "migrations/0001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
      "migrations/0002_email_idx.sql": "CREATE INDEX users_email_idx ON users (email);\n",
    };
    // More entries than the simulator lists in one recursive tree: GitHub answers `truncated: true`.
    for (let i = 0; i < TREE_LIMIT + 50; i++) files[`vendor/generated/mod_${String(i).padStart(3, "0")}.txt`] = `${i}\n`;
    const dir = makeGitRepo(files, { commit: false });
    e.dirs.push(dir);
    writeHuge(path.join(dir, "migrations/0003_huge.sql"));
    // A symlink loop where the checks look: a -> b, b -> a (committed as symlinks, mode 120000).
    fs.mkdirSync(path.join(dir, "docker"));
    fs.symlinkSync("Dockerfile.b", path.join(dir, "docker/Dockerfile.a"));
    fs.symlinkSync("Dockerfile.a", path.join(dir, "docker/Dockerfile.b"));
    fs.symlinkSync("0004_loop_b.sql", path.join(dir, "migrations/0004_loop_a.sql"));
    fs.symlinkSync("0004_loop_a.sql", path.join(dir, "migrations/0004_loop_b.sql"));
    const sha = commitAll(dir, "hostile");
    expect(git(dir, "ls-tree", "-r", sha, "docker/").split("\n").filter(Boolean).map((l) => l.split(" ")[0])).toEqual(["120000", "120000"]);
    expect(Number(git(dir, "cat-file", "-s", `${sha}:migrations/0003_huge.sql`).trim())).toBe(HUGE_BYTES);

    e.sim.addRepo({ owner: "hostile", name: "repo", dir, installationId: 9901, treeLimit: TREE_LIMIT });
    const payload = await e.sim.payloads.push("hostile", "repo");
    const delivery = accepted(await e.sim.deliver(e.app.webhookUrl, { event: "push", payload }));
    await e.app.guard(e.sim.waitForCheckRuns("hostile", "repo", sha, { count: 2, ...WAIT }));
    await e.app.settled([delivery.id]);

    e.app.assertAlive();
    const runs = e.sim.checkRuns("hostile", "repo", { headSha: sha });
    const byName = runsByName(runs);
    const foundation = byName["phase-gate: Foundation"] as CheckRunRecord;
    const hardening = byName["phase-gate: Hardening"] as CheckRunRecord;
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed"]);
    const report = (run: CheckRunRecord) => `${run.output.summary ?? ""}\n${run.output.text ?? ""}`;
    const all = `${report(foundation)}\n${report(hardening)}`;

    // Every check of the checklist has a result, and none of them broke (status `error`).
    expect({ ...statuses(foundation), ...statuses(hardening) }).toEqual(EXPECTED);
    expect(all).not.toMatch(/failed to run/);

    // The alias bomb is a finding on the file (not expanded, not a crash).
    expect(annotationPlaces(foundation).some((p) => p.startsWith(".pre-commit-config.yaml:"))).toBe(true);
    expect(foundation.conclusion).toBe("failure");
    // Invalid UTF-8 read lossily: the findings still land on the right lines.
    const py = LATIN1_PY.toString("latin1");
    const docker = LATIN1_DOCKERFILE.toString("latin1");
    expect(annotationPlaces(hardening)).toEqual(
      expect.arrayContaining([`src/app/latin1.py:${lineOf(py, "execute(f")}`, `Dockerfile:${lineOf(docker, "--reload")}`, `migrations/0002_email_idx.sql:1`]),
    );
    // The 100 MB file and the symlinks are reported as not read; the truncated tree is said.
    expect(all).toContain("migrations/0003_huge.sql");
    expect(all).toMatch(/docker\/Dockerfile\.a/);
    expect(all).toMatch(/truncated/i);
    // The huge blob was never fetched (nor any blob twice), and no symlink was followed.
    const blobs = e.sim.requests().filter((r) => r.route === "GET /repos/{owner}/{repo}/git/blobs/{file_sha}" && r.path.startsWith("/repos/hostile/repo/"));
    const hugeSha = git(dir, "rev-parse", `${sha}:migrations/0003_huge.sql`).trim();
    expect(blobs.some((r) => r.path.includes(hugeSha))).toBe(false);
    expect(blobs.filter((r) => r.status !== 200)).toEqual([]);
    expect(new Set(blobs.map((r) => r.path)).size).toBe(blobs.length);
    expectClean(e);
  });

  it("an alias bomb as the checklist itself: a failing configuration run on its line, no phase run, the app still up", async () => {
    const checklist = aliasBomb("phases");
    const dir = makeGitRepo({ ".github/phase-gate.yml": checklist, "README.md": "# bomb\n" });
    e.dirs.push(dir);
    const sha = git(dir, "rev-parse", "HEAD").trim();
    e.sim.addRepo({ owner: "hostile", name: "checklist", dir, installationId: 9902 });
    const payload = await e.sim.payloads.push("hostile", "checklist");
    const delivery = accepted(await e.sim.deliver(e.app.webhookUrl, { event: "push", payload }));
    const runs = await e.app.guard(e.sim.waitForCheckRuns("hostile", "checklist", sha, { count: 1, ...WAIT }));
    await e.app.settled([delivery.id]);

    e.app.assertAlive();
    expect(runs.map((r) => [r.name, r.status, r.conclusion])).toEqual([["phase-gate configuration", "completed", "failure"]]);
    const annotations = runs[0]?.annotations ?? [];
    expect(annotations.length).toBeGreaterThan(0);
    const lines = checklist.split("\n").length - 1;
    for (const a of annotations) {
      expect(a.path).toBe(".github/phase-gate.yml");
      expect(a.start_line).toBeGreaterThanOrEqual(1);
      expect(a.start_line).toBeLessThanOrEqual(lines);
    }
    expect(`${runs[0]?.output.summary}\n${runs[0]?.output.text}`).toMatch(/alias/i);
    // Nothing of the repository was read beyond the checklist.
    expect(e.sim.requests().filter((r) => r.path.startsWith("/repos/hostile/checklist/git/"))).toEqual([]);
    expectClean(e);
  });
});
