import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ItemExponentialFailureRateLimiter } from "../client/rate-limiter.ts";
import { FakeClock, settle } from "../client/testing/fake-clock.ts";
import { Runner, TerminalSyncError, type Reconciler, type Requeue, type SyncOutcome } from "./runner.ts";

type Behaviour = "ok" | "throw" | "terminal" | { requeueAfterMs: number };

/** A reconciler whose answers per call are scripted; records when each call happened. */
class Scripted implements Reconciler {
  readonly name = "scripted";
  readonly calls: { key: string; at: number }[] = [];
  constructor(
    private readonly clock: FakeClock,
    private readonly script: Behaviour[],
  ) {}
  async sync(key: string): Promise<Requeue | void> {
    const behaviour = this.script[this.calls.length] ?? "ok";
    this.calls.push({ key, at: this.clock.now() });
    if (behaviour === "throw") throw new Error("transient");
    if (behaviour === "terminal") throw new TerminalSyncError("impossible");
    if (behaviour !== "ok") return behaviour;
  }
}

interface Case {
  name: string;
  script: Behaviour[];
  /** Milliseconds after start at which each expected call happens. */
  callsAt: number[];
  outcomes: SyncOutcome[];
  reported: ("retrying" | "dropped")[];
}

const cases: Case[] = [
  { name: "success forgets the key", script: ["ok"], callsAt: [0], outcomes: ["synced"], reported: [] },
  { name: "a throw backs off exponentially, then succeeds", script: ["throw", "throw", "ok"], callsAt: [0, 10, 30], outcomes: ["retrying", "retrying", "synced"], reported: ["retrying", "retrying"] },
  { name: "an explicit delay requeues later", script: [{ requeueAfterMs: 500 }, "ok"], callsAt: [0, 500], outcomes: ["requeued", "synced"], reported: [] },
  { name: "a terminal error is dropped", script: ["terminal"], callsAt: [0], outcomes: ["dropped"], reported: ["dropped"] },
  { name: "success resets the back-off", script: ["throw", "ok", "throw", "ok"], callsAt: [0, 10], outcomes: ["retrying", "synced"], reported: ["retrying"] },
];

describe("Runner retry contract", () => {
  for (const c of cases) {
    test(c.name, async () => {
      const clock = new FakeClock();
      const start = clock.now();
      const reconciler = new Scripted(clock, c.script);
      const outcomes: SyncOutcome[] = [];
      const reported: string[] = [];
      const runner = new Runner(reconciler, {
        clock,
        rateLimiter: new ItemExponentialFailureRateLimiter<string>(10, 1000),
        observe: (_key, outcome) => outcomes.push(outcome),
        report: (_controller, _key, outcome) => reported.push(outcome),
      });
      const stop = new AbortController();
      const running = runner.start(stop.signal);
      runner.enqueue("ns/a");
      for (let i = 0; i < 200; i++) await clock.advanceAsync(5);
      stop.abort();
      await running;
      assert.deepEqual(reconciler.calls.map((call) => call.at - start), c.callsAt);
      assert.deepEqual(outcomes, c.outcomes);
      assert.deepEqual(reported, c.reported);
    });
  }
});

describe("Runner workers", () => {
  test("a key is never synced by two workers at once, other keys run in parallel", async () => {
    const active = new Map<string, number>();
    let maxSameKey = 0;
    let maxParallel = 0;
    let total = 0;
    const releases: (() => void)[] = [];
    const reconciler: Reconciler = {
      name: "slow",
      async sync(key) {
        active.set(key, (active.get(key) ?? 0) + 1);
        maxSameKey = Math.max(maxSameKey, active.get(key)!);
        maxParallel = Math.max(maxParallel, [...active.values()].reduce((a, b) => a + b, 0));
        total++;
        await new Promise<void>((resolve) => releases.push(resolve));
        active.set(key, active.get(key)! - 1);
      },
    };
    const runner = new Runner(reconciler, { workers: 4 });
    const stop = new AbortController();
    const running = runner.start(stop.signal);
    runner.enqueue("a");
    runner.enqueue("b");
    await settle();
    runner.enqueue("a");
    runner.enqueue("a");
    for (let round = 0; round < 10 && (releases.length > 0 || total < 3); round++) {
      for (const release of releases.splice(0)) release();
      await settle();
    }
    stop.abort();
    for (const release of releases.splice(0)) release();
    await running;
    assert.equal(maxSameKey, 1);
    assert.equal(maxParallel, 2);
    // "a" twice (the two re-adds while it ran collapse into one), "b" once.
    assert.equal(total, 3);
  });

  test("start resolves only after the sync in progress has finished", async () => {
    let finished = false;
    let release: () => void = () => {};
    const runner = new Runner({
      name: "hold",
      async sync() {
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
    });
    const stop = new AbortController();
    let stopped = false;
    const running = runner.start(stop.signal).then(() => (stopped = true));
    runner.enqueue("k");
    await settle();
    stop.abort();
    await settle();
    assert.equal(stopped, false);
    release();
    await running;
    assert.equal(finished, true);
  });
});
