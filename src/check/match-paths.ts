import { lowerBound } from "../snapshot/path-order.js";
import { compileGlob, literalBase } from "./glob.js";

/**
 * The paths of `sorted` (UTF-8 byte order, as every listing is) that match any of the globs
 * (`compileGlob`), in that order. A glob's literal base (`services` in
 * `services/*\/Dockerfile`) narrows the candidates to one contiguous range found by binary search,
 * and a literal path is a lookup, so a 50,000-file listing is not matched path by path for every
 * glob of every check. Every candidate is still confirmed by the glob.
 */
export function matchPaths(patterns: string | readonly string[], sorted: readonly string[]): string[] {
  const list = typeof patterns === "string" ? [patterns] : patterns;
  const hits = new Set<number>();
  for (const pattern of list) {
    const glob = compileGlob(pattern);
    const [lo, hi] = candidateRange(pattern, sorted);
    for (let i = lo; i < hi; i++) if (glob.test(sorted[i] as string)) hits.add(i);
  }
  return [...hits].sort((a, b) => a - b).map((i) => sorted[i] as string);
}

function candidateRange(pattern: string, sorted: readonly string[]): [number, number] {
  const everything: [number, number] = [0, sorted.length];
  const { negated, base, exact } = literalBase(pattern);
  // Negations and globs that start with syntax: no literal part to narrow by. A glob also matches
  // its own text (`pages/[id].tsx`), which starts with `base/` too, so it is in the range.
  if (negated || base === "" || base.endsWith("/")) return everything;
  if (exact && base === pattern) {
    const at = lowerBound(sorted, base, asIs);
    return [at, sorted[at] === base ? at + 1 : at];
  }
  // `base` itself (`x/**` matches `x`) and every path under `base/` sort between `base` and
  // `base0` ('0' follows '/'); the few others in that range (`base-old`) the glob rejects.
  return [lowerBound(sorted, base, asIs), lowerBound(sorted, `${base}0`, asIs)];
}

const asIs = (path: string): string => path;
