import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuditReport, CheckReport, PhaseReport } from "../../src/audit/types.js";
import type { Finding } from "../../src/check/types.js";
import type { ConfigError } from "../../src/config/types.js";
import { CheckRunIds, completeCheckRuns, findCheckRuns, markedDigest, outputMarker, publishConfigError, startCheckRuns, withMarker, type CheckRunTarget } from "../../src/github/check-runs.js";
import { checkRunOutput, configErrorOutput, OUTPUT_MAX_BYTES } from "../../src/report/check-run.js";
import { assertRequestsValid, githubApi, resetRequests, sentRequests, type SentRequest } from "../support/openapi.js";

/**
 * Check runs at the HTTP boundary: nock with the network disabled, every request validated
 * against GitHub's OpenAPI description, every mocked call made.
 */

const SHA = "5d3f7a9e1c2b4d6f8a0b1c2d3e4f5a6b7c8d9e0f";
const APP_ID = 42;
const NOW = new Date("2026-05-01T12:00:00.000Z");
const target: CheckRunTarget = { owner: "acme", repo: "shop", headSha: SHA, appId: APP_ID };
const options = { now: () => NOW };
const RUNS = `/repos/acme/shop/commits/${SHA}/check-runs`;
const LIST_QUERY = { filter: "latest", per_page: "100", app_id: String(APP_ID) };

const octokit = new ProbotOctokit({ auth: { token: "test" }, retry: { enabled: false }, throttle: { enabled: false } });

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => resetRequests());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  assertRequestsValid();
  expect(pending).toEqual([]);
});

interface ListedRun {
  id: number;
  name: string;
  external_id: string | null;
  status: string;
  conclusion: string | null;
  app: { id: number } | null;
  output?: { title: string | null; summary: string | null; text: string | null; annotations_count: number };
}
const run = (over: Partial<ListedRun> & { id: number; name: string }): ListedRun => ({
  external_id: null,
  status: "completed",
  conclusion: "success",
  app: { id: APP_ID },
  ...over,
});

function finding(i: number, over: Partial<Finding> = {}): Finding {
  return { messageId: "dev-server-flag", severity: "error", path: `services/s${i}/Dockerfile`, line: i + 1, message: `uvicorn --reload in service ${i}`, ...over };
}

function report(phases: PhaseReport[]): AuditReport {
  return { repository: "acme/shop", commit: SHA, checklist: { source: "file", path: ".github/phase-gate.yml" }, skipped: [], notes: [], phases, currentPhase: phases.find((p) => p.status !== "complete")?.id ?? null };
}

function phase(id: string, name: string, checks: CheckReport[], over: Partial<PhaseReport> = {}): PhaseReport {
  const passed = checks.filter((c) => c.status === "pass").length;
  return { id, name, gate: "required", status: passed === checks.length ? "complete" : "failing", passed, total: checks.length, checks, ...over };
}

const writes = (): SentRequest[] => sentRequests().filter((r) => r.method !== "GET");
type Body = { [key: string]: unknown; output?: { [key: string]: unknown; annotations?: unknown[] } };
const bodyOf = (r: SentRequest | undefined): Body => (r?.body ?? {}) as Body;

