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

/** A strategic merge patch that makes owner the controller of the patched object (uid precondition included). */
export function adoptionPatch(owner: Owner, object: KubeObject): unknown {
  return { metadata: { ownerReferences: [controllerRefFor(owner)], uid: object.metadata?.uid } };
}

/** A strategic merge patch that removes owner's reference from the patched object. */
export function releasePatch(owner: Owner, object: KubeObject): unknown {
  return { metadata: { ownerReferences: [{ $patch: "delete", uid: owner.uid }], uid: object.metadata?.uid } };
}
