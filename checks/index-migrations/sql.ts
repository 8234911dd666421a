/**
 * PostgreSQL statements -> index operations, with the real parser (libpg-query, WASM).
 *
 * libpg-query reports UTF-8 byte offsets (`stmt_location`, node `location`), so the text is
 * encoded once and lines are counted on the bytes. A text that does not parse as a whole is split
 * at top-level semicolons with the PostgreSQL scanner and parsed statement by statement, so one
 * unknown statement neither hides the others nor fails the file.
 */
import { loadModule, parseSync, scanSync } from "libpg-query";
import type { Constraint, Node, RangeVar, RawStmt, ScanToken } from "libpg-query";
import { ByteLines, codePointToByte, fromUtf8, utf8 } from "./lines.js";
import { NO_TX, type IndexKey, type Op, type TableRef, type TxContext } from "./model.js";

let loading: Promise<void> | null = null;

/** Loads the WASM parser once per process. */
export function loadPostgresParser(): Promise<void> {
  loading ??= loadModule();
  return loading;
}

/** How a runner sends a SQL text to the server. */
export interface SqlRunMode {
  /** The transaction the runner wraps the whole text in (`none` when it does not). */
  readonly wrap: TxContext;
  /** Set when the text goes to the server as one query string (an implicit transaction when it holds several statements). */
  readonly oneQuery: string | null;
  /** Flyway: non-transactional statements are auto-detected; mixing them with others fails unless `mixed`. */
  readonly flyway?: { readonly mixed: boolean };
}

export const PSQL_MODE: SqlRunMode = { wrap: NO_TX, oneQuery: null };

export interface SqlAnalysis {
  readonly ops: Op[];
  /** Statements found (parsed or not). */
  readonly statements: number;
  /** Set when statements that do not parse carry another dialect's syntax (MySQL, SQLite). */
  readonly foreignDialect: string | null;
  /** `-- squawk-ignore-file` rules ("all" when no rule is named). */
  readonly ignoreFile: "all" | readonly string[] | null;
}

interface Stmt {
  readonly node: Node | null;
  readonly start: number;
  readonly end: number;
  /** Parse error of a statement that does not parse: message and byte offset. */
  readonly error?: { readonly message: string; readonly offset: number };
}

/** squawk rule names, used for `squawk-ignore` comments and the differential tests. */
export const SQUAWK_RULES = {
  create: "require-concurrent-index-creation",
  createInTx: "ban-concurrent-index-creation-in-transaction",
  drop: "require-concurrent-index-deletion",
  reindex: "require-concurrent-reindex",
  constraint: "disallowed-unique-constraint",
} as const;

