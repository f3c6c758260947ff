// Services on a real node: `bin/skiff agent` on the shared containerd
// fixture (bridge skiff-sv0, range 10.42.251.0/24) runs the iptables proxy
// and cluster DNS on 10.42.251.1; a real server runs the controllers. A
// Deployment of web:v1 behind a ClusterIP and a NodePort Service is reached
// from the host (also on 127.0.0.1), and from a busybox pod by name. Needs
// root and the localhost:5000 test images. The proxy's chains carry their own
// prefix (SKSV-*), so agents of other tests keep theirs; every rule it adds is
// removed in after(), also when the agent died.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { containerdSkipReason, openContainerdFixture, type ContainerdFixture } from "../../src/kubelet/runtime/cri/containerd-fixture.ts";
import { removeProxyRules } from "../../src/proxy/proxy.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { eventually } from "../support/eventually.ts";

const run = promisify(execFile);
const skipReason = containerdSkipReason();
const nodeName = "e2e-services";
const podCidr = "10.42.251.0/24";
const root = new URL("../..", import.meta.url).pathname;
const ns = "default";
const chainPrefix = "SKSV";

let server: TestServer;
let client: RestClient;
let fixture: ContainerdFixture;
let agentDir: string;
let agent: ChildProcess | undefined;
let agentOutput = "";

/** curl from the host; exit code 7 is "could not connect" (refused), 28 a timeout. */
async function curl(url: string): Promise<{ code: number; body: string }> {
  try {
    const { stdout } = await run("curl", ["-sS", "-m", "5", url], { timeout: 10_000 });
    return { code: 0, body: stdout };
  } catch (error) {
    return { code: (error as { code?: number }).code ?? -1, body: "" };
  }
}

async function startAgent(): Promise<void> {
  const child = spawn(join(root, "bin/skiff"), ["agent", "--kubeconfig", server.kubeconfig, "--data-dir", agentDir, "--node-name", nodeName, "--runtime", "cri", "--container-runtime-endpoint", `unix://${fixture.endpoint}`, "--pod-cidr", podCidr, "--kubelet-port", "0", "--bridge", "skiff-sv0", "--iptables-chain-prefix", chainPrefix], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (agentOutput += d));
  child.stderr!.on("data", (d) => (agentOutput += d));
  agent = child;
  await eventually("the agent", async () => {
    if (child.exitCode !== null) throw new Error(`skiff agent exited ${child.exitCode}`);
    return agentOutput.includes("agent ready") ? true : undefined;
  });
}

/** Whether the agent stopped cleanly (and so removed its rules itself). */
async function stopAgent(): Promise<boolean> {
  const child = agent;
  if (child === undefined) return true;
  if (child.exitCode !== null) return false;
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const code = await exited;
  clearTimeout(timer);
  return code === 0;
}

const webLabels = { app: "web-svc-e2e" };

function webDeployment(replicas: number): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: webLabels },
      template: {
        metadata: { labels: webLabels },
        spec: { terminationGracePeriodSeconds: 2, containers: [{ name: "web", image: "localhost:5000/web:v1", imagePullPolicy: "IfNotPresent", ports: [{ name: "http", containerPort: 80 }] }] },
      },
    },
  };
}

const readyEndpoints = async (service: string) => {
  const slices = await client.list<EndpointSlice>(inNamespace(resources.endpointSlices, ns), { labelSelector: `kubernetes.io/service-name=${service}` });
  return slices.items.flatMap((slice) => slice.endpoints.filter((endpoint) => endpoint.conditions?.ready !== false));
};

