// Reflector paths the informer tests do not reach: paging, a continue token
// that expired, the "very short watch" guard and the back-off schedule.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap } from "kubernetes-types/core/v1";
import { Reflector, type ReflectorSink } from "./reflector.ts";
import { listerWatcher } from "./lister-watcher.ts";
import { FakeApi } from "./testing/fake-api.ts";
import { FakeClock } from "./testing/fake-clock.ts";
import { ApiStatusError, ClientConnectionError } from "./errors.ts";
import { inNamespace, resources } from "./resources.ts";

const configMaps = inNamespace(resources.configMaps, "default");

function sink(): { log: string[]; sink: ReflectorSink<ConfigMap> } {
  const log: string[] = [];
  return {
    log,
    sink: {
      replace: (items, version) => log.push(`replace ${items.map((i) => i.metadata?.name).join(",")} @${version}`),
      added: (o) => log.push(`added ${o.metadata?.name}`),
      modified: (o) => log.push(`modified ${o.metadata?.name}`),
      deleted: (o) => log.push(`deleted ${o.metadata?.name}`),
    },
  };
}

async function seed(api: FakeApi, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await api.create(configMaps, { metadata: { name: `cm-${i}` } });
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setImmediate(r));
}

describe("Reflector", () => {
  test("lists page by page and hands over one complete list", async () => {
    const api = new FakeApi();
    await seed(api, 5);
    const { log, sink: target } = sink();
    const reflector = new Reflector(listerWatcher<ConfigMap>(api, configMaps), target, { pageSize: 2 });
    const stop = new AbortController();
    const running = reflector.run(stop.signal);
    await until(() => api.openWatches === 1);
    assert.deepEqual(log, ["replace cm-0,cm-1,cm-2,cm-3,cm-4 @105"]);
    assert.equal(api.callsOf("list"), 3);
    stop.abort();
    await running;
  });

  test("a continue token that expired falls back to one unpaged list", async () => {
    const api = new FakeApi();
    await seed(api, 3);
    const expired = new ApiStatusError({ code: 410, reason: "Expired", message: "The provided continue parameter is too old" });
    const source = listerWatcher<ConfigMap>(api, configMaps);
    const requests: string[] = [];
    const failingSecondPage = {
      list: (o: Parameters<typeof source.list>[0]) => {
        requests.push(o.continue ? "continue" : o.limit ? "first page" : "unpaged");
        return requests.length === 2 ? Promise.reject(expired) : source.list(o);
      },
      watch: source.watch,
    };
    const { log, sink: target } = sink();
    const reflector = new Reflector(failingSecondPage, target, { pageSize: 2 });
    const stop = new AbortController();
    const running = reflector.run(stop.signal);
    await until(() => api.openWatches === 1);
    assert.deepEqual(requests, ["first page", "continue", "unpaged"]);
    assert.deepEqual(log, ["replace cm-0,cm-1,cm-2 @103"]);
    stop.abort();
    await running;
  });

  test("a watch that closes at once without events counts as a failure and leads to a relist", async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const { sink: target } = sink();
    const reflector = new Reflector(listerWatcher<ConfigMap>(api, configMaps), target, { clock, random: () => 0, onError: (e) => errors.push(e) });
    const stop = new AbortController();
    const running = reflector.run(stop.signal);
    await until(() => api.openWatches === 1);
    api.endWatches();
    await until(() => errors.length === 1);
    assert.match(String((errors[0] as Error).message), /closed within a second/);
    await clock.advanceAsync(800);
    await until(() => api.callsOf("list") === 2);
    assert.equal(api.callsOf("list"), 2);
    stop.abort();
    await running;
  });

  test("back-off doubles from 800 ms to 30 s between failed attempts", async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    for (let i = 0; i < 9; i++) api.failNext("list", new ClientConnectionError("refused"));
    const attempts: number[] = [];
    const start = clock.now();
    const source = listerWatcher<ConfigMap>(api, configMaps);
    const timed = { list: (o: Parameters<typeof source.list>[0]) => (attempts.push(clock.now() - start), source.list(o)), watch: source.watch };
    const reflector = new Reflector(timed, sink().sink, { clock, random: () => 0, onError: () => {} });
    const stop = new AbortController();
    const running = reflector.run(stop.signal);
    for (let i = 0; i < 200 && attempts.length < 10; i++) await clock.advanceAsync(1000);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    assert.deepEqual(gaps, [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
    stop.abort();
    await running;
  });
});
