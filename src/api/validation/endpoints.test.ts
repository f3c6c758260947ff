import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { validateEndpointSlice, validateEndpointSliceUpdate, validateEndpoints } from "./endpoints.ts";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const meta = { name: "web", namespace: "default" };

describe("Endpoints", () => {
  const cases: [string, JsonObject, string[]][] = [
    ["valid", { metadata: meta, subsets: [{ addresses: [{ ip: "10.244.0.5", nodeName: "node-1" }], ports: [{ port: 8080 }] }] }, []],
    ["no addresses", { metadata: meta, subsets: [{ ports: [{ port: 80 }] }] }, ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"]],
    [
      "bad and special IPs",
      { metadata: meta, subsets: [{ addresses: [{ ip: "x" }, { ip: "169.254.1.1" }] }] },
      [
        'subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        'subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address',
        'subsets[0].addresses[1].ip: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      ],
    ],
    [
      "port names needed with several ports",
      { metadata: meta, subsets: [{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80 }, { name: "b", port: 81 }] }] },
      ["subsets[0].ports[0].name: Required value"],
    ],
  ];
  for (const [name, endpoints, expected] of cases) test(name, () => assert.deepEqual(texts(validateEndpoints(endpoints)), expected));
});

describe("EndpointSlice", () => {
  const slice = (): JsonObject => ({
    metadata: meta,
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.244.0.5"], conditions: { ready: true } }],
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  });

  test("valid", () => assert.deepEqual(texts(validateEndpointSlice(slice())), []));

  const cases: [string, (s: JsonObject) => void, string[]][] = [
    ["address type required", (s) => delete s.addressType, ["addressType: Required value"]],
    ["address type unknown", (s) => (s.addressType = "IP"), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']],
    ["address family", (s) => (s.endpoints = [{ addresses: ["fd00::1"] }]), ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address']],
    ["addresses required", (s) => (s.endpoints = [{}]), ["endpoints[0].addresses: Required value: must contain at least 1 address"]],
    ["duplicate port names", (s) => (s.ports = [{ name: "a" }, { name: "a" }]), ['ports[1].name: Duplicate value: "a"']],
  ];
  for (const [name, edit, expected] of cases) {
    test(name, () => {
      const s = slice();
      edit(s);
      assert.deepEqual(texts(validateEndpointSlice(s)), expected);
    });
  }

  test("address type is immutable", () => {
    const next = slice();
    next.addressType = "IPv6";
    next.endpoints = [{ addresses: ["fd00::1"] }];
    assert.deepEqual(texts(validateEndpointSliceUpdate(next, slice())), ['addressType: Invalid value: "IPv6": field is immutable']);
  });
});
