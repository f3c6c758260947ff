import { test } from "node:test";
import assert from "node:assert/strict";
import type { ContainerPort, Pod } from "kubernetes-types/core/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { infoOf, makeNode, makePod, nodeInfoWith } from "../testing/objects.ts";
import { NODE_PORTS_CONFLICT, NodePortsPlugin } from "./node-ports.ts";

function withPorts(name: string, ports: string[]): Pod {
  const parsed: ContainerPort[] = ports.map((text) => {
    const [protocol, ip, port] = text.split("/") as [string, string, string];
    return { containerPort: Number(port), hostPort: Number(port), protocol, hostIP: ip };
  });
  return makePod(name, { spec: { containers: [{ name: "c", ports: parsed }] } });
}

// protocol/hostIP/port
const cases: { name: string; wanted: string[]; used: string[]; fits: boolean }[] = [
  { name: "nothing requested", wanted: [], used: ["TCP/0.0.0.0/80"], fits: true },
  { name: "other port", wanted: ["TCP/127.0.0.1/8080"], used: ["TCP/127.0.0.1/9090"], fits: true },
  { name: "same port and address", wanted: ["TCP/127.0.0.1/8080"], used: ["TCP/127.0.0.1/8080"], fits: false },
  { name: "same port, other address", wanted: ["TCP/127.0.0.2/8080"], used: ["TCP/127.0.0.1/8080"], fits: true },
  { name: "same port, other protocol", wanted: ["UDP/127.0.0.1/8080"], used: ["TCP/127.0.0.1/8080"], fits: true },
  { name: "wanted on every address clashes with one address", wanted: ["TCP/0.0.0.0/8001"], used: ["TCP/127.0.0.1/8001"], fits: false },
  { name: "one address clashes with a port bound on every address", wanted: ["TCP/127.0.0.1/8001"], used: ["TCP/0.0.0.0/8001"], fits: false },
  { name: "every address, other protocol", wanted: ["UDP/0.0.0.0/8001"], used: ["TCP/0.0.0.0/8001"], fits: true },
];

for (const entry of cases) {
  test(entry.name, () => {
    const nodeInfo = nodeInfoWith(makeNode("n"), [withPorts("existing", entry.used)]);
    const result = new NodePortsPlugin().filter(new CycleState(), infoOf(withPorts("p", entry.wanted)), nodeInfo);
    assert.equal(result.code, entry.fits ? "Success" : "Unschedulable");
    if (!entry.fits) assert.deepEqual(result.reasons, [NODE_PORTS_CONFLICT]);
  });
}

test("removing the pod frees its port", () => {
  const existing = infoOf(withPorts("existing", ["TCP/0.0.0.0/80"]));
  const nodeInfo = nodeInfoWith(makeNode("n"));
  nodeInfo.addPod(existing);
  const wanted = infoOf(withPorts("p", ["TCP/127.0.0.1/80"]));
  assert.equal(new NodePortsPlugin().filter(new CycleState(), wanted, nodeInfo).code, "Unschedulable");
  nodeInfo.removePod(existing);
  assert.equal(new NodePortsPlugin().filter(new CycleState(), wanted, nodeInfo).code, "Success");
});
