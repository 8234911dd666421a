/**
 * The app's JSON Web Token, signed once and used until it is close to expiring.
 *
 * auth-app signs a new JWT for every installation token it asks GitHub for, twice in fact (its
 * request hook signs another for the `…/access_tokens` call it makes itself), and its signer
 * parses the PEM key each time: with many installations that was 7 % of the app's CPU under load
 * (app benchmark, CPU profile). A JWT identifies the app, not an installation, and GitHub accepts
 * the same one for up to ten minutes, so one is enough for every installation. auth-app takes a
 * `createJwt` in place of `privateKey` for that (`octokit.ts` passes it).
 *
 * Claims as GitHub documents them: `iat` a minute in the past (clock drift), `exp` ten minutes
 * after `iat`, `iss` the app id; RS256. A JWT is signed again when fewer than RENEW_BEFORE_S
 * seconds remain, and whenever auth-app asks with a time difference: GitHub refused a JWT and
 * auth-app measured GitHub's clock minus ours from the answer's `Date`. That difference is kept
 * and used from then on, for the claims and for when to renew, so a clock that is off by more than
 * the minute of backdating costs one refused request, not one every few minutes (a later
 * difference replaces it: a clock put right is refused once more, then measured again).
 */
import crypto from "node:crypto";

/** Seconds `iat` is set in the past. */
export const BACKDATE_S = 60;
/** GitHub's maximum: `exp` at most ten minutes after `iat`. */
export const LIFETIME_S = 10 * 60;
/** A kept JWT is not handed out with less than this many seconds left. */
export const RENEW_BEFORE_S = 2 * 60;

export type CreateJwt = (appId: number | string, timeDifference?: number) => Promise<{ jwt: string; expiresAt: string }>;

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
const HEADER = base64url({ alg: "RS256", typ: "JWT" });

/**
 * A `createJwt` for auth-app that signs with `privateKey` (PEM, PKCS#1 or PKCS#8; `\n` escaped as
 * in an environment variable is accepted, as Probot accepts it). The key is parsed on first use,
 * so a bad key fails the first request that needs it, as it did with auth-app's own signer.
 */
export function jwtSigner(privateKey: string, now: () => number = Date.now): CreateJwt {
  let key: crypto.KeyObject | undefined;
  let kept: { readonly appId: string; readonly jwt: string; readonly iat: number; readonly exp: number } | undefined;
  /** GitHub's clock minus ours, in seconds, as auth-app last measured it. */
  let skew = 0;
  return async (appId, difference) => {
    // Any time difference (0 included) is auth-app retrying after GitHub refused a JWT: sign anew, on GitHub's clock.
    if (difference !== undefined) {
      kept = undefined;
      skew = difference;
    }
    const githubS = Math.floor(now() / 1000) + skew;
    // A clock that went back since the kept one was signed would make its `iat` a future time.
    if (kept !== undefined && kept.appId === String(appId) && kept.exp - githubS >= RENEW_BEFORE_S && githubS >= kept.iat + BACKDATE_S) {
      return { jwt: kept.jwt, expiresAt: new Date(kept.exp * 1000).toISOString() };
    }
    key ??= crypto.createPrivateKey(privateKey.replace(/\\n/g, "\n"));
    const iat = githubS - BACKDATE_S;
    const exp = iat + LIFETIME_S;
    const body = `${HEADER}.${base64url({ iat, exp, iss: appId })}`;
    const jwt = `${body}.${crypto.sign("sha256", Buffer.from(body), key).toString("base64url")}`;
    kept = { appId: String(appId), jwt, iat, exp };
    return { jwt, expiresAt: new Date(exp * 1000).toISOString() };
  };
}
