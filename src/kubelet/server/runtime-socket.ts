// A WebSocket to the runtime's streaming server (containerd's embedded CRI
// streaming server speaks the channel.k8s.io v4 protocol). Only loopback
// addresses are dialed: the runtime's streaming server lives on this node.
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import type WebSocket from "ws";

export class RuntimeStreamError extends Error {
  readonly reason = "RuntimeStreamError" as const;
}

const loopbackHosts = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/;

function loopbackUrl(url: string): URL {
  const target = new URL(url);
  if (!loopbackHosts.test(target.hostname)) throw new RuntimeStreamError(`the runtime's streaming URL ${url} is not on loopback`);
  return target;
}

/** A plain (or TLS) connection to the runtime's streaming server, for an SPDY upgrade. */
export function dialRuntime(url: string): Duplex {
  const target = loopbackUrl(url);
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port || (target.protocol === "https:" ? 443 : 80));
  return target.protocol === "https:" ? tls.connect({ host, port, rejectUnauthorized: false }) : net.connect({ host, port });
}

/** A v4 WebSocket to the runtime; the WebSocket library loads with the first one. */
export async function openRuntimeSocket(url: string, query: Record<string, string> = {}): Promise<WebSocket> {
  const target = loopbackUrl(url);
  target.protocol = target.protocol === "https:" ? "wss:" : "ws:";
  for (const [k, v] of Object.entries(query)) target.searchParams.append(k, v);
  const { default: WebSocketClient } = await import("ws");
  return new WebSocketClient(target, ["v4.channel.k8s.io"], { rejectUnauthorized: false });
}

/** Sends once the socket is open; drops data after it closed. */
export function sendWhenOpen(socket: WebSocket, data: Buffer): void {
  if (socket.readyState === socket.OPEN) socket.send(data);
  else if (socket.readyState === socket.CONNECTING) socket.once("open", () => socket.send(data));
}
