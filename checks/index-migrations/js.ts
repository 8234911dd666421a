/**
 * JavaScript/TypeScript migrations, read with @babel/parser: Knex (`table.index`, `knex.raw`,
 * `config = { transaction: false }`), TypeORM (`queryRunner.query`, `createIndex`, `transaction = false`
 * with `migrationsTransactionMode`), Sequelize (`addIndex(..., { concurrently: true })`, transactions)
 * and node-pg-migrate (`pgm.createIndex(..., { concurrently: true })`, `pgm.noTransaction()`).
 * Only the `up` migration is judged.
 */
import { parse } from "@babel/parser";
import type { Node as BabelNode } from "@babel/types";
import { embeddedSqlOps, INTERPOLATED } from "./embedded.js";
import { frameworkTable, NO_TX, type IndexKey, type MigrationUnit, type Op, type Skip, type TableRef, type TxContext } from "./model.js";

export interface JsRepoContext {
  read(path: string): string | undefined;
  match(globs: string | readonly string[]): string[];
  /** Per-audit memo of configuration facts (knexfile, data source), computed once. */
  readonly memo: Map<string, unknown>;
}

function memo<T>(repo: JsRepoContext, key: string, compute: () => T): T {
  if (repo.memo.has(key)) return repo.memo.get(key) as T;
  const v = compute();
  repo.memo.set(key, v);
  return v;
}

type Framework = "knex" | "typeorm" | "sequelize" | "node-pg-migrate";

type AnyNode = BabelNode & Record<string, unknown>;

export function parseJs(text: string): AnyNode | null {
  try {
    return parse(text, {
      sourceType: "unambiguous",
      errorRecovery: true,
      plugins: ["typescript", "decorators-legacy", "classProperties", "topLevelAwait"],
    }) as unknown as AnyNode;
  } catch {
    return null;
  }
}

export function readJsMigration(path: string, text: string, repo: JsRepoContext): MigrationUnit[] | Skip {
  const framework = detect(text);
  if (!framework) return { skip: "not-migration", detail: "not a Knex, TypeORM, Sequelize or node-pg-migrate migration" };
  const dialect = memo(repo, `dialect:${framework}`, () => jsDialect(framework, repo));
  if (dialect) return { skip: "dialect", detail: `a ${dialect} database (${framework} configuration)` };
  const ast = parseJs(text);
  if (!ast) {
    return [{ path, runner: framework, ops: [{ kind: "dynamic", line: 1, detail: "the migration does not parse as JavaScript/TypeScript" }] }];
  }
  const ups = upFunctions(ast);
  const reader = new JsReader(framework, wrapFor(framework, ast, repo));
  for (const up of ups) reader.visit(up);
  return [{ path, runner: framework, ops: reader.ops }];
}

function detect(text: string): Framework | null {
  if (/\bMigrationInterface\b|\bQueryRunner\b|\bqueryRunner\b/.test(text)) return "typeorm";
  if (/\bqueryInterface\b|\bQueryInterface\b/.test(text)) return "sequelize";
  if (/\bpgm\s*\.|MigrationBuilder/.test(text)) return "node-pg-migrate";
  if (/\bknex\b|\bKnex\b|\.schema\s*\./.test(text)) return "knex";
  return null;
}

const KNEX_TX: TxContext = {
  kind: "tx",
  why: "Knex runs each migration in a transaction unless the file exports config = { transaction: false }",
  fix: "Export `config = { transaction: false }` from the migration (and keep the CONCURRENTLY statement alone in it)",
};
const TYPEORM_TX: TxContext = {
  kind: "tx",
  why: "TypeORM runs migrations in a transaction (migrationsTransactionMode 'all' by default) unless the class sets `transaction = false` with mode 'each'",
  fix: "Set `public transaction = false` on the migration class and `migrationsTransactionMode: 'each'` on the data source",
};
const TYPEORM_FORBIDDEN: TxContext = {
  kind: "tx",
  why: "the class sets `transaction = false`, but migrationsTransactionMode is 'all' (the default), so TypeORM throws ForbiddenTransactionModeOverrideError",
  fix: "Set `migrationsTransactionMode: 'each'` on the data source (or run the CLI with --transaction each)",
};
const PGM_TX: TxContext = {
  kind: "tx",
  why: "node-pg-migrate runs each migration in a transaction unless it calls pgm.noTransaction()",
  fix: "Call `pgm.noTransaction()` in the migration",
};

