// Whether a pod's toleration covers a node's taint (core/v1 Toleration
// semantics): an empty effect matches every effect, an empty key with
// operator Exists matches every taint, Equal (the default) compares values.
import type { Taint, Toleration } from "kubernetes-types/core/v1";

export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (!toleration.key && toleration.operator !== "Exists") return false;
  if (toleration.operator === "Exists") return true;
  return (toleration.value ?? "") === (taint.value ?? "");
}

/** The first of tolerations that covers taint, as upstream picks it. */
export function firstTolerating(tolerations: readonly Toleration[], taint: Taint): Toleration | undefined {
  return tolerations.find((toleration) => toleratesTaint(toleration, taint));
}
