/**
 * Zod issues in plain words. Each issue becomes one problem per thing to fix, with a path into
 * the document, a message that says what is wrong ("expected a list of strings, got a number";
 * "unknown option 'hook'") and, where one exists, a hint ("did you mean 'hooks'?"). The schema
 * is read (never the code that built it) to name what was expected and which keys are valid.
 */
import { z } from "zod";
import { closest, quoteList, suggestionHint } from "./did-you-mean.js";
import {
  clip,
  formatPath,
  isPlainObject,
  isProblemParams,
  toPath,
  valueAt,
  type PathSegment,
  type Problem,
} from "./problem.js";

type Issue = z.core.$ZodIssue;

/** How the keys of the maps being validated are called: checklist keys or a check's options. */
export type KeyNoun = "key" | "option";

interface Draft extends Problem {
  /** Set on "missing 'x'" problems, to drop them when an unknown key is a typo of `x`. */
  readonly missing?: string;
  /** Set on "unknown key" problems: the keys it may be a typo of. */
  readonly near?: readonly string[];
}

/**
 * Problems for `issues`, which zod raised validating `input` against `schema`. Paths are relative
 * to `input`. Custom issues raised by phase-gate's schema carry their own words.
 */
export function explainIssues(issues: readonly Issue[], schema: z.ZodType | undefined, input: unknown, noun: KeyNoun): Problem[] {
  const drafts = issues.flatMap((issue) => explainIssue(issue, schema, input, noun, []));
  // "unknown option 'pth' (did you mean 'path'?)" already says what "missing option 'path'" would.
  const suggested = new Set(
    drafts.flatMap((d) => (d.near ?? []).map((key) => `${formatPath(d.path)}\u0000${key}`)),
  );
  return drafts
    .filter((d) => d.missing === undefined || !suggested.has(`${formatPath(d.path)}\u0000${d.missing}`))
    .map(({ path, key, message, hint, related }) => ({
      path,
      ...(key !== undefined ? { key } : {}),
      message,
      ...(hint !== undefined ? { hint } : {}),
      ...(related !== undefined ? { related } : {}),
    }));
}

