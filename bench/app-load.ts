/**
 * Sustained webhook load: many repositories over several installations, push deliveries sent
 * open-loop (on schedule, whatever the app answers) at a fixed rate for a fixed time; each delivery
 * pushes a commit of its own to a ref of its own (so the queue never coalesces two of them), and
 * changes one file the checks read. Latency of a delivery: from the moment it is sent to the moment
 * the simulator receives the completion of the LAST of its check runs (one per phase).
 *
 * The simulator and the sender share the benchmark's process (its event-loop delay and CPU are
 * reported, so their cost can be told apart from the app's); the app runs in its own process.
 *
 * Before the measured window, every run sends each repository one warm-up push (a commit not used
 * later) and waits for it: installation tokens, `GET /app`, the blob cache and audit memo of each
 * repository and the JIT are warm, as in a running service. (The shipped app's write budget refills
 * within seconds: the warm-up spends 3 of an installation's 15 writes.)
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import os from "node:os";
import path from "node:path";
import { GitHubSim, type SimEvent } from "../test/support/github-sim/index.js";
import { median, procStatus, quantile, round1, startApp, type AppMode } from "./app-harness.js";
import { BENCH_PHASES, cachedAppRepo, type AppRepo } from "./app-repos.js";

export interface LoadOptions {
  readonly mode: AppMode;
  readonly rate: number;
  readonly seconds: number;
  /** Milliseconds to wait for the backlog after the last delivery is sent. */
  readonly drainMs: number;
  /** Node options of the app process (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
}

export interface Fleet {
  readonly repos: ReadonlyArray<{ owner: string; name: string; installationId: number; repo: AppRepo }>;
  readonly installations: number;
  readonly filesPerRepo: number;
  readonly relevantPerRepo: number;
  /** Push payloads per repository as JSON text, with `__ORIGIN__`, `__AFTER__`, `__AFTER12__`, `__TREE__`, `__REF__`, `__MSG__` to fill in. */
  templates: string[] | null;
}

export interface LoadSample {
  readonly sent: number;
  /** Deliveries per second actually sent: (sent - 1) / (last send - first send). */
  readonly achievedRate: number;
  /** Deliveries the app answered 2xx; the others failed (status, or no answer). */
  readonly accepted: number;
  readonly failed: number;
  readonly responseP50Ms: number;
  readonly responseP99Ms: number;
  readonly completed: number;
  /** Not completed when the drain time ran out. */
  readonly timeouts: number;
  readonly drained: boolean;
  /** From the last delivery sent to the last check run completed. */
  readonly drainMs: number;
  /** Completed audits per second, from the first delivery to the last completion. */
  readonly completionRate: number;
  readonly p50Ms: number | null;
  /** Over every delivery, a timed-out one counting as slower than any: null when more than 1% timed out. */
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** Percentiles of the completed deliveries only (null when none completed). */
  readonly completedP50Ms: number | null;
  readonly completedP99Ms: number | null;
  /** Why deliveries failed (first few distinct reasons). */
  readonly failures: string[];
  readonly conclusions: Record<string, number>;
  readonly apiCallsPerDelivery: number;
  readonly appPeakRssMiB: number | null;
  /** RSS once the warm-up is done, and the peak during the measured window alone (null: not measurable). */
  readonly appWarmRssMiB: number | null;
  readonly appWindowPeakRssMiB: number | null;
  /** RSS of the app right after it started listening (nothing audited yet). */
  readonly appStartRssMiB: number | null;
  /** CPU used during the window (first send to drained or timed out), as % of one core. */
  readonly appCpuPct: number | null;
  /**
   * App CPU of the window per audit, in ms; null unless every delivery completed (drained): an
   * overloaded app also spent CPU on the deliveries still queued or running, which would be
   * charged to the audits that finished (appCpuPct and completionRate tell its capacity then).
   */
  readonly appCpuMsPerAudit: number | null;
  readonly benchCpuPct: number;
  readonly benchLoopDelayP99Ms: number;
  readonly benchLoopDelayMaxMs: number;
  readonly loadAverage1m: number;
  readonly appErrors: number;
}

