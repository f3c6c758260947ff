// Storage benchmark: the SQLite store (durable: WAL, synchronous FULL) and a
// real single-member etcd 3.4 (default fsync) measured in one run with the
// same workload. Prints a table, then one JSON line with every figure.
// Figures only: nothing here asserts a timing.
//
//   npm run bench:storage
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Pod } from "kubernetes-types/core/v1.js";
import { startEtcd } from "../test/support/etcd.ts";
import type { EtcdCluster } from "../test/support/etcd.ts";
import { openEtcdStore } from "../src/storage/etcd/etcd-store.ts";
import { openSqliteStore } from "../src/storage/sqlite/sqlite-store.ts";
import type { Revision, Store } from "../src/storage/store.ts";
import { LatencyRecorder } from "./support/latency-recorder.ts";

const workload = {
  warmupWrites: 200,
  writesC1: 2_000,
  writesC64: 10_000,
  writers: 64,
  updatesC1: 2_000,
  gets: 2_000,
  listObjects: 1_000,
  listPageSize: 100,
  listRepeats: 20,
  watchers: 100,
  watchWritesPerSecond: 1_000,
  watchSeconds: 5,
  /** Each phase also stops after this long per backend, so a slow backend cannot stretch the run. */
  phaseCapMs: 20_000,
  /** Slices per phase, alternating between the backends. */
  rounds: 4,
};

interface Measurement {
  ops: number;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface WatchMeasurement {
  watchers: number;
  writes: number;
  /** Write acknowledgements per second actually reached while pacing at the target rate. */
  achievedWritesPerSecond: number;
  /** Writes that failed (each is reported, none retried). */
  failedWrites: number;
  /** Deliveries counted: one per event per watcher. */
  deliveries: number;
  missing: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface BackendResult {
  operations: Record<string, Measurement>;
  watch: WatchMeasurement;
}

/** A pod of about 2 KB of JSON, shaped like what a Deployment's controller and the kubelet write. */
function realisticPod(namespace: string, name: string, generation: number): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace,
      uid: `3f8a2c1e-${name.padStart(4, "0").slice(-4)}-4b7d-9e2f-0c5a7d3b1e6f`,
      generateName: "web-7d4b9c8f6d-",
      creationTimestamp: "2026-01-15T10:24:31Z",
      labels: { app: "web", tier: "frontend", "pod-template-hash": "7d4b9c8f6d", release: "stable" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-15T10:20:00Z", "bench.skiff.dev/generation": String(generation) },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7d4b9c8f6d", uid: "9c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f", controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      containers: [
        {
          name: "web",
          image: "localhost:5000/web:1.27.3",
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
          ],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
          readinessProbe: { httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" }, periodSeconds: 5, timeoutSeconds: 1 },
          volumeMounts: [{ name: "kube-api-access-x7k2p", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true }],
          imagePullPolicy: "IfNotPresent",
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
        },
      ],
      volumes: [{ name: "kube-api-access-x7k2p", projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: "token" } }] } }],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
      nodeName: "node-3",
      schedulerName: "default-scheduler",
      tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }],
      priority: 0,
    },
    status: {
      phase: "Running",
      conditions: [
        { type: "Initialized", status: "True", lastTransitionTime: "2026-01-15T10:24:31Z" },
        { type: "Ready", status: "True", lastTransitionTime: "2026-01-15T10:24:35Z" },
        { type: "PodScheduled", status: "True", lastTransitionTime: "2026-01-15T10:24:31Z" },
      ],
      hostIP: "10.0.0.13",
      podIP: "10.42.3.17",
      startTime: "2026-01-15T10:24:31Z",
      qosClass: "Burstable",
    },
  };
}

/** One measured operation kind; its `total` operations are spread over the rounds. */
interface Phase {
  name: string;
  total: number;
  concurrency: number;
  run(backend: Backend, index: number): Promise<unknown>;
}

interface Backend {
  store: Store;
  /** Keys written by the create phases, for the updates and reads that follow. */
  createdC1: string[];
  createdC64: string[];
  pageLatencies: LatencyRecorder;
}

