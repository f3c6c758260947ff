// OpenAPI v3: a root listing one document per group version, and those
// documents with the paths kubectl inspects (PATCH operations carrying the
// group-version-kind and a fieldValidation parameter, which is how kubectl
// learns the server validates fields) and the component schemas `kubectl
// explain` reads. Documents are built on first request and kept.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ResourceInfo, ResourceRegistry } from "../../api/registry.ts";

type Schema = Record<string, unknown>;

let schemaCache: Record<string, Schema> | undefined;
/** The component schemas of the built-in kinds, read once on first use (shared with field validation). */
export function openApiSchemas(): Record<string, Schema> {
  schemaCache ??= JSON.parse(readFileSync(new URL("./schemas.json", import.meta.url), "utf8")) as Record<string, Schema>;
  return schemaCache;
}

function kindIndex(): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, s] of Object.entries(openApiSchemas())) {
    for (const gvk of (s["x-kubernetes-group-version-kind"] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
      index.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, name);
    }
  }
  return index;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const queryParam = (name: string, description: string) => ({ name, in: "query", description, schema: { type: "string", uniqueItems: true } });
const writeParams = [
  queryParam("dryRun", "When present, indicates that modifications should not be persisted."),
  queryParam("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
  queryParam("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict."),
];

function operations(r: ResourceInfo, schemaName: string | undefined, metaPkg: string): { item: Record<string, Schema>; collection: Record<string, Schema> } {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const body = schemaName ? ref(schemaName) : { type: "object" };
  const ok = (schema: Schema) => ({ "200": { description: "OK", content: { "application/json": { schema } } }, "401": { description: "Unauthorized" } });
  const op = (action: string, extra: Schema = {}) => ({
    tags: [r.group === "" ? `core_${r.version}` : `${r.group.replace(/\./g, "_")}_${r.version}`],
    operationId: `${action}${r.kind}`,
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": gvk,
    responses: ok(body),
    ...extra,
  });
  const has = (v: string) => (r.verbs as string[]).includes(v);
  const item: Record<string, Schema> = {};
  if (has("get")) item["get"] = op("get");
  if (has("update")) item["put"] = op("put", { parameters: writeParams, requestBody: { content: { "*/*": { schema: body } }, required: true } });
  if (has("patch")) {
    item["patch"] = op("patch", {
      parameters: [...writeParams, { name: "force", in: "query", schema: { type: "boolean", uniqueItems: true } }],
      requestBody: {
        content: Object.fromEntries(["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"].map((t) => [t, { schema: ref(`${metaPkg}.Patch`) }])),
        required: true,
      },
    });
  }
  if (has("delete")) item["delete"] = op("delete", { responses: ok(ref(`${metaPkg}.Status`)) });
  const collection: Record<string, Schema> = {};
  if (has("list")) collection["get"] = op("list", { responses: ok({ type: "object" }) });
  if (has("create")) collection["post"] = op("post", { parameters: writeParams, requestBody: { content: { "*/*": { schema: body } }, required: true } });
  if (has("deletecollection")) collection["delete"] = op("deletecollection", { responses: ok(ref(`${metaPkg}.Status`)) });
  return { item, collection };
}

/** The names of every schema reachable from the given ones through $ref. */
function closure(roots: string[]): Set<string> {
  const all = openApiSchemas();
  const seen = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref" && typeof x === "string") add(x.slice("#/components/schemas/".length));
        else visit(x);
      }
    }
  };
  const add = (name: string) => {
    if (seen.has(name) || all[name] === undefined) return;
    seen.add(name);
    visit(all[name]);
  };
  roots.forEach(add);
  return seen;
}

const metaPkg = "io.k8s.apimachinery.pkg.apis.meta.v1";

export class OpenApi {
  private readonly docs = new Map<string, { body: string; hash: string }>();
  private index: Map<string, string> | undefined;

  constructor(private readonly registry: ResourceRegistry) {}

  private groupVersions(): { path: string; group: string; version: string }[] {
    return this.registry.groups().flatMap((g) =>
      g.versions.map((v) => ({ path: g.name === "" ? `api/${v}` : `apis/${g.name}/${v}`, group: g.name, version: v })),
    );
  }

  private document(group: string, version: string): { body: string; hash: string } {
    const key = `${group}/${version}`;
    const cached = this.docs.get(key);
    if (cached) return cached;
    this.index ??= kindIndex();
    const base = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
    const paths: Record<string, unknown> = {};
    const roots = [`${metaPkg}.Status`, `${metaPkg}.Patch`, `${metaPkg}.DeleteOptions`];
    for (const r of this.registry.resources(group, version)) {
      const schemaName = this.index.get(`${r.group}/${r.version}/${r.kind}`);
      if (schemaName) roots.push(schemaName);
      const { item, collection } = operations(r, schemaName, metaPkg);
      const coll = r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}` : `${base}/${r.plural}`;
      const params = (named: boolean) => [
        ...(named ? [{ name: "name", in: "path", required: true, schema: { type: "string", uniqueItems: true } }] : []),
        ...(r.namespaced ? [{ name: "namespace", in: "path", required: true, schema: { type: "string", uniqueItems: true } }] : []),
      ];
      if (Object.keys(collection).length > 0) paths[coll] = { ...collection, parameters: params(false) };
      if (Object.keys(item).length > 0) paths[`${coll}/{name}`] = { ...item, parameters: params(true) };
      if (r.namespaced && collection["get"]) paths[`${base}/${r.plural}`] = { get: collection["get"] };
      for (const s of r.subresources) {
        if (s.name !== "status" && s.name !== "scale") continue;
        const subKind = { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind };
        const subSchema = this.index.get(`${subKind.group}/${subKind.version}/${subKind.kind}`);
        if (subSchema) roots.push(subSchema);
        const sub = operations({ ...r, ...subKind, verbs: s.verbs }, subSchema, metaPkg);
        paths[`${coll}/{name}/${s.name}`] = { ...sub.item, parameters: params(true) };
      }
    }
    const all = openApiSchemas();
    const components = Object.fromEntries([...closure(roots)].sort().map((n) => [n, all[n]]));
    const body = JSON.stringify({
      openapi: "3.0.0",
      info: { title: "Kubernetes", version: "v1.32.4" },
      paths,
      components: { schemas: components, securitySchemes: { BearerToken: { type: "apiKey", name: "authorization", in: "header" } } },
    });
    const doc = { body, hash: createHash("sha512").update(body).digest("hex").toUpperCase() };
    this.docs.set(key, doc);
    return doc;
  }

  /** The response for a path under /openapi, or undefined for 404. */
  serve(path: string): { body: string; contentType: string } | undefined {
    if (path === "/openapi/v3") {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const gv of this.groupVersions()) {
        paths[gv.path] = { serverRelativeURL: `/openapi/v3/${gv.path}?hash=${this.document(gv.group, gv.version).hash}` };
      }
      return { body: JSON.stringify({ paths }), contentType: "application/json" };
    }
    const rest = path.startsWith("/openapi/v3/") ? path.slice("/openapi/v3/".length) : undefined;
    if (rest === undefined) return undefined;
    const gv = this.groupVersions().find((g) => g.path === rest);
    if (gv === undefined) return undefined;
    return { body: this.document(gv.group, gv.version).body, contentType: "application/json" };
  }
}
