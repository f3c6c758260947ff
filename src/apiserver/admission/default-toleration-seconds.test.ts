import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Toleration } from "kubernetes-types/core/v1";
import { builtinResources, type ResourceInfo } from "../../api/registry.ts";
import type { AdmissionAttributes, Operation } from "./admission.ts";
import { defaultTolerationSecondsPlugin, withDefaultTolerations } from "./default-toleration-seconds.ts";

const notReady: Toleration = { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 };
const unreachable: Toleration = { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 };

describe("withDefaultTolerations", () => {
  const cases: Array<{ name: string; given: Toleration[]; expected: Toleration[] }> = [
    { name: "none: both added", given: [], expected: [notReady, unreachable] },
    {
      name: "unrelated toleration kept first",
      given: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }],
      expected: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }, notReady, unreachable],
    },
    {
      name: "own not-ready toleration with other seconds is kept, only unreachable added",
      given: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 5 }],
      expected: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 5 }, unreachable],
    },
    {
      name: "unreachable without effect tolerates every effect",
      given: [{ key: "node.kubernetes.io/unreachable", operator: "Exists" }],
      expected: [{ key: "node.kubernetes.io/unreachable", operator: "Exists" }, notReady],
    },
    { name: "tolerate everything: nothing added", given: [{ operator: "Exists" }], expected: [{ operator: "Exists" }] },
    { name: "empty key for NoExecute only: nothing added", given: [{ operator: "Exists", effect: "NoExecute" }], expected: [{ operator: "Exists", effect: "NoExecute" }] },
    {
      name: "a NoSchedule toleration of the same key does not count",
      given: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" }],
      expected: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" }, notReady, unreachable],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(withDefaultTolerations(c.given), c.expected));
  }
});

describe("the admission plugin", () => {
  const info = (plural: string, group = ""): ResourceInfo => {
    const found = builtinResources.find((r) => r.plural === plural && r.group === group);
    assert.ok(found, plural);
    return found;
  };
  const attributes = (operation: Operation, resource: ResourceInfo, spec: unknown, subresource = ""): AdmissionAttributes => ({
    operation,
    resource,
    subresource,
    namespace: "default",
    name: "p",
    object: { metadata: { name: "p" }, spec },
    user: { name: "admin", groups: [] },
    dryRun: false,
  });
  const cases: Array<{ name: string; a: AdmissionAttributes; tolerations: unknown }> = [
    { name: "pod create gets both", a: attributes("CREATE", info("pods"), { containers: [] }), tolerations: [notReady, unreachable] },
    { name: "pod update is left alone", a: attributes("UPDATE", info("pods"), { containers: [] }), tolerations: undefined },
    { name: "a binding is left alone", a: attributes("CREATE", info("pods"), { containers: [] }, "binding"), tolerations: undefined },
    { name: "other resources are left alone", a: attributes("CREATE", info("replicasets", "apps"), { replicas: 1 }), tolerations: undefined },
    { name: "malformed tolerations are left for validation", a: attributes("CREATE", info("pods"), { tolerations: "all" }), tolerations: "all" },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      await defaultTolerationSecondsPlugin().admit?.(c.a);
      assert.deepEqual((c.a.object?.spec as { tolerations?: unknown }).tolerations, c.tolerations);
    });
  }
});
