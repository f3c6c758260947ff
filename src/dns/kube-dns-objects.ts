// Pure: the kube-dns Service (the address every pod's resolv.conf names, as
// upstream's CoreDNS deployment publishes it) and the EndpointSlice one
// node's DNS server publishes for it. The Service has no selector, so the
// EndpointSlice controller leaves our slices alone.
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";

export const kubeDnsNamespace = "kube-system";
export const kubeDnsName = "kube-dns";
export const kubeDnsManager = "skiff-agent";

export function kubeDnsService(clusterIP: string): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: kubeDnsName,
      namespace: kubeDnsNamespace,
      labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
    },
    spec: {
      type: "ClusterIP",
      clusterIP,
      clusterIPs: [clusterIP],
      // Each node's pods reach the server on their own bridge: pod ranges of different nodes are not routed to each other.
      internalTrafficPolicy: "Local",
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
      ],
    },
  };
}

/** The slice of one node's server; named after the node so nodes never overwrite each other's. */
export function kubeDnsEndpointSlice(nodeName: string, address: string, port: number): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: `${kubeDnsName}-${nodeName}`,
      namespace: kubeDnsNamespace,
      labels: { "kubernetes.io/service-name": kubeDnsName, "endpointslice.kubernetes.io/managed-by": kubeDnsManager, "k8s-app": "kube-dns" },
    },
    addressType: "IPv4",
    ports: [
      { name: "dns", port, protocol: "UDP" },
      { name: "dns-tcp", port, protocol: "TCP" },
    ],
    endpoints: [{ addresses: [address], nodeName, conditions: { ready: true, serving: true, terminating: false } }],
  };
}
