/**
 * Does any CI configuration run pre-commit? GitHub Actions steps `uses: pre-commit/action@...` or
 * `pre-commit-ci/lite-action@...`, or a command `pre-commit run` (also `prek run`,
 * `python -m pre_commit run`, `uvx pre-commit run`, ...) in any string of a CI file: workflow
 * `run:` steps, GitLab/CircleCI/Azure/Bitbucket/Travis `script:` entries, composite actions.
 * Files are parsed as YAML and only their string values are read.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Node as YamlNode } from "yaml";
import { programsOf, shlexSplit } from "./hooks.js";

export const CI_GLOBS = [
  ".github/workflows/*.yml",
  ".github/workflows/*.yaml",
  ".github/actions/**/action.yml",
  ".github/actions/**/action.yaml",
  "action.yml",
  "action.yaml",
  ".gitlab-ci.yml",
  ".gitlab/ci/**/*.yml",
  ".circleci/config.yml",
  "azure-pipelines.yml",
  "bitbucket-pipelines.yml",
  ".travis.yml",
];

export interface CiEvidence {
  readonly path: string;
  readonly line: number;
  readonly how: string;
}

const ACTIONS = ["pre-commit/action@", "pre-commit-ci/lite-action@"];

/** Whether a shell command line runs `pre-commit run` (or prek's). */
export function runsPreCommit(command: string): boolean {
  for (const line of command.split(/\r?\n/)) {
    if (!/pre-commit|pre_commit|prek/.test(line)) continue;
    const tokens = shlexSplit(line.replace(/(&&|\|\||;|\|)/g, " $1 ")) ?? line.split(/\s+/);
    for (const run of programsOf(tokens)) {
      if ((run.program === "pre-commit" || run.program === "prek" || run.program === "pre-commit-uv") && run.sub === "run") return true;
    }
  }
  return false;
}

/** The first place in one CI file that runs pre-commit, if any. */
export function findPreCommitInCi(path: string, text: string): CiEvidence | undefined {
  if (!/pre-commit|pre_commit|prek/.test(text)) return undefined;
  const lines = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  } catch {
    return undefined;
  }
  const lineOf = (n: YamlNode) => (n.range ? lines.linePos(n.range[0]).line : 1);
  let found: CiEvidence | undefined;
  let budget = 200_000;
  const visit = (node: unknown, key: string | undefined, depth: number): void => {
    if (found || depth > 100 || (budget -= 1) < 0) return;
    if (isScalar(node)) {
      if (typeof node.value !== "string") return;
      const v = node.value;
      if (key === "uses" && ACTIONS.some((a) => v.startsWith(a))) found = { path, line: lineOf(node), how: `uses ${v}` };
      else if (runsPreCommit(v)) found = { path, line: lineOf(node), how: "runs `pre-commit run`" };
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = isScalar(pair.key) && typeof pair.key.value === "string" ? pair.key.value : undefined;
        visit(pair.value, k, depth + 1);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, undefined, depth + 1);
    }
  };
  visit(doc.contents, undefined, 0);
  return found;
}
