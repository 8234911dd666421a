/**
 * Webhook deliveries as GitHub sends them to an app: a JSON POST with `X-GitHub-Event`,
 * `X-GitHub-Delivery` (a GUID, the same on a redelivery), `X-GitHub-Hook-ID`,
 * `X-GitHub-Hook-Installation-Target-Type: integration` and `-ID: <app id>`, `X-Hub-Signature-256`
 * (`sha256=` + HMAC-SHA256 hex of the raw body with the webhook secret) and the older SHA-1
 * `X-Hub-Signature`, and `User-Agent: GitHub-Hookshot/…`.
 */
import crypto from "node:crypto";
import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";

/** `sha256=<hex>`: what GitHub sends in `X-Hub-Signature-256`. */
export function signature256(secret: string, body: string | Buffer): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** `sha1=<hex>`: the legacy `X-Hub-Signature`. */
export function signature1(secret: string, body: string | Buffer): string {
  return `sha1=${crypto.createHmac("sha1", secret).update(body).digest("hex")}`;
}

export interface DeliverOptions {
  /** The event name (`push`, `pull_request`, `issue_comment`); the action is in the payload. */
  readonly event: string;
  /** The payload (serialised like GitHub, compact JSON), or the raw body to send as is. */
  readonly payload: object | string;
  /** `X-GitHub-Delivery`; a new GUID when absent (pass an earlier one to redeliver). */
  readonly id?: string;
  /** Signs with this secret instead of the simulator's (a wrong one makes a bad signature); null sends no signature. */
  readonly secret?: string | null;
  /** Extra or replaced headers (lower-case names). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds before the delivery counts as failed, like GitHub's 10 s (default 10 000). */
  readonly timeoutMs?: number;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly event: string;
  readonly action: string | null;
  readonly url: string;
  /** The app's HTTP status; 0 when it did not answer (connection error or timeout). */
  readonly status: number;
  readonly body: string;
  /** Epoch milliseconds when sent, `performance.now()` when sent, milliseconds to the answer. */
  readonly sentAt: number;
  readonly sentAtMs: number;
  readonly ms: number;
  readonly error: string | null;
}

export interface HookIdentity {
  readonly secret: string;
  readonly appId: number;
  readonly hookId: number;
  /** Connections kept alive between deliveries (destroy it when done). */
  readonly agent?: http.Agent;
}

/** Sends one delivery and resolves with what the app answered (never rejects). */
export function deliver(url: string, options: DeliverOptions, hook: HookIdentity): Promise<DeliveryRecord> {
  const body = typeof options.payload === "string" ? options.payload : JSON.stringify(options.payload);
  const id = options.id ?? crypto.randomUUID();
  const secret = options.secret === undefined ? hook.secret : options.secret;
  const action = typeof options.payload === "object" && "action" in options.payload && typeof options.payload.action === "string" ? options.payload.action : null;
  const headers: Record<string, string> = {
    accept: "*/*",
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/8e03811",
    "x-github-event": options.event,
    "x-github-delivery": id,
    "x-github-hook-id": String(hook.hookId),
    "x-github-hook-installation-target-type": "integration",
    "x-github-hook-installation-target-id": String(hook.appId),
    ...(secret !== null ? { "x-hub-signature": signature1(secret, body), "x-hub-signature-256": signature256(secret, body) } : {}),
    ...(options.headers ?? {}),
  };
  headers["content-length"] = String(Buffer.byteLength(body));
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  const sentAt = Date.now();
  const sentAtMs = performance.now();
  const done = (status: number, text: string, error: string | null): DeliveryRecord => ({
    id,
    event: options.event,
    action,
    url,
    status,
    body: text,
    sentAt,
    sentAtMs,
    ms: performance.now() - sentAtMs,
    error,
  });
  return new Promise((resolve) => {
    const send = (retried: boolean): void => {
      let answered = false;
      const request = transport.request(
        target,
        { method: "POST", headers, ...(hook.agent !== undefined && target.protocol === "http:" ? { agent: hook.agent } : {}), timeout: options.timeoutMs ?? 10_000 },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve(done(response.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), null)));
          response.on("error", (error) => resolve(done(response.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), error.message)));
        },
      );
      request.on("timeout", () => request.destroy(new Error("timed out")));
      request.on("error", (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the app's server closed while idle (its keep-alive timeout) fails
        // the next request before any answer: that request never reached the app, so send it again
        // on a new connection, once (what Node's docs advise for `request.reusedSocket`).
        if (!retried && !answered && request.reusedSocket && error.code === "ECONNRESET") send(true);
        else resolve(done(0, "", error.message));
      });
      request.end(body);
    };
    send(false);
  });
}
