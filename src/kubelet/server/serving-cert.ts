// A self-signed serving certificate for the kubelet's HTTPS server: the API
// server does not verify kubelet serving certificates (as upstream's default),
// so nothing needs the cluster CA's key on a node. Built with node:crypto and
// our DER writer (der.ts): an X.509 library would cost the agent megabytes
// of memory for one certificate.
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { isIP } from "node:net";
import { bitString, boolean, explicit, implicit, ipAddressBytes, objectIdentifier, octetString, sequence, set, smallInteger, time, unsignedInteger, utf8String } from "./der.ts";

const yearMs = 365 * 24 * 3600 * 1000;

const oid = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  keyUsage: "2.5.29.15",
  extendedKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
};

const extension = (id: string, critical: boolean, value: Uint8Array) => sequence(objectIdentifier(id), ...(critical ? [boolean(true)] : []), octetString(value));

/** GeneralName: dNSName [2] or iPAddress [7]. */
const generalName = (name: string) => (isIP(name) ? implicit(7, ipAddressBytes(name)) : implicit(2, Buffer.from(name, "ascii")));

const pem = (label: string, der: Uint8Array) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;

/** An ECDSA P-256 key and a certificate for nodeName and addresses, valid from a minute ago for a year. */
export async function selfSignedServingCert(nodeName: string, addresses: readonly string[], now = new Date()): Promise<{ cert: string; key: string }> {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const name = sequence(set(sequence(objectIdentifier(oid.commonName), utf8String(`${nodeName}@${Math.floor(now.getTime() / 1000)}`))));
  const algorithm = sequence(objectIdentifier(oid.ecdsaWithSha256));
  const serial = randomBytes(8);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(new Date(now.getTime() - 60_000)), time(new Date(now.getTime() + yearMs))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(
      3,
      sequence(
        // digitalSignature (bit 0) and keyEncipherment (bit 2): 1010 0000, five unused bits.
        extension(oid.keyUsage, true, bitString(Buffer.of(0xa0), 5)),
        extension(oid.extendedKeyUsage, false, sequence(objectIdentifier(oid.serverAuth))),
        extension(oid.subjectAltName, false, sequence(...[nodeName, ...addresses].map(generalName))),
      ),
    ),
  );
  const certificate = sequence(tbs, algorithm, bitString(sign("sha256", tbs, privateKey)));
  return { cert: pem("CERTIFICATE", certificate), key: privateKey.export({ type: "pkcs8", format: "pem" }) as string };
}
