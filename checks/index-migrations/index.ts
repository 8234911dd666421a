import { parse as parseToml } from "smol-toml";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { defineCheck } from "../../src/check/define.js";
import { compilableGlob } from "../../src/check/globs.js";
import type { CheckContext, CheckResult, CheckStatus, Facts, Finding } from "../../src/check/types.js";
import { Judge, type Effect, type MessageId } from "./judge.js";
import type { MigrationUnit } from "./model.js";
import { FrameworkSession } from "./frameworks.js";
import { loadPostgresParser } from "./sql.js";
import { basename, classifyPath, dirname, readSqlMigration, SQL_RUNNERS, type SqlRepoContext } from "./sql-runners.js";

/** Where migrations live, per framework (spec §5.2). Override with `paths`. */
export const DEFAULT_PATHS: readonly string[] = [
  // plain SQL: Flyway, goose, dbmate, golang-migrate, sqlx, Diesel, Prisma, Supabase, psql
  "**/migrations/**/*.sql",
  "**/migration/**/*.sql",
  "**/db/changelog/**/*.sql",
  "**/V[0-9]*__*.sql",
  "**/R__*.sql",
  "**/drizzle/**/*.sql",
  // Rails (and Rails multi-database `db/<name>_migrate`)
  "**/db/migrate/**/*.rb",
  "**/db/*_migrate/**/*.rb",
  // Django and Alembic / Flask-Migrate
  "**/migrations/**/*.py",
  "**/alembic/versions/**/*.py",
  "**/*migrations/versions/**/*.py",
  // Knex, TypeORM, Sequelize
  "**/migrations/**/*.{js,cjs,mjs,ts}",
  "**/migration/**/*.ts",
];

/** Files under `paths` that are not migrations. */
export const DEFAULT_EXCLUDE: readonly string[] = [
  "**/node_modules/**",
  "**/vendor/**",
  "**/{.venv,venv,site-packages,dist,build,target}/**",
  "**/{test,tests,spec,specs,__tests__,testdata,test-data,fixtures,__fixtures__,example,examples,templates}/**",
  "**/docker-entrypoint-initdb.d/**",
  "**/{schema,structure,seed,seeds}.sql",
  "**/*.d.ts",
  "**/__init__.py",
  "**/env.py",
];

/** Repository files that say how migrations run (never judged themselves). */
const CONTEXT_FILES: readonly string[] = [
  "**/migration_lock.toml",
  "**/*.sql.conf",
  "**/flyway.conf",
  "**/flyway.toml",
  "**/application*.properties",
  "**/application*.{yml,yaml}",
  "**/migrations/*/metadata.toml",
  "**/config/database.yml",
  "**/config/initializers/strong_migrations.rb",
  "**/env.py",
  "**/settings.py",
  "**/settings/*.py",
  "**/knexfile.{js,cjs,mjs,ts}",
  "**/{data-source,datasource,ormconfig,typeorm.config}.{js,ts}",
];

const level = z.enum(["fail", "warn", "off"]);

const options = z
  .object({
    paths: z
      .array(compilableGlob)
      .min(1)
      .default([...DEFAULT_PATHS])
      .describe("globs of migration files (SQL, Rails, Django, Alembic, Knex/TypeORM/Sequelize)"),
    exclude: z
      .array(compilableGlob)
      .default([...DEFAULT_EXCLUDE])
      .describe("globs of files under `paths` that are not migrations"),
    runner: z
      .enum(SQL_RUNNERS)
      .default("auto")
      .describe("how .sql migrations are run; `auto` recognises the runner from paths and annotations"),
    dropIndex: level.default("warn").describe("DROP INDEX without CONCURRENTLY on an existing index"),
    reindex: level.default("warn").describe("REINDEX without CONCURRENTLY"),
    uniqueConstraint: level
      .default("warn")
      .describe("ADD CONSTRAINT UNIQUE/PRIMARY KEY on an existing table without USING INDEX"),
    foreignKeys: level
      .default("off")
      .describe("foreign keys without a supporting index in the final schema (the 'all FK columns have indexes' claim)"),
    rerunHazard: z
      .boolean()
      .default(false)
      .describe("a notice for CREATE INDEX CONCURRENTLY without IF NOT EXISTS (a failed build leaves an INVALID index)"),
  })
  .strict();

type Options = z.output<typeof options>;

