import { describe, expect, it } from "vitest";
import { indexMigrations } from "../../checks/index-migrations/index.js";
import { expectPass, expectResult, runCheck, type ExpectedFinding } from "../support/check-tester.js";
import { SQL_CASES } from "./fixtures/index-migrations/sql-cases.js";

type Id = keyof typeof indexMigrations.messages;

/** "messageId path:line" -> an expected finding. */
function parseExpected(s: string): ExpectedFinding<Id> {
  const m = /^(\S+) (.+):(\d+)$/.exec(s);
  if (!m) throw new Error(`bad expectation ${s}`);
  return { messageId: m[1] as Id, path: m[2] ?? "", line: Number(m[3]) };
}

async function expectCase(files: Record<string, string>, status: Parameters<typeof expectResult>[2], findings: string[], options: unknown = {}) {
  const result = await runCheck(indexMigrations, files, options);
  expectResult(indexMigrations, result, status, findings.map(parseExpected));
  return result;
}

describe("index-migrations: SQL migrations", () => {
  for (const c of SQL_CASES) {
    it(c.name, async () => {
      await expectCase({ ...c.files }, c.status, [...c.findings], c.options ?? {});
    });
  }

  it("says composite in the message and counts composite builds in the facts", async () => {
    const result = await expectCase(
      { "migrations/0002_add_idx.sql": "CREATE INDEX idx_orders_user_created ON orders (user_id, created_at);\nCREATE INDEX ON orders (x);\n" },
      "fail",
      ["create-index-not-concurrent migrations/0002_add_idx.sql:1", "create-index-not-concurrent migrations/0002_add_idx.sql:2"],
    );
    expect(result.findings[0]?.message).toContain("composite index (2 key columns) on existing table orders");
    expect(result.findings[0]?.help).toContain("CONCURRENTLY");
    expect(result.facts).toMatchObject({ migrations: 1, indexBuilds: 2, nonConcurrentBuilds: 2, compositeNonConcurrentBuilds: 1 });
    expect(result.summary).toContain("2 index build(s) on existing tables without CONCURRENTLY (1 composite)");
  });

  it("explains why a CONCURRENTLY statement is inside a transaction", async () => {
    const result = await runCheck(indexMigrations, { "migrations/0004.sql": "BEGIN;\n\nCREATE INDEX CONCURRENTLY idx ON orders (user_id);\nCOMMIT;\n" });
    expect(result.findings[0]?.message).toBe(
      "CREATE INDEX CONCURRENTLY cannot run inside a transaction block or a function: it runs inside the transaction opened by BEGIN on line 1",
    );
  });

  it("reports a migration too large to read as indeterminate", async () => {
    const big = `-- ${"x".repeat(200)}\nCREATE INDEX i ON t (c);\n`;
    const result = await runCheck(indexMigrations, { "migrations/0001.sql": big, "migrations/0002.sql": "CREATE INDEX CONCURRENTLY j ON t (c);\n" }, {}, { maxFileBytes: 100 });
    expectResult(indexMigrations, result, "indeterminate", [{ messageId: "migration-unreadable", path: "migrations/0001.sql" }]);
  });

  it("reports a binary .sql migration as indeterminate", async () => {
    const result = await runCheck(indexMigrations, { "migrations/0001.sql": new Uint8Array([0x43, 0, 0x49]) });
    expectResult(indexMigrations, result, "indeterminate", [{ messageId: "migration-unreadable", path: "migrations/0001.sql" }]);
  });

  it("is not applicable without migrations", async () => {
    const result = await runCheck(indexMigrations, { "README.md": "# x\n", "src/app.py": "print(1)\n" });
    expectResult(indexMigrations, result, "not-applicable");
  });

  it("rejects unknown options", () => {
    expect(() => indexMigrations.options.parse({ bogus: true })).toThrow();
    expect(() => indexMigrations.options.parse({ runner: "psql2" })).toThrow();
  });
});

