import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { Indexer, namespaceIndex, namespaceIndexFunc, type IndexFunc } from "./indexer.ts";
import { objectKey, splitObjectKey } from "./object-key.ts";
import { InvalidClientOptionError } from "./errors.ts";

const pod = (namespace: string, name: string, node?: string, labels: Record<string, string> = {}): Pod => ({
  metadata: { namespace, name, labels },
  spec: { containers: [], ...(node ? { nodeName: node } : {}) },
});
const byNode: IndexFunc<Pod> = (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []);
const byLabelValues: IndexFunc<Pod> = (p) => Object.values(p.metadata?.labels ?? {});

type Op = { add: Pod } | { update: Pod } | { delete: Pod } | { replace: Pod[] };

describe("Indexer", () => {
  const cases: { name: string; ops: Op[]; index: string; value: string; expected: string[]; values: string[] }[] = [
    {
      name: "namespace index groups by namespace",
      ops: [{ add: pod("a", "p1") }, { add: pod("b", "p2") }, { add: pod("a", "p3") }],
      index: namespaceIndex,
      value: "a",
      expected: ["a/p1", "a/p3"],
      values: ["a", "b"],
    },
    {
      name: "an update moves the object between index values",
      ops: [{ add: pod("a", "p1", "n1") }, { add: pod("a", "p2", "n1") }, { update: pod("a", "p1", "n2") }],
      index: "node",
      value: "n1",
      expected: ["a/p2"],
      values: ["n1", "n2"],
    },
    {
      name: "a delete removes the object and empty values",
      ops: [{ add: pod("a", "p1", "n1") }, { add: pod("a", "p2", "n2") }, { delete: pod("a", "p1") }],
      index: "node",
      value: "n1",
      expected: [],
      values: ["n2"],
    },
    {
      name: "objects without a value are not indexed",
      ops: [{ add: pod("a", "p1") }, { add: pod("a", "p2", "n1") }],
      index: "node",
      value: "",
      expected: [],
      values: ["n1"],
    },
    {
      name: "several values per object",
      ops: [{ add: pod("a", "p1", undefined, { app: "web", tier: "front" }) }, { add: pod("a", "p2", undefined, { app: "db", tier: "front" }) }],
      index: "labels",
      value: "front",
      expected: ["a/p1", "a/p2"],
      values: ["web", "front", "db"],
    },
    {
      name: "replace rebuilds every index",
      ops: [{ add: pod("a", "p1", "n1") }, { replace: [pod("b", "p9", "n3")] }],
      index: "node",
      value: "n3",
      expected: ["b/p9"],
      values: ["n3"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const indexer = new Indexer<Pod>(objectKey, { [namespaceIndex]: namespaceIndexFunc, node: byNode, labels: byLabelValues });
      for (const op of c.ops) {
        if ("add" in op) indexer.add(op.add);
        else if ("update" in op) indexer.update(op.update);
        else if ("delete" in op) indexer.delete(op.delete);
        else indexer.replace(op.replace);
      }
      assert.deepEqual(indexer.byIndex(c.index, c.value).map(objectKey).sort(), c.expected);
      assert.deepEqual(indexer.indexKeys(c.index, c.value).sort(), c.expected);
      assert.deepEqual(indexer.listIndexValues(c.index).sort(), [...c.values].sort());
    });
  }

  test("get, getByKey, list and size follow the latest state", () => {
    const indexer = new Indexer<Pod>(objectKey);
    indexer.add(pod("a", "p1", "n1"));
    indexer.update(pod("a", "p1", "n2"));
    indexer.add(pod("", "cluster-wide"));
    assert.equal(indexer.getByKey("a/p1")?.spec?.nodeName, "n2");
    assert.equal(indexer.get(pod("a", "p1"))?.spec?.nodeName, "n2");
    assert.deepEqual(indexer.listKeys().sort(), ["a/p1", "cluster-wide"]);
    assert.equal(indexer.size, 2);
    indexer.delete(pod("a", "p1"));
    assert.equal(indexer.getByKey("a/p1"), undefined);
    assert.equal(indexer.list().length, 1);
  });

  test("an index added later covers objects cached before", () => {
    const indexer = new Indexer<Pod>(objectKey);
    indexer.add(pod("a", "p1", "n1"));
    indexer.addIndexers({ node: byNode });
    assert.deepEqual(indexer.indexKeys("node", "n1"), ["a/p1"]);
    assert.throws(() => indexer.addIndexers({ node: byNode }), InvalidClientOptionError);
    assert.throws(() => indexer.byIndex("missing", "x"), InvalidClientOptionError);
  });
});

describe("object keys", () => {
  const cases: { namespace?: string; name: string; key: string }[] = [
    { namespace: "default", name: "web", key: "default/web" },
    { name: "node-1", key: "node-1" },
  ];
  for (const c of cases) {
    test(c.key, () => {
      assert.equal(objectKey({ metadata: { name: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) } }), c.key);
      assert.deepEqual(splitObjectKey(c.key), { namespace: c.namespace ?? "", name: c.name });
    });
  }
});
