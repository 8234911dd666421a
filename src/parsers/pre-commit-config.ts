/**
 * Reads `.pre-commit-config.yaml` the way pre-commit does: PyYAML's safe loader, i.e. YAML 1.1
 * with PyYAML's own implicit typing (`rev: 1.7` is a float, `on` is a bool, `1e3` is a string,
 * `2024-01-01` is a date), last duplicate key wins, `<<` merge keys, duplicate anchors refused.
 *
 * The YAML syntax is parsed by the `yaml` package (version 1.1); the scalars are then typed by
 * this module with PyYAML's resolver rules rather than `yaml`'s, because the two disagree on
 * details that matter to pre-commit's type checks. The result is a tree of `PyValue`s named after
 * the Python types pre-commit's validator sees, each with its 1-based line.
 *
 * Never throws: any input gives `{ ok: true, ... }` or `{ ok: false, error }`.
 */
import { CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument } from "yaml";
import type { Node as YamlNode, Pair } from "yaml";

// ---------------------------------------------------------------------------------------------
// Python-shaped values

interface PyBase {
  /** 1-based line where the node that defines this value starts. */
  readonly line: number;
}
export interface PyStr extends PyBase {
  readonly kind: "str";
  readonly value: string;
}
export interface PyNumber extends PyBase {
  readonly kind: "int" | "float";
  readonly value: number;
  /** The scalar as written. */
  readonly text: string;
}
export interface PyBool extends PyBase {
  readonly kind: "bool";
  readonly value: boolean;
}
export interface PyNone extends PyBase {
  readonly kind: "NoneType";
}
export interface PyOther extends PyBase {
  /** Timestamps and `!!binary`: values pre-commit only ever rejects, kept for their type name. */
  readonly kind: "date" | "datetime" | "bytes";
  readonly text: string;
}
export interface PyList extends PyBase {
  /** `list` for sequences, `set` for `!!set`, `tuple`-holding `list` for `!!omap`/`!!pairs`. */
  readonly kind: "list" | "tuple" | "set";
  readonly items: PyValue[];
  /** Line of each item where it is written (an alias's own line, not its anchor's). */
  readonly itemLines: number[];
}
export interface PyEntry {
  readonly key: PyValue;
  value: PyValue;
  /** Line of the key as written (for a merged entry: the line of the `<<` key). */
  keyLine: number;
  /** Line of the value as written. */
  valueLine: number;
}
export interface PyDict extends PyBase {
  readonly kind: "dict";
  /** Unique keys in first-insertion order, the last duplicate's value (as a Python dict). */
  readonly entries: PyEntry[];
}
export type PyValue = PyStr | PyNumber | PyBool | PyNone | PyOther | PyList | PyDict;

/** The entry of a `dict` under a string key, if any. */
export function pyGet(dict: PyDict, key: string): PyEntry | undefined {
  for (const e of dict.entries) if (e.key.kind === "str" && e.key.value === key) return e;
  return undefined;
}

/** The string under a key, or undefined when absent or not a `str`. */
export function pyGetString(dict: PyDict, key: string): string | undefined {
  const v = pyGet(dict, key)?.value;
  return v?.kind === "str" ? v.value : undefined;
}

/** The `str` items of a list under a key (other items skipped); [] when absent or not a list. */
export function pyGetStrings(dict: PyDict, key: string): string[] {
  const v = pyGet(dict, key)?.value;
  if (!v || (v.kind !== "list" && v.kind !== "tuple")) return [];
  return v.items.flatMap((i) => (i.kind === "str" ? [i.value] : []));
}

/** A short Python-like rendering of a scalar, for messages (`'main'`, `1.7`, `True`, `None`). */
export function pyRepr(v: PyValue): string {
  switch (v.kind) {
    case "str":
      return `'${v.value.length > 60 ? `${v.value.slice(0, 57)}...` : v.value}'`;
    case "int":
    case "float":
      return v.text;
    case "bool":
      return v.value ? "True" : "False";
    case "NoneType":
      return "None";
    case "date":
    case "datetime":
    case "bytes":
      return v.text;
    case "dict":
      return "{...}";
    default:
      return "[...]";
  }
}

