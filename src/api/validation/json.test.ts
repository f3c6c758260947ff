import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FieldPath, formatFieldError, type FieldError } from "./field-error.ts";
import { integer, jsonEqual, list, obj, stringEntries, text } from "./json.ts";

describe("readers", () => {
  test("wrong types read as absent", () => {
    assert.deepEqual(obj([1]), {});
    assert.deepEqual(list({ a: 1 }), []);
    assert.equal(text(5), "");
    assert.deepEqual(stringEntries({ a: "x", b: 2 }), [
      ["a", "x"],
      ["b", "2"],
    ]);
  });

  const cases: [string, unknown, number | undefined, string[]][] = [
    ["absent", undefined, undefined, []],
    ["null", null, undefined, []],
    ["integer", 3, 3, []],
    ["fraction", 1.5, undefined, ["n: Invalid value: 1.5: must be of type integer"]],
    ["string", "3", undefined, ['n: Invalid value: "3": must be of type integer']],
  ];
  for (const [name, value, expected, errors] of cases) {
    test(`integer: ${name}`, () => {
      const errs: FieldError[] = [];
      assert.equal(integer(value, FieldPath.of("n"), errs), expected);
      assert.deepEqual(errs.map(formatFieldError), errors);
    });
  }
});

describe("jsonEqual", () => {
  const cases: [string, unknown, unknown, boolean][] = [
    ["same scalars", 1, 1, true],
    ["different scalars", 1, "1", false],
    ["absent and null", undefined, null, true],
    ["empty list and absent", [], undefined, true],
    ["empty map and absent", {}, undefined, true],
    ["members set to undefined", { a: 1, b: undefined }, { a: 1 }, true],
    ["nested difference", { a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }, false],
    ["list order matters", [1, 2], [2, 1], false],
    ["empty string is not absent", "", undefined, false],
  ];
  for (const [name, a, b, expected] of cases) test(name, () => assert.equal(jsonEqual(a, b), expected));
});
