import { describe, expect, it } from "vitest";
import { MemorySnapshot } from "../../src/snapshot/memory.js";

describe("MemorySnapshot", () => {
  it("lists files sorted by path, with sizes in bytes, and files over the cap as skipped", async () => {
    const snapshot = new MemorySnapshot(
      { "b.txt": "bé", "a/z.txt": "z", "big.txt": "x".repeat(11) },
      { maxFileBytes: 10, skipped: [{ path: "sub", reason: "submodule" }] },
    );
    expect(await snapshot.list()).toEqual({
      files: [
        { path: "a/z.txt", size: 1, blob: null },
        { path: "b.txt", size: 3, blob: null },
      ],
      skipped: [
        { path: "sub", reason: "submodule" },
        { path: "big.txt", reason: "too-large", size: 11 },
      ],
      notes: [],
    });
  });

  it("reads like a real snapshot and counts reads", async () => {
    const snapshot = new MemorySnapshot({ "t.txt": "text", "bin": Uint8Array.from([0, 1]), "bad": Uint8Array.from([0xff]) });
    expect(await snapshot.read("t.txt")).toEqual({ ok: true, text: "text", lossy: false });
    expect(await snapshot.read("t.txt")).toEqual({ ok: true, text: "text", lossy: false });
    expect(await snapshot.read("bin")).toEqual({ ok: false, reason: "binary" });
    expect(await snapshot.read("bad")).toEqual({ ok: true, text: "\uFFFD", lossy: true });
    expect(await snapshot.read("missing")).toEqual({ ok: false, reason: "unreadable", detail: "no such file" });
    expect(snapshot.reads.get("t.txt")).toBe(2);
    expect(snapshot.label).toBe("memory");
    expect(snapshot.commit).toBeNull();
  });
});
