import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findComment, upsertComment } from "../../src/github/comment.js";
import { COMMENT_MARKER } from "../../src/report/comment.js";
import { assertRequestsValid, githubApi, resetRequests, sentRequests } from "../support/openapi.js";

/** The sticky comment at the HTTP boundary: nock, network disabled, every request validated. */

const BOT = "phase-gate[bot]";
const target = { owner: "acme", repo: "shop", issueNumber: 7 };
const COMMENTS = "/repos/acme/shop/issues/7/comments";
const BODY = `${COMMENT_MARKER}\n## phase-gate: phase completion\n\nall good\n`;

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

let nextId = 1;
const comment = (body: string, login: string, type: "Bot" | "User" = "User"): Record<string, unknown> => ({
  id: nextId++,
  body,
  user: { login, type },
});
const others = (n: number): Record<string, unknown>[] => Array.from({ length: n }, (_, i) => comment(`comment ${i}`, `user${i}`));
const nextPage = (page: number): Record<string, string> => ({
  link: `<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=${page}>; rel="next"`,
});
const calls = (): string[] => sentRequests().map((r) => `${r.method} ${r.path}`);

describe("upsertComment", () => {
  it("creates the comment when the thread has none", async () => {
    githubApi().get(COMMENTS).query({ per_page: "100" }).reply(200, others(3)).post(COMMENTS).reply(201, { id: 99 });
    expect(await upsertComment(octokit, target, BODY, { botLogin: BOT })).toBe("created");
    expect(sentRequests().map((r) => [r.method, r.path, r.body])).toEqual([
      ["GET", `${COMMENTS}?per_page=100`, undefined],
      ["POST", COMMENTS, { body: BODY }],
    ]);
  });

  it("finds the app's comment on page 2 and edits it in place, fetching no further page", async () => {
    githubApi()
      .get(COMMENTS)
      .query({ per_page: "100" })
      .reply(200, others(100), nextPage(2))
      .get("/repositories/1/issues/7/comments")
      .query({ per_page: "100", page: "2" })
      // Page 3 exists but must not be read: the comment is on page 2.
      .reply(200, [comment("hello", "alice"), { ...comment(`${COMMENT_MARKER}\nold body`, BOT, "Bot"), id: 4242 }, comment("later", "bob")], nextPage(3))
      .patch("/repos/acme/shop/issues/comments/4242")
      .reply(200, { id: 4242 });
    expect(await upsertComment(octokit, target, BODY, { botLogin: BOT })).toBe("updated");
    expect(calls()).toEqual([
      `GET ${COMMENTS}?per_page=100`,
      "GET /repositories/1/issues/7/comments?per_page=100&page=2",
      "PATCH /repos/acme/shop/issues/comments/4242",
    ]);
    expect(sentRequests()[2]?.body).toEqual({ body: BODY });
  });

  it("does not edit a comment whose body did not change (also when GitHub stored CRLF line ends)", async () => {
    githubApi()
      .get(COMMENTS)
      .query({ per_page: "100" })
      .reply(200, [comment(BODY, BOT, "Bot")])
      .get(COMMENTS)
      .query({ per_page: "100" })
      .reply(200, [comment(BODY.replace(/\n/g, "\r\n"), BOT, "Bot")]);
    expect(await upsertComment(octokit, target, BODY, { botLogin: BOT })).toBe("unchanged");
    expect(await upsertComment(octokit, target, BODY, { botLogin: BOT })).toBe("unchanged");
    expect(calls()).toEqual([`GET ${COMMENTS}?per_page=100`, `GET ${COMMENTS}?per_page=100`]);
  });

  it("ignores the marker in comments by anyone but the app's bot", async () => {
    githubApi()
      .get(COMMENTS)
      .query({ per_page: "100" })
      .reply(200, [
        // A person who pasted the marker, a user named like the bot, another app's bot, the marker not first.
        comment(`${COMMENT_MARKER}\nhijack`, "mallory"),
        comment(`${COMMENT_MARKER}\nhijack`, BOT, "User"),
        comment(`${COMMENT_MARKER}\nother app`, "other-app[bot]", "Bot"),
        comment(`quoted:\n${COMMENT_MARKER}`, BOT, "Bot"),
      ])
      .post(COMMENTS)
      .reply(201, { id: 99 });
    expect(await upsertComment(octokit, target, BODY, { botLogin: BOT })).toBe("created");
  });

  it("is safe to call twice in a row, and twice at once: one comment", async () => {
    let created: Record<string, unknown> | null = null;
    githubApi()
      .get(COMMENTS)
      .query({ per_page: "100" })
      .times(4)
      .reply(200, () => (created === null ? [] : [created]))
      .post(COMMENTS)
      .reply(201, (_uri, body) => {
        created = comment((body as { body: string }).body, BOT, "Bot");
        return created;
      });
    expect(await upsertComment(octokit, target, BODY, { botLogin: BOT })).toBe("created");
    expect(await upsertComment(octokit, target, BODY, { botLogin: BOT })).toBe("unchanged");
    expect(await Promise.all([upsertComment(octokit, target, BODY, { botLogin: BOT }), upsertComment(octokit, target, BODY, { botLogin: BOT })])).toEqual([
      "unchanged",
      "unchanged",
    ]);
    expect(calls().filter((c) => c.startsWith("POST"))).toHaveLength(1);
  });

  it("serialises concurrent first calls for one thread, so only the first creates", async () => {
    let created: Record<string, unknown> | null = null;
    githubApi()
      .get(COMMENTS)
      .query({ per_page: "100" })
      .times(2)
      .reply(200, () => (created === null ? [] : [created]))
      .post(COMMENTS)
      .reply(201, (_uri, body) => {
        created = comment((body as { body: string }).body, BOT, "Bot");
        return created;
      })
      .patch(/\/repos\/acme\/shop\/issues\/comments\/\d+/)
      .reply(200, {});
    const second = `${BODY}changed\n`;
    const results = await Promise.all([upsertComment(octokit, target, BODY, { botLogin: BOT }), upsertComment(octokit, target, second, { botLogin: BOT })]);
    expect(results).toEqual(["created", "updated"]);
    expect(calls().map((c) => c.split(" ")[0])).toEqual(["GET", "POST", "GET", "PATCH"]);
  });

  it("refuses a body without the marker, which could never be found again", async () => {
    await expect(upsertComment(octokit, target, "no marker", { botLogin: BOT })).rejects.toThrow(RangeError);
    expect(sentRequests()).toEqual([]);
  });

  it("works with another marker (one reply per command)", async () => {
    const marker = "<!-- phase-gate:reply:555 -->";
    githubApi()
      .get(COMMENTS)
      .query({ per_page: "100" })
      .reply(200, [comment(`${COMMENT_MARKER}\nthe report`, BOT, "Bot"), { ...comment(`${marker}\nold`, BOT, "Bot"), id: 31 }])
      .patch("/repos/acme/shop/issues/comments/31")
      .reply(200, { id: 31 });
    expect(await upsertComment(octokit, target, `${marker}\nnew`, { botLogin: BOT, marker })).toBe("updated");
  });
});

describe("findComment", () => {
  it("returns null after the last page when no comment is the app's", async () => {
    githubApi()
      .get(COMMENTS)
      .query({ per_page: "100" })
      .reply(200, others(100), nextPage(2))
      .get("/repositories/1/issues/7/comments")
      .query({ per_page: "100", page: "2" })
      .reply(200, others(5));
    expect(await findComment(octokit, target, { botLogin: BOT })).toBeNull();
  });
});