export const indexMigrations = defineCheck({
  id: "index-migrations",
  title: "Index migrations run CONCURRENTLY",
  description:
    "Passes when no PostgreSQL migration builds (or drops) an index on an existing table without CONCURRENTLY, and none runs CONCURRENTLY inside a transaction. Reads plain SQL (Flyway, goose, dbmate, golang-migrate, sqlx, Diesel, Prisma, Liquibase), Rails, Django, Alembic, Knex, TypeORM and Sequelize migrations. Reference: squawk's require-concurrent-index-creation.",
  options,
  messages: {
    "create-index-not-concurrent": {
      message: "{{source}} builds {{what}} on {{table}} without CONCURRENTLY: writes to the table are blocked until the build ends",
      help: "{{fix}}",
      severity: "error",
    },
    "concurrent-in-transaction": {
      message: "{{statement}} cannot run inside a transaction block or a function: {{why}}",
      help: "{{fix}}",
      severity: "error",
    },
    "concurrent-transaction-unknown": {
      message: "{{statement}} shares a {{runner}} migration with other statements; {{why}}",
      help: "Put the CONCURRENTLY statement alone in its own migration file, where it runs outside any transaction",
      severity: "warning",
    },
    "concurrent-on-partitioned": {
      message: "CREATE INDEX CONCURRENTLY on partitioned table {{table}}: PostgreSQL rejects it",
      help: "Create the index ON ONLY the parent, build it CONCURRENTLY on each partition, then ALTER INDEX ... ATTACH PARTITION",
      severity: "error",
    },
    "drop-index-not-concurrent": {
      message: "{{source}} drops {{index}} without CONCURRENTLY: it takes an ACCESS EXCLUSIVE lock that blocks reads and writes of the table",
      help: "{{fix}}",
      severity: "warning",
    },
    "drop-index-concurrent-invalid": {
      message: "DROP INDEX CONCURRENTLY {{problem}}: PostgreSQL rejects the statement",
      help: "Drop one index per DROP INDEX CONCURRENTLY statement, without CASCADE",
      severity: "error",
    },
    "reindex-not-concurrent": {
      message: "REINDEX {{target}} without CONCURRENTLY locks out writes (and reads that use the index) while it rebuilds",
      help: "Use REINDEX ... CONCURRENTLY (PostgreSQL 12+), outside a transaction",
      severity: "warning",
    },
    "constraint-builds-index": {
      message: "{{source}} on {{table}} builds its index while holding an ACCESS EXCLUSIVE lock",
      help: "Build the index first with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... {{constraint}} USING INDEX",
      severity: "warning",
    },
    "foreign-key-not-indexed": {
      message: "The foreign key on {{table}} ({{columns}}) has no index leading with its columns{{why}}",
      help: "Add an index whose first columns are ({{columns}}), built CONCURRENTLY",
      severity: "warning",
    },
    "concurrent-rerun-hazard": {
      message: "CREATE INDEX CONCURRENTLY of {{index}} has no IF NOT EXISTS: a failed build leaves an INVALID index that a re-run trips on",
      help: "Use IF NOT EXISTS, and check for INVALID leftovers after migrating (SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid)",
      severity: "notice",
    },
    "repeatable-concurrent": {
      message: "A repeatable migration builds {{index}} CONCURRENTLY: Flyway re-runs it whenever the file changes",
      help: "Move index builds into a versioned migration (V...__), or make the statement idempotent (IF NOT EXISTS)",
      severity: "notice",
    },
    "dynamic-sql": {
      message: "{{detail}}: the check cannot see which index it builds or whether it runs CONCURRENTLY",
      help: "Write the index operation literally, or review this migration by hand",
      severity: "notice",
    },
    "sql-parse-error": {
      message: "PostgreSQL cannot parse this statement ({{detail}}){{evidence}}",
      help: "Fix the SQL; if the file is not a PostgreSQL migration, add it to the `exclude` option",
      severity: "warning",
    },
    "migration-unreadable": {
      message: "The migration could not be read ({{reason}}), so it was not checked",
      help: "Check this migration by hand, or exclude it with the `exclude` option",
      severity: "warning",
    },
    acknowledged: {
      message: "{{what}} is acknowledged (a squawk-ignore comment, safety_assured, or StrongMigrations.start_after)",
      severity: "notice",
    },
  },
  claimPhrases: () => ["CONCURRENTLY", "concurrent index", "non-blocking index"],
  files: (o: Options) => [...o.paths, ...CONTEXT_FILES],
  async run(ctx) {
    await loadPostgresParser();
    return audit(ctx);
  },
});

