/**
 * Orders paths by their UTF-8 bytes, as git does. UTF-16 order agrees except between a
 * surrogate pair (a code point above U+FFFF, four bytes in UTF-8) and U+E000..U+FFFF.
 */
export function comparePathBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}
