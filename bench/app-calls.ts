/**
 * API calls per audit, counted by the simulated GitHub per route, for three pushes in a row to one
 * repository (a fresh app process and a fresh simulator per run):
 *
 *   1. `first`: the base commit, the app's first audit (cold blob cache; the installation token and
 *      `GET /app` are fetched once);
 *   2. `one-relevant`: a commit changing one file the checks read;
 *   3. `no-relevant`: a commit changing one file no check reads.
 *
 * Beside each, computed from git's own listing of the commit and the checks' `files` globs (the
 * engine's `matchPaths`):
 *
 * - the lower bound: 1 tree call + the relevant blobs not fetched by an earlier push (distinct
 *   SHAs; files over the size cap excluded) + the check-run writes (per phase one create carrying
 *   the result and its first 50 annotations, plus one update per further batch of 50, from the
 *   annotations the simulator received; an audit over 1 s also shows its runs in progress first,
 *   one more write per phase) + 1 checklist read when `.github/phase-gate.yml` is not the one an
 *   earlier push read (the app keeps a checklist until a push to the default branch changes it:
 *   `src/github/checklist-cache.ts`). The installation token (once an hour per installation) and
 *   `GET /app` (once per process) are counted apart ("once").
 * - a naive reader: a checklist read on every push (as Probot's `context.config` does) and the
 *   check-run writes, plus one contents-API listing of every directory the globs can reach
 *   (`needsOf`, as the app's truncated-tree walk decides) and one contents-API read of every
 *   matching file, on every push (nothing cached).
 */
import { registry } from "../checks/index.js";
import { matchPaths } from "../src/check/match-paths.js";
import { loadChecklist } from "../src/config/index.js";
import { CHECKLIST_PATH } from "../src/config/types.js";
import { comparePathBytes } from "../src/snapshot/path-order.js";
import { needsOf } from "../src/snapshot/github.js";
import { DEFAULT_MAX_FILE_BYTES } from "../src/snapshot/types.js";
import { GitHubSim, ZERO_SHA } from "../test/support/github-sim/index.js";
import { median, round1, startApp, type AppMode } from "./app-harness.js";
import { BENCH_CHECKLIST, BENCH_PHASES, directoriesOf, listFiles, type AppRepo } from "./app-repos.js";

export interface CallsCase {
  /** e.g. `50k-truncated`. */
  readonly name: string;
  readonly files: number;
  readonly relevant: number;
  /** The simulator's limit on a recursive tree's JSON (GitHub's 7 MB by default; Infinity: never truncated). */
  readonly treeMaxBytes: number;
  readonly repo: AppRepo;
}

export type PushKind = "first" | "one-relevant" | "no-relevant";

/** One push of one run. */
export interface PushSample {
  readonly kind: PushKind;
  readonly total: number;
  readonly byRoute: Record<string, number>;
  /** Token and `GET /app`: once per hour per installation, once per process. */
  readonly once: number;
  readonly bound: number;
  readonly boundParts: { tree: 1; blobs: number; writes: number; checklist: 0 | 1 };
  readonly naive: number;
  readonly naiveParts: { listings: number; files: number; writes: number; checklist: 1 };
  readonly mode: AppMode;
  /** Delivery to the last check run completed. */
  readonly ms: number;
  readonly conclusions: string[];
}

export interface CallsResult {
  readonly name: string;
  readonly files: number;
  readonly relevant: number;
  readonly treeMaxBytes: number | "Infinity";
  readonly runs: number;
  /** Per push: medians over the runs, and whether the counts varied between runs. */
  readonly pushes: Array<{
    kind: PushKind;
    total: number;
    once: number;
    perDelivery: number;
    bound: number;
    overBound: number;
    naive: number;
    boundParts: PushSample["boundParts"];
    naiveParts: PushSample["naiveParts"];
    byRoute: Record<string, number>;
    countsVaried: boolean;
    /** Delivery to the last check run completed: the shipped run, and the median of the unthrottled ones (null without any). */
    shippedMs: number;
    unthrottledMs: number | null;
    conclusions: string[];
  }>;
}

const ONCE_ROUTES = new Set(["POST /app/installations/{installation_id}/access_tokens", "GET /app"]);

