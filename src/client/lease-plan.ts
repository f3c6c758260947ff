// The leader election decision on a coordination.k8s.io/v1 Lease, without
// I/O (client-go's tryAcquireOrRenew): given the Lease as read, when this
// candidate first saw it in that state, and the time, say whether to create
// it, write it (acquire or renew), or wait. Expiry is judged by the local
// clock from when the Lease last changed, never by the timestamps in it, so
// clock skew between machines does not matter.
import type { LeaseSpec } from "kubernetes-types/coordination/v1";

export type LeaseAttempt = { action: "create"; spec: LeaseSpec } | { action: "update"; spec: LeaseSpec } | { action: "wait"; holder: string };

export interface LeaseSituation {
  /** The Lease's spec as read, undefined when there is no Lease. */
  current: LeaseSpec | undefined;
  /** Local time when this candidate first saw current in its present state. */
  observedAtMs: number;
  identity: string;
  nowMs: number;
  leaseDurationSeconds: number;
}

export function planLeaseAttempt(s: LeaseSituation): LeaseAttempt {
  const now = formatMicroTime(s.nowMs);
  if (s.current === undefined) {
    return { action: "create", spec: { holderIdentity: s.identity, leaseDurationSeconds: s.leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 } };
  }
  const holder = s.current.holderIdentity ?? "";
  const transitions = s.current.leaseTransitions ?? 0;
  if (holder === s.identity) {
    return {
      action: "update",
      spec: { holderIdentity: s.identity, leaseDurationSeconds: s.leaseDurationSeconds, acquireTime: s.current.acquireTime ?? now, renewTime: now, leaseTransitions: transitions },
    };
  }
  const validForMs = (s.current.leaseDurationSeconds ?? 0) * 1000;
  if (holder !== "" && s.observedAtMs + validForMs > s.nowMs) return { action: "wait", holder };
  return { action: "update", spec: { holderIdentity: s.identity, leaseDurationSeconds: s.leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: transitions + 1 } };
}

/** What a leader writes when it steps down cleanly: no holder, so others take over at once. */
export function releasedLeaseSpec(current: LeaseSpec, nowMs: number): LeaseSpec {
  const now = formatMicroTime(nowMs);
  return { holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: current.leaseTransitions ?? 0 };
}

/** metav1.MicroTime: RFC 3339 in UTC with six fractional digits. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
