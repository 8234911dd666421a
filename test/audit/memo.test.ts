import { describe, expect, it } from "vitest";
import { registry } from "../../checks/index.js";
import { runAudit } from "../../src/audit/engine.js";
import { AuditMemo, listingFingerprint } from "../../src/audit/memo.js";
import type { AuditReport } from "../../src/audit/types.js";
import { loadChecklist } from "../../src/config/index.js";
import type { Checklist } from "../../src/config/types.js";
import { MemorySnapshot } from "../../src/snapshot/memory.js";
import type { FileRead } from "../../src/snapshot/types.js";

const CHECKLIST = `phases:
  - id: build
    name: Build
    checks:
      - file-contains: { path: "services/*/Dockerfile", pattern: "^FROM ", flags: m }
      - dockerfile-reload
  - id: hygiene
    name: Hygiene
    checks:
      - file-not-contains: { path: "app/**/*.py", pattern: "eval\\\\(" }
      - file-exists: { path: SECURITY.md }
      - file-absent: { path: ["**/*.pem", "**/.env"] }
`;

function checklist(): Checklist {
  const load = loadChecklist(CHECKLIST, ".github/phase-gate.yml", registry);
  if (!load.ok) throw new Error(JSON.stringify(load.errors));
  return load.checklist;
}

const BASE: Record<string, string> = {
  "SECURITY.md": "# Security\n",
  "services/api/Dockerfile": "FROM python:3.12\nCMD [\"uvicorn\", \"app:app\"]\n",
  "services/web/Dockerfile": "FROM node:20\nCMD [\"node\", \"server.js\"]\n",
  "app/main.py": "print('hello')\n",
  "app/util/helpers.py": "def f():\n    return 1\n",
  "README.md": "readme\n",
};

function snapshot(files: Record<string, string>): MemorySnapshot {
  return new MemorySnapshot(files, { blobShas: true, label: "octo/app", commit: "c0ffee" });
}

/** Each check's result object, by phase and check id. */
function results(report: AuditReport): Map<string, object> {
  return new Map(report.phases.flatMap((p) => p.checks.map((c) => [`${p.id}/${c.id}`, c] as const)));
}

/** The checklist, its file-contains check counting its runs. */
function countingFileContains(): { counted: Checklist; runs: () => number } {
  const list = checklist();
  let runs = 0;
  const build = list.phases[0];
  if (build === undefined) throw new Error("no phase");
  const counted: Checklist = {
    ...list,
    phases: [
      {
        ...build,
        checks: build.checks.map((entry) =>
          entry.check.id === "file-contains"
            ? {
                ...entry,
                check: {
                  ...entry.check,
                  run: (ctx: Parameters<typeof entry.check.run>[0]) => {
                    runs++;
                    return entry.check.run(ctx);
                  },
                },
              }
            : entry,
        ),
      },
      ...list.phases.slice(1),
    ],
  };
  return { counted, runs: () => runs };
}