// ---------------------------------------------------------------------------------------------
// The reader's result

export interface PreCommitHookRef {
  /** The repo URL as written, or "local" / "meta". */
  repo: string;
  /** null for local/meta or when absent (or not a string). */
  rev: string | null;
  id: string;
  /** The `str` items of `args` (a non-string item is a schema error, reported by the check). */
  args: readonly string[];
  entry?: string;
  name?: string;
  language?: string;
  files?: string;
  exclude?: string;
  /** 1-based line of this hook's `- id:` item. */
  line: number;
  /** 1-based line of the repo entry (`- repo:`) this hook belongs to. */
  repoLine: number;
  /** The `str` items of `stages`, or undefined when the key is absent. */
  stages?: readonly string[];
  /** The hook mapping as loaded, for anything not lifted above. */
  raw: PyDict;
}

export interface PreCommitRepoRef {
  repo: string;
  rev: string | null;
  /** 1-based line of the `- repo:` item. */
  line: number;
  /** 1-based line of the `rev:` key, when present. */
  revLine?: number;
  hooks: PreCommitHookRef[];
  raw: PyDict;
}

export interface DuplicateKey {
  key: string;
  /** Line of the later key (the one PyYAML keeps). */
  line: number;
  /** Line of the first occurrence (the one PyYAML silently drops). */
  firstLine: number;
}

export interface PreCommitConfigParsed {
  ok: true;
  /** Every hook whose repo entry has a string `repo` and whose item is a mapping with a string `id`. */
  hooks: PreCommitHookRef[];
  /** Every repo entry that is a mapping with a string `repo`. */
  repos: PreCommitRepoRef[];
  /** The top-level keys that are strings, in order. */
  topLevelKeys: string[];
  /** The whole document as loaded. */
  root: PyDict;
  /** Keys given twice in one mapping (PyYAML keeps the last one without a word). */
  duplicateKeys: DuplicateKey[];
}

export type PreCommitParseErrorKind =
  /** The YAML does not load (syntax, bad character, undefined alias, unhashable key, ...). */
  | "yaml"
  /** It loads, but the top level is not a mapping (a list, a string, or nothing at all). */
  | "not-a-mapping";

export interface PreCommitConfigError {
  ok: false;
  error: {
    message: string;
    line?: number;
    kind: PreCommitParseErrorKind;
    /** For `not-a-mapping`: what the top level is (e.g. a list, perhaps a hook manifest). */
    root?: PyValue;
  };
}

export type PreCommitConfigResult = PreCommitConfigParsed | PreCommitConfigError;

// ---------------------------------------------------------------------------------------------
// Limits (bad input never hangs or blows the stack)

/**
 * Aliases are shared, not copied, but anything that walks the loaded tree visits an alias's
 * target each time: a "billion laughs" document is refused when walking it would visit more
 * than this many nodes beyond the ones written (the role of `yaml`'s `maxAliasCount`).
 */
export const MAX_ALIAS_EXPANSION = 100_000;
/** Deeper nesting than this is refused rather than recursed into. */
export const MAX_DEPTH = 500;

class LoadError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

// PyYAML 6's implicit resolvers (resolver.py), for plain scalars.
const RESOLVE_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const RESOLVE_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const RESOLVE_INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const RESOLVE_NULL = /^(?:~|null|Null|NULL|)$/;
const RESOLVE_TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
const TIMESTAMP_PARTS =
  /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

/**
 * Index of the first character libyaml refuses anywhere in a stream ("special characters are not
 * allowed"): anything outside TAB, LF, CR, 0x20-0x7E, NEL, 0xA0-0xD7FF, 0xE000-0xFFFD and the
 * astral planes (a lone surrogate included). -1 when there is none.
 */
