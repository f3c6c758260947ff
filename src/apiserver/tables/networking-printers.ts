// `kubectl get` for ingresses, ingress classes, network policies, endpoints
// and endpoint slices.
import type { EndpointSubset, Endpoints } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Ingress, IngressClass, IngressRule, NetworkPolicy } from "kubernetes-types/networking/v1";
import { formatLabelSelector } from "./label-text.ts";
import { ageColumn, column, definePrinter, nameColumn } from "./printer.ts";
import { since } from "./timestamps.ts";

/** Upstream lists at most three items and counts the rest. */
const LISTED_ITEMS = 3;

function listWithMore(items: string[], total: number, whenEmpty: string): string {
  const text = items.slice(0, LISTED_ITEMS).join(",");
  if (total > LISTED_ITEMS) return `${text} + ${total - LISTED_ITEMS} more...`;
  return text || whenEmpty;
}

/** First three hosts; "*" when no rule names a host. */
function hostsCell(rules: IngressRule[]): string {
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    // Upstream stops collecting once three are listed, then counts every rule beyond three.
    if (hosts.length === LISTED_ITEMS) more = true;
    if (!more && rule.host) hosts.push(rule.host);
  }
  if (hosts.length === 0) return "*";
  return more ? `${hosts.join(",")} + ${rules.length - LISTED_ITEMS} more...` : hosts.join(",");
}

export const ingressPrinter = definePrinter<Ingress>(
  [
    nameColumn,
    column("Class", "string", "The ingress class that handles this ingress."),
    column("Hosts", "string", "Hosts the rules match."),
    column("Address", "string", "Load-balancer addresses of the ingress."),
    column("Ports", "string", "Ports the ingress serves."),
    ageColumn,
  ],
  (ingress, now) => {
    const addresses = new Set<string>();
    for (const point of ingress.status?.loadBalancer?.ingress ?? []) {
      const address = point.ip || point.hostname;
      if (address) addresses.add(address);
    }
    return [
      ingress.metadata?.name ?? "",
      ingress.spec?.ingressClassName ?? "<none>",
      hostsCell(ingress.spec?.rules ?? []),
      [...addresses].sort().join(","),
      (ingress.spec?.tls?.length ?? 0) > 0 ? "80, 443" : "80",
      since(ingress.metadata?.creationTimestamp, now),
    ];
  },
);

export const ingressClassPrinter = definePrinter<IngressClass>(
  [
    nameColumn,
    column("Controller", "string", "The controller that implements this class."),
    column("Parameters", "string", "The object holding the controller's parameters."),
    ageColumn,
  ],
  (ingressClass, now) => {
    const parameters = ingressClass.spec?.parameters;
    const kind = parameters?.apiGroup != null ? `${parameters.kind}.${parameters.apiGroup}` : parameters?.kind;
    return [
      ingressClass.metadata?.name ?? "",
      ingressClass.spec?.controller ?? "",
      parameters ? `${kind}/${parameters.name}` : "<none>",
      since(ingressClass.metadata?.creationTimestamp, now),
    ];
  },
);

export const networkPolicyPrinter = definePrinter<NetworkPolicy>(
  [nameColumn, column("Pod-Selector", "string", "Labels of the pods the policy applies to."), ageColumn],
  (policy, now) => [
    policy.metadata?.name ?? "",
    formatLabelSelector(policy.spec?.podSelector ?? {}),
    since(policy.metadata?.creationTimestamp, now),
  ],
);

const hostPort = (ip: string, port: number) => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);

/** Addresses paired with every port, in subset order; headless subsets list bare IPs. */
function endpointsCell(subsets: EndpointSubset[] | undefined): string {
  if (!subsets || subsets.length === 0) return "<none>";
  const listed: string[] = [];
  let total = 0;
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    const ports = subset.ports ?? [];
    if (ports.length === 0) {
      total += addresses.length;
      listed.push(...addresses.map((a) => a.ip));
      continue;
    }
    for (const port of ports) {
      total += addresses.length;
      listed.push(...addresses.map((a) => hostPort(a.ip, port.port)));
    }
  }
  return listWithMore(listed, total, "");
}

export const endpointsPrinter = definePrinter<Endpoints>(
  [nameColumn, column("Endpoints", "string", "Addresses and ports of the endpoints."), ageColumn],
  (endpoints, now) => [
    endpoints.metadata?.name ?? "",
    endpointsCell(endpoints.subsets),
    since(endpoints.metadata?.creationTimestamp, now),
  ],
);

export const endpointSlicePrinter = definePrinter<EndpointSlice>(
  [
    nameColumn,
    column("AddressType", "string", "IPv4, IPv6 or FQDN."),
    column("Ports", "string", "Ports of the endpoints."),
    column("Endpoints", "string", "Addresses of the endpoints."),
    ageColumn,
  ],
  (slice, now) => {
    const ports = (slice.ports ?? []).map((port) => (port.port != null ? String(port.port) : (port.name ?? "*")));
    const addresses = (slice.endpoints ?? []).flatMap((endpoint) => endpoint.addresses);
    return [
      slice.metadata?.name ?? "",
      slice.addressType,
      listWithMore(ports, ports.length, "<unset>"),
      listWithMore(addresses, addresses.length, "<unset>"),
      since(slice.metadata?.creationTimestamp, now),
    ];
  },
);
