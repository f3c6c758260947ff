// The `cri` runtime: each Runtime method is one (or a few) CRI v1 calls to
// containerd over its unix socket.
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
  type StreamRequest,
} from "../runtime.ts";
import { CriClient, type CriService } from "./cri-client.ts";
import {
  fromCriContainerStatus,
  fromCriImage,
  fromCriSandboxStatus,
  toCriContainerConfig,
  toCriContainerFilter,
  toCriSandboxConfig,
  type CriContainer,
  type CriContainerStatus,
  type CriImage,
  type CriPodSandbox,
  type CriPodSandboxStatus,
} from "./cri-mapping.ts";

export interface CriRuntimeOptions {
  /** Deadline of ordinary calls. */
  callTimeoutMs?: number;
  /** Deadline of calls that may pull an image (PullImage, RunPodSandbox). */
  pullTimeoutMs?: number;
}

/** Extra time a call that waits on the container (stop, exec) gets beyond its own timeout. */
const callSlackMs = 10_000;

async function undefinedIfNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof RuntimeError && error.reason === "NotFound") return undefined;
    throw error;
  }
}

export class CriRuntime implements Runtime {
  readonly kind = "cri";
  private readonly client: CriClient;
  private readonly pullTimeoutMs: number;

  constructor(endpoint: string, options: CriRuntimeOptions = {}) {
    this.client = new CriClient(endpoint, options.callTimeoutMs ?? 60_000);
    this.pullTimeoutMs = options.pullTimeoutMs ?? 5 * 60_000;
  }

  private call<Response>(service: CriService, method: string, request: object, timeoutMs?: number): Promise<Response> {
    return this.client.call<Response>(service, method, request, timeoutMs === undefined ? {} : { timeoutMs });
  }

  async version(): Promise<RuntimeVersion> {
    const response = await this.call<{ runtime_name: string; runtime_version: string; runtime_api_version: string }>("RuntimeService", "Version", { version: "v1" });
    return { runtimeName: response.runtime_name, runtimeVersion: response.runtime_version, runtimeApiVersion: response.runtime_api_version };
  }

  async runPodSandbox(config: SandboxConfig): Promise<string> {
    const response = await this.call<{ pod_sandbox_id: string }>(
      "RuntimeService",
      "RunPodSandbox",
      { config: toCriSandboxConfig(config), runtime_handler: "" },
      this.pullTimeoutMs,
    );
    return response.pod_sandbox_id;
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    await this.call("RuntimeService", "StopPodSandbox", { pod_sandbox_id: sandboxId });
  }

  /** Stops first: containerd 1.6 refuses to remove a sandbox that still runs. */
  async removePodSandbox(sandboxId: string): Promise<void> {
    await undefinedIfNotFound(this.stopPodSandbox(sandboxId));
    await this.call("RuntimeService", "RemovePodSandbox", { pod_sandbox_id: sandboxId });
  }

  async podSandboxStatus(sandboxId: string): Promise<SandboxStatus | undefined> {
    const response = await undefinedIfNotFound(
      this.call<{ status: CriPodSandboxStatus | null }>("RuntimeService", "PodSandboxStatus", { pod_sandbox_id: sandboxId, verbose: false }),
    );
    return response?.status ? fromCriSandboxStatus(response.status) : undefined;
  }

  async listPodSandboxes(): Promise<SandboxStatus[]> {
    const response = await this.call<{ items: CriPodSandbox[] }>("RuntimeService", "ListPodSandbox", { filter: null });
    const statuses = await Promise.all(response.items.map((item) => this.podSandboxStatus(item.id)));
    // A sandbox removed between the list and its status is simply gone.
    return statuses.filter((status): status is SandboxStatus => status !== undefined);
  }

