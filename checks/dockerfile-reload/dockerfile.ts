/**
 * A Dockerfile as the image it builds: stages (dockerfile-ast), and for a target stage the
 * state Docker would record in the image config — ENV, CMD, ENTRYPOINT, SHELL — following
 * `FROM <earlier stage>` inheritance, the ENTRYPOINT-resets-CMD rule and ARG/ENV scoping
 * (spec §4.2). Lines are converted from dockerfile-ast's 0-based ranges to 1-based.
 */
import { DockerfileParser, type Instruction, type Property } from "dockerfile-ast";
import posix from "node:path/posix";
import { expandDockerWord } from "./shell.js";
import type { Env, EnvValue, Loc, Word } from "./types.js";

export interface CommandSpec {
  readonly keyword: "CMD" | "ENTRYPOINT";
  readonly form: "exec" | "shell";
  /** Exec form: the JSON array. */
  readonly argv: readonly string[];
  /** Shell form: the command string (continuations joined). */
  readonly script: string;
  readonly loc: Loc;
  /** Index of the stage the instruction is in. */
  readonly stage: number;
  /** Looked like exec form (`[` and a quote) but is not valid JSON: Docker runs it with /bin/sh -c. */
  readonly invalidJson: boolean;
  /**
   * For invalid JSON that is still a list of quoted strings (`['uvicorn', '--reload']`): the argv
   * the author meant. Docker's shell fallback fails at runtime ("[uvicorn,: not found"); the fix
   * (DL3025) makes this argv the command, so it is the one judged.
   */
  readonly intended?: readonly string[];
}

export interface CopySpec {
  /** Sources relative to the build context. */
  readonly sources: readonly string[];
  /** Destination in the image, absolute. */
  readonly dest: string;
  /** True when the destination is a directory (ends with `/`, or several sources). */
  readonly destIsDir: boolean;
}

export interface Stage {
  readonly index: number;
  /** The `AS` name, lower-cased (Docker's stage names are case-insensitive); null when unnamed. */
  readonly name: string | null;
  /** The name as written, for messages. */
  readonly displayName: string | null;
  /** The image after global ARG expansion. */
  readonly image: string;
  /** The earlier stage this one builds on (`FROM <stage>`), if any. */
  readonly parent: number | null;
  readonly startLine: number;
  readonly endLine: number;
  readonly instructions: readonly Instruction[];
}

export interface ParsedDockerfile {
  readonly path: string;
  readonly stages: readonly Stage[];
  readonly escape: string;
  readonly globalArgs: ReadonlyMap<string, EnvValue>;
}

export interface ImageState {
  /** The runtime environment (ENV only; ARGs do not reach the container). */
  readonly env: ReadonlyMap<string, EnvValue>;
  /** Names declared by ARG but never persisted by ENV, in the stages of the chain. */
  readonly argOnly: ReadonlySet<string>;
  /** null: none set by this Dockerfile (an external base image may set one). */
  readonly cmd: CommandSpec | null;
  readonly entrypoint: CommandSpec | null;
  /** The root image the chain starts from (`python:3.12`, `scratch`). */
  readonly baseImage: string;
  readonly shell: readonly string[];
  readonly copies: readonly CopySpec[];
  readonly workdir: string;
  /** Stage indexes from the root of the chain to the target. */
  readonly chain: readonly number[];
}

function loc(path: string, ins: Instruction): Loc {
  const r = ins.getRange();
  return { path, line: r.start.line + 1, endLine: r.end.line + 1 };
}

