/**
 * A small reader of Python: enough to see the calls of an Alembic or Django migration with their
 * literal arguments, the `def`/`class`/`with` blocks they sit in, and module/class assignments.
 * The tokenizer follows Python's rules (indentation, implicit line joining inside brackets, string
 * prefixes, triple quotes, f-strings), so text in strings and comments is never taken for code.
 * Anything else becomes `opaque`. It never throws and always terminates.
 */
import { INTERPOLATED } from "./embedded.js";

export type PNode =
  | {
      readonly k: "call";
      /** Dotted name of the callee (`op.create_index`, `migrations.AddIndex`), or "" when not a name. */
      readonly func: string;
      readonly callee: PNode;
      readonly args: readonly PNode[];
      readonly kwargs: ReadonlyMap<string, PNode>;
      readonly line: number;
    }
  | { readonly k: "name"; readonly v: string; readonly line: number }
  | { readonly k: "str"; readonly v: string; readonly interp: boolean; readonly line: number }
  | { readonly k: "num"; readonly v: string; readonly line: number }
  | { readonly k: "const"; readonly v: "True" | "False" | "None"; readonly line: number }
  | { readonly k: "list"; readonly items: readonly PNode[]; readonly line: number }
  | { readonly k: "dict"; readonly entries: ReadonlyMap<string, PNode>; readonly line: number }
  | { readonly k: "opaque"; readonly parts: readonly PNode[]; readonly line: number };

export type PStmt =
  | { readonly k: "def"; readonly name: string; readonly body: readonly PStmt[]; readonly line: number }
  | { readonly k: "class"; readonly name: string; readonly bases: readonly PNode[]; readonly body: readonly PStmt[]; readonly line: number }
  | {
      readonly k: "with";
      readonly items: readonly { readonly expr: PNode; readonly as: string | null }[];
      readonly body: readonly PStmt[];
      readonly line: number;
    }
  | { readonly k: "assign"; readonly targets: readonly string[]; readonly value: PNode; readonly line: number; readonly augmented: boolean }
  | { readonly k: "expr"; readonly value: PNode; readonly line: number };

type Tok =
  | { t: "name"; v: string; line: number }
  | { t: "str"; v: string; interp: boolean; line: number }
  | { t: "num"; v: string; line: number }
  | { t: "op"; v: string; line: number }
  | { t: "newline"; line: number }
  | { t: "indent"; line: number }
  | { t: "dedent"; line: number };

