import { execFile } from "node:child_process";

/**
 * Variables through which a parent git process (a hook, `git rebase --exec`) points git at its
 * own repository and index: `git rev-parse --local-env-vars`. They are removed so that git, run
 * in the audited directory, finds that directory's repository and nothing else.
 */
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
] as const;

/** `base` (default: this process's environment) without the repository-local git variables. */
export function scrubbedGitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of REPO_LOCAL_ENV_VARS) delete env[name];
  // Never wait for credentials or a pager.
  env.GIT_TERMINAL_PROMPT = "0";
  env.GIT_PAGER = "cat";
  return env;
}

export interface GitResult {
  /** The exit code; null when git could not be started (see `spawnError`) or was killed. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when git itself could not be run (not installed: `ENOENT`). */
  readonly spawnError?: string;
}

/** Big enough for the index listing of a very large monorepo; git output is held in memory once. */
const MAX_BUFFER = 1024 * 1024 * 1024;

/**
 * Runs `git <args>` in `cwd` without a shell and resolves with its output; never rejects.
 * Output is decoded as UTF-8 (paths that are not UTF-8 come back with U+FFFD in them).
 */
export function runGit(cwd: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      { cwd, env: scrubbedGitEnv(), maxBuffer: MAX_BUFFER, encoding: "utf8", windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const code = (error as { code?: unknown }).code;
        if (typeof code === "number") return resolve({ code, stdout, stderr });
        resolve({ code: null, stdout, stderr, spawnError: error.message });
      },
    );
  });
}

/** The first line of git's complaint, for a note or an error message. */
export function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "");
  return (line ?? "").trim();
}
