// Which printer serves which resource, keyed by group and plural as the
// request names them. Anything not listed is a custom resource to upstream.
import { clusterRoleBindingPrinter, roleBindingPrinter } from "./rbac-printers.ts";
import {
  leasePrinter,
  mutatingWebhookPrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  validatingWebhookPrinter,
} from "./cluster-printers.ts";
import {
  configMapPrinter,
  namespacePrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from "./core-object-printers.ts";
import { createdAtPrinter, customResourcePrinter } from "./default-printers.ts";
import { eventPrinter, eventsGroupEventPrinter } from "./event-printer.ts";
import { horizontalPodAutoscalerPrinter } from "./hpa-printer.ts";
import { cronJobPrinter, jobPrinter } from "./job-printers.ts";
import {
  endpointSlicePrinter,
  endpointsPrinter,
  ingressClassPrinter,
  ingressPrinter,
  networkPolicyPrinter,
} from "./networking-printers.ts";
import { nodePrinter } from "./node-printer.ts";
import { podPrinter } from "./pod-printer.ts";
import type { Printer } from "./printer.ts";
import { servicePrinter } from "./service-printer.ts";
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from "./storage-printers.ts";
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  podTemplatePrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from "./workload-printers.ts";

export interface ResourceName {
  /** "" for the core group. */
  group: string;
  plural: string;
}

const printers = new Map<string, Printer>([
  ["/pods", podPrinter],
  ["/podtemplates", podTemplatePrinter],
  ["/nodes", nodePrinter],
  ["/namespaces", namespacePrinter],
  ["/services", servicePrinter],
  ["/endpoints", endpointsPrinter],
  ["/configmaps", configMapPrinter],
  ["/secrets", secretPrinter],
  ["/serviceaccounts", serviceAccountPrinter],
  ["/events", eventPrinter],
  ["/persistentvolumes", persistentVolumePrinter],
  ["/persistentvolumeclaims", persistentVolumeClaimPrinter],
  ["/replicationcontrollers", replicationControllerPrinter],
  ["/resourcequotas", resourceQuotaPrinter],
  ["/limitranges", createdAtPrinter],
  ["events.k8s.io/events", eventsGroupEventPrinter],
  ["discovery.k8s.io/endpointslices", endpointSlicePrinter],
  ["apps/deployments", deploymentPrinter],
  ["apps/replicasets", replicaSetPrinter],
  ["apps/statefulsets", statefulSetPrinter],
  ["apps/daemonsets", daemonSetPrinter],
  ["apps/controllerrevisions", controllerRevisionPrinter],
  ["batch/jobs", jobPrinter],
  ["batch/cronjobs", cronJobPrinter],
  ["networking.k8s.io/ingresses", ingressPrinter],
  ["networking.k8s.io/ingressclasses", ingressClassPrinter],
  ["networking.k8s.io/networkpolicies", networkPolicyPrinter],
  ["storage.k8s.io/storageclasses", storageClassPrinter],
  ["coordination.k8s.io/leases", leasePrinter],
  ["scheduling.k8s.io/priorityclasses", priorityClassPrinter],
  ["autoscaling/horizontalpodautoscalers", horizontalPodAutoscalerPrinter],
  ["policy/poddisruptionbudgets", podDisruptionBudgetPrinter],
  ["rbac.authorization.k8s.io/rolebindings", roleBindingPrinter],
  ["rbac.authorization.k8s.io/clusterrolebindings", clusterRoleBindingPrinter],
  ["rbac.authorization.k8s.io/roles", createdAtPrinter],
  ["rbac.authorization.k8s.io/clusterroles", createdAtPrinter],
  ["apiextensions.k8s.io/customresourcedefinitions", createdAtPrinter],
  ["admissionregistration.k8s.io/mutatingwebhookconfigurations", mutatingWebhookPrinter],
  ["admissionregistration.k8s.io/validatingwebhookconfigurations", validatingWebhookPrinter],
]);

export function printerFor(resource: ResourceName): Printer {
  return printers.get(`${resource.group}/${resource.plural}`) ?? customResourcePrinter;
}