function explainIssue(issue: Issue, root: z.ZodType | undefined, input: unknown, noun: KeyNoun, prefix: readonly PathSegment[]): Draft[] {
  const relative = toPath(issue.path);
  const path = [...prefix, ...relative];
  const schema = root ? schemaAt(root, relative) : undefined;
  const value = valueAt(input, relative);

  switch (issue.code) {
    case "custom": {
      if (isProblemParams(issue.params)) {
        const { key, hint, related } = issue.params;
        return [{ path, message: issue.message, ...(key !== undefined ? { key } : {}), ...(hint !== undefined ? { hint } : {}), ...(related ? { related } : {}) }];
      }
      return [{ path, message: issue.message }];
    }

    case "invalid_type": {
      const expected = describeSchema(schema) ?? expectedWords(issue.expected);
      const parent = valueAt(input, relative.slice(0, -1));
      const last = relative[relative.length - 1];
      if (typeof last === "string" && isPlainObject(parent) && !Object.hasOwn(parent, last)) {
        const what = noun === "option" ? `option '${last}'` : `'${last}'`;
        const hint = schema?.description;
        // Said of the map the key is missing from, and pointed at there.
        return [{ path: path.slice(0, -1), message: `missing ${what}: expected ${expected}`, ...(hint ? { hint } : {}), missing: last }];
      }
      if (issue.expected === "int" && typeof value === "number") {
        return [{ path, message: `expected an integer, got ${value}` }];
      }
      const what = relative.length === 0 && noun === "option" && schema && isMapSchema(schema) ? "a map of options" : expected;
      return [{ path, message: `expected ${what}, got ${describeValue(value)}` }];
    }

    case "unrecognized_keys": {
      const valid = keysOf(schema);
      return issue.keys.map((key) => {
        const near = closest(key, valid);
        const hint =
          key === "<<"
            ? "YAML merge keys ('<<') are not supported here: write the keys out"
            : (suggestionHint(key, valid, noun === "option" ? "options" : "keys") ??
              (noun === "option" ? "this check takes no options" : undefined));
        const what = noun === "option" ? "option" : "key";
        return { path, key, message: `unknown ${what} '${clip(key)}'`, ...(hint ? { hint } : {}), near };
      });
    }

    case "invalid_value": {
      const values = issue.values.map((v) => String(v));
      const expected = values.length === 1 ? quoteList(values) : `one of ${quoteList(values)}`;
      const got = typeof value === "string" ? `'${clip(value)}'` : describeValue(value);
      const near = typeof value === "string" ? closest(value, values) : [];
      return [{ path, message: `expected ${expected}, got ${got}`, ...(near.length ? { hint: `did you mean ${quoteList(near)}?` } : {}) }];
    }

    case "too_small":
    case "too_big":
      return [{ path, message: sizeMessage(issue, value) }];

    case "invalid_format": {
      const shown = typeof value === "string" ? `'${clip(value)}'` : describeValue(value);
      if (issue.format === "regex" && issue.pattern) return [{ path, message: `${shown} does not match ${issue.pattern}` }];
      return [{ path, message: `${shown} is not a valid ${issue.format}` }];
    }

    case "not_multiple_of":
      return [{ path, message: `expected a multiple of ${issue.divisor}, got ${describeValue(value)}` }];

    case "invalid_union": {
      // When the value has the type of one alternative, what is wrong is inside it: say that.
      const alternatives = schema ? unionOptions(schema) : undefined;
      const matching = issue.errors
        .map((errors, index) => ({ errors, index }))
        .filter(({ errors }) => errors.length > 0 && !errors.some((e) => e.code === "invalid_type" && e.path.length === 0));
      const chosen = matching[0];
      if (matching.length === 1 && chosen) {
        return chosen.errors.flatMap((e) => explainIssue(e, alternatives?.[chosen.index], value, noun, path));
      }
      const expected = describeSchema(schema) ?? "another value";
      return [{ path, message: `expected ${expected}, got ${describeValue(value)}` }];
    }

    case "invalid_key":
    case "invalid_element":
      return issue.issues.length > 0
        ? issue.issues.flatMap((e) => explainIssue(e, undefined, value, noun, path).map((d) => ({ ...d, message: `invalid ${issue.code === "invalid_key" ? "key" : "entry"}: ${d.message}` })))
        : [{ path, message: issue.message }];

    default:
      return [{ path, message: (issue as { message?: string }).message ?? "invalid value" }];
  }
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, value: unknown): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const inclusive = issue.inclusive !== false;
  const exact = issue.exact === true;
  switch (issue.origin) {
    case "array":
    case "set": {
      if (small && limit === 1 && inclusive) return "must not be empty";
      const items = (n: number) => `${n} item${n === 1 ? "" : "s"}`;
      const count = Array.isArray(value) ? value.length : undefined;
      const got = count !== undefined ? `, got ${items(count)}` : "";
      if (exact) return `must have exactly ${items(limit)}${got}`;
      return `must have ${small ? "at least" : "at most"} ${items(inclusive ? limit : small ? limit + 1 : limit - 1)}${got}`;
    }
    case "string": {
      if (small && limit === 1 && inclusive) return "must not be empty";
      const chars = (n: number) => `${n} character${n === 1 ? "" : "s"}`;
      const length = typeof value === "string" ? `, got ${chars(value.length)}` : "";
      if (exact) return `must be exactly ${chars(limit)}${length}`;
      return `must be ${small ? "at least" : "at most"} ${chars(inclusive ? limit : small ? limit + 1 : limit - 1)}${length}`;
    }
    default: {
      const got = typeof value === "number" ? `, got ${value}` : "";
      const relation = small ? (inclusive ? "at least" : "greater than") : inclusive ? "at most" : "less than";
      return `must be ${relation} ${limit}${got}`;
    }
  }
}

/** What a value is, in words: "a number", "a list", "an empty value (null)". */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value (null)";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return Number.isFinite(value) ? "a number" : `${value}`;
    case "boolean":
      return `${value}`;
    case "object":
      return "a map";
    default:
      return typeof value;
  }
}

function expectedWords(expected: string): string {
  switch (expected) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "int":
      return "an integer";
    case "boolean":
      return "true or false";
    case "array":
    case "tuple":
    case "set":
      return "a list";
    case "object":
    case "record":
    case "map":
      return "a map";
    case "null":
      return "an empty value (null)";
    default:
      return expected;
  }
}