export function parseDockerfile(path: string, text: string): ParsedDockerfile {
  const df = DockerfileParser.parse(text);
  const escape = df.getEscapeCharacter();
  const globalArgs = new Map<string, EnvValue>();
  const stages: Stage[] = [];
  let current: { startLine: number; image: string; name: string | null; displayName: string | null; parent: number | null; instructions: Instruction[] } | null = null;
  const close = (endLine: number) => {
    if (current) stages.push({ index: stages.length, ...current, endLine });
  };
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword();
    const line = ins.getRange().start.line + 1;
    if (keyword === "FROM") {
      close(line - 1);
      const from = ins as unknown as { getImage(): string | null; getBuildStage(): string | null };
      const rawImage = from.getImage() ?? "";
      const image = expandDockerWord(rawImage, globalArgs, escape).text;
      const displayName = from.getBuildStage();
      const lowerImage = image.toLowerCase();
      let parent: number | null = null;
      for (let k = stages.length - 1; k >= 0; k--) {
        if (stages[k]?.name === lowerImage) {
          parent = k;
          break;
        }
      }
      current = { startLine: line, image, name: displayName ? displayName.toLowerCase() : null, displayName, parent, instructions: [] };
      continue;
    }
    if (!current) {
      if (keyword === "ARG") {
        const prop = (ins as unknown as { getProperty(): Property | null }).getProperty();
        if (prop) {
          const raw = prop.getUnescapedValue();
          const name = prop.getName();
          const value = raw === null ? "" : expandDockerWord(raw, globalArgs, escape).text;
          globalArgs.set(name, { value, loc: loc(path, ins), dependsOn: `build arg ${name}`, setBy: `ARG ${name}` });
        }
        continue;
      }
      // Instructions before any FROM: Docker rejects the file; read them as one stage anyway.
      current = { startLine: line, image: "", name: null, displayName: null, parent: null, instructions: [] };
    }
    current.instructions.push(ins);
  }
  close(Number.MAX_SAFE_INTEGER);
  return { path, stages, escape, globalArgs };
}

function commandSpec(path: string, ins: Instruction, keyword: "CMD" | "ENTRYPOINT", stage: number): CommandSpec {
  const content = ins.getArgumentsContent();
  const at = loc(path, ins);
  if (content === null) return { keyword, form: "exec", argv: [], script: "", loc: at, stage, invalidJson: false };
  const trimmed = content.trim();
  if (trimmed.startsWith("[")) {
    // Exec form: JSON.parse the joined arguments (not getJSONStrings(): it drops spaces in 0.7.1).
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) {
        return { keyword, form: "exec", argv: parsed as string[], script: "", loc: at, stage, invalidJson: false };
      }
    } catch {
      // falls through to shell form, as Docker does
    }
    const invalidJson = /^\[\s*["']/.test(trimmed);
    const intended = invalidJson ? lenientList(trimmed) : null;
    return { keyword, form: "shell", argv: [], script: content, loc: at, stage, invalidJson, ...(intended ? { intended } : {}) };
  }
  return { keyword, form: "shell", argv: [], script: content, loc: at, stage, invalidJson: false };
}

/** `['a', "b"]`: a bracketed list of single- or double-quoted strings, else null. */
function lenientList(text: string): string[] | null {
  if (!text.endsWith("]")) return null;
  const out: string[] = [];
  let i = 1;
  const end = text.length - 1;
  while (i < end) {
    const c = text[i] as string;
    if (c === " " || c === "\t" || c === ",") {
      i++;
      continue;
    }
    if (c !== "'" && c !== '"') return null;
    let value = "";
    let j = i + 1;
    while (j < end && text[j] !== c) {
      if (text[j] === "\\" && j + 1 < end) j++;
      value += text[j] as string;
      j++;
    }
    if (j >= end) return null;
    out.push(value);
    i = j + 1;
  }
  return out;
}

