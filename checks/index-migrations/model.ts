/**
 * What every migration reader (SQL, Rails, Django, Alembic, JS) reduces a migration to: a list of
 * index-relevant operations, each with the transaction it runs in. The judge (`judge.ts`) turns
 * operations into findings; readers never build findings themselves.
 */

/** A table name as PostgreSQL resolves it: unquoted names folded to lower case, no schema = `public`. */
export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

/**
 * The transaction a statement runs in.
 * - `none`: autocommit, statement by statement.
 * - `tx`: certainly inside a transaction block (explicit BEGIN, a framework that wraps the migration,
 *   or a multi-statement query string, which PostgreSQL runs as one implicit transaction).
 * - `unknown`: the runner's behaviour is not verified; a CONCURRENTLY statement there is indeterminate.
 */
export type TxContext =
  | { readonly kind: "none" }
  | { readonly kind: "tx"; readonly why: string; readonly fix: string }
  | { readonly kind: "unknown"; readonly why: string };

export const NO_TX: TxContext = { kind: "none" };

/** One key column of an index: a plain column name, or null for an expression. */
export type IndexKey = string | null;

interface OpBase {
  /** 1-based line in the migration file. */
  readonly line: number;
  readonly endLine?: number;
  /** Rule names (squawk's) that an inline `squawk-ignore` comment or `safety_assured` acknowledges. */
  readonly acknowledged?: "all" | readonly string[];
}

export interface CreateIndexOp extends OpBase {
  readonly kind: "create-index";
  /** How the migration wrote it, for messages: `CREATE INDEX`, `add_index`, `op.create_index`, ... */
  readonly source: string;
  readonly table: TableRef | null;
  readonly name: string | null;
  readonly concurrent: boolean;
  readonly keys: readonly IndexKey[];
  readonly unique: boolean;
  readonly partial: boolean;
  /** `CREATE INDEX ... ON ONLY parent`: builds nothing, so CONCURRENTLY is neither needed nor allowed. */
  readonly onlyParent: boolean;
  readonly ifNotExists: boolean;
  readonly tx: TxContext;
  /** False when the reader cannot tell the access method; hash/btree matter for FK coverage only. */
  readonly method?: string;
}

export interface DropIndexOp extends OpBase {
  readonly kind: "drop-index";
  readonly source: string;
  readonly names: readonly string[];
  readonly concurrent: boolean;
  readonly cascade: boolean;
  readonly ifExists: boolean;
  readonly tx: TxContext;
}

export interface ReindexOp extends OpBase {
  readonly kind: "reindex";
  readonly source: string;
  readonly target: string;
  readonly concurrent: boolean;
  readonly tx: TxContext;
}

/** `ADD CONSTRAINT ... UNIQUE/PRIMARY KEY (cols)` (or a framework's unique column) on a table. */
export interface ConstraintIndexOp extends OpBase {
  readonly kind: "constraint-index";
  readonly source: string;
  readonly table: TableRef | null;
  readonly constraint: "UNIQUE" | "PRIMARY KEY";
  readonly columns: readonly string[];
  /** `... USING INDEX idx`: attaches an index built beforehand (concurrently), builds nothing. */
  readonly usingIndex: boolean;
}

export interface CreateTableOp extends OpBase {
  readonly kind: "create-table";
  readonly table: TableRef;
  readonly partitioned: boolean;
  /** PRIMARY KEY / UNIQUE key columns declared with the table (they come with an index). */
  readonly keys: readonly (readonly string[])[];
}

export interface ForeignKeyOp extends OpBase {
  readonly kind: "foreign-key";
  readonly table: TableRef;
  readonly columns: readonly string[];
  readonly name: string | null;
}

export interface DropTableOp extends OpBase {
  readonly kind: "drop-table";
  readonly tables: readonly TableRef[];
}

/** Something the reader cannot see through (dynamic SQL, a `DO` body, a computed argument). */
export interface DynamicOp extends OpBase {
  readonly kind: "dynamic";
  readonly detail: string;
}

/** A CONCURRENTLY statement inside a `DO` block or function body: PostgreSQL rejects it. */
export interface ConcurrentInFunctionOp extends OpBase {
  readonly kind: "concurrent-in-function";
  readonly detail: string;
}

export interface ParseErrorOp extends OpBase {
  readonly kind: "parse-error";
  readonly detail: string;
  /** Set when the unparsable text still shows a `CREATE INDEX` without CONCURRENTLY. */
  readonly evidence: string | null;
}

export type Op =
  | CreateIndexOp
  | DropIndexOp
  | ReindexOp
  | ConstraintIndexOp
  | CreateTableOp
  | ForeignKeyOp
  | DropTableOp
  | DynamicOp
  | ConcurrentInFunctionOp
  | ParseErrorOp;

/** One migration as the judge sees it: the unit inside which "a table created earlier" counts as new. */
export interface MigrationUnit {
  readonly path: string;
  /** The framework or runner, for facts and messages: `flyway`, `goose`, `rails`, `django`, ... */
  readonly runner: string;
  readonly ops: readonly Op[];
  /** Flyway repeatable migration (`R__*.sql`): re-runs on every checksum change. */
  readonly repeatable?: boolean;
  /** Notes the reader wants reported once for this file (e.g. "the Down section was not judged"). */
  readonly notes?: readonly UnitNote[];
  /**
   * Set (to the reason) when the migration only ever runs on a fresh database (a Django `initial`
   * or squashed migration): every table it touches is new.
   */
  readonly freshDatabaseOnly?: string;
  /** Set when statements that do not parse carry another dialect's syntax: the unit is not judged. */
  readonly foreignDialect?: string;
}

export interface UnitNote {
  readonly line?: number;
  readonly text: string;
  /** `indeterminate` when the note means the reader could not judge part of the file. */
  readonly effect: "indeterminate" | "none";
}

export function tableKey(t: TableRef): string {
  return `${t.schema}.${t.name}`;
}

export function tableText(t: TableRef | null): string {
  if (!t) return "an unknown table";
  return t.schema === "public" ? t.name : `${t.schema}.${t.name}`;
}

/** A framework-given table name (a Ruby symbol, a Python string): `schema.table` or `table`, case kept. */
export function frameworkTable(raw: string): TableRef {
  const dot = raw.lastIndexOf(".");
  if (dot > 0) return { schema: raw.slice(0, dot), name: raw.slice(dot + 1) };
  return { schema: "public", name: raw };
}

/** Why a file matched by the migration globs is not judged. */
export interface Skip {
  readonly skip: "dialect" | "not-migration";
  readonly detail: string;
}
