/**
 * pre-commit's `files` / `exclude` are Python `re` patterns (compiled by `re.compile`, applied
 * with `re.search` to forward-slash paths). This translates one to a JavaScript RegExp, saying
 * whether Python 3.11 would refuse it (the check's `schema-error`) the way `re.compile` does:
 * bad escapes, `nothing to repeat`, global flags not at the start, `(?<name>`, group references
 * to missing groups, unterminated sets, non-fixed-width look-behinds.
 *
 * Python-only syntax is rewritten: `(?x)` verbose whitespace and comments, `(?P<n>` / `(?P=n)`,
 * `(?#...)`, `\A` / `\Z`, `{,n}`, a leading `]` in a set. Scoped flags `(?i:...)`, atomic groups
 * and possessive quantifiers (which Node 20 lacks) become plain groups and greedy quantifiers:
 * `exact: false` then says the translation may match differently. Conditionals `(?(1)a|b)` and
 * `\N{NAME}` cannot be translated: `ok: "unknown"`.
 */

export type PyRegexResult =
  | { readonly ok: true; readonly regex: RegExp; readonly exact: boolean }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: "unknown"; readonly reason: string };

class PyReError extends Error {}
class Untranslatable extends Error {}

const FLAG_CHARS = new Set(["a", "i", "L", "m", "s", "u", "x"]);
const CLASS_ESCAPES = new Set(["d", "D", "s", "S", "w", "W"]);
const CONTROL: Record<string, string> = { a: "\\x07", f: "\\f", n: "\\n", r: "\\r", t: "\\t", v: "\\v" };

const cache = new Map<string, PyRegexResult>();

export function translatePythonRegex(pattern: string): PyRegexResult {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let result: PyRegexResult;
  try {
    result = new Translator(pattern).run();
  } catch (err) {
    if (err instanceof PyReError) result = { ok: false, error: err.message };
    else if (err instanceof Untranslatable) result = { ok: "unknown", reason: err.message };
    else result = { ok: "unknown", reason: String(err) };
  }
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, result);
  return result;
}

interface Group {
  readonly kind: "capture" | "other" | "lookbehind";
  readonly index: number;
  readonly name?: string;
  /** Offset in `out` where the group's body starts (for the look-behind width check). */
  readonly bodyStart: number;
}

function isHex(s: string): boolean {
  return /^[0-9a-fA-F]+$/.test(s);
}