function copySpec(ins: Instruction, vars: Env, escape: string, workdir: string): CopySpec | null {
  const flags = (ins as unknown as { getFlags?(): { getName(): string }[] }).getFlags?.() ?? [];
  if (flags.some((f) => f.getName() === "from")) return null;
  const content = ins.getArgumentsContent();
  if (content === null) return null;
  let args: string[];
  const trimmed = content.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      args = Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      args = ins.getArguments().map((a) => a.getValue());
    }
  } else args = ins.getArguments().map((a) => a.getValue());
  if (args.length < 2) return null;
  const expanded = args.map((a) => expandDockerWord(a, vars, escape).text);
  const sources = expanded.slice(0, -1).filter((s) => !s.startsWith("<<") && !/^[a-z]+:\/\//i.test(s));
  const destRaw = expanded[expanded.length - 1] as string;
  const dest = posix.resolve(workdir, destRaw);
  return { sources, dest, destIsDir: destRaw.endsWith("/") || sources.length > 1 };
}

const EMPTY_STATE: ImageState = { env: new Map(), argOnly: new Set(), cmd: null, entrypoint: null, baseImage: "", shell: ["/bin/sh", "-c"], copies: [], workdir: "/", chain: [] };

/** States of stages evaluated without build args, per Dockerfile (stages are shared by many targets). */
const plainStates = new WeakMap<ParsedDockerfile, Map<number, ImageState>>();

/**
 * Evaluates a stage into the image state Docker would record. `buildArgs` are values given to
 * ARGs by the build (compose `build.args`, a workflow's `--build-arg`): deterministic for that build.
 * Iterative over the `FROM <stage>` chain (parents always come earlier, so the chain ends).
 */
export function evaluateStage(df: ParsedDockerfile, index: number, buildArgs: ReadonlyMap<string, EnvValue> = new Map()): ImageState {
  if (!df.stages[index]) return EMPTY_STATE;
  const chain: number[] = [];
  for (let i: number | null = index; i !== null && df.stages[i] && chain.length <= df.stages.length; i = df.stages[i]?.parent ?? null) chain.push(i);
  chain.reverse();
  const cache = buildArgs.size === 0 ? (plainStates.get(df) ?? new Map<number, ImageState>()) : null;
  if (cache) plainStates.set(df, cache);
  let state: ImageState | null = null;
  for (const i of chain) {
    const cached = cache?.get(i);
    state = cached ?? applyStage(df, i, state, buildArgs);
    if (cache && !cached) cache.set(i, state);
  }
  return state ?? EMPTY_STATE;
}

