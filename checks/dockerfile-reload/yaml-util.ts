/** Small helpers over `yaml` documents: merge-key aware lookups with 1-based lines. */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from "yaml";

export interface YamlFile {
  readonly doc: Document;
  readonly lines: LineCounter;
}

export type YamlParse = { ok: true; file: YamlFile } | { ok: false; error: string; line?: number };

/** Parses one YAML document with `<<` merge keys (compose anchors). Errors are returned, never thrown. */
export function parseYaml(text: string, merge: boolean): YamlParse {
  const lines = new LineCounter();
  try {
    const doc = parseDocument(text, { merge, lineCounter: lines, prettyErrors: false });
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
      return { ok: false, error: err.message.split("\n")[0] ?? err.message, line };
    }
    return { ok: true, file: { doc, lines } };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function lineOf(file: YamlFile, node: { range?: readonly [number, number, number] | null } | null | undefined): number {
  const start = node?.range?.[0];
  return start === undefined ? 1 : file.lines.linePos(start).line;
}

/** Resolves aliases (bounded) to the node they point at. */
export function deref(file: YamlFile, node: unknown, hops = 0): Node | null {
  if (hops > 16 || node === null || node === undefined) return null;
  if (isAlias(node)) {
    try {
      return deref(file, node.resolve(file.doc), hops + 1);
    } catch {
      return null;
    }
  }
  return node as Node;
}

function keyText(pair: Pair): string | symbol | null {
  const k = pair.key;
  if (isScalar(k)) return typeof k.value === "symbol" ? k.value : String(k.value);
  return null;
}

/**
 * The pair for `key` in a map, looking through `<<` merge keys the way YAML merge does: keys of
 * the map itself win, then the merged maps in order.
 */
export function getPair(file: YamlFile, map: YAMLMap, key: string, hops = 0, seen: Set<unknown> = new Set()): Pair | undefined {
  // `seen` bounds the walk: a map merged twice (directly or through a chain of anchors) adds nothing.
  if (hops > 64 || seen.has(map)) return undefined;
  seen.add(map);
  let merges: unknown[] = [];
  for (const item of map.items) {
    const k = keyText(item);
    if (k === key) return item;
    if (typeof k === "symbol" || k === "<<") merges = merges.concat(isSeq(item.value) ? item.value.items : [item.value]);
  }
  for (const m of merges) {
    const target = deref(file, m);
    if (isMap(target)) {
      const found = getPair(file, target, key, hops + 1, seen);
      if (found) return found;
    }
  }
  return undefined;
}

export function getMap(file: YamlFile, map: YAMLMap, key: string): YAMLMap | undefined {
  const node = deref(file, getPair(file, map, key)?.value);
  return isMap(node) ? node : undefined;
}

/** The entries of a map with merges applied: own keys first, then merged keys not already seen. */
export function entries(file: YamlFile, map: YAMLMap, hops = 0, seen: Set<unknown> = new Set()): Pair[] {
  if (hops > 64 || seen.has(map)) return [];
  seen.add(map);
  const out: Pair[] = [];
  const keys = new Set<string>();
  let merges: unknown[] = [];
  for (const item of map.items) {
    const k = keyText(item);
    if (typeof k === "symbol" || k === "<<") {
      merges = merges.concat(isSeq(item.value) ? item.value.items : [item.value]);
      continue;
    }
    if (k === null || keys.has(k)) continue;
    keys.add(k);
    out.push(item);
  }
  for (const m of merges) {
    const target = deref(file, m);
    if (!isMap(target)) continue;
    for (const item of entries(file, target, hops + 1, seen)) {
      const k = keyText(item);
      if (typeof k !== "string" || keys.has(k)) continue;
      keys.add(k);
      out.push(item);
    }
  }
  return out;
}

export function pairKey(pair: Pair): string | null {
  const k = keyText(pair);
  return typeof k === "string" ? k : null;
}

/** A scalar's value as compose reads it (numbers and booleans as text); undefined for null or non-scalars. */
export function scalarText(file: YamlFile, node: unknown): string | undefined {
  const n = deref(file, node);
  if (!isScalar(n) || n.value === null || n.value === undefined) return undefined;
  return typeof n.value === "symbol" ? undefined : String(n.value);
}
