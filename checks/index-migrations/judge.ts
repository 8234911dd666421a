/**
 * Operations -> findings (spec §5.5). Units are judged in migration order; "new table" means
 * created earlier in the same unit; partitioned tables and the index/foreign-key model (for the
 * optional foreign-key coverage, §5.6) carry across units.
 */
import type { MessageData, Severity } from "../../src/check/types.js";
import {
  tableKey,
  tableText,
  type CreateIndexOp,
  type ForeignKeyOp,
  type IndexKey,
  type MigrationUnit,
  type Op,
  type TableRef,
} from "./model.js";
import { SQUAWK_RULES } from "./sql.js";

export type MessageId =
  | "create-index-not-concurrent"
  | "concurrent-in-transaction"
  | "concurrent-transaction-unknown"
  | "concurrent-on-partitioned"
  | "drop-index-not-concurrent"
  | "drop-index-concurrent-invalid"
  | "reindex-not-concurrent"
  | "constraint-builds-index"
  | "foreign-key-not-indexed"
  | "concurrent-rerun-hazard"
  | "repeatable-concurrent"
  | "dynamic-sql"
  | "sql-parse-error"
  | "migration-unreadable"
  | "acknowledged";

/** What a finding does to the status. */
export type Effect = "fail" | "warn" | "indeterminate" | "none";

export interface Judged {
  readonly messageId: MessageId;
  readonly data: MessageData;
  readonly path: string;
  readonly line?: number;
  readonly endLine?: number;
  readonly severity?: Severity;
  readonly effect: Effect;
}

export type Level = "fail" | "warn" | "off";

export interface JudgeOptions {
  readonly dropIndex: Level;
  readonly reindex: Level;
  readonly uniqueConstraint: Level;
  readonly foreignKeys: Level;
  readonly rerunHazard: boolean;
}

export interface JudgeCounters {
  indexBuilds: number;
  concurrentBuilds: number;
  newTableBuilds: number;
  nonConcurrentBuilds: number;
  compositeNonConcurrentBuilds: number;
  concurrentInTransaction: number;
  indexDrops: number;
  foreignKeys: number;
  foreignKeysNotIndexed: number;
}

interface ModelIndex {
  readonly name: string | null;
  readonly keys: readonly IndexKey[];
  readonly partial: boolean;
  readonly method: string;
}

interface ModelTable {
  indexes: ModelIndex[];
  fks: { op: ForeignKeyOp; path: string }[];
}

export class Judge {
  readonly counters: JudgeCounters = {
    indexBuilds: 0,
    concurrentBuilds: 0,
    newTableBuilds: 0,
    nonConcurrentBuilds: 0,
    compositeNonConcurrentBuilds: 0,
    concurrentInTransaction: 0,
    indexDrops: 0,
    foreignKeys: 0,
    foreignKeysNotIndexed: 0,
  };
  private readonly out: Judged[] = [];
  private readonly partitioned = new Set<string>();
  private readonly tables = new Map<string, ModelTable>();
  private readonly indexTable = new Map<string, string>();

  constructor(private readonly options: JudgeOptions) {}

  get findings(): readonly Judged[] {
    return this.out;
  }

  add(j: Judged): void {
    this.out.push(j);
  }

  unit(u: MigrationUnit): void {
    const created: Set<string> = u.freshDatabaseOnly ? new EverySet() : new Set<string>();
    const createdIndexes = new Set<string>();
    for (const note of u.notes ?? []) {
      this.add({
        messageId: "dynamic-sql",
        data: { detail: note.text },
        path: u.path,
        ...(note.line !== undefined ? { line: note.line } : {}),
        effect: note.effect,
        ...(note.effect === "none" ? { severity: "notice" as const } : {}),
      });
    }
    for (const op of u.ops) this.op(op, u, created, createdIndexes);
  }