function applyStage(df: ParsedDockerfile, index: number, inherited: ImageState | null, buildArgs: ReadonlyMap<string, EnvValue>): ImageState {
  const stage = df.stages[index] as Stage;
  const env = new Map<string, EnvValue>(inherited?.env ?? []);
  const args = new Map<string, EnvValue>();
  const argOnly = new Set<string>(inherited?.argOnly ?? []);
  let cmd = inherited?.cmd ?? null;
  let entrypoint = inherited?.entrypoint ?? null;
  let shell = inherited?.shell ?? ["/bin/sh", "-c"];
  const copies: CopySpec[] = [...(inherited?.copies ?? [])];
  let workdir = inherited?.workdir ?? "/";
  let cmdSetInStage = false;
  const vars = (): Env => new Map([...args, ...env]);
  for (const ins of stage.instructions) {
    const at = loc(df.path, ins);
    switch (ins.getKeyword()) {
      case "ARG": {
        const prop = (ins as unknown as { getProperty(): Property | null }).getProperty();
        if (!prop) break;
        const name = prop.getName();
        const given = buildArgs.get(name);
        const raw = prop.getUnescapedValue();
        if (given) args.set(name, given);
        else if (raw !== null) {
          const v = expandDockerWord(raw, vars(), df.escape);
          args.set(name, { value: v.text, loc: at, dependsOn: `build arg ${name} (default ${JSON.stringify(v.text)})`, setBy: `ARG ${name}` });
        } else {
          const global = df.globalArgs.get(name);
          if (global) args.set(name, { ...global, dependsOn: `build arg ${name} (default ${JSON.stringify(global.value)})` });
        }
        if (!env.has(name)) argOnly.add(name);
        break;
      }
      case "ENV": {
        const props = (ins as unknown as { getProperties(): Property[] }).getProperties();
        // All values of one ENV instruction are expanded with the variables from before it.
        const before = vars();
        for (const prop of props) {
          const raw = prop.getUnescapedValue();
          const v = raw === null ? { text: "" } : expandDockerWord(raw, before, df.escape);
          env.set(prop.getName(), { value: v.text, loc: at, setBy: `ENV ${prop.getName()}`, ...("dependsOn" in v && v.dependsOn ? { dependsOn: v.dependsOn } : {}) });
          argOnly.delete(prop.getName());
        }
        break;
      }
      case "CMD":
        cmd = commandSpec(df.path, ins, "CMD", index);
        cmdSetInStage = true;
        break;
      case "ENTRYPOINT":
        entrypoint = commandSpec(df.path, ins, "ENTRYPOINT", index);
        // Docker: setting ENTRYPOINT resets a CMD inherited from the base, not one set in this stage.
        if (!cmdSetInStage) cmd = null;
        break;
      case "SHELL": {
        try {
          const parsed: unknown = JSON.parse(ins.getArgumentsContent() ?? "");
          if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((x) => typeof x === "string")) shell = parsed as string[];
        } catch {
          // Docker rejects a non-JSON SHELL; keep the previous one.
        }
        break;
      }
      case "WORKDIR": {
        const raw = ins.getArgumentsContent();
        if (raw) workdir = posix.resolve(workdir, expandDockerWord(raw.trim(), vars(), df.escape).text);
        break;
      }
      case "COPY":
      case "ADD": {
        const c = copySpec(ins, vars(), df.escape, workdir);
        if (c) copies.push(c);
        break;
      }
      default:
        break;
    }
  }
  return {
    env,
    argOnly,
    cmd,
    entrypoint,
    baseImage: inherited?.baseImage ?? stage.image,
    shell,
    copies,
    workdir,
    chain: [...(inherited?.chain ?? []), index],
  };
}

/** Words of a CMD/ENTRYPOINT as the container's argv: exec form as is, shell form as `[shell…, script]`. */
export function commandWords(spec: CommandSpec, shell: readonly string[]): Word[] {
  if (spec.form === "exec") return spec.argv.map((text) => ({ text, loc: spec.loc }));
  if (spec.intended) return spec.intended.map((text) => ({ text, loc: spec.loc }));
  return [...shell.map((text) => ({ text, loc: spec.loc })), { text: spec.script, loc: spec.loc }];
}

/**
 * Docker's table of ENTRYPOINT × CMD. Returns the argv, or null when the command comes from an
 * external base image this check cannot see.
 */
export function effectiveArgv(state: ImageState): Word[] | null {
  const { entrypoint, cmd, shell } = state;
  if (entrypoint) {
    if (entrypoint.form === "shell" && !entrypoint.intended) return commandWords(entrypoint, shell); // a shell-form ENTRYPOINT ignores CMD
    return [...commandWords(entrypoint, shell), ...(cmd ? commandWords(cmd, shell) : [])];
  }
  // No ENTRYPOINT here: an external base image's ENTRYPOINT (e.g. node's docker-entrypoint.sh) runs CMD.
  if (cmd) return commandWords(cmd, shell);
  return null;
}

/** The stage a 1-based line belongs to. */
export function stageAtLine(df: ParsedDockerfile, line: number): Stage | undefined {
  return df.stages.find((s) => line >= s.startLine && line <= s.endLine);
}

export function stageLabel(stage: Stage): string {
  return stage.displayName ? `stage '${stage.displayName}'` : `stage ${stage.index + 1}`;
}

/** Finds a stage by `--target` name (case-insensitive). */
export function stageByName(df: ParsedDockerfile, name: string): Stage | undefined {
  const lower = name.toLowerCase();
  return df.stages.find((s) => s.name === lower);
}
