// End to end with the official JavaScript client: @kubernetes/client-node
// loads the server's kubeconfig (x509 admin client certificate) and drives
// namespaces, pods, both patch flavours and a watch over real HTTPS.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from "@kubernetes/client-node";
import type { V1Pod } from "@kubernetes/client-node";
import { startServer, type TestServer } from "../support/server.ts";

const namespace = "client-node-e2e";

interface ObservedEvent {
  type: string;
  name: string;
  resourceVersion: number;
}

function pod(name: string, labels: Record<string, string>): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels, annotations: { "e2e.skiff.dev/owner": "client-node" } },
    spec: {
      containers: [
        { name: "app", image: "registry.local/app:1.0" },
        { name: "sidecar", image: "registry.local/sidecar:1.0" },
      ],
    },
  };
}

function versionOf(object: { metadata?: { resourceVersion?: string } }): number {
  const text = object.metadata?.resourceVersion;
  assert.ok(text !== undefined && /^[0-9]+$/.test(text), `resourceVersion should be a decimal revision, got ${String(text)}`);
  return Number(text);
}

/** Collects watch events until `count` have arrived, or fails after `timeoutMs`. */
class EventCollector {
  readonly events: ObservedEvent[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  add(event: ObservedEvent): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.events.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  async waitFor(count: number, timeoutMs: number): Promise<ObservedEvent[]> {
    if (this.events.length >= count) return this.events;
    let timer: NodeJS.Timeout | undefined;
    const arrived = new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`only ${this.events.length} of ${count} watch events after ${timeoutMs} ms: ${JSON.stringify(this.events)}`)), timeoutMs);
    });
    try {
      await Promise.race([arrived, expired]);
      return this.events;
    } finally {
      clearTimeout(timer);
    }
  }
}

describe("@kubernetes/client-node against skiff server", { timeout: 60_000 }, () => {
  let server: TestServer;
  let config: KubeConfig;
  let core: CoreV1Api;

  before(async () => {
    // The test is about the client library: without the scheduler and controllers, the watch sees only this test's writes.
    server = await startServer(["--disable-scheduler", "--disable-controller-manager"]);
    config = new KubeConfig();
    config.loadFromFile(server.kubeconfig);
    core = config.makeApiClient(CoreV1Api);
  });

  after(async () => {
    await server?.stop();
  });

  test("namespace, pods, label-selected list, merge and strategic merge patches, watch, delete", async () => {
    const created = await core.createNamespace({ body: { metadata: { name: namespace } } });
    assert.equal(created.metadata?.name, namespace);
    assert.equal(created.status?.phase, "Active");

    const createdVersions: number[] = [];
    for (const [name, app] of [
      ["web-1", "web"],
      ["web-2", "web"],
      ["db-1", "db"],
    ] as const) {
      const result = await core.createNamespacedPod({ namespace, body: pod(name, { app }) });
      assert.equal(result.metadata?.name, name);
      assert.equal(result.metadata?.namespace, namespace);
      assert.deepEqual(result.metadata?.labels, { app });
      assert.match(result.metadata?.uid ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      createdVersions.push(versionOf(result));
    }
    assert.deepEqual(
      createdVersions,
      [...createdVersions].sort((a, b) => a - b),
      "each create gets a higher resourceVersion",
    );
    assert.equal(new Set(createdVersions).size, createdVersions.length);

    const webPods = await core.listNamespacedPod({ namespace, labelSelector: "app=web" });
    assert.deepEqual(webPods.items.map((item) => item.metadata?.name).sort(), ["web-1", "web-2"]);
    const listVersion = versionOf(webPods);
    assert.ok(listVersion >= (createdVersions.at(-1) as number), `list resourceVersion ${listVersion} precedes the last create`);
    const notWeb = await core.listNamespacedPod({ namespace, labelSelector: "app!=web" });
    assert.deepEqual(
      notWeb.items.map((item) => item.metadata?.name),
      ["db-1"],
    );

    const collector = new EventCollector();
    let watchError: unknown;
    const watchAbort = await new Watch(config).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { resourceVersion: String(listVersion) },
      (type, object: V1Pod) => collector.add({ type, name: object.metadata?.name ?? "", resourceVersion: versionOf(object) }),
      (error: unknown) => {
        watchError = error;
      },
    );
    try {
      const added = await core.createNamespacedPod({ namespace, body: pod("web-3", { app: "web" }) });

      // JSON merge patch: null removes a key, other keys are set.
      const merged = await core.patchNamespacedPod(
        { namespace, name: "web-1", body: { metadata: { labels: { tier: "frontend" }, annotations: { "e2e.skiff.dev/owner": null } } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      assert.deepEqual(merged.metadata?.labels, { app: "web", tier: "frontend" });
      assert.equal(merged.metadata?.annotations?.["e2e.skiff.dev/owner"], undefined);

      // Strategic merge patch merges containers by name; a merge patch would have replaced the list.
      const strategic = await core.patchNamespacedPod(
        { namespace, name: "web-2", body: { spec: { containers: [{ name: "app", image: "registry.local/app:2.0" }] } } },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      );
      assert.deepEqual(
        strategic.spec?.containers.map((container) => [container.name, container.image]),
        [
          ["app", "registry.local/app:2.0"],
          ["sidecar", "registry.local/sidecar:1.0"],
        ],
      );

      const deleted = await core.deleteNamespacedPod({ namespace, name: "db-1" });
      assert.equal(deleted.metadata?.name, "db-1");

      const writeVersions = [added, merged, strategic].map(versionOf);
      assert.ok(writeVersions.every((version) => version > listVersion));
      assert.deepEqual(
        writeVersions,
        [...writeVersions].sort((a, b) => a - b),
      );

      const events = await collector.waitFor(4, 10_000);
      assert.deepEqual(
        events.map((event) => [event.type, event.name]),
        [
          ["ADDED", "web-3"],
          ["MODIFIED", "web-1"],
          ["MODIFIED", "web-2"],
          ["DELETED", "db-1"],
        ],
      );
      assert.deepEqual(
        events.slice(0, 3).map((event) => event.resourceVersion),
        writeVersions,
        "watch events carry the resourceVersions the writes returned",
      );
      const eventVersions = events.map((event) => event.resourceVersion);
      assert.ok(
        eventVersions.every((version, index) => version > (index === 0 ? listVersion : (eventVersions[index - 1] as number))),
        `event resourceVersions should increase from the list's ${listVersion}: ${eventVersions.join(", ")}`,
      );
      assert.equal(watchError, undefined);
    } finally {
      watchAbort.abort();
    }

    const remaining = await core.listNamespacedPod({ namespace });
    assert.deepEqual(remaining.items.map((item) => item.metadata?.name).sort(), ["web-1", "web-2", "web-3"]);
    assert.ok(versionOf(remaining) > listVersion);

    for (const name of ["web-1", "web-2", "web-3"]) await core.deleteNamespacedPod({ namespace, name });
    const afterDelete = await core.listNamespacedPod({ namespace });
    assert.deepEqual(afterDelete.items, []);
    await assert.rejects(core.readNamespacedPod({ namespace, name: "web-1" }), (error: { code?: number }) => error.code === 404);
  });
});
