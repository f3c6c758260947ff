// NodeAffinity: spec.nodeSelector and required node affinity filter nodes;
// preferred terms add their weights to a node's score.
import type { CycleState, StateData } from "../framework/cycle-state.ts";
import type { NodeInfo } from "../framework/node-info.ts";
import type {
  ClusterEvent,
  EventsToRegister,
  FilterPlugin,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from "../framework/plugin.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import { SKIP, SUCCESS, status, type Status } from "../framework/status.ts";
import { compileNodeSelectorTerm, compileNodeSelectorTerms, type NodeCheck } from "./node-selector.ts";
import { defaultNormalizeScore } from "./normalize-score.ts";

export const NODE_AFFINITY = "NodeAffinity";
export const NODE_AFFINITY_MISMATCH = "node(s) didn't match Pod's node affinity/selector";
const PRE_FILTER_KEY = "PreFilter" + NODE_AFFINITY;
const PRE_SCORE_KEY = "PreScore" + NODE_AFFINITY;
const mismatch = status("UnschedulableAndUnresolvable", NODE_AFFINITY_MISMATCH);

class Compiled<T> implements StateData {
  constructor(readonly value: T) {}

  clone(): StateData {
    return this;
  }
}

/** nodeSelector and required affinity together; both must hold. */
export function requiredNodeCheck(pod: PodInfo): NodeCheck | undefined {
  const spec = pod.pod.spec;
  const selector = Object.entries(spec?.nodeSelector ?? {});
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const affinity = terms === undefined ? undefined : compileNodeSelectorTerms(terms);
  if (selector.length === 0 && affinity === undefined) return undefined;
  return (node) => {
    for (const [key, value] of selector) if (node.labels[key] !== value) return false;
    return affinity === undefined || affinity(node);
  };
}

interface PreferredTerm {
  readonly weight: number;
  readonly matches: NodeCheck;
}

export class NodeAffinityPlugin implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EventsToRegister {
  readonly name = NODE_AFFINITY;

  preFilter(state: CycleState, pod: PodInfo): { status: Status } {
    const check = requiredNodeCheck(pod);
    if (check === undefined) return { status: SKIP };
    state.write(PRE_FILTER_KEY, new Compiled(check));
    return { status: SUCCESS };
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const check = state.read<Compiled<NodeCheck>>(PRE_FILTER_KEY)?.value ?? requiredNodeCheck(pod);
    return check === undefined || check(nodeInfo) ? SUCCESS : mismatch;
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const terms: PreferredTerm[] = preferred
      .filter((term) => term.weight !== 0)
      .map((term) => ({ weight: term.weight, matches: compileNodeSelectorTerm(term.preference) }));
    if (terms.length === 0) return SKIP;
    state.write(PRE_SCORE_KEY, new Compiled(terms));
    return SUCCESS;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const terms = state.read<Compiled<PreferredTerm[]>>(PRE_SCORE_KEY)?.value ?? [];
    let total = 0;
    for (const term of terms) if (term.matches(nodeInfo)) total += term.weight;
    return total;
  }

  normalizeScores(_state: CycleState, _pod: PodInfo, scores: number[]): Status {
    defaultNormalizeScore(scores, false);
    return SUCCESS;
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: "Node", action: "Add" },
      { resource: "Node", action: "UpdateNodeLabel" },
    ];
  }
}
