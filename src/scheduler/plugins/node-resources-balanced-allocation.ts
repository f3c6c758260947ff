// NodeResourcesBalancedAllocation: prefers nodes whose CPU and memory would be
// used in similar proportions, so neither runs out while the other idles.
import type { CycleState } from "../framework/cycle-state.ts";
import type { NodeInfo } from "../framework/node-info.ts";
import { MAX_NODE_SCORE, type ClusterEvent, type EventsToRegister, type ScorePlugin } from "../framework/plugin.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import { resourceAmount } from "../framework/resources.ts";
import { DEFAULT_SCORED_RESOURCES, requestedWithPod, type ResourceWeight } from "./node-resources-fit.ts";

export const NODE_RESOURCES_BALANCED_ALLOCATION = "NodeResourcesBalancedAllocation";

/** 100 times one minus the standard deviation of the used fractions. */
export function balancedScore(fractions: readonly number[]): number {
  let deviation = 0;
  if (fractions.length === 2) {
    deviation = Math.abs(((fractions[0] as number) - (fractions[1] as number)) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((sum, fraction) => sum + fraction, 0) / fractions.length;
    const squares = fractions.reduce((sum, fraction) => sum + (fraction - mean) ** 2, 0);
    deviation = Math.sqrt(squares / fractions.length);
  }
  return Math.trunc((1 - deviation) * MAX_NODE_SCORE);
}

/** The default cpu and memory pair without allocating: half their difference is the standard deviation. */
function defaultResourcesScore(pod: PodInfo, nodeInfo: NodeInfo): number {
  const cpuCapacity = nodeInfo.allocatable.milliCpu;
  const memoryCapacity = nodeInfo.allocatable.memory;
  const cpu = cpuCapacity === 0 ? -1 : Math.min(1, (nodeInfo.requested.milliCpu + pod.requests.milliCpu) / cpuCapacity);
  const memory = memoryCapacity === 0 ? -1 : Math.min(1, (nodeInfo.requested.memory + pod.requests.memory) / memoryCapacity);
  if (cpu < 0 || memory < 0) return MAX_NODE_SCORE;
  return Math.trunc((1 - Math.abs((cpu - memory) / 2)) * MAX_NODE_SCORE);
}

export class NodeResourcesBalancedAllocationPlugin implements ScorePlugin, EventsToRegister {
  readonly name = NODE_RESOURCES_BALANCED_ALLOCATION;
  readonly #resources: readonly ResourceWeight[];

  constructor(resources: readonly ResourceWeight[] = DEFAULT_SCORED_RESOURCES) {
    this.#resources = resources;
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    if (this.#resources === DEFAULT_SCORED_RESOURCES) return defaultResourcesScore(pod, nodeInfo);
    const fractions: number[] = [];
    for (const { name } of this.#resources) {
      const capacity = resourceAmount(nodeInfo.allocatable, name);
      if (capacity === 0) continue;
      fractions.push(Math.min(1, requestedWithPod(nodeInfo, pod, name, false) / capacity));
    }
    return balancedScore(fractions);
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [];
  }
}
