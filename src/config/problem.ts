/**
 * A problem found while validating a checklist, before it is placed in the file: where in the
 * document (a path of keys and indexes) and what to say. `load.ts` turns it into a `ConfigError`
 * with a line and a column.
 */
export type PathSegment = string | number;

export interface Problem {
  /** Where in the document, e.g. `["phases", 1, "checks", 0]`. */
  readonly path: readonly PathSegment[];
  /** Point at this key of the map at `path` rather than at a value (unknown keys, check ids). */
  readonly key?: string;
  readonly message: string;
  readonly hint?: string;
  /** Another place the problem involves (the first of two duplicate ids); its line replaces `{line}` in the hint. */
  readonly related?: readonly PathSegment[];
}

/**
 * What a custom zod issue raised by phase-gate's own schema carries in `params`, so the message,
 * hint and node to point at survive zod's path bookkeeping unchanged.
 */
export interface ProblemParams {
  readonly phaseGate: true;
  readonly key?: string;
  readonly hint?: string;
  readonly related?: readonly PathSegment[];
}

export function isProblemParams(value: unknown): value is ProblemParams {
  return typeof value === "object" && value !== null && (value as { phaseGate?: unknown }).phaseGate === true;
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `phases[1].checks[0].pre-commit-config.hooks`; odd keys are quoted: `phases[0]["a b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Zod paths may hold symbols in theory; a YAML document never does. */
export function toPath(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at `path` in plain data (own properties only), or undefined. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isPlainObject(current) && Object.hasOwn(current, segment)) current = current[String(segment)];
    else return undefined;
  }
  return current;
}

const MAX_SHOWN = 80;

/**
 * User text as a message shows it: control characters escaped (`\u0007`), and cut at 80
 * characters, so that a hostile file cannot make a message huge or garble a terminal.
 */
export function clip(text: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return escaped.length > MAX_SHOWN ? `${escaped.slice(0, MAX_SHOWN - 1)}…` : escaped;
}
