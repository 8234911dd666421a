/**
 * The independent high-signal scan: secretlint's recommended preset, in process, over one file,
 * reduced to what can be said without the secret: where, which rule, and the SHA-1 detect-secrets
 * would store for it (its `hashed_secret`), so a hit can be matched against baseline entries.
 * The secret itself never leaves this module: only its hash and a mask do.
 */
import { createHash } from "node:crypto";
import { lintSource } from "@secretlint/core";
import { secretLintProfiler } from "@secretlint/profiler";
import { creator as recommendPreset } from "@secretlint/secretlint-rule-preset-recommend";

// secretlint's core marks every rule of every scanned file on its process-wide profiler, which keeps
// each mark forever (in its own arrays and in Node's performance timeline) and searches them all on
// each new mark: in the app, a long-running process, memory then grows without bound and every
// audit gets slower than the one before (measured by the app benchmark). phase-gate never reads the
// profile, so marking is turned off, once, for the process.
secretLintProfiler.mark = (): void => undefined;

export interface SecretHit {
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  /** secretlint rule, short (`aws`, `privatekey`, `github`, …). */
  readonly rule: string;
  readonly ruleMessageId: string;
  /** The detect-secrets `type` that covers the same secret, when it has one. */
  readonly detectSecretsType: string | null;
  /** SHA-1 of what detect-secrets hashes for this secret (first), then of the whole match. */
  readonly hashes: readonly string[];
  /** e.g. `AKIA…RS5T (20 chars)`: enough to find it, not enough to use it. */
  readonly mask: string;
}

const PRESET_ID = "@secretlint/secretlint-rule-preset-recommend";
const RULE_PREFIX = "@secretlint/secretlint-rule-";

const CONFIG = {
  rules: [
    {
      id: PRESET_ID,
      rule: recommendPreset,
      rules: [
        // Access key ids are off by default in secretlint; gitleaks and detect-secrets report them.
        // `…EXAMPLE` ids are AWS's documentation keys (gitleaks' allowlist `.+EXAMPLE$`).
        { id: `${RULE_PREFIX}aws`, options: { enableIDScanRule: true, allows: ["/EXAMPLE$/"] } },
      ],
    },
  ],
};

const DETECT_SECRETS_TYPES: Readonly<Record<string, string>> = {
  aws: "AWS Access Key",
  privatekey: "Private Key",
  github: "GitHub Token",
  slack: "Slack Token",
  npm: "NPM tokens",
  openai: "OpenAI Token",
  gitlab: "GitLab Token",
  sendgrid: "SendGrid API Key",
  basicauth: "Basic Auth Credentials",
  "database-connection-string": "Basic Auth Credentials",
};

/** detect-secrets' `PrivateKeyDetector` denylist: the matched marker is what it hashes. */
export const PRIVATE_KEY_MARKERS: readonly string[] = [
  "BEGIN DSA PRIVATE KEY",
  "BEGIN EC PRIVATE KEY",
  "BEGIN OPENSSH PRIVATE KEY",
  "BEGIN PGP PRIVATE KEY BLOCK",
  "BEGIN PRIVATE KEY",
  "BEGIN RSA PRIVATE KEY",
  "BEGIN SSH2 ENCRYPTED PRIVATE KEY",
  "PuTTY-User-Key-File-2",
];

