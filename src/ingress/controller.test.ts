import { test } from "node:test";
import assert from "node:assert/strict";
import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Ingress, IngressClass } from "kubernetes-types/networking/v1";
import type { ResourceRef } from "../client/kube-client.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { IngressController, ingressControllerName } from "./controller.ts";
import { routeRequest } from "./router.ts";
import type { RoutingTable } from "./rules.ts";

const ingressesApi: ResourceRef = { group: "networking.k8s.io", version: "v1", plural: "ingresses", namespace: "default" };
const classesApi: ResourceRef = { group: "networking.k8s.io", version: "v1", plural: "ingressclasses" };

async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function ingress(name: string, host: string, className?: string): Ingress {
  return {
    metadata: { name, namespace: "default" },
    spec: {
      ...(className === undefined ? {} : { ingressClassName: className }),
      rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }],
    },
  };
}

function webSlice(ips: string[]): EndpointSlice {
  return {
    metadata: { name: "web-abcde", namespace: "default", labels: { "kubernetes.io/service-name": "web" } },
    addressType: "IPv4",
    ports: [{ name: "", port: 8080 }],
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  };
}

test("the controller routes our Ingresses to ready endpoints as they change and writes the node address into their status only", async () => {
  const api = new FakeApi();
  await api.create<IngressClass>(classesApi, { metadata: { name: "skiff", annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } }, spec: { controller: ingressControllerName } });
  await api.create<IngressClass>(classesApi, { metadata: { name: "other" }, spec: { controller: "example.com/other" } });
  await api.create<Node>(resources.nodes, { metadata: { name: "node-a" }, status: { addresses: [{ type: "InternalIP", address: "192.168.50.4" }] } });
  await api.create<Node>(resources.nodes, { metadata: { name: "node-b" }, status: { addresses: [{ type: "InternalIP", address: "192.168.50.5" }] } });
  await api.create<Service>(inNamespace(resources.services, "default"), { metadata: { name: "web", namespace: "default" }, spec: { ports: [{ port: 80, targetPort: 8080 }] } });
  await api.create<EndpointSlice>(inNamespace(resources.endpointSlices, "default"), webSlice(["10.42.0.5"]));
  await api.create<Ingress>(ingressesApi, ingress("mine", "web.example"));
  await api.create<Ingress>(ingressesApi, ingress("theirs", "theirs.example", "other"));

  let table: RoutingTable | undefined;
  const controller = new IngressController({ client: api, nodeName: "node-a", onTable: (next) => (table = next) });
  const abort = new AbortController();
  const stopped = controller.start(abort.signal);
  try {
    const upstreamsOf = (host: string) => (table === undefined ? undefined : routeRequest(table, host, "/")?.upstreams);
    assert.deepEqual(await eventually("the first table", () => upstreamsOf("web.example")), [{ ip: "10.42.0.5", port: 8080 }]);
    assert.equal(routeRequest(table!, "theirs.example", "/"), undefined);

    await api.update<EndpointSlice>(inNamespace(resources.endpointSlices, "default"), webSlice(["10.42.0.6", "10.42.0.7"]));
    assert.deepEqual(await eventually("the new endpoints", () => (upstreamsOf("web.example")?.length === 2 ? upstreamsOf("web.example") : undefined)), [
      { ip: "10.42.0.6", port: 8080 },
      { ip: "10.42.0.7", port: 8080 },
    ]);

    const status = await eventually("the status write", async () => (await api.get<Ingress>(ingressesApi, "mine")).status?.loadBalancer?.ingress);
    assert.deepEqual(status, [{ ip: "192.168.50.4" }]);
    const theirs = await api.get<Ingress>(ingressesApi, "theirs");
    assert.equal(theirs.status?.loadBalancer?.ingress, undefined);

    await api.delete(ingressesApi, "mine");
    await eventually("the route gone", () => (upstreamsOf("web.example") === undefined ? true : undefined));
  } finally {
    abort.abort();
    await stopped;
  }
});
