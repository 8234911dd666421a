/**
 * Jest, Vitest, nyc, c8 and node:test: where each looks for its config, which thresholds it
 * enforces, and when (coverage must be collected / checking switched on).
 */
import type { ArgWord, Gate, Invocation, Metric, Problem, RunOutcome, Tool, Where } from "./model.js";
import { ancestors, basename, dirname, inDir, joinPath, type Repo } from "./repo.js";
import { evaluateModule, fromJson, getPath, getProp, type JsValue, type Unknown } from "./static-js.js";

const METRICS: readonly Metric[] = ["lines", "statements", "branches", "functions"];

/** Test fixtures, vendored code and examples: their configs are not the project's own gate (a CI run still links them). */
export const NOT_PROJECT = /(^|\/)(node_modules|fixtures?|__fixtures__|testdata|test-data|__mocks__|vendor|third_party|examples?)\//;

// ---------------------------------------------------------------------------------------------
// Loading configs as JsValues

interface LoadedConfig {
  readonly path: string;
  /** The config, or `unknown` when it could not be read. */
  readonly value: JsValue;
  /** Key path of the config inside the file (`["jest"]` for package.json). */
  readonly base: readonly string[];
}

function loader(repo: Repo): { read(path: string): string | undefined } {
  return { read: (p) => repo.text(p) };
}

/** A JSON, YAML or JS/TS config file as a JsValue; parse failures are reported and become unknown. */
function loadConfigFile(repo: Repo, path: string, what: string): JsValue | undefined {
  const name = basename(path);
  const unknownAt = (why: string, line: number): Unknown => ({ kind: "unknown", why, line, path });
  if (/\.(json)$/.test(name) || name === ".nycrc" || name === ".c8rc") {
    const parsed = repo.json(path);
    if (!parsed) return undefined;
    if (!parsed.ok) {
      repo.report({ kind: "broken", where: { path, line: parsed.line }, what, why: `the file is not valid JSON (${parsed.error})` });
      return unknownAt(`${path} is not valid JSON`, parsed.line);
    }
    return fromJson(parsed.value, path, (keys) => repo.jsonLine(path, keys));
  }
  if (/\.ya?ml$/.test(name)) {
    const parsed = repo.yaml(path);
    if (!parsed) return undefined;
    if (!parsed.ok) {
      repo.report({ kind: "broken", where: { path, line: parsed.line }, what, why: `the file is not valid YAML (${parsed.error})` });
      return unknownAt(`${path} is not valid YAML`, parsed.line);
    }
    const file = parsed.value;
    return fromJson(file.value, path, (keys) => {
      const y = repo.yaml(path);
      return y?.ok ? lineInYaml(y.value, keys) : 1;
    });
  }
  const text = repo.text(path);
  if (text === undefined) return undefined;
  const m = evaluateModule(path, text, loader(repo));
  if (!m.ok) {
    repo.report({ kind: "unparsable", where: { path, line: m.line }, why: `phase-gate could not parse it (${m.error})` });
    return unknownAt(`phase-gate could not parse ${path}`, m.line);
  }
  return m.value;
}

function lineInYaml(file: { doc: unknown; lineOf(node: unknown): number }, keys: readonly string[]): number {
  // Walk the YAML AST (maps only) for the key path.
  let node = (file.doc as { contents?: unknown }).contents as { items?: { key?: { value?: unknown }; value?: unknown }[] } | undefined;
  let line = 1;
  for (const k of keys) {
    const pair = node?.items?.find((p) => String(p.key?.value) === k);
    if (!pair) return line;
    line = file.lineOf(pair.key);
    node = pair.value as typeof node;
  }
  return line;
}

/** A config named on the command line that phase-gate cannot read: its thresholds are unknown. */
function unreadable(path: string, at: Where): Unknown {
  return { kind: "unknown", why: `it comes from ${path}, which phase-gate does not read`, line: at.line, path: at.path };
}

