/**
 * A POSIX shell reader, just deep enough to find the commands a container runs: it splits a
 * script into simple commands (`&&`, `||`, `;`, `|`, `&`, newlines, subshells, `if`/`case`/loops,
 * functions), expands words the way `sh` does (quotes, escapes, `$VAR`, `${VAR:-default}`,
 * `"$@"`, field splitting) from a known environment, and says which commands only run under a
 * condition. Command substitutions are opaque. It never throws and always terminates: every loop
 * advances through the input.
 */
import type { Env, EnvValue, Loc, Word } from "./types.js";

type Part =
  | { readonly k: "lit"; readonly text: string; readonly q: boolean }
  | { readonly k: "param"; readonly name: string; readonly op: string; readonly arg: readonly Part[] | null; readonly q: boolean; readonly length: boolean }
  | { readonly k: "opaque"; readonly q: boolean };

interface WordTok {
  readonly t: "word";
  readonly parts: readonly Part[];
  readonly line: number;
  /** The text when the word is one unquoted literal (reserved words, assignments), else null. */
  readonly plain: string | null;
}
interface OpTok {
  readonly t: "op";
  readonly op: string;
  readonly line: number;
}
interface NewlineTok {
  readonly t: "nl";
  readonly line: number;
}
type Tok = WordTok | OpTok | NewlineTok;

const OPERATORS = [
  ";;&", "&>>", "<<-", "<<<",
  "&&", "||", ";;", ";&", "|&", "<<", ">>", "<&", ">&", "<>", ">|", "&>",
  ";", "&", "|", "(", ")", "<", ">",
];
const REDIRECTIONS = new Set(["<", ">", ">>", "<&", ">&", "<>", ">|", "&>", "&>>", "<<<"]);
const HEREDOCS = new Set(["<<", "<<-"]);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

function matchOp(s: string, i: number): string | null {
  for (const op of OPERATORS) if (s.startsWith(op, i)) return op;
  return null;
}

/** Index just past the `close` that balances the `open` at `i`, skipping quoted text; `s.length` when unbalanced. */
function skipBalanced(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === "\\") {
      j += 2;
      continue;
    }
    if (c === "'") {
      const end = s.indexOf("'", j + 1);
      j = end < 0 ? s.length : end + 1;
      continue;
    }
    if (c === '"') {
      j = skipDouble(s, j + 1);
      continue;
    }
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return s.length;
}

/** Index just past the closing `"` of a double-quoted string whose body starts at `i`. */
function skipDouble(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === "\\") j += 2;
    else if (c === '"') return j + 1;
    else if (c === "$" && s[j + 1] === "(") j = skipBalanced(s, j + 1, "(", ")");
    else if (c === "$" && s[j + 1] === "{") j = skipBalanced(s, j + 1, "{", "}");
    else j++;
  }
  return s.length;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let j = from; j < to && j < s.length; j++) if (s[j] === "\n") n++;
  return n;
}

interface ReadResult {
  readonly parts: Part[];
  readonly end: number;
  readonly newlines: number;
}

interface ReadMode {
  readonly escape: string;
  /** Whitespace and operators end the word (shell); false: the whole input is one word (ENV values). */
  readonly split: boolean;
  /** Only whitespace ends a word; `;|&<>()` are ordinary characters (compose command strings). */
  readonly wordsOnly?: boolean;
  /** `$` is an ordinary character (compose strings, already interpolated). */
  readonly noExpand?: boolean;
}

function isBoundary(c: string, mode: ReadMode): boolean {
  if (!mode.split) return false;
  if (c === " " || c === "\t" || c === "\n" || c === "\r") return true;
  if (mode.wordsOnly) return false;
  return c === ";" || c === "&" || c === "|" || c === "(" || c === ")" || c === "<" || c === ">";
}

