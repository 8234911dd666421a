/**
 * Fuzz tests: arbitrary bytes and arbitrary token soups, for each parser entry point of the
 * index-migrations check (SQL, Ruby, Python, JavaScript readers), never throw out of the check,
 * always terminate with a status, and report lines that exist in the file.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { indexMigrations } from "../../checks/index-migrations/index.js";
import { parsePython } from "../../checks/index-migrations/python.js";
import { parseRuby } from "../../checks/index-migrations/ruby.js";
import { analyzeSql, loadPostgresParser, PSQL_MODE } from "../../checks/index-migrations/sql.js";
import { CHECK_STATUSES } from "../../src/check/types.js";
import { runCheck } from "../support/check-tester.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

function soup(tokens: readonly string[]): fc.Arbitrary<string> {
  return fc.array(fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 6 }), fc.constantFrom("\n", " ", "\t")), { maxLength: 80 }).map((parts) => parts.join(""));
}

const SQL_TOKENS = [
  "CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", "IF NOT EXISTS", "ON", "ONLY", "t", '"Tä"', "(", ")", ",", ";", "BEGIN", "COMMIT",
  "ROLLBACK", "DROP", "REINDEX", "TABLE", "ALTER", "ADD CONSTRAINT u UNIQUE", "USING INDEX", "DO $$", "$$", "'", "''", "--", "/*",
  "*/", "\\set x", "${p}", "-- +goose Up", "-- +goose Down", "-- +goose NO TRANSACTION", "-- migrate:up", "--changeset a:1",
  "-- squawk-ignore", "PARTITION BY RANGE (ts)", "WHERE", "REFERENCES u(id)", "FOREIGN KEY", "é", "☕", "🐘", "SELECT 1 INTO",
  "EXECUTE", "AS", "E'\\''",
];

const RUBY_TOKENS = [
  "class X < ActiveRecord::Migration[7.1]", "def change", "def up", "def down", "end", "do |t|", "{", "}", "|", "add_index",
  "remove_index", ":orders", "[:a, :b]", "algorithm: :concurrently", "disable_ddl_transaction!", "create_table :w", "change_table :o",
  "t.index", "t.references :u", "execute", "<<~SQL", "SQL", "CREATE INDEX i ON t (c)", '"', "'", "#{x}", "%w[", "%i(", "]", ")",
  "(", "#", "=begin", "=end", "safety_assured", "reversible do |dir|", "dir.up", "if", "unless", "?", ":", "->", "/", "=>", ",",
  "__END__", "é",
];

const PY_TOKENS = [
  "from alembic import op", "import sqlalchemy as sa", "def upgrade():", "def downgrade():", "    ", "op.create_index(", "op.drop_index(",
  '"ix"', '"orders"', '["a", "b"]', "postgresql_concurrently=True", ")", "(", "[", "]", "{", "}", ",", ":", "with op.get_context().autocommit_block():",
  "op.execute(", '"""', "'''", 'f"', "{x}", "#", "\\", "class Migration(migrations.Migration):", "atomic = False", "operations = [",
  "migrations.AddIndex(", "AddIndexConcurrently(", "models.Index(fields=[", "migrations.RunSQL(", "lambda x:", "é", "=",
];

const JS_TOKENS = [
  "exports.up = function (knex) {", "}", "{", "(", ")", "knex.schema.alterTable(", '"orders"', "(t) => {", "t.index(", '["a"]', "knex.raw(",
  "`", "${x}", "CREATE INDEX CONCURRENTLY i ON t (c)", "queryInterface.addIndex(", "{ concurrently: true }", "pgm.createIndex(",
  "export const config = { transaction: false };", "class M implements MigrationInterface", "queryRunner.query(", ";", ",", "/*", "*/", "//",
];

function expectSane(result: { status: string; findings: readonly { line?: number }[] }, text: string): void {
  expect(CHECK_STATUSES).toContain(result.status);
  expect(result.status).not.toBe("error");
  const lines = text.split("\n").length;
  for (const f of result.findings) {
    if (f.line === undefined) continue;
    expect(Number.isInteger(f.line)).toBe(true);
    expect(f.line).toBeGreaterThanOrEqual(1);
    expect(f.line).toBeLessThanOrEqual(lines);
  }
}

