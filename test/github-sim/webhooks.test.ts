import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { createNodeMiddleware, Probot } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { commitAll, git, makeGitRepo, removeDir, writeFiles } from "../support/git-fixture.js";
import { GitHubSim, SIM_WEBHOOKS, ZERO_SHA } from "../support/github-sim/index.js";
import { validateWebhookPayload } from "../support/openapi.js";

/** Webhook deliveries of the simulator: signed like GitHub, accepted by Probot, payloads valid and made of real SHAs. */

const INSTALLATION = 12;
let sim: GitHubSim;
let dir: string;

interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A plain HTTP server that keeps what it receives and answers 202. */
async function recorder(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(202).end("accepted");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  dir = makeGitRepo({ "README.md": "hi\n", "src/a.py": "a = 1\n" });
  sim = new GitHubSim({ webhookSecret: "s3cret" });
  await sim.start();
  sim.addRepo({ owner: "acme", name: "app", dir, installationId: INSTALLATION, ownerType: "Organization" });
});

afterAll(async () => {
  await sim.stop();
  removeDir(dir);
});

afterEach(() => sim.reset());

describe("signing and headers", () => {
  it("signs the raw body with HMAC-SHA256 of the secret (sha256=<hex>) and sends GitHub's headers", async () => {
    const hook = await recorder();
    try {
      const payload = { action: "opened", nested: { text: "ünïcode ✓" } };
      const result = await sim.deliver(hook.url, { event: "pull_request", payload });
      expect(result.status).toBe(202);
      const [got] = hook.received;
      const body = got?.body ?? "";
      expect(JSON.parse(body)).toEqual(payload);
      const expected = `sha256=${crypto.createHmac("sha256", "s3cret").update(Buffer.from(body, "utf8")).digest("hex")}`;
      expect(got?.headers["x-hub-signature-256"]).toBe(expected);
      expect(got?.headers["x-hub-signature"]).toBe(`sha1=${crypto.createHmac("sha1", "s3cret").update(body).digest("hex")}`);
      expect(got?.headers).toMatchObject({
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": result.id,
        "x-github-hook-installation-target-type": "integration",
        "x-github-hook-installation-target-id": String(sim.appId),
      });
      expect(got?.headers["user-agent"]).toMatch(/^GitHub-Hookshot\//);
      expect(got?.headers["x-github-hook-id"]).toMatch(/^\d+$/);
      expect(result.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

      // A redelivery keeps the id; another secret signs differently; null sends no signature.
      await sim.deliver(hook.url, { event: "pull_request", payload, id: result.id });
      await sim.deliver(hook.url, { event: "pull_request", payload, secret: "wrong" });
      await sim.deliver(hook.url, { event: "pull_request", payload, secret: null });
      expect(hook.received[1]?.headers["x-github-delivery"]).toBe(result.id);
      expect(hook.received[2]?.headers["x-hub-signature-256"]).not.toBe(expected);
      expect(hook.received[3]?.headers["x-hub-signature-256"]).toBeUndefined();
      expect(sim.deliveries().map((d) => d.status)).toEqual([202, 202, 202, 202]);
    } finally {
      await hook.close();
    }
  });

  it("Probot accepts the simulator's deliveries and refuses a bad signature with 400", async () => {
    const seen: { name: string; id: string }[] = [];
    const probot = new Probot({ appId: sim.appId, privateKey: sim.privateKey, secret: sim.webhookSecret, log: pino({ level: "silent" }) });
    const middleware = await createNodeMiddleware(
      (app) => {
        app.onAny(async (context) => {
          seen.push({ name: context.name, id: context.id });
        });
      },
      { probot },
    );
    const server = http.createServer((req, res) => {
      void middleware(req, res, () => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
    try {
      const payload = await sim.payloads.push("acme", "app");
      const good = await sim.deliver(url, { event: "push", payload });
      const bad = await sim.deliver(url, { event: "push", payload, secret: "not-the-secret" });
      expect([good.status, bad.status]).toEqual([200, 400]);
      expect(seen).toEqual([{ name: "push", id: good.id }]);
      // The app made no API call for either.
      expect(sim.count()).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("reports an app that does not answer as status 0", async () => {
    const result = await sim.deliver("http://127.0.0.1:9/nothing-listens", { event: "push", payload: {} });
    expect(result.status).toBe(0);
    expect(result.error).not.toBeNull();
  });
});

describe("payloads", () => {
  it("push: the branch's real commits, with the files each added, modified and removed", async () => {
    const first = git(dir, "rev-parse", "HEAD").trim();
    writeFiles(dir, { "src/b.py": "b = 2\n", "README.md": "changed\n" });
    git(dir, "rm", "-q", "src/a.py");
    const second = commitAll(dir, "second");
    const payload = await sim.payloads.push("acme", "app");
    expect(payload).toMatchObject({ ref: "refs/heads/main", before: first, after: second, created: false, deleted: false, installation: { id: INSTALLATION } });
    const commits = payload.commits as { id: string; added: string[]; modified: string[]; removed: string[] }[];
    expect(commits.map((c) => [c.id, c.added, c.modified, c.removed])).toEqual([[second, ["src/b.py"], ["README.md"], ["src/a.py"]]]);
    expect((payload.head_commit as { id: string }).id).toBe(second);
    expect(validateWebhookPayload("push", payload)).toEqual([]);
    // A new branch: created, with its history; a deleted one: no commits.
    const created = await sim.payloads.push("acme", "app", { ref: "main", before: ZERO_SHA });
    expect(created).toMatchObject({ created: true, before: ZERO_SHA });
    expect((created.commits as unknown[]).length).toBe(2);
    const deleted = await sim.payloads.push("acme", "app", { ref: "gone", after: ZERO_SHA, before: second });
    expect(deleted).toMatchObject({ deleted: true, commits: [], head_commit: null });
    expect(validateWebhookPayload("push", deleted)).toEqual([]);
  });

  it("pull_request opened then synchronize: heads from git, before/after of the push", async () => {
    git(dir, "checkout", "-q", "-b", "feature");
    writeFiles(dir, { "f.txt": "1\n" });
    const one = commitAll(dir, "one");
    git(dir, "checkout", "-q", "main");
    const pr = sim.addPullRequest("acme", "app", { head: "feature", title: "Feature" });
    const opened = await sim.payloads.pullRequest("acme", "app", pr.number, "opened");
    expect(opened).toMatchObject({ action: "opened", number: pr.number, pull_request: { head: { sha: one, ref: "feature" }, base: { ref: "main", sha: git(dir, "rev-parse", "main").trim() } } });
    expect(validateWebhookPayload("pull-request-opened", opened)).toEqual([]);

    git(dir, "checkout", "-q", "feature");
    writeFiles(dir, { "f.txt": "2\n" });
    const two = commitAll(dir, "two");
    git(dir, "checkout", "-q", "main");
    const sync = await sim.payloads.pullRequest("acme", "app", pr.number, "synchronize");
    expect(sync).toMatchObject({ action: "synchronize", before: one, after: two, pull_request: { head: { sha: two } } });
    expect(validateWebhookPayload("pull-request-synchronize", sync)).toEqual([]);
  });

  it("issue_comment.created: the comment is stored, on a pull request it says so", async () => {
    const pr = sim.addPullRequest("acme", "app", { head: "feature" });
    const { payload, commentId } = await sim.payloads.issueComment("acme", "app", pr.number, { body: "/phase-report phase-1", user: "alice" });
    expect(payload).toMatchObject({ action: "created", comment: { id: commentId, body: "/phase-report phase-1", user: { login: "alice", type: "User" } }, issue: { number: pr.number } });
    expect((payload.issue as { pull_request?: unknown }).pull_request).toBeDefined();
    expect(sim.comments("acme", "app", pr.number).map((c) => c.id)).toEqual([commentId]);
    expect(validateWebhookPayload("issue-comment-created", payload)).toEqual([]);
    const issue = sim.addIssue("acme", "app");
    const onIssue = await sim.payloads.issueComment("acme", "app", issue.number, { body: "/phase-report" });
    expect((onIssue.payload.issue as { pull_request?: unknown }).pull_request).toBeUndefined();
  });

  it("check_suite.requested: the head commit and its open pull requests", async () => {
    const payload = await sim.payloads.checkSuite("acme", "app", "requested", { branch: "feature" });
    const head = git(dir, "rev-parse", "feature").trim();
    expect(payload).toMatchObject({ action: "requested", check_suite: { head_sha: head, head_branch: "feature", app: { id: sim.appId } } });
    expect(((payload.check_suite as { pull_requests: unknown[] }).pull_requests).length).toBeGreaterThan(0);
    expect(validateWebhookPayload("check-suite-requested", payload)).toEqual([]);
  });

  it("validation would catch a payload that lacks what GitHub sends", () => {
    expect(SIM_WEBHOOKS).toContain("push");
    expect(validateWebhookPayload("push", { ref: "refs/heads/main" })).not.toEqual([]);
  });
});
