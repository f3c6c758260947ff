import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { formatMicroTime, planLeaseAttempt, releasedLeaseSpec, type LeaseAttempt, type LeaseSituation } from "./lease-plan.ts";

const t0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const at = (seconds: number) => formatMicroTime(t0 + seconds * 1000);

describe("planLeaseAttempt", () => {
  const cases: { name: string; situation: Omit<LeaseSituation, "identity" | "leaseDurationSeconds">; expected: LeaseAttempt }[] = [
    {
      name: "no Lease: create it holding it",
      situation: { current: undefined, observedAtMs: 0, nowMs: t0 },
      expected: { action: "create", spec: { holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: at(0), renewTime: at(0), leaseTransitions: 0 } },
    },
    {
      name: "held by another and seen changing 10 s ago: wait",
      situation: { current: { holderIdentity: "other", leaseDurationSeconds: 15, renewTime: at(0), leaseTransitions: 3 }, observedAtMs: t0, nowMs: t0 + 10_000 },
      expected: { action: "wait", holder: "other" },
    },
    {
      name: "held by another but unchanged for its whole duration: take over, one more transition",
      situation: { current: { holderIdentity: "other", leaseDurationSeconds: 15, renewTime: at(0), leaseTransitions: 3 }, observedAtMs: t0, nowMs: t0 + 15_000 },
      expected: { action: "update", spec: { holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: at(15), renewTime: at(15), leaseTransitions: 4 } },
    },
    {
      name: "the holder's own duration counts, not ours",
      situation: { current: { holderIdentity: "other", leaseDurationSeconds: 60, leaseTransitions: 0 }, observedAtMs: t0, nowMs: t0 + 30_000 },
      expected: { action: "wait", holder: "other" },
    },
    {
      name: "timestamps inside the Lease do not matter, only when we saw it change",
      situation: { current: { holderIdentity: "other", leaseDurationSeconds: 15, renewTime: at(-3600) }, observedAtMs: t0, nowMs: t0 + 1000 },
      expected: { action: "wait", holder: "other" },
    },
    {
      name: "released (no holder): take it at once",
      situation: { current: { holderIdentity: "", leaseDurationSeconds: 1, leaseTransitions: 2 }, observedAtMs: t0, nowMs: t0 },
      expected: { action: "update", spec: { holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: at(0), renewTime: at(0), leaseTransitions: 3 } },
    },
    {
      name: "held by us: renew, keeping acquireTime and transitions",
      situation: { current: { holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: at(-100), renewTime: at(-2), leaseTransitions: 5 }, observedAtMs: t0 - 2000, nowMs: t0 },
      expected: { action: "update", spec: { holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: at(-100), renewTime: at(0), leaseTransitions: 5 } },
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(planLeaseAttempt({ ...c.situation, identity: "me", leaseDurationSeconds: 15 }), c.expected));
  }
});

test("releasedLeaseSpec clears the holder and keeps the transition count", () => {
  assert.deepEqual(releasedLeaseSpec({ holderIdentity: "me", leaseDurationSeconds: 15, leaseTransitions: 7 }, t0), {
    holderIdentity: "",
    leaseDurationSeconds: 1,
    acquireTime: at(0),
    renewTime: at(0),
    leaseTransitions: 7,
  });
});

test("formatMicroTime writes six fractional digits in UTC", () => {
  assert.equal(formatMicroTime(Date.UTC(2024, 1, 29, 23, 59, 58, 7)), "2024-02-29T23:59:58.007000Z");
});
