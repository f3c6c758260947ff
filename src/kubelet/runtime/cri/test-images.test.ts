// The test images behave as the e2e tests expect: web:v1/v2 answer GET /
// with their version and the pod's hostname (also through a hostPort), and
// both stop at once on SIGTERM, as does the pause image under every sandbox.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { SandboxConfig } from "../runtime.ts";
import { containerdSkipReason, openContainerdFixture, type ContainerdFixture } from "./containerd-fixture.ts";

const skipReason = containerdSkipReason();

describe("test images on containerd", { skip: skipReason }, () => {
  let fixture: ContainerdFixture;

  before(async () => {
    fixture = await openContainerdFixture({ bridge: "skiff-ct1", podCidr: "10.42.253.0/24" });
  });

  after(async () => {
    await fixture?.close();
  });

  for (const [version, hostPort] of [
    ["v1", 18081],
    ["v2", 18082],
  ] as const) {
    test(`web:${version} serves its version and the pod's hostname`, async () => {
      const runtime = fixture.runtime;
      const image = `localhost:5000/web:${version}`;
      const config: SandboxConfig = {
        metadata: { name: `web-${version}`, namespace: "images", uid: `uid-web-${version}`, attempt: 0 },
        hostname: `web-${version}-pod`,
        logDirectory: join(fixture.dataDir, "pods", version),
        portMappings: [{ protocol: "TCP", containerPort: 80, hostPort }],
        labels: {},
        annotations: {},
        linux: {},
      };
      mkdirSync(config.logDirectory, { recursive: true });
      await runtime.pullImage(image);
      const sandboxId = await runtime.runPodSandbox(config);
      const containerId = await runtime.createContainer(
        sandboxId,
        { metadata: { name: "web", attempt: 0 }, image, command: [], args: [], envs: [], mounts: [], logPath: "web.log", stdin: false, stdinOnce: false, tty: false, labels: {}, annotations: {} },
        config,
      );
      await runtime.startContainer(containerId);
      const podIp = (await runtime.podSandboxStatus(sandboxId))?.ip;
      assert.ok(podIp);
      let body = "";
      for (let attempt = 0; attempt < 50 && !body; attempt++) {
        body = await fetch(`http://${podIp}/`, { signal: AbortSignal.timeout(2000) }).then(
          (response) => response.text(),
          () => "",
        );
        if (!body) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(body.trim(), `web ${version} web-${version}-pod`);
      const viaHostPort = await fetch(`http://127.0.0.1:${hostPort}/`, { signal: AbortSignal.timeout(2000) }).then((response) => response.text());
      assert.equal(viaHostPort, body);
      const stopStarted = Date.now();
      await runtime.stopContainer(containerId, 20);
      assert.ok(Date.now() - stopStarted < 5000, "the web server exits on SIGTERM, not after the grace period");
      assert.equal((await runtime.containerStatus(containerId))?.exitCode, 0);
      const sandboxStopStarted = Date.now();
      await runtime.stopPodSandbox(sandboxId);
      assert.ok(Date.now() - sandboxStopStarted < 5000, "the pause container exits on SIGTERM");
      await runtime.removePodSandbox(sandboxId);
    });
  }
});
