/**
 * The one phase-completion comment of a pull request, found again and edited in place.
 *
 * A comment is the app's when its body starts with the marker AND its author is the app's bot
 * (`user.login === botLogin`, `user.type === "Bot"`): a person who pastes the marker does not get
 * their comment overwritten. Comments are read 100 a page, oldest first, and the search stops at
 * the first match. An edit that would not change the body is not sent.
 *
 * Duplicates (github-app-facts section 5): calls for the same thread are serialised here (an
 * in-process lock per thread; the audit queue serialises events too), so two calls in a row, or
 * at once, create at most one comment; and the POST that creates it is never retried by
 * plugin-retry (a 5xx after GitHub stored the comment would otherwise post it again): after a 5xx
 * the thread is read again, and the comment created again only when the failed POST stored nothing
 * (`retry-create.ts`).
 */
import type { ProbotOctokit } from "probot";
import { COMMENT_MARKER } from "../report/comment.js";
import { createOnce } from "./retry-create.js";

type FullOctokit = InstanceType<typeof ProbotOctokit>;

/** The part of Octokit this module uses (`context.octokit` has it). */
export interface IssuesOctokit {
  readonly rest: { readonly issues: Pick<FullOctokit["rest"]["issues"], "listComments" | "createComment" | "updateComment"> };
  readonly paginate: Pick<FullOctokit["paginate"], "iterator">;
}

export interface CommentTarget {
  readonly owner: string;
  readonly repo: string;
  /** The pull request's (or issue's) number. */
  readonly issueNumber: number;
}

export interface CommentOptions {
  /** The app's bot login, `<app-slug>[bot]`. */
  readonly botLogin: string;
  /** The hidden marker the body starts with; default COMMENT_MARKER. */
  readonly marker?: string;
  /** Waits before looking again after a create that failed with a 5xx (default CREATE_RETRY_DELAYS_MS). */
  readonly retryDelaysMs?: readonly number[];
}

export type UpsertResult = "created" | "updated" | "unchanged";

export interface FoundComment {
  readonly id: number;
  readonly body: string;
}

/** The app's comment in the thread: the first (oldest) whose body starts with the marker and whose author is the app's bot. */
export async function findComment(octokit: IssuesOctokit, target: CommentTarget, options: CommentOptions): Promise<FoundComment | null> {
  const marker = options.marker ?? COMMENT_MARKER;
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    for (const comment of page.data) {
      const body = comment.body ?? "";
      if (body.startsWith(marker) && comment.user?.login === options.botLogin && comment.user.type === "Bot") {
        // Leaving the loop stops the iterator: no further page is fetched.
        return { id: comment.id, body };
      }
    }
  }
  return null;
}

const locks = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task of the same key has settled. */
async function serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  locks.set(key, settled);
  try {
    return await run;
  } finally {
    if (locks.get(key) === settled) locks.delete(key);
  }
}

/**
 * Creates the comment, or edits the app's existing one when its body differs. `body` must start
 * with the marker (`phaseComment` does), or the comment could never be found again: a RangeError.
 */
export async function upsertComment(octokit: IssuesOctokit, target: CommentTarget, body: string, options: CommentOptions): Promise<UpsertResult> {
  const marker = options.marker ?? COMMENT_MARKER;
  if (!body.startsWith(marker)) throw new RangeError(`the comment body must start with the marker ${marker}`);
  return serialised(`${target.owner}/${target.repo}#${target.issueNumber}`.toLowerCase(), async () =>
    // A create answered with a 5xx is looked for again before it is sent again: never two comments.
    createOnce(async (attempt): Promise<UpsertResult> => {
      const existing = await findComment(octokit, target, options);
      if (existing === null) {
        await octokit.rest.issues.createComment({
          owner: target.owner,
          repo: target.repo,
          issue_number: target.issueNumber,
          body,
          request: { retries: 0 },
        });
        return "created";
      }
      // GitHub may store line ends as CRLF and trim the end: neither is a change.
      if (sameBody(existing.body, body)) return attempt > 0 ? "created" : "unchanged";
      await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing.id, body });
      return attempt > 0 ? "created" : "updated";
    }, options.retryDelaysMs),
  );
}

function sameBody(stored: string, wanted: string): boolean {
  const normalise = (value: string): string => value.replace(/\r\n?/g, "\n").trimEnd();
  return stored === wanted || normalise(stored) === normalise(wanted);
}
