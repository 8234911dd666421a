import { describe, expect, it } from "vitest";
import { botReason, Cooldown, parseCommand, threadKey, unknownPhaseReply } from "../../src/github/commands.js";

describe("parseCommand", () => {
  it.each([
    ["/phase-report", {}],
    ["/phase-report phase-1", { phase: "phase-1" }],
    ["  /phase-report   phase-2  ", { phase: "phase-2" }],
    ["/phase-report phase-1 please", { phase: "phase-1" }],
    ["/PHASE-REPORT", {}],
    ["Thanks!\n\n/phase-report", {}],
    ["some text\n/phase-report baseline\nmore", { phase: "baseline" }],
    ["/phase-report\r\n", {}],
    ["first\r/phase-report x", { phase: "x" }],
    ["/phase-report one\n/phase-report two", { phase: "one" }],
    // A paragraph line indented by four spaces is still paragraph text, not code, but not a command line either.
    ["text\n    /phase-report", null],
  ])("%j -> %j", (body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });

  it.each([
    ["not a command", "please /phase-report"],
    ["another command", "/phase-reports"],
    ["inline code", "`/phase-report`"],
    ["a quote", "> /phase-report"],
    ["a nested quote", "> > /phase-report"],
    ["a quote's lazy continuation", "> I ran\n/phase-report"],
    ["a backtick fence", "```\n/phase-report\n```"],
    ["a tilde fence", "~~~sh\n/phase-report\n~~~"],
    ["a longer fence closed only by a long enough one", "````\n```\n/phase-report\n````"],
    ["an unclosed fence", "```\n/phase-report"],
    ["a fence of the other character does not close", "~~~\n```\n/phase-report\n~~~"],
    ["indented code", "\n    /phase-report"],
    ["tab-indented code", "\t/phase-report"],
    ["an HTML comment", "<!--\n/phase-report\n-->"],
    ["a one-line HTML comment", "<!-- /phase-report -->"],
    ["empty", ""],
  ])("%s is no command", (_what, body) => {
    expect(parseCommand(body)).toBeNull();
  });

  it("finds a command after a closed fence, a quote and a comment", () => {
    const body = "```\n/phase-report a\n```\n> /phase-report b\n\n<!-- /phase-report c -->\n/phase-report d";
    expect(parseCommand(body)).toEqual({ phase: "d" });
  });

  it("a backtick line with backticks in its info string is no fence", () => {
    expect(parseCommand("``` a ` b\n/phase-report")).toEqual({});
  });
});

describe("botReason", () => {
  it("lets a person through", () => {
    expect(botReason({ senderType: "User", userType: "User", userLogin: "octocat", appLogin: "phase-gate[bot]" })).toBeNull();
  });
  it("refuses a bot sender", () => {
    expect(botReason({ senderType: "Bot", userType: "User", userLogin: "x" })).toMatch(/sender is a bot/);
  });
  it("refuses a bot author", () => {
    expect(botReason({ senderType: "User", userType: "Bot", userLogin: "dependabot[bot]" })).toMatch(/author is a bot/);
  });
  it("refuses the app's own comment whatever its type says", () => {
    expect(botReason({ senderType: "User", userType: "User", userLogin: "Phase-Gate[bot]", appLogin: "phase-gate[bot]" })).toMatch(/app's own/);
  });
  it("does not refuse when the app's login is unknown", () => {
    expect(botReason({ senderType: "User", userType: "User", userLogin: "phase-gate[bot]" })).toBeNull();
  });
});

describe("Cooldown", () => {
  it("accepts one command per thread per period, measured from the accepted one", () => {
    let now = 1_000;
    const cooldown = new Cooldown({ ms: 60_000, now: () => now });
    expect(cooldown.tryAcquire("o/r#1")).toEqual({ ok: true });
    now += 10_000;
    expect(cooldown.tryAcquire("o/r#1")).toEqual({ ok: false, retryInMs: 50_000 });
    // Another thread is not affected.
    expect(cooldown.tryAcquire("o/r#2")).toEqual({ ok: true });
    now += 49_999;
    expect(cooldown.tryAcquire("o/r#1")).toEqual({ ok: false, retryInMs: 1 });
    now += 1;
    expect(cooldown.tryAcquire("o/r#1")).toEqual({ ok: true });
  });

  it("forgets expired threads and keeps at most maxThreads", () => {
    let now = 0;
    const cooldown = new Cooldown({ ms: 100, now: () => now, maxThreads: 3 });
    for (const t of ["a", "b", "c", "d"]) cooldown.tryAcquire(t);
    expect(cooldown.size).toBe(3);
    // "a" was forgotten, so it is accepted again; "d" is still cooling down.
    expect(cooldown.tryAcquire("a")).toEqual({ ok: true });
    expect(cooldown.tryAcquire("d").ok).toBe(false);
    now = 1_000;
    cooldown.tryAcquire("e");
    expect(cooldown.size).toBe(1);
  });

  it("thread keys ignore case", () => {
    expect(threadKey("Octo", "Repo", 3)).toBe(threadKey("octo", "repo", 3));
  });
});

describe("unknownPhaseReply", () => {
  it("lists the valid phase ids and how to ask", () => {
    const body = unknownPhaseReply("phase-9", [
      { id: "phase-1", name: "Foundation & Security" },
      { id: "phase-2", name: "Hardening <b>@team</b>" },
    ]);
    expect(body).toContain("no phase `phase-9`");
    expect(body).toContain("- `phase-1` (Foundation & Security)");
    expect(body).toContain("- `phase-2` (Hardening \\<b\\>@\u200bteam\\</b\\>)");
    expect(body).toContain("`/phase-report <phase-id>`");
  });

  it("cannot be broken out of its code span", () => {
    expect(unknownPhaseReply("a`b", [])).toContain("`a'b`");
  });
});
