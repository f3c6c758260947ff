import { test } from "node:test";
import assert from "node:assert/strict";
import type { Toleration } from "kubernetes-types/core/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { infoOf, makeNode, makePod, nodeInfoWith } from "../testing/objects.ts";
import { NodeUnschedulablePlugin } from "./node-unschedulable.ts";

const cases: { name: string; unschedulable: boolean; tolerations?: Toleration[]; code: string }[] = [
  { name: "schedulable node", unschedulable: false, code: "Success" },
  { name: "cordoned node", unschedulable: true, code: "UnschedulableAndUnresolvable" },
  {
    name: "cordoned node, pod tolerates the unschedulable taint",
    unschedulable: true,
    tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
    code: "Success",
  },
  {
    name: "cordoned node, toleration for another effect",
    unschedulable: true,
    tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoExecute" }],
    code: "UnschedulableAndUnresolvable",
  },
  { name: "cordoned node, pod tolerates everything", unschedulable: true, tolerations: [{ operator: "Exists" }], code: "Success" },
];

for (const entry of cases) {
  test(entry.name, () => {
    const pod = infoOf(makePod("p", { spec: { containers: [], tolerations: entry.tolerations } }));
    const result = new NodeUnschedulablePlugin().filter(new CycleState(), pod, nodeInfoWith(makeNode("n", { unschedulable: entry.unschedulable })));
    assert.equal(result.code, entry.code);
    if (entry.code !== "Success") assert.deepEqual(result.reasons, ["node(s) were unschedulable"]);
  });
}
