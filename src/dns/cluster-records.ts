// Pure: what cluster DNS answers, from Services and EndpointSlices, in the
// shape of CoreDNS's kubernetes plugin as upstream's default Corefile
// configures it (`pods insecure`, `ttl 30`; the plugin's own default is 5):
// <svc>.<ns>.svc.<domain> -> ClusterIP, or the ready endpoints when headless;
// <hostname>.<svc>.<ns>.svc.<domain> for endpoints with a hostname;
// _<port>._<proto>.<svc>.<ns>.svc.<domain> SRV; <a-b-c-d>.<ns>.pod.<domain>;
// PTR for service and endpoint addresses. Names outside the cluster domain
// and the reverse zones of the cluster ranges are refused: nothing is ever
// forwarded to another resolver.
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { normalizeName, rcodes, recordTypes, type ResourceRecord } from "./dns-message.ts";

export interface ClusterDnsSettings {
  domain: string;
  ttl: number;
  /** Address ranges whose reverse names we answer for (pod and service CIDRs). */
  reverseCidrs: readonly string[];
}

export const defaultClusterDnsSettings: ClusterDnsSettings = { domain: "cluster.local", ttl: 30, reverseCidrs: ["10.42.0.0/16", "10.43.0.0/16"] };

export interface Resolution {
  rcode: number;
  /** Whether we are the authority for the name (every answer inside the cluster domain or our reverse zones). */
  authoritative: boolean;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

interface EndpointRecord {
  ip: string;
  hostname?: string;
  ports: { name: string; protocol: string; port: number }[];
}

interface ServiceRecord {
  namespace: string;
  name: string;
  headless: boolean;
  clusterIPs: string[];
  externalName?: string;
  ports: { name: string; protocol: string; port: number }[];
  endpoints: EndpointRecord[];
}

export interface ClusterDnsIndex {
  settings: ClusterDnsSettings;
  /** By "<name>.<namespace>". */
  services: Map<string, ServiceRecord>;
  namespaces: Set<string>;
  /** Reverse name -> PTR targets. */
  pointers: Map<string, string[]>;
}

function ipv4Value(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, prefixText] = cidr.split("/");
  const value = ipv4Value(ip);
  const start = ipv4Value(base ?? "");
  const prefix = Number(prefixText);
  if (value === undefined || start === undefined) return false;
  const size = 2 ** (32 - prefix);
  return Math.floor(value / size) === Math.floor(start / size);
}

const reverseName = (ip: string) => `${ip.split(".").reverse().join(".")}.in-addr.arpa`;
const dashed = (ip: string) => ip.replaceAll(".", "-");

export function buildClusterDnsIndex(services: readonly Service[], slices: readonly EndpointSlice[], settings: ClusterDnsSettings = defaultClusterDnsSettings): ClusterDnsIndex {
  const index: ClusterDnsIndex = { settings, services: new Map(), namespaces: new Set(), pointers: new Map() };
  const addPointer = (ip: string, target: string) => {
    const name = reverseName(ip);
    const targets = index.pointers.get(name) ?? [];
    if (!targets.includes(target)) index.pointers.set(name, [...targets, target]);
  };
  for (const service of services) {
    const namespace = service.metadata?.namespace ?? "";
    const name = service.metadata?.name ?? "";
    const clusterIPs = (service.spec?.clusterIPs ?? (service.spec?.clusterIP ? [service.spec.clusterIP] : [])).filter((ip) => ip !== "None" && ip !== "");
    const record: ServiceRecord = {
      namespace,
      name,
      headless: service.spec?.clusterIP === "None",
      clusterIPs,
      ports: (service.spec?.ports ?? []).map((port) => ({ name: port.name ?? "", protocol: port.protocol ?? "TCP", port: port.port })),
      endpoints: [],
      ...(service.spec?.type === "ExternalName" && service.spec.externalName ? { externalName: service.spec.externalName } : {}),
    };
    index.services.set(`${name}.${namespace}`, record);
    index.namespaces.add(namespace);
    for (const ip of clusterIPs) addPointer(ip, `${name}.${namespace}.svc.${settings.domain}`);
  }
  for (const slice of slices) {
    const service = index.services.get(`${slice.metadata?.labels?.["kubernetes.io/service-name"] ?? ""}.${slice.metadata?.namespace ?? ""}`);
    if (service === undefined || slice.addressType !== "IPv4") continue;
    const ports = (slice.ports ?? []).flatMap((port) => (port.port === undefined ? [] : [{ name: port.name ?? "", protocol: port.protocol ?? "TCP", port: port.port }]));
    for (const endpoint of slice.endpoints) {
      // CoreDNS publishes ready endpoints only (publishNotReadyAddresses makes the controller report them ready).
      if (endpoint.conditions?.ready === false) continue;
      for (const ip of endpoint.addresses) {
        if (service.endpoints.some((known) => known.ip === ip)) continue;
        service.endpoints.push({ ip, ports, ...(endpoint.hostname ? { hostname: endpoint.hostname } : {}) });
        if (service.headless) addPointer(ip, `${endpoint.hostname ?? dashed(ip)}.${service.name}.${service.namespace}.svc.${settings.domain}`);
      }
    }
  }
  for (const service of index.services.values()) service.endpoints.sort((a, b) => (ipv4Value(a.ip) ?? 0) - (ipv4Value(b.ip) ?? 0));
  return index;
}

