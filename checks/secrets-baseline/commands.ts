/**
 * What a command line says about secret scanning: detect-secrets invocations (their `--baseline`,
 * `audit` files and IBM-only `--fail-on-*` flags, and whether a failure is masked), and runs of the
 * alternative scanners.
 */
import { simpleCommands, unwrapCommand, type ShellWord } from "./shell.js";

export type AlternativeTool = "gitleaks" | "trufflehog" | "secretlint" | "ggshield";

export interface DetectSecretsRun {
  readonly program: "detect-secrets" | "detect-secrets-hook";
  /** `scan`, `audit`, … for `detect-secrets`; null for the hook. */
  readonly subcommand: string | null;
  /** The value of the last `--baseline` / `--baseline=`, or null. */
  readonly baseline: string | null;
  /** Non-option arguments after the subcommand (the files of `audit`). */
  readonly positionals: readonly string[];
  /** `--fail-on-unaudited`, `--fail-on-live`, `--fail-on-audited-real` (IBM fork only). */
  readonly failOnFlags: readonly string[];
  /** A failure cannot fail the step: `|| true`, `|| echo …` (a `-` prefix is the caller's). */
  readonly masked: boolean;
  /** 0-based line within the script. */
  readonly line: number;
}

export interface ToolRun {
  readonly tool: AlternativeTool;
  readonly line: number;
}

/** The value of the last `--baseline X` / `--baseline=X` in `args`; undefined when absent. */
export function baselineArgument(args: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let k = 0; k < args.length; k++) {
    const a = args[k] as string;
    if (a === "--baseline") {
      const v = args[k + 1];
      if (v !== undefined) found = v;
      k++;
    } else if (a.startsWith("--baseline=")) found = a.slice("--baseline=".length);
  }
  return found;
}

function updateArgument(args: readonly string[]): string | undefined {
  const k = args.lastIndexOf("--update");
  return k === -1 ? undefined : args[k + 1];
}

/** A relative path as git lists it: `./x` → `x`, backslashes → slashes, no trailing slash. */
export function normalizeRepoPath(p: string): string {
  let s = p.replace(/\\/g, "/");
  while (s.startsWith("./")) s = s.slice(2);
  s = s.replace(/\/{2,}/g, "/").replace(/\/$/, "");
  return s;
}

function isMaskingAlternative(words: readonly ShellWord[] | undefined): boolean {
  if (!words || words.length === 0) return false;
  const [first, second] = words;
  const program = first?.text ?? "";
  if (program === "false") return false;
  if ((program === "exit" || program === "return") && second !== undefined && !/^0+$/.test(second.text)) return false;
  return true;
}

const ALTERNATIVE_PROGRAMS: Readonly<Record<string, AlternativeTool>> = {
  gitleaks: "gitleaks",
  trufflehog: "trufflehog",
  secretlint: "secretlint",
  ggshield: "ggshield",
};

/** Text that may name a secret scanner: scripts without it are not tokenized at all. */
export const SCANNER_WORDS = /detect-secrets|detect_secrets|gitleaks|trufflehog|ggshield|secretlint/i;

/** Finds detect-secrets and alternative-scanner runs in a shell script. */
export function findRuns(script: string, depth = 0): { detectSecrets: DetectSecretsRun[]; alternatives: ToolRun[] } {
  const detectSecrets: DetectSecretsRun[] = [];
  const alternatives: ToolRun[] = [];
  if (!SCANNER_WORDS.test(script)) return { detectSecrets, alternatives };
  for (const cmd of simpleCommands(script)) {
    const un = unwrapCommand(cmd.words);
    if (!un) continue;
    const args = un.args.map((w) => w.text);
    if ((un.program === "bash" || un.program === "sh" || un.program === "zsh") && depth < 3) {
      const c = args.indexOf("-c");
      const inner = c === -1 ? undefined : args[c + 1];
      if (inner !== undefined) {
        const nested = findRuns(inner, depth + 1);
        const base = un.at.line;
        detectSecrets.push(...nested.detectSecrets.map((r) => ({ ...r, line: base + r.line, masked: r.masked || (cmd.next === "||" && isMaskingAlternative(cmd.orElse)) })));
        alternatives.push(...nested.alternatives.map((r) => ({ ...r, line: base + r.line })));
      }
      continue;
    }
    const alt = ALTERNATIVE_PROGRAMS[un.program];
    if (alt) {
      alternatives.push({ tool: alt, line: un.at.line });
      continue;
    }
    if (un.program !== "detect-secrets" && un.program !== "detect-secrets-hook") continue;
    const positionals: string[] = [];
    let subcommand: string | null = null;
    for (let k = 0; k < args.length; k++) {
      const a = args[k] as string;
      if (a === "--baseline" || a === "--update") {
        k++;
        continue;
      }
      if (a.startsWith("-")) continue;
      if (un.program === "detect-secrets" && subcommand === null) subcommand = a;
      else positionals.push(a);
    }
    detectSecrets.push({
      program: un.program,
      subcommand,
      // 0.x and the IBM fork write `scan --update X` for what 1.x writes `scan --baseline X`.
      baseline: baselineArgument(args) ?? updateArgument(args) ?? null,
      positionals,
      failOnFlags: args.filter((a) => a.startsWith("--fail-on-")),
      masked: cmd.next === "||" && isMaskingAlternative(cmd.orElse),
      line: un.at.line,
    });
  }
  return { detectSecrets, alternatives };
}
