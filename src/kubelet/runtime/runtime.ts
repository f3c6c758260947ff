// The container runtime as the kubelet sees it: pod sandboxes, containers,
// images and streaming, in the shape of the CRI v1 API (the `cri`
// implementation maps each call to one CRI RPC). The `simulated`
// implementation runs no processes and exists for scale tests.

export type SandboxState = "ready" | "notready";
export type ContainerState = "created" | "running" | "exited" | "unknown";

export interface KeyValue {
  key: string;
  value: string;
}

export interface PortMapping {
  protocol: "TCP" | "UDP" | "SCTP";
  containerPort: number;
  hostPort: number;
  hostIp?: string;
}

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface SandboxConfig {
  /** Identifies the pod: name, namespace, uid, and the attempt (incremented each time the sandbox is recreated). */
  metadata: { name: string; namespace: string; uid: string; attempt: number };
  hostname: string;
  /** Directory under which containers' log files live (logPath of a container is relative to it). */
  logDirectory: string;
  dnsConfig?: DnsConfig;
  portMappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  linux: {
    cgroupParent?: string;
    /** Host namespaces the pod shares (hostNetwork, hostPID, hostIPC). */
    namespaceOptions?: { network?: "pod" | "node"; pid?: "pod" | "container" | "node"; ipc?: "pod" | "node" };
    sysctls?: Record<string, string>;
    /** Set when any container of the pod is privileged: containerd refuses privileged containers in an unprivileged sandbox. */
    privileged?: boolean;
  };
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
}

export interface ContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
}

export interface ContainerConfig {
  /** Container name in the pod spec, and the attempt (restart count) this container is. */
  metadata: { name: string; attempt: number };
  image: string;
  command: string[];
  args: string[];
  workingDir?: string;
  envs: KeyValue[];
  mounts: Mount[];
  /** Relative to the sandbox's logDirectory. */
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  resources?: ContainerResources;
  securityContext?: { runAsUser?: number; runAsGroup?: number; privileged?: boolean; readonlyRootfs?: boolean };
}

export interface SandboxStatus {
  id: string;
  metadata: SandboxConfig["metadata"];
  state: SandboxState;
  createdAt: Date;
  /** The pod's primary IP on the pod network; absent for host-network pods. */
  ip?: string;
  additionalIps: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerStatus {
  id: string;
  sandboxId: string;
  metadata: ContainerConfig["metadata"];
  state: ContainerState;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  /** Set by the runtime for exited containers, e.g. "Completed", "Error", "OOMKilled". */
  reason?: string;
  message?: string;
  image: string;
  /** The resolved image, e.g. a digest reference. */
  imageRef: string;
  /** Absolute path of the container's log file. */
  logPath: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ImageInfo {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

export interface ContainerFilter {
  sandboxId?: string;
  state?: ContainerState;
  labels?: Record<string, string>;
}

export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export interface StreamRequest {
  containerId: string;
  cmd?: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface RuntimeVersion {
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface Runtime {
  /** "cri" or "simulated": the kubelet reports it in the node's containerRuntimeVersion. */
  readonly kind: "cri" | "simulated";
  version(): Promise<RuntimeVersion>;

  runPodSandbox(config: SandboxConfig): Promise<string>;
  stopPodSandbox(sandboxId: string): Promise<void>;
  removePodSandbox(sandboxId: string): Promise<void>;
  podSandboxStatus(sandboxId: string): Promise<SandboxStatus | undefined>;
  listPodSandboxes(): Promise<SandboxStatus[]>;

  createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: SandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** Sends the stop signal, then kills after timeoutSeconds. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus | undefined>;
  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]>;

  pullImage(image: string, sandboxConfig?: SandboxConfig): Promise<string>;
  imageStatus(image: string): Promise<ImageInfo | undefined>;
  listImages(): Promise<ImageInfo[]>;
  removeImage(image: string): Promise<void>;

  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecResult>;
  /** URLs of the runtime's streaming server for one session (CRI Exec/Attach/PortForward). */
  exec(request: StreamRequest & { cmd: string[] }): Promise<string>;
  attach(request: StreamRequest): Promise<string>;
  portForward(sandboxId: string, ports: number[]): Promise<string>;

  close(): Promise<void>;
}

export class RuntimeError extends Error {
  constructor(
    readonly reason: "NotFound" | "Unavailable" | "ImagePullFailed" | "InvalidArgument" | "Unsupported" | "DeadlineExceeded" | "RuntimeFailure",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
