// Against a real `skiff server`: every verb, errors as Status reasons, watch
// semantics, the throttle and bearer tokens.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigMap, Pod } from "kubernetes-types/core/v1";
import type { Status } from "kubernetes-types/meta/v1";
import { startServer, type TestServer } from "../../test/support/server.ts";
import { RestClient, resourcePath } from "./rest-client.ts";
import { ApiStatusError, RequestAbortedError, hasReason, isResourceExpired } from "./errors.ts";
import { inNamespace, resources } from "./resources.ts";
import type { WatchEvent } from "./kube-client.ts";

describe("resourcePath", () => {
  const cases: { resource: Parameters<typeof resourcePath>[0]; name?: string; subresource?: string; expected: string }[] = [
    { resource: resources.nodes, expected: "/api/v1/nodes" },
    { resource: inNamespace(resources.pods, "kube-system"), name: "p", subresource: "status", expected: "/api/v1/namespaces/kube-system/pods/p/status" },
    { resource: inNamespace(resources.deployments, "a"), name: "d", subresource: "scale", expected: "/apis/apps/v1/namespaces/a/deployments/d/scale" },
    { resource: resources.leases, expected: "/apis/coordination.k8s.io/v1/leases" },
  ];
  for (const c of cases) test(c.expected, () => assert.equal(resourcePath(c.resource, c.name, c.subresource), c.expected));
});

