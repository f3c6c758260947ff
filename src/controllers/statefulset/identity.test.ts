import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { claimsFor, memberPod, ordinalOf } from "./identity.ts";

const set: StatefulSet = {
  metadata: { name: "web", namespace: "shop", uid: "set-uid" },
  spec: {
    serviceName: "nginx",
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web", tier: "front" } }, spec: { containers: [{ name: "main", image: "nginx" }], volumes: [{ name: "data", emptyDir: {} }, { name: "cache", emptyDir: {} }] } },
    volumeClaimTemplates: [{ metadata: { name: "data", labels: { kind: "disk" } }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
  },
};
const owner = { apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "set-uid", deleting: false };

describe("ordinalOf", () => {
  const cases: Array<{ name: string; ordinal: number | undefined }> = [
    { name: "web-0", ordinal: 0 },
    { name: "web-12", ordinal: 12 },
    { name: "web-x", ordinal: undefined },
    { name: "webby-1", ordinal: undefined },
    { name: "web-1-2", ordinal: undefined },
  ];
  for (const c of cases) test(c.name, () => assert.equal(ordinalOf(set, { metadata: { name: c.name } } as Pod), c.ordinal));
});

describe("member identity", () => {
  test("pod name, labels, hostname, subdomain, owner and claim volumes", () => {
    const pod = memberPod(set, set.spec!.template, "web-abc", 2, owner);
    assert.equal(pod.metadata?.name, "web-2");
    assert.deepEqual(pod.metadata?.labels, { app: "web", tier: "front", "statefulset.kubernetes.io/pod-name": "web-2", "apps.kubernetes.io/pod-index": "2", "controller-revision-hash": "web-abc" });
    assert.equal(pod.spec?.hostname, "web-2");
    assert.equal(pod.spec?.subdomain, "nginx");
    assert.equal(pod.metadata?.ownerReferences?.[0]?.controller, true);
    assert.deepEqual(pod.spec?.volumes, [{ name: "cache", emptyDir: {} }, { name: "data", persistentVolumeClaim: { claimName: "data-web-2" } }]);
  });

  test("claims are named <template>-<set>-<ordinal> and carry the selector labels", () => {
    const [claim] = claimsFor(set, 1);
    assert.equal(claim?.metadata?.name, "data-web-1");
    assert.equal(claim?.metadata?.namespace, "shop");
    assert.deepEqual(claim?.metadata?.labels, { kind: "disk", app: "web" });
    assert.deepEqual(claim?.spec?.resources?.requests, { storage: "1Gi" });
  });
});
