// The DNS server shell: UDP and TCP (two-byte length framing, RFC 1035
// 4.2.2) on one address and port, answering through respond().
import { createSocket } from "node:dgram";
import { createServer, type Socket } from "node:net";
import type { ClusterDnsIndex } from "./cluster-records.ts";
import { respond } from "./dns-response.ts";

export interface DnsServerOptions {
  /** A specific address: port 53 of other addresses may belong to another resolver. */
  address: string;
  /** 0: any free port (the same one for UDP and TCP). */
  port: number;
  index: () => ClusterDnsIndex;
  /** TCP connections idle this long are closed. */
  tcpIdleMs?: number;
  log?: (line: string) => void;
}

export interface RunningDnsServer {
  port: number;
  /** Resolves once both sockets are closed (after the start signal aborts). */
  closed: Promise<void>;
}

const maxTcpConnections = 256;

function serveTcp(socket: Socket, options: DnsServerOptions): void {
  socket.setTimeout(options.tcpIdleMs ?? 10_000, () => socket.destroy());
  let buffered = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) break;
      const reply = respond(buffered.subarray(2, 2 + length), options.index(), "tcp");
      buffered = buffered.subarray(2 + length);
      if (reply === undefined) continue;
      const framed = Buffer.alloc(2 + reply.length);
      framed.writeUInt16BE(reply.length, 0);
      framed.set(reply, 2);
      socket.write(framed);
    }
  });
  socket.on("error", () => socket.destroy());
}

export async function startDnsServer(options: DnsServerOptions, signal: AbortSignal): Promise<RunningDnsServer> {
  const udp = createSocket({ type: "udp4" });
  udp.on("message", (message, peer) => {
    const reply = respond(message, options.index(), "udp");
    if (reply !== undefined) udp.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind({ address: options.address, port: options.port, exclusive: true }, () => {
      udp.off("error", reject);
      resolve();
    });
  });
  udp.on("error", (e) => options.log?.(`DNS over UDP: ${e.message}`));
  const port = udp.address().port;
  const tcp = createServer((socket) => serveTcp(socket, options));
  tcp.maxConnections = maxTcpConnections;
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen({ host: options.address, port, exclusive: true }, () => {
        tcp.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    udp.close();
    throw e;
  }
  const closed = new Promise<void>((resolve) => {
    const close = () => {
      let open = 2;
      const done = () => {
        if (--open === 0) resolve();
      };
      udp.close(done);
      tcp.close(done);
      // Idle keep-alive connections would hold close() open.
      tcp.getConnections(() => {});
    };
    if (signal.aborted) close();
    else signal.addEventListener("abort", close, { once: true });
  });
  // Sockets of live TCP clients end with their idle timeout; tracked here so close() need not wait for them.
  const sockets = new Set<Socket>();
  tcp.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  signal.addEventListener("abort", () => sockets.forEach((socket) => socket.destroy()), { once: true });
  return { port, closed };
}
