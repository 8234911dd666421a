/**
 * Validates the requests a test sends to GitHub against GitHub's own OpenAPI description
 * (`@octokit/openapi`, `api.github.com.deref.json`, OpenAPI 3.0.3): the operation is found by
 * method and path template, the path and query parameters are checked against their schemas, and
 * a JSON body against the operation's `requestBody` schema (ajv, OpenAPI's `nullable`, formats).
 * A few rules GitHub enforces that the description does not say (byte limits of check-run text,
 * `conclusion` with `completed_at`, columns on one line only) are checked too: see `EXTRA_RULES`.
 *
 * The 73 MB description is parsed once per test process, on first use, and only the operations
 * that are used get compiled.
 *
 * In a test: `const api = githubApi()` (a nock scope for https://api.github.com whose every
 * intercepted request is validated), and `assertRequestsValid()` in `afterEach`. An invalid request
 * is answered with an error (the code under test sees a failed request) and recorded, so that even
 * code that swallows errors fails the test.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import type { ClientRequest } from "node:http";
import AjvModule from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type nock from "nock";

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

interface Parameter {
  readonly name: string;
  readonly in: "path" | "query" | "header" | "cookie";
  readonly required: boolean;
  readonly schema: Schema;
}

/** One operation of the description, as the validator needs it. */
export interface Operation {
  readonly method: string;
  /** The path template, e.g. `/repos/{owner}/{repo}/check-runs`. */
  readonly template: string;
  /** GitHub's operation id, e.g. `checks/create`. */
  readonly operationId: string;
  readonly segments: readonly string[];
  readonly parameters: readonly Parameter[];
  /** The JSON request body schema, when the operation takes JSON. */
  readonly body?: { readonly required: boolean; readonly schema: Schema };
  /** Other media types the operation accepts (e.g. `text/plain`), when it takes no JSON. */
  readonly otherMediaTypes: readonly string[];
}