describe("index-migrations: Rails", () => {
  const rails = (body: string, head = "") =>
    `class AddIndexToOrders < ActiveRecord::Migration[7.1]\n${head}  def change\n${body}  end\nend\n`;

  it("add_index without algorithm: :concurrently (spec 11)", async () => {
    const result = await expectCase(
      { "db/migrate/20240101000000_add_index_to_orders.rb": rails("    add_index :orders, [:user_id, :created_at]\n") },
      "fail",
      ["create-index-not-concurrent db/migrate/20240101000000_add_index_to_orders.rb:3"],
    );
    expect(result.findings[0]?.message).toContain("composite index");
    expect(result.findings[0]?.help).toContain("disable_ddl_transaction!");
  });

  it("algorithm: :concurrently without disable_ddl_transaction! (spec 12)", async () => {
    await expectCase(
      { "db/migrate/20240101000001_add_index_concurrently.rb": rails("    add_index :orders, [:user_id, :created_at], algorithm: :concurrently\n") },
      "fail",
      ["concurrent-in-transaction db/migrate/20240101000001_add_index_concurrently.rb:3"],
    );
  });

  it("algorithm: :concurrently with disable_ddl_transaction! (spec 12)", async () => {
    await expectPass(indexMigrations, {
      "db/migrate/20240101000001_add_index_concurrently.rb": rails("    add_index :orders, [:user_id, :created_at], algorithm: :concurrently\n", "  disable_ddl_transaction!\n\n"),
    });
  });

  it("add_reference indexes by default; index: false does not; a concurrent index needs the transaction off", async () => {
    await expectCase(
      {
        "db/migrate/20240102000000_refs.rb": rails(
          "    add_reference :orders, :user\n    add_reference :orders, :shop, index: false\n    add_belongs_to :orders, :item, polymorphic: true\n    add_reference :orders, :coupon, index: { algorithm: :concurrently }\n",
        ),
      },
      "fail",
      [
        "create-index-not-concurrent db/migrate/20240102000000_refs.rb:3",
        "create-index-not-concurrent db/migrate/20240102000000_refs.rb:5",
        "concurrent-in-transaction db/migrate/20240102000000_refs.rb:6",
      ],
    );
  });

  it("indexes inside create_table, and on a table created earlier in the migration, are fine", async () => {
    await expectPass(indexMigrations, {
      "db/migrate/20240103000000_create_widgets.rb": rails(
        "    create_table :widgets do |t|\n      t.references :user, foreign_key: true\n      t.string :name, index: { unique: true }\n      t.index [:name, :user_id]\n    end\n    add_index :widgets, :created_at\n",
      ),
    });
  });

  it("change_table on an existing table builds indexes without CONCURRENTLY", async () => {
    await expectCase(
      {
        "db/migrate/20240104000000_change.rb": rails("    change_table :orders do |t|\n      t.string :slug, index: true\n      t.index :state\n      t.references :shop\n      t.remove_index :old\n    end\n"),
      },
      "fail",
      [
        "create-index-not-concurrent db/migrate/20240104000000_change.rb:4",
        "create-index-not-concurrent db/migrate/20240104000000_change.rb:5",
        "create-index-not-concurrent db/migrate/20240104000000_change.rb:6",
        "drop-index-not-concurrent db/migrate/20240104000000_change.rb:7",
      ],
    );
  });

  it("add_column ..., index: true creates no index (Rails ignores it)", async () => {
    await expectPass(indexMigrations, { "db/migrate/20240105000000_col.rb": rails("    add_column :orders, :slug, :string, index: true\n") });
  });

  it("execute SQL in a heredoc runs inside the migration's transaction", async () => {
    await expectCase(
      { "db/migrate/20240106000000_sql.rb": rails("    execute <<~SQL\n      SET lock_timeout = '5s';\n      CREATE INDEX CONCURRENTLY idx ON orders (a);\n    SQL\n") },
      "fail",
      ["concurrent-in-transaction db/migrate/20240106000000_sql.rb:5"],
    );
  });

  it("execute with a lone CONCURRENTLY statement and disable_ddl_transaction!", async () => {
    await expectPass(indexMigrations, {
      "db/migrate/20240106000001_sql.rb": rails('    execute "CREATE INDEX CONCURRENTLY idx ON orders (a)"\n', "  disable_ddl_transaction!\n"),
    });
  });

  it("execute of SQL the reader cannot see is indeterminate", async () => {
    await expectCase({ "db/migrate/20240106000002_sql.rb": rails("    execute(build_sql)\n") }, "indeterminate", ["dynamic-sql db/migrate/20240106000002_sql.rb:3"]);
  });

  it("a local variable holding the SQL is followed", async () => {
    await expectCase(
      { "db/migrate/20240106000003_sql.rb": rails("    sql = 'CREATE INDEX idx ON orders (a)'\n    execute sql\n") },
      "fail",
      ["create-index-not-concurrent db/migrate/20240106000003_sql.rb:3"],
    );
  });

  it("remove_index without and with algorithm: :concurrently", async () => {
    await expectCase(
      {
        "db/migrate/20240107000000_rm.rb": rails("    remove_index :orders, :user_id\n    remove_index :orders, name: :idx_x, algorithm: :concurrently\n", "  disable_ddl_transaction!\n"),
      },
      "warn",
      ["drop-index-not-concurrent db/migrate/20240107000000_rm.rb:4"],
    );
  });

  it("def down and reversible's dir.down are rollbacks, not judged", async () => {
    const text =
      "class X < ActiveRecord::Migration[6.1]\n  def up\n    reversible do |dir|\n      dir.up { add_index :orders, :a, algorithm: :concurrently }\n      dir.down { remove_index :orders, :a }\n    end\n  end\n\n  def down\n    remove_index :orders, :a\n  end\nend\n";
    await expectCase({ "db/migrate/20240108000000_x.rb": text }, "fail", ["concurrent-in-transaction db/migrate/20240108000000_x.rb:4"]);
  });

  it("strong_migrations safety_assured acknowledges", async () => {
    await expectCase(
      { "db/migrate/20240109000000_x.rb": rails("    safety_assured { add_index :orders, :a }\n") },
      "pass",
      ["acknowledged db/migrate/20240109000000_x.rb:3"],
    );
  });

  it("strings, comments and =begin blocks are not code", async () => {
    await expectPass(indexMigrations, {
      "db/migrate/20240110000000_x.rb": rails("    # add_index :orders, :a\n    say 'add_index :orders, :b'\n=begin\n    add_index :orders, :c\n=end\n"),
    });
  });

  it("StrongMigrations.start_after acknowledges older migrations", async () => {
    await expectCase(
      {
        "config/initializers/strong_migrations.rb": "StrongMigrations.start_after = 20240101000000\nStrongMigrations.lock_timeout = 10.seconds\n",
        "db/migrate/20231231000000_old.rb": rails("    add_index :orders, :a\n"),
        "db/migrate/20240102000000_new.rb": rails("    add_index :orders, :b\n"),
      },
      "fail",
      ["acknowledged db/migrate/20231231000000_old.rb:3", "create-index-not-concurrent db/migrate/20240102000000_new.rb:3"],
    );
  });

  it("a SQLite Rails application is not applicable", async () => {
    const result = await runCheck(indexMigrations, {
      "config/database.yml": "default: &default\n  adapter: sqlite3\ndevelopment:\n  <<: *default\n  database: db/dev.sqlite3\n",
      "db/migrate/20240101000000_x.rb": rails("    add_index :orders, :a\n"),
    });
    expectResult(indexMigrations, result, "not-applicable");
  });

  it("a PostgreSQL Rails application with an ERB database.yml is judged", async () => {
    await expectCase(
      {
        "config/database.yml": "default: &default\n  adapter: <%= ENV.fetch('DB_ADAPTER') { 'postgresql' } %>\n",
        "db/migrate/20240101000000_x.rb": rails("    add_index :orders, :a\n"),
      },
      "fail",
      ["create-index-not-concurrent db/migrate/20240101000000_x.rb:3"],
    );
  });

  it("a Ruby file without a migration class is skipped", async () => {
    const result = await runCheck(indexMigrations, { "db/migrate/helpers.rb": "module Helpers\n  def add_index(*) = nil\nend\n" });
    expectResult(indexMigrations, result, "not-applicable");
  });
});