describe("startCheckRuns", () => {
  const phases = [
    { id: "phase-1", name: "Foundation & Security" },
    { id: "phase-2", name: "Production hardening" },
  ];

  it("creates each phase's run in_progress with its external id when the commit has none", async () => {
    const api = githubApi()
      .get(RUNS)
      .query(LIST_QUERY)
      .reply(200, { total_count: 0, check_runs: [] })
      .post("/repos/acme/shop/check-runs")
      .reply(201, { id: 101 })
      .post("/repos/acme/shop/check-runs")
      .reply(201, { id: 102 });
    const ids = await startCheckRuns(octokit, target, phases, options);
    expect([...ids]).toEqual([
      ["phase-1", 101],
      ["phase-2", 102],
    ]);
    expect([...ids.reused]).toEqual([]);
    expect(writes().map((r) => [r.method, r.path, r.body])).toEqual([
      [
        "POST",
        "/repos/acme/shop/check-runs",
        {
          head_sha: SHA,
          name: "phase-gate: Foundation & Security",
          external_id: "phase-gate:phase-1",
          status: "in_progress",
          started_at: "2026-05-01T12:00:00.000Z",
          output: { title: "Auditing…", summary: `phase-gate is auditing commit ${SHA}.` },
        },
      ],
      [
        "POST",
        "/repos/acme/shop/check-runs",
        {
          head_sha: SHA,
          name: "phase-gate: Production hardening",
          external_id: "phase-gate:phase-2",
          status: "in_progress",
          started_at: "2026-05-01T12:00:00.000Z",
          output: { title: "Auditing…", summary: `phase-gate is auditing commit ${SHA}.` },
        },
      ],
    ]);
    expect(api.isDone()).toBe(true);
  });

  it("on a re-run, updates this app's runs of the commit (found across pages) instead of creating new ones", async () => {
    githubApi()
      .get(RUNS)
      .query(LIST_QUERY)
      .reply(
        200,
        {
          total_count: 5,
          check_runs: [
            // Another app's run with the same name is never touched.
            run({ id: 900, name: "phase-gate: Foundation & Security", app: { id: 7 } }),
            run({ id: 11, name: "phase-gate: Foundation & Security", external_id: "phase-gate:phase-1", conclusion: "failure" }),
            run({ id: 50, name: "lint", external_id: "lint" }),
          ],
        },
        { link: `<https://api.github.com${RUNS}?filter=latest&per_page=100&app_id=${APP_ID}&page=2>; rel="next"` },
      )
      .get(RUNS)
      .query({ ...LIST_QUERY, page: "2" })
      .reply(200, {
        total_count: 5,
        check_runs: [
          // A run created before external ids were set: found by its name.
          run({ id: 12, name: "phase-gate: Production hardening", conclusion: "neutral" }),
          // The commit's checklist was invalid earlier: this run must not stay failing.
          run({ id: 13, name: "phase-gate configuration", external_id: "phase-gate/configuration", conclusion: "failure" }),
          // A phase that is no longer in the checklist.
          run({ id: 14, name: "phase-gate: Old", external_id: "phase-gate:phase-0", conclusion: "failure" }),
        ],
      })
      .patch("/repos/acme/shop/check-runs/11")
      .reply(200, { id: 11 })
      .patch("/repos/acme/shop/check-runs/12")
      .reply(200, { id: 12 })
      .patch("/repos/acme/shop/check-runs/13")
      .reply(200, { id: 13 })
      .patch("/repos/acme/shop/check-runs/14")
      .reply(200, { id: 14 });

    const ids = await startCheckRuns(octokit, target, phases, options);
    expect([...ids]).toEqual([
      ["phase-1", 11],
      ["phase-2", 12],
    ]);
    expect([...ids.reused]).toEqual([11, 12]);
    const sent = writes();
    // The stale configuration and phase runs are settled when the runs are found, before any is opened.
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "PATCH /repos/acme/shop/check-runs/13",
      "PATCH /repos/acme/shop/check-runs/14",
      "PATCH /repos/acme/shop/check-runs/11",
      "PATCH /repos/acme/shop/check-runs/12",
    ]);
    expect([...ids.opened]).toEqual([11, 12]);
    expect(sent[3]?.body).toEqual({
      name: "phase-gate: Production hardening",
      external_id: "phase-gate:phase-2",
      status: "in_progress",
      started_at: "2026-05-01T12:00:00.000Z",
      output: { title: "Auditing…", summary: `phase-gate is auditing commit ${SHA}.` },
    });
    expect(bodyOf(sent[0])).toMatchObject({ conclusion: "success", completed_at: "2026-05-01T12:00:00.000Z", output: { title: "The checklist is valid" } });
    expect(bodyOf(sent[1])).toMatchObject({ conclusion: "neutral", output: { title: "No longer in the checklist", summary: expect.stringContaining("`phase-0`") } });
  });

  it("leaves a configuration run alone once it has recovered", async () => {
    githubApi()
      .get(RUNS)
      .query(LIST_QUERY)
      .reply(200, { total_count: 1, check_runs: [run({ id: 13, name: "phase-gate configuration", external_id: "phase-gate/configuration" })] })
      .post("/repos/acme/shop/check-runs")
      .reply(201, { id: 101 });
    await startCheckRuns(octokit, target, [phases[0]!], options);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /repos/acme/shop/check-runs"]);
  });
});

