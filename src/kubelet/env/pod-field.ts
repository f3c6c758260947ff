// The downward API's fieldRef: the text a fieldPath of a pod stands for, as
// env values and downwardAPI volume files show it.
import type { Pod } from "kubernetes-types/core/v1";
import { DownwardApiError } from "./env-errors.ts";

/** What the kubelet knows about where the pod runs, beyond the pod object. */
export interface PodPlacement {
  nodeName: string;
  hostIP: string;
  hostIPs?: string[];
  podIPs: string[];
}

const SUBSCRIPTED = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/;

/** The metadata fields both env and volumes offer (name, namespace, uid, labels, annotations). */
export function metadataFieldValue(pod: Pod, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const subscripted = SUBSCRIPTED.exec(fieldPath);
  if (subscripted) {
    const map = subscripted[1] === "metadata.labels" ? meta.labels : meta.annotations;
    return map?.[subscripted[2] ?? ""] ?? "";
  }
  switch (fieldPath) {
    case "metadata.name":
      return meta.name ?? "";
    case "metadata.namespace":
      return meta.namespace ?? "";
    case "metadata.uid":
      return meta.uid ?? "";
    case "metadata.labels":
      return formatMap(meta.labels ?? {});
    case "metadata.annotations":
      return formatMap(meta.annotations ?? {});
    default:
      throw new DownwardApiError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** Every fieldPath env vars may use: metadata plus spec and status fields the kubelet fills in. */
export function podFieldValue(pod: Pod, fieldPath: string, placement: PodPlacement): string {
  switch (fieldPath) {
    case "spec.nodeName":
      return pod.spec?.nodeName || placement.nodeName;
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "";
    case "status.hostIP":
      return placement.hostIP;
    case "status.hostIPs":
      return (placement.hostIPs ?? [placement.hostIP]).join(",");
    case "status.podIP":
      return placement.podIPs[0] ?? "";
    case "status.podIPs":
      return placement.podIPs.join(",");
    default:
      return metadataFieldValue(pod, fieldPath);
  }
}

/** `key="value"` lines in key order, quoted like Go's %q, as upstream prints labels and annotations. */
export function formatMap(map: Record<string, string>): string {
  return Object.keys(map)
    .sort()
    .map((key) => `${key}=${goQuote(map[key] ?? "")}`)
    .join("\n");
}

// Go's %q escapes control characters as \x.. where JSON uses \u00..; the rest agrees for printable text.
function goQuote(value: string): string {
  return JSON.stringify(value).replace(/\\u00([0-9a-f]{2})/g, (_all, hex: string) => {
    switch (hex) {
      case "07":
        return "\\a";
      case "0b":
        return "\\v";
      default:
        return `\\x${hex}`;
    }
  });
}
