import { RE2JS } from "re2js";

/**
 * Python `re` patterns written in repositories: pre-commit's `files` / `exclude` (compiled by
 * `re.compile`, applied with `re.search` to forward-slash paths) and detect-secrets'
 * `should_exclude_file` filters. Repositories may be hostile, so two jobs are kept apart:
 *
 * - Validity (`pythonRegexValidity`): would Python 3.11 refuse the pattern? The pattern is
 *   translated to JavaScript syntax and compiled with `new RegExp` (compiling is safe; the RegExp is
 *   never executed nor handed out): bad escapes, `nothing to repeat`, global flags not at the start,
 *   `(?<name>`, group references to missing groups, unterminated sets, non-fixed-width look-behinds.
 * - Matching (`compileRepoRegex`, `pySearch`): the same parse also builds an RE2 program, run by
 *   re2js in time linear in the path, whatever the pattern: `(a+)+$` cannot hang an audit. RE2 has
 *   no back-references, possessive quantifiers or atomic groups: such a pattern gives "unknown",
 *   never a backtracking fallback. Look-behinds run on re2js's linear-time look-behinds; a pattern
 *   with look-aheads (and no look-behind) is run reversed over the reversed path, where its
 *   look-aheads become look-behinds. A pattern with both is "unknown".
 *
 * Python-only syntax is rewritten: `(?x)` verbose whitespace and comments, `(?P<n>` / `(?P=n)`,
 * `(?#...)`, `\A` / `\Z`, `{,n}`, a leading `]` in a set, scoped flags `(?i-s:...)`. Matching
 * follows Python's `str` semantics: `\d`, `\w`, `\s` are Unicode classes (ASCII under `(?a)`),
 * `$` also matches before a final newline, and case-insensitive `i` also matches `İ` and `ı` as
 * Python's does. Where RE2 would differ only on non-ASCII text (`\b`, `(?ai)`, `\w` with `(?i)`,
 * `\W` / `\S` in a negated set) the search of a non-ASCII path is "unknown", and so is `\B` on an
 * empty string (Python 3.11 never matches it there). Conditionals `(?(1)a|b)`, `\N{NAME}` and `(?x:...)` are
 * not translated: validity and matching are both "unknown".
 *
 * Work is bounded: a program larger than `MAX_PROGRAM_SIZE` instructions is not run, and every
 * compile and search takes from a `MatchBudget` (one per check run) in units of program size times
 * path length, the worst case of an automaton step. When the budget cannot pay, the answer is
 * "unknown" (undefined), deterministically.
 */

export type PythonRegexValidity =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: "unknown"; readonly reason: string };

/** A compiled repository pattern that can be searched safely. */
export interface RepoRegexMatcher {
  /** The pattern as written. */
  readonly pattern: string;
  /**
   * Whether Python's `re.search` finds a match in `text`; undefined when that cannot be decided
   * here (non-ASCII text where RE2 differs from Python, or the budget is spent).
   */
  search(text: string): boolean | undefined;
}

export type RepoRegex =
  | ({ readonly ok: true } & RepoRegexMatcher)
  /** Python's `re.compile` refuses the pattern. */
  | { readonly ok: false; readonly error: string }
  /** Python accepts it (or it cannot be told), but it cannot be run here. */
  | { readonly ok: "unknown"; readonly reason: string };

/** Programs above this many RE2 instructions are not compiled. */
export const MAX_PROGRAM_SIZE = 50_000;
/** Patterns longer than this are not compiled for matching. */
export const MAX_MATCH_PATTERN_LENGTH = 100_000;
/**
 * Units a check run may spend by default. A unit is one instruction stepped over one character: the
 * worst measured cost is about 40 ns (re2js's NFA on a program whose states all stay live), so this
 * bounds a run's matching to about four seconds; ordinary patterns run on re2js's DFA, far faster.
 */
export const DEFAULT_MATCH_BUDGET = 100_000_000;
/** A single search may take at most this many units (under a second in the worst case). */
export const MAX_SEARCH_UNITS = 20_000_000;
/** Compiling costs this many units per instruction of the program. */
const COMPILE_UNITS_PER_INSTRUCTION = 20;

/**
 * Work a check run may spend compiling and searching repository patterns. One budget is shared by
 * all patterns of a run, so a repository cannot multiply the work by writing many patterns.
 */
export class MatchBudget {
  private spentUnits = 0;
  /** Compiled programs of this run (dropped with the budget, with their DFA caches). */
  readonly programs = new Map<string, RepoRegex>();

  constructor(readonly limit: number = DEFAULT_MATCH_BUDGET) {}

  get spent(): number {
    return this.spentUnits;
  }

  /** Takes `units` and returns true, or returns false and takes nothing when they do not fit. */
  take(units: number): boolean {
    if (!(units >= 0) || this.spentUnits + units > this.limit) return false;
    this.spentUnits += units;
    return true;
  }
}

export const BUDGET_SPENT = "matching it would exceed phase-gate's matching budget for one check run";

