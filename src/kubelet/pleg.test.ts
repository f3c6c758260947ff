import { test } from "node:test";
import assert from "node:assert/strict";
import { changedPods, podFingerprints } from "./pleg.ts";
import type { ContainerStatus, SandboxStatus } from "./runtime/runtime.ts";

const sandbox = (id: string, uid: string): SandboxStatus => ({ id, metadata: { name: "p", namespace: "d", uid, attempt: 0 }, state: "ready", createdAt: new Date(0), additionalIps: [], labels: { "io.kubernetes.pod.uid": uid }, annotations: {} });
const container = (id: string, uid: string, state: ContainerStatus["state"]): ContainerStatus => ({ id, sandboxId: "s", metadata: { name: "c", attempt: 0 }, state, createdAt: new Date(0), image: "i", imageRef: "i", logPath: "", labels: { "io.kubernetes.pod.uid": uid }, annotations: {} });

test("changedPods names pods whose containers changed state, appeared or vanished", () => {
  const before = podFingerprints([sandbox("s1", "u1"), sandbox("s2", "u2"), sandbox("s3", "u3")], [container("c1", "u1", "running"), container("c2", "u2", "running")]);
  const after = podFingerprints([sandbox("s1", "u1"), sandbox("s2", "u2"), sandbox("s4", "u4")], [container("c1", "u1", "running"), container("c2", "u2", "exited")]);
  assert.deepEqual(changedPods(before, after).sort(), ["u2", "u3", "u4"]);
  assert.deepEqual(changedPods(after, after), []);
});
