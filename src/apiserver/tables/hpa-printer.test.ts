import { test } from "node:test";
import assert from "node:assert/strict";
import type { HorizontalPodAutoscaler as V1HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v1";
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from "kubernetes-types/autoscaling/v2";
import { horizontalPodAutoscalerPrinter } from "./hpa-printer.ts";
import { NOW, ago } from "./test-fixtures.ts";

function hpa(metrics: MetricSpec[] | undefined, currentMetrics: MetricStatus[] = []): HorizontalPodAutoscaler {
  return {
    metadata: { name: "web", creationTimestamp: ago(600) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 2,
      maxReplicas: 10,
      ...(metrics && { metrics }),
    },
    status: { currentReplicas: 3, desiredReplicas: 3, currentMetrics },
  };
}

const cpu = (averageUtilization?: number): MetricSpec => ({
  type: "Resource",
  resource: { name: "cpu", target: { type: "Utilization", ...(averageUtilization !== undefined && { averageUtilization }) } },
});

const targetCases: [name: string, subject: HorizontalPodAutoscaler, targets: string][] = [
  ["no metrics", hpa(undefined), "<none>"],
  ["cpu utilization not yet measured", hpa([cpu(80)]), "cpu: <unknown>/80%"],
  [
    "cpu utilization measured",
    hpa([cpu(80)], [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 35 } } }]),
    "cpu: 35%/80%",
  ],
  ["utilization target left to the controller", hpa([cpu()]), "cpu: <unknown>/<auto>"],
  [
    "memory average value",
    hpa(
      [{ type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } }],
      [{ type: "Resource", resource: { name: "memory", current: { averageValue: "312Mi" } } }],
    ),
    "memory: 312Mi/500Mi",
  ],
  [
    "pods metric",
    hpa(
      [{ type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "100" } } }],
      [{ type: "Pods", pods: { metric: { name: "qps" }, current: { averageValue: "42" } } }],
    ),
    "42/100",
  ],
  [
    "object metric by value and external metric by average",
    hpa([
      {
        type: "Object",
        object: {
          describedObject: { kind: "Ingress", name: "web" },
          metric: { name: "rps" },
          target: { type: "Value", value: "2k" },
        },
      },
      { type: "External", external: { metric: { name: "queue" }, target: { type: "AverageValue", averageValue: "30" } } },
    ]),
    "<unknown>/2k, <unknown>/30 (avg)",
  ],
  [
    "more than two metrics are counted",
    hpa([
      cpu(80),
      cpu(70),
      { type: "ContainerResource", containerResource: { name: "cpu", container: "app", target: { type: "Utilization", averageUtilization: 60 } } },
      { type: "Bogus" },
    ]),
    "cpu: <unknown>/80%, cpu: <unknown>/70% + 2 more...",
  ],
];

for (const [name, subject, targets] of targetCases) {
  test(`hpa: ${name}`, () => {
    assert.equal(horizontalPodAutoscalerPrinter.cells(subject, NOW)[2], targets);
  });
}

test("hpa cells", () => {
  assert.deepEqual(horizontalPodAutoscalerPrinter.cells(hpa([cpu(80)]), NOW), [
    "web",
    "Deployment/web",
    "cpu: <unknown>/80%",
    "2",
    10,
    3,
    "10m",
  ]);
});

test("autoscaling/v1 objects read their CPU percentages as a Resource metric", () => {
  const v1: V1HorizontalPodAutoscaler = {
    metadata: { name: "web", creationTimestamp: ago(600) },
    spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
    status: { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 12 },
  };
  assert.deepEqual(horizontalPodAutoscalerPrinter.cells(v1, NOW), [
    "web",
    "Deployment/web",
    "cpu: 12%/50%",
    "<unset>",
    5,
    1,
    "10m",
  ]);
});
