// The contract every Runtime implementation passes: one suite, run against
// containerd by the cri runtime's test and against the simulated runtime by
// its own. An implementation may skip a case only with a stated reason.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ContainerConfig, ContainerStatus, Runtime, SandboxConfig } from "../runtime.ts";
import { cidrContains } from "../../network/network-plan.ts";

export const testImage = "localhost:5000/busybox:latest";

export type ContractCase =
  | "version"
  | "pull-image"
  | "container-log"
  | "container-exit"
  | "stop-timeout"
  | "exec-sync"
  | "list-containers"
  | "remove-sandbox"
  | "pod-network"
  | "streaming"
  | "oom-killed"
  | "host-network";

export interface RuntimeUnderTest {
  runtime: Runtime;
  /** A writable folder: each sandbox's logDirectory is made under it. */
  logRoot: string;
  /** The node's pod CIDR: a sandbox's IP must fall inside it. */
  podCidr: string;
  /** Releases what open() made; the suite has removed its sandboxes by then. */
  close(): Promise<void>;
}

export interface ContractOptions {
  /** Cases this implementation cannot honour, each with the reason. */
  skip?: Partial<Record<ContractCase, string>>;
  /** Upper bound for one wait on a container's state (ms). */
  waitTimeoutMs?: number;
}

