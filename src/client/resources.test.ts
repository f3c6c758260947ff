import { test } from "node:test";
import assert from "node:assert/strict";
import { builtinResources } from "../api/registry.ts";
import { inNamespace, resources } from "./resources.ts";

test("every well-known address names a resource the server serves", () => {
  const missing = Object.entries(resources)
    .filter(([, r]) => !builtinResources.some((b) => b.group === r.group && b.version === r.version && b.plural === r.plural))
    .map(([name]) => name);
  assert.deepEqual(missing, []);
});

test("inNamespace adds a namespace, and removes it for all namespaces", () => {
  assert.deepEqual(inNamespace(resources.pods, "kube-system"), { group: "", version: "v1", plural: "pods", namespace: "kube-system" });
  assert.deepEqual(inNamespace({ ...resources.pods, namespace: "a" }, ""), { group: "", version: "v1", plural: "pods" });
});
