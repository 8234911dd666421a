import { lstat, readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { registry as builtInRegistry } from "../checks/index.js";
import { runAudit } from "./audit/engine.js";
import { previewClaims, renderPreviewText } from "./claims/preview.js";
import { describeOptions } from "./check/describe-options.js";
import { formatConfigError } from "./config/format-error.js";
import { checklistOf } from "./config/from-snapshot.js";
import { loadChecklist } from "./config/load.js";
import type { ChecklistLoad, Registry } from "./config/types.js";
import { FORMATS, isReportFormat, renderReport } from "./report/index.js";
import { decodeFile } from "./snapshot/decode.js";
import { LocalSnapshotError, openLocalSnapshot } from "./snapshot/local.js";
import { DEFAULT_MAX_FILE_BYTES } from "./snapshot/types.js";
import { packageVersion } from "./version.js";

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The checks to use (the built-in registry unless a test gives another). */
  readonly registry?: Registry;
}

/** Exit codes, as DESIGN.md fixes them. */
export const EXIT = { ok: 0, requiredPhaseFailing: 1, usage: 2 } as const;

const USAGE = `Usage:
  phase-gate audit [dir] [--config <file>] [--format text|markdown|json|sarif] [--phase <id>]...
  phase-gate claims <doc> [--dir <repo>] [--config <file>] [--phase <id>] [--format text|json]
  phase-gate checks [--format text|json]
  phase-gate --help | --version

audit: audits a checkout (default: the current directory) against its phase checklist,
.github/phase-gate.yml, or the built-in default checklist when there is none.
claims: prints the claims read from a phase document and the check each links to
(the phase whose 'doc' it is, or --phase), without auditing anything.

Exit codes: 0 no required phase is failing, 1 a required phase is failing,
2 usage or configuration error.`;

/** A problem the user can fix: one line on stderr, exit 2, never a stack trace. */
class UsageError extends Error {}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof LocalSnapshotError) {
      io.stderr.write(`phase-gate: ${error.message}\n`);
      return EXIT.usage;
    }
    // A bug: still one readable line, with where to look, rather than a raw stack.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`phase-gate: internal error: ${message}\n`);
    if ((io.env ?? process.env).PHASE_GATE_DEBUG && error instanceof Error) io.stderr.write(`${error.stack ?? ""}\n`);
    return EXIT.usage;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case "-h":
    case "--help":
    case "help":
      io.stdout.write(`${USAGE}\n`);
      return command === undefined ? EXIT.usage : EXIT.ok;
    case "-v":
    case "--version":
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT.ok;
    case "audit":
      return audit(rest, io);
    case "checks":
      return listChecks(rest, io);
    case "claims":
      return claims(rest, io);
    default:
      throw new UsageError(`unknown command '${command}' (try 'phase-gate --help')`);
  }
}

type OptionsConfig = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>;

function parse(args: readonly string[], options: OptionsConfig) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // node's messages are already one clear line ("Unknown option '--frmat'").
    throw new UsageError(error instanceof Error ? error.message.split("\n")[0] ?? "bad arguments" : "bad arguments");
  }
}

async function audit(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    config: { type: "string" },
    format: { type: "string", default: "text" },
    phase: { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError(`audit takes one directory, got ${positionals.length}`);
  const format = String(values.format);
  if (!isReportFormat(format)) throw new UsageError(`unknown format '${format}' (use ${FORMATS.join(", ")})`);
  const registry = io.registry ?? builtInRegistry;

  const dir = resolve(io.cwd, positionals[0] ?? ".");
  const snapshot = await openLocalSnapshot(dir, { label: positionals[0] ?? "." });

  const configPath = typeof values.config === "string" ? values.config : undefined;
  const load = configPath === undefined ? await checklistOf(snapshot, registry) : await loadConfigFile(configPath, io, registry);
  if (!load.ok) {
    // Errors in the repository's own checklist name it as the user can open it from here.
    const shown = (file: string) => (configPath === undefined ? displayPath(io.cwd, join(dir, file)) : file);
    for (const error of load.errors) io.stderr.write(`${formatConfigError({ ...error, file: shown(error.file) })}\n`);
    io.stderr.write(`phase-gate: the checklist has ${load.errors.length} error${load.errors.length === 1 ? "" : "s"}; nothing was audited\n`);
    return EXIT.usage;
  }

  const wanted = (values.phase as string[] | undefined) ?? [];
  const known = load.checklist.phases.map((p) => p.id);
  const unknown = wanted.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new UsageError(`unknown phase '${unknown[0]}' (the checklist has: ${known.join(", ")})`);
  }

  const report = await runAudit(snapshot, load.checklist, wanted.length > 0 ? { phases: wanted } : {});
  const env = io.env ?? process.env;
  const color = Boolean(io.stdout.isTTY) && env.NO_COLOR === undefined && env.TERM !== "dumb";
  io.stdout.write(renderReport(report, format, { color, toolVersion: packageVersion(), describeCheck: (id) => registry.get(id) }));
  const failing = report.phases.some((p) => p.gate === "required" && p.status === "failing");
  return failing ? EXIT.requiredPhaseFailing : EXIT.ok;
}

