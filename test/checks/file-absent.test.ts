import { describe, expect, it } from "vitest";
import { fileAbsent } from "../../checks/file-absent.js";
import { expectResult, runCheck } from "../support/check-tester.js";

describe("file-absent", () => {
  it("passes when nothing matches", async () => {
    const r = await runCheck(fileAbsent, { "src/app.py": "" }, { path: "**/*.pem" });
    expectResult(fileAbsent, r, "pass");
  });

  it("reports every matching file, sorted", async () => {
    const r = await runCheck(fileAbsent, { "z/key.pem": "", "a/key.pem": "", ".env": "A=1" }, { path: ["**/*.pem", ".env"] });
    expectResult(fileAbsent, r, "fail", [
      { messageId: "present", path: ".env" },
      { messageId: "present", path: "a/key.pem" },
      { messageId: "present", path: "z/key.pem" },
    ]);
    expect(r.findings.map((f) => f.path)).toEqual([".env", "a/key.pem", "z/key.pem"]);
    expect(r.summary).toBe("3 files match '**/*.pem' or '.env'");
  });

  it("sees skipped entries too (a committed symlink or submodule is present)", async () => {
    const r = await runCheck(fileAbsent, {}, { path: "vendor/lib" }, { skipped: [{ path: "vendor/lib", reason: "submodule" }] });
    expectResult(fileAbsent, r, "fail", [{ messageId: "present", path: "vendor/lib" }]);
  });

  it("uses the author's message", async () => {
    const r = await runCheck(fileAbsent, { "Dockerfile.dev": "" }, { path: "Dockerfile.dev", message: "dev images were removed in phase 3" });
    expect(r.findings[0]?.message).toBe("dev images were removed in phase 3");
  });
});
