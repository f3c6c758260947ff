// The entry point: validation of a whole object on create and on update,
// chosen by group and kind. Kinds without rules of their own (custom
// resources among them) get the metadata rules only.
import type { FieldError } from "./field-error.ts";
import { obj, type JsonObject } from "./json.ts";
import { nameIsDNSSubdomain } from "./names.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from "./batch.ts";
import { validateNamespace, validateNamespaceUpdate, validateNode, validateNodeUpdate } from "./cluster-objects.ts";
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from "./config.ts";
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from "./custom-resource-definition.ts";
import { validateEndpointSlice, validateEndpointSliceUpdate, validateEndpoints, validateEndpointsUpdate } from "./endpoints.ts";
import { validateCoreEvent, validateCoreEventUpdate, validateEventsV1Event, validateEventsV1EventUpdate } from "./event.ts";
import { validateIngress, validateIngressUpdate } from "./ingress.ts";
import { validateLease, validateLeaseUpdate } from "./lease.ts";
import { validatePersistentVolume, validatePersistentVolumeUpdate } from "./persistent-volume.ts";
import { validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate } from "./persistent-volume-claim.ts";
import { validatePodCreate, validatePodTemplate, validatePodTemplateUpdate, validatePodUpdate } from "./pod.ts";
import { validatePriorityClass, validatePriorityClassUpdate } from "./priority-class.ts";
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateClusterRoleUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
  validateRoleUpdate,
} from "./rbac.ts";
import { validateService, validateServiceUpdate } from "./service.ts";
import { validateServiceAccount, validateServiceAccountUpdate } from "./service-account.ts";
import { validateStorageClass, validateStorageClassUpdate } from "./storage-class.ts";
import {
  validateDaemonSet,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetUpdate,
  validateReplicationController,
  validateReplicationControllerUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from "./workloads.ts";

/** What validation needs to know about the object's resource (a ResourceInfo fits). */
export interface ValidationTarget {
  group: string;
  kind: string;
  /** Whether the resource is namespaced; when absent, known kinds use their own scope and others are not checked. */
  namespaced?: boolean;
}

interface KindRules {
  create: (obj: JsonObject) => FieldError[];
  update: (obj: JsonObject, old: JsonObject) => FieldError[];
}

const rules: ReadonlyMap<string, KindRules> = new Map([
  ["/Pod", { create: validatePodCreate, update: validatePodUpdate }],
  ["/PodTemplate", { create: validatePodTemplate, update: validatePodTemplateUpdate }],
  ["/ReplicationController", { create: validateReplicationController, update: validateReplicationControllerUpdate }],
  ["/Service", { create: validateService, update: validateServiceUpdate }],
  ["/ConfigMap", { create: validateConfigMap, update: validateConfigMapUpdate }],
  ["/Secret", { create: validateSecret, update: validateSecretUpdate }],
  ["/Namespace", { create: validateNamespace, update: validateNamespaceUpdate }],
  ["/Node", { create: validateNode, update: validateNodeUpdate }],
  ["/ServiceAccount", { create: validateServiceAccount, update: validateServiceAccountUpdate }],
  ["/Endpoints", { create: validateEndpoints, update: validateEndpointsUpdate }],
  ["/PersistentVolumeClaim", { create: validatePersistentVolumeClaim, update: validatePersistentVolumeClaimUpdate }],
  ["/PersistentVolume", { create: validatePersistentVolume, update: validatePersistentVolumeUpdate }],
  ["/Event", { create: validateCoreEvent, update: validateCoreEventUpdate }],
  ["apps/Deployment", { create: validateDeployment, update: validateDeploymentUpdate }],
  ["apps/ReplicaSet", { create: validateReplicaSet, update: validateReplicaSetUpdate }],
  ["apps/StatefulSet", { create: validateStatefulSet, update: validateStatefulSetUpdate }],
  ["apps/DaemonSet", { create: validateDaemonSet, update: validateDaemonSetUpdate }],
  ["batch/Job", { create: validateJob, update: validateJobUpdate }],
  ["batch/CronJob", { create: validateCronJob, update: validateCronJobUpdate }],
  ["networking.k8s.io/Ingress", { create: validateIngress, update: validateIngressUpdate }],
  ["discovery.k8s.io/EndpointSlice", { create: validateEndpointSlice, update: validateEndpointSliceUpdate }],
  ["coordination.k8s.io/Lease", { create: validateLease, update: validateLeaseUpdate }],
  ["events.k8s.io/Event", { create: validateEventsV1Event, update: validateEventsV1EventUpdate }],
  ["storage.k8s.io/StorageClass", { create: validateStorageClass, update: validateStorageClassUpdate }],
  ["scheduling.k8s.io/PriorityClass", { create: validatePriorityClass, update: validatePriorityClassUpdate }],
  ["rbac.authorization.k8s.io/Role", { create: validateRole, update: validateRoleUpdate }],
  ["rbac.authorization.k8s.io/ClusterRole", { create: validateClusterRole, update: validateClusterRoleUpdate }],
  ["rbac.authorization.k8s.io/RoleBinding", { create: validateRoleBinding, update: validateRoleBindingUpdate }],
  ["rbac.authorization.k8s.io/ClusterRoleBinding", { create: validateClusterRoleBinding, update: validateClusterRoleBindingUpdate }],
  ["apiextensions.k8s.io/CustomResourceDefinition", { create: validateCustomResourceDefinition, update: validateCustomResourceDefinitionUpdate }],
]);

// Groups served by Kubernetes itself: their objects follow the core finalizer rule.
const builtinGroups = new Set([
  "",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "networking.k8s.io",
  "discovery.k8s.io",
  "coordination.k8s.io",
  "events.k8s.io",
  "storage.k8s.io",
  "scheduling.k8s.io",
  "rbac.authorization.k8s.io",
  "node.k8s.io",
  "certificates.k8s.io",
  "admissionregistration.k8s.io",
  "flowcontrol.apiserver.k8s.io",
]);

const rulesFor = (target: ValidationTarget): KindRules | undefined => rules.get(`${target.group}/${target.kind}`);

export function validateCreate(target: ValidationTarget, object: unknown): FieldError[] {
  const o = obj(object);
  const kind = rulesFor(target);
  if (kind !== undefined) return kind.create(o);
  return validateObjectMeta(o.metadata, {
    namespaced: target.namespaced,
    nameValidator: nameIsDNSSubdomain,
    standardFinalizerNames: builtinGroups.has(target.group),
  });
}

export function validateUpdate(target: ValidationTarget, object: unknown, old: unknown): FieldError[] {
  const o = obj(object);
  const before = obj(old);
  const kind = rulesFor(target);
  if (kind !== undefined) return kind.update(o, before);
  return validateObjectMetaUpdate(o.metadata, before.metadata, undefined, builtinGroups.has(target.group));
}
