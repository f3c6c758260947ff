import { test } from "node:test";
import assert from "node:assert/strict";
import type { HostFacts } from "./host-facts.ts";
import { primaryAddress } from "./host-facts.ts";
import { nodeObject, nodeStatus, nodeStatusChanged } from "./node-status.ts";

const host: HostFacts = { cpus: 8, memoryBytes: 16 * 1024 ** 3, ephemeralStorageBytes: 50 * 1024 ** 3, osImage: "Debian GNU/Linux 12 (bookworm)", kernelVersion: "6.1.0", architecture: "amd64", machineID: "mid", bootID: "bid", internalIP: "192.0.2.2" };
const identity = { name: "n1", podCIDR: "10.42.1.0/24", containerRuntimeVersion: "containerd://1.6.20" };
const t0 = Date.UTC(2026, 0, 1);

test("nodeObject labels the node and sets its pod CIDRs", () => {
  const node = nodeObject(identity, host);
  assert.equal(node.metadata?.labels?.["kubernetes.io/hostname"], "n1");
  assert.equal(node.metadata?.labels?.["kubernetes.io/arch"], "amd64");
  assert.deepEqual(node.spec, { podCIDR: "10.42.1.0/24", podCIDRs: ["10.42.1.0/24"] });
});

test("nodeStatus: capacity in Ki, 110 pods, addresses, nodeInfo, largest images first", () => {
  const status = nodeStatus(identity, host, [{ id: "1", repoTags: ["small:1"], repoDigests: [], size: 10 }, { id: "2", repoTags: ["big:1"], repoDigests: ["big@sha256:x"], size: 99 }], undefined, t0);
  assert.deepEqual(status.capacity, { cpu: "8", memory: `${16 * 1024 * 1024}Ki`, pods: "110", "ephemeral-storage": `${50 * 1024 * 1024}Ki` });
  assert.deepEqual(status.addresses, [{ type: "InternalIP", address: "192.0.2.2" }, { type: "Hostname", address: "n1" }]);
  assert.equal(status.nodeInfo?.containerRuntimeVersion, "containerd://1.6.20");
  assert.equal(status.nodeInfo?.kubeletVersion, "v1.32.0");
  assert.deepEqual(status.images?.map((i) => i.names), [["big@sha256:x", "big:1"], ["small:1"]]);
  const ready = status.conditions?.find((c) => c.type === "Ready");
  assert.deepEqual(ready, { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: "2026-01-01T00:00:00Z", lastTransitionTime: "2026-01-01T00:00:00Z" });
});

test("heartbeats move, transition times stay; only heartbeats is no change", () => {
  const first = nodeStatus(identity, host, [], undefined, t0);
  const second = nodeStatus(identity, host, [], first.conditions, t0 + 10_000);
  const ready = second.conditions?.find((c) => c.type === "Ready");
  assert.equal(ready?.lastTransitionTime, "2026-01-01T00:00:00Z");
  assert.equal(ready?.lastHeartbeatTime, "2026-01-01T00:00:10Z");
  assert.equal(nodeStatusChanged(first, second), false);
  assert.equal(nodeStatusChanged(first, nodeStatus(identity, { ...host, cpus: 4 }, [], first.conditions, t0)), true);
});

test("primaryAddress skips loopback and cluster interfaces", () => {
  const v4 = (address: string, internal = false) => ({ address, netmask: "255.255.255.0", family: "IPv4" as const, mac: "00:00:00:00:00:00", internal, cidr: null });
  assert.equal(primaryAddress({ lo: [v4("127.0.0.1", true)], cni0: [v4("10.42.0.1")], eth0: [v4("192.0.2.2")] }), "192.0.2.2");
  assert.equal(primaryAddress({ lo: [v4("127.0.0.1", true)] }), "127.0.0.1");
});
