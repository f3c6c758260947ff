import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { canonicalJson, computePodTemplateHash, fnv32a, safeEncodeString } from "./hashing.ts";

const ascii = (text: string) => new TextEncoder().encode(text);

describe("fnv32a", () => {
  // Published FNV-1a 32-bit test vectors.
  const cases: [string, number][] = [
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(fnv32a(ascii(input)), expected));
  }
  test("chaining two writes equals one write of both", () => {
    assert.equal(fnv32a(ascii("bar"), fnv32a(ascii("foo"))), fnv32a(ascii("foobar")));
  });
});

describe("safeEncodeString", () => {
  const cases: [string, string][] = [
    // Digits land on the ten letters seen in real hashes such as "7c5ddbdf54".
    ["0123456789", "456789bcdf"],
    ["", ""],
    ["a-Z", "vxm"],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(safeEncodeString(input), expected));
  }
});

describe("canonicalJson", () => {
  test("sorts keys at every depth and drops undefined and null members", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined, e: null } }), '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
  test("keeps nulls inside arrays (positions matter)", () => {
    assert.equal(canonicalJson([null, 1]), "[null,1]");
  });
});

describe("computePodTemplateHash", () => {
  const template: PodTemplateSpec = {
    metadata: { labels: { app: "web" } },
    spec: { containers: [{ name: "web", image: "localhost:5000/web:1" }] },
  };
  const reordered: PodTemplateSpec = {
    spec: { containers: [{ image: "localhost:5000/web:1", name: "web" }] },
    metadata: { labels: { app: "web" } },
  };
  const otherImage: PodTemplateSpec = {
    metadata: { labels: { app: "web" } },
    spec: { containers: [{ name: "web", image: "localhost:5000/web:2" }] },
  };

  test("uses only the safe alphabet", () => {
    for (const count of [undefined, 0, 1, 7, 2 ** 31 - 1]) {
      assert.match(computePodTemplateHash(template, count), /^[456789bcdf]{1,10}$/);
    }
  });
  test("is stable across field order and null members", () => {
    assert.equal(computePodTemplateHash(template), computePodTemplateHash(reordered));
    assert.equal(computePodTemplateHash(template), computePodTemplateHash({ ...template, metadata: { ...template.metadata, creationTimestamp: null as unknown as string } }));
  });
  const distinct: [string, string, string][] = [
    ["another image", computePodTemplateHash(template), computePodTemplateHash(otherImage)],
    ["collision count 0 vs absent", computePodTemplateHash(template), computePodTemplateHash(template, 0)],
    ["collision count 0 vs 1", computePodTemplateHash(template, 0), computePodTemplateHash(template, 1)],
  ];
  for (const [name, a, b] of distinct) test(`differs for ${name}`, () => assert.notEqual(a, b));
  test("the same hash on every call (a stored value stays valid)", () => {
    assert.equal(computePodTemplateHash(template, 3), computePodTemplateHash(structuredClone(template), 3));
    assert.equal(computePodTemplateHash(template), safeEncodeString(String(fnv32a(ascii(canonicalJson(template))))));
  });
});
