import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Expectations, expectationsTimeoutMs } from "./expectations.ts";

type Step =
  | { expectCreations: number }
  | { expectDeletions: string[] }
  | { created: true }
  | { deleted: string }
  | { advanceMs: number }
  | { forget: true };

interface Case {
  name: string;
  steps: Step[];
  satisfied: boolean;
}

const rs = "default/web";

const cases: Case[] = [
  { name: "nothing recorded", steps: [], satisfied: true },
  { name: "creations awaited", steps: [{ expectCreations: 2 }, { created: true }], satisfied: false },
  { name: "every creation seen", steps: [{ expectCreations: 2 }, { created: true }, { created: true }], satisfied: true },
  { name: "more creations seen than awaited", steps: [{ expectCreations: 1 }, { created: true }, { created: true }], satisfied: true },
  { name: "deletions awaited", steps: [{ expectDeletions: ["default/a", "default/b"] }, { deleted: "default/a" }], satisfied: false },
  {
    name: "the same deletion seen twice counts once",
    steps: [{ expectDeletions: ["default/a", "default/b"] }, { deleted: "default/a" }, { deleted: "default/a" }],
    satisfied: false,
  },
  {
    name: "an unrelated deletion does not count",
    steps: [{ expectDeletions: ["default/a"] }, { deleted: "default/other" }],
    satisfied: false,
  },
  { name: "every deletion seen", steps: [{ expectDeletions: ["default/a"] }, { deleted: "default/a" }], satisfied: true },
  { name: "not yet expired", steps: [{ expectCreations: 1 }, { advanceMs: expectationsTimeoutMs }], satisfied: false },
  { name: "expired after five minutes", steps: [{ expectCreations: 1 }, { advanceMs: expectationsTimeoutMs + 1 }], satisfied: true },
  { name: "a new record restarts the clock", steps: [{ advanceMs: expectationsTimeoutMs * 2 }, { expectCreations: 1 }, { advanceMs: 1000 }], satisfied: false },
  { name: "forgotten controller", steps: [{ expectCreations: 3 }, { forget: true }], satisfied: true },
];

describe("Expectations", () => {
  for (const { name, steps, satisfied } of cases) {
    test(name, () => {
      let now = 1_000_000;
      const expectations = new Expectations({ now: () => now });
      for (const step of steps) {
        if ("expectCreations" in step) expectations.expectCreations(rs, step.expectCreations);
        else if ("expectDeletions" in step) expectations.expectDeletions(rs, step.expectDeletions);
        else if ("created" in step) expectations.creationObserved(rs);
        else if ("deleted" in step) expectations.deletionObserved(rs, step.deleted);
        else if ("advanceMs" in step) now += step.advanceMs;
        else expectations.delete(rs);
      }
      assert.equal(expectations.satisfied(rs), satisfied);
      assert.equal(expectations.satisfied("default/other"), true);
    });
  }
});
