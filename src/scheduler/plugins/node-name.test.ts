import { test } from "node:test";
import assert from "node:assert/strict";
import { CycleState } from "../framework/cycle-state.ts";
import { infoOf, makeNode, makePod, nodeInfoWith } from "../testing/objects.ts";
import { NODE_NAME_MISMATCH, NodeNamePlugin } from "./node-name.ts";

const cases: { name: string; podNodeName?: string; node: string; code: string }[] = [
  { name: "no node name fits anywhere", node: "a", code: "Success" },
  { name: "the named node fits", podNodeName: "a", node: "a", code: "Success" },
  { name: "another node does not", podNodeName: "a", node: "b", code: "UnschedulableAndUnresolvable" },
];

for (const entry of cases) {
  test(entry.name, () => {
    const pod = infoOf(makePod("p", { spec: { containers: [], nodeName: entry.podNodeName } }));
    const result = new NodeNamePlugin().filter(new CycleState(), pod, nodeInfoWith(makeNode(entry.node)));
    assert.equal(result.code, entry.code);
    if (entry.code !== "Success") assert.deepEqual(result.reasons, [NODE_NAME_MISMATCH]);
  });
}
