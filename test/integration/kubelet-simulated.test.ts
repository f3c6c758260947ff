// The kubelet core against a real `skiff server` (no agent of its own), with
// the agent in this process on the simulated runtime: node registration and
// lease renewal, pods going Running and Ready, exiting under each restart
// policy, crash-loop back-off, graceful deletion, adoption by a restarted
// agent and static pods with mirror pods.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Event, Node, Pod } from "kubernetes-types/core/v1";
import { hasReason } from "../../src/client/errors.ts";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { Agent } from "../../src/kubelet/agent.ts";
import type { HostFacts } from "../../src/kubelet/host-facts.ts";
import { podUidLabel } from "../../src/kubelet/runtime-labels.ts";
import { SimulatedRuntime, simulatedExitCodeAnnotation, simulatedRunMsAnnotation } from "../../src/kubelet/runtime/simulated/simulated-runtime.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { eventually } from "../support/eventually.ts";

const nodeName = "sim-node-1";
const podsApi = inNamespace(resources.pods, "default");
const host: HostFacts = { cpus: 4, memoryBytes: 8 * 1024 ** 3, ephemeralStorageBytes: 100 * 1024 ** 3, osImage: "Test Linux", kernelVersion: "6.1.0", architecture: "amd64", machineID: "m1", bootID: "b1", internalIP: "127.0.0.1" };

let server: TestServer;
let client: RestClient;
let dataDir: string;
let manifests: string;
const runtime = new SimulatedRuntime({ unpullable: (image) => image.includes("/missing") });
let stopAgent: AbortController;
let agentStopped: Promise<void>;

async function startAgent(): Promise<void> {
  stopAgent = new AbortController();
  const agent = new Agent({ client, runtime, nodeName, dataDir, host, podManifestPath: manifests, nodeStatusIntervalMs: 500, leaseRenewIntervalMs: 300, plegPeriodMs: 100, staticPodScanMs: 300, log: () => {} });
  agentStopped = agent.start(stopAgent.signal);
  await agent.ready;
}

before(async () => {
  server = await startServer(["--disable-controller-manager"]);
  client = await RestClient.fromKubeconfig(server.kubeconfig);
  dataDir = await mkdtemp(join(tmpdir(), "skiff-kubelet-"));
  manifests = join(dataDir, "manifests");
  await mkdir(manifests);
  await startAgent();
});

after(async () => {
  stopAgent.abort();
  await agentStopped;
  client.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function pod(name: string, extra: { annotations?: Record<string, string>; restartPolicy?: string; init?: boolean } = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, annotations: extra.annotations ?? {} },
    spec: {
      nodeName,
      restartPolicy: extra.restartPolicy ?? "Always",
      ...(extra.init ? { initContainers: [{ name: "setup", image: "localhost:5000/busybox:latest" }] } : {}),
      containers: [{ name: "main", image: "localhost:5000/web:v1", command: ["/web"], env: [{ name: "GREETING", value: "hi" }] }],
    },
  };
}

const getPod = (name: string) => client.get<Pod>(podsApi, name);

describe("node", () => {
  test("registers with capacity, addresses, nodeInfo and the four conditions", async () => {
    const node = await eventually("node ready", async () => {
      const n = await client.get<Node>(resources.nodes, nodeName);
      return n.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? n : undefined;
    });
    assert.equal(node.status?.capacity?.pods, "110");
    assert.equal(node.status?.capacity?.cpu, "4");
    assert.equal(node.status?.nodeInfo?.kubeletVersion, "v1.32.0");
    assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, "simulated://0.1.0");
    assert.deepEqual(node.status?.addresses, [{ type: "InternalIP", address: "127.0.0.1" }, { type: "Hostname", address: nodeName }]);
    const reasons = Object.fromEntries(node.status?.conditions?.map((c) => [c.type, `${c.status}/${c.reason}`]) ?? []);
    assert.deepEqual(reasons, { MemoryPressure: "False/KubeletHasSufficientMemory", DiskPressure: "False/KubeletHasNoDiskPressure", PIDPressure: "False/KubeletHasSufficientPID", Ready: "True/KubeletReady" });
  });

  test("renews its lease in kube-node-lease", async () => {
    const leases = inNamespace(resources.leases, "kube-node-lease");
    const first = await eventually("lease", () => client.get<Lease>(leases, nodeName));
    assert.equal(first.spec?.holderIdentity, nodeName);
    assert.equal(first.metadata?.ownerReferences?.[0]?.kind, "Node");
    await eventually("a renewal", async () => {
      const now = await client.get<Lease>(leases, nodeName);
      return now.spec?.renewTime !== first.spec?.renewTime ? true : undefined;
    });
  });
});

