/**
 * Loads `.github/phase-gate.yml`: YAML parsed safely (size cap, nesting cap, alias-bomb limit,
 * duplicate keys reported), then validated against the checklist schema of the registry. Every
 * problem comes back with its line and column, found through the parsed document; nothing here
 * throws, whatever the input.
 */
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, visit, type Alias, type CST, type Document, type Node, type YAMLError } from "yaml";
import { explainIssues } from "./explain.js";
import { keyText, locate, position, spanOf, type AliasTargets } from "./locate.js";
import { clip, formatPath, type PathSegment, type Problem } from "./problem.js";
import { checklistSchema } from "./schema.js";
import type { ChecklistLoad, ConfigError, Registry } from "./types.js";

/** Larger files are refused unread: a checklist is a few hundred bytes. */
export const MAX_CHECKLIST_BYTES = 256 * 1024;
/** Collections nested deeper than this are refused before the YAML library recurses into them. */
export const MAX_NESTING = 64;
/** Alias nodes a checklist may hold. */
export const MAX_ALIASES = 200;
/** The YAML library's limit on alias expansion (`maxAliasCount`): a "billion laughs" stops here. */
export const MAX_ALIAS_EXPANSION = 100;
const EMPTY_HINT = "list the phases under 'phases:', each with an id, a name and its checks";

/** Beyond this many errors, the rest are summed up in one. */
export const MAX_ERRORS = 100;

export interface LoadOptions {
  /** Ids of phases defined by the files this one extends (`_extends`): `requires` may name them. */
  readonly inheritedPhases?: readonly string[];
}

/**
 * Parses and validates a checklist. `file` is how errors name it (e.g. `.github/phase-gate.yml`).
 * Never throws: every problem, including an unexpected one, is a `ConfigError`.
 */
export function loadChecklist(text: string, file: string, registry: Registry, options: LoadOptions = {}): ChecklistLoad {
  try {
    return load(text, file, registry, options.inheritedPhases ?? []);
  } catch (error) {
    const why = error instanceof Error ? error.message || error.name : String(error);
    return fail([{ file, line: 1, column: 1, at: "", message: `the checklist could not be read: ${why}` }]);
  }
}

function fail(errors: ConfigError[]): ChecklistLoad {
  const sorted = [...errors].sort((a, b) => a.line - b.line || a.column - b.column);
  if (sorted.length <= MAX_ERRORS) return { ok: false, errors: sorted };
  const rest = sorted.length - MAX_ERRORS;
  const last = sorted[MAX_ERRORS - 1];
  const more: ConfigError = {
    file: last?.file ?? "",
    line: last?.line ?? 1,
    column: last?.column ?? 1,
    at: "",
    message: `${rest} more error${rest === 1 ? "" : "s"} not shown`,
    hint: "fix the errors above first",
  };
  return { ok: false, errors: [...sorted.slice(0, MAX_ERRORS), more] };
}

