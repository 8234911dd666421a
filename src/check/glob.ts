import { RE2JS } from "re2js";

/**
 * The one glob engine of phase-gate. Globs come from checklists and from repository text (Dockerfile
 * COPY sources, npm-run-all patterns), so they may be hostile: each glob is compiled to an RE2
 * program (re2js), which matches in time linear in the path whatever the glob. picomatch compiles
 * to a backtracking RegExp instead, where `*a*a*a*a*a*a*a*a*b` against a path of 30 `a`s takes
 * seconds and blocks every tenant of the app.
 *
 * Semantics are picomatch's with `{ dot: true }` on repository paths (`/`-separated, no empty, `.`
 * or `..` segment), for this syntax:
 * - `*` any run of characters within a segment (dot files included); `?` one character but `/`.
 * - `**` as a whole segment: zero or more segments (`x/**` matches `x`, `**\/a` matches `a`,
 *   `a/**\/b` matches `a/b`). Anywhere else (`a**`) it is `*`. Between the delimiters of a brace or
 *   an extglob (`{**,x}`) it is any run of characters, `/` included, as in picomatch.
 * - `[abc]` `[a-z]` `[!a]` `[^a]` `[[:alpha:]]`: one character of (or not of) the class, never `/`.
 *   A class with no special character inside (`[id]`) also matches its own text, so the Next.js
 *   file `pages/[id].tsx` matches the glob `pages/[id].tsx`. A `[` with no closing `]` is literal.
 * - `{a,b}` alternatives (nested), `{1..3}` `{a..e}` one-character ranges; `{a}` is literal.
 * - `@(a|b)` `?(a|b)` `*(a|b)` `+(a|b)` extglobs, nested, as RE2 groups.
 * - `\x` the character x; a leading `!` negates the whole glob (`!!` does not); a leading `./` is
 *   dropped; a path equal to the glob's text always matches (picomatch does the same).
 *
 * Refused with a GlobError (picomatch reads them in ways nobody means, or they need look-ahead):
 * `!(a)` (needs look-ahead: negate the whole glob with a leading `!`, or list what to match), a
 * bare `(`…`)` group or `|` outside an extglob (picomatch makes them regex syntax: write `@(a|b)`,
 * or `\(` for the character), ranges of more than one character (`{1..10}`: picomatch matches `1`
 * and `0`), unclosed `{` or extglobs, a trailing lone `\`, unknown `[:class:]` names, reversed
 * ranges, globs over MAX_GLOB_LENGTH characters.
 *
 * Where picomatch differs on purpose: `[!a]` negates (picomatch reads `!` or `a` unless `posix`);
 * a class never matches `/`; `"` is an ordinary character (picomatch quotes); `?` is one code point;
 * a newline in a path is an ordinary character (picomatch's `**` and `!` stop at it);
 * repeated extglobs that picomatch 4 turns into literal text to avoid backtracking (`*(a|aa)`,
 * `+(+(a))`) keep their meaning; multi-character ranges and the refusals above. Other corners where
 * picomatch's output is accidental (`+` after `)` a RegExp quantifier, `**{a,b}` crossing `/`...)
 * are listed where `test/check/glob.test.ts` compares the two.
 */

export const MAX_GLOB_LENGTH = 1000;
/** Braces, extglobs and classes nested deeper than this are refused. */
const MAX_NESTING = 50;
const CACHE_SIZE = 2000;

export class GlobError extends Error {
  constructor(
    readonly glob: string,
    readonly reason: string,
  ) {
    super(`invalid glob '${glob.length > 80 ? `${glob.slice(0, 77)}...` : glob}': ${reason}`);
    this.name = "GlobError";
  }
}

export interface Glob {
  /** Whether the path matches (a path equal to the glob's text always does, as in picomatch). */
  test(path: string): boolean;
  /**
   * The glob's syntax alone, without the equal-text rule: for patterns of another syntax rewritten
   * as globs (Docker's COPY sources, npm-run-all's task patterns), whose rewritten text means nothing.
   */
  testPattern(path: string): boolean;
}

// --- syntax tree ---------------------------------------------------------------------------------

type Node =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "slash" }
  /** `lone`: a single `*`, not part of a run (picomatch makes it non-empty after a `/`). */
  | { readonly kind: "star"; readonly lone: boolean }
  | { readonly kind: "globstar" }
  | { readonly kind: "one" }
  | { readonly kind: "class"; readonly source: string }
  | { readonly kind: "group"; readonly extglob: boolean; readonly branches: readonly Seq[]; readonly suffix: string };
type Seq = Node[];

