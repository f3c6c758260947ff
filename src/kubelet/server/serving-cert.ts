// A self-signed serving certificate for the kubelet's HTTPS server: the API
// server does not verify kubelet serving certificates (as upstream's default),
// so nothing needs the cluster CA's key on a node.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";
import { isIP } from "node:net";

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const yearMs = 365 * 24 * 3600 * 1000;

export async function selfSignedServingCert(nodeName: string, addresses: readonly string[]): Promise<{ cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const names = [nodeName, ...addresses].map((n) => ({ type: isIP(n) ? ("ip" as const) : ("dns" as const), value: n }));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString("hex").replace(/^[89a-f]/, "1"),
    name: `CN=${nodeName}@${Math.floor(Date.now() / 1000)}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + yearMs),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ],
  });
  const der = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  const key = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString("pem"), key };
}
