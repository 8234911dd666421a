/**
 * Which tool runs a `.sql` migration decides whether it runs inside a transaction (spec §5.2):
 * Flyway, goose, dbmate, golang-migrate, sqlx, Diesel, Prisma, Liquibase formatted SQL, Drizzle,
 * Supabase, or plain psql. The runner is recognised from the path and the tool's own annotations,
 * which every one of these tools reads line by line (so reading them line by line is exact).
 */
import { splitLines } from "./lines.js";
import { NO_TX, type MigrationUnit, type Skip, type TxContext, type UnitNote } from "./model.js";
import { analyzeSql, mayMatter, type SqlRunMode } from "./sql.js";

export const SQL_RUNNERS = [
  "auto",
  "psql",
  "transaction",
  "one-query",
  "flyway",
  "goose",
  "dbmate",
  "golang-migrate",
  "sqlx",
  "diesel",
  "prisma",
  "liquibase",
  "drizzle",
  "supabase",
] as const;
export type SqlRunner = (typeof SQL_RUNNERS)[number];

/** What the repository says about its SQL runners (configuration read once per audit). */
export interface SqlRepoContext {
  /** `migration_lock.toml` providers by directory (`prisma/migrations` -> `postgresql`). */
  readonly prismaProviders: ReadonlyMap<string, string>;
  /** Flyway `mixed=true` found in flyway.conf / flyway.toml / Spring Boot properties. */
  readonly flywayMixed: boolean;
  /** Per-script Flyway configuration: `V1__x.sql` -> text of `V1__x.sql.conf`. */
  readonly flywayScriptConf: (path: string) => string | undefined;
  /** Diesel `metadata.toml` of a migration directory. */
  readonly dieselMetadata: (dir: string) => string | undefined;
  /** The repository is a Rust project without Go (sqlx rather than golang-migrate for `*.up.sql`). */
  readonly rustWithoutGo: boolean;
  /** The runner named in the options (`auto` to detect). */
  readonly forced: SqlRunner;
  /** Parse every file, even one without index words (the foreign-key model needs every table). */
  readonly parseAll: boolean;
}

export type SqlClassification =
  | { readonly skip: "down" | "dialect"; readonly detail: string }
  | { readonly skip: null };

const DIALECT_WORDS = new Map<string, string>([
  ["sqlite", "SQLite"],
  ["sqlite3", "SQLite"],
  ["mysql", "MySQL"],
  ["mariadb", "MariaDB"],
  ["mssql", "SQL Server"],
  ["sqlserver", "SQL Server"],
  ["tsql", "SQL Server"],
  ["oracle", "Oracle"],
  ["h2", "H2"],
  ["hsqldb", "HSQLDB"],
  ["derby", "Derby"],
  ["clickhouse", "ClickHouse"],
  ["duckdb", "DuckDB"],
  ["snowflake", "Snowflake"],
  ["bigquery", "BigQuery"],
  ["spanner", "Spanner"],
  ["cassandra", "Cassandra"],
  ["db2", "Db2"],
  ["libsql", "SQLite"],
  ["turso", "SQLite"],
  ["d1", "SQLite"],
]);
const POSTGRES_WORDS = new Set(["postgres", "postgresql", "pg", "psql", "pgsql", "postgis", "timescale", "timescaledb"]);

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/**
 * Down/rollback scripts and other dialects' files, recognised from the path alone. Shared by every
 * framework reader (a `sqlite/` directory of Alembic versions is not PostgreSQL either).
 */
export function classifyPath(path: string): SqlClassification {
  const name = basename(path);
  if (/^(down|rollback|undo)\.sql$|[._-]down\.sql$|\.(rollback|undo)\.sql$/i.test(name) || /^U\d[\w.]*__/.test(name))
    return { skip: "down", detail: "a down/rollback migration" };
  const dirs = dirname(path).split("/");
  if (dirs.some((d) => /^(down|downs|rollback|rollbacks|undo)$/i.test(d))) return { skip: "down", detail: "a down/rollback migration" };
  const words = [...dirs.flatMap((d) => d.toLowerCase().split(/[._-]/)), ...dialectSuffix(name)];
  if (words.some((w) => POSTGRES_WORDS.has(w))) return { skip: null };
  for (const w of words) {
    const dialect = DIALECT_WORDS.get(w);
    if (dialect) return { skip: "dialect", detail: `a ${dialect} migration (path)` };
  }
  return { skip: null };
}

