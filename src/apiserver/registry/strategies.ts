// The strategy of every built-in resource: generic unless listed here.
import type { ResourceInfo } from "../../api/registry.ts";
import { genericStrategy, type ApiObject, type Strategy } from "./strategy.ts";
import { podStrategy } from "./pods.ts";
import { namespaceStrategy } from "./namespaces.ts";
import { jobStrategy } from "./jobs.ts";
import { nodeStrategy } from "./nodes.ts";
import { persistentVolumeStrategy } from "./persistent-volumes.ts";

const special: Record<string, (info: ResourceInfo) => Strategy> = {
  "/pods": podStrategy,
  "/namespaces": namespaceStrategy,
  "batch/jobs": jobStrategy,
  "/nodes": nodeStrategy,
  "/persistentvolumes": (info) => persistentVolumeStrategy(info),
  // Events and endpoints are written by controllers with PUT-to-create semantics upstream.
  "/events": (info) => genericStrategy(info, { allowCreateOnUpdate: true }),
  "events.k8s.io/events": (info) => genericStrategy(info, { allowCreateOnUpdate: true }),
  "/endpoints": (info) => genericStrategy(info, { allowCreateOnUpdate: true }),
  "coordination.k8s.io/leases": (info) => genericStrategy(info, { allowCreateOnUpdate: true }),
};

export function strategyFor(info: ResourceInfo): Strategy {
  return (special[`${info.group}/${info.plural}`] ?? genericStrategy)(info);
}

export type { ApiObject };
