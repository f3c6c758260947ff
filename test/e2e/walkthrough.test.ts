// The seed walkthrough (issue #7) on real containerd and iptables: `skiff
// server` with its local agent, driven only through kubectl and curl, from a
// Deployment to a Service, a rolling update, cluster DNS and an Ingress.
// Traffic goes to pod IPs (10.42.0.0/16), ClusterIPs (10.43.0.0/16), the
// node's own address and loopback: all on this machine.
// Cleanup: the test deletes its objects and waits for the pods to go, stops
// the server (which stops its agent) and then the agent's containerd, which
// the agent leaves running by design. The node's bridge skiff0, its routes
// and guard chain stay, as after any `skiff server` run; the next run reuses them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import type { Event, Pod, Service } from "kubernetes-types/core/v1";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import { containerdSkipReason, ensureTestImages } from "../../src/kubelet/runtime/cri/containerd-fixture.ts";
import { stopContainerd } from "../../src/kubelet/runtime/containerd/start-containerd.ts";
import { freePort } from "../support/server.ts";
import { eventually } from "../support/eventually.ts";

const skipReason = containerdSkipReason();
const root = new URL("../..", import.meta.url).pathname;
const deployment = "nginx-deployment";

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${deployment}
  labels:
    app: nginx
spec:
  replicas: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: web
        image: localhost:5000/web:v1
        ports:
        - containerPort: 80
        readinessProbe:
          httpGet:
            path: /
            port: 80
          periodSeconds: 1
        # As upstream advises for zero-downtime rollouts: a pod being scaled
        # down keeps serving while its endpoint leaves every node's rules.
        lifecycle:
          preStop:
            sleep:
              seconds: 3
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

const inPodNetwork = (ip: string) => /^10\.42\.\d+\.\d+$/.test(ip);
const inServiceNetwork = (ip: string) => /^10\.43\.\d+\.\d+$/.test(ip);
const isOwnAddress = (ip: string) => Object.values(networkInterfaces()).some((addresses) => (addresses ?? []).some((a) => a.address === ip));

/** curl -m <seconds> to a machine-local address; the body, or undefined on any failure. */
async function curl(url: string, seconds: number, headers: string[] = [], onFailure?: (why: string) => void): Promise<string | undefined> {
  const host = new URL(url).hostname;
  if (!(host === "127.0.0.1" || inPodNetwork(host) || inServiceNetwork(host) || isOwnAddress(host))) throw new Error(`refusing to send traffic off this machine: ${url}`);
  const result = await run("curl", ["-sSf", "-m", String(seconds), ...headers.flatMap((h) => ["-H", h]), url], {}, (seconds + 2) * 1000);
  if (result.code !== 0) onFailure?.(`curl exit ${result.code}: ${result.stderr.trim()}`);
  return result.code === 0 ? result.stdout : undefined;
}