function codePointLiteral(cp: number): string {
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, "0")}`;
  const s = String.fromCodePoint(cp);
  return `(?:\\u${s.charCodeAt(0).toString(16)}\\u${s.charCodeAt(1).toString(16)})`;
}

class Translator {
  private i = 0;
  private out = "";
  private readonly flags = new Set<string>();
  private exact = true;
  private groups = 0;
  private readonly closed = new Set<number>();
  private readonly names = new Map<string, number>();
  private readonly stack: Group[] = [];
  /** Whether the last thing emitted can take a quantifier, and whether it already has one. */
  private canRepeat = false;
  private repeated = false;
  /** The last quantifier already has its `?` (lazy) or `+` (possessive) suffix. */
  private suffixed = false;

  constructor(private readonly p: string) {}

  run(): PyRegexResult {
    this.globalFlags();
    while (this.i < this.p.length) this.step();
    if (this.stack.length > 0) throw new PyReError(`missing ), unterminated subpattern at position ${this.stack[this.stack.length - 1]?.index ?? 0}`);
    let jsFlags = "";
    if (this.flags.has("i")) jsFlags += "i";
    if (this.flags.has("m")) jsFlags += "m";
    if (this.flags.has("s")) jsFlags += "s";
    let regex: RegExp;
    try {
      regex = new RegExp(this.out, jsFlags);
    } catch (err) {
      throw new PyReError(err instanceof Error ? err.message.replace(/^Invalid regular expression: /, "") : String(err));
    }
    return { ok: true, regex, exact: this.exact };
  }

  /** `(?aiLmsux)` groups at the very start set flags for the whole pattern. */
  private globalFlags(): void {
    for (;;) {
      const m = /^\(\?([a-zA-Z]+)\)/.exec(this.p.slice(this.i));
      if (!m?.[1] || ![...m[1]].every((c) => FLAG_CHARS.has(c))) break;
      for (const c of m[1]) this.flags.add(c);
      this.i += m[0].length;
    }
    if (this.flags.has("L")) throw new PyReError("bad inline flags: cannot use 'L' flag with a str pattern");
    if (this.flags.has("a") && this.flags.has("u")) throw new PyReError("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
  }

  private atom(js: string): void {
    this.out += js;
    this.canRepeat = true;
    this.repeated = false;
  }

  private assertion(js: string): void {
    this.out += js;
    this.canRepeat = false;
    this.repeated = false;
  }

  private step(): void {
    const c = this.p[this.i] ?? "";
    if (this.flags.has("x")) {
      if (/\s/.test(c)) {
        this.i += 1;
        return;
      }
      if (c === "#") {
        while (this.i < this.p.length && this.p[this.i] !== "\n") this.i += 1;
        return;
      }
    }
    switch (c) {
      case "\\":
        this.escape();
        return;
      case "[":
        this.set();
        return;
      case "(":
        this.open();
        return;
      case ")":
        this.close();
        return;
      case "*":
      case "+":
      case "?":
        this.quantifier(c, 1);
        return;
      case "{": {
        const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(this.p.slice(this.i));
        if (m && (m[1] !== "" || m[2] !== undefined)) {
          const lo = m[1] === "" ? 0 : Number(m[1]);
          const hi = m[2] === undefined ? lo : m[3] === "" ? undefined : Number(m[3]);
          if (hi !== undefined && lo > hi) throw new PyReError(`min repeat greater than max repeat at position ${this.i + 1}`);
          this.quantifier(`{${lo}${m[2] === undefined ? "" : `,${hi ?? ""}`}}`, m[0].length);
          return;
        }
        this.i += 1;
        this.atom("\\{");
        return;
      }
      case "^":
      case "$":
        this.i += 1;
        this.assertion(c);
        return;
      case "|":
        this.i += 1;
        this.assertion("|");
        return;
      case "}":
      case "]":
        this.i += 1;
        this.atom(`\\${c}`);
        return;
      case "/":
        this.i += 1;
        this.atom("\\/");
        return;
      default:
        this.i += 1;
        this.atom(c === "." ? "." : c);
    }
  }

  private quantifier(js: string, length: number): void {
    const at = this.i;
    this.i += length;
    if (this.repeated) {
      // `a*?` is lazy; `a*+` possessive (Python 3.11); anything else is a "multiple repeat".
      if (!this.suffixed && js === "?") {
        this.out += "?";
        this.suffixed = true;
        return;
      }
      if (!this.suffixed && js === "+") {
        this.exact = false;
        this.suffixed = true;
        return;
      }
      throw new PyReError(`multiple repeat at position ${at}`);
    }
    if (!this.canRepeat) throw new PyReError(`nothing to repeat at position ${at}`);
    this.out += js;
    this.repeated = true;
    this.suffixed = false;
  }

  private escape(): void {
    const at = this.i;
    const c = this.p[this.i + 1];
    if (c === undefined) throw new PyReError(`bad escape (end of pattern) at position ${at}`);
    this.i += 2;
    if (c === "A") return this.assertion("(?<![\\s\\S])");
    if (c === "Z") return this.assertion("(?![\\s\\S])");
    if (c === "b" || c === "B") return this.assertion(`\\${c}`);
    if (CLASS_ESCAPES.has(c)) return this.atom(`\\${c}`);
    const shared = this.sharedEscape(c, at);
    if (shared !== undefined) return this.atom(shared);
    if (c >= "1" && c <= "9") {
      const three = this.p.slice(at + 1, at + 4);
      if (/^[0-7]{3}$/.test(three)) {
        this.i = at + 4;
        const value = parseInt(three, 8);
        if (value > 0o377) throw new PyReError(`octal escape value \\${three} outside of range 0-0o377 at position ${at}`);
        return this.atom(codePointLiteral(value));
      }
      let digits = c;
      const next = this.p[this.i];
      if (next !== undefined && next >= "0" && next <= "9") {
        digits += next;
        this.i += 1;
      }
      const n = Number(digits);
      if (n > this.groups) throw new PyReError(`invalid group reference ${n} at position ${at + 1}`);
      if (!this.closed.has(n)) throw new PyReError(`cannot refer to an open group at position ${at}`);
      return this.atom(`(?:\\${n})`);
    }
    if (/[a-zA-Z]/.test(c)) throw new PyReError(`bad escape \\${c} at position ${at}`);
    return this.atom(`\\${c}`);
  }

  /** Escapes with the same meaning inside and outside a set; undefined when `c` is not one. */
  private sharedEscape(c: string, at: number): string | undefined {
    const control = CONTROL[c];
    if (control) return control;
    if (c === "x" || c === "u" || c === "U") {
      const len = c === "x" ? 2 : c === "u" ? 4 : 8;
      const hex = this.p.slice(this.i, this.i + len);
      if (hex.length !== len || !isHex(hex)) throw new PyReError(`incomplete escape \\${c}${hex} at position ${at}`);
      this.i += len;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new PyReError(`bad escape \\${c}${hex} at position ${at}`);
      return codePointLiteral(cp);
    }
    if (c === "N") throw new Untranslatable("\\N{...} named characters are not translated");
    if (c === "0") {
      let digits = "";
      while (digits.length < 2 && /[0-7]/.test(this.p[this.i] ?? "")) {
        digits += this.p[this.i];
        this.i += 1;
      }
      return codePointLiteral(digits === "" ? 0 : parseInt(digits, 8));
    }
    return undefined;
  }

  private set(): void {
    const at = this.i;
    this.i += 1;
    let js = "[";
    if (this.p[this.i] === "^") {
      js += "^";
      this.i += 1;
    }
    let first = true;
    // A range may not start or end at a class escape: `[\\d-z]` is a "bad character range".
    let prevClass = false;
    let rangeOpen = false;
    for (;;) {
      const c = this.p[this.i];
      if (c === undefined) throw new PyReError(`unterminated character set at position ${at}`);
      if (c === "]" && !first) {
        this.i += 1;
        break;
      }
      const isRangeDash: boolean = c === "-" && !first && !rangeOpen && this.p[this.i + 1] !== "]" && this.p[this.i + 1] !== undefined;
      if (isRangeDash && prevClass) throw new PyReError(`bad character range at position ${this.i}`);
      const closesRange = rangeOpen;
      rangeOpen = isRangeDash;
      first = false;
      prevClass = false;
      if (c === "\\") {
        const e = this.p[this.i + 1];
        const escAt = this.i;
        if (e === undefined) throw new PyReError(`unterminated character set at position ${at}`);
        this.i += 2;
        if (CLASS_ESCAPES.has(e) && closesRange) throw new PyReError(`bad character range at position ${escAt}`);
        if (CLASS_ESCAPES.has(e)) prevClass = true;
        if (CLASS_ESCAPES.has(e)) js += `\\${e}`;
        else if (e === "b") js += "\\x08";
        else {
          const shared = this.sharedEscape(e, escAt);
          if (shared !== undefined) {
            // An astral character cannot sit in a set without the `u` flag: keep its two halves.
            if (shared.startsWith("(?:")) this.exact = false;
            js += shared.startsWith("(?:") ? shared.slice(3, -1) : shared;
          }
          else if (e >= "1" && e <= "7") {
            let digits = e;
            while (digits.length < 3 && /[0-7]/.test(this.p[this.i] ?? "")) {
              digits += this.p[this.i];
              this.i += 1;
            }
            const value = parseInt(digits, 8);
            if (value > 0o377) throw new PyReError(`octal escape value \\${digits} outside of range 0-0o377 at position ${escAt}`);
            js += codePointLiteral(value);
          } else if (/[a-zA-Z0-9]/.test(e)) throw new PyReError(`bad escape \\${e} at position ${escAt}`);
          else js += `\\${e}`;
        }
        continue;
      }
      this.i += 1;
      js += c === "]" || c === "[" || c === "/" ? `\\${c}` : c;
    }
    this.atom(`${js}]`);
  }

  private open(): void {
    const at = this.i;
    const rest = this.p.slice(this.i);
    const push = (kind: Group["kind"], js: string, length: number, name?: string) => {
      this.i += length;
      this.out += js;
      const group: Group = name === undefined ? { kind, index: at, bodyStart: this.out.length } : { kind, index: at, name, bodyStart: this.out.length };
      this.stack.push(group);
      this.canRepeat = false;
      this.repeated = false;
    };
    if (!rest.startsWith("(?")) {
      this.groups += 1;
      push("capture", "(", 1, String(this.groups));
      return;
    }
    const named = /^\(\?P<([^>]*)>/.exec(rest);
    if (named) {
      const name = named[1] ?? "";
      if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) throw new PyReError(`bad character in group name '${name}' at position ${at + 4}`);
      if (this.names.has(name)) throw new PyReError(`redefinition of group name '${name}' as group ${this.groups + 1}; was group ${this.names.get(name)} at position ${at + 4}`);
      this.groups += 1;
      this.names.set(name, this.groups);
      push("capture", `(?<${name}>`, named[0].length, String(this.groups));
      return;
    }
    const ref = /^\(\?P=([^)]*)\)/.exec(rest);
    if (ref) {
      const n = this.names.get(ref[1] ?? "");
      if (n === undefined) throw new PyReError(`unknown group name '${ref[1]}' at position ${at + 4}`);
      if (!this.closed.has(n)) throw new PyReError(`cannot refer to an open group at position ${at}`);
      this.i += ref[0].length;
      this.atom(`(?:\\${n})`);
      return;
    }
    if (rest.startsWith("(?P")) throw new PyReError(`unknown extension ?P${rest[3] ?? ""} at position ${at + 1}`);
    if (rest.startsWith("(?:")) return push("other", "(?:", 3);
    if (rest.startsWith("(?=") || rest.startsWith("(?!")) return push("other", rest.slice(0, 3), 3);
    // Wrapped in a group: Python lets a look-behind take a quantifier, JavaScript does not.
    if (rest.startsWith("(?<=") || rest.startsWith("(?<!")) return push("lookbehind", `(?:${rest.slice(0, 4)}`, 4);
    if (rest.startsWith("(?<")) throw new PyReError(`unknown extension ?<${rest[3] ?? ""} at position ${at + 1}`);
    if (rest.startsWith("(?>")) {
      this.exact = false;
      return push("other", "(?:", 3);
    }
    if (rest.startsWith("(?#")) {
      const end = this.p.indexOf(")", this.i);
      if (end < 0) throw new PyReError(`missing ), unterminated comment at position ${at}`);
      this.i = end + 1;
      return;
    }
    if (rest.startsWith("(?(")) throw new Untranslatable("conditional groups (?(id)yes|no) are not translated");
    const flags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
    if (flags) {
      const letters = `${flags[1] ?? ""}${flags[2] ?? ""}`;
      if (flags[2] === "") throw new PyReError(`missing flag at position ${at + 3 + (flags[1] ?? "").length}`);
      if ([...(flags[2] ?? "")].some((ch) => (flags[1] ?? "").includes(ch))) {
        throw new PyReError(`bad inline flags: flag turned on and off at position ${at}`);
      }
      for (const ch of letters) if (!FLAG_CHARS.has(ch)) throw new PyReError(`unknown flag at position ${at + 2}`);
      if (flags[3] === ")") {
        // Only comments (and, verbose, whitespace) may come before global flags.
        if (letters === "") throw new PyReError(`missing flag at position ${at + 2}`);
        if (this.out !== "" || this.stack.length > 0 || flags[2] !== undefined) {
          throw new PyReError(`global flags not at the start of the expression at position ${at}`);
        }
        this.i = at;
        this.globalFlags();
        return;
      }
      if (letters.includes("L")) throw new PyReError("bad inline flags: cannot use 'L' flag with a str pattern");
      if (letters.includes("x")) throw new Untranslatable("scoped verbose groups (?x:...) are not translated");
      this.exact = false;
      return push("other", "(?:", flags[0].length);
    }
    throw new PyReError(`unknown extension ?${rest[2] ?? ""} at position ${at + 1}`);
  }

  private close(): void {
    const group = this.stack.pop();
    if (!group) throw new PyReError(`unbalanced parenthesis at position ${this.i}`);
    if (group.kind === "lookbehind") {
      const body = this.out.slice(group.bodyStart);
      if (!fixedWidth(body)) throw new PyReError("look-behind requires fixed-width pattern");
    }
    this.i += 1;
    if (group.kind === "capture" && group.name !== undefined) this.closed.add(Number(group.name));
    this.atom(group.kind === "lookbehind" ? "))" : ")");
  }
}

/**
 * Python refuses a look-behind whose width varies. This approximates its rule on the translated
 * body: no `*`, `+`, `?` quantifier, no `{m,n}` with m != n, and alternatives of one width.
 */
function fixedWidth(body: string): boolean {
  let depth = 0;
  let inSet = false;
  const widths: number[] = [];
  let width = 0;
  let groups = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") {
      i += 1;
      if (depth === 0 && !inSet) width += 1;
      continue;
    }
    if (inSet) {
      if (c === "]") inSet = false;
      continue;
    }
    if (c === "[") {
      inSet = true;
      if (depth === 0) width += 1;
      continue;
    }
    if (c === "(") {
      depth += 1;
      groups = true;
      if (body[i + 1] === "?") i += body[i + 2] === "<" ? 3 : 2;
      continue;
    }
    if (c === ")") {
      depth -= 1;
      continue;
    }
    if (c === "*" || c === "+") return false;
    if (c === "?") return false;
    if (c === "{") {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(body.slice(i));
      if (m && m[2] !== undefined && m[2] !== m[1]) return false;
      continue;
    }
    if (c === "|" && depth === 0) {
      widths.push(width);
      width = 0;
      continue;
    }
    if (depth === 0 && c !== "^" && c !== "$") width += 1;
  }
  widths.push(width);
  // Widths inside groups are not measured: only compare alternatives made of plain atoms.
  return groups || widths.every((w) => w === widths[0]);
}

/**
 * Whether a Python pattern (translated) finds a match in `path`, as `re.search` would; undefined
 * when the pattern cannot be translated or is invalid.
 */
export function pySearch(pattern: string, path: string): boolean | undefined {
  const r = translatePythonRegex(pattern);
  return r.ok === true ? r.regex.test(path) : undefined;
}
