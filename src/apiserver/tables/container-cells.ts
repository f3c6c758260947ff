// The wide CONTAINERS and IMAGES cells of every workload: its pod template's
// containers, comma-joined in spec order.
import type { PodTemplateSpec } from "kubernetes-types/core/v1";

export function containerCells(template: PodTemplateSpec | undefined): [names: string, images: string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(","), containers.map((c) => c.image ?? "").join(",")];
}