function audit(ctx: CheckContext<Options, MessageId>): CheckResult {
  const o = ctx.options;
  const matched = ctx.match(o.paths, ctx.allPaths);
  const excluded = new Set(ctx.match(o.exclude, matched));
  const candidates = matched.filter((p) => !excluded.has(p) && !isContextOnly(p));
  const judge = new Judge(o);
  const skipped = { down: 0, otherDialect: 0, notMigration: 0 };
  const runners: Record<string, number> = {};
  const sqlRepo = sqlContext(ctx);
  const frameworks = new FrameworkSession({ read: (p) => ctx.read(p), match: (g) => ctx.match(g) });

  const units: MigrationUnit[] = [];
  for (const path of sortMigrations(candidates)) {
    const byPath = classifyPath(path);
    if (byPath.skip === "down") {
      skipped.down++;
      continue;
    }
    if (byPath.skip === "dialect") {
      skipped.otherDialect++;
      continue;
    }
    const text = ctx.read(path);
    if (text === undefined) {
      const reason = ctx.skipped(path);
      if (reason === undefined || reason === "symlink" || reason === "submodule") continue;
      if (!/\.(sql|rb)$/.test(path) && reason === "binary") continue;
      judge.add({ messageId: "migration-unreadable", data: { reason: describeSkip(reason) }, path, effect: "indeterminate" });
      runners.unreadable = (runners.unreadable ?? 0) + 1;
      continue;
    }
    let read: ReturnType<typeof readSqlMigration>;
    try {
      read = path.endsWith(".sql") ? readSqlMigration(path, text, sqlRepo) : frameworks.read(path, text);
    } catch (error) {
      // hostile nesting that still exhausts the stack is bad input, not a bug of the check
      if (!(error instanceof RangeError)) throw error;
      judge.add({ messageId: "migration-unreadable", data: { reason: "nested too deeply to read" }, path, effect: "indeterminate" });
      continue;
    }
    if ("skip" in read) {
      if (read.skip === "dialect") skipped.otherDialect++;
      else skipped.notMigration++;
      continue;
    }
    for (const u of read) {
      if (u.foreignDialect) {
        skipped.otherDialect++;
        continue;
      }
      units.push(u);
    }
  }

  const judgedPaths = new Set<string>();
  for (const u of units) {
    judge.unit(u);
    if (!judgedPaths.has(u.path)) {
      judgedPaths.add(u.path);
      runners[u.runner] = (runners[u.runner] ?? 0) + 1;
    }
  }
  judge.finish();

  const findings: Finding[] = [];
  const effects = new Set<Effect>();
  for (const j of judge.findings) {
    effects.add(j.effect);
    findings.push(
      ctx.finding(j.messageId, {
        data: j.data,
        path: j.path,
        ...(j.line !== undefined ? { line: j.line } : {}),
        ...(j.endLine !== undefined ? { endLine: j.endLine } : {}),
        ...(j.severity ? { severity: j.severity } : {}),
      }),
    );
  }

  const c = judge.counters;
  const facts: Facts = {
    migrations: judgedPaths.size,
    runners,
    skipped,
    indexBuilds: c.indexBuilds,
    concurrentBuilds: c.concurrentBuilds,
    newTableBuilds: c.newTableBuilds,
    nonConcurrentBuilds: c.nonConcurrentBuilds,
    compositeNonConcurrentBuilds: c.compositeNonConcurrentBuilds,
    concurrentInTransaction: c.concurrentInTransaction,
    indexDrops: c.indexDrops,
    ...(o.foreignKeys !== "off" ? { foreignKeys: c.foreignKeys, foreignKeysNotIndexed: c.foreignKeysNotIndexed } : {}),
  };

  if (judgedPaths.size === 0 && findings.length === 0) {
    const why =
      skipped.otherDialect > 0
        ? `no PostgreSQL migrations (${skipped.otherDialect} migration(s) of another database skipped)`
        : "no PostgreSQL migrations found";
    return { status: "not-applicable", summary: why, findings: [], facts };
  }

  const status: CheckStatus = effects.has("fail")
    ? "fail"
    : effects.has("warn")
      ? "warn"
      : effects.has("indeterminate")
        ? "indeterminate"
        : "pass";
  return { status, summary: summarize(status, judgedPaths.size, c, findings), findings, facts };
}

