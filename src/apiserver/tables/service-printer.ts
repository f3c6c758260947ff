// `kubectl get services`: type, cluster IP, external address by type, ports.
import type { LoadBalancerStatus, Service } from "kubernetes-types/core/v1";
import { formatLabels } from "./label-text.ts";
import { ageColumn, column, definePrinter, nameColumn, wide } from "./printer.ts";
import { since } from "./timestamps.ts";

const columns = [
  nameColumn,
  column("Type", "string", "How the service is exposed."),
  column("Cluster-IP", "string", "The service's first cluster IP."),
  column("External-IP", "string", "External IPs, load-balancer ingress or external name."),
  column("Port(s)", "string", "Ports the service exposes, with node ports."),
  ageColumn,
  column("Selector", "string", "Labels of the pods the service sends traffic to.", wide),
];

/** Distinct ingress IPs (or hostnames), sorted; the server prints them unclipped. */
function loadBalancerText(status: LoadBalancerStatus | undefined): string {
  const addresses = new Set<string>();
  for (const ingress of status?.ingress ?? []) {
    const address = ingress.ip || ingress.hostname;
    if (address) addresses.add(address);
  }
  return [...addresses].sort().join(",");
}

function externalIPCell(service: Service): string {
  const externalIPs = service.spec?.externalIPs ?? [];
  switch (service.spec?.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const ingress = loadBalancerText(service.status?.loadBalancer);
      if (externalIPs.length > 0) return [...(ingress ? ingress.split(",") : []), ...externalIPs].join(",");
      return ingress || "<pending>";
    }
    case "ExternalName":
      return service.spec?.externalName ?? "";
    default:
      return "<unknown>";
  }
}

function portsCell(service: Service): string {
  const ports = (service.spec?.ports ?? []).map((port) => {
    const protocol = port.protocol ?? "TCP";
    return port.nodePort ? `${port.port}:${port.nodePort}/${protocol}` : `${port.port}/${protocol}`;
  });
  return ports.length > 0 ? ports.join(",") : "<none>";
}

export const servicePrinter = definePrinter<Service>(columns, (service, now) => [
  service.metadata?.name ?? "",
  service.spec?.type ?? "ClusterIP",
  service.spec?.clusterIPs?.[0] || service.spec?.clusterIP || "<none>",
  externalIPCell(service),
  portsCell(service),
  since(service.metadata?.creationTimestamp, now),
  formatLabels(service.spec?.selector),
]);
