/** Line numbers from UTF-8 byte offsets (what libpg-query reports) and from string offsets. */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Maps a byte offset of a UTF-8 buffer to a 1-based line. */
export class ByteLines {
  private readonly starts: number[] = [0];

  constructor(bytes: Uint8Array) {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) this.starts.push(i + 1);
  }

  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Byte offset where a 1-based line starts. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.starts[this.starts.length - 1] ?? 0;
  }

  get count(): number {
    return this.starts.length;
  }
}

/** Byte offset of the code point at `index` (a code-point index, as libpg-query's cursorPosition counts). */
export function codePointToByte(text: string, index: number): number {
  let bytes = 0;
  let count = 0;
  for (const ch of text) {
    if (count >= index) break;
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    count++;
  }
  return bytes;
}

/** 1-based line of a string offset. */
export function lineOfIndex(text: string, index: number): number {
  let line = 1;
  const end = Math.min(index, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Splits text into lines, keeping the offset where each starts (string offsets). */
export function splitLines(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) {
      out.push({ text: text.slice(start), start });
      return out;
    }
    out.push({ text: text.slice(start, nl).replace(/\r$/, ""), start });
    start = nl + 1;
  }
}
