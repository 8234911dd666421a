/**
 * The HTTP side of the simulator: a Node server on 127.0.0.1 (random port) answering the REST API
 * under `/api/v3` (GitHub Enterprise Server's prefix, what Probot uses with GHE_HOST) and at `/`.
 *
 * Each request, in GitHub's order: the operation is found by method and path in GitHub's OpenAPI
 * description (unknown: 404); the request is validated against it (recorded when invalid); the
 * credential is checked (401); the primary rate limit is charged (`x-ratelimit-*` on every
 * response; a spent budget gets 403 when enforced); an invalid request gets 422; a hold keeps it until
 * released; injected faults apply (5xx, secondary rate limits); then the
 * operation's handler answers, after the configured latency. Every request is logged.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { findOperation, OpenApiValidationError, pathParams, validateRequest, validateResponse } from "../openapi.js";
import type { Faults } from "./faults.js";
import { SECONDARY_RATE_LIMIT_MESSAGE } from "./faults.js";
import type { RequestEntry, RequestLog } from "./request-log.js";
import { APP_OPERATIONS, errorReply, HANDLERS, notFound, type Reply, type SimContext } from "./routes.js";

export interface ServerDeps {
  readonly ctx: () => SimContext;
  readonly log: RequestLog;
  readonly faults: Faults;
  readonly validateResponses: boolean;
  /** Repository by id, for GitHub's `/repositories/{id}/…` links. */
  readonly repoById: (id: number) => { owner: string; name: string } | undefined;
  readonly onRequest: (entry: RequestEntry) => void;
}

const MAX_BODY_BYTES = 50 * 1024 * 1024;
const CONTENTS_PATH = /^(\/repos\/[^/]+\/[^/]+\/contents\/)(.+)$/;
const BY_ID = /^\/repositories\/(\d+)(\/.*)?$/;