/** A request GitHub's description (or a documented GitHub rule) says GitHub would reject. */
export class OpenApiValidationError extends Error {
  constructor(
    readonly request: string,
    readonly problems: readonly string[],
  ) {
    super(`${request} does not match GitHub's OpenAPI description:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "OpenApiValidationError";
  }
}

const require = createRequire(import.meta.url);
const SPEC_FILE = "@octokit/openapi/generated/api.github.com.deref.json";

let operations: readonly Operation[] | undefined;

function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses the description once and keeps only what validation needs. */
function loadOperations(): readonly Operation[] {
  if (operations !== undefined) return operations;
  const spec = readSpec();
  if (!isObject(spec.paths)) throw new Error(`${SPEC_FILE}: no "paths"`);
  keepSchemas(spec);
  const found: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of ["get", "post", "put", "patch", "delete", "head", "options"]) {
      const op = item[method];
      if (!isObject(op)) continue;
      const parameters = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])].filter(isObject).map(
        (p): Parameter => ({
          name: String(p.name),
          in: String(p.in) as Parameter["in"],
          required: p.required === true || p.in === "path",
          schema: isObject(p.schema) ? p.schema : {},
        }),
      );
      let body: Operation["body"];
      let otherMediaTypes: string[] = [];
      if (isObject(op.requestBody) && isObject(op.requestBody.content)) {
        const content = op.requestBody.content;
        const json = content["application/json"];
        if (isObject(json) && isObject(json.schema)) body = { required: op.requestBody.required === true, schema: json.schema };
        else otherMediaTypes = Object.keys(content);
      }
      found.push({
        method: method.toUpperCase(),
        template,
        operationId: typeof op.operationId === "string" ? op.operationId : `${method} ${template}`,
        segments: template.split("/").slice(1),
        parameters,
        ...(body !== undefined ? { body } : {}),
        otherMediaTypes,
      });
    }
  }
  operations = found;
  return found;
}

function readSpec(): { [key: string]: Json } {
  const spec: unknown = JSON.parse(fs.readFileSync(require.resolve(SPEC_FILE), "utf8"));
  if (!isObject(spec)) throw new Error(`${SPEC_FILE}: not an object`);
  return spec;
}

/*
 * Response and webhook schemas. The description is too large to keep whole, so only the schemas
 * asked for with `useSchemas` are kept: taken from the parse that finds the operations when they
 * were asked for before it, else from one more parse when first needed.
 */
const wantedResponses = new Set<string>();
const wantedWebhooks = new Set<string>();
/** operationId -> status -> the JSON schema of that response (null: the response has no JSON body). */
const responseSchemas = new Map<string, Map<string, Schema | null>>();
const webhookSchemas = new Map<string, Schema | null>();

/**
 * Asks for the response schemas of these operations (by operationId, e.g. `checks/create`) and the
 * payload schemas of these webhooks (`push`, `pull-request-opened`, `issue-comment-created`, ...), so
 * that `validateResponse` and `validateWebhookPayload` can use them. Call it before the first
 * validation to read the description only once.
 */
export function useSchemas(wanted: { readonly responses?: Iterable<string>; readonly webhooks?: Iterable<string> }): void {
  for (const id of wanted.responses ?? []) wantedResponses.add(id);
  for (const name of wanted.webhooks ?? []) wantedWebhooks.add(name);
}

function keepSchemas(spec: { [key: string]: Json }): void {
  const paths = isObject(spec.paths) ? spec.paths : {};
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const op of Object.values(item)) {
      if (!isObject(op) || typeof op.operationId !== "string" || !wantedResponses.has(op.operationId)) continue;
      const byStatus = new Map<string, Schema | null>();
      for (const [status, response] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        const json = isObject(response) && isObject(response.content) ? response.content["application/json"] : undefined;
        byStatus.set(status, isObject(json) && isObject(json.schema) ? json.schema : null);
      }
      responseSchemas.set(op.operationId, byStatus);
    }
  }
  for (const id of wantedResponses) if (!responseSchemas.has(id)) responseSchemas.set(id, new Map());
  const hooks = isObject(spec["x-webhooks"]) ? spec["x-webhooks"] : {};
  for (const name of wantedWebhooks) {
    const post = isObject(hooks[name]) ? hooks[name].post : undefined;
    const body = isObject(post) && isObject(post.requestBody) && isObject(post.requestBody.content) ? post.requestBody.content["application/json"] : undefined;
    webhookSchemas.set(name, isObject(body) && isObject(body.schema) ? body.schema : null);
  }
}

function ensureSchemas(): void {
  const missing = [...wantedResponses].some((id) => !responseSchemas.has(id)) || [...wantedWebhooks].some((name) => !webhookSchemas.has(name));
  if (missing) keepSchemas(readSpec());
}

/**
 * A copy of a schema in which `nullable: true` without a `type` (which ajv refuses; response and
 * webhook schemas have it) becomes "this schema, or null", and a nullable enum accepts null.
 */
function typedNullable(schema: Json): Schema {
  if (Array.isArray(schema)) return schema.map(typedNullable) as unknown as Schema;
  if (!isObject(schema)) return schema as unknown as Schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = key === "enum" || key === "example" || key === "examples" ? value : typedNullable(value);
  if (copy.nullable === true && copy.type === undefined) {
    delete copy.nullable;
    return { anyOf: [copy, { type: "null" }] };
  }
  // GitHub's description writes a nullable enum without null among its values (`conclusion`).
  if (copy.nullable === true && Array.isArray(copy.enum) && !copy.enum.includes(null)) copy.enum = [...copy.enum, null];
  return copy;
}

/**
 * What is wrong with a response body for GitHub's description of the operation's response with
 * that status (an empty list when it matches, or when the description has no JSON schema for it).
 * `operationId` is the id `validateRequest` returned, e.g. `checks/create`.
 */
export function validateResponse(operationId: string, status: number, body: unknown): string[] {
  wantedResponses.add(operationId);
  ensureSchemas();
  const byStatus = responseSchemas.get(operationId);
  if (byStatus === undefined || byStatus.size === 0) return [`no operation ${operationId} in GitHub's description`];
  if (!byStatus.has(String(status))) return [`GitHub's description of ${operationId} has no response ${status}`];
  const schema = byStatus.get(String(status));
  if (schema === null || schema === undefined) return [];
  const fn = validator(`${operationId} response ${status}`, typedNullable(schema), false);
  return fn(body) ? [] : describeErrors("response", fn.errors, body);
}

/**
 * What is wrong with a webhook payload for GitHub's description of the event (`push`,
 * `pull-request-opened`, `issue-comment-created`: the event and action, kebab-case). Empty when it matches.
 */
export function validateWebhookPayload(name: string, payload: unknown): string[] {
  wantedWebhooks.add(name);
  ensureSchemas();
  const schema = webhookSchemas.get(name);
  if (schema === null || schema === undefined) return [`no webhook ${name} in GitHub's description`];
  const fn = validator(`webhook ${name}`, typedNullable(schema), false);
  return fn(payload) ? [] : describeErrors("payload", fn.errors, payload);
}

/** The operation for a method and a URL path (`/repos/o/r/check-runs/5`), or undefined. */
export function findOperation(method: string, urlPath: string): Operation | undefined {
  return resolve(method, urlPath)?.op;
}

/**
 * GitHub's own `link` headers name repositories by id (`/repositories/1296269/issues/7/comments?page=2`),
 * a form the description does not list: such a path is checked as the `/repos/{owner}/{repo}/…` operation.
 */
const BY_ID = /^\/repositories\/(\d+)(\/.*)$/;

function resolve(method: string, urlPath: string): { op: Operation; path: string } | undefined {
  const path = pathOf(urlPath);
  const op = matchOperation(method, path);
  if (op !== undefined) return { op, path };
  const byId = BY_ID.exec(path);
  if (byId === null) return undefined;
  const alias = `/repos/repository-${byId[1] ?? ""}/by-id${byId[2] ?? ""}`;
  const aliased = matchOperation(method, alias);
  return aliased === undefined ? undefined : { op: aliased, path: alias };
}

/** An operation with its template segments compiled: literals compared first, then parameter patterns. */
interface Candidate {
  readonly op: Operation;
  readonly literals: readonly (readonly [number, string])[];
  readonly patterns: readonly (readonly [number, RegExp])[];
}

/** Operations by method and segment count, in the description's order (the first of equally literal templates wins). */
let candidates: Map<string, Candidate[]> | undefined;

function candidatesFor(method: string, count: number): readonly Candidate[] {
  if (candidates === undefined) {
    candidates = new Map();
    for (const op of loadOperations()) {
      const key = `${op.method} ${op.segments.length}`;
      const literals: (readonly [number, string])[] = [];
      const patterns: (readonly [number, RegExp])[] = [];
      op.segments.forEach((segment, i) => {
        if (segment.includes("{")) patterns.push([i, segmentPattern(segment)]);
        else literals.push([i, segment]);
      });
      const list = candidates.get(key) ?? [];
      list.push({ op, literals, patterns });
      candidates.set(key, list);
    }
  }
  return candidates.get(`${method.toUpperCase()} ${count}`) ?? [];
}

function matchOperation(method: string, path: string): Operation | undefined {
  const segments = path.split("/").slice(1);
  let best: Operation | undefined;
  let bestLiterals = -1;
  for (const { op, literals, patterns } of candidatesFor(method, segments.length)) {
    // The most specific template wins: `/repos/{o}/{r}/check-runs/{id}` over a template with more parameters.
    if (literals.length <= bestLiterals) continue;
    if (!literals.every(([i, literal]) => segments[i] === literal)) continue;
    if (!patterns.every(([i, pattern]) => pattern.test(segments[i] ?? ""))) continue;
    best = op;
    bestLiterals = literals.length;
  }
  return best;
}

const segmentPatterns = new Map<string, RegExp>();

/** A template segment (`{owner}`, `{basehead}`, `v{version}.json`) as a regular expression. */
function segmentPattern(templateSegment: string): RegExp {
  let pattern = segmentPatterns.get(templateSegment);
  if (pattern === undefined) {
    const source = templateSegment
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith("{") ? "([^/]+)" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
      .join("");
    pattern = new RegExp(`^${source}$`);
    segmentPatterns.set(templateSegment, pattern);
  }
  return pattern;
}

/** The path of a URL or of a path with a query; GitHub Enterprise's `/api/v3` prefix removed. */
function pathOf(url: string): string {
  const path = new URL(url, "https://api.github.com").pathname;
  return path.startsWith("/api/v3/") ? path.slice("/api/v3".length) : path;
}

/** The values of an operation's path parameters in a URL path (decoded), by name. */
export function pathParams(op: Operation, urlPath: string): ReadonlyMap<string, string> {
  return pathParameters(op, urlPath);
}

function pathParameters(op: Operation, urlPath: string): Map<string, string> {
  const values = new Map<string, string>();
  const segments = pathOf(urlPath).split("/").slice(1);
  op.segments.forEach((templateSegment, i) => {
    const names = [...templateSegment.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
    if (names.length === 0) return;
    const match = segmentPattern(templateSegment).exec(segments[i] ?? "");
    names.forEach((name, j) => values.set(name, decode(match?.[j + 1] ?? "")));
  });
  return values;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

let ajv: InstanceType<typeof Ajv> | undefined;
let coercingAjv: InstanceType<typeof Ajv> | undefined;

function makeAjv(coerce: boolean): InstanceType<typeof Ajv> {
  // `strict: false`: the description uses OpenAPI keywords (`example`, `discriminator`, …) that
  // are not JSON Schema; `nullable` is understood by ajv itself.
  const instance = new Ajv({ strict: false, allErrors: true, coerceTypes: coerce });
  addFormats(instance);
  // Formats of GitHub's description that are not JSON Schema formats: not checked.
  for (const format of ["timestamp", "repo.nwo"]) instance.addFormat(format, true);
  return instance;
}

const compiled = new Map<string, ValidateFunction>();

function validator(key: string, schema: Schema, coerce: boolean): ValidateFunction {
  let fn = compiled.get(key);
  if (fn === undefined) {
    const instance = coerce ? (coercingAjv ??= makeAjv(true)) : (ajv ??= makeAjv(false));
    fn = instance.compile(schema);
    compiled.set(key, fn);
  }
  return fn;
}

function describeErrors(where: string, errors: readonly ErrorObject[] | null | undefined, data: unknown): string[] {
  return (errors ?? []).map((e) => {
    const at = `${where}${e.instancePath}`;
    let detail = e.message ?? e.keyword;
    if (e.keyword === "enum" && Array.isArray(e.params.allowedValues)) detail += `: ${e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(", ")}`;
    if (e.keyword === "additionalProperties") detail += `: ${JSON.stringify(e.params.additionalProperty)}`;
    const got = valueAtPointer(data, e.instancePath);
    const shown = got === undefined ? "" : ` (got ${preview(got)})`;
    return `${at}: ${detail}${shown}`;
  });
}

function valueAtPointer(data: unknown, pointer: string): unknown {
  if (pointer === "") return typeof data === "object" && data !== null ? undefined : data;
  let current = data;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isObject(current)) current = current[key];
    else return undefined;
  }
  if (Array.isArray(current)) return `an array of ${current.length}`;
  if (isObject(current)) return undefined;
  return current;
}

function preview(value: unknown): string {
  if (typeof value === "string" && value.startsWith("an array of ")) return value;
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}…` : json;
}

/**
 * Rules GitHub applies that the description does not encode. Each says where it comes from
 * (`../shared/notes/github-app-facts.md`, sections 4 and 5).
 */
const EXTRA_RULES: Readonly<Record<string, (body: unknown) => string[]>> = {
  "checks/create": (body) => checkRunRules(body, true),
  "checks/update": (body) => checkRunRules(body, false),
  "issues/create-comment": commentRules,
  "issues/update-comment": commentRules,
};

const CHECK_TEXT_MAX_BYTES = 65_535;
const COMMENT_MAX_CHARS = 65_536;

function checkRunRules(body: unknown, create: boolean): string[] {
  const problems: string[] = [];
  if (!isObject(body)) return problems;
  // "Required if you provide completed_at or a status of completed" (the schema of `create` does not say it).
  if (create && (body.status === "completed" || body.completed_at !== undefined) && body.conclusion === undefined) {
    problems.push("body: `conclusion` is required with `completed_at` or `status: completed`");
  }
  const output = body.output;
  if (!isObject(output)) return problems;
  // The server counts bytes: "summary exceeds a maximum bytesize of 65535".
  for (const field of ["summary", "text"]) {
    const value = output[field];
    if (typeof value === "string" && Buffer.byteLength(value, "utf8") > CHECK_TEXT_MAX_BYTES) {
      problems.push(`body/output/${field}: ${Buffer.byteLength(value, "utf8")} bytes; GitHub's limit is ${CHECK_TEXT_MAX_BYTES} bytes`);
    }
  }
  if (!create && output.title === undefined) problems.push("body/output: `title` is required (documented as Required)");
  const annotations = Array.isArray(output.annotations) ? output.annotations : [];
  annotations.forEach((a, i) => {
    if (!isObject(a)) return;
    const at = `body/output/annotations/${i}`;
    const start = a.start_line;
    const end = a.end_line;
    if (typeof start === "number" && start < 1) problems.push(`${at}/start_line: lines start at 1 (got ${start})`);
    if (typeof start === "number" && typeof end === "number" && end < start) problems.push(`${at}/end_line: before start_line (${end} < ${start})`);
    if ((a.start_column !== undefined || a.end_column !== undefined) && start !== end) {
      problems.push(`${at}: start_column/end_column are only allowed when start_line equals end_line`);
    }
    if (typeof a.title === "string" && a.title.length > 255) problems.push(`${at}/title: ${a.title.length} characters; the limit is 255`);
    for (const field of ["message", "raw_details"]) {
      const value = a[field];
      if (typeof value === "string" && Buffer.byteLength(value, "utf8") > 64 * 1024) problems.push(`${at}/${field}: over 64 KB`);
    }
  });
  return problems;
}

