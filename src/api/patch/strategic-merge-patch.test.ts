// Cases re-expressed from upstream's documented strategic merge patch
// behaviour (k8s.io/apimachinery strategicpatch test data), over a small
// schema of our own that has one field of every kind.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PatchError } from "./patch-error.ts";
import { patchMetaFromTable } from "./patch-meta.ts";
import type { PatchTypeTable } from "./patch-meta.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

const table: PatchTypeTable = {
  Widget: {
    items: { strategy: "merge", mergeKey: "name", type: "Widget" },
    plainItems: { type: "Widget" },
    numbers: { strategy: "merge" },
    replaced: { strategy: "replace" },
    union: { retainKeys: true, type: "Union" },
    unionItems: { strategy: "merge", mergeKey: "name", retainKeys: true, type: "Widget" },
  },
  Union: {
    numbers: { strategy: "merge" },
    items: { strategy: "merge", mergeKey: "name", type: "Widget" },
  },
};
const widget = patchMetaFromTable(table, "Widget");

type Case = { name: string; doc: unknown; patch: unknown } & ({ expected: unknown } | { error: RegExp });

function run(cases: Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      if ("expected" in c) {
        assert.deepEqual(applyStrategicMergePatch(c.doc, c.patch, widget), c.expected);
      } else {
        assert.throws(
          () => applyStrategicMergePatch(c.doc, c.patch, widget),
          (e: unknown) => e instanceof PatchError && e.reason === "InvalidPatch" && c.error.test(e.message),
        );
      }
    });
  }
}

const items = (...names: Array<number | Record<string, unknown>>) => names.map((n) => (typeof n === "number" ? { name: n } : n));

describe("strategic merge patch: objects", () => {
  run([
    { name: "adds a member", doc: { a: 1 }, patch: { b: 2 }, expected: { a: 1, b: 2 } },
    { name: "replaces a scalar", doc: { a: 1 }, patch: { a: "x" }, expected: { a: "x" } },
    { name: "null deletes a member", doc: { a: 1, b: 2 }, patch: { a: null }, expected: { b: 2 } },
    { name: "null for an absent member changes nothing", doc: { a: 1 }, patch: { z: null }, expected: { a: 1 } },
    { name: "merges nested objects", doc: { m: { a: 1, b: 2 } }, patch: { m: { b: 3, c: 4 } }, expected: { m: { a: 1, b: 3, c: 4 } } },
    { name: "a new object loses its nulls", doc: {}, patch: { m: { a: 1, b: null, n: { c: null } } }, expected: { m: { a: 1, n: {} } } },
    { name: "$patch: replace replaces an object", doc: { m: { a: 1, b: 2 } }, patch: { m: { $patch: "replace", c: 3 } }, expected: { m: { c: 3 } } },
    { name: "$patch: replace at the top", doc: { name: 1, value: 1 }, patch: { $patch: "replace", other: "a" }, expected: { other: "a" } },
    { name: "$patch: delete empties an object", doc: { m: { a: 1, b: 2 } }, patch: { m: { $patch: "delete" } }, expected: { m: {} } },
    { name: "$patch: delete of an absent object adds nothing", doc: { a: 1 }, patch: { m: { $patch: "delete" } }, expected: { a: 1 } },
    { name: "a field tagged replace is replaced whole", doc: { replaced: { a: 1, b: 2 } }, patch: { replaced: { c: 3 } }, expected: { replaced: { c: 3 } } },
    { name: "a change of type replaces", doc: { a: [1, 2], b: { c: 1 } }, patch: { a: "x", b: [1] }, expected: { a: "x", b: [1] } },
    { name: "a null document is empty", doc: null, patch: { a: 1 }, expected: { a: 1 } },
  ]);
});