describe("index-migrations: Django", () => {
  const initial = `from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(primary_key=True)),
                ("user", models.ForeignKey(on_delete=models.CASCADE, to="auth.user")),
                ("created", models.DateTimeField()),
                ("code", models.CharField(max_length=9)),
            ],
        ),
        migrations.AddIndex(model_name="order", index=models.Index(fields=["user", "-created"], name="order_user_created")),
    ]
`;
  const conc = (atomic: boolean) => `from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
${atomic ? "" : "    atomic = False\n"}
    dependencies = [("app", "0001_initial")]

    operations = [
        AddIndexConcurrently("order", models.Index(fields=["user", "created"], name="order_user_created2")),
    ]
`;

  it("the initial migration creates its models and their indexes together", async () => {
    await expectPass(indexMigrations, { "app/migrations/0001_initial.py": initial, "app/migrations/__init__.py": "" });
  });

  it("AddIndexConcurrently with atomic = False (spec 13)", async () => {
    await expectPass(indexMigrations, { "app/migrations/0001_initial.py": initial, "app/migrations/0005_idx.py": conc(false) });
  });

  it("AddIndexConcurrently without atomic = False (spec 13)", async () => {
    await expectCase({ "app/migrations/0001_initial.py": initial, "app/migrations/0005_idx.py": conc(true) }, "fail", ["concurrent-in-transaction app/migrations/0005_idx.py:10"]);
  });

  it("AddIndex, a ForeignKey field, db_index=True and index_together on existing models", async () => {
    const m = `from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [
        migrations.AddIndex(model_name="order", index=models.Index(fields=["code"], name="order_code")),
        migrations.AddField(model_name="order", name="shop", field=models.ForeignKey(on_delete=models.CASCADE, to="app.shop")),
        migrations.AddField(model_name="order", name="note", field=models.TextField(default="")),
        migrations.AddField(model_name="order", name="ref", field=models.ForeignKey(on_delete=models.CASCADE, to="app.ref", db_index=False)),
        migrations.AlterField(model_name="order", name="code", field=models.CharField(max_length=9, db_index=True)),
        migrations.AlterIndexTogether(name="order", index_together={("code", "created")}),
        migrations.AddField(model_name="order", name="slug", field=models.SlugField()),
    ]
`;
    const result = await expectCase({ "app/migrations/0001_initial.py": initial, "app/migrations/0002_more.py": m }, "fail", [
      "create-index-not-concurrent app/migrations/0002_more.py:5",
      "create-index-not-concurrent app/migrations/0002_more.py:6",
      "create-index-not-concurrent app/migrations/0002_more.py:9",
      "create-index-not-concurrent app/migrations/0002_more.py:10",
      "create-index-not-concurrent app/migrations/0002_more.py:11",
    ]);
    expect(result.findings.map((f) => f.message).join("\n")).toContain("existing table app_order");
  });

  it("AlterField of a field that was already indexed builds nothing", async () => {
    const m = `from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [
        migrations.AlterField(model_name="order", name="user", field=models.ForeignKey(on_delete=models.PROTECT, to="auth.user")),
    ]
`;
    await expectPass(indexMigrations, { "app/migrations/0001_initial.py": initial, "app/migrations/0002_alter.py": m });
  });

  it("AlterField whose previous definition is unknown is indeterminate", async () => {
    const m = `from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [
        migrations.AlterField(model_name="invoice", name="number", field=models.CharField(max_length=9, db_index=True)),
    ]
`;
    await expectCase({ "app/migrations/0002_alter.py": m }, "indeterminate", ["dynamic-sql app/migrations/0002_alter.py:5"]);
  });

  it("RemoveIndex vs RemoveIndexConcurrently, unique fields and UniqueConstraint", async () => {
    const m = `from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations, models

class Migration(migrations.Migration):
    atomic = False
    operations = [
        migrations.RemoveIndex(model_name="order", name="order_user_created"),
        RemoveIndexConcurrently(model_name="order", name="order_code"),
        migrations.AddField(model_name="order", name="token", field=models.CharField(max_length=9, unique=True)),
        migrations.AddConstraint(model_name="order", constraint=models.UniqueConstraint(fields=["code", "user"], name="u1")),
        migrations.AddConstraint(model_name="order", constraint=models.UniqueConstraint(fields=["code"], condition=models.Q(active=True), name="u2")),
    ]
`;
    await expectCase({ "app/migrations/0001_initial.py": initial, "app/migrations/0003_rm.py": m }, "fail", [
      "drop-index-not-concurrent app/migrations/0003_rm.py:7",
      "constraint-builds-index app/migrations/0003_rm.py:9",
      "constraint-builds-index app/migrations/0003_rm.py:10",
      "create-index-not-concurrent app/migrations/0003_rm.py:11",
    ]);
  });

  it("SeparateDatabaseAndState: only database operations are judged", async () => {
    const m = `from django.db import migrations, models

class Migration(migrations.Migration):
    atomic = False
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql="CREATE INDEX CONCURRENTLY IF NOT EXISTS order_code ON app_order (code);",
                    reverse_sql="DROP INDEX CONCURRENTLY IF EXISTS order_code;",
                ),
            ],
            state_operations=[
                migrations.AddIndex(model_name="order", index=models.Index(fields=["code"], name="order_code")),
            ],
        ),
    ]
`;
    await expectPass(indexMigrations, { "app/migrations/0001_initial.py": initial, "app/migrations/0004_sep.py": m });
  });

  it("RunSQL with CONCURRENTLY in an atomic migration", async () => {
    const m = `from django.db import migrations

class Migration(migrations.Migration):
    operations = [
        migrations.RunSQL(
            """
            CREATE INDEX CONCURRENTLY order_code ON app_order (code);
            """,
            migrations.RunSQL.noop,
        ),
    ]
`;
    await expectCase({ "app/migrations/0004_sql.py": m }, "fail", ["concurrent-in-transaction app/migrations/0004_sql.py:7"]);
  });

  it("a Django project on SQLite is not applicable", async () => {
    const settings = `DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}\n`;
    const result = await runCheck(indexMigrations, { "mysite/settings.py": settings, "app/migrations/0005_idx.py": conc(true) });
    expectResult(indexMigrations, result, "not-applicable");
  });
});

