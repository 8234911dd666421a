/**
 * The benchmark's repositories. Each is generated once into a cache directory (deterministic:
 * same version, same files) and audited many times.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateRepo } from "./generate-repo.js";

export interface Scenario {
  readonly name: string;
  /** `core` (issue 2: the engine and the declarative checks) or `checks` (the five domain checks). */
  readonly group: "core" | "checks";
  /** Bump when the generated files change, so cached copies are regenerated. */
  readonly version: string;
  readonly description: string;
  readonly files: number;
  readonly relevant: number;
  readonly target?: string;
  /** A checklist passed with --config; absent: the repository's own or the built-in default. */
  readonly checklist?: string;
  generate(dir: string): Promise<void>;
  /** Another tool run on the same files, timed side by side. */
  readonly compare?: { name: string; note: string; run(dir: string): void };
}

const DECLARATIVE = `phases:
  - id: declarative
    name: Declarative checks
    gate: required
    checks:
      - file-exists: { path: SECURITY.md }
      - file-exists: { path: "services/*/Dockerfile" }
      - file-absent: { path: ["**/*.pem", "**/.env"] }
      - file-contains: { path: "services/*/Dockerfile", pattern: "^FROM ", flags: m }
      - file-not-contains: { path: "services/*/Dockerfile", pattern: "--reload" }
      - file-not-contains: { path: "migrations/*.sql", pattern: "CREATE INDEX [a-z_0-9]+ ON", flags: i }
`;

const DOMAIN = `phases:
  - id: phase-1
    name: Foundation & Security
    gate: required
    checks:
      - secrets-baseline
      - pre-commit-config:
          hooks: [ruff, detect-secrets]
      - coverage-threshold:
          min: 80
  - id: phase-2
    name: Production hardening
    gate: required
    checks:
      - dockerfile-reload
      - index-migrations
`;

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function write(dir: string, rel: string, text: string): void {
  const full = path.join(dir, rel);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
}

/** 2,000 SQL migrations of several shapes, 50 Dockerfiles, the usual config files, some source. */
async function generateDomainRepo(dir: string): Promise<void> {
  // Start from the generic generator's source tree (3,000 files, its few config files), then add.
  await generateRepo(dir, { files: 3000, relevant: 5 });
  for (let i = 0; i < 2000; i++) {
    const t = `t${i}`;
    const n = String(i + 1).padStart(5, "0");
    const shapes = [
      `CREATE TABLE ${t} (id bigserial PRIMARY KEY, owner_id bigint NOT NULL, created_at timestamptz DEFAULT now());\nCREATE INDEX ${t}_owner_idx ON ${t} (owner_id);\n`,
      `-- add a lookup index\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t${i - 1}_created_idx ON t${i - 1} (created_at);\n`,
      `BEGIN;\nALTER TABLE t${i - 2} ADD COLUMN note text;\nCREATE INDEX t${i - 2}_note_idx ON t${i - 2} (note);\nCOMMIT;\n`,
      `-- +goose Up\n-- +goose NO TRANSACTION\nCREATE UNIQUE INDEX CONCURRENTLY t${i - 3}_uniq ON t${i - 3} (owner_id, created_at);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY t${i - 3}_uniq;\n`,
      `DROP INDEX IF EXISTS t${i - 4}_owner_idx;\nUPDATE t${i - 4} SET owner_id = 0 WHERE owner_id IS NULL;\n`,
    ];
    write(dir, `db/migrations/V${n}__step_${i}.sql`, shapes[i < 5 ? 0 : i % shapes.length] as string);
  }
  for (let i = 0; i < 50; i++) {
    const reload = i % 10 === 4;
    write(
      dir,
      `services/svc${i}/Dockerfile`,
      [
        "FROM python:3.12-slim AS build",
        "WORKDIR /app",
        "COPY requirements.txt .",
        "RUN pip install --no-cache-dir -r requirements.txt",
        "",
        "FROM python:3.12-slim",
        "COPY --from=build /usr/local /usr/local",
        "COPY . /app",
        "USER app",
        reload ? `CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--reload"]` : `CMD uvicorn main:app --host 0.0.0.0 --port 80${i % 10}`,
        "",
      ].join("\n"),
    );
  }
  write(dir, "services/svc0/Dockerfile.dev", 'FROM python:3.12\nCMD ["uvicorn", "main:app", "--reload"]\n');
  write(dir, "docker-compose.override.yml", "services:\n  svc0:\n    command: uvicorn main:app --reload\n");
  write(
    dir,
    "setup.cfg",
    "[metadata]\nname = bench\n\n[tool:pytest]\naddopts =\n    --cov=src\n    --cov-fail-under=85\n\n[flake8]\nmax-line-length = 100\n",
  );
  write(dir, "codecov.yml", "coverage:\n  status:\n    project:\n      default:\n        target: 80%\n");
  write(
    dir,
    ".github/workflows/ci.yml",
    "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest --cov=src --cov-fail-under=85\n",
  );
  write(dir, ".env.example", "DATABASE_URL=postgres://localhost/dev\nDEBUG=false\n");
  const git = (...args: string[]) => {
    const r = spawnSync("git", ["-c", "commit.gpgsign=false", ...args], {
      cwd: dir,
      env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "b@example.invalid", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "b@example.invalid" },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  };
  git("add", "-A");
  git("commit", "-q", "--no-verify", "-m", "domain files");
}

const squawk = path.join(projectRoot, "node_modules", ".bin", "squawk");

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "core-50k",
    group: "core",
    version: "1",
    description: "a 50,000-file git checkout, 300 relevant files, the declarative checks (issue 2)",
    files: 50_000,
    relevant: 300,
    target: "< 1 s, < 200 MB",
    checklist: DECLARATIVE,
    generate: async (dir) => {
      await generateRepo(dir, { files: 50_000, relevant: 300 });
    },
  },
  {
    name: "checks-2000-migrations",
    group: "checks",
    version: "1",
    description: "2,000 SQL migrations, 50 Dockerfiles, the usual config files, 3,000 source files; the five domain checks (issue 3)",
    files: 5_061,
    relevant: 2_061,
    checklist: DOMAIN,
    generate: generateDomainRepo,
    compare: {
      name: "squawk 2.66 (npm binary)",
      note: "squawk lints the 2,000 SQL files only, with all its rules",
      run: (dir) => {
        const files = fs.readdirSync(path.join(dir, "db/migrations")).map((f) => path.join("db/migrations", f));
        spawnSync(squawk, ["--reporter", "json", ...files], { cwd: dir, maxBuffer: 256 * 1024 * 1024 });
      },
    },
  },
];
