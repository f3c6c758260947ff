// Pure: Services + EndpointSlices + node facts -> the iptables-restore text of
// our chains, in kube-proxy's iptables-mode layout (KUBE-SERVICES,
// KUBE-SVC-*, KUBE-EXT-*, KUBE-SEP-*, KUBE-NODEPORTS, KUBE-MARK-MASQ,
// KUBE-POSTROUTING in nat; KUBE-SERVICES and KUBE-EXTERNAL-SERVICES in
// filter for services without endpoints, KUBE-FIREWALL guarding localhost
// NodePorts). The text is meant for `iptables-restore --noflush`: declaring a
// chain flushes it, so only our chains change and every other rule stays.
// "KUBE" is a prefix: several proxies on one machine (agents of different
// test clusters) each own the chains and jumps of their own prefix.
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
  /** Chains that exist in the kernel now (from the previous sync or iptables-save); ours no longer wanted are deleted, others ignored. */
  existingChains: { nat: readonly string[]; filter: readonly string[] };
  /** Names of our chains; default upstream's KUBE-*. */
  names?: ChainNames;
  /**
   * The rules of each per-service and per-endpoint chain as the previous successful sync left them in the kernel
   * (its ProxyRules.applied); unchanged chains are left out of the text. Without it every chain is written.
   */
  applied?: ReadonlyMap<string, string>;
}

export interface ProxyRules {
  text: string;
  /** The chains this text leaves in place, per table. */
  chains: { nat: string[]; filter: string[] };
  /** The rules of every per-service and per-endpoint chain after this text is applied, for the next sync's input.applied. */
  applied: Map<string, string>;
}

/** A rule in a built-in chain that leads into ours; the shell makes sure each exists once. */
export interface JumpRule {
  table: "nat" | "filter";
  chain: string;
  args: string[];
  /** Inserted as the chain's first rule (default: nat jumps first, filter jumps appended after the guard chain). */
  first?: boolean;
}

export const masqueradeMark = "0x4000";
const defaultAffinitySeconds = 10800;

export class ChainPrefixError extends Error {
  readonly reason = "InvalidChainPrefix" as const;
}

/** The chain names of one proxy: upstream's with KUBE replaced by the prefix. */
export class ChainNames {
  readonly services: string;
  readonly nodePorts: string;
  readonly postrouting: string;
  readonly markMasq: string;
  readonly externalServices: string;
  readonly firewall: string;
  private readonly pattern: RegExp;

