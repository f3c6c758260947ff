// `kubectl get nodes`: readiness, cordoning, roles from labels, kubelet version.
import type { Node } from "kubernetes-types/core/v1";
import { ageColumn, column, definePrinter, nameColumn, wide } from "./printer.ts";
import { since } from "./timestamps.ts";

const ROLE_LABEL_PREFIX = "node-role.kubernetes.io/";
const LEGACY_ROLE_LABEL = "kubernetes.io/role";

const columns = [
  nameColumn,
  column("Status", "string", "Readiness of the node, and whether scheduling is disabled."),
  column("Roles", "string", "Roles named by the node's role labels."),
  ageColumn,
  column("Version", "string", "Version of the node's kubelet."),
  column("Internal-IP", "string", "The node's first internal address.", wide),
  column("External-IP", "string", "The node's first external address.", wide),
  column("OS-Image", "string", "Operating system image the node reports.", wide),
  column("Kernel-Version", "string", "Kernel version the node reports.", wide),
  column("Container-Runtime", "string", "Container runtime and version the node reports.", wide),
];

function statusCell(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  const parts = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable) parts.push("SchedulingDisabled");
  return parts.join(",");
}

function rolesCell(node: Node): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith(ROLE_LABEL_PREFIX)) {
      const role = key.slice(ROLE_LABEL_PREFIX.length);
      if (role) roles.add(role);
    } else if (key === LEGACY_ROLE_LABEL && value) {
      roles.add(value);
    }
  }
  return roles.size === 0 ? "<none>" : [...roles].sort().join(",");
}

const address = (node: Node, type: string) =>
  node.status?.addresses?.find((a) => a.type === type)?.address ?? "<none>";

export const nodePrinter = definePrinter<Node>(columns, (node, now) => {
  const info = node.status?.nodeInfo;
  return [
    node.metadata?.name ?? "",
    statusCell(node),
    rolesCell(node),
    since(node.metadata?.creationTimestamp, now),
    info?.kubeletVersion ?? "",
    address(node, "InternalIP"),
    address(node, "ExternalIP"),
    info?.osImage || "<unknown>",
    info?.kernelVersion || "<unknown>",
    info?.containerRuntimeVersion || "<unknown>",
  ];
});