function commentRules(body: unknown): string[] {
  if (!isObject(body) || typeof body.body !== "string") return [];
  // "Body is too long (maximum is 65536 characters)".
  return body.body.length > COMMENT_MAX_CHARS ? [`body/body: ${body.body.length} characters; GitHub's limit is ${COMMENT_MAX_CHARS}`] : [];
}

/**
 * Throws an `OpenApiValidationError` unless GitHub's description has an operation for this
 * method and path whose parameters and JSON body the request satisfies. `url` is a path (with an
 * optional query) or a full URL; `body` is the parsed JSON body, or undefined for none.
 */
export function validateRequest(method: string, url: string, body: unknown): Operation {
  const request = `${method.toUpperCase()} ${url}`;
  const resolved = resolve(method, url);
  if (resolved === undefined) throw new OpenApiValidationError(request, [`no operation ${method.toUpperCase()} ${pathOf(url)} in GitHub's description`]);
  const { op, path } = resolved;
  const problems: string[] = [];
  const name = `${request} (${op.operationId}, ${op.template})`;

  // Path parameters, coerced from their text (`check_run_id` must be an integer, …).
  const pathValues = pathParameters(op, path);
  for (const p of op.parameters.filter((q) => q.in === "path")) {
    const value = pathValues.get(p.name);
    const holder = { value };
    const fn = validator(`${op.operationId} path ${p.name}`, { type: "object", properties: { value: p.schema } }, true);
    if (value === undefined || value === "" || !fn(holder)) problems.push(`path parameter {${p.name}}: ${JSON.stringify(value)} is not a valid ${JSON.stringify(p.schema.type ?? "value")}`);
  }

  // Query parameters: only declared ones, each valid for its schema.
  const query = new URL(url, "https://api.github.com").searchParams;
  const declared = op.parameters.filter((p) => p.in === "query");
  const queryObject: Record<string, string> = {};
  for (const [key, value] of query) {
    const clean = key.replace(/\[\]$/, "");
    if (!declared.some((p) => p.name === clean)) problems.push(`query parameter ${JSON.stringify(key)} is not a parameter of ${op.operationId}`);
    else queryObject[clean] = value;
  }
  const querySchema: Schema = {
    type: "object",
    properties: Object.fromEntries(declared.map((p) => [p.name, p.schema.type === "array" ? {} : p.schema])),
    required: declared.filter((p) => p.required).map((p) => p.name),
  };
  const queryFn = validator(`${op.operationId} query`, querySchema, true);
  if (!queryFn({ ...queryObject })) problems.push(...describeErrors("query", queryFn.errors, queryObject));

  // The body.
  const hasBody = body !== undefined && body !== "";
  if (op.body !== undefined) {
    if (!hasBody) {
      if (op.body.required) problems.push("body: required, but the request has none");
    } else {
      const fn = validator(`${op.operationId} body`, op.body.schema, false);
      if (!fn(body)) problems.push(...describeErrors("body", fn.errors, body));
      problems.push(...(EXTRA_RULES[op.operationId]?.(body) ?? []));
    }
  } else if (hasBody && op.otherMediaTypes.length === 0) {
    problems.push(`body: ${op.operationId} takes no request body`);
  }
  if (problems.length > 0) throw new OpenApiValidationError(name, problems);
  return op;
}

