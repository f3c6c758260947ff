import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { eventJson, listJson, objectBytes, objectJson } from "./serialize.ts";

const pod = (name: string, extra: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, labels: extra } });

describe("listJson", () => {
  const head = { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "42" } };
  const cases: { name: string; items: object[] }[] = [
    { name: "no items", items: [] },
    { name: "one item", items: [pod("a")] },
    { name: "several items, frozen and not", items: [Object.freeze(pod("a")), pod("b"), Object.freeze(pod("c"))] },
    { name: "text outside ASCII counts in UTF-8 bytes", items: [pod("ü", { note: "naïve ☃ 🚀" }), pod("b", { quote: '"\\\n' })] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const body = listJson(head, c.items);
      const text = Buffer.concat(body.chunks).toString("utf8");
      assert.deepEqual(JSON.parse(text), { ...head, items: c.items });
      assert.equal(body.bytes, Buffer.byteLength(text));
    });
  }
});

describe("objectJson and objectBytes", () => {
  test("a mutable object is serialized as it is now", () => {
    const mutable: { n: number } = { n: 1 };
    assert.equal(objectJson(mutable), '{"n":1}');
    assert.equal(objectBytes(mutable).toString(), '{"n":1}');
    mutable.n = 2;
    assert.equal(objectJson(mutable), '{"n":2}');
    assert.equal(objectBytes(mutable).toString(), '{"n":2}');
  });

  const orders: { name: string; first: (o: object) => unknown }[] = [
    { name: "text first", first: objectJson },
    { name: "bytes first", first: objectBytes },
  ];
  for (const order of orders) {
    test(`a frozen object keeps its first serialization, ${order.name}`, () => {
      const frozen = Object.freeze({ s: "é ☃" });
      order.first(frozen);
      assert.equal(objectBytes(frozen), objectBytes(frozen));
      assert.equal(objectJson(frozen), '{"s":"é ☃"}');
      assert.equal(objectBytes(frozen).length, Buffer.byteLength('{"s":"é ☃"}'));
      assert.equal(objectBytes(frozen).toString("utf8"), objectJson(frozen));
    });
  }

  test("watch event lines wrap the object's text", () => {
    assert.equal(eventJson("ADDED", { a: 1 }), '{"type":"ADDED","object":{"a":1}}\n');
  });
});