describe("pods", () => {
  test("a pod goes Running and Ready with an IP, and events say so", async () => {
    await client.create(podsApi, pod("web"));
    const running = await eventually("web ready", async () => {
      const p = await getPod("web");
      return p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? p : undefined;
    });
    assert.equal(running.status?.phase, "Running");
    assert.match(running.status?.podIP ?? "", /^10\.42\./);
    assert.equal(running.status?.hostIP, "127.0.0.1");
    assert.equal(running.status?.qosClass, "BestEffort");
    const main = running.status?.containerStatuses?.[0];
    assert.ok(main?.state?.running?.startedAt);
    assert.match(main?.containerID ?? "", /^simulated:\/\/[0-9a-f]+$/);
    assert.equal(main?.restartCount, 0);
    assert.deepEqual(running.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort(), ["ContainersReady=True", "Initialized=True", "PodReadyToStartContainers=True", "Ready=True"]);
    const events = await eventually("Started event", async () => {
      const list = await client.list<Event>(inNamespace(resources.events, "default"), { fieldSelector: `involvedObject.name=web` });
      return list.items.some((e) => e.reason === "Started") ? list.items : undefined;
    });
    assert.ok(events.some((e) => e.reason === "Created" && e.message === "Created container main"));
  });

  test("init containers run first", async () => {
    await client.create(podsApi, pod("with-init", { init: true, annotations: { [`${simulatedExitCodeAnnotation}.setup`]: "0", [`${simulatedRunMsAnnotation}.setup`]: "200" } }));
    const running = await eventually("with-init running", async () => {
      const p = await getPod("with-init");
      return p.status?.phase === "Running" ? p : undefined;
    });
    assert.equal(running.status?.initContainerStatuses?.[0]?.state?.terminated?.reason, "Completed");
    assert.equal(running.status?.conditions?.find((c) => c.type === "Initialized")?.status, "True");
  });

  test("a Never pod whose container exits 1 goes Failed", async () => {
    await client.create(podsApi, pod("fails", { restartPolicy: "Never", annotations: { [simulatedExitCodeAnnotation]: "1", [simulatedRunMsAnnotation]: "300" } }));
    const failed = await eventually("fails Failed", async () => {
      const p = await getPod("fails");
      return p.status?.phase === "Failed" ? p : undefined;
    });
    const terminated = failed.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(terminated?.exitCode, 1);
    assert.equal(terminated?.reason, "Error");
    assert.equal(failed.status?.conditions?.find((c) => c.type === "Ready")?.reason, "PodCompleted");
  });

  test("a Failed pod never runs again, even when the runtime lost its containers", async () => {
    const failed = await getPod("fails");
    const uid = failed.metadata?.uid ?? "";
    for (const sandbox of await runtime.listPodSandboxes()) if (sandbox.metadata.uid === uid) await runtime.removePodSandbox(sandbox.id);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual((await runtime.listPodSandboxes()).filter((s) => s.metadata.uid === uid), []);
    assert.equal((await getPod("fails")).status?.phase, "Failed");
  });

  test("an OnFailure pod whose container exits 0 goes Succeeded", async () => {
    await client.create(podsApi, pod("succeeds", { restartPolicy: "OnFailure", annotations: { [simulatedExitCodeAnnotation]: "0", [simulatedRunMsAnnotation]: "200" } }));
    const done = await eventually("succeeds Succeeded", async () => {
      const p = await getPod("succeeds");
      return p.status?.phase === "Succeeded" ? p : undefined;
    });
    assert.equal(done.status?.containerStatuses?.[0]?.state?.terminated?.reason, "Completed");
  });

  test("a crashing Always container restarts at once, then waits in CrashLoopBackOff", async () => {
    await client.create(podsApi, pod("crashes", { annotations: { [simulatedExitCodeAnnotation]: "2", [simulatedRunMsAnnotation]: "100" } }));
    const looping = await eventually("crashes in back-off", async () => {
      const p = await getPod("crashes");
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CrashLoopBackOff" ? p : undefined;
    });
    const status = looping.status?.containerStatuses?.[0];
    assert.equal(status?.restartCount, 1);
    assert.equal(status?.lastState?.terminated?.exitCode, 2);
    assert.match(status?.state?.waiting?.message ?? "", /^back-off 10s restarting failed container=main pod=crashes_default/);
    assert.equal(looping.status?.phase, "Running");
  });

  test("a restarted agent adopts running containers: same IDs, no restarts", async () => {
    const before = await getPod("web");
    stopAgent.abort();
    await agentStopped;
    await startAgent();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const afterRestart = await getPod("web");
    assert.equal(afterRestart.status?.containerStatuses?.[0]?.containerID, before.status?.containerStatuses?.[0]?.containerID);
    assert.equal(afterRestart.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(afterRestart.status?.podIP, before.status?.podIP);
  });

  test("deleting a pod stops its containers and removes it", async () => {
    const web = await getPod("web");
    await client.delete(podsApi, "web");
    await eventually("web gone", async () => {
      try {
        await getPod("web");
        return undefined;
      } catch (e) {
        return hasReason(e, "NotFound") ? true : undefined;
      }
    });
    const left = await runtime.listContainers({ labels: { [podUidLabel]: web.metadata?.uid ?? "" } });
    assert.deepEqual(left, []);
  });
});

describe("probes and pulls", () => {
  test("a failing readiness probe keeps a running pod unready", async () => {
    const p = pod("unready");
    p.spec!.containers[0]!.readinessProbe = { exec: { command: ["false"] }, periodSeconds: 1, failureThreshold: 1 };
    await client.create(podsApi, p);
    const running = await eventually("unready running", async () => {
      const got = await getPod("unready");
      return got.status?.phase === "Running" && got.status.containerStatuses?.[0]?.started ? got : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const later = await getPod("unready");
    assert.equal(later.status?.conditions?.find((c) => c.type === "Ready")?.reason, "ContainersNotReady");
    assert.equal(later.status?.containerStatuses?.[0]?.ready, false);
    assert.ok(running.status?.podIP);
  });

  test("a failing liveness probe restarts the container, with an Unhealthy event", async () => {
    const p = pod("unhealthy");
    p.spec!.containers[0]!.livenessProbe = { exec: { command: ["false"] }, periodSeconds: 1, failureThreshold: 1 };
    await client.create(podsApi, p);
    await eventually("a restart", async () => (((await getPod("unhealthy")).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? true : undefined));
    const events = await client.list<Event>(inNamespace(resources.events, "default"), { fieldSelector: "involvedObject.name=unhealthy" });
    assert.ok(events.items.some((e) => e.reason === "Unhealthy" && e.type === "Warning"), events.items.map((e) => e.reason).join());
  });

  test("a failing postStart hook kills the container (FailedPostStartHook) and it restarts", async () => {
    const p = pod("bad-hook");
    p.spec!.containers[0]!.lifecycle = { postStart: { exec: { command: ["false"] } } };
    await client.create(podsApi, p);
    await eventually("a restart", async () => (((await getPod("bad-hook")).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? true : undefined));
    const events = await eventually("FailedPostStartHook", async () => {
      const list = await client.list<Event>(inNamespace(resources.events, "default"), { fieldSelector: "involvedObject.name=bad-hook" });
      return list.items.find((e) => e.reason === "FailedPostStartHook");
    });
    assert.match(events.message ?? "", /^Exec lifecycle hook \(\["false"\]\) for Container "main" failed/);
  });

  test("an image that cannot be pulled shows ErrImagePull, then ImagePullBackOff", async () => {
    const p = pod("no-image");
    p.spec!.containers[0]!.image = "localhost:5000/missing:v1";
    await client.create(podsApi, p);
    const reasons = new Set<string>();
    await eventually("ImagePullBackOff", async () => {
      const reason = (await getPod("no-image")).status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (reason) reasons.add(reason);
      return reasons.has("ImagePullBackOff") ? true : undefined;
    });
    assert.ok(reasons.has("ErrImagePull") || reasons.has("ImagePullBackOff"));
    assert.equal((await getPod("no-image")).status?.phase, "Pending");
  });
});

describe("static pods", () => {
  test("a manifest runs as <name>-<node> with a mirror pod in the API", async () => {
    await writeFile(join(manifests, "static-web.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: static-web\nspec:\n  containers:\n  - name: web\n    image: localhost:5000/web:v1\n");
    const mirror = await eventually("mirror running", async () => {
      const p = await getPod(`static-web-${nodeName}`);
      return p.status?.phase === "Running" ? p : undefined;
    });
    assert.ok(mirror.metadata?.annotations?.["kubernetes.io/config.mirror"]);
    assert.equal(mirror.metadata?.ownerReferences?.[0]?.kind, "Node");
    await rm(join(manifests, "static-web.yaml"));
    await eventually("mirror gone", async () => {
      try {
        await getPod(`static-web-${nodeName}`);
        return undefined;
      } catch (e) {
        return hasReason(e, "NotFound") ? true : undefined;
      }
    });
  });
});
