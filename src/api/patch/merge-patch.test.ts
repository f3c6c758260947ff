import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { applyMergePatch, createMergePatch } from "./merge-patch.ts";

describe("applyMergePatch: RFC 7386 appendix A", () => {
  const cases: Array<[original: unknown, patch: unknown, result: unknown]> = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [["a", "b"], ["c", "d"], ["c", "d"]],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [original, patch, result] of cases) {
    test(`${JSON.stringify(original)} + ${JSON.stringify(patch)}`, () => assert.deepEqual(applyMergePatch(original, patch), result));
  }
});

describe("applyMergePatch", () => {
  test("leaves the document and the patch unchanged", () => {
    const doc = { metadata: { labels: { a: "1" } }, spec: { x: [1] } };
    const patch = { metadata: { labels: { a: null, b: "2" } }, spec: { x: [2] } };
    const result = applyMergePatch(doc, patch) as { spec: { x: number[] } };
    result.spec.x.push(3);
    assert.deepEqual(doc, { metadata: { labels: { a: "1" } }, spec: { x: [1] } });
    assert.deepEqual(patch, { metadata: { labels: { a: null, b: "2" } }, spec: { x: [2] } });
  });

  test("a __proto__ member is data", () => {
    const result = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    assert.deepEqual(Object.keys(result), ["__proto__"]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe("createMergePatch", () => {
  const cases: Array<[name: string, original: unknown, modified: unknown, patch: unknown]> = [
    ["no change", { a: 1, b: { c: [1] } }, { b: { c: [1] }, a: 1 }, {}],
    ["changed scalar", { a: 1 }, { a: 2 }, { a: 2 }],
    ["removed member", { a: 1, b: 2 }, { a: 1 }, { b: null }],
    ["added member", { a: 1 }, { a: 1, b: { c: 1 } }, { b: { c: 1 } }],
    ["nested change", { m: { a: 1, b: 2 } }, { m: { a: 1, b: 3, c: 4 } }, { m: { b: 3, c: 4 } }],
    ["nested removal", { m: { a: 1, b: 2 } }, { m: { a: 1 } }, { m: { b: null } }],
    ["changed list is whole", { l: [1, 2] }, { l: [1, 3] }, { l: [1, 3] }],
    ["object to scalar", { m: { a: 1 } }, { m: "x" }, { m: "x" }],
    ["non-object documents", [1], [2], [2]],
  ];
  for (const [name, original, modified, patch] of cases) {
    test(name, () => {
      assert.deepEqual(createMergePatch(original, modified), patch);
      assert.deepEqual(applyMergePatch(original, createMergePatch(original, modified)), modified);
    });
  }
});
