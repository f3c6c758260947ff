// exec, attach and port-forward upgrades of the kubelet server: kubectl's
// WebSocket (channel.k8s.io v5/v4, or SPDY tunnelled for port-forward) or
// SPDY/3.1, bridged to the runtime's streaming server. Loaded with the first
// upgrade (with the SPDY, zlib and WebSocket code it needs), not at agent start.
import type http from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer, WebSocket } from "ws";
import { SpdySession, type SpdyStream } from "../../streaming/spdy-session.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { bridgeExecSpdy, failureStatus, spdyExecClient, webSocketExecClient, type ExecClient } from "./exec-stream.ts";
import type { KubeletServerOptions } from "./kubelet-server.ts";
import { portForwardStreams } from "./port-forward.ts";
import { authorized, flag, headerList, pathParts, runningContainer, StreamRequestError } from "./request.ts";

const execProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io", "channel.k8s.io"];
const tunnelledPortForward = "SPDY/3.1+portforward.k8s.io";
/**
 * kubectl's port-forward subprotocol has a "/", which the WebSocket library
 * refuses as a token: it is offered to the library under this stand-in and
 * answered under its real name.
 */
const tunnelledStandIn = "spdy-3.1-portforward.k8s.io";
const spdyExecVersions = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

async function readySandbox(runtime: Runtime, namespace: string, pod: string): Promise<string | undefined> {
  const found = (await runtime.listPodSandboxes()).filter((s) => s.state === "ready" && s.metadata.namespace === namespace && s.metadata.name === pod);
  return found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]?.id;
}

/** Completes an SPDY/3.1 upgrade and runs a session over the socket. */
function acceptSpdy(socket: Duplex, head: Buffer, version: string, onStream: (stream: SpdyStream, session: SpdySession) => void): SpdySession {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${version}\r\n\r\n`);
  const session: SpdySession = new SpdySession(
    (bytes) => socket.write(bytes),
    (stream) => onStream(stream, session),
    () => socket.end(),
  );
  const feed = (bytes: Buffer) => {
    try {
      session.receive(bytes);
    } catch {
      socket.destroy();
    }
  };
  if (head.length > 0) feed(head);
  socket.on("data", feed);
  return session;
}

/** The upgrade handler of one server. */
export function upgradeHandler(options: KubeletServerOptions): (req: http.IncomingMessage, socket: Duplex, head: Buffer) => Promise<void> {
  let webSocketServer: Promise<WebSocketServer> | undefined;
  const webSockets = () =>
    (webSocketServer ??= import("ws").then(
      ({ WebSocketServer }) =>
        new WebSocketServer({
          noServer: true,
          handleProtocols: (offered) => (offered.has(tunnelledStandIn) ? tunnelledPortForward : (execProtocols.find((p) => offered.has(p)) ?? false)),
        }),
    ));
  return (req, socket, head) => serveUpgrade(options, webSockets, req, socket, head);
}

async function serveUpgrade(options: KubeletServerOptions, webSockets: () => Promise<WebSocketServer>, req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const refused = authorized(req);
  if (refused !== undefined) throw new StreamRequestError(refused === 401 ? "Unauthorized" : "client certificate not signed by the cluster CA", refused);
  const { parts, query } = pathParts(req);
  const kind = parts[0];
  const isWebSocket = (req.headers.upgrade ?? "").toLowerCase() === "websocket";
  const { runtime } = options;
  if (kind === "exec" || kind === "attach") {
    const [, namespace, pod, container] = parts;
    if (namespace === undefined || pod === undefined || container === undefined) throw new StreamRequestError(`expected /${kind}/{namespace}/{pod}/{container}`, 404);
    const command = query.getAll("command");
    if (kind === "exec" && command.length === 0) throw new StreamRequestError("you must specify at least 1 command");
    const tty = flag(query, "tty");
    const request = { stdin: flag(query, "stdin"), stdout: flag(query, "output") || flag(query, "stdout"), stderr: flag(query, "stderr") && !tty, tty };
    const containerId = await runningContainer(runtime, namespace, pod, container);
    if (containerId === undefined) throw new StreamRequestError(`container ${container} is not running in pod ${namespace}/${pod}`, 404);
    const runtimeUrl = () => (kind === "exec" ? runtime.exec({ containerId, cmd: command, ...request }) : runtime.attach({ containerId, ...request }));
    const start = (client: ExecClient) =>
      void runtimeUrl().then(
        (url) => bridgeExecSpdy(url, client, request),
        (e: unknown) => {
          client.status(failureStatus(e instanceof Error ? e.message : String(e)));
          client.close();
        },
      );
    if (isWebSocket) {
      (await webSockets()).handleUpgrade(req, socket, head, (ws: WebSocket) => {
        if (!execProtocols.includes(ws.protocol)) return ws.close(1002, "unsupported protocol");
        start(webSocketExecClient(ws));
      });
      return;
    }
    const version = spdyExecVersions.find((v) => headerList(req, "x-stream-protocol-version").includes(v));
    if (version === undefined) throw new StreamRequestError(`unable to upgrade: no common remotecommand protocol among ${headerList(req, "x-stream-protocol-version").join(", ")}`, 403);
    const expected = ["error", ...(request.stdin ? ["stdin"] : []), ...(request.stdout ? ["stdout"] : []), ...(request.stderr ? ["stderr"] : []), ...(tty ? ["resize"] : [])];
    const { client, accept, ready, closed } = spdyExecClient(expected);
    acceptSpdy(socket, head, version, (stream) => accept(stream));
    socket.on("close", closed);
    void ready.then(() => start(client));
    return;
  }
  if (kind === "portForward") {
    const [, namespace, pod] = parts;
    if (namespace === undefined || pod === undefined) throw new StreamRequestError("expected /portForward/{namespace}/{pod}", 404);
    const sandboxId = await readySandbox(runtime, namespace, pod);
    if (sandboxId === undefined) throw new StreamRequestError(`pod ${namespace}/${pod} has no running sandbox`, 404);
    const onStream = portForwardStreams((port) => runtime.portForward(sandboxId, [port]), options.log);
    if (isWebSocket) {
      const offered = headerList(req, "sec-websocket-protocol");
      req.headers["sec-websocket-protocol"] = offered.map((p) => (p === tunnelledPortForward ? tunnelledStandIn : p)).join(", ");
      (await webSockets()).handleUpgrade(req, socket, head, (ws: WebSocket) => {
        if (ws.protocol !== tunnelledPortForward) return ws.close(1002, "unsupported protocol");
        const session = new SpdySession((bytes) => ws.send(bytes), onStream, () => ws.close(1000));
        ws.on("message", (raw: Buffer) => {
          try {
            session.receive(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
          } catch {
            ws.terminate();
          }
        });
        ws.on("error", () => {});
      });
      return;
    }
    if (!headerList(req, "x-stream-protocol-version").includes("portforward.k8s.io")) throw new StreamRequestError("unable to upgrade: portforward.k8s.io not offered", 403);
    acceptSpdy(socket, head, "portforward.k8s.io", (stream) => onStream(stream));
    return;
  }
  throw new StreamRequestError("404 page not found", 404);
}
