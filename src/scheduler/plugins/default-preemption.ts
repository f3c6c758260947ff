// DefaultPreemption: when no node fits, find a node where evicting pods of
// lower priority would make room, evicting as few and as unimportant pods as
// possible, and nominate it for the pod.
import type { CycleState } from "../framework/cycle-state.ts";
import { fitErrorMessage } from "../framework/fit-error.ts";
import type { NodeInfo } from "../framework/node-info.ts";
import type { FilterRunner, NodeStatus, PostFilterPlugin, PostFilterResult } from "../framework/plugin.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import type { Snapshot } from "../framework/snapshot.ts";
import { SUCCESS, status, type Status } from "../framework/status.ts";

export const DEFAULT_PREEMPTION = "DefaultPreemption";
export const NO_VICTIMS = "No preemption victims found for incoming pod";
export const NOT_HELPFUL = "Preemption is not helpful for scheduling";
const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;
/** Priorities can be negative; shifting by 2^31 keeps every term of the sum positive. */
const PRIORITY_OFFSET = 2 ** 31;

export interface Candidate {
  readonly nodeName: string;
  /** Most important first. */
  readonly victims: readonly PodInfo[];
}

/** Higher priority first; among equals the pod that started earlier. */
export function moreImportant(left: PodInfo, right: PodInfo): number {
  if (left.priority !== right.priority) return right.priority - left.priority;
  return left.startTime - right.startTime;
}

/** How many nodes a dry run tries: 10% of the candidates, at least 100. */
export function numCandidatesToTry(potentialNodes: number): number {
  const share = Math.trunc((potentialNodes * MIN_CANDIDATE_NODES_PERCENTAGE) / 100);
  return Math.min(potentialNodes, Math.max(share, MIN_CANDIDATE_NODES_ABSOLUTE));
}

/** Upstream's tie-breakers, in order, between nodes that would all make room. */
export function pickCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  let remaining = [...candidates];
  const empty = remaining.find((candidate) => candidate.victims.length === 0);
  if (empty !== undefined) return empty;
  const keepLowest = (measure: (candidate: Candidate) => number) => {
    const lowest = Math.min(...remaining.map(measure));
    remaining = remaining.filter((candidate) => measure(candidate) === lowest);
  };
  keepLowest((candidate) => (candidate.victims[0] as PodInfo).priority);
  keepLowest((candidate) => candidate.victims.reduce((sum, victim) => sum + victim.priority + PRIORITY_OFFSET, 0));
  keepLowest((candidate) => candidate.victims.length);
  // Prefer evicting the pods that started most recently: they lose the least work.
  keepLowest((candidate) => -earliestStartOfTopPriority(candidate.victims));
  return remaining[0];
}

function earliestStartOfTopPriority(victims: readonly PodInfo[]): number {
  const top = (victims[0] as PodInfo).priority;
  let earliest = Infinity;
  for (const victim of victims) if (victim.priority === top && victim.startTime < earliest) earliest = victim.startTime;
  return earliest;
}

export class DefaultPreemptionPlugin implements PostFilterPlugin {
  readonly name = DEFAULT_PREEMPTION;
  readonly #random: () => number;

  /** random picks where the dry run starts among the candidate nodes. */
  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  postFilter(
    state: CycleState,
    pod: PodInfo,
    snapshot: Snapshot,
    nodeStatuses: ReadonlyMap<string, NodeStatus>,
    runner: FilterRunner,
  ): { status: Status; result?: PostFilterResult } {
    const ineligible = this.#whyIneligible(pod, snapshot, nodeStatuses);
    if (ineligible !== undefined) return { status: status("Unschedulable", `preemption: ${ineligible}`) };
    const outcomes = new Map<string, NodeStatus>();
    const potential: NodeInfo[] = [];
    for (const nodeInfo of snapshot.nodeInfos) {
      if (nodeStatuses.get(nodeInfo.name)?.status.code === "UnschedulableAndUnresolvable") {
        outcomes.set(nodeInfo.name, { status: status("UnschedulableAndUnresolvable", NOT_HELPFUL), plugin: this.name });
      } else {
        potential.push(nodeInfo);
      }
    }
    const candidates: Candidate[] = [];
    const wanted = numCandidatesToTry(potential.length);
    const offset = potential.length === 0 ? 0 : Math.floor(this.#random() * potential.length);
    for (let tried = 0; tried < potential.length && candidates.length < wanted; tried++) {
      const nodeInfo = potential[(offset + tried) % potential.length] as NodeInfo;
      const outcome = selectVictimsOnNode(state.clone(), pod, nodeInfo.clone(), runner);
      if ("victims" in outcome) candidates.push({ nodeName: nodeInfo.name, victims: outcome.victims });
      else outcomes.set(nodeInfo.name, { status: outcome.status, plugin: this.name });
    }
    const chosen = pickCandidate(candidates);
    if (chosen === undefined) {
      const message = fitErrorMessage({ numAllNodes: snapshot.nodeInfos.length, nodeStatuses: outcomes, unschedulablePlugins: new Set() });
      return { status: status("Unschedulable", `preemption: ${message}`) };
    }
    return { status: SUCCESS, result: { nominatedNodeName: chosen.nodeName, victims: chosen.victims } };
  }

  #whyIneligible(pod: PodInfo, snapshot: Snapshot, nodeStatuses: ReadonlyMap<string, NodeStatus>): string | undefined {
    if (pod.pod.spec?.preemptionPolicy === "Never") return "not eligible due to preemptionPolicy=Never.";
    const nominated = pod.pod.status?.nominatedNodeName;
    if (!nominated || nodeStatuses.get(nominated)?.status.code === "UnschedulableAndUnresolvable") return undefined;
    // An earlier preemption for this pod is still evicting there: wait for it instead of evicting more.
    const evicting = snapshot.byName.get(nominated)?.pods.some((other) => other.terminating && other.priority < pod.priority);
    return evicting ? "not eligible due to a terminating pod on the nominated node." : undefined;
  }
}

/**
 * Removes every lower-priority pod from the (cloned) node, checks the pod fits,
 * then puts back as many as possible, most important first. What stays out are
 * the victims.
 */
export function selectVictimsOnNode(
  state: CycleState,
  pod: PodInfo,
  nodeInfo: NodeInfo,
  runner: FilterRunner,
): { victims: PodInfo[] } | { status: Status } {
  const lower = nodeInfo.pods.filter((other) => other.priority < pod.priority);
  if (lower.length === 0) return { status: status("Unschedulable", NO_VICTIMS) };
  for (const victim of lower) {
    nodeInfo.removePod(victim);
    const removed = runner.runPreFilterRemovePod(state, pod, victim, nodeInfo);
    if (removed.code !== "Success") return { status: removed };
  }
  const failure = runner.runFilterPlugins(state, pod, nodeInfo);
  if (failure !== undefined) return { status: failure.status };
  lower.sort(moreImportant);
  const victims: PodInfo[] = [];
  for (const candidate of lower) {
    nodeInfo.addPod(candidate);
    const added = runner.runPreFilterAddPod(state, pod, candidate, nodeInfo);
    if (added.code !== "Success") return { status: added };
    if (runner.runFilterPlugins(state, pod, nodeInfo) === undefined) continue;
    nodeInfo.removePod(candidate);
    const removedAgain = runner.runPreFilterRemovePod(state, pod, candidate, nodeInfo);
    if (removedAgain.code !== "Success") return { status: removedAgain };
    victims.push(candidate);
  }
  return { victims };
}
