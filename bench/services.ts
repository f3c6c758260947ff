// The service proxy at scale, on the real iptables: a `skiff server`
// (--disable-agent) holds 1000 selectorless Services, each with an
// EndpointSlice of one endpoint, and the bench runs a ServiceProxy in process
// with its own chain prefix (SKSB-*). Measured:
//  - rule sync latency: an EndpointSlice update through the API moves one
//    service's endpoint to a new port; the time until that endpoint's chain
//    exists in the kernel (polled with `iptables -t nat -S <chain>`), over
//    --changes changes one at a time with a random 0-300 ms gap (a stream
//    faster than the one-sync-a-second limit: rule_sync_*), then over
//    --isolated-changes lone ones 1-1.3 s apart (isolated_rule_sync_*);
//  - requests/s from the host through a ClusterIP versus straight to the pod
//    address (ports 8080 direct, 8081 behind the Service: see servicePodPort),
//    in the same run, in --rounds alternating phases of
//    --load-seconds (ABBA order): the "pod" is a small Node
//    HTTP server in a network namespace the bench creates (veth skiff-svb0,
//    10.42.247.1 on the host, 10.42.247.2 inside) and deletes. Its Service
//    sorts last, so a new connection walks all 1000 service rules first.
//    Requests come from 10.42.247.1 (cluster CIDR, so DNAT without
//    masquerade, as from a pod; see get()). Both sides use a new connection
//    per request (what the NAT rules cost),
//    and again with keep-alive; then both at once, half the loops each
//    (concurrent_*: the same window, so outside load hits both alike).
// Traffic goes only to the namespace's address and to ClusterIPs that the
// bench's own rules rewrite to it. Needs root and iptables.
//
//   npm run bench:services
//   npm run bench:services -- --services 200 --changes 50 --isolated-changes 10 --load-seconds 1 --rounds 2
//
// Prints figures and ends with one JSON line. Gives up after 8 minutes.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs, promisify } from "node:util";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { inNamespace, resources } from "../src/client/resources.ts";
import { RestClient } from "../src/client/rest-client.ts";
import { setUpHostNetwork } from "../src/kubelet/network/host-network.ts";
import { defaultNetworkSettings } from "../src/kubelet/network/network-plan.ts";
import { systemIptables } from "../src/proxy/iptables.ts";
import { removeProxyRules, ServiceProxy } from "../src/proxy/proxy.ts";
import { ChainNames, servicePortName } from "../src/proxy/rules.ts";
import { startServer, type TestServer } from "../test/support/server.ts";
import { LatencyRecorder } from "./support/latency-recorder.ts";

const { values: flags } = parseArgs({
  options: {
    services: { type: "string", default: "1000" },
    changes: { type: "string", default: "100" },
    "isolated-changes": { type: "string", default: "50" },
    "load-seconds": { type: "string", default: "2" },
    rounds: { type: "string", default: "4" },
    concurrency: { type: "string", default: "16" },
  },
});
const serviceCount = Number(flags.services);
const changeCount = Number(flags.changes);
const isolatedCount = Number(flags["isolated-changes"]);
const loadSeconds = Number(flags["load-seconds"]);
const rounds = Number(flags.rounds);
const concurrency = Number(flags.concurrency);

const chainPrefix = "SKSB";
const names = new ChainNames(chainPrefix);
const netns = "skiff-svbench";
const hostVeth = "skiff-svb0";
const hostAddress = "10.42.247.1";
const podAddress = "10.42.247.2";
const podPort = 8080;
/**
 * The Service's endpoint is a second port of the same server. Through the ClusterIP the host's connections are
 * masqueraded to 10.42.247.1, the address direct ones come from; on one port the two kinds would share the server's
 * TIME_WAIT 4-tuples with different TCP timestamp bases (per original address pair), and PAWS would drop the SYNs
 * that land on the other kind's TIME_WAIT (1 s retransmits: the ratio swung 0.12-1.25 before).
 */
