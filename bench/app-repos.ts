/**
 * Git repositories for the app benchmark, written with `git fast-import` into bare repositories
 * (thousands of files and commits in a second or two, no work tree): `files` files in all, of which
 * `relevant` are files the checklist's checks read (the checklist itself, pre-commit config,
 * detect-secrets baseline, pyproject.toml, compose file, then Dockerfiles and SQL migrations in
 * turn); the rest is ordinary Python source in nested directories (100 files a directory).
 *
 * Commits:
 * - `main`: the base commit; then `oneRelevant` (one migration changed); then `noRelevant` (one
 *   source file changed): the three pushes of the API-call scenario.
 * - `push/<n>` (n = 1..branches): each a child of the base changing one migration (its own
 *   content), for the load scenario: every delivery audits a commit of its own on a ref of its own.
 *
 * `salt` goes into every relevant file, so two repositories share no relevant blob (the app's blob
 * cache is keyed by SHA: shared blobs would be cache hits no real fleet of repositories has).
 * Deterministic: the same options give the same commits.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PRE_COMMIT_CONFIG } from "./generate-repo.js";

export interface AppRepoOptions {
  readonly files: number;
  readonly relevant: number;
  /** Written into every relevant file (e.g. the repository's name). */
  readonly salt: string;
  /** `push/<n>` branches, each one commit off the base changing one migration. */
  readonly branches: number;
}

export interface AppRepo {
  readonly dir: string;
  readonly base: string;
  readonly oneRelevant: string;
  readonly noRelevant: string;
  /** The path `oneRelevant` changed, and the one `noRelevant` changed. */
  readonly relevantChanged: string;
  readonly irrelevantChanged: string;
  /** `push/<n>` commits in order: the ref, the commit, its tree, the path it changed. */
  readonly branches: readonly BranchCommit[];
}

export interface BranchCommit {
  readonly ref: string;
  readonly sha: string;
  readonly tree: string;
  readonly changed: string;
}

/**
 * The checklist every benchmark repository carries: the five domain checks and four declarative
 * ones in three phases (two required, one advisory).
 */
export const BENCH_CHECKLIST = `phases:
  - id: foundation
    name: Foundation & Security
    gate: required
    checks:
      - secrets-baseline
      - pre-commit-config:
          hooks: [ruff, detect-secrets]
      - coverage-threshold:
          min: 80
      - file-exists: { path: SECURITY.md }
  - id: hardening
    name: Production hardening
    gate: required
    checks:
      - dockerfile-reload
      - index-migrations
      - file-not-contains: { path: "services/*/Dockerfile", pattern: "--reload" }
  - id: hygiene
    name: Repository hygiene
    gate: advisory
    checks:
      - file-absent: { path: ["**/*.pem", "**/.env"] }
      - file-contains: { path: "services/*/Dockerfile", pattern: "^FROM ", flags: m }
`;

/** Phases of `BENCH_CHECKLIST`: one check run each. */
export const BENCH_PHASES = 3;

const FILES_PER_DIR = 100;
const DIRS_PER_MODULE = 20;
const DATE = "1704067200 +0000";

function fixed(salt: string): Array<[string, string]> {
  return [
    [".github/phase-gate.yml", BENCH_CHECKLIST],
    [".pre-commit-config.yaml", `# ${salt}\n${PRE_COMMIT_CONFIG}`],
    [
      ".secrets.baseline",
      `${JSON.stringify({ version: "1.5.0", plugins_used: [{ name: "AWSKeyDetector" }, { name: "PrivateKeyDetector" }], filters_used: [], results: {}, generated_at: "2024-01-01T00:00:00Z", salt }, null, 2)}\n`,
    ],
    ["pyproject.toml", `[project]\nname = "${salt}"\nversion = "0.1.0"\n\n[tool.coverage.report]\nfail_under = 85\n`],
    ["docker-compose.yml", `# ${salt}\nservices:\n  api:\n    build: services/s0\n    command: ["uvicorn", "app:app", "--host", "0.0.0.0"]\n`],
  ];
}

