/**
 * Repair of UTF-8 text that was read as Windows-1252 and saved again ("mojibake"):
 * `âœ…` for `✅`, `ðŸŸ¡` for `🟡`, `â€”` for `—` (and the same read as ISO-8859-1, where
 * bytes 80–9F became C1 controls).
 *
 * Each character is mapped back to the Windows-1252 byte it renders; a run of such bytes
 * that forms one valid UTF-8 sequence (a lead byte C2–F4 and its continuation bytes
 * 80–BF) is decoded again. Anything else is kept exactly as written.
 *
 * Windows-1252 leaves five bytes undefined (81, 8D, 8F, 90, 9D). Tools that met them
 * either kept them as C1 controls (U+0081 …, mapped back here) or dropped them: the real
 * reports show `â¸ï¸` for `⏸️` (E2 [8F] B8 EF B8 [8F]) and `âŒ` for `❌` (E2 [9D] 8C).
 * A sequence one byte short is completed with one undefined byte only when the result is
 * a character from a short list of status markers (⏸ ❌ ⏳ … and U+FE0F, the emoji
 * variation selector); otherwise the candidates are ambiguous and the text is kept.
 *
 * The repair never touches a line feed or carriage return (they are not UTF-8
 * continuation bytes), so line numbers stay those of the file as written.
 */

/** Windows-1252 bytes 80–9F that are defined, by the character they decode to. */
const CP1252_HIGH: ReadonlyMap<number, number> = new Map<number, number>([
  [0x20ac, 0x80], [0x201a, 0x82], [0x0192, 0x83], [0x201e, 0x84], [0x2026, 0x85],
  [0x2020, 0x86], [0x2021, 0x87], [0x02c6, 0x88], [0x2030, 0x89], [0x0160, 0x8a],
  [0x2039, 0x8b], [0x0152, 0x8c], [0x017d, 0x8e], [0x2018, 0x91], [0x2019, 0x92],
  [0x201c, 0x93], [0x201d, 0x94], [0x2022, 0x95], [0x2013, 0x96], [0x2014, 0x97],
  [0x02dc, 0x98], [0x2122, 0x99], [0x0161, 0x9a], [0x203a, 0x9b], [0x0153, 0x9c],
  [0x017e, 0x9e], [0x0178, 0x9f],
]);

/** The bytes Windows-1252 does not define: a decoder may have dropped them. */
const UNDEFINED_BYTES = [0x81, 0x8d, 0x8f, 0x90, 0x9d] as const;

/** Characters a dropped byte may be restored for (status markers and U+FE0F). */
const RESTORABLE: ReadonlySet<number> = new Set<number>([
  0xfe0f, // variation selector-16 (emoji presentation)
  0x23f8, // ⏸ pause
  0x23f3, // ⏳ hourglass
  0x23f1, // ⏱ stopwatch
  0x274c, // ❌ cross mark
  0x274e, // ❎ negative squared cross mark
  0x2753, // ❓
  0x2757, // ❗
]);

/** The Windows-1252 byte a character renders, or -1 when it renders none. */
export function cp1252Byte(code: number): number {
  if (code < 0x80) return code;
  if (code >= 0xa0 && code <= 0xff) return code;
  // C1 controls: the undefined bytes kept by a lenient decoder, or any byte 80–9F of a
  // text decoded as ISO-8859-1 rather than Windows-1252. Real text never holds them.
  if (code >= 0x80 && code <= 0x9f) return code;
  return CP1252_HIGH.get(code) ?? -1;
}

/** Number of continuation bytes a UTF-8 lead byte announces, or -1. */
function continuationCount(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 1;
  if (lead >= 0xe0 && lead <= 0xef) return 2;
  if (lead >= 0xf0 && lead <= 0xf4) return 3;
  return -1;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Decodes bytes that must form exactly one valid UTF-8 character; undefined otherwise. */
function decodeOne(bytes: readonly number[]): string | undefined {
  let text: string;
  try {
    text = decoder.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
  const cp = text.codePointAt(0);
  if (cp === undefined || String.fromCodePoint(cp) !== text) return undefined;
  // Only non-ASCII results are repairs (C2–F4 leads never decode to ASCII anyway).
  return cp >= 0x80 ? text : undefined;
}

export interface Repair {
  /** 1-based line of the file as written. */
  line: number;
  /** The characters as written (the Windows-1252 rendering). */
  from: string;
  /** The character they stand for. */
  to: string;
}

export interface RepairResult {
  text: string;
  repairs: Repair[];
}

function isContinuation(byte: number): boolean {
  return byte >= 0x80 && byte <= 0xbf;
}

/**
 * Tries to read one UTF-8 character whose bytes are rendered by the characters of `text`
 * starting at `start`. Returns the decoded character and how many UTF-16 code units of
 * `text` it consumed, or undefined.
 */
function readSequence(text: string, start: number): { char: string; length: number } | undefined {
  const lead = cp1252Byte(text.charCodeAt(start));
  const need = continuationCount(lead);
  if (need < 0) return undefined;
  const bytes: number[] = [lead];
  let pos = start + 1;
  while (bytes.length <= need && pos < text.length) {
    const b = cp1252Byte(text.charCodeAt(pos));
    if (!isContinuation(b)) break;
    bytes.push(b);
    pos += 1;
  }
  if (bytes.length === need + 1) {
    const char = decodeOne(bytes);
    if (char !== undefined) return { char, length: pos - start };
  }
  // One byte short: a dropped undefined byte, restored only towards a known marker.
  // The missing byte may sit at any continuation position among those read.
  const have = bytes.length;
  if (have === need) {
    const found: Array<{ char: string; length: number }> = [];
    for (let at = 1; at <= have; at += 1) {
      for (const missing of UNDEFINED_BYTES) {
        const candidate = [...bytes.slice(0, at), missing, ...bytes.slice(at)];
        const char = decodeOne(candidate);
        if (char !== undefined && RESTORABLE.has(char.codePointAt(0) ?? -1)) {
          found.push({ char, length: pos - start });
        }
      }
    }
    const distinct = new Set(found.map((f) => f.char));
    if (distinct.size === 1 && found[0] !== undefined) return found[0];
  }
  return undefined;
}

/** Repairs UTF-8-read-as-Windows-1252 sequences; keeps everything else as written. */
export function repairMojibake(input: string): RepairResult {
  // Fast path: a repair always starts at a rendered lead byte (Â … ô).
  if (!/[\u00c2-\u00f4]/.test(input)) return { text: input, repairs: [] };
  const out: string[] = [];
  const repairs: Repair[] = [];
  let line = 1;
  let i = 0;
  let copyFrom = 0;
  while (i < input.length) {
    const code = input.charCodeAt(i);
    // Line endings as Markdown counts them: LF, CR LF, and a lone CR.
    if (code === 0x0a || (code === 0x0d && input.charCodeAt(i + 1) !== 0x0a)) {
      line += 1;
      i += 1;
      continue;
    }
    if (code >= 0xc2 && code <= 0xf4) {
      const seq = readSequence(input, i);
      if (seq !== undefined) {
        out.push(input.slice(copyFrom, i), seq.char);
        repairs.push({ line, from: input.slice(i, i + seq.length), to: seq.char });
        i += seq.length;
        copyFrom = i;
        continue;
      }
    }
    i += 1;
  }
  out.push(input.slice(copyFrom));
  return { text: out.join(""), repairs };
}
