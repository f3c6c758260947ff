import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";
import { validateLease, validateLeaseUpdate } from "./lease.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const lease = (spec: JsonObject): JsonObject => ({ metadata: { name: "node-1", namespace: "kube-node-lease" }, spec });

describe("Lease", () => {
  const cases: [string, JsonObject, string[]][] = [
    ["valid", lease({ holderIdentity: "node-1", leaseDurationSeconds: 40, leaseTransitions: 0 }), []],
    ["zero duration", lease({ leaseDurationSeconds: 0 }), ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]],
    ["negative transitions", lease({ leaseTransitions: -1 }), ["spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"]],
    ["preferred holder needs a strategy", lease({ preferredHolder: "x" }), ["spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"]],
    ["unknown strategy", lease({ strategy: "Newest" }), ['spec.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"']],
  ];
  for (const [name, value, expected] of cases) test(name, () => assert.deepEqual(texts(validateLease(value)), expected));

  test("a renewal is a valid update", () => {
    const old = lease({ holderIdentity: "a", renewTime: "2024-01-01T00:00:00.000000Z" });
    const next = lease({ holderIdentity: "a", renewTime: "2024-01-01T00:00:10.000000Z" });
    assert.deepEqual(validateLeaseUpdate(next, old), []);
  });
});
