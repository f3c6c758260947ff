import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SchedulerCache } from "./cache.ts";
import { infoOf, makeNode, makePod } from "./testing/objects.ts";

const requested = (cache: SchedulerCache, node: string) => cache.nodeInfo(node)?.requested.milliCpu;
const podNames = (cache: SchedulerCache, node: string) => cache.nodeInfo(node)?.pods.map((pod) => pod.name) ?? [];

describe("SchedulerCache", () => {
  test("an assumed pod counts at once and is forgotten when its binding fails", () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode("n1"));
    cache.assumePod(infoOf(makePod("a", { requests: { cpu: "1" } })), "n1");
    assert.equal(requested(cache, "n1"), 1000);
    assert.equal(cache.isAssumed("default/a"), true);
    cache.forgetPod("default/a");
    assert.equal(requested(cache, "n1"), 0);
    assert.deepEqual(podNames(cache, "n1"), []);
  });

  test("the informer's add confirms an assumed pod without counting it twice; forget then does nothing", () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode("n1"));
    const pod = infoOf(makePod("a", { requests: { cpu: "1" } }));
    cache.assumePod(pod, "n1");
    cache.addOrUpdatePod(pod, "n1");
    assert.equal(cache.isAssumed("default/a"), false);
    cache.forgetPod("default/a");
    assert.equal(requested(cache, "n1"), 1000);
    assert.deepEqual(podNames(cache, "n1"), ["a"]);
  });

  test("a pod bound elsewhere than assumed moves to the server's node", () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode("n1"));
    cache.upsertNode(makeNode("n2"));
    const pod = infoOf(makePod("a", { requests: { cpu: "1" } }));
    cache.assumePod(pod, "n1");
    cache.addOrUpdatePod(pod, "n2");
    assert.deepEqual([requested(cache, "n1"), requested(cache, "n2")], [0, 1000]);
  });

  test("pods on a node not yet known count once the Node arrives, and again after it is re-added", () => {
    const cache = new SchedulerCache();
    cache.addOrUpdatePod(infoOf(makePod("a", { requests: { cpu: "500m" } })), "late");
    assert.equal(cache.nodeInfo("late"), undefined);
    cache.upsertNode(makeNode("late"));
    assert.equal(requested(cache, "late"), 500);
    cache.removeNode("late");
    cache.upsertNode(makeNode("late"));
    assert.deepEqual(podNames(cache, "late"), ["a"]);
    cache.removePod("default/a");
    assert.equal(requested(cache, "late"), 0);
  });

  test("a Node update keeps its pods and takes the new allocatable", () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode("n1"));
    cache.addOrUpdatePod(infoOf(makePod("a", { requests: { cpu: "1" } })), "n1");
    cache.upsertNode(makeNode("n1", { allocatable: { cpu: "16", memory: "8Gi", pods: "110" } }));
    assert.equal(cache.nodeInfo("n1")?.allocatable.milliCpu, 16_000);
    assert.equal(requested(cache, "n1"), 1000);
  });

  test("the snapshot is reused until its indexes change", () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode("n1"));
    const first = cache.snapshot();
    cache.addOrUpdatePod(infoOf(makePod("plain")), "n1");
    assert.equal(cache.snapshot(), first, "a pod without affinity changes no index");
    assert.equal(first.nodeInfos[0]?.pods.length, 1, "the NodeInfo itself is live");
    const withAffinity = makePod("picky", {
      spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "zone", labelSelector: {} }] } } },
    });
    cache.addOrUpdatePod(infoOf(withAffinity), "n1");
    const second = cache.snapshot();
    assert.notEqual(second, first);
    assert.equal(second.nodesWithRequiredAntiAffinityPods.length, 1);
    cache.upsertNode(makeNode("n2"));
    assert.equal(cache.snapshot().nodeInfos.length, 2);
  });
});
