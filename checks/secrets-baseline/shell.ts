/**
 * Just enough POSIX shell to find detect-secrets invocations in a CI `run:` script, a Makefile
 * recipe, a tox command or a pre-commit `entry`: words with quoting, comments, line
 * continuations, and the list operators `&&`, `||`, `;`, `|`, `&` and newlines between commands.
 * No expansion is performed; `$VAR` stays as written.
 */

export interface ShellWord {
  readonly text: string;
  /** 0-based line of the script where the word starts. */
  readonly line: number;
}

type Token = { kind: "word"; text: string; line: number } | { kind: "op"; op: string; line: number };

/** Splits a script into words and operators. Unterminated quotes run to the end (never throws). */
export function tokenizeShell(script: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i] as string;
    if (c === "\n") {
      tokens.push({ kind: "op", op: "\n", line });
      line++;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "\\" && script[i + 1] === "\n") {
      line++;
      i += 2;
      continue;
    }
    if (c === "#") {
      while (i < n && script[i] !== "\n") i++;
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === "&&" || two === "||" || two === ";;") {
      tokens.push({ kind: "op", op: two, line });
      i += 2;
      continue;
    }
    if (c === ";" || c === "|" || c === "&" || c === "(" || c === ")") {
      tokens.push({ kind: "op", op: c, line });
      i++;
      continue;
    }
    // A word: runs until unquoted whitespace or an operator character.
    const startLine = line;
    let word = "";
    while (i < n) {
      const d = script[i] as string;
      if (d === "\\") {
        if (script[i + 1] === "\n") {
          line++;
          i += 2;
          continue;
        }
        word += script[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (d === "'") {
        const end = script.indexOf("'", i + 1);
        const stop = end === -1 ? n : end;
        const part = script.slice(i + 1, stop);
        line += countNewlines(part);
        word += part;
        i = stop + 1;
        continue;
      }
      if (d === '"') {
        i++;
        while (i < n && script[i] !== '"') {
          const e = script[i] as string;
          if (e === "\\" && i + 1 < n && '"\\$`\n'.includes(script[i + 1] as string)) {
            if (script[i + 1] === "\n") line++;
            else word += script[i + 1];
            i += 2;
            continue;
          }
          if (e === "\n") line++;
          word += e;
          i++;
        }
        i++;
        continue;
      }
      if (d === "$" && script[i + 1] === "(") {
        // Keep a command substitution inside the word, balanced on parentheses.
        let depth = 0;
        while (i < n) {
          const e = script[i] as string;
          if (e === "(") depth++;
          else if (e === ")") {
            depth--;
            if (depth === 0) {
              word += e;
              i++;
              break;
            }
          } else if (e === "\n") line++;
          word += e;
          i++;
        }
        continue;
      }
      if (" \t\r\n;&|()".includes(d)) break;
      word += d;
      i++;
    }
    tokens.push({ kind: "word", text: word, line: startLine });
  }
  return tokens;
}

function countNewlines(s: string): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) k++;
  return k;
}

export interface SimpleCommand {
  readonly words: readonly ShellWord[];
  /** The operator after the command (`&&`, `||`, `;`, `|`, `&`, newline) or null at the end. */
  readonly next: string | null;
  /** The command after `next`, if `next` is `||` (to see `|| true`). */
  readonly orElse?: readonly ShellWord[];
}

/** The simple commands of a script, in order. */
export function simpleCommands(script: string): SimpleCommand[] {
  const tokens = tokenizeShell(script);
  const groups: { words: ShellWord[]; next: string | null }[] = [];
  let current: ShellWord[] = [];
  for (const t of tokens) {
    if (t.kind === "word") current.push({ text: t.text, line: t.line });
    else {
      if (t.op === "(" || t.op === ")") continue;
      if (current.length > 0) groups.push({ words: current, next: t.op });
      current = [];
    }
  }
  if (current.length > 0) groups.push({ words: current, next: null });
  return groups.map((g, k) => {
    const after = groups[k + 1];
    return g.next === "||" && after ? { words: g.words, next: g.next, orElse: after.words } : { words: g.words, next: g.next };
  });
}

