// What the NoExecute taint manager does with one pod on a tainted node: a
// taint it does not tolerate evicts it now; tolerations with
// tolerationSeconds let it stay that long after the taint appeared (the
// shortest of them counts); tolerations without a limit let it stay.
import type { Taint, Toleration } from "kubernetes-types/core/v1";
import { firstTolerating } from "./tolerations.ts";

export type EvictionPlan = { action: "keep" } | { action: "evict"; untolerated?: Taint } | { action: "evictAt"; atMs: number };

/** since(taint): when the taint appeared on the node (its timeAdded), in ms. */
export function evictionPlan(tolerations: readonly Toleration[], taints: readonly Taint[], since: (taint: Taint) => number, nowMs: number): EvictionPlan {
  let deadline = Number.POSITIVE_INFINITY;
  for (const taint of taints) {
    if (taint.effect !== "NoExecute") continue;
    const toleration = firstTolerating(tolerations, taint);
    if (toleration === undefined) return { action: "evict", untolerated: taint };
    if (toleration.tolerationSeconds === undefined || toleration.tolerationSeconds === null) continue;
    // Zero and negative seconds mean "evict at once".
    deadline = Math.min(deadline, since(taint) + Math.max(0, toleration.tolerationSeconds) * 1000);
  }
  if (deadline === Number.POSITIVE_INFINITY) return { action: "keep" };
  return deadline <= nowMs ? { action: "evict" } : { action: "evictAt", atMs: deadline };
}
