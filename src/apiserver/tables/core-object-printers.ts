// `kubectl get` for the small core objects: namespaces, config maps,
// secrets, service accounts, resource quotas.
import type { ConfigMap, Namespace, ResourceQuota, Secret, ServiceAccount } from "kubernetes-types/core/v1";
import { ageColumn, column, definePrinter, nameColumn } from "./printer.ts";
import { since } from "./timestamps.ts";

const count = (record: Record<string, unknown> | undefined) => Object.keys(record ?? {}).length;

export const namespacePrinter = definePrinter<Namespace>(
  [nameColumn, column("Status", "string", "Phase of the namespace."), ageColumn],
  // The registry sets the phase on create; Active is what a stored namespace starts with.
  (namespace, now) => [
    namespace.metadata?.name ?? "",
    namespace.status?.phase ?? "Active",
    since(namespace.metadata?.creationTimestamp, now),
  ],
);

export const configMapPrinter = definePrinter<ConfigMap>(
  [nameColumn, column("Data", "string", "Number of data and binary data entries."), ageColumn],
  (configMap, now) => [
    configMap.metadata?.name ?? "",
    count(configMap.data) + count(configMap.binaryData),
    since(configMap.metadata?.creationTimestamp, now),
  ],
);

export const secretPrinter = definePrinter<Secret>(
  [
    nameColumn,
    column("Type", "string", "Type of the secret."),
    column("Data", "string", "Number of data entries."),
    ageColumn,
  ],
  (secret, now) => [
    secret.metadata?.name ?? "",
    secret.type ?? "Opaque",
    count(secret.data),
    since(secret.metadata?.creationTimestamp, now),
  ],
);

export const serviceAccountPrinter = definePrinter<ServiceAccount>(
  [nameColumn, column("Secrets", "string", "Number of secrets listed for the account."), ageColumn],
  (account, now) => [
    account.metadata?.name ?? "",
    account.secrets?.length ?? 0,
    since(account.metadata?.creationTimestamp, now),
  ],
);

/**
 * "resource: used/hard" per resource in status.hard, sorted by name; limits.*
 * go to the LIMIT column, everything else to REQUEST. kubectl 1.32's server
 * puts AGE second here (1.33 moved it last).
 */
function quotaCells(quota: ResourceQuota): [request: string, limit: string] {
  const hard = quota.status?.hard ?? {};
  const used = quota.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const resource of Object.keys(hard).sort()) {
    const text = `${resource}: ${used[resource] ?? "0"}/${hard[resource] ?? "0"}`;
    const pieces = resource.split(".");
    (pieces.length > 1 && pieces[0] === "limits" ? limit : request).push(text);
  }
  return [request.join(", "), limit.join(", ")];
}

export const resourceQuotaPrinter = definePrinter<ResourceQuota>(
  [
    nameColumn,
    ageColumn,
    column("Request", "string", "Used and hard amounts of everything but limits."),
    column("Limit", "string", "Used and hard amounts of limits."),
  ],
  (quota, now) => [quota.metadata?.name ?? "", since(quota.metadata?.creationTimestamp, now), ...quotaCells(quota)],
);