  private op(op: Op, u: MigrationUnit, created: Set<string>, createdIndexes: Set<string>): void {
    const at = { path: u.path, line: op.line, ...(op.endLine !== undefined ? { endLine: op.endLine } : {}) };
    switch (op.kind) {
      case "create-table": {
        const key = tableKey(op.table);
        created.add(key);
        if (op.partitioned) this.partitioned.add(key);
        else this.partitioned.delete(key);
        this.tables.set(key, {
          indexes: op.keys.map((k) => ({ name: null, keys: k, partial: false, method: "btree" })),
          fks: [],
        });
        return;
      }
      case "drop-table":
        for (const t of op.tables) {
          this.tables.delete(tableKey(t));
          created.delete(tableKey(t));
        }
        return;
      case "create-index":
        this.createIndex(op, u, at, created, createdIndexes);
        return;
      case "drop-index": {
        this.counters.indexDrops++;
        for (const name of op.names) this.forgetIndex(name);
        if (op.concurrent) {
          if (op.names.length > 1)
            this.add({ messageId: "drop-index-concurrent-invalid", data: { problem: "cannot drop several indexes in one statement" }, ...at, effect: "fail" });
          if (op.cascade)
            this.add({ messageId: "drop-index-concurrent-invalid", data: { problem: "does not support CASCADE" }, ...at, effect: "fail" });
          this.needsNoTx(op.tx, "DROP INDEX CONCURRENTLY", at, u);
          return;
        }
        if (u.freshDatabaseOnly || op.names.every((n) => createdIndexes.has(n.toLowerCase()))) return;
        this.level(this.options.dropIndex, op.acknowledged, SQUAWK_RULES.drop, at, {
          messageId: "drop-index-not-concurrent",
          data: { source: op.source, index: op.names.join(", ") || "an index", fix: dropFix(u.runner) },
        });
        return;
      }
      case "reindex":
        if (op.concurrent) this.needsNoTx(op.tx, "REINDEX CONCURRENTLY", at, u);
        else
          this.level(this.options.reindex, op.acknowledged, SQUAWK_RULES.reindex, at, {
            messageId: "reindex-not-concurrent",
            data: { target: op.target },
          });
        return;
      case "constraint-index": {
        const t = op.table ? this.tables.get(tableKey(op.table)) : undefined;
        if (t && !op.usingIndex) t.indexes.push({ name: null, keys: op.columns, partial: false, method: "btree" });
        if (op.usingIndex || u.freshDatabaseOnly || (op.table && created.has(tableKey(op.table)))) return;
        this.level(this.options.uniqueConstraint, op.acknowledged, SQUAWK_RULES.constraint, at, {
          messageId: "constraint-builds-index",
          data: { source: op.source, table: op.table ? `existing table ${tableText(op.table)}` : "a table named at run time", constraint: op.constraint },
        });
        return;
      }
      case "foreign-key": {
        this.counters.foreignKeys++;
        const key = tableKey(op.table);
        let t = this.tables.get(key);
        if (!t) {
          t = { indexes: [], fks: [] };
          this.tables.set(key, t);
        }
        t.fks.push({ op, path: u.path });
        return;
      }
      case "dynamic":
        if (op.acknowledged === "all") this.add({ messageId: "acknowledged", data: { what: `SQL the check cannot read (${op.detail})` }, ...at, effect: "none" });
        else this.add({ messageId: "dynamic-sql", data: { detail: op.detail }, ...at, effect: "indeterminate" });
        return;
      case "concurrent-in-function":
        this.counters.concurrentInTransaction++;
        this.add({
          messageId: "concurrent-in-transaction",
          data: {
            statement: op.detail,
            why: "PostgreSQL refuses it inside a function or DO block",
            fix: "Run the CONCURRENTLY statement as a plain top-level statement",
          },
          ...at,
          effect: "fail",
        });
        return;
      case "parse-error":
        this.add({
          messageId: "sql-parse-error",
          data: {
            detail: op.detail,
            evidence: op.evidence ? `; the text shows ${op.evidence} without CONCURRENTLY` : "",
          },
          ...at,
          effect: "indeterminate",
        });
        return;
    }
  }

