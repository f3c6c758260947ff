// NodePorts: a host port (protocol, port, address) can be bound by one pod
// per node; 0.0.0.0 clashes with every address.
import type { NodeInfo } from "../framework/node-info.ts";
import type { ClusterEvent, EventsToRegister, FilterPlugin } from "../framework/plugin.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import { SUCCESS, status, type Status } from "../framework/status.ts";

export const NODE_PORTS = "NodePorts";
export const NODE_PORTS_CONFLICT = "node(s) didn't have free ports for the requested pod ports";
const conflict = status("Unschedulable", NODE_PORTS_CONFLICT);

export class NodePortsPlugin implements FilterPlugin, EventsToRegister {
  readonly name = NODE_PORTS;

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): Status {
    for (const port of pod.hostPorts) if (nodeInfo.portConflicts(port)) return conflict;
    return SUCCESS;
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: "Pod", action: "Delete" },
      { resource: "Node", action: "Add" },
    ];
  }
}
