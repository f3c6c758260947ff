// PodTopologySpread: hard constraints (DoNotSchedule) keep the skew of
// matching pods across topology domains within maxSkew; soft constraints
// (ScheduleAnyway) score the least crowded domains highest. A pod without
// constraints of its own gets the profile's default constraints, spread over
// the pods of the Services and controllers it belongs to.
import type { ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { Pod, ReplicationController, Service, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { LabelSelector, labelSelectorFromObject, type LabelRequirement } from "../../api/label-selector.ts";
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
import type { PodInfo } from "../framework/pod-info.ts";
import type { Snapshot } from "../framework/snapshot.ts";
import { SKIP, SUCCESS, errorStatus, status, type Status } from "../framework/status.ts";
import { requiredNodeCheck } from "./node-affinity.ts";
import { tolerationsTolerateTaint } from "./tolerations.ts";

export const POD_TOPOLOGY_SPREAD = "PodTopologySpread";
export const CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const NODE_LABEL_NOT_MATCH = `${CONSTRAINTS_NOT_MATCH} (missing required label)`;
const PRE_FILTER_KEY = "PreFilter" + POD_TOPOLOGY_SPREAD;
const PRE_SCORE_KEY = "PreScore" + POD_TOPOLOGY_SPREAD;
const HOSTNAME_LABEL = "kubernetes.io/hostname";

/** Upstream's system defaults: spread a workload's pods softly over hosts and zones. */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: HOSTNAME_LABEL, whenUnsatisfiable: "ScheduleAnyway", maxSkew: 3 },
  { topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", maxSkew: 5 },
]);

const constraintsMismatch = status("Unschedulable", CONSTRAINTS_NOT_MATCH);
const nodeLabelMismatch = status("UnschedulableAndUnresolvable", NODE_LABEL_NOT_MATCH);

type Action = "DoNotSchedule" | "ScheduleAnyway";

/** A constraint with its selector parsed and its optional fields defaulted. */
interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: LabelSelector;
  readonly minDomains: number;
  /** Whether a node's pods count toward the domains (node inclusion policies). */
  readonly counts: (nodeInfo: NodeInfo) => boolean;
}

/** Where the default constraints find what a pod belongs to; the shell reads these from informer caches. */
export interface SpreadOwners {
  services(namespace: string): readonly Service[];
  replicationController(namespace: string, name: string): ReplicationController | undefined;
  replicaSet(namespace: string, name: string): ReplicaSet | undefined;
  statefulSet(namespace: string, name: string): StatefulSet | undefined;
}

export interface PodTopologySpreadOptions {
  /** Constraints for pods that have none; when given, they replace the system defaults ("List" defaulting). */
  readonly defaultConstraints?: readonly TopologySpreadConstraint[];
  readonly owners?: SpreadOwners;
}

/**
 * The selector the default constraints spread by: the union of the pod's
 * Services' selectors and its controller's selector. Empty when the pod
 * belongs to nothing, which turns the defaults off.
 */
export function defaultSpreadSelector(pod: Pod, owners: SpreadOwners | undefined): LabelSelector {
  if (owners === undefined) return LabelSelector.everything();
  const namespace = pod.metadata?.namespace ?? "";
  const podLabels = pod.metadata?.labels ?? {};
  const labelSet = new Map<string, string>();
  for (const service of owners.services(namespace)) {
    const selector = service.spec?.selector;
    if (selector === undefined) continue;
    if (!Object.entries(selector).every(([key, value]) => podLabels[key] === value)) continue;
    for (const [key, value] of Object.entries(selector)) labelSet.set(key, value);
  }
  const extra: LabelRequirement[] = [];
  const controller = pod.metadata?.ownerReferences?.find((reference) => reference.controller === true);
  const owned = `${controller?.apiVersion ?? ""}/${controller?.kind ?? ""}`;
  if (controller !== undefined) {
    if (owned === "v1/ReplicationController") {
      const selector = owners.replicationController(namespace, controller.name)?.spec?.selector;
      for (const [key, value] of Object.entries(selector ?? {})) labelSet.set(key, value);
    } else if (owned === "apps/v1/ReplicaSet" || owned === "apps/v1/StatefulSet") {
      const workload =
        owned === "apps/v1/ReplicaSet" ? owners.replicaSet(namespace, controller.name) : owners.statefulSet(namespace, controller.name);
      if (workload !== undefined) extra.push(...requirementsOf(workload.spec?.selector));
    }
  }
  const fromSet: LabelRequirement[] = [...labelSet].map(([key, value]) => ({ key, operator: "=", values: [value] }));
  return LabelSelector.fromRequirements([...fromSet, ...extra]);
}

