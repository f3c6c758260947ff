// `skiff server` as a process: start failures print one clear line and exit
// non-zero; the etcd backend serves kubectl like the embedded store does.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startServer } from "../support/server.ts";
import { startEtcd } from "../support/etcd.ts";

const skiff = new URL("../../bin/skiff", import.meta.url).pathname;

function runSkiff(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(skiff, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function oneLine(text: string): string {
  const lines = text.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${text}`);
  return lines[0]!;
}

describe("skiff server start failures", () => {
  test("a taken port", async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    try {
      const dir = await mkdtemp(join(tmpdir(), "skiff-cli-"));
      const r = await runSkiff(["server", "--data-dir", dir, "--port", String(port), "--disable-agent"]);
      assert.notEqual(r.code, 0);
      assert.match(oneLine(r.stderr), new RegExp(`^skiff: cannot listen on 127.0.0.1:${port}: address already in use$`));
    } finally {
      blocker.close();
    }
  });

  test("an unwritable data dir", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "skiff-cli-")), "a-file");
    await writeFile(file, "");
    const r = await runSkiff(["server", "--data-dir", join(file, "data"), "--port", String(await freePort()), "--disable-agent"]);
    assert.notEqual(r.code, 0);
    assert.match(oneLine(r.stderr), /^skiff: data dir .* is not writable/);
  });

  test("an unreachable etcd", async () => {
    const dir = await mkdtemp(join(tmpdir(), "skiff-cli-"));
    const closed = await freePort();
    const r = await runSkiff(["server", "--data-dir", dir, "--port", String(await freePort()), "--disable-agent", "--datastore-endpoint", `http://127.0.0.1:${closed}`]);
    assert.notEqual(r.code, 0);
    assert.match(oneLine(r.stderr), /^skiff: .*127\.0\.0\.1:\d+/);
  });

  test("a bad flag", async () => {
    const r = await runSkiff(["server", "--no-such-flag"]);
    assert.equal(r.code, 2);
    assert.match(oneLine(r.stderr), /^skiff: unknown flag: --no-such-flag$/);
  });
});

describe("skiff server on etcd", () => {
  test("kubectl creates, lists and watches through a real etcd", async () => {
    const etcd = await startEtcd();
    const server = await startServer(["--datastore-endpoint", etcd.endpoints.join(",")]);
    try {
      const ok = async (args: string[]) => {
        const r = await server.kubectl(args);
        assert.equal(r.code, 0, r.stderr);
        return r.stdout;
      };
      await ok(["create", "namespace", "on-etcd"]);
      await ok(["create", "configmap", "cm", "-n", "on-etcd", "--from-literal=k=v"]);
      assert.equal(await ok(["get", "configmap", "cm", "-n", "on-etcd", "-o", "jsonpath={.data.k}"]), "v");
      assert.match(await ok(["get", "namespaces"]), /^on-etcd\s+Active/m);
    } finally {
      assert.equal(await server.stop(), 0);
      await etcd.stop();
    }
  });
});