describe("walkthrough: Deployment, Service, rolling update, DNS and Ingress on the local node", { skip: skipReason }, () => {
  let dataDir: string;
  let server: ChildProcess;
  let output = "";
  let ingressPort: number;
  let kubeconfig: string;
  let nodeIP: string;
  let clusterIP = "";
  let nodePort = 0;

  const kubectl = async (...args: string[]): Promise<Run> => run("/usr/bin/kubectl", [`--cache-dir=${join(dataDir, "kubectl-cache")}`, ...args], { KUBECONFIG: kubeconfig });
  const kubectlOk = async (...args: string[]): Promise<string> => {
    const result = await kubectl(...args);
    assert.equal(result.code, 0, `kubectl ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectlOk(...args, "-o", "json")) as T;
  const serverLog = () => `server output (tail):\n${output.slice(-3000)}`;

  const readyPods = async (): Promise<Pod[]> => {
    const list = await json<{ items: Pod[] }>("get", "pods", "-l", "app=nginx");
    return list.items.filter((p) => p.metadata?.deletionTimestamp === undefined && p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  };
  const podsServing = async (count: number, version: string): Promise<Pod[] | undefined> => {
    const pods = await readyPods();
    if (pods.length !== count) return undefined;
    for (const pod of pods) {
      const ip = pod.status?.podIP ?? "";
      assert.ok(inPodNetwork(ip), `pod IP ${ip}`);
      const body = await curl(`http://${ip}/`, 5);
      if (body?.trim() !== `web ${version} ${pod.metadata?.name}`) return undefined;
    }
    return pods;
  };

  before(async () => {
    ensureTestImages();
    dataDir = await mkdtemp(join(tmpdir(), "skiff-walkthrough-"));
    kubeconfig = join(dataDir, "kubeconfig.yaml");
    ingressPort = await freePort();
    const port = await freePort();
    server = spawn(join(root, "bin/skiff"), ["server", "--data-dir", dataDir, "--port", String(port), "--ingress-port", String(ingressPort), "--iptables-chain-prefix", "SKWT"], { stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    await eventually("the server, its ingress and a Ready node", async () => {
      if (server.exitCode !== null) throw new Error(`skiff server exited ${server.exitCode}`);
      if (!output.includes("ingress listening") || !(await readFile(kubeconfig, "utf8").catch(() => ""))) return undefined;
      const nodes = await json<{ items: Array<{ status?: { conditions?: Array<{ type: string; status: string }>; addresses?: Array<{ type: string; address: string }> } }> }>("get", "nodes");
      const node = nodes.items[0];
      if (!node?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) return undefined;
      nodeIP = node.status.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
      return true;
    }, 90_000, { context: serverLog, intervalMs: 500 });
  });

  after(async () => {
    if (server === undefined) return;
    if (server.exitCode === null) {
      await kubectl("delete", "ingress,service,deployment", "--all", "--wait=false");
      await kubectl("delete", "pod", "dns-client", "--grace-period=1", "--wait=false");
      await eventually("the pods gone", async () => ((await json<{ items: Pod[] }>("get", "pods")).items.length === 0 ? true : undefined), 60_000).catch((e: unknown) => console.error(String(e)));
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      const timer = setTimeout(() => server.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    }
    await stopContainerd(join(dataDir, "agent"));
    await rm(dataDir, { recursive: true, force: true });
  });

  test("1. a Deployment of web:v1 becomes 1/1 with a ReplicaSet and a pod named after it, and the pod answers on its IP", async () => {
    const manifestPath = join(dataDir, "deployment.yaml");
    await writeFile(manifestPath, manifest);
    await kubectlOk("apply", "-f", manifestPath);
    await kubectlOk("rollout", "status", `deployment/${deployment}`, "--timeout=90s");
    const wide = await kubectlOk("get", "deploy", "-o", "wide");
    assert.match(wide, new RegExp(`^${deployment}\\s+1/1\\s+1\\s+1\\s+\\S+\\s+web\\s+localhost:5000/web:v1\\s+app=nginx`, "m"), wide);
    const sets = await json<{ items: ReplicaSet[] }>("get", "rs", "-l", "app=nginx");
    assert.equal(sets.items.length, 1);
    const setName = sets.items[0]!.metadata!.name!;
    const hash = sets.items[0]!.metadata!.labels!["pod-template-hash"]!;
    assert.equal(setName, `${deployment}-${hash}`);
    const pods = await eventually("the pod serving web v1", () => podsServing(1, "v1"), 60_000, { context: serverLog, intervalMs: 500 });
    const pod = pods[0]!;
    assert.match(pod.metadata!.name!, new RegExp(`^${setName}-[a-z0-9]{5}$`));
    assert.deepEqual(pod.metadata?.labels, { app: "nginx", "pod-template-hash": hash });
    const status = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "5", `http://${pod.status!.podIP!}/`]);
    assert.equal(status.stdout, "200");
  });

  test("2. a deleted pod is replaced by one that serves; scaled to 3, three pods serve", async () => {
    const [first] = await readyPods();
    await kubectlOk("delete", "pod", first!.metadata!.name!, "--wait=false");
    const replaced = await eventually("a replacement pod serving", () => podsServing(1, "v1"), 60_000, { context: serverLog, intervalMs: 500 });
    assert.notEqual(replaced[0]!.metadata!.name, first!.metadata!.name);
    await kubectlOk("scale", `deployment/${deployment}`, "--replicas=3");
    const three = await eventually("three pods serving", () => podsServing(3, "v1"), 60_000, { context: serverLog, intervalMs: 500 });
    assert.equal(new Set(three.map((p) => p.status?.podIP)).size, 3);
  });

  test("3. a NodePort Service answers on its ClusterIP and on <node IP>:<nodePort>, also after a pod is deleted", async () => {
    await kubectlOk("expose", `deployment/${deployment}`, "--port=80", "--type=NodePort");
    const service = await json<Service>("get", "service", deployment);
    clusterIP = service.spec?.clusterIP ?? "";
    nodePort = service.spec?.ports?.[0]?.nodePort ?? 0;
    assert.ok(inServiceNetwork(clusterIP), `clusterIP ${clusterIP}`);
    assert.ok(nodePort >= 30000 && nodePort <= 32767, `nodePort ${nodePort}`);
    assert.ok(isOwnAddress(nodeIP), `the node address ${nodeIP} is not one of this machine's`);
    const answers = async () => {
      const viaClusterIP = await curl(`http://${clusterIP}/`, 2);
      const viaNodePort = await curl(`http://${nodeIP}:${nodePort}/`, 2);
      return viaClusterIP?.startsWith("web v1") && viaNodePort?.startsWith("web v1") ? true : undefined;
    };
    await eventually("the ClusterIP and the NodePort answering", answers, 30_000, { context: serverLog, intervalMs: 500 });
    const [victim] = await readyPods();
    await kubectlOk("delete", "pod", victim!.metadata!.name!, "--wait=false");
    for (let i = 0; i < 5; i++) assert.ok(await eventually("the Service answering after a pod deletion", answers, 10_000), `round ${i}`);
  });

  test("4. set image rolls out to web:v2 with upstream's scaling events, and a client of the ClusterIP sees no failure", async () => {
    await eventually("three pods serving again", () => podsServing(3, "v1"), 60_000, { context: serverLog, intervalMs: 500 });
    const oldSet = (await json<{ items: ReplicaSet[] }>("get", "rs", "-l", "app=nginx")).items[0]!.metadata!.name!;
    await kubectlOk("set", "image", `deployment/${deployment}`, "web=localhost:5000/web:v2");
    const rollout = kubectl("rollout", "status", `deployment/${deployment}`, "--timeout=120s");
    let done = false;
    void rollout.then(() => (done = true));
    let requests = 0;
    const failures: string[] = [];
    const versions = new Set<string>();
    for (let i = 0; i < 600 && !done; i++) {
      requests++;
      const body = await curl(`http://${clusterIP}/`, 2, [], (why) => failures.push(`${new Date().toISOString()} ${why}`));
      if (body !== undefined) versions.add(body.split(" ").slice(0, 2).join(" "));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const finished = await rollout;
    assert.equal(finished.code, 0, finished.stderr);
    await eventually("three pods serving v2", () => podsServing(3, "v2"), 60_000, { context: serverLog, intervalMs: 500 });
    assert.deepEqual(failures, [], `${failures.length} of ${requests} requests to the ClusterIP failed during the rollout (versions seen: ${[...versions].join(", ")})`);
    const sets = await json<{ items: ReplicaSet[] }>("get", "rs", "-l", "app=nginx");
    const newSet = sets.items.find((s) => s.metadata?.name !== oldSet)!.metadata!.name!;
    // Upstream has worded these "... to 2", "... to 2 from 3" and "... from 3 to 2" over the releases: any of them.
    const scaled = (direction: "up" | "down", set: string, to: number) => new RegExp(`^Scaled ${direction} replica set ${set} (to ${to}( from \\d+)?|from \\d+ to ${to})$`);
    const events = await eventually("the last scaling event", async () => {
      const messages = (await json<{ items: Event[] }>("get", "events", "--field-selector", `involvedObject.name=${deployment}`)).items
        .filter((e) => e.reason === "ScalingReplicaSet")
        .sort((a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion))
        .map((e) => e.message ?? "");
      return messages.some((m) => scaled("down", oldSet, 0).test(m)) ? messages : undefined;
    }, 30_000);
    const rolloutEvents = events.slice(events.findIndex((m) => scaled("up", newSet, 1).test(m)));
    const expected = [scaled("up", newSet, 1), scaled("down", oldSet, 2), scaled("up", newSet, 2), scaled("down", oldSet, 1), scaled("up", newSet, 3), scaled("down", oldSet, 0)];
    assert.equal(rolloutEvents.length, expected.length, events.join("\n"));
    expected.forEach((pattern, i) => assert.match(rolloutEvents[i] ?? "", pattern, events.join("\n")));
  });

  test("5a. an Ingress for host web.example routes to the Service through the node's ingress and reports the node address", async () => {
    await kubectlOk("create", "ingress", "web", `--rule=web.example/*=${deployment}:80`);
    const body = await eventually("the ingress answering", () => curl(`http://127.0.0.1:${ingressPort}/`, 5, ["Host: web.example"]), 30_000, { context: serverLog, intervalMs: 500 });
    assert.match(body, /^web v2 nginx-deployment-/);
    assert.equal(await curl(`http://127.0.0.1:${ingressPort}/`, 5, ["Host: other.example"]), undefined, "an unknown host is not routed");
    const address = await eventually("the Ingress status", async () => (await kubectlOk("get", "ingress", "web", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")) || undefined, 30_000);
    assert.equal(address, nodeIP);
  });

  let clientLogs: Promise<string> = Promise.resolve("");
  const name = `${deployment}.default.svc.cluster.local`;

  test("5b. a busybox pod resolves the Service's cluster name (nslookup) to its ClusterIP, and the Service answers it there", async () => {
    const script = [
      `nslookup ${name}; echo nslookup-exit=$?`,
      `ip=$(nslookup ${name} | awk '/^Address: /{print $2}' | tail -1)`,
      `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 $ip 80; echo nc-exit=$?`,
      // Debian's busybox wget crashes when given -T (built without the timeout feature); the test's wait for the pod bounds it.
      `wget -qO- http://${name}/ 2>&1; echo wget-exit=$?`,
    ].join("\n");
    await kubectlOk("run", "dns-client", "--image=localhost:5000/busybox:latest", "--restart=Never", "--", "sh", "-c", script);
    clientLogs = eventually("the client pod finishing", async () => {
      const pod = await json<Pod>("get", "pod", "dns-client");
      return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed" ? kubectlOk("logs", "dns-client") : undefined;
    }, 60_000, { context: serverLog, intervalMs: 500 });
    const logs = await clientLogs;
    assert.match(logs, /nslookup-exit=0/, logs);
    assert.match(logs, new RegExp(`Name:\\s+${name.replaceAll(".", "\\.")}\\s+Address: ${clusterIP.replaceAll(".", "\\.")}\\s`), logs);
    const [byAddress = ""] = logs.split(/nc-exit=/);
    assert.match(byAddress, /HTTP\/1\.[01] 200[\s\S]*web v2 nginx-deployment-/, logs);
  });

  test("5c. the busybox pod fetches from the Service by name with wget", async () => {
    const logs = await clientLogs;
    const [, byName = ""] = logs.split(/nc-exit=\d+/);
    assert.match(byName, /web v2 nginx-deployment-/, logs);
    assert.match(byName, /wget-exit=0/, logs);
  });
});

