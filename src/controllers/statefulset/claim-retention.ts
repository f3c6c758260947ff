// persistentVolumeClaimRetentionPolicy as owner references on a member's
// claims (upstream's updateClaimOwnerRefForSetAndPod): whenDeleted Delete
// makes the set an owner, whenScaled Delete makes a condemned pod its owner,
// so the garbage collector removes the claim with it; Retain removes those
// references again. The references are plain (not controller) ones.
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";

export interface ClaimOwners {
  setUid: string;
  pod: Pod;
  /** The pod's ordinal lies outside [start, start+replicas). */
  condemned: boolean;
}

/** The claim's owner references as the policy wants them, or undefined when they already are. */
export function retentionOwnerRefs(set: StatefulSet, claim: PersistentVolumeClaim, owners: ClaimOwners): OwnerReference[] | undefined {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy;
  const deleteWithSet = policy?.whenDeleted === "Delete";
  const deleteOnScale = policy?.whenScaled === "Delete";
  const podUid = owners.pod.metadata?.uid ?? "";
  const wantSet = deleteWithSet && !(deleteOnScale && owners.condemned);
  const wantPod = deleteOnScale && owners.condemned;
  const existing = claim.metadata?.ownerReferences ?? [];
  const hasSet = existing.some((ref) => ref.uid === owners.setUid);
  const hasPod = existing.some((ref) => ref.uid === podUid);
  if (hasSet === wantSet && hasPod === wantPod) return undefined;
  const kept = existing.filter((ref) => ref.uid !== owners.setUid && ref.uid !== podUid);
  if (wantSet) kept.push({ apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata?.name ?? "", uid: owners.setUid });
  if (wantPod) kept.push({ apiVersion: "v1", kind: "Pod", name: owners.pod.metadata?.name ?? "", uid: podUid });
  return kept;
}
