/**
 * Codecov (an external status), cargo-tarpaulin and cargo-llvm-cov (Rust), JaCoCo through Maven,
 * and the server-side gates that only leave a trace (Sonar, Coveralls).
 */
import type { Gate, Invocation, Metric, RunOutcome, External, Where } from "./model.js";
import { basename, inDir, joinPath, yamlPathLine, type Repo } from "./repo.js";
import { NOT_PROJECT } from "./javascript.js";
import { child, children, descendants, parseXml, type XmlElement } from "./xml.js";

// ---------------------------------------------------------------------------------------------
// Codecov

const CODECOV_NAMES = ["codecov.yml", ".codecov.yml", "codecov.yaml", ".codecov.yaml"];
export const CODECOV_FILES = ["", ".github/", "dev/"].flatMap((d) => CODECOV_NAMES.map((n) => d + n));

function asMap(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function codecovTarget(raw: unknown): number | "auto" | null {
  if (raw === undefined || raw === null || raw === "auto") return "auto";
  if (typeof raw === "number") return raw;
  if (typeof raw === "string") {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(raw);
    if (m) return Number(m[1]);
  }
  return null;
}

export function codecovExternals(repo: Repo): External[] {
  const out: External[] = [];
  for (const path of CODECOV_FILES) {
    if (!repo.exists(path)) continue;
    const parsed = repo.yaml(path);
    if (!parsed) continue;
    if (!parsed.ok) {
      repo.report({ kind: "broken", where: { path, line: parsed.line }, what: "Codecov config", why: `the file is not valid YAML (${parsed.error}), so Codecov ignores it` });
      continue;
    }
    const project = asMap(asMap(asMap(parsed.value.value)?.["coverage"])?.["status"])?.["project"];
    const keys = ["coverage", "status", "project"];
    if (project === undefined || project === false || project === "off") continue;
    if (project === true || project === "on" || project === null) {
      out.push({ service: "codecov", target: "auto", informational: false, where: { path, line: yamlPathLine(parsed.value, keys) }, setting: "coverage.status.project: on (target auto)" });
      continue;
    }
    for (const [name, raw] of Object.entries(asMap(project) ?? {})) {
      if (raw === false || raw === "off") continue;
      const cfg = asMap(raw) ?? {};
      const target = codecovTarget(cfg["target"]);
      const hasTarget = cfg["target"] !== undefined;
      const line = yamlPathLine(parsed.value, hasTarget ? [...keys, name, "target"] : [...keys, name]);
      const informational = cfg["informational"] === true;
      out.push({
        service: "codecov",
        target,
        informational,
        where: { path, line },
        setting: `coverage.status.project.${name}.target: ${hasTarget ? String(cfg["target"]) : "auto"}`,
      });
    }
  }
  return out;
}

export function serverSideExternals(repo: Repo): External[] {
  const out: External[] = [];
  for (const p of repo.allPaths) {
    const name = basename(p);
    if (name === "sonar-project.properties") out.push({ service: "sonar", target: null, informational: false, where: { path: p, line: 1 }, setting: "sonar-project.properties" });
    if (name === ".coveralls.yml") out.push({ service: "coveralls", target: null, informational: false, where: { path: p, line: 1 }, setting: ".coveralls.yml" });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rust

const TARPAULIN_FILES = ["tarpaulin.toml", ".tarpaulin.toml"];

function tarpaulinFileGates(repo: Repo, path: string): Gate[] {
  const toml = repo.toml(path);
  if (!toml) return [];
  if (!toml.ok) {
    repo.report({ kind: "broken", where: { path, line: toml.line }, what: "tarpaulin config", why: `cargo tarpaulin cannot read it: ${toml.error}` });
    return [];
  }
  const gates: Gate[] = [];
  for (const [table, value] of Object.entries(toml.value)) {
    const cfg = asMap(value);
    if (!cfg || table === "report") continue;
    const raw = cfg["fail-under"];
    if (raw === undefined) continue;
    const where: Where = { path, line: repo.tomlLine(path, [table, "fail-under"]) };
    if (typeof raw !== "number") {
      repo.report({ kind: "broken", where, what: "fail-under", why: "cargo tarpaulin expects a number for fail-under" });
      continue;
    }
    if (cfg["fail_under"] !== undefined) {
      repo.report({ kind: "dead", where: { path, line: repo.tomlLine(path, [table, "fail_under"]) }, what: "fail_under", why: "tarpaulin's key is fail-under (with a dash)" });
    }
    if (raw > 0) gates.push({ tool: "tarpaulin", value: raw, metric: "lines", scope: "global", setting: `[${table}] fail-under = ${raw}`, where });
  }
  for (const [table, value] of Object.entries(toml.value)) {
    const cfg = asMap(value);
    if (cfg && cfg["fail_under"] !== undefined && cfg["fail-under"] === undefined) {
      repo.report({ kind: "dead", where: { path, line: repo.tomlLine(path, [table, "fail_under"]) }, what: `[${table}] fail_under`, why: "tarpaulin's key is fail-under (with a dash); fail_under is ignored" });
    }
  }
  return gates;
}

export function evaluateTarpaulin(repo: Repo, inv: Invocation): RunOutcome {
  const base = { ci: inv.ci, command: inv.command, runner: inv.runner, neutralised: inv.neutralised };
  let ignoreConfig = false;
  let config: string | null = inv.env.get("CARGO_TARPAULIN_CONFIG_FILE")?.value ?? null;
  let flag: { text: string; dynamic: boolean; where: Where } | null = null;
  for (let i = 0; i < inv.args.length; i++) {
    const a = inv.args[i];
    if (!a) continue;
    if (a.text === "--ignore-config") ignoreConfig = true;
    else if (a.text === "--config") config = inv.args[++i]?.text ?? null;
    else if (a.text.startsWith("--config=")) config = a.text.slice(9);
    else if (a.text === "--fail-under") {
      const v = inv.args[++i];
      if (v) flag = v;
    } else if (a.text.startsWith("--fail-under=")) flag = { ...a, text: a.text.slice(13) };
  }
  let configured: Gate[] = [];
  if (!ignoreConfig) {
    const path = config !== null ? joinPath(inv.cwd, config) : ([inv.cwd, ""].flatMap((d) => TARPAULIN_FILES.map((n) => inDir(d, n))).find((p) => repo.exists(p)) ?? null);
    if (path !== null) configured = tarpaulinFileGates(repo, path);
  }
  if (flag) {
    const n = Number(flag.text);
    const gate: Gate = flag.dynamic || Number.isNaN(n)
      ? { tool: "tarpaulin", value: null, dynamic: `--fail-under ${flag.text} is set at run time`, metric: "lines", scope: "global", setting: `--fail-under ${flag.text}`, where: flag.where }
      : { tool: "tarpaulin", value: n, metric: "lines", scope: "global", setting: `--fail-under ${flag.text}`, where: flag.where };
    if (gate.value === 0) return { ...base, gates: [], disabled: configured.map((g) => ({ gate: g, why: `--fail-under 0 replaces it`, kind: "overridden" as const })), replaced: [] };
    return { ...base, gates: [gate], disabled: [], replaced: configured };
  }
  return { ...base, gates: configured, disabled: [], replaced: [] };
}

export function evaluateLlvmCov(inv: Invocation): RunOutcome {
  const gates: Gate[] = [];
  const metrics: Record<string, Metric> = { "--fail-under-lines": "lines", "--fail-under-functions": "functions", "--fail-under-regions": "regions" };
  for (let i = 0; i < inv.args.length; i++) {
    const a = inv.args[i];
    if (!a) continue;
    const [flag, inline] = a.text.includes("=") ? [a.text.slice(0, a.text.indexOf("=")), a.text.slice(a.text.indexOf("=") + 1)] : [a.text, null];
    const metric = metrics[flag];
    if (!metric) continue;
    const v = inline !== null ? { ...a, text: inline } : inv.args[++i];
    if (!v) continue;
    const n = Number(v.text);
    gates.push(
      v.dynamic || Number.isNaN(n)
        ? { tool: "cargo-llvm-cov", value: null, dynamic: `${flag} ${v.text} is set at run time`, metric, scope: "global", setting: `${flag} ${v.text}`, where: v.where }
        : { tool: "cargo-llvm-cov", value: n, metric, scope: "global", setting: `${flag} ${v.text}`, where: v.where },
    );
  }
  return { ci: inv.ci, command: inv.command, runner: inv.runner, neutralised: inv.neutralised, gates, disabled: [], replaced: [] };
}

export function rustInventory(repo: Repo): Gate[] {
  return repo.allPaths.filter((p) => TARPAULIN_FILES.includes(basename(p)) && !NOT_PROJECT.test(p)).flatMap((p) => tarpaulinFileGates(repo, p));
}

// ---------------------------------------------------------------------------------------------
// JaCoCo through Maven

const LIFECYCLE = ["validate", "initialize", "generate-sources", "process-sources", "generate-resources", "process-resources", "compile", "process-classes", "generate-test-sources", "process-test-sources", "generate-test-resources", "process-test-resources", "test-compile", "process-test-classes", "test", "prepare-package", "package", "pre-integration-test", "integration-test", "post-integration-test", "verify", "install", "deploy"];

const COUNTERS: Record<string, Metric> = { LINE: "lines", INSTRUCTION: "instructions", BRANCH: "branches", METHOD: "methods", CLASS: "classes", COMPLEXITY: "complexity" };

interface JacocoGate {
  readonly gate: Gate;
  /** The lifecycle phase the check runs in. */
  readonly phase: string;
  /** Set when the POM itself switches the check off. */
  readonly off: string | null;
}

const pomCache = new WeakMap<Repo, Map<string, JacocoGate[]>>();

function pomGates(repo: Repo, path: string): JacocoGate[] {
  let cache = pomCache.get(repo);
  if (!cache) {
    cache = new Map();
    pomCache.set(repo, cache);
  }
  const hit = cache.get(path);
  if (hit) return hit;
  const gates = readPom(repo, path);
  cache.set(path, gates);
  return gates;
}

function readPom(repo: Repo, path: string): JacocoGate[] {
  const text = repo.text(path);
  if (text === undefined) return [];
  const xml = parseXml(text);
  if (!xml.ok) {
    repo.report({ kind: "unparsable", where: { path, line: xml.line }, why: `pom.xml is not well-formed XML (${xml.error})` });
    return [];
  }
  const props = new Map<string, string>();
  for (const p of child(xml.root, "properties")?.children ?? []) props.set(p.name, p.text);
  const resolve = (s: string) => s.replace(/\$\{([^}]+)\}/g, (m, name: string) => props.get(name) ?? m);
  const out: JacocoGate[] = [];
  for (const plugin of descendants(xml.root, "plugin")) {
    if (child(plugin, "artifactId")?.text !== "jacoco-maven-plugin") continue;
    const pluginConfig = child(plugin, "configuration");
    for (const execution of children(child(plugin, "executions"), "execution")) {
      const goals = children(child(execution, "goals"), "goal").map((g) => g.text);
      if (!goals.includes("check")) continue;
      const phase = child(execution, "phase")?.text || "verify";
      const config = child(execution, "configuration") ?? pluginConfig;
      const halt = resolve(child(config, "haltOnFailure")?.text ?? child(pluginConfig, "haltOnFailure")?.text ?? "true");
      const skip = resolve(child(config, "skip")?.text ?? child(pluginConfig, "skip")?.text ?? "false");
      const off = halt === "false" ? "haltOnFailure is false" : skip === "true" ? "skip is true" : null;
      for (const rule of children(child(config, "rules"), "rule")) {
        const element = child(rule, "element")?.text || "BUNDLE";
        for (const limit of children(child(rule, "limits"), "limit")) {
          const g = jacocoLimit(repo, path, limit, element, resolve);
          if (g) out.push({ gate: g, phase, off });
        }
      }
    }
  }
  return out;
}

function jacocoLimit(repo: Repo, path: string, limit: XmlElement, element: string, resolve: (s: string) => string): Gate | null {
  const counter = (child(limit, "counter")?.text || "INSTRUCTION").toUpperCase();
  const valueKind = (child(limit, "value")?.text || "COVEREDRATIO").toUpperCase();
  const minEl = child(limit, "minimum");
  const maxEl = child(limit, "maximum");
  const el = valueKind === "MISSEDRATIO" || valueKind === "MISSEDCOUNT" ? maxEl : minEl;
  if (!el) return null;
  const raw = resolve(el.text);
  const where: Where = { path, line: el.line };
  const metric = COUNTERS[counter] ?? "instructions";
  const scope: Gate["scope"] = element === "BUNDLE" ? "global" : "per-file";
  const setting = `<${el.name}>${el.text}</${el.name}> (${counter} ${valueKind}, ${element})`;
  if (/\$\{/.test(raw)) return { tool: "jacoco", value: null, dynamic: `${el.text} is a Maven property set at build time`, metric, scope, setting, where };
  if (valueKind === "COVEREDCOUNT" || valueKind === "MISSEDCOUNT" || valueKind === "TOTALCOUNT") {
    return { tool: "jacoco", value: Number(raw), count: true, metric, scope, setting, where };
  }
  if (!/^\s*\d+(\.\d+)?\s*$/.test(raw)) {
    return { tool: "jacoco", value: null, dynamic: `phase-gate cannot confirm how JaCoCo reads '${raw}' (a ratio such as 0.80 is expected)`, metric, scope, setting, where };
  }
  const n = Number(raw);
  if (n > 1) {
    repo.report({ kind: "broken", where, what: setting, why: `JaCoCo ratios run from 0 to 1, so ${raw} can never be met; write ${(n / 100).toFixed(2)} for ${n} %` });
    return null;
  }
  const pct = valueKind === "MISSEDRATIO" ? (1 - n) * 100 : n * 100;
  return { tool: "jacoco", value: Math.round(pct * 1000) / 1000, metric, scope, setting, where };
}

export function evaluateMaven(repo: Repo, inv: Invocation): RunOutcome {
  const base = { ci: inv.ci, command: inv.command, runner: inv.runner, neutralised: inv.neutralised, replaced: [] as Gate[] };
  const words = inv.args.map((a) => a.text);
  const props = new Map<string, string>();
  let reached = -1;
  let explicitCheck = false;
  for (const w of words) {
    const m = /^-D([^=]+)(?:=(.*))?$/.exec(w);
    if (m) props.set(m[1] ?? "", m[2] ?? "true");
    else if (LIFECYCLE.includes(w)) reached = Math.max(reached, LIFECYCLE.indexOf(w));
    else if (/(^|:)jacoco(-maven-plugin)?(:[^:]+)?:check$/.test(w)) explicitCheck = true;
  }
  const poms = repo.allPaths.filter((p) => basename(p) === "pom.xml" && (inv.cwd === "" || p.startsWith(`${inv.cwd}/`)));
  const gates: Gate[] = [];
  const disabled: RunOutcome["disabled"][number][] = [];
  const skipped = props.get("jacoco.skip") === "true" ? "-Djacoco.skip=true" : props.get("jacoco.haltOnFailure") === "false" ? "-Djacoco.haltOnFailure=false" : props.get("skipTests") === "true" || props.get("maven.test.skip") === "true" ? "tests are skipped, so JaCoCo has no execution data and skips the check" : null;
  for (const pom of poms) {
    for (const j of pomGates(repo, pom)) {
      const runs = explicitCheck || reached >= LIFECYCLE.indexOf(j.phase);
      if (!runs) continue;
      if (j.off) disabled.push({ gate: j.gate, why: `the jacoco check execution has ${j.off}`, kind: "not-collected" });
      else if (skipped) disabled.push({ gate: j.gate, why: `maven runs with ${skipped}`, kind: "not-collected" });
      else gates.push(j.gate);
    }
  }
  return { ...base, gates, disabled };
}

export function jvmInventory(repo: Repo): Gate[] {
  const gates: Gate[] = [];
  for (const p of repo.allPaths) {
    if (basename(p) !== "pom.xml" || NOT_PROJECT.test(p)) continue;
    for (const j of pomGates(repo, p)) {
      if (j.off) repo.report({ kind: "dead", where: j.gate.where, what: j.gate.setting, why: `the jacoco check execution has ${j.off}, so the rule never fails the build` });
      else gates.push(j.gate);
    }
  }
  return gates;
}
