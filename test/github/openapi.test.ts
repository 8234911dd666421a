import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertRequestsValid, findOperation, githubApi, OpenApiValidationError, resetRequests, sentRequests, validateRequest } from "../support/openapi.js";

/** The validator itself: requests GitHub accepts pass, requests GitHub would reject fail, readably. */

const annotation = (i: number): Record<string, unknown> => ({
  path: "src/a.ts",
  start_line: i + 1,
  end_line: i + 1,
  annotation_level: "warning",
  message: `finding ${i}`,
});

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof OpenApiValidationError) return error.problems;
    throw error;
  }
  throw new Error("expected an OpenApiValidationError");
}

describe("findOperation", () => {
  it("finds operations by method and path template, the most literal template first", () => {
    expect(findOperation("POST", "/repos/o/r/check-runs")?.operationId).toBe("checks/create");
    expect(findOperation("PATCH", "/repos/o/r/check-runs/42")?.operationId).toBe("checks/update");
    expect(findOperation("GET", "/repos/o/r/commits/abc123/check-runs?per_page=100")?.operationId).toBe("checks/list-for-ref");
    expect(findOperation("GET", "/repos/o/r/check-runs/42/annotations")?.operationId).toBe("checks/list-annotations");
    expect(findOperation("GET", "/repos/o/r/issues/7/comments")?.operationId).toBe("issues/list-comments");
    // `issues/comments/{id}` is more literal than `issues/{issue_number}/{x}`.
    expect(findOperation("PATCH", "/repos/o/r/issues/comments/9")?.operationId).toBe("issues/update-comment");
    expect(findOperation("GET", "https://ghe.example.com/api/v3/repos/o/r/issues/7/comments")?.operationId).toBe("issues/list-comments");
    // The form of GitHub's own pagination links.
    expect(findOperation("GET", "/repositories/1296269/issues/7/comments?per_page=100&page=2")?.operationId).toBe("issues/list-comments");
    expect(findOperation("GET", "/repositories/1296269/no/such")).toBeUndefined();
    expect(findOperation("DELETE", "/repos/o/r/check-runs")).toBeUndefined();
    expect(findOperation("GET", "/no/such/endpoint")).toBeUndefined();
  });
});

