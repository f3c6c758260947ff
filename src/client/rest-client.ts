// The KubeClient over HTTP/2 to a real API server (see http2-transport.ts for
// why HTTP/2). Answers other than 2xx become ApiStatusError; a watch is an
// async iterable of newline-delimited JSON events that a signal ends.
import { performance } from "node:perf_hooks";
import type { Status } from "kubernetes-types/meta/v1";
import { realClock, type Clock } from "./clock.ts";
import { ApiStatusError, ClientConnectionError, InvalidClientOptionError, RequestAbortedError, isStatus } from "./errors.ts";
import { Http2Transport, readText, type TransportOptions, type TransportRequest, type TransportResponse } from "./http2-transport.ts";
import { loadKubeconfig, type ConnectionConfig } from "./kubeconfig.ts";
import type {
  CreateOptions,
  DeleteOptions,
  KubeClient,
  KubeObject,
  ListOptions,
  ObjectList,
  PatchOptions,
  PatchType,
  ReadOptions,
  ResourceRef,
  WatchEvent,
  WatchEventType,
  WatchOptions,
  WriteOptions,
} from "./kube-client.ts";
import { TokenBucket } from "./token-bucket.ts";
import { LineSplitter } from "./watch-lines.ts";

export interface RestClientOptions {
  /** Client-side throttle: requests per second and burst (client-go's QPS/Burst). Unlimited when absent. */
  qps?: number;
  burst?: number;
  userAgent?: string;
  /** Deadline for each non-watch request; 0 disables it. Default 60 s. */
  requestTimeoutMs?: number;
  pingIdleMs?: number;
  pingTimeoutMs?: number;
  clock?: Clock;
}

const patchContentTypes: Record<PatchType, string> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

