// Which resource types the garbage collector and the namespace controller
// watch and clean: one served version per stored collection (the group's
// preferred one), and only types a client can list, watch and delete.
// Events are left out as upstream's collector leaves them out: they are
// many, short-lived, and expire on their own.
import type { ResourceInfo } from "../../api/registry.ts";
import type { ResourceRef } from "../../client/kube-client.ts";

export interface CatalogEntry {
  resource: ResourceRef;
  /** "apps/v1" or "v1": what ownerReferences name as apiVersion. */
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** Whether DELETE of a whole collection is served (the namespace controller prefers it). */
  deleteCollection: boolean;
}

const ignoredStorage = new Set(["events"]);

export function resourceCatalog(infos: readonly ResourceInfo[]): CatalogEntry[] {
  const chosen = new Map<string, ResourceInfo>();
  for (const info of infos) {
    if (!["list", "watch", "delete"].every((verb) => info.verbs.includes(verb as ResourceInfo["verbs"][number]))) continue;
    if (ignoredStorage.has(info.storage)) continue;
    const previous = chosen.get(info.storage);
    if (previous === undefined || (info.preferredVersion && !previous.preferredVersion)) chosen.set(info.storage, info);
  }
  return [...chosen.values()].map((info) => ({
    resource: { group: info.group, version: info.version, plural: info.plural },
    apiVersion: info.group === "" ? info.version : `${info.group}/${info.version}`,
    kind: info.kind,
    namespaced: info.namespaced,
    deleteCollection: info.verbs.includes("deletecollection"),
  }));
}

/** The group of an apiVersion: "" for "v1", "apps" for "apps/v1". */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The catalog entry an ownerReference points at: matched by group and kind, as any served version names the same object. */
export function entryForKind(catalog: readonly CatalogEntry[], apiVersion: string, kind: string): CatalogEntry | undefined {
  const group = groupOf(apiVersion);
  return catalog.find((entry) => entry.resource.group === group && entry.kind === kind);
}
