import fc from "fast-check";
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { matchPaths } from "../../src/check/match-paths.js";
import { comparePathBytes } from "../../src/snapshot/path-order.js";

const sorted = (xs: string[]) => [...new Set(xs)].sort(comparePathBytes);

describe("matchPaths", () => {
  const paths = sorted([
    ".github/workflows/ci.yml",
    ".github/workflows/release.yaml",
    "Dockerfile",
    "services",
    "services-old/Dockerfile",
    "services/a/Dockerfile",
    "services/b/Dockerfile.dev",
    "services/b/c/Dockerfile",
    "servicesX/Dockerfile",
    "src/a.py",
    "a*b",
  ]);

  it("narrows by the literal base without losing or adding matches", () => {
    expect(matchPaths("services/*/Dockerfile", paths)).toEqual(["services/a/Dockerfile"]);
    expect(matchPaths("services/**/Dockerfile", paths)).toEqual(["services/a/Dockerfile", "services/b/c/Dockerfile"]);
    expect(matchPaths(".github/workflows/*.{yml,yaml}", paths)).toEqual([".github/workflows/ci.yml", ".github/workflows/release.yaml"]);
    expect(matchPaths("Dockerfile", paths)).toEqual(["Dockerfile"]);
    expect(matchPaths("services", paths)).toEqual(["services"]);
    expect(matchPaths("nope/*.md", paths)).toEqual([]);
    // A globstar matches zero segments: the base itself is a candidate (found by the property below).
    expect(matchPaths("services/**", ["services", "services-old", "services/a"])).toEqual(["services", "services/a"]);
  });

  it("keeps listing order and reports a path once when several globs match it", () => {
    expect(matchPaths(["**/Dockerfile", "services/a/*", "Dockerfile"], paths)).toEqual([
      "Dockerfile",
      "services-old/Dockerfile",
      "services/a/Dockerfile",
      "services/b/c/Dockerfile",
      "servicesX/Dockerfile",
    ]);
  });

  it("handles escapes and negations by matching everything", () => {
    expect(matchPaths("a\\*b", paths)).toEqual(["a*b"]);
    expect(matchPaths("!**/*.py", paths)).toEqual(paths.filter((p) => p !== "src/a.py"));
  });

  it("agrees with filtering every path through picomatch", () => {
    const segment = fc.constantFrom("a", "b", "src", ".github", "x.md", "é", "a-b", "a0", "a.b");
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
    const glob = fc
      .array(fc.constantFrom("a", "b", "src", ".github", "*", "**", "*.md", "{a,b}", "a?", "x.md", "é"), { minLength: 1, maxLength: 4 })
      .map((s) => s.join("/"));
    fc.assert(
      fc.property(fc.array(path, { maxLength: 30 }), fc.array(glob, { minLength: 1, maxLength: 3 }), (raw, globs) => {
        const list = sorted(raw);
        const isMatch = picomatch(globs, { dot: true });
        expect(matchPaths(globs, list)).toEqual(list.filter((p) => isMatch(p)));
      }),
      { numRuns: 1000 },
    );
  });
});
