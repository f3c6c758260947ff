import { test } from "node:test";
import assert from "node:assert/strict";
import { SpdySession, type SpdyStream } from "./spdy-session.ts";

test("two sessions: the client opens streams, the server accepts them; data, FIN and RST cross in both directions", () => {
  const accepted: SpdyStream[] = [];
  const log: string[] = [];
  let toServer: (b: Buffer) => void = () => {};
  // Bytes cross one at a time: frame boundaries never line up with deliveries.
  const client = new SpdySession((bytes) => { for (const b of bytes) toServer(Buffer.of(b)); }, () => assert.fail("the server opened a stream"));
  const server = new SpdySession((bytes) => client.receive(bytes), (stream) => {
    accepted.push(stream);
    stream.onData = (d) => log.push(`server ${stream.headers["streamtype"]}: ${d.toString()}`);
    stream.onEnd = (reset) => log.push(`server ${stream.headers["streamtype"]} ${reset ? "reset" : "ended"}`);
  });
  toServer = (b) => server.receive(b);
  const error = client.open({ streamtype: "error", port: "80", requestid: "0" });
  const data = client.open({ streamtype: "data", port: "80", requestid: "0" });
  assert.deepEqual([error.id, data.id], [1, 3]);
  assert.deepEqual(accepted.map((s) => s.headers), [{ streamtype: "error", port: "80", requestid: "0" }, { streamtype: "data", port: "80", requestid: "0" }]);
  data.onData = (d) => log.push(`client data: ${d.toString()}`);
  data.onEnd = () => log.push("client data ended");
  data.write(Buffer.from("GET /"));
  accepted[1]!.write(Buffer.from("200 OK"));
  accepted[1]!.end();
  data.end();
  error.reset();
  assert.deepEqual(log, ["server data: GET /", "client data: 200 OK", "client data ended", "server data ended", "server error reset"]);
});
