/**
 * coverage.py and pytest-cov, read the way they read themselves (coverage 6.5 / pytest-cov 4.0,
 * checked with the Debian packages):
 *
 * - coverage.py reads ONE config file: `--rcfile`/`COVERAGE_RCFILE`, else `.coveragerc`, `setup.cfg`,
 *   `tox.ini`, `pyproject.toml` in the working directory, stopping at the first that is "used"
 *   (`.coveragerc` always is; the others only when they set a `coverage` option).
 * - configparser keeps inline comments: `fail_under = 80  # gate` is a ConfigError.
 * - pytest reads ONE config file, walking up from the invocation directory: `pytest.ini`,
 *   `.pytest.ini`, `pyproject.toml` (with `[tool.pytest.ini_options]` or pytest 9's `[tool.pytest]`),
 *   `tox.ini` (with `[pytest]`), `setup.cfg` (with `[tool:pytest]`; `[pytest]` there is an error).
 * - pytest-cov's `--cov-fail-under` is last-wins, applies only when `--cov` is active, and falls
 *   back to coverage's `fail_under`.
 */
import { iniSection, iniValue, type IniDocument, type IniEntry } from "../../src/parsers/ini.js";
import type { ArgWord, Env, Gate, Invocation, Problem, RunOutcome, Where } from "./model.js";
import { NOT_PROJECT } from "./javascript.js";
import { ancestors, basename, dirname, inDir, joinPath, type Repo } from "./repo.js";

// ---------------------------------------------------------------------------------------------
// Small Python semantics

