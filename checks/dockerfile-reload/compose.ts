/**
 * Compose files (`yaml` with `merge: true`, so `<<: *anchor` services get their merged keys):
 * each service's `command`, `entrypoint`, `environment`, `build` (context, dockerfile, target,
 * args) and `profiles`, with the 1-based line of the key that sets each.
 */
import { isMap, isSeq, type Pair, type YAMLMap } from "yaml";
import posix from "node:path/posix";
import { splitWords } from "./shell.js";
import type { EnvValue, Loc, Word } from "./types.js";
import { deref, entries, getMap, getPair, lineOf, pairKey, parseYaml, scalarText, type YamlFile } from "./yaml-util.js";

export interface ComposeCommand {
  readonly words: readonly Word[];
  readonly loc: Loc;
}

export interface ComposeBuild {
  /** The build context, as a repository path ("" for the root); null when it is a URL. */
  readonly context: string | null;
  /** The Dockerfile, as a repository path. */
  readonly dockerfile: string | null;
  readonly target?: string;
  readonly args: ReadonlyMap<string, EnvValue>;
  readonly loc: Loc;
  readonly inline: boolean;
}

export interface ComposeService {
  readonly name: string;
  readonly loc: Loc;
  readonly command?: ComposeCommand;
  readonly entrypoint?: ComposeCommand;
  readonly environment: ReadonlyMap<string, EnvValue>;
  readonly build?: ComposeBuild;
  readonly image?: string;
  readonly profiles: readonly string[];
  readonly extendsService: boolean;
}

export type ComposeParse = { ok: true; services: ComposeService[] } | { ok: false; error: string; line?: number };

const VAR = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Compose interpolation: `$$` is a literal `$`; `${VAR:-default}`/`${VAR-default}` take the
 * default; other variables come from the shell or `.env` at `docker compose` time, unknown here.
 */
export function interpolate(text: string): { text: string; dependsOn?: string } {
  let dependsOn: string | undefined;
  const parts = text.split("$$");
  const out = parts.map((part) =>
    part.replace(VAR, (_m, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? "";
      dependsOn ??= `compose variable ${name}`;
      if (op === ":-" || op === "-") return arg ?? "";
      return "";
    }),
  );
  return { text: out.join("$"), ...(dependsOn ? { dependsOn } : {}) };
}

function commandOf(file: YamlFile, pair: Pair | undefined, path: string): ComposeCommand | undefined {
  if (!pair) return undefined;
  const node = deref(file, pair.value);
  const loc: Loc = { path, line: lineOf(file, pair.key as { range?: [number, number, number] }) };
  const words: Word[] = [];
  if (isSeq(node)) {
    for (const item of node.items) {
      const raw = scalarText(file, item);
      if (raw === undefined) continue;
      const v = interpolate(raw);
      words.push({ text: v.text, loc, ...(v.dependsOn ? { dependsOn: v.dependsOn } : {}) });
    }
  } else {
    const raw = scalarText(file, node);
    if (raw === undefined) return undefined;
    for (const token of splitWords(raw)) {
      const v = interpolate(token);
      words.push({ text: v.text, loc, ...(v.dependsOn ? { dependsOn: v.dependsOn } : {}) });
    }
  }
  return { words, loc };
}

function keyValues(file: YamlFile, pair: Pair | undefined, path: string, what: string): Map<string, EnvValue> {
  const out = new Map<string, EnvValue>();
  if (!pair) return out;
  const node = deref(file, pair.value);
  const put = (key: string, raw: string | undefined, line: number) => {
    if (raw === undefined) return; // `KEY` alone: passed from the host, unknown here
    const v = interpolate(raw);
    out.set(key, { value: v.text, loc: { path, line }, setBy: `${what} ${key}`, ...(v.dependsOn ? { dependsOn: v.dependsOn } : {}) });
  };
  if (isMap(node)) {
    for (const item of entries(file, node)) {
      const key = pairKey(item);
      if (key !== null) put(key, scalarText(file, item.value), lineOf(file, item.key as { range?: [number, number, number] }));
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const raw = scalarText(file, item);
      if (raw === undefined) continue;
      const eq = raw.indexOf("=");
      put(eq < 0 ? raw : raw.slice(0, eq), eq < 0 ? undefined : raw.slice(eq + 1), lineOf(file, deref(file, item)));
    }
  }
  return out;
}