/** A controller's selector that cannot be parsed, or is absent, adds nothing. */
function requirementsOf(selector: Parameters<typeof labelSelectorFromObject>[0]): readonly LabelRequirement[] {
  try {
    const parsed = labelSelectorFromObject(selector);
    return parsed.isNothing() ? [] : parsed.requirements;
  } catch {
    return [];
  }
}

function nodeInclusion(pod: PodInfo, constraint: TopologySpreadConstraint): (nodeInfo: NodeInfo) => boolean {
  const honorAffinity = (constraint.nodeAffinityPolicy ?? "Honor") === "Honor";
  const honorTaints = (constraint.nodeTaintsPolicy ?? "Ignore") === "Honor";
  const affinity = honorAffinity ? requiredNodeCheck(pod) : undefined;
  const tolerations = pod.pod.spec?.tolerations ?? [];
  return (nodeInfo) => {
    if (affinity !== undefined && !affinity(nodeInfo)) return false;
    if (!honorTaints) return true;
    for (const taint of nodeInfo.taints) {
      if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
      if (!tolerationsTolerateTaint(tolerations, taint)) return false;
    }
    return true;
  };
}

/** matchLabelKeys pin the selector to the incoming pod's own values of those labels. */
function constraintSelector(constraint: TopologySpreadConstraint, podLabels: Readonly<Record<string, string>>): LabelSelector {
  const selector = labelSelectorFromObject(constraint.labelSelector);
  const pinned: LabelRequirement[] = [];
  for (const key of constraint.matchLabelKeys ?? []) {
    const value = podLabels[key];
    if (value !== undefined) pinned.push({ key, operator: "=", values: [value] });
  }
  if (pinned.length === 0) return selector;
  return LabelSelector.fromRequirements(selector.isNothing() ? pinned : [...pinned, ...selector.requirements]);
}

function parseConstraints(pod: PodInfo, listed: readonly TopologySpreadConstraint[], action: Action): SpreadConstraint[] {
  return listed
    .filter((constraint) => constraint.whenUnsatisfiable === action)
    .map((constraint) => ({
      maxSkew: constraint.maxSkew,
      topologyKey: constraint.topologyKey,
      selector: constraintSelector(constraint, pod.labels),
      minDomains: constraint.minDomains ?? 1,
      counts: nodeInclusion(pod, constraint),
    }));
}

function hasAllTopologyKeys(nodeInfo: NodeInfo, constraints: readonly SpreadConstraint[]): boolean {
  for (const constraint of constraints) if (!Object.hasOwn(nodeInfo.labels, constraint.topologyKey)) return false;
  return true;
}

/** Terminating pods and pods of other namespaces never count. */
function countMatching(pods: readonly PodInfo[], selector: LabelSelector, namespace: string): number {
  let count = 0;
  for (const existing of pods) {
    if (!existing.terminating && existing.namespace === namespace && selector.matches(existing.labels)) count++;
  }
  return count;
}

function smallestCount(counts: ReadonlyMap<string, number>): number {
  let smallest = Number.POSITIVE_INFINITY;
  for (const count of counts.values()) if (count < smallest) smallest = count;
  return smallest;
}