function load(text: string, file: string, registry: Registry, inherited: readonly string[]): ChecklistLoad {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_CHECKLIST_BYTES) {
    return fail([
      {
        file,
        line: 1,
        column: 1,
        at: "",
        message: `the checklist is ${Math.ceil(bytes / 1024)} KiB; the limit is ${MAX_CHECKLIST_BYTES / 1024} KiB`,
        hint: "a checklist lists phases and checks; move anything else out of this file",
      },
    ]);
  }
  // A byte-order mark is invisible in editors: leave it out so that columns on line 1 match them.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const error: MakeError = (range, at, message, hint) => ({
    file,
    ...spanOf(lineCounter, range),
    at,
    message,
    ...(hint !== undefined ? { hint } : {}),
  });

  // 1. Lex and parse to the CST once (the parser is iterative), and refuse deep nesting before
  //    the composer, which recurses, sees it.
  const tokens = [...new Parser(lineCounter.addNewLine).parse(source)];
  const deep = tooDeep(tokens);
  if (deep !== null) {
    return fail([
      error([deep, deep], "", `the YAML is nested more than ${MAX_NESTING} levels deep`, "a checklist needs a few levels; check the brackets and the indentation"),
    ]);
  }

  // 2. Compose the document, as `parseDocument` does, from the same tokens. Duplicate keys are
  //    found below in one pass: the library's `uniqueKeys` compares each key with every earlier
  //    one (quadratic: 25 s for a 256 KiB map).
  const composer = new Composer({
    version: "1.2",
    schema: "core",
    uniqueKeys: false,
    stringKeys: true,
    resolveKnownTags: false,
  });
  let doc: Document.Parsed | undefined;
  const syntax: ConfigError[] = [];
  for (const composed of composer.compose(tokens, true, source.length)) {
    if (!doc) doc = composed;
    else {
      syntax.push(error([composed.range[0], composed.range[1]], "", "the file holds more than one YAML document ('---')", "keep a single document"));
      break;
    }
  }
  if (!doc) return fail([error([0, 0], "", "the checklist is empty", EMPTY_HINT)]);
  // Every error and warning of the YAML library, each at its place (positions from `lineCounter`;
  // messages stay one plain sentence, with no excerpt appended as `prettyErrors` would).
  for (const e of [...doc.errors, ...doc.warnings]) syntax.push(syntaxError(e, error));
  syntax.push(...duplicateKeys(doc, lineCounter, error));
  if (syntax.length > 0) return fail(syntax);

  // 3. An empty file, or one that is not a map.
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    return fail([error([0, 0], "", "the checklist is empty", EMPTY_HINT)]);
  }
  if (!isMap(root)) {
    const what = isSeq(root) ? "a list" : isAlias(root) ? "an alias" : "a single value";
    return fail([error(rangeOf(root), "", `the checklist must be a map with a 'phases' key, got ${what}`, "start the file with 'phases:'")]);
  }

  // 4. Aliases: resolved once, each must name an earlier anchor and must not contain itself.
  const { targets, problems: aliasProblems, first } = resolveAliases(doc);
  if (aliasProblems.length > 0) {
    return fail(aliasProblems.map((p) => error(p.range, p.at, p.message, p.hint)));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (cause) {
    // Aliases were checked above, so what is left is the expansion limit (a "billion laughs").
    const at: readonly [number, number] = first ? rangeOf(first) : [0, 0];
    if (cause instanceof ReferenceError) {
      return fail([
        error(
          at,
          "",
          `the aliases of this file expand to too many values (an anchor used more than ${MAX_ALIAS_EXPANSION} times, counting aliases of aliases)`,
          "use each anchor a few times at most, and do not nest aliases of aliases",
        ),
      ]);
    }
    throw cause;
  }

  // 5. The schema, composed from the registry.
  const schema = checklistSchema(registry, inherited);
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) {
    return { ok: true, checklist: { origin: { source: "file", path: file }, phases: result.data.phases } };
  }
  const problems = explainIssues(result.error.issues, schema, data, "key");
  return fail(problems.map((p) => placed(p, doc, targets, lineCounter, file)));
}

/** A problem at its place in the file. */
function placed(problem: Problem, doc: Document, targets: AliasTargets, lineCounter: LineCounter, file: string): ConfigError {
  const where = locate(doc, targets, problem.path, problem.key);
  let hint = problem.hint;
  if (problem.related) {
    const other = locate(doc, targets, problem.related);
    const { line } = position(lineCounter, other.range[0]);
    hint = hint?.replace("{line}", String(line));
  }
  return {
    file,
    ...spanOf(lineCounter, where.range, where.approximate),
    at: formatPath(problem.path),
    message: problem.message,
    ...(hint !== undefined ? { hint } : {}),
  };
}

function rangeOf(node: Node | Alias): readonly [number, number] {
  const range = node.range;
  return range ? [range[0], range[1]] : [0, 0];
}

type MakeError = (range: readonly [number, number], at: string, message: string, hint?: string) => ConfigError;