/** A request a test sent, as validated. */
export interface SentRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  /** The parsed JSON body, the raw text when it was not JSON, or undefined. */
  readonly body: unknown;
  readonly operationId: string | undefined;
}

const sent: SentRequest[] = [];
const invalid: OpenApiValidationError[] = [];

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Makes every request intercepted by `scope` pass through `validateRequest`. An invalid request
 * is recorded (see `assertRequestsValid`) and fails: nock answers it with the validation error
 * instead of the mocked reply, as GitHub would refuse it.
 */
export function validateScope<S extends nock.Scope>(scope: S): S {
  scope.on("request", (req: ClientRequest, _interceptor: unknown, bodyText: string) => {
    const body = parseBody(bodyText);
    let operationId: string | undefined;
    try {
      operationId = validateRequest(req.method, req.path, body).operationId;
    } catch (error) {
      const failure = error instanceof OpenApiValidationError ? error : new OpenApiValidationError(`${req.method} ${req.path}`, [String(error)]);
      invalid.push(failure);
      req.destroy(failure);
    }
    sent.push({ method: req.method, path: req.path, body, operationId });
  });
  return scope;
}

/**
 * A nock scope for GitHub's API whose every request is validated. nock is loaded here, on first
 * use, not when this module is imported: importing nock patches `globalThis.fetch`, which a
 * process that only validates (the simulated GitHub) must not have.
 */
export function githubApi(basePath = "https://api.github.com", options?: nock.Options): nock.Scope {
  const load = require("nock") as typeof nock;
  return validateScope(load(basePath, options));
}

/** Requests seen by validated scopes since the last `resetRequests()`, in order. */
export function sentRequests(): readonly SentRequest[] {
  return [...sent];
}

export function resetRequests(): void {
  sent.length = 0;
  invalid.length = 0;
}

/**
 * Throws when a validated scope saw a request GitHub would reject since the last call (or
 * `resetRequests()`), then forgets them. Call it in `afterEach`.
 */
export function assertRequestsValid(): void {
  const failures = [...invalid];
  resetRequests();
  if (failures.length > 0) {
    throw new Error(`${failures.length} request(s) GitHub would reject:\n${failures.map((f) => f.message).join("\n")}`);
  }
}
