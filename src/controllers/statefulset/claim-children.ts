// Adoption and release of pods for the StatefulSet and DaemonSet controllers:
// matching orphans are adopted (after a fresh read confirms the owner is
// still there and not going away), owned pods that stopped matching are
// released. Answers the pods the owner now controls.
import type { Pod } from "kubernetes-types/core/v1";
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

export interface ClaimPodsOptions {
  client: KubeClient;
  podsApi: ResourceRef;
  /** Where the owner lives, for the fresh read before adopting. */
  ownerApi: ResourceRef;
  owner: Owner;
  selector: LabelSelector;
  candidates: readonly Pod[];
  fieldManager: string;
  signal: AbortSignal;
}

export async function claimPods(options: ClaimPodsOptions): Promise<Pod[]> {
  const { client, podsApi, owner, fieldManager, signal } = options;
  const claims = claim(owner, options.selector, options.candidates);
  const owned = claims.owned.filter((pod) => !claims.adopt.includes(pod));
  if (claims.adopt.length > 0) {
    const fresh = await client.get<KubeObject>(options.ownerApi, owner.name, { signal });
    if (fresh.metadata?.uid !== owner.uid) throw new OwnerChangedError(`${owner.kind} ${owner.name} was replaced (uid ${fresh.metadata?.uid}, wanted ${owner.uid}); not adopting`);
    if (fresh.metadata?.deletionTimestamp != null) throw new OwnerChangedError(`${owner.kind} ${owner.name} is being deleted; not adopting`);
    for (const pod of claims.adopt) {
      try {
        owned.push(await client.patch<Pod>(podsApi, pod.metadata?.name ?? "", "merge", adoptionPatch(owner, pod), { fieldManager, signal }));
      } catch (error) {
        if (!hasReason(error, "NotFound")) throw error;
      }
    }
  }
  for (const pod of claims.release) {
    try {
      await client.patch<Pod>(podsApi, pod.metadata?.name ?? "", "merge", releasePatch(owner, pod), { fieldManager, signal });
    } catch (error) {
      if (!hasReason(error, "NotFound", "Invalid")) throw error;
    }
  }
  return owned;
}
