import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { ChainNames, ChainPrefixError, cleanupRules, defaultChainNames, endpointChainName, proxyRules, serviceChainName, servicePortName, statisticProbability, type ProxyInput } from "./rules.ts";

function service(name: string, spec: Service["spec"], namespace = "default"): Service {
  return { metadata: { name, namespace }, spec };
}

type Conditions = { ready?: boolean; serving?: boolean; terminating?: boolean };

function slice(serviceName: string, name: string, ports: { name?: string; port: number; protocol?: string }[], endpoints: [string, Conditions?][], namespace = "default"): EndpointSlice {
  return {
    metadata: { name, namespace, labels: { "kubernetes.io/service-name": serviceName } },
    addressType: "IPv4",
    ports,
    endpoints: endpoints.map(([ip, conditions]) => ({ addresses: [ip], ...(conditions ? { conditions } : {}) })),
  };
}

const none = { nat: [], filter: [] };
const input = (services: Service[], endpointSlices: EndpointSlice[], existingChains: ProxyInput["existingChains"] = none): ProxyInput => ({ services, endpointSlices, clusterCidr: "10.42.0.0/16", nodeName: "node-a", existingChains });
const linesOf = (text: string, prefix: string) => text.split("\n").filter((line) => line.startsWith(prefix));

describe("chain names", () => {
  const cases: [string, string, string][] = [
    // Names as upstream's iptables proxier tests show them for the same inputs.
    ["service port ns1/svc1:p80 tcp", serviceChainName("ns1/svc1:p80", "TCP"), "KUBE-SVC-XPGD46QRK7WJZT7O"],
    ["endpoint 10.180.0.1:80 of it", endpointChainName("ns1/svc1:p80", "TCP", "10.180.0.1:80"), "KUBE-SEP-SXIVWICOYRO3J4NJ"],
    ["unnamed port prints no colon", servicePortName("default", "web", undefined), "default/web"],
    ["named port", servicePortName("default", "web", "http"), "default/web:http"],
  ];
  for (const [name, actual, expected] of cases) test(name, () => assert.equal(actual, expected));
  test("protocol changes the hash", () => assert.notEqual(serviceChainName("a/b:dns", "UDP"), serviceChainName("a/b:dns", "TCP")));
  test("our chains are recognized, others not", () => {
    const chains = ["KUBE-SERVICES", "KUBE-SVC-XPGD46QRK7WJZT7O", "KUBE-FIREWALL", "SKIFF-GUARD", "DOCKER", "KUBE-SVC-short", "SKT1-SERVICES", "KUBEX-SERVICES"];
    assert.deepEqual(chains.map((chain) => defaultChainNames.isOurs(chain)), [true, true, true, false, false, false, false, false]);
    assert.deepEqual(chains.map((chain) => new ChainNames("SKT1").isOurs(chain)), [false, false, false, false, false, false, true, false]);
  });
});

