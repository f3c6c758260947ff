import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { buildClusterDnsIndex, resolveQuestion } from "./cluster-records.ts";
import { rcodes, recordTypes, type RecordData } from "./dns-message.ts";

const services: Service[] = [
  { metadata: { name: "web", namespace: "default" }, spec: { clusterIP: "10.43.0.20", clusterIPs: ["10.43.0.20"], ports: [{ name: "http", port: 80, protocol: "TCP" }] } },
  { metadata: { name: "db", namespace: "shop" }, spec: { clusterIP: "None", ports: [{ name: "pg", port: 5432, protocol: "TCP" }] } },
  { metadata: { name: "ext", namespace: "default" }, spec: { type: "ExternalName", externalName: "example.org" } },
];

const slices: EndpointSlice[] = [
  {
    metadata: { name: "web-1", namespace: "default", labels: { "kubernetes.io/service-name": "web" } },
    addressType: "IPv4",
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    endpoints: [{ addresses: ["10.42.0.5"], conditions: { ready: true } }],
  },
  {
    metadata: { name: "db-1", namespace: "shop", labels: { "kubernetes.io/service-name": "db" } },
    addressType: "IPv4",
    ports: [{ name: "pg", port: 5432, protocol: "TCP" }],
    endpoints: [
      { addresses: ["10.42.0.12"], hostname: "db-1", conditions: { ready: true } },
      { addresses: ["10.42.0.11"], hostname: "db-0", conditions: { ready: true } },
      { addresses: ["10.42.0.13"], hostname: "db-2", conditions: { ready: false } },
    ],
  },
];

const index = buildClusterDnsIndex(services, slices);
const { A, AAAA, SRV, PTR, SOA, TXT } = recordTypes;
const { NOERROR, NXDOMAIN, REFUSED } = rcodes;

const cases: { name: string; type: number; rcode: number; answers: RecordData[]; soa?: string; additional?: string[] }[] = [
  { name: "web.default.svc.cluster.local", type: A, rcode: NOERROR, answers: [{ type: "A", address: "10.43.0.20" }] },
  { name: "WEB.Default.svc.cluster.local.", type: A, rcode: NOERROR, answers: [{ type: "A", address: "10.43.0.20" }] },
  { name: "web.default.svc.cluster.local", type: AAAA, rcode: NOERROR, answers: [], soa: "cluster.local" },
  { name: "web.default.svc.cluster.local", type: TXT, rcode: NOERROR, answers: [], soa: "cluster.local" },
  { name: "nope.default.svc.cluster.local", type: A, rcode: NXDOMAIN, answers: [], soa: "cluster.local" },
  { name: "web.default.svc.cluster.local.default.svc.cluster.local", type: A, rcode: NXDOMAIN, answers: [], soa: "cluster.local" },
  { name: "default.svc.cluster.local", type: A, rcode: NOERROR, answers: [], soa: "cluster.local" },
  { name: "nonamespace.svc.cluster.local", type: A, rcode: NXDOMAIN, answers: [], soa: "cluster.local" },
  { name: "cluster.local", type: SOA, rcode: NOERROR, answers: [{ type: "SOA", mname: "ns.dns.cluster.local", rname: "hostmaster.cluster.local", serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 30 }] },
  { name: "db.shop.svc.cluster.local", type: A, rcode: NOERROR, answers: [{ type: "A", address: "10.42.0.11" }, { type: "A", address: "10.42.0.12" }] },
  { name: "db-0.db.shop.svc.cluster.local", type: A, rcode: NOERROR, answers: [{ type: "A", address: "10.42.0.11" }] },
  { name: "db-2.db.shop.svc.cluster.local", type: A, rcode: NXDOMAIN, answers: [], soa: "cluster.local" },
  { name: "_http._tcp.web.default.svc.cluster.local", type: SRV, rcode: NOERROR, answers: [{ type: "SRV", priority: 0, weight: 100, port: 80, target: "web.default.svc.cluster.local" }], additional: ["web.default.svc.cluster.local"] },
  { name: "_http._udp.web.default.svc.cluster.local", type: SRV, rcode: NXDOMAIN, answers: [], soa: "cluster.local" },
  {
    name: "_pg._tcp.db.shop.svc.cluster.local",
    type: SRV,
    rcode: NOERROR,
    answers: [
      { type: "SRV", priority: 0, weight: 50, port: 5432, target: "db-0.db.shop.svc.cluster.local" },
      { type: "SRV", priority: 0, weight: 50, port: 5432, target: "db-1.db.shop.svc.cluster.local" },
    ],
    additional: ["db-0.db.shop.svc.cluster.local", "db-1.db.shop.svc.cluster.local"],
  },
  { name: "ext.default.svc.cluster.local", type: A, rcode: NOERROR, answers: [{ type: "CNAME", target: "example.org" }] },
  { name: "10-42-0-99.default.pod.cluster.local", type: A, rcode: NOERROR, answers: [{ type: "A", address: "10.42.0.99" }] },
  { name: "10-42-0.default.pod.cluster.local", type: A, rcode: NXDOMAIN, answers: [], soa: "cluster.local" },
  { name: "20.0.43.10.in-addr.arpa", type: PTR, rcode: NOERROR, answers: [{ type: "PTR", target: "web.default.svc.cluster.local" }] },
  { name: "11.0.42.10.in-addr.arpa", type: PTR, rcode: NOERROR, answers: [{ type: "PTR", target: "db-0.db.shop.svc.cluster.local" }] },
  { name: "99.0.42.10.in-addr.arpa", type: PTR, rcode: NXDOMAIN, answers: [], soa: "42.10.in-addr.arpa" },
  { name: "8.8.8.8.in-addr.arpa", type: PTR, rcode: REFUSED, answers: [] },
  { name: "example.org", type: A, rcode: REFUSED, answers: [] },
  { name: "localhost", type: A, rcode: REFUSED, answers: [] },
];

describe("resolveQuestion", () => {
  for (const { name, type, rcode, answers, soa, additional } of cases) {
    test(`${name} type ${type}`, () => {
      const resolution = resolveQuestion(index, name, type);
      assert.equal(resolution.rcode, rcode);
      assert.deepEqual(resolution.answers.map((record) => record.data), answers);
      assert.deepEqual(resolution.authority.map((record) => record.name), soa === undefined ? [] : [soa]);
      assert.deepEqual(resolution.additional.map((record) => record.name), additional ?? []);
      for (const record of resolution.answers) assert.equal(record.ttl, 30);
    });
  }
});
