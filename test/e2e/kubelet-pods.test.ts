// Pod features of the kubelet on real containerd: liveness restarts, readiness
// gating the Ready conditions, env from a ConfigMap and a Secret, and an
// emptyDir shared by two containers (on disk and medium: Memory). A real
// server, `bin/skiff agent` on the shared containerd fixture (own containerd,
// bridge skiff-kp0, range 10.42.248.0/24) and the real kubectl. All pods are
// created at once in before() so their start-up overlaps.
// Needs root and the localhost:5000 test images.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigMap, Container, Event, Pod, PodSpec, Secret } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { containerdSkipReason, openContainerdFixture, type ContainerdFixture } from "../../src/kubelet/runtime/cri/containerd-fixture.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { eventually as pollUntil } from "../support/eventually.ts";

const skipReason = containerdSkipReason();
const nodeName = "e2e-kubelet-pods";
const podCidr = "10.42.248.0/24";
const bridge = "skiff-kp0";
const podsApi = inNamespace(resources.pods, "default");
const eventsApi = inNamespace(resources.events, "default");
const busybox = "localhost:5000/busybox:latest";
const web = "localhost:5000/web:v1";
const root = new URL("../..", import.meta.url).pathname;

let server: TestServer;
let client: RestClient;
let fixture: ContainerdFixture;
let agentDir: string;
let agent: ChildProcess | undefined;
let agentOutput = "";

/** Polls with the agent's recent output attached to a timeout. */
const eventually = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs?: number): Promise<T> =>
  pollUntil(what, check, timeoutMs, { intervalMs: 250, context: () => `agent output:\n${agentOutput.slice(-3000)}` });

function container(name: string, image: string, extra: Partial<Container> = {}): Container {
  return { name, image, imagePullPolicy: "IfNotPresent", ...extra };
}

function pod(name: string, spec: Omit<PodSpec, "nodeName">): Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { nodeName, terminationGracePeriodSeconds: 1, ...spec } };
}

const getPod = (name: string) => client.get<Pod>(podsApi, name);
const condition = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type)?.status;

async function podEvents(name: string): Promise<Event[]> {
  const list = await client.list<Event>(eventsApi);
  return list.items.filter((e) => e.involvedObject?.name === name);
}

const configMap: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { colour: "teal", size: "large" } };
const secret: Secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "credentials" }, stringData: { password: "s3cr3t", user: "admin" } };

const pods: Pod[] = [
  // busybox httpd answers 404 for a missing page: the HTTP liveness probe fails from the start.
  pod("live-http", { containers: [container("web", web, { livenessProbe: { httpGet: { path: "/missing", port: 80 }, periodSeconds: 1, failureThreshold: 1 } })] }),
  // An exec liveness probe that fails once /tmp/healthy is gone (the script removes it after a while).
  pod("live-exec", {
    containers: [
      container("main", busybox, {
        command: ["sh", "-c", "touch /tmp/healthy; sleep 2; rm /tmp/healthy; exec sleep 3600"],
        livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, periodSeconds: 1, failureThreshold: 2 },
      }),
    ],
  }),
  // Ready only while /tmp/ready exists; the test creates and removes it with kubectl exec.
  pod("ready-exec", {
    containers: [container("main", busybox, { command: ["sh", "-c", "exec sleep 3600"], readinessProbe: { exec: { command: ["test", "-f", "/tmp/ready"] }, periodSeconds: 1, failureThreshold: 1, successThreshold: 1 } })],
  }),
  // Ready only while index.html is served (HTTP readiness through the pod network).
  pod("ready-http", { containers: [container("web", web, { readinessProbe: { httpGet: { path: "/index.html", port: 80 }, periodSeconds: 1, failureThreshold: 1 } })] }),
  pod("env", {
    restartPolicy: "Never",
    containers: [
      container("main", busybox, {
        command: ["sh", "-c", "env | sort"],
        env: [
          { name: "COLOUR", valueFrom: { configMapKeyRef: { name: "settings", key: "colour" } } },
          { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "credentials", key: "password" } } },
          { name: "GREETING", value: "$(COLOUR) and $(PASSWORD)" },
        ],
        envFrom: [{ configMapRef: { name: "settings" }, prefix: "CM_" }, { secretRef: { name: "credentials" }, prefix: "SEC_" }],
      }),
    ],
  }),
  ...(["disk", "memory"] as const).map((kind) =>
    pod(`shared-${kind}`, {
      volumes: [{ name: "data", emptyDir: kind === "memory" ? { medium: "Memory" } : {} }],
      containers: [
        container("writer", busybox, { command: ["sh", "-c", `echo written-by-writer-${kind} > /data/msg; exec sleep 3600`], volumeMounts: [{ name: "data", mountPath: "/data" }] }),
        container("reader", busybox, {
          command: ["sh", "-c", "while [ ! -f /shared/msg ]; do sleep 0.2; done; cat /shared/msg; grep ' /shared ' /proc/mounts; exec sleep 3600"],
          volumeMounts: [{ name: "data", mountPath: "/shared" }],
        }),
      ],
    }),
  ),
];

