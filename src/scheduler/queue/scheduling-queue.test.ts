import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Framework } from "../framework/framework.ts";
import type { QueuedPodInfo } from "../framework/plugin.ts";
import { NodeAffinityPlugin } from "../plugins/node-affinity.ts";
import { NodeResourcesFitPlugin } from "../plugins/node-resources-fit.ts";
import { makePod } from "../testing/objects.ts";
import { SchedulingQueue } from "./scheduling-queue.ts";

function setup() {
  const clock = { now: 0 };
  const framework = new Framework({ schedulerName: "default-scheduler", plugins: [new NodeResourcesFitPlugin(), new NodeAffinityPlugin()] });
  const queue = new SchedulingQueue({
    less: (left, right) => framework.less(left, right),
    eventsFor: (plugins) => framework.eventsFor(plugins),
    now: () => clock.now,
  });
  return { clock, queue };
}

function popAll(queue: SchedulingQueue): string[] {
  const names: string[] = [];
  for (let popped = queue.pop(); popped !== undefined; popped = queue.pop()) names.push(popped.podInfo.name);
  return names;
}

function rejectedBy(queued: QueuedPodInfo, ...plugins: string[]): QueuedPodInfo {
  queued.unschedulablePlugins = new Set(plugins);
  return queued;
}

describe("ordering", () => {
  test("higher priority first, then earlier arrival", () => {
    const { clock, queue } = setup();
    const arrivals: [string, number][] = [["low-first", 0], ["high-first", 100], ["mid", 10], ["low-second", 0], ["high-second", 100]];
    for (const [name, priority] of arrivals) {
      queue.add(makePod(name, { priority }));
      clock.now += 1;
    }
    assert.deepEqual(popAll(queue), ["high-first", "high-second", "mid", "low-first", "low-second"]);
  });
});

describe("back-off", () => {
  const cases: { attempts: number; expectedMs: number }[] = [
    { attempts: 1, expectedMs: 1000 },
    { attempts: 2, expectedMs: 2000 },
    { attempts: 3, expectedMs: 4000 },
    { attempts: 4, expectedMs: 8000 },
    { attempts: 5, expectedMs: 10_000 },
    { attempts: 12, expectedMs: 10_000 },
  ];
  for (const { attempts, expectedMs } of cases) {
    test(`after ${attempts} attempt(s) the pod backs off ${expectedMs} ms`, () => {
      const { queue } = setup();
      queue.add(makePod("p"));
      const queued = queue.pop() as QueuedPodInfo;
      queued.attempts = attempts;
      assert.equal(queue.backoffDuration(queued), expectedMs);
    });
  }

  test("a pod that failed with an error backs off and returns when its time is up", () => {
    const { clock, queue } = setup();
    queue.add(makePod("p"));
    const queued = queue.pop() as QueuedPodInfo;
    clock.now = 5000;
    assert.equal(queue.addUnschedulableIfNotPresent(queued, queue.schedulingCycle), "backoff");
    clock.now = 5999;
    assert.equal(queue.flushBackoffCompleted(), 0);
    assert.equal(queue.pop(), undefined);
    clock.now = 6000;
    assert.equal(queue.flushBackoffCompleted(), 1);
    assert.equal(queue.pop()?.podInfo.name, "p");
  });
});

describe("unschedulable pods and cluster events", () => {
  const cases: { name: string; rejectedBy: string[]; event: { resource: "Pod" | "Node"; action: "Add" | "Delete" | "UpdateNodeLabel" | "UpdateNodeTaint" }; moves: boolean }[] = [
    { name: "a node added helps a pod that did not fit", rejectedBy: ["NodeResourcesFit"], event: { resource: "Node", action: "Add" }, moves: true },
    { name: "a pod deleted frees resources", rejectedBy: ["NodeResourcesFit"], event: { resource: "Pod", action: "Delete" }, moves: true },
    { name: "a node label change does not free resources", rejectedBy: ["NodeResourcesFit"], event: { resource: "Node", action: "UpdateNodeLabel" }, moves: false },
    { name: "a node label change may satisfy node affinity", rejectedBy: ["NodeAffinity"], event: { resource: "Node", action: "UpdateNodeLabel" }, moves: true },
    { name: "a taint change helps neither", rejectedBy: ["NodeResourcesFit", "NodeAffinity"], event: { resource: "Node", action: "UpdateNodeTaint" }, moves: false },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      const { clock, queue } = setup();
      queue.add(makePod("p"));
      const queued = queue.pop() as QueuedPodInfo;
      const cycle = queue.schedulingCycle;
      assert.equal(queue.addUnschedulableIfNotPresent(rejectedBy(queued, ...entry.rejectedBy), cycle), "unschedulable");
      clock.now = 60_000;
      assert.equal(queue.moveAllToActiveOrBackoff(entry.event), entry.moves ? 1 : 0);
      assert.equal(queue.whereIs("default/p"), entry.moves ? "active" : "unschedulable");
    });
  }

  test("a pod moved while still backing off goes to back-off", () => {
    const { clock, queue } = setup();
    queue.add(makePod("p"));
    const queued = rejectedBy(queue.pop() as QueuedPodInfo, "NodeResourcesFit");
    queue.addUnschedulableIfNotPresent(queued, queue.schedulingCycle);
    clock.now = 500;
    queue.moveAllToActiveOrBackoff({ resource: "Node", action: "Add" });
    assert.equal(queue.whereIs("default/p"), "backoff");
  });

  test("an event during the pod's attempt sends it to back-off instead of unschedulable", () => {
    const { queue } = setup();
    queue.add(makePod("p"));
    const queued = rejectedBy(queue.pop() as QueuedPodInfo, "NodeResourcesFit");
    const cycle = queue.schedulingCycle;
    queue.moveAllToActiveOrBackoff({ resource: "Node", action: "Add" });
    assert.equal(queue.addUnschedulableIfNotPresent(queued, cycle), "backoff");
  });

  test("pods left unschedulable for five minutes are retried", () => {
    const { clock, queue } = setup();
    queue.add(makePod("p"));
    queue.addUnschedulableIfNotPresent(rejectedBy(queue.pop() as QueuedPodInfo, "NodeAffinity"), queue.schedulingCycle);
    clock.now = 5 * 60 * 1000;
    assert.equal(queue.flushUnschedulableLeftover(), 0);
    clock.now += 1;
    assert.equal(queue.flushUnschedulableLeftover(), 1);
    assert.equal(queue.whereIs("default/p"), "active");
  });

  test("an updated unschedulable pod is retried; a deleted one leaves the queue", () => {
    const { clock, queue } = setup();
    queue.add(makePod("p"));
    queue.addUnschedulableIfNotPresent(rejectedBy(queue.pop() as QueuedPodInfo, "NodeAffinity"), queue.schedulingCycle);
    clock.now = 2000;
    queue.update(makePod("p", { labels: { changed: "yes" } }));
    assert.equal(queue.whereIs("default/p"), "active");
    assert.deepEqual(queue.pendingPods().active[0]?.labels, { changed: "yes" });
    queue.delete(makePod("p"));
    assert.equal(queue.whereIs("default/p"), undefined);
  });

  test("attempts count pops", () => {
    const { clock, queue } = setup();
    queue.add(makePod("p"));
    const first = queue.pop() as QueuedPodInfo;
    queue.addUnschedulableIfNotPresent(first, queue.schedulingCycle);
    clock.now = 1000;
    queue.flushBackoffCompleted();
    assert.equal(queue.pop()?.attempts, 2);
  });
});