describe("chain prefixes", () => {
  const valid: [string, string, string][] = [
    ["KUBE", "KUBE-SERVICES", "KUBE-SVC-XPGD46QRK7WJZT7O"],
    ["SKT1", "SKT1-SERVICES", "SKT1-SVC-XPGD46QRK7WJZT7O"],
    // The longest: its service chain names are 28 characters, iptables' limit.
    ["ABCDEFG", "ABCDEFG-SERVICES", "ABCDEFG-SVC-XPGD46QRK7WJZT7O"],
  ];
  for (const [prefix, services, svc] of valid) {
    test(`prefix ${prefix}`, () => {
      const names = new ChainNames(prefix);
      assert.equal(names.services, services);
      assert.equal(names.serviceChain("ns1/svc1:p80", "TCP"), svc);
      assert.ok(svc.length <= 28);
    });
  }
  for (const prefix of ["", "kube", "ABCDEFGH", "KU-BE", "1KUBE", "KUBE-"]) {
    test(`prefix ${JSON.stringify(prefix)} is refused`, () => assert.throws(() => new ChainNames(prefix), ChainPrefixError));
  }

  test("jumps from the built-in chains lead into the prefix's chains", () => {
    const jumps = new ChainNames("SKT1").jumps.map((jump) => `${jump.table} ${jump.chain} ${jump.args.at(-1)!}`);
    assert.deepEqual(jumps, [
      "nat PREROUTING SKT1-SERVICES",
      "nat OUTPUT SKT1-SERVICES",
      "nat POSTROUTING SKT1-POSTROUTING",
      "filter FORWARD SKT1-SERVICES",
      "filter OUTPUT SKT1-SERVICES",
      "filter INPUT SKT1-EXTERNAL-SERVICES",
      "filter FORWARD SKT1-EXTERNAL-SERVICES",
      "filter INPUT SKT1-FIREWALL",
      "filter OUTPUT SKT1-FIREWALL",
    ]);
    assert.deepEqual(new ChainNames("SKT1").jumps.filter((jump) => jump.first).map((jump) => `${jump.table} ${jump.chain} ${jump.args.join(" ")}`), ["filter INPUT -j SKT1-FIREWALL"]);
    // iptables arguments, not restore text: a comment is one unquoted argument.
    assert.deepEqual(new ChainNames("SKT1").jumps[0]!.args, ["-m", "comment", "--comment", "kubernetes service portals", "-j", "SKT1-SERVICES"]);
  });

  test("with a pod bridge, pod traffic enters the chains only from that bridge or from no skiff bridge at all", () => {
    const prerouting = new ChainNames("SKT1", "skiff-t1").jumps.filter((jump) => jump.chain === "PREROUTING").map((jump) => jump.args.join(" "));
    assert.deepEqual(prerouting, [
      "-i skiff-t1 -m comment --comment kubernetes service portals -j SKT1-SERVICES",
      "! -i skiff+ -m comment --comment kubernetes service portals -j SKT1-SERVICES",
    ]);
    // Every other jump is the same as without a bridge.
    const others = (names: ChainNames) => names.jumps.filter((jump) => jump.chain !== "PREROUTING");
    assert.deepEqual(others(new ChainNames("SKT1", "skiff-t1")), others(new ChainNames("SKT1")));
    assert.throws(() => new ChainNames("SKT1", "br0/../x"), ChainPrefixError);
  });

  test("every rule of a prefixed proxy names only its own chains", () => {
    const names = new ChainNames("SKT1");
    const np = service("np", { type: "NodePort", clusterIP: "10.43.0.30", sessionAffinity: "ClientIP", ports: [{ name: "web", port: 80, nodePort: 30080, protocol: "TCP" }] });
    const empty = service("empty", { type: "NodePort", clusterIP: "10.43.0.31", ports: [{ port: 80, nodePort: 30081, protocol: "TCP" }] });
    const { text, chains } = proxyRules({ ...input([np, empty], [slice("np", "np-x", [{ name: "web", port: 8080 }], [["10.42.0.9"], ["10.42.0.8"]])]), names });
    assert.ok(!text.includes("KUBE-"), text);
    const mentioned = new Set(text.match(/\b[A-Z][A-Z0-9]*(-[A-Z0-9]+)+\b/g));
    for (const chain of mentioned) if (!["REJECT", "DNAT", "MASQUERADE", "RETURN", "DROP", "MARK"].includes(chain)) assert.ok(names.isOurs(chain), chain);
    assert.deepEqual([...chains.nat, ...chains.filter].filter((chain) => !names.isOurs(chain)), []);
    assert.equal(linesOf(text, "-A SKT1-NODEPORTS").length, 1);
    assert.equal(linesOf(text, "-A SKT1-EXTERNAL-SERVICES").length, 1);
  });

  test("stale chains of another prefix are left alone", () => {
    const other = new ChainNames("SKT2");
    const stale = other.endpointChain("default/old", "TCP", "10.42.0.99:80");
    const { text } = proxyRules({ ...input([], [], { nat: ["SKT2-SERVICES", stale, "KUBE-SERVICES"], filter: ["SKT2-FIREWALL"] }), names: new ChainNames("SKT1") });
    assert.deepEqual(linesOf(text, "-X"), []);
    assert.ok(!text.includes("SKT2") && !text.includes("KUBE-"));
  });
});

describe("statisticProbability", () => {
  const cases: [number, string][] = [[2, "0.50000000000"], [3, "0.33333333349"], [4, "0.25000000000"], [5, "0.20000000019"], [7, "0.14285714272"]];
  for (const [remaining, expected] of cases) test(`1/${remaining}`, () => assert.equal(statisticProbability(remaining), expected));
});