describe("index-migrations fuzz", () => {
  beforeAll(async () => {
    await loadPostgresParser();
  });

  it("analyzeSql never throws and reports lines inside the text (token soup)", () => {
    fc.assert(
      fc.property(soup(SQL_TOKENS), (sql) => {
        const a = analyzeSql(sql, PSQL_MODE);
        const lines = sql.split("\n").length;
        for (const op of a.ops) {
          expect(op.line).toBeGreaterThanOrEqual(1);
          expect(op.line).toBeLessThanOrEqual(lines);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("analyzeSql never throws on arbitrary unicode text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (sql) => {
        analyzeSql(sql, PSQL_MODE);
      }),
      { numRuns: RUNS },
    );
  });

  it("the Ruby and Python readers never throw or hang", () => {
    fc.assert(
      fc.property(soup(RUBY_TOKENS), soup(PY_TOKENS), (rb, py) => {
        expect(Array.isArray(parseRuby(rb))).toBe(true);
        expect(Array.isArray(parsePython(py))).toBe(true);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("the check survives arbitrary bytes in every kind of migration", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const result = await runCheck(indexMigrations, {
          "migrations/0001.sql": bytes,
          "db/migrate/20240101000000_x.rb": bytes,
          "alembic/versions/a_x.py": bytes,
          "app/migrations/0001_x.py": bytes,
          "migrations/20240101_x.js": bytes,
        });
        expect(CHECK_STATUSES).toContain(result.status);
        expect(result.status).not.toBe("error");
      }),
      { numRuns: RUNS },
    );
  });

  it("deep nesting does not exhaust the stack", async () => {
    const depth = 20_000;
    const result = await runCheck(indexMigrations, {
      "migrations/0001.sql": `SELECT ${"(".repeat(depth)}1${")".repeat(depth)};\nCREATE INDEX i ON t (c);\n`,
      "db/migrate/20240101000000_x.rb": `class X < ActiveRecord::Migration[7.1]\n  def change\n    add_index :t, ${"[".repeat(depth)}:a${"]".repeat(depth)}\n${"  foo do\n".repeat(2000)}${"  end\n".repeat(2000)}  end\nend\n`,
      "alembic/versions/a_x.py": `from alembic import op\ndef upgrade():\n    op.create_index("i", "t", ${"[".repeat(depth)}"a"${"]".repeat(depth)})\n`,
      "app/migrations/0001_x.py": `from django.db import migrations\nclass Migration(migrations.Migration):\n    operations = ${"[".repeat(depth)}${"]".repeat(depth)}\n`,
      "migrations/20240101_x.js": `exports.up = (knex) => knex.raw(${"(".repeat(depth)}"x"${")".repeat(depth)} + ${'"a" + '.repeat(5000)}"b");\n`,
    });
    expect(result.status).toBe("fail");
    expect(result.findings.map((f) => `${f.messageId} ${f.path}:${f.line}`)).toContain("create-index-not-concurrent migrations/0001.sql:2");
  });

  it("the check survives token soups in SQL, Rails, Alembic, Django and Knex migrations", async () => {
    await fc.assert(
      fc.asyncProperty(soup(SQL_TOKENS), soup(RUBY_TOKENS), soup(PY_TOKENS), soup(JS_TOKENS), async (sql, rb, py, js) => {
        const files = {
          "migrations/0001.sql": sql,
          "db/migrate/20240101000000_x.rb": `class X < ActiveRecord::Migration[7.1]\n${rb}\nend\n`,
          "alembic/versions/a_x.py": `from alembic import op\ndef upgrade():\n${py}\n`,
          "app/migrations/0001_x.py": `from django.db import migrations\nclass Migration(migrations.Migration):\n${py}\n`,
          "migrations/20240101_x.js": `const knex = 1;\n${js}\n`,
        };
        const result = await runCheck(indexMigrations, files);
        expect(CHECK_STATUSES).toContain(result.status);
        expect(result.status).not.toBe("error");
        for (const [path, text] of Object.entries(files)) {
          expectSane({ status: result.status, findings: result.findings.filter((f) => f.path === path) }, text);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
