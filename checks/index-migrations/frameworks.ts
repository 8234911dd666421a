/**
 * Framework migrations (Rails, Django, Alembic, Knex/TypeORM/Sequelize): which reader a file gets,
 * and what the repository says about its database (a SQLite or MySQL project is not judged).
 */
import { parseAllDocuments } from "yaml";
import type { MigrationUnit, Skip } from "./model.js";
import { readRailsMigration } from "./rails.js";
import { dirname } from "./sql-runners.js";

/** What the framework readers may read besides the migration itself. */
export interface FrameworkRepoContext {
  read(path: string): string | undefined;
  match(globs: string | readonly string[]): string[];
}

const POSTGRES = /postg|postgis|cockroach|timescale|redshift/i;

export function readFrameworkMigration(path: string, text: string, repo: FrameworkRepoContext): MigrationUnit[] | Skip {
  if (path.endsWith(".rb")) {
    const dialect = railsDialect(path, repo);
    if (dialect) return { skip: "dialect", detail: `a ${dialect} database (config/database.yml)` };
    return readRailsMigration(path, text);
  }
  return { skip: "not-migration", detail: "not a migration this check reads" };
}

/** The adapters of the nearest `config/database.yml`; a non-PostgreSQL name when none is PostgreSQL. */
function railsDialect(path: string, repo: FrameworkRepoContext): string | null {
  // <root>/db/migrate/x.rb -> <root>/config/database.yml
  const m = /^(.*?)(?:^|\/)db\/[^/]*migrate\//.exec(path);
  const root = m ? (m[1] ?? "") : dirname(dirname(dirname(path)));
  const file = `${root ? `${root}/` : ""}config/database.yml`;
  const text = repo.read(file);
  if (text === undefined) return null;
  const adapters = new Set<string>();
  try {
    for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
      if ("toJS" in doc) collectAdapters(doc.toJS() as unknown, adapters);
    }
  } catch {
    // ERB templates may not be YAML: fall back to the `adapter:` lines
  }
  if (adapters.size === 0) {
    for (const line of text.split("\n")) {
      const a = /^\s*adapter:\s*(.+)$/.exec(line);
      if (a?.[1]) adapters.add(a[1].trim());
    }
  }
  if (adapters.size === 0 || [...adapters].some((a) => POSTGRES.test(a))) return null;
  return [...adapters].join("/");
}

function collectAdapters(v: unknown, out: Set<string>, depth = 0): void {
  if (depth > 10 || !v || typeof v !== "object") return;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === "adapter" && typeof x === "string") out.add(x);
    else collectAdapters(x, out, depth + 1);
  }
}
