/**
 * Line numbers for JSON. `JSON.parse` decides whether a baseline is valid JSON (it is as strict as
 * Python's `json.loads`, which detect-secrets uses); it gives no positions, so this scanner walks
 * the same text once to find where each value starts, and, for text `JSON.parse` refused, where
 * and why. Iterative (an explicit stack), so deeply nested input cannot overflow the call stack.
 */

/** A path into a JSON value: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

export interface JsonScan {
  /** 1-based line where the value at a path starts (for an object member: the line of its key). */
  lineOf(path: JsonPath): number | undefined;
}

export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

const Expect = { Value: 0, KeyOrEnd: 1, Key: 2, Colon: 3, CommaOrEnd: 4 } as const;
type Expect = (typeof Expect)[keyof typeof Expect];

interface Frame {
  readonly kind: "object" | "array";
  readonly path: (string | number)[];
  index: number;
  /** Whether the last thing read in this container was a comma (to name trailing commas). */
  afterComma: boolean;
}

function keyOf(path: JsonPath): string {
  return path.map((p) => (typeof p === "number" ? `#${p}` : `.${p}`)).join("\u0000");
}

/**
 * Scans JSON text. Records the start line of every value whose depth is at most `maxDepth`.
 * Returns the first syntax error instead when the text is not JSON (strict RFC 8259: no comments,
 * no trailing commas, no NaN, no single quotes, no control characters in strings).
 */
export function scanJson(text: string, maxDepth = 4): { ok: true; scan: JsonScan } | { ok: false; error: JsonSyntaxError } {
  const lines = new Map<string, number>();
  const n = text.length;
  let i = 0;
  let line = 1;
  const stack: Frame[] = [];
  let expect: Expect = Expect.Value;
  let pendingPath: (string | number)[] = [];
  let pendingLine = 1;
  let done = false;

  const fail = (reason: string, at = i): { ok: false; error: JsonSyntaxError } => {
    // Recount the line of `at` (it may precede `i`).
    let l = 1;
    let start = 0;
    for (let k = 0; k < at && k < n; k++) {
      if (text.charCodeAt(k) === 10) {
        l++;
        start = k + 1;
      }
    }
    return { ok: false, error: { line: l, column: at - start + 1, reason } };
  };

  const skipWhitespace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
      i++;
    }
  };

  /** Reads a string starting at `i` (a quote); returns its end (after the closing quote) or an error reason. */
  const readString = (): number | string => {
    let k = i + 1;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === 34) return k + 1;
      if (c === 92) {
        const e = text[k + 1];
        if (e === undefined) return "unterminated string";
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(k + 2, k + 6))) return "bad \\u escape in a string";
          k += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) return `bad escape \\${e} in a string`;
        k += 2;
        continue;
      }
      if (c < 32) return c === 10 ? "unterminated string (a raw line break)" : "a control character in a string";
      k++;
    }
    return "unterminated string";
  };

  // Paths deeper than maxDepth are not tracked (one shared marker): deep nesting stays linear.
  const tooDeep: (string | number)[] = [];
  const child = (path: (string | number)[], segment: string | number): (string | number)[] =>
    path === tooDeep || path.length >= maxDepth ? tooDeep : [...path, segment];
  const record = (path: (string | number)[], at: number): void => {
    if (path !== tooDeep) lines.set(keyOf(path), at);
  };

  /** After a complete value: the root is done, or the container wants a comma or its end. */
  const valueDone = (): Expect => {
    if (stack.length === 0) done = true;
    return Expect.CommaOrEnd;
  };

  while (true) {
    skipWhitespace();
    if (done) {
      if (i < n) return fail("unexpected text after the end of the JSON value");
      break;
    }
    if (i >= n) return fail(stack.length > 0 || expect !== Expect.Value ? "unexpected end of the file" : "the file is empty");
    const ch = text[i] as string;
    if (ch === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) return fail("a comment (JSON has no comments)");
    const top = stack[stack.length - 1];

    switch (expect) {
      case Expect.Value: {
        const path = top ? pendingPath : [];
        const at = top ? pendingLine : line;
        if (ch === "{" || ch === "[") {
          record(path, top?.kind === "array" ? line : at);
          stack.push({ kind: ch === "{" ? "object" : "array", path, index: 0, afterComma: false });
          expect = ch === "{" ? Expect.KeyOrEnd : Expect.Value;
          i++;
          if (ch === "[") {
            // An empty array, or the first element.
            skipWhitespace();
            if (text[i] === "]") {
              stack.pop();
              i++;
              expect = valueDone();
            } else {
              pendingPath = child(path, 0);
              pendingLine = line;
            }
          }
          continue;
        }
        if (ch === "]" && top?.kind === "array" && top.afterComma) return fail("a trailing comma before ']'");
        let end: number;
        if (ch === '"') {
          const r = readString();
          if (typeof r === "string") return fail(r);
          end = r;
        } else {
          SCALAR.lastIndex = i;
          const m = SCALAR.exec(text);
          if (!m || m[0].length === 0) {
            if (ch === "'") return fail("a single-quoted string (JSON needs double quotes)");
            if (/^(?:NaN|-?Infinity)/.test(text.slice(i, i + 9))) return fail("NaN/Infinity are not JSON");
            return fail(`unexpected ${JSON.stringify(ch)}`);
          }
          end = i + m[0].length;
          const next = text[end];
          if (next !== undefined && /[0-9A-Za-z_.+-]/.test(next)) return fail("a malformed number or literal", end);
        }
        record(path, top?.kind === "array" ? line : at);
        i = end;
        expect = valueDone();
        continue;
      }
      case Expect.KeyOrEnd:
      case Expect.Key: {
        if (ch === "}") {
          if (expect === Expect.Key) return fail("a trailing comma before '}'");
          stack.pop();
          i++;
          expect = valueDone();
          continue;
        }
        if (ch !== '"') return fail(ch === "'" ? "a single-quoted key (JSON needs double quotes)" : "expected a double-quoted key");
        const r = readString();
        if (typeof r === "string") return fail(r);
        const parent = (top as Frame).path;
        pendingPath = parent === tooDeep || parent.length >= maxDepth ? tooDeep : child(parent, JSON.parse(text.slice(i, r)) as string);
        pendingLine = line;
        i = r;
        expect = Expect.Colon;
        continue;
      }
      case Expect.Colon: {
        if (ch !== ":") return fail("expected ':' after a key");
        i++;
        expect = Expect.Value;
        continue;
      }
      case Expect.CommaOrEnd: {
        const frame = top as Frame;
        if (ch === ",") {
          i++;
          frame.index++;
          frame.afterComma = true;
          if (frame.kind === "object") expect = Expect.Key;
          else {
            skipWhitespace();
            if (text[i] === "]") return fail("a trailing comma before ']'");
            pendingPath = child(frame.path, frame.index);
            pendingLine = line;
            expect = Expect.Value;
          }
          continue;
        }
        if ((ch === "}" && frame.kind === "object") || (ch === "]" && frame.kind === "array")) {
          stack.pop();
          i++;
          expect = valueDone();
          continue;
        }
        return fail(frame.kind === "object" ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
  }
  return { ok: true, scan: { lineOf: (path) => lines.get(keyOf(path)) } };
}