const POSIX_CLASSES: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  alnum: [r("a", "z"), r("A", "Z"), r("0", "9")],
  alpha: [r("a", "z"), r("A", "Z")],
  ascii: [[0x00, 0x7f]],
  blank: [r(" ", " "), r("\t", "\t")],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [r("0", "9")],
  graph: [[0x21, 0x7e]],
  lower: [r("a", "z")],
  print: [[0x20, 0x7e]],
  punct: [...'-!"#$%&\'()*+,./:;<=>?@[\\]^_`{|}~'].map((c) => r(c, c)),
  space: [...' \t\r\n\v\f'].map((c) => r(c, c)),
  upper: [r("A", "Z")],
  word: [r("A", "Z"), r("a", "z"), r("0", "9"), r("_", "_")],
  xdigit: [r("A", "F"), r("a", "f"), r("0", "9")],
};

function r(from: string, to: string): readonly [number, number] {
  return [from.codePointAt(0) as number, to.codePointAt(0) as number];
}

/** picomatch matches a class as its own text too when its content has none of these. */
const CLASS_SPECIAL = /[-*+?.^${}(|)[\]\\/]/;
const SLASH = 0x2f;
const MAX_CODE_POINT = 0x10ffff;

class Parser {
  private i = 0;
  private braces = 0;
  private extglobs = 0;
  private depth = 0;

  constructor(
    private readonly glob: string,
    private readonly src: string,
  ) {}

  fail(reason: string): never {
    throw new GlobError(this.glob, reason);
  }

  parseAll(): Seq {
    const seq = this.seq("");
    if (this.i < this.src.length) this.fail(`unexpected '${this.src[this.i] ?? ""}'`);
    return seq;
  }

  /** Nodes up to (not including) a character of `stops`, or the end. */
  private seq(stops: string): Seq {
    const src = this.src;
    const out: Seq = [];
    const text = (t: string) => {
      const last = out[out.length - 1];
      if (last?.kind === "text") out[out.length - 1] = { kind: "text", text: last.text + t };
      else out.push({ kind: "text", text: t });
    };
    while (this.i < src.length) {
      const c = src[this.i] as string;
      if (stops.includes(c)) break;
      const next = src[this.i + 1];
      switch (c) {
        case "\\": {
          if (next === undefined) this.fail("it ends with a lone '\\' (write '\\\\' for a backslash)");
          const ch = String.fromCodePoint(src.codePointAt(this.i + 1) as number);
          this.i += 1 + ch.length;
          if (ch === "/") out.push({ kind: "slash" });
          else text(ch);
          continue;
        }
        case "/":
          this.i++;
          out.push({ kind: "slash" });
          continue;
        case "*": {
          if (next === "(") {
            out.push(this.extglob("*"));
            continue;
          }
          let run = 0;
          while (src[this.i] === "*" && src[this.i + 1] !== "(") {
            run++;
            this.i++;
          }
          const after = src[this.i];
          const leftBounded = out.length === 0 || out[out.length - 1]?.kind === "slash";
          const rightBounded = after === undefined || after === "/" || stops.includes(after);
          out.push(run === 2 && leftBounded && rightBounded ? { kind: "globstar" } : { kind: "star", lone: run === 1 });
          continue;
        }
        case "?":
          if (next === "(") out.push(this.extglob("?"));
          else {
            this.i++;
            out.push({ kind: "one" });
          }
          continue;
        case "@":
        case "+":
          if (next === "(") out.push(this.extglob(c));
          else {
            this.i++;
            text(c);
          }
          continue;
        case "!":
          if (next === "(") {
            this.fail(
              "'!(...)' needs look-ahead, which RE2 does not have: negate the whole glob with a leading '!', or list what to match with '@(a|b)'",
            );
          }
          this.i++;
          text(c);
          continue;
        case "(":
          return this.fail("'(' outside an extglob: write '@(a|b)' for alternatives, or '\\(' for the character");
        case ")":
          if (this.extglobs > 0) this.fail("')' inside braces closes nothing: close the '{' first");
          this.i++;
          text(c);
          continue;
        case "|":
          return this.fail("'|' outside an extglob: write '@(a|b)' for alternatives, or '\\|' for the character");
        case "}":
          if (this.braces > 0) this.fail("'}' inside an extglob closes nothing: close the '(' first");
          this.i++;
          text(c);
          continue;
        case "[": {
          const cls = this.bracket();
          if (cls) out.push(...cls);
          else {
            this.i++;
            text(c);
          }
          continue;
        }
        case "{":
          for (const n of this.brace()) {
            if (n.kind === "text") text(n.text);
            else out.push(n);
          }
          continue;
        default: {
          const ch = String.fromCodePoint(src.codePointAt(this.i) as number);
          this.i += ch.length;
          text(ch);
        }
      }
    }
    return out;
  }

