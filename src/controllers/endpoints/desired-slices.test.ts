import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";
import { planSlices, sliceLabels, type SlicePlan } from "./desired-slices.ts";

function pod(n: number, options: { ready?: boolean; terminating?: boolean; httpPort?: number; ip?: string | null } = {}): Pod {
  const ip = options.ip === null ? {} : { podIP: options.ip ?? `10.42.0.${n}` };
  return {
    metadata: { name: `p${n}`, namespace: "ns", uid: `u${n}`, labels: { app: "a" }, ...(options.terminating ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
    spec: { nodeName: n % 2 === 0 ? "zoned" : "plain", containers: [{ name: "c", ports: options.httpPort === undefined ? [] : [{ name: "http", containerPort: options.httpPort }] }] },
    status: { phase: "Running", ...ip, conditions: [{ type: "Ready", status: options.ready === false ? "False" : "True" }] },
  };
}

const service = (spec: Service["spec"] = {}): Service => ({
  metadata: { name: "svc", namespace: "ns", uid: "svc-uid", labels: { team: "x" } },
  spec: { selector: { app: "a" }, ports: [{ name: "web", port: 80, targetPort: 8080, protocol: "TCP" }], ...spec },
});

const zoneOf = (node: string) => (node === "zoned" ? "zone-a" : undefined);
const webPorts = [{ name: "web", port: 8080, protocol: "TCP" }];

function endpoint(n: number, conditions: { ready: boolean; serving: boolean; terminating: boolean } = { ready: true, serving: true, terminating: false }): Endpoint {
  return {
    addresses: [`10.42.0.${n}`],
    conditions,
    targetRef: { kind: "Pod", namespace: "ns", name: `p${n}`, uid: `u${n}` },
    nodeName: n % 2 === 0 ? "zoned" : "plain",
    ...(n % 2 === 0 ? { zone: "zone-a" } : {}),
  };
}

function slice(name: string, endpoints: Endpoint[], ports = webPorts, labels = sliceLabels(service())): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name, namespace: "ns", resourceVersion: "7", labels, ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "svc", uid: "svc-uid", controller: true, blockOwnerDeletion: true }] },
    addressType: "IPv4",
    endpoints,
    ports,
  };
}