/** Python's `float(str)`: null when it would raise ValueError. */
export function pyFloat(text: string): number | null {
  const s = text.trim();
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  const digits = "\\d(?:_?\\d)*";
  const re = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`);
  if (!re.test(s)) return null;
  return Number(s.replace(/_/g, ""));
}

/** pytest-cov's `validate_fail_under`: int, then float. */
function covFailUnderValue(text: string): number | null {
  return pyFloat(text);
}

/** `shlex.split` (POSIX mode, no comments): words, or an error for an unclosed quote. */
export function shlexSplit(text: string): { ok: true; words: string[] } | { ok: false; error: string } {
  const words: string[] = [];
  let cur = "";
  let has = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = "";
      has = false;
      i++;
      continue;
    }
    has = true;
    if (c === "\\") {
      if (i + 1 >= text.length) return { ok: false, error: "No escaped character" };
      cur += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: "No closing quotation" };
      cur += text.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        const d = text[j];
        if (d === "\\" && (text[j + 1] === '"' || text[j + 1] === "\\")) {
          cur += text[j + 1];
          j += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          break;
        }
        cur += d;
        j++;
      }
      if (!closed) return { ok: false, error: "No closing quotation" };
      i = j + 1;
      continue;
    }
    cur += c;
    i++;
  }
  if (has) words.push(cur);
  return { ok: true, words };
}

/** coverage.py's `substitute_variables`: `$VAR`, `${VAR}`, `${VAR-default}`, `$$`. */
function substituteVariables(text: string, env: Env): { text: string; dynamic: string | null } {
  let dynamic: string | null = null;
  const out = text.replace(/\$(?:(\$)|(\w+)|\{(\w+)(?:(\?)|-([^}]*))?\})/g, (_m, dollar: string | undefined, w1: string | undefined, w2: string | undefined, _strict: string | undefined, def: string | undefined) => {
    if (dollar) return "$";
    const name = w1 ?? w2 ?? "";
    const known = env.get(name);
    if (known && known.value !== undefined) return known.value;
    if (!known && def !== undefined) return def;
    dynamic = `$${name}`;
    return "";
  });
  return { text: out, dynamic };
}

// ---------------------------------------------------------------------------------------------
// coverage.py configuration

export interface CoverageConfig {
  /** The file coverage.py reads (null when none is used: all defaults). */
  readonly file: string | null;
  /** `fail_under` in force (null: 0, no gate). */
  readonly failUnder: Gate | null;
  /** Set when coverage.py stops with a ConfigError on this config. */
  readonly broken: Problem | null;
  /** fail_under settings in candidate files that the used file hides. */
  readonly shadowed: readonly Problem[];
}

const COVERAGE_CANDIDATES = ["setup.cfg", "tox.ini", "pyproject.toml"];

interface CoverageFileRead {
  readonly used: boolean;
  readonly broken: Problem | null;
  readonly failUnder: Gate | null;
  /** Where a fail_under is written in this file (used or not). */
  readonly failUnderAt: Where | null;
}

/** The config coverage.py uses when run in `dir` (with `--rcfile` / `COVERAGE_RCFILE` if given). */
export function coverageConfig(repo: Repo, dir: string, rcfile: string | null, env: Env): CoverageConfig {
  const tries: { name: string; our: boolean; specified: boolean }[] = [];
  const envRc = env.get("COVERAGE_RCFILE")?.value;
  const specified = rcfile !== null && rcfile !== ".coveragerc" ? rcfile : envRc ? envRc : null;
  tries.push({ name: specified ?? ".coveragerc", our: true, specified: specified !== null });
  for (const name of COVERAGE_CANDIDATES) tries.push({ name, our: false, specified: false });

  let chosen: { path: string; read: CoverageFileRead } | null = null;
  const shadowed: Problem[] = [];
  for (const t of tries) {
    const path = joinPath(dir, t.name);
    if (path === null || !repo.exists(path)) {
      if (t.specified) {
        const problem: Problem = {
          kind: "broken",
          where: { path: inDir(dir, t.name), line: 1 },
          what: "coverage.py configuration",
          why: `coverage.py is told to read '${t.name}' (${rcfile !== null ? "--rcfile/--cov-config" : "COVERAGE_RCFILE"}) but the file does not exist: "Couldn't read '${t.name}' as a config file"`,
        };
        return { file: null, failUnder: null, broken: problem, shadowed };
      }
      continue;
    }
    const read = readCoverageFile(repo, path, t.our, env);
    if (chosen === null) {
      if (read.broken) return { file: path, failUnder: null, broken: read.broken, shadowed };
      if (read.used) chosen = { path, read };
    } else if (read.failUnderAt) {
      shadowed.push({
        kind: "shadowed",
        where: read.failUnderAt,
        what: "coverage.py fail_under",
        by: { path: chosen.path, line: 1 },
        why: `coverage.py reads only one config file, and ${chosen.path} comes first${chosen.read.failUnder ? "" : " (it sets no fail_under, so the gate is 0)"}`,
      });
    }
  }
  return { file: chosen?.path ?? null, failUnder: chosen?.read.failUnder ?? null, broken: null, shadowed };
}

function readCoverageFile(repo: Repo, path: string, our: boolean, env: Env): CoverageFileRead {
  const none: CoverageFileRead = { used: false, broken: null, failUnder: null, failUnderAt: null };
  if (path.endsWith(".toml")) {
    const toml = repo.toml(path);
    if (!toml) return none;
    if (!toml.ok) {
      return { ...none, broken: { kind: "broken", where: { path, line: toml.line }, what: "pyproject.toml", why: `coverage.py cannot read it: ${toml.error}` } };
    }
    const cov = asTable(asTable(toml.value["tool"])?.["coverage"]);
    const used = our || (cov !== undefined && Object.values(cov).some((v) => asTable(v) !== undefined && Object.keys(asTable(v) ?? {}).length > 0));
    const report = asTable(cov?.["report"]);
    const plugins = asTable(cov?.["run"])?.["plugins"];
    const hasCovdefaults = Array.isArray(plugins) && plugins.includes("covdefaults");
    const raw = report?.["fail_under"];
    const where: Where = { path, line: repo.tomlLine(path, ["tool", "coverage", "report", "fail_under"]) };
    let failUnder: Gate | null = null;
    if (raw !== undefined) {
      const v = tomlNumber(raw, env);
      if (v.error) return { used, broken: { kind: "broken", where, what: "fail_under", why: `coverage.py: ${v.error}` }, failUnder: null, failUnderAt: where };
      const broken = rangeProblem(v.value, where, `fail_under = ${String(raw)}`);
      if (broken) return { used, broken, failUnder: null, failUnderAt: where };
      failUnder = coverageGate(v.value, v.dynamic, `fail_under = ${String(raw)}`, where);
    }
    if (hasCovdefaults && (failUnder === null || failUnder.value === 0)) {
      failUnder = coverageGate(100, null, "plugins = covdefaults (fail_under = 100)", { path, line: repo.tomlLine(path, ["tool", "coverage", "run", "plugins"]) });
    }
    if (failUnder?.value === 0) failUnder = null;
    return { used, broken: null, failUnder, failUnderAt: raw !== undefined ? where : null };
  }

  const ini = repo.ini(path);
  if (!ini) return none;
  if (ini.error) {
    const relevant = our || hasCoverageSection(ini);
    return {
      ...none,
      used: relevant,
      broken: { kind: "broken", where: { path, line: ini.error.line }, what: basename(path), why: `coverage.py cannot read it (configparser: ${ini.error.message})` },
    };
  }
  const prefixes = our ? ["coverage:", ""] : ["coverage:"];
  const used = our || hasCoverageSection(ini);
  const entry = findCoverageOption(ini, prefixes, "report", "fail_under");
  const plugins = findCoverageOption(ini, prefixes, "run", "plugins");
  const hasCovdefaults = plugins !== undefined && plugins.value.split(/[\s,]+/).includes("covdefaults");
  let failUnder: Gate | null = null;
  const where: Where | null = entry ? { path, line: entry.line } : null;
  if (entry && where) {
    const sub = substituteVariables(entry.value, env);
    if (sub.dynamic) failUnder = coverageGate(null, `fail_under = ${entry.value} reads ${sub.dynamic} from the environment`, `fail_under = ${entry.value}`, where);
    else {
      const v = pyFloat(sub.text);
      if (v === null || Number.isNaN(v)) {
        return {
          used,
          broken: { kind: "broken", where, what: "fail_under", why: `coverage.py stops with "Couldn't read config file ${basename(path)}: could not convert string to float: '${sub.text}'"` },
          failUnder: null,
          failUnderAt: where,
        };
      }
      const broken = rangeProblem(v, where, `fail_under = ${entry.value}`);
      if (broken) return { used, broken, failUnder: null, failUnderAt: where };
      failUnder = coverageGate(v, null, `fail_under = ${entry.value}`, where);
    }
  }
  if (hasCovdefaults && plugins && (failUnder === null || failUnder.value === 0)) {
    failUnder = coverageGate(100, null, "plugins = covdefaults (fail_under = 100)", { path, line: plugins.line });
  }
  if (failUnder?.value === 0) failUnder = null;
  return { used, broken: null, failUnder, failUnderAt: where };
}

function hasCoverageSection(ini: IniDocument): boolean {
  return ini.sections.some((s) => s.name.startsWith("coverage:") && s.entries.size > 0);
}

function findCoverageOption(ini: IniDocument, prefixes: readonly string[], section: string, key: string): IniEntry | undefined {
  for (const p of prefixes) {
    const e = iniValue(ini, p + section, key);
    if (e) return e;
  }
  return undefined;
}

function tomlNumber(raw: unknown, env: Env): { value: number | null; dynamic: string | null; error?: string } {
  if (typeof raw === "number") return { value: raw, dynamic: null };
  if (typeof raw === "bigint") return { value: Number(raw), dynamic: null };
  if (typeof raw === "boolean") return { value: raw ? 1 : 0, dynamic: null };
  if (typeof raw === "string") {
    // coverage.py >= 6.6 converts strings (commit 44fbd3b); 6.5 (Debian's) refused them.
    const sub = substituteVariables(raw, env);
    if (sub.dynamic) return { value: null, dynamic: `fail_under reads ${sub.dynamic} from the environment` };
    const v = pyFloat(sub.text);
    if (v === null || Number.isNaN(v)) return { value: null, dynamic: null, error: `could not convert string to float: '${sub.text}'` };
    return { value: v, dynamic: null };
  }
  return { value: null, dynamic: null, error: "fail_under must be a number" };
}

function rangeProblem(value: number | null, where: Where, setting: string): Problem | null {
  if (value === null || (value >= 0 && value <= 100)) return null;
  return { kind: "broken", where, what: setting, why: `coverage.py stops with "fail_under=${value} is invalid. Must be between 0 and 100."` };
}

function coverageGate(value: number | null, dynamic: string | null, setting: string, where: Where): Gate {
  return { tool: "coverage.py", value, ...(dynamic ? { dynamic } : {}), metric: "total", scope: "global", setting, where };
}

function asTable(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date) ? (v as Record<string, unknown>) : undefined;
}

// ---------------------------------------------------------------------------------------------
// pytest configuration

export interface PytestConfig {
  /** The file pytest reads, null when none. */
  readonly file: string | null;
  /** `addopts`, split, each word placed in its file. */
  readonly addopts: readonly ArgWord[];
  readonly broken: Problem | null;
}

interface PytestCandidate {
  readonly path: string;
  /** null: the file is not a pytest config (pytest moves on). */
  readonly config: { addopts: ArgWord[]; broken: Problem | null } | null;
}

const PYTEST_FILES = ["pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"];

function pytestCandidate(repo: Repo, path: string): PytestCandidate {
  const name = basename(path);
  if (name === "pyproject.toml") {
    const toml = repo.toml(path);
    if (!toml) return { path, config: null };
    if (!toml.ok) return { path, config: { addopts: [], broken: { kind: "broken", where: { path, line: toml.line }, what: "pyproject.toml", why: `pytest cannot read it: ${toml.error}` } } };
    const pytest = asTable(asTable(toml.value["tool"])?.["pytest"]);
    if (!pytest) return { path, config: null };
    const iniOptions = asTable(pytest["ini_options"]);
    const native = Object.keys(pytest).some((k) => k !== "ini_options");
    if (iniOptions && native) {
      return {
        path,
        config: {
          addopts: [],
          broken: {
            kind: "broken",
            where: { path, line: repo.tomlLine(path, ["tool", "pytest"]) },
            what: "[tool.pytest]",
            why: "pytest 9 refuses [tool.pytest] and [tool.pytest.ini_options] in the same file",
          },
        },
      };
    }
    const table = iniOptions ?? (native ? pytest : undefined);
    if (!table) return { path, config: null };
    const keys = iniOptions ? ["tool", "pytest", "ini_options", "addopts"] : ["tool", "pytest", "addopts"];
    const raw = table["addopts"];
    const where: Where = { path, line: repo.tomlLine(path, keys) };
    if (raw === undefined) return { path, config: { addopts: [], broken: null } };
    if (Array.isArray(raw)) return { path, config: { addopts: raw.map((w) => ({ text: String(w), dynamic: false, where })), broken: null } };
    if (typeof raw === "string") {
      if (!iniOptions) {
        return {
          path,
          config: { addopts: [], broken: { kind: "broken", where, what: "addopts", why: `pytest 9 expects a list for addopts in [tool.pytest], not a string` } },
        };
      }
      const split = shlexSplit(raw);
      if (!split.ok) return { path, config: { addopts: [], broken: { kind: "broken", where, what: "addopts", why: `pytest cannot split addopts: ${split.error}` } } };
      return { path, config: { addopts: split.words.map((text) => ({ text, dynamic: false, where })), broken: null } };
    }
    return { path, config: { addopts: [], broken: null } };
  }
  const ini = repo.ini(path);
  if (!ini) return { path, config: null };
  const section = name === "setup.cfg" ? "tool:pytest" : "pytest";
  const isPytestIni = name === "pytest.ini" || name === ".pytest.ini";
  if (name === "setup.cfg" && !iniSection(ini, "tool:pytest") && iniSection(ini, "pytest")) {
    const s = iniSection(ini, "pytest");
    return {
      path,
      config: {
        addopts: [],
        broken: { kind: "broken", where: { path, line: s?.line ?? 1 }, what: "[pytest]", why: `pytest stops with "[pytest] section in setup.cfg files is no longer supported, change to [tool:pytest] instead."` },
      },
    };
  }
  if (!isPytestIni && !iniSection(ini, section)) return { path, config: null };
  if (ini.error) return { path, config: { addopts: [], broken: { kind: "broken", where: { path, line: ini.error.line }, what: name, why: `pytest cannot read it: ${ini.error.message}` } } };
  const entry = iniValue(ini, section, "addopts");
  if (!entry) return { path, config: { addopts: [], broken: null } };
  const words: ArgWord[] = [];
  for (const l of entry.lines) {
    const split = shlexSplit(l.text);
    if (!split.ok) {
      return { path, config: { addopts: [], broken: { kind: "broken", where: { path, line: l.line }, what: "addopts", why: `pytest cannot split addopts: ${split.error}` } } };
    }
    for (const text of split.words) words.push({ text, dynamic: false, where: { path, line: l.line } });
  }
  return { path, config: { addopts: words, broken: null } };
}

/** The config pytest uses when its rootdir search starts in `dir`. */
export function pytestConfig(repo: Repo, dir: string, explicit: string | null): PytestConfig {
  if (explicit !== null) {
    const path = joinPath(dir, explicit);
    if (path === null || !repo.exists(path)) {
      return { file: null, addopts: [], broken: { kind: "broken", where: { path: path ?? explicit, line: 1 }, what: "-c", why: `pytest is given a config file '${explicit}' that does not exist` } };
    }
    const c = pytestCandidate(repo, path);
    return { file: path, addopts: c.config?.addopts ?? [], broken: c.config?.broken ?? null };
  }
  for (const d of ancestors(dir)) {
    for (const name of PYTEST_FILES) {
      const path = inDir(d, name);
      if (!repo.exists(path)) continue;
      const c = pytestCandidate(repo, path);
      if (c.config) return { file: path, addopts: c.config.addopts, broken: c.config.broken };
    }
  }
  return { file: null, addopts: [], broken: null };
}

// ---------------------------------------------------------------------------------------------
// pytest-cov options

interface CovOptions {
  active: boolean;
  disabledBy: string | null;
  /** Where the plugin is disabled with `-p no:cov` (then any --cov option is a usage error). */
  pluginOff: ArgWord | null;
  /** The first pytest-cov option given. */
  firstCovArg: ArgWord | null;
  failUnder: ArgWord | null;
  covConfig: string | null;
}

function covOptions(args: readonly ArgWord[]): CovOptions {
  const o: CovOptions = { active: false, disabledBy: null, pluginOff: null, firstCovArg: null, failUnder: null, covConfig: null };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a) continue;
    const t = a.text;
    if (t === "--") break;
    if (o.firstCovArg === null && (t.startsWith("--cov") || t === "--no-cov")) o.firstCovArg = a;
    if (t === "--cov" || t.startsWith("--cov=")) o.active = true;
    else if (t === "--no-cov") o.disabledBy = "--no-cov";
    else if (t === "-p" && /^no:(pytest_)?cov$/.test(args[i + 1]?.text ?? "")) {
      o.disabledBy = `-p ${args[i + 1]?.text}`;
      o.pluginOff = a;
      i++;
    } else if (/^-pno:(pytest_)?cov$/.test(t)) {
      o.disabledBy = t;
      o.pluginOff = a;
    }
    else if (t === "--cov-fail-under") {
      const v = args[i + 1];
      if (v) o.failUnder = { ...v, text: v.text };
      i++;
    } else if (t.startsWith("--cov-fail-under=")) o.failUnder = { ...a, text: t.slice("--cov-fail-under=".length) };
    else if (t === "--cov-config") {
      o.covConfig = args[i + 1]?.text ?? null;
      i++;
    } else if (t.startsWith("--cov-config=")) o.covConfig = t.slice("--cov-config=".length);
  }
  return o;
}

function flagGate(word: ArgWord, value: number | null, flag: string): Gate {
  return {
    tool: "pytest-cov",
    value,
    ...(word.dynamic ? { dynamic: `${flag}=${word.text} is set at run time` } : {}),
    metric: "total",
    scope: "global",
    setting: `${flag}=${word.text}`,
    where: word.where,
  };
}

// ---------------------------------------------------------------------------------------------
// Runs

function outcome(inv: Invocation, partial: Partial<Pick<RunOutcome, "gates" | "disabled" | "replaced">>): RunOutcome {
  return {
    ci: inv.ci,
    command: inv.command,
    runner: inv.runner,
    gates: partial.gates ?? [],
    neutralised: inv.neutralised,
    disabled: partial.disabled ?? [],
    replaced: partial.replaced ?? [],
  };
}

/** pytest and plugin options that take a separate value (so the value is not a test path). */
const PYTEST_VALUE_OPTIONS = new Set([
  "-k", "-m", "-n", "-p", "-W", "-r", "--cov-report", "--cov-config", "--cov-fail-under", "--junitxml", "--junit-xml",
  "--durations", "--maxfail", "--rootdir", "--basetemp", "--tb", "--log-level", "--ignore", "--deselect", "--confcutdir",
  "--dist", "--reruns", "--timeout", "--import-mode", "--capture", "--html", "--cov-context", "--numprocesses", "--ds", "--dc",
]);

/** What a `pytest` run enforces. */
export function evaluatePytest(repo: Repo, inv: Invocation): RunOutcome {
  let explicitConfig: string | null = null;
  let base = inv.cwd;
  let overrideAddopts: ArgWord[] | null = null;
  let positionalSeen = false;
  for (let i = 0; i < inv.args.length; i++) {
    const t = inv.args[i]?.text ?? "";
    if (t === "--") break;
    if (t === "-c" || t === "--config-file") {
      explicitConfig = inv.args[i + 1]?.text ?? null;
      i++;
    } else if (t.startsWith("--config-file=")) explicitConfig = t.slice("--config-file=".length);
    else if (/^-c[^-]/.test(t)) explicitConfig = t.slice(2);
    else if ((t === "-o" || t === "--override-ini") && (inv.args[i + 1]?.text ?? "").startsWith("addopts=")) {
      const w = inv.args[i + 1];
      const split = shlexSplit((w?.text ?? "").slice("addopts=".length));
      overrideAddopts = split.ok && w ? split.words.map((text) => ({ text, dynamic: w.dynamic, where: w.where })) : [];
      i++;
    } else if (t.startsWith("-")) {
      if (PYTEST_VALUE_OPTIONS.has(t)) i++;
      else if (t === "--cov" && inv.args[i + 1] && !(inv.args[i + 1]?.text ?? "-").startsWith("-")) i++;
    } else if (!positionalSeen) {
      positionalSeen = true;
      const p = joinPath(inv.cwd, t.split("::")[0] ?? t);
      if (p !== null && repo.isDir(p)) base = p;
      else if (p !== null && repo.exists(p)) base = dirname(p);
    }
  }
  const cfg = pytestConfig(repo, base, explicitConfig);
  if (cfg.broken) {
    repo.report(cfg.broken);
    return outcome(inv, {});
  }
  const envAddopts = inv.env.get("PYTEST_ADDOPTS");
  const envWords: ArgWord[] = [];
  if (envAddopts) {
    const where = envAddopts.where ?? inv.command;
    if (envAddopts.value === undefined) envWords.push({ text: "$PYTEST_ADDOPTS", dynamic: true, where });
    else {
      const split = shlexSplit(envAddopts.value);
      if (split.ok) for (const text of split.words) envWords.push({ text, dynamic: false, where });
    }
  }
  const args = [...(overrideAddopts ?? cfg.addopts), ...envWords, ...inv.args];
  const cov = covOptions(args);
  const flag = cov.failUnder;

  if (cov.pluginOff && cov.firstCovArg) {
    // Verified with pytest 7.2 + pytest-cov 4.0: exit code 4, "unrecognized arguments: --cov=...".
    repo.report({
      kind: "broken",
      where: cov.pluginOff.where,
      what: cov.disabledBy ?? "-p no:cov",
      why: `with the pytest-cov plugin disabled, pytest does not know ${cov.firstCovArg.text} (${cov.firstCovArg.where.path}:${cov.firstCovArg.where.line}) and stops with "unrecognized arguments"`,
    });
    return outcome(inv, { replaced: cov.failUnder ? [flagGate(cov.failUnder, covFailUnderValue(cov.failUnder.text), "--cov-fail-under")] : [] });
  }
  if (!cov.active || cov.disabledBy) {
    if (flag === null) return outcome(inv, {});
    const why = cov.disabledBy ? `pytest runs with ${cov.disabledBy}, so pytest-cov does not measure coverage` : "pytest runs without --cov, so pytest-cov does not measure coverage or check --cov-fail-under";
    return outcome(inv, { disabled: [{ gate: flagGate(flag, covFailUnderValue(flag.text), "--cov-fail-under"), why, kind: "not-collected" }] });
  }

  const covCfg = coverageConfig(repo, inv.cwd, cov.covConfig, inv.env);
  if (covCfg.broken) {
    repo.report(covCfg.broken);
    return outcome(inv, {});
  }
  if (flag !== null) {
    if (flag.dynamic) return outcome(inv, { gates: [flagGate(flag, null, "--cov-fail-under")], replaced: covCfg.failUnder ? [covCfg.failUnder] : [] });
    const value = covFailUnderValue(flag.text);
    if (value === null || Number.isNaN(value)) {
      repo.report({ kind: "broken", where: flag.where, what: `--cov-fail-under=${flag.text}`, why: "pytest stops: an integer or float value is required" });
      return outcome(inv, {});
    }
    if (value > 100) {
      repo.report({
        kind: "broken",
        where: flag.where,
        what: `--cov-fail-under=${flag.text}`,
        why: "pytest-cov refuses values over 100 (\"Your desire for over-achievement is admirable but misplaced\")",
      });
      return outcome(inv, {});
    }
    const gate = flagGate(flag, value, "--cov-fail-under");
    if (value <= 0) {
      return outcome(inv, {
        disabled: covCfg.failUnder ? [{ gate: covCfg.failUnder, why: `--cov-fail-under=${flag.text} (${flag.where.path}:${flag.where.line}) replaces it with 0`, kind: "overridden" }] : [],
      });
    }
    return outcome(inv, { gates: [gate], replaced: covCfg.failUnder ? [covCfg.failUnder] : [] });
  }
  return outcome(inv, { gates: covCfg.failUnder ? [covCfg.failUnder] : [] });
}

/** What a `coverage report|html|xml|json|lcov` run enforces. */
export function evaluateCoverageReport(repo: Repo, inv: Invocation): RunOutcome {
  let rcfile: string | null = null;
  let flag: ArgWord | null = null;
  for (let i = 0; i < inv.args.length; i++) {
    const a = inv.args[i];
    if (!a) continue;
    if (a.text === "--rcfile") {
      rcfile = inv.args[i + 1]?.text ?? null;
      i++;
    } else if (a.text.startsWith("--rcfile=")) rcfile = a.text.slice("--rcfile=".length);
    else if (a.text === "--fail-under") {
      const v = inv.args[i + 1];
      if (v) flag = v;
      i++;
    } else if (a.text.startsWith("--fail-under=")) flag = { ...a, text: a.text.slice("--fail-under=".length) };
  }
  const cfg = coverageConfig(repo, inv.cwd, rcfile, inv.env);
  if (cfg.broken) {
    repo.report(cfg.broken);
    return outcome(inv, {});
  }
  if (flag) {
    const value = flag.dynamic ? null : pyFloat(flag.text);
    if (!flag.dynamic && (value === null || Number.isNaN(value))) {
      repo.report({ kind: "broken", where: flag.where, what: `--fail-under=${flag.text}`, why: "coverage stops: the value is not a number" });
      return outcome(inv, {});
    }
    const gate: Gate = {
      tool: "coverage.py",
      value,
      ...(flag.dynamic ? { dynamic: `--fail-under=${flag.text} is set at run time` } : {}),
      metric: "total",
      scope: "global",
      setting: `--fail-under=${flag.text}`,
      where: flag.where,
    };
    const broken = rangeProblem(value, flag.where, gate.setting);
    if (broken) {
      repo.report(broken);
      return outcome(inv, {});
    }
    if (value !== null && value <= 0) {
      return outcome(inv, { disabled: cfg.failUnder ? [{ gate: cfg.failUnder, why: `--fail-under=${flag.text} (${flag.where.path}:${flag.where.line}) replaces it with 0`, kind: "overridden" }] : [] });
    }
    return outcome(inv, { gates: [gate], replaced: cfg.failUnder ? [cfg.failUnder] : [] });
  }
  return outcome(inv, { gates: cfg.failUnder ? [cfg.failUnder] : [] });
}

// ---------------------------------------------------------------------------------------------
// Inventory: what the files configure, whether or not CI runs it

export interface PythonInventory {
  readonly gates: readonly Gate[];
}

const PY_CONFIG_NAMES = new Set([".coveragerc", "setup.cfg", "tox.ini", "pyproject.toml", "pytest.ini", ".pytest.ini"]);

export function pythonInventory(repo: Repo): PythonInventory {
  const dirs = new Set<string>();
  for (const p of repo.allPaths) if (PY_CONFIG_NAMES.has(basename(p)) && !NOT_PROJECT.test(p)) dirs.add(dirname(p));
  const gates: Gate[] = [];
  const noEnv: Env = new Map();
  for (const dir of [...dirs].sort()) {
    // coverage.py, as it would run from this directory
    const cov = coverageConfig(repo, dir, null, noEnv);
    if (cov.broken) repo.report(cov.broken);
    else if (cov.failUnder) gates.push(cov.failUnder);
    for (const s of cov.shadowed) repo.report(s);
    deadCoverageSettings(repo, dir);

    // pytest, as it would run from this directory (only this directory's files)
    let chosen: PytestCandidate | null = null;
    for (const name of PYTEST_FILES) {
      const path = inDir(dir, name);
      if (!repo.exists(path)) continue;
      const c = pytestCandidate(repo, path);
      if (!c.config) continue;
      if (chosen === null) {
        chosen = c;
        if (c.config.broken) repo.report(c.config.broken);
        const g = lastFailUnder(c.config.addopts);
        if (g) {
          const v = g.dynamic ? null : covFailUnderValue(g.text);
          if (!g.dynamic && (v === null || v > 100)) {
            repo.report({ kind: "broken", where: g.where, what: `--cov-fail-under=${g.text}`, why: v === null ? "pytest stops: an integer or float value is required" : "pytest-cov refuses values over 100" });
          } else if (v === null || v > 0) gates.push(flagGate(g, v, "--cov-fail-under"));
        }
      } else {
        const g = lastFailUnder(c.config.addopts);
        if (g) {
          repo.report({
            kind: "shadowed",
            where: g.where,
            what: `--cov-fail-under=${g.text} in addopts`,
            by: { path: chosen.path, line: 1 },
            why: `pytest reads only the first config file it finds, and ${chosen.path} comes first${chosen.config?.addopts.length ? "" : " (even an empty one counts)"}`,
          });
        }
      }
    }
  }
  return { gates };
}

function lastFailUnder(words: readonly ArgWord[]): ArgWord | null {
  let found: ArgWord | null = null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w) continue;
    if (w.text === "--cov-fail-under" && words[i + 1]) found = words[i + 1] ?? null;
    else if (w.text.startsWith("--cov-fail-under=")) found = { ...w, text: w.text.slice("--cov-fail-under=".length) };
  }
  return found;
}

/** fail_under written where coverage.py never looks. */
function deadCoverageSettings(repo: Repo, dir: string): void {
  for (const name of ["pytest.ini", ".pytest.ini"]) {
    const path = inDir(dir, name);
    if (!repo.exists(path)) continue;
    const ini = repo.ini(path);
    for (const s of ini?.sections ?? []) {
      const e = s.entries.get("fail_under");
      if (e && (s.name.startsWith("coverage:") || s.name === "report")) {
        repo.report({ kind: "dead", where: { path, line: e.line }, what: `[${s.name}] fail_under`, why: `coverage.py never reads ${name}` });
      }
    }
  }
  for (const name of ["setup.cfg", "tox.ini"]) {
    const path = inDir(dir, name);
    if (!repo.exists(path)) continue;
    const ini = repo.ini(path);
    const e = ini ? iniSection(ini, "report")?.entries.get("fail_under") : undefined;
    if (e) repo.report({ kind: "dead", where: { path, line: e.line }, what: "[report] fail_under", why: `coverage.py reads only [coverage:report] in ${name}` });
    for (const s of ini?.sections ?? []) {
      const f = s.entries.get("fail_under");
      if (f && s.name.startsWith("coverage:") && s.name !== "coverage:report") {
        repo.report({ kind: "dead", where: { path, line: f.line }, what: `[${s.name}] fail_under`, why: "coverage.py reads fail_under only from [coverage:report]" });
      }
    }
  }
  const rc = inDir(dir, ".coveragerc");
  if (repo.exists(rc)) {
    const ini = repo.ini(rc);
    for (const s of ini?.sections ?? []) {
      const f = s.entries.get("fail_under");
      if (f && s.name !== "report" && s.name !== "coverage:report" && s.name !== "DEFAULT") {
        repo.report({ kind: "dead", where: { path: rc, line: f.line }, what: `[${s.name}] fail_under`, why: "coverage.py reads fail_under only from [report]" });
      }
    }
  }
  const pyproject = inDir(dir, "pyproject.toml");
  if (repo.exists(pyproject)) {
    const toml = repo.toml(pyproject);
    if (toml?.ok) {
      const cov = asTable(asTable(toml.value["tool"])?.["coverage"]);
      for (const [section, table] of Object.entries(cov ?? {})) {
        if (section === "fail_under") {
          repo.report({ kind: "dead", where: { path: pyproject, line: repo.tomlLine(pyproject, ["tool", "coverage", "fail_under"]) }, what: "[tool.coverage] fail_under", why: "coverage.py reads fail_under only from [tool.coverage.report]" });
        } else if (section !== "report" && asTable(table)?.["fail_under"] !== undefined) {
          repo.report({
            kind: "dead",
            where: { path: pyproject, line: repo.tomlLine(pyproject, ["tool", "coverage", section, "fail_under"]) },
            what: `[tool.coverage.${section}] fail_under`,
            why: "coverage.py reads fail_under only from [tool.coverage.report]",
          });
        }
      }
    }
  }
}
