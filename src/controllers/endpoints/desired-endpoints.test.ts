import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { EndpointSubset, Pod, Service } from "kubernetes-types/core/v1";
import { desiredSubsets, endpointsLabels } from "./desired-endpoints.ts";

function pod(name: string, ip: string | undefined, options: { ready?: boolean; labels?: Record<string, string>; terminating?: boolean; phase?: string; httpPort?: number } = {}): Pod {
  return {
    metadata: { name, namespace: "ns", uid: `uid-${name}`, labels: options.labels ?? { app: "a" }, ...(options.terminating ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
    spec: { nodeName: "node-1", containers: [{ name: "c", ports: options.httpPort === undefined ? [] : [{ name: "http", containerPort: options.httpPort }] }] },
    status: { phase: options.phase ?? "Running", ...(ip === undefined ? {} : { podIP: ip }), conditions: [{ type: "Ready", status: options.ready === false ? "False" : "True" }] },
  };
}

function service(spec: Service["spec"] = {}): Service {
  return { metadata: { name: "svc", namespace: "ns", labels: { team: "x" } }, spec: { selector: { app: "a" }, ports: [{ name: "web", port: 80, targetPort: 8080, protocol: "TCP" }], ...spec } };
}

const address = (name: string, ip: string) => ({ ip, targetRef: { kind: "Pod", namespace: "ns", name, uid: `uid-${name}` }, nodeName: "node-1" });
const webPorts = [{ port: 8080, protocol: "TCP", name: "web" }];

const cases: { name: string; service: Service; pods: Pod[]; want: EndpointSubset[] }[] = [
  { name: "no pods, no subsets", service: service(), pods: [], want: [] },
  {
    name: "ready pods sorted by address, unready ones apart",
    service: service(),
    pods: [pod("b", "10.42.0.9"), pod("a", "10.42.0.10"), pod("c", "10.42.0.2", { ready: false })],
    want: [{ addresses: [address("a", "10.42.0.10"), address("b", "10.42.0.9")], notReadyAddresses: [address("c", "10.42.0.2")], ports: webPorts }],
  },
  {
    name: "pods without address, finished, terminating or not selected are left out",
    service: service(),
    pods: [pod("a", undefined), pod("b", "10.42.0.2", { phase: "Succeeded" }), pod("c", "10.42.0.3", { terminating: true }), pod("d", "10.42.0.4", { labels: { app: "other" } })],
    want: [],
  },
  {
    name: "publishNotReadyAddresses: unready and terminating pods are addresses",
    service: service({ publishNotReadyAddresses: true }),
    pods: [pod("a", "10.42.0.1", { ready: false }), pod("b", "10.42.0.2", { terminating: true })],
    want: [{ addresses: [address("a", "10.42.0.1"), address("b", "10.42.0.2")], ports: webPorts }],
  },
  {
    name: "a named target port resolved per pod splits subsets; a pod without it serves nothing",
    service: service({ ports: [{ name: "web", port: 80, targetPort: "http", protocol: "TCP" }] }),
    pods: [pod("a", "10.42.0.1", { httpPort: 8080 }), pod("b", "10.42.0.2", { httpPort: 9090 }), pod("c", "10.42.0.3")],
    want: [
      { addresses: [address("a", "10.42.0.1")], ports: webPorts },
      { addresses: [address("b", "10.42.0.2")], ports: [{ port: 9090, protocol: "TCP", name: "web" }] },
    ],
  },
  {
    name: "a headless Service without ports lists addresses alone",
    service: service({ clusterIP: "None", ports: [] }),
    pods: [pod("a", "10.42.0.1")],
    want: [{ addresses: [address("a", "10.42.0.1")] }],
  },
];

describe("desiredSubsets", () => {
  for (const c of cases) test(c.name, () => assert.deepEqual(desiredSubsets(c.service, c.pods), c.want));
});

describe("endpointsLabels", () => {
  test("the Service's labels", () => assert.deepEqual(endpointsLabels(service()), { team: "x" }));
  test("plus the headless marker", () => assert.deepEqual(endpointsLabels(service({ clusterIP: "None" })), { team: "x", "service.kubernetes.io/headless": "" }));
});