function dockerfile(i: number, salt: string): string {
  const reload = i % 7 === 3;
  return [
    `# ${salt}`,
    "FROM python:3.12-slim AS base",
    "WORKDIR /app",
    "COPY . .",
    "RUN pip install --no-cache-dir -r requirements.txt",
    `EXPOSE ${8000 + (i % 1000)}`,
    reload ? 'CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--reload"]' : 'CMD ["uvicorn", "app:app", "--host", "0.0.0.0"]',
    "",
  ].join("\n");
}

function migration(i: number, salt: string, revision = 0): string {
  const t = `t${i}`;
  return [
    `-- ${salt}${revision > 0 ? ` revision ${revision}` : ""}`,
    `CREATE TABLE ${t} (id bigint PRIMARY KEY, name text NOT NULL);`,
    i % 5 === 2 ? `CREATE INDEX ${t}_name_idx ON ${t} (name);` : `CREATE INDEX CONCURRENTLY ${t}_name_idx ON ${t} (name);`,
    "",
  ].join("\n");
}

function migrationPath(i: number): string {
  return `migrations/${String(i + 1).padStart(4, "0")}_create_t${i}.sql`;
}

function relevantFiles(count: number, salt: string): Array<[string, string]> {
  const out = fixed(salt).slice(0, count);
  for (let i = 0; out.length < count; i++) {
    const n = Math.floor(i / 2);
    out.push(i % 2 === 0 ? [`services/s${n}/Dockerfile`, dockerfile(n, salt)] : [migrationPath(n), migration(n, salt)]);
  }
  return out;
}

function sourcePath(i: number): string {
  const dir = Math.floor(i / FILES_PER_DIR);
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  return `src/m${pad(Math.floor(dir / DIRS_PER_MODULE), 3)}/p${pad(dir % DIRS_PER_MODULE, 2)}/f${pad(i, 6)}.py`;
}

function sourceText(i: number, revision = 0): string {
  return `"""Module ${i}."""\n\n\ndef value_${i}() -> int:\n    return ${i + revision}\n`;
}

/** A fast-import stream: `M` lines with inline data, commits with fixed identities and dates. */
class Stream {
  readonly #chunks: Buffer[] = [];
  #mark = 0;

  commit(ref: string, message: string, from: number | null, files: ReadonlyArray<readonly [string, string]>): number {
    const mark = ++this.#mark;
    this.#text(`commit ${ref}\nmark :${mark}\nauthor bench <bench@example.invalid> ${DATE}\ncommitter bench <bench@example.invalid> ${DATE}\n`);
    this.#data(message);
    if (from !== null) this.#text(`from :${from}\n`);
    for (const [p, text] of files) {
      this.#text(`M 100644 inline ${p}\n`);
      this.#data(text);
    }
    this.#text("\n");
    return mark;
  }

  #text(text: string): void {
    this.#chunks.push(Buffer.from(text, "utf8"));
  }

  #data(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    this.#chunks.push(Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from("\n"));
  }

  get bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR", "GIT_PREFIX"]) delete env[name];
  return { ...env, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: "1" };
}

