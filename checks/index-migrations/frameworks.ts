/**
 * Framework migrations (Rails, Django, Alembic, Knex/TypeORM/Sequelize): which reader a file gets,
 * and what the repository says about its database (a SQLite or MySQL project is not judged).
 * One session per audit: Django's model state is carried across an app's migrations.
 */
import { parseAllDocuments } from "yaml";
import { envIsTransactional, isAlembic, readAlembicMigration } from "./alembic.js";
import { isDjango, readDjangoMigration, type AppState } from "./django.js";
import { readJsMigration, type JsRepoContext } from "./js.js";
import type { MigrationUnit, Skip } from "./model.js";
import { tokenizePython } from "./python.js";
import { readRailsMigration } from "./rails.js";
import { parseRuby, type RNode } from "./ruby.js";
import { basename, dirname } from "./sql-runners.js";

/** What the framework readers may read besides the migration itself. */
export interface FrameworkRepoContext {
  read(path: string): string | undefined;
  match(globs: string | readonly string[]): string[];
}

const POSTGRES = /postg|postgis|cockroach|timescale|redshift/i;

export class FrameworkSession {
  private readonly djangoApps = new Map<string, AppState>();
  private djangoDialectCache: string | null | undefined;
  private jsContext: JsRepoContext | undefined;
  private readonly railsDialects = new Map<string, string | null>();
  private readonly startAfter = new Map<string, bigint | null>();

  constructor(private readonly repo: FrameworkRepoContext) {}

  read(path: string, text: string): MigrationUnit[] | Skip {
    if (path.endsWith(".rb")) {
      const root = /^(.*?)\/?db\/[^/]*migrate\//.exec(path)?.[1] ?? "";
      let dialect = this.railsDialects.get(root);
      if (dialect === undefined) {
        dialect = railsDialect(root, this.repo);
        this.railsDialects.set(root, dialect);
      }
      if (dialect) return { skip: "dialect", detail: `a ${dialect} database (config/database.yml)` };
      let startAfter = this.startAfter.get(root);
      if (startAfter === undefined) {
        startAfter = strongMigrationsStartAfter(this.repo.read(`${root ? `${root}/` : ""}config/initializers/strong_migrations.rb`));
        this.startAfter.set(root, startAfter);
      }
      const version = /^(\d+)_/.exec(basename(path))?.[1];
      const old = startAfter !== null && version !== undefined && BigInt(version) <= startAfter;
      return readRailsMigration(path, text, old ? `StrongMigrations.start_after = ${startAfter}` : null);
    }
    if (path.endsWith(".py")) {
      if (isAlembic(text)) {
        const versions = dirname(path);
        const env = this.repo.read(`${dirname(versions)}/env.py`.replace(/^\//, ""));
        return readAlembicMigration(path, text, envIsTransactional(env));
      }
      if (isDjango(text)) {
        const dialect = this.djangoDialect();
        if (dialect) return { skip: "dialect", detail: `a ${dialect} database (Django settings)` };
        const dir = dirname(path);
        let app = this.djangoApps.get(dir);
        if (!app) {
          app = new Map();
          this.djangoApps.set(dir, app);
        }
        return readDjangoMigration(path, text, app, basename(dirname(dir)) || "app");
      }
      return { skip: "not-migration", detail: "neither an Alembic revision nor a Django migration" };
    }
    if (/\.[cm]?[jt]s$/.test(path)) {
      this.jsContext ??= new JsRepoContextImpl(this.repo);
      return readJsMigration(path, text, this.jsContext);
    }
    return { skip: "not-migration", detail: "not a migration this check reads" };
  }

  /** Django's ENGINE strings in settings files: a non-PostgreSQL name when none names PostgreSQL. */
  private djangoDialect(): string | null {
    if (this.djangoDialectCache !== undefined) return this.djangoDialectCache;
    const engines = new Set<string>();
    for (const p of this.repo.match(["**/settings.py", "**/settings/*.py"])) {
      for (const t of tokenizePython(this.repo.read(p) ?? "")) {
        if (t.t !== "str") continue;
        const m = /^django(?:\.contrib\.gis)?\.db\.backends\.(\w+)/.exec(t.v);
        if (m?.[1]) engines.add(m[1]);
        if (/^postgres(ql)?:\/\//.test(t.v)) engines.add("postgresql");
      }
    }
    this.djangoDialectCache = engines.size === 0 || [...engines].some((e) => POSTGRES.test(e)) ? null : [...engines].join("/");
    return this.djangoDialectCache;
  }
}

/** The JS readers ask for the same configuration files for every migration: match each glob once. */
class JsRepoContextImpl implements JsRepoContext {
  private readonly matches = new Map<string, string[]>();
  readonly memo = new Map<string, unknown>();
  constructor(private readonly repo: FrameworkRepoContext) {}
  read(path: string): string | undefined {
    return this.repo.read(path);
  }
  match(globs: string | readonly string[]): string[] {
    const key = typeof globs === "string" ? globs : globs.join("\n");
    let found = this.matches.get(key);
    if (!found) {
      found = this.repo.match(globs);
      this.matches.set(key, found);
    }
    return found;
  }
}

/** The adapters of the nearest `config/database.yml`; a non-PostgreSQL name when none is PostgreSQL. */
function railsDialect(root: string, repo: FrameworkRepoContext): string | null {
  // <root>/db/migrate/x.rb -> <root>/config/database.yml
  const text = repo.read(`${root ? `${root}/` : ""}config/database.yml`);
  if (text === undefined) return null;
  const adapters = new Set<string>();
  try {
    for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
      if ("toJS" in doc) collectAdapters(doc.toJS() as unknown, adapters);
    }
  } catch {
    // ERB templates may not be YAML: fall back to the `adapter:` lines below
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

/** `StrongMigrations.start_after = 20240101000000` in config/initializers/strong_migrations.rb. */
function strongMigrationsStartAfter(text: string | undefined): bigint | null {
  if (text === undefined) return null;
  let found: bigint | null = null;
  const visit = (n: RNode): void => {
    if (n.k === "opaque") {
      const [target, value] = n.parts;
      if (
        target?.k === "call" &&
        target.name === "start_after" &&
        target.recv?.k === "const" &&
        target.recv.v === "StrongMigrations" &&
        value?.k === "num" &&
        /^\d[\d_]*$/.test(value.v)
      )
        found = BigInt(value.v.replace(/_/g, ""));
      n.parts.forEach(visit);
    } else if (n.k === "call" && n.block) n.block.forEach(visit);
  };
  parseRuby(text).forEach(visit);
  return found;
}
