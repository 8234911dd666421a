/**
 * From CI to coverage-tool runs: GitHub Actions workflows (with local composite actions and
 * reusable workflows) and GitLab CI give shell scripts; those are followed into npm/yarn/pnpm
 * scripts, Makefile targets, tox environments and local shell scripts (a few levels deep) until a
 * coverage tool is invoked. Each run keeps what would stop its failure from failing CI.
 */
import { isScalar, type Node as YamlNode } from "yaml";
import type { ArgWord, Env, EnvValue, External, InvokedTool, Invocation, Neutraliser, Where } from "./model.js";
import { ancestors, basename, dirname, inDir, joinPath, yamlNode, yamlPathLine, type Repo, type YamlFile } from "./repo.js";
import { compileGlob, GlobError } from "../../src/check/glob.js";
import { iniSection, iniValue } from "../../src/parsers/ini.js";
import { parseShell, walkShell, type Lookup, type ShellState, type SimpleCommand, type Word } from "./shell.js";

/** A piece of shell to follow. */
interface Unit {
  readonly text: string;
  readonly path: string;
  /** File line of line `n` (1-based) of `text`. */
  readonly lineOf: (n: number) => number;
  readonly cwd: string;
  readonly env: Env;
  readonly state: ShellState;
  readonly upstream: Neutraliser | null;
  readonly ci: Where;
  readonly depth: number;
  readonly runner: readonly string[];
  /** Extra GitHub expression values (`env.X`) for this unit. */
  readonly expr?: (e: string) => string | undefined;
}

export interface CiScan {
  readonly invocations: Invocation[];
  readonly externals: External[];
  /** True when at least one CI definition was found (even if it runs nothing relevant). */
  readonly hasCi: boolean;
}

const MAX_DEPTH = 4;
const TRIGGERS = new Set(["push", "pull_request", "pull_request_target", "merge_group"]);

export function scanCi(repo: Repo): CiScan {
  const scan = new Scanner(repo);
  scan.github();
  scan.gitlab();
  return { invocations: scan.invocations, externals: scan.externals, hasCi: scan.hasCi };
}

function asMap(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function isFalseIf(v: unknown): boolean {
  if (v === false) return true;
  if (typeof v !== "string") return false;
  const s = v.trim().replace(/^\$\{\{\s*/, "").replace(/\s*\}\}$/, "");
  return s === "false";
}

function isTrue(v: unknown): boolean {
  return v === true || v === "true";
}

function envFrom(base: Env, v: unknown, where: (key: string) => Where): Map<string, EnvValue> {
  const out = new Map(base);
  const m = asMap(v);
  if (!m) return out;
  for (const [k, raw] of Object.entries(m)) {
    const value = typeof raw === "string" ? (raw.includes("${{") ? undefined : raw) : typeof raw === "number" || typeof raw === "boolean" ? String(raw) : undefined;
    out.set(k, { value, where: where(k) });
  }
  return out;
}

/** The shell state a GitHub `shell:` value starts a step with. */
function githubShell(shell: unknown): ShellState | null {
  if (shell === undefined || shell === null) return { errexit: true, pipefail: false };
  if (typeof shell !== "string") return { errexit: true, pipefail: false };
  const s = shell.trim();
  if (s === "bash") return { errexit: true, pipefail: true };
  if (s === "sh") return { errexit: true, pipefail: false };
  if (s === "pwsh" || s === "powershell" || s === "cmd") return { errexit: false, pipefail: false };
  if (s === "python") return null;
  if (!/^(ba|z|da|k)?sh\b/.test(basename(s.split(/\s+/)[0] ?? ""))) return null;
  const words = s.split(/\s+/);
  let errexit = false;
  let pipefail = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? "";
    if (/^-[a-z]*e[a-z]*$/.test(w)) errexit = true;
    if (/^-[a-z]*o$/.test(w) && words[i + 1] === "pipefail") pipefail = true;
  }
  return { errexit, pipefail };
}

class Scanner {
  readonly invocations: Invocation[] = [];
  readonly externals: External[] = [];
  hasCi = false;
  private readonly seen = new Set<string>();

  constructor(private readonly repo: Repo) {}

  // -------------------------------------------------------------------------------------------
  // GitHub Actions

  github(): void {
    const workflows = this.repo.allPaths.filter((p) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(p));
    const called = new Set<string>();
    const done = new Set<string>();
    const queue: { path: string; forced: boolean }[] = workflows.map((path) => ({ path, forced: false }));
    while (queue.length > 0) {
      const item = queue.shift();
      if (!item) break;
      const key = `${item.path}|${item.forced}`;
      if (done.has(key) || done.has(`${item.path}|true`)) continue;
      done.add(key);
      const parsed = this.repo.yaml(item.path);
      if (!parsed) continue;
      this.hasCi = true;
      if (!parsed.ok) {
        this.repo.report({ kind: "unparsable", where: { path: item.path, line: parsed.line }, why: `the workflow is not valid YAML (${parsed.error}); GitHub will not run it` });
        continue;
      }
      const wf = asMap(parsed.value.value);
      if (!wf) continue;
      const on = wf["on"] ?? wf["true"];
      const events = typeof on === "string" ? [on] : Array.isArray(on) ? on.map(String) : Object.keys(asMap(on) ?? {});
      const triggered = item.forced || events.some((e) => TRIGGERS.has(e));
      if (!triggered) continue;
      for (const target of this.workflowJobs(item.path, parsed.value, wf)) {
        if (!called.has(target)) {
          called.add(target);
          queue.push({ path: target, forced: true });
        }
      }
    }
  }

  /** Runs a workflow's jobs; returns the local reusable workflows it calls. */
  private workflowJobs(path: string, file: YamlFile, wf: Record<string, unknown>): string[] {
    const calls: string[] = [];
    const jobs = asMap(wf["jobs"]) ?? {};
    const wfEnv = envFrom(new Map(), wf["env"], (k) => ({ path, line: yamlPathLine(file, ["env", k]) }));
    const wfDefaults = asMap(asMap(wf["defaults"])?.["run"]);
    for (const [jobId, rawJob] of Object.entries(jobs)) {
      const job = asMap(rawJob);
      if (!job || isFalseIf(job["if"])) continue;
      if (typeof job["uses"] === "string") {
        const target = /^\.\/(.+\.ya?ml)(@.*)?$/.exec(job["uses"]);
        if (target?.[1]) calls.push(target[1]);
        continue;
      }
      const jobEnv = envFrom(wfEnv, job["env"], (k) => ({ path, line: yamlPathLine(file, ["jobs", jobId, "env", k]) }));
      const jobDefaults = asMap(asMap(job["defaults"])?.["run"]);
      const jobNeutraliser: Neutraliser | null = isTrue(job["continue-on-error"])
        ? { reason: `job '${jobId}' has continue-on-error: true`, where: { path, line: yamlPathLine(file, ["jobs", jobId, "continue-on-error"]) } }
        : null;
      const steps = Array.isArray(job["steps"]) ? job["steps"] : [];
      steps.forEach((rawStep, i) => {
        const step = asMap(rawStep);
        if (!step || isFalseIf(step["if"])) return;
        const keys = ["jobs", jobId, "steps", i];
        const stepNeutraliser: Neutraliser | null =
          jobNeutraliser ??
          (isTrue(step["continue-on-error"]) ? { reason: "the step has continue-on-error: true", where: { path, line: yamlPathLine(file, [...keys, "continue-on-error"]) } } : null);
        const env = envFrom(jobEnv, step["env"], (k) => ({ path, line: yamlPathLine(file, [...keys, "env", k]) }));
        if (typeof step["run"] === "string") {
          const shell = githubShell(step["shell"] ?? jobDefaults?.["shell"] ?? wfDefaults?.["shell"]);
          if (!shell) return;
          const wd = step["working-directory"] ?? jobDefaults?.["working-directory"] ?? wfDefaults?.["working-directory"];
          this.runBlock(file, path, [...keys, "run"], step["run"], {
            cwd: typeof wd === "string" && !wd.includes("${{") ? (joinPath("", wd) ?? "") : "",
            env,
            state: shell,
            upstream: stepNeutraliser,
          });
        } else if (typeof step["uses"] === "string") {
          this.uses(path, file, keys, step, env, stepNeutraliser, 0);
        }
      });
    }
    return calls;
  }