const watchEventTypes: ReadonlySet<string> = new Set<WatchEventType>(["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]);

export class RestClient implements KubeClient {
  private readonly transport: Http2Transport;
  private readonly limiter: TokenBucket | undefined;
  private readonly userAgent: string;
  private readonly requestTimeoutMs: number;
  /** Headers every request carries; writes add content-type to a copy. */
  private readonly readHeaders: Readonly<Record<string, string>>;

  constructor(
    readonly config: ConnectionConfig,
    options: RestClientOptions = {},
  ) {
    const transportOptions: TransportOptions = { server: config.server };
    for (const field of ["ca", "cert", "key", "insecureSkipTlsVerify", "tlsServerName"] as const) {
      if (config[field] !== undefined) Object.assign(transportOptions, { [field]: config[field] });
    }
    if (options.pingIdleMs !== undefined) transportOptions.pingIdleMs = options.pingIdleMs;
    if (options.pingTimeoutMs !== undefined) transportOptions.pingTimeoutMs = options.pingTimeoutMs;
    this.transport = new Http2Transport(transportOptions);
    this.limiter = options.qps === undefined ? undefined : new TokenBucket(options.qps, options.burst ?? Math.max(1, Math.ceil(options.qps)), options.clock ?? realClock);
    this.userAgent = options.userAgent ?? "skiff-client";
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    const headers: Record<string, string> = { accept: "application/json", "user-agent": this.userAgent };
    if (config.bearerToken) headers["authorization"] = `Bearer ${config.bearerToken}`;
    this.readHeaders = headers;
  }

  static async fromKubeconfig(path: string, options: RestClientOptions & { context?: string } = {}): Promise<RestClient> {
    const config = await loadKubeconfig(path, options.context === undefined ? {} : { context: options.context });
    return new RestClient(config, options);
  }

  /** The namespace of the kubeconfig's context. */
  get namespace(): string {
    return this.config.namespace;
  }

  close(): void {
    this.transport.close();
  }

  get<T extends KubeObject>(resource: ResourceRef, name: string, options: ReadOptions = {}): Promise<T> {
    const query = new URLSearchParams();
    if (options.resourceVersion !== undefined) query.set("resourceVersion", options.resourceVersion);
    return this.call<T>("GET", resourcePath(resource, name, options.subresource), query, undefined, options.signal);
  }

  list<T extends KubeObject>(resource: ResourceRef, options: ListOptions = {}): Promise<ObjectList<T>> {
    const query = new URLSearchParams();
    if (options.labelSelector) query.set("labelSelector", options.labelSelector);
    if (options.fieldSelector) query.set("fieldSelector", options.fieldSelector);
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    if (options.continue) query.set("continue", options.continue);
    if (options.resourceVersion !== undefined) query.set("resourceVersion", options.resourceVersion);
    if (options.resourceVersionMatch !== undefined) query.set("resourceVersionMatch", options.resourceVersionMatch);
    return this.call<ObjectList<T>>("GET", resourcePath(resource), query, undefined, options.signal);
  }

  create<T extends KubeObject>(resource: ResourceRef, object: T, options: CreateOptions = {}): Promise<T> {
    return this.call<T>("POST", resourcePath(resource), writeQuery(options), { contentType: "application/json", text: JSON.stringify(object) }, options.signal);
  }

  createSubresource<R>(resource: ResourceRef, name: string, subresource: string, body: unknown, options: WriteOptions = {}): Promise<R> {
    return this.call<R>("POST", resourcePath(resource, name, subresource), writeQuery(options), { contentType: "application/json", text: JSON.stringify(body) }, options.signal);
  }

  update<T extends KubeObject>(resource: ResourceRef, object: T, options: WriteOptions = {}): Promise<T> {
    return this.call<T>("PUT", resourcePath(resource, requireName(object), options.subresource), writeQuery(options), { contentType: "application/json", text: JSON.stringify(object) }, options.signal);
  }

  updateStatus<T extends KubeObject>(resource: ResourceRef, object: T, options: WriteOptions = {}): Promise<T> {
    return this.update(resource, object, { ...options, subresource: "status" });
  }

  patch<T extends KubeObject>(resource: ResourceRef, name: string, type: PatchType, patch: unknown, options: PatchOptions = {}): Promise<T> {
    const query = writeQuery(options, options.force === true);
    const text = typeof patch === "string" ? patch : JSON.stringify(patch);
    return this.call<T>("PATCH", resourcePath(resource, name, options.subresource), query, { contentType: patchContentTypes[type], text }, options.signal);
  }

  delete<T extends KubeObject>(resource: ResourceRef, name: string, options: DeleteOptions = {}): Promise<T | Status> {
    const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
    if (options.gracePeriodSeconds !== undefined) body["gracePeriodSeconds"] = options.gracePeriodSeconds;
    if (options.propagationPolicy !== undefined) body["propagationPolicy"] = options.propagationPolicy;
    if (options.preconditions !== undefined) body["preconditions"] = options.preconditions;
    if (options.dryRun) body["dryRun"] = ["All"];
    return this.call<T | Status>("DELETE", resourcePath(resource, name), undefined, { contentType: "application/json", text: JSON.stringify(body) }, options.signal);
  }

  async *watch<T extends KubeObject>(resource: ResourceRef, options: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    const query = new URLSearchParams({ watch: "1" });
    if (options.labelSelector) query.set("labelSelector", options.labelSelector);
    if (options.fieldSelector) query.set("fieldSelector", options.fieldSelector);
    if (options.resourceVersion !== undefined) query.set("resourceVersion", options.resourceVersion);
    if (options.allowWatchBookmarks) query.set("allowWatchBookmarks", "true");
    if (options.timeoutSeconds !== undefined) query.set("timeoutSeconds", String(options.timeoutSeconds));
    const signal = options.signal;
    let response: TransportResponse;
    try {
      await this.limiter?.wait(signal);
      response = await this.send("GET", `${resourcePath(resource)}?${query}`, undefined, signal, 0);
    } catch (e) {
      if (signal?.aborted) return;
      throw e;
    }
    const stream = response.stream;
    try {
      if (response.status !== 200) throw ApiStatusError.fromResponse(response.status, await readText(stream));
      // Lines are cut from the bytes and each decoded once (no decoding of whole chunks, no concatenated strings).
      const splitter = new LineSplitter();
      for await (const chunk of stream) {
        for (const line of splitter.push(chunk as Buffer)) yield decodeWatchLine<T>(line);
      }
      for (const line of splitter.end()) yield decodeWatchLine<T>(line);
    } catch (e) {
      if (signal?.aborted) return;
      if (e instanceof ApiStatusError) throw e;
      throw new ClientConnectionError(`watch ${resourcePath(resource)} broke off: ${(e as Error).message}`, { cause: e });
    } finally {
      if (!stream.destroyed) stream.destroy();
    }
  }

  private async call<T>(method: string, path: string, query: URLSearchParams | undefined, body: { contentType: string; text: string } | undefined, callerSignal: AbortSignal | undefined): Promise<T> {
    const target = query !== undefined && query.size > 0 ? `${path}?${query}` : path;
    const timeoutMs = this.requestTimeoutMs;
    const started = timeoutMs > 0 ? performance.now() : 0;
    try {
      if (this.limiter !== undefined) await this.throttle(callerSignal, timeoutMs);
      // The deadline covers the throttle's wait too, as client-go's request timeout does.
      const left = timeoutMs > 0 ? Math.max(1, timeoutMs - (performance.now() - started)) : 0;
      const response = await this.send(method, target, body, callerSignal, left);
      const text = await readText(response.stream);
      if (response.status < 200 || response.status > 299) throw ApiStatusError.fromResponse(response.status, text);
      return JSON.parse(text) as T;
    } catch (e) {
      if (e instanceof ApiStatusError) throw e;
      if (callerSignal?.aborted) {
        if (e instanceof RequestAbortedError) throw e;
        throw new RequestAbortedError(`${method} ${target}: aborted`, { cause: e });
      }
      if (timeoutMs > 0 && performance.now() - started >= timeoutMs) {
        throw new ClientConnectionError(`${method} ${target}: no answer in ${timeoutMs} ms`, { cause: e });
      }
      throw e;
    }
  }

  /** The client-side rate limit; its wait ends early when the caller aborts or the request's deadline passes. */
  private async throttle(callerSignal: AbortSignal | undefined, timeoutMs: number): Promise<void> {
    const signals = [callerSignal, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined].filter((s) => s !== undefined);
    await this.limiter!.wait(signals.length > 1 ? AbortSignal.any(signals) : signals[0]);
  }

  private send(method: string, path: string, body: { contentType: string; text: string } | undefined, signal: AbortSignal | undefined, timeoutMs: number): Promise<TransportResponse> {
    const headers = body === undefined ? this.readHeaders : { ...this.readHeaders, "content-type": body.contentType };
    const request: TransportRequest = { method, path, headers, timeoutMs };
    if (body !== undefined) request.body = body.text;
    if (signal !== undefined) request.signal = signal;
    return this.transport.request(request);
  }
}

/** /api/v1/... for the core group, /apis/<group>/<version>/... otherwise. */
export function resourcePath(resource: ResourceRef, name?: string, subresource?: string): string {
  let path = resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  if (resource.namespace) path += `/namespaces/${encodeURIComponent(resource.namespace)}`;
  path += `/${resource.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

/** The query of a write; undefined when it has none (most writes), which saves building one. */
function writeQuery(options: WriteOptions, force = false): URLSearchParams | undefined {
  if (!options.dryRun && !options.fieldManager && !force) return undefined;
  const query = new URLSearchParams();
  if (options.dryRun) query.set("dryRun", "All");
  if (options.fieldManager) query.set("fieldManager", options.fieldManager);
  if (force) query.set("force", "true");
  return query;
}

function requireName(object: KubeObject): string {
  const name = object.metadata?.name;
  if (!name) throw new InvalidClientOptionError("update needs an object with metadata.name");
  return name;
}

function decodeWatchLine<T>(line: string): WatchEvent<T> {
  let event: { type?: unknown; object?: unknown };
  try {
    event = JSON.parse(line) as { type?: unknown; object?: unknown };
  } catch (e) {
    throw new ClientConnectionError(`watch: undecodable event ${JSON.stringify(line.slice(0, 200))}`, { cause: e });
  }
  if (event.type === "ERROR") {
    throw isStatus(event.object) ? new ApiStatusError(event.object) : ApiStatusError.fromResponse(500, JSON.stringify(event.object));
  }
  if (typeof event.type !== "string" || !watchEventTypes.has(event.type) || typeof event.object !== "object" || event.object === null) {
    throw new ClientConnectionError(`watch: malformed event ${JSON.stringify(line.slice(0, 200))}`);
  }
  return { type: event.type as WatchEventType, object: event.object as T };
}
