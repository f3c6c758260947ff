import { test } from "node:test";
import assert from "node:assert/strict";
import { describeChanges } from "./change-summary.ts";

test("lists the changed fields in order, old then new", () => {
  assert.equal(
    describeChanges({ b: 1, a: "x", same: [1] }, { b: 2, c: true, same: [1] }),
    ['  - a: "x"', "  + a: null", "  - b: 1", "  + b: 2", "  - c: null", "  + c: true"].join("\n"),
  );
});

test("nothing changed", () => {
  assert.equal(describeChanges({ a: 1 }, { a: 1 }), "");
});
