import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { bridgeGatewayAddress, ClusterDns } from "./cluster-dns.ts";
import { decodeMessage, encodeMessage, recordTypes, type DnsMessage } from "./dns-message.ts";

function query(name: string, type: number = recordTypes.A): Uint8Array {
  return encodeMessage({ id: 99, response: false, opcode: 0, authoritative: false, truncated: false, recursionDesired: true, recursionAvailable: false, rcode: 0, questions: [{ name, type, class: 1 }], answers: [], authority: [], additional: [] });
}

function askUdp(port: number, bytes: Uint8Array): Promise<DnsMessage> {
  const socket = createSocket("udp4");
  return new Promise<DnsMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no UDP answer")), 3000);
    socket.once("message", (message) => {
      clearTimeout(timer);
      resolve(decodeMessage(message));
    });
    socket.send(bytes, port, "127.0.0.1");
  }).finally(() => socket.close());
}

function askTcp(port: number, bytes: Uint8Array): Promise<DnsMessage> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => reject(new Error("no TCP answer")), 3000);
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(decodeMessage(buffered.subarray(2, 2 + buffered.readUInt16BE(0))));
      }
    });
    socket.on("error", reject);
    // Written in two pieces: the length prefix framing must reassemble them.
    const framed = Buffer.alloc(2 + bytes.length);
    framed.writeUInt16BE(bytes.length, 0);
    framed.set(bytes, 2);
    socket.write(framed.subarray(0, 3));
    setTimeout(() => socket.write(framed.subarray(3)), 20);
  });
}

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("ClusterDns", () => {
  test("answers over UDP and TCP, follows the API, publishes kube-dns and withdraws its slice on stop", async () => {
    const api = new FakeApi();
    await api.create<Service>(inNamespace(resources.services, "default"), { metadata: { name: "web", namespace: "default" }, spec: { clusterIP: "10.43.0.20", ports: [{ name: "http", port: 80 }] } });
    const controller = new AbortController();
    const dns = new ClusterDns({ client: api, nodeName: "node-a", address: "127.0.0.1", port: 0, serviceIP: "10.43.0.10", log: () => {} });
    const stopped = dns.start(controller.signal);
    try {
      const port = await dns.ready;
      const overUdp = await askUdp(port, query("web.default.svc.cluster.local"));
      assert.deepEqual(overUdp.answers.map((record) => record.data), [{ type: "A", address: "10.43.0.20" }]);
      const overTcp = await askTcp(port, query("_http._tcp.web.default.svc.cluster.local", recordTypes.SRV));
      assert.deepEqual(overTcp.answers.map((record) => record.data), [{ type: "SRV", priority: 0, weight: 100, port: 80, target: "web.default.svc.cluster.local" }]);

      await api.create<Service>(inNamespace(resources.services, "default"), { metadata: { name: "late", namespace: "default" }, spec: { clusterIP: "10.43.0.21" } });
      await until(async () => ((await askUdp(port, query("late.default.svc.cluster.local"))).answers.length > 0 ? true : undefined), "the new service's record");

      const service = await api.get<Service>(inNamespace(resources.services, "kube-system"), "kube-dns");
      assert.equal(service.spec?.clusterIP, "10.43.0.10");
      assert.deepEqual(service.spec?.ports?.map((p) => [p.name, p.protocol, p.port]), [["dns", "UDP", 53], ["dns-tcp", "TCP", 53]]);
      assert.equal(service.metadata?.labels?.["k8s-app"], "kube-dns");
      const slice = await until(() => api.get<EndpointSlice>(inNamespace(resources.endpointSlices, "kube-system"), "kube-dns-node-a").catch(() => undefined), "the kube-dns slice");
      assert.deepEqual(slice.endpoints.map((endpoint) => [endpoint.addresses, endpoint.nodeName]), [[["127.0.0.1"], "node-a"]]);
      assert.deepEqual(slice.ports?.map((p) => p.port), [port, port]);
    } finally {
      controller.abort();
      await stopped;
    }
    await assert.rejects(api.get(inNamespace(resources.endpointSlices, "kube-system"), "kube-dns-node-a"));
  });
});

describe("bridgeGatewayAddress", () => {
  const cases: [string, string][] = [["10.42.0.0/24", "10.42.0.1"], ["10.42.7.0/24", "10.42.7.1"], ["10.42.0.128/25", "10.42.0.129"]];
  for (const [cidr, expected] of cases) test(cidr, () => assert.equal(bridgeGatewayAddress(cidr), expected));
});