function packageJson(repo: Repo, dir: string): Record<string, unknown> | undefined {
  const path = inDir(dir, "package.json");
  if (!repo.exists(path)) return undefined;
  const parsed = repo.json(path);
  if (!parsed) return undefined;
  if (!parsed.ok) {
    repo.report({ kind: "unparsable", where: { path, line: parsed.line }, why: `package.json is not valid JSON (${parsed.error})` });
    return undefined;
  }
  const v = parsed.value;
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function packageKey(repo: Repo, dir: string, key: string): JsValue | undefined {
  const pkg = packageJson(repo, dir);
  if (!pkg || !(key in pkg)) return undefined;
  const path = inDir(dir, "package.json");
  return fromJson(pkg[key], path, (keys) => repo.jsonLine(path, [key, ...keys]));
}

// ---------------------------------------------------------------------------------------------
// Thresholds from a config object

function numberGate(tool: Tool, v: JsValue | undefined, metric: Metric, scope: Gate["scope"], setting: string, fallback: Where, numericStrings = false): Gate | null {
  if (v === undefined || v.kind === "nullish") return null;
  // yargs (nyc, c8) reads `"lines": "95"` as the number 95.
  if (numericStrings && v.kind === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v.value)) v = { kind: "number", value: Number(v.value), line: v.line };
  if (v.kind === "unknown") {
    return { tool, value: null, dynamic: v.why, metric, scope, setting, where: { path: v.path ?? fallback.path, line: v.line } };
  }
  if (v.kind !== "number") return null;
  const where = { path: fallback.path, line: v.line };
  if (v.value < 0) return { tool, value: -v.value, count: true, metric, scope, setting, where };
  return { tool, value: v.value, metric, scope, setting, where };
}

function whereOf(cfg: LoadedConfig, keys: readonly string[], fallbackLine: number): Where {
  const prop = getProp(cfg.value, keys);
  return { path: prop?.path ?? cfg.path, line: prop?.line ?? fallbackLine };
}

// ---------------------------------------------------------------------------------------------
// Jest

