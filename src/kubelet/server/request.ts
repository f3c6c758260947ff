// Pieces of the kubelet server's request handling shared by plain requests
// (kubelet-server.ts) and stream upgrades (stream-upgrade.ts): client-cert
// authorization, the path and query, errors as HTTP answers, and which
// container a request means.
import type http from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { containerNameLabel, podNameLabel, podNamespaceLabel } from "../runtime-labels.ts";
import type { Runtime } from "../runtime/runtime.ts";

export class StreamRequestError extends Error {
  readonly reason = "BadRequest" as const;
  constructor(
    message: string,
    readonly code = 400,
  ) {
    super(message);
  }
}

export function authorized(req: http.IncomingMessage): number | undefined {
  const socket = req.socket as TLSSocket;
  if (socket.authorized) return undefined;
  return Object.keys(socket.getPeerCertificate?.() ?? {}).length === 0 ? 401 : 403;
}

export function pathParts(req: http.IncomingMessage): { parts: string[]; query: URLSearchParams } {
  const url = new URL(req.url ?? "/", "https://kubelet");
  return { parts: url.pathname.split("/").filter(Boolean).map(decodeURIComponent), query: url.searchParams };
}

export const flag = (query: URLSearchParams, name: string) => ["true", "1"].includes(query.get(name) ?? "");

export function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new StreamRequestError(`${name}: expected an integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** The newest running attempt of a pod's container. */
export async function runningContainer(runtime: Runtime, namespace: string, pod: string, container: string): Promise<string | undefined> {
  const found = await runtime.listContainers({ state: "running", labels: { [podNamespaceLabel]: namespace, [podNameLabel]: pod, [containerNameLabel]: container } });
  return found.sort((a, b) => b.metadata.attempt - a.metadata.attempt)[0]?.id;
}

export function refuseUpgrade(socket: Duplex, e: unknown): void {
  const code = e instanceof StreamRequestError ? e.code : 500;
  const message = e instanceof Error ? e.message : String(e);
  const text = code === 401 ? "Unauthorized" : code === 403 ? "Forbidden" : code === 404 ? "Not Found" : code === 400 ? "Bad Request" : "Internal Server Error";
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
}

export function headerList(req: http.IncomingMessage, name: string): string[] {
  const raw = req.headers[name];
  return (Array.isArray(raw) ? raw.join(",") : (raw ?? "")).split(",").map((s) => s.trim()).filter(Boolean);
}
