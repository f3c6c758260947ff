// Service-account tokens: JWTs (ES256) signed by a key the server keeps in
// its PKI folder, with upstream's claims (iss, sub, aud, exp, iat, nbf, jti
// and the kubernetes.io object bindings). The serviceaccounts/<n>/token
// subresource (TokenRequest) issues them; verify() checks signature, issuer,
// audience and time for the authenticator, which also checks that the
// service account (and bound object) still exist with the uids named.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from "node:crypto";
import { access, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ResourceRest } from "./rest/resource-rest.ts";
import type { ResourceRequest } from "./request-info.ts";
import type { Registry } from "./registry/lookup.ts";
import { readObject, type HttpExchange } from "./handler.ts";
import { ApiError, conflict, methodNotAllowed } from "./status.ts";
import { timestamp } from "./rest/object-meta.ts";

export const serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local";
const keyFile = "service-account.key";
const minExpirationSeconds = 600;
const defaultExpirationSeconds = 3600;

export interface BoundObject {
  name: string;
  uid: string;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  "kubernetes.io": {
    namespace: string;
    serviceaccount: BoundObject;
    pod?: BoundObject;
    secret?: BoundObject;
  };
}

export interface TokenGrant {
  namespace: string;
  serviceAccount: BoundObject;
  audiences: string[];
  expirationSeconds: number;
  pod?: BoundObject;
  secret?: BoundObject;
  nowMs: number;
}

/** Loads the signing key from dir, creating it on first start (EC P-256, PKCS#8 PEM). */
export async function loadOrCreateSigningKey(dir: string): Promise<KeyObject> {
  const path = join(dir, keyFile);
  const present = await access(path).then(
    () => true,
    () => false,
  );
  if (present) return createPrivateKey(await readFile(path, "utf8"));
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  await writeFile(path, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  return privateKey;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export class ServiceAccountTokens {
  private readonly publicKey: KeyObject;
  /** Upstream's key id: the unpadded base64url SHA-256 of the public key's DER. */
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    this.keyId = base64url(createHash("sha256").update(this.publicKey.export({ type: "spki", format: "der" })).digest());
  }

  issue(grant: TokenGrant): { token: string; claims: ServiceAccountClaims } {
    const now = Math.floor(grant.nowMs / 1000);
    const binding: ServiceAccountClaims["kubernetes.io"] = { namespace: grant.namespace, serviceaccount: grant.serviceAccount };
    if (grant.pod !== undefined) binding.pod = grant.pod;
    if (grant.secret !== undefined) binding.secret = grant.secret;
    const claims: ServiceAccountClaims = {
      aud: grant.audiences,
      exp: now + grant.expirationSeconds,
      iat: now,
      iss: serviceAccountIssuer,
      jti: randomUUID(),
      "kubernetes.io": binding,
      nbf: now,
      sub: `system:serviceaccount:${grant.namespace}:${grant.serviceAccount.name}`,
    };
    const signingInput = `${base64url(JSON.stringify({ alg: "ES256", kid: this.keyId }))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign("sha256", Buffer.from(signingInput), { key: this.privateKey, dsaEncoding: "ieee-p1363" });
    return { token: `${signingInput}.${base64url(signature)}`, claims };
  }

  /** The claims of a token this server signed that is valid now for audience; undefined for anything else. */
  verify(token: string, nowMs: number, audience = serviceAccountIssuer): ServiceAccountClaims | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    let parsedHeader: { alg?: unknown };
    let claims: ServiceAccountClaims;
    try {
      parsedHeader = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: unknown };
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as ServiceAccountClaims;
    } catch {
      return undefined;
    }
    if (parsedHeader.alg !== "ES256") return undefined;
    if (!verify("sha256", Buffer.from(`${header}.${payload}`), { key: this.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"))) return undefined;
    const now = Math.floor(nowMs / 1000);
    if (claims.iss !== serviceAccountIssuer || typeof claims.exp !== "number" || claims.exp <= now || (typeof claims.nbf === "number" && claims.nbf > now)) return undefined;
    if (!Array.isArray(claims.aud) || !claims.aud.includes(audience)) return undefined;
    const binding = claims["kubernetes.io"];
    if (typeof binding?.namespace !== "string" || typeof binding.serviceaccount?.name !== "string" || typeof binding.serviceaccount.uid !== "string") return undefined;
    return claims;
  }
}

interface TokenRequestBody {
  spec?: { audiences?: string[] | null; expirationSeconds?: number | null; boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null };
}

function invalid(name: string, field: string, message: string): ApiError {
  return new ApiError(422, "Invalid", `TokenRequest.authentication.k8s.io "${name}" is invalid: ${field}: ${message}`, {
    name,
    group: "authentication.k8s.io",
    kind: "TokenRequest",
    causes: [{ reason: "FieldValueInvalid", message, field }],
  });
}

const boundKinds: Record<string, string> = { Pod: "pods", Secret: "secrets" };

/** POST serviceaccounts/<name>/token: a TokenRequest answered with a signed token. */
export function tokenRequestHandler(tokens: ServiceAccountTokens, registry: Registry, now: () => number = Date.now) {
  return async (rest: ResourceRest, req: ResourceRequest, ex: HttpExchange): Promise<void> => {
    if (req.verb !== "create") throw methodNotAllowed();
    const body = (await readObject(ex)) as TokenRequestBody;
    const account = await rest.get(req.namespace, req.name, null);
    const spec = body.spec ?? {};
    const expirationSeconds = spec.expirationSeconds ?? defaultExpirationSeconds;
    if (!Number.isInteger(expirationSeconds) || expirationSeconds < minExpirationSeconds) {
      throw invalid(req.name, "spec.expirationSeconds", `Invalid value: ${JSON.stringify(expirationSeconds)}: may not specify a duration less than 10 minutes`);
    }
    if (expirationSeconds >= 2 ** 32) throw invalid(req.name, "spec.expirationSeconds", `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds`);
    const audiences = spec.audiences != null && spec.audiences.length > 0 ? spec.audiences : [serviceAccountIssuer];
    const grant: TokenGrant = { namespace: req.namespace, serviceAccount: { name: req.name, uid: account.metadata?.uid ?? "" }, audiences, expirationSeconds, nowMs: now() };
    const ref = spec.boundObjectRef ?? undefined;
    if (ref !== undefined) {
      const plural = boundKinds[ref.kind ?? ""];
      if (plural === undefined || (ref.apiVersion ?? "v1") !== "v1") {
        throw invalid(req.name, "spec.boundObjectRef.kind", `Unsupported value: ${JSON.stringify(ref.kind ?? "")}: supported values: "Pod", "Secret"`);
      }
      const bound = await registry.rest("", "v1", plural)!.get(req.namespace, ref.name ?? "", null);
      const uid = bound.metadata?.uid ?? "";
      if (ref.uid !== undefined && ref.uid !== "" && ref.uid !== uid) {
        throw conflict(rest.target(req.name), `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
      if (ref.kind === "Pod") grant.pod = { name: ref.name ?? "", uid };
      else grant.secret = { name: ref.name ?? "", uid };
    }
    const { token, claims } = tokens.issue(grant);
    ex.reply(201, {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { name: req.name, namespace: req.namespace, creationTimestamp: null },
      spec: { audiences, expirationSeconds, boundObjectRef: ref === undefined ? null : { ...ref, apiVersion: ref.apiVersion ?? "v1", uid: (grant.pod ?? grant.secret)!.uid } },
      status: { token, expirationTimestamp: timestamp(new Date(claims.exp * 1000)) },
    });
  };
}
