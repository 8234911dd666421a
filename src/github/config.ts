/**
 * The checklist of a repository, as Probot reads configuration (`context.config`): the
 * repository's `.github/phase-gate.yml` on its DEFAULT BRANCH, else the same path in the owner's
 * `.github` repository, then each `_extends` target in turn. The files are found by Probot's own
 * config plugin (`octokit.config.get`), so lookup, `_extends` forms, recursion and 404 handling are
 * Probot's.
 *
 * Line numbers need the YAML text, which the plugin does not return: a request hook records the
 * raw body of each file the plugin reads (`GET /repos/{o}/{r}/contents/{path}`, raw media type),
 * so every file is requested once. Each file is then validated by `loadChecklist`, errors located
 * in the file that has them.
 *
 * Merging follows Probot's deep merge for this schema (`phases` of the extended file first, then
 * those of the extending one), with one rule for ids: a phase whose id an extending file defines
 * again replaces the inherited one in its place, so a repository can adjust an organisation's
 * phase without a duplicate-id error. A file that holds only `_extends` adds nothing.
 *
 * Security: a pull request never supplies its own checklist. Reading only the default branch is
 * the point: a pull request that could edit the checklist it is audited with could remove a phase
 * or make it advisory and pass its own gate.
 */
import type { ProbotOctokit } from "probot";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { defaultChecklist, loadChecklist } from "../config/index.js";
import { findRequiresCycle } from "../config/requires.js";
import { CHECKLIST_PATH, type Checklist, type ConfigError, type PhaseConfig, type Registry } from "../config/types.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export type ChecklistRead =
  | {
      readonly ok: true;
      readonly checklist: Checklist;
      /** The files the checklist was composed of, nearest first (`owner/repo:path`); empty for the default. */
      readonly files: readonly string[];
    }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** A file a read asked for, found or not: `repo` is `owner/repo` in lower case. */
export interface ChecklistSource {
  readonly repo: string;
  readonly path: string;
}

const CONTENTS_ROUTE = "/repos/{owner}/{repo}/contents/{path}";
const PLUGIN_PREFIX = "[@probot/octokit-plugin-config] ";

/**
 * Reads and validates the checklist of `owner/repo` from its default branch (see the module
 * comment). A missing file everywhere gives the built-in default checklist (advisory). An invalid
 * file gives located errors. An API failure other than "not found" throws. `sources` receives
 * every file asked for, found or not (what a kept read depends on: `checklist-cache.ts`).
 */
export async function readChecklist(
  octokit: Octokit,
  target: { readonly owner: string; readonly repo: string },
  registry: Registry,
  { sources }: { readonly sources?: ChecklistSource[] } = {},
): Promise<ChecklistRead> {
  const texts = new Map<string, string>();
  const record: Parameters<typeof octokit.hook.wrap<"request">>[1] = async (request, options) => {
    if (options.url !== CONTENTS_ROUTE) return request(options);
    const [owner, repo, path] = [String(options.owner), String(options.repo), String(options.path)];
    sources?.push({ repo: `${owner}/${repo}`.toLowerCase(), path });
    const response = await request(options);
    if (typeof response.data === "string") texts.set(fileKey(owner, repo, path), response.data);
    return response;
  };
  octokit.hook.wrap("request", record);
  let files: readonly PluginFile[];
  try {
    ({ files } = await octokit.config.get({ owner: target.owner, repo: target.repo, path: CHECKLIST_PATH }));
  } catch (error) {
    const problem = pluginProblem(error, texts, target, registry);
    if (problem) return { ok: false, errors: problem };
    throw error;
  } finally {
    octokit.hook.remove("request", record);
  }

  const found = files.map((file, index) => ({ file, index })).filter(({ file }) => file.config !== null);
  if (found.length === 0) return { ok: true, checklist: defaultFor(registry), files: [] };

  const errors: ConfigError[] = [];
  /** Phases of each file, nearest first. */
  const layers: (readonly PhaseConfig[])[] = [];
  /** Phase ids of the files read so far: the furthest file is read first, so a nearer one may require its phases. */
  const inherited: string[] = [];
  for (const { file, index } of [...found].reverse()) {
    // The plugin removes `_extends` from the config it returns; a later file exists only when it was followed.
    const extendsOnly = Object.keys(file.config ?? {}).length === 0 && index < files.length - 1;
    if (extendsOnly) continue;
    const name = displayName(file, target);
    const text = texts.get(fileKey(file.owner, file.repo, file.path));
    if (text === undefined) {
      errors.unshift({ file: name, line: 1, column: 1, at: "", message: "the checklist could not be read as text" });
      continue;
    }
    const load = loadCached(text, name, registry, inherited);
    if (load.ok) {
      layers.unshift(load.checklist.phases);
      inherited.push(...load.checklist.phases.map((p) => p.id));
    } else errors.unshift(...load.errors);
  }
  if (errors.length > 0) return { ok: false, errors };

  const nearest = found[0]?.file;
  const origin = nearest ? displayName(nearest, target) : CHECKLIST_PATH;
  const phases = mergePhases(layers);
  // Each file was checked alone; a phase replacing an inherited one can still close a cycle.
  const cycle = findRequiresCycle(phases);
  if (cycle !== null) {
    return {
      ok: false,
      errors: [
        {
          file: origin,
          line: 1,
          column: 1,
          at: "",
          message: `phases require each other in a cycle across the extended files: ${cycle.map((id) => `'${id}'`).join(" → ")}`,
          hint: "a phase can only require phases that do not require it back",
        },
      ],
    };
  }
  const checklist: Checklist = { origin: { source: "file", path: origin }, phases };
  return { ok: true, checklist, files: found.map(({ file }) => fileKey(file.owner, file.repo, file.path)) };
}

