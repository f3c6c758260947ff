import { test } from "node:test";
import assert from "node:assert/strict";
import type { Endpoints } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Ingress, IngressClass, NetworkPolicy } from "kubernetes-types/networking/v1";
import {
  endpointSlicePrinter,
  endpointsPrinter,
  ingressClassPrinter,
  ingressPrinter,
  networkPolicyPrinter,
} from "./networking-printers.ts";
import type { Printer } from "./printer.ts";
import type { TableCell } from "./table.ts";
import { NOW, ago } from "./test-fixtures.ts";

const metadata = { name: "web", creationTimestamp: ago(45) };
const hosts = (...names: string[]) => names.map((host) => ({ host }));

const cases: [name: string, printer: Printer, subject: object, cells: TableCell[]][] = [
  [
    "ingress without class, host or address",
    ingressPrinter,
    { metadata, spec: { rules: [{}] } } satisfies Ingress,
    ["web", "<none>", "*", "", "80", "45s"],
  ],
  [
    "ingress with class, TLS, hosts and addresses",
    ingressPrinter,
    {
      metadata,
      spec: { ingressClassName: "nginx", tls: [{ hosts: ["a.example.com"] }], rules: hosts("a.example.com", "b.example.com") },
      status: { loadBalancer: { ingress: [{ ip: "198.51.100.2" }, { hostname: "lb.example.com" }] } },
    } satisfies Ingress,
    ["web", "nginx", "a.example.com,b.example.com", "198.51.100.2,lb.example.com", "80, 443", "45s"],
  ],
  [
    "ingress with five rules lists three hosts",
    ingressPrinter,
    { metadata, spec: { rules: hosts("a", "b", "c", "d", "e") } } satisfies Ingress,
    ["web", "<none>", "a,b,c + 2 more...", "", "80", "45s"],
  ],
  [
    "ingress class with parameters",
    ingressClassPrinter,
    {
      metadata,
      spec: { controller: "k8s.io/ingress-nginx", parameters: { apiGroup: "k8s.example.com", kind: "IngressParameters", name: "p" } },
    } satisfies IngressClass,
    ["web", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/p", "45s"],
  ],
  [
    "ingress class without parameters",
    ingressClassPrinter,
    { metadata, spec: { controller: "example.com/ingress" } } satisfies IngressClass,
    ["web", "example.com/ingress", "<none>", "45s"],
  ],
  [
    "network policy for all pods",
    networkPolicyPrinter,
    { metadata, spec: { podSelector: {}, policyTypes: ["Ingress"] } } satisfies NetworkPolicy,
    ["web", "<none>", "45s"],
  ],
  [
    "network policy for some pods",
    networkPolicyPrinter,
    { metadata, spec: { podSelector: { matchLabels: { app: "db" } } } } satisfies NetworkPolicy,
    ["web", "app=db", "45s"],
  ],
  ["endpoints without subsets", endpointsPrinter, { metadata } satisfies Endpoints, ["web", "<none>", "45s"]],
  [
    "endpoints across ports, IPv6 bracketed, beyond three counted",
    endpointsPrinter,
    {
      metadata,
      subsets: [
        {
          addresses: [{ ip: "10.42.0.5" }, { ip: "fd00::5" }],
          ports: [
            { name: "http", port: 80 },
            { name: "https", port: 443 },
          ],
        },
      ],
    } satisfies Endpoints,
    ["web", "10.42.0.5:80,[fd00::5]:80,10.42.0.5:443 + 1 more...", "45s"],
  ],
  [
    "headless endpoints without ports",
    endpointsPrinter,
    { metadata, subsets: [{ addresses: [{ ip: "10.42.0.5" }, { ip: "10.42.0.6" }] }] } satisfies Endpoints,
    ["web", "10.42.0.5,10.42.0.6", "45s"],
  ],
  [
    "endpoint slice",
    endpointSlicePrinter,
    {
      metadata,
      addressType: "IPv4",
      ports: [{ port: 80 }, { name: "metrics" }, {}],
      endpoints: [{ addresses: ["10.42.0.5"] }, { addresses: ["10.42.0.6", "10.42.0.7"] }, { addresses: ["10.42.0.8"] }],
    } satisfies EndpointSlice,
    ["web", "IPv4", "80,metrics,*", "10.42.0.5,10.42.0.6,10.42.0.7 + 1 more...", "45s"],
  ],
  [
    "empty endpoint slice",
    endpointSlicePrinter,
    { metadata, addressType: "IPv6", endpoints: [] } satisfies EndpointSlice,
    ["web", "IPv6", "<unset>", "<unset>", "45s"],
  ],
];

for (const [name, printer, subject, cells] of cases) {
  test(`networking: ${name}`, () => {
    assert.deepEqual(printer.cells(subject, NOW), cells);
  });
}
