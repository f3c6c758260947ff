// TaintToleration: NoSchedule and NoExecute taints keep out pods that do not
// tolerate them; PreferNoSchedule taints only lower a node's score.
import type { Taint, Toleration } from "kubernetes-types/core/v1";
import type { CycleState, StateData } from "../framework/cycle-state.ts";
import type { NodeInfo } from "../framework/node-info.ts";
import type { ClusterEvent, EventsToRegister, FilterPlugin, PreScorePlugin, ScorePlugin } from "../framework/plugin.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import { SUCCESS, errorStatus, status, type Status } from "../framework/status.ts";
import { defaultNormalizeScore } from "./normalize-score.ts";
import { tolerationsTolerateTaint } from "./tolerations.ts";

export const TAINT_TOLERATION = "TaintToleration";
const STATE_KEY = "PreScore" + TAINT_TOLERATION;

export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`;
}

class PreferNoScheduleTolerations implements StateData {
  constructor(readonly tolerations: readonly Toleration[]) {}

  clone(): StateData {
    return this;
  }
}

export class TaintTolerationPlugin implements FilterPlugin, PreScorePlugin, ScorePlugin, EventsToRegister {
  readonly name = TAINT_TOLERATION;

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const tolerations = pod.pod.spec?.tolerations ?? [];
    for (const taint of nodeInfo.taints) {
      if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
      if (!tolerationsTolerateTaint(tolerations, taint)) {
        return status("UnschedulableAndUnresolvable", untoleratedTaintReason(taint));
      }
    }
    return SUCCESS;
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    const relevant = (pod.pod.spec?.tolerations ?? []).filter(
      (toleration) => !toleration.effect || toleration.effect === "PreferNoSchedule",
    );
    state.write(STATE_KEY, new PreferNoScheduleTolerations(relevant));
    return SUCCESS;
  }

  /** The count of PreferNoSchedule taints the pod does not tolerate; fewer is better. */
  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const tolerations = state.read<PreferNoScheduleTolerations>(STATE_KEY)?.tolerations ?? [];
    let untolerated = 0;
    for (const taint of nodeInfo.taints) {
      if (taint.effect === "PreferNoSchedule" && !tolerationsTolerateTaint(tolerations, taint)) untolerated++;
    }
    return untolerated;
  }

  normalizeScores(state: CycleState, _pod: PodInfo, scores: number[]): Status {
    if (state.read(STATE_KEY) === undefined) return errorStatus(new Error(`reading "${STATE_KEY}" from cycleState: not found`));
    defaultNormalizeScore(scores, true);
    return SUCCESS;
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: "Node", action: "Add" },
      { resource: "Node", action: "UpdateNodeTaint" },
    ];
  }
}
