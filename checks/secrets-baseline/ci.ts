/**
 * Where CI runs secret scanners: GitHub Actions workflows (`run:` steps and `uses:` actions, with
 * `continue-on-error`), the root Makefile's recipes and tox.ini's `commands`. Each file is parsed
 * with its own reader (YAML for workflows; Makefile recipes and tox commands line by line, as make
 * and tox themselves split them) and every command goes through the same shell reader.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from "yaml";
import { findRuns, SCANNER_WORDS, type AlternativeTool, type DetectSecretsRun } from "./commands.js";

export interface CiRun extends DetectSecretsRun {
  readonly path: string;
  /** 1-based line in `path`. */
  readonly fileLine: number;
  /** `continue-on-error: true` on the step or job, or a make/tox `-` prefix. */
  readonly errorsIgnored: boolean;
}

export interface CiAlternative {
  readonly tool: AlternativeTool;
  readonly path: string;
  readonly line: number;
  /** What was seen, for the finding: `uses: gitleaks/gitleaks-action@v2`, `run: gitleaks …`. */
  readonly how: string;
}

export interface CiScan {
  readonly runs: CiRun[];
  readonly alternatives: CiAlternative[];
  /** True when some CI file installs detect-secrets from the IBM fork. */
  installsIbmFork: boolean;
}

const ACTIONS: readonly { prefix: string; tool: AlternativeTool }[] = [
  { prefix: "gitleaks/gitleaks-action", tool: "gitleaks" },
  { prefix: "zricethezav/gitleaks-action", tool: "gitleaks" },
  { prefix: "trufflesecurity/trufflehog", tool: "trufflehog" },
  { prefix: "gitguardian/ggshield-action", tool: "ggshield" },
  { prefix: "gitguardian/ggshield", tool: "ggshield" },
  { prefix: "secretlint/secretlint", tool: "secretlint" },
];

const IBM_FORK = /ibm\/detect-secrets/i;

function truthy(node: unknown): boolean {
  if (!isScalar(node)) return false;
  const v = node.value;
  // `continue-on-error: ${{ … }}` is decided at run time: not counted as ignored.
  return v === true || v === "true";
}

function scriptLine(node: YamlNode, lc: LineCounter, contentLine: number): number {
  const start = node.range?.[0] ?? 0;
  const first = lc.linePos(start).line;
  if (isScalar(node) && node.type === "BLOCK_LITERAL") return first + 1 + contentLine;
  return first;
}

export function scanWorkflow(path: string, text: string, into: CiScan): void {
  // A workflow that names no scanner (nor a scanner's action) has nothing to say: skip the YAML parse.
  if (!SCANNER_WORDS.test(text) && !/gitguardian/i.test(text)) return;
  const lc = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false });
  } catch {
    return;
  }
  if (doc.errors.length > 0) return;
  const jobs = doc.get("jobs", true);
  if (!isMap(jobs)) return;
  for (const jobPair of jobs.items) {
    const job = jobPair.value;
    if (!isMap(job)) continue;
    const jobIgnores = truthy((job as YAMLMap).get("continue-on-error", true));
    const steps = (job as YAMLMap).get("steps", true);
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const ignores = jobIgnores || truthy(step.get("continue-on-error", true));
      const uses = step.get("uses", true);
      if (isScalar(uses) && typeof uses.value === "string") {
        const ref = uses.value.toLowerCase();
        const hit = ACTIONS.find((a) => ref.startsWith(a.prefix));
        if (hit) into.alternatives.push({ tool: hit.tool, path, line: lc.linePos(uses.range?.[0] ?? 0).line, how: `uses: ${uses.value}` });
      }
      const run = step.get("run", true);
      if (!isScalar(run) || typeof run.value !== "string") continue;
      const script = run.value;
      if (IBM_FORK.test(script)) into.installsIbmFork = true;
      const found = findRuns(script);
      for (const r of found.detectSecrets) {
        into.runs.push({ ...r, path, fileLine: scriptLine(run, lc, r.line), errorsIgnored: ignores });
      }
      for (const a of found.alternatives) {
        into.alternatives.push({ tool: a.tool, path, line: scriptLine(run, lc, a.line), how: `run: ${a.tool}` });
      }
    }
  }
}

/** Logical lines (backslash continuations joined) with their 1-based first line. */
function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const raw = text.split(/\r?\n/);
  for (let k = 0; k < raw.length; k++) {
    const start = k;
    let s = raw[k] as string;
    while (s.endsWith("\\") && k + 1 < raw.length) {
      k++;
      s = `${s.slice(0, -1)} ${(raw[k] as string).replace(/^\t/, "")}`;
    }
    out.push({ text: s, line: start + 1 });
  }
  return out;
}

/** Recipe lines of a Makefile (tab-indented), each a command for the shell; `-` ignores errors. */
export function scanMakefile(path: string, text: string, into: CiScan): void {
  if (!SCANNER_WORDS.test(text)) return;
  // `DETECT_SECRETS_SPEC ?= git+https://github.com/ibm/detect-secrets.git@…` names the fork outside any recipe.
  if (IBM_FORK.test(text)) into.installsIbmFork = true;
  for (const { text: lineText, line } of logicalLines(text)) {
    if (!lineText.startsWith("\t") || !SCANNER_WORDS.test(lineText)) continue;
    let cmd = lineText.slice(1).trimStart();
    let ignores = false;
    while (/^[@+-]/.test(cmd)) {
      if (cmd.startsWith("-")) ignores = true;
      cmd = cmd.slice(1).trimStart();
    }
    const found = findRuns(cmd.replace(/\$\$/g, "$"));
    for (const r of found.detectSecrets) into.runs.push({ ...r, path, fileLine: line, errorsIgnored: ignores });
    for (const a of found.alternatives) into.alternatives.push({ tool: a.tool, path, line, how: `${a.tool} in a make recipe` });
  }
}

/** tox.ini `commands` (and `commands_pre`/`commands_post`): one command a line; `-` ignores the exit code. */
export function scanToxIni(path: string, text: string, into: CiScan): void {
  const raw = text.split(/\r?\n/);
  let inCommands = false;
  for (let k = 0; k < raw.length; k++) {
    const lineText = raw[k] as string;
    if (/^\s*[#;]/.test(lineText) || lineText.trim() === "") continue;
    if (/^\[/.test(lineText)) {
      inCommands = false;
      continue;
    }
    let value: string;
    if (/^\s/.test(lineText)) {
      if (!inCommands) continue;
      value = lineText.trim();
    } else {
      const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(lineText);
      inCommands = !!m && /^commands(?:_pre|_post)?$/.test((m[1] as string).trim());
      if (!inCommands || !m) continue;
      value = (m[2] as string).trim();
    }
    let ignores = false;
    if (value.startsWith("-")) {
      ignores = true;
      value = value.slice(1).trimStart();
    }
    if (IBM_FORK.test(value)) into.installsIbmFork = true;
    const found = findRuns(value);
    for (const r of found.detectSecrets) into.runs.push({ ...r, path, fileLine: k + 1, errorsIgnored: ignores });
    for (const a of found.alternatives) into.alternatives.push({ tool: a.tool, path, line: k + 1, how: `${a.tool} in tox commands` });
  }
}

export function emptyCiScan(): CiScan {
  return { runs: [], alternatives: [], installsIbmFork: false };
}