  private createIndex(
    op: CreateIndexOp,
    u: MigrationUnit,
    at: { path: string; line: number; endLine?: number },
    created: Set<string>,
    createdIndexes: Set<string>,
  ): void {
    this.counters.indexBuilds++;
    if (op.name) createdIndexes.add(op.name.toLowerCase());
    const key = op.table ? tableKey(op.table) : null;
    if (key) {
      const t = this.tables.get(key) ?? { indexes: [], fks: [] };
      this.tables.set(key, t);
      t.indexes.push({ name: op.name, keys: op.keys, partial: op.partial, method: op.method ?? "btree" });
      if (op.name) this.indexTable.set(indexKey(op.table, op.name), key);
    }
    const composite = op.keys.length >= 2;
    const what = composite
      ? `a composite index (${op.keys.length} key columns)`
      : op.keys.some((k) => k === null)
        ? "an expression index"
        : "an index";
    if (op.concurrent) {
      this.counters.concurrentBuilds++;
      const statement = op.source.startsWith("CREATE") ? `${op.source} CONCURRENTLY` : op.source;
      this.needsNoTx(op.tx, statement, at, u);
      if (key && this.partitioned.has(key))
        this.add({ messageId: "concurrent-on-partitioned", data: { table: tableText(op.table) }, ...at, effect: "fail" });
      if (u.repeatable)
        this.add({ messageId: "repeatable-concurrent", data: { index: op.name ?? "an index" }, ...at, effect: "none" });
      if (this.options.rerunHazard && !op.ifNotExists)
        this.add({ messageId: "concurrent-rerun-hazard", data: { index: op.name ?? "the index" }, ...at, effect: "none" });
      return;
    }
    if (op.onlyParent) return;
    if ((key && created.has(key)) || (!key && u.freshDatabaseOnly)) {
      this.counters.newTableBuilds++;
      return;
    }
    if (!key && created.size > 0) {
      // the table is named at run time, and this migration creates tables: it may be one of them
      this.add({ messageId: "dynamic-sql", data: { detail: `${op.source} builds an index on a table named at run time` }, ...at, effect: "indeterminate" });
      return;
    }
    this.counters.nonConcurrentBuilds++;
    if (composite) this.counters.compositeNonConcurrentBuilds++;
    const data = {
      source: op.source,
      what,
      table: op.table ? `existing table ${tableText(op.table)}` : "a table named at run time",
      composite: composite ? "true" : "false",
      fix: createFix(u.runner),
    };
    if (acknowledges(op.acknowledged, SQUAWK_RULES.create)) {
      this.add({ messageId: "acknowledged", data: { what: `${op.source} on ${tableText(op.table)} without CONCURRENTLY` }, ...at, effect: "none" });
      return;
    }
    this.add({ messageId: "create-index-not-concurrent", data, ...at, effect: "fail" });
  }

  private needsNoTx(tx: CreateIndexOp["tx"], statement: string, at: { path: string; line: number; endLine?: number }, u: MigrationUnit): void {
    if (tx.kind === "tx") {
      this.counters.concurrentInTransaction++;
      this.add({ messageId: "concurrent-in-transaction", data: { statement, why: tx.why, fix: tx.fix }, ...at, effect: "fail" });
    } else if (tx.kind === "unknown") {
      this.add({ messageId: "concurrent-transaction-unknown", data: { statement, runner: u.runner, why: tx.why }, ...at, effect: "indeterminate" });
    }
  }

  private level(
    level: Level,
    acknowledged: Op["acknowledged"],
    rule: string,
    at: { path: string; line: number; endLine?: number },
    f: { messageId: MessageId; data: MessageData },
  ): void {
    if (level === "off") return;
    if (acknowledges(acknowledged, rule)) {
      this.add({ messageId: "acknowledged", data: { what: `${f.messageId} (${rule})` }, ...at, effect: "none" });
      return;
    }
    this.add({ ...f, ...at, effect: level, severity: level === "fail" ? "error" : "warning" });
  }