describe("validateRequest", () => {
  const create = { name: "phase-gate: Foundation", head_sha: "a".repeat(40), status: "in_progress", external_id: "phase-gate:phase-1" };

  it("accepts requests GitHub accepts", () => {
    expect(validateRequest("POST", "/repos/o/r/check-runs", create).operationId).toBe("checks/create");
    expect(() =>
      validateRequest("PATCH", "/repos/o/r/check-runs/42", {
        conclusion: "success",
        completed_at: "2026-01-01T00:00:00.000Z",
        output: { title: "2/2 checks pass", summary: "ok", annotations: Array.from({ length: 50 }, (_, i) => annotation(i)) },
      }),
    ).not.toThrow();
    expect(() => validateRequest("GET", "/repos/o/r/commits/abc/check-runs?per_page=100&filter=latest&app_id=5", undefined)).not.toThrow();
    expect(() => validateRequest("POST", "/repos/o/r/issues/7/comments", { body: "hello" })).not.toThrow();
  });

  it("rejects 51 annotations in one request", () => {
    const problems = problemsOf(() =>
      validateRequest("PATCH", "/repos/o/r/check-runs/42", {
        output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i)) },
      }),
    );
    expect(problems).toEqual(["body/output/annotations: must NOT have more than 50 items (got an array of 51)"]);
  });

  it("rejects an annotation_level of 'error', naming the allowed values", () => {
    const problems = problemsOf(() =>
      validateRequest("POST", "/repos/o/r/check-runs", {
        ...create,
        output: { title: "t", summary: "s", annotations: [{ ...annotation(0), annotation_level: "error" }] },
      }),
    );
    expect(problems).toEqual(['body/output/annotations/0/annotation_level: must be equal to one of the allowed values: "notice", "warning", "failure" (got "error")']);
  });

  it("rejects a check run without head_sha, with a readable message", () => {
    let message = "";
    try {
      validateRequest("POST", "/repos/o/r/check-runs", { name: "x" });
    } catch (error) {
      message = error instanceof Error ? error.message : "";
    }
    expect(message).toContain("POST /repos/o/r/check-runs (checks/create, /repos/{owner}/{repo}/check-runs)");
    expect(message).toContain("body: must have required property 'head_sha'");
  });

  it("rejects what the description does not say but GitHub enforces", () => {
    // 30,000 three-byte characters: under 65,535 characters, over 65,535 bytes.
    const summary = "€".repeat(30_000);
    expect(problemsOf(() => validateRequest("PATCH", "/repos/o/r/check-runs/1", { output: { title: "t", summary } }))).toEqual([
      "body/output/summary: 90000 bytes; GitHub's limit is 65535 bytes",
    ]);
    expect(problemsOf(() => validateRequest("POST", "/repos/o/r/check-runs", { ...create, status: "completed" }))).toEqual([
      "body: `conclusion` is required with `completed_at` or `status: completed`",
    ]);
    expect(
      problemsOf(() =>
        validateRequest("PATCH", "/repos/o/r/check-runs/1", {
          output: { title: "t", summary: "s", annotations: [{ ...annotation(0), end_line: 3, start_column: 1, end_column: 2 }] },
        }),
      ),
    ).toEqual(["body/output/annotations/0: start_column/end_column are only allowed when start_line equals end_line"]);
    expect(problemsOf(() => validateRequest("POST", "/repos/o/r/issues/1/comments", { body: "x".repeat(65_537) }))).toEqual([
      "body/body: 65537 characters; GitHub's limit is 65536",
    ]);
  });

  it("rejects bad path and query parameters and unknown operations", () => {
    expect(problemsOf(() => validateRequest("PATCH", "/repos/o/r/check-runs/undefined", { output: { title: "t", summary: "s" } }))).toEqual([
      'path parameter {check_run_id}: "undefined" is not a valid "integer"',
    ]);
    expect(problemsOf(() => validateRequest("GET", "/repos/o/r/issues/7/comments?per_page=many&sort=x", undefined))).toEqual([
      'query parameter "sort" is not a parameter of issues/list-comments',
      'query/per_page: must be integer (got "many")',
    ]);
    expect(problemsOf(() => validateRequest("POST", "/repos/o/r/check-run", create))).toEqual(["no operation POST /repos/o/r/check-run in GitHub's description"]);
    expect(problemsOf(() => validateRequest("PATCH", "/repos/o/r/issues/comments/1", undefined))).toEqual(["body: required, but the request has none"]);
  });
});

describe("githubApi (nock scope whose requests are validated)", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    resetRequests();
  });
  const octokit = new ProbotOctokit({ auth: { token: "test" }, retry: { enabled: false }, throttle: { enabled: false } });

  it("lets a valid request through and records it", async () => {
    const scope = githubApi().post("/repos/o/r/issues/3/comments").reply(201, { id: 1 });
    const { data } = await octokit.rest.issues.createComment({ owner: "o", repo: "r", issue_number: 3, body: "hi" });
    expect(data.id).toBe(1);
    expect(sentRequests()).toEqual([{ method: "POST", path: "/repos/o/r/issues/3/comments", body: { body: "hi" }, operationId: "issues/create-comment" }]);
    expect(() => assertRequestsValid()).not.toThrow();
    expect(scope.isDone()).toBe(true);
  });

  it("fails an invalid request and records it even when the caller swallows the error", async () => {
    githubApi().post("/repos/o/r/check-runs").reply(201, { id: 1 });
    const outcome = await octokit.rest.checks
      .create({ owner: "o", repo: "r", name: "x", head_sha: "abc", output: { title: "t", summary: "s", annotations: [{ ...annotation(0), annotation_level: "error" }] } } as never)
      .then(
        () => "accepted",
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    expect(outcome).toContain("annotation_level: must be equal to one of the allowed values");
    expect(() => assertRequestsValid()).toThrow(/1 request\(s\) GitHub would reject:\nPOST \/repos\/o\/r\/check-runs/);
    // Recorded failures are forgotten once reported.
    expect(() => assertRequestsValid()).not.toThrow();
  });
});
