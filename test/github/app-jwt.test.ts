import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { BACKDATE_S, jwtSigner, LIFETIME_S, RENEW_BEFORE_S } from "../../src/github/app-jwt.js";

/** The app's JWT: GitHub's claims, RS256 under the app's key, signed once and kept until close to expiring. */

const pair = crypto.generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
});
const T0 = 1_800_000_000;

function decode(jwt: string): { header: unknown; claims: { iat: number; exp: number; iss: unknown }; valid: boolean } {
  const [h = "", p = "", s = ""] = jwt.split(".");
  return {
    header: JSON.parse(Buffer.from(h, "base64url").toString()),
    claims: JSON.parse(Buffer.from(p, "base64url").toString()),
    valid: crypto.verify("sha256", Buffer.from(`${h}.${p}`), pair.publicKey, Buffer.from(s, "base64url")),
  };
}

describe("jwtSigner", () => {
  it("signs GitHub's claims with RS256 under the app's key", async () => {
    const sign = jwtSigner(pair.privateKey, () => T0 * 1000 + 400);
    const { jwt, expiresAt } = await sign(123);
    const { header, claims, valid } = decode(jwt);
    expect(valid).toBe(true);
    expect(header).toEqual({ alg: "RS256", typ: "JWT" });
    expect(claims).toEqual({ iat: T0 - BACKDATE_S, exp: T0 - BACKDATE_S + LIFETIME_S, iss: 123 });
    expect(LIFETIME_S).toBeLessThanOrEqual(600); // GitHub refuses more than ten minutes
    expect(expiresAt).toBe(new Date((T0 - BACKDATE_S + LIFETIME_S) * 1000).toISOString());
  });

  it("hands out the same JWT until fewer than RENEW_BEFORE_S seconds remain, then signs a new one", async () => {
    let now = T0 * 1000;
    const sign = jwtSigner(pair.privateKey, () => now);
    const first = (await sign(123)).jwt;
    const lastKept = T0 - BACKDATE_S + LIFETIME_S - RENEW_BEFORE_S;
    now = lastKept * 1000;
    expect((await sign(123)).jwt).toBe(first);
    now = (lastKept + 1) * 1000;
    const second = (await sign(123)).jwt;
    expect(second).not.toBe(first);
    expect(decode(second).claims.iat).toBe(lastKept + 1 - BACKDATE_S);
  });

  it("signs again for another app id", async () => {
    const sign = jwtSigner(pair.privateKey, () => T0 * 1000);
    const first = (await sign(123)).jwt;
    const other = (await sign("Iv1.abc")).jwt;
    expect(decode(other).claims.iss).toBe("Iv1.abc");
    expect(other).not.toBe(first);
  });

  it("keeps the time difference auth-app measured: later JWTs are on GitHub's clock, and renewed by it", async () => {
    // Our clock is 200 s behind GitHub's: more than the minute of backdating.
    let now = T0 * 1000;
    const sign = jwtSigner(pair.privateKey, () => now);
    const local = (await sign(123)).jwt;
    const skewed = (await sign(123, 200)).jwt;
    expect(skewed).not.toBe(local);
    expect(decode(skewed).claims.iat).toBe(T0 + 200 - BACKDATE_S);
    // Kept, and handed out without a difference from then on.
    expect((await sign(123)).jwt).toBe(skewed);
    // Renewed when fewer than RENEW_BEFORE_S seconds remain on GitHub's clock (on ours it would be 200 s later).
    const lastKept = T0 - BACKDATE_S + LIFETIME_S - RENEW_BEFORE_S;
    now = lastKept * 1000;
    expect((await sign(123)).jwt).toBe(skewed);
    now = (lastKept + 1) * 1000;
    const renewed = (await sign(123)).jwt;
    expect(renewed).not.toBe(skewed);
    expect(decode(renewed).claims.iat).toBe(lastKept + 1 + 200 - BACKDATE_S);
    // A clock put right is measured again: the new difference replaces the old one.
    const corrected = (await sign(123, 0)).jwt;
    expect(decode(corrected).claims.iat).toBe(lastKept + 1 - BACKDATE_S);
    expect((await sign(123)).jwt).toBe(corrected);
  });

  it("signs anew when auth-app retries with any time difference, 0 included, and when the clock went back", async () => {
    let now = T0 * 1000;
    const sign = jwtSigner(pair.privateKey, () => now);
    const first = (await sign(123)).jwt;
    now += 5_000;
    const retried = (await sign(123, 0)).jwt;
    expect(retried).not.toBe(first);
    const kept = (await sign(123)).jwt;
    now -= 300_000;
    const afterStep = (await sign(123)).jwt;
    expect(afterStep).not.toBe(kept);
    expect(decode(afterStep).claims.iat).toBe(T0 + 5 - 300 - BACKDATE_S);
  });

  it("takes PKCS#8 and a key whose line breaks are escaped, as an environment variable holds it", async () => {
    const pkcs8 = crypto.createPrivateKey(pair.privateKey).export({ type: "pkcs8", format: "pem" }).toString();
    for (const key of [pkcs8, pair.privateKey.replace(/\n/g, "\\n")]) {
      expect(decode((await jwtSigner(key, () => T0 * 1000)(1)).jwt).valid).toBe(true);
    }
  });

  it("fails on first use, not before, when the key is not a key", async () => {
    const sign = jwtSigner("not a key");
    await expect(sign(1)).rejects.toThrow();
  });
});