/** Reads one word (or, with `split: false`, the whole input) into parts. */
function readWord(s: string, start: number, mode: ReadMode): ReadResult {
  const parts: Part[] = [];
  let lit = "";
  let j = start;
  let newlines = 0;
  const flush = (q: boolean) => {
    if (lit !== "") parts.push({ k: "lit", text: lit, q });
    lit = "";
  };
  while (j < s.length) {
    const c = s[j] as string;
    if (isBoundary(c, mode)) break;
    if (c === mode.escape) {
      const next = s[j + 1];
      if (next === undefined) {
        lit += c;
        j++;
      } else if (next === "\n") {
        j += 2;
        newlines++;
      } else if (next === "\r" && s[j + 2] === "\n") {
        j += 3;
        newlines++;
      } else {
        flush(false);
        parts.push({ k: "lit", text: next, q: true });
        j += 2;
      }
      continue;
    }
    if (c === "'") {
      flush(false);
      const end = s.indexOf("'", j + 1);
      const stop = end < 0 ? s.length : end;
      parts.push({ k: "lit", text: s.slice(j + 1, stop), q: true });
      newlines += countNewlines(s, j, stop);
      j = end < 0 ? s.length : end + 1;
      continue;
    }
    if (c === '"') {
      flush(false);
      const r = readDouble(s, j + 1, mode);
      parts.push(...r.parts);
      // An empty "" still makes a (quoted, empty) field.
      if (r.parts.length === 0) parts.push({ k: "lit", text: "", q: true });
      newlines += r.newlines;
      j = r.end;
      continue;
    }
    if (c === "$" && !mode.noExpand) {
      flush(false);
      const r = readDollar(s, j, false, mode);
      parts.push(...r.parts);
      newlines += r.newlines;
      j = r.end;
      continue;
    }
    if (c === "`" && mode.escape !== "`" && !mode.noExpand) {
      flush(false);
      const end = s.indexOf("`", j + 1);
      const stop = end < 0 ? s.length : end + 1;
      newlines += countNewlines(s, j, stop);
      parts.push({ k: "opaque", q: false });
      j = stop;
      continue;
    }
    if (c === "\n") newlines++;
    lit += c;
    j++;
  }
  flush(false);
  return { parts, end: j, newlines };
}

function readDouble(s: string, start: number, mode: ReadMode): ReadResult {
  const parts: Part[] = [];
  let lit = "";
  let j = start;
  let newlines = 0;
  const flush = () => {
    if (lit !== "") parts.push({ k: "lit", text: lit, q: true });
    lit = "";
  };
  while (j < s.length) {
    const c = s[j] as string;
    if (c === '"') return { parts: (flush(), parts), end: j + 1, newlines };
    if (c === mode.escape) {
      const next = s[j + 1];
      if (next === "\n") {
        j += 2;
        newlines++;
        continue;
      }
      if (next === "$" || next === "`" || next === '"' || next === mode.escape || (mode.escape !== "\\" && next !== undefined)) {
        lit += next;
        j += 2;
        continue;
      }
      lit += c;
      j++;
      continue;
    }
    if (c === "$" && !mode.noExpand) {
      flush();
      const r = readDollar(s, j, true, mode);
      parts.push(...r.parts);
      newlines += r.newlines;
      j = r.end;
      continue;
    }
    if (c === "`" && mode.escape !== "`" && !mode.noExpand) {
      flush();
      const end = s.indexOf("`", j + 1);
      const stop = end < 0 ? s.length : end + 1;
      newlines += countNewlines(s, j, stop);
      parts.push({ k: "opaque", q: true });
      j = stop;
      continue;
    }
    if (c === "\n") newlines++;
    lit += c;
    j++;
  }
  flush();
  return { parts, end: j, newlines };
}