function soa(settings: ClusterDnsSettings, zone: string): ResourceRecord {
  // CoreDNS's SOA for the zone; the serial only has to change when records do, a fixed one is enough for caches that honour the TTL.
  return { name: zone, ttl: settings.ttl, data: { type: "SOA", mname: `ns.dns.${settings.domain}`, rname: `hostmaster.${settings.domain}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: settings.ttl } };
}

const refused: Resolution = { rcode: rcodes.REFUSED, authoritative: false, answers: [], authority: [], additional: [] };

function addressRecords(name: string, ips: readonly string[], type: number, ttl: number): ResourceRecord[] {
  return ips.flatMap((ip): ResourceRecord[] => {
    const v6 = ip.includes(":");
    if (type === recordTypes.A && !v6) return [{ name, ttl, data: { type: "A", address: ip } }];
    if (type === recordTypes.AAAA && v6) return [{ name, ttl, data: { type: "AAAA", address: ip } }];
    return [];
  });
}

/** The records of one name; undefined when the name does not exist (NXDOMAIN). */
function lookupCluster(index: ClusterDnsIndex, labels: string[], type: number): { answers: ResourceRecord[]; additional: ResourceRecord[] } | undefined {
  const { domain, ttl } = index.settings;
  const fullName = `${labels.join(".")}.${domain}`;
  const empty = { answers: [], additional: [] };
  if (labels.length === 0) return empty;
  const [last] = labels.slice(-1);
  if (labels.length === 1) return last === "svc" || last === "pod" ? empty : undefined;
  if (last === "pod") {
    if (labels.length === 2) return index.namespaces.has(labels[0]!) ? empty : undefined;
    const ip = labels.length === 3 ? labels[0]!.replaceAll("-", ".") : undefined;
    if (ip === undefined || ipv4Value(ip) === undefined) return undefined;
    return { answers: addressRecords(fullName, [ip], type, ttl), additional: [] };
  }
  if (last !== "svc") return undefined;
  const namespace = labels.at(-2)!;
  if (labels.length === 2) return index.namespaces.has(namespace) ? empty : undefined;
  const service = index.services.get(`${labels.at(-3)}.${namespace}`);
  if (service === undefined) return undefined;
  const serviceName = `${service.name}.${service.namespace}.svc.${domain}`;
  const endpointName = (endpoint: EndpointRecord) => `${endpoint.hostname ?? dashed(endpoint.ip)}.${serviceName}`;
  const srvFor = (ports: { name: string; protocol: string }[] | undefined) => {
    const wanted = (port: { name: string; protocol: string }) => ports === undefined || ports.some((p) => p.name === port.name && p.protocol === port.protocol);
    if (!service.headless) {
      return { answers: service.ports.filter((port) => port.name !== "" && wanted(port)).map((port): ResourceRecord => ({ name: fullName, ttl, data: { type: "SRV", priority: 0, weight: 100, port: port.port, target: serviceName } })), additional: addressRecords(serviceName, service.clusterIPs, recordTypes.A, ttl) };
    }
    const pairs = service.endpoints.flatMap((endpoint) => endpoint.ports.filter((port) => port.name !== "" && wanted(port)).map((port) => ({ endpoint, port })));
    // CoreDNS splits the weight 100 among the records of a priority.
    const weight = Math.floor(100 / Math.max(pairs.length, 1));
    return {
      answers: pairs.map(({ endpoint, port }): ResourceRecord => ({ name: fullName, ttl, data: { type: "SRV", priority: 0, weight, port: port.port, target: endpointName(endpoint) } })),
      additional: [...new Map(pairs.map(({ endpoint }) => [endpoint.ip, endpoint])).values()].flatMap((endpoint) => addressRecords(endpointName(endpoint), [endpoint.ip], recordTypes.A, ttl)),
    };
  };
  if (labels.length === 3) {
    if (service.externalName !== undefined) return { answers: [{ name: fullName, ttl, data: { type: "CNAME", target: service.externalName } }], additional: [] };
    if (type === recordTypes.SRV) return srvFor(undefined);
    const ips = service.headless ? service.endpoints.map((endpoint) => endpoint.ip) : service.clusterIPs;
    return { answers: addressRecords(fullName, ips, type, ttl), additional: [] };
  }
  if (labels.length === 4) {
    const endpoint = service.headless ? service.endpoints.find((candidate) => endpointName(candidate) === fullName) : undefined;
    if (endpoint !== undefined) return { answers: addressRecords(fullName, [endpoint.ip], type, ttl), additional: [] };
    // "_<proto>.<svc>..." exists as the parent of the SRV names.
    return labels[0]!.startsWith("_") && service.ports.some((port) => `_${port.protocol.toLowerCase()}` === labels[0]) ? empty : undefined;
  }
  if (labels.length === 5 && labels[0]!.startsWith("_") && labels[1]!.startsWith("_")) {
    const port = service.ports.find((candidate) => `_${candidate.name}` === labels[0] && `_${candidate.protocol.toLowerCase()}` === labels[1]);
    if (port === undefined || port.name === "") return undefined;
    return type === recordTypes.SRV ? srvFor([port]) : empty;
  }
  return undefined;
}

export function resolveQuestion(index: ClusterDnsIndex, rawName: string, type: number): Resolution {
  const { domain, ttl, reverseCidrs } = index.settings;
  const name = normalizeName(rawName);
  if (name === domain || name.endsWith(`.${domain}`)) {
    const labels = name === domain ? [] : name.slice(0, -(domain.length + 1)).split(".");
    const found = lookupCluster(index, labels, type);
    if (found === undefined) return { rcode: rcodes.NXDOMAIN, authoritative: true, answers: [], authority: [soa(index.settings, domain)], additional: [] };
    if (labels.length === 0 && type === recordTypes.SOA) return { rcode: rcodes.NOERROR, authoritative: true, answers: [soa(index.settings, domain)], authority: [], additional: [] };
    // A CNAME answers every type; any other empty answer is NODATA, told by the SOA.
    return { rcode: rcodes.NOERROR, authoritative: true, answers: found.answers, authority: found.answers.length === 0 ? [soa(index.settings, domain)] : [], additional: found.additional };
  }
  if (name.endsWith(".in-addr.arpa")) {
    const ip = name.slice(0, -".in-addr.arpa".length).split(".").reverse().join(".");
    const zone = reverseCidrs.find((cidr) => ipv4Value(ip) !== undefined && inCidr(ip, cidr));
    if (zone === undefined) return refused;
    const targets = index.pointers.get(name);
    const zoneName = reverseName(zone.split("/")[0]!).split(".").slice(Math.ceil((32 - Number(zone.split("/")[1])) / 8)).join(".");
    if (targets === undefined) return { rcode: rcodes.NXDOMAIN, authoritative: true, answers: [], authority: [soa(index.settings, zoneName)], additional: [] };
    const answers = type === recordTypes.PTR ? targets.map((target): ResourceRecord => ({ name, ttl, data: { type: "PTR", target } })) : [];
    return { rcode: rcodes.NOERROR, authoritative: true, answers, authority: answers.length === 0 ? [soa(index.settings, zoneName)] : [], additional: [] };
  }
  return refused;
}
