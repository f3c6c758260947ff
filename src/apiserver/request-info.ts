// Turns a request's method, path and query into what it asks of which
// resource, the way upstream's RequestInfoFactory reads the same URLs.

export type RequestVerb =
  | "get"
  | "list"
  | "watch"
  | "create"
  | "update"
  | "patch"
  | "delete"
  | "deletecollection";

export interface ResourceRequest {
  kind: "resource";
  verb: RequestVerb;
  /** "" for the core group. */
  group: string;
  version: string;
  /** "" for cluster-scoped requests and lists across namespaces. */
  namespace: string;
  resource: string;
  /** "" when the request addresses the collection. */
  name: string;
  subresource: string;
}

export interface NonResourceRequest {
  kind: "nonResource";
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

const namespaceSubresources = new Set(["status", "finalize"]);

const methodVerbs: Record<string, RequestVerb | undefined> = {
  POST: "create",
  PUT: "update",
  PATCH: "patch",
  GET: "get",
  HEAD: "get",
  DELETE: "delete",
};

/** Query values that mean true, as upstream parses booleans in query strings. */
export function queryFlag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v !== null && (v === "" || v === "1" || v.toLowerCase() === "true");
}

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const nonResource: NonResourceRequest = { kind: "nonResource", verb: method.toLowerCase(), path };
  const parts = path.split("/").filter((p) => p !== "").map(decodeURIComponent);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return nonResource;
  }
  let verb = methodVerbs[method];
  if (verb === undefined) return nonResource;
  // Deprecated /watch/ prefix: /api/v1/watch/namespaces/ns/pods
  let watchPrefix = false;
  if (rest[0] === "watch") {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace = "";
  if (rest[0] === "namespaces" && rest.length >= 2) {
    namespace = rest[1]!;
    if (rest.length === 2) {
      // /namespaces/{name} addresses the namespace object itself.
      rest = ["namespaces", namespace];
      namespace = "";
    } else if (rest.length === 3 && group === "" && namespaceSubresources.has(rest[2]!)) {
      // /api/v1/namespaces/{name}/status|finalize: a subresource of that namespace.
      rest = ["namespaces", namespace, rest[2]!];
      namespace = "";
    } else {
      rest = rest.slice(2);
    }
  }
  const [resource = "", name = "", subresource = "", ...extra] = rest;
  if (resource === "" || extra.length > 0 && subresource === "") return nonResource;
  if (watchPrefix || (verb === "get" && queryFlag(query, "watch"))) {
    verb = "watch";
  } else if (verb === "get" && name === "") {
    verb = "list";
  } else if (verb === "delete" && name === "") {
    verb = "deletecollection";
  }
  // A subresource path may carry more segments (pods/x/proxy/a/b): keep the first.
  return { kind: "resource", verb, group, version, namespace, resource, name, subresource };
}
