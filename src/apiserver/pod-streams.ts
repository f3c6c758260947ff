// pods/log, pods/exec, pods/attach and pods/portforward: the API server finds
// the pod's node and its kubelet (InternalIP, daemonEndpoints port) and
// proxies to the kubelet's HTTPS server with its kubelet client certificate.
// Logs stream through; exec, attach and port-forward upgrades (WebSocket or
// SPDY) are replayed to the kubelet and the raw bytes relayed both ways.
// Only kubelets at loopback or at this machine's own addresses are dialed.
import https from "node:https";
import type http from "node:http";
import { networkInterfaces } from "node:os";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import type { Container, Node, Pod } from "kubernetes-types/core/v1";
import type { ResourceRest } from "./rest/resource-rest.ts";
import type { Registry } from "./registry/lookup.ts";
import type { ResourceRequest } from "./request-info.ts";
import type { HttpExchange } from "./handler.ts";
import { ApiError, badRequest, statusObject } from "./status.ts";

export interface KubeletClientCert {
  cert: string;
  key: string;
}

interface KubeletAddress {
  host: string;
  port: number;
}

const logParams = ["follow", "previous", "timestamps", "tailLines", "sinceSeconds", "sinceTime", "limitBytes"];
const upgradeSubresources = new Set(["exec", "attach", "portforward"]);

function localAddresses(): Set<string> {
  const found = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) found.add(a.address);
  return found;
}

/** Whether the API server may dial this kubelet address: loopback or an address of this machine. */
export function isDialable(address: string, local: ReadonlySet<string>): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(address) || address === "::1" || local.has(address);
}

const allContainers = (pod: Pod): Container[] => [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...((pod.spec?.ephemeralContainers ?? []) as Container[])];