describe("AuditMemo in the engine", () => {
  it("gives the same report as a fresh audit, reusing the checks whose files and listing are unchanged", async () => {
    const list = checklist();
    const memo = new AuditMemo();
    const first = await runAudit(snapshot(BASE), list, { memo });
    expect(first).toEqual(await runAudit(snapshot(BASE), list));

    // One Python file edited: the listing's paths are the same, only file-not-contains reads it.
    const edited = { ...BASE, "app/util/helpers.py": "def f():\n    return eval('1')\n" };
    const second = await runAudit(snapshot(edited), list, { memo });
    const fresh = await runAudit(snapshot(edited), list);
    expect(second).toEqual(fresh);
    expect(second.phases[1]?.checks[0]).toMatchObject({ id: "file-not-contains", status: "fail" });

    const before = results(first);
    const after = results(second);
    // Checks report as `{ id, ...result }`, so a reused result is equal but the file-not-contains one changed.
    expect(after.get("hygiene/file-not-contains")).not.toEqual(before.get("hygiene/file-not-contains"));
    for (const key of ["build/file-contains", "build/dockerfile-reload", "hygiene/file-exists", "hygiene/file-absent"]) {
      expect(after.get(key)).toEqual(before.get(key));
    }
    const stats = memo.stats();
    // The second audit: the union's match and the 4 unchanged checks were found; file-not-contains was not.
    expect(stats.hits).toBeGreaterThanOrEqual(5);
  });

  it("runs a check again only when its own files change (counted through a check that counts its runs)", async () => {
    const { counted, runs } = countingFileContains();
    const memo = new AuditMemo();
    await runAudit(snapshot(BASE), counted, { memo });
    await runAudit(snapshot({ ...BASE, "app/main.py": "print('changed')\n" }), counted, { memo });
    expect(runs()).toBe(1);
    const changed = await runAudit(snapshot({ ...BASE, "services/web/Dockerfile": "CMD [\"node\"]\n" }), counted, { memo });
    expect(runs()).toBe(2);
    expect(changed.phases[0]?.checks[0]).toMatchObject({ id: "file-contains", status: "fail" });
    // A path added changes the listing: every check runs again, and still agrees with a fresh audit.
    const added = { ...BASE, "services/web/Dockerfile": "CMD [\"node\"]\n", "keys/server.pem": "-----BEGIN-----\n" };
    const withAdded = await runAudit(snapshot(added), counted, { memo });
    expect(runs()).toBe(3);
    expect(withAdded).toEqual(await runAudit(snapshot(added), counted));
    expect(withAdded.phases[1]?.checks[2]).toMatchObject({ id: "file-absent", status: "fail" });
  });

  it("keeps the matches among readable files apart from those among every path (a skipped README.md)", async () => {
    const load = loadChecklist(`phases:
  - id: p
    name: P
    checks:
      - file-contains: { path: README.md, pattern: "hello" }
      - file-absent: { path: "**/*.md" }
`, ".github/phase-gate.yml", registry);
    if (!load.ok) throw new Error(JSON.stringify(load.errors));
    const files = { "docs/a.txt": "x\n" };
    const options = { blobShas: true, skipped: [{ path: "README.md", reason: "symlink" as const, size: 10 }] };
    const memo = new AuditMemo();
    for (let i = 0; i < 2; i++) {
      const withMemo = await runAudit(new MemorySnapshot(files, options), load.checklist, { memo });
      expect(withMemo).toEqual(await runAudit(new MemorySnapshot(files, options), load.checklist));
      expect(withMemo.phases[0]?.checks.map((c) => [c.id, c.status])).toEqual([
        ["file-contains", "indeterminate"],
        ["file-absent", "fail"],
      ]);
    }
  });

  it("keeps nothing when a file failed to read for a reason that may pass, or has no blob SHA", async () => {
    const list = checklist();
    const memo = new AuditMemo();
    class Flaky extends MemorySnapshot {
      override async read(path: string): Promise<FileRead> {
        if (path === "services/api/Dockerfile") return { ok: false, reason: "unreadable", detail: "HTTP 502" };
        return super.read(path);
      }
    }
    const flaky = await runAudit(new Flaky(BASE, { blobShas: true }), list, { memo });
    expect(flaky.skipped).toContainEqual(expect.objectContaining({ path: "services/api/Dockerfile", reason: "unreadable" }));
    const healthy = await runAudit(snapshot(BASE), list, { memo });
    expect(healthy).toEqual(await runAudit(snapshot(BASE), list));
    expect(healthy.skipped).toEqual([]);

    // Without blob SHAs (a work tree), no result is reused: the check runs every time.
    const { counted, runs } = countingFileContains();
    const noShas = new AuditMemo();
    await runAudit(new MemorySnapshot(BASE), counted, { memo: noShas });
    await runAudit(new MemorySnapshot(BASE), counted, { memo: noShas });
    expect(runs()).toBe(2);
    // A result computed while a file failed to read (an API error) is never reused, even for the same failure.
    const flakyMemo = new AuditMemo();
    const counting = countingFileContains();
    await runAudit(new Flaky(BASE, { blobShas: true }), counting.counted, { memo: flakyMemo });
    await runAudit(new Flaky(BASE, { blobShas: true }), counting.counted, { memo: flakyMemo });
    expect(counting.runs()).toBe(2);
    await runAudit(snapshot(BASE), counting.counted, { memo: flakyMemo });
    await runAudit(snapshot(BASE), counting.counted, { memo: flakyMemo });
    expect(counting.runs()).toBe(3);
  });
});

describe("AuditMemo", () => {
  it("evicts the least recently used entries beyond its weight, and never keeps an error", () => {
    const memo = new AuditMemo(10);
    let computed = 0;
    const compute = (paths: string[]) => () => {
      computed++;
      return paths;
    };
    memo.matches("fp", "files", ["a"], compute(["x", "y"])); // weight 3
    memo.matches("fp", "files", ["b"], compute(["x", "y", "z"])); // weight 4
    memo.matches("fp", "files", ["a"], compute([])); // hit: "a" is now the most recent
    memo.matches("fp", "files", ["c"], compute(["x", "y"])); // weight 3: total 10
    expect(computed).toBe(3);
    memo.matches("fp", "files", ["d"], compute([])); // weight 1: "b", the least recent, goes
    expect(memo.stats()).toMatchObject({ entries: 3, weight: 7 });
    memo.matches("fp", "files", ["b"], compute(["x", "y", "z"]));
    expect(computed).toBe(5);
    memo.keep("k", { status: "error", summary: "boom", findings: [] });
    expect(memo.result("k")).toBeUndefined();
    memo.keep("k", { status: "pass", summary: "ok", findings: [] });
    expect(memo.result("k")).toEqual({ status: "pass", summary: "ok", findings: [] });
  });

  it("fingerprints a listing by its paths and skipped reasons, not by sizes or SHAs", () => {
    const a = listingFingerprint([{ path: "a" }, { path: "b" }], [{ path: "l", reason: "symlink" }]);
    expect(listingFingerprint([{ path: "a" }, { path: "b" }], [{ path: "l", reason: "symlink" }])).toBe(a);
    expect(listingFingerprint([{ path: "a" }, { path: "c" }], [{ path: "l", reason: "symlink" }])).not.toBe(a);
    expect(listingFingerprint([{ path: "a" }, { path: "b" }], [{ path: "l", reason: "too-large" }])).not.toBe(a);
  });
});
