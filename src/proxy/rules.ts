// Pure: Services + EndpointSlices + node facts -> the iptables-restore text of
// our chains, in kube-proxy's iptables-mode layout (KUBE-SERVICES,
// KUBE-SVC-*, KUBE-EXT-*, KUBE-SEP-*, KUBE-NODEPORTS, KUBE-MARK-MASQ,
// KUBE-POSTROUTING in nat; KUBE-SERVICES and KUBE-EXTERNAL-SERVICES in
// filter for services without endpoints). The text is meant for
// `iptables-restore --noflush`: declaring a chain flushes it, so only our
// chains change and every other rule stays.
import { createHash } from "node:crypto";
import type { Service, ServicePort } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";

export interface ProxyInput {
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
  /** Every pod address of the cluster: traffic from elsewhere to a ClusterIP is masqueraded. */
  clusterCidr: string;
  /** This node: services with internalTrafficPolicy Local reach only endpoints on it. */
  nodeName: string;
  /** Chains of ours that exist in the kernel now (from the previous sync or iptables-save); the ones no longer wanted are deleted. */
  existingChains: { nat: readonly string[]; filter: readonly string[] };
}

export interface ProxyRules {
  text: string;
  /** The chains this text leaves in place, per table. */
  chains: { nat: string[]; filter: string[] };
}

/** A rule in a built-in chain that leads into ours; the shell makes sure each exists once. */
export interface JumpRule {
  table: "nat" | "filter";
  chain: string;
  args: string[];
}

export const masqueradeMark = "0x4000";
const defaultAffinitySeconds = 10800;

const natBaseChains = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"] as const;
const filterBaseChains = ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"] as const;

