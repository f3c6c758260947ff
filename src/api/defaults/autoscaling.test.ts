import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const cases: [kind: string, version: string, name: string, input: JsonObject, expected: JsonObject][] = [
  [
    "HorizontalPodAutoscaler", "v1", "minReplicas defaults to 1; no CPU target is invented",
    { spec: { maxReplicas: 5, scaleTargetRef: { kind: "Deployment", name: "d" } } },
    { spec: { maxReplicas: 5, scaleTargetRef: { kind: "Deployment", name: "d" }, minReplicas: 1 } },
  ],
  [
    "HorizontalPodAutoscaler", "v2", "no metrics means 80% CPU",
    { spec: { maxReplicas: 5 } },
    { spec: { maxReplicas: 5, minReplicas: 1, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }] } },
  ],
  [
    "HorizontalPodAutoscaler", "v2", "given metrics and minReplicas are kept; no behavior stays none",
    { spec: { minReplicas: 2, maxReplicas: 5, metrics: [{ type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } }] } },
    { spec: { minReplicas: 2, maxReplicas: 5, metrics: [{ type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } }] } },
  ],
  [
    "HorizontalPodAutoscaler", "v2", "a partial behavior is completed from upstream's rules",
    { spec: { maxReplicas: 5, metrics: [], behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } },
    {
      spec: {
        maxReplicas: 5,
        minReplicas: 1,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }] },
          scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
        },
      },
    },
  ],
  [
    "HorizontalPodAutoscaler", "v2", "given policies replace the default ones whole",
    { spec: { minReplicas: 1, maxReplicas: 5, metrics: [{ type: "Resource" }], behavior: { scaleUp: { policies: [{ type: "Pods", value: 1, periodSeconds: 60 }], selectPolicy: "Min" } } } },
    {
      spec: {
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [{ type: "Resource" }],
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Min", policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
          scaleDown: { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
        },
      },
    },
  ],
];

describe("autoscaling defaults", () => {
  for (const [kind, version, name, input, expected] of cases) {
    test(`${kind} ${version}: ${name}`, () => {
      const target = { group: "autoscaling", version, kind };
      const obj = structuredClone(input);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
