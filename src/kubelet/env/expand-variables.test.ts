import { test } from "node:test";
import assert from "node:assert/strict";
import { expandVariables } from "./expand-variables.ts";

const vars: Record<string, string> = { A: "alpha", B: "$(A)", EMPTY: "" };
const lookup = (name: string) => vars[name];

const cases: [string, string][] = [
  ["plain text", "plain text"],
  ["$(A)", "alpha"],
  ["x-$(A)-y", "x-alpha-y"],
  ["$(A)$(A)", "alphaalpha"],
  ["$(UNDEFINED)", "$(UNDEFINED)"],
  ["$$(A)", "$(A)"],
  ["$$$(A)", "$alpha"],
  ["$$", "$"],
  ["$", "$"],
  ["a$", "a$"],
  ["$A", "$A"],
  ["$(A", "$(A"],
  ["$(unterminated $(A)", "$(unterminated $(A)"],
  ["$(", "$("],
  ["$()", "$()"],
  ["$(EMPTY)x", "x"],
  ["$(B)", "$(A)"],
  ["100$%", "100$%"],
];

for (const [input, expected] of cases) {
  test(`expands ${JSON.stringify(input)} to ${JSON.stringify(expected)}`, () => {
    assert.equal(expandVariables(input, lookup), expected);
  });
}