  async createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: SandboxConfig): Promise<string> {
    const response = await this.call<{ container_id: string }>("RuntimeService", "CreateContainer", {
      pod_sandbox_id: sandboxId,
      config: toCriContainerConfig(config, sandboxConfig),
      sandbox_config: toCriSandboxConfig(sandboxConfig),
    });
    return response.container_id;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call("RuntimeService", "StartContainer", { container_id: containerId });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.call("RuntimeService", "StopContainer", { container_id: containerId, timeout: timeoutSeconds }, timeoutSeconds * 1000 + callSlackMs);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call("RuntimeService", "RemoveContainer", { container_id: containerId });
  }

  private async statusOf(containerId: string, sandboxId: string): Promise<ContainerStatus | undefined> {
    const response = await undefinedIfNotFound(
      this.call<{ status: CriContainerStatus | null }>("RuntimeService", "ContainerStatus", { container_id: containerId, verbose: false }),
    );
    return response?.status ? fromCriContainerStatus(response.status, sandboxId) : undefined;
  }

  private async listCriContainers(filter: object): Promise<CriContainer[]> {
    const response = await this.call<{ containers: CriContainer[] }>("RuntimeService", "ListContainers", { filter });
    return response.containers;
  }

  /** CRI's ContainerStatus lacks the sandbox id, so the list call supplies it. */
  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    const [container] = await this.listCriContainers({ ...toCriContainerFilter(), id: containerId });
    return container ? this.statusOf(container.id, container.pod_sandbox_id) : undefined;
  }

  async listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]> {
    const containers = await this.listCriContainers(toCriContainerFilter(filter));
    const statuses = await Promise.all(containers.map((container) => this.statusOf(container.id, container.pod_sandbox_id)));
    return statuses.filter((status): status is ContainerStatus => status !== undefined);
  }

  async pullImage(image: string, sandboxConfig?: SandboxConfig): Promise<string> {
    try {
      const response = await this.call<{ image_ref: string }>(
        "ImageService",
        "PullImage",
        { image: { image }, sandbox_config: sandboxConfig ? toCriSandboxConfig(sandboxConfig) : null },
        this.pullTimeoutMs,
      );
      return response.image_ref;
    } catch (error) {
      if (error instanceof RuntimeError && (error.reason === "Unavailable" || error.reason === "DeadlineExceeded")) throw error;
      throw new RuntimeError("ImagePullFailed", error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    const response = await this.call<{ image: CriImage | null }>("ImageService", "ImageStatus", { image: { image }, verbose: false });
    return response.image ? fromCriImage(response.image) : undefined;
  }

  async listImages(): Promise<ImageInfo[]> {
    const response = await this.call<{ images: CriImage[] }>("ImageService", "ListImages", { filter: null });
    return response.images.map(fromCriImage);
  }

  async removeImage(image: string): Promise<void> {
    await this.call("ImageService", "RemoveImage", { image: { image } });
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecResult> {
    const response = await this.call<{ stdout: Buffer; stderr: Buffer; exit_code: number }>(
      "RuntimeService",
      "ExecSync",
      { container_id: containerId, cmd, timeout: timeoutSeconds },
      timeoutSeconds > 0 ? timeoutSeconds * 1000 + callSlackMs : undefined,
    );
    return { stdout: Buffer.from(response.stdout), stderr: Buffer.from(response.stderr), exitCode: response.exit_code };
  }

  async exec(request: StreamRequest & { cmd: string[] }): Promise<string> {
    const response = await this.call<{ url: string }>("RuntimeService", "Exec", {
      container_id: request.containerId,
      cmd: request.cmd,
      tty: request.tty,
      stdin: request.stdin,
      stdout: request.stdout,
      stderr: request.stderr,
    });
    return response.url;
  }

  async attach(request: StreamRequest): Promise<string> {
    const response = await this.call<{ url: string }>("RuntimeService", "Attach", {
      container_id: request.containerId,
      stdin: request.stdin,
      tty: request.tty,
      stdout: request.stdout,
      stderr: request.stderr,
    });
    return response.url;
  }

  async portForward(sandboxId: string, ports: number[]): Promise<string> {
    const response = await this.call<{ url: string }>("RuntimeService", "PortForward", { pod_sandbox_id: sandboxId, port: ports });
    return response.url;
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
