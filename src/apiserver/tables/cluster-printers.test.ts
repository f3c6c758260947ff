import { test } from "node:test";
import assert from "node:assert/strict";
import type { MutatingWebhookConfiguration } from "kubernetes-types/admissionregistration/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import {
  leasePrinter,
  mutatingWebhookPrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
} from "./cluster-printers.ts";
import type { Printer } from "./printer.ts";
import type { TableCell } from "./table.ts";
import { NOW, ago } from "./test-fixtures.ts";

const metadata = { name: "x", creationTimestamp: ago(150) };

const cases: [name: string, printer: Printer, subject: object, cells: TableCell[]][] = [
  [
    "held lease",
    leasePrinter,
    { metadata, spec: { holderIdentity: "node-1", leaseDurationSeconds: 40 } } satisfies Lease,
    ["x", "node-1", "2m30s"],
  ],
  ["free lease", leasePrinter, { metadata, spec: {} } satisfies Lease, ["x", "", "2m30s"]],
  [
    "global default priority class",
    priorityClassPrinter,
    { metadata, value: 1000, globalDefault: true, preemptionPolicy: "Never" } satisfies PriorityClass,
    ["x", 1000, true, "2m30s", "Never"],
  ],
  [
    "priority class with defaults",
    priorityClassPrinter,
    { metadata, value: 2000001000 } satisfies PriorityClass,
    ["x", 2000001000, false, "2m30s", "PreemptLowerPriority"],
  ],
  [
    "budget with a minimum count",
    podDisruptionBudgetPrinter,
    { metadata, spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 } } satisfies PodDisruptionBudget,
    ["x", "2", "N/A", 1, "2m30s"],
  ],
  [
    "budget with a maximum percentage",
    podDisruptionBudgetPrinter,
    { metadata, spec: { maxUnavailable: "25%" } } satisfies PodDisruptionBudget,
    ["x", "N/A", "25%", 0, "2m30s"],
  ],
  [
    "webhook configuration",
    mutatingWebhookPrinter,
    {
      metadata,
      webhooks: [
        { name: "a.example.com", admissionReviewVersions: ["v1"], clientConfig: {}, sideEffects: "None" },
        { name: "b.example.com", admissionReviewVersions: ["v1"], clientConfig: {}, sideEffects: "None" },
      ],
    } satisfies MutatingWebhookConfiguration,
    ["x", 2, "2m30s"],
  ],
];

for (const [name, printer, subject, cells] of cases) {
  test(`cluster object: ${name}`, () => {
    assert.deepEqual(printer.cells(subject, NOW), cells);
  });
}