const SPECIAL_PARAMS = new Set(["@", "*", "#", "?", "$", "!", "-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
const PARAM_OPS = [":-", ":=", ":+", ":?", "##", "%%", "//", "^^", ",,", "-", "=", "+", "?", "#", "%", "/", "^", ",", ":"];

/** `$…` at `i`: a parameter, `${…}`, or an opaque command/arithmetic substitution. */
function readDollar(s: string, i: number, q: boolean, mode: ReadMode): ReadResult {
  const next = s[i + 1];
  if (next === "(") {
    const end = skipBalanced(s, i + 1, "(", ")");
    return { parts: [{ k: "opaque", q }], end, newlines: countNewlines(s, i, end) };
  }
  if (next === "{") {
    const end = skipBalanced(s, i + 1, "{", "}");
    const body = s.slice(i + 2, Math.max(i + 2, end - 1));
    return { parts: [parseBrace(body, q, mode)], end, newlines: countNewlines(s, i, end) };
  }
  if (next === "'" && !q) {
    // $'…' (ANSI-C quoting): the body, with its simplest escapes.
    const end = s.indexOf("'", i + 2);
    const stop = end < 0 ? s.length : end;
    const text = s.slice(i + 2, stop).replace(/\\(.)/g, (_m, ch: string) => (ch === "n" ? "\n" : ch === "t" ? "\t" : ch));
    return { parts: [{ k: "lit", text, q: true }], end: end < 0 ? s.length : end + 1, newlines: countNewlines(s, i, stop) };
  }
  if (next !== undefined && SPECIAL_PARAMS.has(next)) {
    return { parts: [{ k: "param", name: next, op: "", arg: null, q, length: false }], end: i + 2, newlines: 0 };
  }
  const m = NAME.exec(s.slice(i + 1, i + 1 + 256));
  if (m) {
    return { parts: [{ k: "param", name: m[0], op: "", arg: null, q, length: false }], end: i + 1 + m[0].length, newlines: 0 };
  }
  return { parts: [{ k: "lit", text: "$", q }], end: i + 1, newlines: 0 };
}

function parseBrace(body: string, q: boolean, mode: ReadMode): Part {
  let length = false;
  let rest = body;
  if (rest.startsWith("#") && rest.length > 1) {
    length = true;
    rest = rest.slice(1);
  }
  let name: string | undefined;
  const m = NAME.exec(rest);
  if (m) name = m[0];
  else if (rest[0] !== undefined && SPECIAL_PARAMS.has(rest[0])) name = rest[0];
  else if (/^[0-9]+/.test(rest)) name = /^[0-9]+/.exec(rest)?.[0];
  if (name === undefined) return { k: "opaque", q };
  rest = rest.slice(name.length);
  if (rest === "") return { k: "param", name, op: "", arg: null, q, length };
  if (length) return { k: "opaque", q };
  const op = PARAM_OPS.find((o) => rest.startsWith(o));
  if (op === undefined) return { k: "opaque", q };
  const argText = rest.slice(op.length);
  const arg = readWord(argText, 0, { escape: mode.escape, split: false }).parts;
  return { k: "param", name, op, arg, q, length: false };
}

function lex(s: string, escape: string): Tok[] {
  const toks: Tok[] = [];
  const heredocs: { delim: string; strip: boolean }[] = [];
  const mode: ReadMode = { escape, split: true };
  let i = 0;
  let line = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === escape && s[i + 1] === "\n") {
      i += 2;
      line++;
      continue;
    }
    if (c === escape && s[i + 1] === "\r" && s[i + 2] === "\n") {
      i += 3;
      line++;
      continue;
    }
    if (c === "\n") {
      toks.push({ t: "nl", line });
      i++;
      line++;
      // Heredoc bodies start on the next line: skip them.
      while (heredocs.length > 0) {
        const doc = heredocs.shift() as { delim: string; strip: boolean };
        while (i < s.length) {
          let end = s.indexOf("\n", i);
          if (end < 0) end = s.length;
          let body = s.slice(i, end).replace(/\r$/, "");
          if (doc.strip) body = body.replace(/^\t+/, "");
          i = end + 1;
          line++;
          if (body === doc.delim) break;
        }
      }
      continue;
    }
    if (c === "#") {
      while (i < s.length && s[i] !== "\n") i++;
      continue;
    }
    const op = matchOp(s, i);
    if (op !== null) {
      toks.push({ t: "op", op, line });
      i += op.length;
      if (HEREDOCS.has(op)) {
        while (s[i] === " " || s[i] === "\t") i++;
        const r = readWord(s, i, mode);
        if (r.end > i) {
          heredocs.push({ delim: r.parts.map((p) => (p.k === "lit" ? p.text : "")).join(""), strip: op === "<<-" });
          i = r.end;
        }
      }
      continue;
    }
    const r = readWord(s, i, mode);
    if (r.end === i) {
      // Cannot happen (a boundary char is handled above), but never loop forever.
      i++;
      continue;
    }
    const plain = r.parts.every((p) => p.k === "lit" && !p.q) ? r.parts.map((p) => (p.k === "lit" ? p.text : "")).join("") : null;
    const ioNumber = plain !== null && /^[0-9]+$/.test(plain) && (s[r.end] === "<" || s[r.end] === ">");
    if (!ioNumber) toks.push({ t: "word", parts: r.parts, line, plain });
    line += r.newlines;
    i = r.end;
  }
  return toks;
}

