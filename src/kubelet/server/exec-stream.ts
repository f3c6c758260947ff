// exec and attach for kubectl: its side speaks channel.k8s.io over WebSocket
// (v5, v4) or SPDY/3.1 streams; the runtime side is a v4 WebSocket to the
// runtime's streaming server. Output, the exit Status and TTY resizes pass
// through; a runtime failure becomes a Failure Status on the error channel.
import type WebSocket from "ws";
import { openRuntimeSocket, sendWhenOpen } from "./runtime-socket.ts";
import type { SpdyStream } from "../../streaming/spdy-session.ts";

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

/** Connects kubectl's session to the runtime's streaming URL until either side ends. */
export function bridgeExec(runtimeUrl: string, client: ExecClient): void {
  let runtime: WebSocket;
  try {
    runtime = openRuntimeSocket(runtimeUrl);
  } catch (e) {
    client.status(failureStatus(e instanceof Error ? e.message : String(e)));
    client.close();
    return;
  }
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    client.close();
  };
  runtime.on("message", (raw: Buffer) => {
    const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    if (data.length < 1) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case channel.stdout:
        if (payload.length > 0) client.stdout(payload);
        return;
      case channel.stderr:
        if (payload.length > 0) client.stderr(payload);
        return;
      case channel.error:
        if (payload.length > 0) client.status(payload);
        return;
    }
  });
  runtime.on("close", finish);
  runtime.on("error", (e) => {
    if (!done) client.status(failureStatus(`the runtime's stream failed: ${e.message}`));
    finish();
  });
  client.listen({
    stdin: (d) => sendWhenOpen(runtime, Buffer.concat([Buffer.of(channel.stdin), d])),
    resize: (d) => sendWhenOpen(runtime, Buffer.concat([Buffer.of(channel.resize), d])),
    // The v4 protocol to the runtime cannot half-close stdin: commands reading to EOF keep waiting.
    stdinEnd: () => {},
    closed: () => {
      done = true;
      runtime.close();
    },
  });
}