const WARMUP_BRANCH_FROM_END = 1;

/** The repositories of the load benchmark (generated once into `cacheRoot`). */
export function fleet(cacheRoot: string, options: { repos: number; installations: number; files: number; relevant: number; pushesPerRepo: number }): Fleet {
  const repos = [];
  for (let i = 0; i < options.repos; i++) {
    const installationId = 1 + (i % options.installations);
    const owner = `fleet-${installationId}`;
    const name = `svc-${String(i).padStart(3, "0")}`;
    const repo = cachedAppRepo(path.join(cacheRoot, "load", name), "1", {
      files: options.files,
      relevant: options.relevant,
      salt: `${owner}/${name}`,
      branches: options.pushesPerRepo + WARMUP_BRANCH_FROM_END,
    });
    repos.push({ owner, name, installationId, repo });
  }
  return { repos, installations: options.installations, filesPerRepo: options.files, relevantPerRepo: options.relevant, templates: null };
}

async function templatesOf(sim: GitHubSim, f: Fleet): Promise<string[]> {
  const out: string[] = [];
  for (const r of f.repos) {
    const b = r.repo.branches[0];
    if (b === undefined) throw new Error(`${r.name}: no push branch`);
    const payload = await sim.payloads.push(r.owner, r.name, { ref: b.ref, after: b.sha, before: r.repo.base });
    out.push(
      JSON.stringify(payload)
        .replaceAll(sim.origin, "__ORIGIN__")
        .replaceAll(b.sha, "__AFTER__")
        .replaceAll(b.sha.slice(0, 12), "__AFTER12__")
        .replaceAll(b.tree, "__TREE__")
        .replaceAll(b.ref, "__REF__")
        .replaceAll('"push 1"', '"__MSG__"'),
    );
  }
  return out;
}

function fill(template: string, origin: string, b: { ref: string; sha: string; tree: string }, message: string): string {
  return template
    .replaceAll("__ORIGIN__", origin)
    .replaceAll("__AFTER12__", b.sha.slice(0, 12))
    .replaceAll("__AFTER__", b.sha)
    .replaceAll("__TREE__", b.tree)
    .replaceAll("__REF__", b.ref)
    .replaceAll('"__MSG__"', JSON.stringify(message));
}

interface Answer {
  readonly status: number;
  readonly ms: number;
  readonly why: string;
}

interface Planned {
  readonly sha: string;
  readonly body: string;
}

/** Sends `planned` open-loop at `rate` a second; resolves once all are sent (not answered). */
async function sendOpenLoop(
  sim: GitHubSim,
  url: string,
  planned: readonly Planned[],
  rate: number,
  sentAt: Map<string, number>,
  answers: Array<Promise<Answer>>,
): Promise<{ first: number; last: number }> {
  const interval = 1000 / rate;
  const t0 = performance.now() + 20;
  let next = 0;
  let first = 0;
  let last = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (next < planned.length && t0 + next * interval <= now) {
        const p = planned[next] as Planned;
        const at = performance.now();
        if (next === 0) first = at;
        last = at;
        sentAt.set(p.sha, at);
        answers.push(
          sim.deliver(url, { event: "push", payload: p.body, timeoutMs: 30_000 }).then((d) => ({ status: d.status, ms: d.ms, why: d.error ?? d.body.slice(0, 200) })),
        );
        next++;
      }
      if (next >= planned.length) resolve();
      else setTimeout(tick, Math.max(0, Math.min(4, t0 + next * interval - performance.now())));
    };
    tick();
  });
  return { first, last };
}

