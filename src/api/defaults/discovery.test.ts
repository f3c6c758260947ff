import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const cases: [kind: string, version: string, name: string, input: JsonObject, expected: JsonObject][] = [
  [
    "EndpointSlice", "v1", "unnamed ports get an empty name and TCP",
    { addressType: "IPv4", endpoints: [{ addresses: ["10.42.0.7"] }], ports: [{ port: 80 }, { name: "dns", port: 53, protocol: "UDP" }] },
    { addressType: "IPv4", endpoints: [{ addresses: ["10.42.0.7"] }], ports: [{ port: 80, name: "", protocol: "TCP" }, { name: "dns", port: 53, protocol: "UDP" }] },
  ],
];

describe("discovery.k8s.io/v1 defaults", () => {
  for (const [kind, version, name, input, expected] of cases) {
    test(`${kind} ${version}: ${name}`, () => {
      const target = { group: "discovery.k8s.io", version, kind };
      const obj = structuredClone(input);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