const JEST_FILES = [".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".json"].map((e) => `jest.config${e}`);

interface JestConfig extends LoadedConfig {
  readonly gates: readonly Gate[];
  readonly collect: boolean | Unknown | undefined;
}

function jestFromValue(cfg: LoadedConfig): JestConfig {
  const gates: Gate[] = [];
  const threshold = getPath(cfg.value, ["coverageThreshold"]);
  const at = whereOf(cfg, ["coverageThreshold"], threshold?.line ?? 1);
  if (threshold?.kind === "unknown") {
    gates.push({ tool: "jest", value: null, dynamic: threshold.why, metric: "lines", scope: "global", setting: "coverageThreshold", where: { path: threshold.path ?? at.path, line: threshold.line } });
  } else if (threshold?.kind === "object") {
    if (threshold.opaque) gates.push({ tool: "jest", value: null, dynamic: threshold.opaque.why, metric: "lines", scope: "global", setting: "coverageThreshold", where: at });
    for (const key of threshold.props.keys()) {
      const scope = key === "global" ? "global" : "glob";
      const group = getPath(threshold, [key]);
      if (group?.kind === "unknown") {
        gates.push({ tool: "jest", value: null, dynamic: group.why, metric: "lines", scope, setting: `coverageThreshold.${key}`, where: at });
        continue;
      }
      for (const metric of METRICS) {
        const g = numberGate("jest", getPath(threshold, [key, metric]), metric, scope, `coverageThreshold${key === "global" ? ".global" : `["${key}"]`}.${metric}`, at);
        if (g) gates.push(g);
      }
    }
  }
  const c = getPath(cfg.value, ["collectCoverage"]);
  const collect = c === undefined ? undefined : c.kind === "unknown" ? c : c.kind === "boolean" ? c.value : undefined;
  return { ...cfg, gates, collect };
}

/** Jest's config for a run in `dir` (resolveConfigPath: walk up; several in one directory is an error). */
function jestConfigFor(repo: Repo, dir: string, explicit: ArgWord | null): JestConfig | null {
  if (explicit) {
    if (explicit.text.trim().startsWith("{")) {
      try {
        const value = fromJson(JSON.parse(explicit.text) as unknown, explicit.where.path, () => explicit.where.line);
        return jestFromValue({ path: explicit.where.path, value, base: [] });
      } catch {
        repo.report({ kind: "broken", where: explicit.where, what: "--config", why: "jest --config is given JSON that does not parse" });
        return null;
      }
    }
    const path = joinPath(dir, explicit.text);
    if (path === null || !repo.exists(path)) {
      repo.report({ kind: "broken", where: explicit.where, what: "--config", why: `jest --config names '${explicit.text}', which does not exist` });
      return null;
    }
    const value = loadConfigFile(repo, path, "Jest config") ?? unreadable(path, explicit.where);
    return jestFromValue({ path, value, base: [] });
  }
  for (const d of ancestors(dir)) {
    const found = jestConfigIn(repo, d);
    if (found === "broken") return null;
    if (found) return found;
  }
  return null;
}

/** The Jest config defined in exactly this directory, if any. */
function jestConfigIn(repo: Repo, d: string): JestConfig | "broken" | null {
  const files = JEST_FILES.map((f) => inDir(d, f)).filter((p) => repo.exists(p));
  const pkgJest = packageJson(repo, d)?.["jest"];
  const candidates: string[] = [...files];
  if (pkgJest !== undefined) candidates.push(typeof pkgJest === "string" ? (joinPath(d, pkgJest) ?? pkgJest) : inDir(d, "package.json"));
  if (candidates.length > 1) {
    repo.report({
      kind: "broken",
      where: { path: candidates[0] ?? d, line: 1 },
      what: "Jest configuration",
      why: `Jest stops with "Multiple configurations found" (${candidates.join(", ")})`,
    });
    return "broken";
  }
  const only = candidates[0];
  if (!only) return null;
  if (only.endsWith("package.json") && typeof pkgJest !== "string") {
    const value = packageKey(repo, d, "jest");
    return value ? jestFromValue({ path: only, value, base: ["jest"] }) : null;
  }
  const value = loadConfigFile(repo, only, "Jest config");
  return value ? jestFromValue({ path: only, value, base: [] }) : null;
}

function jestDeadProjects(repo: Repo, cfg: JestConfig): void {
  const projects = getPath(cfg.value, ["projects"]);
  if (projects?.kind !== "array") return;
  for (const item of projects.items) {
    const t = getPath(item, ["coverageThreshold"]);
    if (t && t.kind !== "unknown" && t.kind !== "nullish") {
      const line = item.kind === "object" ? (item.props.get("coverageThreshold")?.line ?? t.line) : t.line;
      repo.report({ kind: "ignored", where: { path: cfg.path, line }, what: "coverageThreshold in projects[]", why: "Jest reads coverageThreshold from the global config only, not from a project" });
    }
  }
}

export function evaluateJest(repo: Repo, inv: Invocation): RunOutcome {
  let explicit: ArgWord | null = null;
  let cliCoverage: boolean | null = null;
  let cliThreshold: ArgWord | null = null;
  for (let i = 0; i < inv.args.length; i++) {
    const a = inv.args[i];
    if (!a) continue;
    const t = a.text;
    if (t === "--config" || t === "-c") {
      explicit = inv.args[i + 1] ?? null;
      i++;
    } else if (t.startsWith("--config=")) explicit = { ...a, text: t.slice(9) };
    else if (t === "--coverage" || t === "--collectCoverage" || t === "--collect-coverage" || t === "--coverage=true") cliCoverage = true;
    else if (t === "--no-coverage" || t === "--coverage=false" || t === "--collectCoverage=false") cliCoverage = false;
    else if (t === "--coverageThreshold" || t === "--coverage-threshold") {
      cliThreshold = inv.args[i + 1] ?? null;
      i++;
    } else if (t.startsWith("--coverageThreshold=") || t.startsWith("--coverage-threshold=")) cliThreshold = { ...a, text: t.slice(t.indexOf("=") + 1) };
  }
  const cfg = jestConfigFor(repo, inv.cwd, explicit);
  let gates: readonly Gate[] = cfg?.gates ?? [];
  const replaced: Gate[] = [];
  if (cliThreshold) {
    let value: JsValue;
    try {
      value = fromJson(JSON.parse(cliThreshold.text) as unknown, cliThreshold.where.path, () => cliThreshold.where.line);
    } catch {
      value = { kind: "unknown", why: cliThreshold.dynamic ? "--coverageThreshold is set at run time" : "--coverageThreshold is not JSON", line: cliThreshold.where.line, path: cliThreshold.where.path };
    }
    replaced.push(...gates);
    gates = jestFromValue({ path: cliThreshold.where.path, value: { kind: "object", props: new Map([["coverageThreshold", { value, line: cliThreshold.where.line, path: cliThreshold.where.path, maybeOverridden: null }]]), opaque: null, line: 1 }, base: [] }).gates;
  }
  return collectGated(inv, gates, replaced, cliCoverage ?? cfg?.collect, "jest runs without --coverage and collectCoverage is not true, so the threshold is never checked", "collectCoverage");
}

/** Gates that apply only when coverage is collected. */
function collectGated(inv: Invocation, gates: readonly Gate[], replaced: readonly Gate[], on: boolean | Unknown | undefined, offWhy: string, what: string): RunOutcome {
  const base = { ci: inv.ci, command: inv.command, runner: inv.runner, neutralised: inv.neutralised, replaced };
  if (gates.length === 0) return { ...base, gates: [], disabled: [] };
  if (on === true) return { ...base, gates, disabled: [] };
  if (on !== undefined && on !== false) {
    return { ...base, gates: gates.map((g) => ({ ...g, value: null, dynamic: `${what} depends on ${on.why}` })), disabled: [] };
  }
  return { ...base, gates: [], disabled: gates.map((gate) => ({ gate, why: offWhy, kind: "not-collected" as const })) };
}

// ---------------------------------------------------------------------------------------------
// Vitest

const VITEST_FILES = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"].map((e) => `vitest.config${e}`);
const VITE_FILES = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"].map((e) => `vite.config${e}`);
const THRESHOLD_RESERVED = new Set(["perFile", "autoUpdate", "100", ...METRICS]);

interface VitestConfig extends LoadedConfig {
  readonly gates: readonly Gate[];
  readonly enabled: boolean | Unknown | undefined;
}

/** Vitest's major version from the nearest package.json that depends on it; null: not a dependency. */
function vitestMajor(repo: Repo, dir: string): number | "unknown" | null {
  for (const d of ancestors(dir)) {
    const pkg = packageJson(repo, d);
    if (!pkg) continue;
    for (const field of ["devDependencies", "dependencies", "peerDependencies", "optionalDependencies"]) {
      const deps = pkg[field];
      if (deps === null || typeof deps !== "object") continue;
      const range = (deps as Record<string, unknown>)["vitest"];
      if (typeof range !== "string") continue;
      const m = /^[\s^~>=<v]*(\d+)/.exec(range);
      return m ? Number(m[1]) : "unknown";
    }
  }
  return null;
}

function vitestFromValue(repo: Repo, cfg: LoadedConfig): VitestConfig {
  const gates: Gate[] = [];
  const coverage = getPath(cfg.value, ["test", "coverage"]);
  const at = whereOf(cfg, ["test", "coverage"], coverage?.line ?? 1);
  const major = vitestMajor(repo, dirname(cfg.path));
  const modern = major === null || major === "unknown" || major >= 1;
  const dead = (where: Where, what: string, why: string) => repo.report({ kind: "dead", where, what, why });

  if (coverage?.kind === "unknown") {
    gates.push({ tool: "vitest", value: null, dynamic: coverage.why, metric: "lines", scope: "global", setting: "test.coverage", where: at });
  } else if (coverage?.kind === "object") {
    const thresholds = getPath(coverage, ["thresholds"]);
    const tAt = whereOf(cfg, ["test", "coverage", "thresholds"], thresholds?.line ?? at.line);
    const found: Gate[] = [];
    if (thresholds?.kind === "unknown") {
      found.push({ tool: "vitest", value: null, dynamic: thresholds.why, metric: "lines", scope: "global", setting: "test.coverage.thresholds", where: tAt });
    } else if (thresholds?.kind === "object") {
      found.push(...vitestThresholds(thresholds, "test.coverage.thresholds", tAt));
    }
    const legacy: Gate[] = vitestThresholds({ ...coverage, opaque: null }, "test.coverage", at).filter((g) => !g.setting.includes("thresholds"));
    if (major === null) {
      for (const g of [...found, ...legacy]) dead(g.where, g.setting, "vitest is not a dependency of this package (package.json), so nothing reads this config");
    } else if (modern) {
      gates.push(...found);
      for (const g of legacy) dead(g.where, g.setting, "Vitest 1.0 and later ignore coverage.lines/statements/...: the thresholds moved to coverage.thresholds");
    } else {
      gates.push(...legacy);
      for (const g of found) dead(g.where, g.setting, "Vitest before 1.0 reads coverage.lines/statements/..., not coverage.thresholds");
    }
  }
  const e = getPath(coverage, ["enabled"]);
  const enabled = e === undefined ? undefined : e.kind === "unknown" ? e : e.kind === "boolean" ? e.value : undefined;
  return { ...cfg, gates: major === null ? [] : gates, enabled };
}

function vitestThresholds(obj: JsValue, prefix: string, at: Where): Gate[] {
  const gates: Gate[] = [];
  if (obj.kind !== "object") return gates;
  if (obj.opaque) gates.push({ tool: "vitest", value: null, dynamic: obj.opaque.why, metric: "lines", scope: "global", setting: prefix, where: at });
  const perFile = getPath(obj, ["perFile"]);
  const scope: Gate["scope"] = perFile?.kind === "boolean" && perFile.value ? "per-file" : "global";
  const all100 = getPath(obj, ["100"]);
  if (all100?.kind === "boolean" && all100.value) {
    for (const metric of METRICS) gates.push({ tool: "vitest", value: 100, metric, scope, setting: `${prefix}.100`, where: { path: at.path, line: all100.line } });
  }
  for (const metric of METRICS) {
    const g = numberGate("vitest", getPath(obj, [metric]), metric, scope, `${prefix}.${metric}`, at);
    if (g) gates.push(g);
  }
  for (const [key, prop] of obj.props) {
    if (THRESHOLD_RESERVED.has(key) || prop.value.kind !== "object" || !prefix.endsWith("thresholds")) continue;
    for (const metric of METRICS) {
      const g = numberGate("vitest", getPath(prop.value, [metric]), metric, "glob", `${prefix}["${key}"].${metric}`, at);
      if (g) gates.push(g);
    }
  }
  return gates;
}

function vitestConfigFor(repo: Repo, dir: string, explicit: ArgWord | null): VitestConfig | null {
  let path: string | null = null;
  if (explicit) {
    path = joinPath(dir, explicit.text);
    if (path === null || !repo.exists(path)) {
      repo.report({ kind: "broken", where: explicit.where, what: "--config", why: `vitest --config names '${explicit.text}', which does not exist` });
      return null;
    }
  } else {
    outer: for (const d of ancestors(dir)) {
      for (const name of [...VITEST_FILES, ...VITE_FILES]) {
        if (repo.exists(inDir(d, name))) {
          path = inDir(d, name);
          break outer;
        }
      }
    }
  }
  if (path === null) return null;
  const value = loadConfigFile(repo, path, "Vitest config") ?? (explicit ? unreadable(path, explicit.where) : undefined);
  return value ? vitestFromValue(repo, { path, value, base: [] }) : null;
}

export function evaluateVitest(repo: Repo, inv: Invocation): RunOutcome {
  let explicit: ArgWord | null = null;
  let root = inv.cwd;
  let cliCoverage: boolean | null = null;
  const cliGates: Gate[] = [];
  for (let i = 0; i < inv.args.length; i++) {
    const a = inv.args[i];
    if (!a) continue;
    const t = a.text;
    const value = () => {
      const eq = t.indexOf("=");
      if (eq >= 0) return { ...a, text: t.slice(eq + 1) };
      i++;
      return inv.args[i] ?? null;
    };
    if (t === "--config" || t === "-c" || t.startsWith("--config=")) explicit = value();
    else if (t === "--root" || t === "-r" || t.startsWith("--root=")) {
      const v = value();
      const p = v ? joinPath(inv.cwd, v.text) : null;
      if (p !== null) root = p;
    } else if (t === "--coverage" || t === "--coverage.enabled" || t === "--coverage.enabled=true" || t === "--coverage=true") cliCoverage = true;
    else if (t === "--no-coverage" || t === "--coverage=false" || t === "--coverage.enabled=false") cliCoverage = false;
    else {
      const m = /^--coverage\.thresholds\.(lines|statements|branches|functions|100)(?:=(.*))?$/.exec(t);
      if (m) {
        const metric = m[1] as Metric | "100";
        const raw = m[2] ?? (inv.args[i + 1] && !(inv.args[i + 1]?.text ?? "-").startsWith("-") ? (inv.args[++i]?.text ?? "") : "true");
        if (metric === "100") {
          if (raw !== "false") for (const mm of METRICS) cliGates.push({ tool: "vitest", value: 100, metric: mm, scope: "global", setting: t, where: a.where });
        } else {
          const n = Number(raw);
          cliGates.push(
            a.dynamic || Number.isNaN(n)
              ? { tool: "vitest", value: null, dynamic: `${t} is set at run time`, metric, scope: "global", setting: t, where: a.where }
              : { tool: "vitest", value: Math.abs(n), ...(n < 0 ? { count: true } : {}), metric, scope: "global", setting: t, where: a.where },
          );
        }
      }
    }
  }
  const cfg = vitestConfigFor(repo, root, explicit);
  const gates = [...(cfg?.gates ?? []).filter((g) => !cliGates.some((c) => c.metric === g.metric && c.scope === g.scope)), ...cliGates];
  const replaced = (cfg?.gates ?? []).filter((g) => !gates.includes(g));
  return collectGated(inv, gates, replaced, cliCoverage ?? cfg?.enabled, "vitest runs without --coverage and coverage.enabled is not true, so the thresholds are never checked", "coverage.enabled");
}

// ---------------------------------------------------------------------------------------------
// nyc and c8 (istanbul-style: check-coverage + lines/statements/functions/branches)

const NYC_FILES = [".nycrc", ".nycrc.json", ".nycrc.yml", ".nycrc.yaml", "nyc.config.js", "nyc.config.cjs", "nyc.config.mjs"];
const C8_FILES = [".c8rc", ".c8rc.json", ".nycrc", ".nycrc.json"];

interface IstanbulConfig {
  readonly tool: "nyc" | "c8";
  /** Options by camelCase name, with the file and line they come from. */
  readonly options: ReadonlyMap<string, { value: JsValue; where: Where }>;
  /** Where the config is (for defaults). */
  readonly where: Where | null;
}

function camel(key: string): string {
  return key.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function addOptions(into: Map<string, { value: JsValue; where: Where }>, value: JsValue | undefined, path: string): void {
  if (!value || value.kind !== "object") return;
  if (value.opaque) into.set("*", { value: value.opaque, where: { path: value.opaque.path ?? path, line: value.opaque.line } });
  for (const [k, p] of value.props) into.set(camel(k), { value: p.maybeOverridden ?? p.value, where: { path: p.path, line: p.line } });
}

/** nyc: package.json "nyc" (nearest package.json) overridden by the rc file found from there up. */
function nycConfigFor(repo: Repo, cwd: string, rcPath: string | null): IstanbulConfig {
  const options = new Map<string, { value: JsValue; where: Where }>();
  const pkgDir = ancestors(cwd).find((d) => repo.exists(inDir(d, "package.json"))) ?? cwd;
  addOptions(options, packageKey(repo, pkgDir, "nyc"), inDir(pkgDir, "package.json"));
  let rc: string | null = null;
  if (rcPath !== null) rc = joinPath(cwd, rcPath);
  else {
    outer: for (const d of ancestors(pkgDir)) {
      for (const name of NYC_FILES) {
        if (repo.exists(inDir(d, name))) {
          rc = inDir(d, name);
          break outer;
        }
      }
    }
  }
  if (rc !== null) {
    const value = loadConfigFile(repo, rc, "nyc config");
    const ext = getPath(value, ["extends"]);
    if (ext?.kind === "string" && ext.value.startsWith(".")) {
      const extPath = joinPath(dirname(rc), ext.value);
      if (extPath && repo.exists(extPath)) addOptions(options, loadConfigFile(repo, extPath, "nyc config"), extPath);
    }
    addOptions(options, value, rc);
  }
  const first = [...options.values()][0];
  return { tool: "nyc", options, where: first ? first.where : null };
}

/** c8: the nearest package.json's "c8" overridden by the first rc file found from cwd up. */
function c8ConfigFor(repo: Repo, cwd: string, explicit: string | null): IstanbulConfig {
  const options = new Map<string, { value: JsValue; where: Where }>();
  const pkgDir = ancestors(cwd).find((d) => repo.exists(inDir(d, "package.json")));
  if (pkgDir !== undefined) addOptions(options, packageKey(repo, pkgDir, "c8"), inDir(pkgDir, "package.json"));
  let rc: string | null = explicit !== null ? joinPath(cwd, explicit) : null;
  if (explicit === null) {
    outer: for (const d of ancestors(cwd)) {
      for (const name of C8_FILES) {
        if (repo.exists(inDir(d, name))) {
          rc = inDir(d, name);
          break outer;
        }
      }
    }
  }
  if (rc !== null) addOptions(options, loadConfigFile(repo, rc, "c8 config"), rc);
  const first = [...options.values()][0];
  return { tool: "c8", options, where: first ? first.where : null };
}

interface CliIstanbul {
  check: boolean | null;
  all100: boolean;
  perFile: boolean | null;
  metrics: Map<Metric, ArgWord>;
  rcPath: string | null;
  /** Index of the first word of the wrapped command, -1 when none. */
  rest: number;
}

const ISTANBUL_VALUE_OPTIONS = new Set(["--reporter", "-r", "--report-dir", "--reports-dir", "-o", "--temp-dir", "--temp-directory", "-t", "--include", "-n", "--exclude", "-x", "--extension", "-e", "--require", "-i", "--nycrc-path", "--config", "-c", "--cwd", "--src", "--exclude-after-remap", "--source-map"]);

function istanbulCli(args: readonly ArgWord[]): CliIstanbul {
  const cli: CliIstanbul = { check: null, all100: false, perFile: null, metrics: new Map(), rcPath: null, rest: -1 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a) continue;
    const t = a.text;
    if (!t.startsWith("-")) {
      cli.rest = i;
      break;
    }
    const [flag, inline] = t.includes("=") ? [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1)] : [t, null];
    const name = camel(flag.replace(/^--?/, ""));
    if (name === "checkCoverage") cli.check = inline === null ? true : inline !== "false";
    else if (name === "noCheckCoverage") cli.check = false;
    else if (name === "100") cli.all100 = inline !== "false";
    else if (name === "perFile") cli.perFile = inline !== "false";
    else if ((METRICS as readonly string[]).includes(name)) {
      const v = inline !== null ? { ...a, text: inline } : args[i + 1];
      if (inline === null) i++;
      if (v) cli.metrics.set(name as Metric, v);
    } else if (name === "nycrcPath" || flag === "--config" || flag === "-c") {
      const v = inline !== null ? inline : (args[i + 1]?.text ?? null);
      if (inline === null) i++;
      cli.rcPath = v;
    } else if (ISTANBUL_VALUE_OPTIONS.has(flag) && inline === null) i++;
  }
  return cli;
}

