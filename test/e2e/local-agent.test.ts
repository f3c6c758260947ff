// `skiff server` with its local agent (no --disable-agent) on real containerd:
// the machine's node registers and goes Ready, `kubectl run` gets a busybox
// pod scheduled there and run, and stopping the server leaves no process of
// its data dir behind but the detached containerd (stopped with
// stopContainerd). Own bridge skiff-la0 and range 10.42.249.0/24. Needs root.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { hasReason } from "../../src/client/errors.ts";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { stopContainerd } from "../../src/kubelet/runtime/containerd/start-containerd.ts";
import { containerdSkipReason, ensureTestImages } from "../../src/kubelet/runtime/cri/containerd-fixture.ts";
import { freePort } from "../support/server.ts";
import { eventually as pollUntil } from "../support/eventually.ts";

const skipReason = containerdSkipReason();
const bridge = "skiff-la0";
const podCidr = "10.42.249.0/24";
const root = new URL("../..", import.meta.url).pathname;
const podsApi = inNamespace(resources.pods, "default");

let dataDir: string;
let server: ChildProcess | undefined;
let output = "";
let client: RestClient | undefined;

/** Polls with this file's output attached to a timeout. */
const eventually = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs?: number): Promise<T> =>
  pollUntil(what, check, timeoutMs, { intervalMs: 200, context: () => `server output:\n${output.slice(-3000)}` });

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, KUBECONFIG: join(dataDir, "kubeconfig.yaml") };
    execFile("/usr/bin/kubectl", [`--cache-dir=${join(dataDir, "kubectl-cache")}`, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Processes whose command line names the data dir (containerd, its shims, anything the server left). */
async function processesOf(dir: string): Promise<{ pid: number; command: string }[]> {
  const found: { pid: number; command: string }[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const command = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (command.includes(dir)) found.push({ pid: Number(entry), command: command.replaceAll("\0", " ").trim() });
  }
  return found;
}

if (skipReason) {
  test("skiff server's local agent", { skip: skipReason }, () => undefined);
} else {
  before(async () => {
    ensureTestImages();
    dataDir = await mkdtemp(join(tmpdir(), "skiff-local-agent-"));
    const port = await freePort();
    const args = ["server", "--data-dir", dataDir, "--port", String(port), "--disable-ingress", "--bridge", bridge, "--pod-cidr", podCidr, "--kubelet-port", "0", "--iptables-chain-prefix", "SKLA"];
    server = spawn(join(root, "bin/skiff"), args, { stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    await eventually("the server to listen", async () => (output.includes("listening on") && (await readFile(join(dataDir, "kubeconfig.yaml"), "utf8").catch(() => "")) ? true : undefined), 30_000);
    client = await RestClient.fromKubeconfig(join(dataDir, "kubeconfig.yaml"));
  });

  after(async () => {
    client?.close();
    if (server !== undefined && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    if (dataDir) {
      await stopContainerd(join(dataDir, "agent"));
      await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    }
    try {
      execFileSync("ip", ["link", "del", bridge], { stdio: "ignore" });
    } catch {
      // Already gone.
    }
  });

  describe("skiff server's local agent", () => {
    test("the machine's node registers and goes Ready", async () => {
      const node = await eventually("a Ready node", async () => {
        const n = await client!.get<Node>(resources.nodes, hostname());
        return n.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? n : undefined;
      });
      assert.equal(node.spec?.podCIDR, podCidr);
    });

    test("kubectl run puts a busybox pod on it that runs to completion and logs", async () => {
      const run = await kubectl(["run", "x", "--image=localhost:5000/busybox", "--restart=Never", "--", "echo", "hi"]);
      assert.equal(run.code, 0, run.stderr);
      const done = await eventually("x Succeeded", async () => {
        const p = await client!.get<Pod>(podsApi, "x");
        return p.status?.phase === "Succeeded" ? p : undefined;
      });
      assert.equal(done.spec?.nodeName, hostname());
      assert.match(done.status?.podIP ?? "", /^10\.42\.249\./);
      const logs = await kubectl(["logs", "x"]);
      assert.equal(logs.code, 0, logs.stderr);
      assert.equal(logs.stdout, "hi\n");
      await client!.delete(podsApi, "x");
      await eventually("x gone", async () => {
        try {
          await client!.get<Pod>(podsApi, "x");
          return undefined;
        } catch (e) {
          return hasReason(e, "NotFound") ? true : undefined;
        }
      });
    });

    test("stopping the server leaves only the detached containerd, which stopContainerd ends", async () => {
      const exited = new Promise<number | null>((resolve) => server!.once("exit", (code) => resolve(code)));
      server!.kill("SIGTERM");
      assert.equal(await exited, 0);
      const agentDir = join(dataDir, "agent");
      // Shims of removed pods exit on their own, shortly after.
      const left = await eventually("only containerd left", async () => {
        const found = await processesOf(dataDir);
        return found.every((p) => p.command.startsWith("containerd ")) ? found : undefined;
      }, 15_000);
      assert.equal(left.length, 1, JSON.stringify(left));
      assert.equal(await stopContainerd(agentDir), true);
      assert.deepEqual(await processesOf(dataDir), []);
    });
  });
}