class PyReError extends Error {}
class Untranslatable extends Error {}

const FLAG_CHARS = new Set(["a", "i", "L", "m", "s", "u", "x"]);
const CLASS_ESCAPES = new Set(["d", "D", "s", "S", "w", "W"]);
const CONTROL: Record<string, number> = { a: 0x07, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };
/** Python's verbose mode skips these (sre_parse's WHITESPACE), not every Unicode space. */
const VERBOSE_WHITESPACE = new Set([" ", "\t", "\n", "\r", "\v", "\f"]);
/** Deeper groups are not run (the RE2 tree is rendered recursively). */
const MAX_NESTING = 200;
/** Python's IGNORECASE puts these four in one class (sre's `_casefix`); RE2's folding does not. */
const DOTTED_I = [0x49, 0x69, 0x130, 0x131];

// --- RE2 syntax tree ---------------------------------------------------------------------------

type Re2Node =
  /** One character, escape or class: the same text in both directions. */
  | { readonly kind: "atom"; readonly text: string; readonly high?: number }
  /** A zero-width assertion: its RE2 text forwards, and over the reversed text. */
  | { readonly kind: "anchor"; readonly forward: string; readonly reversed: string }
  | {
      readonly kind: "group";
      /** `(?:`, `(?i-s:`, ... for plain groups; unused for look-arounds. */
      readonly open: string;
      readonly look?: "ahead" | "behind";
      readonly negative?: boolean;
      readonly alternatives: Re2Node[][];
    }
  | { readonly kind: "repeat"; readonly node: Re2Node; op: string };

interface FlagState {
  readonly i: boolean;
  readonly s: boolean;
  readonly m: boolean;
  readonly a: boolean;
}

/** What the translator learnt about a pattern. */
interface Translation {
  readonly validity: PythonRegexValidity;
  /** Present when the pattern is valid and translatable. */
  readonly re2?: Re2Pattern;
}

interface Re2Pattern {
  readonly nodes: Re2Node[];
  /** Why RE2 cannot run the pattern, if it cannot. */
  readonly problem: string | undefined;
  readonly caseInsensitive: boolean;
  readonly dotAll: boolean;
  readonly hasLookahead: boolean;
  readonly hasLookbehind: boolean;
  /** A non-multiline `$`: exact forwards only when the text does not end with a newline. */
  readonly hasDollar: boolean;
  /** Exact only on ASCII text. */
  readonly asciiOnly: boolean;
  /** Python 3.11's `\B` never matches in an empty string; RE2's does. */
  readonly hasNonBoundary: boolean;
}

interface Group {
  readonly kind: "capture" | "other" | "lookbehind";
  readonly index: number;
  readonly name?: string;
  /** Offset in `out` where the group's body starts (for the look-behind width check). */
  readonly bodyStart: number;
  readonly node: Extract<Re2Node, { kind: "group" }>;
  /** Flags outside the group, restored when it closes. */
  readonly outer: FlagState;
}

function isHex(s: string): boolean {
  return /^[0-9a-fA-F]+$/.test(s);
}