export interface ShellCommand {
  /** argv after expansion; may be empty for a pure assignment. */
  readonly words: readonly Word[];
  /** `K=V cmd`: variables set for this command only. */
  readonly assignments: Env;
  /** The shell's variables when the command ran (exports and assignments of the script applied). */
  readonly env: Env;
  readonly loc: Loc;
  /** Set when the command runs only under a condition (an `if`, a `case` branch, after `||`, …). */
  readonly conditional?: string;
}

export interface ShellOptions {
  readonly env: Env;
  /** `$1`…: the script's arguments. */
  readonly positional?: readonly Word[];
  readonly arg0?: Word;
  /** Where a command that starts on the given 0-based line of the script is reported. */
  locAt(line: number): Loc;
  /** Says what a conditional command depends on, e.g. "a condition in start.sh". */
  readonly conditionLabel: string;
  readonly escape?: string;
}

type FrameKind = "if" | "loop" | "case" | "func" | "brace" | "subshell";
const RESERVED = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "select", "case", "esac", "{", "}", "!", "function", "in"]);
const TESTS = new Set(["[", "[[", "test"]);
const DECLARE = new Set(["export", "readonly", "declare", "typeset", "local"]);

/** Splits a script into its simple commands, with words expanded from `options.env`. */
export function parseShell(script: string, options: ShellOptions): ShellCommand[] {
  const toks = lex(script, options.escape ?? "\\");
  const env = new Map<string, EnvValue>(options.env);
  const positional = options.positional ?? [];
  const out: ShellCommand[] = [];
  const frames: FrameKind[] = [];
  let mode: "normal" | "skip-until-do" | "case-word" | "case-pattern" | "func-name" = "normal";
  let pendingFunc = false;
  let words: WordTok[] = [];
  let skipNext = false;
  let inDoubleBracket = false;
  let afterOr = false;
  let afterTest = false;

  const finish = (connector: string) => {
    const cmdWords = words;
    words = [];
    skipNext = false;
    inDoubleBracket = false;
    if (cmdWords.length === 0) return;
    const first = cmdWords[0] as WordTok;
    const conditional =
      frames.some((f) => f === "if" || f === "loop" || f === "case" || f === "func") || afterOr || afterTest
        ? options.conditionLabel
        : undefined;
    const loc = options.locAt(first.line);
    const assignments = new Map<string, EnvValue>();
    let k = 0;
    for (; k < cmdWords.length; k++) {
      const w = cmdWords[k] as WordTok;
      const m = assignmentOf(w);
      if (!m) break;
      const value = expandToString(m.valueParts, env, positional, options.arg0, loc);
      assignments.set(m.name, { value: value.text, loc, setBy: m.name, ...(value.dependsOn ? { dependsOn: value.dependsOn } : {}) });
    }
    const expanded: Word[] = [];
    for (const w of cmdWords.slice(k)) expanded.push(...expandWord(w.parts, env, positional, options.arg0, loc));
    if (expanded.length === 0) {
      // A bare assignment sets a shell variable for what follows.
      for (const [name, v] of assignments) env.set(name, v);
    } else {
      const cmdName = (expanded[0] as Word).text;
      if (DECLARE.has(cmdName)) {
        for (const arg of expanded.slice(1)) {
          const m = ASSIGNMENT.exec(arg.text);
          if (m) {
            env.set(m[1] as string, {
              value: arg.text.slice(m[0].length),
              loc: arg.loc,
              setBy: m[1] as string,
              ...(arg.dependsOn ? { dependsOn: arg.dependsOn } : conditional ? { dependsOn: conditional } : {}),
            });
          }
        }
      } else if (cmdName === "unset") {
        for (const arg of expanded.slice(1)) env.delete(arg.text);
      }
    }
    out.push({
      words: expanded,
      assignments,
      env: new Map(env),
      loc,
      ...(conditional ? { conditional } : {}),
    });
    if (connector === "||") afterOr = true;
    else if (connector === "&&") {
      if (expanded[0] && TESTS.has(expanded[0].text)) afterTest = true;
    } else if (connector !== "|" && connector !== "|&") {
      afterOr = false;
      afterTest = false;
    }
  };

  for (let idx = 0; idx < toks.length; idx++) {
    const tok = toks[idx] as Tok;
    if (tok.t === "word") {
      if (skipNext) {
        skipNext = false;
        continue;
      }
      if (mode === "func-name") {
        mode = "normal";
        pendingFunc = true;
        continue;
      }
      if (mode === "case-pattern") {
        if (tok.plain === "esac" && words.length === 0) {
          frames.pop();
          mode = "normal";
        }
        continue;
      }
      if (mode === "case-word") {
        if (tok.plain === "in") mode = "case-pattern";
        continue;
      }
      if (mode === "skip-until-do") {
        if (tok.plain === "do") mode = "normal";
        continue;
      }
      if (words.length === 0 && tok.plain !== null && RESERVED.has(tok.plain)) {
        switch (tok.plain) {
          case "if":
            frames.push("if");
            break;
          case "while":
          case "until":
            frames.push("loop");
            break;
          case "for":
          case "select":
            frames.push("loop");
            mode = "skip-until-do";
            break;
          case "case":
            frames.push("case");
            mode = "case-word";
            break;
          case "fi":
          case "done":
          case "esac":
          case "}":
            frames.pop();
            break;
          case "{":
            frames.push(pendingFunc ? "func" : "brace");
            pendingFunc = false;
            break;
          case "function":
            mode = "func-name";
            break;
          default:
            break; // then, else, elif, do, !, in
        }
        continue;
      }
      if (words.length === 0 && tok.plain === "[[") inDoubleBracket = true;
      if (inDoubleBracket && tok.plain === "]]") inDoubleBracket = false;
      words.push(tok);
      continue;
    }
    if (tok.t === "nl") {
      if (mode === "case-pattern" || mode === "case-word" || mode === "skip-until-do") continue;
      finish(";");
      continue;
    }
    const op = tok.op;
    if (mode === "case-pattern") {
      if (op === ")") mode = "normal";
      continue;
    }
    if (mode === "skip-until-do" || mode === "case-word") continue;
    if (inDoubleBracket && (op === "&&" || op === "||" || op === "(" || op === ")" || op === "<" || op === ">")) continue;
    if (REDIRECTIONS.has(op)) {
      skipNext = true;
      continue;
    }
    if (HEREDOCS.has(op)) continue;
    if (op === "(") {
      const following = toks[idx + 1];
      if (words.length === 1 && following?.t === "op" && following.op === ")") {
        words = [];
        pendingFunc = true;
        idx++;
        continue;
      }
      if (words.length === 0) frames.push("subshell");
      else finish(";");
      continue;
    }
    if (op === ")") {
      finish(";");
      if (frames[frames.length - 1] === "subshell") frames.pop();
      continue;
    }
    if (op === ";;" || op === ";&" || op === ";;&") {
      finish(";");
      if (frames[frames.length - 1] === "case") mode = "case-pattern";
      continue;
    }
    finish(op);
  }
  finish(";");
  return out;
}