function firstNonPrintable(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0d || c === 0x85) continue;
    if ((c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd)) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
    }
    return i;
  }
  return -1;
}

const YAML_TAG = "tag:yaml.org,2002:";

/** The Python type a plain scalar gets from PyYAML's resolver. */
function resolvePlain(text: string): string {
  if (RESOLVE_BOOL.test(text)) return `${YAML_TAG}bool`;
  if (RESOLVE_FLOAT.test(text)) return `${YAML_TAG}float`;
  if (RESOLVE_INT.test(text)) return `${YAML_TAG}int`;
  if (text === "<<") return `${YAML_TAG}merge`;
  if (RESOLVE_NULL.test(text)) return `${YAML_TAG}null`;
  if (RESOLVE_TIMESTAMP.test(text)) return `${YAML_TAG}timestamp`;
  if (text === "=") return `${YAML_TAG}value`;
  return `${YAML_TAG}str`;
}

function parseIntLike(text: string): number | undefined {
  let v = text.replace(/_/g, "");
  let sign = 1;
  if (v.startsWith("-")) sign = -1;
  if (v.startsWith("-") || v.startsWith("+")) v = v.slice(1);
  if (v === "0") return 0;
  if (v.startsWith("0b")) return /^[01]+$/.test(v.slice(2)) ? sign * parseInt(v.slice(2), 2) : undefined;
  if (v.startsWith("0x")) return /^[0-9a-fA-F]+$/.test(v.slice(2)) ? sign * parseInt(v.slice(2), 16) : undefined;
  if (v.startsWith("0")) return /^[0-7]+$/.test(v) ? sign * parseInt(v, 8) : undefined;
  if (v.includes(":")) {
    let total = 0;
    for (const part of v.split(":")) {
      if (!/^[0-9]+$/.test(part)) return undefined;
      total = total * 60 + parseInt(part, 10);
    }
    return sign * total;
  }
  return /^[0-9]+$/.test(v) ? sign * parseInt(v, 10) : undefined;
}

