// Why no node fit, in the words of kube-scheduler's FailedScheduling event:
// "0/3 nodes are available: 3 Insufficient cpu. preemption: ...".
import type { NodeStatus } from "./plugin.ts";

export interface Diagnosis {
  readonly numAllNodes: number;
  readonly nodeStatuses: ReadonlyMap<string, NodeStatus>;
  /** Set when a pre-filter plugin rejected the pod before any node was tried. */
  readonly preFilterMessage?: string;
  /** The post-filter (preemption) verdict, already prefixed by the plugin. */
  readonly postFilterMessage?: string;
  readonly unschedulablePlugins: ReadonlySet<string>;
}

/** Upstream reports an empty cluster with its own sentence, without preemption. */
export const NO_NODES_AVAILABLE = "no nodes available to schedule pods";

export function fitErrorMessage(diagnosis: Diagnosis): string {
  if (diagnosis.numAllNodes === 0) return NO_NODES_AVAILABLE;
  let message = `0/${diagnosis.numAllNodes} nodes are available:`;
  if (diagnosis.preFilterMessage) {
    message += ` ${diagnosis.preFilterMessage}.`;
  } else {
    // A pre-filter rejection is copied onto every node, so it is reported once, above, instead.
    const histogram = reasonHistogram(diagnosis.nodeStatuses);
    if (histogram.length > 0) message += ` ${histogram.join(", ")}.`;
  }
  if (diagnosis.postFilterMessage) message += ` ${diagnosis.postFilterMessage}.`;
  return message;
}

/** "3 Insufficient cpu" entries, sorted as strings (so "10 x" sorts before "2 y", like upstream). */
export function reasonHistogram(nodeStatuses: ReadonlyMap<string, NodeStatus>): string[] {
  const counts = new Map<string, number>();
  for (const { status } of nodeStatuses.values()) {
    for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const entries = [...counts].map(([reason, count]) => `${count} ${reason}`);
  return entries.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
}

export class FitError extends Error {
  readonly reason = "Unschedulable" as const;
  readonly diagnosis: Diagnosis;

  constructor(diagnosis: Diagnosis) {
    super(fitErrorMessage(diagnosis));
    this.name = "FitError";
    this.diagnosis = diagnosis;
  }
}
