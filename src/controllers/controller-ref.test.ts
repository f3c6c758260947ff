import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { labelSelectorFromObject } from "../api/label-selector.ts";
import { adoptionPatch, claim, controllerRefFor, releasePatch, type Owner } from "./controller-ref.ts";

const owner: Owner = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "rs-uid", deleting: false };
const selector = labelSelectorFromObject({ matchLabels: { app: "web" } });

function pod(name: string, app: string, controllerUid?: string, deleting = false): Pod {
  return {
    metadata: {
      name,
      labels: { app },
      ...(controllerUid === undefined ? {} : { ownerReferences: [{ ...controllerRefFor({ ...owner, uid: controllerUid }) }] }),
      ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
    },
  };
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata?.name);

describe("claim", () => {
  const cases: { name: string; pods: Pod[]; deleting?: boolean; owned: string[]; adopt: string[]; release: string[] }[] = [
    { name: "own matching child", pods: [pod("a", "web", "rs-uid")], owned: ["a"], adopt: [], release: [] },
    { name: "adopt a matching orphan", pods: [pod("b", "web")], owned: ["b"], adopt: ["b"], release: [] },
    { name: "release a child that stopped matching", pods: [pod("c", "db", "rs-uid")], owned: [], adopt: [], release: ["c"] },
    { name: "leave another controller's child", pods: [pod("d", "web", "other")], owned: [], adopt: [], release: [] },
    { name: "leave a non-matching orphan", pods: [pod("e", "db")], owned: [], adopt: [], release: [] },
    { name: "no adoption of a terminating orphan", pods: [pod("f", "web", undefined, true)], owned: [], adopt: [], release: [] },
    { name: "a deleting owner adopts and releases nothing", pods: [pod("g", "web"), pod("h", "db", "rs-uid"), pod("i", "web", "rs-uid")], deleting: true, owned: ["i"], adopt: [], release: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const claims = claim({ ...owner, deleting: c.deleting ?? false }, selector, c.pods);
      assert.deepEqual({ owned: names(claims.owned), adopt: names(claims.adopt), release: names(claims.release) }, { owned: c.owned, adopt: c.adopt, release: c.release });
    });
  }
});

describe("ownership patches", () => {
  const other = { apiVersion: "v1", kind: "ConfigMap", name: "keep", uid: "cm-uid" };
  const object = { metadata: { uid: "pod-uid", resourceVersion: "42", ownerReferences: [other] } };
  test("adoption keeps other owners and is conditional", () => {
    assert.deepEqual(adoptionPatch(owner, object), { metadata: { ownerReferences: [other, controllerRefFor(owner)], uid: "pod-uid", resourceVersion: "42" } });
  });
  test("release drops only the owner, and the list when it empties", () => {
    const owned = { metadata: { ...object.metadata, ownerReferences: [other, controllerRefFor(owner)] } };
    assert.deepEqual(releasePatch(owner, owned), { metadata: { ownerReferences: [other], uid: "pod-uid", resourceVersion: "42" } });
    assert.deepEqual(releasePatch(owner, { metadata: { uid: "u", resourceVersion: "1", ownerReferences: [controllerRefFor(owner)] } }), {
      metadata: { ownerReferences: null, uid: "u", resourceVersion: "1" },
    });
  });
});
