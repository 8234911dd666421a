import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { commitAll, git, makeGitRepo, removeDir, writeFiles } from "../support/git-fixture.js";
import { GitHubSim } from "../support/github-sim/index.js";
import { simOctokit, type SimOctokit } from "../support/github-sim/client.js";

/** Issue comments (pagination like GitHub's), reactions, pull requests and permissions in the simulator. */

const INSTALLATION = 9;
let sim: GitHubSim;
let dir: string;
let octokit: SimOctokit;

beforeAll(async () => {
  dir = makeGitRepo({ "a.txt": "a\n" });
  sim = new GitHubSim({ validateResponses: true });
  await sim.start();
  sim.addRepo({ owner: "acme", name: "site", dir, installationId: INSTALLATION, private: true });
  octokit = simOctokit(sim, { installationId: INSTALLATION });
});

afterAll(async () => {
  await sim.stop();
  removeDir(dir);
});

afterEach(() => {
  expect(sim.invalidRequests()).toEqual([]);
  expect(sim.invalidResponses()).toEqual([]);
  sim.reset();
});

/** `<url>; rel="x"` pairs of a link header. */
function links(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(",")) {
    const match = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (match) out[match[2] ?? ""] = match[1] ?? "";
  }
  return out;
}

describe("issue comments", () => {
  it("pages comments oldest first with GitHub's link header (repositories/{id} URLs, prev/next/last/first)", async () => {
    const issue = sim.addIssue("acme", "site");
    for (let i = 0; i < 250; i += 1) sim.addComment("acme", "site", issue.number, { body: `comment ${i}`, user: i % 2 === 0 ? "alice" : "bob" });

    const first = await octokit.rest.issues.listComments({ owner: "acme", repo: "site", issue_number: issue.number, per_page: 100 });
    expect(first.data).toHaveLength(100);
    const id = sim.repo("acme", "site").id;
    expect(links(first.headers.link)).toEqual({
      next: `${sim.apiUrl}/repositories/${id}/issues/${issue.number}/comments?per_page=100&page=2`,
      last: `${sim.apiUrl}/repositories/${id}/issues/${issue.number}/comments?per_page=100&page=3`,
    });
    // Following the link, as Octokit's paginate does.
    const second = await octokit.request(`GET ${links(first.headers.link).next}`);
    expect(links(second.headers.link)).toMatchObject({ prev: expect.stringContaining("page=1"), next: expect.stringContaining("page=3"), first: expect.stringContaining("page=1") });

    sim.reset();
    const all = await octokit.paginate(octokit.rest.issues.listComments, { owner: "acme", repo: "site", issue_number: issue.number, per_page: 100 });
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 250 }, (_, i) => `comment ${i}`));
    expect(sim.requests().map((r) => [r.route, r.status])).toEqual(Array(3).fill(["GET /repos/{owner}/{repo}/issues/{issue_number}/comments", 200]));
    // The default page size is GitHub's 30.
    const defaults = await octokit.rest.issues.listComments({ owner: "acme", repo: "site", issue_number: issue.number });
    expect(defaults.data).toHaveLength(30);
    expect(links(defaults.headers.link).last).toContain("page=9");
  });

  it("creates comments as the app's bot and edits them in place", async () => {
    const issue = sim.addIssue("acme", "site");
    const { data: created } = await octokit.rest.issues.createComment({ owner: "acme", repo: "site", issue_number: issue.number, body: "<!-- marker -->\nfirst" });
    expect(created.user).toMatchObject({ login: sim.botLogin, type: "Bot" });
    expect(created.performed_via_github_app).toMatchObject({ id: sim.appId });
    const { data: updated } = await octokit.rest.issues.updateComment({ owner: "acme", repo: "site", comment_id: created.id, body: "<!-- marker -->\nsecond" });
    expect(updated.body).toBe("<!-- marker -->\nsecond");
    expect(sim.comments("acme", "site", issue.number).map((c) => [c.body, c.edits, c.user.login])).toEqual([["<!-- marker -->\nsecond", 1, sim.botLogin]]);
  });

  it("answers 404 for comments on an issue that does not exist and for unknown comments", async () => {
    await expect(octokit.rest.issues.createComment({ owner: "acme", repo: "site", issue_number: 999, body: "x" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.issues.listComments({ owner: "acme", repo: "site", issue_number: 999 })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.issues.updateComment({ owner: "acme", repo: "site", comment_id: 1, body: "x" })).rejects.toMatchObject({ status: 404 });
  });

  it("refuses a comment body over GitHub's limit with 422", async () => {
    const issue = sim.addIssue("acme", "site");
    await expect(octokit.rest.issues.createComment({ owner: "acme", repo: "site", issue_number: issue.number, body: "x".repeat(65_537) })).rejects.toMatchObject({ status: 422 });
    expect(sim.invalidRequests()).toHaveLength(1);
    expect(sim.comments("acme", "site", issue.number)).toEqual([]);
    sim.reset();
  });
});

