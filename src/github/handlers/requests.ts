/**
 * Events to audit requests: pure functions of a webhook payload. Each returns the request(s), or
 * the reason the event asks for nothing (logged at debug level by the router).
 */
import type { Context } from "probot";
import type { AuditRequest } from "../audit-commit.js";

export type Routed = { readonly request: AuditRequest } | { readonly skip: string };

const ZERO_SHA = /^0+$/;

/** `owner` and `repo` of a repository payload (`full_name` is the one field every payload has). */
export function splitFullName(fullName: string): { owner: string; repo: string } | null {
  const slash = fullName.indexOf("/");
  if (slash <= 0 || slash === fullName.length - 1) return null;
  return { owner: fullName.slice(0, slash), repo: fullName.slice(slash + 1) };
}

function base(
  installationId: number | undefined,
  fullName: string,
): { installationId: number; owner: string; repo: string } | string {
  if (installationId === undefined) return "the payload names no installation";
  const names = splitFullName(fullName);
  if (names === null) return `unexpected repository name '${fullName}'`;
  return { installationId, ...names };
}

/** `push`: the pushed head of a branch. Tags and deleted branches ask for nothing. */
export function fromPush(payload: Context<"push">["payload"], deliveryId: string): Routed {
  const at = base(payload.installation?.id, payload.repository.full_name);
  if (typeof at === "string") return { skip: at };
  if (payload.deleted || ZERO_SHA.test(payload.after)) return { skip: "the branch was deleted" };
  if (!payload.ref.startsWith("refs/heads/")) return { skip: `not a branch: ${payload.ref}` };
  return { request: { ...at, sha: payload.after, ref: payload.ref, trigger: "push", deliveryId, commands: [] } };
}

/** `pull_request` opened, synchronize, reopened: the head, compared with the base (fork pull requests included). */
export function fromPullRequest(
  payload: Context<"pull_request.opened" | "pull_request.synchronize" | "pull_request.reopened">["payload"],
  deliveryId: string,
): Routed {
  const at = base(payload.installation?.id, payload.repository.full_name);
  if (typeof at === "string") return { skip: at };
  const pr = payload.pull_request;
  return {
    request: {
      ...at,
      sha: pr.head.sha,
      ref: null,
      pr: { number: pr.number, baseSha: pr.base.sha },
      trigger: "pull_request",
      deliveryId,
      commands: [],
    },
  };
}

/** `check_suite` requested or rerequested: the suite's head commit (check runs only). */
export function fromCheckSuite(payload: Context<"check_suite.requested" | "check_suite.rerequested">["payload"], deliveryId: string): Routed {
  const at = base(payload.installation?.id, payload.repository.full_name);
  if (typeof at === "string") return { skip: at };
  const suite = payload.check_suite;
  return {
    request: {
      ...at,
      sha: suite.head_sha,
      // A fork's pushes name no branch of this repository.
      ref: suite.head_branch ? `refs/heads/${suite.head_branch}` : null,
      trigger: payload.action === "requested" ? "check_suite.requested" : "check_suite.rerequested",
      deliveryId,
      commands: [],
    },
  };
}

/** `check_run.rerequested` (only the app that owns the run receives it): that run's commit again. */
export function fromCheckRun(payload: Context<"check_run.rerequested">["payload"], deliveryId: string): Routed {
  const at = base(payload.installation?.id, payload.repository.full_name);
  if (typeof at === "string") return { skip: at };
  const run = payload.check_run;
  const branch = run.check_suite?.head_branch;
  return {
    request: {
      ...at,
      sha: run.head_sha,
      ref: branch ? `refs/heads/${branch}` : null,
      trigger: "check_run.rerequested",
      deliveryId,
      commands: [],
    },
  };
}

/**
 * `installation.created` and `installation_repositories.added`: the default branch of each added
 * repository (check runs on its head; nothing else is posted unasked).
 */
export function fromInstallation(
  installationId: number | undefined,
  repositories: readonly { readonly full_name: string }[] | undefined,
  deliveryId: string,
): { readonly requests: AuditRequest[]; readonly skipped: string[] } {
  const requests: AuditRequest[] = [];
  const skipped: string[] = [];
  for (const repository of repositories ?? []) {
    const at = base(installationId, repository.full_name);
    if (typeof at === "string") skipped.push(`${repository.full_name}: ${at}`);
    else requests.push({ ...at, sha: null, ref: null, trigger: "installation", deliveryId, commands: [] });
  }
  return { requests, skipped };
}

/**
 * A `/phase-report` comment: the pull request's head (resolved when the job runs), or the default
 * branch for an issue.
 */
export function commandRequest(
  payload: Context<"issue_comment.created">["payload"],
  deliveryId: string,
  phase: string | undefined,
): Routed {
  const at = base(payload.installation?.id, payload.repository.full_name);
  if (typeof at === "string") return { skip: at };
  const issue = payload.issue;
  const isPull = issue.pull_request !== undefined && issue.pull_request !== null;
  const command = { commentId: payload.comment.id, issueNumber: issue.number, deliveryId, ...(phase !== undefined ? { phase } : {}) };
  return {
    request: {
      ...at,
      sha: null,
      ref: isPull ? null : `refs/heads/${payload.repository.default_branch}`,
      ...(isPull ? { pr: { number: issue.number, baseSha: null } } : {}),
      trigger: "command",
      deliveryId,
      commands: [command],
    },
  };
}
