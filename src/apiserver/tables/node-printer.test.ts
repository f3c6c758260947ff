import { test } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "kubernetes-types/core/v1";
import { nodePrinter } from "./node-printer.ts";
import { NOW, ago } from "./test-fixtures.ts";

function node(fields: { ready?: string; unschedulable?: boolean; labels?: Record<string, string> }): Node {
  return {
    metadata: { name: "n1", creationTimestamp: ago(3 * 86400), labels: fields.labels ?? {} },
    spec: { unschedulable: fields.unschedulable ?? false },
    status: {
      conditions: fields.ready === undefined ? [] : [{ type: "Ready", status: fields.ready }],
      nodeInfo: {
        kubeletVersion: "v1.32.0",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        kernelVersion: "6.1.0-18-amd64",
        containerRuntimeVersion: "containerd://1.6.20",
        architecture: "amd64",
        bootID: "",
        kubeProxyVersion: "",
        machineID: "",
        operatingSystem: "linux",
        systemUUID: "",
      },
      addresses: [
        { type: "Hostname", address: "n1" },
        { type: "InternalIP", address: "192.168.1.10" },
        { type: "InternalIP", address: "192.168.1.11" },
      ],
    },
  };
}

const statusCases: [name: string, subject: Node, status: string, roles: string][] = [
  ["ready worker", node({ ready: "True" }), "Ready", "<none>"],
  ["not ready", node({ ready: "False" }), "NotReady", "<none>"],
  ["unknown readiness", node({ ready: "Unknown" }), "NotReady", "<none>"],
  ["no Ready condition, cordoned", node({ unschedulable: true }), "Unknown,SchedulingDisabled", "<none>"],
  ["ready and cordoned", node({ ready: "True", unschedulable: true }), "Ready,SchedulingDisabled", "<none>"],
  [
    "roles from role labels, sorted and distinct",
    node({
      ready: "True",
      labels: {
        "node-role.kubernetes.io/worker": "",
        "node-role.kubernetes.io/control-plane": "true",
        "node-role.kubernetes.io/": "",
        "kubernetes.io/role": "worker",
      },
    }),
    "Ready",
    "control-plane,worker",
  ],
  ["legacy role label", node({ ready: "True", labels: { "kubernetes.io/role": "master" } }), "Ready", "master"],
];

for (const [name, subject, status, roles] of statusCases) {
  test(`node: ${name}`, () => {
    const cells = nodePrinter.cells(subject, NOW);
    assert.equal(cells[1], status);
    assert.equal(cells[2], roles);
  });
}

test("node cells with wide columns", () => {
  assert.deepEqual(nodePrinter.cells(node({ ready: "True" }), NOW), [
    "n1",
    "Ready",
    "<none>",
    "3d",
    "v1.32.0",
    "192.168.1.10",
    "<none>",
    "Debian GNU/Linux 12 (bookworm)",
    "6.1.0-18-amd64",
    "containerd://1.6.20",
  ]);
});

test("node without reported info shows <unknown> for the system columns", () => {
  const bare: Node = { metadata: { name: "n2" } };
  assert.deepEqual(nodePrinter.cells(bare, NOW), [
    "n2",
    "Unknown",
    "<none>",
    "<unknown>",
    "",
    "<none>",
    "<none>",
    "<unknown>",
    "<unknown>",
    "<unknown>",
  ]);
});
