import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FieldPath, formatFieldError } from "./field-error.ts";
import { isEmptySelector, selectorMatches, toSelector, validateLabelSelector, validateLabels } from "./label-selector.ts";

const texts = (errs: Parameters<typeof formatFieldError>[0][]): string[] => errs.map(formatFieldError);
const path = FieldPath.of("spec", "selector");

describe("validateLabelSelector", () => {
  const cases: [string, unknown, string[]][] = [
    ["absent", undefined, []],
    ["match labels", { matchLabels: { app: "web" } }, []],
    ["In without values", { matchExpressions: [{ key: "a", operator: "In" }] }, ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
    [
      "Exists with values",
      { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] },
      ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
    ],
    [
      "unknown operator",
      { matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] },
      ['spec.selector.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator'],
    ],
  ];
  for (const [name, selector, expected] of cases) {
    test(name, () => assert.deepEqual(texts(validateLabelSelector(selector, path)), expected));
  }

  test("bad label key is reported on the map's path", () => {
    const errs = validateLabelSelector({ matchLabels: { "a b": "x" } }, path);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]?.field, "spec.selector.matchLabels");
    assert.equal(errs[0]?.value, "a b");
  });

  test("bad values are reported with their index", () => {
    const errs = validateLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: ["ok", "-bad"] }] }, path);
    assert.deepEqual(
      errs.map((e) => e.field),
      ["spec.selector.matchExpressions[0].values[1]"],
    );
  });

  test("bad values may be allowed", () => {
    const errs = validateLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: ["-bad"] }] }, path, { allowInvalidLabelValue: true });
    assert.deepEqual(errs, []);
  });
});

describe("validateLabels", () => {
  test("keys and values on the map's path", () => {
    const errs = validateLabels({ good: "ok", "-bad": "-also" }, FieldPath.of("metadata", "labels"));
    assert.deepEqual(
      errs.map((e) => [e.field, e.value]),
      [
        ["metadata.labels", "-bad"],
        ["metadata.labels", "-also"],
      ],
    );
  });
});

describe("selector matching", () => {
  const cases: [string, unknown, Record<string, string>, boolean][] = [
    ["absent selects nothing", undefined, { app: "x" }, false],
    ["empty selects everything", {}, { app: "x" }, true],
    ["equality", { matchLabels: { app: "x" } }, { app: "x", tier: "y" }, true],
    ["equality mismatch", { matchLabels: { app: "x" } }, { app: "z" }, false],
    ["In", { matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }] }, { tier: "b" }, true],
    ["NotIn on a missing key", { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["a"] }] }, {}, true],
    ["Exists", { matchExpressions: [{ key: "tier", operator: "Exists" }] }, {}, false],
    ["DoesNotExist", { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, { app: "x" }, true],
  ];
  for (const [name, selector, labels, expected] of cases) {
    test(name, () => {
      const s = toSelector(selector);
      assert.ok(s !== undefined);
      assert.equal(selectorMatches(s, labels), expected);
    });
  }

  test("an invalid selector does not convert", () => {
    assert.equal(toSelector({ matchExpressions: [{ key: "a", operator: "In" }] }), undefined);
  });

  test("only the empty selector is empty", () => {
    assert.equal(isEmptySelector(toSelector({})!), true);
    assert.equal(isEmptySelector(toSelector(undefined)!), false);
    assert.equal(isEmptySelector(toSelector({ matchLabels: { a: "b" } })!), false);
  });
});
