import { describe, expect, it } from "vitest";
import { fileNotContains } from "../../checks/file-not-contains.js";
import { expectResult, runCheck } from "../support/check-tester.js";

describe("file-not-contains", () => {
  it("passes when no matching file contains the pattern", async () => {
    const r = await runCheck(fileNotContains, { "Dockerfile": "CMD [\"uvicorn\", \"app:app\"]\n" }, { path: "**/Dockerfile", pattern: "--reload" });
    expectResult(fileNotContains, r, "pass");
  });

  it("reports each match on its 1-based line", async () => {
    const py = 'q = "ok"\ncursor.execute(f"SELECT * FROM t WHERE id={x}")\n\nrun(f"DELETE FROM t")\n';
    const r = await runCheck(fileNotContains, { "src/db.py": py, "src/ok.py": "pass\n" }, { path: "src/**/*.py", pattern: "f\"(SELECT|DELETE)" });
    expectResult(fileNotContains, r, "fail", [
      { messageId: "match", path: "src/db.py", line: 2 },
      { messageId: "match", path: "src/db.py", line: 4 },
    ]);
    expect(r.findings[0]?.message).toBe('src/db.py:2 contains /f"(SELECT|DELETE)/: "f\\"SELECT"');
    expect(r.summary).toBe("2 match(es) of /f\"(SELECT|DELETE)/ in 1 file(s) matching 'src/**/*.py'");
  });

  it("counts lines correctly after multi-byte characters and CRLF", async () => {
    const text = "é😀\r\nsecond\r\nbad here\r\n";
    const r = await runCheck(fileNotContains, { "x.txt": text }, { path: "x.txt", pattern: "bad" });
    expectResult(fileNotContains, r, "fail", [{ messageId: "match", path: "x.txt", line: 3 }]);
  });

  it("caps findings per file and says how many more there are", async () => {
    const text = "bad\n".repeat(25);
    const r = await runCheck(fileNotContains, { "x.txt": text }, { path: "x.txt", pattern: "bad" });
    expect(r.findings.filter((f) => f.messageId === "match")).toHaveLength(20);
    const more = r.findings.find((f) => f.messageId === "more-matches");
    expect(more?.message).toBe("x.txt has 5 more match(es) of /bad/ not listed here.");
    expect(r.summary).toContain("25 match(es)");
  });

  it("is not applicable when no file matches the glob", async () => {
    const r = await runCheck(fileNotContains, { "README.md": "" }, { path: "**/*.py", pattern: "eval\\(" });
    expectResult(fileNotContains, r, "not-applicable");
  });

  it("is indeterminate when a matching file is too large to read", async () => {
    const r = await runCheck(fileNotContains, { "huge.log": "x".repeat(100) }, { path: "*.log", pattern: "secret" }, { maxFileBytes: 50 });
    expectResult(fileNotContains, r, "indeterminate", [{ messageId: "unreadable", path: "huge.log" }]);
  });

  it("uses the author's message for every match", async () => {
    const r = await runCheck(fileNotContains, { "a.py": "eval(x)\n" }, { path: "*.py", pattern: "eval\\(", message: "no eval in phase 1" });
    expect(r.findings[0]?.message).toBe("no eval in phase 1");
  });
});
