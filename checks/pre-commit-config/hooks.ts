/**
 * Which configured hooks satisfy a required hook id (the checklist's `hooks: [ruff, mypy, ...]`).
 *
 * - A hook from a hook repository satisfies `R` when its id is `R` or an id the same tool
 *   publishes under another name (`ruff` / `ruff-check`, `black` / `black-jupyter`, `gitleaks` /
 *   `gitleaks-docker` / `gitleaks-system`). The repository URL is not required to be the
 *   canonical one: forks and mirrors publish the same ids. Removed stubs of
 *   pre-commit/pre-commit-hooks (`flake8`, `pyflakes`, `autopep8-wrapper`) satisfy nothing.
 * - A `repo: local` hook satisfies `R` by what it runs, whatever its id: its `entry` (plus
 *   `args`) is split as pre-commit splits it (shlex), wrappers are skipped (`poetry run`,
 *   `uv run`, `pipenv run`, `pdm run`, `python -m`, `npx`, `sh -c '...'`, `FOO=1`, ...), and the
 *   program's name is compared with `R` (`entry: uv run ruff check` runs ruff; `ruff format`
 *   runs ruff-format). Only when the entry runs nothing phase-gate recognises (a script, a make
 *   target) does the local hook's id decide.
 * - `repo: meta` hooks and `language: fail` hooks satisfy nothing.
 */
import type { PreCommitHookRef } from "../../src/parsers/pre-commit-config.js";

/** Ids that run the same tool, by required id. */
const SAME_TOOL: Readonly<Record<string, readonly string[]>> = {
  ruff: ["ruff", "ruff-check"],
  "ruff-check": ["ruff-check", "ruff"],
  black: ["black", "black-jupyter"],
  gitleaks: ["gitleaks", "gitleaks-docker", "gitleaks-system"],
  mypy: ["mypy"],
};

/** pre-commit/pre-commit-hooks ids that now only fail with "removed" (language: fail). */
export const REMOVED_STUBS: Readonly<Record<string, string>> = {
  flake8: "use https://github.com/PyCQA/flake8",
  pyflakes: "use https://github.com/PyCQA/flake8",
  "autopep8-wrapper": "use https://github.com/hhatto/autopep8",
};

export function isPreCommitHooksRepo(url: string): boolean {
  return normaliseRepoUrl(url) === "github.com/pre-commit/pre-commit-hooks";
}

/** Lowercase, no scheme, no `.git`, no trailing slash: `github.com/owner/name`. */
export function normaliseRepoUrl(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^(?:git\+)?(?:https?|ssh|git):\/\//, "")
    .replace(/^git@([^:]+):/, "$1/")
    .replace(/^[^@/]+@/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
}

export function sameToolIds(required: string): readonly string[] {
  return SAME_TOOL[required] ?? [required];
}

/** Programs phase-gate recognises in a local hook's entry, and the hook ids each one provides. */
function idsForProgram(program: string, sub: string | undefined): readonly string[] {
  switch (program) {
    case "ruff":
      if (sub === "format") return ["ruff-format"];
      if (sub === undefined || sub === "check") return ["ruff", "ruff-check"];
      return [];
    case "black":
      return ["black", "black-jupyter"];
    case "mypy":
    case "dmypy":
      return ["mypy"];
    case "detect-secrets-hook":
      return ["detect-secrets"];
    case "gitleaks":
      return ["gitleaks", "gitleaks-docker", "gitleaks-system"];
    default:
      return [program];
  }
}

/** Programs that run other programs (or name no tool): a local hook running only these is judged by its id. */
const OPAQUE = new Set(["make", "just", "task", "tox", "nox", "pre-commit", "bash", "sh", "zsh", "echo", "true", "false", "exit", "cd"]);

/** A script file: what it runs is not visible from the entry. */
const SCRIPT = /\.(?:sh|bash|zsh|py|ps1|js|mjs|cjs|ts|rb|pl)$/;

/** POSIX shlex.split; undefined on an unclosed quote (pre-commit would fail the same way). */
export function shlexSplit(s: string): string[] | undefined {
  const out: string[] = [];
  let cur = "";
  let inToken = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? "";
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return undefined;
      cur += s.slice(i + 1, end);
      inToken = true;
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      for (;;) {
        if (i >= s.length) return undefined;
        const d = s[i] ?? "";
        if (d === '"') break;
        if (d === "\\" && (s[i + 1] === '"' || s[i + 1] === "\\" || s[i + 1] === "$" || s[i + 1] === "`")) {
          cur += s[i + 1];
          i += 2;
          continue;
        }
        cur += d;
        i += 1;
      }
      inToken = true;
      i += 1;
    } else if (c === "\\") {
      if (i + 1 < s.length) cur += s[i + 1];
      inToken = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inToken) out.push(cur);
      cur = "";
      inToken = false;
      i += 1;
    } else {
      cur += c;
      inToken = true;
      i += 1;
    }
  }
  if (inToken) out.push(cur);
  return out;
}

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Options of runners that take a value (`uv run --with x`, `uvx --from pkg tool`, `conda run -n env`). */
const VALUE_OPTIONS = new Set([
  "--with", "--with-requirements", "--with-editable", "--python", "-p", "--group", "--only-group", "--no-group", "--extra", "--package",
  "--directory", "--project", "--env-file", "--index", "--index-url", "--extra-index-url", "--from", "-n", "--name", "--prefix",
  "-e", "--environment", "--spec", "-u", "--unset", "-C", "--cwd",
]);
const SEPARATORS = new Set(["&&", "||", ";", "|", "&"]);

