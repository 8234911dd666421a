/**
 * A small reader of Ruby: enough of the grammar to see the method calls of a Rails migration,
 * their literal arguments and their blocks. Strings, heredocs, symbols, %-literals and comments are
 * lexed properly, so text inside them is never mistaken for code. What it does not understand
 * becomes an `opaque` node: the Rails reader then says it cannot see, rather than guessing.
 * It never throws and always terminates (every loop consumes a token).
 */

import { INTERPOLATED } from "./embedded.js";

export type RNode =
  | {
      readonly k: "call";
      readonly recv: RNode | null;
      readonly name: string;
      readonly args: readonly RNode[];
      readonly kwargs: ReadonlyMap<string, RNode>;
      readonly block: readonly RNode[] | null;
      readonly blockParams: readonly string[];
      readonly line: number;
    }
  | { readonly k: "str"; readonly v: string; readonly interp: boolean; readonly line: number }
  | { readonly k: "sym"; readonly v: string; readonly line: number }
  | { readonly k: "num"; readonly v: string; readonly line: number }
  | { readonly k: "arr"; readonly items: readonly RNode[]; readonly line: number }
  | { readonly k: "hash"; readonly entries: ReadonlyMap<string, RNode>; readonly line: number }
  | { readonly k: "const"; readonly v: string; readonly line: number }
  | { readonly k: "lit"; readonly v: "true" | "false" | "nil" | "self"; readonly line: number }
  | { readonly k: "def"; readonly name: string; readonly body: readonly RNode[]; readonly line: number }
  | { readonly k: "class"; readonly name: string; readonly superclass: string; readonly body: readonly RNode[]; readonly line: number }
  | { readonly k: "assign"; readonly name: string; readonly value: RNode; readonly line: number }
  | { readonly k: "opaque"; readonly line: number; readonly parts: readonly RNode[] };

type Tok =
  | { t: "ident"; v: string; line: number; sp: boolean }
  | { t: "const"; v: string; line: number; sp: boolean }
  | { t: "sym"; v: string; line: number; sp: boolean }
  | { t: "label"; v: string; line: number; sp: boolean }
  | { t: "str"; v: string; interp: boolean; line: number; sp: boolean }
  | { t: "num"; v: string; line: number; sp: boolean }
  | { t: "words"; items: string[]; sym: boolean; line: number; sp: boolean }
  | { t: "op"; v: string; line: number; sp: boolean }
  | { t: "nl"; line: number; sp: boolean };

const PAIRS: Record<string, string> = { "(": ")", "[": "]", "{": "}", "<": ">" };

