// What differs between resources on the write path. The generic REST code in
// ../rest asks the strategy; one file per resource family overrides what it
// must (pods: graceful deletion and status reset; namespaces: phase; ...).
import type { ResourceInfo } from "../../api/registry.ts";

/** Objects as the API server handles them: JSON with Kubernetes metadata. */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Meta;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

export interface Meta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  managedFields?: unknown[];
  selfLink?: string;
  [field: string]: unknown;
}

export interface DeleteDecision {
  /** Seconds until the object may be removed; undefined or 0 = no grace period. */
  gracePeriodSeconds?: number;
}

export interface Strategy {
  /** Has a status subresource: the main resource ignores status changes and vice versa. */
  readonly statusSubresource: boolean;
  /** Bumps metadata.generation when the spec changes. */
  readonly tracksGeneration: boolean;
  /** PUT of a missing object creates it. */
  readonly allowCreateOnUpdate: boolean;
  /** Called on create after system fields are set, before defaulting and validation. */
  prepareForCreate(obj: ApiObject): void;
  /** Called on update of the main resource, before defaulting and validation. */
  prepareForUpdate(obj: ApiObject, old: ApiObject): void;
  /** The grace period a delete gets; undefined means delete at once (no graceful phase). */
  gracePeriod(obj: ApiObject, requested: number | undefined): number | undefined;
  /** Called when deletion starts for an object that stays (finalizers or a grace period). */
  prepareForDelete(obj: ApiObject): void;
  /** Finalizers that delay deletion even without propagation policy finalizers. */
  deletionFinalizersDone(obj: ApiObject): boolean;
}

/** The strategy most resources use. */
export function genericStrategy(info: ResourceInfo, overrides: Partial<Strategy> = {}): Strategy {
  const statusSubresource = info.subresources.some((s) => s.name === "status");
  return {
    statusSubresource,
    tracksGeneration: statusSubresource,
    allowCreateOnUpdate: false,
    prepareForCreate(obj) {
      if (statusSubresource) delete obj.status;
    },
    prepareForUpdate(obj, old) {
      if (statusSubresource) {
        if (old.status === undefined) delete obj.status;
        else obj.status = old.status;
      }
    },
    gracePeriod: () => undefined,
    prepareForDelete: () => {},
    deletionFinalizersDone: (obj) => (obj.metadata?.finalizers ?? []).length === 0,
    ...overrides,
  };
}
