/**
 * File access for the coverage-threshold check: directory lookups over the snapshot's listing, and
 * each file parsed once with its format's real parser (memoised), with 1-based line lookups.
 */
import { parse as parseToml } from "smol-toml";
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Document, type Node as YamlNode } from "yaml";
import { parseIni, type IniDocument } from "../../src/parsers/ini.js";
import type { Problem } from "./model.js";

export interface Files {
  /** Contents of a file the check may read; undefined when absent, skipped or out of scope. */
  read(path: string): string | undefined;
  /** True when the path is listed in the repository. */
  exists(path: string): boolean;
  /** Why a listed file was not read, if it was not. */
  skipped(path: string): string | undefined;
  /** Every listed path. */
  readonly allPaths: readonly string[];
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string; readonly line: number };

export interface YamlFile {
  readonly doc: Document;
  readonly value: unknown;
  lineOf(node: unknown): number;
}

export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

export function basename(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}

/** Joins and normalises repository-relative paths; null when the result leaves the repository. */
export function joinPath(dir: string, rel: string): string | null {
  if (rel.startsWith("/")) return null;
  const parts = dir === "" ? [] : dir.split("/");
  for (const seg of rel.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join("/");
}

export function inDir(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

/** `dir`, its parent, ..., the root (""). */
export function ancestors(dir: string): string[] {
  const out = [dir];
  let d = dir;
  while (d !== "") {
    d = dirname(d);
    out.push(d);
  }
  return out;
}

export class Repo {
  readonly problems: Problem[] = [];
  private readonly listed: Set<string>;
  private readonly dirs = new Set<string>();
  private readonly cache = new Map<string, unknown>();
  private readonly reported = new Set<string>();

  constructor(private readonly files: Files) {
    this.listed = new Set(files.allPaths);
    for (const p of files.allPaths) {
      let d = dirname(p);
      while (!this.dirs.has(d)) {
        this.dirs.add(d);
        if (d === "") break;
        d = dirname(d);
      }
    }
  }

  get allPaths(): readonly string[] {
    return this.files.allPaths;
  }

  exists(path: string): boolean {
    return this.listed.has(path);
  }

  isDir(path: string): boolean {
    return this.dirs.has(path);
  }

  /** The text of a file; a listed file that could not be read is reported once. */
  text(path: string): string | undefined {
    const t = this.files.read(path);
    if (t === undefined && this.listed.has(path)) {
      const why = this.files.skipped(path);
      if (why && !this.reported.has(`skip:${path}`)) {
        this.reported.add(`skip:${path}`);
        this.problems.push({ kind: "unreadable", path, why });
      }
    }
    return t;
  }

  private memo<T>(key: string, make: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const v = make();
    this.cache.set(key, v);
    return v;
  }

  ini(path: string): IniDocument | undefined {
    return this.memo(`ini:${path}`, () => {
      const t = this.text(path);
      return t === undefined ? undefined : parseIni(t);
    });
  }

  toml(path: string): Parsed<Record<string, unknown>> | undefined {
    return this.memo(`toml:${path}`, () => {
      const t = this.text(path);
      if (t === undefined) return undefined;
      try {
        return { ok: true as const, value: parseToml(t) as Record<string, unknown> };
      } catch (error) {
        const line = (error as { line?: unknown }).line;
        return { ok: false as const, error: firstLine(error), line: typeof line === "number" && line > 0 ? line : 1 };
      }
    });
  }

  /** JSON through `JSON.parse`; lines come from the same text read as YAML (JSON is YAML 1.2). */
  json(path: string): Parsed<unknown> | undefined {
    return this.memo(`json:${path}`, () => {
      const t = this.text(path);
      if (t === undefined) return undefined;
      try {
        return { ok: true as const, value: JSON.parse(t) as unknown };
      } catch (error) {
        return { ok: false as const, error: firstLine(error), line: jsonErrorLine(t, error) };
      }
    });
  }

  yaml(path: string): Parsed<YamlFile> | undefined {
    return this.memo(`yaml:${path}`, () => {
      const t = this.text(path);
      return t === undefined ? undefined : readYaml(t);
    });
  }

  /** Line of a key path in a JSON file (1 when not found). */
  jsonLine(path: string, keys: readonly (string | number)[]): number {
    const y = this.memo(`jsonyaml:${path}`, () => {
      const t = this.text(path);
      return t === undefined ? undefined : readYaml(t);
    });
    if (!y || !y.ok) return 1;
    return yamlPathLine(y.value, keys);
  }

  /** Line of `key` in TOML table `table` (1-based), or of the nearest enclosing table found. */
  tomlLine(path: string, keys: readonly string[]): number {
    const t = this.text(path);
    return t === undefined ? 1 : tomlKeyLine(t, keys);
  }

  /** Records a problem once. */
  report(problem: Problem): void {
    const id = JSON.stringify(problem);
    if (this.reported.has(id)) return;
    this.reported.add(id);
    this.problems.push(problem);
  }
}

export function readYaml(text: string): Parsed<YamlFile> {
  try {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, merge: true, prettyErrors: false });
    const err = doc.errors[0];
    if (err) return { ok: false, error: firstLine(err), line: err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line };
    const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    return {
      ok: true,
      value: {
        doc,
        value,
        lineOf(node: unknown): number {
          const range = (node as { range?: [number, number, number] } | null)?.range;
          return range ? lc.linePos(range[0]).line : 1;
        },
      },
    };
  } catch (error) {
    return { ok: false, error: firstLine(error), line: 1 };
  }
}

