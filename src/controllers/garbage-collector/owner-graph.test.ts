import { test } from "node:test";
import assert from "node:assert/strict";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { OwnerGraph, type GraphNode } from "./owner-graph.ts";

const ref = (uid: string): OwnerReference => ({ apiVersion: "v1", kind: "X", name: uid, uid });
const node = (uid: string, owners: string[] = []): GraphNode => ({ uid, type: 0, namespace: "ns", name: uid, owners: owners.map(ref), deleting: false, finalizers: [] });
const uids = (nodes: GraphNode[]) => nodes.map((n) => n.uid).sort();

test("dependents are indexed by owner uid, also before the owner is known", () => {
  const graph = new OwnerGraph();
  assert.deepEqual(graph.upsert(node("c1", ["o"])), ["o"]);
  graph.upsert(node("c2", ["o", "p"]));
  assert.deepEqual(uids(graph.dependentsOf("o")), ["c1", "c2"]);
  assert.deepEqual(uids(graph.dependentsOf("p")), ["c2"]);
  assert.equal(graph.get("o"), undefined);
});

test("changing owners moves the dependent and reports the owners touched", () => {
  const graph = new OwnerGraph();
  graph.upsert(node("c", ["o", "p"]));
  assert.deepEqual(graph.upsert(node("c", ["p", "q"])).sort(), ["o", "q"]);
  assert.deepEqual(uids(graph.dependentsOf("o")), []);
  assert.deepEqual(uids(graph.dependentsOf("q")), ["c"]);
  assert.deepEqual(graph.upsert(node("c", ["p", "q"])), []);
});

test("removing a node unlinks it from its owners", () => {
  const graph = new OwnerGraph();
  graph.upsert(node("c", ["o"]));
  assert.equal(graph.remove("c")?.uid, "c");
  assert.equal(graph.remove("c"), undefined);
  assert.deepEqual(graph.dependentsOf("o"), []);
  assert.equal(graph.size, 0);
});