describe("index-migrations: Alembic", () => {
  const rev = (body: string) => `"""add index

Revision ID: abc123
"""
from alembic import op
import sqlalchemy as sa

revision = "abc123"
down_revision = "000"


def upgrade():
${body}

def downgrade():
    op.drop_index("ix_o_u", table_name="orders")
`;

  it("postgresql_concurrently=True outside autocommit_block (spec 14)", async () => {
    await expectCase(
      { "alembic/versions/abc123_idx.py": rev('    op.create_index("ix_o_u", "orders", ["user_id"], postgresql_concurrently=True)\n') },
      "fail",
      ["concurrent-in-transaction alembic/versions/abc123_idx.py:13"],
    );
  });

  it("postgresql_concurrently=True inside autocommit_block (spec 14)", async () => {
    await expectPass(indexMigrations, {
      "alembic/versions/abc123_idx.py": rev(
        '    with op.get_context().autocommit_block():\n        op.create_index("ix_o_u", "orders", ["user_id"], postgresql_concurrently=True)\n        op.drop_index("ix_old", table_name="orders", postgresql_concurrently=True)\n',
      ),
    });
  });

  it("op.create_index without postgresql_concurrently, add_column(index=True)", async () => {
    await expectCase(
      {
        "migrations/versions/abc124_idx.py": rev(
          '    op.create_index(op.f("ix_orders_a_b"), "orders", ["a", "b"], unique=False)\n    op.add_column("orders", sa.Column("w", sa.Integer(), nullable=True, index=True))\n    op.add_column("orders", sa.Column("v", sa.Integer(), nullable=True))\n',
        ),
      },
      "fail",
      ["create-index-not-concurrent migrations/versions/abc124_idx.py:13", "create-index-not-concurrent migrations/versions/abc124_idx.py:14"],
    );
  });

  it("indexes on a table created in the same revision are fine", async () => {
    await expectPass(indexMigrations, {
      "alembic/versions/abc125_t.py": rev(
        '    op.create_table(\n        "widgets",\n        sa.Column("id", sa.Integer(), primary_key=True),\n        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id"), index=True),\n    )\n    op.create_index("ix_widgets_owner", "widgets", ["owner_id", "id"])\n',
      ),
    });
  });

  it("batch_alter_table operations know their table", async () => {
    await expectCase(
      { "alembic/versions/abc126_batch.py": rev('    with op.batch_alter_table("orders") as batch_op:\n        batch_op.create_index("ix_orders_x", ["x"])\n') },
      "fail",
      ["create-index-not-concurrent alembic/versions/abc126_batch.py:14"],
    );
  });

  it("op.execute SQL, a module constant, and unreadable SQL", async () => {
    const text = rev('    op.execute(sa.text("CREATE INDEX ix ON orders (a)"))\n    op.execute(SQL)\n    op.execute(build())\n').replace(
      'down_revision = "000"\n',
      'down_revision = "000"\nSQL = "CREATE UNIQUE INDEX ux ON orders (b)"\n',
    );
    await expectCase({ "alembic/versions/abc127_sql.py": text }, "fail", [
      "create-index-not-concurrent alembic/versions/abc127_sql.py:14",
      // the SQL held in a module constant is reported where its text is
      "create-index-not-concurrent alembic/versions/abc127_sql.py:10",
      "dynamic-sql alembic/versions/abc127_sql.py:16",
    ]);
  });

  it('op.execute("COMMIT") ends the transaction for the rest of the revision', async () => {
    await expectCase(
      {
        "alembic/versions/abc128_commit.py": rev(
          '    op.create_index("ix_a", "orders", ["a"], postgresql_concurrently=True)\n    op.execute("COMMIT")\n    op.create_index("ix_b", "orders", ["b"], postgresql_concurrently=True)\n',
        ),
      },
      "fail",
      ["concurrent-in-transaction alembic/versions/abc128_commit.py:13"],
    );
  });

  it("env.py with transactional_ddl=False takes revisions out of the transaction", async () => {
    await expectPass(indexMigrations, {
      "alembic/env.py": "from alembic import context\n\ncontext.configure(connection=connection, target_metadata=None, transactional_ddl=False)\n",
      "alembic/versions/abc123_idx.py": rev('    op.create_index("ix_o_u", "orders", ["user_id"], postgresql_concurrently=True)\n'),
    });
  });

  it("a Python file in versions/ that is not a revision is skipped", async () => {
    const result = await runCheck(indexMigrations, { "alembic/versions/helpers.py": "def create_index():\n    pass\n" });
    expectResult(indexMigrations, result, "not-applicable");
  });
});

