// Projected service-account tokens: a TokenRequest bound to the pod, and when
// to ask again (at 80% of the token's lifetime, like upstream's token manager).
import type { Pod, ServiceAccountTokenProjection } from "kubernetes-types/core/v1";
import type { TokenRequest } from "kubernetes-types/authentication/v1";
import type { KubeClient } from "../../client/kube-client.ts";
import { inNamespace, resources } from "../../client/resources.ts";
import { VolumeSourceError } from "./volume-errors.ts";

export interface IssuedToken {
  token: string;
  issuedAtMs: number;
  expiresAtMs: number;
}

const DEFAULT_EXPIRATION_SECONDS = 3600;
const RENEW_AT_FRACTION = 0.8;

export async function requestServiceAccountToken(client: KubeClient, pod: Pod, projection: ServiceAccountTokenProjection, nowMs: number): Promise<IssuedToken> {
  const namespace = pod.metadata?.namespace ?? "";
  const serviceAccount = pod.spec?.serviceAccountName || "default";
  const request: TokenRequest = {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: {
      audiences: projection.audience ? [projection.audience] : [],
      expirationSeconds: projection.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS,
      boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.metadata?.name ?? "", uid: pod.metadata?.uid ?? "" },
    },
  };
  let answer: TokenRequest;
  try {
    answer = await client.createSubresource<TokenRequest>(inNamespace(resources.serviceAccounts, namespace), serviceAccount, "token", request);
  } catch (e) {
    throw new VolumeSourceError(`failed to fetch token: ${(e as Error).message}`, { cause: e });
  }
  const token = answer.status?.token;
  const expiresAtMs = Date.parse(answer.status?.expirationTimestamp ?? "");
  if (!token || Number.isNaN(expiresAtMs)) {
    throw new VolumeSourceError(`failed to fetch token: the answer to serviceaccounts/${serviceAccount}/token carries no token or expirationTimestamp`);
  }
  return { token, issuedAtMs: nowMs, expiresAtMs };
}

export function tokenNeedsRenewal(token: IssuedToken, nowMs: number): boolean {
  return nowMs >= token.issuedAtMs + RENEW_AT_FRACTION * (token.expiresAtMs - token.issuedAtMs);
}
