// The cluster's PKI, made on first start and kept in the data dir: a CA, the
// API server's serving certificate and an admin client certificate
// (CN=admin, O=system:masters), all ECDSA P-256.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";
import { mkdir, readFile, writeFile, access } from "node:fs/promises";
import { join } from "node:path";
import { isIP } from "node:net";

x509.cryptoProvider.set(webcrypto as never);

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const tenYearsMs = 10 * 365 * 24 * 3600 * 1000;

export interface KeyPairPem {
  cert: string;
  key: string;
}

export interface ClusterPki {
  ca: KeyPairPem;
  server: KeyPairPem;
  admin: KeyPairPem;
}

export interface PkiOptions {
  dir: string;
  /** DNS names and IP addresses the serving certificate must be valid for. */
  serverNames: string[];
}

const files = {
  ca: ["ca.crt", "ca.key"],
  server: ["server.crt", "server.key"],
  admin: ["admin.crt", "admin.key"],
} as const;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function keyToPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

async function importKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return (await webcrypto.subtle.importKey("pkcs8", der, algorithm, true, ["sign"]));
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString("hex").replace(/^[89a-f]/, "1");
}

async function issue(
  subject: string,
  issuer: { cert: x509.X509Certificate; key: webcrypto.CryptoKey },
  extensions: x509.Extension[],
): Promise<KeyPairPem> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: issuer.cert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + tenYearsMs),
    signingAlgorithm: algorithm,
    publicKey: keys.publicKey,
    signingKey: issuer.key,
    extensions: [...extensions, new x509.BasicConstraintsExtension(false, undefined, true)],
  });
  return { cert: cert.toString("pem"), key: await keyToPem(keys.privateKey) };
}

/** Issues a client certificate signed by the cluster CA (CN = user, O = groups). */
export async function issueClientCert(ca: KeyPairPem, user: string, groups: string[]): Promise<KeyPairPem> {
  const subject = [...groups.map((g) => `O=${g}`), `CN=${user}`].join(", ");
  return issue(subject, { cert: new x509.X509Certificate(ca.cert), key: await importKey(ca.key) }, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ]);
}

async function createPki(serverNames: string[]): Promise<ClusterPki> {
  const caKeys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=skiff-ca@${Math.floor(Date.now() / 1000)}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + tenYearsMs),
    signingAlgorithm: algorithm,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const ca = { cert: caCert.toString("pem"), key: await keyToPem(caKeys.privateKey) };
  const issuer = { cert: caCert, key: caKeys.privateKey };
  const altNames = serverNames.map((n) => ({ type: isIP(n) ? ("ip" as const) : ("dns" as const), value: n }));
  const server = await issue("CN=kube-apiserver", issuer, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(altNames),
  ]);
  const admin = await issueClientCert(ca, "admin", ["system:masters"]);
  return { ca, server, admin };
}

/** Loads the PKI from dir, creating whatever is missing (a missing CA re-creates everything). */
export async function ensurePki(options: PkiOptions): Promise<ClusterPki> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const paths = (k: keyof typeof files) => files[k].map((f) => join(options.dir, f)) as [string, string];
  const allPresent = (await Promise.all(Object.keys(files).flatMap((k) => paths(k as keyof typeof files).map(exists)))).every(Boolean);
  if (!allPresent) {
    const pki = await createPki(options.serverNames);
    for (const k of Object.keys(files) as (keyof typeof files)[]) {
      const [certPath, keyPath] = paths(k);
      await writeFile(certPath, pki[k].cert, { mode: 0o644 });
      await writeFile(keyPath, pki[k].key, { mode: 0o600 });
    }
    return pki;
  }
  const load = async (k: keyof typeof files): Promise<KeyPairPem> => {
    const [certPath, keyPath] = paths(k);
    return { cert: await readFile(certPath, "utf8"), key: await readFile(keyPath, "utf8") };
  };
  return { ca: await load("ca"), server: await load("server"), admin: await load("admin") };
}

/** The subject of a verified client certificate as Kubernetes reads it: CN = user, O = groups. */
export function subjectToUser(subject: Record<string, string | string[] | undefined>): { name: string; groups: string[] } {
  const o = subject["O"];
  return { name: String(subject["CN"] ?? ""), groups: o === undefined ? [] : Array.isArray(o) ? o : [o] };
}