  private runBlock(file: YamlFile, path: string, keys: readonly (string | number)[], text: string, o: { cwd: string; env: Env; state: ShellState; upstream: Neutraliser | null }): void {
    const node = yamlNode(file, keys);
    const start = node ? file.lineOf(node) : 1;
    const block = isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED");
    const first = block ? start + 1 : start;
    const folded = isScalar(node) && node.type === "BLOCK_FOLDED";
    const env = o.env;
    this.runUnit({
      text,
      path,
      lineOf: (n) => (folded ? first : first + n - 1),
      cwd: o.cwd,
      env,
      state: o.state,
      upstream: o.upstream,
      ci: { path, line: start },
      depth: 0,
      runner: [],
      expr: (e) => {
        const m = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(e);
        return m ? env.get(m[1] ?? "")?.value : undefined;
      },
    });
  }

  private uses(path: string, file: YamlFile, keys: readonly (string | number)[], step: Record<string, unknown>, env: Env, upstream: Neutraliser | null, depth: number): void {
    const uses = String(step["uses"]);
    const at: Where = { path, line: yamlPathLine(file, [...keys, "uses"]) };
    const withs = asMap(step["with"]) ?? {};
    if (/^actions-rs\/tarpaulin@/.test(uses)) {
      const argsText = typeof withs["args"] === "string" ? withs["args"] : "";
      const argsAt: Where = { path, line: yamlPathLine(file, [...keys, "with", "args"]) };
      const words = this.words(argsText, env);
      this.invocations.push({
        tool: "tarpaulin",
        sub: null,
        args: words.map((w) => ({ text: w.text, dynamic: w.dynamic, where: argsAt })),
        cwd: "",
        env,
        command: at,
        ci: at,
        runner: "actions-rs/tarpaulin",
        neutralised: upstream,
      });
      return;
    }
    if (/^coverallsapp\/github-action@/i.test(uses)) {
      this.externals.push({ service: "coveralls", target: null, informational: false, where: at, setting: uses });
      return;
    }
    if (/^sonarsource\/(sonarcloud-github-action|sonarqube-scan-action)@/i.test(uses)) {
      this.externals.push({ service: "sonar", target: null, informational: false, where: at, setting: uses });
      return;
    }
    const local = /^\.\/(.*?)\/?$/.exec(uses);
    if (!local || depth >= 2) return;
    const dir = joinPath("", local[1] ?? "");
    if (dir === null) return;
    const actionPath = [inDir(dir, "action.yml"), inDir(dir, "action.yaml")].find((p) => this.repo.exists(p));
    if (!actionPath) return;
    const parsed = this.repo.yaml(actionPath);
    if (!parsed || !parsed.ok) {
      if (parsed && !parsed.ok) this.repo.report({ kind: "unparsable", where: { path: actionPath, line: parsed.line }, why: `the action is not valid YAML (${parsed.error})` });
      return;
    }
    const runs = asMap(asMap(parsed.value.value)?.["runs"]);
    if (runs?.["using"] !== "composite") return;
    const steps = Array.isArray(runs["steps"]) ? runs["steps"] : [];
    steps.forEach((raw, i) => {
      const s = asMap(raw);
      if (!s || isFalseIf(s["if"])) return;
      const innerKeys = ["runs", "steps", i];
      const innerEnv = envFrom(env, s["env"], (k) => ({ path: actionPath, line: yamlPathLine(parsed.value, [...innerKeys, "env", k]) }));
      const neutraliser = upstream ?? (isTrue(s["continue-on-error"]) ? { reason: "the action step has continue-on-error: true", where: { path: actionPath, line: yamlPathLine(parsed.value, [...innerKeys, "continue-on-error"]) } } : null);
      if (typeof s["run"] === "string") {
        const shell = githubShell(s["shell"]);
        if (!shell) return;
        const wd = s["working-directory"];
        this.runBlock(parsed.value, actionPath, [...innerKeys, "run"], s["run"], {
          cwd: typeof wd === "string" && !wd.includes("${{") ? (joinPath("", wd) ?? "") : "",
          env: innerEnv,
          state: shell,
          upstream: neutraliser,
        });
      } else if (typeof s["uses"] === "string") this.uses(actionPath, parsed.value, innerKeys, s, innerEnv, neutraliser, depth + 1);
    });
  }

  // -------------------------------------------------------------------------------------------
  // GitLab CI

