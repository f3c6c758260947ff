// Controller manager throughput: a real `skiff server` (with its controller
// manager) in a temp dir, 10 Nodes played by the simulated node actor in this
// process (it registers the Nodes, renews their Leases and reports bound pods
// Running and Ready at once), then 100 Deployments × 10 replicas created at
// once. Measured from the first create: until all 1000 pods exist, and until
// every Deployment reports availableReplicas 10 with Available=True, both
// seen through watches (informers), not polling.
//
//   npm run bench:controllers
//   npm run bench:controllers -- --binder scheduler   # the server's scheduler binds (default: the actor binds, no scheduler)
//   npm run bench:controllers -- --profile-server DIR  # CPU profile of the server process (its manager included) into DIR
//   node --cpu-prof --import tsx bench/controllers.ts --in-process-manager
//       # the controller manager runs in this process (the server without one), so --cpu-prof profiles it
//
// Prints figures only and ends with one JSON line. Gives up after 10 minutes.
import { mkdir } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../src/client/resources.ts";
import { RestClient } from "../src/client/rest-client.ts";
import { SharedInformerFactory } from "../src/client/shared-informer-factory.ts";
import { startControllerManager } from "../src/controllers/manager.ts";
import { startServer } from "../test/support/server.ts";
import { runSimulatedNodeActor } from "../test/support/simulated-node-actor.ts";

const { values: flags } = parseArgs({
  options: {
    deployments: { type: "string", default: "100" },
    replicas: { type: "string", default: "10" },
    nodes: { type: "string", default: "10" },
    binder: { type: "string", default: "actor" },
    "in-process-manager": { type: "boolean", default: false },
    "profile-server": { type: "string" },
  },
});

const deployments = Number(flags.deployments);
const replicas = Number(flags.replicas);
const nodeCount = Number(flags.nodes);
const actorBinds = flags.binder !== "scheduler";
const giveUpAfterMs = 10 * 60_000;
/** Deployment creates in flight at once: "at once" without one connection per object. */
const createConcurrency = 32;
const namespace = "default";

class BenchError extends Error {
  readonly reason = "BenchFailed" as const;
}

function deployment(index: number): Deployment {
  const app = `bench-${index}`;
  return {
    metadata: { name: app },
    spec: {
      replicas,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: "app", image: "localhost:5000/busybox" }] } },
    },
  };
}

const isAvailable = (d: Deployment): boolean =>
  d.status?.availableReplicas === replicas && d.status.observedGeneration === d.metadata?.generation && (d.status.conditions ?? []).some((c) => c.type === "Available" && c.status === "True");

