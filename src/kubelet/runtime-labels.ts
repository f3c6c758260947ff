// The labels the kubelet puts on sandboxes and containers (upstream's
// io.kubernetes.* keys). They let a restarted agent tell which pod and which
// spec container each runtime object belongs to, so it adopts them instead of
// starting them again.
import type { Pod } from "kubernetes-types/core/v1";

export const podNameLabel = "io.kubernetes.pod.name";
export const podNamespaceLabel = "io.kubernetes.pod.namespace";
export const podUidLabel = "io.kubernetes.pod.uid";
export const containerNameLabel = "io.kubernetes.container.name";

export function sandboxLabels(pod: Pod): Record<string, string> {
  return {
    ...pod.metadata?.labels,
    [podNameLabel]: pod.metadata?.name ?? "",
    [podNamespaceLabel]: pod.metadata?.namespace ?? "",
    [podUidLabel]: pod.metadata?.uid ?? "",
  };
}

export function containerLabels(pod: Pod, containerName: string): Record<string, string> {
  return {
    [podNameLabel]: pod.metadata?.name ?? "",
    [podNamespaceLabel]: pod.metadata?.namespace ?? "",
    [podUidLabel]: pod.metadata?.uid ?? "",
    [containerNameLabel]: containerName,
  };
}
