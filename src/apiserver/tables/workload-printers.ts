// `kubectl get` for the replicated workloads: desired, current, ready and
// available counts, plus their templates' containers when wide. Absent
// replica counts read as upstream's default of 1.
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { PodTemplate, ReplicationController } from "kubernetes-types/core/v1";
import { containerCells } from "./container-cells.ts";
import { formatLabels, formatLabelSelector, selectorText } from "./label-text.ts";
import {
  ageColumn,
  column,
  containersColumn,
  definePrinter,
  imagesColumn,
  nameColumn,
  selectorColumn,
} from "./printer.ts";
import { since } from "./timestamps.ts";

const DEFAULT_REPLICAS = 1;

const desiredColumn = column("Desired", "integer", "Number of replicas asked for.");
const currentColumn = column("Current", "integer", "Number of replicas that exist.");
const readyCountColumn = column("Ready", "integer", "Number of replicas that are ready.");
const readyRatioColumn = column("Ready", "string", "Ready replicas out of desired replicas.");

export const deploymentPrinter = definePrinter<Deployment>(
  [
    nameColumn,
    readyRatioColumn,
    column("Up-to-date", "string", "Replicas running the latest pod template."),
    column("Available", "string", "Replicas available for at least minReadySeconds."),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  (deployment, now) => {
    const status = deployment.status;
    return [
      deployment.metadata?.name ?? "",
      `${status?.readyReplicas ?? 0}/${deployment.spec?.replicas ?? DEFAULT_REPLICAS}`,
      status?.updatedReplicas ?? 0,
      status?.availableReplicas ?? 0,
      since(deployment.metadata?.creationTimestamp, now),
      ...containerCells(deployment.spec?.template),
      selectorText(deployment.spec?.selector) ?? "<invalid>",
    ];
  },
);

export const replicaSetPrinter = definePrinter<ReplicaSet>(
  [nameColumn, desiredColumn, currentColumn, readyCountColumn, ageColumn, containersColumn, imagesColumn, selectorColumn],
  (replicaSet, now) => [
    replicaSet.metadata?.name ?? "",
    replicaSet.spec?.replicas ?? DEFAULT_REPLICAS,
    replicaSet.status?.replicas ?? 0,
    replicaSet.status?.readyReplicas ?? 0,
    since(replicaSet.metadata?.creationTimestamp, now),
    ...containerCells(replicaSet.spec?.template),
    formatLabelSelector(replicaSet.spec?.selector),
  ],
);

export const replicationControllerPrinter = definePrinter<ReplicationController>(
  [nameColumn, desiredColumn, currentColumn, readyCountColumn, ageColumn, containersColumn, imagesColumn, selectorColumn],
  (controller, now) => [
    controller.metadata?.name ?? "",
    controller.spec?.replicas ?? DEFAULT_REPLICAS,
    controller.status?.replicas ?? 0,
    controller.status?.readyReplicas ?? 0,
    since(controller.metadata?.creationTimestamp, now),
    ...containerCells(controller.spec?.template),
    formatLabels(controller.spec?.selector),
  ],
);

export const statefulSetPrinter = definePrinter<StatefulSet>(
  [nameColumn, readyRatioColumn, ageColumn, containersColumn, imagesColumn],
  (statefulSet, now) => [
    statefulSet.metadata?.name ?? "",
    `${statefulSet.status?.readyReplicas ?? 0}/${statefulSet.spec?.replicas ?? DEFAULT_REPLICAS}`,
    since(statefulSet.metadata?.creationTimestamp, now),
    ...containerCells(statefulSet.spec?.template),
  ],
);

export const daemonSetPrinter = definePrinter<DaemonSet>(
  [
    nameColumn,
    column("Desired", "integer", "Number of nodes that should run the daemon pod."),
    column("Current", "integer", "Number of nodes running at least one daemon pod."),
    column("Ready", "integer", "Number of nodes whose daemon pod is ready."),
    column("Up-to-date", "integer", "Number of nodes running the latest daemon pod."),
    column("Available", "integer", "Number of nodes whose daemon pod is available."),
    column("Node Selector", "string", "Node labels the daemon pods are restricted to."),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  (daemonSet, now) => {
    const status = daemonSet.status;
    return [
      daemonSet.metadata?.name ?? "",
      status?.desiredNumberScheduled ?? 0,
      status?.currentNumberScheduled ?? 0,
      status?.numberReady ?? 0,
      status?.updatedNumberScheduled ?? 0,
      status?.numberAvailable ?? 0,
      formatLabels(daemonSet.spec?.template.spec?.nodeSelector),
      since(daemonSet.metadata?.creationTimestamp, now),
      ...containerCells(daemonSet.spec?.template),
      formatLabelSelector(daemonSet.spec?.selector),
    ];
  },
);

/** "kind.group/name" in lower case, as upstream names a controller. */
function controllerCell(revision: ControllerRevision): string {
  const owner = revision.metadata?.ownerReferences?.find((ref) => ref.controller === true);
  if (!owner) return "<none>";
  const slash = owner.apiVersion.indexOf("/");
  const group = slash >= 0 ? owner.apiVersion.slice(0, slash) : "";
  const kind = group ? `${owner.kind}.${group}` : owner.kind;
  return kind ? `${kind.toLowerCase()}/${owner.name}` : owner.name;
}

export const controllerRevisionPrinter = definePrinter<ControllerRevision>(
  [
    nameColumn,
    column("Controller", "string", "The workload that owns this revision."),
    column("Revision", "string", "Revision number of the stored state."),
    ageColumn,
  ],
  (revision, now) => [
    revision.metadata?.name ?? "",
    controllerCell(revision),
    revision.revision,
    since(revision.metadata?.creationTimestamp, now),
  ],
);

export const podTemplatePrinter = definePrinter<PodTemplate>(
  [
    nameColumn,
    column("Containers", "string", "Names of the containers in the template."),
    column("Images", "string", "Images of the containers in the template."),
    column("Pod Labels", "string", "Labels of the template's pods."),
  ],
  (podTemplate) => [
    podTemplate.metadata?.name ?? "",
    ...containerCells(podTemplate.template),
    formatLabels(podTemplate.template?.metadata?.labels),
  ],
);