function parseFloatLike(text: string): number {
  let v = text.replace(/_/g, "").toLowerCase();
  let sign = 1;
  if (v.startsWith("-")) sign = -1;
  if (v.startsWith("-") || v.startsWith("+")) v = v.slice(1);
  if (v === ".inf") return sign * Infinity;
  if (v === ".nan") return NaN;
  if (v.includes(":")) {
    let total = 0;
    for (const part of v.split(":")) total = total * 60 + Number(part);
    return sign * total;
  }
  return sign * Number(v);
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `date`/`datetime` as PyYAML builds them; undefined when Python's datetime would refuse it. */
function timestampKind(text: string): "date" | "datetime" | undefined {
  const m = TIMESTAMP_PARTS.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  if (day > (month === 2 && !leap ? 28 : (DAYS[month - 1] ?? 31))) return undefined;
  if (m[4] === undefined) return "date";
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return undefined;
  if (m[10] !== undefined && Number(m[10]) * 60 + Number(m[11] ?? 0) >= 24 * 60) return undefined;
  return "datetime";
}

function pyTypeLabel(node: YamlNode): string {
  if (isMap(node)) return "mapping";
  if (isSeq(node)) return "sequence";
  return "scalar";
}

// ---------------------------------------------------------------------------------------------
// Loading

interface Loader {
  lines: LineCounter;
  anchors: Map<string, YamlNode>;
  built: Map<YamlNode, PyValue>;
  /** Nodes whose value is being built (an alias to one of them is a recursive structure). */
  building: Set<YamlNode>;
  /** Expanded size (nodes a full walk visits) of each built collection. */
  sizes: Map<PyValue, number>;
  written: number;
  nanKeys: number;
  duplicates: DuplicateKey[];
}

function lineOf(ld: Loader, node: { range?: readonly number[] | null } | null | undefined, fallback: number): number {
  const start = node?.range?.[0];
  return typeof start === "number" ? ld.lines.linePos(start).line : fallback;
}

function sizeOf(ld: Loader, v: PyValue): number {
  return ld.sizes.get(v) ?? 1;
}

function scalarText(node: YamlNode): string {
  if (isScalar(node)) {
    if (typeof node.source === "string") return node.source;
    return node.value === null || node.value === undefined ? "" : String(node.value);
  }
  return "";
}

function buildScalar(node: YamlNode, tag: string, line: number): PyValue {
  const text = scalarText(node);
  const short = tag.startsWith(YAML_TAG) ? tag.slice(YAML_TAG.length) : tag;
  switch (short) {
    case "str":
      return { kind: "str", value: text, line };
    case "bool": {
      const lower = text.toLowerCase();
      if (lower === "yes" || lower === "true" || lower === "on") return { kind: "bool", value: true, line };
      if (lower === "no" || lower === "false" || lower === "off") return { kind: "bool", value: false, line };
      throw new LoadError(`'${text}' is not a boolean`, line);
    }
    case "int": {
      const value = parseIntLike(text);
      if (value === undefined) throw new LoadError(`invalid literal for int(): '${text}'`, line);
      return { kind: "int", value, text, line };
    }
    case "float": {
      const value = parseFloatLike(text);
      if (Number.isNaN(value) && !/nan/i.test(text)) throw new LoadError(`could not convert string to float: '${text}'`, line);
      return { kind: "float", value, text, line };
    }
    case "null":
      return { kind: "NoneType", line };
    case "timestamp": {
      const kind = timestampKind(text);
      if (!kind) throw new LoadError(`'${text}' is not a valid date or time`, line);
      return { kind, text, line };
    }
    case "binary":
      return { kind: "bytes", text: "b'...'", line };
    default:
      throw new LoadError(`could not determine a constructor for the tag '${tag}'`, line);
  }
}

/** The node's explicit tag; libyaml's non-specific `!` resolves like no tag at all. */
function explicitTag(node: YamlNode): string | undefined {
  const tag = node.tag;
  if (typeof tag !== "string" || tag === "" || tag === "!") return undefined;
  return tag;
}

function build(ld: Loader, node: YamlNode | null | undefined, fallbackLine: number, depth: number): PyValue {
  if (depth > MAX_DEPTH) throw new LoadError(`the document nests more than ${MAX_DEPTH} levels deep`, fallbackLine);
  if (node === null || node === undefined) return { kind: "NoneType", line: fallbackLine };
  const line = lineOf(ld, node, fallbackLine);
  if (isAlias(node)) {
    const target = ld.anchors.get(node.source);
    if (!target) throw new LoadError(`found undefined alias '${node.source}'`, line);
    if (ld.building.has(target)) {
      throw new LoadError(`alias '${node.source}' refers to a node that contains it (a recursive structure)`, line);
    }
    const value = ld.built.get(target);
    if (!value) throw new LoadError(`found undefined alias '${node.source}'`, line);
    return value;
  }
  ld.written += 1;
  const anchor = "anchor" in node && typeof node.anchor === "string" && node.anchor !== "" ? node.anchor : undefined;
  if (anchor !== undefined) {
    if (ld.anchors.has(anchor)) throw new LoadError(`found duplicate anchor '${anchor}'`, line);
    ld.anchors.set(anchor, node);
    ld.building.add(node);
  }
  const value = buildNode(ld, node, line, depth);
  if (anchor !== undefined) {
    ld.building.delete(node);
    ld.built.set(node, value);
  }
  return value;
}

function buildNode(ld: Loader, node: YamlNode, line: number, depth: number): PyValue {
  const tag = explicitTag(node);
  if (isScalar(node)) {
    if (tag === undefined) {
      return buildScalar(node, node.type === "PLAIN" ? resolvePlain(scalarText(node)) : `${YAML_TAG}str`, line);
    }
    if (tag === `${YAML_TAG}seq` || tag === `${YAML_TAG}map` || tag === `${YAML_TAG}set` || tag.endsWith(":omap") || tag.endsWith(":pairs")) {
      throw new LoadError(`expected a ${tag.slice(YAML_TAG.length)} node, but found scalar`, line);
    }
    return buildScalar(node, tag, line);
  }
  if (isSeq(node)) {
    if (tag !== undefined && tag !== `${YAML_TAG}seq` && tag !== `${YAML_TAG}omap` && tag !== `${YAML_TAG}pairs`) {
      throw new LoadError(`could not construct the tag '${tag}' from a ${pyTypeLabel(node)}`, line);
    }
    const items: PyValue[] = [];
    const itemLines: number[] = [];
    let size = 1;
    const tupleTag = tag === `${YAML_TAG}omap` || tag === `${YAML_TAG}pairs`;
    for (const item of node.items) {
      const itemLine = lineOf(ld, isPair(item) ? (item.key as YamlNode | null) : (item as YamlNode | null), line);
      if (tupleTag) {
        // `!!omap` / `!!pairs`: a list of (key, value) tuples from single-pair mappings.
        const pair = isPair(item) ? item : isMap(item) && item.items.length === 1 ? item.items[0] : undefined;
        if (!isPair(pair)) throw new LoadError(`expected a single mapping item in ${tag.slice(YAML_TAG.length)}`, itemLine);
        const k = build(ld, pair.key as YamlNode | null, itemLine, depth + 1);
        const v = build(ld, pair.value as YamlNode | null, itemLine, depth + 1);
        items.push({ kind: "tuple", items: [k, v], itemLines: [itemLine, itemLine], line: itemLine });
        itemLines.push(itemLine);
        size += 1 + sizeOf(ld, k) + sizeOf(ld, v);
        checkExpansion(ld, size, line);
        continue;
      }
      if (isPair(item)) {
        // `[a: 1]`: a flow sequence item that is a single-pair mapping.
        const dict = buildMapping(ld, [item as Pair<YamlNode | null, YamlNode | null>], itemLine, depth + 1);
        items.push(dict);
        itemLines.push(itemLine);
        size += sizeOf(ld, dict);
        checkExpansion(ld, size, line);
        continue;
      }
      const v = build(ld, item as YamlNode | null, itemLine, depth + 1);
      items.push(v);
      size += sizeOf(ld, v);
      itemLines.push(itemLine);
      checkExpansion(ld, size, line);
    }
    const list: PyList = { kind: "list", items, itemLines, line };
    ld.sizes.set(list, size);
    return list;
  }
  if (isMap(node)) {
    const asSet = tag === `${YAML_TAG}set`;
    if (tag !== undefined && tag !== `${YAML_TAG}map` && !asSet) {
      throw new LoadError(`could not construct the tag '${tag}' from a ${pyTypeLabel(node)}`, line);
    }
    const dict = buildMapping(ld, node.items as Pair<YamlNode | null, YamlNode | null>[], line, depth);
    if (asSet) {
      const set: PyList = { kind: "set", items: dict.entries.map((e) => e.key), itemLines: dict.entries.map((e) => e.keyLine), line };
      ld.sizes.set(set, sizeOf(ld, dict));
      return set;
    }
    return dict;
  }
  throw new LoadError("unsupported YAML node", line);
}

function checkExpansion(ld: Loader, size: number, line: number): void {
  if (size - ld.written > MAX_ALIAS_EXPANSION) {
    throw new LoadError(
      `aliases expand this document to more than ${MAX_ALIAS_EXPANSION} extra nodes (a resource exhaustion attack?)`,
      line,
    );
  }
}

/** Identity of a hashable key under Python's equality (1 == 1.0 == True); undefined if unhashable. */
function keyIdentity(ld: Loader, v: PyValue): string | undefined {
  switch (v.kind) {
    case "str":
      return `s:${v.value}`;
    case "int":
    case "float":
      // NaN != NaN: every NaN key is a key of its own.
      return Number.isNaN(v.value) ? `nan:${(ld.nanKeys += 1)}` : `n:${v.value}`;
    case "bool":
      return `n:${v.value ? 1 : 0}`;
    case "NoneType":
      return "none";
    case "date":
    case "datetime":
    case "bytes":
      return `${v.kind}:${v.text}`;
    case "tuple": {
      const parts: string[] = [];
      for (const i of v.items) {
        const id = keyIdentity(ld, i);
        if (id === undefined) return undefined;
        parts.push(id);
      }
      return `t:(${parts.join(",")})`;
    }
    default:
      return undefined;
  }
}

function keyLabel(v: PyValue): string {
  return v.kind === "str" ? v.value : pyRepr(v);
}

function isMergeKey(node: YamlNode | null): boolean {
  if (!isScalar(node)) return false;
  const tag = explicitTag(node);
  if (tag === `${YAML_TAG}merge`) return true;
  return tag === undefined && node.type === "PLAIN" && scalarText(node) === "<<";
}

/**
 * `: value` with no key and no `?` indicator: the yaml package reads an empty key, libyaml
 * refuses it ("while parsing a block mapping"). `? \n: value` (an explicit empty key) is fine.
 */
function isImplicitEmptyKey(pair: Pair<YamlNode | null, YamlNode | null>): boolean {
  const key = pair.key;
  if (key !== null && !(isScalar(key) && key.type === "PLAIN" && scalarText(key) === "" && !key.tag && !key.anchor)) return false;
  const src = pair.srcToken as { start?: readonly { type: string }[] } | undefined;
  return !(src?.start ?? []).some((t) => t.type === "explicit-key-ind");
}

interface RawEntry {
  key: PyValue;
  value: PyValue;
  keyLine: number;
  valueLine: number;
  merged: boolean;
}

function buildMapping(ld: Loader, pairs: Pair<YamlNode | null, YamlNode | null>[], line: number, depth: number): PyDict {
  // PyYAML's flatten_mapping: merged entries come first (a later merge source loses to an
  // earlier one), then the mapping's own entries, which win over anything merged.
  const merged: RawEntry[] = [];
  const own: RawEntry[] = [];
  for (const pair of pairs) {
    if (!isPair(pair)) continue;
    const keyLine = lineOf(ld, pair.key, line);
    if (isImplicitEmptyKey(pair)) throw new LoadError("expected a mapping key before ':'", keyLine);
    if (isMergeKey(pair.key)) {
      const valueLine = lineOf(ld, pair.value, keyLine);
      const source = build(ld, pair.value, keyLine, depth + 1);
      const sources: PyDict[] = [];
      if (source.kind === "dict") sources.push(source);
      else if (source.kind === "list") {
        for (const s of source.items) {
          if (s.kind !== "dict") throw new LoadError(`expected a mapping for merging, but found ${s.kind}`, valueLine);
          sources.push(s);
        }
      } else throw new LoadError(`expected a mapping or list of mappings for merging, but found ${source.kind}`, valueLine);
      const batch: RawEntry[] = [];
      for (const s of [...sources].reverse()) {
        for (const e of s.entries) batch.push({ key: e.key, value: e.value, keyLine, valueLine, merged: true });
      }
      merged.push(...batch);
      continue;
    }
    const key = build(ld, pair.key, keyLine, depth + 1);
    const valueLine = lineOf(ld, pair.value, keyLine);
    const value = build(ld, pair.value, valueLine, depth + 1);
    own.push({ key, value, keyLine, valueLine, merged: false });
  }
  const entries: PyEntry[] = [];
  const index = new Map<string, PyEntry>();
  const ownSeen = new Map<string, number>();
  let size = 1;
  for (const raw of [...merged, ...own]) {
    const id = keyIdentity(ld, raw.key);
    if (id === undefined) throw new LoadError("found unhashable key", raw.keyLine);
    if (!raw.merged) {
      const first = ownSeen.get(id);
      if (first !== undefined) ld.duplicates.push({ key: keyLabel(raw.key), line: raw.keyLine, firstLine: first });
      else ownSeen.set(id, raw.keyLine);
    }
    const existing = index.get(id);
    if (existing) {
      size -= sizeOf(ld, existing.value);
      existing.value = raw.value;
      existing.keyLine = raw.keyLine;
      existing.valueLine = raw.valueLine;
    } else {
      const entry: PyEntry = { key: raw.key, value: raw.value, keyLine: raw.keyLine, valueLine: raw.valueLine };
      index.set(id, entry);
      entries.push(entry);
      size += sizeOf(ld, raw.key);
    }
    size += sizeOf(ld, raw.value);
    checkExpansion(ld, size, line);
  }
  const dict: PyDict = { kind: "dict", entries, line };
  ld.sizes.set(dict, size);
  return dict;
}

/**
 * Where libyaml refuses a tab that the yaml package lets through: outside flow collections, a tab
 * cannot start a line's indentation, follow a `-` or `?` indicator, or start a line of a plain
 * or block scalar ("found character '\t' that cannot start any token"). Returns the offset of
 * the offending tab, or -1. (Tabs inside quoted scalars, flow collections and after `:` are fine.)
 */
function libyamlTabOffset(text: string): number {
  if (!text.includes("\t")) return -1;
  let offset = 0;
  let flow = 0;
  let atLineStart = true;
  let prev: string | null = null;
  let scalarNext = false;
  let blockNext = false;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (scalarNext) {
      // The source of a scalar: plain and block scalars may not continue a line with a tab.
      const quoted = token.startsWith('"') || token.startsWith("'");
      if (!quoted) {
        const bad = blockNext ? token.search(/(?:^|\n)\t/) : token.search(/\n\t/);
        if (bad >= 0) return offset + bad + (token[bad] === "\n" ? 1 : 0);
      }
      scalarNext = false;
      blockNext = false;
    } else if (type === "scalar") {
      scalarNext = true;
    } else if (type === "block-scalar-header") {
      blockNext = true;
    } else if (type === "flow-map-start" || type === "flow-seq-start") {
      flow += 1;
    } else if ((type === "flow-map-end" || type === "flow-seq-end") && flow > 0) {
      flow -= 1;
    } else if (type === "space" && flow === 0 && token.includes("\t")) {
      if (atLineStart && token.startsWith("\t")) return offset;
      if (prev === "seq-item-ind" || prev === "explicit-key-ind") return offset + token.indexOf("\t");
    } else if (type === null && flow === 0 && atLineStart && token.startsWith("\t")) {
      return offset;
    }
    if (type !== "scalar" && type !== "doc-mode") {
      atLineStart = type === "newline";
      prev = type;
    }
    // Marker tokens (scalar, doc-mode, flow-error-end) are not in the source.
    if (type !== "scalar" && type !== "doc-mode" && type !== "flow-error-end") offset += token.length;
  }
  return -1;
}

