import { compileGlob, GlobError } from "../../src/check/glob.js";

/**
 * COPY and ADD source patterns are Go `filepath.Match` patterns: `*` (a run of non-`/`
 * characters), `?` (one non-`/` character), `[...]` classes with `^` (only) negating, `lo-hi`
 * ranges and `\` escapes, nothing else special. They come from the repository, so they run on the
 * project's RE2 glob engine, rewritten into its syntax: characters special there but not in Go
 * (`{`, `(`, `)`, `|`, a leading `!`) are escaped, and so is every member of a class (so `[!a]`
 * stays the class of `!` and `a`, `[[:x:]]` no POSIX class, and no class also matches its own text).
 *
 * Returns null when Go refuses the pattern (ErrBadPattern: an unclosed or empty class, an unescaped
 * `-` or `]` where a class member is due, a trailing `\`): Docker fails the build, nothing is copied.
 */
export function goPatternToGlob(pattern: string): string | null {
  const chars = [...pattern];
  let out = "";
  let i = 0;
  /** One class member (`\` escapes it), or null where Go wants one and there is none. */
  const member = (): string | null => {
    let c = chars[i];
    if (c === undefined || c === "-" || c === "]") return null;
    if (c === "\\") {
      i++;
      c = chars[i];
      if (c === undefined) return null;
    }
    i++;
    return c;
  };
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === "\\") {
      const next = chars[i + 1];
      if (next === undefined) return null;
      out += `\\${next}`;
      i += 2;
    } else if (c === "*") {
      out += "*"; // `**` is `*` in Go: one star keeps it from being a globstar here
      while (chars[i] === "*") i++;
    } else if (c === "?") {
      out += "?";
      i++;
    } else if (c === "[") {
      i++;
      let cls = "[";
      if (chars[i] === "^") {
        cls += "^";
        i++;
      }
      let members = 0;
      for (;;) {
        if (chars[i] === "]" && members > 0) break;
        const lo = member();
        if (lo === null) return null;
        let item = `\\${lo}`;
        if (chars[i] === "-") {
          i++;
          const hi = member();
          if (hi === null) return null;
          // Go accepts a reversed range and matches nothing with it; so does an empty class here.
          item = (lo.codePointAt(0) as number) <= (hi.codePointAt(0) as number) ? `\\${lo}-\\${hi}` : "\\/";
        }
        cls += item;
        members++;
      }
      i++;
      out += `${cls}]`;
    } else {
      out += "{()|".includes(c) || (c === "!" && out === "") ? `\\${c}` : c;
      i++;
    }
  }
  return out;
}

/** Whether `name` matches the COPY source pattern (false when Docker would refuse the pattern). */
export function copySourceMatches(pattern: string, name: string): boolean {
  const glob = goPatternToGlob(pattern);
  if (glob === null || glob === "") return name === "" && glob === "";
  try {
    return compileGlob(glob).testPattern(name);
  } catch (error) {
    // Longer than the engine takes (1,000 characters): a file name is at most 255 bytes, but a
    // pattern with wildcards could still match one. Too rare to judge; say no match.
    if (error instanceof GlobError) return false;
    throw error;
  }
}