  private nest(): void {
    if (++this.depth > MAX_NESTING) this.fail(`braces, extglobs or classes are nested more than ${MAX_NESTING} deep`);
  }

  private extglob(op: string): Node {
    const start = this.i;
    this.i += 2;
    this.nest();
    this.extglobs++;
    const branches: Seq[] = [];
    for (;;) {
      branches.push(this.seq("|)"));
      const c = this.src[this.i];
      this.i++;
      if (c === ")") break;
      if (c !== "|") this.fail(`the extglob '${op}(' at ${start + 1} is not closed: add ')' (or write '\\(' for the character)`);
    }
    this.extglobs--;
    this.depth--;
    return { kind: "group", extglob: true, branches, suffix: op === "@" ? "" : op };
  }

  /** `{a,b}` alternatives, a `{1..3}` range, or literal braces around what they hold (`{a}`). */
  private brace(): Node[] {
    const start = this.i;
    this.i++;
    this.nest();
    this.braces++;
    const branches: Seq[] = [];
    for (;;) {
      branches.push(this.seq(",}"));
      const c = this.src[this.i];
      this.i++;
      if (c === "}") break;
      if (c !== ",") this.fail(`the '{' at ${start + 1} is not closed: add '}' (or write '\\{' for the character)`);
    }
    this.braces--;
    this.depth--;
    if (branches.length > 1) return [{ kind: "group", extglob: false, branches, suffix: "" }];
    const body = this.src.slice(start + 1, this.i - 1);
    const range = /^(?:([0-9])\.\.([0-9])|([a-z])\.\.([a-z])|([A-Z])\.\.([A-Z]))$/.exec(body);
    if (range) {
      const [from, to] = range.slice(1).filter((x) => x !== undefined) as [string, string];
      const [lo, hi] = from <= to ? [from, to] : [to, from];
      return [{ kind: "class", source: classSource([r(lo, hi)]) }];
    }
    if (/^[-+]?\w+\.\.[-+]?\w+(?:\.\.[-+]?\w+)?$/.test(body)) {
      this.fail(`'{${body}}': only ranges of one digit or one letter are supported ({1..9}, {a..f}); list the values instead ({8,9,10})`);
    }
    return [{ kind: "text", text: "{" }, ...(branches[0] ?? []), { kind: "text", text: "}" }];
  }

  /** A bracket class at `this.i`, or null when no `]` closes it (then `[` is literal). */
  private bracket(): Node[] | null {
    const src = this.src;
    let j = this.i + 1;
    let negated = false;
    if (src[j] === "!" || src[j] === "^") {
      negated = true;
      j++;
    }
    const contentStart = j;
    const ranges: [number, number][] = [];
    let first = true;
    for (;;) {
      if (j >= src.length) return null;
      let c = src.codePointAt(j) as number;
      if (c === 0x5d && !first) break; // ]
      first = false;
      if (c === 0x5b && src[j + 1] === ":") {
        const close = src.indexOf(":]", j + 2);
        if (close >= 0 && /^[a-z]+$/.test(src.slice(j + 2, close))) {
          const name = src.slice(j + 2, close);
          const cls = POSIX_CLASSES[name];
          if (!cls) this.fail(`unknown character class '[:${name}:]'`);
          for (const [a, b] of cls) ranges.push([a, b]);
          j = close + 2;
          continue;
        }
      }
      if (c === 0x5c) {
        // backslash: the next character, whatever it is
        if (j + 1 >= src.length) return null;
        j++;
        c = src.codePointAt(j) as number;
      }
      j += c > 0xffff ? 2 : 1;
      let hi = c;
      if (src[j] === "-" && j + 1 < src.length && src[j + 1] !== "]") {
        j++;
        let end = src.codePointAt(j) as number;
        if (end === 0x5c && j + 1 < src.length) {
          j++;
          end = src.codePointAt(j) as number;
        }
        j += end > 0xffff ? 2 : 1;
        if (end < c) this.fail(`the range '${String.fromCodePoint(c)}-${String.fromCodePoint(end)}' in '[...]' is out of order`);
        hi = end;
      }
      ranges.push([c, hi]);
    }
    const content = src.slice(contentStart, j);
    this.i = j + 1;
    const set = negated ? complement(ranges) : ranges;
    const cls: Node = { kind: "class", source: classSource(set) };
    if (negated || CLASS_SPECIAL.test(content)) return [cls];
    return [{ kind: "group", extglob: false, branches: [[{ kind: "text", text: `[${content}]` }], [cls]], suffix: "" }];
  }
}

