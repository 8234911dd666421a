/**
 * `dockerfile-reload`: no production image or production compose service starts a server with a
 * development flag or a development server (spec §4 of check-specs.md).
 *
 * Collect (files, workflows, compose services, Dockerfile stages) → evaluate each shipped image's
 * effective command (command.ts) → judge by where the image ships (production, ambiguous base
 * compose, development-only).
 */
import posix from "node:path/posix";
import { z } from "zod";
import { defineCheck } from "../../src/check/define.js";
import { anyGlob } from "../../src/check/glob.js";
import { compilableGlob } from "../../src/check/globs.js";
import type { CheckContext, Facts, Finding, JsonValue } from "../../src/check/types.js";
import {
  COMPOSE_GLOBS,
  composeKindByName,
  DEFAULT_SCRIPT_GLOBS,
  devReason,
  DOCKERFILE_GLOBS,
  isDockerfilePath,
  PACKAGE_JSON_GLOBS,
  WORKFLOW_GLOBS,
  type ComposeKind,
} from "./classify.js";
import { environmentSignals, Evaluator, type PackageScripts, type ResolvedFile, type RunContext } from "./command.js";
import { parseCompose, type ComposeService } from "./compose.js";
import { copySourceMatches } from "./copy-glob.js";
import {
  commandWords,
  effectiveArgv,
  evaluateStage,
  parseDockerfile,
  stageAtLine,
  stageByName,
  stageLabel,
  type CommandSpec,
  type ImageState,
  type ParsedDockerfile,
  type Stage,
} from "./dockerfile.js";
import type { Env, EnvValue, Signal, Word } from "./types.js";
import { readWorkflow, type WorkflowBuild, type WorkflowInfo } from "./workflows.js";

const messages = {
  "dev-server-flag": {
    message: "{{server}} is started with {{signal}} in {{where}}",
    help: "Drop {{signal}}; keep it in Dockerfile.dev or a compose override",
    severity: "error",
  },
  "dev-server": {
    message: "{{server}} is a development server, started in {{where}}",
    help: "{{fix}}; keep {{server}} in Dockerfile.dev or a compose override",
    severity: "error",
  },
  "dev-runner": {
    message: "{{server}} runs the application with a development runner ({{signal}}) in {{where}}",
    help: "{{fix}}",
    severity: "warning",
  },
  "dev-setting": {
    message: "{{signal}} is set for {{where}}",
    help: "{{fix}}",
    severity: "warning",
  },
  "reload-option-ignored": {
    message: "{{server}} is given {{signal}} without --reload in {{where}}; the option does nothing",
    help: "Remove {{signal}}; reload options belong with --reload in Dockerfile.dev or a compose override",
    severity: "warning",
  },
  "unresolved-script": {
    message: "{{server}} in {{where}} looks like a development script, and {{reason}}",
    help: "Run the production command directly (e.g. node dist/main.js), or keep package.json in the build context so the script can be checked",
    severity: "warning",
  },
  "conditional-dev-signal": {
    message: "{{what}} in {{where}} depends on {{condition}}",
    help: "Make the production default safe: enable {{signal}} only in Dockerfile.dev or a compose override, not through {{condition}}",
    severity: "warning",
  },
  "ambiguous-compose": {
    message: "{{what}} in {{where}}, a compose file not named for development or production",
    help: "Move it to compose.override.yaml (merged automatically in development) or a *.dev.yml compose file; if this file is used in production, drop it",
    severity: "warning",
  },
  "exec-form-invalid": {
    message: "{{keyword}} is not valid JSON exec form, so Docker runs it with /bin/sh -c",
    help: 'Use double quotes in exec form, e.g. {{keyword}} ["uvicorn", "app:app"] (hadolint DL3025)',
    severity: "warning",
  },
  "unparsable-file": {
    message: "{{path}} could not be parsed: {{error}}",
    help: "Fix the syntax; docker compose refuses this file",
    severity: "error",
  },
  "file-not-read": {
    message: "{{path}} was not read ({{reason}}), so it was not checked",
    help: "Keep Dockerfiles and compose files as text files under 1 MiB",
    severity: "warning",
  },
} as const;

