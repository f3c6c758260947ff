import { test } from "node:test";
import assert from "node:assert/strict";
import type { Container } from "kubernetes-types/core/v1";
import { containerResourceValue } from "./container-resource.ts";
import { DownwardApiError } from "./env-errors.ts";

const limited: Container = { name: "app", resources: { limits: { cpu: "1500m", memory: "128Mi" }, requests: { cpu: "250m", memory: "64Mi" } } };
const unlimited: Container = { name: "free" };
const allocatable = { cpu: "4", memory: "8Gi", "ephemeral-storage": "100Gi" };

const cases: [string, Container, string, string | undefined, string][] = [
  ["cpu limit in whole cores rounds up", limited, "limits.cpu", undefined, "2"],
  ["cpu limit in millicores", limited, "limits.cpu", "1m", "1500"],
  ["cpu request", limited, "requests.cpu", "1m", "250"],
  ["memory limit in bytes", limited, "limits.memory", undefined, "134217728"],
  ["memory limit in Mi", limited, "limits.memory", "1Mi", "128"],
  ["memory request in Mi", limited, "requests.memory", "1Mi", "64"],
  ["memory limit rounds up", limited, "limits.memory", "100Mi", "2"],
  ["missing cpu limit is the node's allocatable", unlimited, "limits.cpu", undefined, "4"],
  ["missing memory limit is the node's allocatable", unlimited, "limits.memory", "1Gi", "8"],
  ["missing request is zero", unlimited, "requests.memory", undefined, "0"],
];

for (const [name, container, resource, divisor, expected] of cases) {
  test(name, () => {
    assert.equal(containerResourceValue(container, { resource, ...(divisor ? { divisor } : {}) }, allocatable), expected);
  });
}

test("an unknown resource is refused", () => {
  assert.throws(() => containerResourceValue(limited, { resource: "limits.gpu" }), (e: unknown) => e instanceof DownwardApiError && /unsupported container resource : limits.gpu/.test(e.message));
});

test("a missing limit with no allocatable known is an error, not a guess", () => {
  assert.throws(() => containerResourceValue(unlimited, { resource: "limits.cpu" }), DownwardApiError);
});
