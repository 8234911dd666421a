import { describe, expect, it } from "vitest";
import { AuditQueue, JobTimeoutError, type JobControl, type QueueEvent, type QueueOptions } from "../../src/github/queue.js";

/** A request as the app makes them, reduced to what the queue looks at. */
interface Req {
  readonly id: string;
  readonly key: string;
  readonly installation: number;
  readonly sha: string;
  readonly tags?: readonly string[];
}

interface Call {
  readonly request: Req;
  readonly control: JobControl;
  resolve(): void;
  reject(error: unknown): void;
}

/** A worker whose jobs end only when the test says so: no timers, no wall time. */
function harness(options: Partial<QueueOptions<Req>> = {}) {
  const calls: Call[] = [];
  const errors: { error: unknown; request: Req }[] = [];
  const events: QueueEvent<Req>[] = [];
  const queue = new AuditQueue<Req>({
    worker: (request, control) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ request, control, resolve, reject });
      }),
    keyOf: (r) => r.key,
    installationOf: (r) => r.installation,
    supersedes: (running, newer) => running.sha !== newer.sha,
    onError: (error, request) => errors.push({ error, request }),
    onEvent: (event) => events.push(event),
    ...options,
  });
  const started = () => calls.map((c) => c.request.id);
  const call = (id: string): Call => {
    const found = calls.find((c) => c.request.id === id);
    if (!found) throw new Error(`job ${id} did not start`);
    return found;
  };
  return { queue, calls, errors, events, started, call };
}

const req = (id: string, key: string, sha = id, installation = 1, tags?: readonly string[]): Req => ({
  id,
  key,
  installation,
  sha,
  ...(tags ? { tags } : {}),
});

