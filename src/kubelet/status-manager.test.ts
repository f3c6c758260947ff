import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, PodStatus } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { StatusManager } from "./status-manager.ts";

const podsApi = inNamespace(resources.pods, "default");
const running: PodStatus = { phase: "Running", podIP: "10.42.0.7", conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] };

test("writes a changed status once, then skips it while the cache still lags", async () => {
  const api = new FakeApi();
  const pod = await api.create<Pod>(podsApi, { metadata: { name: "p", namespace: "default", uid: "u1" }, spec: { containers: [] } });
  const manager = new StatusManager(api);
  assert.equal(await manager.setStatus(pod, running), true);
  assert.equal((await api.get<Pod>(podsApi, "p")).status?.podIP, "10.42.0.7");
  assert.equal(await manager.setStatus(pod, running), false, "the informer's stale copy must not cause a second write");
  assert.equal(api.callsOf("patch"), 1);
  assert.equal(await manager.setStatus(pod, { ...running, phase: "Succeeded" }), true);
  assert.equal(api.callsOf("patch"), 2);
});

test("a status equal to what the API has is not written; a pod that is gone is not an error", async () => {
  const api = new FakeApi();
  const manager = new StatusManager(api);
  const pod: Pod = { metadata: { name: "gone", namespace: "default", uid: "u2" }, status: running };
  assert.equal(await manager.setStatus(pod, running), false);
  assert.equal(api.callsOf("patch"), 0);
  assert.equal(await manager.setStatus(pod, { ...running, phase: "Failed" }), false);
});
