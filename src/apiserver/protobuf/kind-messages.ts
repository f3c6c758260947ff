// Which message carries each top-level kind. The apiVersion of a protobuf
// body comes from the envelope, never from the message itself.
import type { MessageName } from "./message-schema.ts";

interface GroupVersionKinds {
  readonly apiVersion: string;
  readonly messagePackage: string;
  readonly kinds: readonly string[];
}

const groupVersions: readonly GroupVersionKinds[] = [
  {
    apiVersion: "v1",
    messagePackage: "core.v1",
    kinds: [
      "Binding",
      "ConfigMap",
      "ConfigMapList",
      "Endpoints",
      "EndpointsList",
      "Event",
      "EventList",
      "LimitRange",
      "LimitRangeList",
      "Namespace",
      "NamespaceList",
      "Node",
      "NodeList",
      "PersistentVolume",
      "PersistentVolumeClaim",
      "PersistentVolumeClaimList",
      "PersistentVolumeList",
      "Pod",
      "PodList",
      "PodTemplate",
      "PodTemplateList",
      "ReplicationController",
      "ReplicationControllerList",
      "ResourceQuota",
      "ResourceQuotaList",
      "Secret",
      "SecretList",
      "Service",
      "ServiceAccount",
      "ServiceAccountList",
      "ServiceList",
    ],
  },
  {
    apiVersion: "apps/v1",
    messagePackage: "apps.v1",
    kinds: [
      "ControllerRevision",
      "ControllerRevisionList",
      "DaemonSet",
      "DaemonSetList",
      "Deployment",
      "DeploymentList",
      "ReplicaSet",
      "ReplicaSetList",
      "StatefulSet",
      "StatefulSetList",
    ],
  },
  { apiVersion: "batch/v1", messagePackage: "batch.v1", kinds: ["CronJob", "CronJobList", "Job", "JobList"] },
  { apiVersion: "autoscaling/v1", messagePackage: "autoscaling.v1", kinds: ["Scale"] },
  {
    apiVersion: "policy/v1",
    messagePackage: "policy.v1",
    kinds: ["Eviction", "PodDisruptionBudget", "PodDisruptionBudgetList"],
  },
  {
    apiVersion: "networking.k8s.io/v1",
    messagePackage: "networking.v1",
    kinds: ["Ingress", "IngressClass", "IngressClassList", "IngressList", "NetworkPolicy", "NetworkPolicyList"],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    messagePackage: "rbac.v1",
    kinds: [
      "ClusterRole",
      "ClusterRoleBinding",
      "ClusterRoleBindingList",
      "ClusterRoleList",
      "Role",
      "RoleBinding",
      "RoleBindingList",
      "RoleList",
    ],
  },
  { apiVersion: "scheduling.k8s.io/v1", messagePackage: "scheduling.v1", kinds: ["PriorityClass", "PriorityClassList"] },
  { apiVersion: "coordination.k8s.io/v1", messagePackage: "coordination.v1", kinds: ["Lease", "LeaseList"] },
  { apiVersion: "discovery.k8s.io/v1", messagePackage: "discovery.v1", kinds: ["EndpointSlice", "EndpointSliceList"] },
  { apiVersion: "storage.k8s.io/v1", messagePackage: "storage.v1", kinds: ["StorageClass", "StorageClassList"] },
  { apiVersion: "events.k8s.io/v1", messagePackage: "events.v1", kinds: ["Event", "EventList"] },
  {
    apiVersion: "authentication.k8s.io/v1",
    messagePackage: "authentication.v1",
    kinds: ["SelfSubjectReview", "TokenRequest", "TokenReview"],
  },
  {
    apiVersion: "authorization.k8s.io/v1",
    messagePackage: "authorization.v1",
    kinds: ["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"],
  },
];

/** Kinds every group version serves (upstream registers them into each one). */
const metaKinds: readonly string[] = ["DeleteOptions", "Status"];

const messageNames: ReadonlyMap<string, MessageName> = new Map(
  groupVersions.flatMap(({ apiVersion, messagePackage, kinds }) =>
    kinds.map((kind) => [`${apiVersion}/${kind}`, `${messagePackage}.${kind}` as const] as const),
  ),
);

/** Every apiVersion and kind with a protobuf schema, besides the meta kinds every group version serves. */
export const protobufKinds: readonly { readonly apiVersion: string; readonly kind: string }[] = groupVersions.flatMap(
  ({ apiVersion, kinds }) => kinds.map((kind) => ({ apiVersion, kind })),
);

/** The message of a kind in an API version, or undefined when Skiff has no protobuf schema for it. */
export function messageNameForKind(apiVersion: string, kind: string): MessageName | undefined {
  return messageNames.get(`${apiVersion}/${kind}`) ?? (metaKinds.includes(kind) ? `meta.v1.${kind}` : undefined);
}