/** `001_x.sqlite.sql` -> ["sqlite"]. */
function dialectSuffix(name: string): string[] {
  const parts = name.toLowerCase().split(".");
  return parts.length >= 3 ? [parts[parts.length - 2] ?? ""] : [];
}

const TX_FIX_FILE = "Put the CONCURRENTLY statement alone in its own migration file";

/** Reads one `.sql` migration into units (one per file; one per changeset for Liquibase). */
export function readSqlMigration(path: string, text: string, repo: SqlRepoContext): MigrationUnit[] | Skip {
  const prismaProvider = prismaProviderFor(path, repo.prismaProviders);
  if (prismaProvider !== null && !/^postgres(ql)?$/i.test(prismaProvider))
    return { skip: "dialect", detail: `a ${prismaProvider} migration (migration_lock.toml)` };

  const lines = splitLines(text);
  const runner = repo.forced === "auto" ? detectRunner(path, lines, repo, prismaProvider !== null) : repo.forced;
  const prepared = stripPsqlMeta(lines, text);
  const notes: UnitNote[] = [];

  switch (runner) {
    case "goose": {
      const up = section(lines, (l) => /^--\s*\+goose\s+up\b/i.test(l), (l) => /^--\s*\+goose\s+down\b/i.test(l));
      const noTx = lines.some((l) => /^--\s*\+goose\s+no\s+transaction\b/i.test(l.text));
      const wrap: TxContext = noTx
        ? NO_TX
        : {
            kind: "tx",
            why: "goose runs each migration in a transaction unless it says -- +goose NO TRANSACTION",
            fix: "Add `-- +goose NO TRANSACTION` to this migration (and keep the CONCURRENTLY statement out of other statements' transaction)",
          };
      return [unit(path, "goose", keep(prepared, up), { wrap, oneQuery: null }, notes, repo.parseAll)];
    }
    case "dbmate": {
      const upLine = lines.find((l) => /^--\s*migrate:up\b/i.test(l.text));
      const up = section(lines, (l) => /^--\s*migrate:up\b/i.test(l), (l) => /^--\s*migrate:down\b/i.test(l));
      const noTx = upLine !== undefined && /transaction\s*:\s*false/i.test(upLine.text);
      const wrap: TxContext = noTx
        ? NO_TX
        : {
            kind: "tx",
            why: "dbmate runs each migration in a transaction unless its `-- migrate:up` line says transaction:false",
            fix: "Write `-- migrate:up transaction:false` and keep the CONCURRENTLY statement alone in the migration",
          };
      return [unit(path, "dbmate", keep(prepared, up), { wrap, oneQuery: "dbmate" }, notes, repo.parseAll)];
    }
    case "liquibase":
      return liquibaseUnits(path, lines, prepared, repo.parseAll);
    case "flyway": {
      const conf = repo.flywayScriptConf(path);
      const inTx = conf !== undefined && /^\s*executeInTransaction\s*=\s*true\s*$/im.test(conf);
      const wrap: TxContext = inTx
        ? {
            kind: "tx",
            why: `${basename(path)}.conf sets executeInTransaction=true`,
            fix: "Remove executeInTransaction=true: Flyway runs a lone CONCURRENTLY statement outside a transaction",
          }
        : NO_TX;
      const u = unit(path, "flyway", prepared, { wrap, oneQuery: null, flyway: { mixed: repo.flywayMixed } }, notes, repo.parseAll);
      return [/^R__/.test(basename(path)) ? { ...u, repeatable: true } : u];
    }
    case "golang-migrate":
      return [unit(path, "golang-migrate", prepared, { wrap: NO_TX, oneQuery: "golang-migrate" }, notes, repo.parseAll)];
    case "prisma":
      return [unit(path, "prisma", prepared, { wrap: NO_TX, oneQuery: "Prisma Migrate" }, notes, repo.parseAll)];
    case "sqlx": {
      const noTx = /^\s*--\s*no-transaction\b/.test(lines[0]?.text ?? "");
      const wrap: TxContext = noTx
        ? NO_TX
        : {
            kind: "tx",
            why: "sqlx runs each migration in a transaction unless its first line is `-- no-transaction`",
            fix: "Start the migration with `-- no-transaction` and keep the CONCURRENTLY statement alone in it",
          };
      return [unit(path, "sqlx", prepared, { wrap, oneQuery: "sqlx" }, notes, repo.parseAll)];
    }
    case "diesel": {
      const meta = repo.dieselMetadata(dirname(path));
      const noTx = meta !== undefined && /^\s*run_in_transaction\s*=\s*false\s*$/m.test(meta);
      const wrap: TxContext = noTx
        ? NO_TX
        : {
            kind: "tx",
            why: "Diesel runs each migration in a transaction unless its metadata.toml says run_in_transaction = false",
            fix: "Add `run_in_transaction = false` to the migration's metadata.toml and keep the CONCURRENTLY statement alone in up.sql",
          };
      return [unit(path, "diesel", prepared, { wrap, oneQuery: "Diesel" }, notes, repo.parseAll)];
    }
    case "drizzle":
      return [
        unit(path, "drizzle", prepared, {
          wrap: { kind: "unknown", why: "drizzle-kit's transaction handling of a multi-statement migration is not verified" },
          oneQuery: null,
        }, notes, repo.parseAll),
      ];
    case "supabase":
      return [
        unit(path, "supabase", prepared, {
          wrap: { kind: "unknown", why: "the Supabase CLI's transaction handling of a multi-statement migration is not verified" },
          oneQuery: null,
        }, notes, repo.parseAll),
      ];
    case "transaction":
      return [
        unit(path, "sql", prepared, {
          wrap: { kind: "tx", why: "the configured runner wraps each migration in a transaction (runner: transaction)", fix: TX_FIX_FILE },
          oneQuery: null,
        }, notes, repo.parseAll),
      ];
    case "one-query":
      return [unit(path, "sql", prepared, { wrap: NO_TX, oneQuery: "the configured runner (runner: one-query)" }, notes, repo.parseAll)];
    case "psql":
      return [unit(path, "sql", prepared, { wrap: NO_TX, oneQuery: null }, notes, repo.parseAll)];
  }
}