if (skipReason) {
  test("kubelet pod features on containerd", { skip: skipReason }, () => undefined);
} else {
  before(async () => {
    fixture = await openContainerdFixture({ bridge, podCidr });
    server = await startServer(["--disable-controller-manager"]);
    client = await RestClient.fromKubeconfig(server.kubeconfig);
    agentDir = await mkdtemp(join(tmpdir(), "skiff-kubelet-pods-e2e-"));
    const child = spawn(join(root, "bin/skiff"), ["agent", "--kubeconfig", server.kubeconfig, "--data-dir", agentDir, "--node-name", nodeName, "--runtime", "cri", "--container-runtime-endpoint", `unix://${fixture.endpoint}`, "--pod-cidr", podCidr, "--kubelet-port", "0", "--bridge", bridge, "--iptables-chain-prefix", "SKKP"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d) => (agentOutput += d));
    child.stderr!.on("data", (d) => (agentOutput += d));
    agent = child;
    await eventually("the agent", async () => {
      if (child.exitCode !== null) throw new Error(`skiff agent exited ${child.exitCode}`);
      return agentOutput.includes("agent ready") ? true : undefined;
    });
    await client.create(inNamespace(resources.configMaps, "default"), configMap);
    await client.create(inNamespace(resources.secrets, "default"), secret);
    await Promise.all(pods.map((p) => client.create(podsApi, p)));
  });

  after(async () => {
    if (agent && agent.exitCode === null && agent.signalCode === null) {
      const exited = new Promise((resolve) => agent!.once("exit", resolve));
      agent.kill("SIGTERM");
      await exited;
    }
    client?.close();
    await server?.stop();
    await fixture?.close();
    if (agentDir) {
      // The agent leaves a medium: Memory emptyDir mounted when it stops (as upstream's kubelet does); unmount ours.
      const mounts = (await readFile("/proc/mounts", "utf8")).split("\n").map((line) => line.split(" ")[1] ?? "");
      for (const mount of mounts.filter((m) => m.startsWith(`${agentDir}/`))) execFileSync("umount", [mount]);
      await rm(agentDir, { recursive: true, force: true });
    }
  });

  describe("kubelet pod features on containerd", () => {
    test("a failing HTTP liveness probe restarts the container, with Unhealthy and Killing events", async () => {
      const status = await eventually(
        "live-http restarted",
        async () => {
          const s = (await getPod("live-http")).status?.containerStatuses?.[0];
          return (s?.restartCount ?? 0) >= 1 && s?.lastState?.terminated ? s : undefined;
        },
        45_000,
      );
      assert.equal(status.name, "web");
      assert.ok(status.lastState?.terminated?.finishedAt, JSON.stringify(status.lastState));
      const events = await eventually("live-http events", async () => {
        const all = await podEvents("live-http");
        return all.some((e) => e.reason === "Killing") && all.some((e) => e.reason === "Unhealthy") ? all : undefined;
      });
      const unhealthy = events.find((e) => e.reason === "Unhealthy")!;
      assert.equal(unhealthy.type, "Warning");
      assert.equal(unhealthy.message, "Liveness probe failed: HTTP probe failed with statuscode: 404");
      const killing = events.find((e) => e.reason === "Killing")!;
      assert.equal(killing.type, "Normal");
      assert.equal(killing.message, "Container web failed liveness probe, will be restarted");
      // Container events name their container, as `kubectl describe pod` shows them.
      for (const e of [unhealthy, killing]) assert.equal(e.involvedObject?.fieldPath, "spec.containers{web}", e.reason);
    });

    test("an exec liveness probe passes while its file exists, then fails and restarts the container repeatedly", async () => {
      const first = await eventually(
        "live-exec restarted",
        async () => {
          const s = (await getPod("live-exec")).status?.containerStatuses?.[0];
          return (s?.restartCount ?? 0) >= 1 ? s : undefined;
        },
        45_000,
      );
      // The container was killed by the kubelet, not exited by itself: sleep dies of SIGKILL or SIGTERM.
      assert.ok([137, 143].includes(first.lastState?.terminated?.exitCode ?? -1), JSON.stringify(first.lastState));
      assert.equal(first.lastState?.terminated?.reason, "Error");
      const unhealthy = (await podEvents("live-exec")).find((e) => e.reason === "Unhealthy");
      assert.match(unhealthy?.message ?? "", /^Liveness probe failed: cat: (can't open )?'?\/tmp\/healthy'?: No such file or directory\n?$/);
      // Each new container recreates the file, passes for a while, then fails again.
      await eventually("live-exec restarted again", async () => (((await getPod("live-exec")).status?.containerStatuses?.[0]?.restartCount ?? 0) > (first.restartCount ?? 0) ? true : undefined), 60_000);
    });

    test("a failing readiness probe keeps a Running pod not Ready; flipping its target flips Ready both ways", async () => {
      const readyState = async (name: string) => {
        const p = await getPod(name);
        return { phase: p.status?.phase, ready: condition(p, "Ready"), containersReady: condition(p, "ContainersReady"), container: p.status?.containerStatuses?.[0]?.ready };
      };
      const notReady = { phase: "Running", ready: "False", containersReady: "False", container: false };
      const ready = { phase: "Running", ready: "True", containersReady: "True", container: true };
      const reaches = (name: string, want: typeof ready, what: string) =>
        eventually(`${name} ${what}`, async () => {
          const state = await readyState(name);
          return JSON.stringify(state) === JSON.stringify(want) ? state : undefined;
        }, 30_000);

      // ready-exec: running, but no /tmp/ready yet.
      await eventually("ready-exec running", async () => ((await getPod("ready-exec")).status?.containerStatuses?.[0]?.state?.running ? true : undefined));
      await reaches("ready-exec", notReady, "not ready");
      // It stays not ready (probes run every second); a few probe periods later it has not changed.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.deepEqual(await readyState("ready-exec"), notReady);
      assert.equal((await getPod("ready-exec")).status?.containerStatuses?.[0]?.restartCount, 0, "a readiness failure must not restart");

      const touch = await server.kubectl(["exec", "ready-exec", "--", "touch", "/tmp/ready"]);
      assert.equal(touch.code, 0, touch.stderr);
      await reaches("ready-exec", ready, "ready");
      const remove = await server.kubectl(["exec", "ready-exec", "--", "rm", "/tmp/ready"]);
      assert.equal(remove.code, 0, remove.stderr);
      await reaches("ready-exec", notReady, "not ready again");
      const unhealthy = (await podEvents("ready-exec")).find((e) => e.reason === "Unhealthy");
      assert.equal(unhealthy?.message, "Readiness probe failed: ");

      // ready-http: ready while the page is served, not ready once it is removed, ready when it is back.
      await reaches("ready-http", ready, "ready");
      const moved = await server.kubectl(["exec", "ready-http", "--", "mv", "/www/index.html", "/www/away.html"]);
      assert.equal(moved.code, 0, moved.stderr);
      await reaches("ready-http", notReady, "not ready");
      const back = await server.kubectl(["exec", "ready-http", "--", "mv", "/www/away.html", "/www/index.html"]);
      assert.equal(back.code, 0, back.stderr);
      await reaches("ready-http", ready, "ready again");
    });

    test("env from a ConfigMap and a Secret (keyRefs, envFrom with prefixes, $(VAR) expansion) is in the container", async () => {
      await eventually("env Succeeded", async () => {
        const p = await getPod("env");
        if (p.status?.phase === "Succeeded") return true;
        throw new Error(`env is ${JSON.stringify(p.status)}`);
      });
      const logs = await server.kubectl(["logs", "env"]);
      assert.equal(logs.code, 0, logs.stderr);
      const lines = new Set(logs.stdout.split("\n"));
      for (const line of ["COLOUR=teal", "PASSWORD=s3cr3t", "GREETING=teal and s3cr3t", "CM_colour=teal", "CM_size=large", "SEC_password=s3cr3t", "SEC_user=admin"]) {
        assert.ok(lines.has(line), `${line} missing from:\n${logs.stdout}`);
      }
      assert.ok(!lines.has("colour=teal"), "envFrom with a prefix must not also add the bare key");
    });

    test("two containers share an emptyDir, on disk and with medium: Memory (tmpfs)", async () => {
      for (const kind of ["disk", "memory"] as const) {
        const name = `shared-${kind}`;
        const logs = await eventually(`${name} reader saw the file`, async () => {
          const r = await server.kubectl(["logs", name, "-c", "reader"]);
          return r.code === 0 && r.stdout.includes(" /shared ") ? r.stdout : undefined;
        });
        const [message, mount] = logs.split("\n");
        assert.equal(message, `written-by-writer-${kind}`);
        const fsType = mount?.split(" ")[2];
        if (kind === "memory") assert.equal(fsType, "tmpfs", mount);
        else assert.notEqual(fsType, "tmpfs", mount);
        // And the other way round, while both run: the reader writes, the writer reads.
        const write = await server.kubectl(["exec", name, "-c", "reader", "--", "sh", "-c", "echo back > /shared/reply"]);
        assert.equal(write.code, 0, write.stderr);
        const read = await server.kubectl(["exec", name, "-c", "writer", "--", "cat", "/data/reply"]);
        assert.deepEqual([read.code, read.stdout], [0, "back\n"], read.stderr);
      }
    });
  });
}
