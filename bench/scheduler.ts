// Scheduler throughput in upstream scheduler_perf's SchedulingBasic shape:
// 5000 simulated Nodes (plain objects created through the API: cpu 4, memory
// 32Gi, pods 110), 1000 pods placed before measuring, then 10 000 pods
// created at a steady rate ahead of the scheduler and measured from creation
// (client side, just before the POST) to the bound pod arriving through the
// scheduler's own pod informer. Binds go through the API server's
// pods/binding, Events through the EventRecorder, as in `skiff server`.
//
// The API server runs as a child process (`skiff server --disable-agent
// --disable-controller-manager --disable-scheduler` in a temp dir); the
// scheduler and the pod-creating client run in this process, so
// `node --cpu-prof --import tsx bench/scheduler.ts` profiles the scheduler.
//
//   npm run bench:scheduler
//   npm run bench:scheduler -- --nodes 500 --pods 2000   # a quick run
//   npm run bench:scheduler -- --profile m.cpuprofile    # this process's CPU profile of the measured phase only
//
// Prints figures only (pods/s average and p50 over 1-second samples, p99
// scheduling latency) and ends with one JSON line. Gives up after 10 minutes.
import { readFile, writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { EventRecorder } from "../src/client/event-recorder.ts";
import { hasReason } from "../src/client/errors.ts";
import { inNamespace, resources } from "../src/client/resources.ts";
import { RestClient } from "../src/client/rest-client.ts";
import { SharedInformerFactory } from "../src/client/shared-informer-factory.ts";
import { DefaultBinderPlugin } from "../src/scheduler/binder.ts";
import { buildProfile, defaultSchedulerConfig } from "../src/scheduler/config.ts";
import { DEFAULT_SCHEDULER_NAME } from "../src/scheduler/plugins/default-profile.ts";
import { Scheduler } from "../src/scheduler/scheduler.ts";
import { startServer } from "../test/support/server.ts";
import { LatencyRecorder } from "./support/latency-recorder.ts";

const { values: flags } = parseArgs({
  options: {
    nodes: { type: "string", default: "5000" },
    "initial-pods": { type: "string", default: "1000" },
    pods: { type: "string", default: "10000" },
    /** Pods created per second in the measured phase; above the scheduler's rate so it never waits. */
    rate: { type: "string", default: "2500" },
    /** Writes a CPU profile of this process during the measured phase to this file. */
    profile: { type: "string" },
  },
});

const workload = {
  nodes: Number(flags.nodes),
  initialPods: Number(flags["initial-pods"]),
  measuredPods: Number(flags.pods),
  createRatePerSecond: Number(flags.rate),
  concurrency: 64,
  namespace: "default",
  capMs: 10 * 60 * 1000,
};

class BenchError extends Error {
  readonly reason = "BenchFailed" as const;
}

const podsApi = inNamespace(resources.pods, workload.namespace);
const started = performance.now();
const remainingMs = () => workload.capMs - (performance.now() - started);

function log(message: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

/** Runs task(0..count-1) with at most `concurrency` in flight. */
async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && remainingMs() > 0) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

function nodeObject(index: number): Node {
  const name = `node-${index}`;
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name } } };
}

const nodeCapacity = { cpu: "4", memory: "32Gi", pods: "110" };

function podObject(name: string): Pod {
  const amounts = { cpu: "100m", memory: "500Mi" };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: workload.namespace },
    spec: { containers: [{ name: "pause", image: "registry.k8s.io/pause:3.10", ports: [{ containerPort: 80 }], resources: { requests: amounts, limits: amounts } }] },
  };
}

