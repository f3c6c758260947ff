import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FailedPodBackoff, maxBackoffMs } from "./failed-pod-backoff.ts";

describe("FailedPodBackoff", () => {
  test("a first failure may be replaced at once", () => {
    assert.equal(new FailedPodBackoff().remainingMs("ns/ds/n1", 0), 0);
  });

  const steps: Array<{ name: string; replacements: number[]; at: number; remaining: number }> = [
    { name: "one replacement: wait 1 s", replacements: [0], at: 200, remaining: 800 },
    { name: "two in a row: wait 2 s", replacements: [0, 1_000], at: 1_500, remaining: 1_500 },
    { name: "three in a row: wait 4 s", replacements: [0, 1_000, 3_000], at: 3_000, remaining: 4_000 },
    { name: "after the wait: free again", replacements: [0], at: 1_000, remaining: 0 },
    { name: "a replacement long after the last starts over", replacements: [0, 1_000, 3_000, 3_000 + 2 * maxBackoffMs + 1], at: 3_000 + 2 * maxBackoffMs + 1, remaining: 1_000 },
  ];
  for (const step of steps) {
    test(step.name, () => {
      const backoff = new FailedPodBackoff();
      for (const at of step.replacements) backoff.next("ns/ds/n1", at);
      assert.equal(backoff.remainingMs("ns/ds/n1", step.at), step.remaining);
      assert.equal(backoff.remainingMs("ns/ds/n2", step.at), 0, "other nodes are not held back");
    });
  }

  test("never longer than 15 minutes", () => {
    const backoff = new FailedPodBackoff();
    let now = 0;
    for (let i = 0; i < 20; i++) {
      backoff.next("k", now);
      now += backoff.remainingMs("k", now);
    }
    backoff.next("k", now);
    assert.equal(backoff.remainingMs("k", now), maxBackoffMs);
  });
});