async function main(): Promise<void> {
  const inProcessManager = flags["in-process-manager"];
  const profileDir = flags["profile-server"] === undefined ? undefined : resolve(flags["profile-server"]);
  if (profileDir !== undefined) {
    await mkdir(profileDir, { recursive: true });
    // Only the server child sees these (startServer spawns it with this environment).
    process.env.SKIFF_CPU_PROFILE_DIR = profileDir;
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import ${fileURLToPath(new URL("./support/cpu-profile-on-exit.mjs", import.meta.url))}`.trim();
  }
  const server = await startServer([...(actorBinds ? ["--disable-scheduler"] : []), ...(inProcessManager ? ["--disable-controller-manager"] : [])]);
  delete process.env.NODE_OPTIONS;
  const client = await RestClient.fromKubeconfig(server.kubeconfig);
  const stop = new AbortController();
  // Its own client: the manager in `skiff server` has its own connection too.
  const managerClient = inProcessManager ? await RestClient.fromKubeconfig(server.kubeconfig) : undefined;
  const manager = managerClient === undefined ? Promise.resolve() : startControllerManager(managerClient, stop.signal, { leaderElection: false });
  const giveUp = setTimeout(() => stop.abort(new BenchError("gave up after 10 minutes")), giveUpAfterMs);
  const nodes = Array.from({ length: nodeCount }, (_, i) => `bench-node-${i}`);
  const actor = runSimulatedNodeActor(client, stop.signal, { nodes, bind: actorBinds, readyDelayMs: 0 });
  const informers = new SharedInformerFactory(client);
  const podInformer = informers.informerFor<Pod>(inNamespace(resources.pods, namespace));
  const deploymentInformer = informers.informerFor<Deployment>(inNamespace(resources.deployments, namespace));
  const watching = informers.start(stop.signal);
  try {
    if (!(await informers.waitForSync(stop.signal))) throw new BenchError("informers did not sync");
    const total = deployments * replicas;
    const seenPods = new Set<string>();
    const available = new Set<string>();
    let start = 0;
    let allPodsAt = 0;
    let allAvailableAt = 0;
    let runningPods = 0;
    let allRunningAt = 0;
    const finished = new Promise<void>((done, fail) => {
      stop.signal.addEventListener("abort", () => fail(stop.signal.reason), { once: true });
      const podSeen = (pod: Pod) => {
        const name = pod.metadata?.name ?? "";
        if (!seenPods.has(name)) {
          seenPods.add(name);
          if (seenPods.size === total) allPodsAt = performance.now();
        }
      };
      const runningSeen = new Set<string>();
      podInformer.addEventHandler({
        onAdd: podSeen,
        onUpdate: (_previous, pod) => {
          podSeen(pod);
          if (pod.status?.phase === "Running" && !runningSeen.has(pod.metadata?.name ?? "")) {
            runningSeen.add(pod.metadata?.name ?? "");
            runningPods = runningSeen.size;
            if (runningPods === total) allRunningAt = performance.now();
          }
        },
      });
      const deploymentSeen = (d: Deployment) => {
        if (!isAvailable(d)) return;
        available.add(d.metadata?.name ?? "");
        if (available.size === deployments && allAvailableAt === 0) {
          allAvailableAt = performance.now();
          done();
        }
      };
      deploymentInformer.addEventHandler({ onAdd: deploymentSeen, onUpdate: (_previous, d) => deploymentSeen(d) });
    });
    const progress = setInterval(() => process.stdout.write(`  ${((performance.now() - start) / 1000).toFixed(1)} s: ${seenPods.size} pods, ${runningPods} running, ${available.size} deployments available\n`), 5_000);
    try {
      start = performance.now();
      const deploymentsApi = inNamespace(resources.deployments, namespace);
      let next = 0;
      await Promise.all(
        Array.from({ length: createConcurrency }, async () => {
          while (next < deployments && !stop.signal.aborted) await client.create(deploymentsApi, deployment(next++), { signal: stop.signal });
        }),
      );
      const createdAt = performance.now();
      await finished;
      const seconds = (at: number) => (at - start) / 1000;
      const figures = {
        deployments_100x10_seconds: Number(seconds(allAvailableAt).toFixed(2)),
        deployments_created_seconds: Number(seconds(createdAt).toFixed(2)),
        pods_created_seconds: Number(seconds(allPodsAt).toFixed(2)),
        pods_running_seconds: Number(seconds(allRunningAt || allAvailableAt).toFixed(2)),
        pods_created_per_second: Number((total / seconds(allPodsAt)).toFixed(1)),
        pods_available_per_second: Number((total / seconds(allAvailableAt)).toFixed(1)),
        deployments,
        replicas,
        nodes: nodeCount,
        binder: actorBinds ? "simulated-node-actor" : "scheduler",
        manager: inProcessManager ? "in-process" : "skiff server",
      };
      console.log(`\n${deployments} Deployments × ${replicas} replicas on ${nodeCount} simulated nodes (binder: ${figures.binder}, manager: ${figures.manager})`);
      console.log(`  all Deployments created       ${figures.deployments_created_seconds.toFixed(2)} s`);
      console.log(`  all ${total} pods created        ${figures.pods_created_seconds.toFixed(2)} s  (${figures.pods_created_per_second} pods/s)`);
      console.log(`  all pods Running              ${figures.pods_running_seconds.toFixed(2)} s`);
      console.log(`  all Deployments Available     ${figures.deployments_100x10_seconds.toFixed(2)} s  (${figures.pods_available_per_second} pods/s)`);
      console.log(JSON.stringify(figures));
    } finally {
      clearInterval(progress);
    }
  } finally {
    clearTimeout(giveUp);
    stop.abort();
    await Promise.allSettled([actor, watching, manager]);
    client.close();
    managerClient?.close();
    await server.stop();
    if (profileDir !== undefined) console.log(`server CPU profile written to ${profileDir}`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench:controllers failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
