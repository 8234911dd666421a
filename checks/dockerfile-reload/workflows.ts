/**
 * GitHub Actions workflows that ship images (spec §4.1, §4.2 step 2): which Dockerfiles and
 * compose files a workflow that pushes or deploys builds, with `--target`/`target:` and build
 * args. A Dockerfile built there is production whatever its name.
 */
import { isMap, isSeq, type YAMLMap } from "yaml";
import posix from "node:path/posix";
import { basename } from "./command.js";
import { parseShell } from "./shell.js";
import type { EnvValue, Loc, Word } from "./types.js";
import { deref, entries, getMap, getPair, lineOf, pairKey, parseYaml, scalarText, type YamlFile } from "./yaml-util.js";

export interface WorkflowBuild {
  /** Repository path of the Dockerfile. */
  readonly dockerfile: string;
  /** Repository path of the build context. */
  readonly context: string;
  readonly target?: string;
  readonly buildArgs: ReadonlyMap<string, EnvValue>;
  readonly loc: Loc;
}

export interface WorkflowCompose {
  readonly file: string;
  readonly loc: Loc;
}

export interface WorkflowInfo {
  readonly path: string;
  /** True when the workflow pushes an image or deploys. */
  readonly deploys: boolean;
  readonly builds: readonly WorkflowBuild[];
  readonly composeFiles: readonly WorkflowCompose[];
}

const DEPLOY_NAME = /(^|[^a-z])(deploy|deployment|release|publish|production|prod|ship)([^a-z]|$)/i;
const DEPLOY_COMMANDS: readonly (readonly string[])[] = [
  ["docker", "push"], ["docker", "image", "push"], ["docker", "compose", "push"], ["docker-compose", "push"],
  ["podman", "push"], ["buildah", "push"], ["flyctl", "deploy"], ["fly", "deploy"], ["gcloud", "run", "deploy"],
  ["gcloud", "app", "deploy"], ["gcloud", "builds", "submit"], ["kubectl", "apply"], ["kubectl", "set"], ["kubectl", "rollout"],
  ["helm", "upgrade"], ["helm", "install"], ["docker", "stack", "deploy"], ["aws", "ecs"], ["az", "containerapp"],
  ["heroku", "container:push"], ["heroku", "container:release"], ["railway", "up"],
];

const BUILD_FLAGS_WITHOUT_VALUE = new Set(["--push", "--load", "--no-cache", "--pull", "-q", "--quiet", "--rm", "--force-rm", "--squash", "--compress", "--check", "--debug", "--disable-content-trust"]);

