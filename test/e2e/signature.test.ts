import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signature256 } from "../support/github-sim/index.js";
import { addRepo, BAD, E2E_TIMEOUT, expectClean, GOOD, PHASES, startE2E, stopE2E, WAIT, type E2E, type TestRepo } from "./harness.js";

/**
 * Webhook signatures, at the real app process: a delivery that is not signed with the app's secret
 * gets 400 and causes no API call at all; the same payload signed right is then audited. The tests
 * of this file run in order and share nothing else, so "no API call" is the whole simulator's log.
 */

let e: E2E;
let repo: TestRepo;
let sha: string;
let payload: Record<string, unknown>;
const refused: string[] = [];

beforeAll(async () => {
  e = await startE2E();
  repo = addRepo(e, "signed", GOOD);
  sha = repo.commit({ "src/app/db.py": BAD["src/app/db.py"] as string });
  payload = (await e.sim.payloads.push(repo.owner, repo.name)) as Record<string, unknown>;
});

afterAll(async () => {
  await stopE2E(e);
});

/** After a refused delivery: 400 with the middleware's message, nothing asked of GitHub, nothing queued. */
function expectRefused(delivery: { status: number; body: string; id: string }): void {
  expect(delivery.status).toBe(400);
  expect(delivery.body).toMatch(/signature/i);
  expect(e.sim.requests(), "API calls after a refused delivery").toEqual([]);
  expect(e.app.lines.filter((l) => l.deliveryId === delivery.id && l.msg !== undefined && /^audit request|^ignored/.test(l.msg))).toEqual([]);
  e.app.assertAlive();
  refused.push(delivery.id);
}

describe("a delivery not signed with the app's secret", { timeout: E2E_TIMEOUT }, () => {
  it("signed with another secret: 400, no API call", async () => {
    expectRefused(await e.sim.deliver(e.app.webhookUrl, { event: "push", payload, secret: "not-the-secret" }));
  });

  it("with no signature: 400, no API call", async () => {
    const delivery = await e.sim.deliver(e.app.webhookUrl, { event: "push", payload, secret: null });
    expect(delivery.status).toBe(400);
    expect(e.sim.requests()).toEqual([]);
    e.app.assertAlive();
    refused.push(delivery.id);
  });

  it("with a body changed after signing: 400, no API call", async () => {
    const body = JSON.stringify(payload);
    const tampered = body.replace(repo.owner, "someone-else");
    expect(tampered).not.toBe(body);
    expectRefused(
      await e.sim.deliver(e.app.webhookUrl, { event: "push", payload: tampered, headers: { "x-hub-signature-256": signature256(e.sim.webhookSecret, body) } }),
    );
  });

  it("then the same payload signed right is audited, and nothing of the refused ones ever ran", async () => {
    expect(refused).toHaveLength(3);
    const good = await e.sim.deliver(e.app.webhookUrl, { event: "push", payload });
    expect(good.status).toBe(200);
    const runs = await e.app.guard(e.sim.waitForCheckRuns(repo.owner, repo.name, sha, { count: 2, ...WAIT }));
    await e.app.settled([good.id]);
    expect(runs.map((r) => r.name).sort()).toEqual([...PHASES].sort());
    // Only the signed delivery reached the queue; every API call came after it was sent.
    expect(e.app.lines.filter((l) => l.msg === "audit request queued").map((l) => l.deliveryId)).toEqual([good.id]);
    expect(e.sim.requests().every((r) => r.time >= good.sentAt)).toBe(true);
    expect(e.app.lines.filter((l) => typeof l.deliveryId === "string" && refused.includes(l.deliveryId) && /^audit|^ignored/.test(l.msg ?? ""))).toEqual([]);
    expectClean(e, [repo]);
  });
});
