import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { decodeMessage, DnsFormatError, encodeMessage, recordTypes, type DnsMessage, type ResourceRecord } from "./dns-message.ts";

const header = { id: 0x1234, response: true, opcode: 0, authoritative: true, truncated: false, recursionDesired: true, recursionAvailable: false, rcode: 0 };

function message(records: Partial<DnsMessage>): DnsMessage {
  return { ...header, questions: [], answers: [], authority: [], additional: [], ...records };
}

describe("DNS message round trips", () => {
  const records: [string, ResourceRecord][] = [
    ["A", { name: "web.default.svc.cluster.local", ttl: 5, data: { type: "A", address: "10.43.0.20" } }],
    ["AAAA", { name: "v6.default.svc.cluster.local", ttl: 5, data: { type: "AAAA", address: "fd00:0:0:0:0:0:0:1" } }],
    ["SRV", { name: "_http._tcp.web.default.svc.cluster.local", ttl: 5, data: { type: "SRV", priority: 0, weight: 100, port: 80, target: "web.default.svc.cluster.local" } }],
    ["PTR", { name: "20.0.43.10.in-addr.arpa", ttl: 5, data: { type: "PTR", target: "web.default.svc.cluster.local" } }],
    ["CNAME", { name: "ext.default.svc.cluster.local", ttl: 5, data: { type: "CNAME", target: "example.org" } }],
    ["SOA", { name: "cluster.local", ttl: 5, data: { type: "SOA", mname: "ns.dns.cluster.local", rname: "hostmaster.cluster.local", serial: 4294967295, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } }],
  ];
  for (const [name, record] of records) {
    test(name, () => {
      const original = message({ questions: [{ name: record.name, type: recordTypes.ANY, class: 1 }], answers: [record] });
      assert.deepEqual(decodeMessage(encodeMessage(original)), original);
    });
  }

  test("flags and rcode survive", () => {
    const original = message({ truncated: true, authoritative: false, recursionAvailable: true, rcode: 3, opcode: 0 });
    assert.deepEqual(decodeMessage(encodeMessage(original)), original);
  });

  test("OPT carries the UDP payload size", () => {
    const original = message({ additional: [{ name: "", ttl: 0, data: { type: "OPT", udpSize: 1232 } }] });
    assert.deepEqual(decodeMessage(encodeMessage(original)).additional, original.additional);
  });

  test("repeated names are compressed", () => {
    const answers: ResourceRecord[] = ["10.42.0.5", "10.42.0.6"].map((address) => ({ name: "web.default.svc.cluster.local", ttl: 5, data: { type: "A", address } }));
    const bytes = encodeMessage(message({ questions: [{ name: "web.default.svc.cluster.local", type: 1, class: 1 }], answers }));
    // Header 12 + question (31 + 4) + two answers of pointer (2) + 10 + 4.
    assert.equal(bytes.length, 12 + 35 + 2 * 16);
  });
});

describe("decodeMessage", () => {
  // A query as dig sends it: id 0xabcd, RD, one question web.default.svc.cluster.local A IN.
  const query = Uint8Array.from([0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, ...Buffer.from("web"), 7, ...Buffer.from("default"), 3, ...Buffer.from("svc"), 7, ...Buffer.from("cluster"), 5, ...Buffer.from("local"), 0, 0, 1, 0, 1]);
  test("a plain query", () => {
    const decoded = decodeMessage(query);
    assert.equal(decoded.id, 0xabcd);
    assert.equal(decoded.recursionDesired, true);
    assert.equal(decoded.response, false);
    assert.deepEqual(decoded.questions, [{ name: "web.default.svc.cluster.local", type: 1, class: 1 }]);
  });

  const malformed: [string, Uint8Array][] = [
    ["short header", query.slice(0, 7)],
    ["name cut off", query.slice(0, 20)],
    ["pointer loop", Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1])],
    ["reserved label type", Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 1, 0, 1])],
  ];
  for (const [name, bytes] of malformed) {
    test(`${name} is a format error`, () => assert.throws(() => decodeMessage(bytes), DnsFormatError));
  }
});
