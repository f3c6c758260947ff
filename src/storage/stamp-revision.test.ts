import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { jsonCopy, parseStamped, stampRevision } from "./stamp-revision.ts";

describe("jsonCopy gives what a JSON round trip gives", () => {
  const cases: { name: string; value: unknown }[] = [
    { name: "a pod-like object", value: { apiVersion: "v1", kind: "Pod", metadata: { name: "a", labels: { app: "web" } }, spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }] }] } } },
    { name: "scalars", value: { s: "x", n: 1.5, zero: 0, t: true, f: false, nil: null } },
    { name: "undefined fields are left out", value: { kept: 1, gone: undefined, nested: { gone: undefined } } },
    { name: "undefined in arrays becomes null", value: { items: [1, undefined, "x"] } },
    { name: "functions and symbols are left out of objects, null in arrays", value: { f: () => 1, s: Symbol("s"), list: [() => 1, Symbol("t")] } },
    { name: "non-finite numbers become null", value: { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, list: [Number.NEGATIVE_INFINITY] } },
    { name: "toJSON is honoured", value: { when: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), custom: { toJSON: () => ({ replaced: true }) } } },
    { name: "empty containers", value: { o: {}, a: [], deep: [[], [{}]] } },
    { name: "integer-like keys keep JSON's order", value: { b: 1, "2": 2, a: 3, "1": 4 } },
    { name: "a top-level array", value: [{ a: 1 }, null, "x"] },
    { name: "a top-level string", value: "text" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const copy = jsonCopy(c.value);
      assert.deepEqual(copy, JSON.parse(JSON.stringify(c.value)));
      assert.equal(JSON.stringify(copy), JSON.stringify(c.value));
    });
  }

  test("the copy shares nothing with the original", () => {
    const original = { metadata: { labels: { a: "1" } }, items: [{ n: 1 }] };
    const copy = jsonCopy(original);
    copy.metadata.labels.a = "changed";
    copy.items[0]!.n = 2;
    assert.deepEqual(original, { metadata: { labels: { a: "1" } }, items: [{ n: 1 }] });
  });

  test("a __proto__ field stays a field and sets no prototype", () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    const copy = jsonCopy(parsed);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.equal((copy as { polluted?: boolean }).polluted, undefined);
    assert.equal(JSON.stringify(copy), '{"__proto__":{"polluted":true},"a":1}');
  });
});

describe("stamping", () => {
  const cases: { name: string; object: { metadata?: unknown }; revision: number; expected: unknown }[] = [
    { name: "sets the revision", object: { metadata: { name: "a" } }, revision: 7, expected: { metadata: { name: "a", resourceVersion: "7" } } },
    { name: "replaces a stale revision", object: { metadata: { name: "a", resourceVersion: "3" } }, revision: 9, expected: { metadata: { name: "a", resourceVersion: "9" } } },
    { name: "adds metadata when missing", object: {}, revision: 1, expected: { metadata: { resourceVersion: "1" } } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(stampRevision(jsonCopy(c.object) as never, c.revision), c.expected);
      assert.deepEqual(parseStamped(JSON.stringify(c.object), c.revision), c.expected);
    });
  }
});
