import { test } from "node:test";
import assert from "node:assert/strict";
import { bitString, boolean, DerError, explicit, implicit, ipAddressBytes, objectIdentifier, octetString, sequence, time, tlv, unsignedInteger, utf8String } from "./der.ts";

const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("lengths: short form below 128, then a length-of-length byte", () => {
  const cases: Array<[number, string]> = [
    [0, "0400"],
    [127, "047f"],
    [128, "048180"],
    [255, "0481ff"],
    [256, "04820100"],
    [65536, "0483010000"],
  ];
  for (const [n, header] of cases) assert.equal(hexOf(tlv(0x04, Buffer.alloc(n))).slice(0, header.length), header, String(n));
  assert.equal(tlv(0x04, Buffer.alloc(300)).length, 4 + 300);
});

test("values encode as X.690 says (hand-worked vectors)", () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ["ecdsa-with-SHA256", objectIdentifier("1.2.840.10045.4.3.2"), "06082a8648ce3d040302"],
    ["commonName", objectIdentifier("2.5.4.3"), "0603550403"],
    ["serverAuth", objectIdentifier("1.3.6.1.5.5.7.3.1"), "06082b06010505070301"],
    ["integer 2", unsignedInteger(Buffer.of(2)), "020102"],
    ["integer 0", unsignedInteger(Buffer.of(0)), "020100"],
    ["leading zeros go", unsignedInteger(Buffer.of(0, 0, 0x12)), "020112"],
    ["a set top bit gets a zero byte", unsignedInteger(Buffer.of(0x80, 1)), "0203008001"],
    ["true", boolean(true), "0101ff"],
    ["bit string with unused bits", bitString(Buffer.of(0xa0), 5), "030205a0"],
    ["utf8", utf8String("ä"), "0c02c3a4"],
    ["octets", octetString(Buffer.of(1, 2)), "04020102"],
    ["sequence", sequence(unsignedInteger(Buffer.of(1)), boolean(false)), "3006020101010100"],
    ["[0] explicit", explicit(0, unsignedInteger(Buffer.of(2))), "a003020102"],
    ["[2] implicit (dNSName)", implicit(2, Buffer.from("n1")), "82026e31"],
    ["UTCTime", time(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), `170d${Buffer.from("260102030405Z").toString("hex")}`],
    ["GeneralizedTime from 2050", time(new Date(Date.UTC(2050, 11, 31, 23, 59, 59))), `180f${Buffer.from("20501231235959Z").toString("hex")}`],
  ];
  for (const [what, der, hex] of cases) assert.equal(hexOf(der), hex, what);
});

test("IP addresses become 4 or 16 bytes", () => {
  const cases: Array<[string, string]> = [
    ["127.0.0.1", "7f000001"],
    ["10.42.0.1", "0a2a0001"],
    ["::1", "00000000000000000000000000000001"],
    ["fd00::1:2", "fd000000000000000000000000010002"],
    ["2001:db8:0:0:1:0:0:1", "20010db8000000000001000000000001"],
    ["::ffff:10.0.0.1", "00000000000000000000ffff0a000001"],
    ["fe80::1%eth0", "fe800000000000000000000000000001"],
  ];
  for (const [address, hex] of cases) assert.equal(hexOf(ipAddressBytes(address)), hex, address);
  assert.throws(() => ipAddressBytes("node-1"), DerError);
});

test("malformed input is refused", () => {
  assert.throws(() => objectIdentifier("1.50.3"), DerError);
  assert.throws(() => objectIdentifier("3.1"), DerError);
  assert.throws(() => objectIdentifier("1"), DerError);
  assert.throws(() => bitString(Buffer.of(1), 8), DerError);
});
