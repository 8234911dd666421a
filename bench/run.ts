/**
 * `npm run bench`: audits generated repositories in fresh processes and reports the median audit
 * time, the median wall time of the whole command (Node start-up included) and the peak RSS over
 * several runs, then writes bench/results.json and prints a table. Not part of `npm test`.
 *
 *   npm run bench                      # every scenario, 5 runs each (the app's: 3)
 *   npm run bench -- --runs 9 --only core
 *   npm run bench -- --only app        # the app against the simulated GitHub (bench/app.ts);
 *                                      # --only app-calls / app-load for one part;
 *                                      # --app-runs N (3), --seconds S (10), --repos R (200), --installations I (one per repository), --rates 5,10
 *                                      # and --modes shipped,unthrottled,unthrottled-fixed for the load
 *
 * bench/results.json keeps the results of scenarios not run this time (and the app's, under `app`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { APP_MODES, type AppMode } from "./app-harness.js";
import { appTables, runAppBench, type AppBenchResult } from "./app.js";
import { SCENARIOS, type Scenario } from "./scenarios.js";

const here = path.dirname(fileURLToPath(import.meta.url)); // lib/bench
const projectRoot = path.resolve(here, "..", "..");
const auditOnce = path.join(here, "audit-once.js");

interface Sample {
  auditMs: number;
  wallMs: number;
  maxRssKiB: number;
  exitCode: number;
  phases: unknown;
}

interface ScenarioResult {
  name: string;
  description: string;
  files: number;
  relevant: number;
  runs: number;
  medianAuditMs: number;
  medianWallMs: number;
  medianMaxRssMiB: number;
  maxMaxRssMiB: number;
  target?: string;
  verdicts: unknown;
  comparison?: { name: string; medianWallMs: number; runs: number; note: string };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function measure(dir: string, configPath: string | undefined): Sample {
  const args = [auditOnce, dir, ...(configPath ? ["--config", configPath] : [])];
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: projectRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`audit-once failed (${child.status}): ${child.stderr}`);
  const line = child.stdout.trim().split("\n").pop() ?? "{}";
  return { ...(JSON.parse(line) as Omit<Sample, "wallMs">), wallMs };
}

async function runScenario(scenario: Scenario, runs: number, cacheRoot: string): Promise<ScenarioResult> {
  const dir = path.join(cacheRoot, scenario.name);
  const stamp = path.join(cacheRoot, `${scenario.name}.ready`);
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8") !== scenario.version) {
    fs.rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`generating ${scenario.name} in ${dir} ...\n`);
    await scenario.generate(dir);
    fs.writeFileSync(stamp, scenario.version);
  }
  const config = scenario.checklist ? path.join(cacheRoot, `${scenario.name}.phase-gate.yml`) : undefined;
  if (config && scenario.checklist) fs.writeFileSync(config, scenario.checklist);

  measure(dir, config); // warm the page cache; not counted
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(measure(dir, config));
  const first = samples[0];
  const result: ScenarioResult = {
    name: scenario.name,
    description: scenario.description,
    files: scenario.files,
    relevant: scenario.relevant,
    runs,
    medianAuditMs: round(median(samples.map((s) => s.auditMs))),
    medianWallMs: round(median(samples.map((s) => s.wallMs))),
    medianMaxRssMiB: round(median(samples.map((s) => s.maxRssKiB / 1024))),
    maxMaxRssMiB: round(Math.max(...samples.map((s) => s.maxRssKiB / 1024))),
    verdicts: first?.phases ?? null,
    ...(scenario.target ? { target: scenario.target } : {}),
  };
  if (scenario.compare) {
    const times: number[] = [];
    scenario.compare.run(dir); // warm
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      scenario.compare.run(dir);
      times.push(performance.now() - t);
    }
    result.comparison = { name: scenario.compare.name, medianWallMs: round(median(times)), runs, note: scenario.compare.note };
  }
  return result;
}

const round = (x: number): number => Math.round(x * 10) / 10;

function machine() {
  let git = "unknown";
  try {
    git = execFileSync("git", ["--version"], { encoding: "utf8" }).trim();
  } catch {
    // no git: the scenarios will fail to generate anyway
  }
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? "unknown"}`,
    memoryGiB: round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map(round),
    git,
  };
}

async function mainBench(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      only: { type: "string", multiple: true },
      cache: { type: "string" },
      "app-runs": { type: "string", default: "3" },
      seconds: { type: "string", default: "10" },
      repos: { type: "string", default: "200" },
      installations: { type: "string" },
      rates: { type: "string" },
      modes: { type: "string" },
    },
  });
  const runs = Math.max(1, Number.parseInt(String(values.runs), 10) || 5);
  const appRuns = Math.max(1, Number.parseInt(String(values["app-runs"]), 10) || 3);
  const seconds = Math.max(1, Number.parseFloat(String(values.seconds)) || 10);
  const repos = Math.max(1, Number.parseInt(String(values.repos), 10) || 200);
  const installations = values.installations !== undefined ? Math.max(1, Number.parseInt(values.installations, 10) || repos) : undefined;
  const rates = values.rates?.split(",").map(Number).filter((r) => Number.isFinite(r) && r > 0);
  const modes = values.modes?.split(",").filter((m): m is AppMode => (APP_MODES as readonly string[]).includes(m));
  const only = values.only as string[] | undefined;
  const cacheRoot = values.cache ?? path.join(os.tmpdir(), "phase-gate-bench");
  fs.mkdirSync(cacheRoot, { recursive: true });
  const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.name) || only.includes(s.group));
  const appCalls = !only || only.includes("app") || only.includes("app-calls");
  const appLoad = !only || only.includes("app") || only.includes("app-load");

  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    process.stderr.write(`running ${scenario.name} (${runs} runs) ...\n`);
    results.push(await runScenario(scenario, runs, cacheRoot));
  }
  let app: AppBenchResult | null = null;
  if (appCalls || appLoad) {
    app = await runAppBench({
      runs: appRuns,
      cacheRoot: path.join(cacheRoot, "app"),
      calls: appCalls,
      load: appLoad,
      seconds,
      repos,
      ...(installations !== undefined ? { installations } : {}),
      ...(rates !== undefined && rates.length > 0 ? { rates } : {}),
      ...(modes !== undefined && modes.length > 0 ? { modes } : {}),
      progress: (line) => process.stderr.write(`${line}\n`),
    });
  }

  const file = path.join(projectRoot, "bench", "results.json");
  const previous = readPrevious(file);
  const kept = previous.results.filter((r) => !results.some((n) => n.name === r.name));
  const out = {
    date: new Date().toISOString(),
    machine: machine(),
    results: [...kept, ...results],
    ...(app !== null ? { app: mergeApp(previous.app, app) } : previous.app !== undefined ? { app: previous.app } : {}),
  };
  fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);

  const rows = results.map((r) => [
    r.name,
    String(r.files),
    String(r.relevant),
    `${r.medianAuditMs} ms`,
    `${r.medianWallMs} ms`,
    `${r.medianMaxRssMiB} MiB`,
    r.target ?? "",
  ]);
  const header = ["scenario", "files", "relevant", "audit (median)", "command (median)", "peak RSS (median)", "target"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  if (rows.length > 0) {
    console.log(`machine: ${out.machine.cpus}, ${out.machine.memoryGiB} GiB, Node ${out.machine.node}, load ${out.machine.loadAverage.join(" ")}`);
    console.log(`runs per scenario: ${runs} (medians; one warm-up run not counted)\n`);
    console.log(line(header));
    console.log(line(widths.map((w) => "-".repeat(w))));
    for (const row of rows) console.log(line(row));
  }
  for (const r of results) {
    if (r.comparison) {
      console.log(`\n${r.name}: ${r.comparison.name} on the same files: ${r.comparison.medianWallMs} ms (median of ${r.comparison.runs}); ${r.comparison.note}`);
    }
  }
  if (app !== null) console.log(`\n${appTables(app)}`);
  if (app !== null && out.app !== undefined && (out.app.calls.length > app.calls.length || out.app.load.length > app.load.length)) {
    console.log("\n(bench/results.json also keeps the app results of earlier runs not measured again)");
  }
  console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
}

interface PreviousResults {
  results: ScenarioResult[];
  app?: AppBenchResult;
}

/** What bench/results.json held (nothing when absent or unreadable). */
function readPrevious(file: string): PreviousResults {
  try {
    const data = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<PreviousResults>;
    return { results: Array.isArray(data.results) ? data.results : [], ...(data.app !== undefined ? { app: data.app } : {}) };
  } catch {
    return { results: [] };
  }
}

/** The app's new results, keeping earlier ones not measured again (calls by case, load by mode and rate). */
function mergeApp(previous: AppBenchResult | undefined, next: AppBenchResult): AppBenchResult {
  if (previous === undefined) return next;
  const loadKey = (r: AppBenchResult["load"][number]) => `${r.mode}@${r.rate}`;
  const sameFleet = next.loadFleet === null || JSON.stringify(next.loadFleet) === JSON.stringify(previous.loadFleet);
  return {
    ...next,
    calls: [...(previous.calls ?? []).filter((c) => !next.calls.some((n) => n.name === c.name)), ...next.calls],
    load: [...(sameFleet ? (previous.load ?? []) : []).filter((r) => !next.load.some((n) => loadKey(n) === loadKey(r))), ...next.load],
    loadFleet: next.loadFleet ?? previous.loadFleet ?? null,
    // The machine and load of the earlier runs whose results are kept (each load sample has its own load average too).
    earlier: [...(previous.earlier ?? []), { date: previous.date, machine: previous.machine }].slice(-5),
  };
}

await mainBench();
