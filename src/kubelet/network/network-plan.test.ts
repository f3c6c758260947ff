import { test } from "node:test";
import assert from "node:assert/strict";
import { cidrContains, defaultNetworkSettings, guardChain, networkPlan, parseIpv4Cidr, type NetworkSettings } from "./network-plan.ts";

const settings: NetworkSettings = { ...defaultNetworkSettings, podCidr: "10.42.0.0/24", ipamDataDir: "/data/cni" };

test("parseIpv4Cidr accepts network addresses and rejects the rest", () => {
  const cases: Array<[string, { address: number; prefix: number } | "error"]> = [
    ["10.42.0.0/16", { address: 0x0a2a0000, prefix: 16 }],
    ["0.0.0.0/0", { address: 0, prefix: 0 }],
    ["10.42.3.7/32", { address: 0x0a2a0307, prefix: 32 }],
    ["10.42.0.1/16", "error"],
    ["10.42.0.0/33", "error"],
    ["10.42.0/16", "error"],
    ["10.42.0.256/32", "error"],
    ["10.42.0.0", "error"],
    ["10.42.0.0/16/1", "error"],
  ];
  for (const [text, expected] of cases) {
    if (expected === "error") assert.throws(() => parseIpv4Cidr(text), { reason: "InvalidCidr" }, text);
    else assert.deepEqual(parseIpv4Cidr(text), expected, text);
  }
});

test("cidrContains", () => {
  const cases: Array<[string, string, boolean]> = [
    ["10.42.0.0/24", "10.42.0.17", true],
    ["10.42.0.0/24", "10.42.1.17", false],
    ["10.42.0.0/16", "10.42.255.255", true],
    ["10.43.0.0/16", "10.42.0.1", false],
    ["0.0.0.0/0", "192.0.2.1", true],
    ["10.42.0.0/24", "not-an-ip", false],
  ];
  for (const [cidr, ip, expected] of cases) assert.equal(cidrContains(cidr, ip), expected, `${cidr} ${ip}`);
});

test("the CNI config: a bridge with the node's range, host-local leases in our folder, portmap for hostPort", () => {
  const plan = networkPlan(settings);
  const config = plan.cniConfig as { plugins: Array<Record<string, unknown>> };
  const [bridge, portmap] = config.plugins;
  assert.equal(bridge?.["type"], "bridge");
  assert.equal(bridge?.["bridge"], "skiff0");
  assert.equal(bridge?.["ipMasq"], false);
  assert.deepEqual(bridge?.["ipam"], { type: "host-local", ranges: [[{ subnet: "10.42.0.0/24" }]], routes: [{ dst: "0.0.0.0/0" }], dataDir: "/data/cni" });
  assert.deepEqual(portmap, { type: "portmap", capabilities: { portMappings: true } });
  assert.match(plan.cniConfigFileName, /\.conflist$/);
});

test("host setup: blackholes the cluster range, routes services to an empty bridge, guards FORWARD and OUTPUT", () => {
  const applied = networkPlan(settings).setup.map((step) => step.apply.join(" "));
  for (const expected of [
    "sysctl -q -w net.ipv4.ip_forward=1",
    "ip link add skiff-svc0 type bridge",
    "ip route replace blackhole 10.42.0.0/16",
    "ip route replace 10.43.0.0/16 dev skiff-svc0",
    `iptables -w -I FORWARD 1 -j ${guardChain}`,
    `iptables -w -I OUTPUT 1 -j ${guardChain}`,
  ]) {
    assert.ok(applied.includes(expected), expected);
  }
  const rules = applied.filter((command) => command.startsWith(`iptables -w -A ${guardChain}`)).map((c) => c.slice(`iptables -w -A ${guardChain} `.length));
  // Order matters: our interfaces and loopback pass before any drop.
  assert.deepEqual(rules, [
    "-o lo -j RETURN",
    "-o skiff+ -j RETURN",
    "-d 10.42.0.0/16 -j DROP",
    "-d 10.43.0.0/16 -j DROP",
    "-s 10.42.0.0/16 -j DROP",
  ]);
  // Jumps and the chain are only added when missing, so a second run adds nothing twice.
  for (const step of networkPlan(settings).setup) {
    if (step.apply.includes("-I") || step.apply.includes("-N") || step.apply.includes("add")) assert.ok(step.check, step.apply.join(" "));
  }
});

test("teardown undoes every object setup creates", () => {
  const teardown = networkPlan(settings).teardown.map((c) => c.join(" "));
  for (const expected of [
    `iptables -w -D FORWARD -j ${guardChain}`,
    `iptables -w -D OUTPUT -j ${guardChain}`,
    `iptables -w -X ${guardChain}`,
    "ip route del blackhole 10.42.0.0/16",
    "ip link del skiff-svc0",
    "ip link del skiff0",
  ]) {
    assert.ok(teardown.includes(expected), expected);
  }
});

test("invalid settings are refused before any command runs", () => {
  const cases: Array<[Partial<NetworkSettings>, string]> = [
    [{ podCidr: "10.50.0.0/24" }, "InvalidCidr"],
    [{ podCidr: "10.42.0.0/8" }, "InvalidCidr"],
    [{ serviceCidr: "10.43.0.1/16" }, "InvalidCidr"],
    [{ bridge: "cni0" }, "InvalidInterface"],
    [{ bridge: "skiff-much-too-long" }, "InvalidInterface"],
  ];
  for (const [override, reason] of cases) assert.throws(() => networkPlan({ ...settings, ...override }), { reason }, JSON.stringify(override));
});
