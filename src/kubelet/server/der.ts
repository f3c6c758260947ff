// ASN.1 DER encoding of the few types an X.509 certificate needs (X.690):
// each value is tag, length, contents; lengths over 127 take a length-of-
// length byte. Builders return complete TLVs, so they nest by concatenation.
import { isIPv4, isIPv6 } from "node:net";

export class DerError extends Error {
  readonly reason = "DerError" as const;
}

export function tlv(tag: number, contents: Uint8Array): Buffer {
  const n = contents.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else {
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(header), contents]);
}

export const sequence = (...items: Uint8Array[]) => tlv(0x30, Buffer.concat(items));
export const set = (...items: Uint8Array[]) => tlv(0x31, Buffer.concat(items));
/** [n] EXPLICIT: a constructed context tag around a complete value. */
export const explicit = (n: number, value: Uint8Array) => tlv(0xa0 | n, value);
/** [n] IMPLICIT for a primitive value: its contents under a context tag. */
export const implicit = (n: number, contents: Uint8Array) => tlv(0x80 | n, contents);
export const octetString = (contents: Uint8Array) => tlv(0x04, contents);
export const utf8String = (text: string) => tlv(0x0c, Buffer.from(text, "utf8"));
export const boolean = (value: boolean) => tlv(0x01, Buffer.of(value ? 0xff : 0x00));

/** A non-negative INTEGER from its big-endian magnitude: no superfluous leading zeros, a zero added when the top bit is set. */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.length === 0 ? Buffer.of(0) : Buffer.from(magnitude.subarray(start));
  return tlv(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.of(0), trimmed]) : trimmed);
}

export const smallInteger = (n: number) => unsignedInteger(Buffer.of(n));

/** A BIT STRING of whole bytes, or with unusedBits trailing bits of the last byte unused. */
export function bitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  if (unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0)) throw new DerError(`bit string: ${unusedBits} unused bits`);
  return tlv(0x03, Buffer.concat([Buffer.of(unusedBits), bytes]));
}

/** An OBJECT IDENTIFIER from dotted text: the first two arcs share a byte, the rest are base-128. */
export function objectIdentifier(dotted: string): Buffer {
  if (!/^[0-2](\.\d+)+$/.test(dotted)) throw new DerError(`not an object identifier: ${dotted}`);
  const arcs = dotted.split(".").map(Number);
  const [first, second, ...rest] = arcs as [number, number, ...number[]];
  if (first < 2 && second > 39) throw new DerError(`not an object identifier: ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** X.509's Time: UTCTime (YYMMDDHHMMSSZ) for 1950–2049, GeneralizedTime (YYYYMMDDHHMMSSZ) otherwise; whole seconds, UTC. */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const rest = `${pad2(date.getUTCMonth() + 1)}${pad2(date.getUTCDate())}${pad2(date.getUTCHours())}${pad2(date.getUTCMinutes())}${pad2(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(`${pad2(year % 100)}${rest}`, "ascii"));
  return tlv(0x18, Buffer.from(`${String(year).padStart(4, "0")}${rest}`, "ascii"));
}

/** The 4 or 16 bytes of an IP address. */
export function ipAddressBytes(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split(".").map(Number));
  if (!isIPv6(address)) throw new DerError(`not an IP address: ${address}`);
  let text = address.replace(/%.*$/, "");
  // An IPv4 tail ("::ffff:1.2.3.4") becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}
