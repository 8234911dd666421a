/**
 * The phase-gate GitHub App (Probot). Handlers only route: each turns its event into an audit
 * request for the queue (or ignores it, saying why at debug level); the work is in
 * `github/audit-commit.ts`. Started by `npm start` (`probot run ./lib/src/index.js`).
 */
import type { ApplicationFunction, Context, Probot } from "probot";
import { registry as shippedRegistry } from "../checks/index.js";
import { AuditMemo } from "./audit/memo.js";
import type { Registry } from "./config/types.js";
import { AppIdentityCache, fetchAppIdentity, type AppIdentity } from "./github/app-login.js";
import {
  auditCommit,
  duplicates,
  mergeRequests,
  requestKey,
  requestLocks,
  supersedes,
  type AuditDeps,
  type AuditRequest,
} from "./github/audit-commit.js";
import { BlobCache } from "./github/blob-cache.js";
import { changedPaths, ChecklistCache } from "./github/checklist-cache.js";
import { Cooldown } from "./github/commands.js";
import { waitOutSecondaryLimits } from "./github/secondary-limit.js";
import { onIssueComment } from "./github/handlers/command.js";
import { fromCheckRun, fromCheckSuite, fromInstallation, fromPullRequest, fromPush, type Routed } from "./github/handlers/requests.js";
import { AuditQueue } from "./github/queue.js";

export interface AppOptions {
  /** The checks (default: every check phase-gate ships). */
  readonly registry?: Registry;
  /** Blobs by SHA (default: a 64 MiB cache for the process). */
  readonly cache?: BlobCache;
  /** Glob matches and check results reused between audits (default: one for the process). */
  readonly memo?: AuditMemo;
  /** Audits running at once per installation (default 4) and overall (default 32). */
  readonly perInstallation?: number;
  readonly global?: number;
  /** Milliseconds an audit may run before its slot is freed and it publishes nothing more (default 10 minutes). */
  readonly jobTimeoutMs?: number;
  /** Milliseconds between two accepted `/phase-report` commands of one thread (default 60 s). */
  readonly commandCooldownMs?: number;
  /** The clock of the cooldown, in milliseconds. */
  readonly now?: () => number;
  /** The clock of check-run times. */
  readonly clock?: () => Date;
  /** The web host for file links (GitHub Enterprise Server), e.g. `https://ghe.example.com`. */
  readonly htmlBase?: string;
  /** Milliseconds an audit runs before its check runs are shown in progress (default 1 s; 0: at once). */
  readonly openRunsAfterMs?: number;
  /** Checklists kept between deliveries (default: one for the process, 5 minutes at most; `github/checklist-cache.ts`). */
  readonly checklists?: ChecklistCache;
}

/** The app function, plus `idle()`: resolves once every queued audit has finished (tests, shutdown). */
export type PhaseGateApp = ApplicationFunction & { idle(): Promise<void> };

