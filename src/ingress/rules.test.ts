import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Ingress, IngressClass } from "kubernetes-types/networking/v1";
import { buildRoutingTable, isAllowedUpstream, isOurs, type ClusterState } from "./rules.ts";

const controller = "skiff.dev/ingress";

function ingressClass(name: string, controllerName: string, isDefault = false): IngressClass {
  return { metadata: { name, ...(isDefault ? { annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } } : {}) }, spec: { controller: controllerName } };
}

function ingress(name: string, spec: Ingress["spec"], extra: { created?: string; annotations?: Record<string, string>; namespace?: string } = {}): Ingress {
  return {
    metadata: { name, namespace: extra.namespace ?? "default", creationTimestamp: extra.created ?? "2026-01-01T00:00:00Z", ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec,
  };
}

function service(name: string, ports: Array<{ name?: string; port: number; targetPort?: number }>): Service {
  return { metadata: { name, namespace: "default" }, spec: { ports: ports.map((p) => ({ ...p, protocol: "TCP" })) } };
}

function slice(serviceName: string, ports: Array<{ name: string; port: number }>, endpoints: Array<{ ip: string; ready?: boolean }>, suffix = "a"): EndpointSlice {
  return {
    metadata: { name: `${serviceName}-${suffix}`, namespace: "default", labels: { "kubernetes.io/service-name": serviceName } },
    addressType: "IPv4",
    ports,
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }) })),
  };
}

const rootRule = (serviceName: string, port: { number?: number; name?: string }, host?: string) => ({
  ...(host === undefined ? {} : { host }),
  http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: serviceName, port } } }] },
});

describe("isOurs", () => {
  const classes = [ingressClass("skiff", controller, true), ingressClass("other", "example.com/other")];
  const cases: Array<[string, Ingress, IngressClass[], boolean]> = [
    ["our class by name", ingress("a", { ingressClassName: "skiff" }), classes, true],
    ["another controller's class", ingress("a", { ingressClassName: "other" }), classes, false],
    ["a class that does not exist", ingress("a", { ingressClassName: "missing" }), classes, false],
    ["no class, ours is the default", ingress("a", {}), classes, true],
    ["no class, the default is another controller's", ingress("a", {}), [ingressClass("skiff", controller), ingressClass("other", "example.com/other", true)], false],
    ["no class and no default class", ingress("a", {}), [ingressClass("skiff", controller)], false],
    ["legacy annotation naming our class", ingress("a", {}, { annotations: { "kubernetes.io/ingress.class": "skiff" } }), [ingressClass("skiff", controller)], true],
    ["legacy annotation naming another class", ingress("a", {}, { annotations: { "kubernetes.io/ingress.class": "other" } }), classes, false],
  ];
  for (const [name, subject, classList, expected] of cases) test(name, () => assert.equal(isOurs(subject, classList, controller), expected));
});

describe("isAllowedUpstream", () => {
  const cases: Array<[string, boolean]> = [
    ["10.42.0.7", true],
    ["10.42.255.1", true],
    ["127.0.0.1", true],
    ["10.43.0.1", false],
    ["192.168.1.10", false],
    ["8.8.8.8", false],
    ["10.42.0", false],
    ["fd00::1", false],
  ];
  for (const [ip, expected] of cases) test(`${ip} ${expected ? "allowed" : "refused"}`, () => assert.equal(isAllowedUpstream(ip), expected));
});

