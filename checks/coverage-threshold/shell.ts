/**
 * A small POSIX-shell reader for CI `run:` blocks, Makefile recipes, npm scripts and tox commands:
 * quoting, escapes, `\` continuations, comments, redirections, heredocs, variable expansion (with
 * field splitting), `&&`/`||`/`|`/`;`/`&`, subshells, brace groups, `if`/`while`/`until`/`for`.
 *
 * It answers one question for each simple command: if this command fails, does the script fail?
 * (`set -e`, `set -o pipefail`, `|| true`, pipes, `&&` lists under `set -e`, conditions, `!`, `&`).
 * Never throws, never executes anything.
 */

export interface Word {
  /** The word after quote removal and the expansions that could be resolved. */
  readonly text: string;
  /** True when part of the word could not be known statically (`$VAR` unknown, `$(...)`, `${{ matrix.x }}`). */
  readonly dynamic: boolean;
  /** 1-based line (within the text given to `parseShell`). */
  readonly line: number;
}

export interface SimpleCommand {
  readonly kind: "simple";
  /** Leading `NAME=value` assignments. */
  readonly assignments: readonly { readonly name: string; readonly value: Word }[];
  readonly words: readonly Word[];
  readonly line: number;
}

export interface GroupCommand {
  readonly kind: "group";
  /** `( ... )` runs in a subshell; `{ ...; }` does not. */
  readonly subshell: boolean;
  readonly body: List;
  readonly line: number;
}

export interface IfCommand {
  readonly kind: "if";
  /** `cond` is null for the `else` branch. */
  readonly branches: readonly { readonly cond: List | null; readonly body: List }[];
  readonly line: number;
}

export interface LoopCommand {
  readonly kind: "loop";
  readonly cond: List | null;
  readonly body: List;
  readonly line: number;
}

export type Command = SimpleCommand | GroupCommand | IfCommand | LoopCommand;

export interface Pipeline {
  readonly commands: readonly Command[];
  readonly negated: boolean;
}

export interface AndOr {
  readonly parts: readonly { readonly op: "&&" | "||" | null; readonly pipeline: Pipeline }[];
  readonly background: boolean;
}

export type List = readonly AndOr[];

/** How a name resolves: a string, `null` for "known to be unset", `undefined` for "unknown". */
export type Lookup = (name: string) => string | null | undefined;

export interface ShellOptions {
  /** Shell variables and environment. Unknown names make a word dynamic. */
  readonly vars?: Lookup;
  /** GitHub Actions expressions `${{ ... }}`; undefined means unknown (dynamic). */
  readonly expr?: (expression: string) => string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Lexer

type Token =
  | { readonly t: "word"; readonly word: Word; readonly plain: boolean }
  | { readonly t: "op"; readonly op: string; readonly line: number };

interface Segment {
  text: string;
  /** Produced by an unquoted expansion: subject to field splitting. */
  split: boolean;
}

const OPERATORS = ["&&", "||", ";;", "|&", ";", "|", "&", "(", ")"];
const REDIRECT = /^(?:\d*)(?:<<<|<<-|<<|>>|>&|<&|>\||<>|>|<)|^&>>?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const MAX_TOKENS = 20000;

function lex(text: string, options: ShellOptions): Token[] {
  const tokens: Token[] = [];
  const vars = options.vars ?? (() => undefined);
  const exprs = options.expr ?? (() => undefined);
  let i = 0;
  let line = 1;
  const pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];

  const skipHeredocs = () => {
    // Called just after a newline: skip the bodies of the heredocs opened on the previous line.
    while (pendingHeredocs.length > 0) {
      const doc = pendingHeredocs.shift();
      if (!doc) break;
      while (i < text.length) {
        let end = text.indexOf("\n", i);
        if (end < 0) end = text.length;
        let bodyLine = text.slice(i, end);
        if (doc.stripTabs) bodyLine = bodyLine.replace(/^\t+/, "");
        i = Math.min(end + 1, text.length);
        if (end < text.length) line++;
        if (bodyLine === doc.delimiter) break;
      }
    }
  };

