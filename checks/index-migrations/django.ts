/**
 * Django migrations: `AddIndex` vs `AddIndexConcurrently`, `RemoveIndex[Concurrently]`, fields that
 * bring an index (`ForeignKey`, `SlugField`, `db_index=True`, `unique=True`), `index_together` /
 * `unique_together`, `UniqueConstraint`, `RunSQL`, `SeparateDatabaseAndState`, and `atomic = False`.
 * Django runs each migration in a transaction unless the class sets `atomic = False`.
 *
 * Whether `AlterField` adds an index depends on the field's previous definition, so the reader keeps
 * each app's model state across its migrations (read in migration order).
 */
import { embeddedSqlOps } from "./embedded.js";
import { NO_TX, type IndexKey, type MigrationUnit, type Op, type Skip, type TableRef, type TxContext } from "./model.js";
import { parsePython, type PNode } from "./python.js";

type Call = Extract<PNode, { k: "call" }>;

const DJANGO_TX: TxContext = {
  kind: "tx",
  why: "Django runs each migration in a transaction unless the Migration class sets atomic = False",
  fix: "Set `atomic = False` on the Migration class (and keep other operations in another migration)",
};

interface FieldState {
  indexed: boolean;
  unique: boolean;
  column: string;
}

interface ModelState {
  table: string;
  fields: Map<string, FieldState>;
  together: { index: Set<string>; unique: Set<string> };
}

/** Model state of one Django app (one `migrations/` directory), carried across its migrations. */
export type AppState = Map<string, ModelState>;

/** Field classes that Django indexes by default. */
const INDEXED_BY_DEFAULT = new Set(["ForeignKey", "SlugField", "TreeForeignKey", "ParentalKey", "AutoSlugField"]);
const UNIQUE_BY_DEFAULT = new Set(["OneToOneField", "ParentalOneToOneField"]);
const INDEX_METHODS: Record<string, string> = {
  GinIndex: "gin",
  GistIndex: "gist",
  BrinIndex: "brin",
  HashIndex: "hash",
  SpGistIndex: "spgist",
  BloomIndex: "bloom",
  BTreeIndex: "btree",
  Index: "btree",
};