const FOREIGN_DIALECT: readonly [RegExp, string][] = [
  [/`|\bENGINE\s*=|\bAUTO_INCREMENT\b|\bUNSIGNED\b|\bDEFAULT\s+CHARSET\b|\bON\s+UPDATE\s+CURRENT_TIMESTAMP\b/i, "MySQL"],
  [/\bAUTOINCREMENT\b|\bPRAGMA\b|\bWITHOUT\s+ROWID\b/i, "SQLite"],
  [/\bIDENTITY\s*\(\s*\d+\s*,\s*\d+\s*\)|\bNVARCHAR\s*\(\s*MAX\s*\)|\b(NON)?CLUSTERED\b|^\s*GO\s*$/im, "SQL Server"],
];

/**
 * Words without which SQL cannot build, drop or rebuild an index, create a partitioned table or run
 * dynamic SQL. A text without any of them is not parsed (parsing is the costly part of a repository
 * with thousands of migrations); it cannot change the verdict.
 */
export function mayMatter(text: string): boolean {
  return /index|unique|primary|partition|\bdo\b|\$\$|execute|concurrently|squawk/i.test(text);
}

/**
 * Parses `text` (a whole migration, or the SQL of one framework call) and returns its index
 * operations. `firstLine` is the host-file line of the text's first line.
 */
export function analyzeSql(text: string, mode: SqlRunMode, firstLine = 1): SqlAnalysis {
  const bytes = utf8(text);
  const lines = new ByteLines(bytes);
  const stmts = splitStatements(text, bytes);
  const lineOf = (offset: number) => lines.line(offset) + firstLine - 1;

  const ignores = text.includes("squawk-ignore") ? readIgnores(text, lines, firstLine) : null;
  const ops: Op[] = [];
  let foreignDialect: string | null = null;

  const nonTxKinds = stmts.filter((s) => s.node && isNonTransactional(s.node)).length;
  const flywayMixes = mode.flyway !== undefined && !mode.flyway.mixed && nonTxKinds > 0 && stmts.length > nonTxKinds;

  let openedAt: number | null = null;
  for (const stmt of stmts) {
    const line = lineOf(firstCodeByte(bytes, stmt.start, stmt.end));
    const endLine = lineOf(Math.max(stmt.start, lastCodeByte(bytes, stmt.start, stmt.end)));
    if (!stmt.node) {
      const chunk = fromUtf8(bytes.subarray(stmt.start, stmt.end));
      for (const [re, dialect] of FOREIGN_DIALECT) if (!foreignDialect && re.test(chunk)) foreignDialect = dialect;
      const errLine = stmt.error ? lineOf(stmt.error.offset) : line;
      ops.push({
        kind: "parse-error",
        line: errLine,
        detail: stmt.error?.message ?? "the statement does not parse",
        evidence: nonConcurrentCreateIn(chunk),
      });
      continue;
    }
    const node = stmt.node;
    if ("TransactionStmt" in node) {
      const kind = node.TransactionStmt.kind;
      if (kind === "TRANS_STMT_BEGIN" || kind === "TRANS_STMT_START") openedAt ??= line;
      else if (
        (kind === "TRANS_STMT_COMMIT" || kind === "TRANS_STMT_ROLLBACK") &&
        node.TransactionStmt.chain !== true
      )
        openedAt = null;
      else if (kind === "TRANS_STMT_PREPARE") openedAt = null;
      continue;
    }
    const tx = (): TxContext => {
      if (openedAt !== null)
        return {
          kind: "tx",
          why: `it runs inside the transaction opened by BEGIN on line ${openedAt}`,
          fix: "Move it after the COMMIT, or into a migration of its own without BEGIN/COMMIT",
        };
      if (mode.wrap.kind === "tx") return mode.wrap;
      if (flywayMixes)
        return {
          kind: "tx",
          why: "Flyway refuses a migration that mixes non-transactional statements (CONCURRENTLY) with others while mixed=false",
          fix: "Put the CONCURRENTLY statement alone in its own migration, or set flyway.mixed=true",
        };
      if (mode.oneQuery !== null && stmts.length > 1)
        return {
          kind: "tx",
          why: `${mode.oneQuery} sends the whole file as one query string, which PostgreSQL runs as one implicit transaction`,
          fix: "Put the CONCURRENTLY statement alone in its own migration file",
        };
      if (mode.wrap.kind === "unknown" && stmts.length > 1) return mode.wrap;
      return NO_TX;
    };
    const before = ops.length;
    statementOps(node, { line, endLine, lineOf, tx }, ops);
    if (ignores) {
      for (let i = before; i < ops.length; i++) {
        const op = ops[i];
        if (!op) continue;
        const ack = ignores.get(op.line);
        if (ack) ops[i] = { ...op, acknowledged: ack };
      }
    }
  }

  return {
    ops,
    statements: stmts.length,
    foreignDialect,
    ignoreFile: ignores?.file ?? null,
  };
}

interface StmtContext {
  readonly line: number;
  readonly endLine: number;
  readonly lineOf: (byteOffset: number) => number;
  readonly tx: () => TxContext;
}

function statementOps(node: Node, c: StmtContext, ops: Op[]): void {
  const at = c.endLine !== c.line ? { line: c.line, endLine: c.endLine } : { line: c.line };
  if ("IndexStmt" in node) {
    const s = node.IndexStmt;
    const keys: IndexKey[] = (s.indexParams ?? []).map((p) =>
      "IndexElem" in p && typeof p.IndexElem.name === "string" ? p.IndexElem.name : null,
    );
    ops.push({
      kind: "create-index",
      ...at,
      source: `CREATE ${s.unique ? "UNIQUE " : ""}INDEX`,
      table: tableOf(s.relation),
      name: s.idxname ?? null,
      concurrent: s.concurrent === true,
      keys,
      unique: s.unique === true,
      partial: s.whereClause !== undefined,
      onlyParent: s.relation !== undefined && s.relation.inh !== true,
      ifNotExists: s.if_not_exists === true,
      tx: c.tx(),
      method: s.accessMethod ?? "btree",
    });
    return;
  }
  if ("DropStmt" in node) {
    const s = node.DropStmt;
    if (s.removeType === "OBJECT_INDEX") {
      ops.push({
        kind: "drop-index",
        ...at,
        source: "DROP INDEX",
        names: (s.objects ?? []).map(qualifiedName),
        concurrent: s.concurrent === true,
        cascade: s.behavior === "DROP_CASCADE",
        ifExists: s.missing_ok === true,
        tx: c.tx(),
      });
    } else if (s.removeType === "OBJECT_TABLE") {
      const tables = (s.objects ?? []).map(qualifiedName).map(parseQualified);
      ops.push({ kind: "drop-table", ...at, tables });
    }
    return;
  }
  if ("ReindexStmt" in node) {
    const s = node.ReindexStmt;
    const concurrent = (s.params ?? []).some(
      (p) => "DefElem" in p && p.DefElem.defname === "concurrently" && !isFalse(p.DefElem.arg),
    );
    const target = s.relation ? rangeText(s.relation) : (s.name ?? "");
    ops.push({ kind: "reindex", ...at, source: "REINDEX", target, concurrent, tx: c.tx() });
    return;
  }
  if ("CreateStmt" in node) {
    const s = node.CreateStmt;
    const table = tableOf(s.relation);
    if (!table) return;
    const keys: string[][] = [];
    for (const elt of s.tableElts ?? []) {
      if ("ColumnDef" in elt) {
        const col = elt.ColumnDef.colname ?? "";
        for (const cn of elt.ColumnDef.constraints ?? []) {
          if (!("Constraint" in cn)) continue;
          const k = cn.Constraint;
          if (k.contype === "CONSTR_PRIMARY" || k.contype === "CONSTR_UNIQUE") keys.push([col]);
          if (k.contype === "CONSTR_FOREIGN")
            ops.push({ kind: "foreign-key", line: lineAt(c, k.location), table, columns: [col], name: k.conname ?? null });
        }
      } else if ("Constraint" in elt) {
        const k = elt.Constraint;
        if (k.contype === "CONSTR_PRIMARY" || k.contype === "CONSTR_UNIQUE") keys.push(names(k.keys));
        if (k.contype === "CONSTR_FOREIGN")
          ops.push({ kind: "foreign-key", line: lineAt(c, k.location), table, columns: names(k.fk_attrs), name: k.conname ?? null });
      }
    }
    // The table op goes first so that its own foreign keys find it.
    ops.splice(ops.length - countTrailingFks(ops, table), 0, {
      kind: "create-table",
      ...at,
      table,
      partitioned: s.partspec !== undefined,
      keys,
    });
    return;
  }
  if ("CreateTableAsStmt" in node) {
    const table = tableOf(node.CreateTableAsStmt.into?.rel);
    if (table) ops.push({ kind: "create-table", ...at, table, partitioned: false, keys: [] });
    return;
  }
  if ("SelectStmt" in node) {
    const table = tableOf(node.SelectStmt.intoClause?.rel);
    if (table) ops.push({ kind: "create-table", ...at, table, partitioned: false, keys: [] });
    return;
  }
  if ("AlterTableStmt" in node) {
    const s = node.AlterTableStmt;
    if (s.objtype !== undefined && s.objtype !== "OBJECT_TABLE") return;
    const table = tableOf(s.relation);
    if (!table) return;
    for (const cmdNode of s.cmds ?? []) {
      if (!("AlterTableCmd" in cmdNode)) continue;
      const cmd = cmdNode.AlterTableCmd;
      if (cmd.subtype === "AT_AddConstraint" && cmd.def && "Constraint" in cmd.def) {
        constraintOps(cmd.def.Constraint, table, names(cmd.def.Constraint.keys), c, ops);
      } else if (cmd.subtype === "AT_AddColumn" && cmd.def && "ColumnDef" in cmd.def) {
        const col = cmd.def.ColumnDef.colname ?? "";
        for (const cn of cmd.def.ColumnDef.constraints ?? []) {
          if ("Constraint" in cn) constraintOps(cn.Constraint, table, [col], c, ops);
        }
      }
    }
    return;
  }
  if ("DoStmt" in node) {
    for (const arg of node.DoStmt.args ?? []) {
      if (!("DefElem" in arg) || arg.DefElem.defname !== "as") continue;
      const body = arg.DefElem.arg && "String" in arg.DefElem.arg ? (arg.DefElem.arg.String.sval ?? "") : "";
      doBodyOps(body, at, ops);
    }
  }
}

function constraintOps(k: Constraint, table: TableRef, keyColumns: string[], c: StmtContext, ops: Op[]): void {
  const line = lineAt(c, k.location);
  if (k.contype === "CONSTR_UNIQUE" || k.contype === "CONSTR_PRIMARY") {
    ops.push({
      kind: "constraint-index",
      line,
      source: k.contype === "CONSTR_UNIQUE" ? "ADD CONSTRAINT ... UNIQUE" : "ADD CONSTRAINT ... PRIMARY KEY",
      table,
      constraint: k.contype === "CONSTR_UNIQUE" ? "UNIQUE" : "PRIMARY KEY",
      columns: keyColumns,
      usingIndex: typeof k.indexname === "string",
    });
  } else if (k.contype === "CONSTR_FOREIGN") {
    const cols = k.fk_attrs && k.fk_attrs.length > 0 ? names(k.fk_attrs) : keyColumns;
    ops.push({ kind: "foreign-key", line, table, columns: cols, name: k.conname ?? null });
  }
}

function countTrailingFks(ops: readonly Op[], table: TableRef): number {
  let n = 0;
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i];
    if (op?.kind === "foreign-key" && op.table === table) n++;
    else break;
  }
  return n;
}

function lineAt(c: StmtContext, location: number | undefined): number {
  return typeof location === "number" && location >= 0 ? c.lineOf(location) : c.line;
}

/**
 * A `DO` body is a string to the SQL parser. Scan it (PL/pgSQL shares SQL's lexer) for index
 * statements, also inside string literals given to EXECUTE: CONCURRENTLY there is a PostgreSQL
 * error; any other index statement is dynamic and cannot be judged.
 */
function doBodyOps(body: string, at: { line: number; endLine?: number }, ops: Op[]): void {
  const found = scanIndexWords(body, 0);
  if (found.concurrent) {
    ops.push({ kind: "concurrent-in-function", ...at, detail: `${found.concurrent} (in a DO block)` });
  } else if (found.plain) {
    ops.push({ kind: "dynamic", ...at, detail: `a DO block runs ${found.plain}` });
  } else if (found.executesIndexText) {
    ops.push({ kind: "dynamic", ...at, detail: "a DO block builds index SQL in a string (EXECUTE)" });
  }
}

interface IndexWords {
  concurrent: string | null;
  plain: string | null;
  executesIndexText: boolean;
}

function scanIndexWords(text: string, depth: number): IndexWords {
  const out: IndexWords = { concurrent: null, plain: null, executesIndexText: false };
  let tokens: ScanToken[];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return out;
  }
  const words = tokens.map((t) => (t.tokenName === "SCONST" || t.tokenName.endsWith("COMMENT") ? "" : t.text.toLowerCase()));
  for (let i = 0; i < tokens.length; i++) {
    const w = words[i];
    if (w === "create" || w === "drop" || w === "reindex") {
      let j = i + 1;
      if (words[j] === "unique") j++;
      const isIndex = w === "reindex" || words[j] === "index";
      if (!isIndex) continue;
      const next = w === "reindex" ? words.slice(j, j + 4) : [words[j + 1]];
      const label = `${w.toUpperCase()}${w === "reindex" ? "" : " INDEX"}`;
      if (next.includes("concurrently")) out.concurrent ??= `${label} CONCURRENTLY`;
      else out.plain ??= label;
    }
    const token = tokens[i];
    if (token && token.tokenName === "SCONST" && depth < 2 && /index/i.test(token.text)) {
      const inner = scanIndexWords(unquote(token.text), depth + 1);
      out.concurrent ??= inner.concurrent;
      if (inner.plain || inner.concurrent) out.executesIndexText = true;
    }
  }
  return out;
}

function unquote(literal: string): string {
  if (literal.startsWith("'") && literal.endsWith("'")) return literal.slice(1, -1).replace(/''/g, "'");
  const m = /^(\$[^$]*\$)([\s\S]*)\1$/.exec(literal);
  if (m) return m[2] ?? "";
  return literal;
}

/** Statements that Flyway runs outside a transaction (its PostgreSQL parser detects them). */
function isNonTransactional(node: Node): boolean {
  if ("IndexStmt" in node) return node.IndexStmt.concurrent === true;
  if ("DropStmt" in node) return node.DropStmt.concurrent === true;
  if ("ReindexStmt" in node)
    return (node.ReindexStmt.params ?? []).some((p) => "DefElem" in p && p.DefElem.defname === "concurrently");
  return "VacuumStmt" in node || "CreatedbStmt" in node || "DropdbStmt" in node || "AlterSystemStmt" in node;
}

function isFalse(arg: Node | undefined): boolean {
  if (!arg) return false;
  if ("Boolean" in arg) return arg.Boolean.boolval !== true;
  if ("String" in arg) return /^(false|off|0)$/i.test(arg.String.sval ?? "");
  if ("Integer" in arg) return arg.Integer.ival === 0 || arg.Integer.ival === undefined;
  return false;
}

function tableOf(rel: RangeVar | undefined): TableRef | null {
  if (!rel || typeof rel.relname !== "string") return null;
  return { schema: rel.schemaname ?? "public", name: rel.relname };
}

function rangeText(rel: RangeVar): string {
  return rel.schemaname ? `${rel.schemaname}.${rel.relname ?? ""}` : (rel.relname ?? "");
}

function names(list: Node[] | undefined): string[] {
  return (list ?? []).map((n) => ("String" in n ? (n.String.sval ?? "") : "?"));
}

function qualifiedName(n: Node): string {
  if ("List" in n) return names(n.List.items).join(".");
  if ("String" in n) return n.String.sval ?? "";
  return "?";
}

function parseQualified(q: string): TableRef {
  const parts = q.split(".");
  const name = parts[parts.length - 1] ?? q;
  return { schema: parts.length > 1 ? (parts[parts.length - 2] ?? "public") : "public", name };
}

/** First byte of real code in [start, end): skips whitespace and comments. */
function firstCodeByte(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c) i++;
    else if (b === 0x2d && bytes[i + 1] === 0x2d) {
      while (i < end && bytes[i] !== 0x0a) i++;
    } else if (b === 0x2f && bytes[i + 1] === 0x2a) {
      const close = findBlockEnd(bytes, i + 2, end);
      i = close;
    } else return i;
  }
  return start;
}

function findBlockEnd(bytes: Uint8Array, from: number, end: number): number {
  let depth = 1;
  let i = from;
  while (i < end && depth > 0) {
    if (bytes[i] === 0x2f && bytes[i + 1] === 0x2a) {
      depth++;
      i += 2;
    } else if (bytes[i] === 0x2a && bytes[i + 1] === 0x2f) {
      depth--;
      i += 2;
    } else i++;
  }
  return i;
}

function lastCodeByte(bytes: Uint8Array, start: number, end: number): number {
  let i = Math.min(end, bytes.length) - 1;
  while (i > start) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x3b) i--;
    else break;
  }
  return i;
}

/** The statements of a text: one parse when it parses, else one parse per top-level statement. */
function splitStatements(text: string, bytes: Uint8Array): Stmt[] {
  if (text.trim() === "") return [];
  try {
    return fromParse(parseSync(text).stmts ?? [], bytes.length, 0);
  } catch {
    // fall through: find which statements do not parse
  }
  const out: Stmt[] = [];
  for (const [start, end] of chunks(text, bytes)) {
    const chunkText = fromUtf8(bytes.subarray(start, end));
    if (chunkText.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|;/g, "").trim() === "") continue;
    try {
      out.push(...fromParse(parseSync(chunkText).stmts ?? [], end - start, start));
    } catch (error) {
      out.push({ node: null, start, end, error: parseError(error, chunkText, start) });
    }
  }
  return out;
}

function fromParse(raw: readonly RawStmt[], total: number, base: number): Stmt[] {
  return raw
    .filter((r) => r.stmt !== undefined)
    .map((r) => {
      const start = r.stmt_location ?? 0;
      const len = r.stmt_len && r.stmt_len > 0 ? r.stmt_len : total - start;
      return { node: r.stmt ?? null, start: base + start, end: base + start + len };
    })
    .map((s) => ({ ...s, node: s.node === null ? null : rebase(s.node, base) }));
}

/** Node `location`s are offsets in the parsed chunk; shift them to offsets in the whole text. */
function rebase(node: Node, base: number): Node {
  if (base === 0) return node;
  // iterative: a deeply nested expression must not overflow the stack
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) stack.push(...value);
    else if (value && typeof value === "object") {
      const obj = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(obj)) {
        if (k === "location" && typeof v === "number" && v >= 0) obj[k] = v + base;
        else if (v && typeof v === "object") stack.push(v);
      }
    }
  }
  return node;
}

function parseError(error: unknown, chunkText: string, base: number): { message: string; offset: number } {
  const message = error instanceof Error ? error.message : String(error);
  const details = (error as { sqlDetails?: { cursorPosition?: unknown } } | null)?.sqlDetails;
  const pos = typeof details?.cursorPosition === "number" ? details.cursorPosition : 0;
  return { message, offset: base + codePointToByte(chunkText, Math.max(0, pos)) };
}

/** Byte ranges of top-level statements, cut at `;` tokens of the PostgreSQL scanner. */
function chunks(text: string, bytes: Uint8Array): [number, number][] {
  let tokens: ScanToken[];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return [[0, bytes.length]];
  }
  const out: [number, number][] = [];
  let start = 0;
  for (const t of tokens) {
    if (t.text === ";") {
      out.push([start, t.end]);
      start = t.end;
    }
  }
  if (start < bytes.length) out.push([start, bytes.length]);
  return out;
}

/** Evidence kept from a statement that does not parse: a CREATE INDEX without CONCURRENTLY. */
function nonConcurrentCreateIn(chunk: string): string | null {
  const m = /\bcreate\s+(unique\s+)?index\b(?!\s+concurrently)/i.exec(chunk);
  return m ? m[0].replace(/\s+/g, " ").toUpperCase() : null;
}

interface Ignores {
  get(line: number): "all" | readonly string[] | undefined;
  readonly file: "all" | readonly string[] | null;
}

/** `-- squawk-ignore rules` on the line of a statement or the line before it; `-- squawk-ignore-file [rules]`. */
function readIgnores(text: string, lines: ByteLines, firstLine: number): Ignores {
  const byLine = new Map<number, "all" | readonly string[]>();
  let file: "all" | readonly string[] | null = null;
  let tokens: ScanToken[];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    tokens = [];
  }
  for (const t of tokens) {
    if (t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT") continue;
    const body = t.text.replace(/^--|^\/\*|\*\/$/g, "").trim();
    const m = /^squawk-ignore(-file)?\b\s*(.*)$/.exec(body);
    if (!m) continue;
    const rules = (m[2] ?? "")
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter((r) => r.length > 0);
    const value: "all" | readonly string[] = rules.length === 0 ? "all" : rules;
    if (m[1]) file = value;
    else {
      const endLine = lines.line(Math.max(t.start, t.end - 1)) + firstLine - 1;
      byLine.set(endLine, value);
      byLine.set(endLine + 1, value);
    }
  }
  return { get: (line) => file ?? byLine.get(line), file };
}
