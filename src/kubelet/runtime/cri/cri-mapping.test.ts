import { test } from "node:test";
import assert from "node:assert/strict";
import type { ContainerConfig, SandboxConfig } from "../runtime.ts";
import { dateOfNanos, fromCriContainerStatus, fromCriSandboxStatus, toCriContainerConfig, toCriContainerFilter, toCriSandboxConfig, type CriContainerStatus } from "./cri-mapping.ts";

const sandbox: SandboxConfig = {
  metadata: { name: "web-1", namespace: "default", uid: "u-1", attempt: 2 },
  hostname: "web-1",
  logDirectory: "/var/log/pods/default_web-1_u-1",
  portMappings: [{ protocol: "TCP", containerPort: 80, hostPort: 8080 }],
  labels: { app: "web" },
  annotations: { note: "x" },
  linux: {},
};

const container: ContainerConfig = {
  metadata: { name: "main", attempt: 1 },
  image: "localhost:5000/web:v1",
  command: ["sh"],
  args: ["-c", "true"],
  envs: [{ key: "A", value: "1" }],
  mounts: [{ containerPath: "/data", hostPath: "/srv/data", readonly: true }],
  logPath: "main/1.log",
  stdin: false,
  stdinOnce: false,
  tty: false,
  labels: {},
  annotations: {},
};

test("namespace modes: a PID namespace per container unless the pod asks otherwise", () => {
  const cases: Array<[SandboxConfig["linux"]["namespaceOptions"], { network: string; pid: string; ipc: string }]> = [
    [undefined, { network: "POD", pid: "CONTAINER", ipc: "POD" }],
    [{ pid: "pod" }, { network: "POD", pid: "POD", ipc: "POD" }],
    [{ network: "node", pid: "node", ipc: "node" }, { network: "NODE", pid: "NODE", ipc: "NODE" }],
  ];
  for (const [namespaceOptions, expected] of cases) {
    const config = { ...sandbox, linux: namespaceOptions ? { namespaceOptions } : {} };
    assert.deepEqual(toCriSandboxConfig(config).linux.security_context.namespace_options, expected);
    // Containers must repeat the sandbox's modes or containerd rejects them.
    assert.deepEqual(toCriContainerConfig(container, config).linux.security_context.namespace_options, expected);
  }
});

test("sandbox config fields", () => {
  const cri = toCriSandboxConfig({ ...sandbox, dnsConfig: { servers: ["10.43.0.10"], searches: ["default.svc.cluster.local"], options: ["ndots:5"] } });
  assert.deepEqual(cri.metadata, { name: "web-1", namespace: "default", uid: "u-1", attempt: 2 });
  assert.equal(cri.log_directory, sandbox.logDirectory);
  assert.deepEqual(cri.port_mappings, [{ protocol: "TCP", container_port: 80, host_port: 8080, host_ip: "" }]);
  assert.deepEqual(cri.dns_config, { servers: ["10.43.0.10"], searches: ["default.svc.cluster.local"], options: ["ndots:5"] });
  assert.equal(toCriSandboxConfig(sandbox).dns_config, null);
  assert.equal(toCriSandboxConfig(sandbox).hostname, "web-1");
  assert.equal(toCriSandboxConfig({ ...sandbox, linux: { namespaceOptions: { network: "node" } } }).hostname, "", "host network keeps the node's hostname");
});

test("container config: run-as ids only when given, mounts and resources", () => {
  const plain = toCriContainerConfig(container, sandbox);
  assert.equal(plain.linux.security_context.run_as_user, null);
  assert.deepEqual(plain.mounts, [{ container_path: "/data", host_path: "/srv/data", readonly: true }]);
  const limited = toCriContainerConfig({ ...container, securityContext: { runAsUser: 0, runAsGroup: 10 }, resources: { memoryLimitInBytes: 1 << 20 } }, sandbox);
  assert.deepEqual(limited.linux.security_context.run_as_user, { value: 0 });
  assert.deepEqual(limited.linux.security_context.run_as_group, { value: 10 });
  assert.equal(limited.linux.resources.memory_limit_in_bytes, 1 << 20);
});

test("container filters", () => {
  assert.deepEqual(toCriContainerFilter(), { id: "", pod_sandbox_id: "", state: null, label_selector: {} });
  assert.deepEqual(toCriContainerFilter({ sandboxId: "s", state: "exited", labels: { a: "b" } }), {
    id: "",
    pod_sandbox_id: "s",
    state: { state: "CONTAINER_EXITED" },
    label_selector: { a: "b" },
  });
});

const criStatus: CriContainerStatus = {
  id: "c1",
  metadata: { name: "main", attempt: 0 },
  state: "CONTAINER_EXITED",
  created_at: 1_700_000_000_000_000_000,
  started_at: 1_700_000_001_000_000_000,
  finished_at: 1_700_000_002_500_000_000,
  exit_code: 0,
  image: { image: "localhost:5000/web:v1" },
  image_ref: "sha256:abc",
  reason: "",
  message: "",
  labels: {},
  annotations: {},
  log_path: "/logs/main/0.log",
};

test("container status: reasons of exited containers", () => {
  const cases: Array<[Partial<CriContainerStatus>, string | undefined, number | undefined]> = [
    [{}, "Completed", 0],
    [{ exit_code: 2 }, "Error", 2],
    [{ exit_code: 137, reason: "OOMKilled" }, "OOMKilled", 137],
    [{ state: "CONTAINER_RUNNING", finished_at: 0 }, undefined, undefined],
  ];
  for (const [override, reason, exitCode] of cases) {
    const status = fromCriContainerStatus({ ...criStatus, ...override }, "s1");
    assert.equal(status.reason, reason, JSON.stringify(override));
    assert.equal(status.exitCode, exitCode, JSON.stringify(override));
    assert.equal(status.sandboxId, "s1");
  }
});

test("timestamps: nanoseconds to dates, zero is unset", () => {
  assert.equal(dateOfNanos(0), undefined);
  assert.equal(dateOfNanos(1_700_000_002_500_000_000)?.toISOString(), "2023-11-14T22:13:22.500Z");
  const status = fromCriContainerStatus({ ...criStatus, state: "CONTAINER_CREATED", started_at: 0, finished_at: 0 }, "s1");
  assert.equal(status.startedAt, undefined);
  assert.equal(status.finishedAt, undefined);
  assert.equal(status.state, "created");
});

test("sandbox status: IP only when the pod has one", () => {
  const base = { id: "s1", metadata: { name: "n", uid: "u", namespace: "ns", attempt: 1 }, state: "SANDBOX_READY" as const, created_at: 1e18, labels: {}, annotations: {} };
  const withIp = fromCriSandboxStatus({ ...base, network: { ip: "10.42.0.5", additional_ips: [{ ip: "fd00::5" }] } });
  assert.equal(withIp.ip, "10.42.0.5");
  assert.deepEqual(withIp.additionalIps, ["fd00::5"]);
  assert.deepEqual(withIp.metadata, { name: "n", namespace: "ns", uid: "u", attempt: 1 });
  const hostNetwork = fromCriSandboxStatus({ ...base, state: "SANDBOX_NOTREADY", network: { ip: "", additional_ips: [] } });
  assert.equal(hostNetwork.ip, undefined);
  assert.equal(hostNetwork.state, "notready");
});
