/**
 * The app benchmark (issue #4): the real app process against the simulated GitHub on loopback.
 *
 * - `calls`: API calls per audit at 1k, 10k and 50k files (50k twice: GitHub's 7 MB limit on a
 *   recursive tree, so the tree is truncated and walked, and no limit), for a first push, a push
 *   changing one relevant file and one changing none, beside the lower bound and a naive reader
 *   (`app-calls.ts`).
 * - `load`: open-loop push deliveries at 50, 100 and 200 a second over many repositories, latency
 *   from delivery to the last check run completed, peak RSS of the app (`app-load.ts`), for the app
 *   as shipped (`npm start`: `lib/src/main.js`), the app with Octokit's client-side throttling off, and that with
 *   secretlint's profiler off.
 *
 * Run by `bench/run.ts` (`npm run bench -- --only app`, or `--only app-calls` / `--only app-load`).
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import type { AppMode } from "./app-harness.js";
import { median, round1 } from "./app-harness.js";
import { runCallsCase, type CallsResult } from "./app-calls.js";
import { fleet, runLoad, summarize, type LoadResult, type LoadSample } from "./app-load.js";
import { cachedAppRepo } from "./app-repos.js";

export interface AppBenchOptions {
  readonly runs: number;
  readonly cacheRoot: string;
  readonly calls: boolean;
  readonly load: boolean;
  /** Seconds each load run sends for (default 10). */
  readonly seconds?: number;
  /** Repositories of the load fleet (default 200) and the installations they are spread over (default: one each). */
  readonly repos?: number;
  readonly installations?: number;
  /** Offered rates (default 50, 100, 200 a second) and app modes (default all three) of the load part. */
  readonly rates?: readonly number[];
  readonly modes?: readonly AppMode[];
  readonly progress: (line: string) => void;
}

export interface LoadPlan {
  readonly mode: AppMode;
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly drainMs: number;
}

export interface AppBenchResult {
  readonly date: string;
  readonly machine: Record<string, unknown>;
  readonly calls: CallsResult[];
  readonly load: LoadResult[];
  readonly loadFleet: { repos: number; installations: number; filesPerRepo: number; relevantPerRepo: number } | null;
  readonly notes: string[];
  readonly wallSeconds: number;
  /** When results of earlier runs are kept in bench/results.json: their dates and machines. */
  readonly earlier?: ReadonlyArray<{ date: string; machine: Record<string, unknown> }>;
}

const RATES = [50, 100, 200] as const;
/**
 * The load fleet: by default one repository per installation, as most installations of a public
 * app are. GitHub's write limits are per installation, so an app's sustained rate is bounded per
 * installation (`src/github/octokit.ts`: 120 writes a minute after a burst of 15, 3 writes an
 * audit): 200 deliveries a second can only be served over many installations.
 */
const FLEET = { repos: 200, installations: 200, files: 1000, relevant: 12 };
const LOAD_VERSION = "1";
const CALLS_VERSION = "1";

/**
 * What the load part measures: the shipped app and the app without client-side throttling at every
 * rate (`unthrottled-fixed`, which only mattered before secretlint's profiler was turned off in the
 * app, runs when asked for with `--modes`).
 */
function loadPlans(seconds: number, rates: readonly number[] | undefined, modes: readonly AppMode[] | undefined): LoadPlan[] {
  const plans: LoadPlan[] = [
    { mode: "shipped", rates: rates ?? RATES, seconds, drainMs: 3_000 },
    { mode: "unthrottled", rates: rates ?? RATES, seconds, drainMs: 3_000 },
    { mode: "unthrottled-fixed", rates: rates ?? [RATES[0]], seconds, drainMs: 3_000 },
  ];
  return plans.filter((p) => (modes === undefined ? p.mode !== "unthrottled-fixed" : modes.includes(p.mode)));
}