const servicePodPort = 8081;
/** Endpoints of the other services: never contacted, only rewritten to. */
const unusedEndpoint = "10.42.247.3";
const targetName = "bench-target";
/** Explicit ClusterIPs out of the way of other clusters' fixed ones (10.43.0.1, 10.43.0.10) on this machine. */
const clusterIpBase = (10 << 24) | (43 << 16) | (244 << 8);
const targetClusterIp = "10.43.247.250";
const giveUpAfterMs = 8 * 60_000;
/** The agent's (and kube-proxy's) default: after a burst of two, at most one sync a second, so bursts of changes share one. */
const minSyncIntervalMs = 1000;
const changeTimeoutMs = 20_000;
const changesBudgetMs = 180_000;
const requestCap = 200_000;
const ns = "default";
const servicesApi = inNamespace(resources.services, ns);
const slicesApi = inNamespace(resources.endpointSlices, ns);
const run = promisify(execFile);

class BenchError extends Error {
  readonly reason = "BenchFailed" as const;
}

const ipOf = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
const serviceName = (i: number) => `bench-${String(i).padStart(4, "0")}`;
const round = (n: number) => Math.round(n * 100) / 100;

function sh(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: ["ignore", "ignore", "pipe"] });
}

function trySh(command: string, args: string[]): void {
  try {
    sh(command, args);
  } catch {
    // Already gone.
  }
}

function service(name: string, clusterIP: string): Service {
  return { metadata: { name, namespace: ns }, spec: { type: "ClusterIP", clusterIP, ports: [{ port: 80, protocol: "TCP", targetPort: podPort }] } };
}

function slice(name: string, ip: string, port: number): EndpointSlice {
  return {
    metadata: { name: `${name}-bench`, namespace: ns, labels: { "kubernetes.io/service-name": name } },
    addressType: "IPv4",
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports: [{ port, protocol: "TCP" }],
  };
}

/** The chain of an endpoint of one of our services (its port is unnamed). */
const endpointChain = (name: string, ip: string, port: number) => names.endpointChain(servicePortName(ns, name, undefined), "TCP", `${ip}:${port}`);

async function chainExists(chain: string): Promise<boolean> {
  try {
    await run("iptables", ["-w", "-t", "nat", "-S", chain], { timeout: 10_000, maxBuffer: 1024 * 1024 });
    return true;
  } catch {
    return false;
  }
}

async function inBatches<T>(items: T[], width: number, each: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await each(items[next++]!);
    }),
  );
}

function setUpNamespace(): void {
  trySh("ip", ["netns", "del", netns]);
  sh("ip", ["netns", "add", netns]);
  sh("ip", ["link", "add", hostVeth, "type", "veth", "peer", "name", "eth0", "netns", netns]);
  sh("ip", ["addr", "add", `${hostAddress}/24`, "dev", hostVeth]);
  sh("ip", ["link", "set", hostVeth, "up"]);
  sh("ip", ["-n", netns, "addr", "add", `${podAddress}/24`, "dev", "eth0"]);
  sh("ip", ["-n", netns, "link", "set", "lo", "up"]);
  sh("ip", ["-n", netns, "link", "set", "eth0", "up"]);
  sh("ip", ["-n", netns, "route", "add", "default", "via", hostAddress]);
}

