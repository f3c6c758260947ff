// NodeResourcesFit: a pod fits when its requests fit in what the node has
// left; scoring prefers the least (default) or the most allocated nodes.
import type { CycleState } from "../framework/cycle-state.ts";
import type { NodeInfo } from "../framework/node-info.ts";
import { MAX_NODE_SCORE, type ClusterEvent, type EventsToRegister, type FilterPlugin, type ScorePlugin } from "../framework/plugin.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import { CPU, EPHEMERAL_STORAGE, MEMORY, resourceAmount } from "../framework/resources.ts";
import { SUCCESS, status, type Status, type StatusCode } from "../framework/status.ts";

export const NODE_RESOURCES_FIT = "NodeResourcesFit";
export const TOO_MANY_PODS = "Too many pods";

export type ScoringStrategy = "LeastAllocated" | "MostAllocated" | "RequestedToCapacityRatio";

/** A point of the RequestedToCapacityRatio curve: utilization 0..100 percent to score 0..10. */
export interface UtilizationShapePoint {
  readonly utilization: number;
  readonly score: number;
}

export interface ResourceWeight {
  readonly name: string;
  readonly weight: number;
}

export interface NodeResourcesFitArgs {
  readonly strategy: ScoringStrategy;
  readonly resources: readonly ResourceWeight[];
  /** RequestedToCapacityRatio only: points in increasing utilization. */
  readonly shape?: readonly UtilizationShapePoint[];
}

/** Shape scores run 0..10; node scores run 0..100. */
const MAX_SHAPE_SCORE = 10;

/** The piecewise-linear curve through the shape's points, flat before the first and after the last. */
export function requestedToCapacityRatioScorer(shape: readonly UtilizationShapePoint[]): (requested: number, capacity: number) => number {
  const points = shape.map((point) => ({ utilization: point.utilization, score: (point.score * MAX_NODE_SCORE) / MAX_SHAPE_SCORE }));
  const curve = (utilization: number): number => {
    const first = points[0];
    if (first === undefined) return 0;
    if (utilization <= first.utilization) return first.score;
    for (let index = 1; index < points.length; index++) {
      const left = points[index - 1] as { utilization: number; score: number };
      const right = points[index] as { utilization: number; score: number };
      if (utilization <= right.utilization) {
        return left.score + Math.trunc(((right.score - left.score) * (utilization - left.utilization)) / (right.utilization - left.utilization));
      }
    }
    return (points[points.length - 1] as { score: number }).score;
  };
  return (requested, capacity) => {
    if (capacity === 0 || requested > capacity) return curve(100);
    return curve(Math.trunc((requested * 100) / capacity));
  };
}

export const DEFAULT_SCORED_RESOURCES: readonly ResourceWeight[] = [
  { name: CPU, weight: 1 },
  { name: MEMORY, weight: 1 },
];

const tooManyPods = status("Unschedulable", TOO_MANY_PODS);
const insufficientCpu = status("Unschedulable", "Insufficient cpu");
const insufficientMemory = status("Unschedulable", "Insufficient memory");

/** The reasons a node cannot hold the pod, and whether even an empty node could not. */
export function insufficientResources(pod: PodInfo, nodeInfo: NodeInfo): { reasons: string[]; unresolvable: boolean } {
  const reasons: string[] = [];
  if (nodeInfo.pods.length + 1 > nodeInfo.allowedPodNumber) reasons.push(TOO_MANY_PODS);
  const { requests } = pod;
  const { allocatable, requested } = nodeInfo;
  let unresolvable = noteShortage(reasons, CPU, requests.milliCpu, allocatable.milliCpu, requested.milliCpu);
  unresolvable = noteShortage(reasons, MEMORY, requests.memory, allocatable.memory, requested.memory) || unresolvable;
  unresolvable = noteShortage(reasons, EPHEMERAL_STORAGE, requests.ephemeralStorage, allocatable.ephemeralStorage, requested.ephemeralStorage) || unresolvable;
  for (const [name, wanted] of requests.scalar) {
    unresolvable = noteShortage(reasons, name, wanted, allocatable.scalar.get(name) ?? 0, requested.scalar.get(name) ?? 0) || unresolvable;
  }
  return { reasons, unresolvable };
}

/** Adds "Insufficient <name>" when the pod wants more than is left; true when it wants more than the node has at all. */
function noteShortage(reasons: string[], name: string, wanted: number, capacity: number, used: number): boolean {
  if (!(wanted > 0 && wanted > capacity - used)) return false;
  reasons.push(`Insufficient ${name}`);
  return wanted > capacity;
}

