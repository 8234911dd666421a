import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  api,
  BASE,
  example,
  finishHttp,
  harness,
  HEAD,
  mockAuth,
  mockChecklist,
  mockCommit,
  mockListRuns,
  mockNewComment,
  mockPublish,
  OWNER,
  patches,
  posts,
  PUSHED,
  recordBodies,
  REPO,
  type Body,
  type Harness,
} from "./app.harness.js";
import { SCENARIOS } from "../claims/scenarios.js";

/**
 * Phase documents through the app: an overclaim is annotated in the phase's check run on the
 * document's line and on the evidence's line, and listed at the top of the phase-completion
 * comment; a phase that passes while the one it requires does not is neutral, "ahead".
 */

const scenario = (name: string) => {
  const found = SCENARIOS.find((s) => s.name.startsWith(name));
  if (!found) throw new Error(name);
  return found;
};
const OVERCLAIMED = scenario("overclaimed").files;
const BACKED = scenario("backed").files;

const CHECKLIST = `ordered: true
phases:
  - id: phase-1
    name: Foundation
    doc: docs/PHASE1.md
    checks:
      - dockerfile-reload
  - id: phase-2
    name: Docs
    checks:
      - file-exists: { path: docs/PHASE1.md }
`;

let h: Harness;

beforeEach(async () => {
  nock.disableNetConnect();
  h = await harness();
});

afterEach(() => finishHttp(h));

type Annotation = { path: string; start_line: number; annotation_level: string; title?: string; message: string };
const annotationsOf = (seen: Parameters<typeof patches>[0], id: number): Annotation[] =>
  patches(seen, `/check-runs/${id}`).flatMap((b: Body) => ((b.output as { annotations?: Annotation[] } | undefined)?.annotations ?? []));

describe("a push whose phase document overclaims", () => {
  it("annotates the claim's line in the document and the evidence's line, and leaves the waiting phase neutral", async () => {
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockCommit(scope, OWNER, REPO, PUSHED, OVERCLAIMED, ["Dockerfile", "docs/PHASE1.md"]);
    mockPublish(scope, PUSHED);

    await h.deliver("push", example("push", undefined, 4));

    const foundation = patches(seen, "/check-runs/11").at(-1);
    expect(foundation).toMatchObject({ conclusion: "failure" });
    const annotations = annotationsOf(seen, 11);
    expect(annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.title])).toEqual([
      ["docs/PHASE1.md", 3, "failure", "claim overclaimed: dockerfile-reload"],
      ["Dockerfile", 4, "failure", "dockerfile-reload: dev-server-flag"],
    ]);
    expect(annotations[0]?.message).toContain("Removed --reload from the production Dockerfile");
    expect(annotations[0]?.message).toContain("Dockerfile:4");
    const output = foundation?.output as { summary: string; text: string };
    expect(output.summary).toContain("docs/PHASE1.md");
    expect(output.summary).toContain("1 overclaimed");

    const docs = patches(seen, "/check-runs/12").at(-1);
    expect(docs).toMatchObject({ conclusion: "neutral", output: { title: "1/1 checks pass" } });
    expect((docs?.output as { summary: string }).summary).toMatch(/ahead: waiting on \*\*Foundation\*\*/);
  });
});

const SUMMARY: Record<string, RegExp> = {
  backed: /1 of 1 verifiable claim backed; 0 unverifiable/,
  overclaimed: /0 of 1 verifiable claim backed, 1 overclaimed/,
  underclaimed: /0 of 1 verifiable claim backed, 1 underclaimed/,
  pending: /0 of 1 verifiable claim backed, 1 pending; 1 unverifiable/,
  unverifiable: /none verifiable; 1 unverifiable$/m,
  ambiguous: /none verifiable; 1 unverifiable \(1 ambiguous\)/,
  mojibake: /0 of 1 verifiable claim backed, 1 overclaimed/,
};

describe.each(SCENARIOS)("through the app, $name", (s) => {
  it("fetches only the document and the files its checks read, and says what the document claims in the check run", async () => {
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, s.files[".github/phase-gate.yml"] ?? "");
    mockCommit(scope, OWNER, REPO, PUSHED, s.files, s.reads);
    mockListRuns(scope, OWNER, REPO, PUSHED);
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 21 });
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/21`).reply(200, { id: 21 });

    await h.deliver("push", example("push", undefined, 4));

    const run = patches(seen, "/check-runs/21").at(-1);
    const output = run?.output as { summary: string; text: string };
    const key = s.name.split(":")[0] as string;
    expect(output.summary).toMatch(SUMMARY[key] as RegExp);
    const onDoc = annotationsOf(seen, 21).filter((a) => a.path === "docs/PHASE1.md");
    if (s.expected.verdict === "overclaimed") {
      expect(onDoc.map((a) => [a.start_line, a.title])).toEqual([[s.expected.line, `claim overclaimed: ${s.expected.check}`]]);
    } else expect(onDoc).toEqual([]);
    if (s.expected.verdict !== "backed") expect(output.text).toContain(`docs/PHASE1.md:${s.expected.line}`);
  });
});

describe("a pull request whose phase document overclaims", () => {
  it("lists the overclaim at the top of the comment, and says the PR turned a backed claim into an overclaim", async () => {
    const scope = api();
    const seen = recordBodies(scope);
    mockAuth(scope);
    mockChecklist(scope, OWNER, REPO, CHECKLIST);
    mockCommit(scope, OWNER, REPO, HEAD, OVERCLAIMED, ["Dockerfile", "docs/PHASE1.md"]);
    mockPublish(scope, HEAD);
    // The base: the same document, a Dockerfile without --reload (the claim was backed there).
    mockCommit(scope, OWNER, REPO, BASE, BACKED, ["Dockerfile"]);
    mockNewComment(scope);

    await h.deliver("pull_request", example("pull_request", "synchronize"));

    const body = String(posts(seen, "/issues/2/comments")[0]?.body);
    const top = body.indexOf("Claims not backed by the code");
    expect(top).toBeGreaterThan(0);
    // Before the per-phase table.
    expect(top).toBeLessThan(body.indexOf("| Phase"));
    expect(body).toContain(`docs/PHASE1.md:3`);
    expect(body).toContain(`#L3`);
    expect(body).toContain("Dockerfile:4");
    const changed = body.slice(body.indexOf("What this PR changed"));
    expect(changed).toMatch(/backed.*overclaimed/s);
  });
});
