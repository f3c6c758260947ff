import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const POD = { group: "", version: "v1", kind: "Pod" };
const POD_TEMPLATE = { group: "", version: "v1", kind: "PodTemplate" };

/** What every container gets when it names nothing but its image. */
function defaultedContainer(name: string, image: string, pullPolicy: string): JsonObject {
  return {
    name,
    image,
    imagePullPolicy: pullPolicy,
    resources: {},
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
  };
}

const SPEC_DEFAULTS = {
  dnsPolicy: "ClusterFirst",
  restartPolicy: "Always",
  schedulerName: "default-scheduler",
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};

interface Case {
  name: string;
  target: { group: string; version: string; kind: string };
  input: JsonObject;
  expected: JsonObject;
}

const cases: Case[] = [
  {
    name: "a minimal pod",
    target: POD,
    input: { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "nginx" }] } },
    expected: {
      metadata: { name: "p" },
      spec: { containers: [defaultedContainer("c", "nginx", "Always")], enableServiceLinks: true, ...SPEC_DEFAULTS },
    },
  },
  {
    name: "values the client gave are kept, including a zero grace period",
    target: POD,
    input: {
      spec: {
        containers: [{ name: "c", image: "nginx", imagePullPolicy: "Never", terminationMessagePolicy: "FallbackToLogsOnError" }],
        dnsPolicy: "Default",
        restartPolicy: "Never",
        schedulerName: "mine",
        securityContext: { runAsUser: 1000 },
        terminationGracePeriodSeconds: 0,
        enableServiceLinks: false,
      },
    },
    expected: {
      spec: {
        containers: [{ ...defaultedContainer("c", "nginx", "Never"), terminationMessagePolicy: "FallbackToLogsOnError" }],
        dnsPolicy: "Default",
        restartPolicy: "Never",
        schedulerName: "mine",
        securityContext: { runAsUser: 1000 },
        terminationGracePeriodSeconds: 0,
        enableServiceLinks: false,
      },
    },
  },
  {
    name: "pull policy follows the image tag in every container list",
    target: POD,
    input: {
      spec: {
        initContainers: [{ name: "i", image: "localhost:5000/busybox:1.36" }],
        containers: [{ name: "c", image: "localhost:5000/busybox" }],
        ephemeralContainers: [{ name: "e", image: `busybox@sha256:${"0".repeat(64)}` }],
      },
    },
    expected: {
      spec: {
        initContainers: [defaultedContainer("i", "localhost:5000/busybox:1.36", "IfNotPresent")],
        containers: [defaultedContainer("c", "localhost:5000/busybox", "Always")],
        ephemeralContainers: [defaultedContainer("e", `busybox@sha256:${"0".repeat(64)}`, "IfNotPresent")],
        enableServiceLinks: true,
        ...SPEC_DEFAULTS,
      },
    },
  },
  {
    name: "missing requests come from limits in containers and init containers",
    target: POD,
    input: {
      spec: {
        initContainers: [{ name: "i", image: "x:1", resources: { limits: { cpu: "1" } } }],
        containers: [
          { name: "c", image: "x:1", resources: { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "500m" } } },
          { name: "d", image: "x:1", resources: { limits: {} } },
        ],
      },
    },
    expected: {
      spec: {
        initContainers: [{ ...defaultedContainer("i", "x:1", "IfNotPresent"), resources: { limits: { cpu: "1" }, requests: { cpu: "1" } } }],
        containers: [
          { ...defaultedContainer("c", "x:1", "IfNotPresent"), resources: { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "500m", memory: "1Gi" } } },
          { ...defaultedContainer("d", "x:1", "IfNotPresent"), resources: { limits: {} } },
        ],
        enableServiceLinks: true,
        ...SPEC_DEFAULTS,
      },
    },
  },
  {
    name: "ports get TCP, and host ports under host networking",
    target: POD,
    input: {
      spec: {
        hostNetwork: true,
        containers: [{ name: "c", image: "x:1", ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: "UDP", hostPort: 5353 }] }],
      },
    },
    expected: {
      spec: {
        hostNetwork: true,
        containers: [
          {
            ...defaultedContainer("c", "x:1", "IfNotPresent"),
            ports: [
              { containerPort: 8080, hostPort: 8080, protocol: "TCP" },
              { containerPort: 53, protocol: "UDP", hostPort: 5353 },
            ],
          },
        ],
        enableServiceLinks: true,
        ...SPEC_DEFAULTS,
      },
    },
  },
  {
    name: "probes, lifecycle hooks and field references",
    target: POD,
    input: {
      spec: {
        containers: [
          {
            name: "c",
            image: "x:1",
            livenessProbe: { httpGet: { port: 80 } },
            readinessProbe: { grpc: { port: 9000 }, periodSeconds: 5 },
            startupProbe: { exec: { command: ["true"] }, timeoutSeconds: 0, failureThreshold: 30 },
            lifecycle: { preStop: { httpGet: { port: "http", path: "/quit" } }, postStart: { exec: { command: ["a"] } } },
            env: [
              { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
              { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
              { name: "PLAIN", value: "1" },
            ],
          },
        ],
      },
    },
    expected: {
      spec: {
        containers: [
          {
            ...defaultedContainer("c", "x:1", "IfNotPresent"),
            livenessProbe: { httpGet: { port: 80, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
            readinessProbe: { grpc: { port: 9000, service: "" }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
            startupProbe: { exec: { command: ["true"] }, timeoutSeconds: 1, failureThreshold: 30, periodSeconds: 10, successThreshold: 1 },
            lifecycle: { preStop: { httpGet: { port: "http", path: "/quit", scheme: "HTTP" } }, postStart: { exec: { command: ["a"] } } },
            env: [
              { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName", apiVersion: "v1" } } },
              { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
              { name: "PLAIN", value: "1" },
            ],
          },
        ],
        enableServiceLinks: true,
        ...SPEC_DEFAULTS,
      },
    },
  },
  {
    name: "volumes",
    target: POD,
    input: {
      spec: {
        containers: [],
        volumes: [
          { name: "scratch" },
          { name: "cm", configMap: { name: "c" } },
          { name: "secret", secret: { secretName: "s", defaultMode: 256 } },
          { name: "host", hostPath: { path: "/var/log" } },
          { name: "info", downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } },
          {
            name: "token",
            projected: {
              sources: [
                { serviceAccountToken: { path: "token" } },
                { downwardAPI: { items: [{ path: "ns", fieldRef: { fieldPath: "metadata.namespace" } }] } },
                { configMap: { name: "kube-root-ca.crt" } },
              ],
            },
          },
          { name: "eph", ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"] } } } },
          { name: "claim", persistentVolumeClaim: { claimName: "data" } },
          { name: "ceph", rbd: { monitors: ["m"], image: "i" } },
          { name: "iscsi", iscsi: { targetPortal: "t", iqn: "q", lun: 0 } },
        ],
      },
    },
    expected: {
      spec: {
        containers: [],
        volumes: [
          { name: "scratch", emptyDir: {} },
          { name: "cm", configMap: { name: "c", defaultMode: 420 } },
          { name: "secret", secret: { secretName: "s", defaultMode: 256 } },
          { name: "host", hostPath: { path: "/var/log", type: "" } },
          { name: "info", downwardAPI: { defaultMode: 420, items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels", apiVersion: "v1" } }] } },
          {
            name: "token",
            projected: {
              defaultMode: 420,
              sources: [
                { serviceAccountToken: { path: "token", expirationSeconds: 3600 } },
                { downwardAPI: { items: [{ path: "ns", fieldRef: { fieldPath: "metadata.namespace", apiVersion: "v1" } }] } },
                { configMap: { name: "kube-root-ca.crt" } },
              ],
            },
          },
          { name: "eph", ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], volumeMode: "Filesystem" } } } },
          { name: "claim", persistentVolumeClaim: { claimName: "data" } },
          { name: "ceph", rbd: { monitors: ["m"], image: "i", pool: "rbd", user: "admin", keyring: "/etc/ceph/keyring" } },
          { name: "iscsi", iscsi: { targetPortal: "t", iqn: "q", lun: 0, iscsiInterface: "default" } },
        ],
        enableServiceLinks: true,
        ...SPEC_DEFAULTS,
      },
    },
  },
  {
    name: "fields of the wrong type are left for validation",
    target: POD,
    input: { spec: { containers: "oops", volumes: [null, 3, { name: "v", configMap: "x" }], dnsPolicy: 7 } },
    expected: {
      spec: {
        containers: "oops",
        volumes: [null, 3, { name: "v", configMap: "x" }],
        dnsPolicy: 7,
        restartPolicy: "Always",
        schedulerName: "default-scheduler",
        securityContext: {},
        terminationGracePeriodSeconds: 30,
        enableServiceLinks: true,
      },
    },
  },
  {
    name: "a pod whose spec is not an object is left alone",
    target: POD,
    input: { spec: "nope" },
    expected: { spec: "nope" },
  },
  {
    name: "a pod template gets spec defaults but not the pod-only ones",
    target: POD_TEMPLATE,
    input: {
      template: {
        metadata: { labels: { app: "a" } },
        spec: { hostNetwork: true, containers: [{ name: "c", image: "x:1", resources: { limits: { cpu: "1" } }, ports: [{ containerPort: 80 }] }] },
      },
    },
    expected: {
      template: {
        metadata: { labels: { app: "a" } },
        spec: {
          hostNetwork: true,
          containers: [{ ...defaultedContainer("c", "x:1", "IfNotPresent"), resources: { limits: { cpu: "1" } }, ports: [{ containerPort: 80, protocol: "TCP" }] }],
          ...SPEC_DEFAULTS,
        },
      },
    },
  },
];

describe("pod and pod template defaults", () => {
  for (const c of cases) {
    test(c.name, () => {
      const obj = structuredClone(c.input);
      applyDefaults(c.target, obj);
      assert.deepEqual(obj, c.expected);
      applyDefaults(c.target, obj);
      assert.deepEqual(obj, c.expected, "a second pass changes nothing");
    });
  }

  test("defaults never share one object between two fields", () => {
    const pod: JsonObject = { spec: { containers: [{ name: "a", image: "x:1" }, { name: "b", image: "x:1" }] } };
    applyDefaults(POD, pod);
    const [a, b] = (pod.spec as { containers: { resources: JsonObject }[] }).containers;
    assert.ok(a && b);
    a.resources.limits = { cpu: "1" };
    assert.deepEqual(b.resources, {});
  });
});
