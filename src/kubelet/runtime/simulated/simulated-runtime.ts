// A runtime with no processes, for scale and integration tests (DESIGN §3):
// sandboxes get made-up IPs, containers "run" the moment they start and, when
// the pod asks for it through annotations, exit on their own after a while.
// Time comes from the injected clock and states are computed when read, so
// nothing here arms a timer.
import { realClock, type Clock } from "../../../client/clock.ts";
import {
  RuntimeError,
  type ContainerConfig,
  type ContainerFilter,
  type ContainerStatus,
  type ExecResult,
  type ImageInfo,
  type Runtime,
  type RuntimeVersion,
  type SandboxConfig,
  type SandboxStatus,
} from "../runtime.ts";

/** Pod annotation: the exit code every container ends with after its run time ("1", "0", ...); absent: runs forever. */
export const simulatedExitCodeAnnotation = "simulated.skiff.io/exit-code";
/** Pod annotation: how long (ms, default 0) a container runs before it exits with the exit code. */
export const simulatedRunMsAnnotation = "simulated.skiff.io/run-ms";
/** Exit code of a container the kubelet stopped: 128 + SIGTERM. */
const stoppedExitCode = 143;

export interface SimulatedRuntimeOptions {
  clock?: Clock;
  /** Images pulls fail for (answering ImagePullFailed); default: every pull succeeds. */
  unpullable?: (image: string) => boolean;
  /** The third octet of sandbox IPs 10.42.<subnet>.x. */
  podSubnet?: number;
}

interface SimulatedContainer {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  logPath: string;
  createdAt: number;
  startedAt?: number;
  /** Set when the kubelet stopped it; otherwise the exit follows from the annotations. */
  stoppedAt?: number;
  exitCode?: number;
  runMs?: number;
}

interface SimulatedSandbox {
  id: string;
  config: SandboxConfig;
  createdAt: number;
  ready: boolean;
  ip?: string;
}

function annotationNumber(annotations: Record<string, string>, key: string, container: string): number | undefined {
  const text = annotations[`${key}.${container}`] ?? annotations[key];
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isInteger(value) ? value : undefined;
}

export class SimulatedRuntime implements Runtime {
  readonly kind = "simulated" as const;
  private readonly clock: Clock;
  private readonly sandboxes = new Map<string, SimulatedSandbox>();
  private readonly containers = new Map<string, SimulatedContainer>();
  private readonly images = new Map<string, ImageInfo>();
  private nextId = 1;
  private nextHost = 2;

  constructor(private readonly options: SimulatedRuntimeOptions = {}) {
    this.clock = options.clock ?? realClock;
  }

  version(): Promise<RuntimeVersion> {
    return Promise.resolve({ runtimeName: "simulated", runtimeVersion: "0.1.0", runtimeApiVersion: "v1" });
  }

  private newId(): string {
    return (this.nextId++).toString(16).padStart(64, "0");
  }

  runPodSandbox(config: SandboxConfig): Promise<string> {
    const id = this.newId();
    const hostNetwork = config.linux.namespaceOptions?.network === "node";
    const sandbox: SimulatedSandbox = { id, config, createdAt: this.clock.now(), ready: true };
    if (!hostNetwork) sandbox.ip = `10.42.${this.options.podSubnet ?? 0}.${(this.nextHost++ % 253) + 2}`;
    this.sandboxes.set(id, sandbox);
    return Promise.resolve(id);
  }

