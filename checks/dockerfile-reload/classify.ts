/**
 * Which files this check reads, and which of them are development-only (spec §4.1).
 * A name or parent directory with a development token (`dev`, `local`, `test`, `ci`, …) or a
 * `.devcontainer/` parent makes a file development-only; compose overrides are development by
 * convention; base compose files are ambiguous.
 */

// One brace pattern per kind: the glob engine tests each pattern of a list in turn, on every path.
export const DOCKERFILE_GLOBS = [
  "**/{Dockerfile,Dockerfile.*,Dockerfile-*,Dockerfile_*,dockerfile,*.Dockerfile,*.dockerfile,Containerfile,Containerfile.*,*.Containerfile}",
] as const;

export const COMPOSE_GLOBS = [
  "**/{compose,docker-compose}{,.*,-*,_*}.{yml,yaml}",
  "**/*.{docker-compose,compose}.{yml,yaml}",
] as const;

export const WORKFLOW_GLOBS = [".github/workflows/*.{yml,yaml}"] as const;
export const PACKAGE_JSON_GLOBS = ["**/package.json"] as const;

/** Entrypoint scripts and Python files the optional script scan may read (spec §4.2 step 6). */
export const DEFAULT_SCRIPT_GLOBS = [
  "**/*.sh",
  "**/*entrypoint*",
  "**/*gunicorn*.py",
  "**/{app,main,run,server,start,serve,wsgi,asgi}.py",
] as const;

/** Names that match the Dockerfile globs but are not Dockerfiles. */
const NOT_A_DOCKERFILE = /\.(dockerignore|md|markdown|rst|adoc|txt|orig|bak|rej|swp|patch|diff|lock|sha256|sig|asc|json|ya?ml|sh)$/i;

export function isDockerfilePath(path: string): boolean {
  return !NOT_A_DOCKERFILE.test(basenameOf(path));
}

const DEV_TOKEN = /(^|[./_-])(dev|devel|develop|development|local|debug|test|tests|e2e|ci)([./_-]|$)/i;
const PROD_TOKEN = /(^|[./_-])(prod|production|release|deploy|staging|live)([./_-]|$)/i;
const OVERRIDE = /^(docker-)?compose\.override\.ya?ml$/i;
const BASE_COMPOSE = /^(docker-)?compose\.ya?ml$/i;

function basenameOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}

/** Why a path is development-only by its name, or null. */
export function devReason(path: string): string | null {
  const segments = path.split("/");
  const base = segments[segments.length - 1] ?? path;
  const dirs = segments.slice(0, -1);
  if (dirs.some((d) => d.toLowerCase() === ".devcontainer")) return "in .devcontainer/";
  const m = DEV_TOKEN.exec(base);
  if (m) return `development name (${m[2]})`;
  const dir = dirs.find((d) => DEV_TOKEN.test(d));
  if (dir) return `in a development directory (${dir}/)`;
  return null;
}

export type ComposeKind = "production" | "development" | "ambiguous";

/** How a compose file counts by its name alone. */
export function composeKindByName(path: string): { kind: ComposeKind; reason: string } {
  const base = basenameOf(path);
  if (OVERRIDE.test(base)) return { kind: "development", reason: "compose override (merged by docker compose in development)" };
  const dev = devReason(path);
  if (dev) return { kind: "development", reason: dev };
  const prod = PROD_TOKEN.exec(base);
  if (prod) return { kind: "production", reason: `production name (${prod[2]})` };
  if (BASE_COMPOSE.test(base)) return { kind: "ambiguous", reason: "base compose file (used in development and production alike)" };
  return { kind: "ambiguous", reason: "compose file not named for development or production" };
}
