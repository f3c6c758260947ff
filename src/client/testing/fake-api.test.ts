// The fake must behave like the server where tests lean on it.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap, Pod } from "kubernetes-types/core/v1";
import { FakeApi } from "./fake-api.ts";
import { hasReason, isResourceExpired } from "../errors.ts";
import { inNamespace, resources } from "../resources.ts";
import type { WatchEvent } from "../kube-client.ts";

const configMaps = inNamespace(resources.configMaps, "default");

async function collect<T>(iterable: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length === count) break;
  }
  return out;
}

describe("FakeApi", () => {
  test("create, conditional update, conflict, not found, already exists", async () => {
    const api = new FakeApi();
    const created = await api.create<ConfigMap>(configMaps, { metadata: { name: "a" }, data: { k: "1" } });
    assert.equal(created.metadata?.namespace, "default");
    assert.equal(created.metadata?.resourceVersion, "101");
    await assert.rejects(api.create(configMaps, { metadata: { name: "a" } }), (e: unknown) => hasReason(e, "AlreadyExists"));
    const updated = await api.update(configMaps, { ...created, data: { k: "2" } });
    assert.equal(updated.metadata?.uid, created.metadata?.uid);
    await assert.rejects(api.update(configMaps, { ...created, data: { k: "3" } }), (e: unknown) => hasReason(e, "Conflict"));
    await assert.rejects(api.get(configMaps, "missing"), (e: unknown) => hasReason(e, "NotFound"));
    const patched = await api.patch<ConfigMap>(configMaps, "a", "strategic", { data: { extra: "x" } });
    assert.deepEqual(patched.data, { k: "2", extra: "x" });
  });

  const selectorCases: { name: string; labelsBefore: Record<string, string>; labelsAfter: Record<string, string>; expected: string[] }[] = [
    { name: "stays selected: MODIFIED", labelsBefore: { app: "web" }, labelsAfter: { app: "web", v: "2" }, expected: ["ADDED", "MODIFIED"] },
    { name: "enters the selection: ADDED", labelsBefore: { app: "db" }, labelsAfter: { app: "web" }, expected: ["ADDED"] },
    { name: "leaves the selection: DELETED", labelsBefore: { app: "web" }, labelsAfter: { app: "db" }, expected: ["ADDED", "DELETED"] },
  ];
  for (const c of selectorCases) {
    test(`a label-selected watch: ${c.name}`, async () => {
      const api = new FakeApi();
      const from = api.currentRevision;
      await api.create(configMaps, { metadata: { name: "x", labels: c.labelsBefore } });
      await api.patch(configMaps, "x", "merge", { metadata: { labels: { ...c.labelsAfter, ...Object.fromEntries(Object.keys(c.labelsBefore).filter((k) => !(k in c.labelsAfter)).map((k) => [k, null])) } } });
      const events = await collect(api.watch(configMaps, { resourceVersion: from, labelSelector: "app=web" }), c.expected.length);
      assert.deepEqual(events.map((e) => e.type), c.expected);
    });
  }

  test("a watch from a compacted version is 410 Expired; endWatches ends open streams", async () => {
    const api = new FakeApi();
    const from = api.currentRevision;
    await api.create(configMaps, { metadata: { name: "x" } });
    api.compact();
    await assert.rejects(collect(api.watch(configMaps, { resourceVersion: from }), 1), (e: unknown) => isResourceExpired(e));
    const seen: WatchEvent<ConfigMap>[] = [];
    const open = (async () => {
      for await (const e of api.watch<ConfigMap>(configMaps, { resourceVersion: api.currentRevision, allowWatchBookmarks: true })) seen.push(e);
    })();
    await new Promise((r) => setImmediate(r));
    api.bookmark();
    await new Promise((r) => setImmediate(r));
    api.endWatches();
    await open;
    assert.deepEqual(seen.map((e) => [e.type, e.object.metadata?.resourceVersion]), [["BOOKMARK", "101"]]);
  });

  test("pods/binding sets the node once", async () => {
    const api = new FakeApi();
    const pods = inNamespace(resources.pods, "default");
    await api.create<Pod>(pods, { metadata: { name: "p" }, spec: { containers: [] } });
    await api.createSubresource(pods, "p", "binding", { target: { kind: "Node", name: "n1" } });
    assert.equal((await api.get<Pod>(pods, "p")).spec?.nodeName, "n1");
    await assert.rejects(api.createSubresource(pods, "p", "binding", { target: { name: "n2" } }), (e: unknown) => hasReason(e, "Conflict"));
  });
});
