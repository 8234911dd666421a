/**
 * Alembic (and Flask-Migrate) revisions: `op.create_index` / `op.drop_index` with or without
 * `postgresql_concurrently=True`, `op.add_column(sa.Column(..., index=True))`, `op.create_table`,
 * batch operations, and SQL given to `op.execute`. Alembic runs migrations inside a transaction on
 * PostgreSQL; only `with op.get_context().autocommit_block():` leaves it (unless env.py turns
 * transactional DDL off or connects in AUTOCOMMIT).
 */
import { embeddedSqlOps } from "./embedded.js";
import { frameworkTable, NO_TX, type IndexKey, type MigrationUnit, type Op, type TableRef, type TxContext } from "./model.js";
import { parsePython, type PNode, type PStmt } from "./python.js";

type Call = Extract<PNode, { k: "call" }>;

const ALEMBIC_TX: TxContext = {
  kind: "tx",
  why: "Alembic runs migrations inside a transaction unless the call is inside `with op.get_context().autocommit_block():`",
  fix: "Wrap the call in `with op.get_context().autocommit_block():`",
};

interface State {
  /** Mutable: `op.execute("COMMIT")` ends Alembic's transaction for the rest of the function. */
  wrap: TxContext;
  readonly ops: Op[];
  readonly env: Map<string, PNode>;
  /** `with op.batch_alter_table("t") as batch_op:` aliases. */
  readonly batch: Map<string, TableRef>;
}

export function isAlembic(text: string): boolean {
  return /^\s*(from\s+alembic\s+import|import\s+alembic)\b/m.test(text) && /^\s*def\s+upgrade/m.test(text);
}

/** `envTransactional`: false when env.py configures transactional_ddl=False or an AUTOCOMMIT connection. */
export function readAlembicMigration(path: string, text: string, envTransactional: boolean): MigrationUnit[] {
  const stmts = parsePython(text);
  const ops: Op[] = [];
  const base: State = { wrap: envTransactional ? ALEMBIC_TX : NO_TX, ops, env: new Map(), batch: new Map() };
  // module-level string constants (SQL kept in a variable)
  for (const s of stmts) if (s.k === "assign") for (const t of s.targets) base.env.set(t, s.value);
  for (const s of stmts) {
    if (s.k !== "def" || s.name.startsWith("downgrade")) continue;
    walk(s.body, { ...base, env: new Map(base.env), batch: new Map() });
  }
  return [{ path, runner: "alembic", ops }];
}

function walk(stmts: readonly PStmt[], st: State): void {
  for (const s of stmts) {
    switch (s.k) {
      case "expr":
        expr(s.value, st);
        break;
      case "assign":
        for (const t of s.targets) st.env.set(t, s.value);
        expr(s.value, st);
        break;
      case "with": {
        let inner = st;
        for (const item of s.items) {
          if (item.expr.k === "call" && item.expr.func.endsWith(".autocommit_block")) inner = { ...inner, wrap: NO_TX };
          else if (item.expr.k === "call" && /(^|\.)batch_alter_table$/.test(item.expr.func)) {
            const t = tableArg(arg(item.expr, 0, "table_name"));
            if (t && item.as) {
              const batch = new Map(inner.batch);
              batch.set(item.as, t);
              inner = { ...inner, batch };
            }
          } else expr(item.expr, st);
        }
        walk(s.body, inner);
        break;
      }
      case "def":
        break;
      case "class":
        break;
    }
  }
}

function expr(n: PNode, st: State): void {
  if (n.k === "opaque") {
    for (const p of n.parts) expr(p, st);
    return;
  }
  if (n.k !== "call") return;
  const [recv, method] = split(n.func);
  const batchTable = st.batch.get(recv);
  if (recv === "op" || batchTable) {
    opCall(n, method, batchTable ?? null, st);
    return;
  }
  if (method === "execute" && /(^|\.)(get_bind\(\)|bind|conn|connection)$/.test(recv)) {
    execute(n, st, `${n.func}`, true);
    return;
  }
  for (const a of n.args) expr(a, st);
}

