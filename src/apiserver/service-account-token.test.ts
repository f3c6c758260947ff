import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateSigningKey, serviceAccountIssuer, ServiceAccountTokens, type TokenGrant } from "./service-account-token.ts";
import { serviceAccountAuthenticator } from "./authn.ts";

const nowMs = Date.parse("2026-06-01T00:00:00Z");
const tokens = new ServiceAccountTokens(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);
const grant: TokenGrant = { namespace: "ns", serviceAccount: { name: "robot", uid: "sa-1" }, audiences: [serviceAccountIssuer], expirationSeconds: 3600, nowMs };

describe("ServiceAccountTokens", () => {
  test("claims follow upstream's shape", () => {
    const { token, claims } = tokens.issue({ ...grant, pod: { name: "p", uid: "pod-1" } });
    assert.equal(token.split(".").length, 3);
    const header = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()) as { alg: string; kid: string };
    assert.deepEqual(header, { alg: "ES256", kid: tokens.keyId });
    assert.equal(claims.sub, "system:serviceaccount:ns:robot");
    assert.equal(claims.iss, "https://kubernetes.default.svc.cluster.local");
    assert.equal(claims.exp - claims.iat, 3600);
    assert.equal(claims.nbf, claims.iat);
    assert.deepEqual(claims["kubernetes.io"], { namespace: "ns", serviceaccount: { name: "robot", uid: "sa-1" }, pod: { name: "p", uid: "pod-1" } });
  });

  const { token } = tokens.issue(grant);
  const other = new ServiceAccountTokens(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);
  const [h, p, s] = token.split(".") as [string, string, string];
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), sub: "system:serviceaccount:ns:admin" })).toString("base64url")}.${s}`;
  const cases: Array<[string, () => unknown, boolean]> = [
    ["valid now", () => tokens.verify(token, nowMs + 1000), true],
    ["expired", () => tokens.verify(token, nowMs + 3600_000), false],
    ["not yet valid", () => tokens.verify(token, nowMs - 5000), false],
    ["signed by another key", () => other.verify(token, nowMs), false],
    ["payload changed after signing", () => tokens.verify(forged, nowMs), false],
    ["another audience", () => tokens.verify(tokens.issue({ ...grant, audiences: ["vault"] }).token, nowMs), false],
    ["not a JWT", () => tokens.verify("abc.def", nowMs), false],
    ["garbage parts", () => tokens.verify("a.b.c", nowMs), false],
  ];
  for (const [name, run, valid] of cases) test(`verify: ${name}`, () => assert.equal(run() !== undefined, valid));
});

describe("serviceAccountAuthenticator", () => {
  const uids: Record<string, string> = { "serviceaccounts/ns/robot": "sa-1", "pods/ns/p": "pod-1" };
  const authn = serviceAccountAuthenticator(tokens, { uidOf: (resource, namespace, name) => uids[`${resource}/${namespace}/${name}`] }, () => nowMs);
  const bearer = (t: string) => `Bearer ${t}`;

  test("the user, groups and pod extras", () => {
    const user = authn.authenticate(undefined, bearer(tokens.issue({ ...grant, pod: { name: "p", uid: "pod-1" } }).token));
    assert.equal(user?.name, "system:serviceaccount:ns:robot");
    assert.equal(user?.uid, "sa-1");
    assert.deepEqual(user?.groups, ["system:serviceaccounts", "system:serviceaccounts:ns", "system:authenticated"]);
    assert.deepEqual(user?.extra?.["authentication.kubernetes.io/pod-name"], ["p"]);
  });
  const refused: Array<[string, TokenGrant]> = [
    ["a re-created service account (other uid)", { ...grant, serviceAccount: { name: "robot", uid: "sa-0" } }],
    ["a missing service account", { ...grant, serviceAccount: { name: "gone", uid: "x" } }],
    ["a bound pod that is gone", { ...grant, pod: { name: "q", uid: "pod-9" } }],
    ["a bound pod re-created", { ...grant, pod: { name: "p", uid: "pod-0" } }],
  ];
  for (const [name, g] of refused) test(`refuses ${name}`, () => assert.equal(authn.authenticate(undefined, bearer(tokens.issue(g).token)), undefined));
  test("ignores what is not a bearer token", () => assert.equal(authn.authenticate(undefined, "Basic abc"), undefined));
});

test("the signing key is made once and then reused", async () => {
  const dir = await mkdtemp(join(tmpdir(), "skiff-sa-key-"));
  try {
    const first = new ServiceAccountTokens(await loadOrCreateSigningKey(dir));
    const second = new ServiceAccountTokens(await loadOrCreateSigningKey(dir));
    assert.equal(first.keyId, second.keyId);
    assert.ok(second.verify(first.issue(grant).token, nowMs));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
