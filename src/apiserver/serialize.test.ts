import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { eventJson, listJson, serialized } from "./serialize.ts";

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
      const text = body.chunks.join("");
      assert.deepEqual(JSON.parse(text), { ...head, items: c.items });
      assert.equal(body.bytes, Buffer.byteLength(text));
    });
  }
});

describe("serialized", () => {
  test("a frozen object keeps its first text; a mutable one is serialized as it is now", () => {
    const mutable: { n: number } = { n: 1 };
    assert.equal(serialized(mutable).text, '{"n":1}');
    mutable.n = 2;
    assert.equal(serialized(mutable).text, '{"n":2}');
    const frozen = Object.freeze({ s: "é" });
    assert.equal(serialized(frozen), serialized(frozen));
    assert.deepEqual(serialized(frozen), { text: '{"s":"é"}', bytes: 10 });
  });

  test("watch event lines wrap the object's text", () => {
    assert.equal(eventJson("ADDED", { a: 1 }), '{"type":"ADDED","object":{"a":1}}\n');
  });
});