/** Sorted, merged ranges with `/` removed. */
function normalize(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  const out: [number, number][] = [];
  for (const [a, b] of merged) {
    if (a <= SLASH && SLASH <= b) {
      if (a < SLASH) out.push([a, SLASH - 1]);
      if (SLASH < b) out.push([SLASH + 1, b]);
    } else out.push([a, b]);
  }
  return out;
}

function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of normalize(ranges)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

function classSource(ranges: readonly (readonly [number, number])[]): string {
  const set = normalize(ranges);
  if (set.length === 0) return "[^\\x{0}-\\x{10FFFF}]";
  const hex = (n: number) => `\\x{${n.toString(16)}}`;
  return `[${set.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join("")}]`;
}

// --- RE2 source ----------------------------------------------------------------------------------

function escapeText(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/** Drop `/**` after a globstar when a `/` or the end follows it (`a/**\/**\/b` is `a/**\/b`). */
function collapseGlobstars(seq: Seq, top: boolean): Seq {
  const out = [...seq];
  for (let i = 0; i < out.length; i++) {
    if (out[i]?.kind !== "globstar") continue;
    while (out[i + 1]?.kind === "slash" && out[i + 2]?.kind === "globstar" && (out[i + 3]?.kind === "slash" || (top && i + 3 === out.length))) {
      out.splice(i + 1, 2);
    }
  }
  return out;
}

/**
 * `top`: the whole glob (its start and end are the path's). `atEnd`: the end of this sequence is the
 * end of the glob, with only extglob closers between (picomatch's reading of `x/**` there).
 */
function emit(input: Seq, top: boolean, atEnd: boolean): string {
  const seq = collapseGlobstars(input, top);
  let out = "";
  for (let i = 0; i < seq.length; i++) {
    const node = seq[i] as Node;
    switch (node.kind) {
      case "text":
        out += escapeText(node.text);
        break;
      case "slash": {
        if (seq[i + 1]?.kind === "globstar" && !(top && i === 0)) {
          const before = seq[i - 1]?.kind;
          const after = seq[i + 2];
          if (after === undefined && atEnd && before !== "star" && before !== "globstar") {
            out += "(?:/.*|$)"; // `x/**`: x itself, or anything below it
            i += 1;
            break;
          }
          if (after?.kind === "slash") {
            // `/**\/`: zero or more segments. picomatch also lets the path end there (`a/**\/{,b}`
            // matches `a`), unless the glob ends there or a lone `*` follows (it must match something).
            const next = seq[i + 3];
            const end = (top && next === undefined) || (next?.kind === "star" && next.lone);
            out += end ? "(?:/.*/|/)" : "(?:/.*/|/|$)";
            i += 2;
            break;
          }
        }
        out += "/";
        break;
      }
      case "globstar":
        if (top && i === 0 && seq[1]?.kind === "slash") {
          out += "(?:.*/)?"; // leading `**\/`
          i += 1;
        } else out += ".*";
        break;
      case "star":
        out += "[^/]*";
        break;
      case "one":
        out += "[^/]";
        break;
      case "class":
        out += node.source;
        break;
      case "group": {
        const last = i === seq.length - 1;
        const branches = node.branches.map((b, k) => emit(b, false, node.extglob && atEnd && last && k === node.branches.length - 1));
        out += `(?:${branches.join("|")})${node.suffix}`;
        break;
      }
    }
  }
  return out;
}

// --- compiling -----------------------------------------------------------------------------------

interface Compiled {
  readonly negated: boolean;
  /** The pattern after `./` and `!`, which is what is parsed. */
  readonly body: string;
}

function prefix(glob: string): Compiled {
  let body = glob;
  while (body.startsWith("./")) body = body.slice(2);
  let bangs = 0;
  while (body[bangs] === "!" && body[bangs + 1] !== "(") bangs++;
  body = body.slice(bangs);
  while (body.startsWith("./")) body = body.slice(2);
  return { negated: bangs % 2 === 1, body };
}

function build(glob: string): Glob {
  if (glob.length > MAX_GLOB_LENGTH) throw new GlobError(glob, `it is longer than ${MAX_GLOB_LENGTH} characters`);
  const { negated, body } = prefix(glob);
  if (body === "") throw new GlobError(glob, glob === "" ? "it is empty" : "nothing follows the '!' or './'");
  const seq = new Parser(glob, body).parseAll();
  const source = emit(seq, true, true);
  let re: RE2JS;
  try {
    // Anchored `test` runs on re2js's DFA; `testExact` measured three to six times slower.
    re = RE2JS.compile(`^(?:${source})$`, RE2JS.DOTALL);
  } catch (error) {
    throw new GlobError(glob, `RE2 cannot run it (${error instanceof Error ? error.message : String(error)})`);
  }
  const possible = required(seq, true, true);
  const testPattern = possible === null ? (path: string) => re.test(path) !== negated : (path: string) => (possible(path) && re.test(path)) !== negated;
  return { test: (path) => path === glob || testPattern(path), testPattern };
}

type PathTest = (path: string) => boolean;

/**
 * A cheap necessary condition for the pattern to match, from its literal text: a path must start
 * with the leading text, end with the trailing text and contain every text between; a group
 * (`{a,b}`, `@(a|b)`) needs one of its branches' conditions (`**\/*.{ini,cfg}`: contain `.` and end
 * with `ini` or `cfg`). Most paths of a listing fail it, and then re2js, whose per-call cost
 * dominated the app's audits (the app benchmark's profile), never runs. Literal text is emitted
 * verbatim and case-sensitively, so no match lacks it. `atStart`/`atEnd`: whether `seq` begins at
 * the path's start and ends at its end. Null when nothing is required.
 */
function required(seq: Seq, atStart: boolean, atEnd: boolean): PathTest | null {
  const tests: PathTest[] = [];
  const last = seq.length - 1;
  for (let i = 0; i <= last; i++) {
    const node = seq[i] as Node;
    if (node.kind === "text") {
      const text = node.text;
      if (i === 0 && atStart) tests.push((p) => p.startsWith(text));
      else if (i === last && atEnd) tests.push((p) => p.endsWith(text));
      else tests.push((p) => p.includes(text));
    } else if (node.kind === "group" && node.suffix === "") {
      // Exactly one branch fills this place (`?`, `*` and `+` extglobs repeat or skip theirs).
      const branches = node.branches.map((b) => required(b, atStart && i === 0, atEnd && i === last));
      if (branches.some((b) => b === null)) continue;
      tests.push(anyOf(branches as PathTest[]));
    }
  }
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0] as PathTest;
  return allOf(tests);
}