async function startPodServer(): Promise<ChildProcess> {
  const script = `const http = require("node:http"); let up = 0; for (const port of [${podPort}, ${servicePodPort}]) http.createServer((q, r) => r.end("ok\\n")).listen(port, "0.0.0.0", () => ++up === 2 && console.log("listening"));`;
  const child = spawn("ip", ["netns", "exec", netns, process.execPath, "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 20_000;
  while (!output.includes("listening")) {
    if (child.exitCode !== null) throw new BenchError(`the pod's HTTP server exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) throw new BenchError(`the pod's HTTP server did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

function get(url: string, agent: http.Agent | false): Promise<void> {
  return new Promise((resolve, reject) => {
    // From the host's address on the pods' link, inside the cluster CIDR: like a pod's, the connections through the
    // ClusterIP are DNATed but not masqueraded. (Masqueraded, the host's connections to one endpoint run out of
    // source ports at a few hundred new connections a second: conntrack keeps each tuple 120 s in TIME_WAIT.)
    const request = http.get(url, { agent, timeout: 5_000, localAddress: hostAddress }, (response) => {
      response.resume();
      response.on("end", () => (response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
  });
}

interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
}

/** --concurrency loops for loadSeconds (and at most requestCap requests) against one URL. */
async function load(url: string, keepAlive: boolean): Promise<LoadResult> {
  return (await loadTogether([url], keepAlive, loadSeconds))[0]!;
}

/** --concurrency loops split evenly over the URLs, all in the same window; one result per URL. */
async function loadTogether(urls: string[], keepAlive: boolean, seconds: number): Promise<LoadResult[]> {
  const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: concurrency }) : false;
  const started = performance.now();
  const end = started + seconds * 1000;
  const results = urls.map(() => ({ requests: 0, errors: 0, seconds: 0 }));
  let total = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const target = worker % urls.length;
      const result = results[target]!;
      while (performance.now() < end && total < requestCap) {
        try {
          await get(urls[target]!, agent);
          result.requests++;
        } catch {
          result.errors++;
        }
        total++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  if (agent) agent.destroy();
  return results.map((result) => ({ ...result, seconds: elapsed }));
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new BenchError("bench:services needs root (iptables, network namespaces)");
  const giveUp = new AbortController();
  const giveUpTimer = setTimeout(() => giveUp.abort(), giveUpAfterMs);
  const check = () => {
    if (giveUp.signal.aborted) throw new BenchError(`gave up after ${giveUpAfterMs / 60_000} minutes`);
  };
  // Leftovers of an earlier run that died.
  await removeProxyRules(systemIptables, chainPrefix);
  const ipamDir = await mkdtemp(join(tmpdir(), "skiff-bench-services-"));
  // The host's side of the cluster network (service range routed to skiff-svc0, the guard): as an agent sets it up.
  await setUpHostNetwork({ ...defaultNetworkSettings, podCidr: "10.42.247.0/24", bridge: hostVeth, ipamDataDir: ipamDir }, undefined);
  let server: TestServer | undefined;
  let client: RestClient | undefined;
  let podServer: ChildProcess | undefined;
  const stopProxy = new AbortController();
  let proxyStopped: Promise<void> | undefined;
  try {
    setUpNamespace();
    podServer = await startPodServer();
    server = await startServer(["--disable-scheduler", "--disable-controller-manager"]);
    client = await RestClient.fromKubeconfig(server.kubeconfig);
    const api = client;

    const creating = performance.now();
    const indexes = Array.from({ length: serviceCount }, (_, i) => i);
    const slices = new Map<number, EndpointSlice>();
    await inBatches(indexes, 16, async (i) => {
      await api.create(servicesApi, service(serviceName(i), ipOf(clusterIpBase + i)));
      slices.set(i, await api.create(slicesApi, slice(serviceName(i), unusedEndpoint, 9000)));
    });
    await api.create(servicesApi, service(targetName, targetClusterIp));
    await api.create(slicesApi, slice(targetName, podAddress, servicePodPort));
    console.log(`${serviceCount + 1} Services and EndpointSlices created in ${((performance.now() - creating) / 1000).toFixed(1)} s`);

    const syncs = new LatencyRecorder();
    const proxy = new ServiceProxy({ client, nodeName: "bench-services", clusterCidr: defaultNetworkSettings.clusterCidr, chainPrefix, minSyncIntervalMs, onSync: (ms) => syncs.add(ms) });
    const firstSyncStart = performance.now();
    proxyStopped = proxy.start(stopProxy.signal);
    await Promise.race([proxy.ready, new Promise((_, reject) => giveUp.signal.addEventListener("abort", () => reject(new BenchError("no first sync"))))]);
    const firstSyncMs = performance.now() - firstSyncStart;
    if (!(await chainExists(endpointChain(targetName, podAddress, servicePodPort)))) throw new BenchError("the target's endpoint chain is missing after the first sync");
    console.log(`first sync (informers listing ${2 * (serviceCount + 1)} objects, then one iptables-restore): ${firstSyncMs.toFixed(0)} ms`);

    // What one poll costs: the resolution of the sync latency below.
    const pollCost = new LatencyRecorder();
    for (let i = 0; i < 10; i++) {
      const began = performance.now();
      await chainExists(names.services);
      pollCost.add(performance.now() - began);
    }

    let port = 30000;
    /** count changes one at a time, each gapMs() after the previous one's rule appeared; bounded in time. */
    const timeChanges = async (count: number, gapMs: () => number): Promise<LatencyRecorder> => {
      const latency = new LatencyRecorder();
      const started = performance.now();
      for (let k = 0; k < count && performance.now() - started < changesBudgetMs; k++) {
        check();
        const i = Math.floor(Math.random() * serviceCount);
        port++;
        const current = slices.get(i)!;
        const chain = endpointChain(serviceName(i), unusedEndpoint, port);
        const began = performance.now();
        slices.set(i, await api.update(slicesApi, { ...current, ports: [{ port, protocol: "TCP" }] }));
        while (!(await chainExists(chain))) {
          if (performance.now() - began > changeTimeoutMs) throw new BenchError(`change ${k}: ${chain} not in iptables after ${changeTimeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        latency.add(performance.now() - began);
        await new Promise((resolve) => setTimeout(resolve, gapMs()));
      }
      return latency;
    };
    // A stream of changes (more than one a second): the rate limit sets the pace.
    const latency = await timeChanges(changeCount, () => Math.random() * 300);
    const syncP50 = latency.percentile(0.5);
    const syncP99 = latency.percentile(0.99);
    console.log(`endpoint change -> rule in iptables, ${latency.size} changes 0-300 ms apart at ${serviceCount + 1} services: p50 ${syncP50.toFixed(0)} ms, p99 ${syncP99.toFixed(0)} ms, max ${latency.max().toFixed(0)} ms (poll of one chain: p50 ${pollCost.percentile(0.5).toFixed(0)} ms)`);
    // Lone changes (the bucket has refilled): what a sync itself takes, end to end.
    const isolated = await timeChanges(isolatedCount, () => minSyncIntervalMs + Math.random() * 300);
    console.log(`the same for ${isolated.size} lone changes (${minSyncIntervalMs}-${minSyncIntervalMs + 300} ms apart): p50 ${isolated.percentile(0.5).toFixed(0)} ms, p99 ${isolated.percentile(0.99).toFixed(0)} ms, max ${isolated.max().toFixed(0)} ms`);
    // Taken now: the periodic full resync keeps adding samples during the load phases.
    const [proxySyncs, proxySyncP50, proxySyncP99] = [syncs.size, syncs.percentile(0.5), syncs.percentile(0.99)];
    console.log(`proxy syncs (rules computed + iptables-restore; full ones also read the chains and check the jumps): ${proxySyncs}, p50 ${proxySyncP50.toFixed(0)} ms, p99 ${proxySyncP99.toFixed(0)} ms`);

    const direct = `http://${podAddress}:${podPort}/`;
    const viaClusterIp = `http://${targetClusterIp}/`;
    await get(viaClusterIp, false).catch((e: unknown) => {
      throw new BenchError(`the ClusterIP does not answer: ${String(e)}`);
    });
    const totals = new Map<string, LoadResult>();
    for (const keepAlive of [false, true]) {
      for (let roundIndex = 0; roundIndex < rounds; roundIndex++) {
        // Alternating (direct first, then ClusterIP first), so load from elsewhere on the machine and the order hit both sides alike.
        const sides = [["direct", direct], ["clusterip", viaClusterIp]] as const;
        for (const [side, url] of roundIndex % 2 === 0 ? sides : [...sides].reverse()) {
          check();
          const result = await load(url, keepAlive);
          const key = `${keepAlive ? "keepalive" : "close"}-${side}`;
          const total = totals.get(key) ?? { requests: 0, errors: 0, seconds: 0 };
          totals.set(key, { requests: total.requests + result.requests, errors: total.errors + result.errors, seconds: total.seconds + result.seconds });
        }
      }
    }
    const rps = (key: string) => {
      const total = totals.get(key)!;
      return total.requests / total.seconds;
    };
    const errors = [...totals.values()].reduce((sum, total) => sum + total.errors, 0);
    const ratio = rps("close-clusterip") / rps("close-direct");
    const keepAliveRatio = rps("keepalive-clusterip") / rps("keepalive-direct");
    // Both at once, half the loops each: load from elsewhere on the machine cannot favour one side.
    check();
    const [togetherDirect, togetherClusterIp] = await loadTogether([direct, viaClusterIp], false, rounds * loadSeconds);
    const togetherRatio = togetherClusterIp!.requests / togetherDirect!.requests;
    console.log(`new connection per request, ${concurrency} at once, ${rounds} x ${loadSeconds} s each: direct ${rps("close-direct").toFixed(0)} req/s, ClusterIP ${rps("close-clusterip").toFixed(0)} req/s (ratio ${ratio.toFixed(3)})`);
    console.log(`both at once (${concurrency / 2} loops each, new connection per request, ${rounds * loadSeconds} s): direct ${(togetherDirect!.requests / togetherDirect!.seconds).toFixed(0)} req/s, ClusterIP ${(togetherClusterIp!.requests / togetherClusterIp!.seconds).toFixed(0)} req/s (ratio ${togetherRatio.toFixed(3)})`);
    console.log(`keep-alive, ${concurrency} connections: direct ${rps("keepalive-direct").toFixed(0)} req/s, ClusterIP ${rps("keepalive-clusterip").toFixed(0)} req/s (ratio ${keepAliveRatio.toFixed(3)}); failed requests: ${errors + togetherDirect!.errors + togetherClusterIp!.errors}`);
    console.log(
      JSON.stringify({
        bench: "services",
        services: serviceCount + 1,
        changes: latency.size,
        rule_sync_p50_ms: round(syncP50),
        rule_sync_p99_ms: round(syncP99),
        rule_sync_max_ms: round(latency.max()),
        isolated_changes: isolated.size,
        isolated_rule_sync_p50_ms: round(isolated.percentile(0.5)),
        isolated_rule_sync_p99_ms: round(isolated.percentile(0.99)),
        min_sync_interval_ms: minSyncIntervalMs,
        poll_p50_ms: round(pollCost.percentile(0.5)),
        proxy_syncs: proxySyncs,
        proxy_sync_p50_ms: round(proxySyncP50),
        proxy_sync_p99_ms: round(proxySyncP99),
        first_sync_ms: round(firstSyncMs),
        direct_rps: round(rps("close-direct")),
        clusterip_rps: round(rps("close-clusterip")),
        clusterip_vs_direct_rps_ratio: Math.round(ratio * 1000) / 1000,
        keepalive_direct_rps: round(rps("keepalive-direct")),
        keepalive_clusterip_rps: round(rps("keepalive-clusterip")),
        keepalive_ratio: Math.round(keepAliveRatio * 1000) / 1000,
        concurrent_direct_rps: round(togetherDirect!.requests / togetherDirect!.seconds),
        concurrent_clusterip_rps: round(togetherClusterIp!.requests / togetherClusterIp!.seconds),
        concurrent_ratio: Math.round(togetherRatio * 1000) / 1000,
        failed_requests: errors + togetherDirect!.errors + togetherClusterIp!.errors,
      }),
    );
  } finally {
    clearTimeout(giveUpTimer);
    stopProxy.abort();
    await proxyStopped?.catch(() => undefined);
    // Whatever the proxy could not remove (it removes its rules when it stops).
    await removeProxyRules(systemIptables, chainPrefix).catch((e: unknown) => console.error(`removing SKSB rules: ${String(e)}`));
    if (podServer !== undefined && podServer.exitCode === null) {
      const exited = new Promise((resolve) => podServer!.once("exit", resolve));
      podServer.kill("SIGTERM");
      await exited;
    }
    // Deleting the namespace deletes the veth pair with it.
    trySh("ip", ["netns", "del", netns]);
    trySh("ip", ["link", "del", hostVeth]);
    client?.close();
    await server?.stop();
    await rm(ipamDir, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench:services: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
