// The recorder against the FakeApi (queueing, drops, retries, recreation) and
// against a real server (three repeats become one Event with count 3).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Event as CoreEvent, Pod } from "kubernetes-types/core/v1";
import { EventRecorder } from "./event-recorder.ts";
import { FakeApi } from "./testing/fake-api.ts";
import { FakeClock } from "./testing/fake-clock.ts";
import { ApiStatusError, ClientConnectionError } from "./errors.ts";
import { inNamespace, resources } from "./resources.ts";
import { startServer, type TestServer } from "../../test/support/server.ts";
import { RestClient } from "./rest-client.ts";
import type { KubeClient } from "./kube-client.ts";

const events = inNamespace(resources.events, "default");
const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web-1", namespace: "default", uid: "uid-1", resourceVersion: "42" } };

async function storedEvents(client: KubeClient, namespace = "default"): Promise<CoreEvent[]> {
  return (await client.list<CoreEvent>(inNamespace(resources.events, namespace))).items;
}

describe("EventRecorder with the fake API", () => {
  test("event() returns before anything is written; flush() waits for the write", async () => {
    const api = new FakeApi();
    const recorder = new EventRecorder(api, { component: "test-controller", host: "host-a" });
    recorder.event(pod, "Normal", "Created", "created it");
    assert.equal(api.callsOf("create"), 0);
    await recorder.flush();
    const [stored] = await storedEvents(api);
    assert.equal(stored?.reason, "Created");
    assert.deepEqual(stored?.involvedObject, { kind: "Pod", apiVersion: "v1", namespace: "default", name: "web-1", uid: "uid-1", resourceVersion: "42" });
    assert.deepEqual(stored?.source, { component: "test-controller", host: "host-a" });
    assert.equal(stored?.reportingComponent, "test-controller");
    assert.equal(stored?.reportingInstance, "host-a");
    assert.match(stored?.metadata?.name ?? "", /^web-1\.[0-9a-f]+$/);
  });

  test("events about different objects are written at once, events about one object in order", async () => {
    const api = new FakeApi();
    let inFlight = 0;
    let mostInFlight = 0;
    const written: string[] = [];
    // Each create takes a few milliseconds, like a round trip to a real server.
    const slow = new Proxy(api, {
      get(target, property, receiver) {
        if (property !== "create") return Reflect.get(target, property, receiver);
        return async (ref: never, body: CoreEvent) => {
          inFlight++;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight--;
          written.push(`${body.involvedObject.name}:${body.reason}`);
          return target.create(ref, body as never);
        };
      },
    });
    const recorder = new EventRecorder(slow, { component: "c", concurrency: 4 });
    for (let i = 0; i < 5; i++) recorder.event(pod, "Normal", `R${i}`, "m");
    await recorder.flush();
    assert.equal(mostInFlight, 1);
    assert.deepEqual(written, ["R0", "R1", "R2", "R3", "R4"].map((r) => `web-1:${r}`));

    for (let i = 0; i < 40; i++) recorder.event({ kind: "Pod", namespace: "default", name: `p${i}`, uid: `u${i}` }, "Normal", "Scheduled", "m");
    await recorder.flush();
    assert.equal(mostInFlight, 4);
    assert.equal((await storedEvents(api)).length, 45);
  });

  test("a full queue drops events instead of blocking", async () => {
    const api = new FakeApi();
    const drops: string[] = [];
    const warnings: string[] = [];
    const recorder = new EventRecorder(api, { component: "c", queueSize: 2, onDrop: (_e, why) => drops.push(why), warn: (m) => warnings.push(m) });
    for (let i = 0; i < 5; i++) recorder.event(pod, "Normal", `R${i}`, "m");
    await recorder.flush();
    assert.deepEqual(warnings, ["c: the event queue is full (2 waiting); dropping events until it drains", "c: the event queue drained; 3 events were dropped while it was full"]);
    assert.equal((await storedEvents(api)).length, 2);
    assert.equal(recorder.dropped, 3);
    assert.deepEqual(drops, Array(3).fill("the event queue is full"));
  });

  test("a refused write is dropped, a write without answer is retried", async () => {
    const api = new FakeApi();
    const recorder = new EventRecorder(api, { component: "c", retryDelayMs: 1 });
    api.failNext("create", new ApiStatusError({ code: 403, reason: "Forbidden", message: "no" }));
    recorder.event(pod, "Warning", "Refused", "m");
    api.failNext("create", new ClientConnectionError("reset"));
    api.failNext("create", new ClientConnectionError("reset"));
    recorder.event(pod, "Warning", "Retried", "m");
    await recorder.flush();
    assert.deepEqual((await storedEvents(api)).map((e) => e.reason), ["Retried"]);
    assert.equal(recorder.dropped, 1);
    assert.equal(api.callsOf("create"), 4);
  });

  test("gives up after maxAttempts without an answer", async () => {
    const api = new FakeApi();
    const recorder = new EventRecorder(api, { component: "c", retryDelayMs: 1, maxAttempts: 2 });
    api.failNext("create", new ClientConnectionError("reset"));
    api.failNext("create", new ClientConnectionError("reset"));
    recorder.event(pod, "Normal", "Lost", "m");
    await recorder.flush();
    assert.equal(recorder.dropped, 1);
    assert.equal((await storedEvents(api)).length, 0);
  });

  test("a repeat whose Event expired on the server is created again with its count", async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const recorder = new EventRecorder(api, { component: "c", clock });
    recorder.event(pod, "Warning", "BackOff", "again");
    await recorder.flush();
    const [first] = await storedEvents(api);
    await api.delete(events, first!.metadata!.name!);
    clock.advance(1000);
    recorder.event(pod, "Warning", "BackOff", "again");
    await recorder.flush();
    const [second] = await storedEvents(api);
    assert.equal(second?.metadata?.name, first?.metadata?.name);
    assert.equal(second?.count, 2);
    assert.equal(second?.firstTimestamp, first?.firstTimestamp);
  });

  test("an object without kind or name is dropped, never thrown", async () => {
    const recorder = new EventRecorder(new FakeApi(), { component: "c" });
    assert.doesNotThrow(() => recorder.event({ metadata: { name: "no-kind" } }, "Normal", "R", "m"));
    await recorder.flush();
    assert.equal(recorder.dropped, 1);
  });

  test("close() drops what is queued and ignores later events", async () => {
    const api = new FakeApi();
    const recorder = new EventRecorder(api, { component: "c" });
    recorder.event(pod, "Normal", "A", "m");
    recorder.event(pod, "Normal", "B", "m");
    await recorder.close();
    recorder.event(pod, "Normal", "C", "m");
    assert.equal((await storedEvents(api)).length, 0);
    assert.equal(recorder.dropped, 3);
  });
});

