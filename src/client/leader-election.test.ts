// Leader election on the FakeApi with a fake clock (timing rules) and between
// two electors against a real server (take-over after release and after a crash).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Lease } from "kubernetes-types/coordination/v1";
import { LeaderElector, type LeaderCallbacks, type LeaderElectionConfig } from "./leader-election.ts";
import { FakeApi } from "./testing/fake-api.ts";
import { FakeClock } from "./testing/fake-clock.ts";
import { ClientConnectionError, InvalidClientOptionError } from "./errors.ts";
import { inNamespace, resources } from "./resources.ts";
import { startServer, type TestServer } from "../../test/support/server.ts";
import { RestClient } from "./rest-client.ts";
import type { KubeClient } from "./kube-client.ts";

const leases = inNamespace(resources.leases, "kube-system");

/** Runs an elector and records what happened to it. */
function campaign(config: LeaderElectionConfig) {
  const elector = new LeaderElector(config);
  const stop = new AbortController();
  const state = { leading: false, started: 0, stopped: 0, workEnded: 0, leaders: [] as string[] };
  const callbacks: LeaderCallbacks = {
    onStartedLeading: async (signal) => {
      state.leading = true;
      state.started++;
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      state.leading = false;
      state.workEnded++;
    },
    onStoppedLeading: () => state.stopped++,
    onNewLeader: (identity) => state.leaders.push(identity),
  };
  const done = elector.run(stop.signal, callbacks);
  return { elector, stop, state, done };
}

async function lease(client: KubeClient): Promise<Lease> {
  return client.get<Lease>(leases, "test-lock");
}

describe("LeaderElector with the fake API and a fake clock", () => {
  const config = (api: FakeApi, clock: FakeClock, identity: string): LeaderElectionConfig => ({ client: api, clock, namespace: "kube-system", name: "test-lock", identity });
  const advance = async (clock: FakeClock, ms: number) => {
    for (let t = 0; t < ms; t += 100) await clock.advanceAsync(100);
  };

  test("the first candidate leads, the second waits while the leader renews", async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const a = campaign(config(api, clock, "a"));
    await advance(clock, 100);
    assert.equal(a.state.leading, true);
    const b = campaign(config(api, clock, "b"));
    await advance(clock, 30_000);
    assert.equal(b.state.started, 0);
    assert.deepEqual(b.state.leaders, ["a"]);
    const held = await lease(api);
    assert.equal(held.spec?.holderIdentity, "a");
    assert.equal(held.spec?.leaseDurationSeconds, 15);
    assert.equal(held.spec?.leaseTransitions, 0);
    assert.equal(held.spec?.acquireTime, "2024-01-01T00:00:00.000000Z");
    // Renewed every retry period (2 s): the last renewal is at most that old.
    assert.match(held.spec?.renewTime ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.ok(clock.now() - Date.parse(held.spec!.renewTime!) <= 2000);
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.done, b.done]);
  });

  test("a leader that cannot renew for renewDeadline stops without releasing; the other takes over after leaseDuration", async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    // a's own view of the API, which the test can cut off.
    const cut = { off: false };
    const aClient = new Proxy(api, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => (cut.off ? Promise.reject(new ClientConnectionError("partitioned")) : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    const a = campaign({ ...config(api, clock, "a"), client: aClient });
    await advance(clock, 100);
    const b = campaign(config(api, clock, "b"));
    // a renewed at 2 s; then it can no longer reach the API.
    await advance(clock, 2_000);
    cut.off = true;
    const updatesBefore = api.callsOf("update");
    await advance(clock, 9_000);
    assert.equal(a.state.leading, true, "still within the renew deadline");
    await advance(clock, 1_000);
    assert.equal(a.state.leading, false);
    await a.done;
    assert.equal(a.state.stopped, 1);
    assert.equal(api.callsOf("update"), updatesBefore, "a lost the lease without releasing it");
    assert.equal(b.state.started, 0);
    // b saw a's last renewal on its first read after 2 s, so the lease is free
    // for it 15 s after that read; b tries every 2 to 4.4 s.
    await advance(clock, 15_000);
    assert.equal(b.state.leading, true);
    const taken = await lease(api);
    assert.equal(taken.spec?.holderIdentity, "b");
    assert.equal(taken.spec?.leaseTransitions, 1);
    b.stop.abort();
    await b.done;
  });

  test("settings that cannot work are refused", () => {
    const api = new FakeApi();
    assert.throws(() => new LeaderElector({ client: api, namespace: "n", name: "l", identity: "i", leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }), InvalidClientOptionError);
    assert.throws(() => new LeaderElector({ client: api, namespace: "n", name: "l", identity: "i", leaseDurationMs: 15_500 }), InvalidClientOptionError);
    assert.throws(() => new LeaderElector({ client: api, namespace: "n", name: "l", identity: "" }), InvalidClientOptionError);
  });
});

