// InterPodAffinity: required pod affinity and anti-affinity (the incoming
// pod's and, symmetrically, existing pods' anti-affinity) filter nodes by
// topology domain; preferred terms (both directions) score them.
import type { CycleState, StateData } from "../framework/cycle-state.ts";
import type { NodeInfo } from "../framework/node-info.ts";
import {
  MAX_NODE_SCORE,
  type ClusterEvent,
  type EventsToRegister,
  type FilterPlugin,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
} from "../framework/plugin.ts";
import { affinityTermMatches, type AffinityTerm, type NamespaceLabels, type PodInfo } from "../framework/pod-info.ts";
import type { Snapshot } from "../framework/snapshot.ts";
import { SKIP, SUCCESS, errorStatus, status, type Status } from "../framework/status.ts";

export const INTER_POD_AFFINITY = "InterPodAffinity";
export const AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";
export const EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";
const PRE_FILTER_KEY = "PreFilter" + INTER_POD_AFFINITY;
const PRE_SCORE_KEY = "PreScore" + INTER_POD_AFFINITY;
/** Weight of an existing pod's required affinity toward the incoming pod, as a preference (upstream's default). */
const HARD_POD_AFFINITY_WEIGHT = 1;

const affinityMismatch = status("UnschedulableAndUnresolvable", AFFINITY_RULES_NOT_MATCH);
const antiAffinityMismatch = status("Unschedulable", ANTI_AFFINITY_RULES_NOT_MATCH);
const existingAntiAffinityMismatch = status("Unschedulable", EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);

/** Counts per topology pair, keyed "key\0value". */
type PairCounts = Map<string, number>;

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function bump(counts: PairCounts, key: string, value: string, delta: number): void {
  const pair = pairKey(key, value);
  const next = (counts.get(pair) ?? 0) + delta;
  if (next === 0) counts.delete(pair);
  else counts.set(pair, next);
}

function matchesAll(terms: readonly AffinityTerm[], candidate: PodInfo, namespaceLabels: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  for (const term of terms) if (!affinityTermMatches(term, candidate, namespaceLabels)) return false;
  return true;
}

class FilterState implements StateData {
  constructor(
    readonly namespaceLabels: NamespaceLabels,
    /** Existing pods whose required anti-affinity matches the incoming pod. */
    readonly existingAntiAffinity: PairCounts = new Map(),
    /** Existing pods matching all of the incoming pod's required affinity terms. */
    readonly affinity: PairCounts = new Map(),
    /** Existing pods matching one of the incoming pod's required anti-affinity terms. */
    readonly antiAffinity: PairCounts = new Map(),
  ) {}

  clone(): StateData {
    return new FilterState(this.namespaceLabels, new Map(this.existingAntiAffinity), new Map(this.affinity), new Map(this.antiAffinity));
  }

  /** Accounts for one existing pod on a node (delta -1 takes it away). */
  update(pod: PodInfo, existing: PodInfo, nodeInfo: NodeInfo, delta: 1 | -1): void {
    const labels = nodeInfo.labels;
    for (const term of existing.requiredAntiAffinityTerms) {
      const value = labels[term.topologyKey];
      if (value !== undefined && affinityTermMatches(term, pod, this.namespaceLabels)) {
        bump(this.existingAntiAffinity, term.topologyKey, value, delta);
      }
    }
    if (matchesAll(pod.requiredAffinityTerms, existing, this.namespaceLabels)) {
      for (const term of pod.requiredAffinityTerms) {
        const value = labels[term.topologyKey];
        if (value !== undefined) bump(this.affinity, term.topologyKey, value, delta);
      }
    }
    for (const term of pod.requiredAntiAffinityTerms) {
      const value = labels[term.topologyKey];
      if (value !== undefined && affinityTermMatches(term, existing, this.namespaceLabels)) {
        bump(this.antiAffinity, term.topologyKey, value, delta);
      }
    }
  }
}

class ScoreState implements StateData {
  constructor(readonly scores: ReadonlyMap<string, ReadonlyMap<string, number>>) {}

  clone(): StateData {
    return this;
  }
}

export class InterPodAffinityPlugin implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EventsToRegister {
  readonly name = INTER_POD_AFFINITY;

