/**
 * Authentication as GitHub does it for an app: the app's JWT (RS256, signed with the app's private
 * key, checked with its public key) for `/app` routes, installation tokens (`ghs_…`, one hour) for
 * everything else.
 */
import crypto from "node:crypto";

export type Credential =
  | { readonly kind: "app" }
  | { readonly kind: "installation"; readonly installationId: number; readonly token: string }
  | { readonly kind: "none" }
  | { readonly kind: "invalid"; readonly message: string };

interface IssuedToken {
  readonly installationId: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

const TOKEN_MS = 60 * 60 * 1000;
/** GitHub refuses a JWT whose `exp` is more than ten minutes after `iat` (a minute of drift allowed here). */
const JWT_MAX_SECONDS = 11 * 60;

function base64url(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  return Buffer.from(text, "base64url");
}

function parseJson(buffer: Buffer | null): Record<string, unknown> | null {
  if (buffer === null) return null;
  try {
    const value: unknown = JSON.parse(buffer.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class Auth {
  readonly #appId: number;
  readonly #clientId: string;
  readonly #publicKey: crypto.KeyObject;
  readonly #tokens = new Map<string, IssuedToken>();

  constructor(options: { readonly appId: number; readonly clientId: string; readonly publicKey: crypto.KeyObject }) {
    this.#appId = options.appId;
    this.#clientId = options.clientId;
    this.#publicKey = options.publicKey;
  }

  /** Who the `authorization` header says is calling. */
  identify(header: string | undefined): Credential {
    if (header === undefined || header.trim() === "") return { kind: "none" };
    const match = /^(bearer|token)\s+(\S+)$/i.exec(header.trim());
    if (match === null) return { kind: "invalid", message: "Bad credentials" };
    const secret = match[2] ?? "";
    const token = this.#tokens.get(secret);
    if (token !== undefined) {
      if (token.expiresAt <= Date.now()) return { kind: "invalid", message: "Bad credentials" };
      return { kind: "installation", installationId: token.installationId, token: secret };
    }
    if (secret.split(".").length === 3) return this.#verifyJwt(secret);
    return { kind: "invalid", message: "Bad credentials" };
  }

  #verifyJwt(jwt: string): Credential {
    const [h = "", p = "", s = ""] = jwt.split(".");
    const header = parseJson(base64url(h));
    const payload = parseJson(base64url(p));
    const signature = base64url(s);
    if (header === null || payload === null || signature === null) return { kind: "invalid", message: "A JSON web token could not be decoded" };
    if (header.alg !== "RS256") return { kind: "invalid", message: "A JSON web token could not be decoded" };
    const valid = crypto.verify("RSA-SHA256", Buffer.from(`${h}.${p}`), this.#publicKey, signature);
    if (!valid) return { kind: "invalid", message: "A JSON web token could not be decoded" };
    if (String(payload.iss) !== String(this.#appId) && payload.iss !== this.#clientId) {
      return { kind: "invalid", message: "'Issuer' claim ('iss') must be an Integer" };
    }
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = payload;
    if (typeof iat !== "number" || !Number.isInteger(iat) || iat > now + 60) {
      return { kind: "invalid", message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued." };
    }
    if (typeof exp !== "number" || !Number.isInteger(exp) || exp <= now) {
      return { kind: "invalid", message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires." };
    }
    if (exp - iat > JWT_MAX_SECONDS) return { kind: "invalid", message: "'Expiration time' claim ('exp') is too far in the future." };
    return { kind: "app" };
  }

  /** A new installation token (valid one hour). */
  issue(installationId: number): { token: string; expiresAt: string } {
    const token = `ghs_${crypto.randomBytes(27).toString("base64url").replace(/[-_]/g, "x").slice(0, 36)}`;
    const expiresAt = Date.now() + TOKEN_MS;
    this.#tokens.set(token, { installationId, expiresAt });
    return { token, expiresAt: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z") };
  }

  /** Makes every issued token expired: the next request with one gets 401 "Bad credentials". */
  expireTokens(): void {
    for (const token of this.#tokens.values()) token.expiresAt = 0;
  }

  get issuedTokens(): number {
    return this.#tokens.size;
  }
}
