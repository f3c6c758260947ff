// IP and CIDR checks as upstream's "sloppy" parsers accept them: IPv4 parts
// may carry leading zeros, IPv6 follows the usual text forms.
import { isIPv6 } from "node:net";
import { invalid, type FieldError, type FieldPath } from "./field-error.ts";

export type IPFamily = "IPv4" | "IPv6";

function isSloppyIPv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}

export function ipFamily(text: string): IPFamily | undefined {
  if (isSloppyIPv4(text)) return "IPv4";
  if (isIPv6(text)) return "IPv6";
  return undefined;
}

/** The four (or sixteen) bytes of an address, for range checks. */
function ipBytes(text: string): number[] | undefined {
  const family = ipFamily(text);
  if (family === "IPv4") return text.split(".").map(Number);
  if (family !== "IPv6") return undefined;
  const [head = "", tail] = text.split("::");
  const groups = (part: string): string[] => (part === "" ? [] : part.split(":"));
  let left = groups(head);
  let right = tail === undefined ? [] : groups(tail);
  const expandV4 = (list: string[]): string[] => {
    const last = list[list.length - 1];
    if (last === undefined || !last.includes(".")) return list;
    const b = last.split(".").map(Number);
    return [...list.slice(0, -1), (((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16), (((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)];
  };
  left = expandV4(left);
  right = expandV4(right);
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

export function isValidIP(path: FieldPath, value: string): FieldError[] {
  return ipFamily(value) === undefined ? [invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")] : [];
}

export function isValidIPv4Address(path: FieldPath, value: string): FieldError[] {
  return ipFamily(value) === "IPv4" ? [] : [invalid(path, value, "must be a valid IPv4 address")];
}

export function isValidIPv6Address(path: FieldPath, value: string): FieldError[] {
  return ipFamily(value) === "IPv6" ? [] : [invalid(path, value, "must be a valid IPv6 address")];
}

export function isValidCIDR(path: FieldPath, value: string): FieldError[] {
  const [address = "", prefix, extra] = value.split("/");
  const family = ipFamily(address);
  const bits = family === "IPv4" ? 32 : 128;
  const ok = family !== undefined && prefix !== undefined && extra === undefined && /^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= bits;
  return ok ? [] : [invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")];
}

/** Endpoint and external IPs may not be unspecified, loopback or link-local. */
export function validateNonSpecialIP(path: FieldPath, value: string): FieldError[] {
  const bytes = ipBytes(value);
  if (bytes === undefined) return [invalid(path, value, "must be a valid IP address")];
  const errs: FieldError[] = [];
  const v4 = bytes.length === 4;
  const b0 = bytes[0] ?? 0;
  const b1 = bytes[1] ?? 0;
  if (bytes.every((b) => b === 0)) errs.push(invalid(path, value, `may not be unspecified (${value})`));
  const loopback = v4 ? b0 === 127 : bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1;
  if (loopback) errs.push(invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  const linkLocalUnicast = v4 ? b0 === 169 && b1 === 254 : b0 === 0xfe && (b1 & 0xc0) === 0x80;
  if (linkLocalUnicast) errs.push(invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  const linkLocalMulticast = v4 ? b0 === 224 && b1 === 0 && bytes[2] === 0 : b0 === 0xff && (b1 & 0x0f) === 0x02;
  if (linkLocalMulticast) errs.push(invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  return errs;
}