function summarize(status: CheckStatus, migrations: number, c: Judge["counters"], findings: readonly Finding[]): string {
  const parts: string[] = [];
  if (c.nonConcurrentBuilds > 0) {
    const composite = c.compositeNonConcurrentBuilds > 0 ? ` (${c.compositeNonConcurrentBuilds} composite)` : "";
    parts.push(`${c.nonConcurrentBuilds} index build(s) on existing tables without CONCURRENTLY${composite}`);
  }
  if (c.concurrentInTransaction > 0) parts.push(`${c.concurrentInTransaction} CONCURRENTLY statement(s) inside a transaction`);
  const others = findings.filter(
    (f) => f.messageId !== "create-index-not-concurrent" && f.messageId !== "concurrent-in-transaction" && f.messageId !== "acknowledged",
  ).length;
  if (others > 0) parts.push(`${others} other finding(s)`);
  const scope = `${migrations} PostgreSQL migration(s), ${c.indexBuilds} index build(s)`;
  if (status === "pass") {
    return `${scope}: every index on an existing table is built CONCURRENTLY, outside a transaction`;
  }
  return `${scope}: ${parts.join("; ") || "see findings"}`;
}

function describeSkip(reason: string): string {
  switch (reason) {
    case "too-large":
      return "larger than the size limit";
    case "binary":
      return "binary content";
    default:
      return reason;
  }
}

const CONTEXT_BASENAMES = /^(migration_lock\.toml|flyway\.(conf|toml)|metadata\.toml|database\.yml|knexfile\.[cm]?[jt]s|ormconfig\.[jt]s|data-?source\.[jt]s|typeorm\.config\.[jt]s)$|\.sql\.conf$/;

function isContextOnly(path: string): boolean {
  return CONTEXT_BASENAMES.test(basename(path));
}

/** Migration order: by directory, then by name with numbers compared as numbers (V2 before V10). */
export function sortMigrations(paths: readonly string[]): string[] {
  return [...paths].sort((a, b) => {
    const da = dirname(a);
    const db = dirname(b);
    if (da !== db) return da < db ? -1 : 1;
    return naturalCompare(basename(a), basename(b));
  });
}

function naturalCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i] ?? "";
    const y = tb[i] ?? "";
    if (x === y) continue;
    const nx = /^\d/.test(x) && /^\d/.test(y);
    if (nx) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

function sqlContext(ctx: CheckContext<Options, MessageId>): SqlRepoContext {
  const providers = new Map<string, string>();
  for (const p of ctx.match("**/migration_lock.toml")) {
    const provider = tomlString(ctx.read(p), ["provider"]);
    if (provider !== null) providers.set(dirname(p), provider);
  }
  let flywayMixed = false;
  for (const p of ctx.match(["**/flyway.conf", "**/application*.properties"])) {
    const text = ctx.read(p) ?? "";
    if (/^\s*(spring\.)?flyway\.mixed\s*[=:]\s*true\s*$/m.test(text)) flywayMixed = true;
  }
  for (const p of ctx.match("**/flyway.toml")) {
    const doc = safeToml(ctx.read(p));
    const fw = doc?.flyway;
    if (fw && typeof fw === "object" && (fw as Record<string, unknown>).mixed === true) flywayMixed = true;
  }
  for (const p of ctx.match("**/application*.{yml,yaml}")) {
    for (const doc of safeYamlDocs(ctx.read(p))) {
      const spring = pick(doc, "spring");
      const flyway = pick(spring, "flyway");
      if (pick(flyway, "mixed") === true) flywayMixed = true;
    }
  }
  const has = (name: string) => ctx.allPaths.some((p) => basename(p) === name);
  return {
    prismaProviders: providers,
    flywayMixed,
    flywayScriptConf: (path) => ctx.read(`${path}.conf`),
    dieselMetadata: (dir) => ctx.read(`${dir}/metadata.toml`),
    rustWithoutGo: has("Cargo.toml") && !has("go.mod"),
    forced: ctx.options.runner,
    parseAll: ctx.options.foreignKeys !== "off",
  };
}

function safeToml(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function tomlString(text: string | undefined, keyPath: readonly string[]): string | null {
  let v: unknown = safeToml(text);
  for (const k of keyPath) v = pick(v, k);
  return typeof v === "string" ? v : null;
}

function safeYamlDocs(text: string | undefined): unknown[] {
  if (text === undefined) return [];
  try {
    return parseAllDocuments(text, { uniqueKeys: false }).flatMap((d) => ("toJS" in d ? [d.toJS() as unknown] : []));
  } catch {
    return [];
  }
}

function pick(v: unknown, key: string): unknown {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
}