describe("completeCheckRuns", () => {
  it("sends 120 annotations as 50 + 50 + 20, completing the run with the last request", async () => {
    const findings = Array.from({ length: 120 }, (_, i) => finding(i));
    const r = report([phase("phase-1", "Foundation", [{ id: "dockerfile-reload", status: "fail", summary: "120 Dockerfiles", findings }])]);
    const ids = new CheckRunIds([["phase-1", 101]]);
    githubApi().patch("/repos/acme/shop/check-runs/101").times(3).reply(200, { id: 101 });

    const [result] = await completeCheckRuns(octokit, target, r, ids, options);
    expect(result).toEqual({ phaseId: "phase-1", checkRunId: 101, conclusion: "failure", annotationsSent: 120, requests: 3 });
    const sent = writes();
    expect(sent.map((s) => bodyOf(s).output?.annotations?.length)).toEqual([50, 50, 20]);
    // Not completed before the last batch; then completed with the conclusion.
    expect(sent.map((s) => [bodyOf(s).conclusion, bodyOf(s).completed_at])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
      ["failure", "2026-05-01T12:00:00.000Z"],
    ]);
    // Every batch carries the same output, and only the last one the marker of a run complete; annotations follow the findings' order.
    const [first] = sent;
    for (const s of sent) {
      expect(bodyOf(s).output?.title).toBe("0/1 checks pass");
      expect(bodyOf(s).output?.text).toBe(bodyOf(first).output?.text);
    }
    const summaries = sent.map((s) => String(bodyOf(s).output?.summary));
    expect(summaries.map((summary) => markedDigest(summary) !== null)).toEqual([false, false, true]);
    expect(summaries[2]).toBe(`${summaries[0]}${outputMarker(checkRunOutput(r, "phase-1"))}`);
    const lines = sent.flatMap((s) => (bodyOf(s).output?.annotations ?? []) as { start_line: number; annotation_level: string }[]);
    expect(lines.map((a) => a.start_line)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(new Set(lines.map((a) => a.annotation_level))).toEqual(new Set(["failure"]));
  });

  it("cuts a summary over 65,535 bytes with multi-byte characters at the cut", async () => {
    const checks: CheckReport[] = Array.from({ length: 300 }, (_, i) => ({ id: "file-exists", status: "pass", summary: `${i} ${"日本語😀".repeat(30)}`, findings: [] }));
    const r = report([phase("phase-1", "Foundation", checks)]);
    githubApi().patch("/repos/acme/shop/check-runs/101").reply(200, { id: 101 });
    await completeCheckRuns(octokit, target, r, new CheckRunIds([["phase-1", 101]]), options);
    const body = bodyOf(writes()[0]);
    const summary = String(body.output?.summary);
    expect(Buffer.byteLength(summary, "utf8")).toBeLessThanOrEqual(OUTPUT_MAX_BYTES);
    expect(Buffer.byteLength(summary, "utf8")).toBeGreaterThan(60_000);
    expect(summary).not.toContain("\uFFFD");
    expect(summary).toContain("> This summary was cut to GitHub's limit of 65,535 bytes");
    expect(body).toMatchObject({ conclusion: "success", output: { title: "300/300 checks pass" } });
  });

  it("does not send again the annotations a reused run already has, and counts those that no longer apply", async () => {
    const findings = [finding(0), finding(1), finding(2)];
    const r = report([phase("phase-1", "Foundation", [{ id: "dockerfile-reload", status: "fail", summary: "3", findings }])]);
    const ids = new CheckRunIds([["phase-1", 11]]);
    ids.reused.add(11);
    const listed = (i: number, message = `uvicorn --reload in service ${i}`): Record<string, unknown> => ({
      path: `services/s${i}/Dockerfile`,
      blob_href: "https://github.com/acme/shop/blob/x",
      start_line: i + 1,
      end_line: i + 1,
      start_column: null,
      end_column: null,
      annotation_level: "failure",
      title: "dockerfile-reload: dev-server-flag",
      message,
      raw_details: null,
    });
    githubApi()
      .get("/repos/acme/shop/check-runs/11/annotations")
      .query({ per_page: "100" })
      .reply(200, [listed(0), listed(1), listed(7, "an old finding")])
      .patch("/repos/acme/shop/check-runs/11")
      .reply(200, { id: 11 });
    const [result] = await completeCheckRuns(octokit, target, r, ids, options);
    expect(result?.annotationsSent).toBe(1);
    const body = bodyOf(writes()[0]);
    expect(body.output?.annotations).toEqual([
      {
        path: "services/s2/Dockerfile",
        start_line: 3,
        end_line: 3,
        annotation_level: "failure",
        title: "dockerfile-reload: dev-server-flag",
        message: "uvicorn --reload in service 2",
      },
    ]);
    expect(String(body.output?.text)).toContain("- 1 annotation from an earlier audit of this commit no longer applies; GitHub keeps annotations once they are added.");
  });

  it("the same result published twice sends no annotation the second time", async () => {
    const r = report([phase("phase-1", "Foundation", [{ id: "dockerfile-reload", status: "fail", summary: "1", findings: [finding(0)] }])]);
    githubApi().patch("/repos/acme/shop/check-runs/11").reply(200, { id: 11 });
    await completeCheckRuns(octokit, target, r, new CheckRunIds([["phase-1", 11]]), options);
    const first = bodyOf(writes()[0]);
    expect(first.output?.annotations).toHaveLength(1);

    resetRequests();
    const annotation = { ...(first.output?.annotations?.[0] as object), blob_href: "https://github.com/x", start_column: null, end_column: null, raw_details: null };
    // A plain Map: the runs may be reused, so their annotations are listed.
    githubApi()
      .get("/repos/acme/shop/check-runs/11/annotations")
      .query({ per_page: "100" })
      .reply(200, [annotation])
      .patch("/repos/acme/shop/check-runs/11")
      .reply(200, { id: 11 });
    await completeCheckRuns(octokit, target, r, new Map([["phase-1", 11]]), options);
    const second = bodyOf(writes()[0]);
    expect(second.output?.annotations).toBeUndefined();
    expect(second).toMatchObject({ conclusion: "failure", output: { title: "0/1 checks pass" } });
    expect(second.output?.text).toBe(first.output?.text);
  });

  it("creates a run, complete in one request, for a phase that was not started", async () => {
    const r = report([phase("phase-1", "Foundation", [{ id: "file-exists", status: "pass", summary: "ok", findings: [] }])]);
    githubApi().post("/repos/acme/shop/check-runs").reply(201, { id: 77 });
    const [result] = await completeCheckRuns(octokit, target, r, new CheckRunIds(), options);
    expect(result).toMatchObject({ checkRunId: 77, requests: 1, conclusion: "success" });
    expect(bodyOf(writes()[0])).toMatchObject({
      head_sha: SHA,
      name: "phase-gate: Foundation",
      external_id: "phase-gate:phase-1",
      conclusion: "success",
      completed_at: "2026-05-01T12:00:00.000Z",
    });
  });
});

