// exec and attach for kubectl: its side speaks channel.k8s.io over WebSocket
// (v5, v4) or SPDY/3.1 streams; the runtime side is SPDY (remotecommand v4)
// to the runtime's streaming server. Output, the exit Status and TTY resizes pass
// through; a runtime failure becomes a Failure Status on the error channel.
import type WebSocket from "ws";
import type { Duplex } from "node:stream";
import { dialRuntime } from "./runtime-socket.ts";
import { SpdySession, type SpdyStream } from "../../streaming/spdy-session.ts";

/** What kubectl sends during a session. */
export interface ClientInput {
  stdin(data: Buffer): void;
  stdinEnd(): void;
  resize(json: Buffer): void;
  closed(): void;
}

/** What kubectl's side of a session offers, whatever its transport. */
export interface ExecClient {
  stdout(data: Buffer): void;
  stderr(data: Buffer): void;
  /** A metav1.Status as JSON on the error channel. */
  status(json: Buffer): void;
  close(): void;
  /** Input that arrived before (kubectl writes stdin at once, before the runtime answers) is replayed. */
  listen(input: ClientInput): void;
}

/** Holds kubectl's input until someone listens. */
class InputQueue implements ClientInput {
  private target: ClientInput | undefined;
  private readonly held: ((t: ClientInput) => void)[] = [];
  private deliver(event: (t: ClientInput) => void): void {
    if (this.target !== undefined) event(this.target);
    else this.held.push(event);
  }
  stdin = (data: Buffer) => this.deliver((t) => t.stdin(data));
  stdinEnd = () => this.deliver((t) => t.stdinEnd());
  resize = (json: Buffer) => this.deliver((t) => t.resize(json));
  closed = () => this.deliver((t) => t.closed());
  listen(target: ClientInput): void {
    this.target = target;
    for (const event of this.held.splice(0)) event(target);
  }
}

export const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export function failureStatus(message: string): Buffer {
  return Buffer.from(JSON.stringify({ metadata: {}, status: "Failure", message, reason: "InternalError", code: 500 }));
}

/** kubectl over a channel.k8s.io WebSocket (v4 or v5). */
export function webSocketExecClient(socket: WebSocket): ExecClient {
  const send = (ch: number, data: Buffer) => socket.send(Buffer.concat([Buffer.of(ch), data]));
  const input = new InputQueue();
  const client: ExecClient = {
    stdout: (d) => send(channel.stdout, d),
    stderr: (d) => send(channel.stderr, d),
    status: (d) => send(channel.error, d),
    close: () => socket.close(1000),
    listen: (target) => input.listen(target),
  };
  socket.on("message", (raw: Buffer) => {
    const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    if (data.length === 0) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case channel.stdin:
        input.stdin(payload);
        return;
      case channel.resize:
        input.resize(payload);
        return;
      case channel.close:
        if (payload[0] === channel.stdin) input.stdinEnd();
        return;
    }
  });
  socket.on("close", () => input.closed());
  socket.on("error", () => {});
  return client;
}

/**
 * kubectl over SPDY: one stream per streamtype. The session starts only once
 * every expected stream is open: kubectl opens them one by one, each waiting
 * for its reply, and data on an earlier stream that nobody reads yet would
 * hold up the replies behind it.
 */
export function spdyExecClient(expected: readonly string[]): { client: ExecClient; accept: (stream: SpdyStream) => void; ready: Promise<void>; closed: () => void } {
  let allOpen!: () => void;
  const ready = new Promise<void>((resolve) => (allOpen = resolve));
  const streams = new Map<string, SpdyStream>();
  const input = new InputQueue();
  const client: ExecClient = {
    stdout: (d) => streams.get("stdout")?.write(d),
    stderr: (d) => streams.get("stderr")?.write(d),
    status: (d) => streams.get("error")?.write(d),
    close: () => {
      for (const s of streams.values()) s.end();
    },
    listen: (target) => input.listen(target),
  };
  const accept = (stream: SpdyStream) => {
    const type = stream.headers["streamtype"] ?? "";
    streams.set(type, stream);
    if (type === "stdin") {
      stream.onData = (d) => input.stdin(d);
      stream.onEnd = () => input.stdinEnd();
    } else if (type === "resize") stream.onData = (d) => input.resize(d);
    if (expected.every((t) => streams.has(t))) allOpen();
  };
  const closed = () => input.closed();
  return { client, accept, ready, closed };
}

/**
 * Connects kubectl's session to the runtime's streaming URL over SPDY
 * (remotecommand v4) until either side ends. SPDY rather than the runtime's
 * v4 WebSocket: only SPDY can half-close stdin, so commands reading to EOF finish.
 */
export function bridgeExecSpdy(runtimeUrl: string, client: ExecClient, streams: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): void {
  let socket: Duplex;
  try {
    socket = dialRuntime(runtimeUrl);
  } catch (e) {
    client.status(failureStatus(e instanceof Error ? e.message : String(e)));
    client.close();
    return;
  }
  const target = new URL(runtimeUrl);
  socket.write(`POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n`);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    client.close();
    socket.destroy();
  };
  const session = new SpdySession((bytes) => socket.write(bytes), (stream) => stream.reset(), finish);
  let head: Buffer | undefined = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    try {
      if (head === undefined) return session.receive(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      const status = head.subarray(0, end).toString().split("\r\n")[0] ?? "";
      const rest = head.subarray(end + 4);
      head = undefined;
      if (!/^HTTP\/1\.1 101/.test(status)) {
        client.status(failureStatus(`the runtime refused the stream: ${status}`));
        return finish();
      }
      if (rest.length > 0) session.receive(rest);
    } catch (e) {
      client.status(failureStatus(`the runtime's stream failed: ${e instanceof Error ? e.message : String(e)}`));
      finish();
    }
  });
  socket.on("close", finish);
  socket.on("error", () => {});
  const error = session.open({ streamtype: "error" });
  const stdin = streams.stdin ? session.open({ streamtype: "stdin" }) : undefined;
  const stdout = streams.stdout ? session.open({ streamtype: "stdout" }) : undefined;
  const stderr = streams.stderr ? session.open({ streamtype: "stderr" }) : undefined;
  const resize = streams.tty ? session.open({ streamtype: "resize" }) : undefined;
  const statusBytes: Buffer[] = [];
  error.onData = (d) => statusBytes.push(d);
  error.onEnd = () => {
    if (statusBytes.length > 0) client.status(Buffer.concat(statusBytes));
    finish();
  };
  if (stdout) stdout.onData = (d) => client.stdout(d);
  if (stderr) stderr.onData = (d) => client.stderr(d);
  client.listen({
    stdin: (d) => stdin?.write(d),
    stdinEnd: () => stdin?.end(),
    resize: (d) => resize?.write(d),
    closed: () => {
      done = true;
      socket.destroy();
    },
  });
}