const defaults = new WeakMap<Registry, Checklist>();

/** The built-in checklist, built once per registry (its check entries keep their identity for the audit memo). */
function defaultFor(registry: Registry): Checklist {
  let checklist = defaults.get(registry);
  if (checklist === undefined) defaults.set(registry, (checklist = defaultChecklist(registry)));
  return checklist;
}

/** Checklist files loaded, by registry, then by name, inherited ids and text: at most this many per registry. */
const LOADED_MAX = 512;
const loaded = new WeakMap<Registry, Map<string, ReturnType<typeof loadChecklist>>>();

/**
 * `loadChecklist`, remembered while the file's text is unchanged: the checklist is read on every
 * delivery, and an unchanged one keeps its phase and check objects, by which the audit memo knows
 * a check's earlier results (`audit/memo.ts`).
 */
function loadCached(text: string, name: string, registry: Registry, inherited: readonly string[]): ReturnType<typeof loadChecklist> {
  let byKey = loaded.get(registry);
  if (byKey === undefined) loaded.set(registry, (byKey = new Map()));
  const key = `${name}\0${inherited.join("\0")}\0\u0001${text}`;
  const known = byKey.get(key);
  if (known !== undefined) {
    byKey.delete(key);
    byKey.set(key, known);
    return known;
  }
  const load = loadChecklist(text, name, registry, { inheritedPhases: inherited });
  byKey.set(key, load);
  if (byKey.size > LOADED_MAX) byKey.delete(byKey.keys().next().value as string);
  return load;
}

/** Phases of every layer, the furthest first; a nearer layer's phase replaces an inherited one of the same id in place. */
export function mergePhases(nearestFirst: readonly (readonly PhaseConfig[])[]): PhaseConfig[] {
  const merged: PhaseConfig[] = [];
  for (const layer of [...nearestFirst].reverse()) {
    for (const phase of layer) {
      const at = merged.findIndex((p) => p.id === phase.id);
      if (at >= 0) merged[at] = phase;
      else merged.push(phase);
    }
  }
  return merged;
}

interface PluginFile {
  readonly owner: string;
  readonly repo: string;
  readonly path: string;
  readonly url: string;
  readonly config: Record<string, unknown> | null;
}

function fileKey(owner: string, repo: string, path: string): string {
  return `${owner}/${repo}:${path}`;
}

/** How errors name a file: the repository's own file by its path (so annotations land on it), others as `owner/repo:path`. */
function displayName(file: { readonly owner: string; readonly repo: string; readonly path: string }, target: { readonly owner: string; readonly repo: string }): string {
  const own = file.owner.toLowerCase() === target.owner.toLowerCase() && file.repo.toLowerCase() === target.repo.toLowerCase();
  return own ? file.path : fileKey(file.owner, file.repo, file.path);
}

/**
 * The plugin throws for a file it cannot use (invalid YAML, not a map, a bad `_extends`, a
 * cycle, a directory). Those are the repository's configuration problems, located in the file
 * when its text was read; anything else (an API failure) is not.
 */
function pluginProblem(
  error: unknown,
  texts: ReadonlyMap<string, string>,
  target: { readonly owner: string; readonly repo: string },
  registry: Registry,
): ConfigError[] | null {
  if (!(error instanceof Error) || !error.message.startsWith(PLUGIN_PREFIX)) return null;
  const message = error.message.slice(PLUGIN_PREFIX.length);
  // The plugin names files by their API URLs; the first one named is the file at fault.
  for (const match of message.matchAll(API_FILE_URL)) {
    const [, owner = "", repo = "", encoded = ""] = match;
    const path = safeDecode(encoded);
    const text = texts.get(fileKey(owner, repo, path));
    if (text === undefined) continue;
    const name = displayName({ owner, repo, path }, target);
    if (message.includes("could not be parsed")) {
      // Invalid YAML, or not a map: the checklist loader says where.
      const load = loadChecklist(text, name, registry);
      if (!load.ok) return [...load.errors];
    }
    return [{ file: name, ...extendsLine(text), at: "_extends", message: readable(message, target), hint: EXTENDS_HINT }];
  }
  return [{ file: CHECKLIST_PATH, line: 1, column: 1, at: "", message: readable(message, target), hint: EXTENDS_HINT }];
}

/** `https://api.github.com/repos/o/r/contents/.github%2Ff.yml` (any host, an optional query). */
const API_FILE_URL = /https?:\/\/[^\s"]*?\/repos\/([^/\s"]+)\/([^/\s"]+)\/contents\/([^\s"?]+)(?:\?[^\s"]*)?/g;

const EXTENDS_HINT = "'_extends' names a repository of the same owner ('.github'), 'owner/repo', or 'repo:path/to/file.yml'";

/** The plugin's message with API URLs (`https://api.github.com/repos/o/r/contents/.github%2Ff.yml`) replaced by file names. */
function readable(message: string, target: { readonly owner: string; readonly repo: string }): string {
  return message.replace(API_FILE_URL, (_m, owner: string, repo: string, path: string) =>
    displayName({ owner, repo, path: safeDecode(path) }, target),
  );
}

/** Where `_extends` is in a file (line 1 when it cannot be found). */
function extendsLine(text: string): { line: number; column: number } {
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
    if (isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        if (isScalar(pair.key) && pair.key.value === "_extends" && pair.key.range) {
          const { line, col } = lineCounter.linePos(pair.key.range[0]);
          return { line, column: col };
        }
      }
    }
  } catch {
    // Fall through: the plugin parsed this text, so this is unexpected; point at the top.
  }
  return { line: 1, column: 1 };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
