// Runs one profile's plugins over a pod: the scheduling cycle (pre-filter,
// filter, post-filter, pre-score, score, normalize, select host) as a pure
// function of the snapshot, and the reserve/permit/bind points for the shell.
import type { CycleState } from "./cycle-state.ts";
import { FitError } from "./fit-error.ts";
import type { NodeInfo } from "./node-info.ts";
import { numFeasibleNodesToFind } from "./nodes-to-score.ts";
import {
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
  type AnyPlugin,
  type BindPlugin,
  type ClusterEvent,
  type FilterPlugin,
  type FilterRunner,
  type NodeStatus,
  type PermitPlugin,
  type PostFilterPlugin,
  type PreBindPlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  type QueueSortPlugin,
  type QueuedPodInfo,
  type ReservePlugin,
  type ScorePlugin,
} from "./plugin.ts";
import type { PodInfo } from "./pod-info.ts";
import type { Snapshot } from "./snapshot.ts";
import { SchedulingError, SUCCESS, isRejection, status, statusMessage, type Status } from "./status.ts";

export interface Profile {
  readonly schedulerName: string;
  /** In the order they run at each extension point. */
  readonly plugins: readonly AnyPlugin[];
  /** Score plugin weights; a plugin left out weighs 1. */
  readonly scoreWeights?: ReadonlyMap<string, number>;
  /** 0 or absent: the adaptive default. */
  readonly percentageOfNodesToScore?: number;
}

export type ScheduleResult =
  | { readonly kind: "Scheduled"; readonly nodeName: string; readonly evaluatedNodes: number; readonly feasibleNodes: number }
  | {
      readonly kind: "Unschedulable";
      readonly error: FitError;
      /** Set when preemption found room: the pod waits for its victims to go. */
      readonly nominatedNodeName?: string;
      readonly victims: readonly PodInfo[];
    }
  | { readonly kind: "Error"; readonly error: SchedulingError };

interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

function implementsPoint<T>(plugin: AnyPlugin, method: string): plugin is AnyPlugin & T {
  return typeof (plugin as unknown as Record<string, unknown>)[method] === "function";
}

export class Framework implements FilterRunner {
  readonly profile: Profile;
  readonly #random: () => number;
  readonly #queueSort: QueueSortPlugin | undefined;
  readonly #preFilter: readonly PreFilterPlugin[];
  readonly #filter: readonly FilterPlugin[];
  readonly #postFilter: readonly PostFilterPlugin[];
  readonly #preScore: readonly PreScorePlugin[];
  readonly #score: readonly WeightedScorePlugin[];
  readonly #reserve: readonly ReservePlugin[];
  readonly #permit: readonly PermitPlugin[];
  readonly #preBind: readonly PreBindPlugin[];
  readonly #bind: readonly BindPlugin[];
  /** Filtering resumes where the last cycle stopped, so partial searches spread over all nodes. */
  nextStartNodeIndex = 0;

