// The API server: one TLS listener that speaks HTTP/2 or HTTP/1.1 (chosen by
// ALPN), authenticates, and routes to discovery, OpenAPI or the resources.
import http from "node:http";
import http2 from "node:http2";
import tls from "node:tls";
import type { TLSSocket } from "node:tls";
import type { Duplex } from "node:stream";
import type { ResourceRegistry } from "../api/registry.ts";
import type { Store } from "../storage/store.ts";
import type { UserInfo } from "./admission/admission.ts";
import { admissionChain } from "./admission/admission.ts";
import { defaultTolerationSecondsPlugin } from "./admission/default-toleration-seconds.ts";
import { namespaceLifecycle } from "./admission/namespace-lifecycle.ts";
import { priorityAdmission } from "./admission/priority.ts";
import { serviceAccountAuthenticator, unionAuthenticator, type Authenticator } from "./authn.ts";
import type { ServiceAccountTokens } from "./service-account-token.ts";
import { serviceAccountAdmission } from "./admission/service-account.ts";
import type { ServiceAccount } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { allowAll, type Authorizer } from "./authz.ts";
import { handleReview, isReview } from "./reviews.ts";
import { handleResource, type HttpExchange, type StreamWriter } from "./handler.ts";
import { parseRequestInfo } from "./request-info.ts";
import { Registry } from "./registry/lookup.ts";
import { ApiError, statusObject, toStatus, type StatusTarget } from "./status.ts";
import { maxBodyBytes, wantsAggregatedDiscovery } from "./negotiation.ts";
import { aggregatedContentType, aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions } from "./discovery.ts";
import { subresourceHandlers } from "./subresources.ts";
import { JsonChunks, objectBytes } from "./serialize.ts";
import { OpenApi } from "./openapi/index.ts";
import { PodStreams, type KubeletClientCert } from "./pod-streams.ts";

export const serverVersion = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4+skiff",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-11-22T00:00:00Z",
  goVersion: `node${process.versions.node}`,
  compiler: "node",
  platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
};

export interface ApiServerOptions {
  bindAddress: string;
  port: number;
  tls: { cert: string; key: string; ca: string };
  store: Store;
  resources: ResourceRegistry;
  authenticator: Authenticator;
  /** Default: allow every authenticated request (RBAC comes later). */
  authorizer?: Authorizer;
  /** Signs and verifies service-account tokens (serviceaccounts/<n>/token, bearer authentication); absent: neither is served. */
  serviceAccountTokens?: ServiceAccountTokens;
  /** ServiceAccount admission for pods: "require" an existing account (upstream), or only "ifPresent" (no controllers create them); absent: off. */
  serviceAccountAdmission?: "require" | "ifPresent";
  /** The address clients are told to use (discovery's serverAddressByClientCIDRs). */
  advertiseAddress?: string;
  /** Client certificate for the kubelets' HTTPS servers (pods/log, exec, attach, portforward); absent: those answer 503. */
  kubeletClientCert?: KubeletClientCert;
}

type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

const publicPaths = new Set(["/version", "/healthz", "/livez", "/readyz"]);

export class ApiServer {
  readonly registry: Registry;
  private readonly openapi: OpenApi;
  private readonly abort = new AbortController();
  private readyResolve!: (port: number) => void;
  private readyReject!: (e: unknown) => void;
  /** Resolves with the bound port once the server accepts connections. */
  readonly ready: Promise<number> = new Promise((resolve, reject) => {
    this.readyResolve = resolve;
    this.readyReject = reject;
  });

