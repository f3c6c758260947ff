// The taints the node lifecycle controller keeps in step with a node's
// conditions: NoExecute not-ready/unreachable from the Ready condition (what
// the taint manager evicts on), and the NoSchedule taints upstream derives
// from conditions and spec.unschedulable (what the scheduler avoids). Taints
// anyone else set are left alone; a kept taint keeps its timeAdded.
import type { Node, Taint } from "kubernetes-types/core/v1";

export const notReadyTaintKey = "node.kubernetes.io/not-ready";
export const unreachableTaintKey = "node.kubernetes.io/unreachable";

type Effect = "NoExecute" | "NoSchedule";

/** NoSchedule taint keys by condition type and the status that sets them. */
const noScheduleByCondition: ReadonlyArray<{ type: string; status: string; key: string }> = [
  { type: "Ready", status: "False", key: notReadyTaintKey },
  { type: "Ready", status: "Unknown", key: unreachableTaintKey },
  { type: "MemoryPressure", status: "True", key: "node.kubernetes.io/memory-pressure" },
  { type: "DiskPressure", status: "True", key: "node.kubernetes.io/disk-pressure" },
  { type: "PIDPressure", status: "True", key: "node.kubernetes.io/pid-pressure" },
  { type: "NetworkUnavailable", status: "True", key: "node.kubernetes.io/network-unavailable" },
];
const unschedulableTaintKey = "node.kubernetes.io/unschedulable";

const managed: ReadonlySet<string> = new Set([
  ...[notReadyTaintKey, unreachableTaintKey].map((key) => `${key}:NoExecute`),
  ...noScheduleByCondition.map(({ key }) => `${key}:NoSchedule`),
  `${unschedulableTaintKey}:NoSchedule`,
]);

const taintId = (taint: Taint): string => `${taint.key}:${taint.effect}`;

function wantedTaints(node: Node): Array<{ key: string; effect: Effect }> {
  const conditions = node.status?.conditions ?? [];
  const statusOf = (type: string) => conditions.find((c) => c.type === type)?.status;
  const wanted: Array<{ key: string; effect: Effect }> = [];
  const ready = statusOf("Ready");
  if (ready === "False") wanted.push({ key: notReadyTaintKey, effect: "NoExecute" });
  if (ready === "Unknown") wanted.push({ key: unreachableTaintKey, effect: "NoExecute" });
  for (const { type, status, key } of noScheduleByCondition) if (statusOf(type) === status) wanted.push({ key, effect: "NoSchedule" });
  if (node.spec?.unschedulable === true) wanted.push({ key: unschedulableTaintKey, effect: "NoSchedule" });
  return wanted;
}

/** The node's taints as they should be, or undefined when they already are. */
export function reconciledTaints(node: Node, nowMs: number): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const wanted = wantedTaints(node);
  const wantedIds = new Set(wanted.map(taintId));
  const kept = current.filter((taint) => !managed.has(taintId(taint)) || wantedIds.has(taintId(taint)));
  const present = new Set(kept.map(taintId));
  const timeAdded = new Date(nowMs).toISOString().replace(/\.\d+Z$/, "Z");
  const added = wanted.filter((taint) => !present.has(taintId(taint))).map((taint): Taint => (taint.effect === "NoExecute" ? { ...taint, timeAdded } : taint));
  if (added.length === 0 && kept.length === current.length) return undefined;
  return [...kept, ...added];
}