// Loops, not `some`/`every` with an arrow: these run for every path of every listing, and a
// closure made per call was a tenth of what a warm audit allocated (the app benchmark's profile).
function anyOf(tests: readonly PathTest[]): PathTest {
  return (p) => {
    for (const t of tests) if (t(p)) return true;
    return false;
  };
}

function allOf(tests: readonly PathTest[]): PathTest {
  return (p) => {
    for (const t of tests) if (!t(p)) return false;
    return true;
  };
}

const cache = new Map<string, Glob>();

/** The glob compiled to RE2 (cached); throws a GlobError when it is malformed or refused. */
export function compileGlob(glob: string): Glob {
  const hit = cache.get(glob);
  if (hit) return hit;
  const compiled = build(glob);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(glob, compiled);
  return compiled;
}

/** Why a glob cannot be used, or null when it compiles. */
export function globProblem(glob: string): string | null {
  try {
    compileGlob(glob);
    return null;
  } catch (error) {
    if (error instanceof GlobError) return error.reason;
    throw error;
  }
}

/** Whether a path matches any of the globs (none: nothing matches). */
export function anyGlob(globs: string | readonly string[]): (path: string) => boolean {
  const list = (typeof globs === "string" ? [globs] : [...globs]).map(compileGlob);
  if (list.length === 1) {
    const only = list[0] as Glob;
    return (p) => only.test(p);
  }
  return (p) => {
    for (const g of list) if (g.test(p)) return true;
    return false;
  };
}

export interface GlobBase {
  /** A leading `!`: the glob matches paths outside any base. */
  readonly negated: boolean;
  /** The leading segments with no glob syntax in them ("" if the first has some). */
  readonly base: string;
  /** The glob is a plain path (after a leading `./`): it matches `base` and nothing else. */
  readonly exact: boolean;
  /** What follows `base/` ("" when exact). */
  readonly rest: string;
}

const SYNTAX = /[*?[{(\\|]/;

/**
 * The literal directory part of a glob: every path it matches other than the glob's own text (when
 * not negated) is `base` or under `base/`. A segment is literal when it has none of `*?[{(\|`.
 */
export function literalBase(glob: string): GlobBase {
  const { negated, body } = prefix(glob);
  const segments = body.split("/");
  let k = 0;
  while (k < segments.length && !SYNTAX.test(segments[k] as string)) k++;
  if (k === segments.length) return { negated, base: body, exact: true, rest: "" };
  return { negated, base: segments.slice(0, k).join("/"), exact: false, rest: segments.slice(k).join("/") };
}
