import { comparePathBytes } from "../snapshot/path-order.js";
import { anyGlob } from "./glob.js";
import { matchPaths } from "./match-paths.js";
import type { SkipReason } from "../snapshot/types.js";
import type { CheckContext, Finding, FindingInput, MessageData, MessageSpec } from "./types.js";

/** Whether a path matches any of the globs (`src/check/glob.ts`: picomatch's syntax, run on RE2). */
export function globMatcher(patterns: string | readonly string[]): (path: string) => boolean {
  return anyGlob(patterns);
}

export function interpolate(template: string, data: MessageData | undefined): string {
  if (!data) return template;
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(data, name) ? String(data[name]) : whole,
  );
}

export function buildFinding(
  messages: Readonly<Record<string, MessageSpec>>,
  messageId: string,
  input: FindingInput = {},
): Finding {
  const spec = messages[messageId];
  if (!spec) throw new Error(`unknown message id '${messageId}'`);
  const finding: {
    -readonly [K in keyof Finding]: Finding[K];
  } = {
    messageId,
    message: interpolate(spec.message, input.data),
    severity: input.severity ?? spec.severity,
  };
  if (spec.help !== undefined) finding.help = interpolate(spec.help, input.data);
  if (input.path !== undefined) finding.path = input.path;
  if (input.line !== undefined) finding.line = input.line;
  if (input.endLine !== undefined && input.endLine !== input.line) finding.endLine = input.endLine;
  return finding;
}

/** The file state one audit read, shared by every check's context. */
export interface FileStore {
  readonly allPaths: readonly string[];
  readonly existing: ReadonlySet<string>;
  readonly texts: ReadonlyMap<string, string>;
  readonly skipped: ReadonlyMap<string, SkipReason>;
  /** `matchPaths(globs, allPaths)`, possibly remembered from an earlier audit of the same listing. */
  readonly matchAll?: (globs: readonly string[]) => string[];
}

export function createCheckContext<Options, MessageId extends string>(args: {
  options: Options;
  messages: Readonly<Record<MessageId, MessageSpec>>;
  patterns: readonly string[];
  store: FileStore;
}): CheckContext<Options, MessageId> {
  const { store } = args;
  const inScope = globMatcher(args.patterns);
  // Only read files can be in scope, and they are few: filter those, not the whole listing.
  const paths = [...store.texts.keys()].filter((p) => inScope(p)).sort(comparePathBytes);
  return {
    options: args.options,
    paths,
    allPaths: store.allPaths,
    // The listing and `paths` are sorted, so globs can narrow them by binary search; any other
    // list a check passes is filtered as it comes, in its own order.
    match: (patterns, among = paths) => {
      if (among === store.allPaths && store.matchAll !== undefined) return [...store.matchAll(typeof patterns === "string" ? [patterns] : patterns)];
      if (among === paths || among === store.allPaths) return matchPaths(patterns, among);
      const isMatch = globMatcher(patterns);
      return among.filter((p) => isMatch(p));
    },
    exists: (path) => store.existing.has(path),
    read: (path) => (inScope(path) ? store.texts.get(path) : undefined),
    skipped: (path) => store.skipped.get(path),
    finding: (messageId, input) => buildFinding(args.messages, messageId, input),
  };
}
