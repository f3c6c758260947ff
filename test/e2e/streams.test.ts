// kubectl logs, exec and port-forward end to end: a real server, `bin/skiff
// agent` on the shared containerd fixture (own containerd, bridge skiff-st0,
// range 10.42.251.0/24) with its kubelet server on a free port, and the real
// kubectl over WebSocket and, with kubectl's switches, over SPDY.
// Needs root and the localhost:5000 test images.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { containerdSkipReason, openContainerdFixture, type ContainerdFixture } from "../../src/kubelet/runtime/cri/containerd-fixture.ts";
import { freePort, startServer, type TestServer } from "../support/server.ts";

const skipReason = containerdSkipReason();
const nodeName = "e2e-streams";
const podCidr = "10.42.251.0/24";
const podsApi = inNamespace(resources.pods, "default");
const root = new URL("../..", import.meta.url).pathname;

let server: TestServer;
let client: RestClient;
let fixture: ContainerdFixture;
let agentDir: string;
let agent: ChildProcess | undefined;
let agentOutput = "";

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline && attempt < 10_000; attempt++) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}\nagent output:\n${agentOutput.slice(-3000)}`);
}

function pod(name: string, image: string, command: string[] | undefined, restartPolicy = "Always"): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { nodeName, restartPolicy, terminationGracePeriodSeconds: 1, containers: [{ name: "main", image, imagePullPolicy: "IfNotPresent", ...(command ? { command } : {}) }] },
  };
}

const running = (name: string) => until(`${name} running`, async () => ((await client.get<Pod>(podsApi, name)).status?.phase === "Running" ? true : undefined));

/** kubectl as a child that keeps running (logs -f, port-forward); output collected. */
function kubectlChild(args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn("/usr/bin/kubectl", [`--cache-dir=${join(server.dataDir, "kubectl-cache")}`, ...args], { env: { ...process.env, KUBECONFIG: server.kubeconfig, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  return { child, output: () => output };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

function curl(url: string): Promise<string> {
  return new Promise((resolve) => execFile("curl", ["-s", "-m", "5", url], (_e, stdout) => resolve(stdout)));
}

if (skipReason) {
  test("streams on containerd", { skip: skipReason }, () => undefined);
} else {
  before(async () => {
    fixture = await openContainerdFixture({ bridge: "skiff-st0", podCidr });
    server = await startServer(["--disable-controller-manager"]);
    client = await RestClient.fromKubeconfig(server.kubeconfig);
    agentDir = await mkdtemp(join(tmpdir(), "skiff-streams-e2e-"));
    const child = spawn(join(root, "bin/skiff"), ["agent", "--kubeconfig", server.kubeconfig, "--data-dir", agentDir, "--node-name", nodeName, "--runtime", "cri", "--container-runtime-endpoint", `unix://${fixture.endpoint}`, "--pod-cidr", podCidr, "--kubelet-port", "0", "--bridge", "skiff-st0", "--iptables-chain-prefix", "SKST"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d) => (agentOutput += d));
    child.stderr!.on("data", (d) => (agentOutput += d));
    agent = child;
    await until("the agent", async () => (agentOutput.includes("agent ready") ? true : undefined));
    await Promise.all([
      client.create(podsApi, pod("talker", "localhost:5000/busybox:latest", ["sh", "-c", "echo first; echo second; while [ ! -f /tmp/go ]; do sleep 1; done; echo later; exec sleep 3600"])),
      client.create(podsApi, pod("restarter", "localhost:5000/busybox:latest", ["sh", "-c", "echo run at $(date +%s); sleep 1; exit 1"])),
      client.create(podsApi, pod("web", "localhost:5000/web:v1", undefined)),
    ]);
    await Promise.all([running("talker"), running("web")]);
  });

  after(async () => {
    if (agent) await stopChild(agent);
    client?.close();
    await server?.stop();
    await fixture?.close();
    if (agentDir) await rm(agentDir, { recursive: true, force: true });
  });

  describe("streams on containerd", () => {
    test("kubectl logs prints the container's lines; --tail=1 only the last", async () => {
      const all = await until("both lines", async () => {
        const r = await server.kubectl(["logs", "talker"]);
        return r.stdout.includes("second") ? r : undefined;
      });
      assert.equal(all.stdout, "first\nsecond\n");
      const tail = await server.kubectl(["logs", "talker", "--tail=1"]);
      assert.equal(tail.stdout, "second\n", tail.stderr);
      const stamped = await server.kubectl(["logs", "talker", "--timestamps", "--limit-bytes=11"]);
      assert.match(stamped.stdout, /^\d{4}-\d\d-\d\dT/);
      assert.equal(stamped.stdout.length, 11);
    });

    test("kubectl exec prints output and exits with the command's code (WebSocket, then SPDY)", async () => {
      const ws = await server.kubectl(["exec", "talker", "--", "sh", "-c", "echo hi; exit 3"]);
      assert.equal(ws.stdout, "hi\n", ws.stderr);
      assert.equal(ws.code, 3, ws.stderr);
      assert.match(ws.stderr, /command terminated with exit code 3/);
      const spdy = await server.kubectl(["exec", "talker", "--", "sh", "-c", "echo hi; exit 4"], { env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" } });
      assert.equal(spdy.stdout, "hi\n", spdy.stderr);
      assert.equal(spdy.code, 4, spdy.stderr);
      const ok = await server.kubectl(["exec", "talker", "--", "echo", "fine"]);
      assert.deepEqual([ok.code, ok.stdout], [0, "fine\n"]);
    });

    test("kubectl exec -i passes piped stdin, and its end (cat finishes)", async () => {
      const r = await server.kubectl(["exec", "-i", "talker", "--", "sh", "-c", "read line; echo got $line"], { input: "hello\n" });
      assert.equal(r.stdout, "got hello\n", r.stderr);
      const spdy = await server.kubectl(["exec", "-i", "talker", "--", "sh", "-c", "read line; echo got $line"], { input: "there\n", env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" } });
      assert.equal(spdy.stdout, "got there\n", spdy.stderr);
      const eof = await server.kubectl(["exec", "-i", "talker", "--", "cat"], { input: "to the end\n" });
      assert.deepEqual([eof.code, eof.stdout], [0, "to the end\n"], eof.stderr);
    });

    test("kubectl exec -it gets a terminal", async () => {
      const kubectl = `/usr/bin/kubectl --cache-dir=${join(server.dataDir, "kubectl-cache")} exec -it talker -- sh -c 'tty; exit 5'`;
      const result = await new Promise<{ code: number; out: string }>((resolve) =>
        execFile("script", ["-qec", kubectl, "/dev/null"], { env: { ...process.env, KUBECONFIG: server.kubeconfig }, timeout: 30_000 }, (e, stdout) => resolve({ code: typeof e?.code === "number" ? e.code : 0, out: stdout })),
      );
      assert.match(result.out, /\/dev\/pts\/\d+/);
      assert.equal(result.code, 5, result.out);
    });

    test("kubectl logs -f receives a line written later", async () => {
      const follow = kubectlChild(["logs", "-f", "talker"]);
      try {
        await until("the first lines", async () => (follow.output().includes("second") ? true : undefined), 20_000);
        const touched = await server.kubectl(["exec", "talker", "--", "touch", "/tmp/go"]);
        assert.equal(touched.code, 0, touched.stderr);
        await until("the later line", async () => (follow.output().includes("later") ? true : undefined), 20_000);
        assert.equal(follow.output(), "first\nsecond\nlater\n");
      } finally {
        await stopChild(follow.child);
      }
    });

    for (const [how, env] of [["WebSocket", {}], ["SPDY", { KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" }]] as const) {
      test(`kubectl port-forward reaches the pod's port 80 (${how})`, async () => {
        const local = await freePort();
        const forward = kubectlChild(["port-forward", "pod/web", `${local}:80`], env);
        try {
          await until("port-forward to listen", async () => (forward.output().includes("Forwarding from") ? true : undefined), 20_000);
          const first = await curl(`http://127.0.0.1:${local}/`);
          assert.match(first, /v1/, forward.output());
          const second = await curl(`http://127.0.0.1:${local}/`);
          assert.match(second, /v1/, forward.output());
        } finally {
          await stopChild(forward.child);
        }
      });
    }

    test("kubectl logs --previous shows the last run before a restart", async () => {
      await until("a restart", async () => ((await client.get<Pod>(podsApi, "restarter")).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? true : undefined, 60_000);
      const previous = await server.kubectl(["logs", "restarter", "--previous"]);
      assert.match(previous.stdout, /^run at \d+\n$/, previous.stderr);
    });

    test("errors: unknown container is a 400 naming it; unknown pod a 404", async () => {
      const wrong = await server.kubectl(["logs", "talker", "-c", "nope"]);
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /container nope is not valid for pod talker/);
      const missing = await server.kubectl(["logs", "ghost"]);
      assert.match(missing.stderr, /pods "ghost" not found/);
    });
  });
}