export async function runAppBench(options: AppBenchOptions): Promise<AppBenchResult> {
  const started = performance.now();
  const loads: number[] = [];
  const sampleLoad = (): void => {
    loads.push(os.loadavg()[0] ?? 0);
  };
  const timer = setInterval(sampleLoad, 5_000);
  timer.unref();
  sampleLoad();
  const calls: CallsResult[] = [];
  const load: LoadResult[] = [];
  let loadFleet: AppBenchResult["loadFleet"] = null;
  try {
    if (options.calls) {
      const cases = [
        { name: "1k", files: 1_000, relevant: 30, treeMaxBytes: 7 * 1024 * 1024 },
        { name: "10k", files: 10_000, relevant: 100, treeMaxBytes: 7 * 1024 * 1024 },
        { name: "50k-truncated", files: 50_000, relevant: 300, treeMaxBytes: 7 * 1024 * 1024 },
        { name: "50k-one-tree", files: 50_000, relevant: 300, treeMaxBytes: Number.POSITIVE_INFINITY },
      ];
      for (const c of cases) {
        const size = c.name.replace(/-.*$/, "");
        options.progress(`app calls: ${c.name} (${options.runs} runs) ...`);
        const repo = cachedAppRepo(path.join(options.cacheRoot, "calls", size), CALLS_VERSION, { files: c.files, relevant: c.relevant, salt: `acme/app-${size}`, branches: 0 });
        calls.push(await runCallsCase({ ...c, repo }, options.runs, options.progress));
      }
    }
    if (options.load) {
      const repos = options.repos ?? FLEET.repos;
      options.progress(`app load: generating or reusing ${repos} repositories ...`);
      const seconds = options.seconds ?? 10;
      const plans = loadPlans(seconds, options.rates, options.modes);
      const pushesPerRepo = Math.ceil((Math.max(...plans.flatMap((p) => p.rates)) * seconds) / repos);
      const installations = Math.min(repos, options.installations ?? repos);
      const f = fleet(path.join(options.cacheRoot, `fleet-v${LOAD_VERSION}`), { ...FLEET, repos, installations, pushesPerRepo });
      loadFleet = { repos: f.repos.length, installations: f.installations, filesPerRepo: f.filesPerRepo, relevantPerRepo: f.relevantPerRepo };
      for (const plan of plans) {
        for (const rate of plan.rates) {
          const samples: LoadSample[] = [];
          for (let i = 0; i < options.runs; i++) {
            const s = await runLoad(f, { mode: plan.mode, rate, seconds: plan.seconds, drainMs: plan.drainMs });
            samples.push(s);
            options.progress(
              `  ${plan.mode} ${rate}/s run ${i + 1}/${options.runs}: sent ${s.sent} at ${s.achievedRate}/s, completed ${s.completed} (${s.completionRate}/s), p50 ${fmtMs(s.p50Ms)}, p99 ${fmtMs(s.p99Ms)} (completed: ${fmtMs(s.completedP50Ms)} / ${fmtMs(s.completedP99Ms)}), timeouts ${s.timeouts}, failed ${s.failed}${s.failures.length > 0 ? ` (${s.failures.join("; ")})` : ""}, RSS ${s.appPeakRssMiB} MiB, app CPU ${s.appCpuPct}% (${s.appCpuMsPerAudit === null ? "n/a: not drained" : `${s.appCpuMsPerAudit} ms an audit`}), load ${s.loadAverage1m}`,
            );
          }
          load.push(summarize(plan.mode, rate, plan.seconds, f, samples));
        }
      }
    }
  } finally {
    clearInterval(timer);
  }
  sampleLoad();
  return {
    date: new Date().toISOString(),
    machine: machineOf(loads),
    calls,
    load,
    loadFleet,
    notes: NOTES,
    wallSeconds: round1((performance.now() - started) / 1000),
  };
}

const NOTES = [
  "calls: counted by the simulator per route; the first run of each case is the shipped app (lib/src/main.js), the others the same app with Octokit's client-side throttling off (same requests; countsVaried says whether any count differed between runs)",
  "bound = 1 tree call + relevant blobs not fetched by an earlier push (distinct SHAs) + check-run writes (per phase 1 create with the result and <= 50 annotations + 1 update per further batch of 50) + 1 checklist read when the commit's checklist is not one read before (the app keeps it: src/github/checklist-cache.ts); 'once' (installation token, GET /app) is counted apart",
  "naive = contents-API listing of every directory the checks' globs can reach + one contents-API read per matching file + a checklist read, every push, + the same check-run writes",
  "load: latency = delivery sent -> the simulator receives the completion of the last of the commit's check runs (3 phases); timeouts = not completed within the drain time after the last delivery; p50/p99 count a timeout as slower than any completion (null: too many timeouts to have that percentile)",
  "load: each delivery is a push of its own commit (one relevant file changed) to a ref of its own, round robin over the repositories; every run sends one warm-up push per repository first (tokens, blob cache, audit memo)",
  "RSS (Linux, /proc/<pid>/status): start = VmRSS once listening; warm = VmRSS after the warm-up (one first audit per repository); window peak = VmHWM of the measured window alone (reset through /proc/<pid>/clear_refs after the warm-up); peak = the process's VmHWM over the whole run",
  "app CPU per audit: the window's app CPU / audits completed, only for runs where every delivery completed (an overloaded app's CPU on audits still queued would be charged to those finished); the median of those runs, n/a when none drained",
  "the simulator and the load generator share the benchmark process (its CPU and event-loop delay are reported as benchCpuPct and benchLoopDelay*)",
];