export const jumpRules: readonly JumpRule[] = [
  { table: "nat", chain: "PREROUTING", args: ["-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"] },
  { table: "nat", chain: "OUTPUT", args: ["-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"] },
  { table: "nat", chain: "POSTROUTING", args: ["-m", "comment", "--comment", "kubernetes postrouting rules", "-j", "KUBE-POSTROUTING"] },
  { table: "filter", chain: "FORWARD", args: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"] },
  { table: "filter", chain: "OUTPUT", args: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"] },
  { table: "filter", chain: "INPUT", args: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes externally-visible service portals", "-j", "KUBE-EXTERNAL-SERVICES"] },
  { table: "filter", chain: "FORWARD", args: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes externally-visible service portals", "-j", "KUBE-EXTERNAL-SERVICES"] },
];

/** Whether a chain name is one the proxy owns (and may delete). */
export function isProxyChain(name: string): boolean {
  return /^KUBE-(SERVICES|NODEPORTS|POSTROUTING|MARK-MASQ|EXTERNAL-SERVICES|(SVC|SEP|EXT)-[A-Z2-7]{16})$/.test(name);
}

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 (no padding needed: only a prefix is used). */
function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += base32Alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

function hash16(text: string): string {
  return base32(createHash("sha256").update(text).digest()).slice(0, 16);
}

/** "<namespace>/<service>" plus ":<port name>" when the port is named, as upstream's ServicePortName prints. */
export function servicePortName(namespace: string, service: string, portName: string | undefined): string {
  return `${namespace}/${service}${portName ? `:${portName}` : ""}`;
}

export function serviceChainName(portName: string, protocol: string): string {
  return `KUBE-SVC-${hash16(portName + protocol.toLowerCase())}`;
}

export function externalChainName(portName: string, protocol: string): string {
  return `KUBE-EXT-${hash16(portName + protocol.toLowerCase())}`;
}

export function endpointChainName(portName: string, protocol: string, endpoint: string): string {
  return `KUBE-SEP-${hash16(portName + protocol.toLowerCase() + endpoint)}`;
}

/**
 * The probability of the i-th of n remaining endpoints, 1/(n-i), printed as iptables-save prints it:
 * the kernel keeps it as a 31-bit fraction and iptables shows 11 decimals (1/3 -> 0.33333333349).
 */
export function statisticProbability(remaining: number): string {
  const stored = Math.round(0x80000000 / remaining);
  return (stored / 0x80000000).toFixed(11);
}

export interface ReadyEndpoint {
  ip: string;
  port: number;
}

/**
 * The endpoints of one service port traffic goes to: the ready ones; when none is ready, the serving and
 * terminating ones (upstream's fallback, so connections drain during a rollout). Deduplicated across slices.
 */
export function endpointsFor(slices: readonly EndpointSlice[], port: ServicePort, onlyNode?: string): ReadyEndpoint[] {
  const protocol = port.protocol ?? "TCP";
  const ready = new Map<string, ReadyEndpoint>();
  const fallback = new Map<string, ReadyEndpoint>();
  for (const slice of slices) {
    if (slice.addressType !== "IPv4") continue;
    const slicePort = (slice.ports ?? []).find((p) => (p.name ?? "") === (port.name ?? "") && (p.protocol ?? "TCP") === protocol);
    if (slicePort?.port === undefined) continue;
    for (const endpoint of slice.endpoints) {
      const ip = endpoint.addresses[0];
      if (ip === undefined || (onlyNode !== undefined && endpoint.nodeName !== onlyNode)) continue;
      const conditions = endpoint.conditions ?? {};
      const isReady = conditions.ready ?? true;
      const serving = conditions.serving ?? isReady;
      const terminating = conditions.terminating ?? false;
      const key = `${ip}:${slicePort.port}`;
      if (isReady) ready.set(key, { ip, port: slicePort.port });
      else if (serving && terminating) fallback.set(key, { ip, port: slicePort.port });
    }
  }
  const chosen = ready.size > 0 ? ready : fallback;
  return [...chosen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, endpoint]) => endpoint);
}

/** iptables-save quotes a comment only when it holds a space. */
function comment(text: string): string[] {
  return ["-m", "comment", "--comment", /\s/.test(text) ? `"${text}"` : text];
}

function protocolMatch(protocol: string): string[] {
  const lower = protocol.toLowerCase();
  return ["-m", lower, "-p", lower];
}

const serviceKey = (service: Service) => `${service.metadata?.namespace ?? ""}/${service.metadata?.name ?? ""}`;

function clusterIpOf(service: Service): string | undefined {
  const ip = service.spec?.clusterIP;
  if (ip === undefined || ip === "" || ip === "None" || ip.includes(":")) return undefined;
  return ip;
}

export function proxyRules(input: ProxyInput): ProxyRules {
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of input.endpointSlices) {
    const name = slice.metadata?.labels?.["kubernetes.io/service-name"];
    if (name === undefined) continue;
    const key = `${slice.metadata?.namespace ?? ""}/${name}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }
  const natChains: string[] = [...natBaseChains];
  const filterChains: string[] = [...filterBaseChains];
  const nat: string[] = [];
  const nodePorts: string[] = [];
  const filterServices: string[] = [];
  const filterExternal: string[] = [];
  const services = [...input.services].sort((a, b) => serviceKey(a).localeCompare(serviceKey(b)));
  for (const service of services) {
    const clusterIp = clusterIpOf(service);
    if (clusterIp === undefined || service.spec?.type === "ExternalName") continue;
    const namespace = service.metadata?.namespace ?? "";
    const slices = slicesByService.get(serviceKey(service)) ?? [];
    const affinity = service.spec?.sessionAffinity === "ClientIP";
    const affinitySeconds = service.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinitySeconds;
    for (const port of service.spec?.ports ?? []) {
      const protocol = port.protocol ?? "TCP";
      if (protocol === "SCTP") continue;
      const name = servicePortName(namespace, service.metadata?.name ?? "", port.name);
      const svcChain = serviceChainName(name, protocol);
      const extChain = externalChainName(name, protocol);
      const endpoints = endpointsFor(slices, port, service.spec?.internalTrafficPolicy === "Local" ? input.nodeName : undefined);
      const destination = ["-d", `${clusterIp}/32`, "--dport", String(port.port)];
      const nodePort = service.spec?.type === "NodePort" || service.spec?.type === "LoadBalancer" ? port.nodePort : undefined;
      if (endpoints.length === 0) {
        filterServices.push(["-A", "KUBE-SERVICES", ...comment(`${name} has no endpoints`), ...protocolMatch(protocol), ...destination, "-j", "REJECT"].join(" "));
        if (nodePort !== undefined) {
          filterExternal.push(["-A", "KUBE-EXTERNAL-SERVICES", ...comment(`${name} has no endpoints`), "-m", "addrtype", "--dst-type", "LOCAL", ...protocolMatch(protocol), "--dport", String(nodePort), "-j", "REJECT"].join(" "));
        }
        continue;
      }
      natChains.push(svcChain);
      nat.push(["-A", "KUBE-SERVICES", ...comment(`${name} cluster IP`), ...protocolMatch(protocol), ...destination, "-j", svcChain].join(" "));
      nat.push(["-A", svcChain, ...comment(`${name} cluster IP`), ...protocolMatch(protocol), ...destination, "!", "-s", input.clusterCidr, "-j", "KUBE-MARK-MASQ"].join(" "));
      if (nodePort !== undefined) {
        natChains.push(extChain);
        nodePorts.push(["-A", "KUBE-NODEPORTS", ...comment(name), ...protocolMatch(protocol), "--dport", String(nodePort), "-j", extChain].join(" "));
        nat.push(["-A", extChain, ...comment(`masquerade traffic for ${name} external destinations`), "-j", "KUBE-MARK-MASQ"].join(" "));
        nat.push(["-A", extChain, "-j", svcChain].join(" "));
      }
      const endpointChains = endpoints.map((endpoint) => endpointChainName(name, protocol, `${endpoint.ip}:${endpoint.port}`));
      if (affinity) {
        endpoints.forEach((endpoint, i) => {
          const sepChain = endpointChains[i]!;
          nat.push(["-A", svcChain, ...comment(`${name} -> ${endpoint.ip}:${endpoint.port}`), "-m", "recent", "--name", sepChain, "--rcheck", "--seconds", String(affinitySeconds), "--reap", "-j", sepChain].join(" "));
        });
      }
      endpoints.forEach((endpoint, i) => {
        const sepChain = endpointChains[i]!;
        const remaining = endpoints.length - i;
        const balance = remaining > 1 ? ["-m", "statistic", "--mode", "random", "--probability", statisticProbability(remaining)] : [];
        nat.push(["-A", svcChain, ...comment(`${name} -> ${endpoint.ip}:${endpoint.port}`), ...balance, "-j", sepChain].join(" "));
      });
      endpoints.forEach((endpoint, i) => {
        const sepChain = endpointChains[i]!;
        natChains.push(sepChain);
        // Hairpin: a pod reaching itself through the service must see the reply come from the service.
        nat.push(["-A", sepChain, ...comment(name), "-s", `${endpoint.ip}/32`, "-j", "KUBE-MARK-MASQ"].join(" "));
        const remember = affinity ? ["-m", "recent", "--name", sepChain, "--set"] : [];
        nat.push(["-A", sepChain, ...comment(name), ...protocolMatch(protocol), ...remember, "-j", "DNAT", "--to-destination", `${endpoint.ip}:${endpoint.port}`].join(" "));
      });
    }
  }
  const uniqueNat = [...new Set(natChains)];
  const staleNat = input.existingChains.nat.filter((chain) => isProxyChain(chain) && !uniqueNat.includes(chain));
  const staleFilter = input.existingChains.filter.filter((chain) => isProxyChain(chain) && !filterChains.includes(chain));
  const lines = [
    "*filter",
    ...[...filterChains, ...staleFilter].map((chain) => `:${chain} - [0:0]`),
    ...filterServices,
    ...filterExternal,
    ...staleFilter.map((chain) => `-X ${chain}`),
    "COMMIT",
    "*nat",
    ...[...uniqueNat, ...staleNat].map((chain) => `:${chain} - [0:0]`),
    `-A KUBE-POSTROUTING -m mark ! --mark ${masqueradeMark}/${masqueradeMark} -j RETURN`,
    // Clear the mark so a packet that is re-queued through the stack is not masqueraded twice.
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${masqueradeMark}`,
    `-A KUBE-POSTROUTING ${comment("kubernetes service traffic requiring SNAT").join(" ")} -j MASQUERADE --random-fully`,
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${masqueradeMark}`,
    ...nat,
    ...nodePorts,
    // Loopback destinations are left out: NodePorts on 127.0.0.1 would need route_localnet, which we do not turn on.
    `-A KUBE-SERVICES ${comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain").join(" ")} -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS`,
    ...staleNat.map((chain) => `-X ${chain}`),
    "COMMIT",
  ];
  return { text: `${lines.join("\n")}\n`, chains: { nat: uniqueNat, filter: [...filterChains] } };
}

/** The restore text that removes all our chains (their jumps must be gone first, or -X fails). */
export function cleanupRules(existingChains: { nat: readonly string[]; filter: readonly string[] }): string {
  const section = (table: string, chains: readonly string[]) => {
    const ours = chains.filter(isProxyChain);
    return [`*${table}`, ...ours.map((chain) => `:${chain} - [0:0]`), ...ours.map((chain) => `-X ${chain}`), "COMMIT"];
  };
  return `${[...section("filter", existingChains.filter), ...section("nat", existingChains.nat)].join("\n")}\n`;
}