describe("reactions", () => {
  it("creates a reaction (201), and answers 200 with the same one when it exists", async () => {
    const issue = sim.addIssue("acme", "site");
    const comment = sim.addComment("acme", "site", issue.number, { body: "/phase-report" });
    const first = await octokit.rest.reactions.createForIssueComment({ owner: "acme", repo: "site", comment_id: comment.id, content: "eyes" });
    const again = await octokit.rest.reactions.createForIssueComment({ owner: "acme", repo: "site", comment_id: comment.id, content: "eyes" });
    const rocket = await octokit.rest.reactions.createForIssueComment({ owner: "acme", repo: "site", comment_id: comment.id, content: "rocket" });
    expect([first.status, again.status, rocket.status]).toEqual([201, 200, 201]);
    expect(again.data.id).toBe(first.data.id);
    expect(sim.reactions("acme", "site", comment.id).map((r) => [r.content, r.user.login])).toEqual([
      ["eyes", sim.botLogin],
      ["rocket", sim.botLogin],
    ]);
    const { data } = await octokit.rest.issues.getComment({ owner: "acme", repo: "site", comment_id: comment.id });
    expect(data.reactions).toMatchObject({ total_count: 2, eyes: 1, rocket: 1 });
  });

  it("refuses a reaction GitHub does not have (422)", async () => {
    const issue = sim.addIssue("acme", "site");
    const comment = sim.addComment("acme", "site", issue.number, { body: "x" });
    const route = "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions" as string;
    await expect(octokit.request(route, { owner: "acme", repo: "site", comment_id: comment.id, content: "thumbsup" })).rejects.toMatchObject({ status: 422 });
    expect(sim.invalidRequests()).toHaveLength(1);
    sim.reset();
  });
});

describe("pull requests and permissions", () => {
  it("serves a declared pull request whose head follows its branch", async () => {
    git(dir, "checkout", "-q", "-b", "feature");
    writeFiles(dir, { "f.txt": "1\n" });
    const one = commitAll(dir, "one");
    const pr = sim.addPullRequest("acme", "site", { head: "feature", title: "Add f" });
    const before = await octokit.rest.pulls.get({ owner: "acme", repo: "site", pull_number: pr.number });
    expect(before.data).toMatchObject({ number: pr.number, title: "Add f", state: "open", head: { ref: "feature", sha: one }, base: { ref: "main", sha: git(dir, "rev-parse", "main").trim() } });
    writeFiles(dir, { "f.txt": "2\n" });
    const two = commitAll(dir, "two");
    git(dir, "checkout", "-q", "main");
    const after = await octokit.rest.pulls.get({ owner: "acme", repo: "site", pull_number: pr.number });
    expect(after.data.head.sha).toBe(two);
    await expect(octokit.rest.pulls.get({ owner: "acme", repo: "site", pull_number: 4040 })).rejects.toMatchObject({ status: 404 });
  });

  it("answers collaborator permissions as declared, none by default on a private repository", async () => {
    sim.setPermission("acme", "site", "maintainer", "admin");
    const admin = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "site", username: "maintainer" });
    expect(admin.data).toMatchObject({ permission: "admin", user: { login: "maintainer" } });
    const stranger = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "site", username: "stranger" });
    expect(stranger.data.permission).toBe("none");
  });
});
