/**
 * Reads JS/TS config files (jest.config.*, vitest.config.*, vite.config.*, nyc.config.*) without
 * running them: @babel/parser 7 builds the AST, and a small evaluator folds literals, top-level
 * `const`s, spreads, `defineConfig`/`mergeConfig` and local imports. Anything it cannot know
 * (`process.env.X`, a call, a spread that could override a key) becomes `unknown` with the reason,
 * so the check answers `indeterminate` instead of guessing.
 */
import { parse } from "@babel/parser";
import type * as t from "@babel/types";
import { dirname, joinPath } from "./repo.js";

export type JsValue =
  | { readonly kind: "number"; readonly value: number; readonly line: number }
  | { readonly kind: "string"; readonly value: string; readonly line: number }
  | { readonly kind: "boolean"; readonly value: boolean; readonly line: number }
  | { readonly kind: "nullish"; readonly line: number }
  | { readonly kind: "object"; readonly props: ReadonlyMap<string, Prop>; readonly opaque: Unknown | null; readonly line: number }
  | { readonly kind: "array"; readonly items: readonly JsValue[]; readonly line: number }
  | Unknown;

export interface Unknown {
  readonly kind: "unknown";
  readonly why: string;
  readonly line: number;
  /** The file the unknown value is in (for imported modules). */
  readonly path?: string;
}

export interface Prop {
  readonly value: JsValue;
  /** Line of the key. */
  readonly line: number;
  /** File of the key (differs from the config file for values imported from another file). */
  readonly path: string;
  /** A later spread of an unknown value may replace this key. */
  readonly maybeOverridden: Unknown | null;
}

export type JsModule =
  | { readonly ok: true; readonly value: JsValue; /** the export is a function of its arguments */ readonly conditional: boolean }
  | { readonly ok: false; readonly error: string; readonly line: number };

export interface JsLoader {
  /** Text of a repository file, if the check can read it. */
  read(path: string): string | undefined;
}

const MAX_DEPTH = 2;
const MAX_STEPS = 20000;
const IMPORT_EXTENSIONS = ["", ".ts", ".js", ".mjs", ".cjs", ".mts", ".cts", ".json", "/index.ts", "/index.js"];

/** Parses a JS/TS module; `ok: false` carries babel's message and 1-based line. */
export function parseModule(path: string, text: string): { ok: true; program: t.Program } | { ok: false; error: string; line: number } {
  const typescript = /\.[mc]?tsx?$/.test(path);
  try {
    const file = parse(text, {
      sourceType: "unambiguous",
      plugins: typescript ? ["typescript", "decorators-legacy"] : ["jsx", "decorators-legacy"],
      allowReturnOutsideFunction: true,
      errorRecovery: false,
    });
    return { ok: true, program: file.program };
  } catch (error) {
    const loc = (error as { loc?: { line?: number } }).loc;
    const msg = error instanceof Error ? error.message : String(error);
    return { ok: false, error: msg.split("\n")[0] ?? msg, line: loc?.line ?? 1 };
  }
}

/** Evaluates what a config module exports. */
export function evaluateModule(path: string, text: string, loader: JsLoader, depth = 0): JsModule {
  const parsed = parseModule(path, text);
  if (!parsed.ok) return parsed;
  const ev = new Evaluator(path, parsed.program, loader, depth);
  return ev.exported();
}

/** The value at a key path: undefined when surely absent, `unknown` when it cannot be known. */
export function getPath(value: JsValue | undefined, keys: readonly string[]): JsValue | undefined {
  let cur: JsValue | undefined = value;
  for (const k of keys) {
    if (cur === undefined) return undefined;
    if (cur.kind === "unknown") return cur;
    if (cur.kind !== "object") return undefined;
    const prop: Prop | undefined = cur.props.get(k);
    if (prop) {
      if (prop.maybeOverridden) return prop.maybeOverridden;
      cur = prop.value;
      continue;
    }
    if (cur.opaque) return cur.opaque;
    return undefined;
  }
  return cur;
}

/** The property record at a key path (for its line), when it is surely there. */
export function getProp(value: JsValue | undefined, keys: readonly string[]): Prop | undefined {
  if (keys.length === 0) return undefined;
  const parent = getPath(value, keys.slice(0, -1));
  if (!parent || parent.kind !== "object") return undefined;
  const prop = parent.props.get(keys[keys.length - 1] ?? "");
  return prop && !prop.maybeOverridden ? prop : undefined;
}