  constructor(private readonly options: ApiServerOptions) {
    this.registry = new Registry(options.resources, options.store, this.abort.signal);
    this.registry.useAdmission(
      admissionChain([
        namespaceLifecycle({
          phase: async (name) => {
            const rest = this.registry.rest("", "v1", "namespaces")!;
            try {
              const ns = await rest.get("", name, null);
              return (ns.status as { phase?: "Active" | "Terminating" } | undefined)?.phase ?? "Active";
            } catch (e) {
              if (e instanceof ApiError && e.reason === "NotFound") return undefined;
              throw e;
            }
          },
        }),
        defaultTolerationSecondsPlugin(),
        priorityAdmission({ classes: () => this.priorityClasses() }),
        ...(options.serviceAccountAdmission === undefined ? [] : [serviceAccountAdmission({ mode: options.serviceAccountAdmission, lookup: (namespace, name) => this.serviceAccount(namespace, name) })]),
      ]),
    );
    this.openapi = new OpenApi(options.resources);
    this.podStreams = new PodStreams(this.registry, options.kubeletClientCert);
    this.handlers = { ...subresourceHandlers(this.registry, options.serviceAccountTokens), "/pods/log": this.podStreams.logs };
    this.authenticator = options.serviceAccountTokens === undefined ? options.authenticator : unionAuthenticator([options.authenticator, serviceAccountAuthenticator(options.serviceAccountTokens, this.boundObjects())]);
  }

