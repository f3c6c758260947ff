// A WebSocket to the runtime's streaming server (containerd's embedded CRI
// streaming server speaks the channel.k8s.io v4 protocol). Only loopback
// addresses are dialed: the runtime's streaming server lives on this node.
import WebSocket from "ws";

export class RuntimeStreamError extends Error {
  readonly reason = "RuntimeStreamError" as const;
}

const loopbackHosts = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/;

export function openRuntimeSocket(url: string, query: Record<string, string> = {}): WebSocket {
  const target = new URL(url);
  if (!loopbackHosts.test(target.hostname)) throw new RuntimeStreamError(`the runtime's streaming URL ${url} is not on loopback`);
  target.protocol = target.protocol === "https:" ? "wss:" : "ws:";
  for (const [k, v] of Object.entries(query)) target.searchParams.append(k, v);
  return new WebSocket(target, ["v4.channel.k8s.io"], { rejectUnauthorized: false });
}

/** Sends once the socket is open; drops data after it closed. */
export function sendWhenOpen(socket: WebSocket, data: Buffer): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(data);
  else if (socket.readyState === WebSocket.CONNECTING) socket.once("open", () => socket.send(data));
}
