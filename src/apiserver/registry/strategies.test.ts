// What create and update keep of a client's status, per resource, through the
// generic REST code over an in-memory store.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ResourceRegistry } from "../../api/registry.ts";
import { MemoryStore } from "../../storage/memory/memory-store.ts";
import { admissionChain } from "../admission/admission.ts";
import { Registry } from "./lookup.ts";
import type { ApiObject } from "./strategy.ts";

const write = { dryRun: false, user: { name: "admin", groups: ["system:masters"] } };
const abort = new AbortController();
after(() => abort.abort());

function registry(): Registry {
  const r = new Registry(new ResourceRegistry(), new MemoryStore(), abort.signal);
  r.useAdmission(admissionChain([]));
  return r;
}

const nodeStatus = { capacity: { cpu: "4", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] };

describe("status on create", () => {
  const cases: { plural: string; namespace: string; body: ApiObject; status: (s: Record<string, unknown>) => void }[] = [
    {
      plural: "nodes",
      namespace: "",
      body: { metadata: { name: "n1" }, status: nodeStatus },
      status: (s) => assert.deepEqual({ capacity: s.capacity, conditions: s.conditions }, nodeStatus),
    },
    {
      plural: "persistentvolumes",
      namespace: "",
      body: { metadata: { name: "pv1" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/tmp/pv1" } }, status: { phase: "Bound", message: "mine" } },
      status: (s) => {
        assert.equal(s.phase, "Pending");
        assert.equal(s.message, undefined);
        assert.match(String(s.lastPhaseTransitionTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.ok(Math.abs(Date.parse(String(s.lastPhaseTransitionTime)) - Date.now()) < 60_000);
      },
    },
    {
      plural: "persistentvolumeclaims",
      namespace: "default",
      body: { metadata: { name: "c1" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }, status: { phase: "Bound" } },
      status: (s) => assert.deepEqual(s, { phase: "Pending" }),
    },
  ];
  for (const c of cases) {
    test(c.plural, async () => {
      const created = await registry().rest("", "v1", c.plural)!.create(c.namespace, c.body, write);
      c.status((created.status ?? {}) as Record<string, unknown>);
    });
  }
});

test("an update of a node's main resource keeps the stored status", async () => {
  const nodes = registry().rest("", "v1", "nodes")!;
  const created = await nodes.create("", { metadata: { name: "n2" }, status: nodeStatus }, write);
  const { object } = await nodes.update("", "n2", { ...created, metadata: { ...created.metadata, labels: { a: "b" } }, status: { capacity: { cpu: "1" } } }, write);
  assert.deepEqual(object.metadata?.labels, { a: "b" });
  assert.deepEqual((object.status as { capacity?: unknown }).capacity, nodeStatus.capacity);
});
