// Resource amounts as plain numbers (milli-CPU, bytes, counts) so the filter
// and score loops never touch Quantity objects: quantities are parsed once,
// when a pod or node enters the scheduler's view.
import { parseQuantity } from "../../api/quantity.ts";

/** A ResourceList as the API carries it: resource name to quantity text. */
export type ResourceList = Readonly<Record<string, string | number>>;

export const CPU = "cpu";
export const MEMORY = "memory";
export const EPHEMERAL_STORAGE = "ephemeral-storage";
export const PODS = "pods";

export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources and hugepages, by resource name; only non-zero entries. */
  scalar: Map<string, number>;
}

export function emptyResources(): Resources {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() };
}

export function copyResources(source: Resources): Resources {
  return { ...source, scalar: new Map(source.scalar) };
}

/** Reads a ResourceList; "pods" is a count the node reports, not a request, and is left out. */
export function resourcesFromList(list: ResourceList | undefined): Resources {
  const resources = emptyResources();
  if (list === undefined) return resources;
  for (const name in list) {
    if (name === PODS || !Object.hasOwn(list, name)) continue;
    const text = String(list[name]);
    if (name === CPU) resources.milliCpu = parsedAmount(text, true);
    else if (name === MEMORY) resources.memory = parsedAmount(text, false);
    else if (name === EPHEMERAL_STORAGE) resources.ephemeralStorage = parsedAmount(text, false);
    else {
      const amount = parsedAmount(text, false);
      if (amount !== 0) resources.scalar.set(name, amount);
    }
  }
  return resources;
}

// Pods of one workload repeat the same few quantity texts ("100m", "500Mi"):
// each is parsed once. Bounded, so odd texts cannot grow it without limit.
const parsedValues = new Map<string, number>();
const parsedMilliValues = new Map<string, number>();
const maxParsed = 1024;

function parsedAmount(text: string, milli: boolean): number {
  const memo = milli ? parsedMilliValues : parsedValues;
  const known = memo.get(text);
  if (known !== undefined) return known;
  const quantity = parseQuantity(text);
  const amount = Number(milli ? quantity.milliValue() : quantity.value());
  if (memo.size >= maxParsed) memo.clear();
  memo.set(text, amount);
  return amount;
}

export function allowedPodCount(list: ResourceList | undefined): number {
  const text = list?.[PODS];
  return text === undefined ? 0 : Number(parseQuantity(String(text)).value());
}

/** target += sign * addend, in place. */
export function addResources(target: Resources, addend: Resources, sign: 1 | -1 = 1): void {
  target.milliCpu += sign * addend.milliCpu;
  target.memory += sign * addend.memory;
  target.ephemeralStorage += sign * addend.ephemeralStorage;
  // Most pods name no extended resource: no iterator for an empty map.
  if (addend.scalar.size === 0) return;
  for (const [name, amount] of addend.scalar) {
    const next = (target.scalar.get(name) ?? 0) + sign * amount;
    if (next === 0) target.scalar.delete(name);
    else target.scalar.set(name, next);
  }
}

/** target = max(target, other) per resource, in place. */
export function maxResources(target: Resources, other: Resources): void {
  target.milliCpu = Math.max(target.milliCpu, other.milliCpu);
  target.memory = Math.max(target.memory, other.memory);
  target.ephemeralStorage = Math.max(target.ephemeralStorage, other.ephemeralStorage);
  if (other.scalar.size === 0) return;
  for (const [name, amount] of other.scalar) {
    if (amount > (target.scalar.get(name) ?? 0)) target.scalar.set(name, amount);
  }
}

/** The amount of one named resource, for plugins configured by resource name. */
export function resourceAmount(resources: Resources, name: string): number {
  switch (name) {
    case CPU:
      return resources.milliCpu;
    case MEMORY:
      return resources.memory;
    case EPHEMERAL_STORAGE:
      return resources.ephemeralStorage;
    default:
      return resources.scalar.get(name) ?? 0;
  }
}