/** secretlint's AWS secret-key pattern; its reported range starts at the key name, so re-match for the value. */
const AWS_SECRET = /["']?(?:AWS|aws|Aws)?_?(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})/y;

/** detect-secrets `BasicAuthDetector`: the password between `user:` and `@`. */
const RESERVED = String.raw`:/?#\[\]@!$&'()*+,;=`;
const BASIC_AUTH = new RegExp(String.raw`://[^${RESERVED}\s]+:([^${RESERVED}\s]+)@`);
const URL_PARTS = /^[a-z][a-z0-9+.-]*:\/\/([^:@/\s]*):([^@\s]*)@([^/:?#\s]*)/i;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal"]);
const PLACEHOLDER_PASSWORDS = new Set([
  "password", "passwd", "pass", "secret", "changeme", "change_me", "example", "test", "testing", "postgres",
  "root", "admin", "guest", "user", "mysql", "redis", "dev", "development", "local", "dummy", "fake", "sample",
  "placeholder", "foo", "bar", "foobar", "xxx", "pwd", "mypassword", "yourpassword", "your_password",
]);

export function sha1(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}

/** Shannon entropy in bits per character (gitleaks' `entropy` for AWS ids is ≥ 3). */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A mask that shows at most a (usually public) 4-character prefix of a long token, and the length. */
export function maskSecret(secret: string, showPrefix = true): string {
  const n = [...secret].length;
  if (n < 20 || !showPrefix) return `${"*".repeat(8)}, ${n} chars`;
  return `${[...secret].slice(0, 4).join("")}${"*".repeat(8)}, ${n} chars`;
}

/** A connection string whose credentials are a local default or a placeholder, not a secret. */
function isPlaceholderCredential(match: string): boolean {
  const m = URL_PARTS.exec(match);
  if (!m) return false;
  const user = decodeURIComponentSafe(m[1] as string);
  const password = decodeURIComponentSafe(m[2] as string);
  const host = (m[3] as string).toLowerCase();
  if (password === "" || LOCAL_HOSTS.has(host)) return true;
  // Templates and documentation: `${PASS}`, `{{ pass }}`, `<password>`, `\(.pw)`, `[:password]`, `%(pw)s`.
  if (/[$%{}<>()[\]\\]|^\*+$|^x+$/i.test(password)) return true;
  return password === user || PLACEHOLDER_PASSWORDS.has(password.toLowerCase());
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * detect-secrets' inline allowlist: `pragma: allowlist secret` on the line, or `pragma: allowlist
 * nextline secret` alone above it. detect-secrets writes the comment part as
 * `(?:#|//|/\*|'|--|<!--[# \t]*?)[ \t]* *`; these are the same languages with one quantifier per
 * run of blanks, because three adjacent quantifiers over the same blanks backtrack in cubic time on
 * a hostile line (`<!--` and 6,000 spaces took 99 seconds).
 */
const ALLOWLIST_COMMENT = String.raw`(?:(?:#|//|/\*|'|--)[ \t]*|<!--[# \t]*)`;
const ALLOWLIST_SAME = new RegExp(String.raw`${ALLOWLIST_COMMENT}pragma: ?(?:allow|white)list[ -]secret`);
const ALLOWLIST_NEXT = new RegExp(String.raw`^[ \t]*${ALLOWLIST_COMMENT}pragma: ?allowlist[ -]nextline[ -]secret`);
const ALLOWLIST_SAME_YAML = /#[ \t]*pragma: ?(?:allow|white)list[ -]secret/;
const ALLOWLIST_NEXT_YAML = /^[ \t]*#[ \t]*pragma: ?allowlist[ -]nextline[ -]secret/;

export function isAllowlistedLine(path: string, lines: readonly string[], line: number): boolean {
  const yaml = /\.yaml$/i.test(path);
  const here = lines[line - 1] ?? "";
  const above = lines[line - 2] ?? "";
  return (yaml ? ALLOWLIST_SAME_YAML : ALLOWLIST_SAME).test(here) || (yaml ? ALLOWLIST_NEXT_YAML : ALLOWLIST_NEXT).test(above);
}

function extOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot) : "";
}

/**
 * Scans one file. The secret is read from the range secretlint reports and immediately reduced to
 * hashes and a mask.
 */
export async function scanText(path: string, content: string): Promise<SecretHit[]> {
  const result = await lintSource({
    source: { filePath: `/${path}`, content, ext: extOf(path), contentType: "text" },
    options: { maskSecrets: true, config: CONFIG, noPhysicFilePath: true },
  });
  const hits: SecretHit[] = [];
  let lines: string[] | undefined;
  for (const m of result.messages) {
    if (m.type !== "message") continue;
    const rule = m.ruleId.startsWith(RULE_PREFIX) ? m.ruleId.slice(RULE_PREFIX.length) : m.ruleId;
    // Account ids are identifiers, not credentials.
    if (rule === "aws" && m.messageId === "AWSAccountID") continue;
    const [start, end] = m.range;
    const match = content.slice(start, end);
    let secret = match;
    if (rule === "aws" && m.messageId === "AWSSecretAccessKey") {
      AWS_SECRET.lastIndex = start;
      secret = AWS_SECRET.exec(content)?.[1] ?? match;
    } else if (rule === "aws" && m.messageId === "AWSAccessKeyID") {
      if (shannonEntropy(match) < 3) continue;
    } else if (rule === "privatekey") {
      secret = PRIVATE_KEY_MARKERS.find((k) => match.includes(k)) ?? /BEGIN[ A-Z0-9_-]*PRIVATE KEY(?: BLOCK)?/.exec(match)?.[0] ?? match;
    } else if (rule === "basicauth" || rule === "database-connection-string") {
      if (isPlaceholderCredential(match)) continue;
      secret = BASIC_AUTH.exec(match)?.[1] ?? match;
    }
    const line = m.loc.start.line;
    lines ??= content.split(/\r?\n/);
    if (isAllowlistedLine(path, lines, line)) continue;
    const hashes = [...new Set([sha1(secret), sha1(match)])];
    // The same secret twice on one line is one finding.
    if (hits.some((h) => h.line === line && h.hashes[0] === hashes[0])) continue;
    // A private key's hashed marker is not secret; every other value is masked.
    const mask = rule === "privatekey" ? `-----${secret}-----` : maskSecret(secret, rule !== "basicauth" && rule !== "database-connection-string");
    hits.push({ path, line, rule, ruleMessageId: m.messageId, detectSecretsType: DETECT_SECRETS_TYPES[rule] ?? null, hashes, mask });
  }
  return hits;
}
