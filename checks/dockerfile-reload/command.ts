/**
 * Judges what a container runs: unwraps launchers (`exec`, `tini --`, `gosu u`, `sh -c`,
 * `python -m`, `poetry run`, `uv run`, `npx`, `npm run <script>` through package.json, …),
 * follows entrypoint scripts, then applies the table of development servers and flags (spec §4.3).
 * Tokens are compared as argv elements, never as substrings.
 */
import { scanGunicornConfig, scanRunCalls } from "./python.js";
import { parseShell, splitWords } from "./shell.js";
import type { Env, EnvValue, Level, Loc, Signal, SignalKind, Word } from "./types.js";

/** A file of the repository that a path inside the image maps to. */
export interface ResolvedFile {
  readonly path: string;
  /** Undefined when the file exists but was not read (not in the check's globs, too large, binary). */
  readonly text?: string;
  readonly reason?: string;
}

export interface PackageScripts {
  readonly path: string;
  readonly scripts: ReadonlyMap<string, string>;
}

export interface RunContext {
  /** Finds the repository file behind a path in the image; undefined when nothing matches. */
  resolveFile(containerPath: string): ResolvedFile | undefined;
  /**
   * The package.json whose scripts `npm run` uses; `prefix` is a `--prefix`/`--cwd` directory.
   * A string says why there is none.
   */
  packageScripts(prefix: string | undefined): PackageScripts | string;
}

export interface RunResult {
  readonly signals: Signal[];
  /** What was found to run, e.g. "uvicorn app:app --reload", for facts. */
  readonly commands: string[];
  readonly notes: string[];
  /** Families of the commands recognised (python, node, ruby, …); empty when nothing was recognised. */
  readonly families: Set<string>;
}

interface Frame {
  readonly env: Env;
  readonly via: readonly string[];
  readonly depth: number;
  readonly npmHops: number;
  readonly dependsOn?: string;
  readonly scripts: readonly string[];
}

const MAX_DEPTH = 12;
const MAX_NPM_HOPS = 3;


export function basename(p: string): string {
  const trimmed = p.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  return i < 0 ? trimmed : trimmed.slice(i + 1);
}

function truthyClick(v: string): boolean {
  return ["1", "true", "t", "yes", "y", "on"].includes(v.trim().toLowerCase());
}

function truthyFlask(v: string): boolean {
  const x = v.trim().toLowerCase();
  return x !== "" && !["0", "false", "no"].includes(x);
}

function truthyDebug(v: string): boolean {
  return ["1", "true", "yes", "on"].includes(v.trim().toLowerCase());
}

/** Index of the first argument at or after `from` that is not an option; `--` ends the options. */
function skipOptions(argv: readonly Word[], from: number, valued: ReadonlySet<string>): number {
  let i = from;
  while (i < argv.length) {
    const t = (argv[i] as Word).text;
    if (t === "--") return i + 1;
    if (!t.startsWith("-") || t === "-") return i;
    if (valued.has(t)) i += 2;
    else i += 1;
  }
  return i;
}

function indexOfDoubleDash(argv: readonly Word[], from = 1): number {
  for (let i = from; i < argv.length; i++) if ((argv[i] as Word).text === "--") return i;
  return -1;
}

function hasToken(args: readonly Word[], ...names: string[]): Word | undefined {
  return args.find((w) => names.some((n) => w.text === n || w.text.startsWith(`${n}=`)));
}

/** Positional arguments (not options), for subcommand detection. */
function positionals(args: readonly Word[], valued: ReadonlySet<string> = new Set()): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const t = (args[i] as Word).text;
    if (t === "--") {
      out.push(...args.slice(i + 1));
      break;
    }
    if (t.startsWith("-") && t !== "-") {
      if (valued.has(t)) i++;
      continue;
    }
    out.push(args[i] as Word);
  }
  return out;
}

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"]);
const PLAIN_WRAPPERS = new Set(["exec", "nohup", "time", "builtin", "unbuffer", "stdbuf", "ionice", "nice", "catatonit"]);
const PLAIN_WRAPPER_VALUED = new Set(["-a", "-n", "-c", "-i", "-o", "-e", "--adjustment"]);
const DOUBLE_DASH_WRAPPERS = new Set(["doppler", "op", "infisical", "dotenvx", "aws-vault", "chamber", "envconsul", "summon", "wait-for-it", "wait-for-it.sh", "wait-for", "wait-for.sh", "dotenv"]);
const PY = /^(python|pypy)(\d+(\.\d+)*)?$/;
const DEV_SCRIPT_NAME = /(^|[:._-])(dev|develop|development|watch|serve|hot|local)([:._-]|$)/i;
const NODE_TOOLS = new Set([
  "nodemon", "ts-node-dev", "tsnd", "next", "nuxt", "nuxi", "vite", "react-scripts", "ng", "webpack", "webpack-dev-server",
  "webpack-cli", "gatsby", "astro", "remix", "vue-cli-service", "ember", "parcel", "nest", "tsx", "ts-node",
]);
const PYTHON_SERVERS = new Set(["uvicorn", "gunicorn", "hypercorn", "granian", "daphne", "waitress-serve", "uwsgi", "flask", "fastapi", "manage.py", "django-admin", "celery"]);

/** Where to look for the signals of each family, for the environment checks. */
function familyOf(name: string): string | undefined {
  if (PYTHON_SERVERS.has(name) || PY.test(name)) return "python";
  if (name === "node" || name === "npm" || name === "yarn" || name === "pnpm" || name === "bun" || NODE_TOOLS.has(name)) return "node";
  if (name === "rails" || name === "puma" || name === "unicorn" || name === "rackup" || name === "ruby") return "ruby";
  return undefined;
}

export class Evaluator {
  readonly signals: Signal[] = [];
  readonly commands: string[] = [];
  readonly notes: string[] = [];
  readonly families = new Set<string>();