describe("strategic merge patch: lists merged by key", () => {
  run([
    {
      name: "merges an element's members",
      doc: { items: items({ name: 1, value: "a" }, 2) },
      patch: { items: [{ name: 1, other: "b" }] },
      expected: { items: items({ name: 1, value: "a", other: "b" }, 2) },
    },
    {
      name: "null deletes a member of an element",
      doc: { items: items({ name: 1, value: "a", other: "b" }) },
      patch: { items: [{ name: 1, value: null }] },
      expected: { items: items({ name: 1, other: "b" }) },
    },
    // With nothing to anchor it, a new element goes ahead of the server's elements (as upstream).
    { name: "adds a new element", doc: { items: items(1, 2) }, patch: { items: items(3) }, expected: { items: items(3, 1, 2) } },
    {
      name: "a new element loses its nulls and $patch elements",
      doc: { items: items(1) },
      patch: { items: [{ name: 2, value: null, items: [{ name: 9 }, { name: 8, $patch: "delete" }] }] },
      expected: { items: items(2, 1).map((i) => (i.name === 2 ? { name: 2, items: items(9) } : i)) },
    },
    { name: "$patch: delete removes an element", doc: { items: items(1, 2, 3) }, patch: { items: [{ name: 2, $patch: "delete" }] }, expected: { items: items(1, 3) } },
    { name: "$patch: delete of a missing element", doc: { items: items(1) }, patch: { items: [{ name: 2, $patch: "delete" }] }, expected: { items: items(1) } },
    {
      name: "$patch: delete removes every duplicate",
      doc: { items: items(1, 1, { name: 2, value: "a" }, 3, 3) },
      patch: { items: [{ name: 1, $patch: "delete" }, { name: 3, $patch: "delete" }] },
      expected: { items: items({ name: 2, value: "a" }) },
    },
    {
      name: "$patch: replace makes the list the patch's",
      doc: { items: items({ name: 1, value: "a" }, 2) },
      patch: { items: [{ name: 3 }, { $patch: "replace" }] },
      expected: { items: items(3) },
    },
    { name: "a lone $patch: replace empties the list", doc: { items: items(1, 2) }, patch: { items: [{ $patch: "replace" }] }, expected: { items: [] } },
    {
      name: "the patch's order wins for the elements it names",
      doc: { items: items(1, { name: 2, value: "b" }, 3) },
      patch: { items: [{ name: 3, value: "c" }, { name: 1, value: "a" }, { name: 2, other: "x" }] },
      expected: { items: items({ name: 3, value: "c" }, { name: 1, value: "a" }, { name: 2, value: "b", other: "x" }) },
    },
    {
      name: "a server-only element stays ahead of what followed it",
      doc: { items: items(1, { name: 2, value: "b" }, 3) },
      patch: { items: [{ name: 3, value: "c" }, { name: 1, value: "a" }] },
      expected: { items: items({ name: 2, value: "b" }, { name: 3, value: "c" }, { name: 1, value: "a" }) },
    },
    {
      name: "merges a list nested in an element",
      doc: { items: [{ name: 1, items: [{ name: "x", value: "1" }, { name: "y" }] }] },
      patch: { items: [{ name: 1, items: [{ name: "x", value: "2" }] }] },
      expected: { items: [{ name: 1, items: [{ name: "x", value: "2" }, { name: "y" }] }] },
    },
    {
      name: "replaces an untagged list nested in an element",
      doc: { items: [{ name: 1, plainItems: items(1, 2) }] },
      patch: { items: [{ name: 1, plainItems: items(3) }] },
      expected: { items: [{ name: 1, plainItems: items(3) }] },
    },
    { name: "an untagged list is replaced", doc: { plainItems: items(1, 2) }, patch: { plainItems: items(2, 3) }, expected: { plainItems: items(2, 3) } },
    { name: "an empty patch list changes nothing", doc: { items: items(1) }, patch: { items: [] }, expected: { items: items(1) } },
    { name: "merging into an empty list", doc: { items: [] }, patch: { items: items(1) }, expected: { items: items(1) } },
  ]);
});

describe("strategic merge patch: lists of primitives", () => {
  run([
    { name: "a merged list is a set", doc: { numbers: [1, 2] }, patch: { numbers: [2, 3] }, expected: { numbers: [1, 2, 3] } },
    { name: "keeps the patch's order", doc: { numbers: [1, 2, 3] }, patch: { numbers: [3, 1] }, expected: { numbers: [2, 3, 1] } },
    { name: "an untagged list is replaced", doc: { plainNumbers: [1, 2] }, patch: { plainNumbers: [3] }, expected: { plainNumbers: [3] } },
    {
      name: "$deleteFromPrimitiveList removes values",
      doc: { numbers: [1, 2, 3] },
      patch: { "$deleteFromPrimitiveList/numbers": [2] },
      expected: { numbers: [1, 3] },
    },
    {
      name: "$deleteFromPrimitiveList removes duplicates too",
      doc: { numbers: [1, 2, 3, 3, 4] },
      patch: { "$deleteFromPrimitiveList/numbers": [3] },
      expected: { numbers: [1, 2, 4] },
    },
    {
      name: "$deleteFromPrimitiveList of a missing value adds nothing",
      doc: { numbers: [1, 2] },
      patch: { "$deleteFromPrimitiveList/numbers": [3] },
      expected: { numbers: [1, 2] },
    },
    {
      name: "$deleteFromPrimitiveList of a missing list adds nothing",
      doc: { other: ["x"] },
      patch: { "$deleteFromPrimitiveList/numbers": [3] },
      expected: { other: ["x"] },
    },
    {
      name: "$deleteFromPrimitiveList applies to untagged lists",
      doc: { plainNumbers: [1, 2, 3] },
      patch: { "$deleteFromPrimitiveList/plainNumbers": [2] },
      expected: { plainNumbers: [1, 3] },
    },
    {
      name: "add, delete and order in one patch",
      doc: { numbers: [1, 2, 3, 4] },
      patch: { "$setElementOrder/numbers": [1, 2, 4], "$deleteFromPrimitiveList/numbers": [3] },
      expected: { numbers: [1, 2, 4] },
    },
    {
      name: "an added value takes its place in the order",
      doc: { numbers: [1, 2, 3] },
      patch: { "$setElementOrder/numbers": [1, 2, 4], "$deleteFromPrimitiveList/numbers": [3], numbers: [4] },
      expected: { numbers: [1, 2, 4] },
    },
  ]);
});

