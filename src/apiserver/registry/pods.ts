// Pods: created Pending; deletion of a pod bound to a node is graceful (the
// kubelet finishes it), an unbound pod goes at once.
import type { ResourceInfo } from "../../api/registry.ts";
import { genericStrategy, type Strategy } from "./strategy.ts";

interface PodShape {
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}

export function podStrategy(info: ResourceInfo): Strategy {
  return genericStrategy(info, {
    tracksGeneration: false,
    prepareForCreate(obj) {
      obj.status = { phase: "Pending" };
      // Upstream turns a negative grace period into the shortest real one.
      const spec = (obj as PodShape).spec;
      if (spec?.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) spec.terminationGracePeriodSeconds = 1;
    },
    gracePeriod(obj, requested) {
      const pod = obj as PodShape;
      // Pods that never ran (unbound, or already finished) need no grace period.
      if (!pod.spec?.nodeName) return undefined;
      if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return undefined;
      const grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      return grace > 0 ? grace : undefined;
    },
  });
}