type MessageId = keyof typeof messages;

const options = z
  .object({
    devPaths: z
      .array(compilableGlob)
      .default([])
      .describe("Extra globs of development-only Dockerfiles and compose files (skipped, listed in facts)"),
    productionPaths: z
      .array(compilableGlob)
      .default([])
      .describe("Globs always judged as production, whatever their names (also read when the default globs miss them)"),
    ambiguousCompose: z
      .enum(["warn", "fail", "ignore"])
      .default("warn")
      .describe("How to judge a development signal in a compose file not named for development or production (docker-compose.yml)"),
    scripts: z
      .array(compilableGlob)
      .default([...DEFAULT_SCRIPT_GLOBS])
      .describe("Globs of entrypoint scripts and Python files the check may read to follow the command; [] turns the script scan off"),
  })
  .strict();

type Options = z.output<typeof options>;
type Ctx = CheckContext<Options, MessageId>;

type Judgement = "production" | "ambiguous" | "development";

interface FileFact {
  path: string;
  kind: "dockerfile" | "compose";
  reason: string;
  targets?: string[];
  commands?: string[];
  signals?: string[];
}

export const dockerfileReload = defineCheck({
  id: "dockerfile-reload",
  title: "No development servers in production images",
  description:
    "Fails when a production Dockerfile's final stage (or a production compose service) starts a server with a development flag (uvicorn/gunicorn --reload, flask --debug, FLASK_DEBUG=1) or a development server (runserver, flask run, nodemon, next dev, vite, air, rails s in development). Follows stage inheritance, ENTRYPOINT/CMD, sh -c, launchers, npm scripts and entrypoint scripts; development-only files are skipped and listed.",
  options,
  messages,
  claimPhrases: () => ["--reload", "reload", "development flags", "dev flags", "development server", "dev server", "runserver", "nodemon"],
  files: (o) => [...DOCKERFILE_GLOBS, ...COMPOSE_GLOBS, ...WORKFLOW_GLOBS, ...PACKAGE_JSON_GLOBS, ...o.scripts, ...o.productionPaths],
  run(ctx) {
    return new Audit(ctx).run();
  },
});

function describeSignal(s: Signal): string {
  if (s.kind === "flag" || s.kind === "reload-option") return `${s.server} with ${s.signal}`;
  if (s.kind === "setting") return s.signal;
  return s.server;
}

const SEVERITY_RANK = { error: 3, warning: 2, notice: 1 } as const;

class Audit {
  private readonly findings: { finding: Finding; key: string }[] = [];
  private readonly judged: FileFact[] = [];
  private readonly skipped: FileFact[] = [];
  private readonly unshipped: { path: string; stage: string; signals: string[] }[] = [];
  private readonly unread: { path: string; reason: string }[] = [];
  private readonly notes = new Set<string>();
  private readonly dockerfiles = new Map<string, ParsedDockerfile | null>();
  private readonly packages = new Map<string, PackageScripts | string>();
  private readonly isDevPath: (p: string) => boolean;
  private readonly isProdPath: (p: string) => boolean;

  constructor(private readonly ctx: Ctx) {
    this.isDevPath = anyGlob(ctx.options.devPaths);
    this.isProdPath = anyGlob(ctx.options.productionPaths);
  }

