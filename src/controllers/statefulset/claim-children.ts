// Adoption and release of children (pods, ControllerRevisions) for the
// StatefulSet and DaemonSet controllers: matching orphans are adopted (after a
// fresh read confirms the owner is still there and not going away), owned
// children that stopped matching are released. Answers the children the owner
// now controls.
import { LabelSelectorError, labelSelectorFromObject, type LabelSelector } from "../../api/label-selector.ts";
import type { LabelSelector as LabelSelectorObject } from "kubernetes-types/meta/v1";
import { hasReason } from "../../client/errors.ts";
import type { KubeClient, KubeObject, ResourceRef } from "../../client/kube-client.ts";
import { adoptionPatch, claim, releasePatch, type Owner } from "../controller-ref.ts";

export class OwnerChangedError extends Error {
  readonly reason = "OwnerChanged" as const;
  constructor(message: string) {
    super(message);
    this.name = "OwnerChangedError";
  }
}

/** The parsed selector, or undefined when it is malformed. */
export function safeSelector(selector: LabelSelectorObject | undefined): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(selector);
  } catch (error) {
    if (error instanceof LabelSelectorError) return undefined;
    throw error;
  }
}

export interface ClaimOptions<T extends KubeObject> {
  client: KubeClient;
  childrenApi: ResourceRef;
  /** Where the owner lives, for the fresh read before adopting. */
  ownerApi: ResourceRef;
  owner: Owner;
  selector: LabelSelector;
  candidates: readonly T[];
  fieldManager: string;
  signal: AbortSignal;
}

export async function claimChildren<T extends KubeObject>(options: ClaimOptions<T>): Promise<T[]> {
  const { client, childrenApi, owner, fieldManager, signal } = options;
  const claims = claim(owner, options.selector, options.candidates);
  const owned = claims.owned.filter((pod) => !claims.adopt.includes(pod));
  if (claims.adopt.length > 0) {
    const fresh = await client.get<KubeObject>(options.ownerApi, owner.name, { signal });
    if (fresh.metadata?.uid !== owner.uid) throw new OwnerChangedError(`${owner.kind} ${owner.name} was replaced (uid ${fresh.metadata?.uid}, wanted ${owner.uid}); not adopting`);
    if (fresh.metadata?.deletionTimestamp != null) throw new OwnerChangedError(`${owner.kind} ${owner.name} is being deleted; not adopting`);
    for (const child of claims.adopt) {
      try {
        owned.push(await client.patch<T>(childrenApi, child.metadata?.name ?? "", "merge", adoptionPatch(owner, child), { fieldManager, signal }));
      } catch (error) {
        if (!hasReason(error, "NotFound")) throw error;
      }
    }
  }
  for (const child of claims.release) {
    try {
      await client.patch<T>(childrenApi, child.metadata?.name ?? "", "merge", releasePatch(owner, child), { fieldManager, signal });
    } catch (error) {
      if (!hasReason(error, "NotFound", "Invalid")) throw error;
    }
  }
  return owned;
}
