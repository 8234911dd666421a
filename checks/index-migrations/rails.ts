/**
 * Rails (ActiveRecord) migrations: `add_index`, `remove_index`, `add_reference`, `create_table` /
 * `change_table` blocks, `execute` SQL, `disable_ddl_transaction!`, `safety_assured` (strong_migrations).
 * Rails wraps each migration in a transaction on PostgreSQL unless the class calls
 * `disable_ddl_transaction!`; `algorithm: :concurrently` without it fails at run time.
 */
import { embeddedSqlOps } from "./embedded.js";
import { frameworkTable, NO_TX, type IndexKey, type MigrationUnit, type Op, type Skip, type TableRef, type TxContext } from "./model.js";
import { parseRuby, type RNode } from "./ruby.js";

type Call = Extract<RNode, { k: "call" }>;

const RAILS_TX: TxContext = {
  kind: "tx",
  why: "Rails runs each migration in a transaction unless the class calls disable_ddl_transaction!",
  fix: "Add `disable_ddl_transaction!` to the migration class (and keep other changes in another migration)",
};

const COLUMN_TYPES = new Set([
  "column", "string", "text", "integer", "bigint", "float", "decimal", "numeric", "datetime", "timestamp", "timestamptz", "time",
  "date", "binary", "blob", "boolean", "json", "jsonb", "uuid", "citext", "inet", "cidr", "macaddr", "hstore", "ltree", "interval",
  "tsvector", "xml", "money", "point", "line", "virtual", "enum", "daterange", "tsrange", "tstzrange", "int4range", "int8range", "numrange",
]);

const STRING_METHODS = new Set(["squish", "strip", "freeze", "dup", "strip_heredoc", "chomp", "to_s", "squeeze"]);

interface State {
  readonly wrap: TxContext;
  readonly ops: Op[];
  readonly env: Map<string, RNode>;
  readonly ack: boolean;
  /** Inside `create_table :t do |t|` or `change_table :t do |t|`: the block parameter and its table. */
  readonly table: { readonly param: string; readonly ref: TableRef } | null;
  /** `reversible do |dir|`: the block parameter. */
  readonly dir: string | null;
}

/** `acknowledgedBy`: set when strong_migrations' start_after exempts this (older) migration. */
export function readRailsMigration(path: string, text: string, acknowledgedBy: string | null = null): MigrationUnit[] | Skip {
  const nodes = parseRuby(text);
  const classes = migrationClasses(nodes);
  if (classes.length === 0) return { skip: "not-migration", detail: "no ActiveRecord::Migration class" };
  const ops: Op[] = [];
  for (const cls of classes) {
    const disabled = cls.body.some((n) => n.k === "call" && n.recv === null && n.name === "disable_ddl_transaction!");
    const base: State = { wrap: disabled ? NO_TX : RAILS_TX, ops, env: new Map(), ack: acknowledgedBy !== null, table: null, dir: null };
    for (const n of cls.body) {
      if (n.k !== "def") continue;
      if (n.name === "down" || n.name === "self.down") continue;
      walk(n.body, { ...base, env: new Map() });
    }
  }
  return [{ path, runner: "rails", ops }];
}

function migrationClasses(nodes: readonly RNode[]): Extract<RNode, { k: "class" }>[] {
  const out: Extract<RNode, { k: "class" }>[] = [];
  for (const n of nodes) {
    if (n.k !== "class") continue;
    if (/Migration/.test(n.superclass)) out.push(n);
    else out.push(...migrationClasses(n.body));
  }
  return out;
}

function walk(nodes: readonly RNode[], st: State): void {
  for (const n of nodes) node(n, st);
}

function node(n: RNode, st: State): void {
  switch (n.k) {
    case "call":
      call(n, st);
      return;
    case "assign":
      st.env.set(n.name, n.value);
      node(n.value, st);
      return;
    case "opaque":
      walk(n.parts, st);
      return;
    default:
      return;
  }
}

function push(st: State, op: Op): void {
  st.ops.push(st.ack ? { ...op, acknowledged: "all" } : op);
}

