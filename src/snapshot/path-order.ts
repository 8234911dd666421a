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

/** Orders entries by their paths (`comparePathBytes`). */
export function compareByPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return comparePathBytes(a.path, b.path);
}

/** The first index of `sorted` (ascending by `comparePathBytes` of `keyOf`) whose key is not below `key`. */
export function lowerBound<T>(sorted: readonly T[], key: string, keyOf: (item: T) => string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comparePathBytes(keyOf(sorted[mid] as T), key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The entry of `path` in entries sorted by `compareByPath`, by binary search. */
export function findByPath<T extends { readonly path: string }>(sorted: readonly T[], path: string): T | undefined {
  const found = sorted[lowerBound(sorted, path, (e) => e.path)];
  return found?.path === path ? found : undefined;
}

/** Whether any of `sorted` (by `compareByPath`) lies under the directory `dir` (no trailing slash). */
export function holdsUnder(sorted: ReadonlyArray<{ readonly path: string }>, dir: string): boolean {
  // Paths under `dir/` sort together, from the first one not below `dir/`.
  const prefix = `${dir}/`;
  return sorted[lowerBound(sorted, prefix, (e) => e.path)]?.path.startsWith(prefix) === true;
}
