// The default-scheduler profile: upstream's default plugins in upstream's
// order, with its score weights. Volume plugins are not here yet.
import type { Profile } from "../framework/framework.ts";
import type { AnyPlugin } from "../framework/plugin.ts";
import { DefaultPreemptionPlugin } from "./default-preemption.ts";
import { IMAGE_LOCALITY, ImageLocalityPlugin } from "./image-locality.ts";
import { INTER_POD_AFFINITY, InterPodAffinityPlugin } from "./inter-pod-affinity.ts";
import { NODE_AFFINITY, NodeAffinityPlugin } from "./node-affinity.ts";
import { NodeNamePlugin } from "./node-name.ts";
import { NodePortsPlugin } from "./node-ports.ts";
import { NODE_RESOURCES_BALANCED_ALLOCATION, NodeResourcesBalancedAllocationPlugin } from "./node-resources-balanced-allocation.ts";
import { NODE_RESOURCES_FIT, NodeResourcesFitPlugin } from "./node-resources-fit.ts";
import { NodeUnschedulablePlugin } from "./node-unschedulable.ts";
import { POD_TOPOLOGY_SPREAD, PodTopologySpreadPlugin, type SpreadOwners } from "./pod-topology-spread.ts";
import { PrioritySortPlugin } from "./priority-sort.ts";
import { TAINT_TOLERATION, TaintTolerationPlugin } from "./taint-toleration.ts";

export const DEFAULT_SCHEDULER_NAME = "default-scheduler";

export const DEFAULT_SCORE_WEIGHTS: ReadonlyMap<string, number> = new Map([
  [TAINT_TOLERATION, 3],
  [NODE_AFFINITY, 2],
  [NODE_RESOURCES_FIT, 1],
  [POD_TOPOLOGY_SPREAD, 2],
  [INTER_POD_AFFINITY, 2],
  [NODE_RESOURCES_BALANCED_ALLOCATION, 1],
  [IMAGE_LOCALITY, 1],
]);

export interface DefaultProfileOptions {
  /** Used by preemption to pick where its dry run starts. */
  readonly random?: () => number;
  /** The bind plugin (it talks to the API, so the shell supplies it). */
  readonly binder?: AnyPlugin;
  readonly percentageOfNodesToScore?: number;
  /** What pods belong to, for the default spread constraints; without it pods lacking constraints are not spread. */
  readonly spreadOwners?: SpreadOwners;
}

export function defaultProfile(options: DefaultProfileOptions = {}): Profile {
  const plugins: AnyPlugin[] = [
    new PrioritySortPlugin(),
    new NodeUnschedulablePlugin(),
    new NodeNamePlugin(),
    new TaintTolerationPlugin(),
    new NodeAffinityPlugin(),
    new NodePortsPlugin(),
    new NodeResourcesFitPlugin(),
    new PodTopologySpreadPlugin({ owners: options.spreadOwners }),
    new InterPodAffinityPlugin(),
    new DefaultPreemptionPlugin(options.random),
    new NodeResourcesBalancedAllocationPlugin(),
    new ImageLocalityPlugin(),
  ];
  if (options.binder !== undefined) plugins.push(options.binder);
  return {
    schedulerName: DEFAULT_SCHEDULER_NAME,
    plugins,
    scoreWeights: DEFAULT_SCORE_WEIGHTS,
    percentageOfNodesToScore: options.percentageOfNodesToScore,
  };
}