describe("EventRecorder against a real server", () => {
  let server: TestServer;
  let client: RestClient;
  before(async () => {
    server = await startServer();
    client = await RestClient.fromKubeconfig(server.kubeconfig);
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  test("three repeats become one Event with count 3; another message is its own Event", async () => {
    const clock = new FakeClock(Date.UTC(2025, 0, 2, 3, 4, 5));
    const recorder = new EventRecorder(client, { component: "replicaset-controller", host: "cp-1", clock });
    for (let i = 0; i < 3; i++) {
      recorder.event(pod, "Warning", "FailedCreate", "quota exceeded");
      clock.advance(2000);
    }
    recorder.event(pod, "Normal", "SuccessfulCreate", "created pod web-1");
    await recorder.flush();
    assert.equal(recorder.dropped, 0);
    const stored = await storedEvents(client);
    const failed = stored.filter((e) => e.reason === "FailedCreate");
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.count, 3);
    assert.equal(failed[0]?.firstTimestamp, "2025-01-02T03:04:05Z");
    assert.equal(failed[0]?.lastTimestamp, "2025-01-02T03:04:09Z");
    assert.equal(failed[0]?.type, "Warning");
    assert.equal(failed[0]?.involvedObject.name, "web-1");
    const created = stored.filter((e) => e.reason === "SuccessfulCreate");
    assert.equal(created.length, 1);
    assert.equal(created[0]?.count, 1);
  });
});