function buildOf(file: YamlFile, pair: Pair | undefined, path: string): ComposeBuild | undefined {
  if (!pair) return undefined;
  const node = deref(file, pair.value);
  const loc: Loc = { path, line: lineOf(file, pair.key as { range?: [number, number, number] }) };
  const dir = posix.dirname(path) === "." ? "" : posix.dirname(path);
  let contextRaw: string | undefined;
  let dockerfileRaw: string | undefined;
  let target: string | undefined;
  let args = new Map<string, EnvValue>();
  let inline = false;
  if (isMap(node)) {
    contextRaw = scalarText(file, getPair(file, node, "context")?.value);
    dockerfileRaw = scalarText(file, getPair(file, node, "dockerfile")?.value);
    target = scalarText(file, getPair(file, node, "target")?.value);
    args = keyValues(file, getPair(file, node, "args"), path, "build arg");
    inline = getPair(file, node, "dockerfile_inline") !== undefined;
  } else contextRaw = scalarText(file, node);
  const ctx = interpolate(contextRaw ?? ".").text;
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(ctx) || ctx.startsWith("git@");
  const context = isUrl ? null : normalize(posix.join(dir, ctx));
  const dockerfileName = interpolate(dockerfileRaw ?? "Dockerfile").text;
  const dockerfile = context === null ? null : dockerfileName.startsWith("/") ? null : normalize(posix.join(context, dockerfileName));
  return { context, dockerfile, ...(target ? { target: interpolate(target).text } : {}), args, loc, inline };
}

function normalize(p: string): string {
  const n = posix.normalize(p);
  return n === "." ? "" : n.replace(/^\.\//, "").replace(/\/$/, "");
}

export function parseCompose(path: string, text: string): ComposeParse {
  const parsed = parseYaml(text, true);
  if (!parsed.ok) return { ok: false, error: parsed.error, ...(parsed.line !== undefined ? { line: parsed.line } : {}) };
  const file = parsed.file;
  const root = deref(file, file.doc.contents);
  if (root === null) return { ok: true, services: [] };
  if (!isMap(root)) return { ok: false, error: "the top level is not a mapping", line: lineOf(file, root as { range?: [number, number, number] }) };
  const services = getMap(file, root, "services");
  if (!services) return { ok: true, services: [] };
  const out: ComposeService[] = [];
  for (const item of entries(file, services)) {
    const name = pairKey(item);
    const svc = deref(file, item.value);
    if (name === null || !isMap(svc)) continue;
    out.push(serviceOf(file, name, svc as YAMLMap, path, lineOf(file, item.key as { range?: [number, number, number] })));
  }
  return { ok: true, services: out };
}

function serviceOf(file: YamlFile, name: string, svc: YAMLMap, path: string, line: number): ComposeService {
  const command = commandOf(file, getPair(file, svc, "command"), path);
  const entrypoint = commandOf(file, getPair(file, svc, "entrypoint"), path);
  const build = buildOf(file, getPair(file, svc, "build"), path);
  const image = scalarText(file, getPair(file, svc, "image")?.value);
  const profilesNode = deref(file, getPair(file, svc, "profiles")?.value);
  const profiles = isSeq(profilesNode) ? profilesNode.items.map((i) => scalarText(file, i)).filter((x): x is string => x !== undefined) : [];
  return {
    name,
    loc: { path, line },
    ...(command ? { command } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    environment: keyValues(file, getPair(file, svc, "environment"), path, "environment"),
    ...(build ? { build } : {}),
    ...(image ? { image } : {}),
    profiles,
    extendsService: getPair(file, svc, "extends") !== undefined,
  };
}