/** Tracks when every check run of a commit is completed (`phases` runs). */
function completions(sim: GitHubSim, phases: number): { done: Map<string, number>; conclusions: Record<string, number>; stop(): void; onDone(fn: () => void): void } {
  const runsBySha = new Map<string, Set<number>>();
  const done = new Map<string, number>();
  const conclusions: Record<string, number> = {};
  let listener: (() => void) | null = null;
  const onChange = (event: SimEvent): void => {
    if (event.type !== "check_run.created" && event.type !== "check_run.updated") return;
    const run = event.checkRun;
    if (run.status !== "completed" || done.has(run.headSha)) return;
    let ids = runsBySha.get(run.headSha);
    if (ids === undefined) runsBySha.set(run.headSha, (ids = new Set()));
    if (ids.has(run.id)) return;
    ids.add(run.id);
    const key = run.conclusion ?? "none";
    conclusions[key] = (conclusions[key] ?? 0) + 1;
    if (ids.size >= phases) {
      done.set(run.headSha, performance.now());
      runsBySha.delete(run.headSha);
      listener?.();
    }
  };
  sim.events.on("change", onChange);
  return {
    done,
    conclusions,
    stop: () => sim.events.off("change", onChange),
    onDone: (fn) => {
      listener = fn;
    },
  };
}

/** Resolves once `check()` is true (checked on every completion) or after `ms`. */
function until(track: ReturnType<typeof completions>, check: () => boolean, ms: number): Promise<boolean> {
  if (check()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      track.onDone(() => undefined);
      resolve(false);
    }, ms);
    track.onDone(() => {
      if (check()) {
        clearTimeout(timer);
        track.onDone(() => undefined);
        resolve(true);
      }
    });
  });
}

