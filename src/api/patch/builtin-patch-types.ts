// Patch metadata of the built-in kinds, from the `patchStrategy` and
// `patchMergeKey` struct tags of k8s.io/api and k8s.io/apimachinery (as of
// Kubernetes 1.32). Lists absent here are atomic upstream too (tolerations,
// node taints, envFrom, containerStatuses, Endpoints subsets, RBAC rules...).

import type { PatchFieldSpec, PatchTypeTable } from "./patch-meta.ts";

const objectMeta = "meta/v1.ObjectMeta";
const withMeta = { metadata: { type: objectMeta } } as const;

const byName = (type?: string): PatchFieldSpec => ({ strategy: "merge", mergeKey: "name", ...(type === undefined ? {} : { type }) });
const conditionsByType: PatchFieldSpec = { strategy: "merge", mergeKey: "type" };
const podTemplate: PatchFieldSpec = { type: "core/v1.PodTemplateSpec" };

const containerFields: Record<string, PatchFieldSpec> = {
  ports: { strategy: "merge", mergeKey: "containerPort" },
  env: byName(),
  volumeMounts: { strategy: "merge", mergeKey: "mountPath" },
  volumeDevices: { strategy: "merge", mergeKey: "devicePath" },
};

type Kind = readonly [group: string, version: string, kind: string];

const typeNameOf = ([group, version, kind]: Kind) => `${group === "" ? "core" : group}/${version}.${kind}`;

/** Kinds whose only field of note is metadata. */
const metadataOnlyKinds: Kind[] = [
  ["", "v1", "Endpoints"],
  ["", "v1", "ConfigMap"],
  ["", "v1", "Secret"],
  ["", "v1", "PersistentVolume"],
  ["", "v1", "Event"],
  ["", "v1", "LimitRange"],
  ["", "v1", "ResourceQuota"],
  ["networking.k8s.io", "v1", "Ingress"],
  ["networking.k8s.io", "v1", "IngressClass"],
  ["networking.k8s.io", "v1", "NetworkPolicy"],
  ["autoscaling", "v1", "HorizontalPodAutoscaler"],
  ["autoscaling", "v1", "Scale"],
  ["rbac.authorization.k8s.io", "v1", "Role"],
  ["rbac.authorization.k8s.io", "v1", "ClusterRole"],
  ["rbac.authorization.k8s.io", "v1", "RoleBinding"],
  ["rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"],
  ["discovery.k8s.io", "v1", "EndpointSlice"],
  ["coordination.k8s.io", "v1", "Lease"],
  ["events.k8s.io", "v1", "Event"],
  ["storage.k8s.io", "v1", "StorageClass"],
  ["scheduling.k8s.io", "v1", "PriorityClass"],
];

/** Kinds with fields of note below metadata; their types are in the table. */
const describedKinds: Kind[] = [
  ["", "v1", "Pod"],
  ["", "v1", "PodTemplate"],
  ["", "v1", "ReplicationController"],
  ["", "v1", "Service"],
  ["", "v1", "Node"],
  ["", "v1", "Namespace"],
  ["", "v1", "ServiceAccount"],
  ["", "v1", "PersistentVolumeClaim"],
  ["apps", "v1", "Deployment"],
  ["apps", "v1", "ReplicaSet"],
  ["apps", "v1", "StatefulSet"],
  ["apps", "v1", "DaemonSet"],
  ["batch", "v1", "Job"],
  ["batch", "v1", "CronJob"],
  ["policy", "v1", "PodDisruptionBudget"],
  ["autoscaling", "v2", "HorizontalPodAutoscaler"],
];