function truth(v: JsValue | undefined): boolean | Unknown | undefined {
  if (v === undefined) return undefined;
  if (v.kind === "unknown") return v;
  if (v.kind === "boolean") return v.value;
  if (v.kind === "string") return v.value === "true";
  if (v.kind === "number") return v.value !== 0;
  return undefined;
}

/** The gates an istanbul-style config + CLI enforce when checking is on, and whether it is. */
function istanbulGates(cfg: IstanbulConfig, cli: CliIstanbul | null, forceCheck: boolean): { gates: Gate[]; check: boolean | Unknown | undefined } {
  const tool = cfg.tool;
  const opt = (name: string) => cfg.options.get(name) ?? (cfg.options.get("*") as { value: JsValue; where: Where } | undefined);
  const all100 = cli?.all100 || truth(opt("100")?.value) === true;
  let check: boolean | Unknown | undefined = forceCheck || all100 ? true : (cli?.check ?? truth(opt("checkCoverage")?.value));
  if (check === false && cli?.check === null && all100) check = true;
  const perFileOpt = cli?.perFile ?? truth(opt("perFile")?.value);
  const scope: Gate["scope"] = perFileOpt === true ? "per-file" : "global";
  const gates: Gate[] = [];
  const checkWhere = opt("checkCoverage")?.where ?? opt("100")?.where ?? cfg.where;
  for (const metric of METRICS) {
    const cliWord = cli?.metrics.get(metric);
    if (all100) {
      const w = opt("100")?.where ?? checkWhere;
      if (w) gates.push({ tool, value: 100, metric, scope, setting: "100: true", where: w });
      continue;
    }
    if (cliWord) {
      const n = Number(cliWord.text);
      gates.push(
        cliWord.dynamic || Number.isNaN(n)
          ? { tool, value: null, dynamic: `--${metric} ${cliWord.text} is set at run time`, metric, scope, setting: `--${metric}=${cliWord.text}`, where: cliWord.where }
          : { tool, value: n, metric, scope, setting: `--${metric}=${cliWord.text}`, where: cliWord.where },
      );
      continue;
    }
    const o = opt(metric);
    if (o) {
      const shown = o.value.kind === "number" || o.value.kind === "string" ? String(o.value.value) : "…";
      const g = numberGate(tool, o.value, metric, scope, `${metric}: ${shown}`, o.where, true);
      if (g && (g.value === null || g.value > 0)) gates.push({ ...g, where: g.value === null ? g.where : o.where });
    } else if (metric === "lines" && check !== undefined && check !== false && checkWhere) {
      gates.push({ tool, value: 90, metric, scope, setting: "check-coverage: true (lines defaults to 90)", where: checkWhere });
    }
  }
  return { gates, check };
}