  while (i < text.length && tokens.length < MAX_TOKENS) {
    const c = text[i] ?? "";
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "\\" && text[i + 1] === "\n") {
      i += 2;
      line++;
      continue;
    }
    if (c === "\n") {
      tokens.push({ t: "op", op: "\n", line });
      i++;
      line++;
      skipHeredocs();
      continue;
    }
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const redirect = REDIRECT.exec(text.slice(i, i + 8));
    if (redirect && !(c === "&" && text[i + 1] === "&")) {
      const op = redirect[0];
      i += op.length;
      while (text[i] === " " || text[i] === "\t") i++;
      // The target word (file name, fd, or heredoc delimiter) is read and dropped.
      const target = readWord();
      if (op.endsWith("<<") || op.endsWith("<<-")) {
        pendingHeredocs.push({ delimiter: target.segments.map((s) => s.text).join(""), stripTabs: op.endsWith("-") });
      }
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ t: "op", op, line });
      i += op.length;
      continue;
    }
    const startLine = line;
    const word = readWord();
    if (word.consumed === 0) {
      i++; // cannot happen for well-formed input; guarantees progress
      continue;
    }
    for (const field of splitFields(word.segments)) {
      tokens.push({ t: "word", word: { text: field, dynamic: word.dynamic, line: startLine }, plain: word.plain });
    }
  }
  return tokens;

  function readWord(): { segments: Segment[]; dynamic: boolean; plain: boolean; consumed: number } {
    const start = i;
    const segments: Segment[] = [];
    let dynamic = false;
    let plain = true; // no quotes, no expansions: may be a reserved word
    const lit = (s: string) => {
      const last = segments[segments.length - 1];
      if (last && !last.split) last.text += s;
      else segments.push({ text: s, split: false });
    };
    while (i < text.length) {
      const c = text[i] ?? "";
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === ";" || c === "&" || c === "|" || c === "(" || c === ")" || c === "<" || c === ">") {
        break;
      }
      if (c === "\\") {
        plain = false;
        const next = text[i + 1];
        if (next === "\n") {
          i += 2;
          line++;
          continue;
        }
        if (next !== undefined) lit(next);
        i += 2;
        continue;
      }
      if (c === "'") {
        plain = false;
        const end = text.indexOf("'", i + 1);
        const body = end < 0 ? text.slice(i + 1) : text.slice(i + 1, end);
        line += countNewlines(body);
        lit(body);
        i = end < 0 ? text.length : end + 1;
        continue;
      }
      if (c === '"') {
        plain = false;
        i++;
        while (i < text.length && text[i] !== '"') {
          const d = text[i] ?? "";
          if (d === "\\" && i + 1 < text.length) {
            const next = text[i + 1] ?? "";
            if (next === "\n") {
              line++;
              i += 2;
              continue;
            }
            if (next === "$" || next === "`" || next === '"' || next === "\\") {
              lit(next);
              i += 2;
              continue;
            }
            lit(d);
            i++;
            continue;
          }
          if (d === "$" || d === "`") {
            const e = readExpansion();
            if (e.dynamic) dynamic = true;
            lit(e.text);
            continue;
          }
          if (d === "\n") line++;
          lit(d);
          i++;
        }
        i++; // closing quote
        continue;
      }
      if (c === "$" || c === "`") {
        const e = readExpansion();
        if (e.expanded) plain = false;
        if (e.dynamic) dynamic = true;
        if (e.expanded && !e.dynamic) segments.push({ text: e.text, split: true });
        else lit(e.text);
        continue;
      }
      lit(c);
      i++;
    }
    return { segments, dynamic, plain, consumed: i - start };
  }

  /** At a `$` or a backtick: read one expansion. */
  function readExpansion(): { text: string; dynamic: boolean; expanded: boolean } {
    const c = text[i];
    if (c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== "`") j += text[j] === "\\" ? 2 : 1;
      line += countNewlines(text.slice(i, j));
      const raw = text.slice(i, j + 1);
      i = Math.min(j + 1, text.length);
      return { text: raw, dynamic: true, expanded: true };
    }
    // c === "$"
    const next = text[i + 1] ?? "";
    if (text.startsWith("${{", i)) {
      const end = text.indexOf("}}", i + 3);
      const body = end < 0 ? text.slice(i + 3) : text.slice(i + 3, end);
      const raw = end < 0 ? text.slice(i) : text.slice(i, end + 2);
      i = end < 0 ? text.length : end + 2;
      line += countNewlines(body);
      const value = exprs(body.trim());
      return value === undefined ? { text: raw, dynamic: true, expanded: true } : { text: value, dynamic: false, expanded: true };
    }
    if (next === "(") {
      const end = matchParen(text, i + 1);
      const raw = text.slice(i, end);
      line += countNewlines(raw);
      i = end;
      return { text: raw, dynamic: true, expanded: true };
    }
    if (next === "{") {
      const end = text.indexOf("}", i + 2);
      const body = end < 0 ? text.slice(i + 2) : text.slice(i + 2, end);
      const raw = end < 0 ? text.slice(i) : text.slice(i, end + 1);
      i = end < 0 ? text.length : end + 1;
      const name = NAME.exec(body)?.[0];
      if (!name) return { text: raw, dynamic: true, expanded: true };
      const rest = body.slice(name.length);
      const value = vars(name);
      const fallback = /^:?[-=]/.exec(rest);
      if (rest === "") return resolved(value, raw);
      if (fallback) {
        const def = rest.slice(fallback[0].length);
        if (value === null || (value === "" && fallback[0].startsWith(":"))) return { text: def, dynamic: /[$`]/.test(def), expanded: true };
        return resolved(value, raw);
      }
      return { text: raw, dynamic: true, expanded: true };
    }
    const name = NAME.exec(text.slice(i + 1, i + 200))?.[0];
    if (name) {
      i += 1 + name.length;
      return resolved(vars(name), `$${name}`);
    }
    if (next !== "" && "@*#?$!-0123456789".includes(next)) {
      i += 2;
      return { text: `$${next}`, dynamic: true, expanded: true };
    }
    i++;
    return { text: "$", dynamic: false, expanded: false };
  }
}

function resolved(value: string | null | undefined, raw: string): { text: string; dynamic: boolean; expanded: boolean } {
  if (value === undefined) return { text: raw, dynamic: true, expanded: true };
  return { text: value ?? "", dynamic: false, expanded: true };
}

function splitFields(segments: readonly Segment[]): string[] {
  if (!segments.some((s) => s.split)) return [segments.map((s) => s.text).join("")];
  const fields: string[] = [];
  let current = "";
  let has = false;
  for (const s of segments) {
    if (!s.split) {
      current += s.text;
      has = true;
      continue;
    }
    const parts = s.text.split(/[ \t\n]+/);
    parts.forEach((p, k) => {
      if (k > 0) {
        if (has) fields.push(current);
        current = "";
        has = false;
      }
      if (p !== "") {
        current += p;
        has = true;
      }
    });
  }
  if (has) fields.push(current);
  return fields;
}

function countNewlines(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === "\n") n++;
  return n;
}

/** Index just past the parenthesis matching the one at `open`, skipping quoted text. */
function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    const c = text[j];
    if (c === "\\") {
      j++;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", j + 1);
      if (end < 0) return text.length;
      j = end;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return text.length;
}

// ---------------------------------------------------------------------------------------------
// Parser

const RESERVED = new Set(["if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "select", "case", "esac", "{", "}", "!", "function", "in"]);
const TERMINATORS = new Set(["then", "elif", "else", "fi", "do", "done", "esac", "}"]);

export function parseShell(text: string, options: ShellOptions = {}): List {
  const tokens = lex(text, options);
  let p = 0;
  const peek = () => tokens[p];
  const isOp = (op: string) => {
    const t = tokens[p];
    return t?.t === "op" && t.op === op;
  };
  const reserved = (): string | null => {
    const t = tokens[p];
    return t?.t === "word" && t.plain && RESERVED.has(t.word.text) ? t.word.text : null;
  };
  const lineHere = () => {
    const t = tokens[p];
    return t ? (t.t === "op" ? t.line : t.word.line) : 1;
  };
  const skipNewlines = () => {
    while (isOp("\n")) p++;
  };
  const expect = (word: string) => {
    if (reserved() === word) p++;
  };

  function parseList(stops: ReadonlySet<string>, inSubshell: boolean, depth: number): AndOr[] {
    const list: AndOr[] = [];
    while (p < tokens.length) {
      while (isOp("\n") || isOp(";") || isOp(";;") || isOp("&")) p++;
      if (p >= tokens.length) break;
      const r = reserved();
      if (r !== null && stops.has(r)) break;
      if (isOp(")")) {
        if (inSubshell) break;
        p++;
        continue;
      }
      if (r !== null && TERMINATORS.has(r)) {
        p++; // a stray terminator: skip it
        continue;
      }
      const before = p;
      const ao = parseAndOr(depth);
      if (ao.parts.length > 0) list.push(ao);
      if (p === before) p++;
    }
    return list;
  }

  function parseAndOr(depth: number): AndOr {
    const parts: { op: "&&" | "||" | null; pipeline: Pipeline }[] = [];
    const first = parsePipeline(depth);
    if (first) parts.push({ op: null, pipeline: first });
    while (isOp("&&") || isOp("||")) {
      const op = (peek() as { op: "&&" | "||" }).op;
      p++;
      skipNewlines();
      const next = parsePipeline(depth);
      if (next) parts.push({ op, pipeline: next });
    }
    const background = isOp("&");
    return { parts, background };
  }

  function parsePipeline(depth: number): Pipeline | null {
    let negated = false;
    while (reserved() === "!") {
      negated = !negated;
      p++;
    }
    const commands: Command[] = [];
    const first = parseCommand(depth);
    if (first) commands.push(first);
    while (isOp("|") || isOp("|&")) {
      p++;
      skipNewlines();
      const next = parseCommand(depth);
      if (next) commands.push(next);
    }
    return commands.length > 0 ? { commands, negated } : null;
  }

  function parseCommand(depth: number): Command | null {
    const line = lineHere();
    if (depth > 50) {
      p = tokens.length;
      return null;
    }
    const r = reserved();
    if (r === "if") {
      p++;
      const branches: { cond: List | null; body: List }[] = [];
      let cond = parseList(new Set(["then"]), false, depth + 1);
      expect("then");
      let body = parseList(new Set(["elif", "else", "fi"]), false, depth + 1);
      branches.push({ cond, body });
      while (reserved() === "elif") {
        p++;
        cond = parseList(new Set(["then"]), false, depth + 1);
        expect("then");
        body = parseList(new Set(["elif", "else", "fi"]), false, depth + 1);
        branches.push({ cond, body });
      }
      if (reserved() === "else") {
        p++;
        branches.push({ cond: null, body: parseList(new Set(["fi"]), false, depth + 1) });
      }
      expect("fi");
      return { kind: "if", branches, line };
    }
    if (r === "while" || r === "until") {
      p++;
      const cond = parseList(new Set(["do"]), false, depth + 1);
      expect("do");
      const body = parseList(new Set(["done"]), false, depth + 1);
      expect("done");
      return { kind: "loop", cond, body, line };
    }
    if (r === "for" || r === "select") {
      while (p < tokens.length && reserved() !== "do") p++;
      expect("do");
      const body = parseList(new Set(["done"]), false, depth + 1);
      expect("done");
      return { kind: "loop", cond: null, body, line };
    }
    if (r === "case") {
      // Patterns are not commands; the branches are rare in CI scripts and skipped whole.
      while (p < tokens.length && reserved() !== "esac") p++;
      expect("esac");
      return { kind: "group", subshell: false, body: [], line };
    }
    if (r === "{") {
      p++;
      const body = parseList(new Set(["}"]), false, depth + 1);
      expect("}");
      return { kind: "group", subshell: false, body, line };
    }
    if (r === "function") {
      p++;
      if (peek()?.t === "word") p++;
      if (isOp("(")) p += 2;
      skipNewlines();
      parseCommand(depth + 1); // a definition runs nothing
      return { kind: "group", subshell: false, body: [], line };
    }
    if (r !== null && r !== "!") return null; // a terminator: the enclosing list ends here
    if (isOp("(")) {
      p++;
      const body = parseList(new Set(), true, depth + 1);
      if (isOp(")")) p++;
      return { kind: "group", subshell: true, body, line };
    }
    const assignments: { name: string; value: Word }[] = [];
    const words: Word[] = [];
    while (p < tokens.length) {
      const t = tokens[p];
      if (!t || t.t !== "word") break;
      if (words.length === 0) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(t.word.text);
        if (m) {
          assignments.push({ name: m[1] ?? "", value: { ...t.word, text: t.word.text.slice((m[1] ?? "").length + 1) } });
          p++;
          continue;
        }
      }
      words.push(t.word);
      p++;
    }
    // `name() { ... }`: a function definition runs nothing now.
    if (words.length === 1 && isOp("(") && tokens[p + 1]?.t === "op" && (tokens[p + 1] as { op: string }).op === ")") {
      p += 2;
      skipNewlines();
      parseCommand(depth + 1);
      return { kind: "group", subshell: false, body: [], line };
    }
    if (words.length === 0 && assignments.length === 0) return null;
    return { kind: "simple", assignments, words, line };
  }

  return parseList(new Set(), false, 0);
}

// ---------------------------------------------------------------------------------------------
// Exit-status analysis

/** Whether a failure of a command fails the whole script; when not, why not. */
export type Fate = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: Fate = { ok: true };

export interface ShellState {
  errexit: boolean;
  pipefail: boolean;
}

export interface ShellVisitor {
  /** Called for every simple command, in source order, with what its failure would do. */
  command(cmd: SimpleCommand, fate: Fate, state: Readonly<ShellState>): void;
  enterSubshell?(): void;
  leaveSubshell?(): void;
}

interface Ctx {
  /** The enclosing list ended with a failure status. */
  readonly onListFail: () => Fate;
  /** The shell (or subshell) exits with a failure (`set -e`, `exit 1`). */
  readonly onExit: () => Fate;
  /** Set when failures here are consumed (a condition, `!`). */
  readonly consumed: string | null;
}

/**
 * Walks a script as the shell would run it (every branch taken once) and tells the visitor, for
 * each simple command, whether its failure makes the script exit non-zero.
 */
export function walkShell(list: List, initial: ShellState, visitor: ShellVisitor): void {
  const state: ShellState = { ...initial };
  walkList(list, state, { onListFail: () => OK, onExit: () => OK, consumed: null }, visitor);
}

function walkList(list: List, state: ShellState, ctx: Ctx, visitor: ShellVisitor): void {
  list.forEach((ao, i) => {
    const isLastList = i === list.length - 1;
    ao.parts.forEach((part, j) => {
      const errexit = state.errexit;
      const negated = part.pipeline.negated ? "its status is negated with !" : null;
      walkPipeline(
        part.pipeline,
        state,
        {
          onListFail: () => afterFailure(ao, j, isLastList, errexit, ctx),
          onExit: ctx.onExit,
          consumed: ctx.consumed ?? negated ?? (ao.background ? "it runs in the background (&)" : null),
        },
        visitor,
      );
    });
  });
}

function walkPipeline(pipeline: Pipeline, state: ShellState, ctx: Ctx, visitor: ShellVisitor): void {
  const n = pipeline.commands.length;
  pipeline.commands.forEach((cmd, k) => {
    const last = k === n - 1;
    const next = pipeline.commands[k + 1];
    const pipefail = state.pipefail;
    const onFail =
      ctx.consumed !== null
        ? () => notOk(ctx.consumed ?? "")
        : last || pipefail
          ? ctx.onListFail
          : () => notOk(`its exit status is lost in the pipe into ${describe(next)} (no set -o pipefail)`);
    walkCommand(cmd, state, { onListFail: onFail, onExit: ctx.onExit, consumed: ctx.consumed }, visitor);
  });
}

function walkCommand(cmd: Command, state: ShellState, ctx: Ctx, visitor: ShellVisitor): void {
  switch (cmd.kind) {
    case "simple": {
      applySet(cmd, state);
      visitor.command(cmd, ctx.onListFail(), state);
      return;
    }
    case "group": {
      if (cmd.subshell) {
        visitor.enterSubshell?.();
        const inner: ShellState = { ...state };
        walkList(cmd.body, inner, { onListFail: ctx.onListFail, onExit: ctx.onListFail, consumed: ctx.consumed }, visitor);
        visitor.leaveSubshell?.();
      } else {
        walkList(cmd.body, state, ctx, visitor);
      }
      return;
    }
    case "if": {
      for (const branch of cmd.branches) {
        if (branch.cond) {
          walkList(branch.cond, state, { onListFail: ctx.onListFail, onExit: ctx.onExit, consumed: ctx.consumed ?? "it is the condition of an if" }, visitor);
        }
        walkList(branch.body, state, ctx, visitor);
      }
      return;
    }
    case "loop": {
      if (cmd.cond) {
        walkList(cmd.cond, state, { onListFail: ctx.onListFail, onExit: ctx.onExit, consumed: ctx.consumed ?? "it is the condition of a loop" }, visitor);
      }
      walkList(cmd.body, state, ctx, visitor);
      return;
    }
  }
}

/** What the failure of part `j` of an and-or list does to the script. */
function afterFailure(ao: AndOr, j: number, isLastList: boolean, errexit: boolean, ctx: Ctx): Fate {
  let finalPart = j === ao.parts.length - 1;
  for (let m = j + 1; m < ao.parts.length; m++) {
    const part = ao.parts[m];
    if (!part || part.op === "&&") continue; // skipped: the status stays a failure
    const outcome = rhsOutcome(part.pipeline);
    if (outcome.kind === "exit-fail") return ctx.onExit();
    if (outcome.kind === "success") return notOk(`it is followed by "|| ${outcome.text}", which swallows the failure`);
    finalPart = m === ao.parts.length - 1;
  }
  if (errexit && finalPart) return ctx.onExit();
  if (isLastList) return ctx.onListFail();
  if (errexit) return notOk("it is followed by && in a list, and set -e ignores failures inside && lists, so the script goes on");
  return notOk("its exit status is discarded: more commands follow and set -e is off");
}

type RhsOutcome = { kind: "exit-fail" } | { kind: "fail" } | { kind: "success"; text: string };

/** What the right-hand side of `||` does when it runs. */
function rhsOutcome(pipeline: Pipeline): RhsOutcome {
  const last = pipeline.commands[pipeline.commands.length - 1];
  if (!last) return { kind: "success", text: "" };
  const outcome = commandOutcome(last);
  if (pipeline.negated) return outcome.kind === "success" ? { kind: "fail" } : { kind: "success", text: `! ${describe(last)}` };
  return outcome;
}

function commandOutcome(cmd: Command): RhsOutcome {
  if (cmd.kind === "simple") {
    const name = cmd.words[0]?.text ?? "";
    const arg = cmd.words[1];
    if (name === "exit" || name === "return") {
      if (arg && !arg.dynamic && /^0+$/.test(arg.text)) return { kind: "success", text: `${name} 0` };
      return { kind: "exit-fail" };
    }
    if (name === "false") return { kind: "fail" };
    return { kind: "success", text: describe(cmd) };
  }
  if (cmd.kind === "group") {
    const lastList = cmd.body[cmd.body.length - 1];
    const lastPart = lastList?.parts[lastList.parts.length - 1];
    if (!lastPart) return { kind: "success", text: "{ }" };
    const inner = rhsOutcome(lastPart.pipeline);
    // `exit` in a subshell only ends the subshell: the status is a failure, the script goes on.
    if (inner.kind === "exit-fail" && cmd.subshell) return { kind: "fail" };
    return inner;
  }
  return { kind: "success", text: describe(cmd) };
}

function applySet(cmd: SimpleCommand, state: ShellState): void {
  if (cmd.words[0]?.text !== "set") return;
  const args = cmd.words.slice(1).map((w) => w.text);
  for (let k = 0; k < args.length; k++) {
    const a = args[k] ?? "";
    if (!/^[-+][A-Za-z]+$/.test(a)) continue;
    const on = a.startsWith("-");
    for (const letter of a.slice(1)) {
      if (letter === "e") state.errexit = on;
      if (letter === "o") {
        const name = args[k + 1];
        if (name === "errexit") state.errexit = on;
        if (name === "pipefail") state.pipefail = on;
      }
    }
  }
}

function notOk(reason: string): Fate {
  return { ok: false, reason };
}

/** A short name for a command, for messages. */
export function describe(cmd: Command | undefined): string {
  if (!cmd) return "another command";
  if (cmd.kind === "simple") return cmd.words.slice(0, 3).map((w) => w.text).join(" ") || "an assignment";
  if (cmd.kind === "group") return cmd.subshell ? "( … )" : "{ … }";
  return cmd.kind === "if" ? "if … fi" : "a loop";
}