export function isDjango(text: string): boolean {
  return /\bclass\s+Migration\s*\(/.test(text) && /\bmigrations\b/.test(text);
}

export function readDjangoMigration(path: string, text: string, app: AppState, appLabel: string): MigrationUnit[] | Skip {
  const stmts = parsePython(text);
  const cls = stmts.find((s) => s.k === "class" && s.name === "Migration");
  if (!cls || cls.k !== "class") return { skip: "not-migration", detail: "no Migration class" };
  let atomic = true;
  let operations: PNode | null = null;
  let fresh: string | null = null;
  for (const s of cls.body) {
    if (s.k !== "assign") continue;
    if (s.targets.includes("atomic") && s.value.k === "const" && s.value.v === "False") atomic = false;
    if (s.targets.includes("operations")) operations = s.value;
    // Django runs an initial migration only on a fresh database (it is faked when its tables exist),
    // and a squashed one only where none of the migrations it replaces has run.
    if (s.targets.includes("initial") && s.value.k === "const" && s.value.v === "True") fresh = "an initial migration";
    if (s.targets.includes("replaces") && s.value.k === "list" && s.value.items.length > 0) fresh ??= "a squashed migration";
  }
  const r = new Reader(app, appLabel, atomic ? DJANGO_TX : NO_TX);
  for (const op of items(operations)) r.operation(op, true, true);
  return [{ path, runner: "django", ops: r.ops, ...(fresh ? { freshDatabaseOnly: fresh } : {}) }];
}

class Reader {
  readonly ops: Op[] = [];

  constructor(
    private readonly app: AppState,
    private readonly appLabel: string,
    private readonly wrap: TxContext,
  ) {}

  private model(name: string): ModelState {
    const key = name.toLowerCase();
    let m = this.app.get(key);
    if (!m) {
      m = { table: `${this.appLabel}_${key}`, fields: new Map(), together: { index: new Set(), unique: new Set() } };
      this.app.set(key, m);
    }
    return m;
  }

  private table(model: string): TableRef {
    return { schema: "public", name: this.model(model).table };
  }

  /** `emit`: report database changes; `state`: update the model state. */
  operation(n: PNode, emit: boolean, state: boolean): void {
    if (n.k !== "call") return;
    const kind = last(n.func);
    const modelName = str(kw(n, "model_name", 0)) ?? str(kw(n, "name", 0)) ?? "";
    switch (kind) {
      case "CreateModel": {
        const name = str(kw(n, "name", 0));
        if (name === null) return;
        const options = kw(n, "options", 3);
        const dbTable = options?.k === "dict" ? str(options.entries.get("db_table")) : null;
        if (state) {
          this.app.set(name.toLowerCase(), {
            table: dbTable ?? `${this.appLabel}_${name.toLowerCase()}`,
            fields: new Map(),
            together: { index: new Set(), unique: new Set() },
          });
          for (const [fname, field] of fieldPairs(kw(n, "fields", 1))) {
            const f = fieldInfo(fname, field);
            if (f) this.model(name).fields.set(fname, f);
          }
          if (options?.k === "dict") {
            for (const t of togetherSet(options.entries.get("index_together"))) this.model(name).together.index.add(t);
            for (const t of togetherSet(options.entries.get("unique_together"))) this.model(name).together.unique.add(t);
          }
        }
        if (emit) {
          const keys = [...this.model(name).fields.values()].filter((f) => f.indexed || f.unique).map((f) => [f.column]);
          this.ops.push({ kind: "create-table", line: n.line, table: this.table(name), partitioned: false, keys });
          for (const [fname, field] of fieldPairs(kw(n, "fields", 1))) this.foreignKey(name, fname, field);
        }
        return;
      }
      case "DeleteModel": {
        const name = str(kw(n, "name", 0));
        if (name === null) return;
        if (emit) this.ops.push({ kind: "drop-table", line: n.line, tables: [this.table(name)] });
        if (state) this.app.delete(name.toLowerCase());
        return;
      }
      case "AddField":
      case "AlterField": {
        const fname = str(kw(n, "name", 1));
        const field = kw(n, "field", 2);
        if (fname === null || !field) return;
        const next = fieldInfo(fname, field);
        if (!next) return;
        const m = this.model(modelName);
        const prev = kind === "AddField" ? { indexed: false, unique: false, column: next.column } : m.fields.get(fname);
        if (emit) {
          if (kind === "AddField") this.foreignKey(modelName, fname, field);
          this.fieldChange(n, kind, modelName, prev, next, field);
        }
        if (state) m.fields.set(fname, next);
        return;
      }
      case "RemoveField": {
        const fname = str(kw(n, "name", 1));
        if (state && fname !== null) this.model(modelName).fields.delete(fname);
        return;
      }
      case "RenameField": {
        const from = str(kw(n, "old_name", 1));
        const to = str(kw(n, "new_name", 2));
        const m = this.model(modelName);
        const f = from !== null ? m.fields.get(from) : undefined;
        if (state && f && to !== null) {
          m.fields.delete(from ?? "");
          m.fields.set(to, f);
        }
        return;
      }
      case "RenameModel": {
        const from = str(kw(n, "old_name", 0));
        const to = str(kw(n, "new_name", 1));
        if (state && from !== null && to !== null) {
          const m = this.app.get(from.toLowerCase());
          if (m) {
            this.app.delete(from.toLowerCase());
            this.app.set(to.toLowerCase(), m);
          }
        }
        return;
      }
      case "AddIndex":
      case "AddIndexConcurrently": {
        const index = kw(n, "index", 1);
        if (!emit || !index || index.k !== "call") return;
        const concurrent = kind === "AddIndexConcurrently";
        this.ops.push({
          kind: "create-index",
          line: n.line,
          source: kind,
          table: this.table(modelName),
          name: str(index.kwargs.get("name")),
          concurrent,
          keys: indexKeys(index),
          unique: false,
          partial: index.kwargs.has("condition"),
          onlyParent: false,
          ifNotExists: false,
          tx: this.wrap,
          method: INDEX_METHODS[last(index.func)] ?? "btree",
        });
        return;
      }
      case "RemoveIndex":
      case "RemoveIndexConcurrently": {
        if (!emit) return;
        this.ops.push({
          kind: "drop-index",
          line: n.line,
          source: kind,
          names: [str(kw(n, "name", 1)) ?? "an index"],
          concurrent: kind === "RemoveIndexConcurrently",
          cascade: false,
          ifExists: false,
          tx: this.wrap,
        });
        return;
      }
      case "AddConstraint": {
        const c = kw(n, "constraint", 1);
        if (!emit || !c || c.k !== "call" || last(c.func) !== "UniqueConstraint") return;
        const fields = strings(c.kwargs.get("fields"));
        const asIndex = c.kwargs.has("condition") || c.args.length > 0 || c.kwargs.has("include") || c.kwargs.has("opclasses");
        if (asIndex) {
          this.ops.push({
            kind: "create-index",
            line: n.line,
            source: "AddConstraint(UniqueConstraint(...))",
            table: this.table(modelName),
            name: str(c.kwargs.get("name")),
            concurrent: false,
            keys: fields.length > 0 ? fields : c.args.map(() => null),
            unique: true,
            partial: c.kwargs.has("condition"),
            onlyParent: false,
            ifNotExists: false,
            tx: this.wrap,
            method: "btree",
          });
        } else {
          this.ops.push({ kind: "constraint-index", line: n.line, source: "AddConstraint(UniqueConstraint(...))", table: this.table(modelName), constraint: "UNIQUE", columns: this.columns(modelName, fields), usingIndex: false });
        }
        return;
      }
      case "AlterIndexTogether":
      case "AlterUniqueTogether": {
        const name = str(kw(n, "name", 0));
        if (name === null) return;
        const m = this.model(name);
        const which = kind === "AlterIndexTogether" ? m.together.index : m.together.unique;
        const next = togetherSet(kw(n, kind === "AlterIndexTogether" ? "index_together" : "unique_together", 1));
        if (emit) {
          for (const t of next) {
            if (which.has(t)) continue;
            const cols = this.columns(name, t.split(","));
            if (kind === "AlterIndexTogether")
              this.ops.push({ kind: "create-index", line: n.line, source: "AlterIndexTogether", table: this.table(name), name: null, concurrent: false, keys: cols, unique: false, partial: false, onlyParent: false, ifNotExists: false, tx: this.wrap, method: "btree" });
            else
              this.ops.push({ kind: "constraint-index", line: n.line, source: "AlterUniqueTogether", table: this.table(name), constraint: "UNIQUE", columns: cols, usingIndex: false });
          }
        }
        if (state) {
          which.clear();
          for (const t of next) which.add(t);
        }
        return;
      }
      case "RunSQL": {
        if (!emit) return;
        const sql = kw(n, "sql", 0);
        const parts = sql?.k === "list" ? sql.items : sql ? [sql] : [];
        for (const p of parts) {
          const s = p.k === "list" ? p.items[0] : p;
          if (s && s.k === "str") this.ops.push(...embeddedSqlOps(s.v, s.interp, s.line, { wrap: this.wrap, oneQuery: null }, "RunSQL"));
          else this.ops.push({ kind: "dynamic", line: p.line, detail: "RunSQL runs SQL the check cannot read (not a string literal)" });
        }
        return;
      }
      case "SeparateDatabaseAndState": {
        const db = items(kw(n, "database_operations", 0));
        const st = n.kwargs.has("state_operations") || n.args.length > 1 ? items(kw(n, "state_operations", 1)) : null;
        for (const op of db) this.operation(op, emit, state && st === null);
        if (st) for (const op of st) this.operation(op, false, state);
        return;
      }
      default:
        return;
    }
  }

  private columns(model: string, fields: readonly string[]): string[] {
    const m = this.model(model);
    return fields.map((f) => m.fields.get(f)?.column ?? f);
  }

  private foreignKey(model: string, fname: string, field: PNode): void {
    if (field.k !== "call") return;
    const cls = last(field.func);
    if (cls !== "ForeignKey" && !UNIQUE_BY_DEFAULT.has(cls) && cls !== "TreeForeignKey" && cls !== "ParentalKey") return;
    if (field.kwargs.get("db_constraint")?.k === "const" && (field.kwargs.get("db_constraint") as { v: string }).v === "False") return;
    const column = str(field.kwargs.get("db_column")) ?? `${fname}_id`;
    this.ops.push({ kind: "foreign-key", line: field.line, table: this.table(model), columns: [column], name: null });
  }

  private fieldChange(n: Call, kind: string, model: string, prev: FieldState | undefined, next: FieldState, field: PNode): void {
    const label = `${kind}(${model}.${next.column})`;
    if (!prev) {
      if (next.indexed || next.unique)
        this.ops.push({ kind: "dynamic", line: n.line, detail: `${label} may add an index, but the field's previous definition is not in this app's earlier migrations` });
      return;
    }
    if (next.unique && !prev.unique) {
      this.ops.push({ kind: "constraint-index", line: n.line, source: `${kind}(..., unique=True)`, table: this.table(model), constraint: "UNIQUE", columns: [next.column], usingIndex: false });
      return;
    }
    if (prev.indexed && !next.indexed && !prev.unique) {
      this.ops.push({ kind: "drop-index", line: n.line, source: `${kind} (the field is no longer indexed)`, names: [`the index on ${this.table(model).name}.${next.column}`], concurrent: false, cascade: false, ifExists: false, tx: this.wrap });
      return;
    }
    if (next.indexed && !next.unique && !prev.indexed) {
      const cls = field.k === "call" ? last(field.func) : "field";
      this.ops.push({
        kind: "create-index",
        line: n.line,
        source: INDEXED_BY_DEFAULT.has(cls) ? `${kind}(${cls})` : `${kind}(..., db_index=True)`,
        table: this.table(model),
        name: null,
        concurrent: false,
        keys: [next.column],
        unique: false,
        partial: false,
        onlyParent: false,
        ifNotExists: false,
        tx: this.wrap,
        method: "btree",
      });
    }
  }
}

function fieldInfo(name: string, field: PNode): FieldState | null {
  if (field.k !== "call") return null;
  const cls = last(field.func);
  const flag = (k: string): boolean | null => {
    const v = field.kwargs.get(k);
    return v?.k === "const" ? v.v === "True" : null;
  };
  if (flag("primary_key") === true) return { indexed: true, unique: true, column: str(field.kwargs.get("db_column")) ?? name };
  if (cls === "ManyToManyField") return null;
  const isRelation = cls === "ForeignKey" || UNIQUE_BY_DEFAULT.has(cls) || cls === "TreeForeignKey" || cls === "ParentalKey";
  const column = str(field.kwargs.get("db_column")) ?? (isRelation ? `${name}_id` : name);
  const unique = flag("unique") ?? UNIQUE_BY_DEFAULT.has(cls);
  const indexed = flag("db_index") ?? INDEXED_BY_DEFAULT.has(cls);
  return { indexed: indexed || unique, unique, column };
}

function fieldPairs(n: PNode | undefined): [string, PNode][] {
  if (!n || n.k !== "list") return [];
  const out: [string, PNode][] = [];
  for (const item of n.items) {
    if (item.k !== "list" || item.items.length < 2) continue;
    const name = str(item.items[0]);
    const field = item.items[1];
    if (name !== null && field) out.push([name, field]);
  }
  return out;
}

/** `{("a", "b")}`, `[("a", "b")]`, `("a", "b")` (a single tuple) -> ["a,b"]. */
function togetherSet(n: PNode | undefined): string[] {
  if (!n || n.k !== "list") return [];
  if (n.items.every((x) => x.k === "str")) return n.items.length > 0 ? [strings(n).join(",")] : [];
  return n.items.map((x) => strings(x).join(",")).filter((x) => x.length > 0);
}

function indexKeys(index: Call): IndexKey[] {
  const fields = index.kwargs.get("fields");
  if (fields) return strings(fields).map((f) => f.replace(/^-/, ""));
  return index.args.map(() => null);
}

function items(n: PNode | null | undefined): PNode[] {
  if (!n) return [];
  if (n.k === "list") return [...n.items];
  if (n.k === "opaque") return n.parts.flatMap((p) => items(p));
  return [];
}

function kw(c: Call, name: string, index: number): PNode | undefined {
  return c.kwargs.get(name) ?? c.args[index];
}

function last(func: string): string {
  return func.slice(func.lastIndexOf(".") + 1);
}

function str(n: PNode | undefined): string | null {
  return n && n.k === "str" && !n.interp ? n.v : null;
}

function strings(n: PNode | undefined): string[] {
  if (!n) return [];
  if (n.k === "list") return n.items.map(str).filter((x): x is string => x !== null);
  const s = str(n);
  return s === null ? [] : [s];
}