describe("proxyRules", () => {
  const web = service("web", { type: "ClusterIP", clusterIP: "10.43.0.20", ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }] });
  const svcChain = serviceChainName("default/web:http", "TCP");

  test("three ready endpoints: random balancing 1/3, 1/2, then an unconditional jump", () => {
    const { text } = proxyRules(input([web], [slice("web", "web-a", [{ name: "http", port: 8080 }], [["10.42.0.7"], ["10.42.0.5"], ["10.42.0.6"]])]));
    const seps = ["10.42.0.5", "10.42.0.6", "10.42.0.7"].map((ip) => endpointChainName("default/web:http", "TCP", `${ip}:8080`));
    assert.deepEqual(linesOf(text, `-A ${svcChain}`), [
      `-A ${svcChain} -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.43.0.20/32 --dport 80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ`,
      `-A ${svcChain} -m comment --comment "default/web:http -> 10.42.0.5:8080" -m statistic --mode random --probability 0.33333333349 -j ${seps[0]}`,
      `-A ${svcChain} -m comment --comment "default/web:http -> 10.42.0.6:8080" -m statistic --mode random --probability 0.50000000000 -j ${seps[1]}`,
      `-A ${svcChain} -m comment --comment "default/web:http -> 10.42.0.7:8080" -j ${seps[2]}`,
    ]);
    assert.deepEqual(linesOf(text, `-A ${seps[0]}`), [
      `-A ${seps[0]} -m comment --comment default/web:http -s 10.42.0.5/32 -j KUBE-MARK-MASQ`,
      `-A ${seps[0]} -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination 10.42.0.5:8080`,
    ]);
    assert.ok(text.includes(`-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.43.0.20/32 --dport 80 -j ${svcChain}\n`));
    assert.deepEqual(linesOf(text, "-A KUBE-SERVICES -m comment --comment \"default/web:http has"), []);
  });

  test("the nodeports jump is the last rule of nat KUBE-SERVICES, for every local address including 127.0.0.1", () => {
    const { text } = proxyRules(input([web], [slice("web", "w", [{ name: "http", port: 8080 }], [["10.42.0.5"]])]));
    const nat = text.slice(text.indexOf("*nat"));
    const last = linesOf(nat, "-A KUBE-SERVICES").at(-1);
    assert.equal(last, '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
  });

  test("the firewall drops outside traffic to loopback that route_localnet would let in", () => {
    const { text, chains } = proxyRules(input([], []));
    assert.deepEqual(linesOf(text, "-A KUBE-FIREWALL"), ['-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP']);
    assert.ok(chains.filter.includes("KUBE-FIREWALL"));
    assert.ok(text.indexOf("-A KUBE-FIREWALL") < text.indexOf("*nat"), "in the filter table");
  });

  const endpointCases: { name: string; endpoints: [string, Conditions?][]; expected: string[] }[] = [
    { name: "not ready endpoints are skipped", endpoints: [["10.42.0.5", { ready: false, serving: false }], ["10.42.0.6", { ready: true }]], expected: ["10.42.0.6:8080"] },
    { name: "missing conditions count as ready", endpoints: [["10.42.0.5"]], expected: ["10.42.0.5:8080"] },
    { name: "serving terminating endpoints are used when none is ready", endpoints: [["10.42.0.5", { ready: false, serving: true, terminating: true }], ["10.42.0.6", { ready: false, serving: false, terminating: true }]], expected: ["10.42.0.5:8080"] },
    { name: "ready ones win over terminating ones", endpoints: [["10.42.0.5", { ready: false, serving: true, terminating: true }], ["10.42.0.6", { ready: true }]], expected: ["10.42.0.6:8080"] },
  ];
  for (const { name, endpoints, expected } of endpointCases) {
    test(name, () => {
      const { text } = proxyRules(input([web], [slice("web", "w", [{ name: "http", port: 8080 }], endpoints)]));
      const targets = linesOf(text, "-A KUBE-SEP-").filter((line) => line.includes("DNAT")).map((line) => line.split(" ").at(-1));
      assert.deepEqual(targets, expected);
    });
  }

  test("internalTrafficPolicy Local keeps only this node's endpoints", () => {
    const local = service("dns", { clusterIP: "10.43.0.10", internalTrafficPolicy: "Local", ports: [{ name: "dns", port: 53, protocol: "UDP" }] });
    const dnsSlice = slice("dns", "d", [{ name: "dns", port: 53, protocol: "UDP" }], [["10.42.0.1"], ["10.42.1.1"]]);
    dnsSlice.endpoints[0]!.nodeName = "node-a";
    dnsSlice.endpoints[1]!.nodeName = "node-b";
    const { text } = proxyRules(input([local], [dnsSlice]));
    assert.deepEqual(linesOf(text, "-A KUBE-SEP-").filter((line) => line.includes("DNAT")).map((line) => line.split(" ").at(-1)), ["10.42.0.1:53"]);
  });

  test("endpoints repeated in two slices are one endpoint", () => {
    const slices = [slice("web", "a", [{ name: "http", port: 8080 }], [["10.42.0.5"]]), slice("web", "b", [{ name: "http", port: 8080 }], [["10.42.0.5"], ["10.42.0.6"]])];
    const { text } = proxyRules(input([web], slices));
    assert.equal(linesOf(text, "-A KUBE-SEP-").filter((line) => line.includes("DNAT")).length, 2);
  });

  test("a service without endpoints is rejected in filter, with its NodePort", () => {
    const nodePort = service("np", { type: "NodePort", clusterIP: "10.43.0.30", ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }] });
    const { text, chains } = proxyRules(input([nodePort], [slice("np", "np-x", [{ port: 8080 }], [["10.42.0.9", { ready: false }]])]));
    assert.deepEqual(linesOf(text, "-A KUBE-SERVICES -m comment --comment \"default/np has"), ['-A KUBE-SERVICES -m comment --comment "default/np has no endpoints" -m tcp -p tcp -d 10.43.0.30/32 --dport 80 -j REJECT']);
    assert.deepEqual(linesOf(text, "-A KUBE-EXTERNAL-SERVICES"), ['-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/np has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT']);
    assert.deepEqual(chains.nat, ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"]);
  });

  test("NodePort: KUBE-NODEPORTS -> KUBE-EXT (masquerade) -> KUBE-SVC", () => {
    const nodePort = service("np", { type: "NodePort", clusterIP: "10.43.0.30", ports: [{ name: "web", port: 80, nodePort: 30080, protocol: "TCP" }] });
    const { text } = proxyRules(input([nodePort], [slice("np", "np-x", [{ name: "web", port: 8080 }], [["10.42.0.9"]])]));
    const ext = text.match(/KUBE-EXT-[A-Z2-7]{16}/)?.[0];
    const svc = serviceChainName("default/np:web", "TCP");
    assert.deepEqual(linesOf(text, "-A KUBE-NODEPORTS"), [`-A KUBE-NODEPORTS -m comment --comment default/np:web -m tcp -p tcp --dport 30080 -j ${ext}`]);
    assert.deepEqual(linesOf(text, `-A ${ext}`), [`-A ${ext} -m comment --comment "masquerade traffic for default/np:web external destinations" -j KUBE-MARK-MASQ`, `-A ${ext} -j ${svc}`]);
  });

  test("ClientIP affinity: recent checks before balancing, recent set on DNAT", () => {
    const sticky = service("s", { clusterIP: "10.43.0.40", sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 53, protocol: "UDP" }] });
    const { text } = proxyRules(input([sticky], [slice("s", "s-x", [{ port: 5353, protocol: "UDP" }], [["10.42.0.2"], ["10.42.0.3"]])]));
    const svc = serviceChainName("default/s", "UDP");
    const [a, b] = ["10.42.0.2", "10.42.0.3"].map((ip) => endpointChainName("default/s", "UDP", `${ip}:5353`));
    assert.deepEqual(linesOf(text, `-A ${svc}`).slice(1), [
      `-A ${svc} -m comment --comment "default/s -> 10.42.0.2:5353" -m recent --name ${a} --rcheck --seconds 60 --reap -j ${a}`,
      `-A ${svc} -m comment --comment "default/s -> 10.42.0.3:5353" -m recent --name ${b} --rcheck --seconds 60 --reap -j ${b}`,
      `-A ${svc} -m comment --comment "default/s -> 10.42.0.2:5353" -m statistic --mode random --probability 0.50000000000 -j ${a}`,
      `-A ${svc} -m comment --comment "default/s -> 10.42.0.3:5353" -j ${b}`,
    ]);
    assert.ok(text.includes(`-A ${a} -m comment --comment default/s -m udp -p udp -m recent --name ${a} --set -j DNAT --to-destination 10.42.0.2:5353\n`));
  });

  const skipped: [string, Service][] = [
    ["headless", service("h", { clusterIP: "None", ports: [{ port: 80 }] })],
    ["ExternalName", service("e", { type: "ExternalName", externalName: "example.org" })],
    ["no ClusterIP yet", service("n", { ports: [{ port: 80 }] })],
  ];
  for (const [name, svc] of skipped) {
    test(`${name} services get no rules`, () => {
      const { text } = proxyRules(input([svc], [slice(svc.metadata!.name!, "x", [{ port: 80 }], [["10.42.0.5"]])]));
      assert.deepEqual(linesOf(text, "-A KUBE-SVC-"), []);
      assert.deepEqual(linesOf(text, "-A KUBE-SERVICES -m comment --comment \"default/"), []);
    });
  }

  test("stale chains of ours are flushed and deleted, foreign ones untouched", () => {
    const stale = endpointChainName("default/old", "TCP", "10.42.0.99:80");
    const { text } = proxyRules(input([], [], { nat: ["KUBE-SERVICES", stale, "DOCKER"], filter: ["KUBE-SERVICES", "SKIFF-GUARD"] }));
    assert.ok(text.includes(`:${stale} - [0:0]\n`));
    assert.ok(text.includes(`-X ${stale}\n`));
    assert.ok(!text.includes("DOCKER"));
    assert.ok(!text.includes("SKIFF-GUARD"));
  });

  test("partial syncs declare and write only the service chains that changed; top-level chains always", () => {
    const a = service("a", { clusterIP: "10.43.0.21", ports: [{ port: 80 }] });
    const b = service("b", { clusterIP: "10.43.0.22", ports: [{ port: 80 }] });
    const sliceA = slice("a", "a1", [{ port: 8080 }], [["10.42.0.5"]]);
    const first = proxyRules(input([a, b], [sliceA, slice("b", "b1", [{ port: 8080 }], [["10.42.0.6"]])]));
    const second = proxyRules({ ...input([a, b], [sliceA, slice("b", "b1", [{ port: 8080 }], [["10.42.0.7"]])], first.chains), applied: first.applied });
    const [svcA, svcB] = [serviceChainName("default/a", "TCP"), serviceChainName("default/b", "TCP")];
    const [sepA, oldSepB, newSepB] = [["default/a", "10.42.0.5"], ["default/b", "10.42.0.6"], ["default/b", "10.42.0.7"]].map(([name, ip]) => endpointChainName(name!, "TCP", `${ip}:8080`));
    const declared = (text: string) => linesOf(text.slice(text.indexOf("*nat")), ":").map((line) => line.slice(1).split(" ")[0]);
    assert.deepEqual(declared(second.text), ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ", svcB, newSepB, oldSepB]);
    assert.deepEqual(linesOf(second.text, "-X"), [`-X ${oldSepB}`]);
    assert.deepEqual(linesOf(second.text, `-A ${svcA}`), []);
    assert.deepEqual(linesOf(second.text, `-A ${sepA}`), []);
    // KUBE-SERVICES is written whole, so it still leads to the unchanged chain.
    assert.equal(linesOf(second.text, "-A KUBE-SERVICES").filter((line) => line.endsWith(`-j ${svcA}`)).length, 1);
    assert.deepEqual(second.chains.nat, first.chains.nat.map((chain) => (chain === oldSepB ? newSepB : chain)));
    // Nothing changed: only the top-level chains.
    const third = proxyRules({ ...input([a, b], [sliceA, slice("b", "b1", [{ port: 8080 }], [["10.42.0.7"]])], second.chains), applied: second.applied });
    assert.deepEqual(declared(third.text), ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"]);
    // Without what was applied (a full sync), every chain is written.
    assert.deepEqual(declared(proxyRules(input([a, b], [sliceA])).text), ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ", svcA, sepA]);
  });

  test("cleanup deletes only our chains", () => {
    const text = cleanupRules({ nat: ["KUBE-SERVICES", "POSTROUTING", "KUBE-SEP-SXIVWICOYRO3J4NJ"], filter: ["SKIFF-GUARD", "KUBE-EXTERNAL-SERVICES"] });
    assert.deepEqual(linesOf(text, "-X"), ["-X KUBE-EXTERNAL-SERVICES", "-X KUBE-SERVICES", "-X KUBE-SEP-SXIVWICOYRO3J4NJ"]);
  });

  test("cleanup of a prefix deletes only that prefix's chains", () => {
    const text = cleanupRules({ nat: ["KUBE-SERVICES", "SKT1-SERVICES", "SKT1-SEP-SXIVWICOYRO3J4NJ"], filter: ["SKT1-FIREWALL", "KUBE-FIREWALL"] }, new ChainNames("SKT1"));
    assert.deepEqual(linesOf(text, "-X"), ["-X SKT1-FIREWALL", "-X SKT1-SERVICES", "-X SKT1-SEP-SXIVWICOYRO3J4NJ"]);
  });
});
