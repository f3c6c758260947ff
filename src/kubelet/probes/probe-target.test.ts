import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_POD_CIDR, refusalOf } from "./probe-target.ts";

const policy = { podCidr: DEFAULT_POD_CIDR, nodeIPs: ["192.0.2.10"] };
const cases: [string, boolean][] = [
  ["10.42.0.1", true],
  ["10.42.255.254", true],
  ["10.43.0.1", false],
  ["10.41.255.255", false],
  ["127.0.0.1", true],
  ["127.0.0.2", false],
  ["192.0.2.10", true],
  ["192.0.2.11", false],
  ["8.8.8.8", false],
  ["169.254.169.254", false],
  ["example.com", false],
  ["::1", false],
];
for (const [host, allowed] of cases) {
  test(`${host} is ${allowed ? "allowed" : "refused"}`, () => {
    const refusal = refusalOf(host, policy);
    if (allowed) assert.equal(refusal, undefined);
    else assert.match(refusal ?? "", /^probe target ".*" refused: probes reach only pod IPs in 10\.42\.0\.0\/16, 127\.0\.0\.1 and this node's addresses \(192\.0\.2\.10\)$/);
  });
}
