// ReplicationControllers are run by the ReplicaSet controller's code, as
// upstream does: this view presents each one as a ReplicaSet whose selector is
// the controller's label map. Writes still go to replicationcontrollers
// (the controller sends only status and identity back).
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { ReplicationController } from "kubernetes-types/core/v1";
import { resources } from "../client/resources.ts";
import type { ReplicatedKind } from "./replicaset.ts";
import type { WatchedCache } from "./watched-cache.ts";

export const replicationControllerKind: ReplicatedKind = { controllerName: "replicationcontroller", resource: resources.replicationControllers, apiVersion: "v1", kind: "ReplicationController" };

export function asReplicaSet(rc: ReplicationController): ReplicaSet {
  const spec = rc.spec ?? {};
  const matchLabels = spec.selector ?? spec.template?.metadata?.labels ?? {};
  return {
    metadata: rc.metadata ?? {},
    spec: {
      ...(spec.replicas === undefined ? {} : { replicas: spec.replicas }),
      ...(spec.minReadySeconds === undefined ? {} : { minReadySeconds: spec.minReadySeconds }),
      selector: { matchLabels },
      ...(spec.template === undefined ? {} : { template: spec.template }),
    },
    ...(rc.status === undefined ? {} : { status: rc.status }),
  };
}

export function replicationControllersAsReplicaSets(cache: WatchedCache<ReplicationController>): WatchedCache<ReplicaSet> {
  return {
    get: (key) => {
      const rc = cache.get(key);
      return rc === undefined ? undefined : asReplicaSet(rc);
    },
    list: (namespace) => cache.list(namespace).map(asReplicaSet),
    subscribe: (handlers) =>
      cache.subscribe({
        onAdd: (rc) => handlers.onAdd(asReplicaSet(rc)),
        onUpdate: (previous, rc) => handlers.onUpdate(asReplicaSet(previous), asReplicaSet(rc)),
        onDelete: (rc) => handlers.onDelete(asReplicaSet(rc)),
      }),
  };
}
