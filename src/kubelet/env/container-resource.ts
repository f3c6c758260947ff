// The downward API's resourceFieldRef: a container's limit or request divided
// by the divisor and rounded up, where a missing limit means the node's
// allocatable amount (the container may use all of it).
import type { Container, ResourceFieldSelector } from "kubernetes-types/core/v1";
import { Quantity } from "../../api/quantity.ts";
import { DownwardApiError } from "./env-errors.ts";

/** Quantities by resource name, e.g. { cpu: "4", memory: "8Gi" }. */
export type ResourceAmounts = Record<string, string>;

const DEFAULTED_LIMITS = new Set(["cpu", "memory", "ephemeral-storage"]);

export function containerResourceValue(container: Container, selector: ResourceFieldSelector, nodeAllocatable?: ResourceAmounts): string {
  const [kind, resourceName] = splitResource(selector.resource);
  const divisor = parseDivisor(selector.divisor);
  const amount = amountOf(container, kind, resourceName, nodeAllocatable);
  if (resourceName === "cpu") return String(ceilDivide(amount.milliValue(), divisor.milliValue()));
  return String(ceilDivide(amount.value(), divisor.value()));
}

function splitResource(resource: string): ["limits" | "requests", string] {
  const dot = resource.indexOf(".");
  const kind = resource.slice(0, dot);
  const name = resource.slice(dot + 1);
  const known = name === "cpu" || name === "memory" || name === "ephemeral-storage" || name.startsWith("hugepages-");
  if (dot === -1 || (kind !== "limits" && kind !== "requests") || !known) {
    throw new DownwardApiError(`unsupported container resource : ${resource}`);
  }
  return [kind, name];
}

function amountOf(container: Container, kind: "limits" | "requests", resourceName: string, nodeAllocatable?: ResourceAmounts): Quantity {
  const given = container.resources?.[kind]?.[resourceName];
  if (given !== undefined) return parse(String(given), `${kind}.${resourceName}`);
  if (kind === "requests" || !DEFAULTED_LIMITS.has(resourceName)) return Quantity.fromValue(0, "DecimalSI");
  const allocatable = nodeAllocatable?.[resourceName];
  if (allocatable === undefined) {
    throw new DownwardApiError(`container ${container.name} sets no ${kind}.${resourceName} and the node's allocatable ${resourceName} is unknown`);
  }
  return parse(allocatable, `allocatable ${resourceName}`);
}

function parseDivisor(divisor: string | number | undefined): Quantity {
  if (divisor === undefined || divisor === "" || divisor === 0 || divisor === "0") return Quantity.parse("1");
  return parse(String(divisor), "divisor");
}

function parse(text: string, what: string): Quantity {
  try {
    return Quantity.parse(text);
  } catch (e) {
    throw new DownwardApiError(`invalid ${what} quantity ${JSON.stringify(text)}`, { cause: e });
  }
}

function ceilDivide(dividend: bigint, divisor: bigint): bigint {
  if (divisor === 0n) throw new DownwardApiError("divisor rounds to zero");
  const quotient = dividend / divisor;
  return dividend % divisor !== 0n && dividend > 0n === divisor > 0n ? quotient + 1n : quotient;
}