  /** Serves until signal aborts; resolves once every connection is closed. */
  async start(signal: AbortSignal): Promise<void> {
    const h2 = http2.createServer({}, (req, res) => void this.handle(req, res));
    const h1 = http.createServer({ keepAliveTimeout: 120_000 }, (req, res) => void this.handle(req, res));
    h1.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head).catch(() => socket.destroy()));
    const sockets = new Set<TLSSocket>();
    const listener = tls.createServer(
      {
        cert: this.options.tls.cert,
        key: this.options.tls.key,
        ca: this.options.tls.ca,
        requestCert: true,
        rejectUnauthorized: false,
        ALPNProtocols: ["h2", "http/1.1"],
      },
      (socket) => {
        sockets.add(socket);
        // Responses are written whole: waiting for more bytes (Nagle) only adds latency.
        socket.setNoDelay(true);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => {});
        if (socket.alpnProtocol === "h2") h2.emit("connection", socket);
        else h1.emit("connection", socket);
      },
    );
    listener.on("tlsClientError", () => {});
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(this.options.port, this.options.bindAddress, () => {
        listener.off("error", reject);
        resolve();
      });
    }).catch((e) => {
      this.readyReject(e);
      throw e;
    });
    const address = listener.address();
    this.readyResolve(typeof address === "object" && address ? address.port : this.options.port);
    await new Promise<void>((resolve) => {
      const stop = () => {
        this.abort.abort();
        listener.close(() => resolve());
        for (const s of sockets) s.destroy();
      };
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
    });
  }

  private readonly handlers: ReturnType<typeof subresourceHandlers>;
  private readonly podStreams: PodStreams;

  /** HTTP/1.1 upgrades: exec, attach and port-forward streams, after authentication and authorization like any request. */
  private async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", () => {});
    const refuse = (status: ReturnType<typeof statusObject>) => {
      const body = JSON.stringify(status);
      socket.end(`HTTP/1.1 ${status.code ?? 500} ${status.reason ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    const url = new URL(req.url ?? "/", "https://localhost");
    const user = this.authenticate(req);
    if (user === undefined) return refuse(statusObject(401, "Unauthorized", "Unauthorized"));
    const info = parseRequestInfo(req.method ?? "GET", url.pathname, url.searchParams);
    if (info.kind !== "resource") return refuse(statusObject(400, "BadRequest", "only pods/exec, pods/attach and pods/portforward can be upgraded"));
    const decision = await this.authorizer.authorize({ user, verb: info.verb, resource: { group: info.group, version: info.version, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name } });
    if (!decision.allowed) return refuse(statusObject(403, "Forbidden", `${user.name} is forbidden: ${decision.reason}`));
    await this.podStreams.upgrade(info, req, socket, head);
  }
  private readonly authenticator: Authenticator;

  /** From the watch cache without waiting for the newest revision: upstream reads an informer's. */
  private async priorityClasses(): Promise<PriorityClass[]> {
    const cache = this.registry.rest("scheduling.k8s.io", "v1", "priorityclasses")!.cache;
    await cache.ready();
    return cache.list().items.map(({ object }) => object as PriorityClass);
  }

  private async serviceAccount(namespace: string, name: string): Promise<ServiceAccount | undefined> {
    try {
      return (await this.registry.rest("", "v1", "serviceaccounts")!.get(namespace, name, null)) as ServiceAccount;
    } catch (e) {
      if (e instanceof ApiError && e.reason === "NotFound") return undefined;
      throw e;
    }
  }

  /** Current uids from the watch caches (authentication is synchronous); the caches start loading here. */
  private boundObjects() {
    const rests = Object.fromEntries((["serviceaccounts", "pods", "secrets"] as const).map((plural) => [plural, this.registry.rest("", "v1", plural)!]));
    for (const rest of Object.values(rests)) rest.cache.ready().catch(() => {});
    return {
      uidOf: (plural: "serviceaccounts" | "pods" | "secrets", namespace: string, name: string) => {
        const rest = rests[plural]!;
        return (rest.cache.get(rest.key(namespace, name)) as { metadata?: { uid?: string } } | undefined)?.metadata?.uid;
      },
    };
  }
  private get authorizer(): Authorizer {
    return this.options.authorizer ?? allowAll;
  }

  private async handle(req: AnyRequest, res: AnyResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://localhost");
    const method = req.method ?? "GET";
    let target: StatusTarget | undefined;
    const warnings: string[] = [];
    const reply = (status: number, body: unknown, contentType = "application/json") => {
      if (res.headersSent) return;
      const json = typeof body === "string" || body instanceof JsonChunks ? body : objectBytes(body as object);
      const length = typeof json === "string" ? Buffer.byteLength(json) : json instanceof JsonChunks ? json.bytes : json.length;
      const headers: Record<string, string | number | string[]> = { "Content-Type": contentType, "Content-Length": length, "Cache-Control": "no-cache, private" };
      if (warnings.length > 0) headers["Warning"] = warnings.map(warningHeader);
      res.writeHead(status, headers);
      if (json instanceof JsonChunks) endWithChunks(res, json.chunks);
      else res.end(json);
    };
    try {
      const user = this.authenticate(req);
      if (user === undefined && !publicPaths.has(url.pathname)) {
        return reply(401, statusObject(401, "Unauthorized", "Unauthorized"));
      }
      const info = parseRequestInfo(method, url.pathname, url.searchParams);
      const who = user ?? anonymous;
      const decision = await this.authorizer.authorize(
        info.kind === "nonResource"
          ? { user: who, verb: info.verb, path: url.pathname }
          : { user: who, verb: info.verb, resource: { group: info.group, version: info.version, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name } },
      );
      if (!decision.allowed && !publicPaths.has(url.pathname)) {
        return reply(403, statusObject(403, "Forbidden", `${who.name} is forbidden: ${decision.reason}`));
      }
      if (info.kind === "nonResource") return await this.nonResource(method, url, req, reply);
      if (isReview(info)) return await handleReview(info, exchange(req, res, url, who, reply, warnings), this.authorizer, this.authenticator);
      const rest = this.registry.rest(info.group, info.version, info.resource);
      if (rest === undefined) {
        return reply(404, statusObject(404, "NotFound", "the server could not find the requested resource"));
      }
      target = rest.target(info.name);
      const allowed = info.subresource !== "" || rest.info.verbs.includes(info.verb);
      if (!allowed) throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
      await handleResource(rest, info, exchange(req, res, url, who, reply, warnings), this.handlers);
    } catch (e) {
      const status = toStatus(e, target);
      if (status.code === 500) console.error(`${method} ${url.pathname}: ${e instanceof Error ? e.stack : String(e)}`);
      // An unread oversized body poisons a kept-alive HTTP/1.1 connection: close it.
      if (status.code === 413 && req.httpVersionMajor < 2) (res as http.ServerResponse).setHeader("Connection", "close");
      if (!res.headersSent) reply(status.code ?? 500, status);
      else res.end();
    }
  }

  /**
   * A client certificate is the same for every request of a connection:
   * read it once per connection (HTTP/1.1 socket or HTTP/2 session).
   */
  private readonly certificateUsers = new WeakMap<object, UserInfo | undefined>();

  private authenticate(req: AnyRequest): UserInfo | undefined {
    const authorization = header(req, "authorization");
    const connection: object = req.httpVersionMajor === 2 ? (req as http2.Http2ServerRequest).stream.session! : req.socket;
    if (!this.certificateUsers.has(connection)) {
      const socket = req.socket as TLSSocket;
      this.certificateUsers.set(connection, this.authenticator.authenticate(socket, undefined));
    }
    return this.certificateUsers.get(connection) ?? (authorization === undefined ? undefined : this.authenticator.authenticate(undefined, authorization));
  }

  private async nonResource(method: string, url: URL, req: AnyRequest, reply: (s: number, b: unknown, ct?: string) => void): Promise<void> {
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (method !== "GET" && method !== "HEAD") throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    const accept = header(req, "accept");
    switch (path) {
      case "/version":
        return reply(200, serverVersion);
      case "/healthz":
      case "/livez":
      case "/readyz":
        return reply(200, "ok", "text/plain; charset=utf-8");
      case "/api":
        if (wantsAggregatedDiscovery(accept)) return reply(200, aggregatedDiscovery(this.options.resources, true), aggregatedContentType);
        return reply(200, apiVersions(this.options.advertiseAddress ?? `${this.options.bindAddress}:${this.options.port}`));
      case "/apis":
        if (wantsAggregatedDiscovery(accept)) return reply(200, aggregatedDiscovery(this.options.resources, false), aggregatedContentType);
        return reply(200, apiGroupList(this.options.resources));
    }
    const parts = path.split("/").filter(Boolean);
    if (parts[0] === "api" && parts.length === 2) {
      const list = apiResourceList(this.options.resources, "", parts[1]!);
      if (list) return reply(200, list);
    }
    if (parts[0] === "apis" && parts.length === 2) {
      const group = apiGroupList(this.options.resources).groups.find((g) => g.name === parts[1]);
      if (group) return reply(200, { kind: "APIGroup", apiVersion: "v1", ...group });
    }
    if (parts[0] === "apis" && parts.length === 3) {
      const list = apiResourceList(this.options.resources, parts[1]!, parts[2]!);
      if (list) return reply(200, list);
    }
    if (parts[0] === "openapi") {
      const doc = this.openapi.serve(path);
      if (doc !== undefined) return reply(200, doc.body, doc.contentType);
    }
    return reply(404, statusObject(404, "NotFound", "the server could not find the requested resource"));
  }
}

const anonymous: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };

function header(req: AnyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Writes a body in pieces, corked so that they leave in as few socket writes as the transport allows. */
function endWithChunks(res: AnyResponse, chunks: readonly Buffer[]): void {
  const stream: Duplex | http.ServerResponse = res instanceof http.ServerResponse ? res : res.stream;
  stream.cork();
  for (const chunk of chunks) (res as http.ServerResponse).write(chunk);
  stream.uncork();
  res.end();
}

/** RFC 7234 warn-code 299 with the text quoted, as upstream sends warnings. */
function warningHeader(text: string): string {
  return `299 - "${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function exchange(req: AnyRequest, res: AnyResponse, url: URL, user: UserInfo, reply: HttpExchange["reply"], warnings: string[]): HttpExchange {
  let body: Promise<Buffer> | undefined;
  return {
    method: req.method ?? "GET",
    headers: req.headers,
    query: url.searchParams,
    user,
    reply,
    warn: (text) => {
      if (!warnings.includes(text)) warnings.push(text);
    },
    body() {
      body ??= readBody(req);
      return body;
    },
    stream(status, contentType): StreamWriter {
      const headers: Record<string, string> = { "Content-Type": contentType, "Cache-Control": "no-cache, private" };
      if (req.httpVersionMajor < 2) headers["Transfer-Encoding"] = "chunked";
      res.writeHead(status, headers);
      // Send headers now: watchers wait for them before any event arrives.
      (res as http.ServerResponse).flushHeaders?.();
      const closed = new Promise<void>((resolve) => {
        res.on("close", () => resolve());
        req.on("close", () => resolve());
      });
      return {
        write: (chunk) => void (res as http.ServerResponse).write(chunk),
        end: () => res.end(),
        closed,
      };
    },
  };
}

function readBody(req: AnyRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes) {
        reject(new ApiError(413, "RequestEntityTooLarge", `the request entity is too large: limit is ${maxBodyBytes}`));
        req.removeAllListeners("data");
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
