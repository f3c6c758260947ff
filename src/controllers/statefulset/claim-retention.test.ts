import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { PersistentVolumeClaim } from "kubernetes-types/core/v1";
import { retentionOwnerRefs } from "./claim-retention.ts";

type Policy = "Retain" | "Delete";

function set(whenDeleted: Policy, whenScaled: Policy): StatefulSet {
  return { metadata: { name: "web", uid: "set" }, spec: { serviceName: "web", selector: {}, template: {}, persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } } };
}

const pod = { metadata: { name: "web-2", uid: "pod" } };
const setRef = { apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "set" };
const podRef = { apiVersion: "v1", kind: "Pod", name: "web-2", uid: "pod" };
const otherRef = { apiVersion: "v1", kind: "ConfigMap", name: "x", uid: "other" };

describe("retentionOwnerRefs", () => {
  const cases: Array<{ name: string; policy: [Policy, Policy]; condemned: boolean; existing: Array<typeof setRef>; expected: Array<typeof setRef> | undefined }> = [
    { name: "Retain/Retain keeps nothing of ours", policy: ["Retain", "Retain"], condemned: true, existing: [otherRef, setRef, podRef], expected: [otherRef] },
    { name: "Retain/Retain with nothing to remove changes nothing", policy: ["Retain", "Retain"], condemned: false, existing: [otherRef], expected: undefined },
    { name: "whenDeleted Delete owns the claim by the set", policy: ["Delete", "Retain"], condemned: false, existing: [], expected: [setRef] },
    { name: "whenScaled Delete gives a condemned claim to its pod", policy: ["Retain", "Delete"], condemned: true, existing: [], expected: [podRef] },
    { name: "whenScaled Delete leaves a kept member's claim alone", policy: ["Retain", "Delete"], condemned: false, existing: [], expected: undefined },
    { name: "Delete/Delete moves a condemned claim from the set to the pod", policy: ["Delete", "Delete"], condemned: true, existing: [setRef], expected: [podRef] },
    { name: "Delete/Delete already right", policy: ["Delete", "Delete"], condemned: false, existing: [setRef], expected: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const claim: PersistentVolumeClaim = { metadata: { name: "data-web-2", ownerReferences: c.existing } };
      assert.deepEqual(retentionOwnerRefs(set(...c.policy), claim, { setUid: "set", pod, condemned: c.condemned }), c.expected);
    });
  }
});
