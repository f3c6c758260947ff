// NodeUnschedulable: a cordoned node takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import type { NodeInfo } from "../framework/node-info.ts";
import type { ClusterEvent, EventsToRegister, FilterPlugin } from "../framework/plugin.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import { SUCCESS, status, type Status } from "../framework/status.ts";
import { tolerationsTolerateTaint } from "./tolerations.ts";

export const NODE_UNSCHEDULABLE = "NodeUnschedulable";
export const NODE_UNSCHEDULABLE_REASON = "node(s) were unschedulable";
const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };
const cordoned = status("UnschedulableAndUnresolvable", NODE_UNSCHEDULABLE_REASON);

export class NodeUnschedulablePlugin implements FilterPlugin, EventsToRegister {
  readonly name = NODE_UNSCHEDULABLE;

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): Status {
    if (!nodeInfo.unschedulable) return SUCCESS;
    return tolerationsTolerateTaint(pod.pod.spec?.tolerations ?? [], UNSCHEDULABLE_TAINT) ? SUCCESS : cordoned;
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: "Node", action: "Add" },
      { resource: "Node", action: "UpdateNodeTaint" },
    ];
  }
}