  run() {
    const { ctx } = this;
    const all = ctx.allPaths;
    const prodExtra = ctx.options.productionPaths.length > 0 ? ctx.match(ctx.options.productionPaths, all) : [];
    // A cheap name test first: the globs then run on a handful of paths, not on every file.
    const candidates = all.filter((p) => /dockerfile|containerfile|compose/i.test(p.slice(p.lastIndexOf("/") + 1)));
    const composePaths = ctx.match([...COMPOSE_GLOBS], candidates);
    const composeSet = new Set(composePaths);
    const dockerfilePaths = [...new Set([...ctx.match([...DOCKERFILE_GLOBS], candidates).filter(isDockerfilePath), ...prodExtra.filter((p) => !composeSet.has(p))])].sort();
    if (dockerfilePaths.length === 0 && composePaths.length === 0) {
      return { status: "not-applicable" as const, summary: "no Dockerfile or compose file in the repository", findings: [] };
    }

    const workflows = ctx.match([...WORKFLOW_GLOBS], ctx.paths.filter((p) => p.startsWith(".github/workflows/"))).map((p) => readWorkflow(p, this.text(p) ?? ""));
    const deployed = workflows.filter((w) => w.deploys);
    const buildsByFile = new Map<string, { build: WorkflowBuild; workflow: WorkflowInfo }[]>();
    for (const w of deployed) {
      for (const b of w.builds) buildsByFile.set(b.dockerfile, [...(buildsByFile.get(b.dockerfile) ?? []), { build: b, workflow: w }]);
    }
    const composeDeployed = new Map<string, string>();
    for (const w of deployed) for (const c of w.composeFiles) composeDeployed.set(c.file, w.path);

    const composeBuilds = new Map<string, string[]>();
    for (const path of composePaths) this.compose(path, composeDeployed.get(path), composeBuilds);
    for (const path of dockerfilePaths) this.dockerfile(path, buildsByFile.get(path) ?? [], composeBuilds.get(path) ?? []);

    return this.result(dockerfilePaths.length, composePaths.length);
  }

  // ---------------------------------------------------------------- reading

  private readonly texts = new Map<string, string | undefined>();

  /** `ctx.read`, once per path (it tests the check's globs on every call). */
  private text(path: string): string | undefined {
    if (!this.texts.has(path)) this.texts.set(path, this.ctx.read(path));
    return this.texts.get(path);
  }

  private readOrNote(path: string, judgement: Judgement, kind: "dockerfile" | "compose"): string | undefined {
    const text = this.text(path);
    if (text !== undefined) return text;
    const reason = this.ctx.skipped(path) ?? "unreadable";
    this.unread.push({ path, reason });
    if (judgement !== "development") {
      this.push(this.ctx.finding("file-not-read", { path, data: { path, reason }, ...(judgement === "ambiguous" && kind === "compose" ? { severity: "notice" as const } : {}) }));
    }
    return undefined;
  }

  private parsed(path: string): ParsedDockerfile | null {
    if (!this.dockerfiles.has(path)) {
      const text = this.text(path);
      this.dockerfiles.set(path, text === undefined ? null : parseDockerfile(path, text));
    }
    return this.dockerfiles.get(path) ?? null;
  }