describe("index-migrations: JavaScript and TypeScript migrations", () => {
  const typeorm = (tx: string) => `import { MigrationInterface, QueryRunner } from "typeorm";

export class Idx1710000000000 implements MigrationInterface {
${tx}
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`CREATE INDEX CONCURRENTLY "IDX_order_user" ON "order" ("userId")\`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`DROP INDEX "IDX_order_user"\`);
  }
}
`;

  it("TypeORM transaction = false without migrationsTransactionMode 'each' (spec 15)", async () => {
    const result = await expectCase({ "src/migrations/1710000000000-Idx.ts": typeorm("  public transaction = false;\n") }, "fail", [
      "concurrent-in-transaction src/migrations/1710000000000-Idx.ts:7",
    ]);
    expect(result.findings[0]?.message).toContain("ForbiddenTransactionModeOverrideError");
  });

  it("TypeORM transaction = false with migrationsTransactionMode 'each'", async () => {
    await expectPass(indexMigrations, {
      "src/data-source.ts": 'export default new DataSource({ type: "postgres", migrationsTransactionMode: "each" });\n',
      "src/migrations/1710000000000-Idx.ts": typeorm("  public transaction = false;\n"),
    });
  });

  it("TypeORM without transaction = false", async () => {
    await expectCase({ "src/migrations/1710000000000-Idx.ts": typeorm("") }, "fail", ["concurrent-in-transaction src/migrations/1710000000000-Idx.ts:6"]);
  });

  it("Knex: table.index on an existing table, knex.raw CONCURRENTLY in the default transaction", async () => {
    const text = `exports.up = function (knex) {
  return knex.schema
    .alterTable("orders", (table) => {
      table.index(["user_id", "created_at"], "orders_user_created");
      table.integer("shop_id").unsigned().index();
    })
    .then(() => knex.raw("CREATE INDEX CONCURRENTLY orders_a ON orders (a)"));
};

exports.down = function (knex) {
  return knex.schema.alterTable("orders", (t) => t.dropIndex(["user_id"]));
};
`;
    await expectCase({ "migrations/20240101_orders.js": text }, "fail", [
      "create-index-not-concurrent migrations/20240101_orders.js:4",
      "create-index-not-concurrent migrations/20240101_orders.js:5",
      "concurrent-in-transaction migrations/20240101_orders.js:7",
    ]);
  });

  it("Knex: config = { transaction: false } and a new table", async () => {
    const text = `export const config = { transaction: false };

export async function up(knex) {
  await knex.schema.createTable("widgets", (t) => {
    t.increments("id");
    t.integer("owner_id").index();
  });
  await knex.raw(\`CREATE INDEX CONCURRENTLY orders_a ON orders (a)\`);
}

export async function down(knex) {
  await knex.raw("DROP INDEX orders_a");
}
`;
    await expectPass(indexMigrations, { "migrations/20240102_widgets.ts": text });
  });

  it("Knex on SQLite is not applicable", async () => {
    const result = await runCheck(indexMigrations, {
      "knexfile.js": 'module.exports = { client: "sqlite3", connection: { filename: "./dev.sqlite3" } };\n',
      "migrations/20240101_orders.js": 'exports.up = (knex) => knex.schema.alterTable("orders", (t) => { t.index(["a"]); });\n',
    });
    expectResult(indexMigrations, result, "not-applicable");
  });

  it("Sequelize addIndex with and without concurrently, and inside a transaction", async () => {
    const text = `"use strict";
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addIndex("orders", ["user_id"]);
    await queryInterface.addIndex("orders", ["shop_id"], { concurrently: true });
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.addIndex("orders", ["x"], { concurrently: true, transaction });
    });
  },
  async down(queryInterface) {
    await queryInterface.removeIndex("orders", ["user_id"]);
  },
};
`;
    await expectCase({ "migrations/20240101-orders.js": text }, "fail", [
      "create-index-not-concurrent migrations/20240101-orders.js:4",
      "concurrent-in-transaction migrations/20240101-orders.js:7",
    ]);
  });

  it("node-pg-migrate: concurrently needs pgm.noTransaction()", async () => {
    const text = (noTx: string) => `exports.up = (pgm) => {
${noTx}  pgm.createIndex("orders", ["user_id", "created_at"], { concurrently: true });
};
`;
    await expectCase({ "migrations/1700000000000_idx.js": text("") }, "fail", ["concurrent-in-transaction migrations/1700000000000_idx.js:2"]);
    await expectPass(indexMigrations, { "migrations/1700000000000_idx.js": text("  pgm.noTransaction();\n") });
  });

  it("a migration that does not parse is indeterminate", async () => {
    await expectCase({ "migrations/20240101_bad.js": "exports.up = (knex) => knex.schema.alterTable('orders', (t) => {\n" }, "indeterminate", [
      "dynamic-sql migrations/20240101_bad.js:1",
    ]);
  });
});