// ---- reading a zod schema --------------------------------------------------------------------

/** The schema under wrappers that do not change what is written (defaults, optional, pipes). */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (let i = 0; i < 32; i++) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodNonOptional ||
      current instanceof z.ZodReadonly ||
      current instanceof z.ZodCatch ||
      current instanceof z.ZodLazy
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else return current;
  }
  return current;
}

/** The schema that validates the value at `path` under `schema`, when it can be told. */
export function schemaAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    const u = unwrap(current);
    if (u instanceof z.ZodObject && typeof segment === "string") {
      current = Object.hasOwn(u.shape, segment) ? (u.shape[segment] as z.ZodType) : undefined;
    } else if (u instanceof z.ZodArray && typeof segment === "number") {
      current = u.element as z.ZodType;
    } else if (u instanceof z.ZodRecord && typeof segment === "string") {
      current = u.valueType as z.ZodType;
    } else return undefined;
  }
  return current;
}

function isMapSchema(schema: z.ZodType): boolean {
  const u = unwrap(schema);
  return u instanceof z.ZodObject || u instanceof z.ZodRecord;
}

/** The keys a map schema accepts; empty when unknown. */
export function keysOf(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const u = unwrap(schema);
  return u instanceof z.ZodObject ? Object.keys(u.shape) : [];
}

function unionOptions(schema: z.ZodType): readonly z.ZodType[] | undefined {
  const u = unwrap(schema);
  return u instanceof z.ZodUnion ? (u.options as readonly z.ZodType[]) : undefined;
}

interface Words {
  readonly one: string;
  readonly many: string;
}

/** "a string", "a list of strings", "one of 'required' or 'advisory'", "a string or a list of strings". */
export function describeSchema(schema: z.ZodType | undefined): string | undefined {
  return schema ? words(schema, 0)?.one : undefined;
}

/**
 * Metadata key naming what a schema validates, for schemas whose type says nothing (a transform):
 * `.meta({ [NOUN]: { one: "a check", many: "checks" } })`.
 */
export const NOUN = "phaseGateNoun";

function named(schema: z.ZodType): Words | undefined {
  const noun = schema.meta()?.[NOUN];
  if (typeof noun !== "object" || noun === null) return undefined;
  const { one, many } = noun as { one?: unknown; many?: unknown };
  return typeof one === "string" && typeof many === "string" ? { one, many } : undefined;
}

function words(schema: z.ZodType, depth: number): Words | undefined {
  if (depth > 4) return undefined;
  const own = named(schema);
  if (own) return own;
  const u = unwrap(schema);
  if (u instanceof z.ZodString) return { one: "a string", many: "strings" };
  if (u instanceof z.ZodNumber) return u.isInt ? { one: "an integer", many: "integers" } : { one: "a number", many: "numbers" };
  if (u instanceof z.ZodBoolean) return { one: "true or false", many: "true/false values" };
  if (u instanceof z.ZodNull) return { one: "an empty value (null)", many: "empty values" };
  if (u instanceof z.ZodObject || u instanceof z.ZodRecord) return { one: "a map", many: "maps" };
  if (u instanceof z.ZodArray) {
    const element = words(u.element as z.ZodType, depth + 1);
    return { one: element ? `a list of ${element.many}` : "a list", many: "lists" };
  }
  if (u instanceof z.ZodEnum || u instanceof z.ZodLiteral) {
    const values = (u instanceof z.ZodEnum ? u.options : [...u.values]).map((v) => String(v));
    const one = values.length === 1 ? quoteList(values) : `one of ${quoteList(values)}`;
    return { one, many: `values among ${quoteList(values)}` };
  }
  if (u instanceof z.ZodUnion) {
    const parts = (u.options as readonly z.ZodType[]).map((o) => words(o, depth + 1));
    if (parts.some((p) => p === undefined)) return undefined;
    const defined = parts as Words[];
    return {
      one: [...new Set(defined.map((p) => p.one))].join(" or "),
      many: [...new Set(defined.map((p) => p.many))].join(" or "),
    };
  }
  return undefined;
}
