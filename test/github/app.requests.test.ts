import { describe, expect, it } from "vitest";
import { duplicates, mergeRequests, readsFresh, requestKey, requestLocks, supersedes, type AuditRequest } from "../../src/github/audit-commit.js";
import { commandRequest, fromCheckRun, fromCheckSuite, fromInstallation, fromPullRequest, fromPush, splitFullName } from "../../src/github/handlers/requests.js";
import { example, INSTALLATION_ID } from "./app.harness.js";

/** Events to audit requests (pure), and how the queue keys, merges and compares them. */

const request = (over: Partial<AuditRequest>): AuditRequest => ({
  installationId: 1,
  owner: "Octo",
  repo: "App",
  sha: "a".repeat(40),
  ref: "refs/heads/main",
  trigger: "push",
  deliveryId: "d",
  commands: [],
  ...over,
});

describe("events to requests", () => {
  it("push: the pushed branch head", () => {
    expect(fromPush(example("push", undefined, 4) as never, "d1")).toEqual({
      request: {
        installationId: INSTALLATION_ID,
        owner: "Codertocat",
        repo: "Hello-World",
        sha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        ref: "refs/heads/master",
        trigger: "push",
        deliveryId: "d1",
        commands: [],
      },
    });
  });

  it("push without an installation asks for nothing", () => {
    const payload = example("push", undefined, 4) as Record<string, unknown>;
    delete payload.installation;
    expect(fromPush(payload as never, "d")).toEqual({ skip: "the payload names no installation" });
  });

  it("pull_request: head, base and number", () => {
    const routed = fromPullRequest(example("pull_request", "opened") as never, "d");
    expect(routed).toMatchObject({
      request: { sha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", ref: null, pr: { number: 2, baseSha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e" } },
    });
  });

  it("check_suite of a fork's push (no branch): keyed by its commit, not the default branch", () => {
    const payload = example("check_suite", "requested");
    (payload.check_suite as { head_branch: string | null }).head_branch = null;
    const routed = fromCheckSuite(payload as never, "d");
    if (!("request" in routed)) throw new Error(routed.skip);
    expect(routed.request.ref).toBeNull();
    expect(requestKey(routed.request)).toBe("codertocat/hello-world@sha:f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
  });

  it("check_run.rerequested: the run's commit and branch", () => {
    expect(fromCheckRun(example("check_run", "rerequested") as never, "d")).toMatchObject({
      request: { owner: "github", repo: "hello-world", sha: "d6fde92930d4715a2b49857d24b940956b26d2d3", ref: "refs/heads/master", trigger: "check_run.rerequested" },
    });
  });

  it("installations: one request per repository, default branch to resolve", () => {
    const { requests, skipped } = fromInstallation(7, [{ full_name: "o/a" }, { full_name: "broken" }, { full_name: "o/b" }], "d");
    expect(requests.map((r) => [r.owner, r.repo, r.sha, r.ref, r.trigger])).toEqual([
      ["o", "a", null, null, "installation"],
      ["o", "b", null, null, "installation"],
    ]);
    expect(skipped).toEqual(["broken: unexpected repository name 'broken'"]);
    expect(requestKey(requests[0] as AuditRequest)).toBe("o/a@default-branch");
  });

  it("a command on an issue: the default branch; on a pull request: the pull request", () => {
    const onIssue = commandRequest(example("issue_comment", "created") as never, "d", "phase-1");
    expect(onIssue).toMatchObject({ request: { sha: null, ref: "refs/heads/master", trigger: "command", commands: [{ issueNumber: 1, phase: "phase-1" }] } });
    const payload = example("issue_comment", "created");
    (payload.issue as Record<string, unknown>).pull_request = { url: "u" };
    const onPull = commandRequest(payload as never, "d", undefined);
    expect(onPull).toMatchObject({ request: { sha: null, ref: null, pr: { number: 1, baseSha: null } } });
    if ("request" in onPull) expect(onPull.request.commands[0]).not.toHaveProperty("phase");
  });

  it("splitFullName", () => {
    expect(splitFullName("o/r.js")).toEqual({ owner: "o", repo: "r.js" });
    expect(splitFullName("/r")).toBeNull();
    expect(splitFullName("o/")).toBeNull();
  });
});

describe("keys, locks, merge", () => {
  it("keys: a pull request, else the ref; case does not matter", () => {
    expect(requestKey(request({}))).toBe("octo/app@refs/heads/main");
    expect(requestKey(request({ pr: { number: 3, baseSha: null }, ref: null }))).toBe("octo/app#pr:3");
    expect(requestLocks(request({}))).toEqual([`octo/app@commit:${"a".repeat(40)}`]);
    expect(requestLocks(request({ sha: null }))).toEqual([]);
  });

  it("merge keeps every command once, and an event's trigger over a command's", () => {
    const command = { commentId: 1, issueNumber: 2, deliveryId: "c" };
    const older = request({ trigger: "push", commands: [] });
    const newer = request({ trigger: "command", sha: null, commands: [command] });
    expect(mergeRequests(older, newer)).toMatchObject({ trigger: "push", sha: null, commands: [command] });
    const again = mergeRequests(mergeRequests(older, newer), request({ trigger: "push", sha: "b".repeat(40), commands: [command] }));
    expect(again.commands).toEqual([command]);
    expect(again.sha).toBe("b".repeat(40));
  });

  it("a merged request reads the checklist fresh when either was a person's", () => {
    const command = { commentId: 5, issueNumber: 2, deliveryId: "c" };
    expect(readsFresh(request({}))).toBe(false);
    expect(readsFresh(request({ trigger: "check_run.rerequested" }))).toBe(true);
    expect(readsFresh(request({ commands: [command] }))).toBe(true);
    const rerun = mergeRequests(request({ trigger: "check_run.rerequested" }), request({ trigger: "pull_request", sha: "b".repeat(40) }));
    expect(rerun.trigger).toBe("pull_request");
    expect(readsFresh(rerun)).toBe(true);
    expect(readsFresh(mergeRequests(request({}), request({ trigger: "pull_request" })))).toBe(false);
    expect(mergeRequests(request({}), request({})).freshChecklist).toBeUndefined();
  });

  it("supersedes: another commit only", () => {
    expect(supersedes(request({}), request({ sha: "b".repeat(40) }))).toBe(true);
    expect(supersedes(request({}), request({}))).toBe(false);
    expect(supersedes(request({}), request({ sha: null }))).toBe(false);
  });

  it("duplicates: an automatic event for the running commit, without commands", () => {
    expect(duplicates(request({}), request({ trigger: "check_suite.requested" }))).toBe(true);
    expect(duplicates(request({}), request({ trigger: "check_suite.rerequested" }))).toBe(false);
    expect(duplicates(request({}), request({ commands: [{ commentId: 1, issueNumber: 1, deliveryId: "x" }] }))).toBe(false);
    expect(duplicates(request({ sha: null }), request({ sha: null }))).toBe(false);
  });
});
