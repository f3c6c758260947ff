// The agent on real containerd (through the shared containerd fixture: its
// own containerd, bridge skiff-kl0 and range 10.42.252.0/24) against a real
// server: `bin/skiff agent` as a child process so it can be SIGKILLed and
// restarted. Needs root and the localhost:5000 test images.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { hasReason } from "../../src/client/errors.ts";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { containerdSkipReason, openContainerdFixture, type ContainerdFixture } from "../../src/kubelet/runtime/cri/containerd-fixture.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { eventually as pollUntil } from "../support/eventually.ts";

const skipReason = containerdSkipReason();
const nodeName = "e2e-kubelet";
const podCidr = "10.42.252.0/24";
const podsApi = inNamespace(resources.pods, "default");
const busybox = "localhost:5000/busybox:latest";
const root = new URL("../..", import.meta.url).pathname;

let server: TestServer;
let client: RestClient;
let fixture: ContainerdFixture;
let agentDir: string;
let agent: ChildProcess | undefined;
let agentOutput = "";

async function startAgent(): Promise<void> {
  agentOutput = "";
  const child = spawn(join(root, "bin/skiff"), ["agent", "--kubeconfig", server.kubeconfig, "--data-dir", agentDir, "--node-name", nodeName, "--runtime", "cri", "--container-runtime-endpoint", `unix://${fixture.endpoint}`, "--pod-cidr", podCidr, "--bridge", "skiff-kl0", "--iptables-chain-prefix", "SKKL"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (agentOutput += d));
  child.stderr!.on("data", (d) => (agentOutput += d));
  agent = child;
  const deadline = Date.now() + 60_000;
  while (!agentOutput.includes("agent ready")) {
    if (child.exitCode !== null) throw new Error(`skiff agent exited ${child.exitCode}: ${agentOutput}`);
    if (Date.now() > deadline) throw new Error(`skiff agent did not become ready: ${agentOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopAgent(signal: NodeJS.Signals): Promise<void> {
  const child = agent;
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

/** Polls with this file's output attached to a timeout. */
const eventually = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs?: number): Promise<T> =>
  pollUntil(what, check, timeoutMs, { intervalMs: 200, context: () => `agent output:\n${agentOutput.slice(-3000)}` });

function shellPod(name: string, script: string, restartPolicy: string, grace?: number): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { nodeName, restartPolicy, ...(grace !== undefined ? { terminationGracePeriodSeconds: grace } : {}), containers: [{ name: "main", image: busybox, imagePullPolicy: "IfNotPresent", command: ["sh", "-c", script] }] },
  };
}

const getPod = (name: string) => client.get<Pod>(podsApi, name);

async function gone(name: string): Promise<true | undefined> {
  try {
    await getPod(name);
    return undefined;
  } catch (e) {
    return hasReason(e, "NotFound") ? true : undefined;
  }
}

if (skipReason) {
  test("kubelet on containerd", { skip: skipReason }, () => undefined);
} else {
  before(async () => {
    fixture = await openContainerdFixture({ bridge: "skiff-kl0", podCidr });
    server = await startServer(["--disable-controller-manager"]);
    client = await RestClient.fromKubeconfig(server.kubeconfig);
    agentDir = await mkdtemp(join(tmpdir(), "skiff-agent-e2e-"));
    await startAgent();
  });

  after(async () => {
    await stopAgent("SIGTERM");
    client?.close();
    await server?.stop();
    await fixture?.close();
    if (agentDir) await rm(agentDir, { recursive: true, force: true });
  });

  describe("kubelet on containerd", () => {
    test("an echoing busybox pod runs, succeeds, and its log file has the line", async () => {
      const created = await client.create<Pod>(podsApi, shellPod("echo", "echo hello-from-skiff; sleep 3", "Never"));
      await eventually("echo Running", async () => ((await getPod("echo")).status?.phase === "Running" ? true : undefined));
      const done = await eventually("echo Succeeded", async () => {
        const p = await getPod("echo");
        return p.status?.phase === "Succeeded" ? p : undefined;
      });
      assert.equal(done.status?.containerStatuses?.[0]?.state?.terminated?.reason, "Completed");
      assert.match(done.status?.podIP ?? "", /^10\.42\.252\./);
      const logFile = join(agentDir, "agent", "logs", "pods", `default_echo_${created.metadata?.uid}`, "main", "0.log");
      assert.match(await readFile(logFile, "utf8"), /stdout F hello-from-skiff/);
    });

    test("a crashing container shows CrashLoopBackOff with a growing restartCount", async () => {
      await client.create<Pod>(podsApi, shellPod("crash", "exit 3", "Always"));
      const first = await eventually("crash in back-off", async () => {
        const s = (await getPod("crash")).status?.containerStatuses?.[0];
        return s?.state?.waiting?.reason === "CrashLoopBackOff" ? s : undefined;
      });
      assert.equal(first.lastState?.terminated?.exitCode, 3);
      const before = first.restartCount ?? 0;
      await eventually("another restart", async () => (((await getPod("crash")).status?.containerStatuses?.[0]?.restartCount ?? 0) > before ? true : undefined), 40_000);
      await client.delete(podsApi, "crash", { gracePeriodSeconds: 1 });
      await eventually("crash gone", () => gone("crash"));
    });

    test("killing and restarting the agent restarts no container", async () => {
      await client.create<Pod>(podsApi, shellPod("steady", "while true; do sleep 1; done", "Always", 2));
      const running = await eventually("steady running", async () => {
        const p = await getPod("steady");
        return p.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
      });
      await stopAgent("SIGKILL");
      await startAgent();
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const after = await getPod("steady");
      const [was, is] = [running.status?.containerStatuses?.[0], after.status?.containerStatuses?.[0]];
      assert.equal(is?.containerID, was?.containerID);
      assert.equal(is?.restartCount, was?.restartCount);
      assert.ok(is?.state?.running);
      await client.delete(podsApi, "steady", { gracePeriodSeconds: 2 });
      await eventually("steady gone", () => gone("steady"));
    });

    test("deletion stops a SIGTERM-handling container within the grace period", async () => {
      await client.create<Pod>(podsApi, shellPod("graceful", "trap 'echo got-term; exit 0' TERM; while true; do sleep 0.2; done", "Always", 30));
      await eventually("graceful running", async () => ((await getPod("graceful")).status?.containerStatuses?.[0]?.state?.running ? true : undefined));
      const began = Date.now();
      await client.delete(podsApi, "graceful");
      await eventually("graceful gone", () => gone("graceful"), 30_000);
      assert.ok(Date.now() - began < 15_000, `took ${Date.now() - began} ms for a container that exits on SIGTERM`);
    });
  });
}