interface Accumulated {
  latencies: LatencyRecorder;
  seconds: number;
}

/** Runs operations `from` to `to` - 1 on `concurrency` workers, stopping early at `capMs`. */
async function runSlice(phase: Phase, backend: Backend, from: number, to: number, capMs: number, into: Accumulated): Promise<void> {
  const started = performance.now();
  const deadline = started + capMs;
  let next = from;
  await Promise.all(
    Array.from({ length: phase.concurrency }, async () => {
      while (next < to && performance.now() < deadline) {
        const index = next++;
        const begun = performance.now();
        await phase.run(backend, index);
        into.latencies.add(performance.now() - begun);
      }
    }),
  );
  into.seconds += (performance.now() - started) / 1_000;
}

function summary(accumulated: Accumulated): Measurement {
  const { latencies, seconds } = accumulated;
  return {
    ops: latencies.size,
    seconds,
    opsPerSecond: latencies.size / seconds,
    p50Ms: latencies.percentile(0.5),
    p99Ms: latencies.percentile(0.99),
  };
}

const c1Key = (index: number): { key: string; namespace: string } => {
  const namespace = index < workload.listObjects ? "listed" : "other";
  return { key: `/bench/pods/${namespace}/p${String(index).padStart(5, "0")}`, namespace };
};

const phases: Phase[] = [
  {
    name: "create c1",
    total: workload.writesC1,
    concurrency: 1,
    async run(backend, index) {
      const { key, namespace } = c1Key(index);
      await backend.store.create(key, realisticPod(namespace, `p${index}`, 0));
      backend.createdC1.push(key);
    },
  },
  {
    name: "update c1",
    total: workload.updatesC1,
    concurrency: 1,
    run: (backend, index) =>
      backend.store.update(backend.createdC1[index % backend.createdC1.length] as string, realisticPod("listed", `p${index}`, index + 1)),
  },
  {
    name: "get c1",
    total: workload.gets,
    concurrency: 1,
    run: (backend, index) => backend.store.get(backend.createdC1[index % backend.createdC1.length] as string),
  },
  {
    name: "list 1000 (pages of 100)",
    total: workload.listRepeats,
    concurrency: 1,
    async run(backend) {
      let token: string | undefined;
      for (let page = 0; page < 1_000; page++) {
        const begun = performance.now();
        const result = await backend.store.list({ prefix: "/bench/pods/listed/", limit: workload.listPageSize, continue: token });
        backend.pageLatencies.add(performance.now() - begun);
        token = result.continue;
        if (token === undefined) return;
      }
    },
  },
  {
    name: "create c64",
    total: workload.writesC64,
    concurrency: workload.writers,
    async run(backend, index) {
      const key = `/bench/c64/p${String(index).padStart(5, "0")}`;
      await backend.store.create(key, realisticPod("c64", `p${index}`, 0));
      backend.createdC64.push(key);
    },
  },
  {
    name: "update c64",
    total: workload.writesC64,
    concurrency: workload.writers,
    run: (backend, index) =>
      backend.store.update(backend.createdC64[index % backend.createdC64.length] as string, realisticPod("c64", `p${index}`, index + 1)),
  },
];

/**
 * Every phase runs in `rounds` slices that alternate between the backends
 * (and which goes first), so a change in the machine's load during the run
 * weighs on both alike.
 */
