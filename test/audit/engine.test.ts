import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runAudit } from "../../src/audit/engine.js";
import { phaseStatus } from "../../src/audit/phase-status.js";
import { defineCheck } from "../../src/check/define.js";
import type { AnyCheck, CheckResult, CheckStatus } from "../../src/check/types.js";
import type { Checklist } from "../../src/config/types.js";
import { MemorySnapshot } from "../../src/snapshot/memory.js";

/** A check that reads the files matching `glob` and reports what it saw. */
function reader(id: string, glob: string): AnyCheck {
  return defineCheck({
    id,
    title: id,
    description: id,
    options: z.object({}).strict(),
    messages: { saw: { message: "saw {{path}}", severity: "notice" } },
    files: () => [glob],
    run: (ctx) => ({
      status: "pass",
      summary: ctx.paths.join(","),
      findings: ctx.paths.map((p) => ctx.finding("saw", { path: p, data: { path: p } })),
      facts: { sizes: ctx.paths.map((p) => ctx.read(p)?.length ?? -1) },
    }),
  });
}

function fixed(id: string, status: CheckStatus): AnyCheck {
  return defineCheck({
    id,
    title: id,
    description: id,
    options: z.object({}).strict(),
    messages: {},
    files: () => [],
    run: () => ({ status, summary: status, findings: [] }),
  });
}

function broken(id: string, how: "throw" | "reject" | "files" | "garbage"): AnyCheck {
  return defineCheck({
    id,
    title: id,
    description: id,
    options: z.object({}).strict(),
    messages: {},
    files: () => {
      if (how === "files") throw new Error("bad glob");
      return ["**"];
    },
    run: (): CheckResult | Promise<CheckResult> => {
      if (how === "throw") throw new TypeError("cannot read properties of undefined");
      if (how === "reject") return Promise.reject(new Error("async failure"));
      return { status: "great", summary: 1, findings: null } as unknown as CheckResult;
    },
  });
}

function checklist(...phases: { id: string; checks: AnyCheck[]; gate?: "required" | "advisory" }[]): Checklist {
  return {
    origin: { source: "file", path: ".github/phase-gate.yml" },
    phases: phases.map((p) => ({
      id: p.id,
      name: p.id.toUpperCase(),
      gate: p.gate ?? "required",
      checks: p.checks.map((check) => ({ check, options: {} })),
      requires: [],
      ahead: "neutral" as const,
      claims: [],
    })),
  };
}

