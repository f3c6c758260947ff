import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { freshTracker, recordResult, shouldProbe, timingOf, type ProbeKind, type ProbeOutcomeResult, type ProbeResult } from "./probe-state.ts";

describe("recordResult", () => {
  // Each case: kind, thresholds, results fed in order, what is reported after each (undefined: no change).
  const cases: [string, ProbeKind, { successThreshold?: number; failureThreshold?: number }, ProbeOutcomeResult[], (ProbeResult | undefined)[]][] = [
    ["readiness turns true on the first success", "readiness", {}, ["success", "success"], ["success", undefined]],
    ["readiness needs successThreshold successes in a row", "readiness", { successThreshold: 3 }, ["success", "success", "failure", "success", "success", "success"], [undefined, undefined, undefined, undefined, undefined, "success"]],
    ["readiness falls after failureThreshold failures in a row", "readiness", { failureThreshold: 2 }, ["success", "failure", "success", "failure", "failure", "failure"], ["success", undefined, undefined, undefined, "failure", undefined]],
    ["liveness starts alive and dies after failureThreshold", "liveness", { failureThreshold: 3 }, ["failure", "failure", "success", "failure", "failure", "failure"], [undefined, undefined, undefined, undefined, undefined, "failure"]],
    ["unknown results change nothing", "readiness", { failureThreshold: 1 }, ["unknown", "success", "unknown", "failure"], [undefined, "success", undefined, "failure"]],
    ["startup reports its first success", "startup", {}, ["failure", "success"], [undefined, "success"]],
    ["startup fails after failureThreshold", "startup", { failureThreshold: 2 }, ["failure", "failure"], [undefined, "failure"]],
  ];
  for (const [name, kind, thresholds, results, expected] of cases) {
    test(name, () => {
      const timing = timingOf(thresholds);
      let tracker = freshTracker(kind);
      const reports = results.map((result) => {
        const step = recordResult(kind, tracker, timing, result);
        tracker = step.tracker;
        return step.report;
      });
      assert.deepEqual(reports, expected);
    });
  }

  test("a reported liveness failure puts the worker on hold; readiness failures do not", () => {
    const timing = timingOf({ failureThreshold: 1 });
    assert.equal(recordResult("liveness", freshTracker("liveness"), timing, "failure").tracker.onHold, true);
    assert.equal(recordResult("startup", freshTracker("startup"), timing, "failure").tracker.onHold, true);
    assert.equal(recordResult("readiness", freshTracker("readiness"), timing, "failure").tracker.onHold, false);
  });
});

describe("shouldProbe", () => {
  const started = 1_000_000;
  const cases: [string, ProbeKind, number, { started: boolean; onHold?: boolean }, number, boolean][] = [
    ["before the initial delay", "readiness", 5, { started: true }, 4_999, false],
    ["at the initial delay", "readiness", 5, { started: true }, 5_000, true],
    ["no delay probes at once", "liveness", 0, { started: true }, 0, true],
    ["liveness waits for startup", "liveness", 0, { started: false }, 60_000, false],
    ["readiness waits for startup", "readiness", 0, { started: false }, 60_000, false],
    ["startup probes until started", "startup", 0, { started: false }, 0, true],
    ["startup stops once started", "startup", 0, { started: true }, 0, false],
    ["nothing probes on hold", "liveness", 0, { started: true, onHold: true }, 10_000, false],
  ];
  for (const [name, kind, initialDelaySeconds, state, elapsedMs, expected] of cases) {
    test(name, () => {
      const tracker = { ...freshTracker(kind), onHold: state.onHold === true };
      const moment = { nowMs: started + elapsedMs, containerStartedAtMs: started, started: state.started };
      assert.equal(shouldProbe(kind, tracker, timingOf({ initialDelaySeconds }), moment), expected);
    });
  }
});

test("timingOf applies upstream's defaults", () => {
  assert.deepEqual(timingOf({}), { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
});
