// Pure: which backend of a routing table serves (Host header, path), per
// networking.k8s.io/v1 — an exact host before a one-label wildcard before
// rules without a host (falling through when a tier has no matching path),
// the longest matching path first, Exact before Prefix at equal length, then
// the default backend; undefined means 404.
import type { Route, RoutingTable, ServiceBackend } from "./rules.ts";

/** The host name of a Host header: lower case, without port or IPv6 brackets. */
export function hostName(hostHeader: string | undefined): string {
  const host = (hostHeader ?? "").trim().toLowerCase();
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]") === -1 ? undefined : host.indexOf("]"));
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/** Element-wise: Prefix /foo matches /foo and /foo/bar but not /foobar; Exact compares the whole path. */
export function pathMatches(route: Pick<Route, "match" | "path">, requestPath: string): boolean {
  if (route.match === "Exact") return requestPath === route.path;
  return route.path === "" || requestPath === route.path || requestPath.startsWith(`${route.path}/`);
}

function bestRoute(routes: readonly Route[] | undefined, requestPath: string): Route | undefined {
  let best: Route | undefined;
  for (const candidate of routes ?? []) {
    if (!pathMatches(candidate, requestPath)) continue;
    if (best === undefined || candidate.path.length > best.path.length || (candidate.path.length === best.path.length && candidate.match === "Exact" && best.match !== "Exact")) best = candidate;
  }
  return best;
}

function hostTiers(host: string): string[] {
  const dot = host.indexOf(".");
  return dot > 0 ? [host, `*${host.slice(dot)}`, ""] : [host, ""];
}

/** The backend for a request, or undefined when nothing matches and there is no default backend. */
export function routeRequest(table: RoutingTable, hostHeader: string | undefined, requestPath: string): ServiceBackend | undefined {
  const host = hostName(hostHeader);
  for (const tier of host === "" ? [""] : hostTiers(host)) {
    const route = bestRoute(table.hosts.get(tier), requestPath);
    if (route !== undefined) return route.backend;
  }
  return table.defaultBackend;
}
