import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { validateNamespace, validateNode, validateNodeUpdate } from "./cluster-objects.ts";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);

describe("Namespace", () => {
  const cases: [string, JsonObject, string[]][] = [
    ["valid", { metadata: { name: "team-a" }, spec: { finalizers: ["kubernetes"] } }, []],
    ["dots are not allowed", { metadata: { name: "team.a" } }, ['metadata.name: Invalid value: "team.a": must not contain dots']],
    ["no namespace on a namespace", { metadata: { name: "a", namespace: "b" } }, ["metadata.namespace: Forbidden: not allowed on this type"]],
    [
      "unqualified spec finalizer",
      { metadata: { name: "a" }, spec: { finalizers: ["custom"] } },
      ['spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified'],
    ],
  ];
  for (const [name, namespace, expected] of cases) test(name, () => assert.deepEqual(texts(validateNamespace(namespace)), expected));
});

describe("Node", () => {
  const node = (): JsonObject => ({
    metadata: { name: "node-1" },
    spec: { podCIDRs: ["10.244.1.0/24"], taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] },
    status: { capacity: { cpu: "4", memory: "8Gi", pods: "110" } },
  });

  test("valid", () => assert.deepEqual(texts(validateNode(node())), []));

  const cases: [string, (n: JsonObject) => void, string[]][] = [
    [
      "taint effect required and taints unique",
      (n) => ((n.spec as JsonObject).taints = [{ key: "a", effect: "NoSchedule" }, { key: "a", effect: "NoSchedule" }, { key: "b" }]),
      [
        'metadata.taints[1]: Duplicate value: {"key":"a","effect":"NoSchedule"}: taints must be unique by key and effect pair',
        "metadata.taints[2].effect: Required value",
      ],
    ],
    [
      "pods capacity must be whole",
      (n) => ((n.status as JsonObject).capacity = { pods: "1500m" }),
      ['status.capacity.pods: Invalid value: "1500m": must be an integer'],
    ],
    [
      "two CIDRs of one family",
      (n) => ((n.spec as JsonObject).podCIDRs = ["10.0.0.0/24", "10.0.1.0/24"]),
      ['spec.podCIDRs: Invalid value: ["10.0.0.0/24","10.0.1.0/24"]: may specify no more than one CIDR for each IP family'],
    ],
    [
      "bad CIDR",
      (n) => ((n.spec as JsonObject).podCIDRs = ["10.0.0.0/33"]),
      ['spec.podCIDRs[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ],
  ];
  for (const [name, edit, expected] of cases) {
    test(name, () => {
      const n = node();
      edit(n);
      assert.deepEqual(texts(validateNode(n)), expected);
    });
  }

  test("pod CIDRs and provider ID are set once", () => {
    const old = node();
    (old.spec as JsonObject).providerID = "kind://a";
    const next = structuredClone(old);
    (next.spec as JsonObject).podCIDRs = ["10.244.2.0/24"];
    (next.spec as JsonObject).providerID = "kind://b";
    assert.deepEqual(texts(validateNodeUpdate(next, old)), [
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
      'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
    ]);
  });

  test("a node without CIDRs may get them", () => {
    const old = node();
    delete (old.spec as JsonObject).podCIDRs;
    assert.deepEqual(validateNodeUpdate(node(), old), []);
  });
});
