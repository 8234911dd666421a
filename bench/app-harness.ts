/**
 * The app under benchmark: the real app in its own process (as `npm start` runs it, or
 * `lib/bench/app-unthrottled.js`), pointed at a simulated GitHub in the benchmark's process, and
 * what is measured of it from outside: peak RSS (`VmHWM` of /proc/<pid>/status, Linux) and CPU
 * time (/proc/<pid>/stat).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { GitHubSim } from "../test/support/github-sim/index.js";
import { startCommand } from "../test/support/start-command.js";

const here = path.dirname(fileURLToPath(import.meta.url)); // lib/bench
export const projectRoot = path.resolve(here, "..", "..");

/**
 * `shipped`: `lib/src/main.js` as `npm start` runs it. `unthrottled`: the same app with Octokit's
 * client-side throttling off. `unthrottled-fixed`: that, and secretlint's profiler off (what a fix
 * of its unbounded growth would give; see `app-unthrottled.ts`).
 */
export const APP_MODES = ["shipped", "unthrottled", "unthrottled-fixed"] as const;
export type AppMode = (typeof APP_MODES)[number];

export interface AppProcess {
  readonly pid: number;
  readonly mode: AppMode;
  /** `http://127.0.0.1:<port>/api/github/webhooks`. */
  readonly webhookUrl: string;
  /** Peak resident set (KiB) so far: `VmHWM`; null when /proc is not there. */
  peakRssKiB(): number | null;
  /** Starts the peak over (`5` to /proc/<pid>/clear_refs, Linux); false when it could not. */
  resetPeakRss(): boolean;
  /** User + system CPU time (ms) so far; null when /proc is not there. */
  cpuMs(): number | null;
  /** Lines the app logged at warn level or above (LOG_LEVEL=warn), at most the last 200. */
  readonly logLines: string[];
  /** Lines that say an audit failed. */
  errorCount(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the app against `sim` and resolves once its HTTP server answers (`nodeArgs`: e.g. `--cpu-prof`). */
export async function startApp(sim: GitHubSim, mode: AppMode, nodeArgs: readonly string[] = []): Promise<AppProcess> {
  const port = await freePort();
  // As `npm start` runs it, node's options (the heap limit) included; the unthrottled app with the same options.
  const start = startCommand(projectRoot);
  const args = [...start.nodeArgs, mode === "shipped" ? path.join(projectRoot, start.entry) : path.join(projectRoot, "lib", "bench", "app-unthrottled.js")];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["WEBHOOK_PROXY_URL", "REDIS_URL", "SENTRY_DSN", "NODE_OPTIONS", "LOG_FORMAT", "PRIVATE_KEY_PATH"]) delete env[name];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: projectRoot,
    env: {
      ...env,
      ...sim.env(),
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
      NODE_ENV: "production",
      ...(mode === "unthrottled-fixed" ? { BENCH_NO_SECRETLINT_PROFILER: "1" } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logLines: string[] = [];
  let errors = 0;
  let exited: string | null = null;
  const onLine = (line: string): void => {
    if (line.trim() === "") return;
    if (line.includes("audit failed")) errors++;
    logLines.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
    if (logLines.length > 200) logLines.shift();
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    });
  }
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = `exited (${code ?? signal})`;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("the app process did not start");

  const started = performance.now();
  for (;;) {
    if (exited !== null) throw new Error(`the app ${exited} before it listened:\n${logLines.join("\n")}`);
    if (await answers(port)) break;
    if (performance.now() - started > 30_000) {
      child.kill("SIGKILL");
      throw new Error(`the app did not listen on ${port} within 30 s:\n${logLines.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    pid,
    mode,
    webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    peakRssKiB: () => procStatus(pid, "VmHWM"),
    resetPeakRss: () => {
      try {
        fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
        return true;
      } catch {
        return false;
      }
    },
    cpuMs: () => procCpuMs(pid),
    logLines,
    errorCount: () => errors,
    stop: async () => {
      if (exited === null) {
        // SIGINT: `run(app)` stops its server and exits (so `--cpu-prof` is written); the shipped `main.js` is `run(app)` too.
        child.kill("SIGINT");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exit;
        clearTimeout(timer);
      }
    },
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", timeout: 1_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

/** A `kB` field of /proc/<pid>/status (`VmHWM`, `VmRSS`), in KiB; null when unreadable. */
export function procStatus(pid: number, field: string): number | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** utime + stime of /proc/<pid>/stat in ms (clock ticks of 10 ms, USER_HZ 100 on Linux); null when unreadable. */
export function procCpuMs(pid: number): number | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * 10 : null;
  } catch {
    return null;
  }
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** The q-quantile (0..1) of `xs`, nearest rank. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil(q * s.length)));
  return s[rank - 1] as number;
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;