describe("index-migrations: which files are migrations", () => {
  it("down and undo scripts are not judged; a forward migration named rollback is", async () => {
    await expectCase(
      {
        "migrations/001_users_down.sql": "DROP INDEX users_email;\n",
        "migrations/002_users.down.sql": "DROP INDEX users_email;\n",
        "migrations/003_x/down.sql": "DROP INDEX users_email;\n",
        "src/main/resources/db/migration/U4__undo.sql": "DROP INDEX users_email;\n",
        "migrations/rollback/005.sql": "DROP INDEX users_email;\n",
        "migrations/006_rollback_feature.sql": "CREATE INDEX i ON t (c);\n",
      },
      "fail",
      ["create-index-not-concurrent migrations/006_rollback_feature.sql:1"],
    );
  });

  it("a PostgreSQL directory wins over a dialect word elsewhere in the path", async () => {
    await expectCase(
      { "mysql-compat/migrations/postgres/001.sql": "CREATE INDEX i ON t (c);\n", "db/migrations/mysql/001.sql": "CREATE INDEX i ON t (c);\n" },
      "fail",
      ["create-index-not-concurrent mysql-compat/migrations/postgres/001.sql:1"],
    );
  });

  it("Django initial and squashed migrations only run on fresh databases", async () => {
    const m = (attr: string) => `from django.db import migrations, models

class Migration(migrations.Migration):
${attr}
    operations = [
        migrations.AddField(model_name="order", name="shop", field=models.ForeignKey(on_delete=models.CASCADE, to="app.shop")),
        migrations.AddIndex(model_name="order", index=models.Index(fields=["code"], name="order_code")),
        AddIndexConcurrently("order", models.Index(fields=["user"], name="order_user")),
    ]
`;
    await expectCase(
      {
        "app/migrations/0002_initial.py": m("    initial = True\n"),
        "app/migrations/0003_squashed_0009.py": m('    replaces = [("app", "0003_a"), ("app", "0009_b")]\n'),
      },
      "fail",
      // a concurrent build inside the migration's transaction fails on a fresh database too
      ["concurrent-in-transaction app/migrations/0002_initial.py:9", "concurrent-in-transaction app/migrations/0003_squashed_0009.py:9"],
    );
  });

  it("SQL the reader cannot see inside safety_assured is acknowledged, not indeterminate", async () => {
    await expectCase(
      { "db/migrate/20240101000000_x.rb": "class X < ActiveRecord::Migration[7.1]\n  def up\n    safety_assured do\n      execute Functions::SQL\n    end\n  end\nend\n" },
      "pass",
      ["acknowledged db/migrate/20240101000000_x.rb:4"],
    );
  });

  it("interpolated SQL that has nothing to do with indexes is ignored; interpolated index SQL is dynamic", async () => {
    await expectCase(
      {
        "db/migrate/20240101000000_x.rb":
          'class X < ActiveRecord::Migration[7.1]\n  def up\n    execute "UPDATE t SET a = #{x}#{\' \'}WHERE b"\n    execute "CREATE INDEX #{name} ON #{table} USING #{m}"\n  end\nend\n',
      },
      "indeterminate",
      ["dynamic-sql db/migrate/20240101000000_x.rb:4"],
    );
  });

  it("SQL for another database in an adapter branch is not a parse error", async () => {
    await expectPass(indexMigrations, {
      "db/migrate/20240101000000_x.rb":
        'class X < ActiveRecord::Migration[7.1]\n  def up\n    if connection.adapter_name == "SQLServer"\n      execute "CREATE UNIQUE NONCLUSTERED INDEX i ON t (c) WHERE c IS NOT NULL"\n    end\n  end\nend\n',
    });
  });
});
