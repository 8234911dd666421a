/**
 * Real git repositories for tests, built in a temp directory and independent of the machine's
 * git configuration: no global or system config, a fixed identity and date, no signing, and
 * none of the variables a surrounding git hook may have set (GIT_DIR, GIT_INDEX_FILE, ...).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type FixtureFiles = Record<string, string | Uint8Array>;

/** What a surrounding git hook may set to point git at another repository (`git rev-parse --local-env-vars`). */
const REPO_LOCAL_ENV_VARS = [
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_CONFIG",
  "GIT_CONFIG_PARAMETERS",
  "GIT_CONFIG_COUNT",
  "GIT_OBJECT_DIRECTORY",
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_IMPLICIT_WORK_TREE",
  "GIT_GRAFT_FILE",
  "GIT_INDEX_FILE",
  "GIT_NO_REPLACE_OBJECTS",
  "GIT_REPLACE_REF_BASE",
  "GIT_PREFIX",
  "GIT_INTERNAL_SUPER_PREFIX",
  "GIT_SHALLOW_FILE",
  "GIT_COMMON_DIR",
];

/** The environment every fixture git command runs with (independent of the code under test). */
export function fixtureGitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of REPO_LOCAL_ENV_VARS) delete env[name];
  return {
    ...env,
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Fixture Author",
    GIT_AUTHOR_EMAIL: "author@example.invalid",
    GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z",
    GIT_COMMITTER_NAME: "Fixture Committer",
    GIT_COMMITTER_EMAIL: "committer@example.invalid",
    GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z",
  };
}

/** Runs `git <args>` in `dir` and returns its stdout; throws with git's stderr when it fails. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false", ...args],
    { cwd: dir, env: fixtureGitEnv(), encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** A new empty temp directory (remove it with `removeDir`). */
export function makeTempDir(prefix = "phase-gate-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (POSIX paths relative to `dir`), creating directories on the way. */
export function writeFiles(dir: string, files: FixtureFiles): void {
  for (const [rel, body] of Object.entries(files)) {
    const full = path.join(dir, ...rel.split("/"));
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, body);
  }
}

export interface GitRepoOptions {
  /** Commit the files (default true); false leaves them staged (`add`) or untracked (`add: false`). */
  readonly commit?: boolean;
  /** Stage the files (default true). */
  readonly add?: boolean;
  readonly message?: string;
  /** Create the repository here instead of in a new temp directory. */
  readonly dir?: string;
}

/**
 * A git repository holding `files`, committed once by default. Returns its directory; the
 * caller removes it (`removeDir`).
 */
export function makeGitRepo(files: FixtureFiles, options: GitRepoOptions = {}): string {
  const dir = options.dir ?? makeTempDir("phase-gate-repo-");
  fs.mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q");
  writeFiles(dir, files);
  if (options.add !== false && Object.keys(files).length > 0) git(dir, "add", "-A");
  if (options.add !== false && options.commit !== false) commitAll(dir, options.message ?? "fixture");
  return dir;
}

/** Stages everything and commits (an empty commit when nothing changed); returns the new HEAD. */
export function commitAll(dir: string, message = "fixture"): string {
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "--allow-empty", "--no-verify", "-m", message);
  return git(dir, "rev-parse", "HEAD").trim();
}
