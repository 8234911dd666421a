/**
 * Python `re` patterns (detect-secrets filters, pre-commit `files`/`exclude`) compiled to JS, for
 * the few constructs that differ: leading global flags `(?imsx)`, verbose mode, `(?P<name>…)`,
 * `(?P=name)`, `\A` and `\Z`. Anything JS still refuses gives null: the caller then says it could
 * not evaluate the pattern instead of guessing.
 */

const GLOBAL_FLAGS = /^\(\?([aiLmsux]+)\)/;

/** Removes whitespace and `#` comments outside character classes (Python's `re.VERBOSE`). */
function stripVerbose(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") {
      out += pattern.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal.
      if (pattern[i + 1] === "^") {
        out += "^";
        i++;
      }
      if (pattern[i + 1] === "]") {
        out += "]";
        i++;
      }
      continue;
    }
    if (c === "#") {
      while (i < pattern.length && pattern[i] !== "\n") i++;
      continue;
    }
    if (/\s/.test(c)) continue;
    out += c;
  }
  return out;
}

/** Translates escapes and named groups outside character classes. */
function translateBody(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const e = pattern[i + 1];
      if (!inClass && e === "A") out += "(?<![\\s\\S])";
      else if (!inClass && e === "Z") out += "(?![\\s\\S])";
      else out += pattern.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      if (pattern[i + 1] === "^") {
        out += "^";
        i++;
      }
      if (pattern[i + 1] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (pattern.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(pattern.slice(i, i + 80));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

/** Compiles a Python regular expression to a JS RegExp with the same `re.search` meaning, or null. */
export function compilePythonRegex(pattern: string): RegExp | null {
  let body = pattern;
  let flags = "";
  let verbose = false;
  for (let m = GLOBAL_FLAGS.exec(body); m; m = GLOBAL_FLAGS.exec(body)) {
    for (const f of m[1] as string) {
      if (f === "x") verbose = true;
      else if ((f === "i" || f === "m" || f === "s") && !flags.includes(f)) flags += f;
    }
    body = body.slice(m[0].length);
  }
  if (verbose) body = stripVerbose(body);
  try {
    return new RegExp(translateBody(body), flags);
  } catch {
    return null;
  }
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

/** True when `re` (search semantics) matches every sample path and every one of `paths`. */
export function matchesEverything(re: RegExp, paths: Iterable<string>): boolean {
  for (const p of SAMPLE_PATHS) if (!re.test(p)) return false;
  for (const p of paths) if (!re.test(p)) return false;
  return true;
}