  private forgetIndex(qualified: string): void {
    const dot = qualified.lastIndexOf(".");
    const name = dot >= 0 ? qualified.slice(dot + 1) : qualified;
    const schema = dot >= 0 ? qualified.slice(0, dot) : "public";
    const key = this.indexTable.get(`${schema}.${name}`);
    if (!key) return;
    const t = this.tables.get(key);
    if (t) t.indexes = t.indexes.filter((i) => i.name !== name);
    this.indexTable.delete(`${schema}.${name}`);
  }

  /** After the last unit: foreign keys of the final schema without a supporting index (§5.6). */
  finish(): void {
    if (this.options.foreignKeys === "off") return;
    for (const t of this.tables.values()) {
      for (const { op, path } of t.fks) {
        if (covered(op.columns, t.indexes)) continue;
        this.counters.foreignKeysNotIndexed++;
        const partialOnly = t.indexes.some((i) => i.partial && leadsWith(i.keys, op.columns));
        this.add({
          messageId: "foreign-key-not-indexed",
          data: {
            table: tableText(op.table),
            columns: op.columns.join(", "),
            why: partialOnly ? " (only a partial index covers it)" : "",
          },
          path,
          line: op.line,
          effect: this.options.foreignKeys,
          severity: this.options.foreignKeys === "fail" ? "error" : "warning",
        });
      }
    }
  }
}

function indexKey(table: TableRef | null, name: string): string {
  return `${table?.schema ?? "public"}.${name}`;
}

function acknowledges(ack: Op["acknowledged"], rule: string): boolean {
  return ack === "all" || (Array.isArray(ack) && ack.includes(rule));
}

/** §5.6: a valid, non-partial index whose first k key columns are exactly the FK's k columns. */
function covered(columns: readonly string[], indexes: readonly ModelIndex[]): boolean {
  const k = columns.length;
  if (k === 0) return true;
  return indexes.some((i) => !i.partial && (i.method === "btree" || (i.method === "hash" && k === 1)) && leadsWith(i.keys, columns));
}

function leadsWith(keys: readonly IndexKey[], columns: readonly string[]): boolean {
  if (keys.length < columns.length) return false;
  const lead = keys.slice(0, columns.length);
  if (lead.some((k) => k === null)) return false;
  const want = new Set(columns);
  return lead.every((k) => k !== null && want.has(k)) && new Set(lead).size === want.size;
}

function createFix(runner: string): string {
  switch (runner) {
    case "rails":
      return "Use `add_index ..., algorithm: :concurrently` and add `disable_ddl_transaction!` to the migration";
    case "django":
      return "Use AddIndexConcurrently (django.contrib.postgres.operations) in a migration with `atomic = False`";
    case "alembic":
      return "Pass postgresql_concurrently=True and run it inside `with op.get_context().autocommit_block():`";
    case "knex":
      return "Use knex.raw('CREATE INDEX CONCURRENTLY ...') in a migration with `config = { transaction: false }`";
    case "typeorm":
      return "Use queryRunner.query('CREATE INDEX CONCURRENTLY ...') with `transaction = false` and migrationsTransactionMode 'each'";
    default:
      return "Use CREATE INDEX CONCURRENTLY, as the only statement of a migration that runs outside a transaction";
  }
}

function dropFix(runner: string): string {
  switch (runner) {
    case "rails":
      return "Use `remove_index ..., algorithm: :concurrently` with `disable_ddl_transaction!`";
    case "django":
      return "Use RemoveIndexConcurrently in a migration with `atomic = False`";
    case "alembic":
      return "Pass postgresql_concurrently=True inside `with op.get_context().autocommit_block():`";
    default:
      return "Use DROP INDEX CONCURRENTLY (one index, no CASCADE), outside a transaction";
  }
}

/** A migration that only runs on a fresh database: every table counts as created by it. */
class EverySet extends Set<string> {
  override has(): boolean {
    return true;
  }
}
