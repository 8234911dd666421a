/**
 * Generates a synthetic git checkout for benchmarks: `files` files in all, of which `relevant`
 * are files the built-in checks read (checklist, pre-commit config, detect-secrets baseline,
 * coverage config, Dockerfiles, compose files, SQL migrations); the rest is ordinary source
 * spread over nested directories. Everything is committed once, with git's configuration
 * isolated from the machine's (no global or system config, fixed identity and dates), so two
 * runs with the same arguments produce the same commit.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface GenerateRepoOptions {
  /** Total number of files, relevant ones included. */
  readonly files: number;
  /** How many of them the built-in checks read (at most `files`). */
  readonly relevant: number;
}

export interface GeneratedRepo {
  readonly dir: string;
  /** The commit created. */
  readonly commit: string;
  /** Paths of the relevant files, sorted. */
  readonly relevantPaths: readonly string[];
}

/** Files per generated source directory: `src/m<NN>/p<NN>/f<NNNN>.py`. */
const FILES_PER_DIR = 100;
const DIRS_PER_MODULE = 20;

const gitEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR", "GIT_PREFIX"]) {
    delete env[name];
  }
  return {
    ...env,
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "bench",
    GIT_AUTHOR_EMAIL: "bench@example.invalid",
    GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z",
    GIT_COMMITTER_NAME: "bench",
    GIT_COMMITTER_EMAIL: "bench@example.invalid",
    GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z",
  };
};

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], {
    cwd: dir,
    env: gitEnv(),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** A pre-commit config running ruff and detect-secrets with its baseline (both bench generators use it). */
export const PRE_COMMIT_CONFIG = [
  "repos:",
  "  - repo: https://github.com/astral-sh/ruff-pre-commit",
  "    rev: v0.4.4",
  "    hooks:",
  "      - id: ruff",
  "  - repo: https://github.com/Yelp/detect-secrets",
  "    rev: v1.5.0",
  "    hooks:",
  "      - id: detect-secrets",
  "        args: ['--baseline', '.secrets.baseline']",
  "",
].join("\n");

/** The fixed relevant files, in the order they are added. */
const FIXED_RELEVANT: ReadonlyArray<readonly [string, string]> = [
  [
    ".github/phase-gate.yml",
    [
      "phases:",
      "  - id: phase-1",
      "    name: Foundation & Security",
      "    gate: required",
      "    checks:",
      "      - secrets-baseline",
      "      - pre-commit-config:",
      "          hooks: [ruff, detect-secrets]",
      "      - coverage-threshold:",
      "          min: 80",
      "  - id: phase-2",
      "    name: Production hardening",
      "    checks:",
      "      - dockerfile-reload",
      "      - index-migrations",
      "",
    ].join("\n"),
  ],
  [".pre-commit-config.yaml", PRE_COMMIT_CONFIG],
  [
    ".secrets.baseline",
    JSON.stringify(
      {
        version: "1.5.0",
        plugins_used: [{ name: "AWSKeyDetector" }, { name: "PrivateKeyDetector" }],
        filters_used: [{ path: "detect_secrets.filters.heuristic.is_likely_id_string" }],
        results: {},
        generated_at: "2024-01-01T00:00:00Z",
      },
      null,
      2,
    ) + "\n",
  ],
  [
    "pyproject.toml",
    ['[project]', 'name = "bench"', 'version = "0.1.0"', "", "[tool.coverage.report]", "fail_under = 85", ""].join("\n"),
  ],
  [
    "docker-compose.yml",
    ["services:", "  api:", "    build: services/s0", '    command: ["uvicorn", "app:app", "--host", "0.0.0.0"]', ""].join("\n"),
  ],
];

function dockerfile(i: number): string {
  return [
    "FROM python:3.12-slim AS base",
    "WORKDIR /app",
    "COPY . .",
    "RUN pip install --no-cache-dir -r requirements.txt",
    `EXPOSE ${8000 + (i % 1000)}`,
    i % 7 === 3
      ? 'CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--reload"]'
      : 'CMD ["uvicorn", "app:app", "--host", "0.0.0.0"]',
    "",
  ].join("\n");
}

function migration(i: number): string {
  const table = `t${i}`;
  return [
    `CREATE TABLE ${table} (id bigint PRIMARY KEY, name text NOT NULL);`,
    i % 5 === 2
      ? `CREATE INDEX ${table}_name_idx ON ${table} (name);`
      : `CREATE INDEX CONCURRENTLY ${table}_name_idx ON ${table} (name);`,
    "",
  ].join("\n");
}

/** The relevant files: the fixed configuration files, then Dockerfiles and migrations in turn. */
function relevantFiles(count: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const entry of FIXED_RELEVANT.slice(0, count)) out.push([entry[0], entry[1]]);
  for (let i = 0; out.length < count; i++) {
    const n = Math.floor(i / 2);
    if (i % 2 === 0) out.push([`services/s${n}/Dockerfile`, dockerfile(n)]);
    else out.push([`migrations/${String(n + 1).padStart(4, "0")}_create_t${n}.sql`, migration(n)]);
  }
  return out;
}

function sourcePath(i: number): string {
  const dirIndex = Math.floor(i / FILES_PER_DIR);
  const moduleIndex = Math.floor(dirIndex / DIRS_PER_MODULE);
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  return `src/m${pad(moduleIndex, 3)}/p${pad(dirIndex % DIRS_PER_MODULE, 2)}/f${pad(i, 6)}.py`;
}

function sourceText(i: number): string {
  return `"""Module ${i}."""\n\n\ndef value_${i}() -> int:\n    return ${i}\n`;
}

/**
 * Creates `dir` (which must not exist or be empty), fills it and commits everything once.
 * Deterministic: the same options give the same tree and the same commit.
 */
export async function generateRepo(dir: string, options: GenerateRepoOptions): Promise<GeneratedRepo> {
  const total = Math.max(0, Math.floor(options.files));
  const relevantCount = Math.min(total, Math.max(0, Math.floor(options.relevant)));
  fs.mkdirSync(dir, { recursive: true });
  if (fs.readdirSync(dir).length > 0) throw new Error(`generateRepo: ${dir} is not empty`);

  const madeDirs = new Set<string>();
  const write = (rel: string, text: string) => {
    const full = path.join(dir, rel);
    const parent = path.dirname(full);
    if (!madeDirs.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      madeDirs.add(parent);
    }
    fs.writeFileSync(full, text);
  };

  const relevant = relevantFiles(relevantCount);
  for (const [rel, text] of relevant) write(rel, text);
  for (let i = 0; i < total - relevantCount; i++) write(sourcePath(i), sourceText(i));

  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "--no-verify", "-m", `generated: ${total} files, ${relevantCount} relevant`);
  const commit = git(dir, "rev-parse", "HEAD").trim();
  return { dir, commit, relevantPaths: relevant.map(([p]) => p).sort() };
}
