import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { ensureObject, fillEmpty, fillUnset, isEmpty, isEmptyList, isUnset } from "./fields.ts";
import type { JsonObject } from "./fields.ts";

describe("what counts as not given", () => {
  const values: [unknown, { unset: boolean; empty: boolean; emptyList: boolean }][] = [
    [undefined, { unset: true, empty: true, emptyList: true }],
    [null, { unset: true, empty: true, emptyList: true }],
    ["", { unset: false, empty: true, emptyList: false }],
    [0, { unset: false, empty: true, emptyList: false }],
    [false, { unset: false, empty: false, emptyList: false }],
    [[], { unset: false, empty: false, emptyList: true }],
    ["x", { unset: false, empty: false, emptyList: false }],
    [{}, { unset: false, empty: false, emptyList: false }],
  ];
  for (const [value, expected] of values) {
    test(JSON.stringify(value) ?? "undefined", () => {
      assert.deepEqual({ unset: isUnset(value), empty: isEmpty(value), emptyList: isEmptyList(value) }, expected);
    });
  }
});

describe("filling", () => {
  test("fillUnset keeps zero values and copies what it sets", () => {
    const shared = { a: 1 };
    const obj: JsonObject = { zero: 0, off: false, none: null };
    for (const key of ["zero", "off", "none", "missing"]) fillUnset(obj, key, shared);
    assert.deepEqual(obj, { zero: 0, off: false, none: { a: 1 }, missing: { a: 1 } });
    assert.notEqual(obj.none, shared);
  });

  test("fillEmpty replaces zero values but not other types", () => {
    const obj: JsonObject = { zero: 0, blank: "", wrong: true, given: "x" };
    for (const key of ["zero", "blank", "wrong", "given", "missing"]) fillEmpty(obj, key, "d");
    assert.deepEqual(obj, { zero: "d", blank: "d", wrong: true, given: "x", missing: "d" });
  });

  test("ensureObject creates missing objects and refuses other types", () => {
    const obj: JsonObject = { list: [], text: "t", present: { k: 1 }, none: null };
    assert.equal(ensureObject(obj, "list"), undefined);
    assert.equal(ensureObject(obj, "text"), undefined);
    assert.equal(ensureObject(obj, "present"), obj.present);
    assert.deepEqual(ensureObject(obj, "none"), {});
    assert.deepEqual(ensureObject(obj, "missing"), {});
    assert.deepEqual(obj, { list: [], text: "t", present: { k: 1 }, none: {}, missing: {} });
  });
});