export async function runLoad(f: Fleet, options: LoadOptions): Promise<LoadSample> {
  const sim = new GitHubSim();
  await sim.start();
  for (const r of f.repos) {
    const repo = sim.addRepo({ owner: r.owner, name: r.name, dir: r.repo.dir, installationId: r.installationId });
    // A 1,000-file tree costs the simulator a few ms; a pushed commit then only its changed trees.
    await repo.warm(r.repo.base);
  }
  f.templates ??= await templatesOf(sim, f);
  const templates = f.templates;
  const pushes = Math.ceil((options.rate * options.seconds) / f.repos.length);
  const available = (f.repos[0]?.repo.branches.length ?? 0) - WARMUP_BRANCH_FROM_END;
  if (pushes > available) throw new Error(`the fleet has ${available} pushes a repository; ${options.rate}/s for ${options.seconds} s needs ${pushes}`);

  // Every delivery in the order it is sent: round robin over the repositories, each its next branch.
  const total = Math.round(options.rate * options.seconds);
  const planned: Planned[] = [];
  for (let j = 0; j < total; j++) {
    const k = j % f.repos.length;
    const r = f.repos[k] as Fleet["repos"][number];
    const b = r.repo.branches[Math.floor(j / f.repos.length)] as AppRepo["branches"][number];
    planned.push({ sha: b.sha, body: fill(templates[k] as string, sim.origin, b, `push ${j}`) });
  }

  const app = await startApp(sim, options.mode, options.nodeArgs ?? []);
  const startRss = procStatus(app.pid, "VmRSS");
  const track = completions(sim, BENCH_PHASES);
  try {
    {
      const warm: Planned[] = f.repos.map((r, k) => {
        const b = r.repo.branches[r.repo.branches.length - 1] as AppRepo["branches"][number];
        return { sha: b.sha, body: fill(templates[k] as string, sim.origin, b, "warm-up") };
      });
      const warmAnswers: Array<Promise<Answer>> = [];
      await sendOpenLoop(sim, app.webhookUrl, warm, 100, new Map(), warmAnswers);
      const ok = await until(track, () => warm.every((w) => track.done.has(w.sha)), 120_000);
      if (!ok) throw new Error(`warm-up: ${warm.filter((w) => !track.done.has(w.sha)).length} of ${warm.length} audits did not complete in 120 s\n${app.logLines.slice(-5).join("\n")}`);
      await Promise.all(warmAnswers);
    }
    for (const key of Object.keys(track.conclusions)) delete track.conclusions[key];
    sim.reset();
    const warmPeak = app.peakRssKiB();
    const warmRss = procStatus(app.pid, "VmRSS");
    const windowMeasured = app.resetPeakRss();

    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const appCpu0 = app.cpuMs();
    const benchCpu0 = process.cpuUsage();
    const sentAt = new Map<string, number>();
    const answers: Array<Promise<Answer>> = [];
    const wall0 = performance.now();
    const { first, last } = await sendOpenLoop(sim, app.webhookUrl, planned, options.rate, sentAt, answers);
    const drained = await until(track, () => planned.every((p) => track.done.has(p.sha)), options.drainMs);
    const wall = performance.now() - wall0;
    const appCpu1 = app.cpuMs();
    const benchCpu = process.cpuUsage(benchCpu0);
    loop.disable();
    const responses = await Promise.all(answers);

    const latencies: number[] = [];
    let lastDone = first;
    for (const p of planned) {
      const doneAt = track.done.get(p.sha);
      const sent = sentAt.get(p.sha);
      if (doneAt === undefined || sent === undefined) continue;
      latencies.push(doneAt - sent);
      lastDone = Math.max(lastDone, doneAt);
    }
    const timeouts = planned.length - latencies.length;
    const accepted = responses.filter((r) => r.status >= 200 && r.status < 300).length;
    const withTimeouts = [...latencies, ...Array.from({ length: timeouts }, () => Number.POSITIVE_INFINITY)];
    const p99 = quantile(withTimeouts, 0.99);
    const windowPeak = app.peakRssKiB();
    const peak = windowPeak === null ? null : Math.max(windowPeak, warmPeak ?? 0);
    const failures = [...new Set(responses.filter((r) => r.status < 200 || r.status >= 300).map((r) => `${r.status}: ${r.why}`))].slice(0, 5);
    return {
      sent: planned.length,
      achievedRate: round1(planned.length > 1 ? ((planned.length - 1) * 1000) / (last - first) : 0),
      accepted,
      failed: responses.length - accepted,
      responseP50Ms: round1(quantile(responses.map((r) => r.ms), 0.5)),
      responseP99Ms: round1(quantile(responses.map((r) => r.ms), 0.99)),
      completed: latencies.length,
      timeouts,
      drained,
      drainMs: round1(Math.max(0, lastDone - last)),
      completionRate: round1(latencies.length > 0 ? (latencies.length * 1000) / (lastDone - first) : 0),
      p50Ms: Number.isFinite(quantile(withTimeouts, 0.5)) ? round1(quantile(withTimeouts, 0.5)) : null,
      p99Ms: Number.isFinite(p99) ? round1(p99) : null,
      maxMs: timeouts === 0 ? round1(Math.max(...latencies)) : null,
      completedP50Ms: latencies.length > 0 ? round1(quantile(latencies, 0.5)) : null,
      completedP99Ms: latencies.length > 0 ? round1(quantile(latencies, 0.99)) : null,
      failures,
      conclusions: { ...track.conclusions },
      apiCallsPerDelivery: round1(latencies.length > 0 ? sim.count() / latencies.length : 0),
      appPeakRssMiB: peak === null ? null : round1(peak / 1024),
      appWarmRssMiB: warmRss === null ? null : round1(warmRss / 1024),
      appWindowPeakRssMiB: windowMeasured && windowPeak !== null ? round1(windowPeak / 1024) : null,
      appStartRssMiB: startRss === null ? null : round1(startRss / 1024),
      appCpuPct: appCpu0 === null || appCpu1 === null ? null : round1(((appCpu1 - appCpu0) / wall) * 100),
      appCpuMsPerAudit: appCpu0 === null || appCpu1 === null || !drained || latencies.length === 0 ? null : round1((appCpu1 - appCpu0) / latencies.length),
      benchCpuPct: round1(((benchCpu.user + benchCpu.system) / 1000 / wall) * 100),
      benchLoopDelayP99Ms: round1(loop.percentile(99) / 1e6),
      benchLoopDelayMaxMs: round1(loop.max / 1e6),
      loadAverage1m: round1(os.loadavg()[0] ?? 0),
      appErrors: app.errorCount(),
    };
  } finally {
    track.stop();
    await app.stop();
    await sim.stop();
  }
}