function opCall(c: Call, method: string, batch: TableRef | null, st: State): void {
  // batch_op.create_index(name, columns) has no table argument
  const shift = batch ? 1 : 0;
  // op.add_column(table, column) has the table first; the others have a name first
  const table = batch ?? tableArg(method === "add_column" ? arg(c, 0, "table_name") : arg(c, 1, "table_name"));
  switch (method) {
    case "create_index": {
      const columns = arg(c, 2 - shift, "columns");
      const concurrent = truthy(c.kwargs.get("postgresql_concurrently"));
      st.ops.push({
        kind: "create-index",
        line: c.line,
        source: concurrent ? "op.create_index(..., postgresql_concurrently=True)" : "op.create_index",
        table,
        name: nameArg(arg(c, 0, "index_name")),
        concurrent,
        keys: columns ? keys(columns) : [],
        unique: truthy(c.kwargs.get("unique")),
        partial: c.kwargs.has("postgresql_where"),
        onlyParent: false,
        ifNotExists: truthy(c.kwargs.get("if_not_exists")),
        tx: st.wrap,
        method: str(c.kwargs.get("postgresql_using")) ?? "btree",
      });
      return;
    }
    case "drop_index": {
      const concurrent = truthy(c.kwargs.get("postgresql_concurrently"));
      st.ops.push({
        kind: "drop-index",
        line: c.line,
        source: concurrent ? "op.drop_index(..., postgresql_concurrently=True)" : "op.drop_index",
        names: [nameArg(arg(c, 0, "index_name")) ?? "an index"],
        concurrent,
        cascade: false,
        ifExists: truthy(c.kwargs.get("if_exists")),
        tx: st.wrap,
      });
      return;
    }
    case "create_table": {
      const t = tableArg(arg(c, 0, "table_name"));
      if (!t) return;
      const tableKeys: string[][] = [];
      const fks: Op[] = [];
      for (const a of c.args.slice(1)) {
        if (a.k !== "call") continue;
        const [, m] = split(a.func);
        if (m === "Column") {
          const col = str(a.args[0]);
          if (col === null) continue;
          if (truthy(a.kwargs.get("primary_key")) || truthy(a.kwargs.get("unique")) || truthy(a.kwargs.get("index"))) tableKeys.push([col]);
          if (a.args.some((x) => x.k === "call" && split(x.func)[1] === "ForeignKey"))
            fks.push({ kind: "foreign-key", line: a.line, table: t, columns: [col], name: null });
        } else if (m === "PrimaryKeyConstraint" || m === "UniqueConstraint" || m === "Index") {
          const cols = (m === "Index" ? a.args.slice(1) : a.args).map(str).filter((x): x is string => x !== null);
          if (cols.length > 0) tableKeys.push(cols);
        } else if (m === "ForeignKeyConstraint") {
          const cols = strings(a.args[0]);
          if (cols.length > 0) fks.push({ kind: "foreign-key", line: a.line, table: t, columns: cols, name: str(a.kwargs.get("name")) });
        }
      }
      st.ops.push({ kind: "create-table", line: c.line, table: t, partitioned: c.kwargs.has("postgresql_partition_by"), keys: tableKeys }, ...fks);
      return;
    }
    case "drop_table": {
      const t = tableArg(arg(c, 0, "table_name"));
      if (t) st.ops.push({ kind: "drop-table", line: c.line, tables: [t] });
      return;
    }
    case "add_column": {
      const column = arg(c, 1 - shift, "column");
      if (!table || !column || column.k !== "call") return;
      const col = str(column.args[0]);
      if (col === null) return;
      if (column.args.some((x) => x.k === "call" && split(x.func)[1] === "ForeignKey"))
        st.ops.push({ kind: "foreign-key", line: column.line, table, columns: [col], name: null });
      if (truthy(column.kwargs.get("index"))) {
        st.ops.push({
          kind: "create-index",
          line: column.line,
          source: "op.add_column(sa.Column(..., index=True))",
          table,
          name: null,
          concurrent: false,
          keys: [col],
          unique: truthy(column.kwargs.get("unique")),
          partial: false,
          onlyParent: false,
          ifNotExists: false,
          tx: st.wrap,
          method: "btree",
        });
      } else if (truthy(column.kwargs.get("unique"))) {
        st.ops.push({ kind: "constraint-index", line: column.line, source: "op.add_column(sa.Column(..., unique=True))", table, constraint: "UNIQUE", columns: [col], usingIndex: false });
      }
      return;
    }
    case "create_unique_constraint":
    case "create_primary_key": {
      const cols = strings(arg(c, 2 - shift, "columns"));
      st.ops.push({
        kind: "constraint-index",
        line: c.line,
        source: `op.${method}`,
        table,
        constraint: method === "create_primary_key" ? "PRIMARY KEY" : "UNIQUE",
        columns: cols,
        usingIndex: false,
      });
      return;
    }
    case "create_foreign_key": {
      const source = batch ?? tableArg(arg(c, 1, "source_table"));
      const cols = strings(arg(c, 3 - shift, "local_cols"));
      if (source && cols.length > 0) st.ops.push({ kind: "foreign-key", line: c.line, table: source, columns: cols, name: nameArg(arg(c, 0, "constraint_name")) });
      return;
    }
    case "execute":
      execute(c, st, "op.execute", false);
      return;
    default:
      for (const a of c.args) expr(a, st);
  }
}

