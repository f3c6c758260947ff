// The object types the rest of Skiff names most often, re-exported from
// kubernetes-types so callers import them from one place, plus the few
// identity types Kubernetes itself has but kubernetes-types does not.
export type {
  ConfigMap,
  Container,
  EndpointPort as CoreEndpointPort,
  Endpoints,
  EphemeralContainer,
  Event as CoreEvent,
  LimitRange,
  Namespace,
  Node,
  ObjectReference,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodSpec,
  PodTemplate,
  PodTemplateSpec,
  Probe,
  ReplicationController,
  Secret,
  Service,
  ServiceAccount,
  Volume,
} from "kubernetes-types/core/v1.js";
export type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1.js";
export type { CronJob, Job } from "kubernetes-types/batch/v1.js";
export type { Lease } from "kubernetes-types/coordination/v1.js";
export type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
export type { Ingress, IngressClass, NetworkPolicy } from "kubernetes-types/networking/v1.js";
export type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "kubernetes-types/rbac/v1.js";
export type { PriorityClass } from "kubernetes-types/scheduling/v1.js";
export type { StorageClass } from "kubernetes-types/storage/v1.js";
export type { CustomResourceDefinition } from "kubernetes-types/apiextensions/v1.js";
export type { LabelSelector, ListMeta, ObjectMeta, OwnerReference, Status } from "kubernetes-types/meta/v1.js";

/** A kind within one version of one API group; group "" is the core group. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** A resource (lower-case plural) within one version of one API group. */
export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** A JSON object as it arrives from a client, before validation narrows it. */
export type JsonObject = Record<string, unknown>;
