// Addresses of the built-in resources components use most, for KubeClient calls
// and informers. Add a namespace with inNamespace(resource, ns).
import type { ResourceRef } from "./kube-client.ts";

const core = (plural: string): ResourceRef => ({ group: "", version: "v1", plural });

export const resources = {
  pods: core("pods"),
  nodes: core("nodes"),
  namespaces: core("namespaces"),
  services: core("services"),
  endpoints: core("endpoints"),
  configMaps: core("configmaps"),
  secrets: core("secrets"),
  serviceAccounts: core("serviceaccounts"),
  events: core("events"),
  persistentVolumes: core("persistentvolumes"),
  persistentVolumeClaims: core("persistentvolumeclaims"),
  replicationControllers: core("replicationcontrollers"),
  resourceQuotas: core("resourcequotas"),
  limitRanges: core("limitranges"),
  deployments: { group: "apps", version: "v1", plural: "deployments" },
  replicaSets: { group: "apps", version: "v1", plural: "replicasets" },
  statefulSets: { group: "apps", version: "v1", plural: "statefulsets" },
  daemonSets: { group: "apps", version: "v1", plural: "daemonsets" },
  controllerRevisions: { group: "apps", version: "v1", plural: "controllerrevisions" },
  jobs: { group: "batch", version: "v1", plural: "jobs" },
  cronJobs: { group: "batch", version: "v1", plural: "cronjobs" },
  leases: { group: "coordination.k8s.io", version: "v1", plural: "leases" },
  endpointSlices: { group: "discovery.k8s.io", version: "v1", plural: "endpointslices" },
  priorityClasses: { group: "scheduling.k8s.io", version: "v1", plural: "priorityclasses" },
  storageClasses: { group: "storage.k8s.io", version: "v1", plural: "storageclasses" },
  horizontalPodAutoscalers: { group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers" },
} as const satisfies Record<string, ResourceRef>;

/** The same resource, addressed within one namespace ("" for all namespaces). */
export function inNamespace(resource: ResourceRef, namespace: string): ResourceRef {
  const { group, version, plural } = resource;
  return namespace === "" ? { group, version, plural } : { group, version, plural, namespace };
}
