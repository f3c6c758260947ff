// Pod startup on one real node: a `skiff server --disable-agent` in a temp
// dir, and `bin/skiff agent` on its own containerd (own data dir, bridge
// skiff-bp0 and range 10.42.250.0/24) as a child process. The busybox image
// is pulled once by a warm-up pod; then 30 pods are created at once and each
// is timed from its create request to Running as seen through a watch.
// Reports p50/p99 and the agent process's RSS (VmRSS of the agent, not of
// containerd). Needs root, containerd and the localhost:5000 test images.
//
//   npm run bench:pods
//   npm run bench:pods -- --pods 50
//
// Prints figures only and ends with one JSON line. Gives up after 5 minutes.
import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Pod } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../src/client/resources.ts";
import { RestClient } from "../src/client/rest-client.ts";
import { SharedInformerFactory } from "../src/client/shared-informer-factory.ts";
import { stopContainerd } from "../src/kubelet/runtime/containerd/start-containerd.ts";
import { containerdSkipReason, ensureTestImages } from "../src/kubelet/runtime/cri/containerd-fixture.ts";
import { startServer, type TestServer } from "../test/support/server.ts";

const { values: flags } = parseArgs({ options: { pods: { type: "string", default: "30" } } });
const podCount = Number(flags.pods);
const nodeName = "bench-pods";
const bridge = "skiff-bp0";
const podCidr = "10.42.250.0/24";
const busybox = "localhost:5000/busybox:latest";
const giveUpAfterMs = 5 * 60_000;
const repositoryRoot = fileURLToPath(new URL("..", import.meta.url));
const podsApi = inNamespace(resources.pods, "default");

class BenchError extends Error {
  readonly reason = "BenchFailed" as const;
}

/** Exits at once on SIGTERM, so deleting the bench's pods does not wait out a grace period. */
function sleeper(name: string): Pod {
  return {
    metadata: { name },
    spec: {
      nodeName,
      terminationGracePeriodSeconds: 5,
      containers: [{ name: "main", image: busybox, imagePullPolicy: "IfNotPresent", command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"] }],
    },
  };
}

async function startAgent(server: TestServer, dataDir: string): Promise<ChildProcess> {
  const args = ["agent", "--kubeconfig", server.kubeconfig, "--data-dir", dataDir, "--node-name", nodeName, "--runtime", "cri", "--pod-cidr", podCidr, "--bridge", bridge, "--kubelet-port", "0", "--iptables-chain-prefix", "SKBP"];
  const child = spawn(join(repositoryRoot, "bin/skiff"), args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 120_000;
  while (!output.includes("agent ready")) {
    if (child.exitCode !== null) throw new BenchError(`skiff agent exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) throw new BenchError(`skiff agent did not become ready: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function rssMegabytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** When each pod was first seen Running, by name. */
function runningTimes(factory: SharedInformerFactory): Map<string, number> {
  const seen = new Map<string, number>();
  const observe = (pod: Pod) => {
    const name = pod.metadata?.name ?? "";
    if (!seen.has(name) && pod.status?.phase === "Running") seen.set(name, performance.now());
  };
  factory.informerFor<Pod>(podsApi).addEventHandler({ onAdd: observe, onUpdate: (_old, pod) => observe(pod) });
  return seen;
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new BenchError(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  const skip = containerdSkipReason();
  if (skip !== undefined) throw new BenchError(`bench:pods ${skip}`);
  ensureTestImages();
  const agentDir = await mkdtemp(join(tmpdir(), "skiff-bench-pods-"));
  const server = await startServer();
  const client = await RestClient.fromKubeconfig(server.kubeconfig);
  const stopWatching = new AbortController();
  let agent: ChildProcess | undefined;
  const giveUp = setTimeout(() => {
    console.error("bench:pods gave up after 5 minutes");
    process.exit(1);
  }, giveUpAfterMs);
  try {
    agent = await startAgent(server, agentDir);
    const factory = new SharedInformerFactory(client);
    const names = Array.from({ length: podCount }, (_, i) => `bench-${i}`);
    const running = runningTimes(factory);
    void factory.start(stopWatching.signal);
    await factory.waitForSync(stopWatching.signal);

    // The pull (and the sandbox image) stay out of the figures: the first pod pays for them.
    await client.create(podsApi, sleeper("warm-up"));
    await waitFor("the warm-up pod to run", () => running.has("warm-up"), 120_000);
    const rssIdle = await rssMegabytes(agent.pid!);

    const created = new Map<string, number>();
    await Promise.all(
      names.map(async (name) => {
        created.set(name, performance.now());
        await client.create(podsApi, sleeper(name));
      }),
    );
    await waitFor(`${podCount} pods to run`, () => names.every((name) => running.has(name)), 120_000);
    const rssPeak = await rssMegabytes(agent.pid!);
    const startup = names.map((name) => (running.get(name)! - created.get(name)!) / 1000).sort((a, b) => a - b);
    const p50 = percentile(startup, 50);
    const p99 = percentile(startup, 99);
    const rss = Math.max(rssIdle, rssPeak);
    console.log(`${podCount} pods on one node (containerd): startup p50 ${p50.toFixed(3)} s, p99 ${p99.toFixed(3)} s, max ${startup.at(-1)!.toFixed(3)} s`);
    console.log(`agent RSS: ${rssIdle.toFixed(1)} MB with one pod, ${rssPeak.toFixed(1)} MB with ${podCount + 1}`);

    const deleting = Date.now();
    await Promise.all(["warm-up", ...names].map((name) => client.delete(podsApi, name)));
    const gone = async () => (await client.list<Pod>(podsApi)).items.length === 0;
    for (let attempt = 0; attempt < 600 && !(await gone()); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
    console.log(`deleted ${podCount + 1} pods in ${((Date.now() - deleting) / 1000).toFixed(1)} s`);
    console.log(JSON.stringify({ bench: "pods", pods: podCount, startup_p50_s: round(p50), startup_p99_s: round(p99), startup_max_s: round(startup.at(-1)!), agent_rss_mb: round(rss), agent_rss_idle_mb: round(rssIdle) }));
  } finally {
    clearTimeout(giveUp);
    stopWatching.abort();
    if (agent !== undefined) await stopProcess(agent);
    // The agent leaves its containerd running on purpose (a restarted agent adopts its pods); the bench does not.
    await stopContainerd(join(agentDir, "agent"));
    try {
      execFileSync("ip", ["link", "del", bridge], { stdio: "ignore" });
    } catch {
      // Already gone.
    }
    client.close();
    await server.stop();
    await rm(agentDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

await main();