export interface LoadResult {
  readonly mode: AppMode;
  readonly rate: number;
  readonly seconds: number;
  readonly repos: number;
  readonly installations: number;
  readonly runs: number;
  /** Medians over the runs (`drained`: how many runs drained). */
  readonly median: Omit<LoadSample, "drained" | "conclusions" | "failures" | "p50Ms" | "p99Ms" | "maxMs" | "completedP50Ms" | "completedP99Ms"> & {
    p50Ms: number | null;
    p99Ms: number | null;
    maxMs: number | null;
    completedP50Ms: number | null;
    completedP99Ms: number | null;
  };
  readonly drainedRuns: number;
  readonly samples: LoadSample[];
}

/** Medians of every numeric field (a null p99/max, i.e. too many timeouts, sorts above any number). */
export function summarize(mode: AppMode, rate: number, seconds: number, f: Fleet, samples: LoadSample[]): LoadResult {
  const pick = (key: keyof LoadSample): number => round1(median(samples.map((s) => Number(s[key] ?? Number.NaN))));
  const nullable = (key: "p50Ms" | "p99Ms" | "maxMs" | "completedP50Ms" | "completedP99Ms"): number | null => {
    const m = median(samples.map((s) => s[key] ?? Number.POSITIVE_INFINITY));
    return Number.isFinite(m) ? round1(m) : null;
  };
  const rss = samples.map((s) => s.appPeakRssMiB).filter((x): x is number => x !== null);
  const startRss = samples.map((s) => s.appStartRssMiB).filter((x): x is number => x !== null);
  const warmRss = samples.map((s) => s.appWarmRssMiB).filter((x): x is number => x !== null);
  const windowRss = samples.map((s) => s.appWindowPeakRssMiB).filter((x): x is number => x !== null);
  const cpu = samples.map((s) => s.appCpuPct).filter((x): x is number => x !== null);
  const cpuPerAudit = samples.map((s) => s.appCpuMsPerAudit).filter((x): x is number => x !== null);
  return {
    mode,
    rate,
    seconds,
    repos: f.repos.length,
    installations: f.installations,
    runs: samples.length,
    median: {
      sent: pick("sent"),
      achievedRate: pick("achievedRate"),
      accepted: pick("accepted"),
      failed: pick("failed"),
      responseP50Ms: pick("responseP50Ms"),
      responseP99Ms: pick("responseP99Ms"),
      completed: pick("completed"),
      timeouts: pick("timeouts"),
      drainMs: pick("drainMs"),
      completionRate: pick("completionRate"),
      p50Ms: nullable("p50Ms"),
      p99Ms: nullable("p99Ms"),
      maxMs: nullable("maxMs"),
      completedP50Ms: nullable("completedP50Ms"),
      completedP99Ms: nullable("completedP99Ms"),
      apiCallsPerDelivery: pick("apiCallsPerDelivery"),
      appPeakRssMiB: rss.length > 0 ? round1(median(rss)) : null,
      appStartRssMiB: startRss.length > 0 ? round1(median(startRss)) : null,
      appWarmRssMiB: warmRss.length > 0 ? round1(median(warmRss)) : null,
      appWindowPeakRssMiB: windowRss.length > 0 ? round1(median(windowRss)) : null,
      appCpuPct: cpu.length > 0 ? round1(median(cpu)) : null,
      appCpuMsPerAudit: cpuPerAudit.length > 0 ? round1(median(cpuPerAudit)) : null,
      benchCpuPct: pick("benchCpuPct"),
      benchLoopDelayP99Ms: pick("benchLoopDelayP99Ms"),
      benchLoopDelayMaxMs: pick("benchLoopDelayMaxMs"),
      loadAverage1m: pick("loadAverage1m"),
      appErrors: pick("appErrors"),
    },
    drainedRuns: samples.filter((s) => s.drained).length,
    samples,
  };
}
