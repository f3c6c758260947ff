import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate, createPrivateKey } from "node:crypto";
import https from "node:https";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { selfSignedServingCert } from "./serving-cert.ts";

test("the certificate is a valid self-signed X.509 v3 server certificate for the node's names", async () => {
  const now = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
  const { cert, key } = await selfSignedServingCert("node-a", ["10.0.2.15", "127.0.0.1", "fd00::5"], now);
  const x = new X509Certificate(cert);
  assert.equal(x.subject, `CN=node-a@${now.getTime() / 1000}`);
  assert.equal(x.issuer, x.subject);
  assert.equal(x.subjectAltName, "DNS:node-a, IP Address:10.0.2.15, IP Address:127.0.0.1, IP Address:FD00:0:0:0:0:0:0:5");
  assert.equal(new Date(x.validFrom).getTime(), now.getTime() - 60_000);
  assert.equal(new Date(x.validTo).getTime(), now.getTime() + 365 * 24 * 3600 * 1000);
  assert.deepEqual(x.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
  assert.equal(x.ca, false);
  assert.ok(x.verify(x.publicKey), "signed by its own key");
  assert.ok(x.checkPrivateKey(createPrivateKey(key)), "the key matches");
  assert.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
  assert.match(x.serialNumber, /^[4-7][0-9A-F]{15}$/);
  // Two certificates never share a key or a serial.
  const other = new X509Certificate((await selfSignedServingCert("node-a", [], now)).cert);
  assert.notEqual(other.serialNumber, x.serialNumber);
  assert.notEqual(other.publicKey.export({ type: "spki", format: "der" }).toString("hex"), x.publicKey.export({ type: "spki", format: "der" }).toString("hex"));
});

test("a TLS client that trusts the certificate accepts it for the node's IP", async () => {
  const { cert, key } = await selfSignedServingCert("node-b", ["127.0.0.1"]);
  const server = https.createServer({ cert, key }, (_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const peer = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ca: cert }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on("error", reject);
    });
    assert.match(String(peer.subject.CN), /^node-b@\d+$/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
