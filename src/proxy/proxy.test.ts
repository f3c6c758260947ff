import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import type { Iptables, ProxyChains } from "./iptables.ts";
import { ServiceProxy } from "./proxy.ts";
import type { LocalnetRouting } from "./route-localnet.ts";
import type { JumpRule } from "./rules.ts";

/** Keeps chains and jumps as iptables would, from the restore texts it is given. */
class RecordingIptables implements Iptables {
  chains: ProxyChains = { nat: [], filter: [] };
  jumps = new Set<string>();
  restores: string[] = [];
  failNext = false;

  existingChains(): Promise<ProxyChains> {
    return Promise.resolve({ nat: [...this.chains.nat], filter: [...this.chains.filter] });
  }

  restore(text: string): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error("iptables-restore: resource busy"));
    }
    this.restores.push(text);
    let table: "nat" | "filter" = "filter";
    for (const line of text.split("\n")) {
      if (line === "*nat" || line === "*filter") table = line.slice(1) as "nat" | "filter";
      else if (line.startsWith(":")) this.chains[table] = [...new Set([...this.chains[table], line.slice(1).split(" ")[0]!])];
      else if (line.startsWith("-X ")) this.chains[table] = this.chains[table].filter((chain) => chain !== line.slice(3));
    }
    return Promise.resolve();
  }

  ensureJump(rule: JumpRule): Promise<void> {
    this.jumps.add(JSON.stringify(rule));
    return Promise.resolve();
  }

  removeJump(rule: JumpRule): Promise<void> {
    this.jumps.delete(JSON.stringify(rule));
    return Promise.resolve();
  }
}

const servicesApi = inNamespace(resources.services, "default");
const service = (name: string, ip: string): Service => ({ metadata: { name, namespace: "default" }, spec: { clusterIP: ip, ports: [{ port: 80 }] } });

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), `timed out waiting for ${what}`);
}