function normalize(p: string): string {
  const n = posix.normalize(p);
  return n === "." ? "" : n.replace(/^\.\//, "").replace(/\/$/, "");
}

function startsWith(words: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((p, i) => words[i] === p);
}

export function readWorkflow(path: string, text: string): WorkflowInfo {
  const parsed = parseYaml(text, true);
  const empty: WorkflowInfo = { path, deploys: false, builds: [], composeFiles: [] };
  if (!parsed.ok) return empty;
  const file = parsed.file;
  const root = deref(file, file.doc.contents);
  if (!isMap(root)) return empty;
  let deploys = DEPLOY_NAME.test(scalarText(file, getPair(file, root, "name")?.value) ?? "");
  const builds: WorkflowBuild[] = [];
  const composeFiles: WorkflowCompose[] = [];
  const rootWd = workingDirectory(file, root);
  const jobs = getMap(file, root, "jobs");
  for (const jobPair of jobs ? entries(file, jobs) : []) {
    const job = deref(file, jobPair.value);
    if (!isMap(job)) continue;
    if (DEPLOY_NAME.test(pairKey(jobPair) ?? "") || DEPLOY_NAME.test(scalarText(file, getPair(file, job, "name")?.value) ?? "")) deploys = true;
    const jobWd = workingDirectory(file, job) ?? rootWd ?? "";
    const steps = deref(file, getPair(file, job, "steps")?.value);
    if (!isSeq(steps)) continue;
    for (const stepNode of steps.items) {
      const step = deref(file, stepNode);
      if (!isMap(step)) continue;
      const loc: Loc = { path, line: lineOf(file, step) };
      const uses = scalarText(file, getPair(file, step, "uses")?.value) ?? "";
      const withMap = getMap(file, step, "with");
      const withText = (key: string) => (withMap ? scalarText(file, getPair(file, withMap, key)?.value) : undefined);
      if (/deploy/i.test(uses)) deploys = true;
      if (uses.startsWith("docker/build-push-action@")) {
        const push = withText("push");
        if (push !== undefined && push !== "false") deploys = true;
        const context = withText("context") ?? ".";
        const fileText = withText("file");
        if (context.includes("${{") || fileText?.includes("${{") || /^[a-z]+:\/\//i.test(context)) continue;
        const ctx = normalize(context);
        const dockerfile = normalize(fileText ?? posix.join(ctx, "Dockerfile"));
        const target = withText("target");
        const buildArgs = new Map<string, EnvValue>();
        for (const line of (withText("build-args") ?? "").split("\n")) {
          const eq = line.indexOf("=");
          if (eq <= 0 || line.includes("${{")) continue;
          const key = line.slice(0, eq).trim();
          buildArgs.set(key, { value: line.slice(eq + 1).trim(), loc, setBy: `build-arg ${key} in ${path}` });
        }
        builds.push({ dockerfile, context: ctx, ...(target && !target.includes("${{") ? { target } : {}), buildArgs, loc });
        continue;
      }
      const run = scalarText(file, getPair(file, step, "run")?.value);
      if (run === undefined) continue;
      const wd = scalarText(file, getPair(file, step, "working-directory")?.value) ?? jobWd;
      const cmds = parseShell(run, { env: new Map(), locAt: () => loc, conditionLabel: "a condition in the workflow" });
      for (const c of cmds) {
        const words = c.words.map((w) => w.text);
        const name = basename(words[0] ?? "");
        const argv = [name, ...words.slice(1)];
        if (DEPLOY_COMMANDS.some((p) => startsWith(argv, p))) deploys = true;
        if (argv.includes("--push") || argv.some((t) => t.startsWith("--output=type=registry") || t === "type=registry")) deploys = true;
        const build = dockerBuild(argv, c.words, wd, loc);
        if (build) builds.push(build);
        if (name === "docker-compose" || (name === "docker" && argv[1] === "compose")) {
          for (let i = 1; i < argv.length; i++) {
            const t = argv[i] as string;
            const value = t === "-f" || t === "--file" ? argv[i + 1] : t.startsWith("--file=") ? t.slice(7) : undefined;
            if (value && !c.words[i + 1]?.unknown) composeFiles.push({ file: normalize(posix.join(wd ?? "", value)), loc });
          }
        }
      }
    }
  }
  return { path, deploys, builds, composeFiles };
}

function workingDirectory(file: YamlFile, map: YAMLMap): string | undefined {
  const defaults = getMap(file, map, "defaults");
  const run = defaults ? getMap(file, defaults, "run") : undefined;
  const wd = run ? scalarText(file, getPair(file, run, "working-directory")?.value) : undefined;
  return wd && !wd.includes("${{") ? wd : undefined;
}

/** `docker build`, `docker buildx build`, `docker image build`, `podman build`: file, context, target, args. */
function dockerBuild(argv: readonly string[], words: readonly Word[], wd: string | undefined, loc: Loc): WorkflowBuild | null {
  let i: number;
  if ((argv[0] === "docker" || argv[0] === "podman") && argv[1] === "build") i = 2;
  else if (argv[0] === "docker" && (argv[1] === "buildx" || argv[1] === "image") && (argv[2] === "build" || argv[2] === "b")) i = 3;
  else if (argv[0] === "buildah" && (argv[1] === "bud" || argv[1] === "build")) i = 2;
  else return null;
  let file: string | undefined;
  let target: string | undefined;
  let context: string | undefined;
  let unknown = false;
  const buildArgs = new Map<string, EnvValue>();
  for (; i < argv.length; i++) {
    const t = argv[i] as string;
    const [flag, inline] = t.startsWith("--") && t.includes("=") ? [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1)] : [t, undefined];
    if (!flag.startsWith("-") || flag === "-") {
      if (context === undefined) {
        context = t;
        if (words[i]?.unknown) unknown = true;
      }
      continue;
    }
    if (BUILD_FLAGS_WITHOUT_VALUE.has(flag)) continue;
    let value = inline;
    if (value === undefined && flag.startsWith("-f") && flag.length > 2 && !flag.startsWith("--")) value = flag.slice(2);
    else if (value === undefined) {
      value = argv[i + 1];
      if (words[i + 1]?.unknown && (flag === "-f" || flag === "--file")) unknown = true;
      i++;
    }
    if (flag === "-f" || flag === "--file" || (flag.startsWith("-f") && !flag.startsWith("--"))) file = value;
    else if (flag === "--target") target = value;
    else if (flag === "--build-arg" && value) {
      const eq = value.indexOf("=");
      if (eq > 0) buildArgs.set(value.slice(0, eq), { value: value.slice(eq + 1), loc, setBy: `--build-arg ${value.slice(0, eq)}` });
    }
  }
  if (unknown || context === undefined || context === "-" || /^[a-z]+:\/\//i.test(context) || file === "-") return null;
  const ctx = normalize(posix.join(wd ?? "", context));
  const dockerfile = normalize(file ? posix.join(wd ?? "", file) : posix.join(ctx, "Dockerfile"));
  return { dockerfile, context: ctx, ...(target ? { target } : {}), buildArgs, loc };
}