  private packageJson(path: string): PackageScripts | string | undefined {
    if (!this.ctx.exists(path)) return undefined;
    const cached = this.packages.get(path);
    if (cached !== undefined) return cached;
    const text = this.text(path);
    let result: PackageScripts | string;
    if (text === undefined) result = `${path} was not read (${this.ctx.skipped(path) ?? "unreadable"})`;
    else {
      try {
        const json: unknown = JSON.parse(text);
        const scripts = new Map<string, string>();
        const raw = json !== null && typeof json === "object" ? (json as { scripts?: unknown }).scripts : undefined;
        if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
          for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === "string") scripts.set(k, v);
        }
        result = { path, scripts };
      } catch (error) {
        result = `${path} is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
      }
    }
    this.packages.set(path, result);
    return result;
  }

  /** How a path in the image maps to the repository: COPY/ADD sources, then the context, the Dockerfile's directory, the root. */
  private runContext(state: ImageState | null, contextDir: string | null, dockerfileDir: string | null): RunContext {
    const { ctx } = this;
    const roots = [...new Set([contextDir, dockerfileDir, ""].filter((d): d is string => d !== null))];
    const exists = (p: string) => ctx.exists(p);
    const toFile = (p: string): ResolvedFile => {
      const text = this.text(p);
      const reason = ctx.skipped(p) ?? (text === undefined ? "not in the check's script globs" : undefined);
      return { path: p, ...(text !== undefined ? { text } : {}), ...(reason ? { reason } : {}) };
    };
    return {
      resolveFile: (containerPath) => {
        if (containerPath === "" || containerPath.includes("\0")) return undefined;
        const candidates: string[] = [];
        const bare = !containerPath.includes("/");
        const abs = posix.resolve(state?.workdir ?? "/", containerPath);
        if (state && contextDir !== null) {
          for (const copy of [...state.copies].reverse()) {
            for (const src of copy.sources) {
              const srcRepo = norm(posix.join(contextDir, src));
              const prefix = copy.dest === "/" ? "/" : `${copy.dest}/`;
              if (/[*?[]/.test(src)) {
                if (copySourceMatches(posix.basename(src), posix.basename(abs)) && (bare || posix.dirname(abs) === copy.dest)) {
                  candidates.push(norm(posix.join(posix.dirname(srcRepo), posix.basename(abs))));
                }
                continue;
              }
              if (!copy.destIsDir) {
                if (abs === copy.dest || (bare && posix.basename(copy.dest) === containerPath)) candidates.push(srcRepo);
                else if (abs.startsWith(prefix)) candidates.push(norm(posix.join(srcRepo, abs.slice(prefix.length))));
              } else {
                if (abs === posix.join(copy.dest, posix.basename(src)) || (bare && posix.basename(src) === containerPath)) candidates.push(srcRepo);
                if (abs.startsWith(prefix)) candidates.push(norm(posix.join(srcRepo, abs.slice(prefix.length))));
              }
            }
          }
        }
        const rel = containerPath.replace(/^(\.\/)+/, "").replace(/^\/+/, "");
        for (const root of roots) candidates.push(norm(posix.join(root, rel)), norm(posix.join(root, posix.basename(rel))));
        const found = candidates.find((c) => c !== "" && exists(c));
        return found === undefined ? undefined : toFile(found);
      },
      packageScripts: (prefix) => {
        const dirs: string[] = [];
        if (state && contextDir !== null) {
          for (const copy of [...state.copies].reverse()) {
            for (const src of copy.sources) {
              const srcRepo = norm(posix.join(contextDir, src));
              if (/^package.*\.json$/.test(posix.basename(src)) || /^package\*?\.json$/.test(posix.basename(src))) dirs.push(norm(posix.dirname(srcRepo)));
              else if (copy.dest === state.workdir || copy.dest === posix.dirname(state.workdir)) dirs.push(srcRepo);
            }
          }
        }
        dirs.push(...roots);
        for (const dir of [...new Set(dirs)]) {
          const base = prefix ? norm(posix.join(dir, prefix)) : dir;
          const found = this.packageJson(norm(posix.join(base, "package.json")));
          if (found !== undefined) return found;
        }
        return contextDir === null ? "the image is not built from this repository" : "no package.json was found in the build context";
      },
    };
  }

  // ---------------------------------------------------------------- compose

  private composeJudgement(path: string, deployedBy: string | undefined): { judgement: Judgement; reason: string } {
    if (this.isProdPath(path)) return { judgement: "production", reason: "productionPaths option" };
    if (this.isDevPath(path)) return { judgement: "development", reason: "devPaths option" };
    if (deployedBy) return { judgement: "production", reason: `used with -f by ${deployedBy}` };
    const byName = composeKindByName(path);
    const kind: ComposeKind = byName.kind;
    if (kind === "ambiguous") {
      const mode = this.ctx.options.ambiguousCompose;
      if (mode === "fail") return { judgement: "production", reason: `${byName.reason}; ambiguousCompose: fail` };
      if (mode === "ignore") return { judgement: "development", reason: `${byName.reason}; ambiguousCompose: ignore` };
    }
    return { judgement: kind, reason: byName.reason };
  }

  private compose(path: string, deployedBy: string | undefined, composeBuilds: Map<string, string[]>): void {
    const { judgement, reason } = this.composeJudgement(path, deployedBy);
    const text = this.readOrNote(path, judgement, "compose");
    const fact: FileFact = { path, kind: "compose", reason };
    if (judgement === "development") this.skipped.push(fact);
    else this.judged.push(fact);
    if (text === undefined) return;
    const parsed = parseCompose(path, text);
    if (!parsed.ok && /\{%|\{\{/.test(text)) {
      // A Jinja/cookiecutter template is rendered before docker compose reads it.
      this.notes.add(`${path}: looks like a template ({% %} or {{ }}) and does not parse as YAML (${parsed.error}); not checked`);
      fact.reason += "; template, not checked";
      return;
    }
    if (!parsed.ok) {
      if (judgement !== "development") {
        this.push(
          this.ctx.finding("unparsable-file", {
            path,
            ...(parsed.line !== undefined ? { line: parsed.line } : {}),
            data: { path, error: parsed.error },
            ...(judgement === "ambiguous" ? { severity: "warning" as const } : {}),
          }),
        );
      } else fact.signals = [`does not parse: ${parsed.error}`];
      return;
    }
    const commands: string[] = [];
    const devSignals: string[] = [];
    for (const service of parsed.services) {
      const serviceDev = service.profiles.find((p) => devReason(p) !== null);
      const serviceJudgement: Judgement = serviceDev ? "development" : judgement;
      if (service.build?.dockerfile) {
        composeBuilds.set(service.build.dockerfile, [...(composeBuilds.get(service.build.dockerfile) ?? []), `service ${service.name} of ${path}`]);
      }
      if (service.extendsService) this.notes.add(`${path}: service ${service.name} uses extends:, which is not followed`);
      if (service.build?.inline) this.notes.add(`${path}: service ${service.name} uses dockerfile_inline, which is not checked`);
      const outcome = this.composeService(path, service);
      if (!outcome) continue;
      commands.push(...outcome.commands.map((c) => `${service.name}: ${c}`));
      for (const s of outcome.signals) {
        // In a non-production compose file, what a development-named Dockerfile does stays development.
        const dfDev = s.loc.path !== path && this.dockerfileJudgement(s.loc.path).judgement === "development";
        if (serviceJudgement === "development" || (serviceJudgement === "ambiguous" && dfDev)) {
          devSignals.push(`${service.name}: ${describeSignal(s)} (${s.loc.path}:${s.loc.line})${serviceDev ? ` [profile ${serviceDev}]` : ""}`);
          continue;
        }
        this.report(s, outcome.where(s), serviceJudgement);
      }
    }
    if (commands.length > 0) fact.commands = commands.slice(0, 20);
    if (devSignals.length > 0) fact.signals = devSignals.slice(0, 20);
  }

  private composeService(path: string, service: ComposeService) {
    let state: ImageState | null = null;
    let df: ParsedDockerfile | null = null;
    let targetLabel: string | null = null;
    const build = service.build;
    if (build?.dockerfile && !build.inline) {
      if (this.ctx.exists(build.dockerfile)) {
        df = this.parsed(build.dockerfile);
        if (df && df.stages.length > 0) {
          let index = df.stages.length - 1;
          if (build.target) {
            const stage = stageByName(df, build.target);
            if (stage) index = stage.index;
            else this.notes.add(`${path}: service ${service.name} targets stage '${build.target}', which ${build.dockerfile} does not define`);
          }
          state = evaluateStage(df, index, build.args);
          const stage = df.stages[index];
          targetLabel = stage && index !== df.stages.length - 1 ? stageLabel(stage) : finalLabel(stage);
        }
      } else this.notes.add(`${path}: service ${service.name} builds ${build.dockerfile}, which is not in the repository`);
    }
    if (!state && !service.command && !service.entrypoint && service.environment.size === 0) return null;

    const imageEntry = state?.entrypoint ? commandWords(state.entrypoint, state.shell) : null;
    const imageCmd = state?.cmd ? commandWords(state.cmd, state.shell) : null;
    let argv: Word[] | null;
    if (service.entrypoint) {
      // compose `entrypoint:` replaces ENTRYPOINT and clears the image's CMD.
      argv = [...service.entrypoint.words, ...(service.command?.words ?? [])];
    } else if (imageEntry && state?.entrypoint?.form === "shell" && !state.entrypoint.intended) argv = imageEntry;
    else if (service.command) argv = [...(imageEntry ?? []), ...service.command.words];
    else argv = imageEntry || imageCmd ? [...(imageEntry ?? []), ...(imageCmd ?? [])] : null;

    const env = new Map<string, EnvValue>([...(state?.env ?? []), ...service.environment]);
    const run = this.runContext(state, build?.context ?? null, build?.dockerfile ? posix.dirname(build.dockerfile) : null);
    const result = argv && argv.length > 0 ? Evaluator.evaluate(run, argv, env) : null;
    const signals = [...(result?.signals ?? []), ...environmentSignals(env, result?.families ?? new Set(), result !== null && result.families.size > 0)];
    for (const n of result?.notes ?? []) this.notes.add(`${path} (service ${service.name}): ${n}`);
    const base = `service ${service.name} of ${path}`;
    return {
      signals,
      commands: result?.commands ?? [],
      where: (s: Signal) => {
        let where = base;
        if (df && s.loc.path === df.path && targetLabel) where += ` (${targetLabel} of ${df.path})`;
        return where + via(s);
      },
    };
  }

  // ---------------------------------------------------------------- Dockerfiles

  private dockerfileJudgement(path: string, builds: readonly { workflow: WorkflowInfo }[] = []): { judgement: Judgement; reason: string } {
    if (this.isProdPath(path)) return { judgement: "production", reason: "productionPaths option" };
    if (this.isDevPath(path)) return { judgement: "development", reason: "devPaths option" };
    if (builds.length > 0) return { judgement: "production", reason: `built by ${[...new Set(builds.map((b) => b.workflow.path))].join(", ")}` };
    const dev = devReason(path);
    if (dev) return { judgement: "development", reason: dev };
    return { judgement: "production", reason: "not named for development" };
  }

  private dockerfile(path: string, builds: readonly { build: WorkflowBuild; workflow: WorkflowInfo }[], composeRefs: readonly string[]): void {
    const { judgement, reason } = this.dockerfileJudgement(path, builds);
    const fact: FileFact = { path, kind: "dockerfile", reason: composeRefs.length > 0 ? `${reason}; built by ${composeRefs.slice(0, 3).join(", ")}` : reason };
    if (judgement === "development") this.skipped.push(fact);
    else this.judged.push(fact);
    if (this.readOrNote(path, judgement, "dockerfile") === undefined) return;
    const df = this.parsed(path);
    if (!df || df.stages.length === 0) {
      this.notes.add(`${path}: no build stage (no FROM instruction)`);
      return;
    }
    const finalIndex = df.stages.length - 1;
    const dir = posix.dirname(path) === "." ? "" : posix.dirname(path);

    // Targets: those deploy workflows build, else the final stage.
    const targets: { index: number; context: string; buildArgs: Env; by?: string }[] = [];
    for (const { build, workflow } of builds) {
      const stage = build.target ? stageByName(df, build.target) : df.stages[finalIndex];
      if (!stage) {
        this.notes.add(`${workflow.path} builds ${path} with --target ${build.target ?? ""}, a stage it does not define`);
        continue;
      }
      targets.push({ index: stage.index, context: build.context, buildArgs: build.buildArgs, by: workflow.path });
    }
    if (targets.length === 0) targets.push({ index: finalIndex, context: dir, buildArgs: new Map() });

    const shipped = new Set<number>();
    const commands: string[] = [];
    const devSignals: string[] = [];
    const seenTargets = new Set<string>();
    for (const t of targets) {
      const key = `${t.index}|${t.context}|${[...t.buildArgs].map(([k, v]) => `${k}=${v.value}`).join(",")}`;
      if (seenTargets.has(key)) continue;
      seenTargets.add(key);
      const state = evaluateStage(df, t.index, t.buildArgs);
      for (const i of state.chain) shipped.add(i);
      const outcome = this.image(df, state, t.context, dir, judgement === "development");
      commands.push(...outcome.commands);
      const stage = df.stages[t.index];
      const label = t.index === finalIndex ? finalLabel(stage) : stage ? stageLabel(stage) : "the final stage";
      const by = t.by ? (judgement === "production" && devReason(path) ? ` (${posix.basename(path)} is built by ${t.by})` : ` (built by ${t.by})`) : "";
      for (const s of outcome.signals) {
        if (judgement === "development") {
          devSignals.push(`${describeSignal(s)} (${s.loc.path}:${s.loc.line})`);
          continue;
        }
        this.report(s, this.where(df, t.index, label + by, s), "production");
      }
      if (judgement !== "development") {
        for (const spec of [state.entrypoint, state.cmd]) {
          if (spec?.invalidJson && outcome.usesInstruction(spec)) {
            this.push(this.ctx.finding("exec-form-invalid", { path, line: spec.loc.line, ...(spec.loc.endLine ? { endLine: spec.loc.endLine } : {}), data: { keyword: spec.keyword } }));
          }
        }
      }
    }
    fact.targets = [...seenTargets].map((k) => {
      const stage = df.stages[Number(k.split("|")[0])];
      return stage?.index === finalIndex ? `final${stage.displayName ? ` (${stage.displayName})` : ""}` : stage ? stageLabel(stage) : "final";
    });
    if (commands.length > 0) fact.commands = [...new Set(commands)].slice(0, 10);
    if (devSignals.length > 0) fact.signals = [...new Set(devSignals)].slice(0, 20);

    // DR004: signals in stages nothing ships are listed, not judged.
    if (judgement !== "development") {
      for (const stage of df.stages) {
        if (shipped.has(stage.index)) continue;
        const state = evaluateStage(df, stage.index);
        const own = this.image(df, state, dir, dir, true).signals.filter((s) => s.kind === "flag" || s.kind === "server");
        if (own.length > 0) this.unshipped.push({ path, stage: stageLabel(stage), signals: [...new Set(own.map((s) => `${describeSignal(s)} (line ${s.loc.line})`))] });
      }
    }
  }

  /** The effective command of an image state, evaluated; plus the notes a reader needs. */
  private image(df: ParsedDockerfile, state: ImageState, contextDir: string, dockerfileDir: string, quiet = false) {
    const argv = effectiveArgv(state);
    const run = this.runContext(state, contextDir, dockerfileDir);
    const note = (n: string) => {
      if (!quiet) this.notes.add(n);
    };
    if (!argv || argv.length === 0) {
      const base = state.baseImage || "scratch";
      note(`${df.path}: no CMD or ENTRYPOINT; the command comes from the base image ${base}, which is not checked`);
      const signals = environmentSignals(state.env, new Set(), false);
      return { signals, commands: [] as string[], usesInstruction: () => false };
    }
    const result = Evaluator.evaluate(run, argv, state.env);
    for (const n of result.notes) note(`${df.path}: ${n}`);
    for (const spec of [state.cmd, state.entrypoint]) {
      if (spec?.form !== "shell") continue;
      for (const name of state.argOnly) {
        if (spec.script.includes(`$${name}`) || spec.script.includes(`\${${name}`)) {
          note(`${df.path}:${spec.loc.line}: ${spec.keyword} uses $${name}, which is only an ARG: build args do not reach the running container, so it expands to nothing`);
        }
      }
    }
    const signals = [...result.signals, ...environmentSignals(state.env, result.families, result.families.size > 0)];
    const uses = new Set(argv.map((w) => `${w.loc.path}:${w.loc.line}`));
    return {
      signals,
      commands: result.commands,
      usesInstruction: (spec: CommandSpec) => uses.has(`${spec.loc.path}:${spec.loc.line}`),
    };
  }

  private where(df: ParsedDockerfile, target: number, label: string, s: Signal): string {
    let where = label;
    if (s.loc.path === df.path) {
      const stage = stageAtLine(df, s.loc.line);
      if (stage && stage.index !== target) where += ` (inherited from ${stageLabel(stage)})`;
    } else where += ` of ${df.path}`;
    return where + via(s);
  }

  // ---------------------------------------------------------------- findings

  private push(finding: Finding, key = `${finding.messageId}|${finding.path ?? ""}|${finding.line ?? ""}`): void {
    this.findings.push({ finding, key });
  }

  private report(s: Signal, where: string, judgement: Judgement): void {
    const what = describeSignal(s);
    const at = { path: s.loc.path, line: s.loc.line, ...(s.loc.endLine ? { endLine: s.loc.endLine } : {}) };
    // One finding per place and signal: the same CMD judged through several targets or services.
    const key = `signal|${s.loc.path}|${s.loc.line}|${s.server}|${s.signal}`;
    if (s.dependsOn && s.level === "error") {
      const id = judgement === "ambiguous" ? "ambiguous-compose" : "conditional-dev-signal";
      this.push(this.ctx.finding(id, { ...at, data: { what, where, condition: s.dependsOn, signal: s.signal } }), key);
      return;
    }
    if (judgement === "ambiguous" && s.level === "error") {
      this.push(this.ctx.finding("ambiguous-compose", { ...at, data: { what, where } }), key);
      return;
    }
    const data = { server: s.server, signal: s.signal, where, fix: s.fix, what, reason: s.kind === "unresolved-script" ? s.fix : "" };
    const severity = s.level;
    const id: MessageId =
      s.kind === "flag"
        ? "dev-server-flag"
        : s.kind === "server"
          ? "dev-server"
          : s.kind === "runner"
            ? "dev-runner"
            : s.kind === "setting"
              ? "dev-setting"
              : s.kind === "reload-option"
                ? "reload-option-ignored"
                : "unresolved-script";
    // Environment switches (FLASK_DEBUG=1 on an ENV line) collapse across kinds: flag beats setting.
    this.push(this.ctx.finding(id, { ...at, data, severity }), key);
  }

  private result(dockerfileCount: number, composeCount: number) {
    const findings = collapse(this.findings);
    const errors = findings.filter((f) => f.severity === "error");
    const warnings = findings.filter((f) => f.severity === "warning");
    const status = errors.length > 0 ? ("fail" as const) : warnings.length > 0 ? ("warn" as const) : ("pass" as const);
    const prodFiles = this.judged.length;
    const skippedNote = this.skipped.length > 0 ? `; ${this.skipped.length} development file${this.skipped.length === 1 ? "" : "s"} skipped` : "";
    let summary: string;
    const first = errors[0] ?? warnings[0];
    if (first) {
      const rest = findings.filter((f) => f !== first && f.severity !== "notice");
      const files = new Set(rest.map((f) => f.path));
      const more = rest.length > 0 ? ` and ${rest.length} more finding${rest.length === 1 ? "" : "s"} in ${files.size} file${files.size === 1 ? "" : "s"}` : "";
      summary = `${first.message} (${first.path ?? ""}${first.line ? `:${first.line}` : ""})${more}`;
    } else {
      summary = `no development server or flag in ${prodFiles} production file${prodFiles === 1 ? "" : "s"} (${dockerfileCount} Dockerfile${dockerfileCount === 1 ? "" : "s"}, ${composeCount} compose file${composeCount === 1 ? "" : "s"} in the repository)${skippedNote}`;
    }
    const toJson = (f: FileFact): JsonValue => ({ ...f });
    const facts: Facts = {
      judged: this.judged.map(toJson),
      skipped: this.skipped.map(toJson),
      unshippedStages: this.unshipped.map((u) => ({ ...u })),
      unread: this.unread.map((u) => ({ ...u })),
      notes: [...this.notes].slice(0, 50),
    };
    return { status, summary, findings, facts };
  }
}

/** "the final stage", naming it when its name says development (`FROM builder AS dev-envs`): the default build ships it. */
function finalLabel(stage: Stage | undefined): string {
  return stage?.displayName && devReason(stage.displayName) ? `the final stage '${stage.displayName}'` : "the final stage";
}

function via(s: Signal): string {
  return s.via.length > 0 ? ` (via ${s.via.join(" → ")})` : "";
}

function norm(p: string): string {
  const n = posix.normalize(p);
  return n === "." || n === "./" ? "" : n.replace(/^\.\//, "").replace(/\/$/, "");
}


/** One finding per key: the most severe wins. */
function collapse(findings: readonly { finding: Finding; key: string }[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const { finding, key } of findings) {
    const prev = byKey.get(key);
    if (!prev || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[prev.severity]) byKey.set(key, finding);
  }
  return [...byKey.values()].sort((a, b) => (a.path ?? "").localeCompare(b.path ?? "") || (a.line ?? 0) - (b.line ?? 0));
}
