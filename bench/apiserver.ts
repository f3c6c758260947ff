// API server benchmark: a real `skiff server` (embedded SQLite store) in a
// temp dir, driven through HTTPS/1.1 with the admin client certificate from
// its kubeconfig over keep-alive connections on loopback. Measures GET, CREATE,
// LIST of 10,000 pods, watch fan-out and the server's resident memory; prints
// a table, then one JSON line with every figure. Figures only: nothing here
// asserts a timing.
//
//   npm run bench:apiserver
//   npm run bench:apiserver -- --profile DIR   # also CPU-profiles the server
//                                              # phase by phase (slower)
//
// With --profile the server runs under the inspector (loopback port); the
// profiler runs only around the measured phases, its profiles are written to DIR
// as .cpuprofile files (open in Chrome DevTools) and the hottest functions are
// printed with their TypeScript file:line, mapped through the inline source
// maps of the server's bundle.
import https from "node:https";
import http from "node:http";
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { SourceMap, type SourceMapPayload } from "node:module";
import { loadavg } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { parse as parseYaml } from "yaml";
import WebSocket from "ws";
import type { Pod } from "kubernetes-types/core/v1";
import { freePort, startServer, type TestServer } from "../test/support/server.ts";
import { LatencyRecorder } from "./support/latency-recorder.ts";

const workload = {
  namespace: "bench",
  clients: 64,
  getSeconds: 5,
  /** Not measured: lets connections open and the JIT settle before GET is timed. */
  getWarmupSeconds: 1,
  pods: 10_000,
  listRuns: 3,
  watchers: 100,
  watchWrites: 1_000,
  watchWritesPerSecond: 200,
  /** Each phase also stops after this long, so a slow server cannot stretch the run. */
  phaseCapMs: 120_000,
  watchDrainCapMs: 30_000,
  /** Idle pause before reading the server's memory. */
  settleMs: 1_000,
};

const targets = { getRps: 5_000, getP99Ms: 10, list10kPodsMs: 250, idleRssMb: 120 };

class BenchError extends Error {
  readonly reason = "BenchFailed" as const;
}

interface ClientCredentials {
  ca: string;
  cert: string;
  key: string;
}

async function credentialsFrom(kubeconfigPath: string): Promise<ClientCredentials> {
  const config = parseYaml(await readFile(kubeconfigPath, "utf8")) as {
    clusters?: { cluster?: Record<string, string> }[];
    users?: { user?: Record<string, string> }[];
  };
  const cluster = config.clusters?.[0]?.cluster;
  const user = config.users?.[0]?.user;
  const decoded = (value: string | undefined, what: string): string => {
    if (value === undefined) throw new BenchError(`kubeconfig ${kubeconfigPath} has no ${what}`);
    return Buffer.from(value, "base64").toString("utf8");
  };
  return {
    ca: decoded(cluster?.["certificate-authority-data"], "certificate-authority-data"),
    cert: decoded(user?.["client-certificate-data"], "client-certificate-data"),
    key: decoded(user?.["client-key-data"], "client-key-data"),
  };
}

interface Reply {
  status: number;
  body: Buffer;
}

/** One HTTPS/1.1 client: keep-alive sockets (one per concurrent request) to the server. */
class Client {
  private readonly agent: https.Agent;

  constructor(
    private readonly port: number,
    credentials: ClientCredentials,
    maxSockets: number,
  ) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets, ...credentials });
  }

  /** Resolves with the status once the whole body is read, keeping the body only when asked. */
  send(method: string, path: string, options: { body?: string; keepBody?: boolean } = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { Accept: "application/json" };
      if (options.body !== undefined) {
        headers["Content-Type"] = "application/json";
        headers["Content-Length"] = Buffer.byteLength(options.body);
      }
      const request = https.request({ host: "127.0.0.1", port: this.port, method, path, agent: this.agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        const status = response.statusCode ?? 0;
        // Failures keep their body so the error can say what the server answered.
        const keep = options.keepBody === true || status >= 300;
        response.on("data", (chunk: Buffer) => {
          if (keep) chunks.push(chunk);
        });
        response.on("end", () => resolve({ status, body: keep ? Buffer.concat(chunks) : Buffer.alloc(0) }));
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end(options.body);
    });
  }

  /** Opens a streaming request (a watch); the caller reads and destroys it. */
  open(path: string): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = https.request({ host: "127.0.0.1", port: this.port, method: "GET", path, agent: this.agent, headers: { Accept: "application/json" } }, resolve);
      request.on("error", reject);
      request.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