/** User plus system CPU seconds of a process so far, from /proc/<pid>/stat (clock ticks of 10 ms). */
async function processCpuSeconds(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function waitFor(what: string, done: () => boolean): Promise<void> {
  while (!done()) {
    if (remainingMs() <= 0) throw new BenchError(`gave up after ${workload.capMs / 60000} minutes waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main(): Promise<void> {
  const server = await startServer(["--disable-controller-manager", "--disable-scheduler"]);
  const schedulerClient = await RestClient.fromKubeconfig(server.kubeconfig);
  const creatorClient = await RestClient.fromKubeconfig(server.kubeconfig);
  const stop = new AbortController();
  let schedulerStopped: Promise<void> = Promise.resolve();
  try {
    log(`creating ${workload.nodes} nodes (concurrency ${workload.concurrency})`);
    await inParallel(workload.nodes, workload.concurrency, async (index) => {
      const created = await creatorClient.create<Node>(resources.nodes, nodeObject(index));
      await creatorClient.updateStatus<Node>(resources.nodes, { ...created, status: { capacity: nodeCapacity, allocatable: nodeCapacity } });
    });

    const createdAt = new Map<string, number>();
    const boundAt = new Map<string, number>();
    const informers = new SharedInformerFactory(schedulerClient);
    const recordBound = (pod: Pod) => {
      const name = pod.metadata?.name ?? "";
      if (pod.spec?.nodeName && !boundAt.has(name)) boundAt.set(name, performance.now());
    };
    informers.informerFor<Pod>(resources.pods).addEventHandler({ onAdd: recordBound, onUpdate: (_old, pod) => recordBound(pod) });
    const recorder = new EventRecorder(schedulerClient, { component: DEFAULT_SCHEDULER_NAME });
    const binder = new DefaultBinderPlugin(schedulerClient);
    const config = defaultSchedulerConfig();
    const scheduler = new Scheduler({
      client: schedulerClient,
      informers,
      makeProfiles: (cluster) => config.profiles.map((profile) => buildProfile(profile, { binder, spreadOwners: cluster.spreadOwners, volumes: cluster.volumes, client: schedulerClient })),
      events: { record: (regarding, type, reason, message) => recorder.event(regarding, type, reason, message) },
      onError: (error) => console.error(`scheduler: ${error instanceof Error ? error.message : String(error)}`),
    });
    let ready!: () => void;
    const schedulerReady = new Promise<void>((resolve) => (ready = resolve));
    const informersStopped = informers.start(stop.signal);
    schedulerStopped = Promise.all([scheduler.start(stop.signal, ready), informersStopped]).then(() => recorder.close());
    await schedulerReady;
    log(`scheduler ready with ${scheduler.cache.nodeCount} nodes in its cache`);

    log(`placing ${workload.initialPods} initial pods`);
    await inParallel(workload.initialPods, workload.concurrency, async (index) => {
      await creatorClient.create<Pod>(podsApi, podObject(`initial-${index}`));
    });
    await waitFor("the initial pods to be bound", () => boundAt.size >= workload.initialPods);
    const boundBefore = boundAt.size;

    log(`measuring ${workload.measuredPods} pods created at up to ${workload.createRatePerSecond}/s`);
    const samples: number[] = [];
    let lastCount = boundBefore;
    const sampler = setInterval(() => {
      samples.push(boundAt.size - lastCount);
      lastCount = boundAt.size;
    }, 1000);
    const profiler = flags.profile === undefined ? undefined : new Session();
    if (profiler !== undefined) {
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    }
    const measureStart = performance.now();
    const statsBefore = scheduler.stats;
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = await processCpuSeconds(server.process.pid);
    const intervalMs = 1000 / workload.createRatePerSecond;
    const creating = inParallel(workload.measuredPods, workload.concurrency, async (index) => {
      const due = measureStart + index * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const name = `measured-${index}`;
      createdAt.set(name, performance.now());
      try {
        await creatorClient.create<Pod>(podsApi, podObject(name));
      } catch (error) {
        if (!hasReason(error, "AlreadyExists")) throw error;
      }
    });
    await creating;
    const createdIn = performance.now() - measureStart;
    await waitFor("the measured pods to be bound", () => boundAt.size - boundBefore >= workload.measuredPods);
    clearInterval(sampler);
    const partial = boundAt.size - lastCount;
    const elapsedMs = performance.now() - measureStart;
    const cpu = process.cpuUsage(cpuBefore);
    if (profiler !== undefined) {
      const { profile } = await profiler.post("Profiler.stop");
      await writeFile(flags.profile!, JSON.stringify(profile));
      profiler.disconnect();
    }
    const serverCpuPercent = (((await processCpuSeconds(server.process.pid)) - serverCpuBefore) * 1000 * 100) / elapsedMs;
    const statsAfter = scheduler.stats;
    const attempts = statsAfter.attempts - statsBefore.attempts;
    const cycleMsPerPod = (statsAfter.cycleMs - statsBefore.cycleMs) / Math.max(1, attempts);

    const latency = new LatencyRecorder(workload.measuredPods);
    for (const [name, created] of createdAt) {
      const bound = boundAt.get(name);
      if (bound !== undefined) latency.add(bound - created);
    }
    const podsPerSecond = (workload.measuredPods * 1000) / elapsedMs;
    const clientCpuMsPerPod = (cpu.user + cpu.system) / 1000 / workload.measuredPods;
    const serverCpuMsPerPod = (serverCpuPercent / 100) * elapsedMs / workload.measuredPods;
    const sorted = [...samples].sort((left, right) => left - right);
    const p50Sample = sorted.length === 0 ? partial : (sorted[Math.floor((sorted.length - 1) / 2)] as number);
    log(`created ${workload.measuredPods} pods in ${(createdIn / 1000).toFixed(1)} s (${((workload.measuredPods * 1000) / createdIn).toFixed(0)}/s)`);
    console.log("");
    console.log(`nodes                     ${workload.nodes}`);
    console.log(`pods measured             ${workload.measuredPods} (after ${workload.initialPods} placed)`);
    console.log(`throughput average        ${podsPerSecond.toFixed(0)} pods/s over ${(elapsedMs / 1000).toFixed(1)} s`);
    console.log(`throughput p50 (1 s)      ${p50Sample} pods/s  (samples: ${samples.join(" ")})`);
    console.log(`latency p50 / p99 / max   ${latency.percentile(0.5).toFixed(0)} / ${latency.percentile(0.99).toFixed(0)} / ${latency.max().toFixed(0)} ms (created → bound seen by the informer)`);
    console.log(`scheduling cycle          ${cycleMsPerPod.toFixed(3)} ms per attempt (${attempts} attempts): the cycle alone could do ${(1000 / cycleMsPerPod).toFixed(0)} pods/s`);
    console.log(`this process's CPU        ${((cpu.user + cpu.system) / 1000 / elapsedMs * 100).toFixed(0)}% of one core (scheduler, its informers, the pod-creating client), ${clientCpuMsPerPod.toFixed(3)} ms per pod`);
    console.log(`API server's CPU          ${serverCpuPercent.toFixed(0)}% of one core (child process), ${serverCpuMsPerPod.toFixed(3)} ms per pod`);
    console.log("(CPU per pod says more than pods/s on a shared machine: a busy neighbour lowers the rate, much less the CPU each pod costs)");
    console.log(`events dropped            ${recorder.dropped} (the recorder's queue of 1000 overflows when the API server is slower than binds)`);
    console.log("scheduler runs in this process; API server in a child process (sqlite store)");
    console.log(
      JSON.stringify({
        bench: "scheduler",
        shape: "SchedulingBasic",
        nodes: workload.nodes,
        initial_pods: workload.initialPods,
        measured_pods: workload.measuredPods,
        pods_per_second: Math.round(podsPerSecond),
        p50_pods_per_second_1s: p50Sample,
        p50_ms: Math.round(latency.percentile(0.5)),
        p99_ms: Math.round(latency.percentile(0.99)),
        cycle_ms_per_pod: Number(cycleMsPerPod.toFixed(3)),
        process_cpu_percent: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100),
        server_cpu_percent: Math.round(serverCpuPercent),
        process_cpu_ms_per_pod: Number(clientCpuMsPerPod.toFixed(3)),
        server_cpu_ms_per_pod: Number(serverCpuMsPerPod.toFixed(3)),
        events_dropped: recorder.dropped,
      }),
    );
  } finally {
    stop.abort();
    await schedulerStopped.catch(() => {});
    schedulerClient.close();
    creatorClient.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:scheduler failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