/** Plain JSON to a JsValue (every line set to `line`). */
export function fromJson(value: unknown, path: string, lineOf: (keys: readonly string[]) => number, keys: string[] = []): JsValue {
  const line = lineOf(keys);
  if (typeof value === "number") return { kind: "number", value, line };
  if (typeof value === "string") return { kind: "string", value, line };
  if (typeof value === "boolean") return { kind: "boolean", value, line };
  if (value === null || value === undefined) return { kind: "nullish", line };
  if (Array.isArray(value)) return { kind: "array", items: value.map((v, i) => fromJson(v, path, lineOf, [...keys, String(i)])), line };
  const props = new Map<string, Prop>();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const childKeys = [...keys, k];
    props.set(k, { value: fromJson(v, path, lineOf, childKeys), line: lineOf(childKeys), path, maybeOverridden: null });
  }
  return { kind: "object", props, opaque: null, line };
}

type Binding =
  | { readonly kind: "expr"; readonly node: t.Expression; readonly line: number }
  | { readonly kind: "import"; readonly source: string; readonly name: string; readonly line: number }
  | { readonly kind: "opaque"; readonly why: string; readonly line: number };

class Evaluator {
  private readonly bindings = new Map<string, Binding>();
  private readonly namedExports = new Map<string, t.Expression>();
  private readonly resolving = new Set<string>();
  private steps = 0;
  private conditional = false;

  constructor(
    private readonly path: string,
    private readonly program: t.Program,
    private readonly loader: JsLoader,
    private readonly depth: number,
  ) {
    for (const stmt of program.body) this.collect(stmt);
  }

  private collect(stmt: t.Statement): void {
    const decl = stmt.type === "ExportNamedDeclaration" ? stmt.declaration : stmt;
    if (!decl) return;
    if (decl.type === "VariableDeclaration") {
      for (const d of decl.declarations) {
        if (d.id.type !== "Identifier") continue;
        const line = d.loc?.start.line ?? 1;
        // `let`/`var` may be reassigned later: only `const` is trusted.
        if (decl.kind === "const" && d.init) {
          this.bindings.set(d.id.name, { kind: "expr", node: d.init, line });
          if (stmt.type === "ExportNamedDeclaration") this.namedExports.set(d.id.name, d.init);
        } else this.bindings.set(d.id.name, { kind: "opaque", why: `'${d.id.name}' is a ${decl.kind} variable`, line });
      }
    } else if (decl.type === "ImportDeclaration") {
      for (const s of decl.specifiers) {
        const name = s.type === "ImportSpecifier" ? (s.imported.type === "Identifier" ? s.imported.name : s.imported.value) : s.type === "ImportDefaultSpecifier" ? "default" : "*";
        this.bindings.set(s.local.name, { kind: "import", source: decl.source.value, name, line: decl.loc?.start.line ?? 1 });
      }
    } else if (decl.type === "FunctionDeclaration" && decl.id) {
      this.bindings.set(decl.id.name, { kind: "opaque", why: `'${decl.id.name}' is a function`, line: decl.loc?.start.line ?? 1 });
    }
  }

  exported(): JsModule {
    let target: t.Node | null = null;
    for (const stmt of this.program.body) {
      if (stmt.type === "ExportDefaultDeclaration") target = stmt.declaration;
      else if (stmt.type === "TSExportAssignment") target = stmt.expression;
      else if (stmt.type === "ExpressionStatement" && stmt.expression.type === "AssignmentExpression" && isModuleExports(stmt.expression.left)) {
        target = stmt.expression.right;
      }
    }
    if (!target) return { ok: true, value: this.unknown("the file exports no configuration phase-gate can find", 1), conditional: false };
    const value = this.evalExport(target);
    return { ok: true, value, conditional: this.conditional };
  }

  private evalExport(node: t.Node): JsValue {
    if (node.type === "FunctionDeclaration" || node.type === "ArrowFunctionExpression" || node.type === "FunctionExpression") {
      return this.evalFunctionResult(node);
    }
    if (node.type === "ClassDeclaration") return this.unknown("the export is a class", line(node));
    return this.eval(node as t.Expression);
  }