async function expectStatus(reply: Promise<Reply>, expected: number, what: string): Promise<Buffer> {
  const { status, body } = await reply;
  if (status !== expected) throw new BenchError(`${what}: HTTP ${status}, expected ${expected}: ${body.toString("utf8").slice(0, 300)}`);
  return body;
}

/** A pod of about 1.5 KB of JSON, shaped like what a ReplicaSet controller creates. */
function benchPod(name: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      labels: { app: "web", tier: "frontend", "pod-template-hash": "7d4b9c8f6d", release: "stable" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-15T10:20:00Z", "prometheus.io/scrape": "true", "prometheus.io/port": "9090" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7d4b9c8f6d", uid: "9c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f", controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [
        {
          name: "web",
          image: "registry.local/web:1.27.3",
          ports: [
            { name: "http", containerPort: 8080, protocol: "TCP" },
            { name: "metrics", containerPort: 9090, protocol: "TCP" },
          ],
          env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
            { name: "POD_IP", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } },
          ],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
          readinessProbe: { httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" }, periodSeconds: 5, timeoutSeconds: 1 },
          livenessProbe: { httpGet: { path: "/livez", port: 8080, scheme: "HTTP" }, periodSeconds: 10, failureThreshold: 3 },
          volumeMounts: [{ name: "config", mountPath: "/etc/web", readOnly: true }],
          imagePullPolicy: "IfNotPresent",
        },
      ],
      volumes: [{ name: "config", configMap: { name: "web-config", defaultMode: 420 } }],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
      nodeName: "node-3",
      tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }],
    },
  };
}

const podName = (index: number): string => `web-7d4b9c8f6d-${String(index).padStart(5, "0")}`;
const podsPath = `/api/v1/namespaces/${workload.namespace}/pods`;

