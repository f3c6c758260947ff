// Pure: the node's pod network as data. The CNI config containerd uses for
// pod sandboxes, and the host steps that keep cluster traffic on the
// machine: a blackhole under the per-node bridge routes, the service range
// routed to an empty device (a bridge with no ports: this kernel may lack
// the dummy driver), and a guard chain in iptables.

export interface NetworkSettings {
  /** This node's slice of the cluster CIDR, e.g. 10.42.0.0/24. */
  podCidr: string;
  /** Every pod address of the cluster, e.g. 10.42.0.0/16. */
  clusterCidr: string;
  serviceCidr: string;
  /** The pods' bridge; its name must start with "skiff" so the guard lets it through. */
  bridge: string;
  serviceDevice: string;
  /** Where host-local keeps its address leases. */
  ipamDataDir: string;
}

export const defaultNetworkSettings = {
  clusterCidr: "10.42.0.0/16",
  serviceCidr: "10.43.0.0/16",
  bridge: "skiff0",
  serviceDevice: "skiff-svc0",
} as const;

export const guardChain = "SKIFF-GUARD";
/** iptables' interface wildcard: every bridge and device we create. */
const ourInterfaces = "skiff+";

export type Command = readonly [string, ...string[]];

export interface SetupStep {
  /** When given and it succeeds, the step is already done and apply is skipped. */
  check?: Command;
  apply: Command;
}

export interface NetworkPlan {
  cniConfigFileName: string;
  cniConfig: object;
  setup: SetupStep[];
  /** Undoes setup; each command may fail harmlessly when its object is already gone. */
  teardown: Command[];
}

export class NetworkConfigError extends Error {
  constructor(
    readonly reason: "InvalidCidr" | "InvalidInterface",
    message: string,
  ) {
    super(message);
  }
}

export interface Ipv4Cidr {
  address: number;
  prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function parseIpv4Cidr(text: string): Ipv4Cidr {
  const [address, prefixText, ...rest] = text.split("/");
  const parsed = address === undefined ? undefined : parseIpv4(address);
  const prefix = Number(prefixText);
  if (parsed === undefined || rest.length > 0 || !/^\d{1,2}$/.test(prefixText ?? "") || prefix > 32) {
    throw new NetworkConfigError("InvalidCidr", `not an IPv4 CIDR: ${JSON.stringify(text)}`);
  }
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((parsed & mask) >>> 0 !== parsed) throw new NetworkConfigError("InvalidCidr", `${text} has host bits set`);
  return { address: parsed, prefix };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const { address, prefix } = parseIpv4Cidr(cidr);
  const value = parseIpv4(ip);
  if (value === undefined) return false;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (value & mask) >>> 0 === address;
}

function validate(settings: NetworkSettings): void {
  const cluster = parseIpv4Cidr(settings.clusterCidr);
  const pod = parseIpv4Cidr(settings.podCidr);
  parseIpv4Cidr(settings.serviceCidr);
  if (pod.prefix < cluster.prefix || !cidrContains(settings.clusterCidr, settings.podCidr.split("/")[0] ?? "")) {
    throw new NetworkConfigError("InvalidCidr", `pod CIDR ${settings.podCidr} is not inside the cluster CIDR ${settings.clusterCidr}`);
  }
  for (const name of [settings.bridge, settings.serviceDevice]) {
    // Linux interface names are at most 15 bytes; the guard only spares names starting with "skiff".
    if (!/^skiff[a-z0-9-]{0,10}$/.test(name)) throw new NetworkConfigError("InvalidInterface", `interface name ${JSON.stringify(name)} must match skiff[a-z0-9-]{0,10}`);
  }
}

export function cniConfig(settings: NetworkSettings): object {
  return {
    cniVersion: "0.4.0",
    name: "skiff",
    plugins: [
      {
        type: "bridge",
        bridge: settings.bridge,
        isGateway: true,
        // No masquerade: pod traffic never leaves the machine, so nothing needs rewriting.
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: settings.podCidr }]],
          routes: [{ dst: "0.0.0.0/0" }],
          dataDir: settings.ipamDataDir,
        },
      },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  };
}

function guardRules(settings: NetworkSettings): Command[] {
  const iptables = (...args: string[]): Command => ["iptables", "-w", ...args];
  return [
    iptables("-A", guardChain, "-o", "lo", "-j", "RETURN"),
    iptables("-A", guardChain, "-o", ourInterfaces, "-j", "RETURN"),
    iptables("-A", guardChain, "-d", settings.clusterCidr, "-j", "DROP"),
    iptables("-A", guardChain, "-d", settings.serviceCidr, "-j", "DROP"),
    iptables("-A", guardChain, "-s", settings.clusterCidr, "-j", "DROP"),
  ];
}

export function networkPlan(settings: NetworkSettings): NetworkPlan {
  validate(settings);
  const setup: SetupStep[] = [
    { apply: ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"] },
    { check: ["ip", "link", "show", settings.serviceDevice], apply: ["ip", "link", "add", settings.serviceDevice, "type", "bridge"] },
    { apply: ["ip", "link", "set", settings.serviceDevice, "up"] },
    // A blackhole, not an unreachable route, and less specific than each node's bridge route.
    { apply: ["ip", "route", "replace", "blackhole", settings.clusterCidr] },
    // Not a blackhole: the host's own connections to a ClusterIP must route somewhere before NAT rewrites them;
    // a bridge with no ports swallows what is not rewritten.
    { apply: ["ip", "route", "replace", settings.serviceCidr, "dev", settings.serviceDevice] },
    { check: ["iptables", "-w", "-S", guardChain], apply: ["iptables", "-w", "-N", guardChain] },
    { apply: ["iptables", "-w", "-F", guardChain] },
    ...guardRules(settings).map((rule) => ({ apply: rule })),
    ...["FORWARD", "OUTPUT"].map((hook) => ({
      check: ["iptables", "-w", "-C", hook, "-j", guardChain] as const,
      apply: ["iptables", "-w", "-I", hook, "1", "-j", guardChain] as const,
    })),
  ];
  const teardown: Command[] = [
    ["iptables", "-w", "-D", "FORWARD", "-j", guardChain],
    ["iptables", "-w", "-D", "OUTPUT", "-j", guardChain],
    ["iptables", "-w", "-F", guardChain],
    ["iptables", "-w", "-X", guardChain],
    ["ip", "route", "del", "blackhole", settings.clusterCidr],
    ["ip", "route", "del", settings.serviceCidr, "dev", settings.serviceDevice],
    ["ip", "link", "del", settings.serviceDevice],
    ["ip", "link", "del", settings.bridge],
  ];
  return { cniConfigFileName: "10-skiff.conflist", cniConfig: cniConfig(settings), setup, teardown };
}