function git(dir: string, args: readonly string[], input?: Buffer): string {
  const r = spawnSync("git", ["-c", "init.defaultBranch=main", ...args], { cwd: dir, env: gitEnv(), input, maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} in ${dir}: ${r.stderr.toString()}`);
  return r.stdout.toString("utf8");
}

/** Writes the repository into `dir` (created; must not exist or be empty). */
export function generateAppRepo(dir: string, options: AppRepoOptions): AppRepo {
  const total = Math.max(1, Math.floor(options.files));
  const relevantCount = Math.min(total, Math.max(2, Math.floor(options.relevant)));
  fs.mkdirSync(dir, { recursive: true });
  if (fs.readdirSync(dir).length > 0) throw new Error(`generateAppRepo: ${dir} is not empty`);
  git(dir, ["init", "-q", "--bare"]);

  const relevant = relevantFiles(relevantCount, options.salt);
  const files: Array<[string, string]> = [...relevant, ["SECURITY.md", `# Security (${options.salt})\n`]];
  for (let i = 0; files.length < total; i++) files.push([sourcePath(i), sourceText(i)]);
  // The migration `oneRelevant` and every branch change: the last one generated.
  const lastMigration = [...relevant].reverse().find(([p]) => p.startsWith("migrations/"));
  if (lastMigration === undefined) throw new Error("generateAppRepo: relevant must leave room for one migration");
  const migrationIndex = Number(/_create_t(\d+)\.sql$/.exec(lastMigration[0])?.[1]);
  const irrelevant = sourcePath(0);

  const stream = new Stream();
  const base = stream.commit("refs/heads/main", `generated: ${total} files, ${relevantCount} relevant`, null, files);
  const one = stream.commit("refs/heads/main", "change one migration", base, [[lastMigration[0], migration(migrationIndex, options.salt, 1)]]);
  stream.commit("refs/heads/main", "change one source file", one, [[irrelevant, sourceText(0, 1)]]);
  for (let n = 1; n <= options.branches; n++) {
    stream.commit(`refs/heads/push/${String(n).padStart(4, "0")}`, `push ${n}`, base, [[lastMigration[0], migration(migrationIndex, options.salt, 1000 + n)]]);
  }
  git(dir, ["fast-import", "--quiet", "--done"], Buffer.concat([stream.bytes, Buffer.from("done\n")]));

  const main = git(dir, ["rev-list", "--reverse", "refs/heads/main"]).trim().split("\n");
  const [baseSha, oneSha, noneSha] = main;
  if (baseSha === undefined || oneSha === undefined || noneSha === undefined) throw new Error(`generateAppRepo: main has ${main.length} commits`);
  const branches: BranchCommit[] = [];
  const refs = git(dir, ["for-each-ref", "--format=%(refname) %(objectname) %(tree)", "refs/heads/push/"]).trim();
  for (const line of refs === "" ? [] : refs.split("\n")) {
    const [ref = "", sha = "", tree = ""] = line.split(" ");
    branches.push({ ref, sha, tree, changed: lastMigration[0] });
  }
  branches.sort((a, b) => (a.ref < b.ref ? -1 : 1));
  return { dir, base: baseSha, oneRelevant: oneSha, noRelevant: noneSha, relevantChanged: lastMigration[0], irrelevantChanged: irrelevant, branches };
}

/** `git ls-tree -r -l` of a commit: every file's path, blob SHA and size (what the naive reader and the bound are computed from). */
export function listFiles(dir: string, commit: string): Array<{ path: string; sha: string; size: number; mode: string }> {
  const out = execFileSync("git", ["ls-tree", "-r", "-l", "-z", commit], { cwd: dir, env: gitEnv(), maxBuffer: 512 * 1024 * 1024 }).toString("utf8");
  const files: Array<{ path: string; sha: string; size: number; mode: string }> = [];
  for (const record of out.split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [mode = "", type = "", sha = "", size = ""] = record.slice(0, tab).split(/\s+/);
    if (type !== "blob") continue;
    files.push({ path: record.slice(tab + 1), sha, size: Number(size), mode });
  }
  return files;
}

/** Directories of a list of file paths ("" is the root), each once. */
export function directoriesOf(paths: readonly string[]): string[] {
  const dirs = new Set<string>([""]);
  for (const p of paths) {
    for (let at = p.indexOf("/"); at !== -1; at = p.indexOf("/", at + 1)) dirs.add(p.slice(0, at));
  }
  return [...dirs];
}

/** The cached repository at `dir` when its stamp says `version`, else a newly generated one. */
export function cachedAppRepo(dir: string, version: string, options: AppRepoOptions): AppRepo {
  const stamp = `${dir}.json`;
  const key = JSON.stringify({ version, ...options });
  if (fs.existsSync(stamp)) {
    const saved = JSON.parse(fs.readFileSync(stamp, "utf8")) as { key: string; repo: AppRepo };
    if (saved.key === key && fs.existsSync(path.join(dir, "HEAD"))) return saved.repo;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const repo = generateAppRepo(dir, options);
  fs.writeFileSync(stamp, JSON.stringify({ key, repo }));
  return repo;
}
