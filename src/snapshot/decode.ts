import { BINARY_SNIFF_BYTES, type FileRead } from "./types.js";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const lenient = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

/** True when a NUL byte occurs in the first 8 KiB. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/**
 * Bytes of a file to the `FileRead` every snapshot returns: binary files are refused, invalid
 * UTF-8 is replaced by U+FFFD (and flagged) rather than failing the file, a BOM is dropped.
 */
export function decodeFile(bytes: Uint8Array): FileRead {
  if (looksBinary(bytes)) return { ok: false, reason: "binary" };
  try {
    return { ok: true, text: strict.decode(bytes), lossy: false };
  } catch {
    return { ok: true, text: lenient.decode(bytes), lossy: true };
  }
}