describe("RestClient against a real server", () => {
  let server: TestServer;
  let client: RestClient;
  let tokenDir: string;
  const configMaps = inNamespace(resources.configMaps, "default");
  const pods = inNamespace(resources.pods, "default");

  before(async () => {
    tokenDir = await mkdtemp(join(tmpdir(), "skiff-token-"));
    await writeFile(join(tokenDir, "tokens.csv"), 'client-test-token,tester,uid-1,"system:masters"\n');
    server = await startServer(["--disable-controller-manager", "--disable-scheduler", "--token-auth-file", join(tokenDir, "tokens.csv")]);
    client = await RestClient.fromKubeconfig(server.kubeconfig);
  });
  after(async () => {
    client.close();
    await server.stop();
    await rm(tokenDir, { recursive: true, force: true });
  });

  const configMap = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}): ConfigMap => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, labels },
    data,
  });

  test("create, get, conditional update, conflict", async () => {
    const created = await client.create(configMaps, configMap("cm-a", { k: "1" }));
    assert.equal(created.metadata?.namespace, "default");
    const read = await client.get<ConfigMap>(configMaps, "cm-a");
    assert.equal(read.data?.["k"], "1");
    const updated = await client.update(configMaps, { ...read, data: { k: "2" } });
    assert.notEqual(updated.metadata?.resourceVersion, read.metadata?.resourceVersion);
    await assert.rejects(client.update(configMaps, { ...read, data: { k: "3" } }), (e: unknown) => hasReason(e, "Conflict") && e.code === 409);
    await assert.rejects(client.create(configMaps, configMap("cm-a")), (e: unknown) => hasReason(e, "AlreadyExists") && e.code === 409);
    await assert.rejects(client.get(configMaps, "missing"), (e: unknown) => e instanceof ApiStatusError && e.reason === "NotFound" && e.status.details?.name === "missing");
  });

  test("patch in every format", async () => {
    await client.create(configMaps, configMap("cm-patch", { a: "1" }));
    const merged = await client.patch<ConfigMap>(configMaps, "cm-patch", "merge", { data: { b: "2" } });
    assert.deepEqual(merged.data, { a: "1", b: "2" });
    const jsonPatched = await client.patch<ConfigMap>(configMaps, "cm-patch", "json", [{ op: "remove", path: "/data/a" }]);
    assert.deepEqual(jsonPatched.data, { b: "2" });
    const strategic = await client.patch<ConfigMap>(configMaps, "cm-patch", "strategic", { metadata: { labels: { tier: "x" } } });
    assert.equal(strategic.metadata?.labels?.["tier"], "x");
    const applied = await client.patch<ConfigMap>(configMaps, "cm-patch", "apply", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm-patch" }, data: { c: "3" } }, { fieldManager: "client-test", force: true });
    assert.equal(applied.data?.["c"], "3");
  });

  test("list pages with limit/continue and filters by label", async () => {
    for (let i = 0; i < 5; i++) await client.create(configMaps, configMap(`page-${i}`, {}, { group: i % 2 === 0 ? "even" : "odd" }));
    const names: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = await client.list<ConfigMap>(configMaps, { labelSelector: "group in (even,odd)", limit: 2, ...(cont ? { continue: cont } : {}) });
      names.push(...page.items.map((i) => i.metadata!.name!));
      cont = page.metadata.continue;
      pages++;
    } while (cont);
    assert.deepEqual(names, ["page-0", "page-1", "page-2", "page-3", "page-4"]);
    assert.equal(pages, 3);
    const even = await client.list<ConfigMap>(configMaps, { labelSelector: "group=even" });
    assert.deepEqual(even.items.map((i) => i.metadata?.name), ["page-0", "page-2", "page-4"]);
    assert.match(even.metadata.resourceVersion ?? "", /^\d+$/);
  });

  test("status subresource and delete with preconditions", async () => {
    const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p1" }, spec: { containers: [{ name: "c", image: "localhost:5000/busybox" }] } };
    const created = await client.create(pods, pod);
    const withStatus = await client.updateStatus(pods, { ...created, status: { phase: "Running" } });
    assert.equal(withStatus.status?.phase, "Running");
    await assert.rejects(client.delete(pods, "p1", { preconditions: { uid: "not-the-uid" } }), (e: unknown) => hasReason(e, "Conflict"));
    const deleted = await client.delete<Pod>(pods, "p1", { gracePeriodSeconds: 0 });
    assert.ok(deleted.kind === "Pod" || (deleted as Status).status === "Success");
    await assert.rejects(client.get(pods, "p1"), (e: unknown) => hasReason(e, "NotFound"));
  });

  test("watch from a list's resourceVersion sees later changes in order, ends on abort", async () => {
    const listed = await client.list<ConfigMap>(configMaps);
    const abort = new AbortController();
    const seen: WatchEvent<ConfigMap>[] = [];
    const watching = (async () => {
      for await (const event of client.watch<ConfigMap>(configMaps, { resourceVersion: listed.metadata.resourceVersion!, signal: abort.signal })) {
        seen.push(event);
        if (seen.length === 3) abort.abort();
      }
    })();
    await client.create(configMaps, configMap("w-1"));
    await client.patch(configMaps, "w-1", "merge", { data: { x: "1" } });
    await client.delete(configMaps, "w-1");
    await watching;
    assert.deepEqual(
      seen.map((e) => [e.type, e.object.metadata?.name]),
      [
        ["ADDED", "w-1"],
        ["MODIFIED", "w-1"],
        ["DELETED", "w-1"],
      ],
    );
  });

  test("the server ends a watch after timeoutSeconds and the iteration finishes", async () => {
    const started = Date.now();
    const events: string[] = [];
    for await (const event of client.watch<ConfigMap>(configMaps, { timeoutSeconds: 1, resourceVersion: (await client.list(configMaps)).metadata.resourceVersion! })) events.push(event.type);
    assert.deepEqual(events, []);
    assert.ok(Date.now() - started >= 900);
  });

  test("a watch from a too old resourceVersion fails with 410 Expired", async () => {
    const consume = async () => {
      for await (const _event of client.watch(configMaps, { resourceVersion: "1" })) break;
    };
    await assert.rejects(consume(), (e: unknown) => isResourceExpired(e) && e.code === 410);
  });

  test("a caller's abort rejects a request with RequestAbortedError", async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(client.get(configMaps, "cm-a", { signal: abort.signal }), RequestAbortedError);
  });

  test("fifty concurrent creates over one client all succeed", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => client.create(configMaps, configMap(`many-${i}`))));
    assert.equal(new Set(results.map((r) => r.metadata?.uid)).size, 50);
  });

  test("the throttle spaces requests at qps after the burst", async () => {
    const throttled = await RestClient.fromKubeconfig(server.kubeconfig, { qps: 20, burst: 2 });
    try {
      const started = Date.now();
      for (let i = 0; i < 6; i++) await throttled.get(configMaps, "cm-a");
      // 2 free, then 4 at 50 ms apart.
      assert.ok(Date.now() - started >= 190, `took ${Date.now() - started} ms`);
    } finally {
      throttled.close();
    }
  });

  test("a bearer token authenticates; a wrong one gets 401 Unauthorized", async () => {
    const { ca, server: url } = client.config;
    const base = { server: url, namespace: "default", ...(ca ? { ca } : {}) };
    const good = new RestClient({ ...base, bearerToken: "client-test-token" });
    const bad = new RestClient({ ...base, bearerToken: "wrong" });
    try {
      assert.equal((await good.get<ConfigMap>(configMaps, "cm-a")).metadata?.name, "cm-a");
      await assert.rejects(bad.get(configMaps, "cm-a"), (e: unknown) => hasReason(e, "Unauthorized") && e.code === 401);
    } finally {
      good.close();
      bad.close();
    }
  });
});