interface Throughput {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Closed loop: `clients` workers each send a request as soon as their previous
 * one finished, until `total` requests were sent or the deadline passed.
 */
async function closedLoop(clients: number, total: number, durationMs: number, operation: (index: number) => Promise<Reply>, expected: number): Promise<Throughput> {
  const latencies = new LatencyRecorder();
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + Math.min(durationMs, workload.phaseCapMs);
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total && performance.now() < deadline) {
        const index = next++;
        const begun = performance.now();
        const { status, body } = await operation(index);
        if (status === expected) latencies.add(performance.now() - begun);
        else {
          errors++;
          firstError ??= `HTTP ${status}: ${body.toString("utf8").slice(0, 300)}`;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  if (firstError !== undefined) console.error(`  ${errors} failed requests; first: ${firstError}`);
  return { requests: latencies.size, errors, seconds, rps: latencies.size / seconds, p50Ms: latencies.percentile(0.5), p99Ms: latencies.percentile(0.99) };
}

interface ListTiming {
  runsMs: number[];
  bestMs: number;
  medianMs: number;
  items: number;
  bytes: number;
}

async function measureList(client: Client): Promise<ListTiming> {
  const runsMs: number[] = [];
  let body: Buffer = Buffer.alloc(0);
  for (let run = 0; run < workload.listRuns; run++) {
    const begun = performance.now();
    body = await expectStatus(client.send("GET", podsPath, { keepBody: true }), 200, "LIST pods");
    runsMs.push(performance.now() - begun);
  }
  const items = (JSON.parse(body.toString("utf8")) as { items: unknown[] }).items.length;
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { runsMs, bestMs: sorted[0] as number, medianMs: sorted[Math.floor(sorted.length / 2)] as number, items, bytes: body.length };
}

interface FanOut {
  watchers: number;
  writes: number;
  achievedWritesPerSecond: number;
  deliveries: number;
  missing: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Watch fan-out: `watchers` watches on the pods of the namespace from the
 * list's resourceVersion, then creates at a steady rate (open loop: a slow
 * create does not delay the next). Latency = from sending a create to a
 * watcher reading its ADDED event.
 */
async function measureFanOut(writer: Client, watchClient: Client): Promise<FanOut> {
  const listed = JSON.parse((await expectStatus(writer.send("GET", `${podsPath}?limit=1`, { keepBody: true }), 200, "LIST pods?limit=1")).toString("utf8")) as {
    metadata: { resourceVersion: string };
  };
  const from = listed.metadata.resourceVersion;
  const prefix = "fanout-";
  const namePattern = new RegExp(`"name":"${prefix}(\\d+)"`);
  const issuedAt = new Float64Array(workload.watchWrites).fill(Number.NaN);
  const latencies = new LatencyRecorder();
  const received = new Array<number>(workload.watchers).fill(0);
  let maxMs = 0;
  let allReceived!: () => void;
  const complete = new Promise<void>((resolve) => (allReceived = resolve));
  let watchersDone = 0;

  const streams = await Promise.all(Array.from({ length: workload.watchers }, () => watchClient.open(`${podsPath}?watch=1&resourceVersion=${from}`)));
  streams.forEach((stream, watcher) => {
    if (stream.statusCode !== 200) throw new BenchError(`watch: HTTP ${stream.statusCode}`);
    stream.setEncoding("utf8");
    let partial = "";
    stream.on("data", (chunk: string) => {
      const now = performance.now();
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const index = Number(namePattern.exec(line)?.[1] ?? Number.NaN);
        const sentAt = issuedAt[index];
        if (sentAt === undefined || Number.isNaN(sentAt)) continue;
        const latency = now - sentAt;
        latencies.add(latency);
        if (latency > maxMs) maxMs = latency;
        const count = (received[watcher] as number) + 1;
        received[watcher] = count;
        if (count === workload.watchWrites && ++watchersDone === workload.watchers) allReceived();
      }
    });
    stream.on("error", () => {});
  });

  const started = performance.now();
  const intervalMs = 1_000 / workload.watchWritesPerSecond;
  const writes: Promise<Buffer>[] = [];
  for (let index = 0; index < workload.watchWrites; index++) {
    const wait = started + index * intervalMs - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = JSON.stringify(benchPod(`${prefix}${index}`));
    issuedAt[index] = performance.now();
    writes.push(expectStatus(writer.send("POST", podsPath, { body }), 201, "CREATE pod (fan-out)"));
  }
  await Promise.all(writes);
  const writeSeconds = (performance.now() - started) / 1_000;
  let giveUp: NodeJS.Timeout | undefined;
  await Promise.race([complete, new Promise<void>((resolve) => (giveUp = setTimeout(resolve, workload.watchDrainCapMs)))]);
  clearTimeout(giveUp);
  for (const stream of streams) stream.destroy();
  const deliveries = received.reduce((sum, count) => sum + count, 0);
  return {
    watchers: workload.watchers,
    writes: workload.watchWrites,
    achievedWritesPerSecond: workload.watchWrites / writeSeconds,
    deliveries,
    missing: workload.watchWrites * workload.watchers - deliveries,
    p50Ms: latencies.percentile(0.5),
    p99Ms: latencies.percentile(0.99),
    maxMs,
  };
}

interface Memory {
  rssMb: number;
  peakRssMb: number;
}

/** VmRSS and VmHWM (peak) of the server process, from /proc. */
async function serverMemory(pid: number): Promise<Memory> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kilobytes = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    if (match === null) throw new BenchError(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]);
  };
  return { rssMb: kilobytes("VmRSS") / 1_024, peakRssMb: kilobytes("VmHWM") / 1_024 };
}

/** CPU seconds the server process and this load generator used during a phase. */
interface CpuUse {
  serverSeconds: number;
  clientSeconds: number;
  wallSeconds: number;
}

const clockTicksPerSecond = 100;

/** User plus system CPU seconds of a process so far, from /proc/<pid>/stat. */
async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

/**
 * Runs a phase and records the CPU both sides used: on a shared 2-core machine
 * the server's CPU per operation says more than wall-clock rates do.
 */
async function withCpuUse<T>(pid: number, phase: () => Promise<T>): Promise<[T, CpuUse]> {
  const serverBefore = await processCpuSeconds(pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const result = await phase();
  const wallSeconds = (performance.now() - started) / 1_000;
  const client = process.cpuUsage(clientBefore);
  return [result, { serverSeconds: (await processCpuSeconds(pid)) - serverBefore, clientSeconds: (client.user + client.system) / 1e6, wallSeconds }];
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, workload.settleMs));