  private evalFunctionResult(fn: t.FunctionDeclaration | t.ArrowFunctionExpression | t.FunctionExpression): JsValue {
    this.conditional = true;
    const params = new Set<string>();
    for (const p of fn.params) if (p.type === "Identifier") params.add(p.name);
    const saved = new Map<string, Binding | undefined>();
    for (const p of params) {
      saved.set(p, this.bindings.get(p));
      this.bindings.set(p, { kind: "opaque", why: `'${p}' is an argument of the exported function`, line: line(fn) });
    }
    try {
      if (fn.body.type !== "BlockStatement") return this.eval(fn.body);
      const locals: string[] = [];
      let result: JsValue | null = null;
      for (const stmt of fn.body.body) {
        if (stmt.type === "VariableDeclaration") {
          for (const d of stmt.declarations) {
            if (d.id.type === "Identifier") {
              locals.push(d.id.name);
              if (!saved.has(d.id.name)) saved.set(d.id.name, this.bindings.get(d.id.name));
              this.bindings.set(
                d.id.name,
                stmt.kind === "const" && d.init ? { kind: "expr", node: d.init, line: line(d) } : { kind: "opaque", why: `'${d.id.name}' is a ${stmt.kind} variable`, line: line(d) },
              );
            }
          }
        } else if (stmt.type === "ReturnStatement") {
          result = stmt.argument ? this.eval(stmt.argument) : { kind: "nullish", line: line(stmt) };
          break;
        } else if (stmt.type !== "ExpressionStatement" && stmt.type !== "EmptyStatement") {
          return this.unknown(`the exported function's result depends on a ${stmt.type}`, line(stmt));
        }
      }
      return result ?? this.unknown("the exported function returns nothing phase-gate can find", line(fn));
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) this.bindings.delete(k);
        else this.bindings.set(k, v);
      }
    }
  }

  private unknown(why: string, at: number): Unknown {
    return { kind: "unknown", why, line: at, path: this.path };
  }

  eval(node: t.Expression | t.SpreadElement | t.ArgumentPlaceholder | t.JSXNamespacedName | t.PrivateName | t.V8IntrinsicIdentifier): JsValue {
    if (++this.steps > MAX_STEPS) return this.unknown("the config is too large to read statically", line(node));
    const at = line(node);
    switch (node.type) {
      case "NumericLiteral":
        return { kind: "number", value: node.value, line: at };
      case "StringLiteral":
        return { kind: "string", value: node.value, line: at };
      case "BooleanLiteral":
        return { kind: "boolean", value: node.value, line: at };
      case "NullLiteral":
        return { kind: "nullish", line: at };
      case "TemplateLiteral":
        if (node.expressions.length === 0) return { kind: "string", value: node.quasis.map((q) => q.value.cooked ?? q.value.raw).join(""), line: at };
        return this.unknown("a template string with expressions", at);
      case "Identifier":
        return this.evalIdentifier(node.name, at);
      case "UnaryExpression": {
        const arg = this.eval(node.argument);
        if (arg.kind === "unknown") return arg;
        if ((node.operator === "-" || node.operator === "+") && arg.kind === "number") return { kind: "number", value: node.operator === "-" ? -arg.value : arg.value, line: at };
        if (node.operator === "!" && arg.kind === "boolean") return { kind: "boolean", value: !arg.value, line: at };
        if (node.operator === "void") return { kind: "nullish", line: at };
        return this.unknown(`the operator ${node.operator}`, at);
      }
      case "TSAsExpression":
      case "TSSatisfiesExpression":
      case "TSNonNullExpression":
      case "TSTypeAssertion":
      case "TSInstantiationExpression":
      case "ParenthesizedExpression":
        return this.eval(node.expression);
      case "ObjectExpression":
        return this.evalObject(node);
      case "ArrayExpression": {
        const items: JsValue[] = [];
        for (const el of node.elements) {
          if (el === null) items.push({ kind: "nullish", line: at });
          else if (el.type === "SpreadElement") {
            const v = this.eval(el.argument);
            if (v.kind === "array") items.push(...v.items);
            else items.push(v.kind === "unknown" ? v : this.unknown("a spread of a non-array", at));
          } else items.push(this.eval(el));
        }
        return { kind: "array", items, line: at };
      }
      case "CallExpression":
        return this.evalCall(node);
      case "ConditionalExpression": {
        const test = this.eval(node.test);
        const truth = truthy(test);
        if (truth === null) return this.unknown(`the value depends on a condition (${describeNode(node.test)})`, at);
        return this.eval(truth ? node.consequent : node.alternate);
      }
      case "LogicalExpression": {
        const left = this.eval(node.left);
        if (node.operator === "??") {
          if (left.kind === "unknown") return this.unknown(`the value depends on ${describeNode(node.left)}`, at);
          return left.kind === "nullish" ? this.eval(node.right) : left;
        }
        const truth = truthy(left);
        if (truth === null) return this.unknown(`the value depends on ${describeNode(node.left)}`, at);
        if (node.operator === "||") return truth ? left : this.eval(node.right);
        return truth ? this.eval(node.right) : left;
      }
      case "MemberExpression":
      case "OptionalMemberExpression": {
        const desc = describeNode(node);
        if (desc.startsWith("process.env") || desc.startsWith("import.meta.env")) return this.unknown(`${desc} (set at run time)`, at);
        const obj = this.eval(node.object as t.Expression);
        if (obj.kind === "unknown") return obj;
        const key = !node.computed && node.property.type === "Identifier" ? node.property.name : node.property.type === "StringLiteral" ? node.property.value : null;
        if (key === null) return this.unknown(`a computed member ${desc}`, at);
        const v = getPath(obj, [key]);
        return v ?? { kind: "nullish", line: at };
      }
      case "AwaitExpression":
        return this.eval(node.argument);
      case "ArrowFunctionExpression":
      case "FunctionExpression":
        return this.unknown("a function", at);
      case "SpreadElement":
        return this.eval(node.argument);
      default:
        return this.unknown(`a ${node.type}`, at);
    }
  }

  private evalIdentifier(name: string, at: number): JsValue {
    if (name === "undefined") return { kind: "nullish", line: at };
    const b = this.bindings.get(name);
    if (!b) return this.unknown(`'${name}' is not a constant of this file`, at);
    if (b.kind === "opaque") return this.unknown(b.why, at);
    if (this.resolving.has(name)) return this.unknown(`'${name}' refers to itself`, at);
    this.resolving.add(name);
    try {
      if (b.kind === "expr") return this.eval(b.node);
      return this.load(b.source, b.name, at);
    } finally {
      this.resolving.delete(name);
    }
  }

  private evalObject(node: t.ObjectExpression): JsValue {
    const props = new Map<string, Prop>();
    let opaque: Unknown | null = null;
    const markAll = (u: Unknown) => {
      for (const [k, p] of props) if (!p.maybeOverridden) props.set(k, { ...p, maybeOverridden: u });
      opaque = u;
    };
    for (const p of node.properties) {
      const at = line(p);
      if (p.type === "SpreadElement") {
        const v = this.eval(p.argument);
        if (v.kind === "object") {
          if (v.opaque) markAll(v.opaque);
          for (const [k, inner] of v.props) props.set(k, inner);
        } else if (v.kind === "nullish") continue;
        else markAll(this.unknown(`the spread ...${describeNode(p.argument)} may override it (${v.kind === "unknown" ? v.why : "not an object"})`, at));
        continue;
      }
      let key: string | null = null;
      if (!p.computed) {
        if (p.key.type === "Identifier") key = p.key.name;
        else if (p.key.type === "StringLiteral") key = p.key.value;
        else if (p.key.type === "NumericLiteral") key = String(p.key.value);
      } else {
        const k = this.eval(p.key as t.Expression);
        if (k.kind === "string") key = k.value;
        else if (k.kind === "number") key = String(k.value);
      }
      if (key === null) {
        markAll(this.unknown("a computed key", at));
        continue;
      }
      const value: JsValue = p.type === "ObjectMethod" ? this.unknown(`the method ${key}()`, at) : this.eval(p.value as t.Expression);
      props.set(key, { value, line: line(p.key), path: this.path, maybeOverridden: null });
    }
    return { kind: "object", props, opaque, line: line(node) };
  }

  private evalCall(node: t.CallExpression): JsValue {
    const at = line(node);
    const callee = describeNode(node.callee);
    const args = node.arguments;
    const first = args[0];
    const name = callee.split(".").pop() ?? callee;
    if (["defineConfig", "defineProject", "defineWorkspace", "defineVitestConfig", "defineJestConfig"].includes(name) && first) {
      if (first.type === "ArrowFunctionExpression" || first.type === "FunctionExpression") return this.evalFunctionResult(first);
      return this.eval(first);
    }
    if (name === "mergeConfig" && args.length >= 2) {
      const a = this.eval(args[0] as t.Expression);
      const b = this.eval(args[1] as t.Expression);
      return deepMerge(a, b);
    }
    if (callee === "Object.assign" && first) {
      let acc: JsValue = { kind: "object", props: new Map(), opaque: null, line: at };
      for (const a of args) acc = shallowMerge(acc, this.eval(a as t.Expression));
      return acc;
    }
    if (callee === "require" && first?.type === "StringLiteral") return this.load(first.value, "default", at);
    if ((callee === "Number" || callee === "parseInt" || callee === "parseFloat") && first) {
      const v = this.eval(first as t.Expression);
      if (v.kind === "number") return v;
      if (v.kind === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v.value)) return { kind: "number", value: Number(v.value), line: at };
      return v.kind === "unknown" ? { ...v, why: `${callee}(${v.why})` } : this.unknown(`${callee}() of a non-number`, at);
    }
    return this.unknown(`the result of ${callee}()`, at);
  }

  private load(source: string, name: string, at: number): JsValue {
    if (!source.startsWith(".")) return this.unknown(`it comes from the package '${source}'`, at);
    if (this.depth >= MAX_DEPTH) return this.unknown(`it comes from '${source}', imported too deep to follow`, at);
    const base = joinPath(dirname(this.path), source);
    if (base === null) return this.unknown(`it comes from '${source}', outside the repository`, at);
    for (const ext of IMPORT_EXTENSIONS) {
      const candidate = base + ext;
      const text = this.loader.read(candidate);
      if (text === undefined) continue;
      if (candidate.endsWith(".json")) {
        try {
          return fromJson(JSON.parse(text) as unknown, candidate, () => 1);
        } catch {
          return this.unknown(`'${candidate}' is not valid JSON`, at);
        }
      }
      const parsed = parseModule(candidate, text);
      if (!parsed.ok) return this.unknown(`'${candidate}' does not parse: ${parsed.error}`, at);
      const inner = new Evaluator(candidate, parsed.program, this.loader, this.depth + 1);
      if (name === "default" || name === "*") {
        const m = inner.exported();
        return m.ok ? m.value : this.unknown(`'${candidate}' does not parse`, at);
      }
      const named = inner.namedExports.get(name);
      return named ? inner.eval(named) : this.unknown(`'${candidate}' has no constant export '${name}'`, at);
    }
    return this.unknown(`it comes from '${source}', which phase-gate cannot read`, at);
  }
}

