// Where probes may connect: pods' addresses inside the cluster's pod network,
// loopback 127.0.0.1 (host-network pods listen there) and the node's own
// addresses. Anything else is refused, so a pod spec cannot make the kubelet
// send traffic elsewhere.
import { isIPv4 } from "node:net";

export interface ProbeTargetPolicy {
  /** IPv4 CIDR of the pod network, e.g. "10.42.0.0/16". */
  podCidr: string;
  nodeIPs: string[];
}

export const DEFAULT_POD_CIDR = "10.42.0.0/16";

/** Undefined when allowed; otherwise why not, as the probe's failure message. */
export function refusalOf(host: string, policy: ProbeTargetPolicy): string | undefined {
  if (host === "127.0.0.1" || policy.nodeIPs.includes(host)) return undefined;
  if (isIPv4(host) && inCidr(host, policy.podCidr)) return undefined;
  return `probe target ${JSON.stringify(host)} refused: probes reach only pod IPs in ${policy.podCidr}, 127.0.0.1 and this node's addresses (${policy.nodeIPs.join(", ") || "none known"})`;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = "", bitsText = "32"] = cidr.split("/");
  const bits = Number(bitsText);
  if (!isIPv4(base) || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((ipv4Number(ip) & mask) >>> 0) === ((ipv4Number(base) & mask) >>> 0);
}

function ipv4Number(ip: string): number {
  return ip.split(".").reduce((total, octet) => total * 256 + Number(octet), 0);
}