const OPS3 = ["**=", "//=", ">>=", "<<=", "..."];
const STRING_PREFIX_CHARS = "rRbBuUfF";
const STRING_START = /([rRbBuUfF]{0,2})(['"])/y;
const NAME = /[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*/y;
const NUMBER = /0[xXoObB][\w]+|[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?[jJ]?/y;
const OPS2 = ["**", "//", "->", ":=", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", ">>", "<<", "@="];

export function tokenizePython(src: string): Tok[] {
  const out: Tok[] = [];
  const indents = [0];
  let i = 0;
  let line = 1;
  let depth = 0;
  let atLineStart = true;
  const n = src.length;
  while (i < n) {
    if (atLineStart && depth === 0) {
      // measure indentation; skip blank and comment-only lines
      let col = 0;
      let j = i;
      while (j < n && (src[j] === " " || src[j] === "\t" || src[j] === "\f")) {
        col += src[j] === "\t" ? 8 - (col % 8) : 1;
        j++;
      }
      const c = src[j];
      if (c === "\n" || c === "\r" || c === "#" || j >= n) {
        while (j < n && src[j] !== "\n") j++;
        i = j + 1;
        line++;
        continue;
      }
      i = j;
      atLineStart = false;
      const top = indents[indents.length - 1] ?? 0;
      if (col > top) {
        indents.push(col);
        out.push({ t: "indent", line });
      } else {
        while (col < (indents[indents.length - 1] ?? 0)) {
          indents.pop();
          out.push({ t: "dedent", line });
        }
      }
    }
    const c = src[i] ?? "";
    if (c === "\n") {
      if (depth === 0) {
        out.push({ t: "newline", line });
        atLineStart = true;
      }
      line++;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    if (c === "\\" && (src[i + 1] === "\n" || (src[i + 1] === "\r" && src[i + 2] === "\n"))) {
      i += src[i + 1] === "\r" ? 3 : 2;
      line++;
      continue;
    }
    if (c === "#") {
      while (i < n && src[i] !== "\n") i++;
      continue;
    }
    let sm: RegExpExecArray | null = null;
    if (c === '"' || c === "'" || STRING_PREFIX_CHARS.includes(c)) {
      STRING_START.lastIndex = i;
      sm = STRING_START.exec(src);
    }
    if (sm) {
      const prefix = (sm[1] ?? "").toLowerCase();
      const q = sm[2] ?? '"';
      const start = i + (sm[1] ?? "").length;
      const triple = src.startsWith(q.repeat(3), start);
      const r = readPyString(src, start + (triple ? 3 : 1), triple ? q.repeat(3) : q, prefix.includes("r"), prefix.includes("f"));
      out.push({ t: "str", v: r.value, interp: r.interp, line });
      line += r.newlines;
      i = r.end;
      continue;
    }
    const code = c.charCodeAt(0);
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 0x80) {
      NAME.lastIndex = i;
      const m = NAME.exec(src);
      const v = m ? m[0] : c;
      out.push({ t: "name", v, line });
      i += v.length;
      continue;
    }
    if ((code >= 48 && code <= 57) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(src);
      const v = m && m[0].length > 0 ? m[0] : c;
      out.push({ t: "num", v, line });
      i += v.length;
      continue;
    }
    const two = src.slice(i, i + 2);
    const op = OPS2.includes(two) ? (OPS3.includes(src.slice(i, i + 3)) ? src.slice(i, i + 3) : two) : OPS3.includes(src.slice(i, i + 3)) ? src.slice(i, i + 3) : c;
    if (op === "(" || op === "[" || op === "{") depth++;
    if ((op === ")" || op === "]" || op === "}") && depth > 0) depth--;
    out.push({ t: "op", v: op, line });
    i += op.length;
  }
  out.push({ t: "newline", line });
  while (indents.length > 1) {
    indents.pop();
    out.push({ t: "dedent", line });
  }
  return out;
}

function readPyString(src: string, start: number, close: string, raw: boolean, fstring: boolean): { value: string; end: number; newlines: number; interp: boolean } {
  let i = start;
  let value = "";
  let newlines = 0;
  let interp = false;
  while (i < src.length) {
    if (src.startsWith(close, i)) return { value, end: i + close.length, newlines, interp };
    const c = src[i] ?? "";
    if (c === "\n") {
      newlines++;
      if (close.length === 1) return { value, end: i, newlines: newlines - 1, interp }; // unterminated
    }
    if (c === "\\") {
      const next = src[i + 1] ?? "";
      if (next === "\n") newlines++;
      value += raw ? c + next : next === "n" ? "\n" : next === "t" ? "\t" : next === "\n" ? "" : next;
      i += 2;
      continue;
    }
    if (fstring && c === "{") {
      if (src[i + 1] === "{") {
        value += "{";
        i += 2;
        continue;
      }
      let d = 1;
      let j = i + 1;
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
    if (fstring && c === "}" && src[i + 1] === "}") {
      value += "}";
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return { value, end: i, newlines, interp };
}

const COMPOUND = new Set(["if", "elif", "else", "for", "while", "try", "except", "finally", "match", "case"]);
const SIMPLE_SKIP = new Set(["import", "from", "pass", "global", "nonlocal", "del", "assert", "break", "continue", "raise"]);
const BINARY = new Set([
  "+", "-", "*", "/", "%", "**", "//", "==", "!=", "<", ">", "<=", ">=", "|", "&", "^", "<<", ">>", "@",
]);
const WORD_OPS = new Set(["and", "or", "in", "is", "not", "if", "else"]);

/** Parses Python into statements. Never throws. */
export function parsePython(src: string): PStmt[] {
  return new PyParser(tokenizePython(src)).module();
}

/** Deeper nesting than this is read as opaque (no recursion overflow on hostile input). */
const MAX_DEPTH = 150;

class PyParser {
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

  module(): PStmt[] {
    const out: PStmt[] = [];
    while (!this.done()) {
      const before = this.i;
      out.push(...this.statements(false));
      if (this.i === before) this.i++;
    }
    return out;
  }

  private done(): boolean {
    return this.i >= this.toks.length || ++this.steps > this.toks.length * 20;
  }

  private peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }

  private isOp(t: Tok | undefined, ...v: string[]): boolean {
    return t !== undefined && t.t === "op" && v.includes(t.v);
  }

  private isName(t: Tok | undefined, ...v: string[]): boolean {
    return t !== undefined && t.t === "name" && v.includes(t.v);
  }

  /** Statements until a DEDENT (consumed) when `nested`, or to the end. */
  private statements(nested: boolean): PStmt[] {
    return this.nested(() => this.statementsInner(nested), []);
  }

  private statementsInner(nested: boolean): PStmt[] {
    const out: PStmt[] = [];
    while (!this.done()) {
      const t = this.peek();
      if (!t) break;
      if (t.t === "dedent") {
        this.i++;
        if (nested) return out;
        continue;
      }
      if (t.t === "newline" || t.t === "indent") {
        this.i++;
        continue;
      }
      const before = this.i;
      out.push(...this.statement());
      if (this.i === before) this.i++;
    }
    return out;
  }

  private skipLine(): void {
    while (!this.done()) {
      const t = this.peek();
      if (!t || t.t === "newline") break;
      if (t.t === "indent" || t.t === "dedent") break;
      this.i++;
    }
    if (this.peek()?.t === "newline") this.i++;
  }

  /** After a compound header's `:`: an indented block or simple statements on the same line. */
  private suite(): PStmt[] {
    if (this.isOp(this.peek(), ":")) this.i++;
    if (this.peek()?.t === "newline") {
      this.i++;
      if (this.peek()?.t === "indent") {
        this.i++;
        return this.statements(true);
      }
      return [];
    }
    return this.simpleStatements();
  }

  private simpleStatements(): PStmt[] {
    const out: PStmt[] = [];
    while (!this.done()) {
      const t = this.peek();
      if (!t || t.t === "newline" || t.t === "dedent" || t.t === "indent") break;
      const before = this.i;
      const s = this.simple();
      if (s) out.push(s);
      if (this.isOp(this.peek(), ";")) this.i++;
      else if (this.i === before) this.i++;
      else break;
    }
    if (this.peek()?.t === "newline") this.i++;
    return out;
  }

  private statement(): PStmt[] {
    const t = this.peek();
    if (!t) return [];
    if (this.isOp(t, "@")) {
      this.skipLine();
      return [];
    }
    if (this.isName(t, "async")) {
      this.i++;
      return this.statement();
    }
    if (this.isName(t, "def")) {
      const name = this.peek(1);
      this.i += 2;
      this.skipHeader();
      const body = this.suite();
      return [{ k: "def", name: name?.t === "name" ? name.v : "", body, line: t.line }];
    }
    if (this.isName(t, "class")) {
      const name = this.peek(1);
      this.i += 2;
      let bases: PNode[] = [];
      if (this.isOp(this.peek(), "(")) {
        this.i++;
        bases = [...this.callArgs().args];
      }
      this.skipHeader();
      const body = this.suite();
      return [{ k: "class", name: name?.t === "name" ? name.v : "", bases, body, line: t.line }];
    }
    if (this.isName(t, "with")) {
      this.i++;
      const items: { expr: PNode; as: string | null }[] = [];
      const paren = this.isOp(this.peek(), "(") && this.withIsParenthesized();
      if (paren) this.i++;
      while (!this.done()) {
        const e = this.expr();
        if (!e) break;
        let as: string | null = null;
        if (this.isName(this.peek(), "as")) {
          this.i++;
          const target = this.expr();
          as = target?.k === "name" ? target.v : null;
        }
        items.push({ expr: e, as });
        if (this.isOp(this.peek(), ",")) {
          this.i++;
          continue;
        }
        break;
      }
      if (paren && this.isOp(this.peek(), ")")) this.i++;
      this.skipHeader();
      const body = this.suite();
      return [{ k: "with", items, body, line: t.line }];
    }
    if (t.t === "name" && COMPOUND.has(t.v)) {
      this.i++;
      this.skipHeader();
      return this.suite();
    }
    return this.simpleStatements();
  }

  /** `with (a as b, c as d):` vs `with (a).b() as c:`: a top-level `as` inside the parentheses. */
  private withIsParenthesized(): boolean {
    let depth = 0;
    for (let j = this.i; j < this.toks.length; j++) {
      const t = this.toks[j];
      if (!t || t.t === "newline") return false;
      if (this.isOp(t, "(", "[", "{")) depth++;
      else if (this.isOp(t, ")", "]", "}")) {
        depth--;
        if (depth === 0) return this.isOp(this.toks[j + 1], ":");
      } else if (depth === 1 && t.t === "name" && t.v === "as") return true;
    }
    return false;
  }

  /** Skips a compound statement's header up to its top-level `:`. */
  private skipHeader(): void {
    let depth = 0;
    while (!this.done()) {
      const t = this.peek();
      if (!t || t.t === "newline") return;
      if (this.isOp(t, "(", "[", "{")) depth++;
      else if (this.isOp(t, ")", "]", "}")) depth = Math.max(0, depth - 1);
      else if (depth === 0 && this.isOp(t, ":")) return;
      this.i++;
    }
  }

  private simple(): PStmt | null {
    const t = this.peek();
    if (!t) return null;
    if (t.t === "name" && SIMPLE_SKIP.has(t.v)) {
      while (!this.done()) {
        const x = this.peek();
        if (!x || x.t === "newline" || this.isOp(x, ";") || x.t === "dedent") break;
        this.i++;
      }
      return null;
    }
    if (this.isName(t, "return", "yield", "await")) this.i++;
    const first = this.exprList();
    if (!first) return null;
    const targets: PNode[] = [first];
    let value: PNode = first;
    let assigned = false;
    let augmented = false;
    while (this.isOp(this.peek(), "=", ":") || (this.peek()?.t === "op" && /^[-+*/%&|^@]=$|^(\*\*|\/\/|>>|<<)=$/.test((this.peek() as { v: string }).v))) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      if (op === ":") {
        // annotation: `x: int = 1`
        this.expr();
        continue;
      }
      if (op !== "=") augmented = true;
      const next = this.exprList();
      if (!next) break;
      assigned = true;
      targets.push(next);
      value = next;
    }
    if (!assigned) return { k: "expr", value: first, line: t.line };
    const names = targets.slice(0, -1).map((x) => (x.k === "name" ? x.v : "")).filter((x) => x !== "");
    return { k: "assign", targets: names, value, line: t.line, augmented };
  }

  /** `a, b` (a bare tuple) or a single expression. */
  private exprList(): PNode | null {
    const first = this.expr();
    if (!first || !this.isOp(this.peek(), ",")) return first;
    const items = [first];
    while (this.isOp(this.peek(), ",")) {
      this.i++;
      const next = this.expr();
      if (!next) break;
      items.push(next);
    }
    return { k: "list", items, line: first.line };
  }

  expr(): PNode | null {
    return this.nested(() => this.exprInner(), { k: "opaque", parts: [], line: this.peek()?.line ?? 0 });
  }

  private exprInner(): PNode | null {
    const first = this.peek();
    if (!first) return null;
    if (this.isName(first, "lambda")) {
      this.i++;
      let depth = 0;
      while (!this.done()) {
        const t = this.peek();
        if (!t || t.t === "newline") break;
        if (this.isOp(t, "(", "[", "{")) depth++;
        if (this.isOp(t, ")", "]", "}")) depth--;
        if (depth === 0 && this.isOp(t, ":")) break;
        this.i++;
      }
      if (this.isOp(this.peek(), ":")) this.i++;
      const body = this.expr();
      return { k: "opaque", parts: body ? [body] : [], line: first.line };
    }
    const head = this.unary();
    if (!head) return null;
    const parts: PNode[] = [head];
    let formatted = false;
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if ((t.t === "op" && BINARY.has(t.v)) || (t.t === "name" && WORD_OPS.has(t.v))) {
        if (t.t === "op" && t.v === "%" && head.k === "str") formatted = true;
        this.i++;
        if (this.isName(this.peek(), "not", "in", "is")) this.i++;
        const right = this.unary();
        if (right) parts.push(right);
        continue;
      }
      break;
    }
    if (parts.length === 1) return head;
    if (parts.every((p) => p.k === "str")) {
      return { k: "str", v: parts.map((p) => (p.k === "str" ? p.v : "")).join(""), interp: parts.some((p) => p.k === "str" && p.interp), line: first.line };
    }
    if (formatted && head.k === "str") {
      return { k: "str", v: head.v.replace(/%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdifr]/g, INTERPOLATED), interp: true, line: head.line };
    }
    return { k: "opaque", parts, line: first.line };
  }

  private unary(): PNode | null {
    const t = this.peek();
    if (!t) return null;
    if (this.isOp(t, "-", "+", "~", "*", "**") || this.isName(t, "not", "await")) {
      this.i++;
      return this.expr();
    }
    return this.postfix(this.atom());
  }

  private atom(): PNode | null {
    const t = this.peek();
    if (!t) return null;
    switch (t.t) {
      case "str": {
        this.i++;
        let v = t.v;
        let interp = t.interp;
        while (this.peek()?.t === "str") {
          const s = this.peek() as Extract<Tok, { t: "str" }>;
          v += s.v;
          interp ||= s.interp;
          this.i++;
        }
        return { k: "str", v, interp, line: t.line };
      }
      case "num":
        this.i++;
        return { k: "num", v: t.v, line: t.line };
      case "name":
        if (t.v === "True" || t.v === "False" || t.v === "None") {
          this.i++;
          return { k: "const", v: t.v, line: t.line };
        }
        if (WORD_OPS.has(t.v) || COMPOUND.has(t.v) || t.v === "def" || t.v === "class" || t.v === "with" || t.v === "lambda" || t.v === "as" || t.v === "for")
          return null;
        this.i++;
        return { k: "name", v: t.v, line: t.line };
      case "op":
        if (t.v === "(") {
          this.i++;
          const items = this.seq(")");
          if (items.tuple || items.items.length !== 1) return { k: "list", items: items.items, line: t.line };
          return items.items[0] ?? null;
        }
        if (t.v === "[") {
          this.i++;
          const items = this.seq("]");
          return items.comprehension ? { k: "opaque", parts: items.items, line: t.line } : { k: "list", items: items.items, line: t.line };
        }
        if (t.v === "{") {
          this.i++;
          return this.dict(t.line);
        }
        if (t.v === "...") {
          this.i++;
          return { k: "opaque", parts: [], line: t.line };
        }
        return null;
      default:
        return null;
    }
  }

  private postfix(node: PNode | null): PNode | null {
    let cur = node;
    while (cur) {
      const t = this.peek();
      if (this.isOp(t, ".") && this.peek(1)?.t === "name") {
        const attr = this.peek(1) as Extract<Tok, { t: "name" }>;
        this.i += 2;
        cur = cur.k === "name" ? { k: "name", v: `${cur.v}.${attr.v}`, line: cur.line } : { k: "name", v: `${dotted(cur)}.${attr.v}`, line: cur.line };
        continue;
      }
      if (this.isOp(t, "(")) {
        this.i++;
        const { args, kwargs } = this.callArgs();
        cur = { k: "call", func: dotted(cur), callee: cur, args, kwargs, line: cur.line };
        continue;
      }
      if (this.isOp(t, "[")) {
        this.i++;
        const items = this.seq("]");
        cur = { k: "opaque", parts: [cur, ...items.items], line: cur.line };
        continue;
      }
      break;
    }
    return cur;
  }

  /** Arguments after `(`, through the closing `)`. */
  callArgs(): { args: PNode[]; kwargs: Map<string, PNode> } {
    const args: PNode[] = [];
    const kwargs = new Map<string, PNode>();
    while (!this.done()) {
      const t = this.peek();
      if (!t) break;
      if (this.isOp(t, ")")) {
        this.i++;
        break;
      }
      if (t.t === "newline" || t.t === "indent" || t.t === "dedent") {
        this.i++;
        continue;
      }
      const before = this.i;
      if (t.t === "name" && this.isOp(this.peek(1), "=")) {
        this.i += 2;
        const v = this.expr();
        if (v) kwargs.set(t.v, v);
      } else if (this.isOp(t, "**")) {
        this.i++;
        this.expr();
      } else {
        const e = this.expr();
        if (this.isName(this.peek(), "for")) this.skipUntilClose(")");
        else if (e) args.push(e);
      }
      if (this.isOp(this.peek(), ",")) this.i++;
      else if (this.i === before) this.i++;
    }
    return { args, kwargs };
  }

  private skipUntilClose(close: string): void {
    let depth = 0;
    while (!this.done()) {
      const t = this.peek();
      if (!t) return;
      if (this.isOp(t, "(", "[", "{")) depth++;
      else if (this.isOp(t, ")", "]", "}")) {
        if (depth === 0 && this.isOp(t, close)) return;
        depth--;
      }
      this.i++;
    }
  }

  private seq(close: string): { items: PNode[]; tuple: boolean; comprehension: boolean } {
    const items: PNode[] = [];
    let tuple = false;
    let comprehension = false;
    while (!this.done()) {
      const t = this.peek();
      if (!t) break;
      if (this.isOp(t, close)) {
        this.i++;
        break;
      }
      if (t.t === "newline" || t.t === "indent" || t.t === "dedent") {
        this.i++;
        continue;
      }
      const before = this.i;
      const e = this.expr();
      if (e) items.push(e);
      if (this.isName(this.peek(), "for")) {
        comprehension = true;
        this.skipUntilClose(close);
      }
      if (this.isOp(this.peek(), ",")) {
        tuple = true;
        this.i++;
      } else if (this.isOp(this.peek(), ":")) {
        // slice
        this.i++;
      } else if (this.i === before) this.i++;
    }
    return { items, tuple, comprehension };
  }

  private dict(line: number): PNode {
    const entries = new Map<string, PNode>();
    const items: PNode[] = [];
    while (!this.done()) {
      const t = this.peek();
      if (!t) break;
      if (this.isOp(t, "}")) {
        this.i++;
        break;
      }
      if (t.t === "newline" || t.t === "indent" || t.t === "dedent") {
        this.i++;
        continue;
      }
      const before = this.i;
      if (this.isOp(t, "**")) {
        this.i++;
        this.expr();
      } else {
        const k = this.expr();
        if (this.isOp(this.peek(), ":")) {
          this.i++;
          const v = this.expr();
          if (k && v && k.k === "str") entries.set(k.v, v);
        } else if (k) items.push(k);
        if (this.isName(this.peek(), "for")) this.skipUntilClose("}");
      }
      if (this.isOp(this.peek(), ",")) this.i++;
      else if (this.i === before) this.i++;
    }
    return items.length > 0 && entries.size === 0 ? { k: "list", items, line } : { k: "dict", entries, line };
  }
}

function dotted(n: PNode): string {
  if (n.k === "name") return n.v;
  if (n.k === "call") return `${n.func}()`;
  return "";
}
