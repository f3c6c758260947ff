// Extension points of a scheduling profile. A plugin implements only the
// points it uses; the framework finds them by their method names.
import type { CycleState } from "./cycle-state.ts";
import type { NodeInfo } from "./node-info.ts";
import type { PodInfo } from "./pod-info.ts";
import type { Snapshot } from "./snapshot.ts";
import type { Status } from "./status.ts";

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface Plugin {
  readonly name: string;
}

/** A pod waiting in the scheduling queue. */
export interface QueuedPodInfo {
  readonly podInfo: PodInfo;
  /** When the pod (re-)entered the queue, in ms; orders pods of equal priority. */
  timestamp: number;
  /** Scheduling attempts so far; drives the back-off. */
  attempts: number;
  /** Plugins that rejected the pod in its last attempt; only events they care about requeue it. */
  unschedulablePlugins: ReadonlySet<string>;
}

export interface QueueSortPlugin extends Plugin {
  less(left: QueuedPodInfo, right: QueuedPodInfo): boolean;
}

export interface PreFilterResult {
  /** When present, only these nodes can possibly fit the pod. */
  readonly nodeNames?: ReadonlySet<string>;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): { status: Status; result?: PreFilterResult };
  /** Keeps pre-filter state right while preemption tries removing or re-adding pods on a node. */
  readonly preFilterExtensions?: PreFilterExtensions;
}

export interface PreFilterExtensions {
  addPod(state: CycleState, pod: PodInfo, added: PodInfo, nodeInfo: NodeInfo): Status;
  removePod(state: CycleState, pod: PodInfo, removed: PodInfo, nodeInfo: NodeInfo): Status;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status;
}

/** A node's filter verdict with the plugin that gave it. */
export interface NodeStatus {
  readonly status: Status;
  readonly plugin: string;
}

export interface PostFilterResult {
  readonly nominatedNodeName?: string;
  /** Pods to delete so the nominated node fits. */
  readonly victims?: readonly PodInfo[];
}

/** What a post-filter plugin (preemption) may ask the framework to run. */
export interface FilterRunner {
  runFilterPlugins(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): NodeStatus | undefined;
  runPreFilterAddPod(state: CycleState, pod: PodInfo, added: PodInfo, nodeInfo: NodeInfo): Status;
  runPreFilterRemovePod(state: CycleState, pod: PodInfo, removed: PodInfo, nodeInfo: NodeInfo): Status;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(
    state: CycleState,
    pod: PodInfo,
    snapshot: Snapshot,
    nodeStatuses: ReadonlyMap<string, NodeStatus>,
    runner: FilterRunner,
  ): { status: Status; result?: PostFilterResult };
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number;
  /** Rescales raw scores (aligned with the scored nodes) to 0..100 in place. */
  normalizeScores?(state: CycleState, pod: PodInfo, scores: number[], nodes: readonly NodeInfo[]): Status;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Wait asks the binding cycle to hold the pod up to timeoutMs for an allow. */
  permit(state: CycleState, pod: PodInfo, nodeName: string): { status: Status; timeoutMs: number };
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

export interface BindPlugin extends Plugin {
  /** Skip passes the pod to the next bind plugin. */
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

export type ClusterEventResource = "Pod" | "Node" | "Namespace" | "PersistentVolume" | "PersistentVolumeClaim" | "StorageClass";

export type ClusterEventAction =
  | "Add"
  | "Delete"
  | "UpdateNodeLabel"
  | "UpdateNodeTaint"
  | "UpdateNodeAllocatable"
  | "UpdatePodLabel"
  | "UpdatePodScaleDown"
  | "Update";

/** "Pod" events concern pods already bound to nodes: they change what other pods can fit. */
export interface ClusterEvent {
  readonly resource: ClusterEventResource;
  readonly action: ClusterEventAction;
}

export interface EventsToRegister {
  /** The events after which a pod this plugin rejected may fit. */
  eventsToRegister(): readonly ClusterEvent[];
}

export function eventMatches(registered: ClusterEvent, happened: ClusterEvent): boolean {
  if (registered.resource !== happened.resource) return false;
  if (registered.action === happened.action) return true;
  return registered.action === "Update" && happened.action.startsWith("Update");
}

export type AnyPlugin = Plugin &
  Partial<
    Omit<QueueSortPlugin, "name"> &
      Omit<PreFilterPlugin, "name"> &
      Omit<FilterPlugin, "name"> &
      Omit<PostFilterPlugin, "name"> &
      Omit<PreScorePlugin, "name"> &
      Omit<ScorePlugin, "name"> &
      Omit<ReservePlugin, "name"> &
      Omit<PermitPlugin, "name"> &
      Omit<PreBindPlugin, "name"> &
      Omit<BindPlugin, "name"> &
      EventsToRegister
  >;
