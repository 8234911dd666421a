/**
 * `issue_comment.created`: a `/phase-report` command becomes an audit request. Bots and the app
 * itself are ignored; a command within the cooldown of its thread gets 😕 and no audit; an
 * accepted one gets 👀 at once (🚀 or 😕 when the audit is done, from `audit-commit.ts`).
 */
import type { Context } from "probot";
import type { AppIdentity } from "../app-login.js";
import type { AuditRequest } from "../audit-commit.js";
import { botReason, parseCommand, react, threadKey, type Cooldown } from "../commands.js";
import { commandRequest } from "./requests.js";

export interface CommandDeps {
  readonly identity: () => Promise<AppIdentity>;
  readonly cooldown: Cooldown;
  readonly enqueue: (request: AuditRequest) => void;
}

/** What the handler decided, for the log and the tests. */
export type CommandDecision = { readonly queued: AuditRequest } | { readonly skip: string };

export async function onIssueComment(context: Context<"issue_comment.created">, deps: CommandDeps): Promise<CommandDecision> {
  const { payload } = context;
  if (context.isBot) return { skip: "the sender is a bot" };
  const command = parseCommand(payload.comment.body ?? "");
  if (command === null) return { skip: "no /phase-report command" };

  let appLogin: string | undefined;
  try {
    appLogin = (await deps.identity()).login;
  } catch (error) {
    // Bots are refused by type anyway (the app's comments are a Bot's); go on without the login.
    context.log.warn({ err: error }, "the app's login is unknown (GET /app failed)");
  }
  const refused = botReason({
    senderType: payload.sender?.type,
    userType: payload.comment.user?.type,
    userLogin: payload.comment.user?.login,
    appLogin,
  });
  if (refused !== null) return { skip: refused };

  const routed = commandRequest(payload, context.id, command.phase);
  if ("skip" in routed) return routed;
  const { owner, repo } = routed.request;
  const comment = { owner, repo, commentId: payload.comment.id };
  const cooldown = deps.cooldown.tryAcquire(threadKey(owner, repo, payload.issue.number));
  if (!cooldown.ok) {
    await reactSafely(context, comment, "confused");
    return { skip: `cooldown: the thread's last command was accepted less than a cooldown ago (${Math.ceil(cooldown.retryInMs / 1000)} s left)` };
  }
  await reactSafely(context, comment, "eyes");
  deps.enqueue(routed.request);
  return { queued: routed.request };
}

/** A reaction is an acknowledgement: its failure is logged, and the command still runs. */
async function reactSafely(
  context: Context<"issue_comment.created">,
  comment: { readonly owner: string; readonly repo: string; readonly commentId: number },
  content: "eyes" | "confused",
): Promise<void> {
  try {
    await react(context.octokit, comment, content);
  } catch (error) {
    context.log.warn({ err: error, commentId: comment.commentId, content }, "could not react to the command");
  }
}