// ---- CPU profiling of the server through the inspector protocol ----

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface HotSpot {
  selfMs: number;
  share: number;
  functionName: string;
  location: string;
}

/** A debugger session on the server's inspector port: runs the sampling profiler on demand. */
class ServerProfiler {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  private readonly sourceMapUrls = new Map<string, string>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: { scriptId: string; sourceMapURL?: string } };
      if (message.method === "Debugger.scriptParsed" && message.params?.sourceMapURL) this.sourceMapUrls.set(message.params.scriptId, message.params.sourceMapURL);
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new BenchError(`inspector: ${message.error.message}`));
      else waiter?.resolve(message.result);
    });
  }

  static async connect(port: number): Promise<ServerProfiler> {
    const targetsJson = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: "/json/list" }, (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () => resolve(text));
        })
        .on("error", reject);
    });
    const url = (JSON.parse(targetsJson) as { webSocketDebuggerUrl: string }[])[0]?.webSocketDebuggerUrl;
    if (url === undefined) throw new BenchError(`no inspector target on 127.0.0.1:${port}`);
    const socket = new WebSocket(url, { maxPayload: 1024 * 1024 * 1024 });
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const profiler = new ServerProfiler(socket);
    await profiler.call("Profiler.enable");
    await profiler.call("Profiler.setSamplingInterval", { interval: 200 });
    return profiler;
  }

  private call(method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  start(): Promise<unknown> {
    return this.call("Profiler.start");
  }

  async stop(): Promise<CpuProfile> {
    const { profile } = (await this.call("Profiler.stop")) as { profile: CpuProfile };
    return profile;
  }

  /** Self time per function and per source file, at original TypeScript positions where the script has an inline source map. */
  async hotSpots(profile: CpuProfile, count: number): Promise<{ functions: HotSpot[]; files: HotSpot[] }> {
    // Enabling the debugger replays scriptParsed for every loaded script, source map URLs included.
    await this.call("Debugger.enable");
    await this.call("Debugger.disable");
    const maps = new Map<string, SourceMap | null>();
    const mapOf = (scriptId: string): SourceMap | null => {
      if (!maps.has(scriptId)) maps.set(scriptId, decodeInlineSourceMap(this.sourceMapUrls.get(scriptId)));
      return maps.get(scriptId) ?? null;
    };
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const byFunction = new Map<string, HotSpot>();
    const byFile = new Map<string, HotSpot>();
    const charge = (table: Map<string, HotSpot>, functionName: string, location: string, micros: number): void => {
      const key = `${functionName}@${location}`;
      const entry = table.get(key) ?? { selfMs: 0, share: 0, functionName, location };
      entry.selfMs += micros / 1_000;
      table.set(key, entry);
    };
    let busyMicros = 0;
    profile.samples.forEach((nodeId, index) => {
      const frame = nodes.get(nodeId)?.callFrame;
      const micros = profile.timeDeltas[index + 1] ?? 0;
      if (frame === undefined || frame.functionName === "(idle)") return;
      busyMicros += micros;
      const location = sourceLocation(frame, mapOf(frame.scriptId));
      charge(byFunction, frame.functionName || "(anonymous)", location, micros);
      charge(byFile, "", location.replace(/:\d+$/, ""), micros);
    });
    const top = (table: Map<string, HotSpot>): HotSpot[] =>
      [...table.values()]
        .sort((a, b) => b.selfMs - a.selfMs)
        .slice(0, count)
        .map((entry) => ({ ...entry, share: (entry.selfMs * 1_000) / busyMicros }));
    return { functions: top(byFunction), files: top(byFile) };
  }

  close(): void {
    this.socket.close();
  }
}

function decodeInlineSourceMap(url: string | undefined): SourceMap | null {
  const marker = ";base64,";
  if (url === undefined || !url.startsWith("data:") || !url.includes(marker)) return null;
  const payload = JSON.parse(Buffer.from(url.slice(url.indexOf(marker) + marker.length), "base64").toString("utf8")) as SourceMapPayload;
  return new SourceMap(payload);
}