function basename(token: string): string {
  const base = token.split(/[\\/]/).pop() ?? token;
  return base.toLowerCase().replace(/\.(?:exe|cmd|bat)$/, "");
}

export interface ProgramRun {
  readonly program: string;
  readonly sub?: string;
}

/** The programs a command line runs, wrappers skipped. */
export function programsOf(tokens: readonly string[], depth = 0): ProgramRun[] {
  if (depth > 3) return [];
  const runs: ProgramRun[] = [];
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || SEPARATORS.has(t)) {
      const run = programOf(tokens.slice(start, i), depth);
      runs.push(...run);
      start = i + 1;
    }
  }
  return runs;
}

function skipOptions(tokens: readonly string[], i: number): number {
  while (i < tokens.length) {
    const t = tokens[i] ?? "";
    if (t === "--") return i + 1;
    if (!t.startsWith("-")) return i;
    i += VALUE_OPTIONS.has(t) ? 2 : 1;
  }
  return i;
}

function programOf(tokens: readonly string[], depth: number): ProgramRun[] {
  let i = 0;
  for (let guard = 0; guard < 20 && i < tokens.length; guard++) {
    const t = tokens[i] ?? "";
    const name = basename(t);
    const next = tokens[i + 1];
    if (ENV_ASSIGNMENT.test(t)) i += 1;
    else if (name === "env" || name === "time" || name === "nice" || name === "exec" || name === "command") i = skipOptions(tokens, i + 1);
    else if (["poetry", "pipenv", "pdm", "rye", "pixi", "hatch", "conda", "mamba", "micromamba", "uv", "pipx", "bun", "npm", "pnpm"].includes(name)) {
      if (next === "run" || next === "exec" || next === "x" || next === "dlx") i = skipOptions(tokens, i + 2);
      else if (name === "uv" && next === "tool" && tokens[i + 2] === "run") i = skipOptions(tokens, i + 3);
      else return [{ program: name, ...(next !== undefined && !next.startsWith("-") ? { sub: next } : {}) }];
    } else if (name === "uvx" || name === "npx" || name === "bunx" || name === "pnpx") i = skipOptions(tokens, i + 1);
    else if (name === "yarn") i = next === "dlx" || next === "run" || next === "exec" ? skipOptions(tokens, i + 2) : i + 1;
    else if (/^(?:python(?:\d(?:\.\d+)?)?|py|pypy3?)$/.test(name)) {
      const m = tokens.indexOf("-m", i + 1);
      if (m < 0) {
        const script = tokens[i + 1];
        return script === undefined ? [{ program: name }] : programOf(tokens.slice(i + 1), depth);
      }
      const mod = tokens[m + 1] ?? "";
      const program = mod === "detect_secrets.pre_commit_hook" ? "detect-secrets-hook" : (mod.split(".")[0] ?? mod).replace(/_/g, "-").toLowerCase();
      const sub = tokens[m + 2];
      return [{ program, ...(sub !== undefined && !sub.startsWith("-") ? { sub } : {}) }];
    } else if ((name === "sh" || name === "bash" || name === "zsh") && tokens.includes("-c")) {
      const script = tokens[tokens.indexOf("-c") + 1];
      const inner = script === undefined ? undefined : shlexSplit(script.replace(/(&&|\|\||;|\|)/g, " $1 "));
      return inner ? programsOf(inner, depth + 1) : [{ program: name }];
    } else {
      const sub = tokens.slice(i + 1).find((x) => !x.startsWith("-"));
      return [{ program: name, ...(sub !== undefined ? { sub } : {}) }];
    }
  }
  return [];
}

/** What a local hook runs, from its `entry` and `args` (undefined when that cannot be told). */
export function localHookPrograms(hook: PreCommitHookRef): ProgramRun[] | undefined {
  if (hook.entry === undefined) return undefined;
  if (hook.language === "pygrep" || hook.language === "fail") return undefined;
  const tokens = shlexSplit(hook.entry);
  if (!tokens) return undefined;
  const all = [...tokens, ...hook.args];
  if (hook.language === "docker_image") {
    const ep = all.indexOf("--entrypoint");
    if (ep >= 0 && all[ep + 1] !== undefined) return [{ program: basename(all[ep + 1] ?? "") }];
    const image = all.find((t) => !t.startsWith("-"));
    return image === undefined ? undefined : [{ program: basename(image.replace(/[:@].*$/, "")) }];
  }
  return programsOf(all);
}

/**
 * A local hook whose entry runs only things phase-gate cannot see into (`make lint`, a script,
 * `tox -e lint`): it may run any tool.
 */
export function isOpaqueLocalHook(hook: PreCommitHookRef): boolean {
  if (hook.repo !== "local" || hook.language === "fail" || hook.language === "pygrep") return false;
  const runs = localHookPrograms(hook);
  if (!runs || runs.length === 0) return true;
  return runs.every((r) => OPAQUE.has(r.program) || SCRIPT.test(r.program));
}

/** Whether `hook` runs the tool of the required hook id. */
export function satisfies(required: string, hook: PreCommitHookRef): boolean {
  if (hook.repo === "meta") return false;
  if (hook.language === "fail") return false;
  const ids = sameToolIds(required);
  if (hook.repo !== "local") {
    if (isPreCommitHooksRepo(hook.repo) && REMOVED_STUBS[hook.id]) return false;
    return ids.includes(hook.id);
  }
  const runs = localHookPrograms(hook) ?? [];
  if (runs.some((r) => idsForProgram(r.program, r.sub).includes(required))) return true;
  const recognised = runs.some((r) => !OPAQUE.has(r.program) && !SCRIPT.test(r.program));
  return !recognised && ids.includes(hook.id);
}