describe("ServiceProxy", () => {
  test("batches a burst of changes into few restores, retries a failed one, and removes everything on stop", async () => {
    const api = new FakeApi();
    const iptables = new RecordingIptables();
    // A leftover chain of an earlier run: deleted by the first sync.
    iptables.chains.nat.push("KUBE-SVC-AAAAAAAAAAAAAAAA", "DOCKER");
    const proxy = new ServiceProxy({ client: api, nodeName: "n", clusterCidr: "10.42.0.0/16", iptables, minSyncIntervalMs: 200, retryIntervalMs: 50, resyncPeriodMs: 500, log: () => {} });
    const controller = new AbortController();
    const stopped = proxy.start(controller.signal);
    try {
      await proxy.ready;
      assert.equal(iptables.restores.length, 1);
      assert.ok(!iptables.chains.nat.includes("KUBE-SVC-AAAAAAAAAAAAAAAA"));
      assert.equal(iptables.jumps.size, 9);

      for (let i = 0; i < 10; i++) await api.create(servicesApi, service(`s${i}`, `10.43.0.${i + 100}`));
      await until(() => iptables.restores.at(-1)?.includes("10.43.0.109/32") ?? false, "the last service in the rules");
      // The first restore is followed by at most two more: one for the burst's head and one for the rest, 200 ms apart.
      assert.ok(iptables.restores.length <= 3, `${iptables.restores.length} restores for 10 changes`);

      iptables.failNext = true;
      const before = iptables.restores.length;
      await api.delete(servicesApi, "s0");
      await until(() => iptables.restores.length > before && !iptables.restores.at(-1)!.includes("10.43.0.100/32"), "the retried sync");

      // Someone flushes our jumps: the periodic resync puts them back without any API change.
      iptables.jumps.clear();
      await until(() => iptables.jumps.size === 9, "the periodic resync");
    } finally {
      controller.abort();
      await stopped;
    }
    assert.equal(iptables.jumps.size, 0);
    assert.deepEqual(iptables.chains, { nat: ["DOCKER"], filter: [] });
  });

  test("after a full sync, a slice change rewrites only its service's chains; the periodic resync writes all again", async () => {
    const api = new FakeApi();
    const iptables = new RecordingIptables();
    const slicesApi = inNamespace(resources.endpointSlices, "default");
    const slice = (name: string, ip: string): EndpointSlice => ({ metadata: { name, namespace: "default", labels: { "kubernetes.io/service-name": name } }, addressType: "IPv4", ports: [{ port: 8080 }], endpoints: [{ addresses: [ip] }] });
    for (const [name, ip] of [["a", "10.42.0.5"], ["b", "10.42.0.6"]] as const) {
      await api.create(servicesApi, service(name, name === "a" ? "10.43.0.5" : "10.43.0.6"));
      await api.create(slicesApi, slice(name, ip));
    }
    const proxy = new ServiceProxy({ client: api, nodeName: "n", clusterCidr: "10.42.0.0/16", iptables, minSyncIntervalMs: 20, resyncPeriodMs: 1500, log: () => {} });
    const controller = new AbortController();
    const stopped = proxy.start(controller.signal);
    const declared = (text: string) => text.split("\n").filter((line) => /^:KUBE-(SVC|SEP)-/.test(line)).length;
    try {
      await proxy.ready;
      assert.equal(declared(iptables.restores[0]!), 4);
      await api.update(slicesApi, { ...(await api.get<EndpointSlice>(slicesApi, "b")), endpoints: [{ addresses: ["10.42.0.7"] }] });
      await until(() => iptables.restores.at(-1)!.includes("--to-destination 10.42.0.7:8080"), "the changed endpoint");
      // b's service chain and its new endpoint chain, and the old one to delete; nothing of a.
      const partial = iptables.restores.at(-1)!;
      assert.equal(declared(partial), 3);
      assert.ok(!partial.includes("10.42.0.5"), partial);
      assert.ok(iptables.jumps.size === 9);
      const before = iptables.restores.length;
      await until(() => iptables.restores.length > before, "the periodic resync");
      assert.equal(declared(iptables.restores.at(-1)!), 4);
    } finally {
      controller.abort();
      await stopped;
    }
  });

  test("two proxies with their own prefixes share one iptables without touching each other's chains", async () => {
    const iptables = new RecordingIptables();
    const localnetCalls: string[] = [];
    const localnet: LocalnetRouting = {
      enable: () => Promise.resolve(void localnetCalls.push("enable")),
      restore: () => Promise.resolve(void localnetCalls.push("restore")),
    };
    const start = (api: FakeApi, chainPrefix: string) => {
      const proxy = new ServiceProxy({ client: api, nodeName: "n", clusterCidr: "10.42.0.0/16", iptables, chainPrefix, minSyncIntervalMs: 20, log: () => {}, ...(chainPrefix === "SKA" ? { localnet } : {}) });
      const controller = new AbortController();
      return { proxy, controller, stopped: proxy.start(controller.signal) };
    };
    const [apiA, apiB] = [new FakeApi(), new FakeApi()];
    const a = start(apiA, "SKA");
    const b = start(apiB, "SKB");
    try {
      await Promise.all([a.proxy.ready, b.proxy.ready]);
      await apiA.create(servicesApi, service("web", "10.43.0.5"));
      await apiB.create(servicesApi, service("web", "10.43.0.6"));
      const has = (chain: string) => iptables.chains.filter.includes(chain) || iptables.chains.nat.includes(chain);
      await until(() => iptables.restores.some((text) => text.includes("-A SKA-SERVICES") && text.includes("10.43.0.5/32")) && iptables.restores.some((text) => text.includes("-A SKB-SERVICES") && text.includes("10.43.0.6/32")), "both services");
      for (const text of iptables.restores) assert.ok(!(text.includes("SKA-") && text.includes("SKB-")), "a restore names one prefix only");
      assert.equal(iptables.jumps.size, 18);
      assert.ok(has("SKA-SERVICES") && has("SKB-SERVICES"));
      assert.deepEqual(localnetCalls.slice(0, 1), ["enable"]);

      a.controller.abort();
      await a.stopped;
      assert.equal(localnetCalls.at(-1), "restore");
      assert.ok(!has("SKA-SERVICES") && !has("SKA-FIREWALL"));
      assert.ok(has("SKB-SERVICES") && has("SKB-FIREWALL"));
      assert.equal(iptables.jumps.size, 9);
      assert.ok([...iptables.jumps].every((jump) => jump.includes("SKB-")));
    } finally {
      a.controller.abort();
      b.controller.abort();
      await Promise.all([a.stopped, b.stopped]);
    }
    assert.deepEqual(iptables.chains, { nat: [], filter: [] });
  });
});
