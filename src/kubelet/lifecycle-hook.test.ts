import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { FakeClock } from "../client/testing/fake-clock.ts";
import { runLifecycleHook } from "./lifecycle-hook.ts";

const container = { name: "web", image: "i", ports: [{ name: "http", containerPort: 1 }] };

function contextWith(exitCode: number) {
  return { clock: new FakeClock(), policy: { podCidr: "10.42.0.0/16", nodeIPs: [] }, runtime: { execSync: () => Promise.resolve({ stdout: Buffer.from("out"), stderr: Buffer.alloc(0), exitCode }) } };
}

test("an exec hook succeeds on exit 0 and fails otherwise, naming the command", async () => {
  assert.equal(await runLifecycleHook({ exec: { command: ["true"] } }, { container, containerId: "c", podIP: undefined }, contextWith(0), 5), undefined);
  const failure = await runLifecycleHook({ exec: { command: ["sh", "-c", "exit 2"] } }, { container, containerId: "c", podIP: undefined }, contextWith(2), 5);
  assert.match(failure ?? "", /^Exec lifecycle hook \(\["sh","-c","exit 2"\]\) for Container "web" failed/);
});

test("an httpGet hook calls the pod on a loopback address and refuses addresses outside the allowed networks", async () => {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  try {
    assert.equal(await runLifecycleHook({ httpGet: { path: "/stop", port } }, { container, containerId: "c", podIP: "127.0.0.1" }, contextWith(0), 5), undefined);
    assert.equal(hits, 1);
    const refused = await runLifecycleHook({ httpGet: { host: "192.0.2.50", path: "/", port } }, { container, containerId: "c", podIP: "127.0.0.1" }, contextWith(0), 5);
    assert.match(refused ?? "", /refused/);
    assert.equal(hits, 1);
  } finally {
    server.close();
  }
});
