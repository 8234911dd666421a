import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertRequestsValid } from "../support/openapi.js";
import {
  api,
  BOT_LOGIN,
  example,
  harness,
  INSTALLATION_ID,
  mockAuth,
  mockChecklist,
  mockCommit,
  mockListRuns,
  recordBodies,
  type Body,
  type Harness,
} from "./app.harness.js";

/**
 * The app end to end: real webhook payloads through `probot.receive`, GitHub simulated by nock
 * (network disabled; every request validated against GitHub's OpenAPI description), every
 * expected call made and none left pending.
 */

const OWNER = "Codertocat";
const REPO = "Hello-World";
const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
const BASE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const PUSHED = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";

const CHECKLIST = `phases:
  - id: phase-1
    name: Foundation
    checks:
      - file-exists: { path: SECURITY.md }
      - file-not-contains: { path: "src/*.py", pattern: "execute\\\\(f" }
  - id: phase-2
    name: Hardening
    gate: advisory
    checks:
      - file-absent: { path: .env }
`;

/** A repository where phase-1 fails (an f-string SQL on line 2 of src/db.py) and phase-2 passes. */
const FAILING: Readonly<Record<string, string>> = {
  "SECURITY.md": "# Security\n",
  "src/db.py": 'import db\ncursor.execute(f"SELECT * FROM t WHERE id = {x}")\n',
  "README.md": "hello\n",
};
/** The same repository before: no SQL problem, so phase-1 passed at the base. */
const PASSING: Readonly<Record<string, string>> = {
  "SECURITY.md": "# Security\n",
  "src/db.py": "import db\ncursor.execute(QUERY, (x,))\n",
  "README.md": "hello\n",
};

let h: Harness;

beforeEach(async () => {
  nock.disableNetConnect();
  h = await harness();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  // Every request the app sent is one GitHub would accept, every expected one was made, nothing failed.
  assertRequestsValid();
  expect(pending).toEqual([]);
  expect(h.errors()).toEqual([]);
});

/** The two phases' runs created in_progress and then completed: the requests a fresh commit needs. */
function mockPublish(scope: nock.Scope, sha: string, ids: readonly [number, number] = [11, 12]): nock.Scope {
  mockListRuns(scope, OWNER, REPO, sha);
  scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: ids[0] });
  scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: ids[1] });
  scope.patch(`/repos/${OWNER}/${REPO}/check-runs/${ids[0]}`).reply(200, { id: ids[0] });
  scope.patch(`/repos/${OWNER}/${REPO}/check-runs/${ids[1]}`).reply(200, { id: ids[1] });
  return scope;
}

const posts = (seen: { method: string; path: string; body: Body }[], suffix: string) =>
  seen.filter((r) => r.method === "POST" && r.path.endsWith(suffix)).map((r) => r.body);
const patches = (seen: { method: string; path: string; body: Body }[], infix: string) =>
  seen.filter((r) => r.method === "PATCH" && r.path.includes(infix)).map((r) => r.body);

describe("push", () => {
  it("audits the pushed head: one run per phase, created in_progress, completed with the result", async () => {
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockCommit(scope, OWNER, REPO, PUSHED, FAILING, ["src/db.py"]);
    mockPublish(scope, PUSHED);

    await h.deliver("push", example("push", undefined, 4));

    const created = posts(seen, "/check-runs");
    expect(created.map((b) => [b.name, b.status, b.head_sha])).toEqual([
      ["phase-gate: Foundation", "in_progress", PUSHED],
      ["phase-gate: Hardening", "in_progress", PUSHED],
    ]);
    const [foundation, hardening] = [patches(seen, "/check-runs/11"), patches(seen, "/check-runs/12")];
    expect(foundation.at(-1)).toMatchObject({ conclusion: "failure", output: { title: "1/2 checks pass" } });
    expect(foundation.at(-1)?.output).toMatchObject({
      annotations: [{ path: "src/db.py", start_line: 2, end_line: 2, annotation_level: "failure" }],
    });
    expect(hardening.at(-1)).toMatchObject({ conclusion: "success", output: { title: "1/1 checks pass" } });
    // No comment outside a pull request.
    expect(seen.some((r) => r.path.includes("/issues/"))).toBe(false);
  });

  it.each([
    ["a tag", 0],
    ["a deleted branch", 3],
  ])("ignores %s, saying why at debug level, with no API call", async (_what, index) => {
    const payload = example("push", undefined, index);
    await h.deliver("push", payload, "delivery-ignored");
    const ignored = h.logs.find((l) => l.deliveryId === "delivery-ignored" && typeof l.reason === "string");
    expect(ignored).toMatchObject({ repo: `${OWNER}/${REPO}`, level: 20 });
  });
});

export { BOT_LOGIN, HEAD, BASE, PASSING, INSTALLATION_ID };
