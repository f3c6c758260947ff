// DefaultTolerationSeconds (the upstream admission plugin of that name): a new
// pod that does not already tolerate the node lifecycle's NoExecute taints
// gets tolerations for them bounded to five minutes, so pods on a node that
// went away are evicted after that long rather than never.
import type { Toleration } from "kubernetes-types/core/v1";
import type { AdmissionPlugin } from "./admission.ts";

export const notReadyTaintKey = "node.kubernetes.io/not-ready";
export const unreachableTaintKey = "node.kubernetes.io/unreachable";
export const defaultTolerationSeconds = 300;

/** Upstream's test: a toleration counts when its key is that taint's or empty, and its effect NoExecute or empty. */
function toleratesNoExecuteOf(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === undefined || t.key === "" || t.key === key) && (t.effect === undefined || t.effect === "" || t.effect === "NoExecute"));
}

/** The pod's tolerations with the default ones appended where missing. */
export function withDefaultTolerations(tolerations: readonly Toleration[]): Toleration[] {
  const added = [notReadyTaintKey, unreachableTaintKey]
    .filter((key) => !toleratesNoExecuteOf(tolerations, key))
    .map((key): Toleration => ({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: defaultTolerationSeconds }));
  return [...tolerations, ...added];
}

export function defaultTolerationSecondsPlugin(): AdmissionPlugin {
  return {
    name: "DefaultTolerationSeconds",
    admit(a) {
      if (a.operation !== "CREATE" || a.subresource !== "" || a.resource.group !== "" || a.resource.plural !== "pods") return;
      const spec = a.object?.spec;
      if (spec === null || typeof spec !== "object") return;
      const podSpec = spec as { tolerations?: unknown };
      // Malformed tolerations are left for validation to refuse.
      if (podSpec.tolerations !== undefined && podSpec.tolerations !== null && !Array.isArray(podSpec.tolerations)) return;
      const tolerations = (podSpec.tolerations ?? []) as Toleration[];
      if (!tolerations.every((t) => t !== null && typeof t === "object")) return;
      podSpec.tolerations = withDefaultTolerations(tolerations);
    },
  };
}
