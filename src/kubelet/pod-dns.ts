// A pod's resolv.conf as the sandbox gets it (upstream's dns.Configurer):
// ClusterFirst pods ask the cluster DNS with the namespace's search path;
// Default pods, and host-network pods unless ClusterFirstWithHostNet, use the
// host's; None uses only spec.dnsConfig, which the other policies merge in.
import type { Pod } from "kubernetes-types/core/v1";
import type { DnsConfig } from "./runtime/runtime.ts";

export const clusterDnsServer = "10.43.0.10";
export const clusterDomain = "cluster.local";

/** The servers, search domains and options of a resolv.conf text. */
export function parseResolvConf(text: string): DnsConfig {
  const config: DnsConfig = { servers: [], searches: [], options: [] };
  for (const line of text.split("\n")) {
    const [keyword, ...values] = line.replace(/[#;].*$/, "").trim().split(/\s+/);
    if (keyword === "nameserver" && values[0] !== undefined) config.servers.push(values[0]);
    else if (keyword === "search" || keyword === "domain") config.searches = values;
    else if (keyword === "options") config.options.push(...values);
  }
  return config;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Options merge by name, later ones (the pod's) winning. */
function mergeOptions(base: string[], extra: string[]): string[] {
  const byName = new Map<string, string>();
  for (const option of [...base, ...extra]) byName.set(option.split(":")[0]!, option);
  return [...byName.values()];
}

export function podDnsConfig(pod: Pod, host: DnsConfig): DnsConfig {
  const policy = pod.spec?.dnsPolicy ?? "ClusterFirst";
  const useCluster = policy === "ClusterFirstWithHostNet" || (policy === "ClusterFirst" && pod.spec?.hostNetwork !== true);
  const namespace = pod.metadata?.namespace ?? "default";
  let base: DnsConfig;
  if (policy === "None") base = { servers: [], searches: [], options: [] };
  else if (useCluster) base = { servers: [clusterDnsServer], searches: [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...host.searches], options: ["ndots:5"] };
  else base = host;
  const extra = pod.spec?.dnsConfig;
  return {
    servers: unique([...base.servers, ...(extra?.nameservers ?? [])]),
    searches: unique([...base.searches, ...(extra?.searches ?? [])]),
    options: mergeOptions(
      base.options,
      (extra?.options ?? []).map((o) => (o.value === undefined ? (o.name ?? "") : `${o.name ?? ""}:${o.value}`)),
    ),
  };
}
