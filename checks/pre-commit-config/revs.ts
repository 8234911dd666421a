/**
 * How a hook repository's `rev` pins its version.
 *
 * - `mutable`: pre-commit's own `WarnMutableRev` rule, no `.` and not all hex (`main`, `master`,
 *   `HEAD`, `stable`, `v1`): "appears to be a mutable reference (moving tag / branch). Mutable
 *   references are never updated after first install and are not supported."
 * - `branch-like`: has a dot, so pre-commit accepts it, but names a branch (`release-1.x`, `1.x`,
 *   `foo.main`).
 * - `short-sha`: hex but not a full 40 (or 64) digit SHA: ambiguous as the repository grows.
 * - `prerelease`: an alpha/beta/rc/dev tag, which `pre-commit autoupdate` picks up from some
 *   mirrors (mirrors-prettier's `v4.0.0-alpha.8`).
 * - `pinned`: a release tag or a full SHA.
 */
export type RevKind = "pinned" | "mutable" | "branch-like" | "short-sha" | "prerelease";

/** Python's `re.match(r'^[a-fA-F0-9]+$', rev)` (`$` also matches before a final newline). */
const HEX = /^[a-fA-F0-9]+\n?$/;
const BRANCH_LIKE = /(?:^|[-./])(?:x|main|master|dev|develop|latest)$/i;
const PRERELEASE = /(?:^|[\d.\-_+])(?:alpha|beta|rc|pre|preview|dev|canary|nightly|snapshot)(?:[.\-_]?\d+)*$/i;
const PEP440_PRERELEASE = /\d(?:a|b|rc)\d+$/;

export function classifyRev(rev: string): RevKind {
  if (!rev.includes(".") && !HEX.test(rev)) return "mutable";
  if (HEX.test(rev)) return rev.replace(/\n$/, "").length === 40 || rev.replace(/\n$/, "").length === 64 ? "pinned" : "short-sha";
  if (BRANCH_LIKE.test(rev)) return "branch-like";
  if (PRERELEASE.test(rev) || PEP440_PRERELEASE.test(rev)) return "prerelease";
  return "pinned";
}

/** Hook repositories that moved or were archived, by normalised URL. */
export const MOVED_REPOS: Readonly<Record<string, { readonly now: string; readonly why: string }>> = {
  "github.com/pre-commit/mirrors-prettier": {
    now: "https://github.com/rbubley/mirrors-prettier",
    why: "was archived in April 2024 (its last tags are v4.0.0 alphas)",
  },
  "gitlab.com/pycqa/flake8": { now: "https://github.com/PyCQA/flake8", why: "moved to GitHub" },
  "github.com/charliermarsh/ruff-pre-commit": { now: "https://github.com/astral-sh/ruff-pre-commit", why: "was renamed" },
  "github.com/zricethezav/gitleaks": { now: "https://github.com/gitleaks/gitleaks", why: "was renamed" },
  "github.com/timothycrosley/isort": { now: "https://github.com/PyCQA/isort", why: "moved to the PyCQA organisation" },
};
