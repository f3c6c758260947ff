import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1";
import { containerFieldPath } from "./container-ref.ts";

const pod: Pod = {
  spec: {
    initContainers: [{ name: "setup" }],
    containers: [{ name: "web" }, { name: "sidecar" }],
    ephemeralContainers: [{ name: "debugger" }],
  },
};

test("containerFieldPath names the list the container is in", () => {
  const cases: [string, string | undefined][] = [
    ["web", "spec.containers{web}"],
    ["sidecar", "spec.containers{sidecar}"],
    ["setup", "spec.initContainers{setup}"],
    ["debugger", "spec.ephemeralContainers{debugger}"],
    ["missing", undefined],
  ];
  for (const [name, want] of cases) assert.equal(containerFieldPath(pod, name), want, name);
  assert.equal(containerFieldPath({}, "web"), undefined);
});
