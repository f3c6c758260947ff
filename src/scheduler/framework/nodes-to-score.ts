// How many feasible nodes a cycle looks for before it stops filtering: small
// clusters are searched fully; big ones only in part, a share that shrinks as
// the cluster grows (kube-scheduler's adaptive percentageOfNodesToScore).

const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;
const ADAPTIVE_BASE_PERCENTAGE = 50;
const NODES_PER_PERCENT_DROP = 125;

/** percentage 0 (or absent) means "adaptive"; 100 means every node. */
export function numFeasibleNodesToFind(allNodes: number, percentage = 0): number {
  if (allNodes < MIN_FEASIBLE_NODES || percentage >= 100) return allNodes;
  let share = percentage;
  if (share <= 0) {
    share = ADAPTIVE_BASE_PERCENTAGE - Math.trunc(allNodes / NODES_PER_PERCENT_DROP);
    if (share < MIN_FEASIBLE_NODES_PERCENTAGE) share = MIN_FEASIBLE_NODES_PERCENTAGE;
  }
  const found = Math.trunc((allNodes * share) / 100);
  return found < MIN_FEASIBLE_NODES ? MIN_FEASIBLE_NODES : found;
}
