// ServiceRest over an in-memory store: concurrent writes never share a value
// (every pick starts at the same offset here, so only the in-flight
// reservations keep them apart), and a new server over the same store sees
// what the old one allocated.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ResourceRegistry } from "../../api/registry.ts";
import { MemoryStore } from "../../storage/memory/memory-store.ts";
import { admissionChain } from "../admission/admission.ts";
import { ipv4Range } from "../service-allocation/ipv4-range.ts";
import { portRange } from "../service-allocation/port-range.ts";
import { ApiError } from "../status.ts";
import { Registry } from "./lookup.ts";
import { ServiceRest } from "./services.ts";
import type { ApiObject } from "./strategy.ts";

const user = { name: "admin", groups: ["system:masters"] };
const write = { dryRun: false, user };
const abort = new AbortController();
after(() => abort.abort());

/** A server's view of the store: its own watch cache, a /28 service range and ten node ports, every scan from offset 0. */
function serviceRestOver(store: MemoryStore): ServiceRest {
  const registry = new Registry(new ResourceRegistry(), store, abort.signal);
  const info = registry.resources.byResource("", "v1", "services")!;
  return new ServiceRest(info, store, registry.cache(info), admissionChain([]), { ipRange: ipv4Range("10.0.0.0/28"), portRange: portRange(30000, 30009), random: () => 0 });
}

const service = (name: string, spec: Record<string, unknown> = {}): ApiObject => ({ metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });
const clusterIP = (obj: ApiObject) => (obj.spec as { clusterIP?: string }).clusterIP;
const nodePort = (obj: ApiObject) => (obj.spec as { ports: { nodePort?: number }[] }).ports[0]?.nodePort;

async function refused(write: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(write, (e: unknown) => e instanceof ApiError && e.code === 422 && message.test(e.message));
}

describe("ServiceRest allocation", () => {
  const store = new MemoryStore();
  const rest = serviceRestOver(store);

  test("14 concurrent creates fill the /28 with distinct addresses; the 15th finds it full", async () => {
    const created = await Promise.all(Array.from({ length: 14 }, (_, i) => rest.create("default", service(`s${i}`), write)));
    assert.equal(new Set(created.map(clusterIP)).size, 14);
    await refused(rest.create("default", service("s14"), write), /range is full/);
  });

  test("a deleted Service's address goes to the next create", async () => {
    const gone = await rest.get("default", "s3", null);
    await rest.delete("default", "s3", write);
    const next = await rest.create("default", service("s14"), write);
    assert.equal(clusterIP(next), clusterIP(gone));
  });

  test("concurrent NodePort updates get distinct ports", async () => {
    const updated = await Promise.all(
      ["s0", "s1", "s2", "s4", "s5"].map((name) => rest.modify("default", name, "main", write, (current) => ({ ...current, spec: { ...(current.spec as object), type: "NodePort" } }))),
    );
    assert.equal(new Set(updated.map(nodePort)).size, 5);
  });

  test("dry-run shows an allocation without keeping it", async () => {
    await rest.delete("default", "s6", write);
    const dry = await rest.create("default", service("dry"), { ...write, dryRun: true });
    const real = await rest.create("default", service("real"), write);
    assert.equal(clusterIP(real), clusterIP(dry));
  });

  test("a new server over the same store refuses what the old one allocated", async () => {
    const restarted = serviceRestOver(store);
    const held = await restarted.get("default", "s0", null);
    await refused(restarted.create("default", service("copy", { clusterIP: clusterIP(held) }), write), /provided IP is already allocated/);
    await refused(restarted.create("default", service("copy", { clusterIP: "10.0.0.15" }), write), /not in the valid range/);
    await refused(restarted.create("default", service("copy", { clusterIP: "None", type: "NodePort", ports: [{ port: 80, nodePort: nodePort(held) }] }), write), /provided port is already allocated/);
  });
});
