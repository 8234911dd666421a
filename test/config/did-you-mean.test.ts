import { describe, expect, it } from "vitest";
import { closest, editDistance, quoteList, suggestionHint } from "../../src/config/did-you-mean.js";

const IDS = ["secrets-baseline", "pre-commit-config", "coverage-threshold", "dockerfile-reload", "index-migrations", "file-exists", "file-absent"];

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["", "abc", 3],
    ["abc", "", 3],
    ["hooks", "hooks", 0],
    ["hook", "hooks", 1], // insertion
    ["hookss", "hooks", 1], // deletion
    ["hooke", "hooks", 1], // substitution
    ["hokos", "hooks", 1], // adjacent transposition counts once
    ["dockerfile-relaod", "dockerfile-reload", 1],
    ["kitten", "sitting", 3],
    ["ca", "abc", 3], // optimal string alignment: no edit of a transposed pair
  ])("%j -> %j is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("closest", () => {
  it("finds a typo of a check id", () => {
    expect(closest("dockerfile-reloads", IDS)).toEqual(["dockerfile-reload"]);
    expect(closest("secret-baseline", IDS)).toEqual(["secrets-baseline"]);
    expect(closest("Pre-Commit-Config", IDS)).toEqual(["pre-commit-config"]);
    expect(closest("pre_commit_config", IDS)).toEqual(["pre-commit-config"]);
  });

  it("offers an id that the word is the first part of, after every real typo", () => {
    expect(closest("coverage", IDS)).toEqual(["coverage-threshold"]);
    expect(closest("file", IDS)).toEqual(["file-absent", "file-exists"]);
    expect(closest("file-exist", IDS)).toEqual(["file-exists"]);
  });

  it("returns every candidate at the smallest distance, sorted", () => {
    expect(closest("bat", ["cat", "hat", "battle"])).toEqual(["cat", "hat"]);
  });

  it("returns nothing when nothing is close", () => {
    expect(closest("lint-everything", IDS)).toEqual([]);
    expect(closest("min", ["max"])).toEqual([]);
    expect(closest("", IDS)).toEqual([]);
    expect(closest("x".repeat(500), ["x"])).toEqual([]);
  });

  it("does not suggest the word itself", () => {
    expect(closest("hooks", ["hooks"])).toEqual([]);
  });
});

describe("suggestionHint", () => {
  it("says did you mean, or lists the valid words", () => {
    expect(suggestionHint("hook", ["hooks", "min"], "options")).toBe("did you mean 'hooks'?");
    expect(suggestionHint("bat", ["cat", "hat"], "keys")).toBe("did you mean 'cat' or 'hat'?");
    expect(suggestionHint("zzz", ["id", "name"], "keys")).toBe("valid keys: 'id', 'name'");
    expect(suggestionHint("zzz", [], "options")).toBeUndefined();
  });

  it("quotes lists of words", () => {
    expect(quoteList(["a"])).toBe("'a'");
    expect(quoteList(["a", "b", "c"])).toBe("'a', 'b' or 'c'");
    expect(quoteList(["a", "b"], "and")).toBe("'a' and 'b'");
  });
});
