// PrioritySort: the queue serves higher-priority pods first, and pods of equal
// priority in the order they arrived.
import type { QueuedPodInfo, QueueSortPlugin } from "../framework/plugin.ts";

export const PRIORITY_SORT = "PrioritySort";

export class PrioritySortPlugin implements QueueSortPlugin {
  readonly name = PRIORITY_SORT;

  less(left: QueuedPodInfo, right: QueuedPodInfo): boolean {
    const leftPriority = left.podInfo.priority;
    const rightPriority = right.podInfo.priority;
    return leftPriority > rightPriority || (leftPriority === rightPriority && left.timestamp < right.timestamp);
  }
}
