// An IPv4 CIDR as an allocation range: the network and broadcast addresses
// are never handed out, so offset 0 is the first host address.
import { staticBandSize, type AllocationRange } from "./allocation-range.ts";

export class InvalidCidrError extends Error {
  readonly reason = "InvalidCidr";
  constructor(cidr: string) {
    super(`invalid IPv4 CIDR: ${JSON.stringify(cidr)}`);
  }
}

export interface Ipv4Range extends AllocationRange {
  readonly cidr: string;
  /** The offset of an address, or undefined when it is not a host address of the range. */
  offsetOf(ip: string): number | undefined;
  addressAt(offset: number): string;
}

/** The 32-bit value of a dotted-quad address, or undefined when the text is not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export function ipv4Range(cidr: string): Ipv4Range {
  const [address, bitsText] = cidr.split("/");
  const base = parseIpv4(address ?? "");
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 30 || bitsText === undefined) throw new InvalidCidrError(cidr);
  const blockSize = 2 ** (32 - bits);
  const network = base - (base % blockSize);
  const size = blockSize - 2;
  return {
    cidr: `${formatIpv4(network)}/${bits}`,
    size,
    staticBand: staticBandSize(size, { min: 16, max: 256, step: 16 }),
    offsetOf(ip) {
      const value = parseIpv4(ip);
      if (value === undefined) return undefined;
      const offset = value - network - 1;
      return offset >= 0 && offset < size ? offset : undefined;
    },
    addressAt: (offset) => formatIpv4(network + 1 + offset),
  };
}
