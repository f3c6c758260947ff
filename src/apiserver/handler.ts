// HTTP for resource requests: reads the body, negotiates the rendering and
// calls the resource's REST verbs. One function per kind of request.
import type { ResourceRequest } from "./request-info.ts";
import { queryFlag } from "./request-info.ts";
import type { ResourceRest, WatchSink, DeleteOptions, WriteOptions } from "./rest/resource-rest.ts";
import { parseFilter } from "./rest/filter.ts";
import type { ApiObject } from "./registry/strategy.ts";
import type { UserInfo } from "./admission/admission.ts";
import { ApiError, badRequest, methodNotAllowed, notFound } from "./status.ts";
import { chooseRendering, decodeBody, type Rendering } from "./negotiation.ts";
import { applyPatch, parsePatch, patchTypeOf } from "./patch-body.ts";
import { toTable, type IncludeObject } from "./tables/index.ts";
import { serverSideApply } from "./rest/server-side-apply.ts";
import {
  bodyProblems,
  parseFieldValidation,
  patchBodyProblems,
  strictDecodingError,
  strictPatchError,
  unknownFieldProblem,
  unknownFields,
  type FieldValidation,
} from "./field-validation.ts";
import { mediaType } from "./negotiation.ts";
import { eventJson, listJson } from "./serialize.ts";

export interface HttpExchange {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams;
  user: UserInfo;
  body(): Promise<Buffer>;
  /** Sends a whole JSON response. */
  reply(status: number, body: unknown, contentType?: string): void;
  /** Adds a `Warning: 299` header to the response (kubectl prints it). */
  warn(text: string): void;
  /** Starts a streamed response (watch); returns a writer. */
  stream(status: number, contentType: string): StreamWriter;
}

export interface StreamWriter {
  write(chunk: string): void;
  end(): void;
  /** Resolves when the client goes away. */
  closed: Promise<void>;
}

