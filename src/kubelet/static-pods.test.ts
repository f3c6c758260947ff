import { test } from "node:test";
import assert from "node:assert/strict";
import { configHashAnnotation, configMirrorAnnotation, mirrorPodFor, staticPodFrom, StaticPodError } from "./static-pods.ts";

const yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\n  namespace: kube-system\nspec:\n  containers:\n  - name: etcd\n    image: localhost:5000/etcd:1\n";

test("a manifest becomes <name>-<node> on this node with a stable uid", () => {
  const pod = staticPodFrom(yaml, "/m/etcd.yaml", "n1");
  assert.equal(pod.metadata?.name, "etcd-n1");
  assert.equal(pod.metadata?.namespace, "kube-system");
  assert.equal(pod.spec?.nodeName, "n1");
  assert.equal(pod.metadata?.annotations?.[configHashAnnotation], pod.metadata?.uid);
  assert.equal(staticPodFrom(yaml, "/m/etcd.yaml", "n1").metadata?.uid, pod.metadata?.uid);
  assert.notEqual(staticPodFrom(yaml.replace("etcd:1", "etcd:2"), "/m/etcd.yaml", "n1").metadata?.uid, pod.metadata?.uid);
  assert.notEqual(staticPodFrom(yaml, "/m/etcd.yaml", "n2").metadata?.uid, pod.metadata?.uid);
});

test("JSON manifests work, and non-pods are refused", () => {
  assert.equal(staticPodFrom(JSON.stringify({ kind: "Pod", metadata: { name: "x" }, spec: { containers: [] } }), "x.json", "n1").metadata?.namespace, "default");
  assert.throws(() => staticPodFrom("kind: Service\nmetadata: {name: s}\n", "s.yaml", "n1"), StaticPodError);
  assert.throws(() => staticPodFrom("{{{", "bad.yaml", "n1"), StaticPodError);
});

test("the mirror pod carries the static pod's hash and is owned by the node", () => {
  const pod = staticPodFrom(yaml, "/m/etcd.yaml", "n1");
  const mirror = mirrorPodFor(pod, { metadata: { name: "n1", uid: "node-uid" } });
  assert.equal(mirror.metadata?.uid, undefined);
  assert.equal(mirror.metadata?.annotations?.[configMirrorAnnotation], pod.metadata?.uid);
  assert.deepEqual(mirror.metadata?.ownerReferences, [{ apiVersion: "v1", kind: "Node", name: "n1", uid: "node-uid", controller: true }]);
});