  /**
   * prefix: at most 7 characters (iptables allows 28 per chain name and "-SVC-" plus a 16-character hash take 21).
   * podBridge: the bridge of this agent's pods; when given, pod traffic from the other skiff bridges on this machine
   * (other agents' pods, other clusters with the same ClusterIPs) does not enter our chains.
   */
  constructor(
    readonly prefix = "KUBE",
    readonly podBridge?: string,
  ) {
    if (!/^[A-Z][A-Z0-9]{0,6}$/.test(prefix)) throw new ChainPrefixError(`iptables chain prefix ${JSON.stringify(prefix)}: expected 1-7 capital letters or digits, starting with a letter`);
    if (podBridge !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,14}$/.test(podBridge)) throw new ChainPrefixError(`not an interface name: ${JSON.stringify(podBridge)}`);
    this.services = `${prefix}-SERVICES`;
    this.nodePorts = `${prefix}-NODEPORTS`;
    this.postrouting = `${prefix}-POSTROUTING`;
    this.markMasq = `${prefix}-MARK-MASQ`;
    this.externalServices = `${prefix}-EXTERNAL-SERVICES`;
    this.firewall = `${prefix}-FIREWALL`;
    this.pattern = new RegExp(`^${prefix}-(SERVICES|NODEPORTS|POSTROUTING|MARK-MASQ|EXTERNAL-SERVICES|FIREWALL|(SVC|SEP|EXT)-[A-Z2-7]{16})$`);
  }

  /** Whether a chain name is one this proxy owns (and may delete). */
  isOurs(name: string): boolean {
    return this.pattern.test(name);
  }

  serviceChain(portName: string, protocol: string): string {
    return `${this.prefix}-SVC-${hash16(portName + protocol.toLowerCase())}`;
  }

  externalChain(portName: string, protocol: string): string {
    return `${this.prefix}-EXT-${hash16(portName + protocol.toLowerCase())}`;
  }

  endpointChain(portName: string, protocol: string, endpoint: string): string {
    return `${this.prefix}-SEP-${hash16(portName + protocol.toLowerCase() + endpoint)}`;
  }

  get natBase(): string[] {
    return [this.services, this.nodePorts, this.postrouting, this.markMasq];
  }

  get filterBase(): string[] {
    return [this.services, this.externalServices, this.firewall];
  }

  /** The rules in built-in chains that lead into ours; the shell makes sure each exists once, and removes them on stop. */
  get jumps(): JumpRule[] {
    const newConnections = ["-m", "conntrack", "--ctstate", "NEW"];
    // Arguments for iptables itself, not restore text: a comment with spaces is one argument, unquoted.
    const comment = (text: string) => ["-m", "comment", "--comment", text];
    const portals = (from: string[]): JumpRule => ({ table: "nat", chain: "PREROUTING", args: [...from, ...comment("kubernetes service portals"), "-j", this.services] });
    // skiff+ is every bridge of ours (the guard chain's convention): the other agents' pods go to their own proxy's chains.
    const prerouting = this.podBridge === undefined ? [portals([])] : [portals(["-i", this.podBridge]), portals(["!", "-i", "skiff+"])];
    return [
      ...prerouting,
      { table: "nat", chain: "OUTPUT", args: [...comment("kubernetes service portals"), "-j", this.services] },
      { table: "nat", chain: "POSTROUTING", args: [...comment("kubernetes postrouting rules"), "-j", this.postrouting] },
      { table: "filter", chain: "FORWARD", args: [...newConnections, ...comment("kubernetes service portals"), "-j", this.services] },
      { table: "filter", chain: "OUTPUT", args: [...newConnections, ...comment("kubernetes service portals"), "-j", this.services] },
      { table: "filter", chain: "INPUT", args: [...newConnections, ...comment("kubernetes externally-visible service portals"), "-j", this.externalServices] },
      { table: "filter", chain: "FORWARD", args: [...newConnections, ...comment("kubernetes externally-visible service portals"), "-j", this.externalServices] },
      // First in INPUT: no earlier ACCEPT may let loopback-addressed traffic from a pod bridge through.
      { table: "filter", chain: "INPUT", args: ["-j", this.firewall], first: true },
      { table: "filter", chain: "OUTPUT", args: ["-j", this.firewall] },
    ];
  }
}

export const defaultChainNames = new ChainNames();

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

/** Every sync names every chain again: the names of the last ones are kept (bounded), as a sha256 costs more than a lookup. */
const hashes = new Map<string, string>();
const maxRememberedHashes = 100_000;

function hash16(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) {
    hash = base32(createHash("sha256").update(text).digest()).slice(0, 16);
    if (hashes.size >= maxRememberedHashes) hashes.clear();
    hashes.set(text, hash);
  }
  return hash;
}

/** "<namespace>/<service>" plus ":<port name>" when the port is named, as upstream's ServicePortName prints. */
export function servicePortName(namespace: string, service: string, portName: string | undefined): string {
  return `${namespace}/${service}${portName ? `:${portName}` : ""}`;
}

export const serviceChainName = (portName: string, protocol: string) => defaultChainNames.serviceChain(portName, protocol);
export const endpointChainName = (portName: string, protocol: string, endpoint: string) => defaultChainNames.endpointChain(portName, protocol, endpoint);

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
  return [...chosen.entries()].sort(([a], [b]) => byCodePoint(a, b)).map(([, endpoint]) => endpoint);
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