  readonly preFilterExtensions: PreFilterExtensions = {
    addPod: (state, pod, added, nodeInfo) => this.#updateState(state, pod, added, nodeInfo, 1),
    removePod: (state, pod, removed, nodeInfo) => this.#updateState(state, pod, removed, nodeInfo, -1),
  };

  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): { status: Status } {
    const ownTerms = pod.requiredAffinityTerms.length > 0 || pod.requiredAntiAffinityTerms.length > 0;
    if (!ownTerms && snapshot.nodesWithRequiredAntiAffinityPods.length === 0) return { status: SKIP };
    const filterState = new FilterState(snapshot.namespaceLabels);
    const nodes = ownTerms ? snapshot.nodeInfos : snapshot.nodesWithRequiredAntiAffinityPods;
    for (const nodeInfo of nodes) {
      const existingPods = ownTerms ? nodeInfo.pods : nodeInfo.podsWithRequiredAntiAffinity;
      for (const existing of existingPods) filterState.update(pod, existing, nodeInfo, 1);
    }
    state.write(PRE_FILTER_KEY, filterState);
    return { status: SUCCESS };
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const filterState = state.read<FilterState>(PRE_FILTER_KEY);
    if (filterState === undefined) return errorStatus(new Error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`));
    if (!satisfiesAffinity(filterState, pod, nodeInfo)) return affinityMismatch;
    for (const term of pod.requiredAntiAffinityTerms) {
      const value = nodeInfo.labels[term.topologyKey];
      if (value !== undefined && (filterState.antiAffinity.get(pairKey(term.topologyKey, value)) ?? 0) > 0) return antiAffinityMismatch;
    }
    if (filterState.existingAntiAffinity.size > 0) {
      for (const [key, value] of Object.entries(nodeInfo.labels)) {
        if ((filterState.existingAntiAffinity.get(pairKey(key, value)) ?? 0) > 0) return existingAntiAffinityMismatch;
      }
    }
    return SUCCESS;
  }

  #updateState(state: CycleState, pod: PodInfo, other: PodInfo, nodeInfo: NodeInfo, delta: 1 | -1): Status {
    const filterState = state.read<FilterState>(PRE_FILTER_KEY);
    filterState?.update(pod, other, nodeInfo, delta);
    return SUCCESS;
  }

  preScore(state: CycleState, pod: PodInfo, _nodes: readonly NodeInfo[], snapshot: Snapshot): Status {
    const ownPreferences = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
    if (!ownPreferences && snapshot.nodesWithAffinityPods.length === 0) return SKIP;
    const scores = new Map<string, Map<string, number>>();
    const add = (term: AffinityTerm, nodeInfo: NodeInfo, weight: number) => {
      const value = nodeInfo.labels[term.topologyKey];
      if (value === undefined || weight === 0) return;
      let byValue = scores.get(term.topologyKey);
      if (byValue === undefined) {
        byValue = new Map();
        scores.set(term.topologyKey, byValue);
      }
      byValue.set(value, (byValue.get(value) ?? 0) + weight);
    };
    const labelsOf = snapshot.namespaceLabels;
    for (const nodeInfo of ownPreferences ? snapshot.nodeInfos : snapshot.nodesWithAffinityPods) {
      for (const existing of ownPreferences ? nodeInfo.pods : nodeInfo.podsWithAffinity) {
        for (const term of pod.preferredAffinityTerms) {
          if (affinityTermMatches(term, existing, labelsOf)) add(term, nodeInfo, term.weight);
        }
        for (const term of pod.preferredAntiAffinityTerms) {
          if (affinityTermMatches(term, existing, labelsOf)) add(term, nodeInfo, -term.weight);
        }
        for (const term of existing.requiredAffinityTerms) {
          if (affinityTermMatches(term, pod, labelsOf)) add(term, nodeInfo, HARD_POD_AFFINITY_WEIGHT);
        }
        for (const term of existing.preferredAffinityTerms) {
          if (affinityTermMatches(term, pod, labelsOf)) add(term, nodeInfo, term.weight);
        }
        for (const term of existing.preferredAntiAffinityTerms) {
          if (affinityTermMatches(term, pod, labelsOf)) add(term, nodeInfo, -term.weight);
        }
      }
    }
    if (scores.size === 0) return SKIP;
    state.write(PRE_SCORE_KEY, new ScoreState(scores));
    return SUCCESS;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const scores = state.read<ScoreState>(PRE_SCORE_KEY)?.scores;
    if (scores === undefined) return 0;
    let total = 0;
    for (const [key, byValue] of scores) {
      const value = nodeInfo.labels[key];
      if (value !== undefined) total += byValue.get(value) ?? 0;
    }
    return total;
  }

  /** Scores can be negative: the lowest maps to 0 and the highest to 100. */
  normalizeScores(_state: CycleState, _pod: PodInfo, scores: number[]): Status {
    if (scores.length === 0) return SUCCESS;
    const lowest = Math.min(...scores);
    const spread = Math.max(...scores) - lowest;
    for (let index = 0; index < scores.length; index++) {
      scores[index] = spread > 0 ? Math.trunc(MAX_NODE_SCORE * (((scores[index] as number) - lowest) / spread)) : 0;
    }
    return SUCCESS;
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: "Pod", action: "Add" },
      { resource: "Pod", action: "UpdatePodLabel" },
      { resource: "Pod", action: "Delete" },
      { resource: "Node", action: "Add" },
      { resource: "Node", action: "UpdateNodeLabel" },
    ];
  }
}

/**
 * Every required term's domain on this node must hold a matching pod. The
 * first pod of a group that wants to be with itself is let through when no
 * matching pod exists anywhere yet.
 */
function satisfiesAffinity(filterState: FilterState, pod: PodInfo, nodeInfo: NodeInfo): boolean {
  let podsExist = true;
  for (const term of pod.requiredAffinityTerms) {
    const value = nodeInfo.labels[term.topologyKey];
    if (value === undefined) return false;
    if ((filterState.affinity.get(pairKey(term.topologyKey, value)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return filterState.affinity.size === 0 && matchesAll(pod.requiredAffinityTerms, pod, filterState.namespaceLabels);
}