/** Lets every settled promise run its callbacks. */
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe("AuditQueue", () => {
  it("runs a request at once when there is room", async () => {
    const h = harness();
    expect(h.queue.enqueue(req("a", "r@main"))).toBe("queued");
    expect(h.started()).toEqual(["a"]);
    expect(h.call("a").control.isCurrent()).toBe(true);
    expect(h.queue.stats).toEqual({ queued: 0, running: 1 });
    h.call("a").resolve();
    await h.queue.idle();
    expect(h.queue.stats).toEqual({ queued: 0, running: 0 });
  });

  it("a newer request replaces a queued one of the same key", async () => {
    const h = harness({ global: 1 });
    h.queue.enqueue(req("blocker", "other"));
    expect(h.queue.enqueue(req("push1", "r@main"))).toBe("queued");
    expect(h.queue.enqueue(req("push2", "r@main"))).toBe("merged");
    expect(h.queue.stats).toEqual({ queued: 1, running: 1 });
    h.call("blocker").resolve();
    await flush();
    expect(h.started()).toEqual(["blocker", "push2"]);
    h.call("push2").resolve();
    await h.queue.idle();
    expect(h.started()).not.toContain("push1");
  });

  it("merge decides what the replacing request carries", async () => {
    const h = harness({
      global: 1,
      merge: (queued, newer) => ({ ...newer, tags: [...(queued.tags ?? []), ...(newer.tags ?? [])] }),
    });
    h.queue.enqueue(req("blocker", "other"));
    h.queue.enqueue(req("cmd", "r#pr:1", "s1", 1, ["comment-7"]));
    h.queue.enqueue(req("sync", "r#pr:1", "s2", 1, ["sync"]));
    h.call("blocker").resolve();
    await flush();
    expect(h.call("sync").request.tags).toEqual(["comment-7", "sync"]);
    expect(h.call("sync").request.sha).toBe("s2");
  });

  it("a newer commit makes the running job stale and runs after it", async () => {
    const h = harness();
    h.queue.enqueue(req("old", "r@main", "s1"));
    const old = h.call("old");
    h.queue.enqueue(req("new", "r@main", "s2"));
    expect(old.control.isCurrent()).toBe(false);
    expect(old.control.signal.aborted).toBe(true);
    // One job per key: the newer waits for the stale one to end.
    expect(h.started()).toEqual(["old"]);
    old.resolve();
    await flush();
    expect(h.started()).toEqual(["old", "new"]);
    expect(h.call("new").control.isCurrent()).toBe(true);
    expect(h.events.filter((e) => e.type === "superseded").map((e) => e.request.id)).toEqual(["old"]);
  });

  it("the request that supersedes a running job carries what the stale job did (merge)", async () => {
    const h = harness({ merge: (older, newer) => ({ ...newer, tags: [...(older.tags ?? []), ...(newer.tags ?? [])] }) });
    h.queue.enqueue(req("cmd", "r#pr:1", "s1", 1, ["comment-7"]));
    h.queue.enqueue(req("sync", "r#pr:1", "s2", 1, ["sync"]));
    expect(h.call("cmd").control.isCurrent()).toBe(false);
    h.call("cmd").resolve();
    await flush();
    expect(h.call("sync").request.tags).toEqual(["comment-7", "sync"]);
  });

  it("the same commit again does not make the running job stale", () => {
    const h = harness();
    h.queue.enqueue(req("first", "r@main", "s1"));
    h.queue.enqueue(req("again", "r@main", "s1"));
    expect(h.call("first").control.isCurrent()).toBe(true);
    expect(h.call("first").control.signal.aborted).toBe(false);
    expect(h.queue.stats).toEqual({ queued: 1, running: 1 });
  });

  it("a merged queued request still supersedes the running job when its commit differs", () => {
    const h = harness();
    h.queue.enqueue(req("run", "r@main", "s1"));
    h.queue.enqueue(req("q1", "r@main", "s1"));
    expect(h.call("run").control.isCurrent()).toBe(true);
    h.queue.enqueue(req("q2", "r@main", "s2"));
    expect(h.call("run").control.isCurrent()).toBe(false);
  });

  it("drops a request that duplicates the running job", async () => {
    const h = harness({ duplicates: (running, newer) => running.sha === newer.sha && newer.tags === undefined });
    h.queue.enqueue(req("push", "r@main", "s1"));
    expect(h.queue.enqueue(req("suite", "r@main", "s1"))).toBe("dropped");
    expect(h.queue.enqueue(req("rerun", "r@main", "s1", 1, ["rerun"]))).toBe("queued");
    h.call("push").resolve();
    await flush();
    expect(h.started()).toEqual(["push", "rerun"]);
  });

  it("does not treat a request as a duplicate of a stale job", () => {
    const h = harness({ duplicates: (running, newer) => running.sha === newer.sha });
    h.queue.enqueue(req("a", "r@main", "s1"));
    h.queue.enqueue(req("b", "r@main", "s2")); // a is stale, b queued
    h.call("a"); // still running
    // b is queued: a third request merges into it rather than being compared with the stale job.
    expect(h.queue.enqueue(req("c", "r@main", "s1"))).toBe("merged");
  });

  it("limits running jobs per installation", async () => {
    const h = harness({ perInstallation: 2, global: 10 });
    h.queue.enqueue(req("i1-a", "a", "a", 1));
    h.queue.enqueue(req("i1-b", "b", "b", 1));
    h.queue.enqueue(req("i1-c", "c", "c", 1));
    h.queue.enqueue(req("i2-a", "d", "d", 2));
    expect(h.started()).toEqual(["i1-a", "i1-b", "i2-a"]);
    h.call("i1-b").resolve();
    await flush();
    expect(h.started()).toEqual(["i1-a", "i1-b", "i2-a", "i1-c"]);
  });

  it("limits running jobs overall, oldest first", async () => {
    const h = harness({ perInstallation: 5, global: 2 });
    h.queue.enqueue(req("1", "k1", "1", 1));
    h.queue.enqueue(req("2", "k2", "2", 2));
    h.queue.enqueue(req("3", "k3", "3", 3));
    h.queue.enqueue(req("4", "k4", "4", 4));
    expect(h.started()).toEqual(["1", "2"]);
    h.call("2").resolve();
    await flush();
    expect(h.started()).toEqual(["1", "2", "3"]);
    h.call("1").resolve();
    h.call("3").resolve();
    await flush();
    expect(h.started()).toEqual(["1", "2", "3", "4"]);
  });

  it("by default runs 4 jobs of one installation and 32 in all", () => {
    const { queue, started } = harness();
    for (let i = 0; i < 6; i++) queue.enqueue(req(`a${i}`, `a${i}`, `a${i}`, 1));
    expect(started()).toEqual(["a0", "a1", "a2", "a3"]);
    for (let i = 0; i < 40; i++) queue.enqueue(req(`b${i}`, `b${i}`, `b${i}`, 100 + i));
    expect(started()).toHaveLength(32);
    expect(started().filter((id) => id.startsWith("a"))).toHaveLength(4);
  });

  it("a held lock keeps a job of another key waiting", async () => {
    const h = harness({ locksOf: (r) => [`sha:${r.sha}`] });
    h.queue.enqueue(req("push", "r@main", "s1"));
    h.queue.enqueue(req("pr", "r#pr:1", "s1"));
    h.queue.enqueue(req("other", "r#pr:2", "s9"));
    expect(h.started()).toEqual(["push", "other"]);
    h.call("push").resolve();
    await flush();
    expect(h.started()).toEqual(["push", "other", "pr"]);
  });

  it("isolates a failing job: reported, slot freed, the next one runs", async () => {
    const h = harness({ global: 1 });
    h.queue.enqueue(req("bad", "k1"));
    h.queue.enqueue(req("good", "k2"));
    const boom = new Error("boom");
    h.call("bad").reject(boom);
    await flush();
    expect(h.errors).toEqual([{ error: boom, request: h.call("bad").request }]);
    expect(h.started()).toEqual(["bad", "good"]);
    h.call("good").resolve();
    await h.queue.idle();
  });

  it("isolates a worker that throws before returning a promise", async () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const queue = new AuditQueue<Req>({
      worker: (r) => {
        seen.push(r.id);
        if (r.id === "sync-throw") throw new Error("sync");
        return Promise.resolve();
      },
      keyOf: (r) => r.key,
      installationOf: (r) => r.installation,
      onError: (e) => errors.push(e),
      global: 1,
    });
    queue.enqueue(req("sync-throw", "k1"));
    queue.enqueue(req("after", "k2"));
    await queue.idle();
    expect(seen).toEqual(["sync-throw", "after"]);
    expect(errors).toHaveLength(1);
  });

  it("survives a throwing error reporter", async () => {
    const h = harness({
      global: 1,
      onError: () => {
        throw new Error("logger down");
      },
    });
    h.queue.enqueue(req("bad", "k1"));
    h.queue.enqueue(req("next", "k2"));
    h.call("bad").reject(new Error("x"));
    await flush();
    expect(h.started()).toEqual(["bad", "next"]);
  });

  it("idle resolves only when everything is done", async () => {
    const h = harness({ global: 1 });
    h.queue.enqueue(req("a", "k1"));
    h.queue.enqueue(req("b", "k2"));
    let idle = false;
    void h.queue.idle().then(() => {
      idle = true;
    });
    h.call("a").resolve();
    await flush();
    expect(idle).toBe(false);
    h.call("b").resolve();
    await flush();
    expect(idle).toBe(true);
  });

  it("a job that never ends is timed out: made stale, reported, its slot and key freed", async () => {
    const timers: { fire: () => void; ms: number; cancelled: boolean }[] = [];
    const h = harness({
      global: 1,
      timeoutMs: 5_000,
      setTimer: (fire, ms) => {
        const timer = { fire, ms, cancelled: false };
        timers.push(timer);
        return () => {
          timer.cancelled = true;
        };
      },
    });
    h.queue.enqueue(req("hung", "r@main", "s1"));
    h.queue.enqueue(req("next", "r@main", "s2"));
    h.queue.enqueue(req("other", "k2"));
    expect(timers.map((t) => t.ms)).toEqual([5_000]);
    const hung = h.call("hung");
    timers[0]?.fire();
    expect(hung.control.isCurrent()).toBe(false);
    expect(hung.control.signal.aborted).toBe(true);
    expect(h.errors.map((e) => [e.request.id, e.error instanceof JobTimeoutError])).toEqual([["hung", true]]);
    expect(h.started()).toEqual(["hung", "next"]);
    // The hung job ending late changes nothing: no second report, no extra slot.
    hung.reject(new Error("late"));
    await flush();
    expect(h.errors).toHaveLength(1);
    expect(h.started()).toEqual(["hung", "next"]);
    h.call("next").resolve();
    await flush();
    // A job that ends in time cancels its timer.
    expect(timers[1]?.cancelled).toBe(true);
    expect(h.started()).toEqual(["hung", "next", "other"]);
    h.call("other").resolve();
    await h.queue.idle();
  });

  it("timeoutMs 0: no timer", () => {
    let timers = 0;
    const h = harness({
      timeoutMs: 0,
      setTimer: () => {
        timers += 1;
        return () => undefined;
      },
    });
    h.queue.enqueue(req("a", "k"));
    expect(timers).toBe(0);
  });

  it("refuses limits that are not positive integers", () => {
    const base = { worker: async () => {}, keyOf: (r: Req) => r.key, installationOf: (r: Req) => r.installation };
    expect(() => new AuditQueue<Req>({ ...base, global: 0 })).toThrow(/global/);
    expect(() => new AuditQueue<Req>({ ...base, perInstallation: 1.5 })).toThrow(/perInstallation/);
    expect(() => new AuditQueue<Req>({ ...base, timeoutMs: -1 })).toThrow(/timeoutMs/);
  });
});