function wrapFor(framework: Framework, ast: AnyNode, repo: JsRepoContext): TxContext {
  switch (framework) {
    case "knex": {
      if (findProperty(ast, "transaction", (v) => v.type === "BooleanLiteral" && v.value === false, "config")) return NO_TX;
      if (memo(repo, "knex:disableTransactions", () => knexfileValues(repo, "disableTransactions").some((v) => v === true))) return NO_TX;
      return KNEX_TX;
    }
    case "typeorm": {
      const mode = memo(repo, "typeorm:mode", () => typeormMode(repo));
      if (mode === "none") return NO_TX;
      const optOut = findClassProperty(ast, "transaction", false);
      if (optOut) return mode === "each" ? NO_TX : TYPEORM_FORBIDDEN;
      return TYPEORM_TX;
    }
    case "node-pg-migrate":
      return containsCall(ast, (callee) => /\.noTransaction$/.test(callee)) ? NO_TX : PGM_TX;
    case "sequelize":
      return NO_TX;
  }
}

/** Bodies of the `up` migration: `exports.up =`, `export function up`, `{ up() {} }`, class method `up`. */
function upFunctions(ast: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  walkAst(ast, (n) => {
    if (n.type === "AssignmentExpression") {
      const left = n.left as AnyNode;
      if (memberName(left) === "up" && isFunction(n.right as AnyNode)) out.push(n.right as AnyNode);
    } else if (n.type === "FunctionDeclaration" && idName(n.id as AnyNode) === "up") out.push(n);
    else if (n.type === "VariableDeclarator" && idName(n.id as AnyNode) === "up" && isFunction(n.init as AnyNode)) out.push(n.init as AnyNode);
    else if ((n.type === "ObjectMethod" || n.type === "ClassMethod") && keyName(n.key as AnyNode) === "up") out.push(n);
    else if (n.type === "ObjectProperty" && keyName(n.key as AnyNode) === "up" && isFunction(n.value as AnyNode)) out.push(n.value as AnyNode);
    return true;
  });
  return out;
}

class JsReader {
  readonly ops: Op[] = [];
  private tx: TxContext;

  constructor(
    private readonly framework: Framework,
    wrap: TxContext,
  ) {
    this.tx = wrap;
  }

  visit(fn: AnyNode): void {
    walkAst(fn.body as AnyNode, (n) => {
      if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return true;
      return !this.call(n);
    });
  }

  /** Returns true when the call was handled (its arguments need no further walking). */
  private call(n: AnyNode): boolean {
    const callee = calleeText(n.callee as AnyNode);
    const args = (n.arguments as AnyNode[]) ?? [];
    const method = callee.slice(callee.lastIndexOf(".") + 1);
    const line = lineOf(n);
    // raw SQL
    if (
      (method === "raw" && this.framework === "knex") ||
      (method === "query" && (this.framework === "typeorm" || this.framework === "sequelize")) ||
      (method === "sql" && this.framework === "node-pg-migrate")
    ) {
      const sql = stringValue(args[0]);
      if (sql) this.ops.push(...embeddedSqlOps(sql.value, sql.interp, sql.line, { wrap: this.tx, oneQuery: callee }, callee));
      else if (args[0]) this.ops.push({ kind: "dynamic", line, detail: `${callee} runs SQL the check cannot read (not a string literal)` });
      return true;
    }
    switch (this.framework) {
      case "knex":
        return this.knex(n, callee, method, args, line);
      case "typeorm":
        return this.typeorm(method, args, line);
      case "sequelize":
        return this.sequelize(n, callee, method, args, line);
      case "node-pg-migrate":
        return this.pgm(method, args, line);
    }
  }