describe("LeaderElector between two electors on a real server", () => {
  let server: TestServer;
  let clientA: RestClient;
  let clientB: RestClient;
  before(async () => {
    server = await startServer();
    clientA = await RestClient.fromKubeconfig(server.kubeconfig);
    clientB = await RestClient.fromKubeconfig(server.kubeconfig);
  });
  after(async () => {
    clientA.close();
    clientB.close();
    await server.stop();
  });

  const fast = { namespace: "kube-system", name: "test-lock", leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200 };

  async function until(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(condition(), `timed out waiting for ${what}`);
  }

  test("one wins, never both; after a clean stop the other takes over at once", async () => {
    await clientA.delete(leases, "test-lock").catch(() => undefined);
    const a = campaign({ ...fast, client: clientA, identity: "a" });
    const b = campaign({ ...fast, client: clientB, identity: "b" });
    let both = 0;
    const sampler = setInterval(() => (a.state.leading && b.state.leading ? both++ : 0), 10);
    try {
      await until(() => a.state.leading || b.state.leading, "a leader");
      await new Promise((r) => setTimeout(r, 1000));
      const [first, second] = a.state.leading ? [a, b] : [b, a];
      assert.equal(second.state.started, 0);
      const held = await lease(clientA);
      assert.equal(held.spec?.holderIdentity, first.elector.getLeader());
      const transitionsBefore = held.spec?.leaseTransitions ?? 0;

      const stoppedAt = Date.now();
      first.stop.abort();
      await first.done;
      assert.equal(first.state.workEnded, 1);
      assert.equal(first.state.stopped, 1);
      await until(() => second.state.leading, "the take-over");
      // Released, so no waiting out the 2 s lease: within a few retry periods.
      assert.ok(Date.now() - stoppedAt < 1500, `take-over took ${Date.now() - stoppedAt} ms`);
      const taken = await lease(clientA);
      assert.equal(taken.spec?.holderIdentity, second.elector.getLeader());
      assert.equal(taken.spec?.leaseTransitions, transitionsBefore + 1);
      second.stop.abort();
      await second.done;
      const released = await lease(clientA);
      assert.equal(released.spec?.holderIdentity ?? "", "");
      assert.equal(both, 0, "two leaders at the same time");
    } finally {
      clearInterval(sampler);
      a.stop.abort();
      b.stop.abort();
      await Promise.all([a.done, b.done]);
    }
  });

  test("after a leader vanishes without releasing, the other takes over once the lease expires", async () => {
    await clientA.delete(leases, "test-lock").catch(() => undefined);
    const a = campaign({ ...fast, client: clientA, identity: "crashing", releaseOnCancel: false });
    await until(() => a.state.leading, "a leading");
    const b = campaign({ ...fast, client: clientB, identity: "survivor" });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(b.state.started, 0);
    const crashedAt = Date.now();
    a.stop.abort();
    await a.done;
    assert.equal((await lease(clientA)).spec?.holderIdentity, "crashing");
    await until(() => b.state.leading, "the take-over");
    const waited = Date.now() - crashedAt;
    assert.ok(waited >= 1000, `took over after ${waited} ms, before the lease could expire`);
    const taken = await lease(clientA);
    assert.equal(taken.spec?.holderIdentity, "survivor");
    assert.equal(taken.spec?.leaseTransitions, 1);
    b.stop.abort();
    await b.done;
  });
});