describe("buildRoutingTable", () => {
  const classes = [ingressClass("skiff", controller, true)];
  const web = service("web", [{ name: "http", port: 80, targetPort: 8080 }, { name: "admin", port: 9000 }]);
  const webSlices = [
    slice("web", [{ name: "http", port: 8080 }, { name: "admin", port: 9001 }], [{ ip: "10.42.0.5" }, { ip: "10.42.0.6", ready: false }, { ip: "10.42.0.7", ready: true }]),
    slice("web", [{ name: "http", port: 8080 }], [{ ip: "10.42.0.8" }, { ip: "192.168.0.9" }], "b"),
  ];
  const state = (ingresses: Ingress[], extra: Partial<ClusterState> = {}): ClusterState => ({ ingresses, ingressClasses: classes, services: [web], endpointSlices: webSlices, ...extra });

  test("a backend by port number gets the ready endpoints of every slice of the Service, inside the pod network only", () => {
    const table = buildRoutingTable(state([ingress("i", { rules: [rootRule("web", { number: 80 }, "web.example")] })]), controller);
    const routes = table.hosts.get("web.example");
    assert.equal(routes?.length, 1);
    assert.deepEqual(routes?.[0]?.backend.upstreams, [{ ip: "10.42.0.5", port: 8080 }, { ip: "10.42.0.7", port: 8080 }, { ip: "10.42.0.8", port: 8080 }]);
    assert.equal(routes?.[0]?.path, "");
    assert.equal(routes?.[0]?.ingress, "default/i");
  });

  test("a backend by port name picks that port of the slices", () => {
    const table = buildRoutingTable(state([ingress("i", { rules: [rootRule("web", { name: "admin" })] })]), controller);
    assert.deepEqual(table.hosts.get("")?.[0]?.backend.upstreams, [{ ip: "10.42.0.5", port: 9001 }, { ip: "10.42.0.7", port: 9001 }]);
  });

  const emptyCases: Array<[string, ClusterState]> = [
    ["a missing Service", state([ingress("i", { rules: [rootRule("nope", { number: 80 })] })])],
    ["a port the Service does not have", state([ingress("i", { rules: [rootRule("web", { number: 81 })] })])],
    ["a Service without slices", state([ingress("i", { rules: [rootRule("web", { number: 80 })] })], { endpointSlices: [] })],
    ["only unready endpoints", state([ingress("i", { rules: [rootRule("web", { number: 80 })] })], { endpointSlices: [slice("web", [{ name: "http", port: 8080 }], [{ ip: "10.42.0.6", ready: false }])] })],
  ];
  for (const [name, input] of emptyCases) {
    test(`${name}: a route without upstreams (503)`, () => {
      const route = buildRoutingTable(input, controller).hosts.get("")?.[0];
      assert.ok(route !== undefined);
      assert.deepEqual(route.backend.upstreams, []);
    });
  }

  test("an unnamed Service port matches the slice port without a name", () => {
    const plain = service("plain", [{ port: 80 }]);
    const plainSlice = slice("plain", [{ name: "", port: 8080 }], [{ ip: "10.42.1.2" }]);
    const table = buildRoutingTable(state([ingress("i", { rules: [rootRule("plain", { number: 80 })] })], { services: [plain], endpointSlices: [plainSlice] }), controller);
    assert.deepEqual(table.hosts.get("")?.[0]?.backend.upstreams, [{ ip: "10.42.1.2", port: 8080 }]);
  });

  test("the oldest Ingress keeps a contested host and path; other paths merge; Prefix paths lose a trailing slash; ImplementationSpecific is Prefix", () => {
    const newer = ingress("newer", { rules: [rootRule("web", { name: "admin" }, "h"), { host: "h", http: { paths: [{ path: "/docs/", pathType: "ImplementationSpecific", backend: { service: { name: "web", port: { number: 80 } } } }] } }] }, { created: "2026-02-01T00:00:00Z" });
    const older = ingress("older", { rules: [rootRule("web", { number: 80 }, "h")] }, { created: "2026-01-01T00:00:00Z" });
    const routes = buildRoutingTable(state([newer, older]), controller).hosts.get("h") ?? [];
    assert.deepEqual(routes.map((r) => [r.ingress, r.match, r.path, r.backend.key]), [
      ["default/older", "Prefix", "", "default/web:80"],
      ["default/newer", "Prefix", "/docs", "default/web:80"],
    ]);
  });

  test("Ingresses of other classes are left out; the oldest default backend wins", () => {
    const foreign = ingress("foreign", { ingressClassName: "other", rules: [rootRule("web", { number: 80 }, "foreign.example")] });
    const first = ingress("first", { defaultBackend: { service: { name: "web", port: { number: 80 } } } }, { created: "2026-01-01T00:00:00Z" });
    const second = ingress("second", { defaultBackend: { service: { name: "web", port: { name: "admin" } } } }, { created: "2026-01-02T00:00:00Z" });
    const table = buildRoutingTable(state([second, foreign, first]), controller);
    assert.equal(table.hosts.has("foreign.example"), false);
    assert.equal(table.defaultBackend?.key, "default/web:80");
  });
});
