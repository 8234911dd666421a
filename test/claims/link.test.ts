import { describe, expect, it } from "vitest";
import { registry } from "../../checks/index.js";
import { containsPhrase, linkClaims, normalise, type LinkTarget } from "../../src/claims/link.js";
import type { Claim } from "../../src/claims/types.js";

const claim = (text: string, over: Partial<Claim> = {}): Claim => ({ text, state: "done", line: 1, kind: "item", ...over });

/** The phase's checks as the engine builds them: each shipped check's own phrases. */
function targets(...ids: string[]): LinkTarget[] {
  return ids.map((id, index) => {
    const check = registry.get(id);
    if (!check) throw new Error(`no check ${id}`);
    return { index, id, phrases: check.claimPhrases?.(check.options.parse({})) ?? [] };
  });
}

describe("containsPhrase", () => {
  it.each([
    ["removed --reload from the api image", "--reload", true],
    ["removed --reload from the api image", "reload", true],
    ["preloaded caches", "reload", false],
    ["reloads config", "reload", true],
    ["index migrations fixed", "index migration", true],
    ["indexes", "index", true],
    ["indexing", "index", false],
    ["created .secrets.baseline", ".secrets.baseline", true],
    ["my.secrets.baseline.bak", ".secrets.baseline", true],
    ["coverage>=80%", "coverage", true],
    ["discoverage", "coverage", false],
    ["", "coverage", false],
    ["coverage", "", false],
  ])("%j contains %j: %s", (text, phrase, expected) => {
    expect(containsPhrase(normalise(text), normalise(phrase))).toBe(expected);
  });

  it("ignores case, typographic dashes and runs of white space", () => {
    expect(containsPhrase(normalise("Removed  Development\tFlags"), normalise("development flags"))).toBe(true);
    expect(containsPhrase(normalise("pre\u2011commit hooks"), "pre-commit")).toBe(true);
    expect(containsPhrase(normalise("Pre–commit hooks"), "pre-commit")).toBe(true);
  });
});

describe("linkClaims", () => {
  it("links a claim to the one check whose phrase it uses, keeping the longest phrase", () => {
    const { links } = linkClaims([claim("Removed --reload from production Dockerfiles")], targets("secrets-baseline", "dockerfile-reload"));
    expect(links).toEqual([{ kind: "linked", by: "phrase", target: { index: 1, id: "dockerfile-reload", phrase: "--reload" } }]);
  });

  it("reports a claim that names two checks as ambiguous, with both candidates, and does not choose", () => {
    const { links } = linkClaims([claim("Set up secret detection in pre-commit hooks (detect-secrets)")], targets("secrets-baseline", "pre-commit-config"));
    expect(links[0]).toEqual({
      kind: "ambiguous",
      by: "phrase",
      candidates: [
        { index: 0, id: "secrets-baseline", phrase: "secret detection" },
        { index: 1, id: "pre-commit-config", phrase: "pre-commit" },
      ],
    });
  });

  it("links nothing when no phrase occurs", () => {
    expect(linkClaims([claim("Structured logging middleware")], targets("secrets-baseline", "dockerfile-reload")).links).toEqual([{ kind: "none" }]);
  });

  it("reads the claim's own words, not its sub-items (which name neighbouring work)", () => {
    const c = claim("Created docker-compose.dev.yml", { detail: "uvicorn --reload for local development" });
    expect(linkClaims([c], targets("dockerfile-reload", "coverage-threshold")).links[0]).toEqual({ kind: "none" });
  });

  it("an explicit link wins over phrases and is matched case-insensitively", () => {
    const t = [...targets("dockerfile-reload"), { index: 1, id: "file-not-contains", phrases: [] }];
    const { links, notes } = linkClaims([claim("Fix SQL injection in the --reload handler")], t, [{ match: "fix sql INJECTION", index: 1 }]);
    expect(links[0]).toEqual({ kind: "linked", by: "config", target: { index: 1, id: "file-not-contains", phrase: "fix sql INJECTION" } });
    expect(notes).toEqual([]);
  });

  it("an explicit link matches whole words, as phrases do", () => {
    const t = [{ index: 0, id: "file-exists", phrases: [] }];
    expect(linkClaims([claim("A decision was taken")], t, [{ match: "CI", index: 0 }]).links[0]).toEqual({ kind: "none" });
    expect(linkClaims([claim("CI pipeline green")], t, [{ match: "CI", index: 0 }]).links[0]).toMatchObject({ kind: "linked", by: "config" });
  });

  it("two explicit links to different checks on one claim are ambiguous; one that matches nothing is noted", () => {
    const t = [{ index: 0, id: "file-exists", phrases: [] }, { index: 1, id: "file-absent", phrases: [] }];
    const { links, notes } = linkClaims([claim("SECURITY.md added, secrets.env removed")], t, [
      { match: "SECURITY.md", index: 0 },
      { match: "secrets.env", index: 1 },
      { match: "CODEOWNERS", index: 0 },
    ]);
    expect(links[0]).toMatchObject({ kind: "ambiguous", by: "config" });
    expect(notes).toEqual(["the checklist links claims matching 'CODEOWNERS' to file-exists, but no claim of the document contains those words"]);
  });

  it("two entries of the same check both named are ambiguous (each is its own check)", () => {
    const t = [{ index: 0, id: "file-exists", phrases: ["SECURITY.md"] }, { index: 1, id: "file-exists", phrases: ["SECURITY.md", "docs/SECURITY.md"] }];
    expect(linkClaims([claim("Wrote SECURITY.md")], t).links[0]).toMatchObject({ kind: "ambiguous" });
  });
});

describe("the phrases the shipped checks declare", () => {
  it("each domain check declares phrases, and the declarative checks offer their literal paths", () => {
    for (const id of ["secrets-baseline", "pre-commit-config", "coverage-threshold", "dockerfile-reload", "index-migrations"]) {
      expect(targets(id)[0]?.phrases.length, id).toBeGreaterThan(0);
    }
    const exists = registry.get("file-exists");
    expect(exists?.claimPhrases?.(exists.options.parse({ path: ["docs/SECURITY.md", "**/CODEOWNERS", "src/**/*.ts", "!x"] }))).toEqual([
      "docs/SECURITY.md",
      "SECURITY.md",
      "CODEOWNERS",
    ]);
  });

  it("no phrase of one domain check names another domain check (a claim in their words is never ambiguous by construction)", () => {
    const all = targets("secrets-baseline", "pre-commit-config", "coverage-threshold", "dockerfile-reload", "index-migrations");
    for (const t of all) {
      for (const phrase of t.phrases) {
        const { links } = linkClaims([claim(phrase)], all);
        expect(links[0], `${t.id}: '${phrase}'`).toMatchObject({ kind: "linked", target: { id: t.id } });
      }
    }
  });
});