/** A YAML library error or warning in the words of a checklist. */
function syntaxError(e: YAMLError, error: MakeError): ConfigError {
  const range: readonly [number, number] = e.pos[0] >= 0 ? [e.pos[0], e.pos[1]] : [0, 0];
  switch (e.code) {
    case "TAB_AS_INDENT":
      return error(range, "", "a tab is used for indentation", "indent with spaces");
    case "NON_STRING_KEY":
      return error(range, "", "a key is not a string", "write keys as plain words");
    case "TAG_RESOLVE_FAILED":
      return error(range, "", `unsupported YAML tag (${e.message})`, "remove the tag: a checklist holds plain strings, numbers, lists and maps");
    default:
      return error(range, "", `YAML syntax error: ${e.message}`);
  }
}

/** Keys set twice in a map, each error at the second key: one pass, a set per map. */
function duplicateKeys(doc: Document, lineCounter: LineCounter, error: MakeError): ConfigError[] {
  const errors: ConfigError[] = [];
  visit(doc, {
    Map(_, map, ancestors) {
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        const key = keyText(pair);
        const node = pair.key as Node | null;
        if (key === undefined || !node) continue;
        const first = seen.get(key);
        if (!first) {
          seen.set(key, node);
          continue;
        }
        const { line } = position(lineCounter, rangeOf(first)[0]);
        errors.push(error(rangeOf(node), formatPath(pathOf([...ancestors, map])), `duplicate key '${clip(key)}'`, `'${clip(key)}' is already set at line ${line}; keep one of them`));
      }
      return undefined;
    },
  });
  return errors;
}

/** The path of keys and indexes through a chain of ancestors (document, collections, pairs). */
function pathOf(chain: readonly unknown[]): PathSegment[] {
  const path: PathSegment[] = [];
  chain.forEach((item, i) => {
    if (isSeq(item)) {
      const index = item.items.indexOf(chain[i + 1] as never);
      if (index >= 0) path.push(index);
    } else if (isPair(item)) {
      const key = keyText(item);
      if (key !== undefined) path.push(key);
    }
  });
  return path;
}

interface AliasProblem {
  readonly range: readonly [number, number];
  readonly at: string;
  readonly message: string;
  readonly hint?: string;
}

/**
 * One pass over the document in order: an alias stands for the last node with its anchor before
 * it (YAML's rule, and the YAML library's). Reports aliases with no anchor, aliases inside the node
 * they name (a cycle), and too many aliases.
 */
function resolveAliases(doc: Document): { targets: AliasTargets; problems: AliasProblem[]; first: Alias | undefined } {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  const problems: AliasProblem[] = [];
  let first: Alias | undefined;
  let count = 0;
  visit(doc, {
    Node(_, node, ancestors) {
      if (isAlias(node)) {
        count += 1;
        first ??= node;
        const at = formatPath(pathOf([...ancestors, node]));
        if (count > MAX_ALIASES) {
          problems.push({ range: rangeOf(node), at, message: `more than ${MAX_ALIASES} aliases`, hint: "write the values out instead" });
          return visit.BREAK;
        }
        const target = anchors.get(node.source);
        if (!target) {
          problems.push({ range: rangeOf(node), at, message: `unknown alias '*${node.source}'`, hint: `define the anchor '&${node.source}' before this alias` });
        } else if (ancestors.includes(target)) {
          problems.push({ range: rangeOf(node), at, message: `alias '*${node.source}' is inside the node it names`, hint: "a checklist cannot contain itself" });
        } else targets.set(node, target);
        return undefined;
      }
      if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
  });
  return { targets, problems, first };
}

/** The offset where collections first nest deeper than `MAX_NESTING`, or null. */
function tooDeep(tokens: readonly CST.Token[]): number | null {
  for (const token of tokens) {
    const stack: [CST.Token, number][] = [[token, 0]];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const [t, depth] = top;
      if (t.type === "document") {
        if (t.value) stack.push([t.value, depth]);
      } else if (t.type === "block-map" || t.type === "block-seq" || t.type === "flow-collection") {
        if (depth >= MAX_NESTING) return t.offset;
        for (const item of t.items) {
          if (item.key) stack.push([item.key, depth + 1]);
          if (item.value) stack.push([item.value, depth + 1]);
        }
      }
    }
  }
  return null;
}
