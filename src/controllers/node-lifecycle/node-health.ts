// Whether a node's kubelet is still alive, judged as upstream's node
// lifecycle controller does: by when this controller last *saw* the Lease's
// renewTime or the Ready condition's heartbeat change (its own clock, so
// clock skew between machines does not matter). Silence longer than the
// grace period (the startup grace period for a node that never posted a
// Ready condition) turns the node's kubelet-owned conditions Unknown.
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node, NodeCondition } from "kubernetes-types/core/v1";

/** What the controller remembers of a node between syncs. */
export interface HealthProbe {
  /** When a sign of life was last observed, on the controller's clock. */
  observedAtMs: number;
  heartbeat: string | undefined;
  renewTime: string | undefined;
}

export interface HealthInput {
  node: Node;
  lease: Lease | undefined;
  previous: HealthProbe | undefined;
  nowMs: number;
  gracePeriodMs: number;
  startupGracePeriodMs: number;
}

export interface HealthVerdict {
  probe: HealthProbe;
  /** The node's new status.conditions, when it must change. */
  conditions?: NodeCondition[];
  /** How long until silence would exceed the grace period, while it has not yet. */
  recheckAfterMs?: number;
}

export const kubeletConditionTypes = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] as const;

const timestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

function parseTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

export function judgeNodeHealth(input: HealthInput): HealthVerdict {
  const { node, lease, previous, nowMs } = input;
  const conditions = node.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === "Ready");
  const heartbeat = ready?.lastHeartbeatTime;
  const renewTime = lease?.spec?.renewTime;
  const created = parseTime(node.metadata?.creationTimestamp) ?? nowMs;
  let observedAtMs: number;
  if (previous === undefined) observedAtMs = ready === undefined ? Math.min(created, nowMs) : nowMs;
  else if (previous.heartbeat !== heartbeat || previous.renewTime !== renewTime) observedAtMs = nowMs;
  else observedAtMs = previous.observedAtMs;
  const probe: HealthProbe = { observedAtMs, heartbeat, renewTime };

  const deadline = observedAtMs + (ready === undefined ? input.startupGracePeriodMs : input.gracePeriodMs);
  if (nowMs < deadline) return { probe, recheckAfterMs: deadline - nowMs };

  const now = timestamp(nowMs);
  let changed = false;
  const updated = conditions.map((condition) => {
    if (!(kubeletConditionTypes as readonly string[]).includes(condition.type) || condition.status === "Unknown") return condition;
    changed = true;
    // The heartbeat stays: it records when the kubelet last spoke.
    return { ...condition, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: now };
  });
  for (const type of kubeletConditionTypes) {
    if (conditions.some((c) => c.type === type)) continue;
    changed = true;
    updated.push({ type, status: "Unknown", reason: "NodeStatusNeverUpdated", message: "Kubelet never posted node status.", lastHeartbeatTime: timestamp(created), lastTransitionTime: now });
  }
  return changed ? { probe, conditions: updated } : { probe };
}