  constructor(private readonly ctx: RunContext) {}

  /** Evaluates one argv (e.g. ENTRYPOINT + CMD) run with the container environment `env`. */
  static evaluate(ctx: RunContext, words: readonly Word[], env: Env, via: readonly string[] = []): RunResult {
    const e = new Evaluator(ctx);
    e.run(words, { env, via, depth: 0, npmHops: 0, scripts: [] });
    return { signals: dedupe(e.signals), commands: e.commands, notes: [...new Set(e.notes)], families: e.families };
  }

  private add(
    kind: SignalKind,
    server: string,
    signal: string,
    at: { loc: Loc; dependsOn?: string },
    frame: Frame,
    fix: string,
    level: Level = kind === "server" || kind === "flag" ? "error" : "warning",
  ): void {
    const dependsOn = at.dependsOn ?? frame.dependsOn;
    this.signals.push({ kind, server, signal, loc: at.loc, level, via: frame.via, fix, ...(dependsOn ? { dependsOn } : {}) });
  }

  run(input: readonly Word[], frame: Frame): void {
    if (frame.depth > MAX_DEPTH) return;
    let argv = [...input];
    let env = frame.env;
    const withEnv = (name: string, value: EnvValue) => {
      const next = new Map(env);
      next.set(name, value);
      env = next;
    };
    for (let guard = 0; guard < 32 && argv.length > 0; guard++) {
      const w0 = argv[0] as Word;
      const name = basename(w0.text);
      const lower = name.toLowerCase();
      const f: Frame = { ...frame, env };
      if (guard === 0 && frame.depth === 0 && frame.npmHops === 0) this.commands.push(commandText(argv));

      // --- launchers that only wrap the real command
      if (PLAIN_WRAPPERS.has(lower)) {
        if (lower === "exec" && argv.length === 1) return;
        argv = argv.slice(skipOptions(argv, 1, PLAIN_WRAPPER_VALUED));
        continue;
      }
      if (lower === "command") {
        if (hasToken(argv.slice(1, 2), "-v", "-V")) return;
        argv = argv.slice(skipOptions(argv, 1, new Set()));
        continue;
      }
      if (lower === "env") {
        let i = 1;
        while (i < argv.length) {
          const t = (argv[i] as Word).text;
          if (t === "-i" || t === "--ignore-environment" || t === "-0" || t === "--null" || t.startsWith("--unset=") || t.startsWith("--chdir=")) i++;
          else if (t === "-u" || t === "--unset" || t === "-C" || t === "--chdir") i += 2;
          else if (t === "-S" || t === "--split-string") {
            const split = splitWords(argv[i + 1]?.text ?? "").map((text) => ({ ...(argv[i + 1] as Word), text }));
            argv = [w0, ...split, ...argv.slice(i + 2)];
            i = 1;
          } else if (t === "--") {
            i++;
            break;
          } else {
            const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(t);
            if (!m) break;
            const word = argv[i] as Word;
            withEnv(m[1] as string, { value: m[2] as string, loc: word.loc, setBy: m[1] as string, ...(word.dependsOn ? { dependsOn: word.dependsOn } : {}) });
            i++;
          }
        }
        argv = argv.slice(i);
        continue;
      }
      if (lower === "dumb-init") {
        argv = argv.slice(skipOptions(argv, 1, new Set(["-r", "--rewrite"])));
        continue;
      }
      if (lower === "tini" || lower === "tini-static") {
        argv = argv.slice(skipOptions(argv, 1, new Set(["-p", "-e"])));
        continue;
      }
      if (lower === "gosu" || lower === "su-exec" || lower === "s6-setuidgid") {
        argv = argv.slice(2);
        continue;
      }
      if (lower === "chpst") {
        argv = argv.slice(skipOptions(argv, 1, new Set(["-u", "-U", "-b", "-e", "-/", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c", "-r", "-t"])));
        continue;
      }
      if (lower === "setpriv") {
        const valued = new Set(["--reuid", "--regid", "--ruid", "--euid", "--rgid", "--egid", "--groups", "--securebits", "--pdeathsig", "--selinux-label", "--apparmor-profile", "--inh-caps", "--ambient-caps", "--bounding-set"]);
        argv = argv.slice(skipOptions(argv, 1, valued));
        continue;
      }
      if (lower === "runuser" || lower === "sudo") {
        argv = argv.slice(skipOptions(argv, 1, new Set(["-u", "-g", "-G", "--user", "--group", "-C", "-D", "-h", "-p", "-U", "-r", "-t", "-T"])));
        continue;
      }
      if (lower === "su") {
        const c = argv.findIndex((w) => w.text === "-c" || w.text === "--command");
        if (c > 0 && argv[c + 1]) this.runScript(argv[c + 1] as Word, [], undefined, f);
        return;
      }
      if (DOUBLE_DASH_WRAPPERS.has(lower)) {
        const dd = indexOfDoubleDash(argv);
        if (dd < 0) {
          if (lower === "dotenv") {
            argv = argv.slice(skipOptions(argv, 1, new Set(["-e", "-c", "-v", "-p"])));
            continue;
          }
          return;
        }
        argv = argv.slice(dd + 1);
        continue;
      }
      if (lower === "with-contenv" || lower === "ddtrace-run") {
        argv = argv.slice(1);
        continue;
      }
      if (lower === "dockerize") {
        let i = 1;
        while (i < argv.length && (argv[i] as Word).text.startsWith("-")) {
          const t = (argv[i] as Word).text;
          i += t.includes("=") || t === "-no-overwrite" || t === "-version" ? 1 : 2;
        }
        argv = argv.slice(i);
        continue;
      }
      if (lower === "newrelic-admin") {
        if (argv[1]?.text === "run-program" || argv[1]?.text === "run-python") {
          argv = argv.slice(2);
          continue;
        }
        return;
      }
      if (lower === "opentelemetry-instrument") {
        let i = 1;
        while (i < argv.length && (argv[i] as Word).text.startsWith("--")) i += (argv[i] as Word).text.includes("=") ? 1 : 2;
        argv = argv.slice(i);
        continue;
      }

      // --- shells: `sh -c "<script>"` is a script; `sh file.sh` runs a file
      if (SHELLS.has(lower) || (lower === "busybox" && argv[1] !== undefined && SHELLS.has(argv[1].text))) {
        const start = lower === "busybox" ? 2 : 1;
        let i = start;
        let commandMode = false;
        while (i < argv.length) {
          const t = (argv[i] as Word).text;
          if (t === "--" || t === "-") {
            i++;
            break;
          }
          if (t === "-o" || t === "+o" || t === "--rcfile" || t === "--init-file") {
            i += 2;
            continue;
          }
          if (/^[-+][A-Za-z]+$/.test(t)) {
            if (t.startsWith("-") && t.includes("c")) commandMode = true;
            i++;
            continue;
          }
          if (t.startsWith("--")) {
            i++;
            continue;
          }
          break;
        }
        const target = argv[i];
        if (!target) return;
        if (commandMode) this.runScript(target, argv.slice(i + 2), argv[i + 1], f);
        else this.runScriptFile(target, argv.slice(i + 1), f);
        return;
      }

      // --- Python launchers
      if (PY.test(lower)) {
        this.families.add("python");
        let i = 1;
        let module: Word | undefined;
        while (i < argv.length) {
          const t = (argv[i] as Word).text;
          if (t === "-m") {
            module = argv[i + 1];
            i += 2;
            break;
          }
          if (t.startsWith("-m") && t.length > 2 && !t.startsWith("--")) {
            module = { ...(argv[i] as Word), text: t.slice(2) };
            i += 1;
            break;
          }
          if (t === "-c") return; // inline code
          if (t === "-W" || t === "-X" || t === "-Q") {
            i += 2;
            continue;
          }
          if (t.startsWith("-") && t !== "-") {
            i++;
            continue;
          }
          break;
        }
        if (module) {
          const text = module.text === "django" ? "django-admin" : module.text;
          argv = [{ ...module, text }, ...argv.slice(i)];
          continue;
        }
        const script = argv[i];
        if (!script) return;
        if (basename(script.text) === "manage.py") {
          argv = argv.slice(i);
          continue;
        }
        this.runPythonFile(script, f);
        return;
      }
      if (lower === "poetry" || lower === "pipenv" || lower === "pdm" || lower === "rye" || lower === "pixi" || lower === "hatch") {
        const r = argv.findIndex((w, n) => n > 0 && w.text === "run");
        if (r < 0) return;
        let i = skipOptions(argv, r + 1, new Set(["-e", "--environment", "--manifest-path", "-p", "--project"]));
        const next = argv[i];
        if (lower === "hatch" && next && /^[A-Za-z0-9_.-]+:./.test(next.text)) {
          argv = [{ ...next, text: next.text.slice(next.text.indexOf(":") + 1) }, ...argv.slice(i + 1)];
          continue;
        }
        if (next?.text === "--") i++;
        argv = argv.slice(i);
        continue;
      }
      if (lower === "uv" || lower === "uvx" || lower === "pipx") {
        let i: number;
        if (lower === "uvx") i = 1;
        else if (lower === "uv" && argv[1]?.text === "run") i = 2;
        else if (argv[1]?.text === "tool" && argv[2]?.text === "run") i = 3;
        else if (lower === "pipx" && argv[1]?.text === "run") i = 2;
        else return;
        const valued = new Set(["--with", "--with-editable", "--with-requirements", "--extra", "--group", "--no-group", "--only-group", "--python", "-p", "--env-file", "--directory", "--project", "--package", "--index", "--default-index", "--index-url", "--extra-index-url", "-i", "--find-links", "-f", "--from", "--spec", "--upgrade-package", "-P", "--reinstall-package", "--index-strategy", "--keyring-provider", "--resolution", "--prerelease", "--exclude-newer", "--link-mode", "--config-setting", "-C", "--cache-dir", "--config-file", "--color", "--refresh-package", "--python-platform"]);
        while (i < argv.length) {
          const t = (argv[i] as Word).text;
          if (t === "--") {
            i++;
            break;
          }
          if (t === "-m" || t === "--module") {
            const mod = argv[i + 1];
            if (!mod) return;
            argv = [mod, ...argv.slice(i + 2)];
            i = -1;
            break;
          }
          if (!t.startsWith("-")) break;
          i += valued.has(t) ? 2 : 1;
        }
        if (i >= 0) argv = argv.slice(i);
        continue;
      }
      if (lower === "conda" || lower === "mamba" || lower === "micromamba") {
        if (argv[1]?.text !== "run") return;
        argv = argv.slice(skipOptions(argv, 2, new Set(["-n", "--name", "-p", "--prefix", "--cwd"])));
        continue;
      }

      // --- Node launchers
      if (lower === "npx" || lower === "bunx" || lower === "pnpx") {
        const c = argv.findIndex((w) => w.text === "-c" || w.text === "--call");
        if (c > 0 && argv[c + 1]) {
          this.runScript(argv[c + 1] as Word, [], undefined, f);
          return;
        }
        argv = argv.slice(skipOptions(argv, 1, new Set(["-p", "--package"])));
        continue;
      }
      if (lower === "npm" || lower === "yarn" || lower === "pnpm" || lower === "bun") {
        this.families.add("node");
        const next = this.packageManager(lower, argv, f);
        if (next === null) return;
        argv = next;
        continue;
      }
      if (lower === "node" || lower === "nodejs") {
        this.families.add("node");
        const valued = new Set(["-r", "--require", "--import", "--loader", "--experimental-loader", "--title", "-C", "--conditions", "--input-type", "--env-file"]);
        let i = 1;
        while (i < argv.length) {
          const t = (argv[i] as Word).text;
          if (t === "--watch" || t.startsWith("--watch-path")) {
            this.add("server", "node --watch", t, argv[i] as Word, f, "Run node without --watch in production");
            return;
          }
          if (t === "-e" || t === "--eval" || t === "-p" || t === "--print") return;
          if (t === "--") {
            i++;
            break;
          }
          if (!t.startsWith("-")) break;
          i += valued.has(t) ? 2 : 1;
        }
        const script = argv[i];
        if (!script) return;
        const tool = basename(script.text).replace(/\.(c|m)?js$/, "");
        if (NODE_TOOLS.has(tool) && (script.text.includes("node_modules") || script.text.includes("/bin/"))) {
          argv = [{ ...script, text: tool }, ...argv.slice(i + 1)];
          continue;
        }
        return;
      }
      if (lower === "bundle" || lower === "bundler") {
        if (argv[1]?.text !== "exec") return;
        argv = argv.slice(2);
        continue;
      }
      if (lower === "iex" || lower === "elixir") {
        const s = argv.findIndex((w) => w.text === "-S");
        if (s < 0) return;
        argv = argv.slice(s + 1);
        continue;
      }

      // --- a script file of the repository (entrypoint scripts), unless it names a known tool
      if (w0.text === "bin/dev" || w0.text === "./bin/dev") {
        this.add("server", "bin/dev", w0.text, w0, f, "bin/dev starts the development Procfile (foreman); start the production server (e.g. bin/rails server -e production)");
        return;
      }
      // An option first: arguments to an ENTRYPOINT this check cannot see (compose `command: --flag`).
      if (w0.text.startsWith("-")) return;
      const fam = familyOf(lower);
      if (fam) this.families.add(fam);
      if (this.detect(lower, argv, f)) return;
      if (!fam && (/\.(sh|bash)$/.test(lower) || w0.text.includes("/"))) {
        if (lower.endsWith(".py")) this.runPythonFile(w0, f);
        else this.runScriptFile(w0, argv.slice(1), f);
        return;
      }
      return;
    }
  }

  /** `sh -c <script> [arg0 [args…]]`: each command of the script, with the script's own variables. */
  private runScript(script: Word, positional: readonly Word[], arg0: Word | undefined, frame: Frame): void {
    const cmds = parseShell(script.text, {
      env: frame.env,
      positional,
      ...(arg0 ? { arg0 } : {}),
      locAt: () => script.loc,
      conditionLabel: frame.dependsOn ?? "a condition in the shell command",
    });
    for (const c of cmds) this.runShellCommand(c.words, c.env, c.assignments, c.conditional, frame);
  }

  private runShellCommand(words: readonly Word[], env: Env, assignments: Env, conditional: string | undefined, frame: Frame): void {
    if (words.length === 0) return;
    const merged = assignments.size > 0 ? new Map([...env, ...assignments]) : env;
    const dependsOn = conditional ?? frame.dependsOn;
    this.run(words, { ...frame, env: merged, depth: frame.depth + 1, ...(dependsOn ? { dependsOn } : {}) });
  }

  private runScriptFile(file: Word, positional: readonly Word[], frame: Frame): void {
    const resolved = this.ctx.resolveFile(file.text);
    if (!resolved && basename(file.text) === "start-reload.sh") {
      // The development script of the tiangolo/uvicorn-gunicorn images: uvicorn --reload.
      this.add("flag", "uvicorn", "/start-reload.sh", file, frame, "");
      return;
    }
    if (!resolved || resolved.text === undefined) {
      if (resolved) this.notes.push(`${file.text} (${resolved.path}) was not read (${resolved.reason ?? "not in the check's script globs"}); its commands were not checked`);
      else if (positional.length > 0 || /\.(sh|bash)$/.test(file.text)) {
        // A path that is no repository file is usually a built binary; a script name is worth saying.
        this.notes.push(`${file.text} is not a file of the repository${positional.length > 0 ? "; assumed it runs its arguments (exec \"$@\")" : ""}`);
      }
      // The usual entrypoint ends with `exec "$@"`: judge the arguments as the command.
      if (positional.length > 0) this.run(positional, { ...frame, depth: frame.depth + 1 });
      return;
    }
    if (frame.scripts.includes(resolved.path)) return;
    const text = resolved.text;
    const firstLine = text.slice(0, text.indexOf("\n") >>> 0);
    if (/^#!.*python/.test(firstLine)) {
      this.runPythonFile(file, frame);
      return;
    }
    const cmds = parseShell(text, {
      env: frame.env,
      positional,
      arg0: file,
      locAt: (line) => ({ path: resolved.path, line: line + 1 }),
      conditionLabel: `a condition in ${resolved.path}`,
    });
    const next: Frame = { ...frame, via: [...frame.via, resolved.path], scripts: [...frame.scripts, resolved.path] };
    for (const c of cmds) this.runShellCommand(c.words, c.env, c.assignments, c.conditional, next);
  }

  private runPythonFile(file: Word, frame: Frame): void {
    this.families.add("python");
    const resolved = this.ctx.resolveFile(file.text);
    if (!resolved || resolved.text === undefined) {
      if (resolved) this.notes.push(`${file.text} (${resolved.path}) was not read; its app.run(...) calls were not checked`);
      return;
    }
    for (const s of scanRunCalls(resolved.text)) {
      const loc = { path: resolved.path, line: s.line };
      const via = [...frame.via, `python ${file.text}`];
      const at = { loc, ...(s.conditional ? { dependsOn: `a condition in ${resolved.path}` } : {}) };
      if (s.server === "uvicorn") this.add("flag", s.call, s.signal, at, { ...frame, via }, "Call uvicorn.run without reload=True in production");
      else this.add("flag", s.call, s.signal, at, { ...frame, via }, `Drop ${s.signal} (it enables the debugger or the reloader)`);
    }
  }

  /** npm/yarn/pnpm/bun: resolve `run <script>` through package.json; returns the next argv or null when done. */
  private packageManager(pm: string, argv: readonly Word[], frame: Frame): Word[] | null {
    let i = 1;
    let prefix: string | undefined;
    let unresolvable: string | undefined;
    const valued = new Set(["--prefix", "--cwd", "-C", "--dir", "--loglevel", "-w", "--workspace", "--filter", "-F"]);
    // Global options before the subcommand.
    while (i < argv.length) {
      const t = (argv[i] as Word).text;
      if (!t.startsWith("-")) break;
      const [flag, inline] = t.includes("=") ? [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1)] : [t, undefined];
      const value = inline ?? (valued.has(flag) ? argv[i + 1]?.text : undefined);
      if (flag === "--prefix" || flag === "--cwd" || flag === "-C" || flag === "--dir") prefix = value;
      if (flag === "-w" || flag === "--workspace" || flag === "--filter" || flag === "-F") unresolvable = `${flag} ${value ?? ""}`.trim();
      if (flag === "-r" || flag === "--recursive" || flag === "--workspaces" || flag === "-ws") unresolvable = flag;
      if (pm === "bun" && (flag === "--watch" || flag === "--hot")) {
        this.add("server", `bun ${flag}`, flag, argv[i] as Word, frame, `Run bun without ${flag} in production`);
        return null;
      }
      i += inline === undefined && valued.has(flag) ? 2 : 1;
    }
    const sub = argv[i];
    if (!sub) return null;
    const rest = argv.slice(i + 1);
    const runScripts = new Set(["run", "run-script", "rum", "urn"]);
    if (runScripts.has(sub.text)) {
      // Options of `run` come before the script name: `npm run -d start` runs "start".
      let j = 0;
      while (j < rest.length && (rest[j] as Word).text.startsWith("-") && (rest[j] as Word).text !== "--") {
        const t = (rest[j] as Word).text;
        if (pm === "bun" && (t === "--watch" || t === "--hot")) {
          this.add("server", `bun ${t}`, t, rest[j] as Word, frame, `Run bun without ${t} in production`);
          return null;
        }
        if (t === "--prefix" || t === "--cwd") prefix = rest[j + 1]?.text;
        j += valued.has(t) ? 2 : 1;
      }
      const script = rest[j];
      if (!script) return null;
      this.runPackageScript(pm, script, extraArgs(pm, rest.slice(j + 1)), prefix, unresolvable, frame);
      return null;
    }
    if (["start", "test", "t", "tst", "restart", "stop"].includes(sub.text)) {
      const canonical = sub.text === "t" || sub.text === "tst" ? "test" : sub.text === "restart" ? "start" : sub.text;
      this.runPackageScript(pm, { ...sub, text: canonical }, extraArgs(pm, rest), prefix, unresolvable, frame);
      return null;
    }
    if (sub.text === "exec" || sub.text === "x" || sub.text === "dlx") {
      return rest.slice(skipOptions(rest, 0, new Set(["-p", "--package", "-c", "--call"])));
    }
    if (pm === "npm") return null; // install, ci, … are not servers
    if (pm === "yarn" && sub.text === "workspace") {
      const script = rest[1];
      if (script) this.runPackageScript(pm, script, extraArgs(pm, rest.slice(2)), prefix, `workspace ${rest[0]?.text ?? ""}`, frame);
      return null;
    }
    const builtins = new Set(["install", "i", "add", "remove", "ci", "audit", "cache", "config", "info", "init", "link", "outdated", "pack", "publish", "rebuild", "up", "upgrade", "why", "create", "import", "dedupe", "prune", "store", "fetch", "node"]);
    if (sub.text === "node") return [{ ...sub, text: "node" }, ...rest];
    if (builtins.has(sub.text)) return null;
    // `yarn dev`, `pnpm dev`, `bun dev`: a script if package.json has it, else a binary.
    const pkg = unresolvable ? undefined : this.ctx.packageScripts(prefix);
    if (pkg && typeof pkg !== "string" && pkg.scripts.has(sub.text)) {
      this.runPackageScript(pm, sub, rest, prefix, undefined, frame);
      return null;
    }
    if (pm === "bun" && /\.(ts|tsx|js|mjs|cjs|jsx)$/.test(sub.text)) return null;
    if (typeof pkg === "string" || pkg === undefined) {
      if (DEV_SCRIPT_NAME.test(sub.text) && !NODE_TOOLS.has(sub.text)) {
        this.runPackageScript(pm, sub, rest, prefix, unresolvable, frame);
        return null;
      }
    }
    return [sub, ...rest];
  }

  private runPackageScript(pm: string, script: Word, extra: readonly Word[], prefix: string | undefined, unresolvable: string | undefined, frame: Frame): void {
    const label = `${pm} run ${script.text}`;
    if (frame.npmHops >= MAX_NPM_HOPS) {
      this.notes.push(`${label}: more than ${MAX_NPM_HOPS} nested package scripts; not followed`);
      return;
    }
    const pkg = unresolvable ? `it runs in another workspace (${unresolvable})` : this.ctx.packageScripts(prefix);
    if (typeof pkg === "string") {
      if (DEV_SCRIPT_NAME.test(script.text)) this.add("unresolved-script", label, script.text, script, frame, pkg);
      else this.notes.push(`${label}: ${pkg}`);
      return;
    }
    let body = pkg.scripts.get(script.text);
    if (body === undefined) {
      if (script.text === "start" && pm === "npm") body = "node server.js";
      else if (pm !== "npm") {
        this.run([script, ...extra], { ...frame, depth: frame.depth + 1 });
        return;
      } else {
        this.notes.push(`${label}: ${pkg.path} has no script "${script.text}"`);
        return;
      }
    }
    const full = extra.length > 0 ? `${body} ${extra.map((w) => shellQuote(w.text)).join(" ")}` : body;
    const shown = redact(body.replace(/\s+/g, " ").trim());
    const via = [...frame.via, `${label} → "${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}" (${pkg.path})`];
    const cmds = parseShell(full, {
      env: frame.env,
      locAt: () => script.loc,
      conditionLabel: `a condition in the "${script.text}" script of ${pkg.path}`,
    });
    const next: Frame = { ...frame, via, npmHops: frame.npmHops + 1 };
    for (const c of cmds) this.runShellCommand(c.words, c.env, c.assignments, c.conditional, next);
  }

  /** The table of spec §4.3. Returns true when the command was recognised (judged or known to be fine). */
  private detect(name: string, argv: readonly Word[], frame: Frame): boolean {
    const args = argv.slice(1);
    const w0 = argv[0] as Word;
    const env = frame.env;
    const envSignal = (key: string, test: (v: string) => boolean) => {
      const v = env.get(key);
      return v && test(v.value) ? v : undefined;
    };
    switch (name) {
      case "uvicorn": {
        const reload = hasToken(args, "--reload");
        if (reload) this.add("flag", "uvicorn", "--reload", reload, frame, "");
        else {
          const opt = hasToken(args, "--reload-dir", "--reload-include", "--reload-exclude", "--reload-delay");
          const viaEnv = envSignal("UVICORN_RELOAD", truthyClick);
          if (viaEnv) this.add("flag", "uvicorn", `UVICORN_RELOAD=${viaEnv.value}`, viaEnv, frame, "");
          else if (opt) this.add("reload-option", "uvicorn", opt.text.split("=")[0] as string, opt, frame, "");
        }
        return true;
      }
      case "fastapi": {
        const sub = positionals(args)[0];
        if (sub?.text === "dev") this.add("server", "fastapi dev", "dev", sub, frame, "Use fastapi run (no reload) in production");
        else {
          const reload = hasToken(args, "--reload");
          if (reload) this.add("flag", "fastapi run", "--reload", reload, frame, "");
        }
        return true;
      }
      case "gunicorn": {
        const reload = hasToken(args, "--reload");
        if (reload) this.add("flag", "gunicorn", "--reload", reload, frame, "");
        const cmdArgs = env.get("GUNICORN_CMD_ARGS");
        if (!reload && cmdArgs && splitWords(cmdArgs.value).some((t) => t === "--reload" || t.startsWith("--reload="))) {
          this.add("flag", "gunicorn", "GUNICORN_CMD_ARGS=--reload", cmdArgs, frame, "");
        }
        if (!reload) {
          const opt = hasToken(args, "--reload-engine", "--reload-extra-file");
          if (opt) this.add("reload-option", "gunicorn", opt.text.split("=")[0] as string, opt, frame, "");
        }
        // The config file: -c/--config, else ./gunicorn.conf.py (gunicorn's default).
        let config: string | undefined;
        for (let i = 0; i < args.length; i++) {
          const t = (args[i] as Word).text;
          if (t === "-c" || t === "--config") config = args[i + 1]?.text;
          else if (t.startsWith("--config=")) config = t.slice(9);
          else if (t.startsWith("-c") && t.length > 2 && !t.startsWith("--")) config = t.slice(2);
        }
        if (config?.startsWith("python:")) config = undefined;
        const file = this.ctx.resolveFile(config ?? "gunicorn.conf.py");
        if (file?.text !== undefined) {
          for (const s of scanGunicornConfig(file.text)) {
            this.add("flag", "gunicorn", s.signal, { loc: { path: file.path, line: s.line }, ...(s.conditional ? { dependsOn: `a condition in ${file.path}` } : {}) }, frame, "");
          }
        } else if (config && file) this.notes.push(`gunicorn config ${config} (${file.path}) was not read`);
        return true;
      }
      case "hypercorn":
      case "granian": {
        const reload = hasToken(args, "--reload");
        if (reload) this.add("flag", name, "--reload", reload, frame, "");
        return true;
      }
      case "flask": {
        const groupValued = new Set(["--app", "-A", "--env-file", "-e"]);
        const pos = positionals(args, groupValued);
        const sub = pos[0];
        if (sub?.text !== "run") return true;
        const subIndex = args.indexOf(sub);
        const before = args.slice(0, subIndex);
        const after = args.slice(subIndex + 1);
        this.add("server", "flask run", "flask run", sub, frame, "Serve the app with a WSGI server such as gunicorn");
        // --debug is a group option (Flask 2.2) and a `run` option too (Flask 2.2.3).
        const debug = hasToken(before, "--debug") ?? hasToken(after, "--debug");
        if (debug) this.add("flag", "flask", "--debug", debug, frame, "");
        else if (!hasToken(before, "--no-debug") && !hasToken(after, "--no-debug")) {
          const fd = envSignal("FLASK_DEBUG", truthyFlask);
          if (fd) this.add("flag", "flask", `FLASK_DEBUG=${fd.value}`, fd, frame, "");
          const fe = envSignal("FLASK_ENV", (v) => v === "development");
          if (fe) this.add("setting", "flask", "FLASK_ENV=development", fe, frame, "FLASK_ENV is ignored since Flask 2.3 (it enabled debug mode before); remove it", "notice");
        }
        const reload = hasToken(after, "--reload", "--debugger");
        if (reload) this.add("flag", "flask run", reload.text.split("=")[0] as string, reload, frame, "");
        else if (!hasToken(after, "--no-reload")) {
          const rr = envSignal("FLASK_RUN_RELOAD", truthyClick);
          if (rr) this.add("flag", "flask run", `FLASK_RUN_RELOAD=${rr.value}`, rr, frame, "");
        }
        return true;
      }
      case "manage.py":
      case "django-admin": {
        const sub = positionals(args, new Set(["--settings", "--pythonpath"]))[0];
        if (sub && (sub.text === "runserver" || sub.text === "runserver_plus")) {
          this.add("server", `manage.py ${sub.text}`, sub.text, sub, frame, "Serve the project with gunicorn or uvicorn (e.g. gunicorn project.wsgi)");
        }
        return true;
      }
      case "nodemon":
      case "ts-node-dev":
      case "tsnd":
      case "webpack-dev-server":
      case "air":
      case "compiledaemon":
      case "reflex":
        this.add("server", name === "compiledaemon" ? "CompileDaemon" : name, w0.text, w0, frame, serverFix(name));
        return true;
      case "tsx": {
        const sub = args[0];
        if (sub?.text === "watch") this.add("server", "tsx watch", "watch", sub, frame, "Run the compiled JavaScript with node");
        return true;
      }
      case "next":
      case "nuxt":
      case "nuxi": {
        const valued = new Set(["-p", "--port", "-H", "--hostname"]);
        const sub = positionals(args, valued)[0];
        const known = new Set(["build", "start", "export", "lint", "info", "telemetry", "generate", "preview", "analyze", "typecheck", "prepare", "cleanup", "add", "init", "upgrade", "module", "devtools", "test", "experimental-compile", "experimental-test-proxy"]);
        const isDev = sub?.text === "dev" || (name !== "nuxi" && (sub === undefined || !known.has(sub.text)));
        if (isDev) this.add("server", `${name} dev`, sub?.text ?? name, sub ?? w0, frame, name === "next" ? "Run next build at build time and next start in the image" : "Run nuxt build at build time and node .output/server/index.mjs in the image");
        return true;
      }
      case "vite": {
        const pos = positionals(args, new Set(["--port", "--host", "--mode", "-m", "--config", "-c", "--base", "--logLevel", "-l", "--outDir"]));
        const sub = pos.find((w) => ["build", "optimize", "preview", "serve", "dev"].includes(w.text));
        if (sub?.text === "build" || sub?.text === "optimize") return true;
        this.add("server", sub?.text === "preview" ? "vite preview" : "vite", sub?.text ?? "vite", sub ?? w0, frame, "Run vite build at build time and serve the built files with a web server");
        return true;
      }
      case "react-scripts":
      case "ng":
      case "webpack":
      case "webpack-cli":
      case "gatsby":
      case "astro":
      case "remix":
      case "vue-cli-service":
      case "ember":
      case "parcel": {
        const sub = positionals(args)[0];
        const devSub: Record<string, readonly string[]> = {
          "react-scripts": ["start"],
          ng: ["serve", "s"],
          webpack: ["serve", "server", "s"],
          "webpack-cli": ["serve", "server", "s"],
          gatsby: ["develop"],
          astro: ["dev"],
          remix: ["dev"],
          "vue-cli-service": ["serve"],
          ember: ["serve", "s", "server"],
        };
        const isDev = name === "parcel" ? sub?.text !== "build" : sub !== undefined && (devSub[name] ?? []).includes(sub.text);
        if (isDev) this.add("server", sub ? `${name} ${sub.text}` : name, sub?.text ?? name, sub ?? w0, frame, "Build the assets at build time and serve them with a production server");
        return true;
      }
      case "nest": {
        const watch = argv[1]?.text === "start" ? hasToken(args, "--watch", "-w") : undefined;
        if (watch) this.add("flag", "nest start", "--watch", watch, frame, "");
        return true;
      }
      case "rails":
      case "rails.rb": {
        const sub = args[0];
        if (!sub || !["s", "server"].includes(sub.text)) return true;
        let railsEnv: { value: string; at: { loc: Loc; dependsOn?: string } } | undefined;
        for (let i = 1; i < args.length; i++) {
          const t = (args[i] as Word).text;
          if (t === "-e" || t === "--environment") railsEnv = { value: args[i + 1]?.text ?? "", at: (args[i + 1] ?? args[i]) as Word };
          else if (t.startsWith("--environment=")) railsEnv = { value: t.slice(14), at: args[i] as Word };
          else if (t.startsWith("-e") && t.length > 2) railsEnv = { value: t.slice(2), at: args[i] as Word };
        }
        if (!railsEnv) {
          const v = env.get("RAILS_ENV") ?? env.get("RACK_ENV");
          if (v && v.value !== "") railsEnv = { value: v.value, at: v };
        }
        if (!railsEnv) this.add("server", "rails server", "RAILS_ENV unset (development)", sub, frame, "Set RAILS_ENV=production in the image (rails server defaults to development)");
        else if (railsEnv.value === "development") this.add("server", "rails server", "RAILS_ENV=development", railsEnv.at, frame, "Set RAILS_ENV=production in the image");
        return true;
      }
      case "php": {
        const first = args[0];
        if (first && basename(first.text) === "artisan" && args[1]?.text === "serve") {
          this.add("server", "php artisan serve", "serve", args[1], frame, "Serve the app with php-fpm behind a web server (or FrankenPHP/Octane)");
        } else {
          const s = args.find((w) => w.text === "-S");
          if (s) this.add("server", "php -S", "-S", s, frame, "Serve the app with php-fpm behind a web server");
        }
        return true;
      }
      case "dotnet": {
        const sub = positionals(args)[0];
        if (sub?.text === "watch") this.add("server", "dotnet watch", "watch", sub, frame, "Run the published build (dotnet <app>.dll)");
        return true;
      }
      case "mvn":
      case "mvnw":
      case "gradle":
      case "gradlew": {
        const goal = args.find((w) => w.text === "spring-boot:run" || w.text === "bootRun");
        if (goal) this.add("runner", `${name} ${goal.text}`, goal.text, goal, frame, "Build the jar at build time and run java -jar app.jar");
        return true;
      }
      case "mix": {
        if (args[0]?.text !== "phx.server") return true;
        const mixEnv = env.get("MIX_ENV");
        if (mixEnv?.value !== "prod") this.add("runner", "mix phx.server", mixEnv ? `MIX_ENV=${mixEnv.value}` : "MIX_ENV unset (dev)", mixEnv ?? (args[0] as Word), frame, "Build a release (mix release) and run it, or set MIX_ENV=prod");
        return true;
      }
      default:
        return familyOf(name) !== undefined;
    }
  }
}

/** The command as a person reads it: `/bin/sh -c "npm start"` is shown as `npm start`; secrets masked. */
function commandText(argv: readonly Word[]): string {
  const texts = argv.map((w) => w.text);
  const shellForm = texts.length === 3 && SHELLS.has(basename(texts[0] ?? "")) && texts[1] === "-c";
  return redact((shellForm ? (texts[2] ?? "") : texts.join(" ")).replace(/\s+/g, " ").trim()).slice(0, 200);
}

const SECRET_NAME = /pass|secret|token|key|pwd|auth|credential/i;

/**
 * Masks what looks like a secret in a command shown in facts or messages: `--password x`,
 * `--requirepass=x`, `API_KEY=x`, `scheme://user:x@host`. Findings never carry secret values.
 */
export function redact(text: string): string {
  const tokens = text.split(" ");
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let t = tokens[i] as string;
    t = t.replace(/(:\/\/[^/\s:@]*:)[^@\s]+@/g, "$1***@");
    const eq = t.indexOf("=");
    if (eq > 0 && SECRET_NAME.test(t.slice(0, eq))) t = `${t.slice(0, eq + 1)}***`;
    else if (i > 0 && /^-/.test(tokens[i - 1] ?? "") && !(tokens[i - 1] ?? "").includes("=") && SECRET_NAME.test(tokens[i - 1] ?? "") && !t.startsWith("-")) t = "***";
    out.push(t);
  }
  return out.join(" ");
}

function extraArgs(pm: string, rest: readonly Word[]): Word[] {
  // npm passes positional args (and everything after `--`); yarn/pnpm/bun pass everything.
  if (pm !== "npm") return rest[0]?.text === "--" ? rest.slice(1) : [...rest];
  const dd = rest.findIndex((w) => w.text === "--");
  const before = dd < 0 ? rest : rest.slice(0, dd);
  return [...before.filter((w) => !w.text.startsWith("-")), ...(dd < 0 ? [] : rest.slice(dd + 1))];
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

function serverFix(name: string): string {
  switch (name) {
    case "nodemon":
    case "ts-node-dev":
    case "tsnd":
      return "Run the built app with node (e.g. node dist/main.js)";
    case "webpack-dev-server":
      return "Build the bundle at build time and serve it with a production server";
    default:
      return "Build the binary at build time and run it directly";
  }
}

function dedupe(signals: readonly Signal[]): Signal[] {
  const seen = new Map<string, Signal>();
  for (const s of signals) {
    const key = `${s.kind}|${s.server}|${s.signal}|${s.loc.path}|${s.loc.line}`;
    if (!seen.has(key)) seen.set(key, s);
  }
  return [...seen.values()];
}

/**
 * Settings of the container environment that matter for the families of commands it runs
 * (spec §4.3): NODE_ENV=development, DEBUG/DJANGO_DEBUG; and, when the command could not be
 * determined, the servers' own switches (FLASK_DEBUG, UVICORN_RELOAD, GUNICORN_CMD_ARGS, RAILS_ENV).
 */
export function environmentSignals(env: Env, families: ReadonlySet<string>, commandKnown: boolean, via: readonly string[] = []): Signal[] {
  const out: Signal[] = [];
  const add = (server: string, signal: string, v: EnvValue, fix: string, level: Level = "warning") =>
    out.push({ kind: "setting", server, signal, loc: v.loc, level, via, fix, ...(v.dependsOn ? { dependsOn: v.dependsOn } : {}) });
  const node = env.get("NODE_ENV");
  if (node?.value === "development" && (families.has("node") || !commandKnown)) {
    add("node", "NODE_ENV=development", node, "Set NODE_ENV=production in the image; development builds are slower and leak stack traces");
  }
  for (const key of ["DEBUG", "DJANGO_DEBUG"]) {
    const v = env.get(key);
    if (v && truthyDebug(v.value) && families.has("python")) {
      add("django", `${key}=${v.value}`, v, `Set ${key}=False in production (Django shows tracebacks and settings with DEBUG on)`);
    }
  }
  const flaskDebug = env.get("FLASK_DEBUG");
  if (flaskDebug && truthyFlask(flaskDebug.value) && (families.has("python") || !commandKnown)) {
    add("flask", `FLASK_DEBUG=${flaskDebug.value}`, flaskDebug, "Remove FLASK_DEBUG from the production environment (it turns on app.debug)");
  }
  if (!commandKnown) {
    const uv = env.get("UVICORN_RELOAD");
    if (uv && truthyClick(uv.value)) add("uvicorn", `UVICORN_RELOAD=${uv.value}`, uv, "Remove UVICORN_RELOAD from the production environment");
    const gca = env.get("GUNICORN_CMD_ARGS");
    if (gca && splitWords(gca.value).some((t) => t === "--reload" || t.startsWith("--reload="))) {
      add("gunicorn", "GUNICORN_CMD_ARGS=--reload", gca, "Remove --reload from GUNICORN_CMD_ARGS");
    }
    const rails = env.get("RAILS_ENV");
    if (rails?.value === "development") add("rails", "RAILS_ENV=development", rails, "Set RAILS_ENV=production in the image");
  }
  return out;
}
