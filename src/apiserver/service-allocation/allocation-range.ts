// A range of allocatable values (addresses of the service CIDR, node ports)
// seen as offsets 0..size-1. Like upstream, the lowest `staticBand` offsets
// are kept for values users ask for by number (10.43.0.10 for DNS, say):
// dynamic allocation scans the upper band from a random start and only falls
// back to the static band once the upper one is full.

export interface AllocationRange {
  readonly size: number;
  readonly staticBand: number;
}

/** Upstream's band size: size/step clamped to [min, max], none for ranges smaller than min. */
export function staticBandSize(size: number, limits: { min: number; max: number; step: number }): number {
  if (size < limits.min) return 0;
  return Math.min(limits.max, Math.max(limits.min, Math.floor(size / limits.step)));
}

/** A free offset chosen as above, or undefined when every offset is taken. `random` returns [0, 1). */
export function pickFreeOffset(range: AllocationRange, isTaken: (offset: number) => boolean, random: () => number): number | undefined {
  return scanFrom(range.staticBand, range.size, isTaken, random) ?? scanFrom(0, range.staticBand, isTaken, random);
}

function scanFrom(start: number, end: number, isTaken: (offset: number) => boolean, random: () => number): number | undefined {
  const width = end - start;
  if (width <= 0) return undefined;
  const first = Math.floor(random() * width);
  for (let step = 0; step < width; step++) {
    const offset = start + ((first + step) % width);
    if (!isTaken(offset)) return offset;
  }
  return undefined;
}