describe("unchanged runs (skipUnchanged: what GitHub sends on its own)", () => {
  const phases = [
    { id: "phase-1", name: "Foundation" },
    { id: "phase-2", name: "Hardening" },
  ];
  const r = report([
    phase("phase-1", "Foundation", [{ id: "dockerfile-reload", status: "fail", summary: "1", findings: [finding(0)] }]),
    phase("phase-2", "Hardening", [{ id: "file-exists", status: "pass", summary: "ok", findings: [] }]),
  ]);
  /** A run as GitHub lists it after phase-gate completed it with `output` (its marker ends the summary). */
  const shown = (id: number, phaseId: string, over: Partial<ListedRun> = {}): ListedRun => {
    const output = checkRunOutput(r, phaseId);
    return run({
      id,
      name: output.name,
      external_id: `phase-gate:${phaseId}`,
      conclusion: output.conclusion,
      output: { title: output.title, summary: `${output.summary}${outputMarker(output)}`, text: output.text, annotations_count: output.annotations.length },
      ...over,
    });
  };
  const listing = (runs: ListedRun[]): void => {
    githubApi().get(RUNS).query(LIST_QUERY).reply(200, { total_count: runs.length, check_runs: runs });
  };

  it("sends nothing for runs completed with the same output: no annotation listing, no update", async () => {
    listing([shown(11, "phase-1"), shown(12, "phase-2")]);
    const ids = await findCheckRuns(octokit, target, phases, options);
    const published = await completeCheckRuns(octokit, target, r, ids, { ...options, skipUnchanged: true });
    expect(sentRequests().map((q) => `${q.method} ${q.path.split("?")[0]}`)).toEqual([`GET ${RUNS}`]);
    expect(published).toEqual([
      { phaseId: "phase-1", checkRunId: 11, conclusion: "failure", annotationsSent: 0, requests: 0 },
      { phaseId: "phase-2", checkRunId: 12, conclusion: "success", annotationsSent: 0, requests: 0 },
    ]);
    expect([...ids.completed]).toEqual([11, 12]);
  });

  it("rewrites a run when a person asked (no skipUnchanged), and every run whose output, conclusion or state differs", async () => {
    const other = checkRunOutput(report([phase("phase-1", "Foundation", [{ id: "dockerfile-reload", status: "fail", summary: "1", findings: [finding(3)] }])]), "phase-1");
    const cases: { name: string; listed: ListedRun; skip: boolean }[] = [
      { name: "a person's re-run", listed: shown(11, "phase-1"), skip: false },
      { name: "another result", listed: shown(11, "phase-1", { output: { title: other.title, summary: `${other.summary}${outputMarker(other)}`, text: other.text, annotations_count: 1 } }), skip: true },
      { name: "another conclusion", listed: shown(11, "phase-1", { conclusion: "neutral" }), skip: true },
      { name: "still in progress", listed: shown(11, "phase-1", { status: "in_progress", conclusion: null }), skip: true },
      { name: "no marker (an older version, or cut)", listed: shown(11, "phase-1", { output: { title: "0/1 checks pass", summary: checkRunOutput(r, "phase-1").summary, text: null, annotations_count: 1 } }), skip: true },
    ];
    for (const c of cases) {
      resetRequests();
      listing([c.listed]);
      githubApi().get("/repos/acme/shop/check-runs/11/annotations").query({ per_page: "100" }).reply(200, []).patch("/repos/acme/shop/check-runs/11").reply(200, { id: 11 });
      const ids = await findCheckRuns(octokit, target, [phases[0]!], options);
      const [published] = await completeCheckRuns(octokit, target, report([r.phases[0]!]), ids, { ...options, skipUnchanged: c.skip });
      expect(published?.requests, c.name).toBe(1);
      expect(markedDigest(String(bodyOf(writes()[0]).output?.summary)), c.name).toBe(markedDigest(outputMarker(checkRunOutput(r, "phase-1"))));
    }
  });

  it("rewrites a run this job opened (shown in progress while it audited)", async () => {
    listing([shown(11, "phase-1")]);
    githubApi()
      .patch("/repos/acme/shop/check-runs/11")
      .reply(200, { id: 11 })
      .get("/repos/acme/shop/check-runs/11/annotations")
      .query({ per_page: "100" })
      .reply(200, [])
      .patch("/repos/acme/shop/check-runs/11")
      .reply(200, { id: 11 });
    const ids = await startCheckRuns(octokit, target, [phases[0]!], options);
    const [published] = await completeCheckRuns(octokit, target, report([r.phases[0]!]), ids, { ...options, skipUnchanged: true });
    expect(published?.requests).toBe(1);
    expect(bodyOf(writes()[1])).toMatchObject({ conclusion: "failure" });
  });

  it("leaves an unchanged configuration run alone, and rewrites one whose errors changed", async () => {
    const file = ".github/phase-gate.yml";
    const errors: ConfigError[] = [{ file, line: 2, column: 1, endLine: 2, endColumn: 5, at: "phases", message: "expected an array" }];
    const output = configErrorOutput(errors, file);
    const config = run({ id: 500, name: "phase-gate configuration", external_id: "phase-gate/configuration", conclusion: "failure", output: { title: output.title, summary: `${output.summary}${outputMarker(output)}`, text: output.text, annotations_count: 1 } });
    listing([config]);
    const same = await publishConfigError(octokit, target, errors, file, { ...options, skipUnchanged: true });
    expect(same).toEqual({ phaseId: null, checkRunId: 500, conclusion: "failure", annotationsSent: 0, requests: 0 });
    expect(writes()).toEqual([]);

    resetRequests();
    listing([config]);
    githubApi().get("/repos/acme/shop/check-runs/500/annotations").query({ per_page: "100" }).reply(200, []).patch("/repos/acme/shop/check-runs/500").reply(200, { id: 500 });
    const changed = await publishConfigError(octokit, target, [{ ...errors[0]!, line: 3, endLine: 3 }], file, { ...options, skipUnchanged: true });
    expect(changed.requests).toBe(1);
  });

  it("ends a summary with the marker, or leaves the marker out when both would pass GitHub's limit (such a run is always rewritten)", () => {
    const marker = outputMarker(checkRunOutput(r, "phase-1"));
    expect(withMarker("text\n", marker)).toBe(`text\n${marker}`);
    expect(withMarker("text", marker)).toBe(`text\n${marker}`);
    const full = `${"é".repeat((OUTPUT_MAX_BYTES - 20) / 2)}\n`;
    expect(withMarker(full, marker)).toBe(full);
    const fits = "a".repeat(OUTPUT_MAX_BYTES - Buffer.byteLength(marker));
    expect(Buffer.byteLength(withMarker(`${fits.slice(1)}\n`, marker))).toBe(OUTPUT_MAX_BYTES);
  });
});