function execute(c: Call, st: State, call: string, quietWhenUnknown: boolean): void {
  const sql = sqlArg(c.args[0] ?? c.kwargs.get("sqltext"), st.env);
  if (!sql) {
    if (!quietWhenUnknown && !isQueryBuilder(c.args[0]))
      st.ops.push({ kind: "dynamic", line: c.line, detail: `${call} runs SQL the check cannot read (not a string literal)` });
    return;
  }
  // The old idiom `op.execute("COMMIT")` ends the transaction Alembic opened; the driver does not
  // know, so later statements of the migration run in autocommit.
  if (/^\s*(commit|end)\s*;?\s*$/i.test(sql.v)) {
    st.wrap = NO_TX;
    return;
  }
  st.ops.push(...embeddedSqlOps(sql.v, sql.interp, sql.line, { wrap: st.wrap, oneQuery: call }, call));
}

/** `op.execute(table.update()...)`, `op.execute(sa.select(...))`: query builders, not SQL text. */
function isQueryBuilder(n: PNode | undefined): boolean {
  if (!n || n.k !== "call") return false;
  return /(\.|^)(insert|update|delete|select|values|where)$/.test(n.func) || /\)\.(where|values)/.test(n.func);
}

function sqlArg(n: PNode | undefined, env: ReadonlyMap<string, PNode>, depth = 0): Extract<PNode, { k: "str" }> | null {
  if (!n || depth > 5) return null;
  if (n.k === "str") return n;
  if (n.k === "name") return sqlArg(env.get(n.v), env, depth + 1);
  if (n.k === "call") {
    const [, m] = split(n.func);
    if (m === "text" || m === "DDL") return sqlArg(n.args[0], env, depth + 1);
    // "...".format(...)
    if (m === "format" && n.callee.k === "name") return null;
  }
  return null;
}

function split(func: string): [string, string] {
  const dot = func.lastIndexOf(".");
  return dot < 0 ? ["", func] : [func.slice(0, dot), func.slice(dot + 1)];
}

function arg(c: Call, index: number, keyword: string): PNode | undefined {
  return c.kwargs.get(keyword) ?? c.args[index];
}

function str(n: PNode | undefined): string | null {
  return n && n.k === "str" && !n.interp ? n.v : null;
}

/** `op.f("ix_name")` or a plain string. */
function nameArg(n: PNode | undefined): string | null {
  if (n && n.k === "call" && split(n.func)[1] === "f") return str(n.args[0]);
  return str(n);
}

function strings(n: PNode | undefined): string[] {
  if (!n) return [];
  if (n.k === "list") return n.items.map(str).filter((x): x is string => x !== null);
  const s = str(n);
  return s === null ? [] : [s];
}

function keys(n: PNode): IndexKey[] {
  const one = (x: PNode): IndexKey => {
    const s = str(x);
    return s !== null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : null;
  };
  if (n.k === "list") return n.items.map(one);
  return [one(n)];
}

function truthy(n: PNode | undefined): boolean {
  return n !== undefined && n.k === "const" && n.v === "True";
}

function tableArg(n: PNode | undefined): TableRef | null {
  const s = str(n);
  return s === null ? null : frameworkTable(s);
}

/** env.py settings that take Alembic's migrations out of a transaction. */
export function envIsTransactional(envText: string | undefined): boolean {
  if (envText === undefined) return true;
  for (const s of flatten(parsePython(envText))) {
    const found = findCall(s, (c) => {
      const td = c.kwargs.get("transactional_ddl");
      if (td && td.k === "const" && td.v === "False") return true;
      const iso = c.kwargs.get("isolation_level");
      return iso !== undefined && iso.k === "str" && /^autocommit$/i.test(iso.v);
    });
    if (found) return false;
  }
  return true;
}

function flatten(stmts: readonly PStmt[]): PStmt[] {
  const out: PStmt[] = [];
  for (const s of stmts) {
    out.push(s);
    if (s.k === "def" || s.k === "class" || s.k === "with") out.push(...flatten(s.body));
  }
  return out;
}

function findCall(s: PStmt, pred: (c: Call) => boolean): boolean {
  const visit = (n: PNode | undefined): boolean => {
    if (!n) return false;
    if (n.k === "call") return pred(n) || n.args.some(visit) || [...n.kwargs.values()].some(visit) || visit(n.callee);
    if (n.k === "opaque") return n.parts.some(visit);
    if (n.k === "list") return n.items.some(visit);
    if (n.k === "dict") return [...n.entries.values()].some(visit);
    return false;
  };
  if (s.k === "expr" || s.k === "assign") return visit(s.value);
  if (s.k === "with") return s.items.some((i) => visit(i.expr));
  return false;
}