/** The checks' `files` globs of the benchmark checklist (what the engine matches against the listing). */
function checklistPatterns(): string[] {
  const load = loadChecklist(BENCH_CHECKLIST, ".github/phase-gate.yml", registry);
  if (!load.ok) throw new Error(`the benchmark checklist is invalid: ${JSON.stringify(load.errors)}`);
  return load.checklist.phases.flatMap((p) => p.checks.flatMap((c) => [...c.check.files(c.options)]));
}

interface Relevant {
  /** Matching regular files: path -> blob SHA, size. */
  readonly files: Map<string, { sha: string; size: number }>;
  readonly listingCalls: number;
  /** The blob of `.github/phase-gate.yml` in the commit, if any. */
  readonly checklistSha: string | null;
}

function relevantOf(repo: AppRepo, commit: string, patterns: readonly string[]): Relevant {
  const all = listFiles(repo.dir, commit).filter((f) => /^100[0-7]{3}$/.test(f.mode));
  const sorted = all.map((f) => f.path).sort(comparePathBytes);
  const byPath = new Map(all.map((f) => [f.path, f]));
  const files = new Map<string, { sha: string; size: number }>();
  for (const p of matchPaths(patterns, sorted)) {
    const f = byPath.get(p);
    if (f !== undefined) files.set(p, { sha: f.sha, size: f.size });
  }
  const needs = needsOf(patterns);
  const dirs = directoriesOf(sorted);
  const listingCalls = needs === "all" ? dirs.length : dirs.filter((d) => needs.some((n) => dirNeeded(d, n))).length;
  return { files, listingCalls, checklistSha: byPath.get(CHECKLIST_PATH)?.sha ?? null };
}

/** Whether a directory can hold a match of a glob whose literal base and depth are `need` (the rule of the app's truncated-tree walk). */
function dirNeeded(dir: string, need: { readonly base: string; readonly depth: number }): boolean {
  const segments = (p: string) => (p === "" ? 0 : p.split("/").length);
  if (dir === "" || dir === need.base) return true;
  if (need.base === "") return segments(dir) <= need.depth;
  if (need.base.startsWith(`${dir}/`)) return true;
  return dir.startsWith(`${need.base}/`) && segments(dir) - segments(need.base) <= need.depth;
}

/** Check-run writes the design needs for a phase: a create with the result and up to 50 annotations, then one update per further batch of 50. */
function writesFor(annotations: readonly number[]): number {
  return annotations.reduce((n, a) => n + Math.max(1, Math.ceil(a / 50)), 0);
}

async function oneRun(c: CallsCase, patterns: readonly string[], mode: AppMode): Promise<PushSample[]> {
  const sim = new GitHubSim({ treeMaxBytes: c.treeMaxBytes });
  await sim.start();
  const owner = "acme";
  const name = `app-${c.name}`;
  const repo = sim.addRepo({ owner, name, dir: c.repo.dir, installationId: 1 });
  // The simulator's own first read of a big tree (~2 s at 50k files) is not the app's cost.
  for (const sha of [c.repo.base, c.repo.oneRelevant, c.repo.noRelevant]) await repo.warm(sha);
  const app = await startApp(sim, mode);
  const samples: PushSample[] = [];
  try {
    const pushes: Array<{ kind: PushKind; after: string; before: string }> = [
      { kind: "first", after: c.repo.base, before: ZERO_SHA },
      { kind: "one-relevant", after: c.repo.oneRelevant, before: c.repo.base },
      { kind: "no-relevant", after: c.repo.noRelevant, before: c.repo.oneRelevant },
    ];
    const fetched = new Set<string>();
    const checklistsRead = new Set<string>();
    for (const push of pushes) {
      const payload = await sim.payloads.push(owner, name, { ref: "main", after: push.after, before: push.before });
      sim.reset();
      const delivery = await sim.deliver(app.webhookUrl, { event: "push", payload });
      if (delivery.status < 200 || delivery.status >= 300) throw new Error(`the app answered ${delivery.status} to a push: ${delivery.body}`);
      const runs = await sim.waitForCheckRuns(owner, name, push.after, { count: BENCH_PHASES, timeoutMs: 300_000 });
      const done = Math.max(...runs.map((r) => r.completedAtMs ?? 0));
      // Anything the app still sends for this push comes right after the last completion.
      await new Promise((r) => setTimeout(r, 300));
      const byRoute = sim.countByRoute();
      const total = sim.count();
      const once = Object.entries(byRoute).reduce((n, [route, count]) => n + (ONCE_ROUTES.has(route) ? count : 0), 0);

      const relevant = relevantOf(c.repo, push.after, patterns);
      const blobs = new Set<string>();
      for (const f of relevant.files.values()) if (f.size <= DEFAULT_MAX_FILE_BYTES && !fetched.has(f.sha)) blobs.add(f.sha);
      for (const sha of blobs) fetched.add(sha);
      const writes = writesFor(runs.map((r) => r.annotations.length));
      const checklist = relevant.checklistSha === null || checklistsRead.has(relevant.checklistSha) ? 0 : 1;
      if (relevant.checklistSha !== null) checklistsRead.add(relevant.checklistSha);
      const boundParts = { tree: 1 as const, blobs: blobs.size, writes, checklist: checklist as 0 | 1 };
      const naiveParts = { listings: relevant.listingCalls, files: relevant.files.size, writes, checklist: 1 as const };
      samples.push({
        kind: push.kind,
        total,
        byRoute,
        once,
        bound: 1 + blobs.size + writes + checklist,
        boundParts,
        naive: naiveParts.listings + naiveParts.files + writes + 1,
        naiveParts,
        mode,
        ms: done - delivery.sentAtMs,
        conclusions: runs.map((r) => `${r.name.replace(/^phase-gate: /, "")}=${r.conclusion ?? "?"}(${r.annotations.length} ann.)`),
      });
      if (sim.invalidRequests().length > 0) throw new Error(`the app sent requests GitHub would refuse: ${JSON.stringify(sim.invalidRequests().slice(0, 3))}`);
    }
    if (app.errorCount() > 0) throw new Error(`the app logged failed audits:\n${app.logLines.join("\n")}`);
  } finally {
    await app.stop();
    await sim.stop();
  }
  return samples;
}