  /** random returns [0, 1) and breaks ties between equally scored nodes. */
  constructor(profile: Profile, random: () => number = Math.random) {
    this.profile = profile;
    this.#random = random;
    const plugins = profile.plugins;
    this.#queueSort = plugins.find((plugin) => implementsPoint<QueueSortPlugin>(plugin, "less")) as QueueSortPlugin | undefined;
    this.#preFilter = plugins.filter((plugin) => implementsPoint<PreFilterPlugin>(plugin, "preFilter")) as PreFilterPlugin[];
    this.#filter = plugins.filter((plugin) => implementsPoint<FilterPlugin>(plugin, "filter")) as FilterPlugin[];
    this.#postFilter = plugins.filter((plugin) => implementsPoint<PostFilterPlugin>(plugin, "postFilter")) as PostFilterPlugin[];
    this.#preScore = plugins.filter((plugin) => implementsPoint<PreScorePlugin>(plugin, "preScore")) as PreScorePlugin[];
    this.#score = (plugins.filter((plugin) => implementsPoint<ScorePlugin>(plugin, "score")) as ScorePlugin[]).map((plugin) => {
      const weight = profile.scoreWeights?.get(plugin.name) ?? 1;
      if (!Number.isInteger(weight) || weight <= 0) {
        throw new SchedulingError(`score plugin ${plugin.name} has weight ${weight}; weights are positive integers`);
      }
      return { plugin, weight };
    });
    this.#reserve = plugins.filter((plugin) => implementsPoint<ReservePlugin>(plugin, "reserve")) as ReservePlugin[];
    this.#permit = plugins.filter((plugin) => implementsPoint<PermitPlugin>(plugin, "permit")) as PermitPlugin[];
    this.#preBind = plugins.filter((plugin) => implementsPoint<PreBindPlugin>(plugin, "preBind")) as PreBindPlugin[];
    this.#bind = plugins.filter((plugin) => implementsPoint<BindPlugin>(plugin, "bind")) as BindPlugin[];
  }

  /** Queue order: the profile's queue-sort plugin, else higher priority first, then earlier arrival. */
  less(left: QueuedPodInfo, right: QueuedPodInfo): boolean {
    if (this.#queueSort !== undefined) return this.#queueSort.less(left, right);
    const leftPriority = left.podInfo.priority;
    const rightPriority = right.podInfo.priority;
    return leftPriority > rightPriority || (leftPriority === rightPriority && left.timestamp < right.timestamp);
  }

  /** The events after which a pod rejected by these plugins may fit; every plugin's events when none is named. */
  eventsFor(pluginNames: ReadonlySet<string>): ClusterEvent[] {
    const events: ClusterEvent[] = [];
    for (const plugin of this.profile.plugins) {
      if (pluginNames.size > 0 && !pluginNames.has(plugin.name)) continue;
      events.push(...(plugin.eventsToRegister?.() ?? []));
    }
    return events;
  }

  schedulePod(state: CycleState, pod: PodInfo, snapshot: Snapshot): ScheduleResult {
    try {
      return this.#schedulePod(state, pod, snapshot);
    } catch (error) {
      const schedulingError =
        error instanceof SchedulingError ? error : new SchedulingError(`scheduling ${pod.key}: ${String(error)}`, { cause: error });
      return { kind: "Error", error: schedulingError };
    }
  }

  #schedulePod(state: CycleState, pod: PodInfo, snapshot: Snapshot): ScheduleResult {
    const allNodes = snapshot.nodeInfos;
    if (allNodes.length === 0) {
      const error = new FitError({ numAllNodes: 0, nodeStatuses: new Map(), unschedulablePlugins: new Set() });
      return { kind: "Unschedulable", error, victims: [] };
    }
    const skippedFilters = new Set<string>();
    let candidates: readonly NodeInfo[] = allNodes;
    for (const plugin of this.#preFilter) {
      const { status: verdict, result } = plugin.preFilter(state, pod, snapshot);
      if (verdict.code === "Skip") {
        skippedFilters.add(plugin.name);
        continue;
      }
      if (isRejection(verdict)) {
        const nodeStatus: NodeStatus = { status: verdict, plugin: plugin.name };
        return this.#unschedulable(state, pod, snapshot, {
          numAllNodes: allNodes.length,
          nodeStatuses: new Map(allNodes.map((node) => [node.name, nodeStatus])),
          preFilterMessage: statusMessage(verdict),
          unschedulablePlugins: new Set([plugin.name]),
        });
      }
      if (verdict.code !== "Success") throw pluginFailure(plugin.name, "PreFilter", verdict);
      const allowed = result?.nodeNames;
      if (allowed !== undefined) candidates = candidates.filter((node) => allowed.has(node.name));
    }
    state.skipFilterPlugins = skippedFilters;
    const filters = this.#filter.filter((plugin) => !skippedFilters.has(plugin.name));
    const { feasible, nodeStatuses, unschedulablePlugins } = this.#findFeasibleNodes(state, pod, candidates, filters);
    if (feasible.length === 0) {
      return this.#unschedulable(state, pod, snapshot, { numAllNodes: allNodes.length, nodeStatuses, unschedulablePlugins });
    }
    const evaluatedNodes = feasible.length + nodeStatuses.size;
    if (feasible.length === 1) {
      return { kind: "Scheduled", nodeName: (feasible[0] as NodeInfo).name, evaluatedNodes, feasibleNodes: 1 };
    }
    const totals = this.#prioritize(state, pod, feasible, snapshot);
    return { kind: "Scheduled", nodeName: this.#selectHost(feasible, totals), evaluatedNodes, feasibleNodes: feasible.length };
  }

  #findFeasibleNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], filters: readonly FilterPlugin[]) {
    const wanted = numFeasibleNodesToFind(nodes.length, this.profile.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const nodeStatuses = new Map<string, NodeStatus>();
    const unschedulablePlugins = new Set<string>();
    const count = nodes.length;
    const start = count === 0 ? 0 : this.nextStartNodeIndex % count;
    let processed = 0;
    for (; processed < count && feasible.length < wanted; processed++) {
      const nodeInfo = nodes[(start + processed) % count] as NodeInfo;
      const failure = this.#runFilters(state, pod, nodeInfo, filters);
      if (failure === undefined) {
        feasible.push(nodeInfo);
      } else {
        nodeStatuses.set(nodeInfo.name, failure);
        unschedulablePlugins.add(failure.plugin);
      }
    }
    if (count > 0) this.nextStartNodeIndex = (start + processed) % count;
    return { feasible, nodeStatuses, unschedulablePlugins };
  }

  #runFilters(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo, filters: readonly FilterPlugin[]): NodeStatus | undefined {
    for (let index = 0; index < filters.length; index++) {
      const plugin = filters[index] as FilterPlugin;
      const verdict = plugin.filter(state, pod, nodeInfo);
      if (verdict.code === "Success") continue;
      if (!isRejection(verdict)) throw pluginFailure(plugin.name, "Filter", verdict);
      return { status: verdict, plugin: plugin.name };
    }
    return undefined;
  }

  runFilterPlugins(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): NodeStatus | undefined {
    const skipped = state.skipFilterPlugins;
    const filters = skipped.size === 0 ? this.#filter : this.#filter.filter((plugin) => !skipped.has(plugin.name));
    return this.#runFilters(state, pod, nodeInfo, filters);
  }

  runPreFilterAddPod(state: CycleState, pod: PodInfo, added: PodInfo, nodeInfo: NodeInfo): Status {
    for (const plugin of this.#preFilter) {
      const verdict = plugin.preFilterExtensions?.addPod(state, pod, added, nodeInfo) ?? SUCCESS;
      if (verdict.code !== "Success") return verdict;
    }
    return SUCCESS;
  }

  runPreFilterRemovePod(state: CycleState, pod: PodInfo, removed: PodInfo, nodeInfo: NodeInfo): Status {
    for (const plugin of this.#preFilter) {
      const verdict = plugin.preFilterExtensions?.removePod(state, pod, removed, nodeInfo) ?? SUCCESS;
      if (verdict.code !== "Success") return verdict;
    }
    return SUCCESS;
  }

  #unschedulable(
    state: CycleState,
    pod: PodInfo,
    snapshot: Snapshot,
    diagnosis: ConstructorParameters<typeof FitError>[0],
  ): ScheduleResult {
    const reasons: string[] = [];
    let nominatedNodeName: string | undefined;
    let victims: readonly PodInfo[] = [];
    for (const plugin of this.#postFilter) {
      const { status: verdict, result } = plugin.postFilter(state, pod, snapshot, diagnosis.nodeStatuses, this);
      if (verdict.code === "Success") {
        nominatedNodeName = result?.nominatedNodeName;
        victims = result?.victims ?? [];
        reasons.length = 0;
        break;
      }
      if (!isRejection(verdict)) throw pluginFailure(plugin.name, "PostFilter", verdict);
      reasons.push(...verdict.reasons);
      if (verdict.code === "UnschedulableAndUnresolvable") break;
    }
    const postFilterMessage = reasons.join(", ");
    const error = new FitError(postFilterMessage === "" ? diagnosis : { ...diagnosis, postFilterMessage });
    return nominatedNodeName === undefined
      ? { kind: "Unschedulable", error, victims }
      : { kind: "Unschedulable", error, nominatedNodeName, victims };
  }

  #prioritize(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): number[] {
    const skippedScores = new Set<string>();
    for (const plugin of this.#preScore) {
      const verdict = plugin.preScore(state, pod, nodes, snapshot);
      if (verdict.code === "Skip") skippedScores.add(plugin.name);
      else if (verdict.code !== "Success") throw pluginFailure(plugin.name, "PreScore", verdict);
    }
    const totals = new Array<number>(nodes.length).fill(0);
    const scores = new Array<number>(nodes.length);
    for (const { plugin, weight } of this.#score) {
      if (skippedScores.has(plugin.name)) continue;
      for (let index = 0; index < nodes.length; index++) scores[index] = plugin.score(state, pod, nodes[index] as NodeInfo);
      if (plugin.normalizeScores !== undefined) {
        const verdict = plugin.normalizeScores(state, pod, scores, nodes);
        if (verdict.code !== "Success") throw pluginFailure(plugin.name, "NormalizeScore", verdict);
      }
      for (let index = 0; index < nodes.length; index++) {
        const score = scores[index] as number;
        if (!(score >= MIN_NODE_SCORE && score <= MAX_NODE_SCORE)) {
          throw new SchedulingError(
            `plugin ${plugin.name} returns an invalid score ${score}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`,
          );
        }
        totals[index] = (totals[index] as number) + score * weight;
      }
    }
    return totals;
  }

  /**
   * The best total wins; among equals each has the same chance. One draw per
   * cycle, not one per tie (fresh clusters tie on hundreds of nodes); the draw
   * counts from the last tie, so 0 and ~1 pick what reservoir sampling fed the
   * same draw at every tie would pick.
   */
  #selectHost(nodes: readonly NodeInfo[], totals: readonly number[]): string {
    let best = totals[0] as number;
    let ties = 1;
    for (let index = 1; index < nodes.length; index++) {
      const total = totals[index] as number;
      if (total > best) {
        best = total;
        ties = 1;
      } else if (total === best) {
        ties++;
      }
    }
    let skip = ties - 1 - Math.min(ties - 1, Math.floor(this.#random() * ties));
    for (let index = 0; index < nodes.length; index++) {
      if (totals[index] === best && skip-- === 0) return (nodes[index] as NodeInfo).name;
    }
    throw new SchedulingError("no node has the best score");
  }

  /** Stops at the first failure; the caller then runs unreserve. */
  runReserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (const plugin of this.#reserve) {
      const verdict = plugin.reserve(state, pod, nodeName);
      if (verdict.code !== "Success") return withPluginReason(plugin.name, verdict);
    }
    return SUCCESS;
  }

  /** In reverse order, so later reservations are undone first. */
  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let index = this.#reserve.length - 1; index >= 0; index--) {
      (this.#reserve[index] as ReservePlugin).unreserve(state, pod, nodeName);
    }
  }

  /** A rejection wins at once; otherwise Wait with the shortest timeout any plugin asked for. */
  runPermit(state: CycleState, pod: PodInfo, nodeName: string): { status: Status; timeoutMs: number } {
    let waitMs: number | undefined;
    for (const plugin of this.#permit) {
      const { status: verdict, timeoutMs } = plugin.permit(state, pod, nodeName);
      if (verdict.code === "Wait") waitMs = Math.min(waitMs ?? timeoutMs, timeoutMs);
      else if (verdict.code !== "Success" && verdict.code !== "Skip") return { status: withPluginReason(plugin.name, verdict), timeoutMs: 0 };
    }
    return waitMs === undefined ? { status: SUCCESS, timeoutMs: 0 } : { status: status("Wait"), timeoutMs: waitMs };
  }

  async runPreBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const plugin of this.#preBind) {
      const verdict = await plugin.preBind(state, pod, nodeName);
      if (verdict.code !== "Success" && verdict.code !== "Skip") return withPluginReason(plugin.name, verdict);
    }
    return SUCCESS;
  }

  /** The first bind plugin that does not skip binds the pod. */
  async runBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const plugin of this.#bind) {
      const verdict = await plugin.bind(state, pod, nodeName);
      if (verdict.code !== "Skip") return verdict.code === "Success" ? verdict : withPluginReason(plugin.name, verdict);
    }
    return status("Skip", "all bind plugins skipped");
  }
}

function pluginFailure(pluginName: string, point: string, verdict: Status): SchedulingError {
  return new SchedulingError(`running ${point} plugin ${pluginName}: ${statusMessage(verdict)}`, { cause: verdict.cause });
}

function withPluginReason(pluginName: string, verdict: Status): Status {
  return verdict.reasons.length > 0 ? verdict : status(verdict.code, `rejected by plugin ${pluginName}`);
}
