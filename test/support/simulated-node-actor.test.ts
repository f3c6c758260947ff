// The simulated node actor against a real `skiff server` (no controllers, no
// scheduler): node registration and Leases, where it binds pods, and how
// labelled pods exit or restart.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { startServer, type TestServer } from "./server.ts";
import { exitCodeLabel, runMsLabel, runSimulatedNodeActor } from "./simulated-node-actor.ts";

const podsApi = inNamespace(resources.pods, "default");
let server: TestServer;
let client: RestClient;
const stop = new AbortController();
let running: Promise<unknown>;

before(async () => {
  server = await startServer(["--disable-controller-manager", "--disable-scheduler"]);
  client = await RestClient.fromKubeconfig(server.kubeconfig);
  running = runSimulatedNodeActor(client, stop.signal, { nodes: ["node-a", "node-b", "node-c"], nodeLabels: { "node-b": { disk: "ssd" } }, leaseRenewMs: 200 });
});

after(async () => {
  stop.abort();
  await running;
  client.close();
  await server.stop();
});

async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline && attempt < 1_000; attempt++) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function pod(name: string, labels: Record<string, string> = {}, spec: Partial<Pod["spec"]> = {}): Pod {
  return { metadata: { name, labels }, spec: { containers: [{ name: "main", image: "localhost:5000/busybox" }], ...spec } };
}

const podWhere = (name: string, holds: (p: Pod) => boolean) => async () => {
  const p = await client.get<Pod>(podsApi, name);
  return holds(p) ? p : undefined;
};

describe("registered nodes", () => {
  test("each node is Ready with capacity and a Lease that keeps being renewed", async () => {
    const node = await eventually("node-a ready", async () => {
      const n = await client.get<Node>(resources.nodes, "node-a");
      return n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? n : undefined;
    });
    assert.deepEqual(node.status?.allocatable, { cpu: "4", memory: "16Gi", pods: "110" });
    assert.equal(node.metadata?.labels?.["kubernetes.io/hostname"], "node-a");
    const leasesApi = inNamespace(resources.leases, "kube-node-lease");
    const first = await eventually("lease", () => client.get<Lease>(leasesApi, "node-a"));
    const renewed = await eventually("renewal", async () => {
      const l = await client.get<Lease>(leasesApi, "node-a");
      return l.spec?.renewTime !== first.spec?.renewTime ? l : undefined;
    });
    assert.equal(renewed.spec?.holderIdentity, "node-a");
  });
});

describe("binding", () => {
  test("a nodeSelector picks the matching node, matchFields pins, others spread", async () => {
    await client.create(podsApi, pod("selected", {}, { nodeSelector: { disk: "ssd" } }));
    const pinnedAffinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-c"] }] }] } } };
    await client.create(podsApi, pod("pinned", {}, { affinity: pinnedAffinity }));
    await client.create(podsApi, pod("nowhere", {}, { nodeSelector: { disk: "tape" } }));
    for (let i = 0; i < 3; i++) await client.create(podsApi, pod(`spread-${i}`));
    const selected = await eventually("selected running", podWhere("selected", (p) => p.status?.phase === "Running"));
    assert.equal(selected.spec?.nodeName, "node-b");
    const pinned = await eventually("pinned running", podWhere("pinned", (p) => p.status?.phase === "Running"));
    assert.equal(pinned.spec?.nodeName, "node-c");
    const spread = await Promise.all([0, 1, 2].map((i) => eventually(`spread-${i}`, podWhere(`spread-${i}`, (p) => p.status?.phase === "Running"))));
    assert.equal(new Set(spread.map((p) => p.spec?.nodeName)).size, 3);
    const nowhere = await client.get<Pod>(podsApi, "nowhere");
    assert.equal(nowhere.spec?.nodeName, undefined);
  });
});

describe("exit codes", () => {
  const cases = [
    { name: "exit-zero-never", code: "0", restartPolicy: "Never", phase: "Succeeded", reason: "Completed" },
    { name: "exit-one-never", code: "1", restartPolicy: "Never", phase: "Failed", reason: "Error" },
    { name: "exit-zero-onfailure", code: "0", restartPolicy: "OnFailure", phase: "Succeeded", reason: "Completed" },
  ];
  for (const c of cases) {
    test(`${c.name}: phase ${c.phase}, terminated ${c.reason}`, async () => {
      await client.create(podsApi, pod(c.name, { [exitCodeLabel]: c.code, [runMsLabel]: "300" }, { restartPolicy: c.restartPolicy }));
      await eventually("running", podWhere(c.name, (p) => p.status?.phase === "Running"));
      const done = await eventually("finished", podWhere(c.name, (p) => p.status?.phase === c.phase));
      const terminated = done.status?.containerStatuses?.[0]?.state?.terminated;
      assert.equal(terminated?.exitCode, Number(c.code));
      assert.equal(terminated?.reason, c.reason);
      assert.equal(done.status?.conditions?.find((x) => x.type === "Ready")?.status, "False");
    });
  }

  test("a failing container under OnFailure restarts and the pod stays Running", async () => {
    await client.create(podsApi, pod("crashing", { [exitCodeLabel]: "2", [runMsLabel]: "150" }, { restartPolicy: "OnFailure" }));
    const restarted = await eventually("two restarts", podWhere("crashing", (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2));
    assert.equal(restarted.status?.phase, "Running");
    assert.equal(restarted.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 2);
  });
});
