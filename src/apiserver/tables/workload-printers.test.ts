import { test } from "node:test";
import assert from "node:assert/strict";
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { PodTemplate, PodTemplateSpec, ReplicationController } from "kubernetes-types/core/v1";
import type { TableCell } from "./table.ts";
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  podTemplatePrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from "./workload-printers.ts";
import type { Printer } from "./printer.ts";
import { NOW, ago } from "./test-fixtures.ts";

const template: PodTemplateSpec = {
  metadata: { labels: { app: "web" } },
  spec: {
    nodeSelector: { "kubernetes.io/os": "linux", disk: "ssd" },
    containers: [
      { name: "nginx", image: "localhost:5000/nginx:1.25" },
      { name: "sidecar", image: "localhost:5000/busybox" },
    ],
  },
};

const metadata = { name: "web", creationTimestamp: ago(2 * 86400 + 3 * 3600) };

const cases: [name: string, printer: Printer, subject: object, cells: TableCell[]][] = [
  [
    "deployment rolling out",
    deploymentPrinter,
    {
      metadata,
      spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template },
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2 },
    } satisfies Deployment,
    ["web", "2/3", 1, 2, "2d3h", "nginx,sidecar", "localhost:5000/nginx:1.25,localhost:5000/busybox", "app=web"],
  ],
  [
    "deployment with expression selector and no status yet",
    deploymentPrinter,
    {
      metadata,
      spec: {
        selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "track", operator: "NotIn", values: ["canary"] }] },
        template,
      },
    } satisfies Deployment,
    [
      "web",
      "0/1",
      0,
      0,
      "2d3h",
      "nginx,sidecar",
      "localhost:5000/nginx:1.25,localhost:5000/busybox",
      "app=web,track notin (canary)",
    ],
  ],
  [
    "deployment with a broken selector",
    deploymentPrinter,
    {
      metadata,
      spec: { replicas: 0, selector: { matchExpressions: [{ key: "a", operator: "Bogus" }] }, template },
    } satisfies Deployment,
    ["web", "0/0", 0, 0, "2d3h", "nginx,sidecar", "localhost:5000/nginx:1.25,localhost:5000/busybox", "<invalid>"],
  ],
  [
    "replica set",
    replicaSetPrinter,
    {
      metadata,
      spec: { replicas: 2, selector: { matchLabels: { app: "web", "pod-template-hash": "7c5ddbdf54" } }, template },
      status: { replicas: 2, readyReplicas: 1 },
    } satisfies ReplicaSet,
    [
      "web",
      2,
      2,
      1,
      "2d3h",
      "nginx,sidecar",
      "localhost:5000/nginx:1.25,localhost:5000/busybox",
      "app=web,pod-template-hash=7c5ddbdf54",
    ],
  ],
  [
    "replica set with an empty selector",
    replicaSetPrinter,
    { metadata, spec: { replicas: 1, selector: {}, template }, status: { replicas: 0 } } satisfies ReplicaSet,
    ["web", 1, 0, 0, "2d3h", "nginx,sidecar", "localhost:5000/nginx:1.25,localhost:5000/busybox", "<none>"],
  ],
  [
    "replication controller",
    replicationControllerPrinter,
    {
      metadata,
      spec: { replicas: 4, selector: { app: "web", tier: "front" }, template },
      status: { replicas: 4, readyReplicas: 4 },
    } satisfies ReplicationController,
    ["web", 4, 4, 4, "2d3h", "nginx,sidecar", "localhost:5000/nginx:1.25,localhost:5000/busybox", "app=web,tier=front"],
  ],
  [
    "stateful set",
    statefulSetPrinter,
    {
      metadata,
      spec: { replicas: 3, serviceName: "web", selector: { matchLabels: { app: "web" } }, template },
      status: { replicas: 2, readyReplicas: 2 },
    } satisfies StatefulSet,
    ["web", "2/3", "2d3h", "nginx,sidecar", "localhost:5000/nginx:1.25,localhost:5000/busybox"],
  ],
  [
    "daemon set",
    daemonSetPrinter,
    {
      metadata,
      spec: { selector: { matchLabels: { app: "web" } }, template },
      status: {
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 2,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
        numberMisscheduled: 0,
      },
    } satisfies DaemonSet,
    [
      "web",
      3,
      3,
      2,
      3,
      2,
      "disk=ssd,kubernetes.io/os=linux",
      "2d3h",
      "nginx,sidecar",
      "localhost:5000/nginx:1.25,localhost:5000/busybox",
      "app=web",
    ],
  ],
  [
    "controller revision owned by a stateful set",
    controllerRevisionPrinter,
    {
      metadata: {
        ...metadata,
        name: "web-6b5d9c7f8",
        ownerReferences: [
          { apiVersion: "v1", kind: "Pod", name: "other", uid: "u0" },
          { apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "u1", controller: true },
        ],
      },
      revision: 2,
    } satisfies ControllerRevision,
    ["web-6b5d9c7f8", "statefulset.apps/web", 2, "2d3h"],
  ],
  [
    "controller revision without controller",
    controllerRevisionPrinter,
    { metadata, revision: 1 } satisfies ControllerRevision,
    ["web", "<none>", 1, "2d3h"],
  ],
  [
    "pod template",
    podTemplatePrinter,
    { metadata, template } satisfies PodTemplate,
    ["web", "nginx,sidecar", "localhost:5000/nginx:1.25,localhost:5000/busybox", "app=web"],
  ],
];

for (const [name, printer, subject, cells] of cases) {
  test(`workload: ${name}`, () => {
    assert.deepEqual(printer.cells(subject, NOW), cells);
  });
}