/** POSIX `shlex.split` of a pre-commit `entry` (quotes honoured, no operators). */
export function shlexSplit(text: string): string[] {
  return tokenizeShell(text.replace(/[;&|()]/g, (c) => `\\${c}`))
    .filter((t): t is Extract<Token, { kind: "word" }> => t.kind === "word")
    .map((t) => t.text);
}

const PY_WRAPPERS: readonly (readonly string[])[] = [
  ["uv", "tool", "run"],
  ["tool", "run"],
  ["poetry", "run"],
  ["uv", "run"],
  ["pipenv", "run"],
  ["pdm", "run"],
  ["hatch", "run"],
  ["pipx", "run"],
  ["rye", "run"],
  ["uvx"],
  ["sudo"],
  ["exec"],
  ["time"],
  ["command"],
  ["nice"],
];

const XARGS_WITH_VALUE = new Set(["-I", "-i", "-n", "-L", "-l", "-P", "-d", "-E", "-e", "-s", "-a"]);
/** Options of uv/uvx/pipx/poetry that take a value (`--from git+https://…`). */
const WRAPPER_WITH_VALUE = new Set(["--from", "--with", "--python", "-p", "--spec", "--directory", "--project", "-C"]);
/** A make or shell variable standing for an interpreter or a runner: `$(UV_BIN) tool run …`, `${PYTHON} -m …`. */
const VARIABLE = /^\$(?:\([A-Za-z_][A-Za-z0-9_]*\)|\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

function basename(word: string): string {
  const slash = word.lastIndexOf("/");
  return slash === -1 ? word : word.slice(slash + 1);
}

/**
 * Strips what runs a program without being it: `VAR=x`, `env`, `poetry run`, `uv run`, `xargs -0`,
 * `python -m`. Returns the program (a basename, with `python -m detect_secrets[.x]` turned into
 * its console script) and its arguments.
 */
export function unwrapCommand(words: readonly ShellWord[]): { program: string; args: ShellWord[]; at: ShellWord } | null {
  let k = 0;
  for (let guard = 0; guard < 32 && k < words.length; guard++) {
    const w = (words[k] as ShellWord).text;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
      k++;
      continue;
    }
    if (w === "env") {
      k++;
      while (k < words.length && /^-|^[A-Za-z_][A-Za-z0-9_]*=/.test((words[k] as ShellWord).text)) k++;
      continue;
    }
    if (w === "xargs") {
      k++;
      while (k < words.length && (words[k] as ShellWord).text.startsWith("-")) {
        const flag = (words[k] as ShellWord).text;
        k += XARGS_WITH_VALUE.has(flag) ? 2 : 1;
      }
      continue;
    }
    if (VARIABLE.test(w) && ["tool", "run", "exec"].includes(words[k + 1]?.text ?? "")) {
      k++;
      continue;
    }
    const wrapper = PY_WRAPPERS.find((wr) => wr.every((part, j) => words[k + j]?.text === part));
    if (wrapper) {
      k += wrapper.length;
      // `uv run --with x`, `uv tool run --from spec` and friends: skip options of the wrapper.
      while (k < words.length && (words[k] as ShellWord).text.startsWith("-")) {
        k += WRAPPER_WITH_VALUE.has((words[k] as ShellWord).text) ? 2 : 1;
      }
      continue;
    }
    break;
  }
  const first = words[k];
  if (!first) return null;
  const name = basename(first.text);
  if ((/^python(?:[0-9.]*)?$/.test(name) || VARIABLE.test(first.text)) && words[k + 1]?.text === "-m" && words[k + 2]) {
    const mod = (words[k + 2] as ShellWord).text;
    const program =
      mod === "detect_secrets.pre_commit_hook" ? "detect-secrets-hook" : mod === "detect_secrets" || mod === "detect_secrets.main" ? "detect-secrets" : mod;
    return { program, args: words.slice(k + 3), at: first };
  }
  return { program: name, args: words.slice(k + 1), at: first };
}
