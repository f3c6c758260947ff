import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { infoOf, makeNode, makePod, nodeInfoWith } from "../testing/objects.ts";
import { BIND_CONFLICT, NODE_CONFLICT, UNBOUND_IMMEDIATE, VolumeBindingPlugin, type VolumeListers } from "./volume-binding.ts";

function claim(name: string, options: { volumeName?: string; storageClassName?: string; storage?: string; deleting?: boolean } = {}): PersistentVolumeClaim {
  return {
    metadata: { name, namespace: "default", uid: `uid-${name}`, ...(options.deleting ? { deletionTimestamp: "2024-01-01T00:00:00Z" } : {}) },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: options.storage ?? "1Gi" } },
      ...(options.storageClassName === undefined ? {} : { storageClassName: options.storageClassName }),
      ...(options.volumeName === undefined ? {} : { volumeName: options.volumeName }),
    },
  };
}

function volume(name: string, options: { zone?: string; storage?: string; storageClassName?: string; claimedBy?: string } = {}): PersistentVolume {
  return {
    metadata: { name },
    spec: {
      capacity: { storage: options.storage ?? "1Gi" },
      accessModes: ["ReadWriteOnce"],
      storageClassName: options.storageClassName ?? "local",
      ...(options.claimedBy === undefined ? {} : { claimRef: { namespace: "default", name: options.claimedBy } }),
      ...(options.zone === undefined
        ? {}
        : { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: [options.zone] }] }] } } }),
    },
    status: { phase: options.claimedBy === undefined ? "Available" : "Bound" },
  };
}

const classes: StorageClass[] = [
  { metadata: { name: "local" }, provisioner: "kubernetes.io/no-provisioner", volumeBindingMode: "WaitForFirstConsumer" },
  { metadata: { name: "immediate" }, provisioner: "example.com/disk", volumeBindingMode: "Immediate" },
  { metadata: { name: "dynamic" }, provisioner: "example.com/disk", volumeBindingMode: "WaitForFirstConsumer" },
];

function listers(claims: PersistentVolumeClaim[], volumes: PersistentVolume[]): VolumeListers {
  return {
    claim: (namespace, name) => claims.find((c) => c.metadata?.namespace === namespace && c.metadata?.name === name),
    volume: (name) => volumes.find((v) => v.metadata?.name === name),
    volumes: () => volumes,
    storageClass: (name) => classes.find((c) => c.metadata?.name === name),
  };
}

const podWithClaims = (...names: string[]) =>
  infoOf(makePod("p", { spec: { volumes: names.map((claimName) => ({ name: claimName, persistentVolumeClaim: { claimName } })) } }));
const nodeA = nodeInfoWith(makeNode("a", { labels: { zone: "a" } }));
const nodeB = nodeInfoWith(makeNode("b", { labels: { zone: "b" } }));

describe("VolumeBinding filter", () => {
  const cases: { name: string; claims: PersistentVolumeClaim[]; volumes: PersistentVolume[]; pod?: string[]; preFilter?: string; a?: string; b?: string }[] = [
    { name: "no claims: skipped", claims: [], volumes: [], pod: [], preFilter: "Skip" },
    { name: "missing claim", claims: [], volumes: [], preFilter: 'persistentvolumeclaim "data" not found' },
    { name: "claim being deleted", claims: [claim("data", { deleting: true })], volumes: [], preFilter: 'persistentvolumeclaim "data" is being deleted' },
    { name: "unbound immediate claim waits for the PV controller", claims: [claim("data", { storageClassName: "immediate" })], volumes: [], preFilter: UNBOUND_IMMEDIATE },
    { name: "unbound claim without a class counts as immediate", claims: [claim("data")], volumes: [], preFilter: UNBOUND_IMMEDIATE },
    { name: "bound PV pinned to zone a", claims: [claim("data", { volumeName: "pv-a" })], volumes: [volume("pv-a", { zone: "a", claimedBy: "data" })], a: "Success", b: NODE_CONFLICT },
    { name: "bound PV without node affinity fits anywhere", claims: [claim("data", { volumeName: "pv" })], volumes: [volume("pv", { claimedBy: "data" })], a: "Success", b: "Success" },
    {
      name: "WaitForFirstConsumer finds a local PV per node",
      claims: [claim("data", { storageClassName: "local" })],
      volumes: [volume("pv-b", { zone: "b" })],
      a: BIND_CONFLICT,
      b: "Success",
    },
    {
      name: "too small, wrong class or taken PVs do not count",
      claims: [claim("data", { storageClassName: "local", storage: "5Gi" })],
      volumes: [volume("small", { storage: "1Gi" }), volume("other-class", { storage: "10Gi", storageClassName: "fast" }), volume("taken", { storage: "10Gi", claimedBy: "someone" })],
      a: BIND_CONFLICT,
      b: BIND_CONFLICT,
    },
    {
      name: "two claims need two PVs",
      claims: [claim("one", { storageClassName: "local" }), claim("two", { storageClassName: "local" })],
      volumes: [volume("pv-1", { zone: "a" }), volume("pv-2", { zone: "a" }), volume("pv-3", { zone: "b" })],
      pod: ["one", "two"],
      a: "Success",
      b: BIND_CONFLICT,
    },
    { name: "a provisioning class fits any node", claims: [claim("data", { storageClassName: "dynamic" })], volumes: [], a: "Success", b: "Success" },
  ];
  for (const { name, claims, volumes, pod, preFilter, a, b } of cases) {
    test(name, () => {
      const plugin = new VolumeBindingPlugin(listers(claims, volumes));
      const state = new CycleState();
      const info = podWithClaims(...(pod ?? ["data"]));
      const verdict = plugin.preFilter(state, info).status;
      const describe = (result: { code: string; reasons: readonly string[] }) => (result.code === "Success" || result.code === "Skip" ? result.code : result.reasons.join(", "));
      if (preFilter !== undefined) {
        assert.equal(describe(verdict), preFilter);
        return;
      }
      assert.equal(verdict.code, "Success");
      assert.deepEqual([describe(plugin.filter(state, info, nodeA)), describe(plugin.filter(state, info, nodeB))], [a, b]);
    });
  }

  test("a PV reserved by one pod is not offered to the next until released", () => {
    const plugin = new VolumeBindingPlugin(listers([claim("data", { storageClassName: "local" })], [volume("only", { zone: "a" })]));
    const first = new CycleState();
    const pod = podWithClaims("data");
    plugin.preFilter(first, pod);
    assert.equal(plugin.filter(first, pod, nodeA).code, "Success");
    assert.equal(plugin.reserve(first, pod, "a").code, "Success");
    const second = new CycleState();
    const other = infoOf(makePod("q", { spec: { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] } }));
    plugin.preFilter(second, other);
    assert.deepEqual(plugin.filter(second, other, nodeA).reasons, [BIND_CONFLICT]);
    plugin.unreserve(first, pod);
    assert.equal(plugin.filter(second, other, nodeA).code, "Success");
  });
});
