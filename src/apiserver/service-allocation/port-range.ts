// A range of node ports as an allocation range (offset 0 = the first port).
import { staticBandSize, type AllocationRange } from "./allocation-range.ts";

export interface PortRange extends AllocationRange {
  readonly first: number;
  readonly last: number;
  /** "30000-32767", as upstream prints it. */
  readonly text: string;
}

export function portRange(first: number, last: number): PortRange {
  const size = last - first + 1;
  return { first, last, text: `${first}-${last}`, size, staticBand: staticBandSize(size, { min: 16, max: 128, step: 32 }) };
}

/** The cluster's node port range, upstream's default. */
export const defaultNodePortRange = portRange(30000, 32767);