export function evaluateIstanbul(repo: Repo, inv: Invocation): RunOutcome {
  const tool = inv.tool === "c8" ? "c8" : "nyc";
  const cli = istanbulCli(inv.args);
  const cfg = tool === "c8" ? c8ConfigFor(repo, inv.cwd, cli.rcPath) : nycConfigFor(repo, inv.cwd, cli.rcPath);
  const forceCheck = inv.sub === "check-coverage";
  const { gates, check } = istanbulGates(cfg, cli, forceCheck);
  const base = { ci: inv.ci, command: inv.command, runner: inv.runner, neutralised: inv.neutralised, replaced: [] as Gate[] };
  if (inv.sub === "instrument" || inv.sub === "merge") return { ...base, gates: [], disabled: [] };
  if (check === true) return { ...base, gates, disabled: [] };
  if (check !== undefined && check !== false) {
    return { ...base, gates: gates.map((g) => ({ ...g, value: null, dynamic: `check-coverage depends on ${check.why}` })), disabled: [] };
  }
  // Checking is off: thresholds written in the config are dead for this run.
  const configured = gates.filter((g) => !g.setting.includes("defaults to 90"));
  return {
    ...base,
    gates: [],
    disabled: configured.map((gate) => ({ gate, why: `${tool} runs without check-coverage, so the thresholds are never checked`, kind: "not-collected" as const })),
  };
}

