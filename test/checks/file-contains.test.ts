import { describe, expect, it } from "vitest";
import { fileContains } from "../../checks/file-contains.js";
import { expectResult, runCheck } from "../support/check-tester.js";

describe("file-contains", () => {
  const dockerfile = "FROM python:3.12\nUSER app\nCMD [\"gunicorn\", \"app:app\"]\n";

  it("passes when every matching file contains the pattern", async () => {
    const r = await runCheck(fileContains, { "a/Dockerfile": dockerfile, "b/Dockerfile": dockerfile }, { path: "**/Dockerfile", pattern: "^USER ", flags: "m" });
    expectResult(fileContains, r, "pass");
    expect(r.summary).toBe("2 file(s) matching '**/Dockerfile' contain /^USER / as required");
  });

  it("fails for each file with too few matches", async () => {
    const r = await runCheck(
      fileContains,
      { "a/Dockerfile": dockerfile, "b/Dockerfile": "FROM node\nCMD node x\n" },
      { path: "**/Dockerfile", pattern: "^USER ", flags: "m" },
    );
    expectResult(fileContains, r, "fail", [{ messageId: "too-few", path: "b/Dockerfile" }]);
    expect(r.findings[0]?.message).toBe("b/Dockerfile contains /^USER / 0 time(s), fewer than 1.");
  });

  it("fails when no file matches the glob", async () => {
    const r = await runCheck(fileContains, { "README.md": "" }, { path: "SECURITY.md", pattern: "security@" });
    expectResult(fileContains, r, "fail", [{ messageId: "no-file" }]);
  });

  it("enforces min and max and points at the first match over max", async () => {
    const text = "TODO one\nok\nTODO two\nTODO three\n";
    const over = await runCheck(fileContains, { "x.md": text }, { path: "x.md", pattern: "TODO", min: 1, max: 2 });
    expectResult(fileContains, over, "fail", [{ messageId: "too-many", path: "x.md", line: 4 }]);
    const under = await runCheck(fileContains, { "x.md": text }, { path: "x.md", pattern: "TODO", min: 4 });
    expectResult(fileContains, under, "fail", [{ messageId: "too-few", path: "x.md" }]);
    const exact = await runCheck(fileContains, { "x.md": text }, { path: "x.md", pattern: "TODO", min: 3, max: 3 });
    expectResult(fileContains, exact, "pass");
  });

  it("honours flags: case-insensitive and dot-all", async () => {
    expectResult(fileContains, await runCheck(fileContains, { "x": "Hello" }, { path: "x", pattern: "hello", flags: "i" }), "pass");
    expectResult(fileContains, await runCheck(fileContains, { "x": "Hello" }, { path: "x", pattern: "hello" }), "fail", [{ messageId: "too-few", path: "x" }]);
    expectResult(fileContains, await runCheck(fileContains, { "x": "a\nb" }, { path: "x", pattern: "a.b", flags: "s" }), "pass");
  });

  it("is indeterminate when a matching file could not be read", async () => {
    const r = await runCheck(fileContains, { "blob.txt": new Uint8Array([65, 0, 66]) }, { path: "*.txt", pattern: "A" });
    expectResult(fileContains, r, "indeterminate", [{ messageId: "unreadable", path: "blob.txt" }]);
    expect(r.findings[0]?.message).toContain("(binary)");
  });

  it("refuses patterns RE2 cannot run, and max below min, when the checklist is validated", () => {
    const lookbehind = fileContains.options.safeParse({ path: "x", pattern: "(?<=a)b" });
    expect(lookbehind.success).toBe(false);
    expect(lookbehind.error?.issues[0]?.message).toMatch(/invalid regular expression/);
    expect(fileContains.options.safeParse({ path: "x", pattern: "a", min: 3, max: 1 }).success).toBe(false);
    expect(fileContains.options.safeParse({ path: "x", pattern: "a", flags: "g" }).success).toBe(false);
    expect(fileContains.options.safeParse({ path: "x", pattern: "a".repeat(1001) }).success).toBe(false);
  });

  it("runs a catastrophic backtracking pattern in linear time (RE2)", async () => {
    const text = `${"a".repeat(50_000)}!`;
    const r = await runCheck(fileContains, { "x": text }, { path: "x", pattern: "^(a+)+$" });
    expectResult(fileContains, r, "fail", [{ messageId: "too-few", path: "x" }]);
  });

  it("reads only the files its globs name", () => {
    expect(fileContains.files(fileContains.options.parse({ path: ["a/*.md", "b"], pattern: "x" }))).toEqual(["a/*.md", "b"]);
  });
});
