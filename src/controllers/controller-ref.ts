// Which objects a controller owns (upstream's ControllerRefManager, as pure
// decisions): children whose controller reference names it are its own while
// they match its selector and are released when they stop matching; matching
// orphans are adopted. Objects controlled by someone else are never touched.
import type { OwnerReference } from "kubernetes-types/meta/v1";
import type { LabelSelector } from "../api/label-selector.ts";
import type { KubeObject } from "../client/kube-client.ts";

export interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  /** An owner being deleted adopts nothing and releases nothing. */
  deleting: boolean;
}

export function controllerRefOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

export function controllerRefFor(owner: Owner): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true };
}

export interface Claims<T> {
  /** Owned and matching, including those to adopt: what the controller counts. */
  owned: T[];
  adopt: T[];
  release: T[];
}

export function claim<T extends KubeObject>(owner: Owner, selector: LabelSelector, candidates: readonly T[]): Claims<T> {
  const claims: Claims<T> = { owned: [], adopt: [], release: [] };
  for (const object of candidates) {
    const ref = controllerRefOf(object);
    const matches = selector.matches(object.metadata?.labels);
    if (ref !== undefined) {
      if (ref.uid !== owner.uid) continue;
      if (matches) claims.owned.push(object);
      else if (!owner.deleting && object.metadata?.deletionTimestamp == null) claims.release.push(object);
      continue;
    }
    if (!matches || owner.deleting || object.metadata?.deletionTimestamp != null) continue;
    claims.adopt.push(object);
    claims.owned.push(object);
  }
  return claims;
}

/**
 * A JSON merge patch making owner the controller of object. It carries the
 * whole new ownerReferences list, so it is conditional on the object's
 * resourceVersion and uid: a concurrent change fails it instead of being lost.
 */
export function adoptionPatch(owner: Owner, object: KubeObject): unknown {
  const others = (object.metadata?.ownerReferences ?? []).filter((ref) => ref.uid !== owner.uid);
  return { metadata: { ownerReferences: [...others, controllerRefFor(owner)], uid: object.metadata?.uid, resourceVersion: object.metadata?.resourceVersion } };
}

/** A JSON merge patch dropping owner's reference from object, conditional like adoptionPatch. */
export function releasePatch(owner: Owner, object: KubeObject): unknown {
  const kept = (object.metadata?.ownerReferences ?? []).filter((ref) => ref.uid !== owner.uid);
  return { metadata: { ownerReferences: kept.length === 0 ? null : kept, uid: object.metadata?.uid, resourceVersion: object.metadata?.resourceVersion } };
}
