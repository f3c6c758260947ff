// Discovery documents: legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and the
// aggregated v2 list kubectl 1.32 asks for first.
import type { ResourceInfo, ResourceRegistry } from "../api/registry.ts";

export function apiVersions(serverAddress: string) {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

export function apiGroupList(registry: ResourceRegistry) {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: registry
      .groups()
      .filter((g) => g.name !== "")
      .map((g) => ({
        name: g.name,
        versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${g.name}/${g.preferredVersion}`, version: g.preferredVersion },
      })),
  };
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string) {
  const resources = registry.resources(group, version);
  if (resources.length === 0) return undefined;
  const list: Record<string, unknown>[] = [];
  for (const r of resources) {
    const entry: Record<string, unknown> = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames.length > 0) entry["shortNames"] = r.shortNames;
    if (r.categories.length > 0) entry["categories"] = r.categories;
    list.push(entry);
    for (const s of r.subresources) {
      const sub: Record<string, unknown> = { name: `${r.plural}/${s.name}`, singularName: "", namespaced: r.namespaced, kind: s.kind, verbs: s.verbs };
      if (s.group !== undefined) sub["group"] = s.group;
      if (s.version !== undefined) sub["version"] = s.version;
      list.push(sub);
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group === "" ? version : `${group}/${version}`, resources: list };
}

function aggregatedResource(r: ResourceInfo) {
  const entry: Record<string, unknown> = {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: r.verbs,
  };
  if (r.shortNames.length > 0) entry["shortNames"] = r.shortNames;
  if (r.categories.length > 0) entry["categories"] = r.categories;
  if (r.subresources.length > 0) {
    entry["subresources"] = r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return entry;
}

export const aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** The aggregated list for /api (core only) or /apis (every other group). */
export function aggregatedDiscovery(registry: ResourceRegistry, core: boolean) {
  const items = registry
    .groups()
    .filter((g) => (g.name === "") === core)
    .map((g) => {
      // The preferred version first, as upstream orders them.
      const versions = [g.preferredVersion, ...g.versions.filter((v) => v !== g.preferredVersion)];
      return {
        metadata: { name: g.name, creationTimestamp: null },
        versions: versions.map((v) => ({
          version: v,
          resources: registry.resources(g.name, v).map(aggregatedResource),
          freshness: "Current",
        })),
      };
    });
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}