  gitlab(): void {
    const path = ".gitlab-ci.yml";
    if (!this.repo.exists(path)) return;
    const parsed = this.repo.yaml(path);
    if (!parsed) return;
    this.hasCi = true;
    if (!parsed.ok) {
      this.repo.report({ kind: "unparsable", where: { path, line: parsed.line }, why: `the pipeline is not valid YAML (${parsed.error})` });
      return;
    }
    const file = parsed.value;
    const root = asMap(file.value) ?? {};
    const reserved = new Set(["stages", "variables", "default", "include", "workflow", "image", "services", "before_script", "after_script", "cache", "pages"]);
    const topEnv = envFrom(new Map(), root["variables"], (k) => ({ path, line: yamlPathLine(file, ["variables", k]) }));
    const defaults = asMap(root["default"]) ?? {};
    const resolve = (name: string, seen: Set<string>): Record<string, unknown> => {
      const job = asMap(root[name]) ?? {};
      const ext = job["extends"];
      const bases = typeof ext === "string" ? [ext] : Array.isArray(ext) ? ext.map(String) : [];
      let merged: Record<string, unknown> = {};
      for (const b of bases) {
        if (seen.has(b)) continue;
        seen.add(b);
        merged = { ...merged, ...resolve(b, seen) };
      }
      return { ...merged, ...job };
    };
    for (const name of Object.keys(root)) {
      if (reserved.has(name) || name.startsWith(".")) continue;
      const job = resolve(name, new Set([name]));
      if (!("script" in job)) continue;
      if (job["when"] === "manual" || job["when"] === "never") continue;
      const env = envFrom(topEnv, job["variables"], (k) => ({ path, line: yamlPathLine(file, [name, "variables", k]) }));
      const neutraliser: Neutraliser | null =
        job["allow_failure"] === true ? { reason: `job '${name}' has allow_failure: true`, where: { path, line: yamlPathLine(file, [name, "allow_failure"]) } } : null;
      const before = job["before_script"] ?? defaults["before_script"] ?? root["before_script"];
      const items: { text: string; line: number }[] = [];
      const collect = (v: unknown, keys: (string | number)[]) => {
        if (typeof v === "string") items.push({ text: v, line: yamlPathLine(file, keys) });
        else if (Array.isArray(v)) v.forEach((x, i) => collect(x, [...keys, i]));
      };
      collect(before, "before_script" in job ? [name, "before_script"] : ["before_script"]);
      collect(job["script"], [name, "script"]);
      // GitLab runs the items in one shell that stops at the first failing item.
      const text = items.map((it) => it.text).join("\n");
      const lineMap: number[] = [];
      for (const it of items) {
        const n = it.text.split("\n").length;
        for (let k = 0; k < n; k++) lineMap.push(it.line + k);
      }
      const jobLine = yamlPathLine(file, [name]);
      this.runUnit({
        text,
        path,
        lineOf: (n) => lineMap[n - 1] ?? jobLine,
        cwd: "",
        env,
        state: { errexit: true, pipefail: false },
        upstream: neutraliser,
        ci: { path, line: jobLine },
        depth: 0,
        runner: [],
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Shell units

  private words(text: string, env: Env): Word[] {
    const list = parseShell(text, { vars: lookupIn(env) });
    const out: Word[] = [];
    walkShell(list, { errexit: false, pipefail: false }, { command: (c) => out.push(...c.words) });
    return out;
  }

  private runUnit(unit: Unit): void {
    if (unit.depth > MAX_DEPTH) return;
    // Plain assignments (`ARGS="--cov"`, `export MIN=80`) are known before the commands that use them.
    const assigned = new Map<string, EnvValue>(unit.env);
    const firstPass = parseShell(unit.text, { vars: lookupIn(unit.env), ...(unit.expr ? { expr: unit.expr } : {}) });
    walkShell(firstPass, unit.state, {
      command: (cmd) => {
        if (cmd.words.length === 0) for (const a of cmd.assignments) assigned.set(a.name, { value: a.value.dynamic ? undefined : a.value.text, where: { path: unit.path, line: unit.lineOf(a.value.line) } });
        if (cmd.words[0]?.text === "export") {
          for (const w of cmd.words.slice(1)) {
            const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w.text);
            if (m) assigned.set(m[1] ?? "", { value: w.dynamic ? undefined : m[2], where: { path: unit.path, line: unit.lineOf(w.line) } });
          }
        }
      },
    });
    const list = assigned.size > unit.env.size ? parseShell(unit.text, { vars: lookupIn(assigned), ...(unit.expr ? { expr: unit.expr } : {}) }) : firstPass;
    const cwdStack: string[] = [unit.cwd];
    let cwd = unit.cwd;
    walkShell(list, unit.state, {
      enterSubshell: () => cwdStack.push(cwd),
      leaveSubshell: () => {
        cwd = cwdStack.pop() ?? unit.cwd;
      },
      command: (cmd, fate) => {
        const head = cmd.words[0]?.text;
        if (head === "cd" || head === "pushd") {
          const target = cmd.words[1];
          if (!target || target.dynamic || target.text.startsWith("/") || target.text === "-" || target.text.startsWith("~")) cwd = unit.cwd;
          else cwd = joinPath(cwd, target.text) ?? unit.cwd;
          return;
        }
        if (head === "popd") {
          cwd = unit.cwd;
          return;
        }
        if (cmd.words.length === 0) return;
        const where: Where = { path: unit.path, line: unit.lineOf(cmd.line) };
        const neutralised = unit.upstream ?? (fate.ok ? null : { reason: fate.reason, where });
        const env = new Map(assigned);
        for (const a of cmd.assignments) env.set(a.name, { value: a.value.dynamic ? undefined : a.value.text, where });
        this.dispatch(cmd.words, { unit, cwd, env, neutralised, where, cmd });
      },
    });
  }

  private dispatch(words: readonly Word[], c: { unit: Unit; cwd: string; env: Map<string, EnvValue>; neutralised: Neutraliser | null; where: Where; cmd: SimpleCommand }): void {
    let w = [...words];
    for (let guard = 0; guard < 8 && w.length > 0; guard++) {
      if (this.pyprojectScript(w, c)) return;
      const next = unwrap(w, c.env);
      if (next === w) break;
      w = next;
    }
    let first = w[0];
    if (!first) return;
    // `${PREFIX}coverage`, `$VENV/bin/pytest`: an unknown directory prefix does not hide the command.
    if (first.dynamic) {
      const m = /^(?:\$\{?\w+\}?\/?)+([A-Za-z0-9_./-]+)$/.exec(first.text);
      if (m?.[1]) first = { ...first, text: m[1], dynamic: false };
    }
    // `node ./bin/c8.js ...`, `node --experimental-vm-modules node_modules/jest/bin/jest.js`
    if (basename(first.text) === "node") {
      let i = 1;
      while (i < w.length && (w[i]?.text ?? "").startsWith("-") && w[i]?.text !== "--test") i += ["-r", "--require", "--import", "--loader"].includes(w[i]?.text ?? "") ? 2 : 1;
      const script = w[i];
      const tool = script ? /^(jest|c8|nyc|vitest|tox)(\.[cm]?js)?$/.exec(basename(script.text))?.[1] : undefined;
      if (script && tool && w[1]?.text !== "--test") {
        first = { ...script, text: tool };
        w = [first, ...w.slice(i + 1)];
      }
    }
    const name = basename(first.text);
    const rest = w.slice(1);
    // A script of the repository by path (`scripts/test`, `./ci/coverage`): followed when it is a
    // shell script, before its name is taken for a tool (httpx's `scripts/coverage`).
    if (!first.dynamic && first.text.includes("/")) {
      const path = joinPath(c.cwd, first.text);
      if (path !== null && this.repo.exists(path)) {
        const text = this.repo.text(path);
        if (text !== undefined && (/\.sh$/.test(path) || /^#!\s*\S*\b(env\s+)?(ba|da|z|k)?sh\b/.test(text))) return this.script(name, first, rest, c, true);
        return;
      }
    }
    const invoke = (tool: InvokedTool, sub: string | null, args: readonly Word[], label: string) => {
      this.invocations.push({
        tool,
        sub,
        args: args.map((a): ArgWord => ({ text: a.text, dynamic: a.dynamic, where: { path: c.unit.path, line: c.unit.lineOf(a.line) } })),
        cwd: c.cwd,
        env: c.env,
        command: c.where,
        ci: c.unit.ci,
        runner: [...c.unit.runner, label].join(" → "),
        neutralised: c.neutralised,
      });
    };

    if (/^(python[0-9.]*|py|\{envpython\})$/.test(name)) {
      let i = 0;
      while (i < rest.length && (rest[i]?.text ?? "").startsWith("-") && rest[i]?.text !== "-m") i += ["-X", "-W"].includes(rest[i]?.text ?? "") ? 2 : 1;
      if (rest[i]?.text === "-m" && rest[i + 1]) this.dispatch(rest.slice(i + 1), c);
      return;
    }
    if (name === "pytest" || name === "py.test") return invoke("pytest", null, rest, "pytest");
    if (/^(coverage[0-9.]*|python3?-coverage)$/.test(name)) {
      const subIdx = rest.findIndex((x) => !x.text.startsWith("-"));
      const sub = rest[subIdx]?.text ?? "";
      if (["report", "html", "xml", "json", "lcov"].includes(sub)) return invoke("coverage", sub, [...rest.slice(0, subIdx), ...rest.slice(subIdx + 1)], `coverage ${sub}`);
      if (sub === "run") {
        const after = rest.slice(subIdx + 1);
        for (let i = 0; i < after.length; i++) {
          const t = after[i]?.text ?? "";
          if (t === "-m" && after[i + 1]) return this.dispatch(after.slice(i + 1), c);
          if (!t.startsWith("-")) return;
          if (["--rcfile", "--source", "--include", "--omit", "--concurrency", "--context", "--data-file"].includes(t)) i++;
        }
      }
      return;
    }
    if (name === "jest") return invoke("jest", null, rest, "jest");
    if (["react-scripts", "craco", "react-app-rewired", "rescripts"].includes(name) && rest[0]?.text === "test") return invoke("jest", null, rest.slice(1), `${name} test`);
    if (name === "vitest") {
      const sub = rest[0] && !rest[0].text.startsWith("-") ? rest[0].text : null;
      if (sub === "bench" || sub === "init" || sub === "list") return;
      return invoke("vitest", sub, sub ? rest.slice(1) : rest, "vitest");
    }
    if (name === "nyc" || name === "c8") {
      const idx = firstPositional(rest);
      const sub = idx >= 0 ? (rest[idx]?.text ?? "") : "";
      if (["check-coverage", "report", "instrument", "merge"].includes(sub)) return invoke(name, sub, [...rest.slice(0, idx), ...rest.slice(idx + 1)], `${name} ${sub}`);
      invoke(name, null, idx >= 0 ? rest.slice(0, idx) : rest, name);
      if (idx >= 0) this.dispatch(rest.slice(idx), c);
      return;
    }
    if (name === "node") {
      if (rest.some((x) => x.text === "--test") && rest.some((x) => x.text.startsWith("--test-coverage-") || x.text === "--experimental-test-coverage")) return invoke("node-test", null, rest, "node --test");
      return;
    }
    if (name === "cargo" || name === "cargo-tarpaulin") {
      const args = name === "cargo" ? rest.filter((x, i) => !(i === 0 && x.text.startsWith("+"))) : [{ ...first, text: "tarpaulin" }, ...rest];
      const sub = args[0]?.text;
      if (sub === "tarpaulin") return invoke("tarpaulin", null, args.slice(1), "cargo tarpaulin");
      if (sub === "llvm-cov") return invoke("llvm-cov", null, args.slice(1), "cargo llvm-cov");
      return;
    }
    if (name === "mvn" || name === "mvnw") return invoke("maven", null, rest, name);
    if (["npm", "yarn", "pnpm", "bun"].includes(name)) return this.packageScript(name, rest, c);
    if (["npx", "pnpx", "bunx"].includes(name)) {
      const i = rest.findIndex((x) => !x.text.startsWith("-"));
      if (i >= 0) this.dispatch(rest.slice(i), c);
      return;
    }
    if (["lerna", "turbo", "nx"].includes(name)) return this.workspaceScripts(name, rest, c);
    if (name === "run-s" || name === "run-p" || name === "npm-run-all" || name === "npm-run-all2") return this.runAll(rest, c);
    if (name === "make" || name === "gmake") return this.make(rest, c);
    if (name === "tox") return this.tox(rest, c);
    if (["bash", "sh", "zsh", "dash", "source", "."].includes(name) || (/\.sh$/.test(first.text) && !first.dynamic)) {
      return this.script(name, first, rest, c);
    }

    if ((name === "docker" && rest[0]?.text === "compose") || name === "docker-compose") {
      const args = name === "docker" ? rest.slice(1) : rest;
      if (args[0]?.text !== "run" && args[0]?.text !== "exec") return;
      let i = 1;
      while (i < args.length && (args[i]?.text ?? "").startsWith("-")) {
        const t = args[i]?.text ?? "";
        i += /^-(e|w|u|v|p|l)$|^--(env|workdir|user|volume|publish|label|entrypoint|name|env-file)$/.test(t) ? 2 : 1;
      }
      if (args[i + 1]) this.dispatch(args.slice(i + 1), c);
    }
  }

  // -------------------------------------------------------------------------------------------
  // npm / yarn / pnpm / bun scripts

  private packageScript(manager: string, args: readonly Word[], c: DispatchCtx): void {
    let cwd = c.cwd;
    let all = false;
    let workspace: string | null = null;
    const positional: Word[] = [];
    let extra: Word[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (!a) continue;
      const t = a.text;
      if (t === "--") {
        extra = args.slice(i + 1);
        break;
      }
      if (positional.length >= 2 || (positional.length === 1 && manager !== "npm" && !["run", "run-script", "workspace", "workspaces", "foreach"].includes(positional[0]?.text ?? ""))) {
        if (manager === "npm") continue; // npm keeps options before `--` for itself
        extra = args.slice(i);
        break;
      }
      if (t === "--prefix" || t === "-C" || t === "--cwd" || t === "--dir") {
        const v = args[++i];
        if (v) cwd = joinPath(c.cwd, v.text) ?? cwd;
      } else if (t.startsWith("--prefix=") || t.startsWith("--cwd=") || t.startsWith("--dir=")) cwd = joinPath(c.cwd, t.slice(t.indexOf("=") + 1)) ?? cwd;
      else if (t === "-r" || t === "--recursive" || t === "-ws" || t === "--workspaces" || t === "-A" || t === "--all") all = true;
      else if (t === "-w" || t === "--workspace" || t === "--filter" || t === "-F") {
        workspace = args[++i]?.text ?? null;
      } else if (t.startsWith("--workspace=") || t.startsWith("--filter=")) workspace = t.slice(t.indexOf("=") + 1);
      else if (t.startsWith("-")) continue;
      else positional.push(a);
    }
    let script: string | null = null;
    const p0 = positional[0]?.text;
    const p1 = positional[1]?.text;
    if (manager === "npm") {
      if (p0 === "test" || p0 === "t" || p0 === "tst") script = "test";
      else if (p0 === "start") script = "start";
      else if (p0 === "run" || p0 === "run-script" || p0 === "rum" || p0 === "urn") script = p1 ?? null;
    } else if (manager === "yarn" && p0 === "workspace") {
      workspace = p1 ?? null;
      script = positional[2]?.text ?? (extra[0]?.text ?? null);
      if (script === "run") script = extra[0]?.text ?? null;
      if (positional.length < 3) extra = extra.slice(1);
    } else if (manager === "yarn" && (p0 === "workspaces" || p0 === "foreach")) {
      all = true;
      const runIdx = [...positional, ...extra].findIndex((x) => x.text === "run");
      const list = [...positional, ...extra];
      script = list[runIdx + 1]?.text ?? null;
      extra = list.slice(runIdx + 2);
    } else if (p0 === "run" || p0 === "run-script") script = p1 ?? null;
    else if (p0 === "test" && manager === "bun") return; // bun's own test runner
    else if (p0 && !PM_BUILTINS.has(p0)) script = p0;
    if (!script) return;
    if (extra[0]?.text === "--" && manager !== "npm") extra = extra.slice(1);
    const dirs: string[] = [];
    if (all || workspace !== null) {
      for (const p of this.repo.allPaths) {
        if (basename(p) !== "package.json" || p.includes("node_modules/")) continue;
        const d = dirname(p);
        if (workspace !== null) {
          const pkg = this.repo.json(p);
          const pkgName = pkg?.ok ? asMap(pkg.value)?.["name"] : undefined;
          if (pkgName !== workspace && d !== (joinPath(c.cwd, workspace) ?? "")) continue;
        } else if (d === cwd) continue;
        dirs.push(d);
      }
    } else {
      const d = ancestors(cwd).find((x) => this.repo.exists(inDir(x, "package.json")));
      if (d !== undefined) dirs.push(d);
    }
    for (const d of dirs) {
      const names = manager === "npm" ? [`pre${script}`, script, `post${script}`] : [script];
      for (const n of names) this.runScript(d, n, n === script ? extra : [], `${manager} ${n === script ? (script === "test" ? "test" : `run ${script}`) : `run ${n}`}`, c);
    }
  }

  private workspaceScripts(tool: string, args: readonly Word[], c: DispatchCtx): void {
    const texts = args.map((a) => a.text);
    let script: string | null = null;
    if (tool === "lerna" && texts[0] === "run") script = texts.find((t, i) => i > 0 && !t.startsWith("-")) ?? null;
    if (tool === "turbo") script = texts[0] === "run" ? (texts.find((t, i) => i > 0 && !t.startsWith("-")) ?? null) : (texts.find((t) => !t.startsWith("-")) ?? null);
    if (tool === "nx") {
      const t = texts.indexOf("-t") >= 0 ? texts.indexOf("-t") : texts.indexOf("--target");
      if (texts[0] === "run-many" && t >= 0) script = texts[t + 1] ?? null;
      else if (texts[0] === "run" && texts[1]?.includes(":")) script = texts[1].split(":")[1] ?? null;
      else if (texts[0] && !texts[0].startsWith("-") && texts[0] !== "run-many" && texts[0] !== "affected") script = texts[0];
      else if (texts[0] === "affected" && t >= 0) script = texts[t + 1] ?? null;
    }
    if (!script) return;
    for (const p of this.repo.allPaths) {
      if (basename(p) !== "package.json" || p.includes("node_modules/")) continue;
      this.runScript(dirname(p), script, [], `${tool} ${script}`, c);
    }
  }

  /** npm-run-all's `run-s a b:*`: script names and globs (`*` within a `:` segment, `**` across). */
  private runAll(args: readonly Word[], c: DispatchCtx): void {
    const dir = ancestors(c.cwd).find((x) => this.repo.exists(inDir(x, "package.json")));
    if (dir === undefined) return;
    const parsed = this.repo.json(inDir(dir, "package.json"));
    const scripts = parsed?.ok ? Object.keys(asMap(asMap(parsed.value)?.["scripts"]) ?? {}) : [];
    for (const a of args) {
      if (a.dynamic || a.text.startsWith("-")) continue;
      if (a.text === "--") break;
      const pattern = a.text.split(" ")[0] ?? "";
      const isMatch = runAllPattern(pattern);
      for (const s of scripts) if (isMatch(s)) this.runScript(dir, s, [], `run-s ${s}`, c);
    }
  }

  private runScript(dir: string, script: string, extra: readonly Word[], label: string, c: DispatchCtx): void {
    const path = inDir(dir, "package.json");
    const parsed = this.repo.json(path);
    if (!parsed?.ok) return;
    const scripts = asMap(asMap(parsed.value)?.["scripts"]);
    const text = scripts?.[script];
    if (typeof text !== "string") return;
    const key = `script|${path}|${script}|${extra.map((e) => e.text).join(" ")}|${c.unit.depth}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const line = this.repo.jsonLine(path, ["scripts", script]);
    this.runUnit({
      text: extra.length ? `${text} ${extra.map((e) => shellQuote(e.text)).join(" ")}` : text,
      path,
      lineOf: () => line,
      cwd: dir,
      env: c.env,
      state: { errexit: false, pipefail: false },
      upstream: c.neutralised,
      ci: c.unit.ci,
      depth: c.unit.depth + 1,
      runner: [...c.unit.runner, label],
    });
  }

  // -------------------------------------------------------------------------------------------
  // Scripts defined in pyproject.toml: hatch, pdm, rye, taskipy

  private pyprojectScript(words: readonly Word[], c: DispatchCtx): boolean {
    const tool = basename(words[0]?.text ?? "");
    let name: string | undefined;
    let extra: readonly Word[] = [];
    let table: string[] | null = null;
    if ((tool === "hatch" || tool === "pdm" || tool === "rye") && words[1]?.text === "run") {
      let i = 2;
      while (i < words.length && (words[i]?.text ?? "").startsWith("-")) i += ["-e", "--env", "--environment"].includes(words[i]?.text ?? "") ? 2 : 1;
      name = words[i]?.text;
      extra = words.slice(i + 1);
      if (tool === "hatch") {
        const [env, script] = (name ?? "").includes(":") ? (name ?? "").split(":", 2) : ["default", name];
        table = ["tool", "hatch", "envs", env ?? "default", "scripts"];
        name = script;
      } else table = ["tool", tool, "scripts"];
    } else if (tool === "task" && !this.repo.exists(inDir(c.cwd, "Taskfile.yml"))) {
      name = words[1]?.text;
      extra = words.slice(2);
      table = ["tool", "taskipy", "tasks"];
    }
    if (!name || !table) return false;
    const dir = ancestors(c.cwd).find((d) => this.repo.exists(inDir(d, "pyproject.toml")));
    if (dir === undefined) return false;
    const path = inDir(dir, "pyproject.toml");
    const toml = this.repo.toml(path);
    if (!toml?.ok) return false;
    let scripts: unknown = toml.value;
    for (const k of table) scripts = asMap(scripts)?.[k];
    const entry = asMap(scripts)?.[name];
    if (entry === undefined) return false;
    const commands: string[] = [];
    const collect = (v: unknown, depth: number) => {
      if (depth > 3) return;
      if (typeof v === "string") {
        const first = v.trim().split(/\s+/)[0] ?? "";
        const nested = asMap(scripts)?.[first];
        // hatch and rye let a script name another script of the same table
        if (nested !== undefined && first !== name && tool !== "task") collect(nested, depth + 1);
        else commands.push(v);
      } else if (Array.isArray(v)) v.forEach((x) => collect(x, depth));
      else {
        const m = asMap(v);
        if (!m) return;
        for (const key of ["cmd", "shell", "call", "composite", "chain"]) if (m[key] !== undefined) collect(m[key], depth);
      }
    };
    collect(entry, 0);
    const args = extra.map((e) => shellQuote(e.text)).join(" ");
    const line = this.repo.tomlLine(path, [...table, name]);
    for (const command of commands) {
      const text = /\{args(?::[^}]*)?\}/.test(command) ? command.replace(/\{args(?::([^}]*))?\}/g, (_m, def: string | undefined) => args || (def ?? "")) : args ? `${command} ${args}` : command;
      this.runUnit({
        text,
        path,
        lineOf: () => line,
        cwd: dir,
        env: c.env,
        state: { errexit: false, pipefail: false },
        upstream: c.neutralised,
        ci: c.unit.ci,
        depth: c.unit.depth + 1,
        runner: [...c.unit.runner, `${tool}${tool === "task" ? "" : " run"} ${name}`],
      });
    }
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // make

  private make(args: readonly Word[], c: DispatchCtx): void {
    let dir = c.cwd;
    let file: string | null = null;
    let ignoreErrors = false;
    const targets: string[] = [];
    const overrides = new Map<string, string | undefined>();
    for (let i = 0; i < args.length; i++) {
      const t = args[i]?.text ?? "";
      if (t === "-C" || t === "--directory") dir = joinPath(dir, args[++i]?.text ?? "") ?? dir;
      else if (t.startsWith("-C") && t.length > 2) dir = joinPath(dir, t.slice(2)) ?? dir;
      else if (t.startsWith("--directory=")) dir = joinPath(dir, t.slice(12)) ?? dir;
      else if (t === "-f" || t === "--file" || t === "--makefile") file = args[++i]?.text ?? null;
      else if (t.startsWith("--file=") || t.startsWith("--makefile=")) file = t.slice(t.indexOf("=") + 1);
      else if (t === "-i" || t === "--ignore-errors") ignoreErrors = true;
      else if (t === "-j" || t === "-l" || t === "-o" || t === "-W") i++;
      else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(t)) overrides.set(t.slice(0, t.indexOf("=")), args[i]?.dynamic ? undefined : t.slice(t.indexOf("=") + 1));
      else if (!t.startsWith("-")) targets.push(t);
    }
    const path = file !== null ? joinPath(dir, file) : (["GNUmakefile", "makefile", "Makefile"].map((n) => inDir(dir, n)).find((p) => this.repo.exists(p)) ?? null);
    if (path === null) return;
    const text = this.repo.text(path);
    if (text === undefined) return;
    const mk = parseMakefile(text);
    for (const [k, v] of overrides) mk.vars.set(k, v);
    const goals = targets.length > 0 ? targets : mk.defaultGoal ? [mk.defaultGoal] : [];
    const neutralised = c.neutralised ?? (ignoreErrors ? { reason: "make runs with -i (--ignore-errors)", where: c.where } : null);
    const visited = new Set<string>();
    const runTarget = (target: string, depth: number) => {
      if (visited.has(target) || depth > 10) return;
      visited.add(target);
      const rule = mk.rules.get(target);
      if (!rule) return;
      for (const p of rule.prereqs) runTarget(p, depth + 1);
      for (const r of rule.recipe) {
        let body = r.text;
        let ignored = false;
        const prefix = /^[\s@+-]*/.exec(body)?.[0] ?? "";
        if (prefix.includes("-")) ignored = true;
        body = body.slice(prefix.length);
        const expanded = expandMake(body, mk.vars, c.env, target);
        const recipeWhere: Where = { path, line: r.line };
        this.runUnit({
          text: expanded,
          path,
          lineOf: (n) => r.line + n - 1,
          cwd: dir,
          env: c.env,
          state: { errexit: false, pipefail: false },
          upstream: neutralised ?? (ignored ? { reason: "the Makefile recipe line starts with '-', so make ignores its failure", where: recipeWhere } : null),
          ci: c.unit.ci,
          depth: c.unit.depth + 1,
          runner: [...c.unit.runner, `make ${target}`],
        });
      }
    };
    for (const g of goals) runTarget(g, 0);
  }

  // -------------------------------------------------------------------------------------------
  // tox

  private tox(args: readonly Word[], c: DispatchCtx): void {
    let envs: string[] | null = null;
    let config: string | null = null;
    let posargs: Word[] | null = null;
    const texts = args.map((a) => a.text);
    for (let i = 0; i < args.length; i++) {
      const t = texts[i] ?? "";
      if (t === "--") {
        posargs = args.slice(i + 1);
        break;
      }
      if (t === "-e" || t === "--env") envs = (texts[++i] ?? "").split(",").filter(Boolean);
      else if (t.startsWith("-e") && t.length > 2) envs = t.slice(2).split(",").filter(Boolean);
      else if (t === "-c" || t === "--conf") config = texts[++i] ?? null;
      else if (t === "-m" || t === "-f" || t === "-p" || t === "--parallel" || t === "-x" || t === "--override") i++;
    }
    if (envs === null) {
      const fromEnv = c.env.get("TOXENV")?.value;
      if (fromEnv) envs = fromEnv.split(",");
    }
    const path = config !== null ? joinPath(c.cwd, config) : (ancestors(c.cwd).map((d) => inDir(d, "tox.ini")).find((p) => this.repo.exists(p)) ?? null);
    if (path === null) return;
    const ini = this.repo.ini(path);
    if (!ini) return;
    const toxDir = dirname(path);
    if (envs === null) {
      const list = iniValue(ini, "tox", "envlist") ?? iniValue(ini, "tox", "env_list");
      envs = list ? list.value.split(/[\s,]+/).filter(Boolean).flatMap(expandBraces) : [];
      if (envs.length === 0) envs = ["py"];
    }
    for (const env of envs) {
      const own = iniSection(ini, `testenv:${env}`);
      const base = iniSection(ini, "testenv");
      const pick = (key: string) => own?.entries.get(key) ?? base?.entries.get(key) ?? ini.defaults?.entries.get(key);
      const ignoreOutcome = /^true$/i.test(pick("ignore_outcome")?.value ?? "");
      const changedir = pick("changedir")?.value.replace(/\{toxinidir\}\/?/g, "") ?? "";
      const cwd = joinPath(toxDir, changedir) ?? toxDir;
      const env2 = new Map(c.env);
      for (const l of (pick("setenv")?.value ?? "").split("\n")) {
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(l);
        if (m) env2.set(m[1] ?? "", { value: m[2]?.includes("{") ? undefined : m[2], where: { path, line: pick("setenv")?.line ?? 1 } });
      }
      for (const key of ["commands_pre", "commands"]) {
        const entry = pick(key);
        if (!entry) continue;
        for (const l of entry.lines) {
          let text = l.text;
          if (text === "") continue;
          text = text.replace(/\{\[(\w[\w:.-]*)\](\w+)\}/g, (_m, sec: string, k: string) => iniValue(ini, sec, k)?.value.replace(/\n/g, " ") ?? "");
          text = text.replace(/\{posargs(?::([^}]*))?\}/g, (_m, def: string | undefined) => (posargs ? posargs.map((p) => shellQuote(p.text)).join(" ") : (def ?? "")));
          text = text.replace(/\{env:(\w+)(?::([^}]*))?\}/g, (_m, name: string, def: string | undefined) => c.env.get(name)?.value ?? def ?? `$${name}`);
          text = text.replace(/\{toxinidir\}\/?/g, "./").replace(/\{envpython\}/g, "python").replace(/\{envbindir\}\//g, "");
          const ignore = text.startsWith("-");
          if (ignore) text = text.slice(1).trimStart();
          const where: Where = { path, line: l.line };
          this.runUnit({
            text,
            path,
            lineOf: () => l.line,
            cwd,
            env: env2,
            state: { errexit: false, pipefail: false },
            upstream:
              c.neutralised ??
              (ignore ? { reason: "the tox command starts with '-', so tox ignores its exit code", where } : ignoreOutcome ? { reason: "the tox environment sets ignore_outcome = true", where } : null),
            ci: c.unit.ci,
            depth: c.unit.depth + 1,
            runner: [...c.unit.runner, `tox -e ${env}`],
          });
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // shell scripts

  private script(name: string, first: Word, rest: readonly Word[], c: DispatchCtx, direct = false): void {
    let errexit = false;
    let pipefail = false;
    let fileWord: Word | undefined;
    if (direct || (/\.sh$/.test(first.text) && !["bash", "sh", "zsh", "dash", "source", "."].includes(name))) fileWord = first;
    else {
      let i = 0;
      for (; i < rest.length; i++) {
        const t = rest[i]?.text ?? "";
        if (t === "-c") {
          const code = rest[i + 1];
          if (code && !code.dynamic) {
            this.runUnit({
              text: code.text,
              path: c.unit.path,
              lineOf: () => c.where.line,
              cwd: c.cwd,
              env: c.env,
              state: { errexit, pipefail },
              upstream: c.neutralised,
              ci: c.unit.ci,
              depth: c.unit.depth + 1,
              runner: [...c.unit.runner, `${name} -c`],
            });
          }
          return;
        }
        if (t === "-o" && rest[i + 1]?.text === "pipefail") {
          pipefail = true;
          i++;
        } else if (/^-[a-z]+$/.test(t)) {
          if (t.includes("e")) errexit = true;
        } else break;
      }
      fileWord = rest[i];
    }
    if (!fileWord || fileWord.dynamic) return;
    const path = joinPath(c.cwd, fileWord.text);
    if (path === null) return;
    let text = this.repo.text(path);
    if (text === undefined) return;
    const key = `sh|${path}|${c.cwd}|${c.unit.depth}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const shebang = /^#!.*$/m.exec(text.split("\n")[0] ?? "")?.[0] ?? "";
    if (/\s-[a-z]*e/.test(shebang)) errexit = true;
    // `cd "$(dirname "$0")"` is the script's own directory.
    const scriptDir = dirname(path);
    const rel = relativeTo(c.cwd, scriptDir);
    text = text.replace(/\$\(\s*dirname\s+"?\$(?:0|\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE)"?\s*\)|`dirname\s+"?\$0"?`/g, rel);
    this.runUnit({
      text,
      path,
      lineOf: (n) => n,
      cwd: c.cwd,
      env: c.env,
      state: { errexit, pipefail },
      upstream: c.neutralised,
      ci: c.unit.ci,
      depth: c.unit.depth + 1,
      runner: [...c.unit.runner, path],
    });
  }
}

interface DispatchCtx {
  readonly unit: Unit;
  readonly cwd: string;
  readonly env: Map<string, EnvValue>;
  readonly neutralised: Neutraliser | null;
  readonly where: Where;
  readonly cmd: SimpleCommand;
}

const PM_BUILTINS = new Set([
  "install", "i", "ci", "add", "remove", "rm", "uninstall", "update", "upgrade", "up", "audit", "exec", "dlx", "x", "create", "init", "publish",
  "pack", "link", "unlink", "why", "info", "view", "outdated", "config", "set", "cache", "version", "help", "bin", "global", "import",
  "licenses", "list", "ls", "login", "logout", "owner", "prune", "rebuild", "root", "store", "setup", "env", "plugin", "node", "npm",
  "constraints", "dedupe", "patch", "explain", "fetch", "deploy", "workspaces",
]);

/** Strips wrappers that run another command (`env`, `poetry run`, `npx`, ...). Returns `words` itself when none applies. */
function unwrap(words: readonly Word[], env: Map<string, EnvValue>): Word[] {
  const name = basename(words[0]?.text ?? "");
  const second = words[1]?.text;
  const skipOptions = (from: number, valued: ReadonlySet<string>) => {
    let i = from;
    while (i < words.length && (words[i]?.text ?? "").startsWith("-")) {
      const t = words[i]?.text ?? "";
      if (t === "--") return i + 1;
      i += valued.has(t) ? 2 : 1;
    }
    return i;
  };
  if (name === "env") {
    let i = 1;
    while (i < words.length) {
      const t = words[i]?.text ?? "";
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(t);
      if (m) env.set(m[1] ?? "", { value: words[i]?.dynamic ? undefined : m[2] });
      else if (!t.startsWith("-")) break;
      i++;
    }
    return words.slice(i);
  }
  if (name === "cross-env" || name === "cross-env-shell") {
    let i = 1;
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]?.text ?? "")) i++;
    return words.slice(i);
  }
  if (["sudo", "time", "nice", "exec", "command", "nohup", "xvfb-run", "stdbuf", "caffeinate", "catchsegv"].includes(name)) {
    return words.slice(skipOptions(1, new Set(["-u", "-g", "-n", "-a", "-s", "-o", "-e", "-i", "--server-args"])));
  }
  if (name === "timeout") {
    const i = skipOptions(1, new Set(["-s", "-k", "--signal", "--kill-after"]));
    return words.slice(i + 1);
  }
  if (name === "dotenv") {
    const i = words.findIndex((w) => w.text === "--");
    return i >= 0 ? words.slice(i + 1) : words.slice(1);
  }
  if (["poetry", "pipenv", "pdm", "rye", "pixi", "hatch"].includes(name) && second === "run") {
    const i = skipOptions(2, new Set(["-e", "--environment", "--env"]));
    const target = words[i]?.text ?? "";
    if (name === "hatch" && target.includes(":")) return words.slice(0, 0); // a hatch script: not followed
    return words.slice(i);
  }
  if (name === "uv" && second === "run") return words.slice(skipOptions(2, new Set(["--with", "--group", "--extra", "-p", "--python", "--project", "--directory", "--package", "--env-file", "--with-requirements", "--index"])));
  if ((name === "conda" || name === "micromamba" || name === "mamba") && second === "run") return words.slice(skipOptions(2, new Set(["-n", "--name", "-p", "--prefix", "--cwd"])));
  if ((name === "pnpm" || name === "yarn" || name === "npm") && (second === "exec" || second === "dlx")) return words.slice(skipOptions(2, new Set(["-c", "--package", "-p"])));
  if (name === "bun" && second === "x") return words.slice(skipOptions(2, new Set()));
  return words as Word[];
}

/**
 * npm-run-all's task patterns: it swaps `:` and `/` in the pattern and in every script name and
 * matches them with minimatch (`nonegate`), so `*` stays within a `:`-separated segment and `**`
 * crosses them (`test:**` does not match `test`). The pattern comes from the repository: it runs on
 * the RE2 glob engine. A pattern the engine refuses (`(`, over 1,000 characters) names one script.
 */
function runAllPattern(pattern: string): (script: string) => boolean {
  const swap = (s: string) => s.replace(/[:/]/g, (c) => (c === ":" ? "/" : ":"));
  let glob = swap(pattern).replace(/^!/, "\\!");
  if (glob.endsWith("/**")) glob = `${glob}/*`;
  try {
    const compiled = compileGlob(glob);
    return (script) => compiled.testPattern(swap(script));
  } catch (error) {
    if (error instanceof GlobError) return (script) => script === pattern;
    throw error;
  }
}

function firstPositional(words: readonly Word[]): number {
  for (let i = 0; i < words.length; i++) {
    const t = words[i]?.text ?? "";
    if (!t.startsWith("-")) return i;
    if (!t.includes("=") && ["--reporter", "-r", "--report-dir", "--reports-dir", "-o", "--temp-dir", "--temp-directory", "--include", "-n", "--exclude", "-x", "--extension", "-e", "--require", "-i", "--nycrc-path", "--config", "-c", "--lines", "--branches", "--functions", "--statements", "--src", "--cwd"].includes(t)) i++;
  }
  return -1;
}

function lookupIn(env: Env): Lookup {
  return (name) => {
    const v = env.get(name);
    if (!v) return undefined;
    return v.value;
  };
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function relativeTo(from: string, to: string): string {
  const a = from === "" ? [] : from.split("/");
  const b = to === "" ? [] : to.split("/");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => "..");
  const rel = [...up, ...b.slice(i)].join("/");
  return rel === "" ? "." : rel;
}

/** `py{38,39}-django{3,4}` → the four names. */
function expandBraces(s: string): string[] {
  const m = /\{([^{}]*)\}/.exec(s);
  if (!m) return [s];
  const head = s.slice(0, m.index);
  const tail = s.slice(m.index + m[0].length);
  return (m[1] ?? "").split(",").flatMap((opt) => expandBraces(head + opt.trim() + tail)).slice(0, 200);
}

// ---------------------------------------------------------------------------------------------
// Makefile

interface Makefile {
  readonly vars: Map<string, string | undefined>;
  readonly rules: Map<string, { prereqs: string[]; recipe: { text: string; line: number }[] }>;
  readonly defaultGoal: string | null;
}

export function parseMakefile(text: string): Makefile {
  const vars = new Map<string, string | undefined>();
  const rules = new Map<string, { prereqs: string[]; recipe: { text: string; line: number }[] }>();
  let defaultGoal: string | null = null;
  const lines = text.split(/\r?\n/);
  let current: { prereqs: string[]; recipe: { text: string; line: number }[] }[] = [];
  let inDefine = false;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? "";
    const lineNo = i + 1;
    if (inDefine) {
      if (/^\s*endef\b/.test(line)) inDefine = false;
      continue;
    }
    if (line.startsWith("\t")) {
      if (current.length === 0) continue;
      let body = line.slice(1);
      let end = i;
      while (body.endsWith("\\") && end + 1 < lines.length) {
        end++;
        body = `${body}\n${(lines[end] ?? "").replace(/^\t/, "")}`;
      }
      for (const r of current) r.recipe.push({ text: body, line: lineNo });
      i = end;
      continue;
    }
    while (line.endsWith("\\") && i + 1 < lines.length) {
      i++;
      line = `${line.slice(0, -1)} ${lines[i] ?? ""}`;
    }
    const stripped = line.replace(/(^|[^\\])#.*$/, "$1").trim();
    if (stripped === "") continue;
    if (/^define\b/.test(stripped)) {
      inDefine = true;
      continue;
    }
    if (/^(ifeq|ifneq|ifdef|ifndef|else|endif|include|-include|sinclude|vpath|unexport)\b/.test(stripped)) continue;
    const assign = /^(?:(?:export|override)\s+)*([A-Za-z0-9_.-]+)\s*(:::=|::=|:=|\?=|\+=|!=|=)\s*(.*)$/.exec(stripped);
    if (assign) {
      const [, name = "", op, value = ""] = assign;
      if (op === "!=") vars.set(name, undefined);
      else if (op === "?=") {
        if (!vars.has(name)) vars.set(name, value);
      } else if (op === "+=") {
        const prev = vars.get(name);
        vars.set(name, prev === undefined && vars.has(name) ? undefined : `${prev ?? ""} ${value}`.trim());
      } else vars.set(name, value);
      if (name === ".DEFAULT_GOAL") defaultGoal = value.trim();
      current = [];
      continue;
    }
    if (/^export\s/.test(stripped)) continue;
    const rule = makeRule(stripped);
    if (rule) {
      const targets = rule.targets.split(/\s+/).filter(Boolean);
      let deps = rule.rest;
      let inline: string | null = null;
      const semi = deps.indexOf(";");
      if (semi >= 0) {
        inline = deps.slice(semi + 1).trim();
        deps = deps.slice(0, semi);
      }
      const prereqs = deps.split(/\s+/).filter((d) => d !== "" && d !== "|");
      current = [];
      for (const t of targets) {
        if (t.includes("%")) continue;
        if (t.startsWith(".")) continue;
        const r = rules.get(t) ?? { prereqs: [], recipe: [] };
        r.prereqs.push(...prereqs);
        if (inline) r.recipe.push({ text: inline, line: lineNo });
        rules.set(t, r);
        current.push(r);
        if (defaultGoal === null) defaultGoal = t;
      }
      continue;
    }
    current = [];
  }
  return { vars, rules, defaultGoal };
}

/** Expands make variables in a recipe line; unknown ones become a shell variable that reads as dynamic. */
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/**
 * A Makefile rule line split at its first `:` (or `::`): what `/^([^:=]+?)\s*::?\s*(.*)$/` captures,
 * in one pass (that RegExp backtracks in quadratic time on a long line of blanks with no `:`).
 */
export function makeRule(line: string): { targets: string; rest: string } | null {
  const colon = line.search(/[:=]/);
  if (colon < 1 || line[colon] !== ":") return null;
  let end = colon;
  while (end > 1 && isSpace(line[end - 1])) end--;
  let from = line[colon + 1] === ":" ? colon + 2 : colon + 1;
  while (from < line.length && isSpace(line[from])) from++;
  const rest = line.slice(from);
  // `.` stops at line terminators, so `(.*)$` fails on one.
  if (/[\n\r\u2028\u2029]/.test(rest)) return null;
  return { targets: line.slice(0, end), rest };
}

function expandMake(text: string, vars: ReadonlyMap<string, string | undefined>, env: Env, target: string, depth = 0): string {
  if (depth > 8) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== "$") {
      out += ch;
      continue;
    }
    const next = text[i + 1] ?? "";
    if (next === "$") {
      out += "$";
      i++;
      continue;
    }
    if (next === "(" || next === "{") {
      const close = next === "(" ? ")" : "}";
      let d = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === next) d++;
        else if (text[j] === close) {
          d--;
          if (d === 0) break;
        }
      }
      const body = text.slice(i + 2, j);
      i = j;
      if (/\s/.test(body) || body.includes(",")) {
        out += "${__make_function}";
        continue;
      }
      out += makeVar(body, vars, env, target, depth);
      continue;
    }
    if (next === "@") out += target;
    else out += "${__make_auto}";
    i++;
  }
  return out;
}

function makeVar(name: string, vars: ReadonlyMap<string, string | undefined>, env: Env, target: string, depth: number): string {
  if (name === "MAKE") return "make";
  if (name === "@") return target;
  if (vars.has(name)) {
    const v = vars.get(name);
    return v === undefined ? `\${__make_${name.replace(/\W/g, "_")}}` : expandMake(v, vars, env, target, depth + 1);
  }
  const e = env.get(name);
  if (e && e.value !== undefined) return e.value;
  return `\${__make_${name.replace(/\W/g, "_")}}`;
}

export type { YamlNode };