function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class SimServer {
  readonly #deps: ServerDeps;
  readonly #server: http.Server;
  #origin = "";

  constructor(deps: ServerDeps) {
    this.#deps = deps;
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
          res.end(JSON.stringify({ message: `simulator error: ${error instanceof Error ? error.message : String(error)}` }));
        } else res.destroy();
      });
    });
    this.#server.keepAliveTimeout = 60_000;
  }

  /** Listens on 127.0.0.1 (a random port unless given); resolves with the origin, `http://127.0.0.1:<port>`. */
  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, "127.0.0.1", () => resolve());
    });
    const address = this.#server.address() as AddressInfo;
    this.#origin = `http://127.0.0.1:${address.port}`;
    return this.#origin;
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const time = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", this.#origin || "http://127.0.0.1");
    let path = url.pathname;
    const prefix = path === "/api/v3" || path.startsWith("/api/v3/") ? "/api/v3" : "";
    path = path.slice(prefix.length) || "/";
    const byId = BY_ID.exec(path);
    if (byId !== null) {
      const repo = this.#deps.repoById(Number(byId[1]));
      if (repo !== undefined) path = `/repos/${repo.owner}/${repo.name}${byId[2] ?? ""}`;
    }
    // A contents path may come with its slashes unencoded: one path parameter all the same.
    const contents = CONTENTS_PATH.exec(path);
    if (contents !== null && (contents[2] ?? "").includes("/")) path = `${contents[1]}${encodeURIComponent(decodeURIComponent(contents[2] ?? ""))}`;
    const pathAndQuery = `${path}${url.search}`;
    const ctx = this.#deps.ctx();
    const credential = ctx.auth.identify(req.headers.authorization);
    const installationId = credential.kind === "installation" ? credential.installationId : null;
    const deliveryHeader = req.headers["x-github-delivery"];
    const deliveryId = typeof deliveryHeader === "string" ? deliveryHeader : null;

    const raw = await readBody(req);
    const op = findOperation(method, pathAndQuery);
    const route = op !== undefined ? `${method} ${op.template}` : `${method} ${path}`;
    let reply: Reply;
    let fault: RequestEntry["fault"] = null;
    // Every response carries the caller's rate-limit headers (GitHub's unauthenticated budget is 60 an hour).
    const bucket = installationId !== null ? `installation:${installationId}` : credential.kind === "app" ? "app" : "anonymous";
    const charge = this.#deps.faults.charge(bucket, bucket === "anonymous" ? 60 : undefined);
    const rateHeaders = charge.headers;
    let implemented = false;

    const finish = async (): Promise<void> => {
      if (this.#deps.faults.latencyMs > 0) await sleep(this.#deps.faults.latencyMs);
      this.#send(res, reply, rateHeaders, op?.operationId ?? null, route);
      const entry: RequestEntry = {
        seq: this.#deps.log.nextSeq(),
        method,
        route,
        operationId: op?.operationId ?? null,
        implemented,
        path: pathAndQuery,
        status: reply.status,
        time,
        durationMs: performance.now() - started,
        installationId,
        auth: credential.kind,
        fault,
        deliveryId,
      };
      this.#deps.log.add(entry);
      this.#deps.onRequest(entry);
    };

    if (op === undefined) {
      reply = notFound();
      return finish();
    }
    implemented = HANDLERS[op.operationId] !== undefined;
    if (raw === null) {
      reply = errorReply(413, "Request body too large");
      return finish();
    }
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        reply = errorReply(400, "Problems parsing JSON");
        return finish();
      }
    }
    let problems: readonly string[] = [];
    try {
      validateRequest(method, pathAndQuery, body);
    } catch (error) {
      problems = error instanceof OpenApiValidationError ? error.problems : [String(error)];
      this.#deps.log.invalidRequests.push({ method, path: pathAndQuery, operationId: op.operationId, body, problems });
    }

    const wantsApp = APP_OPERATIONS.has(op.operationId);
    if (credential.kind === "none") {
      reply = errorReply(401, "Requires authentication");
      return finish();
    }
    if (credential.kind === "invalid") {
      reply = errorReply(401, credential.message);
      return finish();
    }
    if (wantsApp && credential.kind !== "app") {
      reply = errorReply(401, "A JSON web token could not be decoded");
      return finish();
    }
    if (!wantsApp && credential.kind === "app") {
      reply = errorReply(401, "A JSON web token could not be used to access this endpoint; use an installation access token");
      return finish();
    }

    if (charge.exceeded) {
      fault = "primary-rate-limit";
      reply = errorReply(403, `API rate limit exceeded for ${installationId !== null ? `installation ID ${installationId}` : "the app"}.`);
      return finish();
    }
    if (problems.length > 0) {
      reply = errorReply(422, `Invalid request.\n\n${problems.join("\n")}`);
      return finish();
    }

    await this.#deps.faults.gate(method, route, path);
    const rule = this.#deps.faults.take(method, route, path);
    if (rule?.kind === "secondary-rate-limit") {
      fault = "secondary-rate-limit";
      const requestId = crypto.randomBytes(8).toString("hex").toUpperCase();
      const error = errorReply(rule.status, `${SECONDARY_RATE_LIMIT_MESSAGE} ${requestId}.`);
      reply = {
        ...error,
        json: { ...(error.json as object), documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits" },
        headers: rule.retryAfter !== undefined ? { "retry-after": String(rule.retryAfter) } : {},
      };
      return finish();
    }
    const handler = HANDLERS[op.operationId];
    if (rule?.kind === "server-error" && !rule.afterEffect) {
      fault = "server-error";
      reply = serverError(rule.status);
      return finish();
    }
    if (handler === undefined) {
      reply = notFound();
      return finish();
    }
    reply = await handler(ctx, {
      method,
      operationId: op.operationId,
      params: pathParams(op, path),
      query: url.searchParams,
      body,
      headers: req.headers,
      credential,
      linkBase: `${this.#origin}${prefix}`,
    });
    if (rule?.kind === "server-error") {
      fault = "server-error";
      reply = serverError(rule.status);
    }
    return finish();
  }

  #send(res: http.ServerResponse, reply: Reply, rateHeaders: Record<string, string>, operationId: string | null, route: string): void {
    let payload: Buffer | string;
    let contentType: string;
    if (reply.body !== undefined) {
      payload = reply.body;
      contentType = reply.contentType ?? "application/json; charset=utf-8";
    } else if (reply.json !== undefined) {
      payload = JSON.stringify(reply.json);
      contentType = "application/json; charset=utf-8";
    } else {
      payload = "";
      contentType = "";
    }
    if (this.#deps.validateResponses && operationId !== null && contentType.startsWith("application/json") && reply.status < 300) {
      const value: unknown = reply.json !== undefined ? reply.json : JSON.parse(payload.toString());
      let problems: readonly string[];
      try {
        problems = validateResponse(operationId, reply.status, value);
      } catch (error) {
        problems = [`the response could not be validated: ${error instanceof Error ? error.message : String(error)}`];
      }
      if (problems.length > 0) this.#deps.log.invalidResponses.push({ route, status: reply.status, problems });
    }
    const headers: Record<string, string> = {
      "x-github-request-id": crypto.randomBytes(8).toString("hex").toUpperCase(),
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      ...rateHeaders,
      ...(reply.headers ?? {}),
    };
    if (contentType !== "") headers["content-type"] = contentType;
    headers["content-length"] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(payload);
  }
}

function serverError(status: number): Reply {
  const messages: Record<number, string> = { 500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" };
  return errorReply(status, messages[status] ?? "Server Error");
}