  stopPodSandbox(sandboxId: string): Promise<void> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (sandbox === undefined) return Promise.resolve();
    for (const container of this.containers.values()) if (container.sandboxId === sandboxId) this.stop(container);
    sandbox.ready = false;
    return Promise.resolve();
  }

  removePodSandbox(sandboxId: string): Promise<void> {
    for (const container of [...this.containers.values()]) if (container.sandboxId === sandboxId) this.containers.delete(container.id);
    this.sandboxes.delete(sandboxId);
    return Promise.resolve();
  }

  podSandboxStatus(sandboxId: string): Promise<SandboxStatus | undefined> {
    const sandbox = this.sandboxes.get(sandboxId);
    return Promise.resolve(sandbox && this.sandboxStatus(sandbox));
  }

  listPodSandboxes(): Promise<SandboxStatus[]> {
    return Promise.resolve([...this.sandboxes.values()].map((s) => this.sandboxStatus(s)));
  }

  private sandboxStatus(sandbox: SimulatedSandbox): SandboxStatus {
    const status: SandboxStatus = {
      id: sandbox.id,
      metadata: sandbox.config.metadata,
      state: sandbox.ready ? "ready" : "notready",
      createdAt: new Date(sandbox.createdAt),
      additionalIps: [],
      labels: sandbox.config.labels,
      annotations: sandbox.config.annotations,
    };
    if (sandbox.ip !== undefined) status.ip = sandbox.ip;
    return status;
  }

  createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: SandboxConfig): Promise<string> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (sandbox === undefined) return Promise.reject(new RuntimeError("NotFound", `sandbox ${sandboxId} not found`));
    if (!sandbox.ready) return Promise.reject(new RuntimeError("InvalidArgument", `sandbox ${sandboxId} is not ready`));
    if (!this.images.has(config.image)) return Promise.reject(new RuntimeError("NotFound", `image ${config.image} is not present`));
    const id = this.newId();
    const container: SimulatedContainer = { id, sandboxId, config, logPath: `${sandboxConfig.logDirectory}/${config.logPath}`, createdAt: this.clock.now() };
    const exitCode = annotationNumber(sandboxConfig.annotations, simulatedExitCodeAnnotation, config.metadata.name);
    if (exitCode !== undefined) {
      container.exitCode = exitCode;
      container.runMs = annotationNumber(sandboxConfig.annotations, simulatedRunMsAnnotation, config.metadata.name) ?? 0;
    }
    this.containers.set(id, container);
    return Promise.resolve(id);
  }

  startContainer(containerId: string): Promise<void> {
    const container = this.containers.get(containerId);
    if (container === undefined) return Promise.reject(new RuntimeError("NotFound", `container ${containerId} not found`));
    if (container.startedAt !== undefined) return Promise.reject(new RuntimeError("InvalidArgument", `container ${containerId} was started already`));
    container.startedAt = this.clock.now();
    return Promise.resolve();
  }

  stopContainer(containerId: string): Promise<void> {
    const container = this.containers.get(containerId);
    if (container !== undefined) this.stop(container);
    return Promise.resolve();
  }

  private stop(container: SimulatedContainer): void {
    if (container.startedAt === undefined || this.exitTime(container) !== undefined) return;
    container.stoppedAt = this.clock.now();
    container.exitCode = stoppedExitCode;
  }

  /** When the container exited (or will exit), if it does. */
  private exitTime(container: SimulatedContainer): number | undefined {
    if (container.startedAt === undefined) return undefined;
    if (container.stoppedAt !== undefined) return container.stoppedAt;
    if (container.runMs === undefined) return undefined;
    const exitAt = container.startedAt + container.runMs;
    return exitAt <= this.clock.now() ? exitAt : undefined;
  }

  removeContainer(containerId: string): Promise<void> {
    this.containers.delete(containerId);
    return Promise.resolve();
  }

  containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    const container = this.containers.get(containerId);
    return Promise.resolve(container && this.statusOf(container));
  }

  listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    const matches = [...this.containers.values()]
      .map((c) => this.statusOf(c))
      .filter((s) => (filter.sandboxId === undefined || s.sandboxId === filter.sandboxId) && (filter.state === undefined || s.state === filter.state))
      .filter((s) => Object.entries(filter.labels ?? {}).every(([k, v]) => s.labels[k] === v));
    return Promise.resolve(matches);
  }

  private statusOf(container: SimulatedContainer): ContainerStatus {
    const image = this.images.get(container.config.image);
    const status: ContainerStatus = {
      id: container.id,
      sandboxId: container.sandboxId,
      metadata: container.config.metadata,
      state: "created",
      createdAt: new Date(container.createdAt),
      image: container.config.image,
      imageRef: image?.id ?? container.config.image,
      logPath: container.logPath,
      labels: container.config.labels,
      annotations: container.config.annotations,
    };
    if (container.startedAt === undefined) return status;
    status.startedAt = new Date(container.startedAt);
    const exitedAt = this.exitTime(container);
    if (exitedAt === undefined) return { ...status, state: "running" };
    const exitCode = container.exitCode ?? 0;
    return { ...status, state: "exited", finishedAt: new Date(exitedAt), exitCode, reason: exitCode === 0 ? "Completed" : "Error" };
  }

  pullImage(image: string): Promise<string> {
    if (this.options.unpullable?.(image)) return Promise.reject(new RuntimeError("ImagePullFailed", `failed to pull image "${image}": simulated pull failure`));
    const existing = this.images.get(image);
    if (existing !== undefined) return Promise.resolve(existing.id);
    const id = `sha256:${this.newId()}`;
    this.images.set(image, { id, repoTags: [image], repoDigests: [], size: 1_000_000 });
    return Promise.resolve(id);
  }

  imageStatus(image: string): Promise<ImageInfo | undefined> {
    return Promise.resolve(this.images.get(image));
  }

  listImages(): Promise<ImageInfo[]> {
    return Promise.resolve([...this.images.values()]);
  }

  removeImage(image: string): Promise<void> {
    this.images.delete(image);
    return Promise.resolve();
  }

  execSync(containerId: string, cmd: string[]): Promise<ExecResult> {
    const container = this.containers.get(containerId);
    if (container === undefined || this.statusOf(container).state !== "running") return Promise.reject(new RuntimeError("NotFound", `container ${containerId} is not running`));
    // Simulated probes and hooks succeed unless the command is literally `false` or `exit N`.
    const exitCode = cmd[0] === "false" ? 1 : cmd[0] === "exit" ? Number(cmd[1] ?? 1) : 0;
    return Promise.resolve({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode });
  }

  exec(): Promise<string> {
    return Promise.reject(new RuntimeError("Unsupported", "the simulated runtime has no streaming server"));
  }

  attach(): Promise<string> {
    return Promise.reject(new RuntimeError("Unsupported", "the simulated runtime has no streaming server"));
  }

  portForward(): Promise<string> {
    return Promise.reject(new RuntimeError("Unsupported", "the simulated runtime has no streaming server"));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
