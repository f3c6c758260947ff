import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError } from "../../api/validation/field-error.ts";
import { ipv4Range } from "./ipv4-range.ts";
import { portRange } from "./port-range.ts";
import { allocateForService, type ServiceSpecShape } from "./service-allocation.ts";

// A /28: 14 hosts, no static band (smaller than 16), so random 0 picks the first free one.
const ipRange = ipv4Range("10.0.0.0/28");
const ports = portRange(30000, 30009);

interface Case {
  name: string;
  spec: ServiceSpecShape;
  old?: ServiceSpecShape;
  takenIps?: string[];
  takenPorts?: number[];
  want?: ServiceSpecShape;
  ips?: string[];
  ports?: number[];
  errors?: string[];
}

const cases: Case[] = [
  {
    name: "ClusterIP gets the first free address and single-stack IPv4",
    spec: { ports: [{ port: 80 }] },
    takenIps: ["10.0.0.1"],
    want: { ports: [{ port: 80 }], clusterIP: "10.0.0.2", clusterIPs: ["10.0.0.2"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" },
    ips: ["10.0.0.2"],
  },
  {
    name: "requested address honoured",
    spec: { clusterIP: "10.0.0.9", clusterIPs: ["10.0.0.9"] },
    want: { clusterIP: "10.0.0.9", clusterIPs: ["10.0.0.9"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" },
    ips: ["10.0.0.9"],
  },
  {
    name: "requested address held by another Service",
    spec: { clusterIP: "10.0.0.9" },
    takenIps: ["10.0.0.9"],
    errors: ['spec.clusterIPs: Invalid value: ["10.0.0.9"]: failed to allocate IP 10.0.0.9: provided IP is already allocated'],
  },
  {
    name: "requested address outside the range",
    spec: { clusterIP: "10.0.0.15" },
    errors: ['spec.clusterIPs: Invalid value: ["10.0.0.15"]: failed to allocate IP 10.0.0.15: provided IP 10.0.0.15 is not in the valid range'],
  },
  {
    name: "full range",
    spec: {},
    takenIps: Array.from({ length: 14 }, (_, i) => `10.0.0.${i + 1}`),
    errors: ["spec.clusterIPs: Invalid value: []: failed to allocate a serviceIP: range is full"],
  },
  {
    name: "headless with selector: no address, SingleStack",
    spec: { clusterIP: "None", selector: { app: "a" } },
    want: { clusterIP: "None", clusterIPs: ["None"], selector: { app: "a" }, ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" },
  },
  {
    name: "headless without selector: RequireDualStack",
    spec: { clusterIP: "None" },
    want: { clusterIP: "None", clusterIPs: ["None"], ipFamilies: ["IPv4"], ipFamilyPolicy: "RequireDualStack" },
  },
  {
    name: "ExternalName gets nothing",
    spec: { type: "ExternalName", externalName: "example.com", ports: [{ port: 80 }] },
    want: { type: "ExternalName", externalName: "example.com", ports: [{ port: 80 }] },
  },
  {
    name: "NodePort: one port per service port, requested kept, others picked around taken ones",
    spec: { type: "NodePort", ports: [{ port: 80 }, { port: 443, nodePort: 30005 }, { port: 8080 }] },
    takenIps: [],
    takenPorts: [30000],
    want: {
      type: "NodePort",
      ports: [{ port: 80, nodePort: 30001 }, { port: 443, nodePort: 30005 }, { port: 8080, nodePort: 30002 }],
      clusterIP: "10.0.0.1",
      clusterIPs: ["10.0.0.1"],
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
    },
    ips: ["10.0.0.1"],
    ports: [30001, 30005, 30002],
  },
  {
    name: "requested node port held by another Service",
    spec: { type: "NodePort", clusterIP: "10.0.0.3", ports: [{ port: 80, nodePort: 30004 }] },
    takenPorts: [30004],
    ips: ["10.0.0.3"],
    errors: ["spec.ports[0].nodePort: Invalid value: 30004: provided port is already allocated"],
  },
  {
    name: "requested node port outside the range",
    spec: { type: "NodePort", clusterIP: "10.0.0.3", ports: [{ port: 80, nodePort: 8080 }] },
    ips: ["10.0.0.3"],
    errors: ["spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-30009"],
  },
  {
    name: "one node port for TCP and UDP of the same Service",
    spec: { type: "NodePort", clusterIP: "10.0.0.3", ports: [{ port: 53, protocol: "TCP", nodePort: 30003 }, { port: 53, protocol: "UDP", nodePort: 30003 }] },
    want: {
      type: "NodePort",
      clusterIP: "10.0.0.3",
      clusterIPs: ["10.0.0.3"],
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [{ port: 53, protocol: "TCP", nodePort: 30003 }, { port: 53, protocol: "UDP", nodePort: 30003 }],
    },
    ips: ["10.0.0.3"],
    ports: [30003],
  },
  {
    name: "LoadBalancer without node ports",
    spec: { type: "LoadBalancer", allocateLoadBalancerNodePorts: false, clusterIP: "10.0.0.3", ports: [{ port: 80 }] },
    want: { type: "LoadBalancer", allocateLoadBalancerNodePorts: false, clusterIP: "10.0.0.3", clusterIPs: ["10.0.0.3"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ port: 80 }] },
    ips: ["10.0.0.3"],
  },
  {
    name: "update without allocated fields keeps the stored ones",
    old: { type: "NodePort", clusterIP: "10.0.0.4", clusterIPs: ["10.0.0.4"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ port: 80, protocol: "TCP", nodePort: 30007 }] },
    spec: { type: "NodePort", ports: [{ port: 80, protocol: "TCP" }] },
    want: { type: "NodePort", clusterIP: "10.0.0.4", clusterIPs: ["10.0.0.4"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ port: 80, protocol: "TCP", nodePort: 30007 }] },
  },
  {
    name: "ClusterIP to NodePort allocates node ports only",
    old: { type: "ClusterIP", clusterIP: "10.0.0.4", clusterIPs: ["10.0.0.4"], ports: [{ port: 80 }] },
    spec: { type: "NodePort", clusterIP: "10.0.0.4", clusterIPs: ["10.0.0.4"], ports: [{ port: 80 }] },
    want: { type: "NodePort", clusterIP: "10.0.0.4", clusterIPs: ["10.0.0.4"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ port: 80, nodePort: 30000 }] },
    ports: [30000],
  },
  {
    name: "NodePort to ClusterIP drops unchanged node ports",
    old: { type: "NodePort", clusterIP: "10.0.0.4", clusterIPs: ["10.0.0.4"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ port: 80, nodePort: 30007 }] },
    spec: { type: "ClusterIP", clusterIP: "10.0.0.4", clusterIPs: ["10.0.0.4"], ports: [{ port: 80, nodePort: 30007 }] },
    want: { type: "ClusterIP", clusterIP: "10.0.0.4", clusterIPs: ["10.0.0.4"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ port: 80 }] },
  },
  {
    name: "ClusterIP to ExternalName drops the unchanged address",
    old: { type: "ClusterIP", clusterIP: "10.0.0.4", clusterIPs: ["10.0.0.4"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" },
    spec: { type: "ExternalName", externalName: "example.com", clusterIP: "10.0.0.4", clusterIPs: ["10.0.0.4"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" },
    want: { type: "ExternalName", externalName: "example.com" },
  },
  {
    name: "ExternalName to ClusterIP allocates an address",
    old: { type: "ExternalName", externalName: "example.com" },
    spec: { type: "ClusterIP", ports: [{ port: 80 }] },
    takenIps: ["10.0.0.1", "10.0.0.2"],
    want: { type: "ClusterIP", ports: [{ port: 80 }], clusterIP: "10.0.0.3", clusterIPs: ["10.0.0.3"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" },
    ips: ["10.0.0.3"],
  },
  {
    name: "LoadBalancer with externalTrafficPolicy Local gets a health check node port too",
    spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", clusterIP: "10.0.0.3", ports: [{ port: 80 }] },
    takenPorts: [30000],
    want: {
      type: "LoadBalancer",
      externalTrafficPolicy: "Local",
      clusterIP: "10.0.0.3",
      clusterIPs: ["10.0.0.3"],
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [{ port: 80, nodePort: 30001 }],
      healthCheckNodePort: 30002,
    },
    ips: ["10.0.0.3"],
    ports: [30001, 30002],
  },
  {
    name: "requested health check port held by another Service",
    spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", allocateLoadBalancerNodePorts: false, clusterIP: "10.0.0.3", healthCheckNodePort: 30004 },
    takenPorts: [30004],
    ips: ["10.0.0.3"],
    errors: ["spec.healthCheckNodePort: Invalid value: 30004: failed to allocate requested HealthCheck NodePort 30004: provided port is already allocated"],
  },
  {
    name: "switching to externalTrafficPolicy Cluster drops the unchanged health check port",
    old: { type: "LoadBalancer", externalTrafficPolicy: "Local", allocateLoadBalancerNodePorts: false, clusterIP: "10.0.0.3", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", healthCheckNodePort: 30004 },
    spec: { type: "LoadBalancer", externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: false, clusterIP: "10.0.0.3", healthCheckNodePort: 30004 },
    want: { type: "LoadBalancer", externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: false, clusterIP: "10.0.0.3", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", clusterIPs: ["10.0.0.3"] },
  },
  {
    name: "an update keeps the health check port",
    old: { type: "LoadBalancer", externalTrafficPolicy: "Local", allocateLoadBalancerNodePorts: false, clusterIP: "10.0.0.3", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", healthCheckNodePort: 30004 },
    spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", allocateLoadBalancerNodePorts: false },
    want: { type: "LoadBalancer", externalTrafficPolicy: "Local", allocateLoadBalancerNodePorts: false, clusterIP: "10.0.0.3", clusterIPs: ["10.0.0.3"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", healthCheckNodePort: 30004 },
  },
];

describe("allocateForService", () => {
  for (const c of cases) {
    test(c.name, () => {
      const spec = structuredClone(c.spec);
      const result = allocateForService(spec, c.old, { ipRange, portRange: ports, takenIps: new Set(c.takenIps), takenPorts: new Set(c.takenPorts), random: () => 0 });
      assert.deepEqual(result.errors.map(formatFieldError), c.errors ?? []);
      if (c.want !== undefined) assert.deepEqual(spec, c.want);
      assert.deepEqual(result.ips, c.ips ?? []);
      assert.deepEqual(result.ports, c.ports ?? []);
    });
  }
});