  private knex(_n: AnyNode, callee: string, method: string, args: AnyNode[], line: number): boolean {
    if (!/schema/.test(callee) && !/^(knex|trx)/.test(callee)) return false;
    if (method === "createTable" || method === "createTableIfNotExists" || method === "createTableLike") {
      const table = tableRef(args[0], schemaOf(callee));
      if (table) this.ops.push({ kind: "create-table", line, table, partitioned: false, keys: [] });
      if (table && args[1]) this.knexTableBuilder(args[1], table);
      return true;
    }
    if (method === "alterTable" || method === "table") {
      const table = tableRef(args[0], schemaOf(callee));
      if (table && args[1]) this.knexTableBuilder(args[1], table);
      return true;
    }
    if (method === "dropTable" || method === "dropTableIfExists") {
      const table = tableRef(args[0], schemaOf(callee));
      if (table) this.ops.push({ kind: "drop-table", line, tables: [table] });
      return true;
    }
    return false;
  }

  /** `(table) => { table.index([...]); table.unique([...]); table.integer("x").index(); ... }` */
  private knexTableBuilder(fn: AnyNode, table: TableRef): void {
    if (!isFunction(fn)) return;
    const param = idName(((fn.params as AnyNode[]) ?? [])[0] ?? ({} as AnyNode));
    if (!param) return;
    walkAst(fn.body as AnyNode, (n) => {
      if (n.type !== "CallExpression") return true;
      const callee = calleeText(n.callee as AnyNode);
      const args = (n.arguments as AnyNode[]) ?? [];
      const line = lineOf(n);
      const parts = callee.split(".");
      if (parts[0] !== param) return true;
      const method = parts[parts.length - 1] ?? "";
      if (parts.length === 2 && method === "index") {
        this.pushIndex(line, "table.index", table, columnsOf(args[0]), false, objectFlag(args[2], "predicate") !== null, false, stringValue(args[1])?.value ?? null);
        return false;
      }
      if (parts.length === 2 && method === "unique") {
        const useConstraint = objectFlag(args[1], "useConstraint");
        if (useConstraint === false || objectFlag(args[1], "predicate") !== null)
          this.pushIndex(line, "table.unique", table, columnsOf(args[0]), false, true, true, null);
        else this.ops.push({ kind: "constraint-index", line, source: "table.unique", table, constraint: "UNIQUE", columns: columnsOf(args[0]).filter((c): c is string => c !== null), usingIndex: false });
        return false;
      }
      if (parts.length === 2 && (method === "dropIndex" || method === "dropUnique")) {
        const name = stringValue(args[1])?.value;
        this.ops.push({ kind: "drop-index", line, source: `table.${method}`, names: [name ?? `the index on (${columnsOf(args[0]).join(", ")})`], concurrent: false, cascade: false, ifExists: false, tx: this.tx });
        return false;
      }
      if (parts.length === 2 && method === "foreign") {
        const cols = columnsOf(args[0]).filter((c): c is string => c !== null);
        if (cols.length > 0) this.ops.push({ kind: "foreign-key", line, table, columns: cols, name: null });
        return false;
      }
      // table.integer("x").index() / .unique() / .references("id")
      if (parts.length >= 3 && (method === "index" || method === "unique" || method === "references" || method === "primary")) {
        const col = firstColumnOfChain(n.callee as AnyNode, param);
        if (col === null) return true;
        if (method === "index") this.pushIndex(line, "column.index()", table, [col], false, false, false, stringValue(args[0])?.value ?? null);
        else if (method === "unique") this.ops.push({ kind: "constraint-index", line, source: "column.unique()", table, constraint: "UNIQUE", columns: [col], usingIndex: false });
        else if (method === "primary") this.ops.push({ kind: "constraint-index", line, source: "column.primary()", table, constraint: "PRIMARY KEY", columns: [col], usingIndex: false });
        else this.ops.push({ kind: "foreign-key", line, table, columns: [col], name: null });
        return true;
      }
      return true;
    });
  }

