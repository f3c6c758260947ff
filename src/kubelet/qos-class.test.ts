import { test } from "node:test";
import assert from "node:assert/strict";
import type { Container, Pod } from "kubernetes-types/core/v1";
import { qosClass, type QosClass } from "./qos-class.ts";

const pod = (...containers: Container["resources"][]): Pod => ({ spec: { containers: containers.map((resources, i) => ({ name: `c${i}`, ...(resources ? { resources } : {}) })) } });

const cases: [string, Pod, QosClass][] = [
  ["no resources", pod(undefined), "BestEffort"],
  ["only an ephemeral-storage request", pod({ requests: { "ephemeral-storage": "1Gi" } }), "BestEffort"],
  ["limits equal to requests", pod({ requests: { cpu: "500m", memory: "64Mi" }, limits: { cpu: "0.5", memory: "64Mi" } }), "Guaranteed"],
  ["limits only (requests default to them)", pod({ limits: { cpu: "1", memory: "1Gi" } }), "Guaranteed"],
  ["requests below limits", pod({ requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "200m", memory: "64Mi" } }), "Burstable"],
  ["cpu limit without memory", pod({ limits: { cpu: "1" } }), "Burstable"],
  ["one guaranteed, one best-effort container", pod({ limits: { cpu: "1", memory: "1Gi" } }, undefined), "Burstable"],
];

for (const [name, p, expected] of cases) test(`qosClass: ${name}`, () => assert.equal(qosClass(p), expected));
