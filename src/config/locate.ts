/**
 * From a path in the document to the YAML node that holds it, and from the node's range to a
 * 1-based line and column. Everything is found through the parsed document (never by searching
 * the text), so a value written through an alias, in flow style or quoted is found all the same.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type LineCounter, type Node, type Pair } from "yaml";
import type { PathSegment } from "./problem.js";

export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

type Range = readonly [number, number];

/** Offsets -> 1-based line and column (columns count UTF-16 units, as editors and linters do). */
export function spanOf(lineCounter: LineCounter, range: Range, point = false): Span {
  const start = position(lineCounter, range[0]);
  if (point || range[1] <= range[0]) return start;
  let end = position(lineCounter, range[1]);
  // A block collection ends after its last newline: end it at the end of its last line instead.
  if (end.column === 1 && end.line > start.line) end = position(lineCounter, range[1] - 1);
  return { ...start, endLine: end.line, endColumn: end.column };
}

/** 1-based, also for an empty text (where the counter knows no line yet). */
export function position(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lineCounter.linePos(offset);
  return line < 1 ? { line: 1, column: Math.max(1, col + 1) } : { line, column: Math.max(1, col) };
}

function rangeOf(node: unknown): Range | undefined {
  const range = (node as { range?: readonly number[] | null } | null | undefined)?.range;
  if (!range || range.length < 2) return undefined;
  const [start, end] = range;
  return start === undefined || end === undefined ? undefined : [start, end];
}

/** What each alias of a document stands for (see `load.ts`, which resolves them in one pass). */
export type AliasTargets = ReadonlyMap<Alias, Node>;

/** An alias stands for the node its anchor names. */
function deref(aliases: AliasTargets, node: unknown): unknown {
  return isAlias(node) ? (aliases.get(node) ?? node) : node;
}

export function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

const indexes = new WeakMap<object, Map<string, Pair>>();

/** The last pair of `map` whose key reads `key` (the one a JS conversion keeps). Maps are indexed once. */
function pairOf(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  let index = indexes.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items) {
      const text = isPair(item) ? keyText(item) : undefined;
      if (text !== undefined) index.set(text, item);
    }
    indexes.set(map, index);
  }
  return index.get(key);
}

export interface Located {
  readonly range: Range;
  /** True when the path did not lead to a node (a missing key): the range is where it belongs, not its extent. */
  readonly approximate: boolean;
}

/**
 * The node at `path` (or, with `key`, the key node named `key` of the map at `path`). A missing
 * step stops at the deepest node found. A value that is empty in the text (`key:` and nothing)
 * is pointed at through its key.
 */
export function locate(doc: Document, aliases: AliasTargets, path: readonly PathSegment[], key?: string): Located {
  const fallback: Range = [0, 0];
  let node: unknown = doc.contents;
  let keyNode: unknown = undefined;
  let lastRange: Range = rangeOf(node) ?? fallback;
  let complete = true;

  for (const segment of path) {
    const container = deref(aliases, node);
    if (isMap(container)) {
      const pair = pairOf(container, String(segment));
      if (!pair) {
        complete = false;
        break;
      }
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(container) && typeof segment === "number" && segment >= 0 && segment < container.items.length) {
      keyNode = undefined;
      node = container.items[segment];
    } else {
      complete = false;
      break;
    }
    const here = usableRange(node) ?? rangeOf(keyNode);
    if (here) lastRange = here;
  }

  if (!complete) return { range: lastRange, approximate: true };
  if (key !== undefined) {
    const pair = pairOf(deref(aliases, node), key);
    const at = pair ? rangeOf(pair.key) : undefined;
    return at ? { range: at, approximate: false } : { range: lastRange, approximate: true };
  }
  const own = usableRange(node) ?? rangeOf(keyNode);
  return own ? { range: own, approximate: false } : { range: lastRange, approximate: true };
}

/** A node's range, unless it is empty (an implicit null has a zero-length range). */
function usableRange(node: unknown): Range | undefined {
  if (node === null || node === undefined) return undefined;
  const range = rangeOf(node as Node);
  return range && range[1] > range[0] ? range : undefined;
}