export function createApp(options: AppOptions = {}): PhaseGateApp {
  const queues: AuditQueue<AuditRequest>[] = [];
  const cache = options.cache ?? new BlobCache();
  const memo = options.memo ?? new AuditMemo();
  const checklists = options.checklists ?? new ChecklistCache();
  const registry = options.registry ?? shippedRegistry;

  const appFn = (app: Probot): void => {
    const identity = new AppIdentityCache(async (): Promise<AppIdentity> => fetchAppIdentity(await app.auth()));
    const deps: AuditDeps = {
      // `app.auth(id)` gives each installation its own throttling bucket (context.octokit shares one);
      // secondary rate limits, which Probot only logs, are waited out (`github/secondary-limit.ts`;
      // the app's Octokit gives every client that hook, this gives it whatever Octokit the app runs with).
      auth: async (installationId) => waitOutSecondaryLimits(await app.auth(installationId), { log: app.log }),
      identity: () => identity.get(),
      registry,
      cache,
      memo,
      checklists,
      log: app.log,
      ...(options.htmlBase !== undefined ? { htmlBase: options.htmlBase } : {}),
      ...(options.clock !== undefined ? { now: options.clock } : {}),
      ...(options.openRunsAfterMs !== undefined ? { openRunsAfterMs: options.openRunsAfterMs } : {}),
    };
    const queue = new AuditQueue<AuditRequest>({
      worker: async (request, control) => {
        await auditCommit(deps, request, control);
      },
      keyOf: requestKey,
      installationOf: (request) => request.installationId,
      locksOf: requestLocks,
      merge: mergeRequests,
      supersedes,
      duplicates,
      ...(options.perInstallation !== undefined ? { perInstallation: options.perInstallation } : {}),
      ...(options.global !== undefined ? { global: options.global } : {}),
      ...(options.jobTimeoutMs !== undefined ? { timeoutMs: options.jobTimeoutMs } : {}),
      onError: (error, request) => app.log.error({ err: error, ...describe(request) }, "audit failed"),
      onEvent: (event) => app.log.debug({ ...describe(event.request), queue: event.type }, `audit request ${event.type}`),
    });
    queues.push(queue);
    const cooldown = new Cooldown({ ms: options.commandCooldownMs ?? 60_000, now: options.now ?? Date.now });
    const enqueue = (request: AuditRequest): void => {
      queue.enqueue(request);
    };
    const route = (context: Context, routed: Routed): void => {
      if ("skip" in routed) ignore(context, routed.skip);
      else enqueue(routed.request);
    };

    app.on("push", async (context) => {
      const { payload } = context;
      // A kept checklist that this push may have changed is read again (before the push's own audit is queued).
      if (payload.ref === `refs/heads/${payload.repository.default_branch}`) {
        checklists.changed(payload.repository.full_name, changedPaths(payload));
      }
      route(context, fromPush(payload, context.id));
    });
    app.on(["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"], async (context) =>
      route(context, fromPullRequest(context.payload, context.id)),
    );
    app.on(["check_suite.requested", "check_suite.rerequested"], async (context) => route(context, fromCheckSuite(context.payload, context.id)));
    app.on("check_run.rerequested", async (context) => route(context, fromCheckRun(context.payload, context.id)));
    // A repository the app gains or loses access to may hold files other repositories' checklists read (an owner's `.github`).
    const accessChanged = (repositories: readonly { readonly full_name?: string }[] | undefined): void => {
      for (const r of repositories ?? []) if (r.full_name !== undefined) checklists.changed(r.full_name, null);
    };
    app.on("installation.created", async (context) => {
      accessChanged(context.payload.repositories);
      routeAll(context, fromInstallation(context.payload.installation.id, context.payload.repositories, context.id), enqueue);
    });
    app.on("installation_repositories", async (context) => {
      accessChanged(context.payload.repositories_added);
      accessChanged(context.payload.repositories_removed);
      if (context.payload.action === "added") {
        routeAll(context, fromInstallation(context.payload.installation.id, context.payload.repositories_added, context.id), enqueue);
      }
    });
    app.on("issue_comment.created", async (context) => {
      const decision = await onIssueComment(context, { identity: () => identity.get(), cooldown, enqueue });
      if ("skip" in decision) ignore(context, decision.skip);
    });
  };

  return Object.assign(appFn, {
    idle: async (): Promise<void> => {
      await Promise.all(queues.map((q) => q.idle()));
    },
  });
}

function routeAll(context: Context, routed: { readonly requests: readonly AuditRequest[]; readonly skipped: readonly string[] }, enqueue: (r: AuditRequest) => void): void {
  for (const reason of routed.skipped) ignore(context, reason);
  if (routed.requests.length === 0 && routed.skipped.length === 0) ignore(context, "no repositories in the payload");
  for (const request of routed.requests) enqueue(request);
}

function ignore(context: Context, reason: string): void {
  const repo = "repository" in context.payload ? context.payload.repository?.full_name : undefined;
  context.log.debug({ repo, deliveryId: context.id, event: context.name, reason }, `ignored: ${reason}`);
}

function describe(request: AuditRequest): Record<string, unknown> {
  return {
    repo: `${request.owner}/${request.repo}`,
    sha: request.sha,
    ref: request.ref,
    ...(request.pr ? { pr: request.pr.number } : {}),
    trigger: request.trigger,
    deliveryId: request.deliveryId,
    installationId: request.installationId,
  };
}

/** The app `probot run` loads, with GitHub Enterprise Server's web host when `GHE_HOST` is set. */
const app: PhaseGateApp = createApp(
  process.env.GHE_HOST ? { htmlBase: `${process.env.GHE_PROTOCOL ?? "https"}://${process.env.GHE_HOST}` } : {},
);
export default app;
