import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { planDependent, planForegroundOwner, withoutFinalizer, withoutOwner, type DependentAction, type DependentFacts, type OwnerState } from "./plan.ts";

const ref = (uid: string, block = true): OwnerReference => ({ apiVersion: "apps/v1", kind: "ReplicaSet", name: `rs-${uid}`, uid, blockOwnerDeletion: block });
const live: DependentFacts = { deleting: false, finalizers: [], hasDependents: false };

describe("planDependent", () => {
  const cases: Array<[string, DependentFacts, Array<[string, OwnerState]>, DependentAction]> = [
    ["no owners: nothing to collect", live, [], { action: "none" }],
    ["an owner present: kept", live, [["a", "present"]], { action: "none" }],
    ["the only owner absent: deleted in the background", live, [["a", "absent"]], { action: "delete", propagationPolicy: "Background" }],
    ["all owners absent: deleted", live, [["a", "absent"], ["b", "absent"]], { action: "delete", propagationPolicy: "Background" }],
    ["one absent, one present: the dangling reference goes", live, [["a", "absent"], ["b", "present"]], { action: "setOwnerReferences", ownerReferences: [ref("b")] }],
    ["a waiting owner beside a present one: its reference goes", live, [["a", "waitingForDependentsDeletion"], ["b", "present"]], { action: "setOwnerReferences", ownerReferences: [ref("b")] }],
    ["an unresolvable owner holds the object", live, [["a", "unresolvable"]], { action: "none" }],
    ["unresolvable beside absent: the absent reference goes", live, [["a", "unresolvable"], ["b", "absent"]], { action: "setOwnerReferences", ownerReferences: [ref("a")] }],
    ["a waiting owner, no dependents: background", live, [["a", "waitingForDependentsDeletion"]], { action: "delete", propagationPolicy: "Background" }],
    ["a waiting owner, own dependents: foreground", { ...live, hasDependents: true }, [["a", "waitingForDependentsDeletion"]], { action: "delete", propagationPolicy: "Foreground" }],
    ["absent owner, own dependents, no waiting owner: background", { ...live, hasDependents: true }, [["a", "absent"]], { action: "delete", propagationPolicy: "Background" }],
    ["absent owner, orphan finalizer kept as the policy", { ...live, finalizers: ["orphan"] }, [["a", "absent"]], { action: "delete", propagationPolicy: "Orphan" }],
    ["absent owner, foreground finalizer kept as the policy", { ...live, finalizers: ["foregroundDeletion"] }, [["a", "absent"]], { action: "delete", propagationPolicy: "Foreground" }],
    ["already being deleted: left to its finalizers", { ...live, deleting: true }, [["a", "absent"]], { action: "none" }],
  ];
  for (const [name, facts, owners, want] of cases) {
    test(name, () => {
      assert.deepEqual(planDependent(facts, owners.map(([uid, state]) => ({ ref: ref(uid), state }))), want);
    });
  }
});

describe("planForegroundOwner", () => {
  const cases: Array<[string, Array<{ uid: string; deleting: boolean; owners: OwnerReference[] }>, { removeFinalizer: boolean; deleteDependents: string[] }]> = [
    ["no dependents: the finalizer goes", [], { removeFinalizer: true, deleteDependents: [] }],
    ["a blocking dependent: delete it, keep the finalizer", [{ uid: "p1", deleting: false, owners: [ref("o")] }], { removeFinalizer: false, deleteDependents: ["p1"] }],
    ["a blocking dependent being deleted: wait", [{ uid: "p1", deleting: true, owners: [ref("o")] }], { removeFinalizer: false, deleteDependents: [] }],
    ["only non-blocking dependents: the finalizer goes, they are still deleted", [{ uid: "p1", deleting: false, owners: [ref("o", false)] }], { removeFinalizer: true, deleteDependents: ["p1"] }],
    ["blocking refers to another owner only", [{ uid: "p1", deleting: false, owners: [ref("o", false), ref("x")] }], { removeFinalizer: true, deleteDependents: ["p1"] }],
  ];
  for (const [name, dependents, want] of cases) {
    test(name, () => assert.deepEqual(planForegroundOwner("o", dependents), want));
  }
});

test("withoutOwner drops only references to that uid", () => {
  assert.deepEqual(withoutOwner([ref("a"), ref("b"), ref("a")], "a"), [ref("b")]);
  assert.deepEqual(withoutOwner([ref("b")], "a"), [ref("b")]);
});

test("withoutFinalizer drops one finalizer, keeps the rest in order", () => {
  assert.deepEqual(withoutFinalizer(["x", "orphan", "y"], "orphan"), ["x", "y"]);
  assert.deepEqual(withoutFinalizer([], "orphan"), []);
});