class ContractWaitError extends Error {
  readonly reason = "WaitTimedOut";
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new ContractWaitError(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** One CRI log line: "<RFC3339Nano timestamp> <stream> <P|F> <content>". */
const criLogLine = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([PF]) (.*)$/;

export function runRuntimeContract(name: string, open: () => Promise<RuntimeUnderTest>, options: ContractOptions = {}): void {
  const waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
  describe(`runtime contract: ${name}`, () => {
    let subject: RuntimeUnderTest;
    let runtime: Runtime;
    const sandboxes = new Set<string>();
    const runId = randomUUID().slice(0, 8);

    before(async () => {
      subject = await open();
      runtime = subject.runtime;
    });

    after(async () => {
      if (!subject) return;
      for (const id of sandboxes) await runtime.removePodSandbox(id).catch(() => undefined);
      await subject.close();
    });

    function contractCase(kase: ContractCase, body: () => Promise<void>): void {
      const reason = options.skip?.[kase];
      if (reason !== undefined) test(kase, { skip: reason }, () => undefined);
      else test(kase, body);
    }

    async function newSandbox(label: string, extra: Partial<SandboxConfig> = {}): Promise<{ id: string; config: SandboxConfig }> {
      const uid = randomUUID();
      const logDirectory = join(subject.logRoot, `contract_${label}_${uid}`);
      await mkdir(logDirectory, { recursive: true });
      const config: SandboxConfig = {
        metadata: { name: `${label}-${runId}`, namespace: "contract", uid, attempt: 0 },
        hostname: `${label}-${runId}`,
        logDirectory,
        portMappings: [],
        labels: { "skiff.test/run": runId, "skiff.test/case": label },
        annotations: { "skiff.test/annotation": label },
        linux: {},
        ...extra,
      };
      await runtime.pullImage(testImage, config);
      const id = await runtime.runPodSandbox(config);
      sandboxes.add(id);
      return { id, config };
    }

    async function runContainer(
      sandbox: { id: string; config: SandboxConfig },
      containerName: string,
      script: string,
      labels: Record<string, string> = {},
      resources?: ContainerConfig["resources"],
    ): Promise<string> {
      const config: ContainerConfig = {
        metadata: { name: containerName, attempt: 0 },
        image: testImage,
        command: ["sh", "-c", script],
        args: [],
        envs: [{ key: "CONTRACT_CASE", value: containerName }],
        mounts: [],
        logPath: `${containerName}/0.log`,
        stdin: false,
        stdinOnce: false,
        tty: false,
        labels: { ...labels, "skiff.test/run": runId },
        annotations: { "skiff.test/container": containerName },
        ...(resources ? { resources } : {}),
      };
      await mkdir(join(sandbox.config.logDirectory, containerName), { recursive: true });
      const id = await runtime.createContainer(sandbox.id, config, sandbox.config);
      await runtime.startContainer(id);
      return id;
    }

    function waitForState(containerId: string, state: ContainerStatus["state"]): Promise<ContainerStatus> {
      return waitFor(`container ${containerId} to be ${state}`, waitTimeoutMs, async () => {
        const status = await runtime.containerStatus(containerId);
        return status?.state === state ? status : undefined;
      });
    }

    async function removeSandbox(id: string): Promise<void> {
      await runtime.removePodSandbox(id);
      sandboxes.delete(id);
    }

    contractCase("version", async () => {
      const version = await runtime.version();
      assert.ok(version.runtimeName.length > 0, "runtimeName");
      assert.ok(version.runtimeVersion.length > 0, "runtimeVersion");
      assert.ok(version.runtimeApiVersion.length > 0, "runtimeApiVersion");
    });

    contractCase("pull-image", async () => {
      const ref = await runtime.pullImage(testImage);
      assert.ok(ref.length > 0, "pull returns an image reference");
      const status = await runtime.imageStatus(testImage);
      assert.ok(status, "the pulled image has a status");
      assert.equal(status.id, ref);
      assert.ok(status.repoTags.includes(testImage), `repoTags ${status.repoTags.join(",")}`);
      assert.ok(status.size > 0, "size");
      assert.ok((await runtime.listImages()).some((image) => image.id === ref), "listImages includes it");
      assert.equal(await runtime.imageStatus("localhost:5000/skiff-never-pushed:1"), undefined);
    });

    contractCase("container-log", async () => {
      const sandbox = await newSandbox("log");
      const id = await runContainer(sandbox, "echo", 'echo hello-from-container; echo "case=$CONTRACT_CASE"; echo to-stderr >&2');
      const status = await waitForState(id, "exited");
      assert.equal(status.logPath, join(sandbox.config.logDirectory, "echo/0.log"));
      const lines = (await readFile(status.logPath, "utf8")).split("\n").filter((line) => line !== "");
      const parsed = lines.map((line) => {
        const match = criLogLine.exec(line);
        assert.ok(match, `not a CRI log line: ${JSON.stringify(line)}`);
        assert.ok(!Number.isNaN(Date.parse(match[1] ?? "")), `timestamp ${match[1]}`);
        return { stream: match[2], tag: match[3], content: match[4] };
      });
      assert.deepEqual(
        parsed.filter((line) => line.stream === "stdout"),
        [
          { stream: "stdout", tag: "F", content: "hello-from-container" },
          { stream: "stdout", tag: "F", content: "case=echo" },
        ],
      );
      assert.deepEqual(
        parsed.filter((line) => line.stream === "stderr"),
        [{ stream: "stderr", tag: "F", content: "to-stderr" }],
      );
      await removeSandbox(sandbox.id);
    });

    contractCase("container-exit", async () => {
      const sandbox = await newSandbox("exit");
      const failing = await runContainer(sandbox, "fails", "exit 3");
      const succeeding = await runContainer(sandbox, "succeeds", "exit 0");
      const failed = await waitForState(failing, "exited");
      assert.equal(failed.exitCode, 3);
      assert.equal(failed.reason, "Error");
      assert.equal(failed.sandboxId, sandbox.id);
      assert.deepEqual(failed.metadata, { name: "fails", attempt: 0 });
      assert.equal(failed.annotations["skiff.test/container"], "fails");
      // Not ordered against startedAt: containerd may record a fast exit before it records the start.
      assert.ok(failed.startedAt && failed.finishedAt && failed.finishedAt >= failed.createdAt, `start and finish times: ${JSON.stringify(failed)}`);
      const succeeded = await waitForState(succeeding, "exited");
      assert.equal(succeeded.exitCode, 0);
      assert.equal(succeeded.reason, "Completed");
      await removeSandbox(sandbox.id);
    });

    contractCase("stop-timeout", async () => {
      const sandbox = await newSandbox("stop");
      const id = await runContainer(sandbox, "stubborn", "trap '' TERM; while :; do sleep 1; done");
      await waitForState(id, "running");
      const started = Date.now();
      await runtime.stopContainer(id, 2);
      const elapsed = Date.now() - started;
      const status = await waitForState(id, "exited");
      assert.ok(elapsed >= 1500, `SIGTERM is ignored, so stop waits the timeout (took ${elapsed} ms)`);
      assert.ok(elapsed < 15_000, `then kills (took ${elapsed} ms)`);
      assert.equal(status.exitCode, 137, "killed by SIGKILL");
      await removeSandbox(sandbox.id);
    });

    contractCase("exec-sync", async () => {
      const sandbox = await newSandbox("exec");
      const id = await runContainer(sandbox, "idle", "while :; do sleep 1; done");
      await waitForState(id, "running");
      const result = await runtime.execSync(id, ["sh", "-c", "echo out-$CONTRACT_CASE; echo err >&2; exit 4"], 10);
      assert.equal(result.stdout.toString(), "out-idle\n");
      assert.equal(result.stderr.toString(), "err\n");
      assert.equal(result.exitCode, 4);
      const ok = await runtime.execSync(id, ["true"], 10);
      assert.equal(ok.exitCode, 0);
      // Probes rely on this: a command outliving its timeout fails as DeadlineExceeded, not as a result.
      const started = Date.now();
      await assert.rejects(runtime.execSync(id, ["sleep", "30"], 1), (error: unknown) => (error as { reason?: unknown }).reason === "DeadlineExceeded");
      assert.ok(Date.now() - started < 10_000, "the timeout is honoured");
      await removeSandbox(sandbox.id);
    });

    contractCase("list-containers", async () => {
      const first = await newSandbox("list-a");
      const second = await newSandbox("list-b");
      const web = await runContainer(first, "web", "while :; do sleep 1; done", { role: `web-${runId}` });
      const done = await runContainer(first, "job", "exit 0", { role: `job-${runId}` });
      const other = await runContainer(second, "other", "while :; do sleep 1; done", { role: `web-${runId}` });
      await waitForState(done, "exited");
      await waitForState(web, "running");
      const ids = (statuses: ContainerStatus[]) => statuses.map((status) => status.id).sort();
      assert.deepEqual(ids(await runtime.listContainers({ sandboxId: first.id })), [web, done].sort());
      assert.deepEqual(ids(await runtime.listContainers({ labels: { role: `web-${runId}` } })), [web, other].sort());
      assert.deepEqual(ids(await runtime.listContainers({ sandboxId: first.id, state: "running" })), [web]);
      assert.deepEqual(ids(await runtime.listContainers({ sandboxId: first.id, labels: { role: `job-${runId}` } })), [done]);
      const all = await runtime.listContainers();
      for (const id of [web, done, other]) assert.ok(all.some((status) => status.id === id), `unfiltered list has ${id}`);
      const listed = (await runtime.listPodSandboxes()).filter((sandbox) => sandbox.labels["skiff.test/run"] === runId).map((sandbox) => sandbox.id);
      for (const id of [first.id, second.id]) assert.ok(listed.includes(id), `listPodSandboxes has ${id}`);
      await removeSandbox(first.id);
      await removeSandbox(second.id);
    });

    contractCase("remove-sandbox", async () => {
      const sandbox = await newSandbox("remove");
      const id = await runContainer(sandbox, "running", "while :; do sleep 1; done");
      await waitForState(id, "running");
      const status = await runtime.podSandboxStatus(sandbox.id);
      assert.equal(status?.state, "ready");
      assert.deepEqual(status?.metadata, sandbox.config.metadata);
      assert.equal(status?.annotations["skiff.test/annotation"], "remove");
      await removeSandbox(sandbox.id);
      assert.equal(await runtime.podSandboxStatus(sandbox.id), undefined);
      assert.equal(await runtime.containerStatus(id), undefined);
      assert.deepEqual(await runtime.listContainers({ sandboxId: sandbox.id }), []);
      // Removing twice is not an error: the kubelet retries removals.
      await runtime.removePodSandbox(sandbox.id);
    });

    contractCase("streaming", async () => {
      const sandbox = await newSandbox("stream");
      const id = await runContainer(sandbox, "shell", "while :; do sleep 1; done");
      await waitForState(id, "running");
      const urls = [
        await runtime.exec({ containerId: id, cmd: ["sh"], stdin: true, stdout: true, stderr: false, tty: true }),
        await runtime.attach({ containerId: id, stdin: false, stdout: true, stderr: true, tty: false }),
        await runtime.portForward(sandbox.id, [8080]),
      ];
      for (const url of urls) {
        // The kubelet proxies to these; a streaming server off loopback would be reachable from outside.
        const parsed = new URL(url);
        assert.match(parsed.protocol, /^https?:$/, url);
        assert.ok(["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname), `loopback streaming server: ${url}`);
      }
      assert.equal(new Set(urls).size, urls.length, "one session per request");
      await removeSandbox(sandbox.id);
    });

    contractCase("oom-killed", async () => {
      const sandbox = await newSandbox("oom");
      // A shell variable of 64 MiB under a 16 MiB limit: the cgroup's OOM killer ends it.
      const id = await runContainer(sandbox, "hog", 'x="$(head -c 67108864 /dev/zero | tr "\\0" a)"; echo survived', {}, { memoryLimitInBytes: 16 * 1024 * 1024 });
      const status = await waitForState(id, "exited");
      assert.equal(status.reason, "OOMKilled");
      assert.equal(status.exitCode, 137);
      await removeSandbox(sandbox.id);
    });

    contractCase("host-network", async () => {
      const sandbox = await newSandbox("hostnet", { linux: { namespaceOptions: { network: "node" } } });
      const status = await runtime.podSandboxStatus(sandbox.id);
      assert.equal(status?.state, "ready");
      assert.equal(status?.ip, undefined, "a host-network pod has no pod IP (the kubelet reports the node's)");
      const id = await runContainer(sandbox, "host", "while :; do sleep 1; done");
      await waitForState(id, "running");
      const loopback = await runtime.execSync(id, ["cat", "/proc/net/dev"], 5);
      assert.equal(loopback.exitCode, 0);
      assert.match(loopback.stdout.toString(), /\blo:/);
      await removeSandbox(sandbox.id);
    });

    contractCase("pod-network", async () => {
      const sandbox = await newSandbox("net");
      const status = await runtime.podSandboxStatus(sandbox.id);
      assert.ok(status?.ip, "the sandbox has a pod IP");
      assert.ok(cidrContains(subject.podCidr, status.ip), `${status.ip} in ${subject.podCidr}`);
      const server = await runContainer(sandbox, "server", "echo shared-network > /tmp/index.html; exec httpd -f -p 8080 -h /tmp");
      const client = await runContainer(sandbox, "client", "while :; do sleep 1; done");
      await waitForState(server, "running");
      await waitForState(client, "running");
      // The client reaches the server's port on localhost: one network namespace per pod.
      const body = await waitFor("the server to answer on localhost", waitTimeoutMs, async () => {
        const result = await runtime.execSync(client, ["wget", "-q", "-O", "-", "http://127.0.0.1:8080/index.html"], 5);
        return result.exitCode === 0 ? result.stdout.toString() : undefined;
      });
      assert.equal(body, "shared-network\n");
      const hostname = await runtime.execSync(client, ["hostname"], 5);
      assert.equal(hostname.stdout.toString().trim(), sandbox.config.hostname);
      await removeSandbox(sandbox.id);
    });
  });
}