function isModuleExports(node: t.Node): boolean {
  return describeNode(node) === "module.exports" || describeNode(node) === "exports.default";
}

function truthy(v: JsValue): boolean | null {
  switch (v.kind) {
    case "unknown":
      return null;
    case "number":
      return v.value !== 0 && !Number.isNaN(v.value);
    case "string":
      return v.value !== "";
    case "boolean":
      return v.value;
    case "nullish":
      return false;
    default:
      return true;
  }
}

function shallowMerge(a: JsValue, b: JsValue): JsValue {
  if (b.kind === "nullish") return a;
  if (a.kind !== "object") return a.kind === "unknown" ? a : b;
  if (b.kind === "unknown") {
    const props = new Map<string, Prop>();
    for (const [k, p] of a.props) props.set(k, { ...p, maybeOverridden: p.maybeOverridden ?? b });
    return { kind: "object", props, opaque: b, line: a.line };
  }
  if (b.kind !== "object") return b;
  const props = new Map(a.props);
  for (const [k, p] of b.props) props.set(k, p);
  return { kind: "object", props, opaque: b.opaque ?? a.opaque, line: a.line };
}

/** Vite's `mergeConfig`: objects merge recursively, arrays concatenate, the second wins otherwise. */
export function deepMerge(a: JsValue, b: JsValue): JsValue {
  if (b.kind === "nullish") return a;
  if (a.kind === "unknown") return a;
  if (b.kind === "unknown") return shallowMerge(a, b);
  if (a.kind === "array" && b.kind === "array") return { kind: "array", items: [...a.items, ...b.items], line: b.line };
  if (a.kind !== "object" || b.kind !== "object") return b;
  const props = new Map(a.props);
  for (const [k, p] of b.props) {
    const prev = props.get(k);
    props.set(k, prev && !prev.maybeOverridden && !p.maybeOverridden ? { ...p, value: deepMerge(prev.value, p.value) } : p);
  }
  return { kind: "object", props, opaque: b.opaque ?? a.opaque, line: a.line };
}

function line(node: t.Node): number {
  return node.loc?.start.line ?? 1;
}

/** `a.b.c` for member chains, the type otherwise. */
export function describeNode(node: t.Node): string {
  switch (node.type) {
    case "Identifier":
      return node.name;
    case "MemberExpression":
    case "OptionalMemberExpression": {
      const prop = !node.computed && node.property.type === "Identifier" ? node.property.name : node.property.type === "StringLiteral" ? node.property.value : "[…]";
      return `${describeNode(node.object)}.${prop}`;
    }
    case "MetaProperty":
      return `${node.meta.name}.${node.property.name}`;
    case "CallExpression":
      return `${describeNode(node.callee)}()`;
    case "ThisExpression":
      return "this";
    default:
      return node.type;
  }
}