function fmtMs(x: number | null): string {
  return x === null || !Number.isFinite(x) ? "timeout" : `${Math.round(x)} ms`;
}

function machineOf(loads: readonly number[]): Record<string, unknown> {
  let free = "";
  try {
    free = execFileSync("free", ["-g"], { encoding: "utf8" }).trim();
  } catch {
    // not Linux
  }
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: round1(os.totalmem() / 2 ** 30),
    freeG: free,
    loadAverage1mDuringRuns: loads.length > 0 ? { min: round1(Math.min(...loads)), median: round1(median(loads)), max: round1(Math.max(...loads)) } : null,
  };
}

/** The tables `npm run bench` prints for the app. */
export function appTables(result: AppBenchResult): string {
  const out: string[] = [];
  const m = result.machine as { nproc: number; cpu: string; memoryGiB: number; node: string; loadAverage1mDuringRuns: { min: number; median: number; max: number } | null };
  const l = m.loadAverage1mDuringRuns;
  out.push(`app benchmark: ${m.nproc} x ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, load average (1 min) during runs ${l ? `${l.min}/${l.median}/${l.max} (min/median/max)` : "?"}, ${result.wallSeconds} s`);
  if (result.calls.length > 0) {
    out.push("", "API calls per audit (app = once + per delivery; bound = tree + blobs + check-run writes + checklist; naive = dir listings + files + writes + checklist)");
    const rows = result.calls.flatMap((c) =>
      c.pushes.map((p) => [
        c.name,
        p.kind,
        `${p.once} + ${p.perDelivery}`,
        `${p.bound} (1+${p.boundParts.blobs}+${p.boundParts.writes}+${p.boundParts.checklist})`,
        `${p.overBound >= 0 ? "+" : ""}${p.overBound}`,
        `${p.naive} (${p.naiveParts.listings}+${p.naiveParts.files}+${p.naiveParts.writes}+1)`,
        treeCalls(p.byRoute),
        `${fmtMs(p.shippedMs)} / ${p.unthrottledMs === null ? "-" : fmtMs(p.unthrottledMs)}`,
        p.countsVaried ? "varied!" : "",
      ]),
    );
    out.push(table(["case", "push", "app calls", "lower bound", "app-bound", "naive reader", "tree calls", "ms shipped/unthrottled", ""], rows));
  }
  if (result.load.length > 0) {
    const f = result.loadFleet;
    out.push(
      "",
      `Load: ${f?.repos} repositories over ${f?.installations} installations, ${f?.filesPerRepo} files (${f?.relevantPerRepo} relevant) each; medians of ${result.load[0]?.runs} runs; latency = delivery -> last check run completed`,
    );
    const rows = result.load.map((r) => [
      r.mode,
      `${r.rate}/s x ${r.seconds}s`,
      `${r.median.achievedRate}/s`,
      `${r.median.completed}/${r.median.sent}`,
      `${r.median.completionRate}/s`,
      fmtMs(r.median.p50Ms),
      fmtMs(r.median.p99Ms),
      fmtMs(r.median.maxMs),
      `${fmtMs(r.median.completedP50Ms)} / ${fmtMs(r.median.completedP99Ms)}`,
      `${r.median.timeouts}`,
      `${r.drainedRuns}/${r.runs}`,
      `${r.median.failed}`,
      `${r.median.appStartRssMiB} / ${r.median.appWarmRssMiB} / ${r.median.appWindowPeakRssMiB} / ${r.median.appPeakRssMiB} MiB`,
      `${r.median.appCpuPct}% / ${r.median.appCpuMsPerAudit === null ? "n/a" : `${r.median.appCpuMsPerAudit} ms`}`,
      `${r.median.benchCpuPct}% / ${r.median.benchLoopDelayP99Ms} ms`,
    ]);
    out.push(
      table(
        ["app", "offered", "sent at", "completed", "completion rate", "p50", "p99", "max", "completed p50/p99", "timeouts", "drained", "failed", "RSS start / warm / window peak / peak", "app CPU / per audit", "sim CPU / loop p99"],
        rows,
      ),
    );
  }
  return out.join("\n");
}

function treeCalls(byRoute: Record<string, number>): string {
  return String(byRoute["GET /repos/{owner}/{repo}/git/trees/{tree_sha}"] ?? 0);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