function assignmentOf(w: WordTok): { name: string; valueParts: Part[] } | null {
  const first = w.parts[0];
  if (!first || first.k !== "lit" || first.q) return null;
  const m = ASSIGNMENT.exec(first.text);
  if (!m) return null;
  const rest = first.text.slice(m[0].length);
  return { name: m[1] as string, valueParts: [...(rest ? [{ k: "lit" as const, text: rest, q: false }] : []), ...w.parts.slice(1)] };
}

interface Piece {
  text: string;
  dependsOn?: string;
  /** The word this text came from (positional parameters keep their own location). */
  source?: Word;
  unknown?: boolean;
}

function paramValue(
  name: string,
  env: Map<string, EnvValue> | Env,
  positional: readonly Word[],
  arg0: Word | undefined,
): { value: string; set: boolean; dependsOn?: string; source?: Word; unknown?: boolean } {
  if (/^[0-9]+$/.test(name)) {
    const n = Number(name);
    const w = n === 0 ? arg0 : positional[n - 1];
    return w ? { value: w.text, set: true, source: w, ...(w.dependsOn ? { dependsOn: w.dependsOn } : {}) } : { value: "", set: false };
  }
  if (name === "#") return { value: String(positional.length), set: true };
  if (name === "@" || name === "*") return { value: positional.map((w) => w.text).join(" "), set: positional.length > 0 };
  if (SPECIAL_PARAMS.has(name)) return { value: "", set: true, unknown: true };
  const v = env.get(name);
  return v ? { value: v.value, set: true, ...(v.dependsOn ? { dependsOn: v.dependsOn } : {}) } : { value: "", set: false };
}