describe("runAudit", () => {
  it("reads each needed file once, however many checks need it, and nothing else", async () => {
    const snap = new MemorySnapshot({ "a.md": "aaa", "b.md": "bb", "src/x.ts": "x", "docs/c.md": "c" });
    const report = await runAudit(snap, checklist({ id: "p1", checks: [reader("one", "*.md")] }, { id: "p2", checks: [reader("two", "**/*.md")] }));
    expect([...snap.reads.entries()].sort()).toEqual([
      ["a.md", 1],
      ["b.md", 1],
      ["docs/c.md", 1],
    ]);
    expect(report.phases[0]?.checks[0]?.summary).toBe("a.md,b.md");
    expect(report.phases[1]?.checks[0]?.summary).toBe("a.md,b.md,docs/c.md");
    expect(report.phases[1]?.checks[0]?.facts).toEqual({ sizes: [3, 2, 1] });
  });

  it("isolates a check that throws, rejects, cannot plan or returns garbage", async () => {
    const snap = new MemorySnapshot({ "a.md": "a" });
    const report = await runAudit(
      snap,
      checklist({
        id: "p",
        checks: [broken("t", "throw"), reader("ok", "*.md"), broken("r", "reject"), broken("f", "files"), broken("g", "garbage")],
      }),
    );
    const checks = report.phases[0]?.checks ?? [];
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["t", "error"],
      ["ok", "pass"],
      ["r", "error"],
      ["f", "error"],
      ["g", "error"],
    ]);
    expect(checks[0]?.summary).toBe("the check t failed to run: cannot read properties of undefined");
    expect(checks[2]?.summary).toContain("async failure");
    expect(checks[3]?.summary).toContain("bad glob");
    expect(checks[4]?.summary).toBe('the check g failed to run: returned an invalid result: unknown status "great"');
    expect(report.phases[0]?.status).toBe("failing");
  });

  it("gives a check only the files its patterns match, and no access to others", async () => {
    const peek = defineCheck({
      id: "peek",
      title: "peek",
      description: "peek",
      options: z.object({}).strict(),
      messages: {},
      files: () => ["a.md"],
      run: (ctx) => ({ status: "pass", summary: `${ctx.read("a.md")}|${String(ctx.read("b.md"))}|${ctx.exists("b.md")}`, findings: [] }),
    });
    const report = await runAudit(new MemorySnapshot({ "a.md": "A", "b.md": "B" }), checklist({ id: "p", checks: [peek] }));
    expect(report.phases[0]?.checks[0]?.summary).toBe("A|undefined|true");
  });

  it("reports wanted files that could not be read, with the reason, and only those", async () => {
    const snap = new MemorySnapshot(
      { "a.md": "ok", "b.md": new Uint8Array([0x41, 0, 0x42]), "big.md": "x".repeat(100), "other.bin": new Uint8Array([0]) },
      { maxFileBytes: 50, skipped: [{ path: "link.md", reason: "symlink" }, { path: "vendor", reason: "submodule" }] },
    );
    const report = await runAudit(snap, checklist({ id: "p", checks: [reader("md", "*.md")] }));
    expect(report.skipped).toEqual([
      { path: "b.md", reason: "binary", size: 3 },
      { path: "big.md", reason: "too-large", size: 100 },
      { path: "link.md", reason: "symlink" },
    ]);
    expect(snap.reads.has("big.md")).toBe(false);
    expect(snap.reads.has("other.bin")).toBe(false);
    expect(report.phases[0]?.checks[0]?.summary).toBe("a.md");
  });

  it("aggregates phases and concludes from statuses", async () => {
    const report = await runAudit(
      new MemorySnapshot({}),
      checklist(
        { id: "done", checks: [fixed("a", "pass"), fixed("b", "not-applicable")] },
        { id: "partial", checks: [fixed("a", "pass"), fixed("w", "warn"), fixed("i", "indeterminate")] },
        { id: "bad", checks: [fixed("a", "pass"), fixed("f", "fail")], gate: "advisory" },
      ),
    );
    expect(report.phases.map((p) => [p.id, p.status, p.passed, p.total, p.gate])).toEqual([
      ["done", "complete", 1, 1, "required"],
      ["partial", "incomplete", 1, 3, "required"],
      ["bad", "failing", 1, 2, "advisory"],
    ]);
  });

  it("tells the snapshot every glob it will read or look up, so a partial listing can cover them", async () => {
    const seen: (readonly string[] | undefined)[] = [];
    const inner = new MemorySnapshot({ "a.md": "a" });
    const spy = { label: "spy", commit: null, list: (want?: readonly string[]) => (seen.push(want), inner.list(want)), read: (p: string) => inner.read(p) };
    const lookup = defineCheck({
      id: "lookup",
      title: "lookup",
      description: "lookup",
      options: z.object({}).strict(),
      messages: {},
      files: () => [],
      lists: () => ["docs/**/SECURITY.md"],
      run: (ctx) => ({ status: ctx.exists("docs/SECURITY.md") ? "pass" : "fail", summary: "", findings: [] }),
    });
    await runAudit(spy, checklist({ id: "p", checks: [reader("md", "*.md"), lookup] }));
    expect(seen).toEqual([["*.md", "docs/**/SECURITY.md"]]);
  });

  it("runs only the phases asked for", async () => {
    const report = await runAudit(new MemorySnapshot({}), checklist({ id: "a", checks: [fixed("x", "pass")] }, { id: "b", checks: [fixed("y", "fail")] }), {
      phases: ["b"],
    });
    expect(report.phases.map((p) => p.id)).toEqual(["b"]);
  });

  it("says where the checklist came from, and carries the snapshot's identity", async () => {
    const snap = new MemorySnapshot({}, { label: "o/r", commit: "abc", fileUrlBase: "https://github.com/o/r/blob/abc/" });
    const list: Checklist = { ...checklist({ id: "p", checks: [fixed("x", "pass")] }), origin: { source: "default", path: null } };
    const report = await runAudit(snap, list);
    expect(report.repository).toBe("o/r");
    expect(report.commit).toBe("abc");
    expect(report.fileUrlBase).toBe("https://github.com/o/r/blob/abc/");
    expect(report.checklist).toEqual({ source: "default", path: null });
  });
});

describe("phaseStatus", () => {
  it("treats a phase with only not-applicable checks as complete with 0/0", () => {
    expect(phaseStatus([{ status: "not-applicable" }])).toEqual({ status: "complete", passed: 0, total: 0 });
  });
  it("is failing on error even when everything else passes", () => {
    expect(phaseStatus([{ status: "pass" }, { status: "error" }])).toEqual({ status: "failing", passed: 1, total: 2 });
  });
});