/** Lexes Ruby source. Interpolations `#{...}` become the INTERPOLATED marker in string values, and are flagged. */
export function lexRuby(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  let sp = false;
  const pendingHeredocs: { id: string; squiggly: boolean; raw: boolean; tok: { v: string; interp: boolean; line: number } }[] = [];
  const n = src.length;
  const prevIsValue = () => {
    const p = out[out.length - 1];
    if (!p) return false;
    if (p.t === "op") return p.v === ")" || p.v === "]" || p.v === "}";
    if (p.t === "nl") return false;
    if (p.t === "ident") return !KEYWORDS_BEFORE_VALUE.has(p.v);
    return true;
  };
  const push = (tok: Tok) => {
    out.push(tok);
    sp = false;
  };

  while (i < n) {
    const c = src[i] ?? "";
    // =begin ... =end at the start of a line
    if (c === "=" && (i === 0 || src[i - 1] === "\n") && src.startsWith("=begin", i)) {
      const end = src.indexOf("\n=end", i);
      const stop = end < 0 ? n : end + 5;
      for (let k = i; k < stop; k++) if (src[k] === "\n") line++;
      i = stop;
      while (i < n && src[i] !== "\n") i++;
      continue;
    }
    if ((i === 0 || src[i - 1] === "\n") && src.startsWith("__END__", i) && (src[i + 7] === "\n" || i + 7 >= n)) break;
    if (c === "\n") {
      push({ t: "nl", line, sp });
      line++;
      i++;
      if (pendingHeredocs.length > 0) {
        for (const h of pendingHeredocs) {
          const bodyLines: string[] = [];
          h.tok.line = line;
          while (i < n) {
            const eol = src.indexOf("\n", i);
            const lineText = src.slice(i, eol < 0 ? n : eol);
            i = eol < 0 ? n : eol + 1;
            line++;
            const probe = h.squiggly ? lineText.trim() : lineText.replace(/\r$/, "");
            if (probe === h.id) break;
            bodyLines.push(lineText);
          }
          const body = bodyLines.join("\n");
          h.tok.v = h.raw ? body : body.replace(/#\{[^}]*\}/g, () => {
            h.tok.interp = true;
            return INTERPOLATED;
          });
        }
        pendingHeredocs.length = 0;
      }
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      sp = true;
      i++;
      continue;
    }
    if (c === "\\" && src[i + 1] === "\n") {
      i += 2;
      line++;
      sp = true;
      continue;
    }
    if (c === "#") {
      while (i < n && src[i] !== "\n") i++;
      continue;
    }
    // heredoc
    const hd = c === "<" && src[i + 1] === "<" ? /^<<([~-]?)(["'`]?)([A-Za-z_]\w*)\2/.exec(src.slice(i, i + 80)) : null;
    if (hd && !(prevIsValue() && src[i + 2] === " ")) {
      const tok = { t: "str" as const, v: "", interp: false, line, sp };
      push(tok);
      pendingHeredocs.push({ id: hd[3] ?? "", squiggly: hd[1] !== "", raw: hd[2] === "'", tok });
      i += hd[0].length;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      const r = readQuoted(src, i + 1, c, c, c !== "'");
      const startLine = line;
      line += r.newlines;
      i = r.end;
      if (src[i] === ":" && src[i + 1] !== ":" && c !== "`") {
        i++;
        push({ t: "label", v: r.value, line: startLine, sp });
      } else push({ t: "str", v: r.value, interp: r.interp, line: startLine, sp });
      continue;
    }
    if (c === ":" && src[i + 1] === ":") {
      push({ t: "op", v: "::", line, sp });
      i += 2;
      continue;
    }
    if (c === ":" && (src[i + 1] === '"' || src[i + 1] === "'")) {
      const q = src[i + 1] ?? '"';
      const r = readQuoted(src, i + 2, q, q, q === '"');
      line += r.newlines;
      i = r.end;
      push({ t: "sym", v: r.value, line, sp });
      continue;
    }
    if (c === ":" && /[A-Za-z_]/.test(src[i + 1] ?? "")) {
      const m = /^:([A-Za-z_]\w*[?!=]?)/.exec(src.slice(i, i + 200));
      if (m) {
        push({ t: "sym", v: m[1] ?? "", line, sp });
        i += m[0].length;
        continue;
      }
    }
    if (c === "%" && (!prevIsValue() || (sp && out[out.length - 1]?.t === "ident" && !/\s/.test(src[i + 1] ?? " ")))) {
      const m = /^%([qQwWiIrsx]?)([^\w\s])/.exec(src.slice(i, i + 3));
      if (m) {
        const kind = m[1] ?? "";
        const open = m[2] ?? "(";
        const close = PAIRS[open] ?? open;
        const r = readQuoted(src, i + m[0].length, open, close, kind === "" || kind === "Q" || kind === "W" || kind === "I");
        const startLine = line;
        line += r.newlines;
        i = r.end;
        if (kind === "w" || kind === "W" || kind === "i" || kind === "I")
          push({ t: "words", items: r.value.split(/\s+/).filter((w) => w.length > 0), sym: kind === "i" || kind === "I", line: startLine, sp });
        else if (kind === "r" || kind === "x") push({ t: "op", v: "regex", line: startLine, sp });
        else if (kind === "s") push({ t: "sym", v: r.value, line: startLine, sp });
        else push({ t: "str", v: r.value, interp: r.interp, line: startLine, sp });
        continue;
      }
    }
    if (c === "/" && (!prevIsValue() || (sp && src[i + 1] !== " " && out[out.length - 1]?.t === "ident"))) {
      const r = readQuoted(src, i + 1, "/", "/", true);
      line += r.newlines;
      i = r.end;
      while (/[imxounse]/.test(src[i] ?? "")) i++;
      push({ t: "op", v: "regex", line, sp });
      continue;
    }
    if (c === "?" && /[A-Za-z_]/.test(src[i + 1] ?? "") && !/\w/.test(src[i + 2] ?? "") && !prevIsValue()) {
      push({ t: "str", v: src[i + 1] ?? "", interp: false, line, sp });
      i += 2;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?/.exec(src.slice(i, i + 100));
      const v = m ? m[0] : c;
      push({ t: "num", v, line, sp });
      i += v.length;
      continue;
    }
    if (/[A-Za-z_@$]/.test(c)) {
      const m = /^(@@?|\$)?[A-Za-z_]\w*([?!](?![=~]))?/.exec(src.slice(i, i + 200));
      const v = m ? m[0] : c;
      i += v.length;
      if (src[i] === ":" && src[i + 1] !== ":" && !/[?!]$/.test(v) && /^[A-Za-z_]/.test(v) && prevChar(out) !== "?") {
        i++;
        push({ t: "label", v, line, sp });
      } else if (/^[A-Z]/.test(v)) push({ t: "const", v, line, sp });
      else push({ t: "ident", v, line, sp });
      continue;
    }
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    const op = ["**=", "<=>", "===", "...", "||=", "&&=", "<<="].includes(three)
      ? three
      : ["=>", "->", "==", "!=", "&&", "||", "<=", ">=", "..", "&.", "+=", "-=", "*=", "/=", "<<", ">>", "=~", "!~", "**"].includes(two)
        ? two
        : c;
    push({ t: "op", v: op, line, sp });
    i += op.length;
  }
  out.push({ t: "nl", line, sp: false });
  return out;
}

function prevChar(out: readonly Tok[]): string {
  const p = out[out.length - 1];
  return p && p.t === "op" ? p.v : "";
}

const KEYWORDS_BEFORE_VALUE = new Set([
  "if", "unless", "while", "until", "and", "or", "not", "return", "when", "in", "then", "do", "else", "elsif", "case", "puts", "p",
]);

function readQuoted(
  src: string,
  start: number,
  open: string,
  close: string,
  interpolates: boolean,
): { value: string; end: number; newlines: number; interp: boolean } {
  let i = start;
  let depth = 1;
  let value = "";
  let newlines = 0;
  let interp = false;
  while (i < src.length) {
    const c = src[i] ?? "";
    if (c === "\\") {
      const next = src[i + 1] ?? "";
      if (next === "\n") newlines++;
      value += next === close || next === "\\" || next === open ? next : interpolates ? unescape(next) : c + next;
      i += 2;
      continue;
    }
    if (interpolates && c === "#" && src[i + 1] === "{") {
      let d = 1;
      let j = i + 2;
      while (j < src.length && d > 0) {
        if (src[j] === "{") d++;
        else if (src[j] === "}") d--;
        else if (src[j] === "\n") newlines++;
        j++;
      }
      value += INTERPOLATED;
      interp = true;
      i = j;
      continue;
    }
    if (c === "\n") newlines++;
    if (open !== close && c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return { value, end: i + 1, newlines, interp };
    }
    value += c;
    i++;
  }
  return { value, end: i, newlines, interp };
}

function unescape(c: string): string {
  return c === "n" ? "\n" : c === "t" ? "\t" : c;
}

/** Parses Ruby into a statement list. Never throws. */
export function parseRuby(src: string): RNode[] {
  const p = new Parser(lexRuby(src));
  return p.program();
}

const BLOCK_OPENERS = new Set(["if", "unless", "while", "until", "case", "begin", "for"]);
const BODY_SEPARATORS = new Set(["else", "elsif", "when", "in", "rescue", "ensure", "then"]);
const MODIFIERS = new Set(["if", "unless", "while", "until", "rescue"]);
const STOP_WORDS = new Set(["end", "do", "then", "and", "or", ...MODIFIERS, ...BODY_SEPARATORS]);

/** Deeper nesting than this is read as opaque (no recursion overflow on hostile input). */
const MAX_DEPTH = 150;

class Parser {
  private i = 0;
  private steps = 0;
  private depth = 0;

  /** Runs a recursive step, or, past MAX_DEPTH, skips one token and returns the fallback. */
  private nested<T>(step: () => T, fallback: T): T {
    if (this.depth >= MAX_DEPTH) {
      this.i++;
      return fallback;
    }
    this.depth++;
    try {
      return step();
    } finally {
      this.depth--;
    }
  }

  constructor(private readonly toks: readonly Tok[]) {}

  program(): RNode[] {
    const out: RNode[] = [];
    while (!this.atEnd()) {
      const before = this.i;
      out.push(...this.body());
      if (this.i === before) this.i++; // a stray `end` or `}`: skip it
    }
    return out;
  }

  private atEnd(): boolean {
    return this.i >= this.toks.length || ++this.steps > this.toks.length * 20;
  }

  private peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }

  private isWord(t: Tok | undefined, ...words: string[]): boolean {
    return t !== undefined && t.t === "ident" && words.includes(t.v);
  }

  private isOp(t: Tok | undefined, ...ops: string[]): boolean {
    return t !== undefined && t.t === "op" && ops.includes(t.v);
  }

  private skipNl(): void {
    while (this.peek()?.t === "nl" || this.isOp(this.peek(), ";")) this.i++;
  }

  /** Statements until `end` (consumed by the caller), `}` or end of input; body separators are flattened. */
  private body(): RNode[] {
    return this.nested(() => this.bodyInner(), []);
  }

  private bodyInner(): RNode[] {
    const out: RNode[] = [];
    for (;;) {
      this.skipNl();
      const t = this.peek();
      if (!t || this.atEnd()) return out;
      if (this.isWord(t, "end") || this.isOp(t, "}", ")", "]")) return out;
      if (t.t === "ident" && BODY_SEPARATORS.has(t.v)) {
        this.i++;
        if (t.v !== "else" && t.v !== "ensure") this.skipToEol();
        continue;
      }
      const before = this.i;
      const s = this.statement();
      if (s) out.push(...s);
      if (this.i === before) this.i++;
    }
  }

  private skipToEol(): void {
    let depth = 0;
    while (!this.atEnd()) {
      const t = this.peek();
      if (!t) return;
      if (t.t === "nl" && depth === 0) return;
      if (this.isOp(t, "(", "[", "{")) depth++;
      if (this.isOp(t, ")", "]", "}")) {
        if (depth === 0) return;
        depth--;
      }
      if (depth === 0 && this.isWord(t, "then", "do")) return;
      this.i++;
    }
  }

  private expectEnd(): void {
    if (this.isWord(this.peek(), "end")) this.i++;
  }

  private statement(): RNode[] | null {
    const t = this.peek();
    if (!t) return null;
    if (this.isWord(t, "def")) return [this.def()];
    if (this.isWord(t, "class", "module")) return [this.klass()];
    if (t.t === "ident" && BLOCK_OPENERS.has(t.v)) {
      this.i++;
      if (t.v !== "begin") this.skipToEol();
      if (this.isWord(this.peek(), "then", "do")) this.i++;
      const inner = this.body();
      this.expectEnd();
      return inner;
    }
    const e = this.expr(true);
    this.trailingModifiers();
    return e ? [e] : null;
  }

  private trailingModifiers(): void {
    for (;;) {
      const t = this.peek();
      if (t && t.t === "ident" && (MODIFIERS.has(t.v) || t.v === "and" || t.v === "or")) {
        this.i++;
        this.expr(true);
        continue;
      }
      return;
    }
  }

  private def(): RNode {
    const line = this.peek()?.line ?? 0;
    this.i++;
    let name = "";
    // def self.up / def name / def name(args) / def name = expr
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (t.t === "ident" || t.t === "const" || t.t === "label") {
        name += t.v;
        this.i++;
        if (this.isOp(this.peek(), ".")) {
          name += ".";
          this.i++;
          continue;
        }
      } else if (t.t === "op" && t.v !== "(" && t.t === "op") {
        name += t.v;
        this.i++;
      }
      break;
    }
    if (this.isOp(this.peek(), "(")) this.skipBalanced();
    if (this.isOp(this.peek(), "=")) {
      this.i++;
      const e = this.expr(true);
      return { k: "def", name, body: e ? [e] : [], line };
    }
    this.skipToEol();
    const body = this.body();
    this.expectEnd();
    return { k: "def", name, body, line };
  }

  private klass(): RNode {
    const line = this.peek()?.line ?? 0;
    this.i++;
    let name = "";
    let superclass = "";
    let inSuper = false;
    while (!this.atEnd()) {
      const t = this.peek();
      if (!t || t.t === "nl" || this.isOp(t, ";")) break;
      if (this.isOp(t, "<")) {
        inSuper = true;
        this.i++;
        continue;
      }
      const text = t.t === "op" || t.t === "ident" || t.t === "const" || t.t === "num" ? t.v : "";
      if (inSuper) superclass += text;
      else name += text;
      this.i++;
    }
    const body = this.body();
    this.expectEnd();
    return { k: "class", name, superclass, body, line };
  }

  private skipBalanced(): void {
    const open = this.peek();
    if (!open || open.t !== "op") return;
    const close = PAIRS[open.v];
    if (!close) return;
    let depth = 0;
    while (!this.atEnd()) {
      const t = this.peek();
      if (!t) return;
      if (this.isOp(t, open.v)) depth++;
      else if (this.isOp(t, close)) {
        depth--;
        if (depth === 0) {
          this.i++;
          return;
        }
      }
      this.i++;
    }
  }

  /** An expression; `command` allows a method call with arguments without parentheses. */
  private expr(command: boolean): RNode | null {
    return this.nested(() => this.exprInner(command), { k: "opaque", line: this.peek()?.line ?? 0, parts: [] });
  }

  private exprInner(command: boolean): RNode | null {
    const first = this.peek();
    if (!first) return null;
    // local assignment: name = value
    if (first.t === "ident" && this.isOp(this.peek(1), "=", "||=")) {
      this.i += 2;
      this.skipNl();
      const value = this.expr(command);
      return value ? { k: "assign", name: first.v, value, line: first.line } : null;
    }
    let left = this.unary(command);
    if (!left) return null;
    const parts: RNode[] = [left];
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== "op") break;
      if (["+", "-", "*", "/", "%", "==", "!=", "&&", "||", "<", ">", "<=", ">=", "<=>", "=~", "!~", "..", "...", "**", "<<", ">>", "|", "&", "^", "?", ":", "+=", "-=", "*=", "||=", "&&=", "="].includes(t.v)) {
        this.i++;
        this.skipNl();
        const right = this.unary(command);
        if (right) parts.push(right);
        continue;
      }
      break;
    }
    if (parts.length === 1) return left;
    // "a" + "b": a string built from literals stays a string
    if (parts.every((p) => p.k === "str")) {
      left = {
        k: "str",
        v: parts.map((p) => (p.k === "str" ? p.v : "")).join(""),
        interp: parts.some((p) => p.k === "str" && p.interp),
        line: first.line,
      };
      return left;
    }
    return { k: "opaque", line: first.line, parts };
  }

  private unary(command: boolean): RNode | null {
    const t = this.peek();
    if (!t) return null;
    if (this.isOp(t, "!", "-", "+", "~", "*", "**", "&", "::") || this.isWord(t, "not", "defined?")) {
      this.i++;
      return this.expr(command);
    }
    return this.postfix(this.primary(command), command);
  }

  private primary(command: boolean): RNode | null {
    const t = this.peek();
    if (!t) return null;
    switch (t.t) {
      case "str": {
        this.i++;
        let v = t.v;
        let interp = t.interp;
        // adjacent literals: "a" "b"
        while (this.peek()?.t === "str") {
          const s = this.peek() as Extract<Tok, { t: "str" }>;
          v += s.v;
          interp ||= s.interp;
          this.i++;
        }
        return { k: "str", v, interp, line: t.line };
      }
      case "sym":
        this.i++;
        return { k: "sym", v: t.v, line: t.line };
      case "num":
        this.i++;
        return { k: "num", v: t.v, line: t.line };
      case "words":
        this.i++;
        return {
          k: "arr",
          items: t.items.map((w) => (t.sym ? { k: "sym" as const, v: w, line: t.line } : { k: "str" as const, v: w, interp: false, line: t.line })),
          line: t.line,
        };
      case "label": {
        // a bare hash in argument position is handled by args(); here: `key: value` alone
        return this.bareHash();
      }
      case "const": {
        let v = t.v;
        this.i++;
        while (this.isOp(this.peek(), "::") && this.peek(1)?.t === "const") {
          v += `::${(this.peek(1) as Extract<Tok, { t: "const" }>).v}`;
          this.i += 2;
        }
        if (this.isOp(this.peek(), "[") && !this.peek()?.sp) {
          const start = this.i;
          this.skipBalanced();
          v += this.toks
            .slice(start, this.i)
            .map((x) => ("v" in x ? x.v : ""))
            .join("");
        }
        if (this.isOp(this.peek(), "(") && !this.peek()?.sp) return this.callRest(null, v, t.line, command);
        return { k: "const", v, line: t.line };
      }
      case "ident": {
        if (t.v === "true" || t.v === "false" || t.v === "nil" || t.v === "self") {
          this.i++;
          return { k: "lit", v: t.v, line: t.line };
        }
        if (STOP_WORDS.has(t.v) || t.v === "def" || t.v === "class" || t.v === "module") return null;
        if (t.v === "lambda" || t.v === "proc") {
          this.i++;
          return this.callRest(null, t.v, t.line, command);
        }
        if (BLOCK_OPENERS.has(t.v)) {
          // `x = if ... end` and friends: keep the statements inside
          const inner = this.statement() ?? [];
          return { k: "opaque", line: t.line, parts: inner };
        }
        this.i++;
        return this.callRest(null, t.v, t.line, command);
      }
      case "op": {
        if (t.v === "[") {
          this.i++;
          const items = this.list("]");
          return { k: "arr", items, line: t.line };
        }
        if (t.v === "{") {
          this.i++;
          const entries = this.hashBody("}");
          return { k: "hash", entries, line: t.line };
        }
        if (t.v === "(") {
          this.i++;
          const inner = this.body();
          if (this.isOp(this.peek(), ")")) this.i++;
          return inner.length === 1 ? (inner[0] ?? null) : { k: "opaque", line: t.line, parts: inner };
        }
        if (t.v === "->") {
          this.i++;
          if (this.isOp(this.peek(), "(")) this.skipBalanced();
          const block = this.blockIfAny(true);
          return { k: "call", recv: null, name: "lambda", args: [], kwargs: new Map(), block: block?.body ?? null, blockParams: block?.params ?? [], line: t.line };
        }
        if (t.v === "regex") {
          this.i++;
          return { k: "opaque", line: t.line, parts: [] };
        }
        return null;
      }
      default:
        return null;
    }
  }

  private postfix(node: RNode | null, command: boolean): RNode | null {
    let cur = node;
    while (cur) {
      const t = this.peek();
      if (this.isOp(t, ".", "&.") || (this.isOp(t, "::") && this.peek(1)?.t === "ident")) {
        let j = 1;
        while (this.peek(j)?.t === "nl") j++;
        const name = this.peek(j);
        if (!name || (name.t !== "ident" && name.t !== "const" && name.t !== "label")) break;
        this.i += j + 1;
        if (name.t === "label") {
          // `a.b c: 1` lexed `c:`... cannot happen; `a.b:` is not Ruby. Treat as a call name.
          cur = this.callRest(cur, name.v, name.line, command);
        } else cur = this.callRest(cur, name.v, name.line, command);
        continue;
      }
      // leading-dot method chains on the next line
      if (t?.t === "nl") {
        let j = 0;
        while (this.peek(j)?.t === "nl") j++;
        if (this.isOp(this.peek(j), ".", "&.")) {
          this.i += j;
          continue;
        }
      }
      if (this.isOp(t, "[") && !t?.sp) {
        const start = this.i;
        this.i++;
        const items = this.list("]");
        cur = { k: "opaque", line: this.toks[start]?.line ?? 0, parts: [cur, ...items] };
        continue;
      }
      break;
    }
    return cur;
  }

  /** After a method name: arguments (parenthesised, or a command's bare list) and a block. */
  private callRest(recv: RNode | null, name: string, line: number, command: boolean): RNode {
    let args: RNode[] = [];
    let kwargs = new Map<string, RNode>();
    let parens = false;
    const t = this.peek();
    if (this.isOp(t, "(") && !t?.sp) {
      this.i++;
      ({ args, kwargs } = this.args(")"));
      parens = true;
    } else if (command && t && t.sp && this.startsArgument(t)) {
      ({ args, kwargs } = this.args(null));
    }
    const block = this.blockIfAny(parens || args.length + kwargs.size === 0);
    return { k: "call", recv, name, args, kwargs, block: block?.body ?? null, blockParams: block?.params ?? [], line };
  }

  private startsArgument(t: Tok): boolean {
    switch (t.t) {
      case "str":
      case "sym":
      case "num":
      case "words":
      case "label":
      case "const":
        return true;
      case "ident":
        return !STOP_WORDS.has(t.v);
      case "op": {
        const next = this.peek(1);
        if (t.v === "[" || t.v === "->" || t.v === "::" || t.v === "!") return true;
        if ((t.v === "-" || t.v === "*" || t.v === "&" || t.v === "**" || t.v === ":") && next && !next.sp) return true;
        if (t.v === "(") return true;
        return false;
      }
      default:
        return false;
    }
  }

  private blockIfAny(braceAllowed: boolean): { body: RNode[]; params: string[] } | null {
    const t = this.peek();
    if (this.isWord(t, "do")) {
      this.i++;
      const params = this.blockParams();
      const body = this.body();
      this.expectEnd();
      return { body, params };
    }
    if (braceAllowed && this.isOp(t, "{")) {
      this.i++;
      const params = this.blockParams();
      const body = this.body();
      if (this.isOp(this.peek(), "}")) this.i++;
      return { body, params };
    }
    return null;
  }

  private blockParams(): string[] {
    this.skipNlOnly();
    if (!this.isOp(this.peek(), "|")) return [];
    this.i++;
    const params: string[] = [];
    while (!this.atEnd()) {
      const t = this.peek();
      if (!t || this.isOp(t, "|") || t.t === "nl") break;
      if (t.t === "ident") params.push(t.v);
      this.i++;
    }
    if (this.isOp(this.peek(), "|")) this.i++;
    return params;
  }

  private skipNlOnly(): void {
    while (this.peek()?.t === "nl") this.i++;
  }

  /** Arguments up to `close` (or the end of the line for a command call). */
  private args(close: string | null): { args: RNode[]; kwargs: Map<string, RNode> } {
    const args: RNode[] = [];
    const kwargs = new Map<string, RNode>();
    for (;;) {
      if (close) this.skipNl();
      const t = this.peek();
      if (!t || this.atEnd()) break;
      if (close && this.isOp(t, close)) {
        this.i++;
        break;
      }
      if (!close && (t.t === "nl" || this.isOp(t, ";", "}", ")", "]") || (t.t === "ident" && STOP_WORDS.has(t.v)))) break;
      const before = this.i;
      if (t.t === "label") {
        this.i++;
        this.skipNl();
        const v = this.labelValue(t, close);
        kwargs.set(t.v, v);
      } else if ((t.t === "sym" || t.t === "str") && this.isOp(this.peek(1), "=>")) {
        this.i += 2;
        this.skipNl();
        kwargs.set(t.v, this.expr(false) ?? { k: "opaque", line: t.line, parts: [] });
      } else {
        const e = this.expr(false);
        if (e) args.push(e);
      }
      if (this.isOp(this.peek(), ",")) {
        this.i++;
        this.skipNlOnly();
        continue;
      }
      if (this.i === before) this.i++;
      if (!close) break;
    }
    return { args, kwargs };
  }

  /** `key:` followed by nothing (Ruby 3.1 shorthand `key:`) or a value. */
  private labelValue(label: Extract<Tok, { t: "label" }>, close: string | null): RNode {
    const t = this.peek();
    if (!t || this.isOp(t, ",") || (close !== null && this.isOp(t, close)) || t.t === "nl")
      return { k: "opaque", line: label.line, parts: [] };
    return this.expr(false) ?? { k: "opaque", line: label.line, parts: [] };
  }

  private bareHash(): RNode {
    const line = this.peek()?.line ?? 0;
    const { kwargs } = this.args(null);
    return { k: "hash", entries: kwargs, line };
  }

  private list(close: string): RNode[] {
    const items: RNode[] = [];
    for (;;) {
      this.skipNl();
      const t = this.peek();
      if (!t || this.atEnd()) break;
      if (this.isOp(t, close)) {
        this.i++;
        break;
      }
      const before = this.i;
      const e = this.expr(false);
      if (e) items.push(e);
      this.skipNl();
      if (this.isOp(this.peek(), ",")) this.i++;
      if (this.i === before) this.i++;
    }
    return items;
  }

  private hashBody(close: string): Map<string, RNode> {
    const entries = new Map<string, RNode>();
    for (;;) {
      this.skipNl();
      const t = this.peek();
      if (!t || this.atEnd()) break;
      if (this.isOp(t, close)) {
        this.i++;
        break;
      }
      const before = this.i;
      if (t.t === "label") {
        this.i++;
        this.skipNl();
        entries.set(t.v, this.labelValue(t, close));
      } else {
        const k = this.expr(false);
        if (this.isOp(this.peek(), "=>")) {
          this.i++;
          this.skipNl();
          const v = this.expr(false) ?? { k: "opaque" as const, line: t.line, parts: [] };
          if (k && (k.k === "sym" || k.k === "str")) entries.set(k.v, v);
        }
      }
      this.skipNl();
      if (this.isOp(this.peek(), ",")) this.i++;
      if (this.i === before) this.i++;
    }
    return entries;
  }
}