/** A plan as names and addresses: what each write holds. */
function summary(plan: SlicePlan) {
  const addresses = (s: EndpointSlice) => (s.endpoints ?? []).map((e) => e.addresses[0]);
  return {
    create: plan.create.map((s) => ({ generateName: s.metadata?.generateName, addresses: addresses(s), ports: s.ports })),
    update: plan.update.map((s) => ({ name: s.metadata?.name, addresses: addresses(s), ports: s.ports })),
    remove: plan.remove.map((s) => s.metadata?.name),
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const ips = (ns: number[]) => ns.map((n) => `10.42.0.${n}`);

const cases: { name: string; service?: Service; pods: Pod[]; existing?: EndpointSlice[]; max?: number; want: ReturnType<typeof summary> }[] = [
  {
    name: "no slices yet: one created with every pod",
    pods: [pod(1), pod(2), pod(3, { ip: null })],
    want: { create: [{ generateName: "svc-", addresses: ips([1, 2]), ports: webPorts }], update: [], remove: [] },
  },
  {
    name: "slices already right: no writes",
    pods: [pod(1), pod(2)],
    existing: [slice("svc-aaaaa", [endpoint(1), endpoint(2)])],
    want: { create: [], update: [], remove: [] },
  },
  {
    name: "a pod turning unready updates its slice in place",
    pods: [pod(1), pod(2, { ready: false })],
    existing: [slice("svc-aaaaa", [endpoint(1), endpoint(2)])],
    want: { create: [], update: [{ name: "svc-aaaaa", addresses: ips([1, 2]), ports: webPorts }], remove: [] },
  },
  {
    name: "new pods fill slices with room before new slices are made",
    pods: range(1, 5).map((n) => pod(n)),
    existing: [slice("svc-full", [endpoint(1), endpoint(2)]), slice("svc-room", [endpoint(3)])],
    max: 2,
    want: { create: [{ generateName: "svc-", addresses: ips([5]), ports: webPorts }], update: [{ name: "svc-room", addresses: ips([3, 4]), ports: webPorts }], remove: [] },
  },
  {
    name: "250 pods: slices of 100",
    pods: range(1, 250).map((n) => pod(n, { ip: `10.42.${Math.floor(n / 256)}.${n % 256}` })),
    want: {
      create: [
        { generateName: "svc-", addresses: range(1, 100).map((n) => `10.42.0.${n}`), ports: webPorts },
        { generateName: "svc-", addresses: range(101, 200).map((n) => `10.42.0.${n}`), ports: webPorts },
        { generateName: "svc-", addresses: range(201, 250).map((n) => `10.42.0.${n}`), ports: webPorts },
      ],
      update: [],
      remove: [],
    },
  },
  {
    name: "a slice left empty is removed while others remain",
    pods: [pod(1)],
    existing: [slice("svc-aaaaa", [endpoint(1)]), slice("svc-bbbbb", [endpoint(2)])],
    want: { create: [], update: [], remove: ["svc-bbbbb"] },
  },
  {
    name: "no pods left: the last slice becomes the empty placeholder",
    pods: [],
    existing: [slice("svc-aaaaa", [endpoint(1)]), slice("svc-bbbbb", [endpoint(2)])],
    want: { create: [], update: [{ name: "svc-aaaaa", addresses: [], ports: [] }], remove: ["svc-bbbbb"] },
  },
  {
    name: "no pods and no slices: a placeholder is created",
    pods: [],
    want: { create: [{ generateName: "svc-", addresses: [], ports: [] }], update: [], remove: [] },
  },
  {
    name: "the placeholder is left alone",
    pods: [],
    existing: [slice("svc-aaaaa", [], [])],
    want: { create: [], update: [], remove: [] },
  },
  {
    name: "a named target port resolved differently puts pods in different slices",
    service: service({ ports: [{ name: "web", port: 80, targetPort: "http", protocol: "TCP" }] }),
    pods: [pod(1, { httpPort: 8080 }), pod(2, { httpPort: 9090 }), pod(3, { httpPort: 8080 }), pod(4)],
    want: {
      create: [
        { generateName: "svc-", addresses: ips([1, 3]), ports: webPorts },
        { generateName: "svc-", addresses: ips([2]), ports: [{ name: "web", port: 9090, protocol: "TCP" }] },
      ],
      update: [],
      remove: [],
    },
  },
  {
    name: "a slice whose ports no pod resolves any more is replaced",
    pods: [pod(1)],
    existing: [slice("svc-aaaaa", [endpoint(1)], [{ name: "web", port: 9999, protocol: "TCP" }])],
    want: { create: [{ generateName: "svc-", addresses: ips([1]), ports: webPorts }], update: [], remove: ["svc-aaaaa"] },
  },
  {
    name: "changed Service labels are copied to the slices",
    service: { ...service(), metadata: { ...service().metadata, labels: { team: "y" } } },
    pods: [pod(1)],
    existing: [slice("svc-aaaaa", [endpoint(1)])],
    want: { create: [], update: [{ name: "svc-aaaaa", addresses: ips([1]), ports: webPorts }], remove: [] },
  },
];

describe("planSlices", () => {
  for (const c of cases) {
    test(c.name, () => {
      const plan = planSlices({ service: c.service ?? service(), pods: c.pods, existing: c.existing ?? [], zoneOf, ...(c.max === undefined ? {} : { maxEndpoints: c.max }) });
      assert.deepEqual(summary(plan), c.want);
    });
  }

  const conditionCases: { name: string; pod: Pod; service?: Service; want: Endpoint }[] = [
    { name: "ready pod, zone from its node", pod: pod(2), want: endpoint(2) },
    { name: "unready pod", pod: pod(1, { ready: false }), want: endpoint(1, { ready: false, serving: false, terminating: false }) },
    { name: "terminating ready pod: serving, not ready", pod: pod(1, { terminating: true }), want: endpoint(1, { ready: false, serving: true, terminating: true }) },
    {
      name: "publishNotReadyAddresses: ready and serving whatever the pod says",
      pod: pod(1, { ready: false, terminating: true }),
      service: service({ publishNotReadyAddresses: true }),
      want: endpoint(1, { ready: true, serving: true, terminating: true }),
    },
  ];
  for (const c of conditionCases) {
    test(`endpoint of a ${c.name}`, () => {
      const plan = planSlices({ service: c.service ?? service(), pods: [c.pod], existing: [], zoneOf });
      assert.deepEqual(plan.create[0]?.endpoints, [c.want]);
    });
  }

  test("created slices carry the managed-by and service-name labels and the Service as controller", () => {
    const [created] = planSlices({ service: service({ clusterIP: "None" }), pods: [pod(1)], existing: [], zoneOf }).create;
    assert.deepEqual(created?.metadata?.labels, {
      team: "x",
      "service.kubernetes.io/headless": "",
      "kubernetes.io/service-name": "svc",
      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    });
    assert.deepEqual(created?.metadata?.ownerReferences, [{ apiVersion: "v1", kind: "Service", name: "svc", uid: "svc-uid", controller: true, blockOwnerDeletion: true }]);
    assert.equal(created?.addressType, "IPv4");
  });
});