function call(c: Call, st: State): void {
  // t.index / t.references / t.string ..., index: true inside create_table / change_table
  if (st.table && c.recv && isParam(c.recv, st.table.param)) {
    tableMethod(c, st.table.ref, st);
    return;
  }
  // dir.up { } / dir.down { } inside reversible
  if (st.dir && c.recv && isParam(c.recv, st.dir)) {
    if (c.name === "up" && c.block) walk(c.block, st);
    return;
  }
  const onConnection = c.recv === null || isConnection(c.recv);
  if (!onConnection) {
    if (c.block) walk(c.block, st);
    return;
  }
  switch (c.name) {
    case "create_table":
    case "create_join_table": {
      const ref = c.name === "create_table" ? tableArg(c.args[0]) : joinTable(c);
      if (ref) {
        const noId = literal(c.kwargs.get("id")) === "false";
        const pk = names(c.kwargs.get("primary_key"));
        push(st, { kind: "create-table", line: c.line, table: ref, partitioned: false, keys: noId ? [] : [pk.length > 0 ? pk : ["id"]] });
      }
      if (c.block && ref) walk(c.block, { ...st, table: { param: c.blockParams[0] ?? "t", ref } });
      return;
    }
    case "change_table": {
      const ref = tableArg(c.args[0]);
      if (c.block && ref) walk(c.block, { ...st, table: { param: c.blockParams[0] ?? "t", ref } });
      return;
    }
    case "add_index":
      addIndex(tableArg(c.args[0]), c.args[1], c.kwargs, c.line, "add_index", st);
      return;
    case "remove_index":
      removeIndex(c.args[1], c.kwargs, c.line, "remove_index", st);
      return;
    case "add_reference":
    case "add_belongs_to":
      addReference(tableArg(c.args[0]), c.args[1], c.kwargs, c.line, c.name, st, false);
      return;
    case "add_foreign_key": {
      const from = tableArg(c.args[0]);
      const to = str(c.args[1]);
      const column = names(c.kwargs.get("column"));
      if (from && to !== null)
        push(st, { kind: "foreign-key", line: c.line, table: from, columns: column.length > 0 ? column : [`${singular(to.split(".").pop() ?? to)}_id`], name: str(c.kwargs.get("name")) });
      return;
    }
    case "drop_table": {
      const ref = tableArg(c.args[0]);
      if (ref) push(st, { kind: "drop-table", line: c.line, tables: [ref] });
      return;
    }
    case "execute":
    case "exec_query":
    case "exec_update":
    case "exec_insert":
    case "exec_delete":
      execute(c, st);
      return;
    case "safety_assured":
      if (c.block) walk(c.block, { ...st, ack: true });
      return;
    case "reversible":
      if (c.block) walk(c.block, { ...st, dir: c.blockParams[0] ?? "dir" });
      return;
    case "revert":
      return;
    default:
      if (c.block) walk(c.block, st);
      for (const a of c.args) if (a.k === "call" || a.k === "opaque") node(a, st);
  }
}

function tableMethod(c: Call, ref: TableRef, st: State): void {
  switch (c.name) {
    case "index":
      addIndex(ref, c.args[0], c.kwargs, c.line, "t.index", st);
      return;
    case "remove_index":
      removeIndex(c.args[0], c.kwargs, c.line, "t.remove_index", st);
      return;
    case "references":
    case "belongs_to":
      for (const a of c.args) addReference(ref, a, c.kwargs, c.line, `t.${c.name}`, st, true);
      return;
    case "foreign_key": {
      const to = str(c.args[0]);
      const column = names(c.kwargs.get("column"));
      if (to !== null)
        push(st, { kind: "foreign-key", line: c.line, table: ref, columns: column.length > 0 ? column : [`${singular(to)}_id`], name: null });
      return;
    }
    case "unique_constraint":
      push(st, { kind: "constraint-index", line: c.line, source: "t.unique_constraint", table: ref, constraint: "UNIQUE", columns: names(c.args[0]), usingIndex: c.kwargs.has("using_index") });
      return;
    default: {
      if (!COLUMN_TYPES.has(c.name)) return;
      const index = c.kwargs.get("index");
      if (!index || literal(index) === "false" || literal(index) === "nil") return;
      const opts = index.k === "hash" ? index.entries : new Map<string, RNode>();
      const cols = c.name === "column" ? c.args.slice(0, 1) : c.args;
      for (const col of cols) addIndex(ref, col, opts, c.line, `t.${c.name} ..., index:`, st);
    }
  }
}

function addIndex(table: TableRef | null, columns: RNode | undefined, opts: ReadonlyMap<string, RNode>, line: number, source: string, st: State): void {
  const concurrent = literal(opts.get("algorithm")) === "concurrently";
  const keys: IndexKey[] = columns ? indexKeys(columns) : [];
  push(st, {
    kind: "create-index",
    line,
    source: concurrent ? `${source} ..., algorithm: :concurrently` : source,
    table,
    name: str(opts.get("name")),
    concurrent,
    keys,
    unique: literal(opts.get("unique")) === "true",
    partial: opts.has("where"),
    onlyParent: false,
    ifNotExists: literal(opts.get("if_not_exists")) === "true",
    tx: st.wrap,
    method: str(opts.get("using")) ?? "btree",
  });
}

function removeIndex(column: RNode | undefined, opts: ReadonlyMap<string, RNode>, line: number, source: string, st: State): void {
  const name = str(opts.get("name"));
  const cols = names(opts.get("column") ?? column);
  push(st, {
    kind: "drop-index",
    line,
    source,
    names: [name ?? (cols.length > 0 ? `the index on (${cols.join(", ")})` : "an index")],
    concurrent: literal(opts.get("algorithm")) === "concurrently",
    cascade: false,
    ifExists: literal(opts.get("if_exists")) === "true",
    tx: st.wrap,
  });
}