class FilterState implements StateData {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    /** Per constraint: topology value to matching pods in that domain. */
    readonly counts: readonly Map<string, number>[],
    /** Per constraint: the smallest domain count, kept because filter reads it for every node. */
    readonly minimums: number[],
  ) {}

  static compute(pod: PodInfo, constraints: readonly SpreadConstraint[], nodeInfos: readonly NodeInfo[]): FilterState {
    const counts = constraints.map(() => new Map<string, number>());
    for (const nodeInfo of nodeInfos) {
      if (!hasAllTopologyKeys(nodeInfo, constraints)) continue;
      constraints.forEach((constraint, index) => {
        if (!constraint.counts(nodeInfo)) return;
        const domains = counts[index] as Map<string, number>;
        const value = nodeInfo.labels[constraint.topologyKey] as string;
        domains.set(value, (domains.get(value) ?? 0) + countMatching(nodeInfo.pods, constraint.selector, pod.namespace));
      });
    }
    return new FilterState(constraints, counts, counts.map(smallestCount));
  }

  clone(): StateData {
    return new FilterState(this.constraints, this.counts.map((domains) => new Map(domains)), [...this.minimums]);
  }

  /** Accounts for a pod added to or removed from a node while preemption tries victims. */
  update(pod: PodInfo, other: PodInfo, nodeInfo: NodeInfo, delta: 1 | -1): void {
    if (other.namespace !== pod.namespace || !hasAllTopologyKeys(nodeInfo, this.constraints)) return;
    this.constraints.forEach((constraint, index) => {
      if (!constraint.selector.matches(other.labels) || !constraint.counts(nodeInfo)) return;
      const domains = this.counts[index] as Map<string, number>;
      const value = nodeInfo.labels[constraint.topologyKey] as string;
      domains.set(value, (domains.get(value) ?? 0) + delta);
      this.minimums[index] = smallestCount(domains);
    });
  }

  /** Fewer eligible domains than minDomains make the global minimum 0. */
  globalMinimum(index: number): number {
    const domains = this.counts[index] as Map<string, number>;
    const constraint = this.constraints[index] as SpreadConstraint;
    return domains.size < constraint.minDomains ? 0 : (this.minimums[index] as number);
  }
}

class ScoreState implements StateData {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    /** Nodes lacking a topology key: they score 0 and stay out of normalization. */
    readonly ignored: ReadonlySet<string>,
    /** Per constraint: topology value to matching pods; hostname constraints count at score time. */
    readonly counts: readonly ReadonlyMap<string, number>[],
    /** Per constraint: log(domains + 2), so counts in many small domains weigh as much as in few big ones. */
    readonly weights: readonly number[],
  ) {}

  clone(): StateData {
    return this;
  }
}

export class PodTopologySpreadPlugin implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EventsToRegister {
  readonly name = POD_TOPOLOGY_SPREAD;
  readonly #defaultConstraints: readonly TopologySpreadConstraint[];
  /** System defaults spread over hosts even on nodes without a zone label. */
  readonly #systemDefaulted: boolean;
  readonly #owners: SpreadOwners | undefined;

  readonly preFilterExtensions: PreFilterExtensions = {
    addPod: (state, pod, added, nodeInfo) => this.#updateState(state, pod, added, nodeInfo, 1),
    removePod: (state, pod, removed, nodeInfo) => this.#updateState(state, pod, removed, nodeInfo, -1),
  };