export const builtinPatchTypes: PatchTypeTable = {
  [objectMeta]: {
    ownerReferences: { strategy: "merge", mergeKey: "uid" },
    finalizers: { strategy: "merge" },
  },

  "core/v1.Pod": { ...withMeta, spec: { type: "core/v1.PodSpec" }, status: { type: "core/v1.PodStatus" } },
  "core/v1.PodTemplate": { ...withMeta, template: podTemplate },
  "core/v1.PodTemplateSpec": { ...withMeta, spec: { type: "core/v1.PodSpec" } },
  "core/v1.PodSpec": {
    volumes: { strategy: "merge", mergeKey: "name", retainKeys: true },
    initContainers: byName("core/v1.Container"),
    containers: byName("core/v1.Container"),
    ephemeralContainers: byName("core/v1.EphemeralContainer"),
    imagePullSecrets: byName(),
    hostAliases: { strategy: "merge", mergeKey: "ip" },
    topologySpreadConstraints: { strategy: "merge", mergeKey: "topologyKey" },
    schedulingGates: byName(),
    resourceClaims: { strategy: "merge", mergeKey: "name", retainKeys: true },
  },
  "core/v1.Container": containerFields,
  "core/v1.EphemeralContainer": containerFields,
  "core/v1.PodStatus": {
    conditions: conditionsByType,
    hostIPs: { strategy: "merge", mergeKey: "ip" },
    podIPs: { strategy: "merge", mergeKey: "ip" },
    resourceClaimStatuses: { strategy: "merge", mergeKey: "name", retainKeys: true },
  },

  "core/v1.ReplicationController": {
    ...withMeta,
    spec: { type: "core/v1.ReplicationControllerSpec" },
    status: { type: "core/v1.ReplicationControllerStatus" },
  },
  "core/v1.ReplicationControllerSpec": { template: podTemplate },
  "core/v1.ReplicationControllerStatus": { conditions: conditionsByType },

  "core/v1.Service": { ...withMeta, spec: { type: "core/v1.ServiceSpec" }, status: { type: "core/v1.ServiceStatus" } },
  "core/v1.ServiceSpec": { ports: { strategy: "merge", mergeKey: "port" } },
  "core/v1.ServiceStatus": { conditions: conditionsByType },

  "core/v1.Node": { ...withMeta, spec: { type: "core/v1.NodeSpec" }, status: { type: "core/v1.NodeStatus" } },
  "core/v1.NodeSpec": { podCIDRs: { strategy: "merge" } },
  "core/v1.NodeStatus": { conditions: conditionsByType, addresses: { strategy: "merge", mergeKey: "type" } },

  "core/v1.Namespace": { ...withMeta, status: { type: "core/v1.NamespaceStatus" } },
  "core/v1.NamespaceStatus": { conditions: conditionsByType },

  "core/v1.ServiceAccount": { ...withMeta, secrets: byName() },

  "core/v1.PersistentVolumeClaim": { ...withMeta, status: { type: "core/v1.PersistentVolumeClaimStatus" } },
  "core/v1.PersistentVolumeClaimStatus": { conditions: conditionsByType },

  "apps/v1.Deployment": { ...withMeta, spec: { type: "apps/v1.DeploymentSpec" }, status: { type: "apps/v1.DeploymentStatus" } },
  "apps/v1.DeploymentSpec": { template: podTemplate, strategy: { retainKeys: true } },
  "apps/v1.DeploymentStatus": { conditions: conditionsByType },
  "apps/v1.ReplicaSet": { ...withMeta, spec: { type: "apps/v1.ReplicaSetSpec" }, status: { type: "apps/v1.ReplicaSetStatus" } },
  "apps/v1.ReplicaSetSpec": { template: podTemplate },
  "apps/v1.ReplicaSetStatus": { conditions: conditionsByType },
  "apps/v1.StatefulSet": { ...withMeta, spec: { type: "apps/v1.StatefulSetSpec" }, status: { type: "apps/v1.StatefulSetStatus" } },
  "apps/v1.StatefulSetSpec": { template: podTemplate },
  "apps/v1.StatefulSetStatus": { conditions: conditionsByType },
  "apps/v1.DaemonSet": { ...withMeta, spec: { type: "apps/v1.DaemonSetSpec" }, status: { type: "apps/v1.DaemonSetStatus" } },
  "apps/v1.DaemonSetSpec": { template: podTemplate },
  "apps/v1.DaemonSetStatus": { conditions: conditionsByType },

  "batch/v1.Job": { ...withMeta, spec: { type: "batch/v1.JobSpec" }, status: { type: "batch/v1.JobStatus" } },
  "batch/v1.JobSpec": { template: podTemplate },
  "batch/v1.JobStatus": { conditions: conditionsByType },
  "batch/v1.CronJob": { ...withMeta, spec: { type: "batch/v1.CronJobSpec" } },
  "batch/v1.CronJobSpec": { jobTemplate: { type: "batch/v1.JobTemplateSpec" } },
  "batch/v1.JobTemplateSpec": { ...withMeta, spec: { type: "batch/v1.JobSpec" } },

  "policy/v1.PodDisruptionBudget": {
    ...withMeta,
    spec: { type: "policy/v1.PodDisruptionBudgetSpec" },
    status: { type: "policy/v1.PodDisruptionBudgetStatus" },
  },
  "policy/v1.PodDisruptionBudgetSpec": { selector: { strategy: "replace" } },
  "policy/v1.PodDisruptionBudgetStatus": { conditions: conditionsByType },

  "autoscaling/v2.HorizontalPodAutoscaler": { ...withMeta, status: { type: "autoscaling/v2.HorizontalPodAutoscalerStatus" } },
  "autoscaling/v2.HorizontalPodAutoscalerStatus": { conditions: conditionsByType },

  ...Object.fromEntries(metadataOnlyKinds.map((kind) => [typeNameOf(kind), withMeta])),
};

/** "group/version/kind" (group "" for core) to the type name of the kind in the table. */
export const builtinPatchKinds: Readonly<Record<string, string>> = Object.fromEntries(
  [...describedKinds, ...metadataOnlyKinds].map((kind) => [kind.join("/"), typeNameOf(kind)]),
);
