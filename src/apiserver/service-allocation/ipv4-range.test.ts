import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InvalidCidrError, formatIpv4, ipv4Range, parseIpv4 } from "./ipv4-range.ts";

describe("ipv4Range", () => {
  const range = ipv4Range("10.43.0.0/16");
  test("hosts only: network and broadcast excluded", () => {
    assert.equal(range.size, 65534);
    assert.equal(range.staticBand, 256);
    assert.equal(range.addressAt(0), "10.43.0.1");
    assert.equal(range.addressAt(65533), "10.43.255.254");
  });
  for (const [ip, offset] of [
    ["10.43.0.1", 0],
    ["10.43.0.10", 9],
    ["10.43.1.0", 255],
    ["10.43.255.254", 65533],
    ["10.43.0.0", undefined],
    ["10.43.255.255", undefined],
    ["10.44.0.1", undefined],
    ["10.43.0.01", undefined],
    ["not-an-ip", undefined],
  ] as const) {
    test(`offsetOf ${ip}`, () => assert.equal(range.offsetOf(ip), offset));
  }
  test("a CIDR with host bits is normalised", () => assert.equal(ipv4Range("192.168.1.77/24").cidr, "192.168.1.0/24"));
  for (const bad of ["10.43.0.0", "10.43.0.0/33", "10.43.0/16", "x/8"]) {
    test(`refuses ${bad}`, () => assert.throws(() => ipv4Range(bad), InvalidCidrError));
  }
  test("parse and format round-trip", () => assert.equal(formatIpv4(parseIpv4("255.0.128.7")!), "255.0.128.7"));
});