  constructor(options: PodTopologySpreadOptions = {}) {
    this.#defaultConstraints = options.defaultConstraints ?? SYSTEM_DEFAULT_CONSTRAINTS;
    this.#systemDefaulted = options.defaultConstraints === undefined;
    this.#owners = options.owners;
  }

  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): { status: Status } {
    let constraints: SpreadConstraint[];
    try {
      constraints = this.#constraints(pod, "DoNotSchedule");
    } catch (error) {
      return { status: errorStatus(error) };
    }
    if (constraints.length === 0) return { status: SKIP };
    state.write(PRE_FILTER_KEY, FilterState.compute(pod, constraints, snapshot.nodeInfos));
    return { status: SUCCESS };
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const filterState = state.read<FilterState>(PRE_FILTER_KEY);
    if (filterState === undefined) return errorStatus(new Error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`));
    for (let index = 0; index < filterState.constraints.length; index++) {
      const constraint = filterState.constraints[index] as SpreadConstraint;
      const value = nodeInfo.labels[constraint.topologyKey];
      if (value === undefined) return nodeLabelMismatch;
      const selfMatch = constraint.selector.matches(pod.labels) ? 1 : 0;
      const matching = filterState.counts[index]?.get(value) ?? 0;
      if (matching + selfMatch - filterState.globalMinimum(index) > constraint.maxSkew) return constraintsMismatch;
    }
    return SUCCESS;
  }

  #updateState(state: CycleState, pod: PodInfo, other: PodInfo, nodeInfo: NodeInfo, delta: 1 | -1): Status {
    state.read<FilterState>(PRE_FILTER_KEY)?.update(pod, other, nodeInfo, delta);
    return SUCCESS;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status {
    if (snapshot.nodeInfos.length === 0) return SKIP;
    let constraints: SpreadConstraint[];
    try {
      constraints = this.#constraints(pod, "ScheduleAnyway");
    } catch (error) {
      return errorStatus(error);
    }
    if (constraints.length === 0) return SKIP;
    const requireAllTopologies = (pod.pod.spec?.topologySpreadConstraints ?? []).length > 0 || !this.#systemDefaulted;
    const ignored = new Set<string>();
    const counts = constraints.map(() => new Map<string, number>());
    for (const nodeInfo of nodes) {
      if (requireAllTopologies && !hasAllTopologyKeys(nodeInfo, constraints)) {
        ignored.add(nodeInfo.name);
        continue;
      }
      constraints.forEach((constraint, index) => {
        if (constraint.topologyKey !== HOSTNAME_LABEL) counts[index]?.set(nodeInfo.labels[constraint.topologyKey] ?? "", 0);
      });
    }
    const weights = constraints.map((constraint, index) => {
      const domains = constraint.topologyKey === HOSTNAME_LABEL ? nodes.length - ignored.size : (counts[index]?.size ?? 0);
      return Math.log(domains + 2);
    });
    // Every node counts toward the domains of the candidates, not only the candidates themselves.
    for (const nodeInfo of snapshot.nodeInfos) {
      if (requireAllTopologies && !hasAllTopologyKeys(nodeInfo, constraints)) continue;
      constraints.forEach((constraint, index) => {
        if (!constraint.counts(nodeInfo)) return;
        const domains = counts[index] as Map<string, number>;
        const value = nodeInfo.labels[constraint.topologyKey] ?? "";
        const known = domains.get(value);
        if (known !== undefined) domains.set(value, known + countMatching(nodeInfo.pods, constraint.selector, pod.namespace));
      });
    }
    state.write(PRE_SCORE_KEY, new ScoreState(constraints, ignored, counts, weights));
    return SUCCESS;
  }

  /** More matching pods in the node's domains means a higher raw score; normalization reverses it. */
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const scoreState = state.read<ScoreState>(PRE_SCORE_KEY);
    if (scoreState === undefined || scoreState.ignored.has(nodeInfo.name)) return 0;
    let total = 0;
    scoreState.constraints.forEach((constraint, index) => {
      const value = nodeInfo.labels[constraint.topologyKey];
      if (value === undefined) return;
      const matching =
        constraint.topologyKey === HOSTNAME_LABEL
          ? countMatching(nodeInfo.pods, constraint.selector, pod.namespace)
          : (scoreState.counts[index]?.get(value) ?? 0);
      // maxSkew - 1 waters down small differences between domains.
      total += matching * (scoreState.weights[index] as number) + (constraint.maxSkew - 1);
    });
    return Math.round(total);
  }

  normalizeScores(state: CycleState, _pod: PodInfo, scores: number[], nodes: readonly NodeInfo[]): Status {
    const scoreState = state.read<ScoreState>(PRE_SCORE_KEY);
    if (scoreState === undefined) return SUCCESS;
    const counted = (index: number) => !scoreState.ignored.has(nodes[index]?.name ?? "");
    let lowest = Number.POSITIVE_INFINITY;
    let highest = 0;
    scores.forEach((score, index) => {
      if (!counted(index)) return;
      lowest = Math.min(lowest, score);
      highest = Math.max(highest, score);
    });
    for (let index = 0; index < scores.length; index++) {
      if (!counted(index)) scores[index] = 0;
      else if (highest === 0) scores[index] = MAX_NODE_SCORE;
      else scores[index] = Math.trunc((MAX_NODE_SCORE * (highest + lowest - (scores[index] as number))) / highest);
    }
    return SUCCESS;
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: "Pod", action: "Add" },
      { resource: "Pod", action: "Update" },
      { resource: "Pod", action: "Delete" },
      { resource: "Node", action: "Add" },
      { resource: "Node", action: "Delete" },
      { resource: "Node", action: "UpdateNodeLabel" },
      { resource: "Node", action: "UpdateNodeTaint" },
    ];
  }

  /** The pod's own constraints of one kind, or else the defaults spread by what the pod belongs to. */
  #constraints(pod: PodInfo, action: Action): SpreadConstraint[] {
    const own = pod.pod.spec?.topologySpreadConstraints ?? [];
    if (own.length > 0) return parseConstraints(pod, own, action);
    if (!this.#defaultConstraints.some((constraint) => constraint.whenUnsatisfiable === action)) return [];
    // A pod that no service or controller selects (most bare pods) has no defaults: no parsing for it.
    const selector = defaultSpreadSelector(pod.pod, this.#owners);
    if (selector.isEmpty()) return [];
    return parseConstraints(pod, this.#defaultConstraints, action).map((constraint) => ({ ...constraint, selector }));
  }
}
