// port-forward for kubectl: SPDY streams in pairs per forwarded connection
// (streamtype error and data, same requestid and port). Each data stream gets
// its own session with the runtime's streaming server, a v4 WebSocket whose
// channel 0 carries the bytes and channel 1 the runtime's errors; each channel
// opens with the port number (2 bytes), which kubectl's side does not expect.
import type WebSocket from "ws";
import type { SpdyStream } from "../../streaming/spdy-session.ts";
import { openRuntimeSocket, sendWhenOpen } from "./runtime-socket.ts";

/** The runtime URL for one forwarded connection to port. */
export type PortForwardDialer = (port: number) => Promise<string>;

export function portForwardStreams(dial: PortForwardDialer, log: (line: string) => void): (stream: SpdyStream) => void {
  const errorStreams = new Map<string, SpdyStream>();
  return (stream) => {
    const type = stream.headers["streamtype"];
    const requestId = stream.headers["requestid"] ?? "";
    const port = Number.parseInt(stream.headers["port"] ?? "", 10);
    if (type === "error") {
      errorStreams.set(requestId, stream);
      return;
    }
    if (type !== "data") {
      stream.reset();
      return;
    }
    const fail = (message: string) => {
      const errors = errorStreams.get(requestId);
      errors?.write(Buffer.from(message));
      errors?.end();
      stream.end();
    };
    if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`invalid port ${stream.headers["port"] ?? ""}`);
    const early: Buffer[] = [];
    let runtime: WebSocket | undefined;
    let ended = false;
    stream.onData = (d) => (runtime === undefined ? early.push(d) : sendWhenOpen(runtime, Buffer.concat([Buffer.of(0), d])));
    stream.onEnd = () => {
      ended = true;
      runtime?.close();
    };
    dial(port)
      .then((url) => openRuntimeSocket(url, { port: String(port) }))
      .then(
        (socket) => {
          runtime = socket;
          for (const d of early.splice(0)) sendWhenOpen(socket, Buffer.concat([Buffer.of(0), d]));
          if (ended) socket.close();
          const seenPort = [false, false];
          socket.on("message", (raw: Buffer) => {
            const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
            const ch = data[0];
            if (ch !== 0 && ch !== 1) return;
            if (!seenPort[ch]) {
              seenPort[ch] = true;
              return;
            }
            if (ch === 0) stream.write(data.subarray(1));
            else errorStreams.get(requestId)?.write(data.subarray(1));
          });
          socket.on("close", () => {
            errorStreams.get(requestId)?.end();
            errorStreams.delete(requestId);
            stream.end();
          });
          socket.on("error", (e) => {
            log(`port-forward to ${port}: ${e.message}`);
            fail(`error forwarding port ${port}: ${e.message}`);
          });
        },
        (e: unknown) => fail(`error forwarding port ${port}: ${e instanceof Error ? e.message : String(e)}`),
      );
  };
}