  private typeorm(method: string, args: AnyNode[], line: number): boolean {
    if (method === "createIndex" || method === "createIndices") {
      const table = tableRef(args[0], null);
      const indexes = method === "createIndices" && args[1]?.type === "ArrayExpression" ? ((args[1].elements as AnyNode[]) ?? []) : [args[1]];
      for (const idx of indexes) {
        const opts = idx?.type === "NewExpression" ? ((idx.arguments as AnyNode[]) ?? [])[0] : idx;
        this.pushIndex(line, `queryRunner.${method}`, table, columnsOf(objectValue(opts, "columnNames")), false, objectValue(opts, "where") !== null, objectFlag(opts, "isUnique") === true, stringValue(objectValue(opts, "name"))?.value ?? null);
      }
      return true;
    }
    if (method === "dropIndex") {
      const name = stringValue(args[1])?.value ?? "an index";
      this.ops.push({ kind: "drop-index", line, source: "queryRunner.dropIndex", names: [name], concurrent: false, cascade: false, ifExists: false, tx: this.tx });
      return true;
    }
    if (method === "createTable") {
      const opts = args[0]?.type === "NewExpression" ? ((args[0].arguments as AnyNode[]) ?? [])[0] : args[0];
      const table = tableRef(objectValue(opts, "name"), null);
      if (table) this.ops.push({ kind: "create-table", line, table, partitioned: false, keys: [] });
      return true;
    }
    return false;
  }

  private sequelize(n: AnyNode, callee: string, method: string, args: AnyNode[], line: number): boolean {
    if (method === "transaction" && /sequelize/.test(callee)) {
      const fn = args.find((a) => isFunction(a));
      if (fn) {
        const saved = this.tx;
        this.tx = { kind: "tx", why: "it runs inside sequelize.transaction(...)", fix: "Run the CONCURRENTLY index outside the transaction callback" };
        this.visit(fn);
        this.tx = saved;
        return true;
      }
      return false;
    }
    if (method === "addIndex") {
      const table = tableRef(args[0], null);
      const opts = args[1]?.type === "ObjectExpression" ? args[1] : args[2];
      const cols = args[1]?.type === "ArrayExpression" ? columnsOf(args[1]) : columnsOf(objectValue(opts, "fields"));
      const concurrent = objectFlag(opts, "concurrently") === true;
      const tx = objectValue(opts, "transaction") !== null ? { kind: "tx" as const, why: "the call passes a transaction", fix: "Do not pass a transaction to a concurrent addIndex" } : this.tx;
      this.pushIndex(line, concurrent ? "queryInterface.addIndex(..., { concurrently: true })" : "queryInterface.addIndex", table, cols, concurrent, objectValue(opts, "where") !== null, objectFlag(opts, "unique") === true || stringValue(objectValue(opts, "type"))?.value.toUpperCase() === "UNIQUE", stringValue(objectValue(opts, "name"))?.value ?? null, tx);
      return true;
    }
    if (method === "removeIndex") {
      const name = stringValue(args[1])?.value ?? `the index on (${columnsOf(args[1]).join(", ")})`;
      const concurrent = objectFlag(args[2], "concurrently") === true;
      this.ops.push({ kind: "drop-index", line, source: concurrent ? "queryInterface.removeIndex(..., { concurrently: true })" : "queryInterface.removeIndex", names: [name], concurrent, cascade: false, ifExists: false, tx: this.tx });
      return true;
    }
    if (method === "createTable") {
      const table = tableRef(args[0], null);
      if (table) this.ops.push({ kind: "create-table", line, table, partitioned: false, keys: [] });
      return true;
    }
    if (method === "addConstraint") {
      const table = tableRef(args[0], null);
      const opts = args[1];
      if (stringValue(objectValue(opts, "type"))?.value.toLowerCase() === "unique")
        this.ops.push({ kind: "constraint-index", line, source: "queryInterface.addConstraint(unique)", table, constraint: "UNIQUE", columns: columnsOf(objectValue(opts, "fields")).filter((c): c is string => c !== null), usingIndex: false });
      return true;
    }
    void n;
    return false;
  }

