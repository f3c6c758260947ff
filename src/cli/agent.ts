// `skiff agent`: the node agent (kubelet) of one node, talking to a server
// through a kubeconfig or a server URL with a bearer token.
import { readFile, mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { parseFlags, usage, UsageError } from "./flags.ts";
import { defaultDataDir } from "./data-dir.ts";
import { RestClient } from "../client/rest-client.ts";
import { Agent } from "../kubelet/agent.ts";
import type { Runtime } from "../kubelet/runtime/runtime.ts";
import { openCriRuntime } from "../kubelet/runtime/cri/open-cri-runtime.ts";
import { defaultNetworkSettings } from "../kubelet/network/network-plan.ts";
import { SimulatedRuntime } from "../kubelet/runtime/simulated/simulated-runtime.ts";
import { clusterDnsServer } from "../kubelet/pod-dns.ts";
import { ServiceProxy } from "../proxy/proxy.ts";
import { BridgeLocalnetRouting } from "../proxy/route-localnet.ts";
import { ChainNames } from "../proxy/rules.ts";
import { bridgeGatewayAddress, ClusterDns } from "../dns/cluster-dns.ts";

const spec = {
  server: { type: "string", help: "URL of the API server (with --token-file)" },
  "token-file": { type: "string", help: "file holding the bearer token to authenticate with" },
  "certificate-authority": { type: "string", help: "PEM file of the server's CA (with --server); without it the server certificate is not verified" },
  kubeconfig: { type: "string", help: "kubeconfig to reach the API server with (instead of --server)" },
  "data-dir": { type: "string", default: defaultDataDir(), help: "where the agent keeps logs, volumes and its containerd" },
  "node-name": { type: "string", default: hostname(), help: "name of the Node to register" },
  "container-runtime-endpoint": { type: "string", help: "CRI socket (unix:///...); default: start our own containerd" },
  runtime: { type: "string", default: "cri", help: "cri (containerd) or simulated (no processes; for tests)" },
  "pod-manifest-path": { type: "string", help: "folder of static pod manifests (YAML or JSON)" },
  "pod-cidr": { type: "string", default: "10.42.0.0/24", help: "the node's slice of the pod network 10.42.0.0/16 (spec.podCIDR)" },
  bridge: { type: "string", default: defaultNetworkSettings.bridge, help: "Linux bridge of the node's pods (one per agent on a machine)" },
  "kubelet-port": { type: "number", default: 10250, help: "port of the agent's HTTPS server for logs, exec, attach and port-forward (0: any free port)" },
  "iptables-chain-prefix": { type: "string", default: "KUBE", help: "prefix of the service proxy's iptables chains (<prefix>-SERVICES ...; one per agent on a machine, at most 7 capitals/digits)" },
  help: { type: "boolean", help: "show this help" },
} as const;

export type AgentFlags = ReturnType<typeof parseFlags<typeof spec>>;

async function clientFor(flags: AgentFlags): Promise<RestClient> {
  const options = { userAgent: `skiff-kubelet/${flags["node-name"]}` };
  if (flags.kubeconfig !== undefined) return RestClient.fromKubeconfig(flags.kubeconfig, options);
  if (flags.server === undefined || flags["token-file"] === undefined) throw new UsageError("give --kubeconfig, or --server with --token-file");
  const token = (await readFile(flags["token-file"], "utf8")).trim();
  const ca = flags["certificate-authority"] === undefined ? undefined : await readFile(flags["certificate-authority"], "utf8");
  return new RestClient({ server: flags.server, bearerToken: token, namespace: "default", ...(ca === undefined ? { insecureSkipTlsVerify: true } : { ca }) }, options);
}

/** The runtime to drive; for cri without an endpoint, our own containerd (left running when the agent stops, like its containers) on the node's pod bridge. */
async function runtimeFor(flags: AgentFlags, dataDir: string, signal: AbortSignal): Promise<Runtime> {
  switch (flags.runtime) {
    case "simulated":
      return new SimulatedRuntime({ podSubnet: Number(flags["pod-cidr"]!.split(".")[2] ?? 0) });
    case "cri": {
      const endpoint = flags["container-runtime-endpoint"];
      const opened = await openCriRuntime({ dataDir, signal, podCidr: flags["pod-cidr"]!, bridge: flags.bridge!, ...(endpoint !== undefined ? { endpoint } : {}) });
      return opened.runtime;
    }
    default:
      throw new UsageError(`--runtime ${flags.runtime}: expected cri or simulated`);
  }
}

/** A bad prefix is a usage error before anything starts. */
function chainPrefixOf(flags: AgentFlags): string {
  try {
    return new ChainNames(flags["iptables-chain-prefix"]).prefix;
  } catch (e) {
    throw new UsageError(`--iptables-chain-prefix: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Runs an agent until signal aborts. */
export async function runAgent(flags: AgentFlags, signal: AbortSignal, onReady?: () => void): Promise<void> {
  const chainPrefix = chainPrefixOf(flags);
  const dataDir = join(flags["data-dir"]!, "agent");
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const client = await clientFor(flags);
  try {
    const runtime = await runtimeFor(flags, dataDir, signal);
    try {
      const agent = new Agent({
        client,
        runtime,
        nodeName: flags["node-name"]!,
        dataDir,
        podCIDR: flags["pod-cidr"]!,
        // Only clients with a certificate from the cluster CA (the API server) may use it: without the CA, no server.
        ...(client.config.ca !== undefined ? { kubeletServer: { port: flags["kubelet-port"]!, clientCa: client.config.ca } } : {}),
        ...(flags["pod-manifest-path"] !== undefined ? { podManifestPath: flags["pod-manifest-path"] } : {}),
      });
      // Pods on a real runtime get the node's service proxy and a DNS server on their bridge (CoreDNS's place upstream).
      const networked = flags.runtime === "cri";
      const nodeName = flags["node-name"]!;
      const proxy = networked ? new ServiceProxy({ client, nodeName, clusterCidr: defaultNetworkSettings.clusterCidr, chainPrefix, podBridge: flags.bridge!, localnet: new BridgeLocalnetRouting(flags.bridge!) }) : undefined;
      const dns = networked ? new ClusterDns({ client, nodeName, address: bridgeGatewayAddress(flags["pod-cidr"]!), port: 53, serviceIP: clusterDnsServer }) : undefined;
      // They stop with the agent, also when it fails to start.
      const nodeServices = new AbortController();
      signal.addEventListener("abort", () => nodeServices.abort(), { once: true });
      const services = Promise.all([proxy?.start(nodeServices.signal), dns?.start(nodeServices.signal)]);
      const stopped = agent.start(signal);
      void agent.ready.then(() => onReady?.(), () => {});
      try {
        await stopped;
      } finally {
        nodeServices.abort();
        await services;
      }
    } finally {
      await runtime.close();
    }
  } finally {
    client.close();
  }
}

export async function agentCommand(argv: string[]): Promise<number> {
  const flags = parseFlags(spec, argv);
  if (flags.help) {
    console.log(`usage: skiff agent [flags]\n${usage(spec)}`);
    return 0;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await runAgent(flags, controller.signal, () => console.log(`skiff: agent ready as node ${flags["node-name"]}`));
  console.log("skiff: agent stopped");
  return 0;
}

/** Flags of the agent `skiff server` runs in its own process; extra are agent flags the server passes on (--bridge, --pod-cidr, --kubelet-port). */
export function localAgentFlags(kubeconfig: string, dataDir: string, extra: string[] = []): AgentFlags {
  return parseFlags(spec, ["--kubeconfig", kubeconfig, "--data-dir", dataDir, ...extra]);
}
