import { test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap, Namespace, ResourceQuota, Secret, ServiceAccount } from "kubernetes-types/core/v1";
import {
  configMapPrinter,
  namespacePrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from "./core-object-printers.ts";
import type { Printer } from "./printer.ts";
import type { TableCell } from "./table.ts";
import { NOW, ago } from "./test-fixtures.ts";

const metadata = { name: "x", creationTimestamp: ago(20) };

const cases: [name: string, printer: Printer, subject: object, cells: TableCell[]][] = [
  ["active namespace", namespacePrinter, { metadata, status: { phase: "Active" } } satisfies Namespace, ["x", "Active", "20s"]],
  [
    "terminating namespace",
    namespacePrinter,
    { metadata, status: { phase: "Terminating" } } satisfies Namespace,
    ["x", "Terminating", "20s"],
  ],
  ["namespace without status", namespacePrinter, { metadata } satisfies Namespace, ["x", "Active", "20s"]],
  [
    "config map counts data and binary data",
    configMapPrinter,
    { metadata, data: { a: "1", b: "2" }, binaryData: { c: "AA==" } } satisfies ConfigMap,
    ["x", 3, "20s"],
  ],
  ["empty config map", configMapPrinter, { metadata } satisfies ConfigMap, ["x", 0, "20s"]],
  [
    "tls secret",
    secretPrinter,
    { metadata, type: "kubernetes.io/tls", data: { "tls.crt": "", "tls.key": "" } } satisfies Secret,
    ["x", "kubernetes.io/tls", 2, "20s"],
  ],
  ["secret with defaulted type", secretPrinter, { metadata, data: { k: "dg==" } } satisfies Secret, ["x", "Opaque", 1, "20s"]],
  [
    "service account",
    serviceAccountPrinter,
    { metadata, secrets: [{ name: "x-token" }] } satisfies ServiceAccount,
    ["x", 1, "20s"],
  ],
  [
    "resource quota splits requests from limits, sorted",
    resourceQuotaPrinter,
    {
      metadata,
      status: {
        hard: { "requests.cpu": "2", pods: "10", "limits.memory": "2Gi", "limits.cpu": "4", "count/deployments.apps": "5" },
        used: { "requests.cpu": "500m", pods: "3", "limits.cpu": "1" },
      },
    } satisfies ResourceQuota,
    [
      "x",
      "20s",
      "count/deployments.apps: 0/5, pods: 3/10, requests.cpu: 500m/2",
      "limits.cpu: 1/4, limits.memory: 0/2Gi",
    ],
  ],
  ["resource quota not yet counted", resourceQuotaPrinter, { metadata } satisfies ResourceQuota, ["x", "20s", "", ""]],
];

for (const [name, printer, subject, cells] of cases) {
  test(`core object: ${name}`, () => {
    assert.deepEqual(printer.cells(subject, NOW), cells);
  });
}
