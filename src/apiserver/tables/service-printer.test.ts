import { test } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "kubernetes-types/core/v1";
import { servicePrinter } from "./service-printer.ts";
import { NOW, ago } from "./test-fixtures.ts";

function service(spec: Service["spec"], status?: Service["status"]): Service {
  return { metadata: { name: "web", creationTimestamp: ago(59) }, spec, ...(status && { status }) };
}

const cases: [name: string, subject: Service, cells: (string | number)[]][] = [
  [
    "cluster IP",
    service({
      type: "ClusterIP",
      clusterIP: "10.43.0.20",
      clusterIPs: ["10.43.0.20"],
      ports: [{ port: 80, protocol: "TCP" }],
      selector: { app: "web" },
    }),
    ["web", "ClusterIP", "10.43.0.20", "<none>", "80/TCP", "59s", "app=web"],
  ],
  [
    "cluster IP with external IPs and several ports",
    service({
      type: "ClusterIP",
      clusterIPs: ["10.43.0.20", "fd00::20"],
      externalIPs: ["203.0.113.5", "203.0.113.6"],
      ports: [
        { port: 80, protocol: "TCP" },
        { port: 53, protocol: "UDP" },
      ],
    }),
    ["web", "ClusterIP", "10.43.0.20", "203.0.113.5,203.0.113.6", "80/TCP,53/UDP", "59s", "<none>"],
  ],
  [
    "headless without ports",
    service({ type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"] }),
    ["web", "ClusterIP", "None", "<none>", "<none>", "59s", "<none>"],
  ],
  [
    "node port",
    service({
      type: "NodePort",
      clusterIPs: ["10.43.0.21"],
      ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }],
    }),
    ["web", "NodePort", "10.43.0.21", "<none>", "80:30080/TCP", "59s", "<none>"],
  ],
  [
    "load balancer still pending",
    service({ type: "LoadBalancer", clusterIPs: ["10.43.0.22"], ports: [{ port: 443, nodePort: 31443 }] }),
    ["web", "LoadBalancer", "10.43.0.22", "<pending>", "443:31443/TCP", "59s", "<none>"],
  ],
  [
    "load balancer with distinct ingress addresses, sorted and unclipped",
    service(
      { type: "LoadBalancer", clusterIPs: ["10.43.0.22"], ports: [{ port: 80, nodePort: 30001, protocol: "TCP" }] },
      {
        loadBalancer: {
          ingress: [{ ip: "198.51.100.9" }, { hostname: "lb.example.com" }, { ip: "198.51.100.10" }, { ip: "198.51.100.9" }],
        },
      },
    ),
    ["web", "LoadBalancer", "10.43.0.22", "198.51.100.10,198.51.100.9,lb.example.com", "80:30001/TCP", "59s", "<none>"],
  ],
  [
    "load balancer with external IPs after ingress",
    service(
      { type: "LoadBalancer", clusterIPs: ["10.43.0.22"], externalIPs: ["203.0.113.7"] },
      { loadBalancer: { ingress: [{ ip: "198.51.100.9" }] } },
    ),
    ["web", "LoadBalancer", "10.43.0.22", "198.51.100.9,203.0.113.7", "<none>", "59s", "<none>"],
  ],
  [
    "external name",
    service({ type: "ExternalName", externalName: "db.example.com" }),
    ["web", "ExternalName", "<none>", "db.example.com", "<none>", "59s", "<none>"],
  ],
  [
    "type defaulted and cluster IP read from clusterIP alone",
    service({ clusterIP: "10.43.0.30", ports: [{ port: 8080 }] }),
    ["web", "ClusterIP", "10.43.0.30", "<none>", "8080/TCP", "59s", "<none>"],
  ],
];

for (const [name, subject, cells] of cases) {
  test(`service: ${name}`, () => {
    assert.deepEqual(servicePrinter.cells(subject, NOW), cells);
  });
}
