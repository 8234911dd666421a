/**
 * The pre-commit hooks that matter to secret scanning, from the shared pre-commit reader's hook
 * list: the detect-secrets hook (Yelp or IBM repository, or a `repo: local` hook whose entry runs
 * `detect-secrets-hook`), the alternative scanners' hooks, and the weak substitutes.
 */
import { baselineArgument, findRuns, normalizeRepoPath, type AlternativeTool } from "./commands.js";
import { shlexSplit, unwrapCommand } from "./shell.js";

/** The fields of the shared reader's `PreCommitHookRef` this check uses. */
export interface HookLike {
  readonly repo: string;
  readonly rev: string | null;
  readonly id: string;
  readonly args: readonly string[];
  readonly entry?: string;
  readonly files?: string;
  readonly exclude?: string;
  readonly stages?: readonly string[];
  readonly line: number;
}

export type Flavor = "yelp" | "ibm" | "local";

export interface DetectSecretsHook {
  readonly hook: HookLike;
  readonly flavor: Flavor;
  /** The `--baseline` value as a repository path; null when the hook has none. */
  readonly baseline: string | null;
  /** The hook's `rev` when it reads as a release (`v1.5.0`, `0.13.1+ibm.62.dss`), without the `v`. */
  readonly releaseRev: string | null;
  /** `--fail-on-*` (IBM) or other args are not judged here. */
}

export interface HookAlternative {
  readonly tool: AlternativeTool;
  readonly hook: HookLike;
}

/** Lowercase `github.com/owner/name` of a repo URL, or the text as is (`local`, `meta`, paths). */
export function normalizeRepoUrl(repo: string): string {
  let s = repo.trim().toLowerCase();
  s = s.replace(/^(?:git\+)?(?:https?|ssh|git):\/\//, "").replace(/^git@([^:/]+):/, "$1/").replace(/^[^@/]+@/, "");
  s = s.replace(/\/+$/, "").replace(/\.git$/, "").replace(/\/+$/, "");
  return s;
}

const FLAVORS: Readonly<Record<string, Flavor>> = {
  "github.com/yelp/detect-secrets": "yelp",
  "github.com/ibm/detect-secrets": "ibm",
};

const ALTERNATIVE_HOOKS: Readonly<Record<string, AlternativeTool>> = {
  gitleaks: "gitleaks",
  "gitleaks-docker": "gitleaks",
  "gitleaks-system": "gitleaks",
  trufflehog: "trufflehog",
  ggshield: "ggshield",
  "ggshield-push": "ggshield",
  secretlint: "secretlint",
};

/** pre-commit-hooks ids that look like secret scanning but are not (see the spec, 1.2). */
export const WEAK_SUBSTITUTES: ReadonlySet<string> = new Set(["detect-private-key", "detect-aws-credentials"]);

function releaseRev(rev: string | null): string | null {
  if (rev === null) return null;
  const s = rev.trim().replace(/^v/, "");
  return /^\d+\.\d+\.\d+(?:\+[0-9A-Za-z.-]+)?$/.test(s) ? s : null;
}

/** The detect-secrets hook a hook entry is, or null. */
export function asDetectSecretsHook(hook: HookLike): DetectSecretsHook | null {
  const repo = normalizeRepoUrl(hook.repo);
  const flavor = FLAVORS[repo];
  if (flavor) {
    if (hook.id !== "detect-secrets") return null;
    // A remote hook's entry comes from the manifest (`detect-secrets-hook`) unless overridden.
    const entryArgs = hook.entry === undefined ? [] : shlexSplit(hook.entry).slice(1);
    const baseline = baselineArgument([...entryArgs, ...hook.args]);
    return { hook, flavor, baseline: baseline === undefined ? null : normalizeRepoPath(baseline), releaseRev: releaseRev(hook.rev) };
  }
  if (repo !== "local" || hook.entry === undefined) return null;
  const words = shlexSplit(hook.entry).map((text) => ({ text, line: 0 }));
  const un = unwrapCommand(words);
  if (!un) return null;
  if (un.program === "detect-secrets-hook") {
    const baseline = baselineArgument([...un.args.map((w) => w.text), ...hook.args]);
    return { hook, flavor: "local", baseline: baseline === undefined ? null : normalizeRepoPath(baseline), releaseRev: null };
  }
  if (un.program === "bash" || un.program === "sh") {
    // `entry: bash -c '… | xargs detect-secrets-hook --baseline .secrets.baseline'`
    const run = findRuns(hook.entry).detectSecrets.find((r) => r.program === "detect-secrets-hook");
    if (run) return { hook, flavor: "local", baseline: run.baseline === null ? null : normalizeRepoPath(run.baseline), releaseRev: null };
  }
  return null;
}

export function asAlternativeHook(hook: HookLike): HookAlternative | null {
  const tool = ALTERNATIVE_HOOKS[hook.id];
  return tool ? { tool, hook } : null;
}