/** The JavaScript (no `u` flag) spelling of a code point, as the validity check compiles it. */
function codePointLiteral(cp: number): string {
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, "0")}`;
  const s = String.fromCodePoint(cp);
  return `(?:\\u${s.charCodeAt(0).toString(16)}\\u${s.charCodeAt(1).toString(16)})`;
}

/** The RE2 spelling of one code point, valid inside and outside a set. */
function re2Char(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f) return String.fromCharCode(cp);
  if (cp >= 0x21 && cp <= 0x7e) return `\\${String.fromCharCode(cp)}`;
  return `\\x{${cp.toString(16)}}`;
}

function isHighSurrogate(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdbff;
}

function isLowSurrogate(cp: number): boolean {
  return cp >= 0xdc00 && cp <= 0xdfff;
}

function joinSurrogates(high: number, low: number): number {
  return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
}

const UNICODE_SPACE = "\\t-\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}";
const ASCII_SPACE = "\\t-\\r\\x{20}";

/** RE2 set items for a positive class escape (`d`, `w`, `s`). */
function classItems(c: "d" | "w" | "s", ascii: boolean): string {
  if (c === "d") return ascii ? "0-9" : "\\p{Nd}";
  if (c === "w") return ascii ? "0-9A-Za-z_" : "\\p{L}\\p{N}_";
  return ascii ? ASCII_SPACE : UNICODE_SPACE;
}

/** A class escape outside a set, as one RE2 atom. */
function classAtom(c: string, ascii: boolean): string {
  const lower = c.toLowerCase() as "d" | "w" | "s";
  if (lower === "d" && !ascii) return c === "d" ? "\\p{Nd}" : "\\P{Nd}";
  return `[${c === lower ? "" : "^"}${classItems(lower, ascii)}]`;
}

class Translator {
  private i = 0;
  private out = "";
  private readonly flags = new Set<string>();
  private groups = 0;
  private readonly closed = new Set<number>();
  private readonly names = new Map<string, number>();
  private readonly stack: Group[] = [];
  /** Whether the last thing emitted can take a quantifier, and whether it already has one. */
  private canRepeat = false;
  private repeated = false;
  /** The last quantifier already has its `?` (lazy) or `+` (possessive) suffix. */
  private suffixed = false;

  // RE2 side.
  private readonly root: Re2Node[][] = [[]];
  private state: FlagState = { i: false, s: false, m: false, a: false };
  private problem: string | undefined;
  private hasLookahead = false;
  private hasLookbehind = false;
  private hasDollar = false;
  private asciiOnly = false;
  private hasNonBoundary = false;

  constructor(private readonly p: string) {}

  run(): Translation {
    this.globalFlags();
    while (this.i < this.p.length) this.step();
    if (this.stack.length > 0) throw new PyReError(`missing ), unterminated subpattern at position ${this.stack[this.stack.length - 1]?.index ?? 0}`);
    let jsFlags = "";
    if (this.flags.has("i")) jsFlags += "i";
    if (this.flags.has("m")) jsFlags += "m";
    if (this.flags.has("s")) jsFlags += "s";
    try {
      // Compiled only, to learn whether the syntax is valid; never executed.
      new RegExp(this.out, jsFlags);
    } catch (err) {
      throw new PyReError(err instanceof Error ? err.message.replace(/^Invalid regular expression: /, "") : String(err));
    }
    if (this.hasLookahead && this.hasLookbehind) this.unsupported("look-aheads together with look-behinds");
    return {
      validity: { ok: true },
      re2: {
        nodes: this.root.length === 1 ? (this.root[0] ?? []) : [{ kind: "group", open: "(?:", alternatives: this.root }],
        problem: this.problem,
        caseInsensitive: this.flags.has("i"),
        dotAll: this.flags.has("s"),
        hasLookahead: this.hasLookahead,
        hasLookbehind: this.hasLookbehind,
        hasDollar: this.hasDollar,
        asciiOnly: this.asciiOnly,
        hasNonBoundary: this.hasNonBoundary,
      },
    };
  }

  private unsupported(why: string): void {
    this.problem ??= why;
  }

  /** The alternative being built (innermost group's last one). */
  private get seq(): Re2Node[] {
    const alts = this.stack.length > 0 ? (this.stack[this.stack.length - 1] as Group).node.alternatives : this.root;
    return alts[alts.length - 1] as Re2Node[];
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
    this.state = { i: this.flags.has("i"), s: this.flags.has("s"), m: this.flags.has("m"), a: this.flags.has("a") };
  }

  /** Something that can take a quantifier; `node` is its RE2 form (none: merged into the last). */
  private atom(js: string, node?: Re2Node): void {
    this.out += js;
    this.canRepeat = true;
    this.repeated = false;
    if (node) this.seq.push(node);
  }

  private assertion(js: string, node?: Re2Node): void {
    this.out += js;
    this.canRepeat = false;
    this.repeated = false;
    if (node) this.seq.push(node);
  }

  /** A literal code point; case-insensitive `i`/`I` also match `İ`/`ı`, as in Python. */
  private literal(cp: number): Re2Node {
    // Python's ASCII case folding ignores `K` (Kelvin) and `ſ`, which RE2 folds.
    if (this.state.i && this.state.a) this.asciiOnly = true;
    else if (this.state.i && DOTTED_I.includes(cp)) return { kind: "atom", text: `[${DOTTED_I.map(re2Char).join("")}]` };
    return isHighSurrogate(cp) ? { kind: "atom", text: re2Char(cp), high: cp } : { kind: "atom", text: re2Char(cp) };
  }

  /**
   * Case-insensitive, Python tests `\w` on the lowercased character, RE2 on every case variant: they
   * differ on a few non-ASCII characters (U+0345 folds with the letter iota).
   */
  private caseFoldedClass(c: string): void {
    if (this.state.i && (c === "w" || c === "W")) this.asciiOnly = true;
  }

  /** A low surrogate right after a high one is one code point for RE2 (and for Python). */
  private mergeLowSurrogate(cp: number): boolean {
    if (!isLowSurrogate(cp) || this.repeated) return false;
    const seq = this.seq;
    const last = seq[seq.length - 1];
    if (last?.kind !== "atom" || last.high === undefined) return false;
    seq[seq.length - 1] = this.literal(joinSurrogates(last.high, cp));
    return true;
  }

  private step(): void {
    const c = this.p[this.i] ?? "";
    if (this.flags.has("x")) {
      if (VERBOSE_WHITESPACE.has(c)) {
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
        this.atom("\\{", this.literal(0x7b));
        return;
      }
      case "^":
        this.i += 1;
        this.assertion(c, this.state.m ? { kind: "anchor", forward: "(?m:^)", reversed: "(?m:$)" } : { kind: "anchor", forward: "\\A", reversed: "\\z" });
        return;
      case "$":
        this.i += 1;
        if (!this.state.m) this.hasDollar = true;
        this.assertion(
          c,
          this.state.m
            ? { kind: "anchor", forward: "(?m:$)", reversed: "(?m:^)" }
            : // Python's `$` also matches before a final newline.
              { kind: "anchor", forward: "(?:\\n?\\z)", reversed: "(?:\\A|(?<=\\A\\n))" },
        );
        return;
      case "|": {
        this.i += 1;
        this.assertion("|");
        const alts = this.stack.length > 0 ? (this.stack[this.stack.length - 1] as Group).node.alternatives : this.root;
        alts.push([]);
        return;
      }
      case "}":
      case "]":
        this.i += 1;
        this.atom(`\\${c}`, this.literal(c.charCodeAt(0)));
        return;
      case "/":
        this.i += 1;
        this.atom("\\/", this.literal(0x2f));
        return;
      default: {
        this.i += 1;
        if (c === ".") {
          this.atom(".", { kind: "atom", text: "." });
          return;
        }
        const cp = c.charCodeAt(0);
        if (this.mergeLowSurrogate(cp)) this.atom(c);
        else this.atom(c, this.literal(cp));
      }
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
        const last = this.seq[this.seq.length - 1];
        if (last?.kind === "repeat") last.op += "?";
        return;
      }
      if (!this.suffixed && js === "+") {
        this.unsupported("possessive quantifiers");
        this.suffixed = true;
        return;
      }
      throw new PyReError(`multiple repeat at position ${at}`);
    }
    if (!this.canRepeat) throw new PyReError(`nothing to repeat at position ${at}`);
    this.out += js;
    this.repeated = true;
    this.suffixed = false;
    const seq = this.seq;
    const last = seq.pop();
    if (last) seq.push({ kind: "repeat", node: last, op: js });
  }

  private escape(): void {
    const at = this.i;
    const c = this.p[this.i + 1];
    if (c === undefined) throw new PyReError(`bad escape (end of pattern) at position ${at}`);
    this.i += 2;
    if (c === "A") return this.assertion("(?<![\\s\\S])", { kind: "anchor", forward: "\\A", reversed: "\\z" });
    if (c === "Z") return this.assertion("(?![\\s\\S])", { kind: "anchor", forward: "\\z", reversed: "\\A" });
    if (c === "b" || c === "B") {
      // RE2's word boundary is ASCII; Python's is Unicode unless (?a).
      if (!this.state.a) this.asciiOnly = true;
      if (c === "B") this.hasNonBoundary = true;
      return this.assertion(`\\${c}`, { kind: "anchor", forward: `\\${c}`, reversed: `\\${c}` });
    }
    if (CLASS_ESCAPES.has(c)) {
      this.caseFoldedClass(c);
      return this.atom(`\\${c}`, { kind: "atom", text: classAtom(c, this.state.a) });
    }
    const shared = this.sharedEscape(c, at);
    if (shared !== undefined) return this.atom(codePointLiteral(shared), this.literal(shared));
    if (c >= "1" && c <= "9") {
      const three = this.p.slice(at + 1, at + 4);
      if (/^[0-7]{3}$/.test(three)) {
        this.i = at + 4;
        const value = parseInt(three, 8);
        if (value > 0o377) throw new PyReError(`octal escape value \\${three} outside of range 0-0o377 at position ${at}`);
        return this.atom(codePointLiteral(value), this.literal(value));
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
      this.unsupported("back-references");
      return this.atom(`(?:\\${n})`, { kind: "atom", text: "(?:)" });
    }
    if (/[a-zA-Z]/.test(c)) throw new PyReError(`bad escape \\${c} at position ${at}`);
    return this.atom(`\\${c}`, this.literal(c.charCodeAt(0)));
  }

  /** Escapes with the same meaning inside and outside a set: their code point, or undefined. */
  private sharedEscape(c: string, at: number): number | undefined {
    const control = CONTROL[c];
    if (control !== undefined) return control;
    if (c === "x" || c === "u" || c === "U") {
      const len = c === "x" ? 2 : c === "u" ? 4 : 8;
      const hex = this.p.slice(this.i, this.i + len);
      if (hex.length !== len || !isHex(hex)) throw new PyReError(`incomplete escape \\${c}${hex} at position ${at}`);
      this.i += len;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new PyReError(`bad escape \\${c}${hex} at position ${at}`);
      return cp;
    }
    if (c === "N") throw new Untranslatable("\\N{...} named characters are not translated");
    if (c === "0") {
      let digits = "";
      while (digits.length < 2 && /[0-7]/.test(this.p[this.i] ?? "")) {
        digits += this.p[this.i];
        this.i += 1;
      }
      return digits === "" ? 0 : parseInt(digits, 8);
    }
    return undefined;
  }

  private set(): void {
    const at = this.i;
    this.i += 1;
    let js = "[";
    const negated = this.p[this.i] === "^";
    if (negated) {
      js += "^";
      this.i += 1;
    }
    // RE2 side: code point ranges, class items, and negated classes (`\W`, `\S`).
    const ranges: [number, number][] = [];
    let classes = "";
    const negatedClasses: string[] = [];
    /** Index in `ranges` of a lone high surrogate just added (a low one joins it). */
    let high = -1;
    let first = true;
    // A range may not start or end at a class escape: `[\\d-z]` is a "bad character range".
    let prevClass = false;
    let rangeOpen = false;
    const addChar = (cp: number, closesRange: boolean) => {
      const last = ranges[ranges.length - 1];
      if (closesRange && last) {
        last[1] = cp;
        high = -1;
      } else if (high >= 0 && high === ranges.length - 1 && isLowSurrogate(cp) && last) {
        const joined = joinSurrogates(last[0], cp);
        ranges[ranges.length - 1] = [joined, joined];
        high = -1;
      } else {
        ranges.push([cp, cp]);
        high = isHighSurrogate(cp) ? ranges.length - 1 : -1;
      }
    };
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
      if (isRangeDash) {
        this.i += 1;
        js += "-";
        continue;
      }
      if (c === "\\") {
        const e = this.p[this.i + 1];
        const escAt = this.i;
        if (e === undefined) throw new PyReError(`unterminated character set at position ${at}`);
        this.i += 2;
        if (CLASS_ESCAPES.has(e) && closesRange) throw new PyReError(`bad character range at position ${escAt}`);
        if (CLASS_ESCAPES.has(e)) {
          prevClass = true;
          this.caseFoldedClass(e);
          js += `\\${e}`;
          high = -1;
          const lower = e.toLowerCase() as "d" | "w" | "s";
          if (e === lower) classes += classItems(lower, this.state.a);
          else if (lower === "d") classes += this.state.a ? "\\D" : "\\P{Nd}";
          else if (lower === "w" && this.state.a) classes += "\\W";
          else negatedClasses.push(classItems(lower, this.state.a));
        } else if (e === "b") {
          js += "\\x08";
          addChar(0x08, closesRange);
        } else {
          const shared = this.sharedEscape(e, escAt);
          if (shared !== undefined) {
            const lit = codePointLiteral(shared);
            // JavaScript without the `u` flag keeps an astral character's two halves.
            js += lit.startsWith("(?:") ? lit.slice(3, -1) : lit;
            addChar(shared, closesRange);
          } else if (e >= "1" && e <= "7") {
            let digits = e;
            while (digits.length < 3 && /[0-7]/.test(this.p[this.i] ?? "")) {
              digits += this.p[this.i];
              this.i += 1;
            }
            const value = parseInt(digits, 8);
            if (value > 0o377) throw new PyReError(`octal escape value \\${digits} outside of range 0-0o377 at position ${escAt}`);
            js += codePointLiteral(value);
            addChar(value, closesRange);
          } else if (/[a-zA-Z0-9]/.test(e)) throw new PyReError(`bad escape \\${e} at position ${escAt}`);
          else {
            js += `\\${e}`;
            addChar(e.charCodeAt(0), closesRange);
          }
        }
        continue;
      }
      this.i += 1;
      js += c === "]" || c === "[" || c === "/" ? `\\${c}` : c;
      addChar(c.charCodeAt(0), closesRange);
    }
    this.atom(`${js}]`, { kind: "atom", text: this.re2Set(negated, ranges, classes, negatedClasses) });
  }

  /** The RE2 form of a Python set, as one atom. */
  private re2Set(negated: boolean, ranges: readonly [number, number][], classes: string, negatedClasses: readonly string[]): string {
    let items = classes;
    let dotted = false;
    for (const [lo, hi] of ranges) {
      items += lo === hi ? re2Char(lo) : `${re2Char(lo)}-${re2Char(hi)}`;
      if (DOTTED_I.some((cp) => cp >= lo && cp <= hi)) dotted = true;
    }
    if (this.state.i && this.state.a) this.asciiOnly = true;
    else if (this.state.i && dotted) items += DOTTED_I.map(re2Char).join("");
    if (negatedClasses.length === 0) return `[${negated ? "^" : ""}${items}]`;
    if (negated) {
      // The complement of a union with a complement is an intersection, which RE2 cannot write.
      // Approximated by RE2's ASCII `\W` / `\S`: exact on ASCII text only.
      this.asciiOnly = true;
      const perl = negatedClasses.map((c) => (c.startsWith("\\p") ? "\\W" : "\\S")).join("");
      return `[^${items}${perl}]`;
    }
    const parts = [...(items === "" ? [] : [`[${items}]`]), ...negatedClasses.map((c) => `[^${c}]`)];
    return `(?:${parts.join("|")})`;
  }

  private open(): void {
    const at = this.i;
    const rest = this.p.slice(this.i);
    // The RE2 tree is walked recursively; Python itself gives up (RecursionError) near 500.
    if (this.stack.length >= MAX_NESTING) this.unsupported(`groups nested deeper than ${MAX_NESTING}`);
    const push = (kind: Group["kind"], js: string, length: number, node: Extract<Re2Node, { kind: "group" }>, name?: string) => {
      this.i += length;
      this.out += js;
      const common = { kind, index: at, bodyStart: this.out.length, node, outer: this.state };
      this.stack.push(name === undefined ? common : { ...common, name });
      this.canRepeat = false;
      this.repeated = false;
    };
    const plain = (): Extract<Re2Node, { kind: "group" }> => ({ kind: "group", open: "(?:", alternatives: [[]] });
    if (!rest.startsWith("(?")) {
      this.groups += 1;
      push("capture", "(", 1, plain(), String(this.groups));
      return;
    }
    const named = /^\(\?P<([^>]*)>/.exec(rest);
    if (named) {
      const name = named[1] ?? "";
      if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) throw new PyReError(`bad character in group name '${name}' at position ${at + 4}`);
      if (this.names.has(name)) throw new PyReError(`redefinition of group name '${name}' as group ${this.groups + 1}; was group ${this.names.get(name)} at position ${at + 4}`);
      this.groups += 1;
      this.names.set(name, this.groups);
      push("capture", `(?<${name}>`, named[0].length, plain(), String(this.groups));
      return;
    }
    const ref = /^\(\?P=([^)]*)\)/.exec(rest);
    if (ref) {
      const n = this.names.get(ref[1] ?? "");
      if (n === undefined) throw new PyReError(`unknown group name '${ref[1]}' at position ${at + 4}`);
      if (!this.closed.has(n)) throw new PyReError(`cannot refer to an open group at position ${at}`);
      this.i += ref[0].length;
      this.unsupported("back-references");
      this.atom(`(?:\\${n})`, { kind: "atom", text: "(?:)" });
      return;
    }
    if (rest.startsWith("(?P")) throw new PyReError(`unknown extension ?P${rest[3] ?? ""} at position ${at + 1}`);
    if (rest.startsWith("(?:")) return push("other", "(?:", 3, plain());
    if (rest.startsWith("(?=") || rest.startsWith("(?!")) {
      this.hasLookahead = true;
      return push("other", rest.slice(0, 3), 3, { kind: "group", open: "(?:", look: "ahead", negative: rest[2] === "!", alternatives: [[]] });
    }
    // Wrapped in a group: Python lets a look-behind take a quantifier, JavaScript does not.
    if (rest.startsWith("(?<=") || rest.startsWith("(?<!")) {
      this.hasLookbehind = true;
      return push("lookbehind", `(?:${rest.slice(0, 4)}`, 4, { kind: "group", open: "(?:", look: "behind", negative: rest[3] === "!", alternatives: [[]] });
    }
    if (rest.startsWith("(?<")) throw new PyReError(`unknown extension ?<${rest[3] ?? ""} at position ${at + 1}`);
    if (rest.startsWith("(?>")) {
      this.unsupported("atomic groups");
      return push("other", "(?:", 3, plain());
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
      const on = flags[1] ?? "";
      const off = flags[2];
      const letters = `${on}${off ?? ""}`;
      if (off === "") throw new PyReError(`missing flag at position ${at + 3 + on.length}`);
      if ([...(off ?? "")].some((ch) => on.includes(ch))) {
        throw new PyReError(`bad inline flags: flag turned on and off at position ${at}`);
      }
      for (const ch of letters) if (!FLAG_CHARS.has(ch)) throw new PyReError(`unknown flag at position ${at + 2}`);
      if (flags[3] === ")") {
        // Only comments (and, verbose, whitespace) may come before global flags.
        if (letters === "") throw new PyReError(`missing flag at position ${at + 2}`);
        if (this.out !== "" || this.stack.length > 0 || off !== undefined) {
          throw new PyReError(`global flags not at the start of the expression at position ${at}`);
        }
        this.i = at;
        this.globalFlags();
        return;
      }
      if (letters.includes("L")) throw new PyReError("bad inline flags: cannot use 'L' flag with a str pattern");
      if (letters.includes("x")) throw new Untranslatable("scoped verbose groups (?x:...) are not translated");
      const outer = this.state;
      const set = (f: "i" | "s" | "m", v: boolean) => (on.includes(f) ? true : (off ?? "").includes(f) ? false : v);
      const inner: FlagState = { i: set("i", outer.i), s: set("s", outer.s), m: set("m", outer.m), a: on.includes("a") ? true : on.includes("u") ? false : outer.a };
      // `m` is spelled out in each anchor, `a` in each class: RE2 only needs `i` and `s`.
      const re2On = [...on].filter((f) => f === "i" || f === "s").join("");
      const re2Off = [...(off ?? "")].filter((f) => f === "i" || f === "s").join("");
      const open = re2On === "" && re2Off === "" ? "(?:" : `(?${re2On}${re2Off === "" ? "" : `-${re2Off}`}:`;
      push("other", "(?:", flags[0].length, { kind: "group", open, alternatives: [[]] });
      this.state = inner;
      return;
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
    this.state = group.outer;
    if (group.kind === "capture" && group.name !== undefined) this.closed.add(Number(group.name));
    this.atom(group.kind === "lookbehind" ? "))" : ")", group.node);
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

// --- translation cache -------------------------------------------------------------------------

const translations = new Map<string, Translation>();
/** Longer patterns are translated every time rather than kept. */
const MAX_CACHED_PATTERN = 10_000;

function translate(pattern: string): Translation {
  const hit = translations.get(pattern);
  if (hit) return hit;
  let result: Translation;
  try {
    result = new Translator(pattern).run();
  } catch (err) {
    if (err instanceof PyReError) result = { validity: { ok: false, error: err.message } };
    else if (err instanceof Untranslatable) result = { validity: { ok: "unknown", reason: err.message } };
    else result = { validity: { ok: "unknown", reason: String(err) } };
  }
  if (pattern.length <= MAX_CACHED_PATTERN) {
    if (translations.size >= 1000) translations.clear();
    translations.set(pattern, result);
  }
  return result;
}

/** Whether Python 3.11's `re.compile` accepts `pattern` (a `str` pattern, no flags argument). */
export function pythonRegexValidity(pattern: string): PythonRegexValidity {
  return translate(pattern).validity;
}

// --- RE2 programs ------------------------------------------------------------------------------

function render(nodes: readonly Re2Node[], reversed: boolean): string {
  const order = reversed ? [...nodes].reverse() : nodes;
  return order.map((n) => renderNode(n, reversed)).join("");
}

function renderNode(node: Re2Node, reversed: boolean): string {
  switch (node.kind) {
    case "atom":
      return node.text;
    case "anchor":
      return reversed ? node.reversed : node.forward;
    case "repeat":
      return `${renderNode(node.node, reversed)}${node.op}`;
    case "group": {
      const body = node.alternatives.map((alt) => render(alt, reversed)).join("|");
      if (node.look === undefined) return `${node.open}${body})`;
      // Run forwards, a look-behind stays one; run reversed, a look-ahead becomes one.
      return `(?:(?<${node.negative ? "!" : "="}${body}))`;
    }
  }
}

/** An upper estimate of the RE2 program's size, to refuse huge programs before compiling them. */
function estimate(nodes: readonly Re2Node[]): number {
  let n = 0;
  for (const node of nodes) n += estimateNode(node);
  return n;
}

function estimateNode(node: Re2Node): number {
  switch (node.kind) {
    case "atom":
    case "anchor":
      return 2;
    case "group":
      return node.alternatives.reduce((sum, alt) => sum + estimate(alt) + 1, 1);
    case "repeat": {
      const inner = estimateNode(node.node) + 1;
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(node.op);
      if (!m) return inner + 1;
      const count = Math.max(Number(m[1]), m[2] ? Number(m[2]) : 0, 1);
      return inner * (count + 1);
    }
  }
}

interface Program {
  readonly re: RE2JS;
  readonly size: number;
}

/** Compiles one direction, or gives why it cannot be run. */
function compileProgram(p: Re2Pattern, reversed: boolean): Program | string {
  let flags = 0;
  if (p.caseInsensitive) flags |= RE2JS.CASE_INSENSITIVE;
  if (p.dotAll) flags |= RE2JS.DOTALL;
  const source = render(p.nodes, reversed);
  if (source.includes("(?<")) flags |= RE2JS.LOOKBEHINDS;
  try {
    const re = RE2JS.compile(source, flags);
    return { re, size: re.programSize() };
  } catch (err) {
    return `RE2 cannot run it (${err instanceof Error ? err.message : String(err)})`;
  }
}

function reverseText(text: string): string {
  return Array.from(text).reverse().join("");
}

function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
}

/**
 * Compiles a repository's Python pattern for `re.search`-style matching on RE2. `budget` is the
 * check run's (a fresh default one when omitted); compiling takes from it.
 */
export function compileRepoRegex(pattern: string, budget: MatchBudget = new MatchBudget()): RepoRegex {
  const known = budget.programs.get(pattern);
  if (known) return known;
  const result = compileUncached(pattern, budget);
  // A refusal for lack of budget is not kept: a later, cheaper call may still fit.
  if (result.ok !== "unknown" || result.reason !== BUDGET_SPENT) budget.programs.set(pattern, result);
  return result;
}

function compileUncached(pattern: string, budget: MatchBudget): RepoRegex {
  const t = translate(pattern);
  if (t.validity.ok === false) return { ok: false, error: t.validity.error };
  if (t.validity.ok === "unknown") return { ok: "unknown", reason: t.validity.reason };
  const p = t.re2;
  if (!p) return { ok: "unknown", reason: "it was not translated" };
  if (p.problem !== undefined) return { ok: "unknown", reason: `RE2 cannot run ${p.problem}` };
  if (pattern.length > MAX_MATCH_PATTERN_LENGTH) return { ok: "unknown", reason: `it is longer than ${MAX_MATCH_PATTERN_LENGTH} characters` };
  const estimated = estimate(p.nodes);
  if (estimated > MAX_PROGRAM_SIZE * 4) return { ok: "unknown", reason: `its program would exceed ${MAX_PROGRAM_SIZE} instructions` };
  // Forwards unless it has look-aheads; reversed too when a `$` may meet a final newline.
  const needForward = !p.hasLookahead;
  const needReversed = !p.hasLookbehind && (p.hasLookahead || p.hasDollar);
  const directions = (needForward ? 1 : 0) + (needReversed ? 1 : 0);
  if (!budget.take(estimated * directions * COMPILE_UNITS_PER_INSTRUCTION)) return { ok: "unknown", reason: BUDGET_SPENT };
  const forward = needForward ? compileProgram(p, false) : undefined;
  if (typeof forward === "string") return { ok: "unknown", reason: forward };
  const reversed = needReversed ? compileProgram(p, true) : undefined;
  // Only needed for texts ending in a newline: without it, such texts are "unknown".
  const backwards = typeof reversed === "string" ? undefined : reversed;
  if (!forward && !backwards) return { ok: "unknown", reason: typeof reversed === "string" ? reversed : "it was not translated" };
  for (const prog of [forward, backwards]) {
    if (prog && prog.size > MAX_PROGRAM_SIZE) return { ok: "unknown", reason: `its program has more than ${MAX_PROGRAM_SIZE} instructions` };
  }
  const search = (text: string): boolean | undefined => {
    if (p.asciiOnly && hasNonAscii(text)) return undefined;
    if (p.hasNonBoundary && text === "") return undefined;
    const useReversed = !forward || (p.hasDollar && text.endsWith("\n"));
    const prog = useReversed ? backwards : forward;
    if (!prog) return undefined;
    const units = prog.size * (text.length + 1);
    if (units > MAX_SEARCH_UNITS || !budget.take(units)) return undefined;
    return prog.re.test(useReversed ? reverseText(text) : text);
  };
  return { ok: true, pattern, search };
}

/**
 * Whether Python's `re.search(pattern, text)` finds a match; undefined when the pattern is invalid,
 * cannot be run on RE2, or the answer cannot be decided here.
 */
export function pySearch(pattern: string, text: string, budget: MatchBudget = new MatchBudget()): boolean | undefined {
  const r = compileRepoRegex(pattern, budget);
  return r.ok === true ? r.search(text) : undefined;
}

/** Paths of very different shapes: a pattern that matches all of them (and every repository path) matches everything. */
export const SAMPLE_PATHS: readonly string[] = [
  "a",
  "Z",
  "x.py",
  ".env",
  "Makefile",
  "src/app/main.py",
  "docs/README.md",
  "deep/nested/dir/file.txt",
  "config/prod.env",
  "tests/fixtures/key.pem",
  "package.json",
  "1/2/3",
];

/**
 * Whether `matcher` (search semantics) matches every sample path and every one of `paths`: false as
 * soon as one path is known not to match, undefined when no path is known not to match but some
 * could not be decided.
 */
export function matchesEverything(matcher: RepoRegexMatcher, paths: Iterable<string>): boolean | undefined {
  let undecided = false;
  for (const list of [SAMPLE_PATHS, paths]) {
    for (const p of list) {
      const r = matcher.search(p);
      if (r === false) return false;
      if (r === undefined) undecided = true;
    }
  }
  return undecided ? undefined : true;
}

/** Whether `matcher` matches at least one of `paths`: undefined when none is known to but some are undecided. */
export function matchesAny(matcher: RepoRegexMatcher, paths: Iterable<string>): boolean | undefined {
  let undecided = false;
  for (const p of paths) {
    const r = matcher.search(p);
    if (r === true) return true;
    if (r === undefined) undecided = true;
  }
  return undecided ? undefined : false;
}

export type KeptPaths =
  | { readonly kept: true; readonly path: string }
  | { readonly kept: false }
  /** No path is known to be kept, and these could not be decided. */
  | { readonly kept: undefined; readonly undecided: readonly string[] };

/**
 * pre-commit's selection: is some path kept by every `files` pattern matching it and no `exclude`
 * pattern matching it? Three-valued: a path is out as soon as one pattern decides so.
 */
export function keepsAnyPath(paths: Iterable<string>, files: readonly RepoRegexMatcher[], exclude: readonly RepoRegexMatcher[]): KeptPaths {
  const undecided: string[] = [];
  for (const path of paths) {
    let unsure = false;
    let out = false;
    for (const r of files) {
      const m = r.search(path);
      if (m === false) {
        out = true;
        break;
      }
      if (m === undefined) unsure = true;
    }
    if (!out) {
      for (const r of exclude) {
        const m = r.search(path);
        if (m === true) {
          out = true;
          break;
        }
        if (m === undefined) unsure = true;
      }
    }
    if (out) continue;
    if (!unsure) return { kept: true, path };
    undecided.push(path);
  }
  return undecided.length === 0 ? { kept: false } : { kept: undefined, undecided };
}
