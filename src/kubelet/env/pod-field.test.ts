import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { DownwardApiError } from "./env-errors.ts";
import { formatMap, podFieldValue } from "./pod-field.ts";

const pod: Pod = {
  metadata: { name: "web-1", namespace: "shop", uid: "u-123", labels: { app: "web", tier: "front" }, annotations: { "a.io/x": 'say "hi"' } },
  spec: { nodeName: "node-a", serviceAccountName: "builder", containers: [{ name: "c" }] },
};
const placement = { nodeName: "node-a", hostIP: "192.0.2.10", podIPs: ["10.42.0.7", "fd00::7"] };

const cases: [string, string][] = [
  ["metadata.name", "web-1"],
  ["metadata.namespace", "shop"],
  ["metadata.uid", "u-123"],
  ["metadata.labels['app']", "web"],
  ["metadata.labels['missing']", ""],
  ["metadata.annotations['a.io/x']", 'say "hi"'],
  ["metadata.labels", 'app="web"\ntier="front"'],
  ["metadata.annotations", 'a.io/x="say \\"hi\\""'],
  ["spec.nodeName", "node-a"],
  ["spec.serviceAccountName", "builder"],
  ["status.hostIP", "192.0.2.10"],
  ["status.hostIPs", "192.0.2.10"],
  ["status.podIP", "10.42.0.7"],
  ["status.podIPs", "10.42.0.7,fd00::7"],
];

for (const [fieldPath, expected] of cases) {
  test(`fieldRef ${fieldPath}`, () => {
    assert.equal(podFieldValue(pod, fieldPath, placement), expected);
  });
}

test("an unknown fieldPath is refused", () => {
  assert.throws(() => podFieldValue(pod, "spec.hostname", placement), (e: unknown) => e instanceof DownwardApiError && e.message === "unsupported fieldPath: spec.hostname");
});

test("formatMap escapes control characters the Go way", () => {
  assert.equal(formatMap({ b: "tab\there", a: "bell\u0007" }), 'a="bell\\a"\nb="tab\\there"');
});