/** `add_reference :orders, :user` adds `user_id` and, by default, an index on it (and `user_type` first when polymorphic). */
function addReference(table: TableRef | null, refArg: RNode | undefined, opts: ReadonlyMap<string, RNode>, line: number, source: string, st: State, inBlock: boolean): void {
  const ref = str(refArg);
  if (ref === null || !table) return;
  const polymorphic = opts.has("polymorphic") && literal(opts.get("polymorphic")) !== "false";
  const keys = polymorphic ? [`${ref}_type`, `${ref}_id`] : [`${ref}_id`];
  const fk = opts.get("foreign_key");
  if (fk && literal(fk) !== "false" && literal(fk) !== "nil")
    push(st, { kind: "foreign-key", line, table, columns: [`${ref}_id`], name: null });
  const index = opts.get("index");
  if (index && (literal(index) === "false" || literal(index) === "nil")) return;
  const indexOpts = index?.k === "hash" ? index.entries : new Map<string, RNode>();
  push(st, {
    kind: "create-index",
    line,
    source: literal(indexOpts.get("algorithm")) === "concurrently" ? `${source} ..., index: { algorithm: :concurrently }` : inBlock ? source : `${source} (index: true by default)`,
    table,
    name: str(indexOpts.get("name")),
    concurrent: literal(indexOpts.get("algorithm")) === "concurrently",
    keys,
    unique: literal(indexOpts.get("unique")) === "true",
    partial: indexOpts.has("where"),
    onlyParent: false,
    ifNotExists: false,
    tx: st.wrap,
    method: "btree",
  });
}

function execute(c: Call, st: State): void {
  const arg = resolveString(c.args[0], st.env);
  if (!arg) {
    push(st, { kind: "dynamic", line: c.line, detail: `${c.name} runs SQL the check cannot read (not a string literal)` });
    return;
  }
  const ops = embeddedSqlOps(arg.v, arg.interp, arg.line, { wrap: st.wrap, oneQuery: `Rails ${c.name}` }, c.name);
  for (const op of ops) push(st, op);
}

function resolveString(n: RNode | undefined, env: ReadonlyMap<string, RNode>, depth = 0): Extract<RNode, { k: "str" }> | null {
  if (!n || depth > 5) return null;
  if (n.k === "str") return n;
  if (n.k === "call" && n.recv && STRING_METHODS.has(n.name) && n.args.length === 0) return resolveString(n.recv, env, depth + 1);
  if (n.k === "call" && n.recv === null && n.args.length === 0 && !n.block) return resolveString(env.get(n.name), env, depth + 1);
  return null;
}

function isParam(n: RNode, param: string): boolean {
  return n.k === "call" && n.recv === null && n.name === param && n.args.length === 0 && n.kwargs.size === 0;
}

function isConnection(n: RNode): boolean {
  return n.k === "call" && n.name === "connection" && n.args.length === 0;
}

function str(n: RNode | undefined): string | null {
  if (!n) return null;
  if (n.k === "str" && !n.interp) return n.v;
  if (n.k === "sym") return n.v;
  return null;
}

function literal(n: RNode | undefined): string | null {
  if (!n) return null;
  if (n.k === "lit") return n.v;
  if (n.k === "sym" || (n.k === "str" && !n.interp)) return n.v;
  return null;
}

function names(n: RNode | undefined): string[] {
  if (!n) return [];
  const s = str(n);
  if (s !== null) return [s];
  if (n.k === "arr") return n.items.map(str).filter((x): x is string => x !== null);
  return [];
}

/** Column arguments of add_index: a name, a list of names, or an SQL expression string (`"lower(email)"`). */
function indexKeys(n: RNode): IndexKey[] {
  const one = (x: RNode): IndexKey => {
    const s = str(x);
    if (s === null) return null;
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : null;
  };
  if (n.k === "arr") return n.items.map(one);
  if (n.k === "str" || n.k === "sym") return [one(n)];
  return [];
}

function tableArg(n: RNode | undefined): TableRef | null {
  const s = str(n);
  return s === null ? null : frameworkTable(s);
}

function joinTable(c: Call): TableRef | null {
  const explicit = str(c.kwargs.get("table_name"));
  if (explicit) return frameworkTable(explicit);
  const a = str(c.args[0]);
  const b = str(c.args[1]);
  if (a === null || b === null) return null;
  return frameworkTable([a, b].sort().join("_"));
}

function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|us)$/.test(word)) return word;
  if (/(sh|ch|x|ss)es$/.test(word)) return word.slice(0, -2);
  if (/s$/.test(word)) return word.slice(0, -1);
  return word;
}
