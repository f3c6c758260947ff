import { test } from "node:test";
import assert from "node:assert/strict";
import type { Container } from "kubernetes-types/core/v1";
import { containerResources } from "./container-resources.ts";
import type { ContainerResources } from "./runtime/runtime.ts";

const cases: [string, Container["resources"], ContainerResources][] = [
  ["nothing: minimum shares", undefined, { cpuShares: 2 }],
  ["cpu request 250m", { requests: { cpu: "250m" } }, { cpuShares: 256 }],
  ["cpu limit 1.5 without request", { limits: { cpu: "1500m" } }, { cpuShares: 1536, cpuPeriod: 100_000, cpuQuota: 150_000 }],
  ["tiny limit gets the minimum quota", { requests: { cpu: "1m" }, limits: { cpu: "1m" } }, { cpuShares: 2, cpuPeriod: 100_000, cpuQuota: 1000 }],
  ["memory limit in bytes", { limits: { memory: "64Mi" } }, { cpuShares: 2, memoryLimitInBytes: 64 * 1024 * 1024 }],
];

for (const [name, resources, expected] of cases) test(`containerResources: ${name}`, () => assert.deepEqual(containerResources({ name: "c", ...(resources ? { resources } : {}) }), expected));