  private pgm(method: string, args: AnyNode[], line: number): boolean {
    if (method === "createIndex" || method === "addIndex") {
      const table = tableRef(args[0], null);
      const opts = args[2];
      const concurrent = objectFlag(opts, "concurrently") === true;
      this.pushIndex(line, concurrent ? `pgm.${method}(..., { concurrently: true })` : `pgm.${method}`, table, columnsOf(args[1]), concurrent, objectValue(opts, "where") !== null, objectFlag(opts, "unique") === true, stringValue(objectValue(opts, "name"))?.value ?? null);
      return true;
    }
    if (method === "dropIndex") {
      const opts = args[2];
      const concurrent = objectFlag(opts, "concurrently") === true;
      const name = stringValue(objectValue(opts, "name"))?.value ?? `the index on (${columnsOf(args[1]).join(", ")})`;
      this.ops.push({ kind: "drop-index", line, source: concurrent ? "pgm.dropIndex(..., { concurrently: true })" : "pgm.dropIndex", names: [name], concurrent, cascade: objectFlag(opts, "cascade") === true, ifExists: objectFlag(opts, "ifExists") === true, tx: this.tx });
      return true;
    }
    if (method === "createTable") {
      const table = tableRef(args[0], null);
      if (table) this.ops.push({ kind: "create-table", line, table, partitioned: false, keys: [] });
      return true;
    }
    return false;
  }

  private pushIndex(line: number, source: string, table: TableRef | null, keys: IndexKey[], concurrent: boolean, partial: boolean, unique: boolean, name: string | null, tx: TxContext = this.tx): void {
    this.ops.push({ kind: "create-index", line, source, table, name, concurrent, keys, unique, partial, onlyParent: false, ifNotExists: false, tx, method: "btree" });
  }
}

function walkAst(node: AnyNode | null | undefined, enter: (n: AnyNode) => boolean, depth = 0): void {
  if (!node || typeof node !== "object" || depth > 200) return;
  if (typeof node.type === "string" && !enter(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key === "start" || key === "end" || key === "extra" || key === "leadingComments" || key === "trailingComments" || key === "innerComments") continue;
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v === "object") walkAst(v as AnyNode, enter, depth + 1);
    } else if (value && typeof value === "object" && typeof (value as AnyNode).type === "string") walkAst(value as AnyNode, enter, depth + 1);
  }
}

function lineOf(n: AnyNode): number {
  const loc = n.loc as { start?: { line?: number } } | undefined;
  return loc?.start?.line ?? 1;
}

