// The node's heartbeat: Lease kube-node-lease/<node>, held by the node and
// renewed every renewIntervalMs (upstream: 10 s of a 40 s duration), owned by
// the Node so it goes away with it.
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node } from "kubernetes-types/core/v1";
import { realClock, sleep, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { formatMicroTime } from "../client/lease-plan.ts";
import { inNamespace, resources } from "../client/resources.ts";

export const nodeLeaseNamespace = "kube-node-lease";
export const leaseDurationSeconds = 40;

export interface NodeLeaseOptions {
  client: KubeClient;
  node: Node;
  renewIntervalMs?: number;
  clock?: Clock;
  onError?: (error: unknown) => void;
}

/** Creates or renews the lease once. */
export async function renewNodeLease(client: KubeClient, node: Node, nowMs: number): Promise<Lease> {
  const api = inNamespace(resources.leases, nodeLeaseNamespace);
  const name = node.metadata?.name ?? "";
  const spec = { holderIdentity: name, leaseDurationSeconds, renewTime: formatMicroTime(nowMs) };
  try {
    const current = await client.get<Lease>(api, name);
    return await client.update<Lease>(api, { ...current, spec: { ...current.spec, ...spec } });
  } catch (e) {
    if (!hasReason(e, "NotFound")) throw e;
    const ownerReferences = node.metadata?.uid ? [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid }] : [];
    return client.create<Lease>(api, { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name, namespace: nodeLeaseNamespace, ownerReferences }, spec });
  }
}

/** Renews the lease until signal aborts; failed renewals are retried on the next tick. */
export async function runNodeLease(options: NodeLeaseOptions, signal: AbortSignal): Promise<void> {
  const clock = options.clock ?? realClock;
  while (!signal.aborted) {
    try {
      await renewNodeLease(options.client, options.node, clock.now());
    } catch (e) {
      if (!signal.aborted) options.onError?.(e);
    }
    await sleep(clock, options.renewIntervalMs ?? 10_000, signal);
  }
}
