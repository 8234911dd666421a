/**
 * The `/phase-report` comment command: finding it in a comment, who may not trigger it (bots and
 * the app itself), the cooldown per thread, and the reactions that acknowledge it.
 */
import type { ProbotOctokit } from "probot";

export const COMMAND = "/phase-report";

export interface PhaseReportCommand {
  /** The phase asked for, as written (`/phase-report phase-1`); absent for every phase. */
  readonly phase?: string;
}

/**
 * The first `/phase-report` command of a comment body, or null. A command is a line that starts
 * with `/phase-report` (after at most three spaces), alone or followed by one phase id; a line in
 * a fenced or indented code block, a block quote or an HTML comment is never a command, so quoting
 * or documenting the command does not run it. The block rules follow CommonMark: fences of three or
 * more backticks or tildes, closed by a fence of the same character at least as long.
 */
export function parseCommand(body: string): PhaseReportCommand | null {
  let fence: { readonly char: string; readonly length: number } | null = null;
  let inHtmlComment = false;
  /** The previous line continues a paragraph (so indentation does not start code). */
  let inParagraph = false;
  /** The previous line is in a block quote: a following text line is its lazy continuation. */
  let inQuote = false;
  for (const raw of body.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/\t/g, "    ");
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close?.[1] && close[1][0] === fence.char && close[1].length >= fence.length) fence = null;
      continue;
    }
    if (inHtmlComment) {
      if (line.includes("-->")) inHtmlComment = false;
      continue;
    }
    if (line.trim() === "") {
      inParagraph = false;
      inQuote = false;
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open?.[1] && !(open[1][0] === "`" && (open[2] ?? "").includes("`"))) {
      fence = { char: open[1][0] as string, length: open[1].length };
      inParagraph = false;
      inQuote = false;
      continue;
    }
    if (/^ {0,3}<!--/.test(line)) {
      if (!line.slice(line.indexOf("<!--") + 4).includes("-->")) inHtmlComment = true;
      inParagraph = false;
      inQuote = false;
      continue;
    }
    if (/^ {0,3}>/.test(line)) {
      inQuote = true;
      inParagraph = false;
      continue;
    }
    if (inQuote) continue; // a lazy continuation line of the quote's paragraph
    // An indented code block cannot interrupt a paragraph.
    if (/^ {4,}/.test(line) && !inParagraph) continue;
    const command = commandOnLine(line);
    if (command) return command;
    inParagraph = true;
  }
  return null;
}

/** `/phase-report` or `/phase-report <phase-id>` at the start of the line (block quotes excluded by the caller's rules). */
function commandOnLine(line: string): PhaseReportCommand | null {
  const match = /^ {0,3}\/phase-report(?:[ \t]+(\S+))?[ \t]*(?:[ \t]\S.*)?$/i.exec(line);
  if (!match) return null;
  const phase = match[1];
  return phase === undefined ? {} : { phase };
}

/** Who wrote the comment, as the webhook says. */
export interface CommentAuthor {
  /** `sender.type` of the event (`User`, `Bot`, `Organization`). */
  readonly senderType?: string | undefined;
  readonly userLogin?: string | undefined;
  readonly userType?: string | undefined;
  /** The app's own login, `<slug>[bot]`, when known. */
  readonly appLogin?: string | undefined;
}

/** Why a comment's author may not run commands, or null when they may. */
export function botReason(author: CommentAuthor): string | null {
  if (author.senderType === "Bot") return "the sender is a bot";
  if (author.userType === "Bot") return "the comment's author is a bot";
  if (author.appLogin && author.userLogin && author.userLogin.toLowerCase() === author.appLogin.toLowerCase()) {
    return "the comment is the app's own";
  }
  return null;
}

export interface CooldownOptions {
  /** Milliseconds after an accepted command during which the thread's next ones are refused. */
  readonly ms: number;
  /** The clock (injected so tests need no wall time). */
  readonly now: () => number;
  /** Threads remembered at most; the oldest are forgotten first. */
  readonly maxThreads?: number;
}

export type CooldownResult = { readonly ok: true } | { readonly ok: false; readonly retryInMs: number };

/**
 * One accepted command per thread (a repository's issue or pull request) per `ms`: a flood of
 * commands becomes one audit. Refused commands do not extend the cooldown.
 */
export class Cooldown {
  readonly #ms: number;
  readonly #now: () => number;
  readonly #max: number;
  /** Thread -> time of its last accepted command; insertion order is age order. */
  readonly #last = new Map<string, number>();

  constructor(options: CooldownOptions) {
    this.#ms = options.ms;
    this.#now = options.now;
    this.#max = options.maxThreads ?? 10_000;
  }

  tryAcquire(thread: string): CooldownResult {
    const now = this.#now();
    const last = this.#last.get(thread);
    if (last !== undefined && now - last < this.#ms) return { ok: false, retryInMs: this.#ms - (now - last) };
    this.#last.delete(thread);
    this.#last.set(thread, now);
    this.#prune(now);
    return { ok: true };
  }

  get size(): number {
    return this.#last.size;
  }

  #prune(now: number): void {
    for (const [thread, at] of this.#last) {
      if (this.#last.size <= this.#max && now - at < this.#ms) break;
      this.#last.delete(thread);
    }
  }
}

/** The thread a command belongs to. */
export function threadKey(owner: string, repo: string, issueNumber: number): string {
  return `${owner}/${repo}#${issueNumber}`.toLowerCase();
}

export type Reaction = "eyes" | "rocket" | "confused";

/** Reacts to an issue or pull-request comment (GitHub answers 200 when the reaction already exists, so this is idempotent). */
export async function react(
  octokit: ProbotOctokit,
  target: { readonly owner: string; readonly repo: string; readonly commentId: number },
  content: Reaction,
): Promise<void> {
  await octokit.rest.reactions.createForIssueComment({
    owner: target.owner,
    repo: target.repo,
    comment_id: target.commentId,
    content,
  });
}

/** The reply to an unknown phase id: what was asked, and the ids that exist. */
export function unknownPhaseReply(asked: string, phases: readonly { readonly id: string; readonly name: string }[]): string {
  const shown = asked.length > 64 ? `${asked.slice(0, 64)}…` : asked;
  const list = phases.map((p) => `- \`${p.id}\` (${escapeMarkdown(p.name)})`).join("\n");
  return [
    `phase-gate has no phase \`${shown.replace(/`/g, "'")}\` in this repository's checklist. The phases are:`,
    "",
    list,
    "",
    `Write \`${COMMAND}\` for every phase, or \`${COMMAND} <phase-id>\` for one.`,
  ].join("\n");
}

/** Text from a checklist shown in Markdown: no HTML, no mentions, no formatting. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+!|~]/g, (c) => `\\${c}`).replace(/@/g, "@\u200b");
}
