import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { parseResolvConf, podDnsConfig } from "./pod-dns.ts";
import type { DnsConfig } from "./runtime/runtime.ts";

const host = parseResolvConf("# host\nnameserver 10.255.255.53\nsearch example.internal\noptions edns0 ndots:1\n");

test("parseResolvConf reads servers, search and options", () => {
  assert.deepEqual(host, { servers: ["10.255.255.53"], searches: ["example.internal"], options: ["edns0", "ndots:1"] });
});

const cases: [string, Pod["spec"], DnsConfig][] = [
  ["ClusterFirst", { containers: [] }, { servers: ["10.43.0.10"], searches: ["team.svc.cluster.local", "svc.cluster.local", "cluster.local", "example.internal"], options: ["ndots:5"] }],
  ["host network falls back to the host's", { containers: [], hostNetwork: true }, host],
  ["ClusterFirstWithHostNet", { containers: [], hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" }, { servers: ["10.43.0.10"], searches: ["team.svc.cluster.local", "svc.cluster.local", "cluster.local", "example.internal"], options: ["ndots:5"] }],
  ["Default", { containers: [], dnsPolicy: "Default" }, host],
  ["None with dnsConfig", { containers: [], dnsPolicy: "None", dnsConfig: { nameservers: ["1.2.3.4"], searches: ["a.b"], options: [{ name: "ndots", value: "2" }, { name: "rotate" }] } }, { servers: ["1.2.3.4"], searches: ["a.b"], options: ["ndots:2", "rotate"] }],
  ["dnsConfig options override by name", { containers: [], dnsConfig: { options: [{ name: "ndots", value: "1" }] } }, { servers: ["10.43.0.10"], searches: ["team.svc.cluster.local", "svc.cluster.local", "cluster.local", "example.internal"], options: ["ndots:1"] }],
];
for (const [name, spec, expected] of cases) test(`podDnsConfig: ${name}`, () => assert.deepEqual(podDnsConfig({ metadata: { namespace: "team" }, spec: spec! }, host), expected));
