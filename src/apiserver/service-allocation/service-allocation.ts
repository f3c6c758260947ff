// What a Service write asks of the allocators, as data: the cluster IP and
// node ports a created or updated Service gets (requested values honoured,
// the rest picked from the ranges), what an update keeps from the stored
// object, and the field errors of values that cannot be had. The caller says
// what other Services hold; this file does no I/O.
import { FieldPath, invalid, type FieldError } from "../../api/validation/field-error.ts";
import { pickFreeOffset } from "./allocation-range.ts";
import type { Ipv4Range } from "./ipv4-range.ts";
import type { PortRange } from "./port-range.ts";

export interface ServicePortShape {
  name?: string;
  protocol?: string;
  port?: number;
  nodePort?: number;
  [field: string]: unknown;
}

export interface ServiceSpecShape {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  selector?: Record<string, string>;
  ports?: ServicePortShape[];
  allocateLoadBalancerNodePorts?: boolean;
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  [field: string]: unknown;
}

export interface AllocationContext {
  ipRange: Ipv4Range;
  portRange: PortRange;
  /** Cluster IPs and node ports other Services hold (or are being given right now). */
  takenIps: ReadonlySet<string>;
  takenPorts: ReadonlySet<number>;
  /** [0, 1): where the scan for a free value starts. */
  random: () => number;
}

export interface AllocationResult {
  /** Values newly taken by this write (not those kept from the stored object). */
  ips: string[];
  ports: number[];
  errors: FieldError[];
}

const specPath = FieldPath.of("spec");
const typeOf = (spec: ServiceSpecShape): string => spec.type || "ClusterIP";
const hasClusterIP = (spec: ServiceSpecShape): boolean => typeOf(spec) !== "ExternalName";
const isHeadless = (spec: ServiceSpecShape): boolean => spec.clusterIP === "None";

function needsNodePorts(spec: ServiceSpecShape): boolean {
  const type = typeOf(spec);
  return type === "NodePort" || (type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);
}

/** Load balancers that keep client addresses need a node port for their health checks. */
const needsHealthCheckPort = (spec: ServiceSpecShape): boolean => typeOf(spec) === "LoadBalancer" && spec.externalTrafficPolicy === "Local";

const samePort = (a: ServicePortShape, b: ServicePortShape): boolean => a.port === b.port && (a.protocol || "TCP") === (b.protocol || "TCP");

/**
 * Fills spec (in place) with what the allocators give it. oldSpec is the
 * stored Service's spec on update, undefined on create.
 */
export function allocateForService(spec: ServiceSpecShape, oldSpec: ServiceSpecShape | undefined, context: AllocationContext): AllocationResult {
  const result: AllocationResult = { ips: [], ports: [], errors: [] };
  if (oldSpec !== undefined) keepOrDropAllocated(spec, oldSpec);
  if (hasClusterIP(spec)) assignClusterIP(spec, oldSpec, context, result);
  if (needsNodePorts(spec)) assignNodePorts(spec, oldSpec, context, result);
  if (needsHealthCheckPort(spec)) assignHealthCheckPort(spec, oldSpec, context, result);
  return result;
}

/**
 * An update that leaves allocated fields empty keeps the stored values, as
 * upstream does for clients that send what they read without those fields;
 * a type change drops the values the new type cannot have, if unchanged.
 */