export function header(ex: HttpExchange, name: string): string | undefined {
  const v = ex.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Who a write comes from, for managedFields: the fieldManager parameter, else the client's User-Agent. */
export function writeOptions(ex: HttpExchange, subresource?: string): WriteOptions {
  const q = ex.query;
  const fieldManager = q.get("fieldManager") ?? undefined;
  if (fieldManager !== undefined && fieldManager.length > 128) {
    throw new ApiError(422, "Invalid", `${optionsKind(ex.method)}.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes`);
  }
  const opts: WriteOptions = { dryRun: dryRun(q), fieldManager, user: ex.user, userAgent: header(ex, "user-agent") };
  if (subresource !== undefined) opts.subresource = subresource;
  return opts;
}

function optionsKind(method: string): string {
  return method === "POST" ? "CreateOptions" : method === "PATCH" ? "PatchOptions" : "UpdateOptions";
}

export function dryRun(q: URLSearchParams): boolean {
  const values = q.getAll("dryRun");
  for (const v of values) if (v !== "All") throw badRequest(`Invalid dry run value: ${v}`);
  return values.length > 0;
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject");
  if (v === null || v === "") return "Metadata";
  if (v === "None" || v === "Metadata" || v === "Object") return v;
  throw badRequest(`invalid includeObject value: ${v}`);
}

function render(rest: ResourceRest, rendering: Rendering, q: URLSearchParams, objects: ApiObject[], listMeta?: { resourceVersion?: string; continue?: string; remainingItemCount?: number }) {
  const table = toTable({ group: rest.info.group, plural: rest.info.plural }, objects, { includeObject: includeObject(q), now: new Date(), listMeta });
  if (rendering.kind === "table" && rendering.version === "v1beta1") (table as { apiVersion: string }).apiVersion = "meta.k8s.io/v1beta1";
  return table;
}

export async function readObject(ex: HttpExchange): Promise<ApiObject> {
  const body = decodeBody(header(ex, "content-type"), await ex.body());
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("the body of the request must be a JSON object");
  return body as ApiObject;
}

/** Strict fails the request with its problems; Warn passes them back as warnings. */
function report(validation: FieldValidation, problems: string[], ex: HttpExchange, strictError: () => Error): void {
  if (problems.length === 0) return;
  if (validation === "Strict") throw strictError();
  if (validation === "Warn") for (const p of problems) ex.warn(p);
}

/** A create or update body, checked for unknown and duplicate fields as fieldValidation asks. */
async function readValidatedObject(rest: ResourceRest, ex: HttpExchange, options: "CreateOptions" | "UpdateOptions"): Promise<ApiObject> {
  const validation = parseFieldValidation(ex.query.get("fieldValidation"), options);
  const obj = await readObject(ex);
  if (validation === "Ignore") return obj;
  const { group, version, kind } = rest.info;
  const type = mediaType(header(ex, "content-type"));
  // Protobuf bodies cannot carry unknown fields; upstream checks only JSON and YAML.
  if (type === "application/vnd.kubernetes.protobuf") return obj;
  const problems = type === "application/yaml" ? unknownFields(group, version, kind, obj).map(unknownFieldProblem) : bodyProblems(group, version, kind, (await ex.body()).toString("utf8"));
  const dataVersion = typeof obj.apiVersion === "string" ? obj.apiVersion.split("/").pop()! : version;
  report(validation, problems, ex, () => strictDecodingError(typeof obj.kind === "string" && obj.kind ? obj.kind : kind, dataVersion, kind, problems));
  return obj;
}

/** Handlers of subresources beyond status, keyed "<group>/<resource>/<subresource>". */
export type SubresourceHandlers = Record<string, (rest: ResourceRest, req: ResourceRequest, ex: HttpExchange) => Promise<void>>;

export async function handleResource(rest: ResourceRest, req: ResourceRequest, ex: HttpExchange, subresources: SubresourceHandlers): Promise<void> {
  const { verb, namespace, name, subresource } = req;
  const q = ex.query;
  if (rest.info.namespaced && namespace === "" && name !== "") throw notFound(rest.target(name));
  if (!rest.info.namespaced && namespace !== "") throw notFound(rest.target(name || namespace));
  if (subresource !== "") return handleSubresource(rest, req, ex, subresources);
  const writeOpts = () => writeOptions(ex);
  switch (verb) {
    case "get": {
      const rendering = chooseRendering(header(ex, "accept"), true);
      const obj = await rest.get(namespace, name, q.get("resourceVersion"));
      return ex.reply(200, rendering.kind === "table" ? render(rest, rendering, q, [obj]) : obj);
    }
    case "list": {
      const rendering = chooseRendering(header(ex, "accept"), true);
      const limit = q.get("limit");
      const list = await rest.list(namespace, parseFilter(rest.info.group, rest.info.plural, q), {
        limit: limit === null ? undefined : parseLimit(limit),
        continue: q.get("continue") ?? undefined,
        resourceVersion: q.get("resourceVersion"),
        resourceVersionMatch: q.get("resourceVersionMatch"),
      });
      const listMeta: Record<string, unknown> = { resourceVersion: list.resourceVersion };
      if (list.continue !== undefined) listMeta["continue"] = list.continue;
      if (list.remainingItemCount !== undefined) listMeta["remainingItemCount"] = list.remainingItemCount;
      if (rendering.kind === "table") return ex.reply(200, render(rest, rendering, q, list.items, listMeta));
      return ex.reply(200, listJson({ kind: rest.info.listKind, apiVersion: rest.apiVersion, metadata: listMeta }, list.items));
    }
    case "watch":
      return watch(rest, req, ex);
    case "create": {
      const obj = await rest.create(namespace, await readValidatedObject(rest, ex, "CreateOptions"), writeOpts());
      return ex.reply(201, obj);
    }
    case "update": {
      const { object, created } = await rest.update(namespace, name, await readValidatedObject(rest, ex, "UpdateOptions"), writeOpts());
      return ex.reply(created ? 201 : 200, object);
    }
    case "patch":
      return patch(rest, req, ex, "main");
    case "delete": {
      const opts = await deleteOptions(ex);
      const { object } = await rest.delete(namespace, name, opts);
      return ex.reply(200, object);
    }
    case "deletecollection": {
      const opts = await deleteOptions(ex);
      const items = await rest.deleteCollection(namespace, parseFilter(rest.info.group, rest.info.plural, q), opts);
      return ex.reply(200, { kind: rest.info.listKind, apiVersion: rest.apiVersion, metadata: {}, items });
    }
  }
}

function parseLimit(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid limit: ${v}`);
  return n;
}

export async function patch(rest: ResourceRest, req: ResourceRequest, ex: HttpExchange, part: "main" | "status"): Promise<void> {
  const type = patchTypeOf(header(ex, "content-type"));
  const body = parsePatch(type, await ex.body());
  const q = ex.query;
  const opts = writeOptions(ex);
  if (type === "apply") {
    const manager = q.get("fieldManager");
    if (!manager) {
      throw new ApiError(422, "Invalid", `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply requests`, {
        name: "",
        group: "meta.k8s.io",
        kind: "PatchOptions",
        causes: [{ reason: "FieldValueRequired", message: "Required value: is required for apply requests", field: "fieldManager" }],
      });
    }
    const { object, created } = await serverSideApply(rest, req.namespace, req.name, body, { ...opts, fieldManager: manager, force: queryFlag(q, "force") }, part);
    return ex.reply(created ? 201 : 200, object);
  }
  const validation = parseFieldValidation(q.get("fieldValidation"), "PatchOptions");
  const bodyIssues = validation === "Ignore" ? [] : patchBodyProblems(type, (await ex.body()).toString("utf8"));
  let problems: string[] = [];
  const object = await rest.modify(req.namespace, req.name, part, opts, (current) => {
    const patched = applyPatch(rest.info, type, current, body);
    if (validation !== "Ignore") {
      // Each retry starts over from a fresh read.
      problems = [...bodyIssues, ...unknownFields(rest.info.group, rest.info.version, rest.info.kind, patched).map(unknownFieldProblem)];
      if (validation === "Strict" && problems.length > 0) throw strictPatchError(type, body, patched, problems);
    }
    return patched;
  });
  // Strict patches with problems already failed inside modify.
  if (validation === "Warn") for (const p of problems) ex.warn(p);
  ex.reply(200, object);
}

export async function deleteOptions(ex: HttpExchange): Promise<DeleteOptions> {
  const q = ex.query;
  const raw = await ex.body();
  const body = raw.length > 0 ? (decodeBody(header(ex, "content-type"), raw) as Record<string, unknown>) : {};
  const grace = body["gracePeriodSeconds"] ?? (q.get("gracePeriodSeconds") === null ? undefined : Number(q.get("gracePeriodSeconds")));
  let policy = (body["propagationPolicy"] ?? q.get("propagationPolicy") ?? undefined) as DeleteOptions["propagationPolicy"] | undefined;
  const orphan = body["orphanDependents"] ?? (q.get("orphanDependents") === null ? undefined : queryFlag(q, "orphanDependents"));
  if (policy === undefined && orphan !== undefined) policy = orphan ? "Orphan" : "Background";
  if (policy !== undefined && !["Orphan", "Background", "Foreground"].includes(policy)) {
    throw new ApiError(422, "Invalid", `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (grace !== undefined && (typeof grace !== "number" || !Number.isInteger(grace) || grace < 0)) throw badRequest(`invalid gracePeriodSeconds: ${String(grace)}`);
  const dry = Array.isArray(body["dryRun"]) ? (body["dryRun"] as unknown[]).includes("All") : dryRun(q);
  const opts: DeleteOptions = { dryRun: dry, user: ex.user };
  if (grace !== undefined) opts.gracePeriodSeconds = grace as number;
  if (policy !== undefined) opts.propagationPolicy = policy;
  const pre = body["preconditions"] as DeleteOptions["preconditions"] | undefined;
  if (pre) opts.preconditions = pre;
  return opts;
}

const bookmarkIntervalMs = 60_000;

async function watch(rest: ResourceRest, req: ResourceRequest, ex: HttpExchange): Promise<void> {
  const q = ex.query;
  const rendering = chooseRendering(header(ex, "accept"), true);
  const filter = parseFilter(rest.info.group, rest.info.plural, q);
  const bookmarks = queryFlag(q, "allowWatchBookmarks");
  const timeout = q.get("timeoutSeconds");
  const timeoutMs = timeout === null ? 30 * 60_000 : Math.max(0, Number(timeout)) * 1000;
  const contentType = rendering.kind === "table" ? `application/json;as=Table;v=${rendering.version};g=meta.k8s.io` : "application/json";
  // Events may arrive before the stream opens (the replay): they wait in `pending`.
  const stream: { out?: StreamWriter } = {};
  const pending: string[] = [];
  let lastVersion = "";
  let ended = false;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const encode = (type: string, obj: ApiObject) => {
    lastVersion = obj.metadata?.resourceVersion ?? lastVersion;
    if (rendering.kind === "table") return JSON.stringify({ type, object: render(rest, rendering, q, [obj]) }) + "\n";
    return eventJson(type, obj);
  };
  const sink: WatchSink = {
    send(type, obj) {
      if (ended) return;
      const line = encode(type, obj);
      if (stream.out) stream.out.write(line);
      else pending.push(line);
    },
    end: () => finish(),
  };
  const cancel = await rest.watch(req.namespace, filter, q.get("resourceVersion"), sink);
  const out = ex.stream(200, contentType);
  stream.out = out;
  for (const line of pending) out.write(line);
  pending.length = 0;
  const sendBookmark = () => {
    if (!bookmarks || lastVersion === "") return;
    const object = { kind: rest.info.kind, apiVersion: rest.apiVersion, metadata: { resourceVersion: String(Math.max(Number(lastVersion), rest.cache.revision)) } };
    out.write(JSON.stringify({ type: "BOOKMARK", object }) + "\n");
  };
  lastVersion ||= String(rest.cache.revision);
  const bookmarkTimer = setInterval(sendBookmark, bookmarkIntervalMs);
  const timer = setTimeout(finish, timeoutMs);
  await Promise.race([done, out.closed]);
  ended = true;
  clearTimeout(timer);
  clearInterval(bookmarkTimer);
  cancel();
  out.end();
}

async function handleSubresource(rest: ResourceRest, req: ResourceRequest, ex: HttpExchange, subresources: SubresourceHandlers): Promise<void> {
  const { verb, namespace, name, subresource } = req;
  const q = ex.query;
  const sub = rest.info.subresources.find((s) => s.name === subresource);
  if (sub === undefined || name === "") throw notFound(rest.target(name));
  const opts = writeOptions(ex);
  const handler = subresources[`${rest.info.group}/${rest.info.plural}/${subresource}`];
  if (handler) return handler(rest, req, ex);
  if (subresource === "status") {
    switch (verb) {
      case "get":
        return ex.reply(200, await rest.get(namespace, name, q.get("resourceVersion")));
      case "update":
        return ex.reply(200, await rest.updateStatus(namespace, name, await readObject(ex), opts));
      case "patch":
        return patch(rest, req, ex, "status");
      default:
        throw methodNotAllowed();
    }
  }
  throw methodNotAllowed();
}