/** The filter's common case without allocating: the pod fits every resource and the pod count. */
function fitsWithoutScalars(pod: PodInfo, nodeInfo: NodeInfo): boolean {
  const requests = pod.requests;
  const allocatable = nodeInfo.allocatable;
  const requested = nodeInfo.requested;
  return (
    requests.scalar.size === 0 &&
    nodeInfo.pods.length < nodeInfo.allowedPodNumber &&
    (requests.milliCpu <= 0 || requests.milliCpu <= allocatable.milliCpu - requested.milliCpu) &&
    (requests.memory <= 0 || requests.memory <= allocatable.memory - requested.memory) &&
    (requests.ephemeralStorage <= 0 || requests.ephemeralStorage <= allocatable.ephemeralStorage - requested.ephemeralStorage)
  );
}

function leastAllocatedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function mostAllocatedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  // Pods that request nothing are counted with default requests, which can overshoot.
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

/** score() for LeastAllocated over cpu and memory at weight 1 each, the same sum without a loop or lookups by name. */
function leastAllocatedDefaultScore(pod: PodInfo, nodeInfo: NodeInfo): number {
  const cpuCapacity = nodeInfo.allocatable.milliCpu;
  const memoryCapacity = nodeInfo.allocatable.memory;
  let total = 0;
  let weights = 0;
  if (cpuCapacity !== 0) {
    total += leastAllocatedScore(nodeInfo.nonZeroMilliCpu + pod.nonZeroMilliCpu, cpuCapacity);
    weights++;
  }
  if (memoryCapacity !== 0) {
    total += leastAllocatedScore(nodeInfo.nonZeroMemory + pod.nonZeroMemory, memoryCapacity);
    weights++;
  }
  return weights === 0 ? 0 : Math.trunc(total / weights);
}

/** What the node would have requested with the pod on it, counting empty requests as the defaults. */
export function requestedWithPod(nodeInfo: NodeInfo, pod: PodInfo, resource: string, nonZero: boolean): number {
  if (nonZero && resource === CPU) return nodeInfo.nonZeroMilliCpu + pod.nonZeroMilliCpu;
  if (nonZero && resource === MEMORY) return nodeInfo.nonZeroMemory + pod.nonZeroMemory;
  return resourceAmount(nodeInfo.requested, resource) + resourceAmount(pod.requests, resource);
}

export class NodeResourcesFitPlugin implements FilterPlugin, ScorePlugin, EventsToRegister {
  readonly name = NODE_RESOURCES_FIT;
  readonly #score: (requested: number, capacity: number) => number;
  readonly #resources: readonly ResourceWeight[];
  /** The default configuration, scored without the per-resource loop (it runs for every feasible node). */
  readonly #leastAllocatedDefaults: boolean;

  constructor(args: NodeResourcesFitArgs = { strategy: "LeastAllocated", resources: DEFAULT_SCORED_RESOURCES }) {
    this.#score =
      args.strategy === "LeastAllocated"
        ? leastAllocatedScore
        : args.strategy === "MostAllocated"
          ? mostAllocatedScore
          : requestedToCapacityRatioScorer(args.shape ?? []);
    this.#resources = args.resources;
    this.#leastAllocatedDefaults = args.strategy === "LeastAllocated" && args.resources === DEFAULT_SCORED_RESOURCES;
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    if (fitsWithoutScalars(pod, nodeInfo)) return SUCCESS;
    const { reasons, unresolvable } = insufficientResources(pod, nodeInfo);
    if (reasons.length === 0) return SUCCESS;
    if (reasons.length === 1 && !unresolvable) {
      if (reasons[0] === TOO_MANY_PODS) return tooManyPods;
      if (reasons[0] === insufficientCpu.reasons[0]) return insufficientCpu;
      if (reasons[0] === insufficientMemory.reasons[0]) return insufficientMemory;
    }
    const code: StatusCode = unresolvable ? "UnschedulableAndUnresolvable" : "Unschedulable";
    return status(code, ...reasons);
  }

  /** Weighted mean of per-resource scores over the resources the node has at all. */
  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    if (this.#leastAllocatedDefaults) return leastAllocatedDefaultScore(pod, nodeInfo);
    let total = 0;
    let weights = 0;
    for (const { name, weight } of this.#resources) {
      const capacity = resourceAmount(nodeInfo.allocatable, name);
      if (capacity === 0) continue;
      total += this.#score(requestedWithPod(nodeInfo, pod, name, true), capacity) * weight;
      weights += weight;
    }
    return weights === 0 ? 0 : Math.trunc(total / weights);
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: "Pod", action: "Delete" },
      { resource: "Pod", action: "UpdatePodScaleDown" },
      { resource: "Node", action: "Add" },
      { resource: "Node", action: "UpdateNodeAllocatable" },
    ];
  }
}