function unit(path: string, runner: string, text: string, mode: SqlRunMode, notes: UnitNote[], parseAll: boolean): MigrationUnit {
  if (!parseAll && !mayMatter(text)) return { path, runner, ops: [], ...(notes.length ? { notes } : {}) };
  const analysis = analyzeSql(text, mode);
  const out: MigrationUnit = { path, runner, ops: analysis.ops, ...(notes.length ? { notes } : {}) };
  if (analysis.foreignDialect) return { path, runner, ops: [], foreignDialect: analysis.foreignDialect };
  if (analysis.ignoreFile !== null) {
    const ack = analysis.ignoreFile;
    return { ...out, ops: out.ops.map((op) => ({ ...op, acknowledged: ack })) };
  }
  return out;
}

function detectRunner(
  path: string,
  lines: readonly { text: string }[],
  repo: SqlRepoContext,
  hasPrismaLock: boolean,
): Exclude<SqlRunner, "auto"> {
  const name = basename(path);
  const first = lines.find((l) => l.text.trim() !== "")?.text.trim() ?? "";
  if (/^--\s*liquibase\s+formatted\s+sql\b/i.test(first)) return "liquibase";
  if (lines.some((l) => /^--\s*\+goose\s+(up|down)\b/i.test(l.text))) return "goose";
  if (lines.some((l) => /^--\s*migrate:(up|down)\b/i.test(l.text))) return "dbmate";
  if (hasPrismaLock || (name === "migration.sql" && /(^|\/)prisma\//.test(path))) return "prisma";
  if (/^[VRB]\d*[\w.]*__.+\.sql$/.test(name) || /^R__.+\.sql$/.test(name)) return "flyway";
  if (/^\s*--\s*no-transaction\b/.test(lines[0]?.text ?? "")) return "sqlx";
  if (name === "up.sql") return "diesel";
  if (/\.up\.sql$/i.test(name)) return repo.rustWithoutGo ? "sqlx" : "golang-migrate";
  if (repo.rustWithoutGo && /^\d+_.+\.sql$/.test(name)) return "sqlx";
  if (/(^|\/)supabase\/migrations\//.test(path)) return "supabase";
  if (lines.some((l) => l.text.includes("--> statement-breakpoint")) || /(^|\/)drizzle\//.test(path)) return "drizzle";
  return "psql";
}

function prismaProviderFor(path: string, providers: ReadonlyMap<string, string>): string | null {
  // prisma/migrations/<name>/migration.sql -> prisma/migrations/migration_lock.toml
  let dir = dirname(path);
  for (let i = 0; i < 3 && dir !== ""; i++) {
    const p = providers.get(dir);
    if (p !== undefined) return p;
    dir = dirname(dir);
  }
  return providers.get("") ?? null;
}

/** psql meta-commands (`\set`, `\restrict`, ...) are not SQL: blank those lines, keeping line numbers. */
function stripPsqlMeta(lines: readonly { text: string }[], text: string): string {
  let out = lines.some((l) => /^\s*\\/.test(l.text)) ? lines.map((l) => (/^\s*\\/.test(l.text) ? "" : l.text)).join("\n") : text;
  // Flyway/Liquibase/goose-envsub placeholders `${name}` are not SQL either.
  if (out.includes("${")) out = out.replace(/\$\{[^}\n]*\}/g, "placeholder_value");
  return out;
}

/** Line indexes (0-based) of a section from a start marker to an end marker. */
function section(
  lines: readonly { text: string }[],
  isStart: (l: string) => boolean,
  isEnd: (l: string) => boolean,
): Set<number> {
  const keepSet = new Set<number>();
  let inside = false;
  for (const [i, l] of lines.entries()) {
    if (isStart(l.text)) inside = true;
    else if (isEnd(l.text)) inside = false;
    else if (inside) keepSet.add(i);
  }
  return keepSet;
}

function keep(text: string, keepSet: ReadonlySet<number>): string {
  return text
    .split("\n")
    .map((l, i) => (keepSet.has(i) ? l : ""))
    .join("\n");
}

/** Liquibase formatted SQL: each `--changeset` is a unit, in a transaction unless runInTransaction:false. */
function liquibaseUnits(path: string, lines: readonly { text: string }[], text: string, parseAll: boolean): MigrationUnit[] {
  const starts: { index: number; attrs: string }[] = [];
  for (const [i, l] of lines.entries()) {
    const m = /^--\s*changeset\s+(.*)$/i.exec(l.text);
    if (m) starts.push({ index: i, attrs: m[1] ?? "" });
  }
  const units: MigrationUnit[] = [];
  for (const [n, s] of starts.entries()) {
    const end = starts[n + 1]?.index ?? lines.length;
    const keepSet = new Set<number>();
    for (let i = s.index + 1; i < end; i++) if (!/^--\s*rollback\b/i.test(lines[i]?.text ?? "")) keepSet.add(i);
    const noTx = /\brunInTransaction\s*:\s*false\b/i.test(s.attrs);
    const oneQuery = /\bsplitStatements\s*:\s*false\b/i.test(s.attrs) ? "Liquibase (splitStatements:false)" : null;
    const wrap: TxContext = noTx
      ? NO_TX
      : {
          kind: "tx",
          why: "Liquibase runs each changeset in a transaction unless it says runInTransaction:false",
          fix: "Give the CONCURRENTLY statement its own changeset with runInTransaction:false",
        };
    units.push(unit(path, "liquibase", keep(text, keepSet), { wrap, oneQuery }, [], parseAll));
  }
  return units;
}