describe("strategic merge patch: $setElementOrder", () => {
  run([
    {
      name: "reorders a list without changing it",
      doc: { items: items(1, { name: 3, value: 3 }, { name: 4, value: 4 }, { name: 2, value: 2 }) },
      patch: { "$setElementOrder/items": items(4, 2, 3, 1) },
      expected: { items: items({ name: 4, value: 4 }, { name: 2, value: 2 }, { name: 3, value: 3 }, 1) },
    },
    {
      name: "interleaves server-only elements by their server place",
      doc: { items: items({ name: 1, other: "a" }, 2, 9, 3, 4) },
      patch: { "$setElementOrder/items": items(2, 1, 4, 3) },
      expected: { items: items(2, { name: 1, other: "a" }, 9, 4, 3) },
    },
    {
      name: "an ordered name missing from the list is skipped",
      doc: { items: items(1, 3) },
      patch: { "$setElementOrder/items": items(3, 2, 1), items: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
      expected: { items: items({ name: 3, value: 3 }, { name: 1, value: 1 }) },
    },
    {
      name: "orders a list the document lacks",
      doc: {},
      patch: { "$setElementOrder/items": items(2, 1), items: items(2, 1) },
      expected: { items: items(2, 1) },
    },
    {
      name: "kubectl apply: add one element, delete another, keep a server-only one",
      doc: { items: items(1, { name: 2, other: "b" }, { name: 4, other: "c" }) },
      patch: { "$setElementOrder/items": items(2, 3), items: [{ name: 3 }, { name: 1, $patch: "delete" }] },
      expected: { items: items({ name: 2, other: "b" }, { name: 4, other: "c" }, 3) },
    },
    {
      name: "duplicates keep their relative order",
      doc: { numbers: [1, 2, 3, 2, 4] },
      patch: { "$setElementOrder/numbers": [2, 1, 4, 3, 2] },
      expected: { numbers: [2, 2, 1, 4, 3] },
    },
    {
      name: "an order for a list that exists nowhere changes nothing",
      doc: { a: 1 },
      patch: { "$setElementOrder/items": items(1) },
      expected: { a: 1 },
    },
  ]);
});

describe("strategic merge patch: $retainKeys", () => {
  run([
    {
      name: "clears the members it does not name",
      doc: { union: { name: "foo", value: "a", other: "b" } },
      patch: { union: { $retainKeys: ["name", "other"], other: "c" } },
      expected: { union: { name: "foo", other: "c" } },
    },
    {
      name: "a null member may be left out of the list",
      doc: { union: { name: "foo", value: "a" } },
      patch: { union: { $retainKeys: ["name"], value: null } },
      expected: { union: { name: "foo" } },
    },
    {
      name: "merges the members it keeps",
      doc: { union: { name: "foo", numbers: [1, 2], items: items(1) } },
      patch: { union: { $retainKeys: ["numbers", "items"], numbers: [3], items: items(2) } },
      expected: { union: { numbers: [3, 1, 2], items: items(2, 1) } },
    },
    {
      name: "applies inside an element of a merged list",
      doc: { unionItems: [{ name: "v", emptyDir: {} }, { name: "w", emptyDir: {} }] },
      patch: { unionItems: [{ $retainKeys: ["configMap", "name"], name: "v", configMap: { name: "cm" } }] },
      expected: { unionItems: [{ name: "v", configMap: { name: "cm" } }, { name: "w", emptyDir: {} }] },
    },
    {
      name: "without the directive a union merges like any object",
      doc: { union: { name: "foo", value: "a" } },
      patch: { union: { value: "b" } },
      expected: { union: { name: "foo", value: "b" } },
    },
  ]);
});

describe("strategic merge patch: errors", () => {
  run([
    { name: "the patch must be an object", doc: {}, patch: [1], error: /must be a JSON object/ },
    { name: "the document must be an object", doc: [1], patch: {}, error: /document to patch must be a JSON object/ },
    { name: "$patch: merge is not a map directive", doc: { m: {} }, patch: { m: { $patch: "merge" } }, error: /^m: unknown patch type "merge"/ },
    { name: "an unknown $patch value", doc: {}, patch: { $patch: "remove" }, error: /unknown patch type "remove"/ },
    { name: "$patch: merge in a list", doc: { items: items(1) }, patch: { items: [{ name: 1, $patch: "merge" }] }, error: /merging lists cannot yet be specified/ },
    { name: "an unknown $patch in a list", doc: { items: items(1) }, patch: { items: [{ name: 1, $patch: "drop" }] }, error: /unknown patch type "drop"/ },
    { name: "an unknown directive", doc: {}, patch: { m: { $foo: 1 } }, error: /^m: unknown directive "\$foo"/ },
    { name: "a list element without its merge key", doc: { items: items({ name: 1, value: "a" }) }, patch: { items: [{ value: "b" }] }, error: /does not contain declared merge key: name/ },
    { name: "a $patch: delete without its merge key", doc: { items: items(1) }, patch: { items: [{ $patch: "delete" }] }, error: /does not contain declared merge key: name/ },
    {
      name: "$setElementOrder out of step with the patch list",
      doc: { items: items(1, 3, 2) },
      patch: { "$setElementOrder/items": items(1, 2, 3), items: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
      error: /doesn't match \$setElementOrder\/items/,
    },
    {
      name: "$setElementOrder out of step for primitives",
      doc: { numbers: [1, 3, 2] },
      patch: { "$setElementOrder/numbers": [1, 2, 3], numbers: [3, 1] },
      error: /doesn't match/,
    },
    { name: "$setElementOrder must be a list", doc: {}, patch: { "$setElementOrder/items": { name: 1 } }, error: /setElementOrder list/ },
    { name: "$setElementOrder needs a field name", doc: {}, patch: { $setElementOrder: [] }, error: /invalid patch format of setElementOrder list/ },
    { name: "$deleteFromPrimitiveList needs a field name", doc: {}, patch: { $deleteFromPrimitiveListX: [] }, error: /invalid patch format of primitive list/ },
    {
      name: "$deleteFromPrimitiveList on a list of objects",
      doc: { items: items(1) },
      patch: { "$deleteFromPrimitiveList/items": items(1) },
      error: /applies only to lists of primitives/,
    },
    { name: "$retainKeys must be a list", doc: { union: {} }, patch: { union: { $retainKeys: "name" } }, error: /invalid patch format of retainKeys/ },
    {
      name: "a patched member missing from $retainKeys",
      doc: { union: { name: "a" } },
      patch: { union: { $retainKeys: ["name"], value: "b" } },
      error: /^union: invalid patch format of retainKeys: "value"/,
    },
    { name: "lists of lists", doc: { numbers: [[1]] }, patch: { numbers: [[2]] }, error: /lists of lists are not supported/ },
    { name: "mixed element types", doc: { numbers: [1] }, patch: { numbers: ["1"] }, error: /list element types are not identical/ },
    {
      name: "errors name the element they are in",
      doc: { items: [{ name: "a", items: items(1) }] },
      patch: { items: [{ name: "a", items: [{ value: 1 }] }] },
      error: /^items\[name="a"\]\.items: /,
    },
  ]);
});

describe("strategic merge patch: copies", () => {
  test("leaves the document and the patch unchanged", () => {
    const doc = { items: items({ name: 1, value: "a" }, 2), m: { a: 1 } };
    const patch = { items: [{ name: 1, value: "b" }, { name: 2, $patch: "delete" }], m: { $patch: "replace", b: 2 } };
    const docBefore = structuredClone(doc);
    const patchBefore = structuredClone(patch);
    const result = applyStrategicMergePatch(doc, patch, widget) as { m: Record<string, unknown> };
    result.m.b = 3;
    assert.deepEqual(doc, docBefore);
    assert.deepEqual(patch, patchBefore);
  });
});