// ---------------------------------------------------------------------------------------------
// node --test

export function evaluateNodeTest(inv: Invocation): RunOutcome {
  const base = { ci: inv.ci, command: inv.command, runner: inv.runner, neutralised: inv.neutralised, replaced: [] as Gate[] };
  let collect = false;
  const gates: Gate[] = [];
  for (let i = 0; i < inv.args.length; i++) {
    const a = inv.args[i];
    if (!a) continue;
    if (a.text === "--experimental-test-coverage") collect = true;
    const m = /^--test-coverage-(lines|branches|functions)(?:=(.*))?$/.exec(a.text);
    if (!m) continue;
    const raw = m[2] ?? inv.args[++i]?.text ?? "";
    const n = Number(raw);
    const metric = m[1] as Metric;
    gates.push(a.dynamic || Number.isNaN(n) ? { tool: "node:test", value: null, dynamic: `${a.text} is set at run time`, metric, scope: "global", setting: a.text, where: a.where } : { tool: "node:test", value: n, metric, scope: "global", setting: `--test-coverage-${metric}=${raw}`, where: a.where });
  }
  if (collect) return { ...base, gates, disabled: [] };
  return { ...base, gates: [], disabled: gates.map((gate) => ({ gate, why: "node --test runs without --experimental-test-coverage", kind: "not-collected" as const })) };
}

