// Whether to pull a container's image (upstream's defaulting and
// shouldPullImage): without a policy, images tagged :latest or untagged are
// pulled every time, others only when missing.
import type { Container } from "kubernetes-types/core/v1";

export type PullPolicy = "Always" | "IfNotPresent" | "Never";

export function pullPolicy(container: Container): PullPolicy {
  const explicit = container.imagePullPolicy;
  if (explicit === "Always" || explicit === "IfNotPresent" || explicit === "Never") return explicit;
  const image = container.image ?? "";
  if (image.includes("@")) return "IfNotPresent";
  const lastPart = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastPart.lastIndexOf(":");
  return colon < 0 || lastPart.slice(colon + 1) === "latest" ? "Always" : "IfNotPresent";
}

export type PullDecision = "pull" | "present" | "missing-never";

export function pullDecision(policy: PullPolicy, present: boolean): PullDecision {
  switch (policy) {
    case "Always":
      return "pull";
    case "IfNotPresent":
      return present ? "present" : "pull";
    case "Never":
      return present ? "present" : "missing-never";
  }
}
