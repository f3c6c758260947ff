// NodeName: a pod that names its node fits only there.
import type { NodeInfo } from "../framework/node-info.ts";
import type { ClusterEvent, EventsToRegister, FilterPlugin } from "../framework/plugin.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import { SUCCESS, status, type Status } from "../framework/status.ts";

export const NODE_NAME = "NodeName";
export const NODE_NAME_MISMATCH = "node(s) didn't match the requested node name";
const mismatch = status("UnschedulableAndUnresolvable", NODE_NAME_MISMATCH);

export class NodeNamePlugin implements FilterPlugin, EventsToRegister {
  readonly name = NODE_NAME;

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const wanted = pod.pod.spec?.nodeName;
    return !wanted || wanted === nodeInfo.name ? SUCCESS : mismatch;
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [{ resource: "Node", action: "Add" }];
  }
}
