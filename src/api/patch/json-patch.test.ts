import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { applyJsonPatch } from "./json-patch.ts";
import type { PatchErrorReason } from "./patch-error.ts";
import { PatchError } from "./patch-error.ts";

type Case = { name: string; doc: unknown; patch: unknown } & ({ expected: unknown } | { reason: PatchErrorReason; message?: RegExp });

function run(cases: Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      if ("expected" in c) {
        assert.deepEqual(applyJsonPatch(c.doc, c.patch), c.expected);
      } else {
        assert.throws(
          () => applyJsonPatch(c.doc, c.patch),
          (e: unknown) => e instanceof PatchError && e.reason === c.reason && (c.message === undefined || c.message.test(e.message)),
        );
      }
    });
  }
}

describe("applyJsonPatch: RFC 6902 appendix A", () => {
  run([
    { name: "A.1 adding an object member", doc: { foo: "bar" }, patch: [{ op: "add", path: "/baz", value: "qux" }], expected: { baz: "qux", foo: "bar" } },
    {
      name: "A.2 adding an array element",
      doc: { foo: ["bar", "baz"] },
      patch: [{ op: "add", path: "/foo/1", value: "qux" }],
      expected: { foo: ["bar", "qux", "baz"] },
    },
    { name: "A.3 removing an object member", doc: { baz: "qux", foo: "bar" }, patch: [{ op: "remove", path: "/baz" }], expected: { foo: "bar" } },
    {
      name: "A.4 removing an array element",
      doc: { foo: ["bar", "qux", "baz"] },
      patch: [{ op: "remove", path: "/foo/1" }],
      expected: { foo: ["bar", "baz"] },
    },
    {
      name: "A.5 replacing a value",
      doc: { baz: "qux", foo: "bar" },
      patch: [{ op: "replace", path: "/baz", value: "boo" }],
      expected: { baz: "boo", foo: "bar" },
    },
    {
      name: "A.6 moving a value",
      doc: { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } },
      patch: [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }],
      expected: { foo: { bar: "baz" }, qux: { corge: "grault", thud: "fred" } },
    },
    {
      name: "A.7 moving an array element",
      doc: { foo: ["all", "grass", "cows", "eat"] },
      patch: [{ op: "move", from: "/foo/1", path: "/foo/3" }],
      expected: { foo: ["all", "cows", "eat", "grass"] },
    },
    {
      name: "A.8 testing a value: success",
      doc: { baz: "qux", foo: ["a", 2, "c"] },
      patch: [
        { op: "test", path: "/baz", value: "qux" },
        { op: "test", path: "/foo/1", value: 2 },
      ],
      expected: { baz: "qux", foo: ["a", 2, "c"] },
    },
    { name: "A.9 testing a value: error", doc: { baz: "qux" }, patch: [{ op: "test", path: "/baz", value: "bar" }], reason: "TestFailed" },
    {
      name: "A.10 adding a nested member object",
      doc: { foo: "bar" },
      patch: [{ op: "add", path: "/child", value: { grandchild: {} } }],
      expected: { foo: "bar", child: { grandchild: {} } },
    },
    {
      name: "A.11 ignoring unrecognized elements",
      doc: { foo: "bar" },
      patch: [{ op: "add", path: "/baz", value: "qux", xyz: 123 }],
      expected: { foo: "bar", baz: "qux" },
    },
    {
      name: "A.12 adding to a nonexistent target",
      doc: { foo: "bar" },
      patch: [{ op: "add", path: "/baz/bat", value: "qux" }],
      reason: "PathNotFound",
      message: /\/baz/,
    },
    { name: "A.14 ~ escape ordering", doc: { "/": 9, "~1": 10 }, patch: [{ op: "test", path: "/~01", value: 10 }], expected: { "/": 9, "~1": 10 } },
    { name: "A.15 comparing strings and numbers", doc: { "/": 9, "~1": 10 }, patch: [{ op: "test", path: "/~01", value: "10" }], reason: "TestFailed" },
    {
      name: "A.16 adding an array value",
      doc: { foo: ["bar"] },
      patch: [{ op: "add", path: "/foo/-", value: ["abc", "def"] }],
      expected: { foo: ["bar", ["abc", "def"]] },
    },
  ]);
});