function keepOrDropAllocated(spec: ServiceSpecShape, oldSpec: ServiceSpecShape): void {
  if (hasClusterIP(spec) && hasClusterIP(oldSpec) && !spec.clusterIP && (spec.clusterIPs ?? []).length === 0 && oldSpec.clusterIP) {
    spec.clusterIP = oldSpec.clusterIP;
    if (oldSpec.clusterIPs !== undefined) spec.clusterIPs = [...oldSpec.clusterIPs];
  }
  if (!hasClusterIP(spec) && hasClusterIP(oldSpec)) {
    if (spec.clusterIP === oldSpec.clusterIP) delete spec.clusterIP;
    if (sameList(spec.clusterIPs, oldSpec.clusterIPs)) delete spec.clusterIPs;
    if (sameList(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === oldSpec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  if (hasClusterIP(spec) && spec.clusterIP === oldSpec.clusterIP) {
    spec.ipFamilies ??= oldSpec.ipFamilies;
    spec.ipFamilyPolicy ??= oldSpec.ipFamilyPolicy;
  }
  if (needsHealthCheckPort(oldSpec) && oldSpec.healthCheckNodePort) {
    if (needsHealthCheckPort(spec)) spec.healthCheckNodePort ||= oldSpec.healthCheckNodePort;
    else if (spec.healthCheckNodePort === oldSpec.healthCheckNodePort) delete spec.healthCheckNodePort;
  }
  const oldPorts = needsNodePorts(oldSpec) ? (oldSpec.ports ?? []) : [];
  for (const port of spec.ports ?? []) {
    const previous = oldPorts.find((p) => samePort(p, port) && p.nodePort);
    if (previous === undefined) continue;
    if (needsNodePorts(spec) && !port.nodePort) port.nodePort = previous.nodePort;
    if (!needsNodePorts(spec) && port.nodePort === previous.nodePort) delete port.nodePort;
  }
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return (a ?? []).length === (b ?? []).length && (a ?? []).every((v, i) => v === b?.[i]);
}

function assignClusterIP(spec: ServiceSpecShape, oldSpec: ServiceSpecShape | undefined, context: AllocationContext, result: AllocationResult): void {
  const requested = spec.clusterIP || spec.clusterIPs?.[0] || "";
  if (isHeadless(spec) || requested === "None") {
    spec.clusterIP = "None";
    spec.clusterIPs = ["None"];
    spec.ipFamilies ??= ["IPv4"];
    // Upstream: a headless Service without selector may serve both families.
    spec.ipFamilyPolicy ??= spec.selector === undefined || Object.keys(spec.selector).length === 0 ? "RequireDualStack" : "SingleStack";
    return;
  }
  const kept = oldSpec !== undefined && hasClusterIP(oldSpec) && requested !== "" && requested === oldSpec.clusterIP;
  if (!kept) {
    const ip = requested === "" ? pickIp(context, result) : claimIp(requested, spec, context, result);
    if (ip === undefined) return;
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  } else if ((spec.clusterIPs ?? []).length === 0) {
    spec.clusterIPs = [requested];
  }
  spec.ipFamilies ??= ["IPv4"];
  spec.ipFamilyPolicy ??= "SingleStack";
}

function pickIp(context: AllocationContext, result: AllocationResult): string | undefined {
  const { ipRange } = context;
  const offset = pickFreeOffset(ipRange, (o) => context.takenIps.has(ipRange.addressAt(o)), context.random);
  if (offset === undefined) {
    result.errors.push(invalid(specPath.child("clusterIPs"), [], "failed to allocate a serviceIP: range is full"));
    return undefined;
  }
  const ip = ipRange.addressAt(offset);
  result.ips.push(ip);
  return ip;
}

function claimIp(requested: string, spec: ServiceSpecShape, context: AllocationContext, result: AllocationResult): string | undefined {
  const refuse = (why: string) => {
    result.errors.push(invalid(specPath.child("clusterIPs"), spec.clusterIPs ?? [requested], `failed to allocate IP ${requested}: ${why}`));
    return undefined;
  };
  if (context.ipRange.offsetOf(requested) === undefined) return refuse(`provided IP ${requested} is not in the valid range`);
  if (context.takenIps.has(requested)) return refuse("provided IP is already allocated");
  result.ips.push(requested);
  return requested;
}

function assignNodePorts(spec: ServiceSpecShape, oldSpec: ServiceSpecShape | undefined, context: AllocationContext, result: AllocationResult): void {
  const { portRange } = context;
  const heldBefore = new Set((oldSpec !== undefined && needsNodePorts(oldSpec) ? (oldSpec.ports ?? []) : []).map((p) => p.nodePort).filter((p) => p !== undefined && p !== 0));
  // One Service may use a node port for several protocols; the port is taken once.
  const mine = new Set<number>();
  const taken = (port: number) => context.takenPorts.has(port) || result.ports.includes(port);
  (spec.ports ?? []).forEach((port, i) => {
    const requested = port.nodePort ?? 0;
    if (requested !== 0) {
      if (heldBefore.has(requested) || mine.has(requested)) {
        mine.add(requested);
        return;
      }
      const path = specPath.child("ports").index(i).child("nodePort");
      if (requested < portRange.first || requested > portRange.last) {
        result.errors.push(invalid(path, requested, `provided port is not in the valid range. The range of valid ports is ${portRange.text}`));
      } else if (taken(requested)) {
        result.errors.push(invalid(path, requested, "provided port is already allocated"));
      } else {
        result.ports.push(requested);
        mine.add(requested);
      }
      return;
    }
    const offset = pickFreeOffset(portRange, (o) => taken(portRange.first + o) || heldBefore.has(portRange.first + o), context.random);
    if (offset === undefined) {
      result.errors.push(invalid(specPath.child("ports").index(i).child("nodePort"), 0, "failed to allocate a nodePort: range is full"));
      return;
    }
    port.nodePort = portRange.first + offset;
    result.ports.push(port.nodePort);
    mine.add(port.nodePort);
  });
}

function assignHealthCheckPort(spec: ServiceSpecShape, oldSpec: ServiceSpecShape | undefined, context: AllocationContext, result: AllocationResult): void {
  const { portRange } = context;
  const requested = spec.healthCheckNodePort ?? 0;
  if (requested !== 0 && oldSpec !== undefined && needsHealthCheckPort(oldSpec) && oldSpec.healthCheckNodePort === requested) return;
  const taken = (port: number) => context.takenPorts.has(port) || result.ports.includes(port) || (spec.ports ?? []).some((p) => p.nodePort === port);
  const path = specPath.child("healthCheckNodePort");
  if (requested !== 0) {
    const why = requested < portRange.first || requested > portRange.last ? `provided port is not in the valid range. The range of valid ports is ${portRange.text}` : taken(requested) ? "provided port is already allocated" : undefined;
    if (why !== undefined) result.errors.push(invalid(path, requested, `failed to allocate requested HealthCheck NodePort ${requested}: ${why}`));
    else result.ports.push(requested);
    return;
  }
  const offset = pickFreeOffset(portRange, (o) => taken(portRange.first + o), context.random);
  if (offset === undefined) {
    result.errors.push(invalid(path, 0, "failed to allocate a nodePort: range is full"));
    return;
  }
  spec.healthCheckNodePort = portRange.first + offset;
  result.ports.push(spec.healthCheckNodePort);
}
