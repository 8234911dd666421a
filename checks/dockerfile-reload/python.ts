/**
 * A Python tokenizer, deep enough to read logical lines (strings, comments, brackets,
 * continuations, indentation), and two scans over them: `reload = True` in a gunicorn config,
 * and `<x>.run(..., debug=True | reload=True | use_reloader=True)` in a script run by the image.
 * Lower confidence by design (spec §4.2 step 6): only literal `True` counts.
 */

interface PyToken {
  readonly type: "name" | "op" | "string" | "number";
  readonly value: string;
  readonly line: number; // 1-based
}

interface LogicalLine {
  readonly indent: number;
  readonly line: number; // 1-based line of the first token
  readonly tokens: readonly PyToken[];
}

const STRING_PREFIX = /^[rRbBuUfF]{1,2}$/;

function tokenize(text: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let tokens: PyToken[] = [];
  let depth = 0;
  let line = 1;
  let lineStart = true;
  let indent = 0;
  let i = 0;
  const endLogical = () => {
    if (tokens.length > 0) lines.push({ indent, line: (tokens[0] as PyToken).line, tokens });
    tokens = [];
    lineStart = true;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (lineStart && depth === 0) {
      // Measure indentation of a new logical line.
      let col = 0;
      while (i < text.length && (text[i] === " " || text[i] === "\t")) {
        col += text[i] === "\t" ? 8 - (col % 8) : 1;
        i++;
      }
      indent = col;
      lineStart = false;
      continue;
    }
    if (c === "\n") {
      line++;
      i++;
      if (depth === 0) endLogical();
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    if (c === "\\" && (text[i + 1] === "\n" || (text[i + 1] === "\r" && text[i + 2] === "\n"))) {
      i += text[i + 1] === "\n" ? 2 : 3;
      line++;
      continue;
    }
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const r = readString(text, i, false);
      tokens.push({ type: "string", value: r.value, line });
      line += r.newlines;
      i = r.end;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j] as string)) j++;
      const word = text.slice(i, j);
      const q = text[j];
      if ((q === '"' || q === "'") && STRING_PREFIX.test(word)) {
        const r = readString(text, j, /r/i.test(word));
        tokens.push({ type: "string", value: r.value, line });
        line += r.newlines;
        i = r.end;
        continue;
      }
      tokens.push({ type: "name", value: word, line });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[0-9A-Za-z_.]/.test(text[j] as string)) j++;
      tokens.push({ type: "number", value: text.slice(i, j), line });
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (["==", "!=", "<=", ">=", ":=", "**", "->", "//"].includes(two)) {
      tokens.push({ type: "op", value: two, line });
      i += 2;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth = Math.max(0, depth - 1);
    tokens.push({ type: "op", value: c, line });
    i++;
  }
  endLogical();
  return lines;
}

function readString(text: string, start: number, raw: boolean): { value: string; end: number; newlines: number } {
  const quote = text[start] as string;
  const triple = text.slice(start, start + 3) === quote.repeat(3);
  const close = triple ? quote.repeat(3) : quote;
  let j = start + close.length;
  let value = "";
  let newlines = 0;
  while (j < text.length) {
    if (text.startsWith(close, j)) return { value, end: j + close.length, newlines };
    const c = text[j] as string;
    if (c === "\n") {
      newlines++;
      if (!triple) return { value, end: j, newlines: newlines - 1 }; // unterminated: stop at the line end
    }
    if (c === "\\" && j + 1 < text.length) {
      if (text[j + 1] === "\n") newlines++;
      value += raw ? c + (text[j + 1] as string) : (text[j + 1] as string);
      j += 2;
      continue;
    }
    value += c;
    j++;
  }
  return { value, end: text.length, newlines };
}

const CONDITIONAL_HEADERS = new Set(["if", "elif", "else", "for", "while", "except", "finally", "match", "case"]);

function isMainGuard(tokens: readonly PyToken[]): boolean {
  const names = tokens.map((t) => t.value);
  return names[0] === "if" && names.includes("__name__") && tokens.some((t) => t.type === "string" && t.value === "__main__");
}

/** Header lines enclosing each logical line, computed from indentation. */
function withEnclosing(lines: readonly LogicalLine[]): { line: LogicalLine; conditional: boolean }[] {
  const stack: LogicalLine[] = [];
  const out: { line: LogicalLine; conditional: boolean }[] = [];
  for (const l of lines) {
    while (stack.length > 0 && (stack[stack.length - 1] as LogicalLine).indent >= l.indent) stack.pop();
    const headerConditional = (h: LogicalLine) => {
      const first = h.tokens[0]?.value ?? "";
      return CONDITIONAL_HEADERS.has(first) && !isMainGuard(h.tokens);
    };
    const first = l.tokens[0]?.value ?? "";
    const inlineConditional = CONDITIONAL_HEADERS.has(first) && !isMainGuard(l.tokens);
    out.push({ line: l, conditional: stack.some(headerConditional) || inlineConditional });
    const last = l.tokens[l.tokens.length - 1];
    if (last?.type === "op" && last.value === ":") stack.push(l);
  }
  return out;
}

export interface PySignal {
  /** "uvicorn.run" or "app.run". */
  readonly call: string;
  /** "reload=True", "debug=True", "reload = True". */
  readonly signal: string;
  readonly line: number;
  readonly conditional: boolean;
  readonly server: "uvicorn" | "gunicorn" | "app";
}

/** `reload = True` at module level of a gunicorn config file. */
export function scanGunicornConfig(text: string): PySignal[] {
  const out: PySignal[] = [];
  for (const { line, conditional } of withEnclosing(tokenize(text))) {
    const t = line.tokens;
    if (t.length === 3 && t[0]?.value === "reload" && t[1]?.value === "=" && t[2]?.value === "True") {
      out.push({ call: "gunicorn config", signal: "reload = True", line: line.line, conditional, server: "gunicorn" });
    }
  }
  return out;
}

const RUN_METHODS = new Set(["run", "run_server"]);
const RUN_FLAGS = new Set(["debug", "reload", "use_reloader"]);

/** `x.run(..., debug=True)`, `uvicorn.run(..., reload=True)` anywhere in a script. */
export function scanRunCalls(text: string): PySignal[] {
  const out: PySignal[] = [];
  for (const { line, conditional } of withEnclosing(tokenize(text))) {
    const t = line.tokens;
    for (let k = 2; k + 1 < t.length; k++) {
      const method = t[k] as PyToken;
      if (method.type !== "name" || !RUN_METHODS.has(method.value)) continue;
      if (t[k - 1]?.value !== "." || t[k - 2]?.type !== "name" || t[k + 1]?.value !== "(") continue;
      const receiver = (t[k - 2] as PyToken).value;
      // Keyword arguments at depth 1 of this call.
      let depth = 0;
      for (let m = k + 1; m < t.length && m < k + 4000; m++) {
        const tok = t[m] as PyToken;
        if (tok.type === "op" && "([{".includes(tok.value)) depth++;
        else if (tok.type === "op" && ")]}".includes(tok.value)) {
          depth--;
          if (depth === 0) break;
        } else if (depth === 1 && tok.type === "name" && RUN_FLAGS.has(tok.value) && t[m + 1]?.value === "=" && t[m + 2]?.value === "True") {
          const isUvicorn = receiver === "uvicorn";
          if (isUvicorn && tok.value !== "reload") continue;
          out.push({
            call: `${receiver}.${method.value}`,
            signal: `${tok.value}=True`,
            line: tok.line,
            conditional,
            server: isUvicorn ? "uvicorn" : "app",
          });
        }
      }
    }
  }
  return out;
}