describe("publishConfigError", () => {
  const file = ".github/phase-gate.yml";
  const errors: ConfigError[] = [
    { file, line: 4, column: 9, endLine: 4, endColumn: 27, at: "phases[0].checks[1]", message: "unknown check 'dockerfile-reloads'", hint: "did you mean 'dockerfile-reload'?" },
  ];

  it("creates one failing 'phase-gate configuration' run annotated on the config file's line, and no other run", async () => {
    githubApi()
      .get(RUNS)
      .query(LIST_QUERY)
      .reply(200, { total_count: 0, check_runs: [] })
      .post("/repos/acme/shop/check-runs")
      .reply(201, { id: 500 });
    const result = await publishConfigError(octokit, target, errors, file, options);
    expect(result).toEqual({ phaseId: null, checkRunId: 500, conclusion: "failure", annotationsSent: 1, requests: 1 });
    const sent = writes();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toEqual({
      head_sha: SHA,
      name: "phase-gate configuration",
      external_id: "phase-gate/configuration",
      conclusion: "failure",
      completed_at: "2026-05-01T12:00:00.000Z",
      output: {
        title: "1 error in .github/phase-gate.yml",
        summary: expect.stringContaining(
          "- `.github/phase-gate.yml:4:9`: `phases[0].checks[1]`: unknown check 'dockerfile-reloads'<br>*Fix:* did you mean 'dockerfile-reload'?",
        ),
        annotations: [
          {
            path: file,
            start_line: 4,
            end_line: 4,
            start_column: 9,
            end_column: 26,
            annotation_level: "failure",
            title: "phase-gate configuration: phases[0].checks[1]",
            message: "unknown check 'dockerfile-reloads'\n\nFix: did you mean 'dockerfile-reload'?",
          },
        ],
      },
    });
  });

  it("on a redelivery, updates the same run without repeating its annotation, and stops phase runs left in progress", async () => {
    githubApi()
      .get(RUNS)
      .query(LIST_QUERY)
      .reply(200, {
        total_count: 3,
        check_runs: [
          run({ id: 500, name: "phase-gate configuration", external_id: "phase-gate/configuration", conclusion: "failure" }),
          run({ id: 11, name: "phase-gate: Foundation", external_id: "phase-gate:phase-1", status: "in_progress", conclusion: null }),
          run({ id: 12, name: "phase-gate: Hardening", external_id: "phase-gate:phase-2", conclusion: "success" }),
        ],
      })
      .get("/repos/acme/shop/check-runs/500/annotations")
      .query({ per_page: "100" })
      .reply(200, [
        {
          path: file,
          blob_href: "https://github.com/x",
          start_line: 4,
          end_line: 4,
          start_column: 9,
          end_column: 26,
          annotation_level: "failure",
          title: "phase-gate configuration: phases[0].checks[1]",
          message: "unknown check 'dockerfile-reloads'\n\nFix: did you mean 'dockerfile-reload'?",
          raw_details: null,
        },
      ])
      .patch("/repos/acme/shop/check-runs/500")
      .reply(200, { id: 500 })
      .patch("/repos/acme/shop/check-runs/11")
      .reply(200, { id: 11 });
    const result = await publishConfigError(octokit, target, errors, file, options);
    expect(result).toMatchObject({ checkRunId: 500, annotationsSent: 0 });
    const sent = writes();
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual(["PATCH /repos/acme/shop/check-runs/500", "PATCH /repos/acme/shop/check-runs/11"]);
    expect(bodyOf(sent[0]).output?.annotations).toBeUndefined();
    expect(bodyOf(sent[0])).toMatchObject({ conclusion: "failure", output: { title: "1 error in .github/phase-gate.yml" } });
    expect(bodyOf(sent[1])).toMatchObject({ conclusion: "cancelled", output: { title: "Not audited" } });
  });
});
