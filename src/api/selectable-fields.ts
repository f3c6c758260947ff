// Which fields each built-in resource lets clients select on, and how those
// fields read from an object. Mirrors upstream Kubernetes 1.32: the field
// label conversions registered per kind decide what a request may name (and
// the 400 text when it names something else); the registries' GetAttrs decide
// the values matched against.
import type { Event, Namespace, Node, Pod, ReplicationController, Secret, Service } from "kubernetes-types/core/v1.js";
import type { ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { FieldSelector, FieldSelectorError } from "./field-selector.ts";

type FieldReader = (obj: object) => Record<string, string>;

interface ResourceFields {
  // Labels a request may use; an alias maps to the field it stands for.
  readonly accepted: ReadonlyMap<string, string>;
  readonly unsupportedMessage: (label: string) => string;
  readonly read: FieldReader;
}

const NAME = "metadata.name";
const NAMESPACE = "metadata.namespace";

function accepting(labels: readonly string[], aliases: Readonly<Record<string, string>> = {}): ReadonlyMap<string, string> {
  return new Map([...labels.map((label): [string, string] => [label, label]), ...Object.entries(aliases)]);
}

// Kinds with their own conversion function reject other labels with this text.
function notSupported(label: string): string {
  return `field label not supported: ${label}`;
}

// Kinds without a conversion function fall back to this check and text.
function notKnown(label: string): string {
  return `"${label}" is not a known field selector: only "${NAME}", "${NAMESPACE}"`;
}

function metadataOf(obj: object): ObjectMeta {
  return (obj as { metadata?: ObjectMeta }).metadata ?? {};
}

function namespacedMeta(obj: object): Record<string, string> {
  const metadata = metadataOf(obj);
  return { [NAME]: metadata.name ?? "", [NAMESPACE]: metadata.namespace ?? "" };
}

function clusterMeta(obj: object): Record<string, string> {
  return { [NAME]: metadataOf(obj).name ?? "" };
}

function podIP(pod: Pod): string {
  return pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? "";
}

const DEFAULT_FIELDS: ResourceFields = {
  accepted: accepting([NAME, NAMESPACE]),
  unsupportedMessage: notKnown,
  read: namespacedMeta,
};

const RESOURCE_FIELDS: ReadonlyMap<string, ResourceFields> = new Map<string, ResourceFields>([
  [
    "/pods",
    {
      accepted: accepting(
        [
          NAME,
          NAMESPACE,
          "spec.nodeName",
          "spec.restartPolicy",
          "spec.schedulerName",
          "spec.serviceAccountName",
          "spec.hostNetwork",
          "status.phase",
          "status.podIP",
          "status.nominatedNodeName",
        ],
        // Old v1 clients still send spec.host.
        { "spec.host": "spec.nodeName" },
      ),
      unsupportedMessage: notSupported,
      read: (obj) => {
        const pod = obj as Pod;
        return {
          ...namespacedMeta(obj),
          "spec.nodeName": pod.spec?.nodeName ?? "",
          "spec.restartPolicy": pod.spec?.restartPolicy ?? "",
          "spec.schedulerName": pod.spec?.schedulerName ?? "",
          "spec.serviceAccountName": pod.spec?.serviceAccountName ?? "",
          "spec.hostNetwork": String(pod.spec?.hostNetwork === true),
          "status.phase": pod.status?.phase ?? "",
          "status.podIP": podIP(pod),
          "status.nominatedNodeName": pod.status?.nominatedNodeName ?? "",
        };
      },
    },
  ],
  [
    "/nodes",
    {
      accepted: accepting([NAME, "spec.unschedulable"]),
      unsupportedMessage: notSupported,
      read: (obj) => ({
        ...clusterMeta(obj),
        "spec.unschedulable": String((obj as Node).spec?.unschedulable === true),
      }),
    },
  ],
  [
    "/replicationcontrollers",
    {
      accepted: accepting([NAME, NAMESPACE, "status.replicas"]),
      unsupportedMessage: notSupported,
      read: (obj) => ({
        ...namespacedMeta(obj),
        "status.replicas": String((obj as ReplicationController).status?.replicas ?? 0),
      }),
    },
  ],
  [
    "/events",
    {
      accepted: accepting([
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
        NAMESPACE,
        NAME,
      ]),
      unsupportedMessage: notSupported,
      read: (obj) => {
        const event = obj as Event;
        const involved = event.involvedObject;
        return {
          ...namespacedMeta(obj),
          "involvedObject.kind": involved?.kind ?? "",
          "involvedObject.namespace": involved?.namespace ?? "",
          "involvedObject.name": involved?.name ?? "",
          "involvedObject.uid": involved?.uid ?? "",
          "involvedObject.apiVersion": involved?.apiVersion ?? "",
          "involvedObject.resourceVersion": involved?.resourceVersion ?? "",
          "involvedObject.fieldPath": involved?.fieldPath ?? "",
          reason: event.reason ?? "",
          reportingComponent: event.reportingComponent ?? "",
          source: event.source?.component ?? "",
          type: event.type ?? "",
        };
      },
    },
  ],
  [
    "/namespaces",
    {
      accepted: accepting(["status.phase", NAME]),
      unsupportedMessage: notSupported,
      read: (obj) => ({ ...clusterMeta(obj), "status.phase": (obj as Namespace).status?.phase ?? "" }),
    },
  ],
  [
    "/secrets",
    {
      accepted: accepting(["type", NAMESPACE, NAME]),
      unsupportedMessage: notSupported,
      read: (obj) => ({ ...namespacedMeta(obj), type: (obj as Secret).type ?? "" }),
    },
  ],
  [
    "/services",
    {
      accepted: accepting([NAMESPACE, NAME, "spec.clusterIP", "spec.type"]),
      unsupportedMessage: notSupported,
      read: (obj) => {
        const service = obj as Service;
        return {
          ...namespacedMeta(obj),
          "spec.clusterIP": service.spec?.clusterIP ?? "",
          "spec.type": service.spec?.type ?? "",
        };
      },
    },
  ],
  [
    // apps/v1 registers no conversion for ReplicaSet, so upstream rejects
    // status.replicas in requests although its registry can match on it
    // (kubernetes/kubernetes#135136).
    "apps/replicasets",
    {
      ...DEFAULT_FIELDS,
      read: (obj) => ({
        ...namespacedMeta(obj),
        "status.replicas": String((obj as ReplicaSet).status?.replicas ?? 0),
      }),
    },
  ],
  [
    "batch/jobs",
    {
      accepted: accepting([NAME, NAMESPACE, "status.successful"]),
      unsupportedMessage: (label) => `field label "${label}" not supported for batchv1.Job`,
      read: (obj) => ({
        ...namespacedMeta(obj),
        "status.successful": String((obj as Job).status?.succeeded ?? 0),
      }),
    },
  ],
  [
    "certificates.k8s.io/certificatesigningrequests",
    {
      accepted: accepting([NAME, "spec.signerName"]),
      unsupportedMessage: notSupported,
      read: (obj) => ({
        ...clusterMeta(obj),
        "spec.signerName": (obj as CertificateSigningRequest).spec?.signerName ?? "",
      }),
    },
  ],
]);

function fieldsOf(group: string, resource: string): ResourceFields {
  return RESOURCE_FIELDS.get(`${group}/${resource}`) ?? DEFAULT_FIELDS;
}

// The field values of `obj` that a field selector is matched against. Any
// resource without its own entry offers metadata.name and metadata.namespace.
export function selectableFields(group: string, resource: string, obj: object): Record<string, string> {
  return fieldsOf(group, resource).read(obj);
}

// Rejects a selector naming a field the resource does not support, with the
// text upstream answers in its 400; returns the selector to match with, its
// legacy aliases replaced by the fields they stand for.
export function checkFieldSelectorSupported(group: string, resource: string, selector: FieldSelector): FieldSelector {
  const fields = fieldsOf(group, resource);
  const converted = selector.requirements.map((requirement) => {
    const field = fields.accepted.get(requirement.field);
    if (field === undefined) throw new FieldSelectorError(fields.unsupportedMessage(requirement.field));
    return { ...requirement, field };
  });
  return FieldSelector.fromRequirements(converted);
}