async function claims(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    dir: { type: "string", default: "." },
    config: { type: "string" },
    phase: { type: "string" },
    format: { type: "string", default: "text" },
  });
  if (positionals.length !== 1) throw new UsageError(`claims takes one document, got ${positionals.length}`);
  const format = String(values.format);
  if (format !== "text" && format !== "json") throw new UsageError(`unknown format '${format}' (use text, json)`);
  const registry = io.registry ?? builtInRegistry;
  const given = positionals[0] as string;
  const dir = resolve(io.cwd, String(values.dir));
  const full = resolve(io.cwd, given);
  const doc = relative(dir, full).split(sep).join("/");
  if (doc === "" || doc.startsWith("../") || doc === ".." || isAbsolute(doc)) throw new UsageError(`${given} is not inside the repository ${displayPath(io.cwd, dir)} (use --dir)`);

  let bytes: Buffer;
  try {
    // As the audit does: a symlink is never followed (its target may be outside the repository).
    if ((await lstat(full)).isSymbolicLink()) throw new UsageError(`${given} is a symlink; phase-gate reads the file itself, never a link`);
    bytes = await readFile(full);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${given}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : String(code ?? error)}`);
  }
  if (bytes.length > DEFAULT_MAX_FILE_BYTES) throw new UsageError(`${given} is ${Math.ceil(bytes.length / 1024)} KiB; phase documents over ${DEFAULT_MAX_FILE_BYTES / 1024} KiB are not read`);
  const decoded = decodeFile(bytes);
  if (!decoded.ok) throw new UsageError(`${given} is not a text document (${decoded.reason})`);

  const snapshot = await openLocalSnapshot(dir, { label: String(values.dir) });
  const configPath = typeof values.config === "string" ? values.config : undefined;
  const load = configPath === undefined ? await checklistOf(snapshot, registry) : await loadConfigFile(configPath, io, registry);
  if (!load.ok) {
    for (const error of load.errors) io.stderr.write(`${formatConfigError(error)}\n`);
    io.stderr.write(`phase-gate: the checklist has ${load.errors.length} error${load.errors.length === 1 ? "" : "s"}\n`);
    return EXIT.usage;
  }
  const phases = load.checklist.phases;
  const wanted = typeof values.phase === "string" ? values.phase : undefined;
  const phase = wanted !== undefined ? phases.find((p) => p.id === wanted) : phases.find((p) => p.doc === doc);
  if (wanted !== undefined && phase === undefined) throw new UsageError(`unknown phase '${wanted}' (the checklist has: ${phases.map((p) => p.id).join(", ")})`);

  const preview = previewClaims(doc, decoded.text, { phase: phase ?? null, phases }, decoded.lossy);
  io.stdout.write(format === "json" ? `${JSON.stringify(preview, null, 2)}\n` : renderPreviewText(preview));
  return EXIT.ok;
}

/** A path relative to `cwd` when it lies under it, absolute otherwise. */
function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? path : rel;
}

async function loadConfigFile(path: string, io: CliIo, registry: Registry): Promise<ChecklistLoad> {
  const full = isAbsolute(path) ? path : resolve(io.cwd, path);
  let text: string;
  try {
    text = await readFile(full, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String(code ?? error);
    throw new UsageError(`cannot read the checklist ${path}: ${why}`);
  }
  return loadChecklist(text, path, registry);
}

function listChecks(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parse(args, { format: { type: "string", default: "text" } });
  if (positionals.length > 0) throw new UsageError(`checks takes no arguments, got '${positionals[0]}'`);
  const registry = io.registry ?? builtInRegistry;
  const checks = [...registry.values()].map((c) => ({
    id: c.id,
    title: c.title,
    description: c.description,
    docs: c.docsUrl,
    options: describeOptions(c.options),
  }));
  if (values.format === "json") {
    io.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
    return EXIT.ok;
  }
  if (values.format !== "text") throw new UsageError(`unknown format '${String(values.format)}' (use text, json)`);
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${c.id} — ${c.title}`, `  ${c.description}`);
    if (c.options.length === 0) lines.push("  options: none");
    for (const o of c.options) {
      const dflt = o.required ? "required" : o.default === undefined ? "optional" : `default ${JSON.stringify(o.default)}`;
      lines.push(`  ${o.name}: ${o.type} (${dflt})${o.description ? ` — ${o.description}` : ""}`);
    }
    lines.push(`  docs: ${c.docs}`, "");
  }
  io.stdout.write(`${lines.join("\n").trimEnd()}\n`);
  return EXIT.ok;
}