/** Loads YAML text as PyYAML's safe loader would; throws LoadError on what it would refuse. */
export function loadPyYaml(text: string): { root: PyValue; duplicateKeys: DuplicateKey[] } {
  const lines = new LineCounter();
  const bad = firstNonPrintable(text);
  if (bad >= 0) {
    let line = 1;
    for (let i = 0; i < bad; i++) if (text.charCodeAt(i) === 10) line += 1;
    const code = text.charCodeAt(bad);
    throw new LoadError(`unacceptable character #x${code.toString(16).padStart(4, "0")}: special characters are not allowed`, line);
  }
  const tab = libyamlTabOffset(text);
  if (tab >= 0) {
    let line = 1;
    for (let i = 0; i < tab; i++) if (text.charCodeAt(i) === 10) line += 1;
    throw new LoadError("found a tab character that cannot start any token (indent with spaces)", line);
  }
  const doc = parseDocument(text, {
    version: "1.1",
    uniqueKeys: false,
    merge: false,
    lineCounter: lines,
    prettyErrors: true,
    keepSourceTokens: true,
  });
  const first = doc.errors[0];
  if (first) {
    const message = first.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "YAML syntax error";
    throw new LoadError(message, first.linePos?.[0]?.line);
  }
  const ld: Loader = {
    lines,
    anchors: new Map(),
    built: new Map(),
    building: new Set(),
    sizes: new Map(),
    written: 0,
    nanKeys: 0,
    duplicates: [],
  };
  const root = build(ld, doc.contents as YamlNode | null, 1, 0);
  return { root, duplicateKeys: ld.duplicates };
}

