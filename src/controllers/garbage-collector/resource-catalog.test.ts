import { test } from "node:test";
import assert from "node:assert/strict";
import { builtinResources } from "../../api/registry.ts";
import { entryForKind, groupOf, resourceCatalog } from "./resource-catalog.ts";

const catalog = resourceCatalog(builtinResources);
const plurals = catalog.map((e) => `${e.resource.group}/${e.resource.plural}`);

test("the catalog holds deletable, watchable types once per stored collection", () => {
  for (const wanted of ["/pods", "/configmaps", "/namespaces", "apps/deployments", "apps/replicasets", "batch/jobs"]) assert.ok(plurals.includes(wanted), wanted);
  // Create-only reviews, read-only componentstatuses and the ignored events are out.
  for (const unwanted of ["/bindings", "/componentstatuses", "/events", "events.k8s.io/events", "authentication.k8s.io/tokenreviews"]) assert.ok(!plurals.includes(unwanted), unwanted);
  assert.equal(new Set(plurals).size, plurals.length);
  const hpa = catalog.filter((e) => e.resource.plural === "horizontalpodautoscalers");
  assert.equal(hpa.length, 1);
  assert.equal(hpa[0]?.resource.version, "v2");
});

test("owner references resolve by group and kind", () => {
  assert.equal(entryForKind(catalog, "apps/v1", "ReplicaSet")?.resource.plural, "replicasets");
  assert.equal(entryForKind(catalog, "v1", "Node")?.namespaced, false);
  assert.equal(entryForKind(catalog, "example.com/v1", "Widget"), undefined);
  assert.equal(groupOf("v1"), "");
  assert.equal(groupOf("batch/v1"), "batch");
  assert.equal(entryForKind(catalog, "v1", "Namespace")?.deleteCollection, false);
  assert.equal(entryForKind(catalog, "v1", "ConfigMap")?.deleteCollection, true);
});
