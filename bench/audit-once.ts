/**
 * One measured audit, in a fresh process so that peak RSS belongs to this audit alone:
 * `node lib/bench/audit-once.js <dir> [--config <file>]` prints one JSON line
 * `{ auditMs, maxRssKiB, exitCode, phases }` on stdout (the report itself is discarded).
 */
import { Writable } from "node:stream";
import { main } from "../src/cli.js";

class Sink extends Writable {
  bytes = 0;
  text = "";
  constructor(private readonly keep: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    if (this.keep) this.text += chunk.toString("utf8");
    done();
  }
}

const args = process.argv.slice(2);
const stdout = new Sink(true);
const stderr = new Sink(true);
const started = performance.now();
const exitCode = await main(["audit", ...args, "--format", "json"], { stdout, stderr, cwd: process.cwd(), env: {} });
const auditMs = performance.now() - started;
let phases: unknown;
try {
  const report = JSON.parse(stdout.text) as { phases: { id: string; checks: { id: string; status: string }[] }[] };
  phases = report.phases.map((p) => ({ id: p.id, checks: p.checks.map((c) => `${c.id}:${c.status}`) }));
} catch {
  phases = { stderr: stderr.text.slice(0, 500) };
}
process.stdout.write(`${JSON.stringify({ auditMs, maxRssKiB: process.resourceUsage().maxRSS, exitCode, phases })}\n`);