/** The container a request names, or the only one; errors in upstream's words. */
export function chooseContainer(pod: Pod, requested: string | null): string {
  const name = pod.metadata?.name ?? "";
  if (requested === null || requested === "") {
    const containers = pod.spec?.containers ?? [];
    if (containers.length === 1) return containers[0]!.name;
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(" ")}]`);
  }
  if (!allContainers(pod).some((c) => c.name === requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

export class PodStreams {
  constructor(
    private readonly registry: Registry,
    private readonly clientCert: KubeletClientCert | undefined,
  ) {}

  private async kubeletOf(pod: Pod): Promise<KubeletAddress> {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw badRequest(`pod ${pod.metadata?.name ?? ""} does not have a host assigned`);
    const node = (await this.registry.rest("", "v1", "nodes")!.get("", nodeName, null)) as Node;
    const host = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    if (host === undefined || port === undefined || port <= 0) throw new ApiError(503, "ServiceUnavailable", `node ${nodeName} has no kubelet address in its status`);
    if (!isDialable(host, localAddresses())) throw new ApiError(502, "InternalError", `refusing to dial the kubelet of node ${nodeName} at ${host}: only loopback and this machine's addresses are allowed`);
    if (this.clientCert === undefined) throw new ApiError(503, "ServiceUnavailable", "this API server has no kubelet client certificate");
    return { host, port };
  }

  private tlsOptions(): tls.ConnectionOptions {
    // Upstream does not verify kubelet serving certificates by default; the kubelet verifies us.
    return { cert: this.clientCert?.cert, key: this.clientCert?.key, rejectUnauthorized: false };
  }

  /** GET pods/{name}/log. */
  readonly logs = async (rest: ResourceRest, req: ResourceRequest, ex: HttpExchange): Promise<void> => {
    if (req.verb !== "get") throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    const pod = (await rest.get(req.namespace, req.name, null)) as Pod;
    const container = chooseContainer(pod, ex.query.get("container"));
    const kubelet = await this.kubeletOf(pod);
    const query = new URLSearchParams();
    for (const p of logParams) {
      const v = ex.query.get(p);
      if (v !== null) query.set(p, v);
    }
    const path = `/containerLogs/${encodeURIComponent(req.namespace)}/${encodeURIComponent(req.name)}/${encodeURIComponent(container)}?${query}`;
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = https.get({ host: kubelet.host, port: kubelet.port, path, ...this.tlsOptions() }, resolve);
      request.on("error", (e) => reject(new ApiError(502, "InternalError", `error dialing the kubelet: ${e.message}`, undefined, { cause: e })));
    });
    if (response.statusCode !== 200) {
      const chunks: Buffer[] = [];
      for await (const c of response) chunks.push(c as Buffer);
      const message = Buffer.concat(chunks).toString().trim();
      throw response.statusCode === 404 ? badRequest(message) : new ApiError(response.statusCode === 400 ? 400 : 500, response.statusCode === 400 ? "BadRequest" : "InternalError", message);
    }
    const out = ex.stream(200, "text/plain");
    const decoder = new TextDecoder("utf-8", { fatal: false });
    void out.closed.then(() => response.destroy());
    await new Promise<void>((resolve) => {
      response.on("data", (c: Buffer) => {
        const text = decoder.decode(c, { stream: true });
        if (text !== "") out.write(text);
      });
      response.on("end", resolve);
      response.on("error", () => resolve());
      response.on("close", resolve);
    });
    const tail = decoder.decode();
    if (tail !== "") out.write(tail);
    out.end();
  };

  /** An upgrade request (already authenticated and authorized) for exec, attach or portforward. */
  async upgrade(req: ResourceRequest, request: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      if (req.group !== "" || req.resource !== "pods" || !upgradeSubresources.has(req.subresource) || req.name === "") throw badRequest("only pods/exec, pods/attach and pods/portforward can be upgraded");
      const pods = this.registry.rest("", "v1", "pods")!;
      const pod = (await pods.get(req.namespace, req.name, null)) as Pod;
      const url = new URL(request.url ?? "/", "https://localhost");
      let path: string;
      if (req.subresource === "portforward") path = `/portForward/${encodeURIComponent(req.namespace)}/${encodeURIComponent(req.name)}`;
      else {
        const container = chooseContainer(pod, url.searchParams.get("container"));
        path = `/${req.subresource}/${encodeURIComponent(req.namespace)}/${encodeURIComponent(req.name)}/${encodeURIComponent(container)}`;
      }
      const kubelet = await this.kubeletOf(pod);
      const upstream = tls.connect({ host: kubelet.host, port: kubelet.port, ...this.tlsOptions() });
      await new Promise<void>((resolve, reject) => {
        upstream.once("secureConnect", resolve);
        upstream.once("error", (e) => reject(new ApiError(502, "InternalError", `error dialing the kubelet: ${e.message}`, undefined, { cause: e })));
      });
      const skip = new Set(["host", "authorization", "content-length"]);
      const lines = [`${request.method ?? "GET"} ${path}${url.search} HTTP/1.1`, `Host: ${kubelet.host}:${kubelet.port}`];
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        const name = request.rawHeaders[i]!;
        if (!skip.has(name.toLowerCase())) lines.push(`${name}: ${request.rawHeaders[i + 1] ?? ""}`);
      }
      if (request.method === "POST") lines.push("Content-Length: 0");
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.on("error", () => upstream.destroy());
      upstream.on("error", () => socket.destroy());
      socket.on("close", () => upstream.destroy());
      upstream.on("close", () => socket.destroy());
      upstream.pipe(socket);
      socket.pipe(upstream);
    } catch (e) {
      const status = e instanceof ApiError ? statusObject(e.code, e.reason, e.message, e.details) : statusObject(500, "InternalError", e instanceof Error ? e.message : String(e));
      const body = JSON.stringify({ kind: "Status", apiVersion: "v1", ...status });
      socket.end(`HTTP/1.1 ${status.code ?? 500} ${status.reason ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
  }
}