/**
 * `runs` runs of a case: the first with the app as shipped (`node lib/src/main.js`), the others with
 * client-side throttling off (the same requests, without the write budget's waits);
 * `countsVaried` says whether any count differed.
 */
export async function runCallsCase(c: CallsCase, runs: number, progress: (line: string) => void): Promise<CallsResult> {
  const patterns = checklistPatterns();
  const all: PushSample[][] = [];
  for (let i = 0; i < runs; i++) {
    const mode: AppMode = i === 0 ? "shipped" : "unthrottled";
    const samples = await oneRun(c, patterns, mode);
    all.push(samples);
    progress(`  ${c.name} run ${i + 1}/${runs} (${mode}): ${samples.map((s) => `${s.kind} ${s.total} calls (bound ${s.bound}) ${Math.round(s.ms)} ms`).join("; ")}`);
  }
  const kinds: PushKind[] = ["first", "one-relevant", "no-relevant"];
  return {
    name: c.name,
    files: c.files,
    relevant: c.relevant,
    treeMaxBytes: Number.isFinite(c.treeMaxBytes) ? c.treeMaxBytes : "Infinity",
    runs,
    pushes: kinds.map((kind) => {
      const xs = all.map((samples) => samples.find((s) => s.kind === kind) as PushSample);
      const first = xs[0] as PushSample;
      const total = median(xs.map((s) => s.total));
      const once = median(xs.map((s) => s.once));
      const bound = median(xs.map((s) => s.bound));
      const byRoute: Record<string, number> = {};
      for (const route of new Set(xs.flatMap((s) => Object.keys(s.byRoute)))) byRoute[route] = median(xs.map((s) => s.byRoute[route] ?? 0));
      return {
        kind,
        total,
        once,
        perDelivery: total - once,
        bound,
        overBound: total - once - bound,
        naive: median(xs.map((s) => s.naive)),
        boundParts: first.boundParts,
        naiveParts: first.naiveParts,
        byRoute,
        countsVaried: xs.some((s) => sortedJson(s.byRoute) !== sortedJson(first.byRoute)),
        shippedMs: round1(median(xs.filter((s) => s.mode === "shipped").map((s) => s.ms))),
        unthrottledMs: xs.some((s) => s.mode === "unthrottled") ? round1(median(xs.filter((s) => s.mode === "unthrottled").map((s) => s.ms))) : null,
        conclusions: first.conclusions,
      };
    }),
  };
}

function sortedJson(counts: Record<string, number>): string {
  return JSON.stringify(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