const repositoryRoot = fileURLToPath(new URL("..", import.meta.url));

function sourceLocation(frame: ProfileNode["callFrame"], map: SourceMap | null): string {
  if (frame.url === "") return "(native)";
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
  // Source paths in a map are relative to the generated script (the bundle in dist/, or the file tsx compiled).
  const file = entry !== undefined && "originalSource" in entry ? new URL(entry.originalSource, frame.url).href : frame.url;
  const line = entry !== undefined && "originalLine" in entry ? entry.originalLine + 1 : frame.lineNumber + 1;
  const path = file.startsWith("file://") ? relative(repositoryRoot, fileURLToPath(file)) : file;
  return `${path}:${line}`;
}

// ---- the run ----

interface Figures {
  get: Throughput;
  create: Throughput;
  list: ListTiming;
  fanOut: FanOut;
  cpu: Record<"get" | "create" | "list" | "fanOut", CpuUse>;
  idle: Memory;
  withPods: Memory;
  afterRun: Memory;
  podBytesSent: number;
  podBytesStored: number;
}

async function profiled<T>(profiler: ServerProfiler | undefined, directory: string | undefined, phase: string, run: () => Promise<T>): Promise<T> {
  if (profiler === undefined || directory === undefined) return run();
  await profiler.start();
  const result = await run();
  const profile = await profiler.stop();
  const file = join(directory, `apiserver-${phase}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  console.log(`\nserver CPU profile during ${phase}: ${file}`);
  // Samples are taken in wall-clock time: on a busy machine the milliseconds run long, the shares stay fair.
  const { functions, files } = await profiler.hotSpots(profile, 15);
  const share = (spot: HotSpot): string => `${(spot.share * 100).toFixed(1)}%`;
  console.log(align([["self ms", "of busy", "function", "where"], ...functions.map((spot) => [spot.selfMs.toFixed(0), share(spot), spot.functionName, spot.location])]));
  console.log(`\n${align([["self ms", "of busy", "file"], ...files.slice(0, 8).map((spot) => [spot.selfMs.toFixed(0), share(spot), spot.location])])}`);
  return result;
}

async function run(server: TestServer, profiler: ServerProfiler | undefined, profileDirectory: string | undefined): Promise<Figures> {
  const pid = server.process.pid;
  if (pid === undefined) throw new BenchError("the server process has no pid");
  await settle();
  const idle = await serverMemory(pid);
  const credentials = await credentialsFrom(server.kubeconfig);
  const client = new Client(server.port, credentials, workload.clients);
  const watchClient = new Client(server.port, credentials, workload.watchers);
  try {
    await expectStatus(client.send("POST", "/api/v1/namespaces", { body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: workload.namespace } }) }), 201, "CREATE namespace");

    const bodies = Array.from({ length: workload.pods }, (_, index) => JSON.stringify(benchPod(podName(index))));
    const [create, createCpu] = await profiled(profiler, profileDirectory, "create", () =>
      withCpuUse(pid, () => closedLoop(workload.clients, workload.pods, workload.phaseCapMs, (index) => client.send("POST", podsPath, { body: bodies[index] as string }), 201)),
    );
    await settle();
    const withPods = await serverMemory(pid);

    const getPath = `${podsPath}/${podName(0)}`;
    const stored = await expectStatus(client.send("GET", getPath, { keepBody: true }), 200, "GET pod");
    await closedLoop(workload.clients, Number.POSITIVE_INFINITY, workload.getWarmupSeconds * 1_000, () => client.send("GET", getPath), 200);
    const [get, getCpu] = await profiled(profiler, profileDirectory, "get", () =>
      withCpuUse(pid, () => closedLoop(workload.clients, Number.POSITIVE_INFINITY, workload.getSeconds * 1_000, () => client.send("GET", getPath), 200)),
    );
    const [list, listCpu] = await profiled(profiler, profileDirectory, "list", () => withCpuUse(pid, () => measureList(client)));
    const [fanOut, fanOutCpu] = await profiled(profiler, profileDirectory, "watch-fan-out", () => withCpuUse(pid, () => measureFanOut(client, watchClient)));
    const afterRun = await serverMemory(pid);
    return {
      get,
      create,
      list,
      fanOut,
      cpu: { get: getCpu, create: createCpu, list: listCpu, fanOut: fanOutCpu },
      idle,
      withPods,
      afterRun,
      podBytesSent: Buffer.byteLength(bodies[0] as string),
      podBytesStored: stored.length,
    };
  } finally {
    client.close();
    watchClient.close();
  }
}

function align(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] as number)).join("  ").trimEnd()).join("\n");
}

const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : "-");
const met = (ok: boolean): string => (ok ? "met" : "NOT met");

function report(figures: Figures): string {
  const { get, create, list, fanOut, cpu, idle, withPods, afterRun } = figures;
  const cpuColumns = (use: CpuUse, operations: number): string[] => [
    fixed(use.serverSeconds / use.wallSeconds),
    fixed(use.clientSeconds / use.wallSeconds),
    fixed((use.serverSeconds * 1_000) / operations, 3),
  ];
  const throughput = [
    ["phase", "requests", "errors", "seconds", "req/s", "p50 ms", "p99 ms", "server cores", "client cores", "server CPU ms/op", "target"],
    [`GET one pod, ${workload.clients} clients`, String(get.requests), String(get.errors), fixed(get.seconds), fixed(get.rps, 0), fixed(get.p50Ms), fixed(get.p99Ms), ...cpuColumns(cpu.get, get.requests), `${targets.getRps} req/s, p99 <= ${targets.getP99Ms} ms: ${met(get.rps >= targets.getRps && get.p99Ms <= targets.getP99Ms)}`],
    [`CREATE pod, ${workload.clients} clients`, String(create.requests), String(create.errors), fixed(create.seconds), fixed(create.rps, 0), fixed(create.p50Ms), fixed(create.p99Ms), ...cpuColumns(cpu.create, create.requests), ""],
  ];
  const listing = [
    ["LIST (one request, no limit)", "items", "MB", "runs ms", "best ms", "median ms", "server cores", "client cores", "server CPU ms/op", "target"],
    ["pods in the namespace", String(list.items), fixed(list.bytes / 1_048_576), list.runsMs.map((ms) => ms.toFixed(0)).join(" / "), fixed(list.bestMs, 1), fixed(list.medianMs, 1), ...cpuColumns(cpu.list, list.runsMs.length), `<= ${targets.list10kPodsMs} ms: ${met(list.bestMs <= targets.list10kPodsMs)}`],
  ];
  const watching = [
    ["watch fan-out", "watchers", "writes", "writes/s", "deliveries", "missing", "p50 ms", "p99 ms", "max ms", "server cores", "client cores", "server CPU ms/op"],
    ["create -> ADDED", String(fanOut.watchers), String(fanOut.writes), fixed(fanOut.achievedWritesPerSecond, 0), String(fanOut.deliveries), String(fanOut.missing), fixed(fanOut.p50Ms), fixed(fanOut.p99Ms), fixed(fanOut.maxMs), ...cpuColumns(cpu.fanOut, fanOut.writes)],
  ];
  const memory = [
    ["server memory", "VmRSS MB", "VmHWM MB", "target"],
    ["idle, right after start", fixed(idle.rssMb, 1), fixed(idle.peakRssMb, 1), `<= ${targets.idleRssMb} MB: ${met(idle.rssMb <= targets.idleRssMb)}`],
    [`${workload.pods} pods stored`, fixed(withPods.rssMb, 1), fixed(withPods.peakRssMb, 1), ""],
    ["after LIST and fan-out", fixed(afterRun.rssMb, 1), fixed(afterRun.peakRssMb, 1), ""],
  ];
  return [throughput, listing, watching, memory].map(align).join("\n\n");
}

function summary(figures: Figures): Record<string, unknown> {
  const round = (value: number): number => Math.round(value * 1_000) / 1_000;
  const { get, create, list, fanOut, cpu, idle, withPods, afterRun } = figures;
  return {
    get_rps: round(get.rps),
    get_p50_ms: round(get.p50Ms),
    get_p99_ms: round(get.p99Ms),
    get_errors: get.errors,
    create_rps: round(create.rps),
    create_p50_ms: round(create.p50Ms),
    create_p99_ms: round(create.p99Ms),
    create_errors: create.errors,
    list_10k_pods_ms: round(list.bestMs),
    list_10k_pods_median_ms: round(list.medianMs),
    list_items: list.items,
    list_bytes: list.bytes,
    watch_fanout_p50_ms: round(fanOut.p50Ms),
    watch_fanout_p99_ms: round(fanOut.p99Ms),
    watch_fanout_max_ms: round(fanOut.maxMs),
    watch_fanout_missing: fanOut.missing,
    watch_fanout_writes_per_second: round(fanOut.achievedWritesPerSecond),
    idle_rss_mb: round(idle.rssMb),
    rss_10k_pods_mb: round(withPods.rssMb),
    rss_after_run_mb: round(afterRun.rssMb),
    peak_rss_mb: round(afterRun.peakRssMb),
    get_server_cpu_ms_per_request: round((cpu.get.serverSeconds * 1_000) / get.requests),
    create_server_cpu_ms_per_request: round((cpu.create.serverSeconds * 1_000) / create.requests),
    list_server_cpu_ms_per_request: round((cpu.list.serverSeconds * 1_000) / list.runsMs.length),
    watch_fanout_server_cpu_ms_per_write: round((cpu.fanOut.serverSeconds * 1_000) / fanOut.writes),
    cpu_seconds: Object.fromEntries(Object.entries(cpu).map(([phase, use]) => [phase, { server: round(use.serverSeconds), client: round(use.clientSeconds), wall: round(use.wallSeconds) }])),
    pod_bytes_sent: figures.podBytesSent,
    pod_bytes_stored: figures.podBytesStored,
    targets_met: {
      get: get.rps >= targets.getRps && get.p99Ms <= targets.getP99Ms,
      list_10k_pods: list.bestMs <= targets.list10kPodsMs,
      idle_rss: idle.rssMb <= targets.idleRssMb,
    },
    workload,
  };
}

function profileDirectoryFromArguments(argv: string[]): string | undefined {
  const index = argv.indexOf("--profile");
  if (index < 0) return undefined;
  const directory = argv[index + 1];
  if (directory === undefined) throw new BenchError("--profile needs a directory");
  return directory;
}

/** Starts the server; with a profile directory, under the inspector on a free loopback port. */
async function startBenchServer(inspectorPort: number | undefined): Promise<TestServer> {
  if (inspectorPort === undefined) return startServer();
  // startServer passes this process's environment on to the server, and NODE_OPTIONS is the only way in.
  const saved = process.env["NODE_OPTIONS"];
  process.env["NODE_OPTIONS"] = `${saved ?? ""} --inspect=127.0.0.1:${inspectorPort}`.trim();
  try {
    return await startServer();
  } finally {
    if (saved === undefined) delete process.env["NODE_OPTIONS"];
    else process.env["NODE_OPTIONS"] = saved;
  }
}

async function main(): Promise<void> {
  const profileDirectory = profileDirectoryFromArguments(process.argv.slice(2));
  if (profileDirectory !== undefined) await mkdir(profileDirectory, { recursive: true });
  const inspectorPort = profileDirectory === undefined ? undefined : await freePort();
  const server = await startBenchServer(inspectorPort);
  process.once("SIGINT", () => void server.stop().finally(() => process.exit(130)));
  let profiler: ServerProfiler | undefined;
  try {
    if (inspectorPort !== undefined) profiler = await ServerProfiler.connect(inspectorPort);
    const loadBefore = loadavg()[0] as number;
    console.log(`apiserver benchmark: skiff server (sqlite) pid ${server.process.pid} at ${server.url}; HTTPS/1.1 keep-alive, admin client certificate${profiler ? "; server under the CPU profiler" : ""}`);
    const figures = await run(server, profiler, profileDirectory);
    // Other work on this machine skews wall-clock figures; the load average tells a reader how much.
    const machineLoad = { before: loadBefore, after: loadavg()[0] as number };
    console.log(`\npods of ${figures.podBytesSent} bytes JSON sent, ${figures.podBytesStored} bytes as served; 1-minute load average ${machineLoad.before.toFixed(2)} before, ${machineLoad.after.toFixed(2)} after\n`);
    console.log(report(figures));
    console.log(JSON.stringify({ ...summary(figures), load_average_1m: machineLoad }));
  } finally {
    profiler?.close();
    await server.stop();
  }
}

await main();
