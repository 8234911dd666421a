import { describe, expect, it } from "vitest";
import { fileExists } from "../../checks/file-exists.js";
import { expectResult, runCheck } from "../support/check-tester.js";

describe("file-exists", () => {
  it("passes when a file matches the glob", async () => {
    const r = await runCheck(fileExists, { "SECURITY.md": "# Security" }, { path: "SECURITY.md" });
    expectResult(fileExists, r, "pass");
    expect(r.summary).toBe("SECURITY.md matches 'SECURITY.md'");
  });

  it("passes when any of several globs matches, dot files included", async () => {
    const r = await runCheck(fileExists, { ".github/SECURITY.md": "x", "a.txt": "" }, { path: ["SECURITY.md", "**/SECURITY.md"] });
    expectResult(fileExists, r, "pass");
  });

  it("counts a file that exists but is not readable (symlink, too large, binary)", async () => {
    const r = await runCheck(fileExists, { "big.bin": new Uint8Array(2048) }, { path: "big.bin" }, { maxFileBytes: 10 });
    expectResult(fileExists, r, "pass");
    const link = await runCheck(fileExists, {}, { path: "LICENSE" }, { skipped: [{ path: "LICENSE", reason: "symlink" }] });
    expectResult(fileExists, link, "pass");
  });

  it("fails with the author's message when nothing matches", async () => {
    const r = await runCheck(fileExists, { "README.md": "" }, { path: "SECURITY.md", message: "Phase 2 needs a security policy" });
    expectResult(fileExists, r, "fail", [{ messageId: "missing" }]);
    expect(r.findings[0]?.message).toBe("Phase 2 needs a security policy");
    expect(r.findings[0]?.help).toContain("'SECURITY.md'");
  });

  it("fails with a default message naming the globs", async () => {
    const r = await runCheck(fileExists, {}, { path: ["a", "b/*.md"] });
    expect(r.findings[0]?.message).toBe("No file matches 'a' or 'b/*.md'.");
  });

  it("is case-sensitive like git", async () => {
    const r = await runCheck(fileExists, { "security.md": "" }, { path: "SECURITY.md" });
    expectResult(fileExists, r, "fail", [{ messageId: "missing" }]);
  });

  it("rejects options without a path, absolute paths and '..'", () => {
    expect(fileExists.options.safeParse({}).success).toBe(false);
    expect(fileExists.options.safeParse({ path: "/etc/passwd" }).success).toBe(false);
    expect(fileExists.options.safeParse({ path: ["ok", "../x"] }).success).toBe(false);
    expect(fileExists.options.safeParse({ path: "x", extra: 1 }).success).toBe(false);
  });

  it("reads no file contents", async () => {
    expect(fileExists.files(fileExists.options.parse({ path: "**" }))).toEqual([]);
  });
});
