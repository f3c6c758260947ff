// Pure: the Ingresses of our IngressClasses, with the Services and
// EndpointSlices they name, become one routing table (what the proxy serves).
// Follows networking.k8s.io/v1: ingressClassName or the default class,
// backends by Service port number or name, ready endpoints only.
import type { Service, ServicePort } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Ingress, IngressBackend, IngressClass } from "kubernetes-types/networking/v1";

export const defaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";
/** The pre-v1 way of naming a class, still honoured when ingressClassName is unset. */
export const legacyClassAnnotation = "kubernetes.io/ingress.class";
const serviceNameLabel = "kubernetes.io/service-name";

export interface Upstream {
  ip: string;
  port: number;
}

/** Where matching requests go: a Service port and its ready endpoints (none: the proxy answers 503). */
export interface ServiceBackend {
  /** "namespace/service:port", stable across rebuilds so round robin can continue. */
  key: string;
  namespace: string;
  service: string;
  upstreams: Upstream[];
}

export type PathMatch = "Exact" | "Prefix";

export interface Route {
  match: PathMatch;
  /** For Prefix, without a trailing slash ("" for "/"). */
  path: string;
  backend: ServiceBackend;
  /** "namespace/name" of the Ingress the route came from. */
  ingress: string;
}

export interface RoutingTable {
  /** Routes by lower-cased host: exact names, "*.suffix" wildcards, and "" for rules without a host. */
  hosts: ReadonlyMap<string, readonly Route[]>;
  defaultBackend?: ServiceBackend;
}

export interface ClusterState {
  ingresses: readonly Ingress[];
  ingressClasses: readonly IngressClass[];
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
}

/** Only pods of the cluster network and loopback may be proxied to, whatever an EndpointSlice says. */
export function isAllowedUpstream(ip: string): boolean {
  const octets = ip.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return false;
  return (octets[0] === 10 && octets[1] === 42) || octets[0] === 127;
}

/** Names of the classes our controller implements. */
export function ownClassNames(classes: readonly IngressClass[], controllerName: string): Set<string> {
  return new Set(classes.filter((c) => c.spec?.controller === controllerName).map((c) => c.metadata?.name ?? ""));
}

/** Whether the Ingress belongs to one of our classes: by ingressClassName, the legacy annotation, or the default class when neither is set. */
export function isOurs(ingress: Ingress, classes: readonly IngressClass[], controllerName: string): boolean {
  const own = ownClassNames(classes, controllerName);
  const named = ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.[legacyClassAnnotation];
  if (named !== undefined) return own.has(named);
  return classes.some((c) => c.metadata?.annotations?.[defaultClassAnnotation] === "true" && own.has(c.metadata?.name ?? ""));
}

function byAge(a: Ingress, b: Ingress): number {
  const at = a.metadata?.creationTimestamp ?? "";
  const bt = b.metadata?.creationTimestamp ?? "";
  if (at !== bt) return at < bt ? -1 : 1;
  const an = `${a.metadata?.namespace}/${a.metadata?.name}`;
  const bn = `${b.metadata?.namespace}/${b.metadata?.name}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

function servicePortFor(service: Service, backend: IngressBackend): ServicePort | undefined {
  const wanted = backend.service?.port;
  return service.spec?.ports?.find((p) => (wanted?.number !== undefined ? p.port === wanted.number : p.name === wanted?.name));
}

function readyUpstreams(namespace: string, service: Service, servicePort: ServicePort, slices: readonly EndpointSlice[]): Upstream[] {
  const portName = servicePort.name ?? "";
  const seen = new Set<string>();
  const upstreams: Upstream[] = [];
  for (const slice of slices) {
    if (slice.metadata?.namespace !== namespace || slice.metadata?.labels?.[serviceNameLabel] !== service.metadata?.name) continue;
    if (slice.addressType !== "IPv4") continue;
    const port = slice.ports?.find((p) => (p.name ?? "") === portName)?.port;
    if (port === undefined) continue;
    for (const endpoint of slice.endpoints) {
      // An unset ready condition means ready (discovery/v1).
      if (endpoint.conditions?.ready === false) continue;
      for (const ip of endpoint.addresses) {
        const key = `${ip}:${port}`;
        if (seen.has(key) || !isAllowedUpstream(ip)) continue;
        seen.add(key);
        upstreams.push({ ip, port });
      }
    }
  }
  return upstreams;
}

function resolveBackend(namespace: string, backend: IngressBackend, state: ClusterState): ServiceBackend | undefined {
  const ref = backend.service;
  if (ref === undefined) return undefined;
  const portLabel = ref.port?.number ?? ref.port?.name ?? "";
  const base = { key: `${namespace}/${ref.name}:${portLabel}`, namespace, service: ref.name };
  const service = state.services.find((s) => s.metadata?.namespace === namespace && s.metadata?.name === ref.name);
  const servicePort = service === undefined ? undefined : servicePortFor(service, backend);
  if (service === undefined || servicePort === undefined) return { ...base, upstreams: [] };
  return { ...base, upstreams: readyUpstreams(namespace, service, servicePort, state.endpointSlices) };
}

function normalizedPath(match: PathMatch, path: string): string {
  return match === "Prefix" ? path.replace(/\/+$/, "") : path;
}

/** Builds the routing table of our Ingresses; where two claim the same host, path and type, the oldest wins. */
export function buildRoutingTable(state: ClusterState, controllerName: string): RoutingTable {
  const ours = state.ingresses.filter((i) => isOurs(i, state.ingressClasses, controllerName)).sort(byAge);
  const hosts = new Map<string, Route[]>();
  let defaultBackend: ServiceBackend | undefined;
  for (const ingress of ours) {
    const namespace = ingress.metadata?.namespace ?? "default";
    const id = `${namespace}/${ingress.metadata?.name ?? ""}`;
    if (defaultBackend === undefined && ingress.spec?.defaultBackend !== undefined) defaultBackend = resolveBackend(namespace, ingress.spec.defaultBackend, state);
    for (const rule of ingress.spec?.rules ?? []) {
      const host = (rule.host ?? "").toLowerCase();
      const routes = hosts.get(host) ?? [];
      for (const httpPath of rule.http?.paths ?? []) {
        const match: PathMatch = httpPath.pathType === "Exact" ? "Exact" : "Prefix";
        const path = normalizedPath(match, httpPath.path ?? "/");
        if (routes.some((r) => r.match === match && r.path === path)) continue;
        const backend = resolveBackend(namespace, httpPath.backend, state);
        if (backend !== undefined) routes.push({ match, path, backend, ingress: id });
      }
      hosts.set(host, routes);
    }
  }
  return defaultBackend === undefined ? { hosts } : { hosts, defaultBackend };
}