function isFunction(n: AnyNode | null | undefined): n is AnyNode {
  return !!n && (n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression" || n.type === "FunctionDeclaration" || n.type === "ObjectMethod" || n.type === "ClassMethod");
}

function idName(n: AnyNode | null | undefined): string | null {
  return n && n.type === "Identifier" && typeof n.name === "string" ? n.name : null;
}

function keyName(n: AnyNode | null | undefined): string | null {
  if (!n) return null;
  if (n.type === "Identifier") return n.name as string;
  if (n.type === "StringLiteral") return n.value as string;
  return null;
}

function memberName(n: AnyNode): string | null {
  return n.type === "MemberExpression" ? keyName(n.property as AnyNode) : null;
}

/** `knex.schema.withSchema("s").alterTable` -> "knex.schema.withSchema().alterTable". */
function calleeText(n: AnyNode | null | undefined, depth = 0): string {
  if (!n) return "";
  if (depth > 100) return "?";
  switch (n.type) {
    case "Identifier":
      return n.name as string;
    case "ThisExpression":
      return "this";
    case "MemberExpression":
    case "OptionalMemberExpression":
      return `${calleeText(n.object as AnyNode, depth + 1)}.${keyName(n.property as AnyNode) ?? "?"}`;
    case "CallExpression":
    case "OptionalCallExpression":
      return `${calleeText(n.callee as AnyNode, depth + 1)}()`;
    case "AwaitExpression":
      return calleeText(n.argument as AnyNode, depth + 1);
    case "TSNonNullExpression":
    case "TSAsExpression":
      return calleeText(n.expression as AnyNode, depth + 1);
    default:
      return "?";
  }
}

function schemaOf(callee: string): string | null {
  return /withSchema\(\)/.test(callee) ? INTERPOLATED : null;
}

function stringValue(n: AnyNode | null | undefined, depth = 0): { value: string; interp: boolean; line: number } | null {
  if (!n || depth > 100) return null;
  if (n.type === "StringLiteral") return { value: n.value as string, interp: false, line: lineOf(n) };
  if (n.type === "TemplateLiteral") {
    const quasis = (n.quasis as AnyNode[]).map((q) => ((q.value as { cooked?: string; raw: string }).cooked ?? (q.value as { raw: string }).raw));
    return { value: quasis.join(INTERPOLATED), interp: quasis.length > 1, line: lineOf(n) };
  }
  if (n.type === "BinaryExpression" && n.operator === "+") {
    const l = stringValue(n.left as AnyNode, depth + 1);
    const r = stringValue(n.right as AnyNode, depth + 1);
    if (l && r) return { value: l.value + r.value, interp: l.interp || r.interp, line: l.line };
  }
  if (n.type === "TSAsExpression") return stringValue(n.expression as AnyNode, depth + 1);
  return null;
}

function tableRef(n: AnyNode | null | undefined, schema: string | null): TableRef | null {
  const s = stringValue(n);
  if (!s || s.interp) return null;
  const t = frameworkTable(s.value);
  return schema && schema !== INTERPOLATED && t.schema === "public" ? { schema, name: t.name } : t;
}

function columnsOf(n: AnyNode | null | undefined): IndexKey[] {
  if (!n) return [];
  if (n.type === "ArrayExpression") {
    return ((n.elements as AnyNode[]) ?? []).map((e) => {
      const s = stringValue(e);
      if (s && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.value)) return s.value;
      const name = stringValue(objectValue(e, "name"))?.value ?? stringValue(objectValue(e, "attribute"))?.value;
      return name ?? null;
    });
  }
  const s = stringValue(n);
  if (s) return [/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.value) ? s.value : null];
  return [];
}

function objectValue(n: AnyNode | null | undefined, key: string): AnyNode | null {
  if (!n || n.type !== "ObjectExpression") return null;
  for (const p of (n.properties as AnyNode[]) ?? []) {
    if (p.type === "ObjectProperty" && keyName(p.key as AnyNode) === key) return p.value as AnyNode;
  }
  return null;
}

function objectFlag(n: AnyNode | null | undefined, key: string): boolean | null {
  const v = objectValue(n, key);
  if (!v) return null;
  if (v.type === "BooleanLiteral") return v.value as boolean;
  return true;
}

/** `table.integer("x").unsigned().index()` -> "x". */
function firstColumnOfChain(callee: AnyNode, param: string): string | null {
  let cur: AnyNode | null = callee;
  let found: string | null = null;
  while (cur) {
    if (cur.type === "MemberExpression") cur = cur.object as AnyNode;
    else if (cur.type === "CallExpression") {
      const inner = cur.callee as AnyNode;
      if (inner.type === "MemberExpression" && idName(inner.object as AnyNode) === param) {
        const s = stringValue(((cur.arguments as AnyNode[]) ?? [])[0]);
        found = s?.value ?? null;
        break;
      }
      cur = inner;
    } else break;
  }
  return found;
}

