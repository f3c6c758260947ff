import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { Event as CoreEvent } from "kubernetes-types/core/v1";
import { EventCorrelator, aggregateKey, combinedMessagePrefix, eventKey, eventName, formatTime, spamKey, type Correlation } from "./event-correlator.ts";
import { FakeClock } from "./testing/fake-clock.ts";

function makeEvent(clock: FakeClock, overrides: { message?: string; reason?: string; type?: string; name?: string; uid?: string; component?: string } = {}): CoreEvent {
  const time = formatTime(clock.now());
  const objectName = overrides.name ?? "web-1";
  return {
    metadata: { name: eventName(objectName, BigInt(clock.now()) * 1_000_000n), namespace: "default" },
    involvedObject: { kind: "Pod", apiVersion: "v1", namespace: "default", name: objectName, uid: overrides.uid ?? "uid-1" },
    reason: overrides.reason ?? "BackOff",
    message: overrides.message ?? "Back-off restarting failed container",
    type: overrides.type ?? "Warning",
    count: 1,
    firstTimestamp: time,
    lastTimestamp: time,
    source: { component: overrides.component ?? "kubelet", host: "node-1" },
    reportingComponent: overrides.component ?? "kubelet",
    reportingInstance: "node-1",
  };
}

/** Correlates and, like the recorder, reports what the server stored (name and count as sent). */
function record(correlator: EventCorrelator, event: CoreEvent): Correlation {
  const result = correlator.correlate(event);
  if (result.action !== "skip") correlator.stored({ ...result.event, metadata: { ...result.event.metadata, resourceVersion: "7" } });
  return result;
}

describe("event keys", () => {
  const clock = new FakeClock();
  const base = makeEvent(clock);
  const cases: { name: string; other: CoreEvent; sameEvent: boolean; sameAggregate: boolean; sameSpam: boolean }[] = [
    { name: "identical", other: makeEvent(clock), sameEvent: true, sameAggregate: true, sameSpam: true },
    { name: "other message", other: makeEvent(clock, { message: "different" }), sameEvent: false, sameAggregate: true, sameSpam: true },
    { name: "other reason", other: makeEvent(clock, { reason: "Failed" }), sameEvent: false, sameAggregate: false, sameSpam: true },
    { name: "other type", other: makeEvent(clock, { type: "Normal" }), sameEvent: false, sameAggregate: false, sameSpam: true },
    { name: "other object", other: makeEvent(clock, { name: "web-2" }), sameEvent: false, sameAggregate: false, sameSpam: false },
    { name: "other uid", other: makeEvent(clock, { uid: "uid-2" }), sameEvent: false, sameAggregate: false, sameSpam: false },
    { name: "other source", other: makeEvent(clock, { component: "scheduler" }), sameEvent: false, sameAggregate: false, sameSpam: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(eventKey(c.other) === eventKey(base), c.sameEvent);
      assert.equal(aggregateKey(c.other) === aggregateKey(base), c.sameAggregate);
      assert.equal(spamKey(c.other) === spamKey(base), c.sameSpam);
    });
  }
});

describe("eventName and formatTime", () => {
  const cases: { objectName: string; nanos: bigint; expected: string }[] = [
    { objectName: "web-1", nanos: 0x17979cfe3d85cd15n, expected: "web-1.17979cfe3d85cd15" },
    { objectName: "node-a", nanos: 255n, expected: "node-a.ff" },
  ];
  for (const c of cases) test(c.expected, () => assert.equal(eventName(c.objectName, c.nanos), c.expected));
  test("metav1.Time has whole seconds in UTC", () => assert.equal(formatTime(Date.UTC(2024, 4, 6, 7, 8, 9, 999)), "2024-05-06T07:08:09Z"));
});

describe("EventCorrelator", () => {
  test("identical repeats patch count and lastTimestamp of the first Event", () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator({ clock });
    const first = record(correlator, makeEvent(clock));
    assert.equal(first.action, "create");
    const firstName = first.action === "create" ? first.event.metadata?.name : "";
    const results: Correlation[] = [];
    for (let i = 0; i < 2; i++) {
      clock.advance(1000);
      results.push(record(correlator, makeEvent(clock)));
    }
    assert.deepEqual(
      results.map((r) => (r.action === "patch" ? [r.event.metadata?.name, r.event.count, r.event.firstTimestamp, r.patch] : r.action)),
      [
        [firstName, 2, "2024-01-01T00:00:00Z", { count: 2, lastTimestamp: "2024-01-01T00:00:01Z", message: "Back-off restarting failed container" }],
        [firstName, 3, "2024-01-01T00:00:00Z", { count: 3, lastTimestamp: "2024-01-01T00:00:02Z", message: "Back-off restarting failed container" }],
      ],
    );
  });

  test("a repeat after the dedupe window creates a new Event", () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator({ clock });
    record(correlator, makeEvent(clock));
    clock.advance(600_001);
    const later = record(correlator, makeEvent(clock));
    assert.equal(later.action, "create");
    assert.equal(later.action === "create" && later.event.count, 1);
  });

  test("the 10th similar event within 10 minutes is combined, later ones patch the combined Event", () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator({ clock });
    const actions: string[] = [];
    let combinedName = "";
    for (let i = 1; i <= 11; i++) {
      clock.advance(1000);
      const result = record(correlator, makeEvent(clock, { message: `pulling image ${i}` }));
      if (result.action === "skip") actions.push("skip");
      else actions.push(`${result.action} ${result.event.message}${result.action === "patch" ? ` count=${result.patch.count}` : ""}`);
      if (i === 10 && result.action === "create") combinedName = result.event.metadata?.name ?? "";
      if (i === 11 && result.action === "patch") assert.equal(result.event.metadata?.name, combinedName);
    }
    assert.deepEqual(actions.slice(0, 9), Array.from({ length: 9 }, (_, i) => `create pulling image ${i + 1}`));
    assert.deepEqual(actions.slice(9), [`create ${combinedMessagePrefix}pulling image 10`, `patch ${combinedMessagePrefix}pulling image 11 count=2`]);
  });

  test("similar events spread wider than the window are not combined", () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator({ clock });
    const actions = Array.from({ length: 12 }, (_, i) => {
      clock.advance(601_000);
      return record(correlator, makeEvent(clock, { message: `m${i}` })).action;
    });
    assert.deepEqual(actions, Array(12).fill("create"));
  });

  test("a source gets 25 events about one object, then one per 5 minutes", () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator({ clock, aggregateMaxEvents: 1000 });
    const actions = Array.from({ length: 27 }, (_, i) => record(correlator, makeEvent(clock, { reason: `R${i}` })).action);
    assert.equal(actions.filter((a) => a === "create").length, 25);
    assert.deepEqual(actions.slice(25), ["skip", "skip"]);
    assert.equal(record(correlator, makeEvent(clock, { name: "other-pod", reason: "R0" })).action, "create", "another object has its own budget");
    clock.advance(300_000);
    assert.equal(record(correlator, makeEvent(clock, { reason: "R99" })).action, "create");
    assert.equal(record(correlator, makeEvent(clock, { reason: "R100" })).action, "skip");
  });

  test("uniqueNanos never repeats within one millisecond", () => {
    const correlator = new EventCorrelator({ clock: new FakeClock() });
    const stamps = new Set(Array.from({ length: 100 }, () => correlator.uniqueNanos()));
    assert.equal(stamps.size, 100);
  });
});
