import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { buildClusterDnsIndex } from "./cluster-records.ts";
import { decodeMessage, encodeMessage, rcodes, recordTypes, type DnsMessage, type ResourceRecord } from "./dns-message.ts";
import { respond } from "./dns-response.ts";

// A headless service with 40 ready endpoints: its A answer is 12 + 39 + 40 * 16 bytes, over 512.
const many: Service = { metadata: { name: "many", namespace: "default" }, spec: { clusterIP: "None" } };
const manySlice: EndpointSlice = {
  metadata: { name: "many-1", namespace: "default", labels: { "kubernetes.io/service-name": "many" } },
  addressType: "IPv4",
  endpoints: Array.from({ length: 40 }, (_, i) => ({ addresses: [`10.42.0.${i + 10}`] })),
};
const index = buildClusterDnsIndex([many, { metadata: { name: "web", namespace: "default" }, spec: { clusterIP: "10.43.0.20" } }], [manySlice]);

function query(name: string, fields: Partial<DnsMessage> = {}, edns?: number): Uint8Array {
  const additional: ResourceRecord[] = edns === undefined ? [] : [{ name: "", ttl: 0, data: { type: "OPT", udpSize: edns } }];
  return encodeMessage({ id: 7, response: false, opcode: 0, authoritative: false, truncated: false, recursionDesired: true, recursionAvailable: false, rcode: 0, questions: [{ name, type: recordTypes.A, class: 1 }], answers: [], authority: [], additional, ...fields });
}

describe("respond", () => {
  const cases: { name: string; bytes: Uint8Array; transport: "udp" | "tcp"; rcode: number; truncated: boolean; answers: number }[] = [
    { name: "a small answer over UDP", bytes: query("web.default.svc.cluster.local"), transport: "udp", rcode: rcodes.NOERROR, truncated: false, answers: 1 },
    { name: "a large answer over UDP without EDNS is truncated", bytes: query("many.default.svc.cluster.local"), transport: "udp", rcode: rcodes.NOERROR, truncated: true, answers: 0 },
    { name: "a large answer over UDP with EDNS 1232 fits", bytes: query("many.default.svc.cluster.local", {}, 1232), transport: "udp", rcode: rcodes.NOERROR, truncated: false, answers: 40 },
    { name: "a large answer over TCP is whole", bytes: query("many.default.svc.cluster.local"), transport: "tcp", rcode: rcodes.NOERROR, truncated: false, answers: 40 },
    { name: "an unknown opcode", bytes: query("web.default.svc.cluster.local", { opcode: 2 }), transport: "udp", rcode: rcodes.NOTIMP, truncated: false, answers: 0 },
    { name: "two questions", bytes: encodeMessage({ ...decodeMessage(query("a.cluster.local")), questions: [{ name: "a", type: 1, class: 1 }, { name: "b", type: 1, class: 1 }] }), transport: "udp", rcode: rcodes.FORMERR, truncated: false, answers: 0 },
    { name: "garbage after a header", bytes: Uint8Array.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63]), transport: "udp", rcode: rcodes.FORMERR, truncated: false, answers: 0 },
    { name: "a name outside the cluster", bytes: query("example.org"), transport: "udp", rcode: rcodes.REFUSED, truncated: false, answers: 0 },
  ];
  for (const { name, bytes, transport, rcode, truncated, answers } of cases) {
    test(name, () => {
      const reply = decodeMessage(respond(bytes, index, transport)!);
      assert.equal(reply.id, 7);
      assert.equal(reply.response, true);
      assert.equal(reply.rcode, rcode);
      assert.equal(reply.truncated, truncated);
      assert.equal(reply.answers.length, answers);
    });
  }

  test("EDNS queries get an OPT back, plain ones none", () => {
    const withOpt = decodeMessage(respond(query("web.default.svc.cluster.local", {}, 4096), index, "udp")!);
    assert.deepEqual(withOpt.additional.map((record) => record.data), [{ type: "OPT", udpSize: 1232 }]);
    assert.deepEqual(decodeMessage(respond(query("web.default.svc.cluster.local"), index, "udp")!).additional, []);
  });

  const ignored: [string, Uint8Array][] = [
    ["a response", query("web.default.svc.cluster.local", { response: true })],
    ["a runt", Uint8Array.from([1, 2, 3])],
  ];
  for (const [name, bytes] of ignored) test(`${name} gets no reply`, () => assert.equal(respond(bytes, index, "udp"), undefined));
});