async function measureOperations(backends: Backend[]): Promise<Map<Backend, Record<string, Measurement>>> {
  for (const backend of backends) {
    for (let i = 0; i < workload.warmupWrites; i++) await backend.store.create(`/bench/warmup/p${i}`, realisticPod("warmup", `p${i}`, 0));
  }
  const results = new Map(backends.map((backend) => [backend, {} as Record<string, Measurement>]));
  for (const phase of phases) {
    const accumulated = new Map(backends.map((backend) => [backend, { latencies: new LatencyRecorder(phase.total), seconds: 0 }]));
    for (let round = 0; round < workload.rounds; round++) {
      const from = Math.floor((phase.total * round) / workload.rounds);
      const to = Math.floor((phase.total * (round + 1)) / workload.rounds);
      const order = round % 2 === 0 ? backends : [...backends].reverse();
      for (const backend of order) {
        await runSlice(phase, backend, from, to, workload.phaseCapMs / workload.rounds, accumulated.get(backend) as Accumulated);
      }
    }
    for (const backend of backends) {
      const measured = summary(accumulated.get(backend) as Accumulated);
      (results.get(backend) as Record<string, Measurement>)[phase.name] = measured;
      if (phase.name.startsWith("list")) {
        (results.get(backend) as Record<string, Measurement>)["list page of 100"] = summary({
          latencies: backend.pageLatencies,
          seconds: measured.seconds,
        });
      }
    }
  }
  return results;
}

/**
 * Watch fan-out: `watchers` watches on one prefix while writes are issued at
 * a steady rate (open loop: a slow write does not delay the next one).
 * Latency = from issuing a write to each watcher receiving its event.
 */
async function measureWatch(store: Store): Promise<WatchMeasurement> {
  const total = workload.watchWritesPerSecond * workload.watchSeconds;
  const issuedAt = new Float64Array(total);
  const latencies = new LatencyRecorder(total * workload.watchers);
  // One controller per watcher, as independent clients would have.
  const controllers = Array.from({ length: workload.watchers }, () => new AbortController());
  const from: Revision = await store.currentRevision();
  const prefix = "/bench/watch/";
  const indexOfKey = (key: string): number => Number(key.slice(prefix.length + 1));
  // Only this phase writes under the prefix: each watcher is done after `total` events.
  const received = new Array<number>(workload.watchers).fill(0);
  const watchers = Array.from({ length: workload.watchers }, async (_, watcher) => {
    for await (const event of store.watch({ prefix, fromRevision: from, signal: (controllers[watcher] as AbortController).signal })) {
      latencies.add(performance.now() - (issuedAt[indexOfKey(event.key)] as number));
      received[watcher] = (received[watcher] as number) + 1;
      if (received[watcher] === total) return;
    }
  });

  const started = performance.now();
  const intervalMs = 1_000 / workload.watchWritesPerSecond;
  // Open loop up to `writers` writes in flight: a backend slower than the
  // target rate is then driven as fast as it goes, and reports that rate.
  const inFlight = new Set<Promise<void>>();
  let failedWrites = 0;
  for (let i = 0; i < total; i++) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    while (inFlight.size >= workload.writers) await Promise.race(inFlight);
    issuedAt[i] = performance.now();
    const write: Promise<void> = store
      .create(`${prefix}p${i}`, realisticPod("watch", `p${i}`, 0))
      .then(
        () => undefined,
        () => void failedWrites++,
      )
      .finally(() => inFlight.delete(write));
    inFlight.add(write);
  }
  await Promise.all(inFlight);
  const writeSeconds = (performance.now() - started) / 1_000;
  const giveUp = setTimeout(() => controllers.forEach((controller) => controller.abort()), 30_000);
  await Promise.all(watchers);
  clearTimeout(giveUp);
  const deliveries = received.reduce((sum, count) => sum + count, 0);
  return {
    watchers: workload.watchers,
    writes: total,
    achievedWritesPerSecond: (total - failedWrites) / writeSeconds,
    failedWrites,
    deliveries,
    missing: (total - failedWrites) * workload.watchers - deliveries,
    p50Ms: latencies.percentile(0.5),
    p99Ms: latencies.percentile(0.99),
    maxMs: latencies.max(),
  };
}

