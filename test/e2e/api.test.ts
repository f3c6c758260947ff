// The API's contract seen from a raw HTTPS client: status codes and reasons,
// paging, watch semantics, subresources and deletion, against a real server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startServer, type TestServer } from "../support/server.ts";
import { apiClient, type ApiClient } from "../support/api-client.ts";

let server: TestServer;
let api: ApiClient;
const ns = "/api/v1/namespaces/api-e2e";

function pod(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: { containers: [{ name: "c", image: "localhost:5000/busybox:latest" }] } };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  // The API contract alone: no controllers writing to the objects under test.
  server = await startServer(["--disable-controller-manager"]);
  api = await apiClient(server.kubeconfig);
  const created = await api.call("POST", "/api/v1/namespaces", { body: { metadata: { name: "api-e2e" } } });
  assert.equal(created.status, 201);
});

after(async () => {
  api.close();
  await server.stop();
});

describe("errors are Status objects with upstream codes and reasons, and change nothing", () => {
  const cases: { name: string; method: string; path: string; body?: unknown; rawBody?: string | Buffer; contentType?: string; accept?: string; code: number; reason: string; message?: RegExp }[] = [
    { name: "malformed JSON", method: "POST", path: `${ns}/configmaps`, rawBody: "{not json", code: 400, reason: "BadRequest" },
    { name: "missing object", method: "GET", path: `${ns}/configmaps/absent`, code: 404, reason: "NotFound", message: /^configmaps "absent" not found$/ },
    { name: "unknown resource", method: "GET", path: "/api/v1/widgets", code: 404, reason: "NotFound" },
    { name: "verb the resource lacks", method: "PUT", path: "/api/v1/componentstatuses/x", body: {}, code: 405, reason: "MethodNotAllowed" },
    { name: "unacceptable media type", method: "GET", path: `${ns}/configmaps`, accept: "text/html", code: 406, reason: "NotAcceptable" },
    { name: "unsupported body type", method: "POST", path: `${ns}/configmaps`, rawBody: "a=b", contentType: "text/plain", code: 415, reason: "UnsupportedMediaType" },
    { name: "body over 3 MiB", method: "POST", path: `${ns}/configmaps`, rawBody: Buffer.alloc(3 * 1024 * 1024 + 10, 32), code: 413, reason: "RequestEntityTooLarge" },
    { name: "invalid object", method: "POST", path: `${ns}/pods`, body: { metadata: { name: "p" }, spec: { containers: [] } }, code: 422, reason: "Invalid", message: /^Pod "p" is invalid: spec.containers: Required value$/ },
    { name: "namespace mismatch", method: "POST", path: `${ns}/configmaps`, body: { metadata: { name: "x", namespace: "other" } }, code: 400, reason: "BadRequest" },
    { name: "create in a missing namespace", method: "POST", path: "/api/v1/namespaces/nowhere/configmaps", body: { metadata: { name: "x" } }, code: 404, reason: "NotFound", message: /namespaces "nowhere" not found/ },
    { name: "unsupported patch type", method: "PATCH", path: `${ns}/configmaps/x`, rawBody: "{}", contentType: "application/xml", code: 415, reason: "UnsupportedMediaType" },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.code} ${c.reason}`, async () => {
      const before = await api.call("GET", `${ns}/configmaps`);
      const r = await api.call(c.method, c.path, { body: c.body, rawBody: c.rawBody, contentType: c.contentType, accept: c.accept });
      assert.equal(r.status, c.code, r.text);
      assert.equal(r.json.kind, "Status");
      assert.equal(r.json.status, "Failure");
      assert.equal(r.json.reason, c.reason);
      assert.equal(r.json.code, c.code);
      if (c.message) assert.match(r.json.message, c.message);
      // The list's own resourceVersion is the store's revision, which the controllers' background writes (leases,
      // service accounts) move on; the ConfigMaps and their versions are what this request must not have changed.
      const versions = (list: { json: { items: { metadata: { name: string; resourceVersion: string } }[] } }) => list.json.items.map((i) => `${i.metadata.name}@${i.metadata.resourceVersion}`);
      const afterList = await api.call("GET", `${ns}/configmaps`);
      assert.deepEqual(versions(afterList), versions(before), "nothing was written");
    });
  }

  test("create twice → 409 AlreadyExists; stale update → 409 Conflict", async () => {
    assert.equal((await api.call("POST", `${ns}/configmaps`, { body: { metadata: { name: "twice" }, data: { a: "1" } } })).status, 201);
    const again = await api.call("POST", `${ns}/configmaps`, { body: { metadata: { name: "twice" } } });
    assert.equal(again.status, 409);
    assert.equal(again.json.reason, "AlreadyExists");
    const current = (await api.call("GET", `${ns}/configmaps/twice`)).json;
    const first = await api.call("PUT", `${ns}/configmaps/twice`, { body: { ...current, data: { a: "2" } } });
    assert.equal(first.status, 200);
    assert.notEqual(first.json.metadata.resourceVersion, current.metadata.resourceVersion);
    const stale = await api.call("PUT", `${ns}/configmaps/twice`, { body: { ...current, data: { a: "3" } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.reason, "Conflict");
    assert.equal((await api.call("GET", `${ns}/configmaps/twice`)).json.data.a, "2");
  });
});

describe("writes", () => {
  test("server fields, defaults, generation on spec changes only, dryRun", async () => {
    const created = await api.call("POST", "/apis/apps/v1/namespaces/api-e2e/deployments", {
      body: { metadata: { name: "gen", generateName: "ignored-" }, spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "x:1" }] } } } },
    });
    assert.equal(created.status, 201, created.text);
    const d = created.json;
    assert.match(d.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(d.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(d.metadata.generation, 1);
    assert.equal(d.spec.replicas, 1);
    assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, "IfNotPresent");
    const labelled = await api.call("PATCH", "/apis/apps/v1/namespaces/api-e2e/deployments/gen", { rawBody: JSON.stringify({ metadata: { labels: { x: "y" } } }), contentType: "application/merge-patch+json" });
    assert.equal(labelled.json.metadata.generation, 1, "metadata changes do not bump generation");
    const scaled = await api.call("PATCH", "/apis/apps/v1/namespaces/api-e2e/deployments/gen", { rawBody: JSON.stringify({ spec: { replicas: 2 } }), contentType: "application/strategic-merge-patch+json" });
    assert.equal(scaled.json.metadata.generation, 2);
    const status = await api.call("PUT", "/apis/apps/v1/namespaces/api-e2e/deployments/gen/status", { body: { ...scaled.json, spec: { ...scaled.json.spec, replicas: 9 }, status: { replicas: 2, observedGeneration: 2 } } });
    assert.equal(status.status, 200, status.text);
    assert.equal(status.json.status.replicas, 2);
    assert.equal(status.json.spec.replicas, 2, "the status subresource ignores spec");
    const mainWithStatus = await api.call("PATCH", "/apis/apps/v1/namespaces/api-e2e/deployments/gen", { rawBody: JSON.stringify({ status: { replicas: 7 } }), contentType: "application/merge-patch+json" });
    assert.equal(mainWithStatus.json.status.replicas, 2, "the main resource ignores status");
    const dry = await api.call("POST", `${ns}/configmaps?dryRun=All`, { body: { metadata: { name: "dry" } } });
    assert.equal(dry.status, 201);
    assert.equal((await api.call("GET", `${ns}/configmaps/dry`)).status, 404);
    const gen = await api.call("POST", `${ns}/configmaps`, { body: { metadata: { generateName: "gen-" } } });
    assert.match(gen.json.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  test("scale subresource, JSON patch, deletecollection by label", async () => {
    const scale = await api.call("GET", "/apis/apps/v1/namespaces/api-e2e/deployments/gen/scale");
    assert.equal(scale.json.kind, "Scale");
    assert.equal(scale.json.spec.replicas, 2);
    assert.equal(scale.json.status.selector, "a=b");
    const put = await api.call("PUT", "/apis/apps/v1/namespaces/api-e2e/deployments/gen/scale", { body: { ...scale.json, spec: { replicas: 4 } } });
    assert.equal(put.json.spec.replicas, 4);
    const patched = await api.call("PATCH", "/apis/apps/v1/namespaces/api-e2e/deployments/gen", {
      rawBody: JSON.stringify([{ op: "replace", path: "/spec/replicas", value: 6 }, { op: "add", path: "/metadata/labels/j", value: "p" }]),
      contentType: "application/json-patch+json",
    });
    assert.equal(patched.json.spec.replicas, 6);
    assert.equal(patched.json.metadata.labels.j, "p");
    for (const [name, tier] of [["c1", "a"], ["c2", "a"], ["c3", "b"]]) {
      await api.call("POST", `${ns}/configmaps`, { body: { metadata: { name, labels: { tier: tier! } } } });
    }
    const removed = await api.call("DELETE", `${ns}/configmaps?labelSelector=tier%3Da`);
    assert.equal(removed.status, 200, removed.text);
    const left = await api.call("GET", `${ns}/configmaps?labelSelector=tier`);
    assert.deepEqual(left.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["c3"]);
  });

  test("binding assigns a node once; a bound pod is deleted gracefully; finalizers hold deletion", async () => {
    const created = await api.call("POST", `${ns}/pods`, { body: pod("bound") });
    assert.equal(created.status, 201);
    const bind = await api.call("POST", `${ns}/pods/bound/binding`, { body: { apiVersion: "v1", kind: "Binding", metadata: { name: "bound" }, target: { kind: "Node", name: "node-1" } } });
    assert.equal(bind.status, 201, bind.text);
    const p = (await api.call("GET", `${ns}/pods/bound`)).json;
    assert.equal(p.spec.nodeName, "node-1");
    assert.equal(p.status.conditions.find((c: { type: string }) => c.type === "PodScheduled").status, "True");
    // As upstream: binding writes below the field manager, so it adds no managedFields entry.
    assert.deepEqual(p.metadata.managedFields, created.json.metadata.managedFields);
    const rebind = await api.call("POST", `${ns}/pods/bound/binding`, { body: { metadata: { name: "bound" }, target: { name: "node-2" } } });
    assert.equal(rebind.status, 409);
    const deleting = await api.call("DELETE", `${ns}/pods/bound`);
    assert.equal(deleting.status, 200);
    assert.ok(deleting.json.metadata.deletionTimestamp);
    assert.equal(deleting.json.metadata.deletionGracePeriodSeconds, 30);
    const force = await api.call("DELETE", `${ns}/pods/bound`, { body: { gracePeriodSeconds: 0 } });
    assert.equal(force.status, 200, force.text);
    assert.equal((await api.call("GET", `${ns}/pods/bound`)).status, 404);

    await api.call("POST", `${ns}/configmaps`, { body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } });
    const held = await api.call("DELETE", `${ns}/configmaps/held`);
    assert.ok(held.json.metadata.deletionTimestamp);
    assert.equal((await api.call("GET", `${ns}/configmaps/held`)).status, 200);
    const released = await api.call("PATCH", `${ns}/configmaps/held`, { rawBody: JSON.stringify({ metadata: { finalizers: null } }), contentType: "application/merge-patch+json" });
    assert.equal(released.status, 200, released.text);
    assert.equal((await api.call("GET", `${ns}/configmaps/held`)).status, 404);
  });

  test("eviction deletes a pod no budget protects", async () => {
    await api.call("POST", `${ns}/pods`, { body: pod("evictee") });
    const evicted = await api.call("POST", `${ns}/pods/evictee/eviction`, { body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "evictee" } } });
    assert.equal(evicted.status, 201, evicted.text);
    assert.equal((await api.call("GET", `${ns}/pods/evictee`)).status, 404);
  });
});

describe("reads", () => {
  test("limit/continue pages are one consistent snapshot", async () => {
    for (let i = 0; i < 7; i++) await api.call("POST", `${ns}/secrets`, { body: { metadata: { name: `s${i}` }, stringData: { k: "v" } } });
    const first = await api.call("GET", `${ns}/secrets?limit=3`);
    assert.equal(first.json.items.length, 3);
    assert.equal(first.json.metadata.remainingItemCount, 4);
    // Writes between pages must not show up in later pages.
    await api.call("POST", `${ns}/secrets`, { body: { metadata: { name: "s3a" } } });
    await api.call("DELETE", `${ns}/secrets/s5`);
    const names = first.json.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    let token = first.json.metadata.continue;
    while (token) {
      const page = await api.call("GET", `${ns}/secrets?limit=3&continue=${encodeURIComponent(token)}`);
      assert.equal(page.status, 200, page.text);
      names.push(...page.json.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      token = page.json.metadata.continue;
    }
    assert.deepEqual(names, ["s0", "s1", "s2", "s3", "s4", "s5", "s6"]);
  });

  test("a list at an exact resourceVersion shows the past", async () => {
    await api.call("POST", `${ns}/configmaps`, { body: { metadata: { name: "past" }, data: { v: "1" } } });
    const then = (await api.call("GET", `${ns}/configmaps`)).json.metadata.resourceVersion;
    await api.call("PATCH", `${ns}/configmaps/past`, { rawBody: JSON.stringify({ data: { v: "2" } }), contentType: "application/merge-patch+json" });
    const past = await api.call("GET", `${ns}/configmaps?resourceVersion=${then}&resourceVersionMatch=Exact`);
    assert.equal(past.status, 200, past.text);
    assert.equal(past.json.metadata.resourceVersion, then);
    assert.equal(past.json.items.find((i: { metadata: { name: string } }) => i.metadata.name === "past").data.v, "1");
    const bad = await api.call("GET", `${ns}/configmaps?resourceVersionMatch=Exact`);
    assert.equal(bad.status, 400);
  });

  test("watch from a resourceVersion replays later events in order, with selectors and bookmarks", async () => {
    const list = await api.call("GET", `${ns}/configmaps`);
    const rv = list.json.metadata.resourceVersion;
    await api.call("POST", `${ns}/configmaps`, { body: { metadata: { name: "w1", labels: { watch: "yes" } } } });
    await api.call("POST", `${ns}/configmaps`, { body: { metadata: { name: "w2" } } });
    const w = await api.watch(`${ns}/configmaps?watch=1&resourceVersion=${rv}&labelSelector=watch%3Dyes&allowWatchBookmarks=true`);
    await api.call("PATCH", `${ns}/configmaps/w1`, { rawBody: JSON.stringify({ data: { a: "1" } }), contentType: "application/merge-patch+json" });
    // Losing the label looks like a deletion to this watcher.
    await api.call("PATCH", `${ns}/configmaps/w1`, { rawBody: JSON.stringify({ metadata: { labels: { watch: "no" } } }), contentType: "application/merge-patch+json" });
    await until(() => w.events.length >= 3);
    w.stop();
    assert.deepEqual(w.events.map((e) => e.type), ["ADDED", "MODIFIED", "DELETED"]);
    const versions = w.events.map((e) => Number((e.object.metadata as { resourceVersion: string }).resourceVersion));
    assert.deepEqual([...versions].sort((a, b) => a - b), versions);
  });

  test("watch with timeoutSeconds ends; a too-old resourceVersion gets 410 Expired", async () => {
    const w = await api.watch(`${ns}/configmaps?watch=1&timeoutSeconds=1`);
    await w.ended;
    assert.ok(w.events.every((e) => e.type === "ADDED"), "the current objects come first as ADDED");
    const tooOld = await api.call("GET", `${ns}/configmaps?watch=1&resourceVersion=1`);
    if (tooOld.status === 410) assert.equal(tooOld.json.reason, "Expired");
    else {
      // The cache may still hold everything since revision 1 on a young server: then a compacted store answers for it.
      assert.equal(tooOld.status, 200);
    }
  });

  test("Table output carries metadata for kubectl", async () => {
    const t = await api.call("GET", `${ns}/pods`, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" });
    assert.equal(t.json.kind, "Table");
    assert.deepEqual(t.json.columnDefinitions.slice(0, 5).map((c: { name: string }) => c.name), ["Name", "Ready", "Status", "Restarts", "Age"]);
    assert.ok(t.json.metadata.resourceVersion);
  });
});