/** The YAML node at a key path, or undefined. */
export function yamlNode(file: YamlFile, keys: readonly (string | number)[]): YamlNode | undefined {
  let node: unknown = file.doc.contents;
  for (const k of keys) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(k));
      if (!pair) return undefined;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof k === "number") {
      node = node.items[k];
    } else return undefined;
  }
  return (node ?? undefined) as YamlNode | undefined;
}

/** Line of the deepest node found along a key path (the key's line for a map entry). */
export function yamlPathLine(file: YamlFile, keys: readonly (string | number)[]): number {
  let node: unknown = file.doc.contents;
  let line = 1;
  for (const k of keys) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(k));
      if (!pair) return line;
      line = file.lineOf(pair.key);
      node = pair.value;
    } else if (isSeq(node) && typeof k === "number") {
      node = node.items[k];
      if (node) line = file.lineOf(node);
    } else return line;
  }
  return line;
}

function firstLine(error: unknown): string {
  const msg = error instanceof Error ? error.message : String(error);
  return (msg.split("\n")[0] ?? msg).slice(0, 200);
}

function jsonErrorLine(text: string, error: unknown): number {
  const msg = error instanceof Error ? error.message : "";
  const m = /position (\d+)/.exec(msg);
  if (!m) return 1;
  const pos = Number(m[1]);
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

/**
 * Finds the line of a dotted key path in TOML text, tracking `[table]` / `[[array]]` headers and
 * dotted keys. The values themselves always come from smol-toml; this only places them.
 */
export function tomlKeyLine(text: string, keys: readonly string[]): number {
  const lines = text.split(/\r?\n/);
  let table: string[] = [];
  let best = 1;
  let bestDepth = 0;
  let inMultiline: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    if (inMultiline) {
      if (raw.includes(inMultiline)) inMultiline = null;
      continue;
    }
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = tableHeader(line);
    if (header !== null) {
      table = splitTomlKey(header);
      const depth = matchDepth(table, keys);
      if (depth === table.length && depth > bestDepth) {
        best = i + 1;
        bestDepth = depth;
      }
      continue;
    }
    const eq = findTomlEquals(line);
    if (eq < 0) continue;
    const full = [...table, ...splitTomlKey(line.slice(0, eq))];
    const depth = matchDepth(full, keys);
    if (depth === keys.length && full.length === keys.length) return i + 1;
    if (depth === full.length && depth > bestDepth) {
      best = i + 1;
      bestDepth = depth;
    }
    const rest = line.slice(eq + 1).trim();
    for (const q of ['"""', "'''"]) {
      if (rest.startsWith(q) && rest.indexOf(q, 3) < 0) inMultiline = q;
    }
  }
  return best;
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/**
 * The key of a `[table]` or `[[array]]` header line, or null: what group 1 of
 * `/^\[\[?\s*([^\]]+?)\s*\]\]?/` captures, in one pass (that RegExp backtracks in cubic time on
 * `[` and 40,000 blanks).
 */
export function tableHeader(line: string): string | null {
  if (line[0] !== "[") return null;
  const close = line.indexOf("]", 1);
  if (close < 0) return null;
  // `[[`: the second `[` opens an array header, unless nothing is left for the key (`[[]`).
  for (const start of line[1] === "[" ? [2, 1] : [1]) {
    let from = start;
    while (from < close && isSpace(line[from])) from++;
    if (from < close) {
      let to = close;
      while (isSpace(line[to - 1])) to--;
      return line.slice(from, to);
    }
    if (from > start) return line[close - 1] as string; // blanks only: the key is the last one
  }
  return null;
}

function matchDepth(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function findTomlEquals(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "=") return i;
  }
  return -1;
}

function splitTomlKey(key: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (const c of key) {
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === ".") {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  out.push(cur.trim());
  return out.filter((k) => k !== "");
}
