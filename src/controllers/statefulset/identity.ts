// The stable identity of a StatefulSet's members: pod <set>-<ordinal> with
// hostname and subdomain, identity labels, and one claim per volume claim
// template named <template>-<set>-<ordinal> mounted in place of any pod volume
// of that name.
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { PersistentVolumeClaim, Pod, PodTemplateSpec, Volume } from "kubernetes-types/core/v1";
import { controllerRefFor, type Owner } from "../controller-ref.ts";
import { revisionHashLabel } from "./controller-history.ts";

export const podNameLabel = "statefulset.kubernetes.io/pod-name";
export const podIndexLabel = "apps.kubernetes.io/pod-index";

export function podNameFor(set: StatefulSet, ordinal: number): string {
  return `${set.metadata?.name ?? ""}-${ordinal}`;
}

/** The ordinal in a member's name, or undefined when the pod is not named <set>-<n>. */
export function ordinalOf(set: StatefulSet, pod: Pod): number | undefined {
  const name = pod.metadata?.name ?? "";
  const prefix = `${set.metadata?.name ?? ""}-`;
  if (!name.startsWith(prefix)) return undefined;
  const digits = name.slice(prefix.length);
  return /^[0-9]+$/.test(digits) ? Number(digits) : undefined;
}

export function claimNameFor(templateName: string, set: StatefulSet, ordinal: number): string {
  return `${templateName}-${podNameFor(set, ordinal)}`;
}

/** The claims a member needs, labelled with the set's selector labels. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((template) => {
    const claim = structuredClone(template);
    return {
      ...claim,
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        ...(claim.metadata?.annotations === undefined ? {} : { annotations: claim.metadata.annotations }),
        name: claimNameFor(template.metadata?.name ?? "", set, ordinal),
        namespace: set.metadata?.namespace ?? "default",
        labels: { ...claim.metadata?.labels, ...set.spec?.selector.matchLabels },
      },
    };
  });
}

/** The member at ordinal, built from template (the current or the update revision's) and labelled with that revision. */
export function memberPod(set: StatefulSet, template: PodTemplateSpec, revisionName: string, ordinal: number, owner: Owner): Pod {
  const copy = structuredClone(template);
  const name = podNameFor(set, ordinal);
  const spec = copy.spec ?? { containers: [] };
  const claimVolumes: Volume[] = (set.spec?.volumeClaimTemplates ?? []).map((claim) => ({
    name: claim.metadata?.name ?? "",
    persistentVolumeClaim: { claimName: claimNameFor(claim.metadata?.name ?? "", set, ordinal) },
  }));
  const claimed = new Set(claimVolumes.map((volume) => volume.name));
  const volumes = [...(spec.volumes ?? []).filter((volume) => !claimed.has(volume.name)), ...claimVolumes];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      generateName: `${set.metadata?.name ?? ""}-`,
      namespace: set.metadata?.namespace ?? "default",
      labels: { ...copy.metadata?.labels, [podNameLabel]: name, [podIndexLabel]: String(ordinal), [revisionHashLabel]: revisionName },
      ...(copy.metadata?.annotations === undefined ? {} : { annotations: copy.metadata.annotations }),
      ...(copy.metadata?.finalizers === undefined ? {} : { finalizers: copy.metadata.finalizers }),
      ownerReferences: [controllerRefFor(owner)],
    },
    spec: {
      ...spec,
      ...(volumes.length === 0 ? {} : { volumes }),
      hostname: name,
      ...(set.spec?.serviceName ? { subdomain: set.spec.serviceName } : {}),
    },
  };
}

/** The revision a member was made from (its controller-revision-hash label holds the revision's name). */
export function revisionOfPod(pod: Pod): string | undefined {
  return pod.metadata?.labels?.[revisionHashLabel];
}