// ---------------------------------------------------------------------------------------------
// pre-commit's view

export function parsePreCommitConfig(text: string): PreCommitConfigResult {
  let loaded: { root: PyValue; duplicateKeys: DuplicateKey[] };
  try {
    loaded = loadPyYaml(text);
  } catch (err) {
    if (err instanceof LoadError) {
      const error: PreCommitConfigError["error"] = { message: err.message, kind: "yaml" };
      if (err.line !== undefined) error.line = err.line;
      return { ok: false, error };
    }
    const message = err instanceof RangeError ? "the document nests too deeply to read" : `the YAML could not be read: ${String(err)}`;
    return { ok: false, error: { message, kind: "yaml" } };
  }
  const { root, duplicateKeys } = loaded;
  if (root.kind !== "dict") {
    return {
      ok: false,
      error: { message: `Expected a Config map but got a ${root.kind}`, line: root.line, kind: "not-a-mapping", root },
    };
  }
  const repos: PreCommitRepoRef[] = [];
  const hooks: PreCommitHookRef[] = [];
  const reposValue = pyGet(root, "repos")?.value;
  if (reposValue?.kind === "list") {
    reposValue.items.forEach((item, i) => {
      if (item.kind !== "dict") return;
      const repo = pyGetString(item, "repo");
      if (repo === undefined) return;
      const repoLine = reposValue.itemLines[i] ?? item.line;
      const revEntry = pyGet(item, "rev");
      const rev = revEntry?.value.kind === "str" && repo !== "local" && repo !== "meta" ? revEntry.value.value : null;
      const ref: PreCommitRepoRef = { repo, rev, line: repoLine, hooks: [], raw: item };
      if (revEntry) ref.revLine = revEntry.keyLine;
      const hooksValue = pyGet(item, "hooks")?.value;
      if (hooksValue?.kind === "list") {
        hooksValue.items.forEach((h, j) => {
          if (h.kind !== "dict") return;
          const id = pyGetString(h, "id");
          if (id === undefined) return;
          const hook: PreCommitHookRef = {
            repo,
            rev,
            id,
            args: pyGetStrings(h, "args"),
            line: hooksValue.itemLines[j] ?? h.line,
            repoLine,
            raw: h,
          };
          for (const key of ["entry", "name", "language", "files", "exclude"] as const) {
            const v = pyGetString(h, key);
            if (v !== undefined) hook[key] = v;
          }
          if (pyGet(h, "stages")) hook.stages = pyGetStrings(h, "stages");
          ref.hooks.push(hook);
          hooks.push(hook);
        });
      }
      repos.push(ref);
    });
  }
  const topLevelKeys = root.entries.flatMap((e) => (e.key.kind === "str" ? [e.key.value] : []));
  return { ok: true, hooks, repos, topLevelKeys, root, duplicateKeys };
}
