import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../client/testing/fake-clock.ts";
import type { Runtime, SandboxConfig } from "../runtime.ts";
import { SimulatedRuntime, simulatedExitCodeAnnotation, simulatedRunMsAnnotation } from "./simulated-runtime.ts";

function sandboxConfig(annotations: Record<string, string> = {}): SandboxConfig {
  return { metadata: { name: "p", namespace: "d", uid: "u", attempt: 0 }, hostname: "p", logDirectory: "/logs/p", portMappings: [], labels: { app: "x" }, annotations, linux: {} };
}

const containerConfig = (name: string) => ({ metadata: { name, attempt: 0 }, image: "img:1", command: [], args: [], envs: [], mounts: [], logPath: `${name}/0.log`, stdin: false, stdinOnce: false, tty: false, labels: { c: name }, annotations: {} });

test("containers run at once and, when annotated, exit after their run time", async () => {
  const clock = new FakeClock();
  const runtime = new SimulatedRuntime({ clock });
  const config = sandboxConfig({ [simulatedExitCodeAnnotation]: "3", [simulatedRunMsAnnotation]: "500"});
  const sandbox = await runtime.runPodSandbox(config);
  assert.match((await runtime.podSandboxStatus(sandbox))?.ip ?? "", /^10\.42\.0\.\d+$/);
  await assert.rejects(runtime.createContainer(sandbox, containerConfig("short"), config), { reason: "NotFound" });
  await runtime.pullImage("img:1");
  const id = await runtime.createContainer(sandbox, containerConfig("short"), config);
  assert.equal((await runtime.containerStatus(id))?.state, "created");
  await runtime.startContainer(id);
  assert.equal((await runtime.containerStatus(id))?.state, "running");
  clock.advance(500);
  const exited = await runtime.containerStatus(id);
  assert.equal(exited?.state, "exited");
  assert.equal(exited?.exitCode, 3);
  assert.equal(exited?.reason, "Error");
  assert.equal(exited?.logPath, "/logs/p/short/0.log");
});

test("stopping a running container ends it with 143; removing the sandbox removes its containers", async () => {
  const runtime: Runtime = new SimulatedRuntime({ clock: new FakeClock() });
  const config = sandboxConfig();
  const sandbox = await runtime.runPodSandbox(config);
  await runtime.pullImage("img:1");
  const id = await runtime.createContainer(sandbox, containerConfig("web"), config);
  await runtime.startContainer(id);
  await runtime.stopContainer(id, 30);
  assert.equal((await runtime.containerStatus(id))?.exitCode, 143);
  assert.equal((await runtime.listContainers({ labels: { c: "web" } })).length, 1);
  await runtime.removePodSandbox(sandbox);
  assert.deepEqual(await runtime.listContainers(), []);
  assert.deepEqual(await runtime.listPodSandboxes(), []);
});

test("host-network sandboxes have no pod IP; unpullable images fail to pull", async () => {
  const runtime = new SimulatedRuntime({ unpullable: (image) => image.startsWith("nginx") });
  const sandbox = await runtime.runPodSandbox({ ...sandboxConfig(), linux: { namespaceOptions: { network: "node" } } });
  assert.equal((await runtime.podSandboxStatus(sandbox))?.ip, undefined);
  await assert.rejects(runtime.pullImage("nginx"), { reason: "ImagePullFailed" });
});