function formatTable(sqlite: BackendResult, etcd: BackendResult): string {
  const rows: string[][] = [["operation", "backend", "ops", "ops/s", "p50 ms", "p99 ms", "sqlite/etcd ops/s"]];
  for (const name of Object.keys(sqlite.operations)) {
    const pair = [sqlite.operations[name], etcd.operations[name]];
    pair.forEach((measurement, index) => {
      if (measurement === undefined) return;
      const ratio = index === 0 ? ratioOf(sqlite.operations[name], etcd.operations[name]).toFixed(2) : "";
      rows.push([
        index === 0 ? name : "",
        index === 0 ? "sqlite" : "etcd",
        String(measurement.ops),
        measurement.opsPerSecond.toFixed(0),
        measurement.p50Ms.toFixed(2),
        measurement.p99Ms.toFixed(2),
        ratio,
      ]);
    });
  }
  const watchRows: string[][] = [["watch fan-out", "backend", "watchers", "writes/s", "p50 ms", "p99 ms", "max ms", "failed writes", "missing"]];
  for (const [backend, result] of [
    ["sqlite", sqlite],
    ["etcd", etcd],
  ] as const) {
    const w = result.watch;
    watchRows.push([
      `${w.writes} writes`,
      backend,
      String(w.watchers),
      w.achievedWritesPerSecond.toFixed(0),
      w.p50Ms.toFixed(2),
      w.p99Ms.toFixed(2),
      w.maxMs.toFixed(2),
      String(w.failedWrites),
      String(w.missing),
    ]);
  }
  return `${align(rows)}\n\n${align(watchRows)}`;
}

function align(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] as number)).join("  ").trimEnd()).join("\n");
}

function ratioOf(sqlite: Measurement | undefined, etcd: Measurement | undefined): number {
  return sqlite === undefined || etcd === undefined ? Number.NaN : sqlite.opsPerSecond / etcd.opsPerSecond;
}

const round = (value: number): number => Math.round(value * 1_000) / 1_000;

function rounded<T extends object>(figures: T): T {
  return Object.fromEntries(Object.entries(figures).map(([name, value]) => [name, typeof value === "number" ? round(value) : value])) as T;
}

async function main(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), "skiff-bench-storage-"));
  let cluster: EtcdCluster | undefined;
  let stores: Store[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const store of stores) await store.close();
    await cluster?.stop();
    await rm(folder, { recursive: true, force: true });
  };
  process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));
  try {
    const objectBytes = Buffer.byteLength(JSON.stringify(realisticPod("listed", "p00001", 1)));
    console.log(`storage benchmark: objects of ${objectBytes} bytes JSON; sqlite in ${folder}; etcd 3.4 single member, default fsync`);
    cluster = await startEtcd();
    stores = [
      await openSqliteStore({ path: join(folder, "state.db") }),
      await openEtcdStore({ endpoints: cluster.endpoints, prefix: "/skiff" }),
    ];
    const backends = stores.map((store): Backend => ({ store, createdC1: [], createdC64: [], pageLatencies: new LatencyRecorder(256) }));
    const operations = await measureOperations(backends);
    const [sqliteBackend, etcdBackend] = backends as [Backend, Backend];
    const sqlite: BackendResult = { operations: operations.get(sqliteBackend) ?? {}, watch: await measureWatch(sqliteBackend.store) };
    const etcd: BackendResult = { operations: operations.get(etcdBackend) ?? {}, watch: await measureWatch(etcdBackend.store) };
    console.log(formatTable(sqlite, etcd));
    const figures = {
      sqlite_vs_etcd_writes_ratio_c1: round(ratioOf(sqlite.operations["create c1"], etcd.operations["create c1"])),
      sqlite_vs_etcd_writes_ratio_c64: round(ratioOf(sqlite.operations["create c64"], etcd.operations["create c64"])),
      watch_p99_ms: round(sqlite.watch.p99Ms),
      etcd_watch_p99_ms: round(etcd.watch.p99Ms),
      object_bytes: objectBytes,
      workload,
      sqlite: {
        operations: Object.fromEntries(Object.entries(sqlite.operations).map(([name, m]) => [name, rounded(m)])),
        watch: rounded(sqlite.watch),
      },
      etcd: {
        operations: Object.fromEntries(Object.entries(etcd.operations).map(([name, m]) => [name, rounded(m)])),
        watch: rounded(etcd.watch),
      },
    };
    console.log(JSON.stringify(figures));
  } finally {
    await cleanUp();
  }
}

await main();
