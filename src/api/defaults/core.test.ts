import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const core = (kind: string) => ({ group: "", version: "v1", kind });

const TEMPLATE_SPEC_DEFAULTS = {
  dnsPolicy: "ClusterFirst",
  restartPolicy: "Always",
  schedulerName: "default-scheduler",
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};

const cases: [string, string, JsonObject, JsonObject][] = [
  [
    "Service",
    "a ClusterIP service",
    { spec: { selector: { app: "a" }, ports: [{ port: 80 }, { port: 53, protocol: "UDP", targetPort: "dns" }, { port: 8080, targetPort: 0 }] } },
    {
      spec: {
        selector: { app: "a" },
        ports: [
          { port: 80, protocol: "TCP", targetPort: 80 },
          { port: 53, protocol: "UDP", targetPort: "dns" },
          { port: 8080, targetPort: 8080, protocol: "TCP" },
        ],
        sessionAffinity: "None",
        type: "ClusterIP",
        internalTrafficPolicy: "Cluster",
      },
    },
  ],
  [
    "Service",
    "a NodePort service gets an external traffic policy",
    { spec: { type: "NodePort", ports: [{ port: 80, targetPort: "" }] } },
    { spec: { type: "NodePort", ports: [{ port: 80, targetPort: 80, protocol: "TCP" }], sessionAffinity: "None", externalTrafficPolicy: "Cluster", internalTrafficPolicy: "Cluster" } },
  ],
  [
    "Service",
    "a LoadBalancer service, with ingress addresses already in status",
    { spec: { type: "LoadBalancer", externalTrafficPolicy: "Local" }, status: { loadBalancer: { ingress: [{ ip: "192.0.2.1" }, { hostname: "lb.example" }, { ip: "192.0.2.2", ipMode: "Proxy" }] } } },
    {
      spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", sessionAffinity: "None", internalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: true },
      status: { loadBalancer: { ingress: [{ ip: "192.0.2.1", ipMode: "VIP" }, { hostname: "lb.example" }, { ip: "192.0.2.2", ipMode: "Proxy" }] } },
    },
  ],
  [
    "Service",
    "a ClusterIP service with external IPs is externally accessible",
    { spec: { externalIPs: ["192.0.2.9"] } },
    { spec: { externalIPs: ["192.0.2.9"], sessionAffinity: "None", type: "ClusterIP", externalTrafficPolicy: "Cluster", internalTrafficPolicy: "Cluster" } },
  ],
  [
    "Service",
    "an ExternalName service gets no traffic policies",
    { spec: { type: "ExternalName", externalName: "db.example" } },
    { spec: { type: "ExternalName", externalName: "db.example", sessionAffinity: "None" } },
  ],
  [
    "Service",
    "ClientIP affinity gets its timeout; None drops any config",
    { spec: { sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: {} } } },
    { spec: { sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, type: "ClusterIP", internalTrafficPolicy: "Cluster" } },
  ],
  [
    "Service",
    "an explicit ClientIP timeout is kept",
    { spec: { sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } } },
    { spec: { sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, type: "ClusterIP", internalTrafficPolicy: "Cluster" } },
  ],
  [
    "Service",
    "affinity None clears a stray config",
    { spec: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } } },
    { spec: { sessionAffinity: "None", type: "ClusterIP", internalTrafficPolicy: "Cluster" } },
  ],
  [
    "Service",
    "no spec at all still gets the spec's defaults",
    { metadata: { name: "s" } },
    { metadata: { name: "s" }, spec: { sessionAffinity: "None", type: "ClusterIP", internalTrafficPolicy: "Cluster" } },
  ],
  [
    "Endpoints",
    "ports get TCP",
    { subsets: [{ addresses: [{ ip: "10.42.0.5" }], ports: [{ port: 80 }, { port: 53, protocol: "UDP" }] }] },
    { subsets: [{ addresses: [{ ip: "10.42.0.5" }], ports: [{ port: 80, protocol: "TCP" }, { port: 53, protocol: "UDP" }] }] },
  ],
  ["Secret", "an untyped secret is Opaque", { data: { a: "Yg==" } }, { data: { a: "Yg==" }, type: "Opaque" }],
  ["Secret", "a typed secret keeps its type", { type: "kubernetes.io/tls" }, { type: "kubernetes.io/tls" }],
  ["Secret", "stringData is folded into data, winning over an equal key", { data: { a: "Yg==", b: "Yg==" }, stringData: { b: "héllo", c: "" } }, { data: { a: "Yg==", b: "aMOpbGxv", c: "" }, type: "Opaque" }],
  [
    "PersistentVolume",
    "a persistent volume",
    { spec: { capacity: { storage: "1Gi" }, hostPath: { path: "/data" }, iscsi: { targetPortal: "t", iqn: "q", lun: 1 } } },
    {
      spec: { capacity: { storage: "1Gi" }, hostPath: { path: "/data" }, iscsi: { targetPortal: "t", iqn: "q", lun: 1, iscsiInterface: "default" }, persistentVolumeReclaimPolicy: "Retain", volumeMode: "Filesystem" },
      status: { phase: "Pending" },
    },
  ],
  [
    "PersistentVolume",
    "a persistent volume keeps a chosen reclaim policy and mode",
    { spec: { persistentVolumeReclaimPolicy: "Delete", volumeMode: "Block", azureDisk: { diskName: "d", diskURI: "u" } }, status: { phase: "Bound" } },
    {
      spec: { persistentVolumeReclaimPolicy: "Delete", volumeMode: "Block", azureDisk: { diskName: "d", diskURI: "u", cachingMode: "ReadWrite", fsType: "ext4", readOnly: false, kind: "Shared" } },
      status: { phase: "Bound" },
    },
  ],
  [
    "PersistentVolumeClaim",
    "a claim",
    { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
    { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, volumeMode: "Filesystem" }, status: { phase: "Pending" } },
  ],
  [
    "Namespace",
    "a namespace is labelled with its name, overriding a wrong label",
    { metadata: { name: "team-a", labels: { "kubernetes.io/metadata.name": "other", x: "y" } } },
    { metadata: { name: "team-a", labels: { "kubernetes.io/metadata.name": "team-a", x: "y" } }, status: { phase: "Active" } },
  ],
  [
    "Namespace",
    "a namespace with only generateName gets no label",
    { metadata: { generateName: "tmp-" } },
    { metadata: { generateName: "tmp-" }, status: { phase: "Active" } },
  ],
  [
    "Node",
    "allocatable defaults to capacity",
    { status: { capacity: { cpu: "4", pods: "110" } } },
    { status: { capacity: { cpu: "4", pods: "110" }, allocatable: { cpu: "4", pods: "110" } } },
  ],
  ["Node", "a node without capacity is left alone", { spec: { podCIDR: "10.42.1.0/24" } }, { spec: { podCIDR: "10.42.1.0/24" } }],
  [
    "ReplicationController",
    "selector and labels come from the template",
    { spec: { template: { metadata: { labels: { app: "a" } }, spec: { containers: [] } } } },
    {
      metadata: { labels: { app: "a" } },
      spec: { selector: { app: "a" }, replicas: 1, template: { metadata: { labels: { app: "a" } }, spec: { containers: [], ...TEMPLATE_SPEC_DEFAULTS } } },
    },
  ],
  [
    "ReplicationController",
    "a given selector and labels are kept",
    { metadata: { labels: { mine: "yes" } }, spec: { replicas: 0, selector: { app: "a" }, template: { metadata: { labels: { app: "a", v: "2" } } } } },
    {
      metadata: { labels: { mine: "yes" } },
      spec: { replicas: 0, selector: { app: "a" }, template: { metadata: { labels: { app: "a", v: "2" } }, spec: TEMPLATE_SPEC_DEFAULTS } },
    },
  ],
  [
    "LimitRange",
    "container defaults come from max, requests from defaults or min",
    {
      spec: {
        limits: [
          { type: "Container", max: { cpu: "2", memory: "1Gi" }, min: { cpu: "100m", "ephemeral-storage": "1Gi" }, default: { memory: "512Mi" } },
          { type: "Pod", max: { cpu: "4" } },
          { type: "Container" },
        ],
      },
    },
    {
      spec: {
        limits: [
          {
            type: "Container",
            max: { cpu: "2", memory: "1Gi" },
            min: { cpu: "100m", "ephemeral-storage": "1Gi" },
            default: { memory: "512Mi", cpu: "2" },
            defaultRequest: { memory: "512Mi", cpu: "2", "ephemeral-storage": "1Gi" },
          },
          { type: "Pod", max: { cpu: "4" } },
          { type: "Container" },
        ],
      },
    },
  ],
  ["ConfigMap", "kinds without defaults are untouched", { data: { a: "b" } }, { data: { a: "b" } }],
];

describe("core/v1 defaults", () => {
  for (const [kind, name, input, expected] of cases) {
    test(`${kind}: ${name}`, () => {
      const obj = structuredClone(input);
      applyDefaults(core(kind), obj);
      assert.deepEqual(obj, expected);
      applyDefaults(core(kind), obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }

  test("copied maps are not shared with their source", () => {
    const rc: JsonObject = { spec: { template: { metadata: { labels: { app: "a" } } } } };
    applyDefaults(core("ReplicationController"), rc);
    const spec = rc.spec as { selector: Record<string, string> };
    spec.selector.extra = "x";
    assert.deepEqual((rc.metadata as { labels: object }).labels, { app: "a" });
  });
});