/** `exports.config = { transaction: false }` / `export const config = { transaction: false }`. */
function findProperty(ast: AnyNode, key: string, pred: (v: AnyNode) => boolean, container: string): boolean {
  let found = false;
  walkAst(ast, (n) => {
    if (found) return false;
    const isContainer =
      (n.type === "AssignmentExpression" && memberName(n.left as AnyNode) === container) ||
      (n.type === "VariableDeclarator" && idName(n.id as AnyNode) === container) ||
      (n.type === "ObjectProperty" && keyName(n.key as AnyNode) === container);
    if (!isContainer) return true;
    const value = (n.type === "AssignmentExpression" ? n.right : n.type === "VariableDeclarator" ? n.init : n.value) as AnyNode;
    const v = objectValue(value, key);
    if (v && pred(v)) found = true;
    return false;
  });
  return found;
}

function findClassProperty(ast: AnyNode, key: string, value: boolean): boolean {
  let found = false;
  walkAst(ast, (n) => {
    if (n.type === "ClassProperty" && keyName(n.key as AnyNode) === key) {
      const v = n.value as AnyNode | null;
      if (v && v.type === "BooleanLiteral" && v.value === value) found = true;
    }
    return !found;
  });
  return found;
}

function containsCall(ast: AnyNode, pred: (callee: string) => boolean): boolean {
  let found = false;
  walkAst(ast, (n) => {
    if (n.type === "CallExpression" && pred(calleeText(n.callee as AnyNode))) found = true;
    return !found;
  });
  return found;
}

const JS_POSTGRES = /^(pg|postgres|postgresql|pg-native|cockroachdb|aurora-postgres)$/i;

function knexfileValues(repo: JsRepoContext, key: string): unknown[] {
  const out: unknown[] = [];
  for (const p of repo.match("**/knexfile.{js,cjs,mjs,ts}")) {
    const ast = parseJs(repo.read(p) ?? "");
    if (!ast) continue;
    walkAst(ast, (n) => {
      if (n.type === "ObjectProperty" && keyName(n.key as AnyNode) === key) {
        const v = n.value as AnyNode;
        if (v.type === "StringLiteral" || v.type === "BooleanLiteral") out.push(v.value);
      }
      return true;
    });
  }
  return out;
}

function typeormMode(repo: JsRepoContext): "all" | "each" | "none" {
  for (const value of configValues(repo, "**/{data-source,datasource,ormconfig,typeorm.config}.{js,ts}", "migrationsTransactionMode")) {
    if (value === "each" || value === "none") return value;
  }
  return "all";
}

function configValues(repo: JsRepoContext, glob: string, key: string): string[] {
  const out: string[] = [];
  for (const p of repo.match(glob)) {
    const ast = parseJs(repo.read(p) ?? "");
    if (!ast) continue;
    walkAst(ast, (n) => {
      if (n.type === "ObjectProperty" && keyName(n.key as AnyNode) === key) {
        const s = stringValue(n.value as AnyNode);
        if (s) out.push(s.value);
      }
      return true;
    });
  }
  return out;
}

/** A Knex `client` or TypeORM `type` that is not PostgreSQL, when no configuration names PostgreSQL. */
function jsDialect(framework: Framework, repo: JsRepoContext): string | null {
  let values: string[] = [];
  if (framework === "knex") values = knexfileValues(repo, "client").filter((v): v is string => typeof v === "string");
  else if (framework === "typeorm") values = configValues(repo, "**/{data-source,datasource,ormconfig,typeorm.config}.{js,ts}", "type");
  if (values.length === 0 || values.some((v) => JS_POSTGRES.test(v))) return null;
  return values.join("/");
}
