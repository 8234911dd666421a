import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFile, looksBinary } from "../../src/snapshot/decode.js";
import { BINARY_SNIFF_BYTES } from "../../src/snapshot/types.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("looksBinary", () => {
  it("is true for a NUL byte within the first 8 KiB, false for one after it", () => {
    const atEnd = new Uint8Array(BINARY_SNIFF_BYTES).fill(0x61);
    atEnd[BINARY_SNIFF_BYTES - 1] = 0;
    expect(looksBinary(atEnd)).toBe(true);
    const after = new Uint8Array(BINARY_SNIFF_BYTES + 1).fill(0x61);
    after[BINARY_SNIFF_BYTES] = 0;
    expect(looksBinary(after)).toBe(false);
  });

  it("is false for empty input and for text", () => {
    expect(looksBinary(new Uint8Array())).toBe(false);
    expect(looksBinary(utf8("plain text\nwith ünïcödé\n"))).toBe(false);
  });
});

describe("decodeFile", () => {
  it("decodes valid UTF-8 exactly and drops a byte-order mark", () => {
    expect(decodeFile(utf8("héllo\n"))).toEqual({ ok: true, text: "héllo\n", lossy: false });
    expect(decodeFile(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ ok: true, text: "a", lossy: false });
  });

  it("replaces invalid UTF-8 with U+FFFD and says so", () => {
    expect(decodeFile(Uint8Array.from([0x61, 0xff, 0x62]))).toEqual({ ok: true, text: "a\uFFFDb", lossy: true });
    // A truncated multi-byte sequence at the end (a file cut in the middle of a character).
    expect(decodeFile(Uint8Array.from([0x61, 0xe2, 0x82]))).toEqual({ ok: true, text: "a\uFFFD", lossy: true });
  });

  it("refuses binary content", () => {
    expect(decodeFile(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).toEqual({ ok: false, reason: "binary" });
  });

  it("round-trips any NUL-free text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }).filter((s) => !s.includes("\0") && !s.startsWith("\uFEFF")), (text) => {
        expect(decodeFile(utf8(text))).toEqual({ ok: true, text, lossy: false });
      }),
      { numRuns: 150 },
    );
  });
});