function stripPattern(value: string, op: string, pattern: string): string {
  if (/[*?[]/.test(pattern)) return value;
  if ((op === "#" || op === "##") && value.startsWith(pattern)) return value.slice(pattern.length);
  if ((op === "%" || op === "%%") && value.endsWith(pattern)) return value.slice(0, value.length - pattern.length);
  return value;
}

/** A parameter part's value (before field splitting). `$@` is handled by the caller. */
function evalParam(
  p: Extract<Part, { k: "param" }>,
  env: Map<string, EnvValue> | Env,
  positional: readonly Word[],
  arg0: Word | undefined,
  at: Loc,
): Piece {
  const v = paramValue(p.name, env, positional, arg0);
  const base: Piece = { text: v.value, ...(v.dependsOn ? { dependsOn: v.dependsOn } : {}), ...(v.source ? { source: v.source } : {}), ...(v.unknown ? { unknown: true } : {}) };
  if (p.length) return { text: String(v.value.length) };
  if (p.op === "") return base;
  const arg = () => expandToString(p.arg ?? [], env, positional, arg0, at);
  const empty = !v.set || v.value === "";
  switch (p.op) {
    case ":-":
    case "-":
    case ":=":
    case "=": {
      const useDefault = p.op.startsWith(":") ? empty : !v.set;
      if (!useDefault) return base;
      const a = arg();
      if ((p.op === ":=" || p.op === "=") && env instanceof Map && !/^[0-9@*#?$!-]/.test(p.name)) {
        (env as Map<string, EnvValue>).set(p.name, { value: a.text, loc: at, setBy: p.name });
      }
      return { text: a.text, ...(a.dependsOn ? { dependsOn: a.dependsOn } : {}) };
    }
    case ":+":
    case "+": {
      const useAlt = p.op === ":+" ? !empty : v.set;
      if (!useAlt) return { text: "" };
      const a = arg();
      return { text: a.text, ...(a.dependsOn ?? v.dependsOn ? { dependsOn: a.dependsOn ?? v.dependsOn } : {}) };
    }
    case ":?":
    case "?":
      return base;
    case "#":
    case "##":
    case "%":
    case "%%":
      return { ...base, text: stripPattern(v.value, p.op, arg().text) };
    default:
      return { ...base, unknown: true };
  }
}

/** Expands parts to one string (no field splitting): assignment values, `${X:-…}` words, ENV values. */
export function expandToString(
  parts: readonly Part[],
  env: Map<string, EnvValue> | Env,
  positional: readonly Word[] = [],
  arg0?: Word,
  at: Loc = { path: "", line: 1 },
): { text: string; dependsOn?: string; unknown?: boolean } {
  let text = "";
  let dependsOn: string | undefined;
  let unknown = false;
  for (const p of parts) {
    if (p.k === "lit") text += p.text;
    else if (p.k === "opaque") unknown = true;
    else {
      const piece = evalParam(p, env, positional, arg0, at);
      text += piece.text;
      dependsOn ??= piece.dependsOn;
      if (piece.unknown) unknown = true;
    }
  }
  return { text, ...(dependsOn ? { dependsOn } : {}), ...(unknown ? { unknown } : {}) };
}

const IFS = /[ \t\n]+/;

/** Expands one word into fields, the way `sh` does (field splitting of unquoted expansions, `"$@"`). */
function expandWord(
  parts: readonly Part[],
  env: Map<string, EnvValue>,
  positional: readonly Word[],
  arg0: Word | undefined,
  loc: Loc,
): Word[] {
  const fields: Piece[] = [];
  let cur: Piece | null = null;
  const append = (text: string, from: Piece) => {
    cur ??= { text: "" };
    cur.text += text;
    if (from.dependsOn) cur.dependsOn ??= from.dependsOn;
    if (from.unknown) cur.unknown = true;
    if (from.source) cur.source = cur.text === text ? from.source : undefined;
  };
  const breakField = () => {
    if (cur) fields.push(cur);
    cur = null;
  };
  for (const p of parts) {
    if (p.k === "lit") {
      append(p.text, { text: p.text });
      continue;
    }
    if (p.k === "opaque") {
      append("", { text: "", unknown: true });
      continue;
    }
    if ((p.name === "@" || (p.name === "*" && !p.q)) && p.op === "" && !p.length) {
      // "$@" is one field per argument; unquoted $@ and $* are split further.
      positional.forEach((w, n) => {
        if (n > 0) breakField();
        if (p.q) append(w.text, { text: w.text, source: w, ...(w.dependsOn ? { dependsOn: w.dependsOn } : {}) });
        else {
          const pieces = w.text.split(IFS).filter((x) => x !== "");
          pieces.forEach((x, m) => {
            if (m > 0) breakField();
            append(x, { text: x, source: w, ...(w.dependsOn ? { dependsOn: w.dependsOn } : {}) });
          });
        }
      });
      continue;
    }
    const piece = evalParam(p, env, positional, arg0, loc);
    if (p.q) {
      append(piece.text, piece);
      if (cur === null) cur = { text: "" };
      continue;
    }
    const pieces = piece.text.split(IFS);
    pieces.forEach((x, m) => {
      if (m > 0) breakField();
      if (x !== "") append(x, piece);
    });
  }
  // A word made only of quoted-empty parts is still one (empty) field.
  const quotedEmpty = parts.length > 0 && parts.every((p) => (p.k === "lit" && p.q) || (p.k === "param" && p.q && p.name !== "@"));
  if (cur === null && quotedEmpty && fields.length === 0) cur = { text: "" };
  breakField();
  return fields.map((f) => ({
    text: f.text,
    loc: f.source?.loc ?? loc,
    ...(f.dependsOn ? { dependsOn: f.dependsOn } : {}),
    ...(f.unknown ? { unknown: true } : {}),
  }));
}

/**
 * A Dockerfile word (an ENV value, a FROM image) expanded at build time the way BuildKit does:
 * quotes removed, escapes applied, `$VAR`/`${VAR:-word}` replaced from `env`.
 */
export function expandDockerWord(raw: string, env: Env, escape: string): { text: string; dependsOn?: string } {
  const parts = readWord(raw, 0, { escape, split: false }).parts;
  const r = expandToString(parts, env);
  return { text: r.text, ...(r.dependsOn ? { dependsOn: r.dependsOn } : {}) };
}

/**
 * Splits a string into words like a shell would, without running it: quotes and escapes are
 * honoured, `$` and operators are ordinary characters. For compose `command:` strings, which
 * docker compose splits into argv (no shell).
 */
export function splitWords(text: string): string[] {
  const mode: ReadMode = { escape: "\\", split: true, wordsOnly: true, noExpand: true };
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const r = readWord(text, i, mode);
    if (r.end === i) {
      i++;
      continue;
    }
    out.push(r.parts.map((p) => (p.k === "lit" ? p.text : "")).join(""));
    i = r.end;
  }
  return out;
}
