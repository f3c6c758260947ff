import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FieldPath, formatFieldError } from "./field-error.ts";
import { ipFamily, isValidCIDR, validateNonSpecialIP } from "./ip.ts";

const path = FieldPath.of("ip");

describe("ipFamily", () => {
  const cases: [string, string, string | undefined][] = [
    ["IPv4", "10.0.0.1", "IPv4"],
    ["IPv4 with leading zeros, as upstream tolerates", "010.000.000.001", "IPv4"],
    ["IPv6", "2001:db8::1", "IPv6"],
    ["IPv4-mapped IPv6", "::ffff:10.0.0.1", "IPv6"],
    ["out of range", "10.0.0.256", undefined],
    ["not an address", "example.com", undefined],
  ];
  for (const [name, text, expected] of cases) test(name, () => assert.equal(ipFamily(text), expected));
});

describe("isValidCIDR", () => {
  const cases: [string, boolean][] = [
    ["10.0.0.0/8", true],
    ["fd00::/64", true],
    ["10.0.0.0/33", false],
    ["10.0.0.0", false],
    ["fd00::/129", false],
  ];
  for (const [cidr, ok] of cases) test(cidr, () => assert.equal(isValidCIDR(path, cidr).length === 0, ok));
});

describe("validateNonSpecialIP", () => {
  const cases: [string, string[]][] = [
    ["10.1.2.3", []],
    ["0.0.0.0", ['ip: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']],
    ["::1", ['ip: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ["fe80::1", ['ip: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)']],
    ["224.0.0.5", ['ip: Invalid value: "224.0.0.5": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']],
  ];
  for (const [ip, expected] of cases) test(ip, () => assert.deepEqual(validateNonSpecialIP(path, ip).map(formatFieldError), expected));
});