describe("applyJsonPatch: operations", () => {
  run([
    { name: "add replaces an existing member", doc: { a: 1 }, patch: [{ op: "add", path: "/a", value: 2 }], expected: { a: 2 } },
    { name: "add at the end index appends", doc: { a: [1] }, patch: [{ op: "add", path: "/a/1", value: 2 }], expected: { a: [1, 2] } },
    { name: "add with an empty path replaces the document", doc: { a: 1 }, patch: [{ op: "add", path: "", value: [1] }], expected: [1] },
    { name: "add of null sets null", doc: {}, patch: [{ op: "add", path: "/a", value: null }], expected: { a: null } },
    { name: "add to a member named by an empty key", doc: {}, patch: [{ op: "add", path: "/", value: 1 }], expected: { "": 1 } },
    { name: "replace of the whole document", doc: { a: 1 }, patch: [{ op: "replace", path: "", value: { b: 2 } }], expected: { b: 2 } },
    { name: "replace keeps an array element's place", doc: [1, 2, 3], patch: [{ op: "replace", path: "/1", value: 9 }], expected: [1, 9, 3] },
    {
      name: "copy duplicates a value",
      doc: { a: { b: [1] } },
      patch: [{ op: "copy", from: "/a/b", path: "/c" }],
      expected: { a: { b: [1] }, c: [1] },
    },
    {
      name: "a copy is independent of its source",
      doc: { a: { b: 1 } },
      patch: [
        { op: "copy", from: "/a", path: "/c" },
        { op: "replace", path: "/c/b", value: 2 },
      ],
      expected: { a: { b: 1 }, c: { b: 2 } },
    },
    { name: "move onto itself changes nothing", doc: { a: 1 }, patch: [{ op: "move", from: "/a", path: "/a" }], expected: { a: 1 } },
    {
      name: "test compares objects regardless of member order",
      doc: { a: { x: 1, y: [1, { z: true }] } },
      patch: [{ op: "test", path: "/a", value: { y: [1, { z: true }], x: 1 } }],
      expected: { a: { x: 1, y: [1, { z: true }] } },
    },
    {
      name: "test for null passes on an absent member (as upstream's json-patch)",
      doc: { metadata: { labels: {} } },
      patch: [{ op: "test", path: "/metadata/labels/app", value: null }],
      expected: { metadata: { labels: {} } },
    },
    {
      name: "operations apply in order",
      doc: { list: [] },
      patch: [
        { op: "add", path: "/list/-", value: "a" },
        { op: "add", path: "/list/0", value: "b" },
        { op: "remove", path: "/list/1" },
      ],
      expected: { list: ["b"] },
    },
    { name: "a __proto__ key is a plain member", doc: {}, patch: [{ op: "add", path: "/__proto__", value: { polluted: true } }], expected: JSON.parse('{"__proto__":{"polluted":true}}') },
  ]);
});

describe("applyJsonPatch: errors", () => {
  run([
    { name: "the patch must be an array", doc: {}, patch: { op: "add" }, reason: "InvalidPatch" },
    { name: "an operation must be an object", doc: {}, patch: ["add"], reason: "InvalidPatch", message: /operation 0/ },
    { name: "unknown op", doc: {}, patch: [{ op: "merge", path: "/a" }], reason: "InvalidPatch", message: /unknown op "merge"/ },
    { name: "path is required", doc: {}, patch: [{ op: "remove" }], reason: "InvalidPatch", message: /"path"/ },
    { name: "value is required for add", doc: {}, patch: [{ op: "add", path: "/a" }], reason: "InvalidPatch", message: /"value"/ },
    { name: "from is required for move", doc: { a: 1 }, patch: [{ op: "move", path: "/b" }], reason: "InvalidPatch", message: /"from"/ },
    { name: "a malformed pointer", doc: {}, patch: [{ op: "add", path: "a", value: 1 }], reason: "InvalidPatch", message: /operation 0: "path"/ },
    { name: "remove of an absent member", doc: { a: 1 }, patch: [{ op: "remove", path: "/b" }], reason: "PathNotFound" },
    { name: "remove of the whole document", doc: { a: 1 }, patch: [{ op: "remove", path: "" }], reason: "InvalidPatch" },
    { name: "replace of an absent member", doc: { a: 1 }, patch: [{ op: "replace", path: "/b", value: 2 }], reason: "PathNotFound" },
    { name: "add past the end of an array", doc: { a: [1] }, patch: [{ op: "add", path: "/a/2", value: 2 }], reason: "PathNotFound" },
    { name: "an index with a leading zero", doc: { a: [1, 2] }, patch: [{ op: "add", path: "/a/01", value: 2 }], reason: "PathNotFound" },
    { name: "remove at '-'", doc: { a: [1] }, patch: [{ op: "remove", path: "/a/-" }], reason: "PathNotFound" },
    { name: "add below a primitive", doc: { a: 1 }, patch: [{ op: "add", path: "/a/b", value: 2 }], reason: "PathNotFound" },
    { name: "move from an absent member", doc: {}, patch: [{ op: "move", from: "/a", path: "/b" }], reason: "PathNotFound" },
    { name: "move into its own child", doc: { a: { b: {} } }, patch: [{ op: "move", from: "/a", path: "/a/b/c" }], reason: "InvalidPatch" },
    { name: "test of an absent member", doc: {}, patch: [{ op: "test", path: "/a", value: 1 }], reason: "PathNotFound" },
    { name: "test for null below an absent parent", doc: {}, patch: [{ op: "test", path: "/a/b", value: null }], reason: "PathNotFound" },
    {
      name: "the failing operation is named",
      doc: { a: 1 },
      patch: [
        { op: "test", path: "/a", value: 1 },
        { op: "test", path: "/a", value: 2 },
      ],
      reason: "TestFailed",
      message: /^operation 1 \(test\)/,
    },
  ]);
});

describe("applyJsonPatch: copies", () => {
  test("leaves the document and the patch unchanged", () => {
    const doc = { a: [1, 2], b: { c: 1 } };
    const patch = [
      { op: "add", path: "/a/-", value: { d: 1 } },
      { op: "remove", path: "/b/c" },
    ];
    const docBefore = structuredClone(doc);
    const patchBefore = structuredClone(patch);
    const result = applyJsonPatch(doc, patch) as { a: Array<unknown> };
    (result.a[2] as { d: number }).d = 99;
    assert.deepEqual(doc, docBefore);
    assert.deepEqual(patch, patchBefore);
  });

  test("a failed patch leaves the document unchanged", () => {
    const doc = { a: 1 };
    assert.throws(() => applyJsonPatch(doc, [{ op: "remove", path: "/a" }, { op: "remove", path: "/zzz" }]));
    assert.deepEqual(doc, { a: 1 });
  });
});