if (skipReason) {
  test("services on containerd", { skip: skipReason }, () => undefined);
} else {
  before(async () => {
    fixture = await openContainerdFixture({ bridge: "skiff-sv0", podCidr });
    server = await startServer();
    client = await RestClient.fromKubeconfig(server.kubeconfig);
    agentDir = await mkdtemp(join(tmpdir(), "skiff-services-e2e-"));
    await startAgent();
  });

  /** Pods deleted while the agent runs, so it tears their volumes down (mounts under agentDir). */
  async function deletePods(): Promise<void> {
    const podsApi = inNamespace(resources.pods, ns);
    await client.delete(inNamespace(resources.deployments, ns), "web", { propagationPolicy: "Background" }).catch(() => undefined);
    await eventually("the test's pods gone", async () => {
      const pods = await client.list<Pod>(podsApi);
      for (const pod of pods.items) await client.delete(podsApi, pod.metadata?.name ?? "", { gracePeriodSeconds: 0 }).catch(() => undefined);
      return pods.items.length === 0 ? true : undefined;
    }, 30_000).catch(() => undefined);
  }

  /** Unmounts what an agent that died left under agentDir, then removes it. */
  async function removeAgentDir(): Promise<void> {
    const mounts = (await readFile("/proc/mounts", "utf8")).split("\n").map((line) => line.split(" ")[1] ?? "").filter((path) => path.startsWith(`${agentDir}/`));
    for (const path of mounts.reverse()) await run("umount", [path]).catch(() => undefined);
    await rm(agentDir, { recursive: true, force: true });
  }

  after(async () => {
    if (agent?.exitCode === null && client !== undefined) await deletePods();
    // The agent removes its rules on SIGTERM; one that crashed or had to be killed left them.
    if (!(await stopAgent())) await removeProxyRules(undefined, chainPrefix, "skiff-sv0").catch(() => undefined);
    client?.close();
    await server?.stop();
    await fixture?.close();
    if (agentDir) await removeAgentDir();
  });

  describe("services on containerd", () => {
    let clusterIP = "";

    test("a ClusterIP Service balances across both web pods from the host", async () => {
      await client.create<Deployment>(inNamespace(resources.deployments, ns), webDeployment(2));
      const service = await client.create<Service>(inNamespace(resources.services, ns), {
        metadata: { name: "web", namespace: ns },
        spec: { selector: webLabels, ports: [{ name: "http", port: 80, targetPort: "http" }] },
      });
      clusterIP = service.spec?.clusterIP ?? "";
      assert.match(clusterIP, /^10\.43\./);
      await eventually("two ready endpoints", async () => ((await readyEndpoints("web")).length === 2 ? true : undefined), 90_000);
      const seen = new Set<string>();
      await eventually("answers from both pods", async () => {
        const { code, body } = await curl(`http://${clusterIP}/`);
        if (code === 0) {
          assert.match(body, /^web v1 /);
          seen.add(body.trim());
        }
        return seen.size === 2 ? true : undefined;
      });
    });

    test("a NodePort Service answers on the node's address", async () => {
      const node = await client.get<Node>(resources.nodes, nodeName);
      const nodeIP = node.status?.addresses?.find((address) => address.type === "InternalIP")?.address ?? "";
      // Only an address of this machine: the request must never leave it.
      const { stdout } = await run("ip", ["-4", "-o", "addr", "show"]);
      assert.ok(stdout.includes(` ${nodeIP}/`), `node address ${nodeIP} is not local`);
      const service = await client.create<Service>(inNamespace(resources.services, ns), {
        metadata: { name: "web-np", namespace: ns },
        spec: { type: "NodePort", selector: webLabels, ports: [{ port: 8080, targetPort: 80 }] },
      });
      const nodePort = service.spec?.ports?.[0]?.nodePort;
      assert.ok(nodePort !== undefined && nodePort >= 30000);
      const body = await eventually("the NodePort", async () => {
        const answer = await curl(`http://${nodeIP}:${nodePort}/`);
        return answer.code === 0 ? answer.body : undefined;
      });
      assert.match(body, /^web v1 /);
      // kube-proxy's localhost NodePorts: 127.0.0.1 is DNATed to a pod and masqueraded (route_localnet on the pod bridge).
      const local = await eventually("the NodePort on 127.0.0.1", async () => {
        const answer = await curl(`http://127.0.0.1:${nodePort}/`);
        return answer.code === 0 ? answer.body : undefined;
      }, 30_000);
      assert.match(local, /^web v1 /);
      assert.equal((await readFile("/proc/sys/net/ipv4/conf/skiff-sv0/route_localnet", "utf8")).trim(), "1");
    });

    test("the proxy's rules live in chains of its own prefix", async () => {
      const { stdout } = await run("iptables-save", ["-t", "nat"], { maxBuffer: 64 * 1024 * 1024 });
      assert.ok(stdout.includes(`-A OUTPUT -m comment --comment "kubernetes service portals" -j ${chainPrefix}-SERVICES`), "a jump from OUTPUT");
      // Pods: from this agent's bridge, or from anywhere but another skiff bridge (other test clusters reuse the same ClusterIPs).
      assert.ok(stdout.includes(`-A PREROUTING -i skiff-sv0 -m comment --comment "kubernetes service portals" -j ${chainPrefix}-SERVICES`), stdout);
      assert.ok(stdout.includes(`-A PREROUTING ! -i skiff+ -m comment --comment "kubernetes service portals" -j ${chainPrefix}-SERVICES`), stdout);
      // The localnet firewall comes before anything else in INPUT (other agents' firewalls may come first).
      const filter = (await run("iptables-save", ["-t", "filter"], { maxBuffer: 64 * 1024 * 1024 })).stdout;
      const input = filter.split("\n").filter((line) => line.startsWith("-A INPUT "));
      const ours = input.indexOf(`-A INPUT -j ${chainPrefix}-FIREWALL`);
      assert.ok(ours >= 0, filter);
      assert.ok(input.slice(0, ours).every((line) => /^-A INPUT -j [A-Z][A-Z0-9]*-FIREWALL$/.test(line)), filter);
      assert.ok(filter.includes(`-A ${chainPrefix}-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 `), filter);
      // iptables-save prints matches in its own order.
      const serviceRule = stdout.split("\n").find((line) => line.startsWith(`-A ${chainPrefix}-SERVICES `) && line.includes('"default/web:http cluster IP"'));
      assert.match(serviceRule ?? "", new RegExp(`-d ${clusterIP.replaceAll(".", "\\.")}/32 .*-j ${chainPrefix}-SVC-[A-Z2-7]{16}$`), stdout);
    });

    test("a busybox pod resolves the Service by name and fetches through it", async () => {
      const kubeDns = await client.get<Service>(inNamespace(resources.services, "kube-system"), "kube-dns");
      assert.equal(kubeDns.spec?.clusterIP, "10.43.0.10");
      const pod = await client.create<Pod>(inNamespace(resources.pods, ns), {
        metadata: { name: "client", namespace: ns },
        spec: {
          restartPolicy: "Never",
          containers: [{ name: "main", image: "localhost:5000/busybox:latest", imagePullPolicy: "IfNotPresent", command: ["sh", "-c", "nslookup web.default.svc.cluster.local; echo body: $(wget -qO- http://web.default.svc.cluster.local/)"] }],
        },
      });
      const done = await eventually("the client pod to finish", async () => {
        const current = await client.get<Pod>(inNamespace(resources.pods, ns), "client");
        return current.status?.phase === "Succeeded" || current.status?.phase === "Failed" ? current : undefined;
      }, 60_000);
      const log = await readFile(join(agentDir, "agent", "logs", "pods", `${ns}_client_${pod.metadata?.uid}`, "main", "0.log"), "utf8");
      assert.equal(done.status?.phase, "Succeeded", log);
      assert.match(log, new RegExp(`Address:\\s+${clusterIP.replaceAll(".", "\\.")}`), log);
      assert.match(log, /body: web v1 /, log);
    });

    test("scaled to zero, connections to the ClusterIP are refused", async () => {
      await client.patch<Deployment>(inNamespace(resources.deployments, ns), "web", "merge", { spec: { replicas: 0 } });
      await eventually("no ready endpoints", async () => ((await readyEndpoints("web")).length === 0 ? true : undefined));
      const refused = await eventually("a refused connection", async () => {
        const answer = await curl(`http://${clusterIP}/`);
        return answer.code === 0 ? undefined : answer;
      });
      assert.equal(refused.code, 7, "curl: could not connect (rejected), not a timeout");
    });
  });
}
