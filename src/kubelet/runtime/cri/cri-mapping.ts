// Pure translations between the Runtime interface's shapes and CRI v1 wire
// messages (snake_case field names, enums as their names, int64 as numbers,
// nanosecond timestamps).
import type {
  ContainerConfig,
  ContainerFilter,
  ContainerState,
  ContainerStatus,
  ImageInfo,
  SandboxConfig,
  SandboxState,
  SandboxStatus,
} from "../runtime.ts";

type NamespaceMode = "POD" | "CONTAINER" | "NODE";
type CriContainerState = "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED" | "CONTAINER_UNKNOWN";
type CriSandboxState = "SANDBOX_READY" | "SANDBOX_NOTREADY";

export interface CriSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface CriPodSandbox {
  id: string;
  metadata: CriSandboxMetadata | null;
  state: CriSandboxState;
  created_at: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface CriPodSandboxStatus extends CriPodSandbox {
  network: { ip: string; additional_ips: Array<{ ip: string }> } | null;
}

export interface CriContainer {
  id: string;
  pod_sandbox_id: string;
  metadata: { name: string; attempt: number } | null;
  state: CriContainerState;
}

export interface CriContainerStatus {
  id: string;
  metadata: { name: string; attempt: number } | null;
  state: CriContainerState;
  created_at: number;
  started_at: number;
  finished_at: number;
  exit_code: number;
  image: { image: string } | null;
  image_ref: string;
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  log_path: string;
}

export interface CriImage {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: number;
}

function namespaceOptionsOf(options: NonNullable<SandboxConfig["linux"]["namespaceOptions"]> = {}) {
  const podOrNode = (mode: "pod" | "node" | undefined): NamespaceMode => (mode === "node" ? "NODE" : "POD");
  const pidModes: Record<"pod" | "container" | "node", NamespaceMode> = { pod: "POD", container: "CONTAINER", node: "NODE" };
  return {
    network: podOrNode(options.network),
    // Each container gets its own PID namespace unless the pod shares one, as the kubelet asks.
    pid: pidModes[options.pid ?? "container"],
    ipc: podOrNode(options.ipc),
  };
}

export function toCriSandboxConfig(config: SandboxConfig) {
  return {
    metadata: { ...config.metadata },
    // A host-network pod keeps the node's UTS namespace; runc refuses to set a hostname there.
    hostname: config.linux.namespaceOptions?.network === "node" ? "" : config.hostname,
    log_directory: config.logDirectory,
    dns_config: config.dnsConfig ? { servers: config.dnsConfig.servers, searches: config.dnsConfig.searches, options: config.dnsConfig.options } : null,
    port_mappings: config.portMappings.map((mapping) => ({
      protocol: mapping.protocol,
      container_port: mapping.containerPort,
      host_port: mapping.hostPort,
      host_ip: mapping.hostIp ?? "",
    })),
    labels: config.labels,
    annotations: config.annotations,
    linux: {
      cgroup_parent: config.linux.cgroupParent ?? "",
      security_context: {
        namespace_options: namespaceOptionsOf(config.linux.namespaceOptions),
        privileged: config.linux.privileged ?? false,
      },
      sysctls: config.linux.sysctls ?? {},
    },
  };
}

export function toCriContainerConfig(config: ContainerConfig, sandboxConfig: SandboxConfig) {
  const security = config.securityContext ?? {};
  const resources = config.resources ?? {};
  return {
    metadata: { ...config.metadata },
    image: { image: config.image },
    command: config.command,
    args: config.args,
    working_dir: config.workingDir ?? "",
    envs: config.envs.map(({ key, value }) => ({ key, value })),
    mounts: config.mounts.map((mount) => ({ container_path: mount.containerPath, host_path: mount.hostPath, readonly: mount.readonly })),
    labels: config.labels,
    annotations: config.annotations,
    log_path: config.logPath,
    stdin: config.stdin,
    stdin_once: config.stdinOnce,
    tty: config.tty,
    linux: {
      resources: {
        cpu_period: resources.cpuPeriod ?? 0,
        cpu_quota: resources.cpuQuota ?? 0,
        cpu_shares: resources.cpuShares ?? 0,
        memory_limit_in_bytes: resources.memoryLimitInBytes ?? 0,
        oom_score_adj: resources.oomScoreAdj ?? 0,
      },
      security_context: {
        privileged: security.privileged ?? false,
        namespace_options: namespaceOptionsOf(sandboxConfig.linux.namespaceOptions),
        run_as_user: security.runAsUser === undefined ? null : { value: security.runAsUser },
        run_as_group: security.runAsGroup === undefined ? null : { value: security.runAsGroup },
        readonly_rootfs: security.readonlyRootfs ?? false,
      },
    },
  };
}

const containerStates: Record<CriContainerState, ContainerState> = {
  CONTAINER_CREATED: "created",
  CONTAINER_RUNNING: "running",
  CONTAINER_EXITED: "exited",
  CONTAINER_UNKNOWN: "unknown",
};

const criContainerStates: Record<ContainerState, CriContainerState> = {
  created: "CONTAINER_CREATED",
  running: "CONTAINER_RUNNING",
  exited: "CONTAINER_EXITED",
  unknown: "CONTAINER_UNKNOWN",
};

export function toCriContainerFilter(filter: ContainerFilter = {}) {
  return {
    id: "",
    pod_sandbox_id: filter.sandboxId ?? "",
    state: filter.state ? { state: criContainerStates[filter.state] } : null,
    label_selector: filter.labels ?? {},
  };
}

/** CRI timestamps are nanoseconds since the epoch; zero means unset. */
export function dateOfNanos(nanos: number): Date | undefined {
  return nanos > 0 ? new Date(Math.floor(nanos / 1e6)) : undefined;
}

function exitReason(status: CriContainerStatus): string | undefined {
  if (status.reason) return status.reason;
  if (status.state !== "CONTAINER_EXITED") return undefined;
  return status.exit_code === 0 ? "Completed" : "Error";
}

export function fromCriContainerStatus(status: CriContainerStatus, sandboxId: string): ContainerStatus {
  const state = containerStates[status.state];
  const exited = state === "exited";
  const reason = exitReason(status);
  return {
    id: status.id,
    sandboxId,
    metadata: { name: status.metadata?.name ?? "", attempt: status.metadata?.attempt ?? 0 },
    state,
    createdAt: dateOfNanos(status.created_at) ?? new Date(0),
    ...(dateOfNanos(status.started_at) ? { startedAt: dateOfNanos(status.started_at) } : {}),
    ...(exited && dateOfNanos(status.finished_at) ? { finishedAt: dateOfNanos(status.finished_at) } : {}),
    ...(exited ? { exitCode: status.exit_code } : {}),
    ...(reason ? { reason } : {}),
    ...(status.message ? { message: status.message } : {}),
    image: status.image?.image ?? "",
    imageRef: status.image_ref,
    logPath: status.log_path,
    labels: status.labels,
    annotations: status.annotations,
  };
}

const sandboxStates: Record<CriSandboxState, SandboxState> = { SANDBOX_READY: "ready", SANDBOX_NOTREADY: "notready" };

export function fromCriSandboxStatus(status: CriPodSandboxStatus): SandboxStatus {
  const metadata = status.metadata ?? { name: "", uid: "", namespace: "", attempt: 0 };
  return {
    id: status.id,
    metadata: { name: metadata.name, namespace: metadata.namespace, uid: metadata.uid, attempt: metadata.attempt },
    state: sandboxStates[status.state],
    createdAt: dateOfNanos(status.created_at) ?? new Date(0),
    ...(status.network?.ip ? { ip: status.network.ip } : {}),
    additionalIps: (status.network?.additional_ips ?? []).map((podIp) => podIp.ip).filter((ip) => ip !== ""),
    labels: status.labels,
    annotations: status.annotations,
  };
}

export function fromCriImage(image: CriImage): ImageInfo {
  return { id: image.id, repoTags: image.repo_tags, repoDigests: image.repo_digests, size: image.size };
}
