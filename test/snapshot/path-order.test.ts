import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareByPath, findByPath, holdsUnder } from "../../src/snapshot/path-order.js";

/** Lookups in listings sorted as git sorts (UTF-8 bytes), against a linear scan. */

const segment = fc.constantFrom("a", "b", "a-b", "a.b", "ab", "é", "😀", "\uE000", "z");
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
const listing = fc.uniqueArray(path, { maxLength: 30 }).map((paths) => paths.map((p) => ({ path: p })).sort(compareByPath));

describe("findByPath and holdsUnder", () => {
  it("find what a linear scan finds", () => {
    fc.assert(
      fc.property(listing, path, (entries, wanted) => {
        expect(findByPath(entries, wanted)).toBe(entries.find((e) => e.path === wanted));
        expect(holdsUnder(entries, wanted)).toBe(entries.some((e) => e.path.startsWith(`${wanted}/`)));
      }),
    );
  });

  it("tell a directory from a sibling that shares its prefix", () => {
    const entries = [{ path: "a-b/x" }, { path: "a.b" }, { path: "ab/c" }, { path: "docs/phase-1.md" }].sort(compareByPath);
    expect(holdsUnder(entries, "a")).toBe(false);
    expect(holdsUnder(entries, "docs")).toBe(true);
    expect(holdsUnder(entries, "docs/phase-1.md")).toBe(false);
    expect(findByPath(entries, "a.b")).toEqual({ path: "a.b" });
    expect(findByPath(entries, "a")).toBeUndefined();
  });
});
