// Registers the Node (or takes over an existing one of the same name) and
// posts its status every statusIntervalMs (upstream: 10 s) through
// nodes/status, heartbeats included.
import type { Node } from "kubernetes-types/core/v1";
import { realClock, sleep, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { resources } from "../client/resources.ts";
import type { HostFacts } from "./host-facts.ts";
import { nodeObject, nodeStatus, type NodeIdentity } from "./node-status.ts";
import type { Runtime } from "./runtime/runtime.ts";

export interface NodeReporterOptions {
  client: KubeClient;
  runtime: Runtime;
  identity: NodeIdentity;
  host: HostFacts;
  statusIntervalMs?: number;
  clock?: Clock;
  onError?: (error: unknown) => void;
}

/** Creates the Node, or adopts the one already registered under this name; answers it with its first status. */
export async function registerNode(options: NodeReporterOptions): Promise<Node> {
  const wanted = nodeObject(options.identity, options.host);
  let node: Node;
  try {
    node = await options.client.create<Node>(resources.nodes, wanted);
  } catch (e) {
    if (!hasReason(e, "AlreadyExists")) throw e;
    const existing = await options.client.get<Node>(resources.nodes, options.identity.name);
    node = await options.client.patch<Node>(resources.nodes, options.identity.name, "merge", { metadata: { labels: wanted.metadata?.labels }, spec: existing.spec?.podCIDR ? {} : wanted.spec });
  }
  return postNodeStatus(options, node);
}

export async function postNodeStatus(options: NodeReporterOptions, node: Node): Promise<Node> {
  const clock = options.clock ?? realClock;
  const images = await options.runtime.listImages();
  const status = nodeStatus(options.identity, options.host, images, node.status?.conditions, clock.now());
  return options.client.patch<Node>(resources.nodes, options.identity.name, "merge", { status }, { subresource: "status" });
}

/** Posts the status until signal aborts, starting from the registered node. */
export async function runNodeStatus(options: NodeReporterOptions, registered: Node, signal: AbortSignal): Promise<void> {
  const clock = options.clock ?? realClock;
  let node = registered;
  for (;;) {
    await sleep(clock, options.statusIntervalMs ?? 10_000, signal);
    if (signal.aborted) return;
    try {
      node = await postNodeStatus(options, node);
    } catch (e) {
      if (signal.aborted) return;
      if (hasReason(e, "NotFound")) {
        // Someone deleted the Node: register it again, as upstream's kubelet does on restart.
        node = await registerNode(options).catch((error: unknown) => (options.onError?.(error), node));
      } else options.onError?.(e);
    }
  }
}
