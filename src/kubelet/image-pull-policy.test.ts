import { test } from "node:test";
import assert from "node:assert/strict";
import { pullDecision, pullPolicy, type PullDecision, type PullPolicy } from "./image-pull-policy.ts";

const policies: [string, string | undefined, PullPolicy][] = [
  ["localhost:5000/busybox", undefined, "Always"],
  ["localhost:5000/busybox:latest", undefined, "Always"],
  ["localhost:5000/web:v1", undefined, "IfNotPresent"],
  ["web@sha256:abc", undefined, "IfNotPresent"],
  ["localhost:5000/busybox:latest", "Never", "Never"],
];
for (const [image, explicit, expected] of policies) test(`pullPolicy ${image} ${explicit ?? "(default)"}`, () => assert.equal(pullPolicy({ name: "c", image, ...(explicit ? { imagePullPolicy: explicit } : {}) }), expected));

const decisions: [PullPolicy, boolean, PullDecision][] = [
  ["Always", true, "pull"],
  ["IfNotPresent", true, "present"],
  ["IfNotPresent", false, "pull"],
  ["Never", true, "present"],
  ["Never", false, "missing-never"],
];
for (const [policy, present, expected] of decisions) test(`pullDecision ${policy} present=${present}`, () => assert.equal(pullDecision(policy, present), expected));
