import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { desiredReplicasAnnotation, maxReplicasAnnotation } from "./rollout.ts";
import {
  equalIgnoringHash,
  findNewReplicaSet,
  maxRevision,
  newReplicaSetAnnotations,
  newReplicaSetFor,
  replicaSetsToCleanUp,
  revisionAnnotation,
  revisionHistoryAnnotation,
} from "./replica-sets.ts";

const template = (image: string, hash?: string) => ({
  metadata: { labels: { app: "web", ...(hash === undefined ? {} : { "pod-template-hash": hash }) } },
  spec: { containers: [{ name: "web", image }] },
});

const deployment: Deployment = {
  metadata: { name: "web", namespace: "ns", uid: "d-uid", annotations: { team: "blue", [revisionAnnotation]: "4", "kubectl.kubernetes.io/last-applied-configuration": "{}" } },
  spec: { replicas: 4, selector: { matchLabels: { app: "web" } }, template: template("img:2"), revisionHistoryLimit: 1 },
};

function rs(name: string, image: string, revision: number, createdSecond: number, extra: Partial<ReplicaSet["status"]> & { replicas?: number } = {}): ReplicaSet {
  return {
    metadata: { name, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, createdSecond)).toISOString(), annotations: { [revisionAnnotation]: String(revision) }, generation: 1 },
    spec: { replicas: extra.replicas ?? 0, selector: {}, template: template(image, name.slice(4)) },
    status: { replicas: extra.replicas ?? 0, observedGeneration: 1 },
  };
}

describe("new ReplicaSet identity", () => {
  test("templates differing only by the hash label are equal", () => {
    assert.equal(equalIgnoringHash(template("img:1", "abc"), template("img:1")), true);
    assert.equal(equalIgnoringHash(template("img:1", "abc"), template("img:2", "abc")), false);
  });
  test("the oldest matching ReplicaSet is the new one", () => {
    const sets = [rs("web-late", "img:2", 3, 30), rs("web-old", "img:1", 1, 0), rs("web-early", "img:2", 2, 10)];
    assert.equal(findNewReplicaSet(deployment, sets)?.metadata?.name, "web-early");
    assert.equal(findNewReplicaSet(deployment, [rs("web-old", "img:1", 1, 0)]), undefined);
    assert.equal(maxRevision(sets), 3);
  });
  test("a created ReplicaSet carries the hash in name, labels, selector and owner", () => {
    const created = newReplicaSetFor(deployment, "5d8f9", 1);
    assert.equal(created.metadata?.name, "web-5d8f9");
    assert.deepEqual(created.metadata?.labels, { app: "web", "pod-template-hash": "5d8f9" });
    assert.deepEqual(created.spec?.template?.metadata?.labels, { app: "web", "pod-template-hash": "5d8f9" });
    assert.deepEqual(created.spec?.selector.matchLabels, { app: "web", "pod-template-hash": "5d8f9" });
    assert.deepEqual(created.metadata?.ownerReferences, [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "d-uid", controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(deployment.spec?.template.metadata?.labels, { app: "web" }, "the Deployment's template is left alone");
  });
});

describe("newReplicaSetAnnotations", () => {
  test("creation: revision, copied annotations, sizes; controller and kubectl annotations stay behind", () => {
    assert.deepEqual(newReplicaSetAnnotations(deployment, { metadata: {} }, 5, true), {
      team: "blue",
      [revisionAnnotation]: "5",
      [desiredReplicasAnnotation]: "4",
      [maxReplicasAnnotation]: "5",
    });
  });
  test("an old ReplicaSet brought back (rollout undo) gets the next revision and remembers its old one", () => {
    const back = rs("web-old", "img:1", 1, 0);
    back.metadata!.annotations!.team = "blue";
    assert.deepEqual(newReplicaSetAnnotations(deployment, back, 3, false), { team: "blue", [revisionAnnotation]: "3", [revisionHistoryAnnotation]: "1" });
  });
  test("nothing to change", () => {
    const current = rs("web-cur", "img:2", 5, 0);
    current.metadata!.annotations!.team = "blue";
    assert.equal(newReplicaSetAnnotations(deployment, current, 5, false), undefined);
  });
});

describe("replicaSetsToCleanUp", () => {
  const cases: { name: string; sets: ReplicaSet[]; limit: number | undefined; expected: string[] }[] = [
    { name: "within the limit", sets: [rs("web-a", "i", 1, 0)], limit: 1, expected: [] },
    { name: "lowest revisions go first", sets: [rs("web-c", "i", 3, 0), rs("web-a", "i", 1, 5), rs("web-b", "i", 2, 9)], limit: 1, expected: ["web-a", "web-b"] },
    { name: "a set with pods is kept", sets: [rs("web-a", "i", 1, 0, { replicas: 1 }), rs("web-b", "i", 2, 0)], limit: 1, expected: [] },
    { name: "no limit keeps everything", sets: [rs("web-a", "i", 1, 0), rs("web-b", "i", 2, 0)], limit: undefined, expected: [] },
    { name: "limit 0 removes every empty old set", sets: [rs("web-a", "i", 1, 0), rs("web-b", "i", 2, 0)], limit: 0, expected: ["web-a", "web-b"] },
  ];
  for (const { name, sets, limit, expected } of cases) {
    test(name, () => {
      const d: Deployment = { ...deployment, spec: { ...deployment.spec!, ...(limit === undefined ? { revisionHistoryLimit: undefined } : { revisionHistoryLimit: limit }) } };
      assert.deepEqual(replicaSetsToCleanUp(d, sets).map((s) => s.metadata?.name), expected);
    });
  }
});