// ---------------------------------------------------------------------------------------------
// Inventory

export function javascriptInventory(repo: Repo): Gate[] {
  const gates: Gate[] = [];
  const dirs = new Set<string>();
  const istanbulDirs = new Set<string>();
  for (const p of repo.allPaths) {
    if (NOT_PROJECT.test(p)) continue;
    const name = basename(p);
    if (JEST_FILES.includes(name) || VITEST_FILES.includes(name) || VITE_FILES.includes(name) || name === "package.json") dirs.add(dirname(p));
    if (NYC_FILES.includes(name) || C8_FILES.includes(name) || name === "package.json") istanbulDirs.add(dirname(p));
  }
  for (const d of [...dirs].sort()) {
    const jest = jestConfigIn(repo, d);
    if (jest && jest !== "broken") {
      gates.push(...jest.gates);
      jestDeadProjects(repo, jest);
    }
    const vitestFile = VITEST_FILES.map((f) => inDir(d, f)).find((p) => repo.exists(p));
    const viteFile = VITE_FILES.map((f) => inDir(d, f)).find((p) => repo.exists(p));
    if (vitestFile || viteFile) {
      const used = (vitestFile ?? viteFile) as string;
      const value = loadConfigFile(repo, used, "Vitest config");
      if (value) {
        const v = vitestFromValue(repo, { path: used, value, base: [] });
        gates.push(...v.gates);
      }
      if (vitestFile && viteFile) {
        const shadowedValue = loadConfigFile(repo, viteFile, "Vite config");
        const t = getPath(shadowedValue, ["test", "coverage", "thresholds"]);
        if (t && t.kind !== "nullish") {
          repo.report({ kind: "shadowed", where: { path: viteFile, line: t.line }, what: "test.coverage.thresholds", by: { path: vitestFile, line: 1 }, why: `Vitest reads ${vitestFile} and ignores ${viteFile}` });
        }
      }
    }
  }
  for (const d of [...istanbulDirs].sort()) {
    const pkg = packageJson(repo, d);
    const hasNyc = NYC_FILES.some((f) => repo.exists(inDir(d, f))) || (pkg !== undefined && "nyc" in pkg);
    const hasC8 = [".c8rc", ".c8rc.json"].some((f) => repo.exists(inDir(d, f))) || (pkg !== undefined && "c8" in pkg);
    if (hasNyc) gates.push(...configuredIstanbul(istanbulGates(nycConfigFor(repo, d, null), null, false)));
    if (hasC8) gates.push(...configuredIstanbul(istanbulGates(c8ConfigFor(repo, d, null), null, false)));
  }
  return gates;
}

/** Configured thresholds count as a gate when checking is on, or when numbers are written (a `check-coverage` run would use them). */
function configuredIstanbul(r: { gates: Gate[]; check: boolean | Unknown | undefined }): Gate[] {
  if (r.check === true) return r.gates;
  if (r.check !== undefined && r.check !== false) return r.gates.map((g) => ({ ...g, value: null, dynamic: `check-coverage depends on ${r.check && typeof r.check === "object" ? r.check.why : "?"}` }));
  return r.gates.filter((g) => !g.setting.includes("defaults to 90"));
}

export type { Problem };