/** Plain code-point order: localeCompare is far slower and the order only has to be stable. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function clusterIpOf(service: Service): string | undefined {
  const ip = service.spec?.clusterIP;
  if (ip === undefined || ip === "" || ip === "None" || ip.includes(":")) return undefined;
  return ip;
}

export function proxyRules(input: ProxyInput): ProxyRules {
  const names = input.names ?? defaultChainNames;
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of input.endpointSlices) {
    const name = slice.metadata?.labels?.["kubernetes.io/service-name"];
    if (name === undefined) continue;
    const key = `${slice.metadata?.namespace ?? ""}/${name}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }
  const natChains: string[] = names.natBase;
  const filterChains: string[] = names.filterBase;
  /** Rules of nat <prefix>-SERVICES, rewritten every sync. */
  const nat: string[] = [];
  /** Rules of the per-service and per-endpoint chains, by chain: left out of the text when the kernel holds them already. */
  const serviceChains = new Map<string, string[]>();
  const add = (chain: string, rule: string[]) => {
    const lines = serviceChains.get(chain) ?? [];
    lines.push(["-A", chain, ...rule].join(" "));
    serviceChains.set(chain, lines);
  };
  const nodePorts: string[] = [];
  const filterServices: string[] = [];
  const filterExternal: string[] = [];
  const services = input.services.map((service) => ({ key: serviceKey(service), service })).sort((a, b) => byCodePoint(a.key, b.key));
  for (const { key, service } of services) {
    const clusterIp = clusterIpOf(service);
    if (clusterIp === undefined || service.spec?.type === "ExternalName") continue;
    const namespace = service.metadata?.namespace ?? "";
    const slices = slicesByService.get(key) ?? [];
    const affinity = service.spec?.sessionAffinity === "ClientIP";
    const affinitySeconds = service.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinitySeconds;
    for (const port of service.spec?.ports ?? []) {
      const protocol = port.protocol ?? "TCP";
      if (protocol === "SCTP") continue;
      const name = servicePortName(namespace, service.metadata?.name ?? "", port.name);
      const svcChain = names.serviceChain(name, protocol);
      const extChain = names.externalChain(name, protocol);
      const endpoints = endpointsFor(slices, port, service.spec?.internalTrafficPolicy === "Local" ? input.nodeName : undefined);
      const destination = ["-d", `${clusterIp}/32`, "--dport", String(port.port)];
      const nodePort = service.spec?.type === "NodePort" || service.spec?.type === "LoadBalancer" ? port.nodePort : undefined;
      if (endpoints.length === 0) {
        filterServices.push(["-A", names.services, ...comment(`${name} has no endpoints`), ...protocolMatch(protocol), ...destination, "-j", "REJECT"].join(" "));
        if (nodePort !== undefined) {
          filterExternal.push(["-A", names.externalServices, ...comment(`${name} has no endpoints`), "-m", "addrtype", "--dst-type", "LOCAL", ...protocolMatch(protocol), "--dport", String(nodePort), "-j", "REJECT"].join(" "));
        }
        continue;
      }
      natChains.push(svcChain);
      nat.push(["-A", names.services, ...comment(`${name} cluster IP`), ...protocolMatch(protocol), ...destination, "-j", svcChain].join(" "));
      add(svcChain, [...comment(`${name} cluster IP`), ...protocolMatch(protocol), ...destination, "!", "-s", input.clusterCidr, "-j", names.markMasq]);
      if (nodePort !== undefined) {
        natChains.push(extChain);
        nodePorts.push(["-A", names.nodePorts, ...comment(name), ...protocolMatch(protocol), "--dport", String(nodePort), "-j", extChain].join(" "));
        add(extChain, [...comment(`masquerade traffic for ${name} external destinations`), "-j", names.markMasq]);
        add(extChain, ["-j", svcChain]);
      }
      const endpointChains = endpoints.map((endpoint) => names.endpointChain(name, protocol, `${endpoint.ip}:${endpoint.port}`));
      if (affinity) {
        endpoints.forEach((endpoint, i) => {
          const sepChain = endpointChains[i]!;
          add(svcChain, [...comment(`${name} -> ${endpoint.ip}:${endpoint.port}`), "-m", "recent", "--name", sepChain, "--rcheck", "--seconds", String(affinitySeconds), "--reap", "-j", sepChain]);
        });
      }
      endpoints.forEach((endpoint, i) => {
        const sepChain = endpointChains[i]!;
        const remaining = endpoints.length - i;
        const balance = remaining > 1 ? ["-m", "statistic", "--mode", "random", "--probability", statisticProbability(remaining)] : [];
        add(svcChain, [...comment(`${name} -> ${endpoint.ip}:${endpoint.port}`), ...balance, "-j", sepChain]);
      });
      endpoints.forEach((endpoint, i) => {
        const sepChain = endpointChains[i]!;
        natChains.push(sepChain);
        // Hairpin: a pod reaching itself through the service must see the reply come from the service.
        add(sepChain, [...comment(name), "-s", `${endpoint.ip}/32`, "-j", names.markMasq]);
        const remember = affinity ? ["-m", "recent", "--name", sepChain, "--set"] : [];
        add(sepChain, [...comment(name), ...protocolMatch(protocol), ...remember, "-j", "DNAT", "--to-destination", `${endpoint.ip}:${endpoint.port}`]);
      });
    }
  }
  const uniqueNat = [...new Set(natChains)];
  const applied = new Map([...serviceChains].map(([chain, lines]) => [chain, lines.join("\n")]));
  // Like kube-proxy's partial syncs: a chain whose rules the kernel holds already is neither declared (which would flush it) nor rewritten.
  const changed = uniqueNat.filter((chain) => !serviceChains.has(chain) || input.applied?.get(chain) !== applied.get(chain));
  const wantedNat = new Set(uniqueNat);
  const staleNat = input.existingChains.nat.filter((chain) => names.isOurs(chain) && !wantedNat.has(chain));
  const staleFilter = input.existingChains.filter.filter((chain) => names.isOurs(chain) && !filterChains.includes(chain));
  const lines = [
    "*filter",
    ...[...filterChains, ...staleFilter].map((chain) => `:${chain} - [0:0]`),
    ...filterServices,
    ...filterExternal,
    // route_localnet lets 127.0.0.1 be routed to pods; nothing from outside may use that to reach the host's loopback (CVE-2020-8558).
    `-A ${names.firewall} ${comment("block incoming localnet connections").join(" ")} -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
    ...staleFilter.map((chain) => `-X ${chain}`),
    "COMMIT",
    "*nat",
    ...[...changed, ...staleNat].map((chain) => `:${chain} - [0:0]`),
    `-A ${names.postrouting} -m mark ! --mark ${masqueradeMark}/${masqueradeMark} -j RETURN`,
    // Clear the mark so a packet that is re-queued through the stack is not masqueraded twice.
    `-A ${names.postrouting} -j MARK --xor-mark ${masqueradeMark}`,
    `-A ${names.postrouting} ${comment("kubernetes service traffic requiring SNAT").join(" ")} -j MASQUERADE --random-fully`,
    `-A ${names.markMasq} -j MARK --or-mark ${masqueradeMark}`,
    ...nat,
    ...nodePorts,
    // Loopback destinations included: NodePorts answer on 127.0.0.1 (the shell turns route_localnet on for the pod bridges).
    `-A ${names.services} ${comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain").join(" ")} -m addrtype --dst-type LOCAL -j ${names.nodePorts}`,
    ...changed.flatMap((chain) => serviceChains.get(chain) ?? []),
    ...staleNat.map((chain) => `-X ${chain}`),
    "COMMIT",
  ];
  return { text: `${lines.join("\n")}\n`, chains: { nat: uniqueNat, filter: [...filterChains] }, applied };
}

/** The restore text that removes all our chains (their jumps must be gone first, or -X fails). */
export function cleanupRules(existingChains: { nat: readonly string[]; filter: readonly string[] }, names: ChainNames = defaultChainNames): string {
  const section = (table: string, chains: readonly string[]) => {
    const ours = chains.filter((chain) => names.isOurs(chain));
    return [`*${table}`, ...ours.map((chain) => `:${chain} - [0:0]`), ...ours.map((chain) => `-X ${chain}`), "COMMIT"];
  };
  return `${[...section("filter", existingChains.filter), ...section("nat", existingChains.nat)].join("\n")}\n`;
}
