// The pod workers: one reconcile per pod uid, never two at once for the same
// pod (the controllers' Runner gives that). A sync reads what the runtime
// holds for the pod, asks planPodSync what to do, does it (sandbox, image
// pulls, init containers, containers, kills), then writes the status. Pods
// marked for deletion are stopped within their grace period and then deleted
// for good; runtime objects of pods the API no longer has are removed.
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ConfigMap, Container, LifecycleHandler, Pod, Secret } from "kubernetes-types/core/v1";
import { realClock, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import { referenceTo, type EventRecorder } from "../client/event-recorder.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { Runner, type Reconciler, type Requeue } from "../controllers/runner.ts";
import type { ResourceAmounts } from "./env/container-resource.ts";
import { expandContainerCommand, resolveContainerEnv } from "./env/resolve-container-env.ts";
import { containerFieldPath } from "./container-ref.ts";
import { containerResources } from "./container-resources.ts";
import { FreshCall } from "./fresh-call.ts";
import { goDuration } from "./go-duration.ts";
import { runLifecycleHook, type HookSubject } from "./lifecycle-hook.ts";
import { DEFAULT_POD_CIDR } from "./probes/probe-target.ts";
import { pullDecision, pullPolicy } from "./image-pull-policy.ts";
import { planPodSync, type ContainerStart, type PodRuntimeState } from "./pod-sync-plan.ts";
import { podStatus, type WaitingReason } from "./pod-status.ts";
import { restartDecision, type BackoffEntry } from "./restart-backoff.ts";
import { containerLabels, podUidLabel } from "./runtime-labels.ts";
import type { DnsConfig, KeyValue, Mount, Runtime, SandboxConfig, SandboxStatus } from "./runtime/runtime.ts";
import { containerLogPath, sandboxConfig } from "./sandbox-config.ts";
import type { StatusManager } from "./status-manager.ts";

/** What the workers need from the volume manager (src/kubelet/volumes). */
export interface PodVolumes {
  setUp(pod: Pod): Promise<void>;
  /** Rewrites the pod's API-backed volumes (configMap, secret, downwardAPI, projected) from their current sources. */
  refresh(pod: Pod): Promise<void>;
  containerMounts(pod: Pod, container: Container, env: KeyValue[]): Mount[];
  tearDown(podUid: string): Promise<void>;
}

/** What the workers need from the probe manager (src/kubelet/probes). */
export interface PodProbes {
  /** The pod's running containers by name; idempotent. */
  addPod(pod: Pod, running: Map<string, { containerId: string; startedAt: Date | number }>, podIP?: string): void;
  removePod(podUid: string): void;
  readiness(podUid: string, container: string): boolean;
  /** False once liveness failed: kill and restart. */
  liveness(podUid: string, container: string): boolean;
  /** False once the startup probe failed: kill and restart. */
  startup(podUid: string, container: string): boolean;
  /** Whether the startup probe (if any) has succeeded. */
  started(podUid: string, container: string): boolean;
}

export interface PodWorkersOptions {
  client: KubeClient;
  runtime: Runtime;
  recorder: EventRecorder;
  statusManager: StatusManager;
  nodeName: string;
  hostIPs: string[];
  /** Stands in for missing limits in resourceFieldRef env (the Node's status.allocatable). */
  nodeAllocatable?: ResourceAmounts;
  /** Root of the pods' log directories (like /var/log/pods). */
  logsRoot: string;
  hostDns: DnsConfig;
  /** The pod network hooks may reach (besides loopback and the node's addresses). */
  podCidr?: string;
  volumes?: PodVolumes;
  probes?: PodProbes;
  clock?: Clock;
  workers?: number;
}

interface PodRecord {
  pod: Pod;
  /** The API object is gone (or the static manifest removed): only cleanup is left. */
  removed: boolean;
  /** Static pods report their status on this mirror pod. */
  mirror?: Pod;
  backoffs: Map<string, BackoffEntry>;
  pullBackoffs: Map<string, BackoffEntry>;
  waiting: Map<string, WaitingReason>;
  /** The API object changed since its volumes were written: rewrite them on the next sync. */
  volumesStale: boolean;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class PodWorkers implements Reconciler {
  readonly name = "kubelet";
  private readonly records = new Map<string, PodRecord>();
  private readonly runner: Runner;
  private readonly clock: Clock;
  private readonly runtimeName: string;
  private readonly sandboxes: FreshCall<SandboxStatus[]>;

  constructor(private readonly options: PodWorkersOptions) {
    this.sandboxes = new FreshCall(() => options.runtime.listPodSandboxes());
    this.clock = options.clock ?? realClock;
    this.runner = new Runner(this, { workers: options.workers ?? 32, clock: this.clock });
    this.runtimeName = options.runtime.kind === "cri" ? "containerd" : "simulated";
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  /** The pod as the API (or a static manifest) wants it now. */
  update(pod: Pod, mirror?: Pod): void {
    const uid = pod.metadata?.uid ?? "";
    const record = this.records.get(uid);
    if (record === undefined) this.records.set(uid, { pod, removed: false, backoffs: new Map(), pullBackoffs: new Map(), waiting: new Map(), volumesStale: false, ...(mirror ? { mirror } : {}) });
    else {
      record.pod = pod;
      record.volumesStale = true;
      if (mirror !== undefined) record.mirror = mirror;
    }
    this.runner.enqueue(uid);
  }

  /** The pod is gone from the API: stop and remove whatever runs for it. */
  remove(pod: Pod): void {
    const uid = pod.metadata?.uid ?? "";
    const record = this.records.get(uid);
    if (record !== undefined) record.removed = true;
    this.runner.enqueue(uid);
  }

  /** Something changed in the runtime or a probe result for this pod. */
  poke(uid: string): void {
    this.runner.enqueue(uid);
  }

  async sync(uid: string): Promise<Requeue | void> {
    const state = await this.runtimeState(uid);
    const record = this.records.get(uid);
    if (record === undefined || record.removed) {
      await this.removeAll(uid, state, record?.pod, 0);
      this.records.delete(uid);
      return;
    }
    const pod = record.pod;
    if (pod.metadata?.deletionTimestamp) {
      await this.terminate(record, state);
      return;
    }
    // A pod the API reports Succeeded or Failed never runs again (also after an agent restart found nothing left).
    const phase = (record.mirror ?? pod).status?.phase;
    if (phase === "Succeeded" || phase === "Failed") {
      await this.stopTerminal(state, pod);
      return;
    }
    return this.syncRunning(record, state);
  }

  private async runtimeState(uid: string): Promise<PodRuntimeState> {
    const [sandboxes, containers] = await Promise.all([this.sandboxes.get(), this.options.runtime.listContainers({ labels: { [podUidLabel]: uid } })]);
    return { sandboxes: sandboxes.filter((s) => (s.labels[podUidLabel] ?? s.metadata.uid) === uid), containers };
  }

  private async syncRunning(record: PodRecord, state: PodRuntimeState): Promise<Requeue | void> {
    const { pod } = record;
    const uid = pod.metadata?.uid ?? "";
    const probes = this.options.probes;
    const unhealthy = new Set((pod.spec?.containers ?? []).map((c) => c.name).filter((name) => probes !== undefined && (!probes.liveness(uid, name) || !probes.startup(uid, name))));
    const plan = planPodSync({ pod, state, backoffs: record.backoffs, unhealthy, nowMs: this.clock.now() });
    for (const [name, entry] of plan.backoffUpdates) record.backoffs.set(name, entry);

    for (const kill of plan.containersToKill) {
      if (kill.why === "Unhealthy") this.event(pod, "Normal", "Killing", `Container ${kill.name} failed liveness probe, will be restarted`, kill.name);
      await this.options.runtime.stopContainer(kill.id, this.gracePeriodSeconds(pod));
    }
    let sandboxId = state.sandboxes.find((s) => s.state === "ready")?.id;
    let config = sandboxConfig(pod, plan.createSandbox?.attempt ?? 0, this.sandboxOptions());
    if (plan.createSandbox !== undefined) {
      for (const id of plan.sandboxesToRemove) {
        await this.options.runtime.stopPodSandbox(id);
        await this.options.runtime.removePodSandbox(id);
      }
      if (state.sandboxes.length > 0) this.event(pod, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
      try {
        await this.options.volumes?.setUp(pod);
      } catch (e) {
        this.event(pod, "Warning", "FailedMount", messageOf(e));
        return { requeueAfterMs: 2000 };
      }
      await mkdir(config.logDirectory, { recursive: true });
      sandboxId = await this.options.runtime.runPodSandbox(config);
    } else if (sandboxId !== undefined) {
      const current = state.sandboxes.find((s) => s.id === sandboxId)!;
      config = sandboxConfig(pod, current.metadata.attempt, this.sandboxOptions());
      if (record.volumesStale) {
        record.volumesStale = false;
        // Running containers see updated ConfigMaps and Secrets through their volumes, as upstream's do.
        await this.options.volumes?.refresh(pod).catch((e: unknown) => this.event(pod, "Warning", "FailedMount", messageOf(e)));
      }
    }
    if (plan.podFailed && sandboxId !== undefined) await this.options.runtime.stopPodSandbox(sandboxId);

    record.waiting.clear();
    let requeueMs: number | undefined;
    for (const wait of plan.crashLoops) {
      const message = `back-off ${goDuration(wait.delayMs)} restarting failed container=${wait.name} pod=${pod.metadata?.name}_${pod.metadata?.namespace}(${uid})`;
      record.waiting.set(wait.name, { reason: "CrashLoopBackOff", message });
      this.event(pod, "Warning", "BackOff", `Back-off restarting failed container ${wait.name} in pod ${pod.metadata?.name}_${pod.metadata?.namespace}(${uid})`, wait.name);
      requeueMs = Math.min(requeueMs ?? Infinity, wait.remainingMs);
    }
    if (sandboxId !== undefined && !plan.podFailed) {
      const sandbox = await this.options.runtime.podSandboxStatus(sandboxId);
      const podIPs = sandbox?.ip ? [sandbox.ip, ...sandbox.additionalIps] : [];
      for (const start of plan.containersToStart) {
        const retryMs = await this.startContainer(record, start, sandboxId, config, podIPs);
        if (retryMs !== undefined) requeueMs = Math.min(requeueMs ?? Infinity, retryMs);
      }
    }

    const after = await this.runtimeState(uid);
    if (probes !== undefined) {
      const running = after.containers.filter((c) => c.state === "running").map((c) => [c.metadata.name, { containerId: c.id, startedAt: c.startedAt ?? c.createdAt }] as const);
      const podIP = pod.spec?.hostNetwork ? this.options.hostIPs[0] : after.sandboxes.find((s) => s.state === "ready")?.ip;
      probes.addPod(pod, new Map(running), podIP);
    }
    const status = podStatus({
      pod: record.mirror ? { ...pod, status: record.mirror.status ?? {} } : pod,
      state: after,
      runtimeName: this.runtimeName,
      hostIPs: this.options.hostIPs,
      waiting: record.waiting,
      ready: (name) => probes?.readiness(uid, name) ?? true,
      started: (name) => probes?.started(uid, name) ?? true,
      nowMs: this.clock.now(),
    });
    // A pod that ran to its end releases its sandbox (and with it the pod's network).
    const terminal = status.phase === "Succeeded" || status.phase === "Failed";
    const readySandbox = after.sandboxes.find((s) => s.state === "ready");
    if (terminal && readySandbox !== undefined) await this.options.runtime.stopPodSandbox(readySandbox.id);
    await this.options.statusManager.setStatus(record.mirror ?? pod, status);
    return requeueMs === undefined ? undefined : { requeueAfterMs: Math.max(10, requeueMs) };
  }

  private sandboxOptions() {
    return { nodeName: this.options.nodeName, logsRoot: this.options.logsRoot, hostDns: this.options.hostDns };
  }

  /** Pulls, creates and starts one container; answers a retry delay when it must wait (image pull back-off). */
  private async startContainer(record: PodRecord, start: ContainerStart, sandboxId: string, config: SandboxConfig, podIPs: string[]): Promise<number | undefined> {
    const { pod } = record;
    const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === start.name);
    if (spec === undefined) return undefined;
    const image = spec.image ?? "";
    const pulled = await this.ensureImage(record, spec, config);
    if (pulled !== true) return pulled;
    let envs, command, mounts;
    try {
      envs = await resolveContainerEnv(pod, spec, {
        configMap: (ns, name) => this.optionalGet<ConfigMap>(inNamespace(resources.configMaps, ns), name),
        secret: (ns, name) => this.optionalGet<Secret>(inNamespace(resources.secrets, ns), name),
        nodeName: this.options.nodeName,
        hostIP: this.options.hostIPs[0] ?? "",
        hostIPs: this.options.hostIPs,
        podIPs: pod.spec?.hostNetwork ? this.options.hostIPs : podIPs,
        ...(this.options.nodeAllocatable ? { nodeAllocatable: this.options.nodeAllocatable } : {}),
      });
      command = expandContainerCommand(spec, envs);
      mounts = this.options.volumes?.containerMounts(pod, spec, envs) ?? [];
    } catch (e) {
      const reason = (e as { reason?: string }).reason === "CreateContainerConfigError" ? "CreateContainerConfigError" : "CreateContainerError";
      record.waiting.set(spec.name, { reason, message: messageOf(e) });
      this.event(pod, "Warning", "Failed", `Error: ${messageOf(e)}`, spec.name);
      return 10_000;
    }
    const logPath = containerLogPath(spec.name, start.attempt);
    await mkdir(dirname(join(config.logDirectory, logPath)), { recursive: true });
    const securityContext = spec.securityContext;
    let containerId: string;
    try {
      containerId = await this.options.runtime.createContainer(
        sandboxId,
        {
          metadata: { name: spec.name, attempt: start.attempt },
          image,
          command: command.command,
          args: command.args,
          ...(spec.workingDir ? { workingDir: spec.workingDir } : {}),
          envs,
          mounts,
          logPath,
          stdin: spec.stdin ?? false,
          stdinOnce: spec.stdinOnce ?? false,
          tty: spec.tty ?? false,
          labels: containerLabels(pod, spec.name),
          annotations: { "io.kubernetes.container.restartCount": String(start.attempt) },
          resources: containerResources(spec),
          ...(securityContext
            ? {
                securityContext: {
                  ...(securityContext.runAsUser !== undefined ? { runAsUser: securityContext.runAsUser } : {}),
                  ...(securityContext.runAsGroup !== undefined ? { runAsGroup: securityContext.runAsGroup } : {}),
                  ...(securityContext.privileged !== undefined ? { privileged: securityContext.privileged } : {}),
                  ...(securityContext.readOnlyRootFilesystem !== undefined ? { readonlyRootfs: securityContext.readOnlyRootFilesystem } : {}),
                },
              }
            : {}),
        },
        config,
      );
      this.event(pod, "Normal", "Created", `Created container ${spec.name}`, spec.name);
      await this.options.runtime.startContainer(containerId);
      this.event(pod, "Normal", "Started", `Started container ${spec.name}`, spec.name);
    } catch (e) {
      record.waiting.set(spec.name, { reason: "CreateContainerError", message: messageOf(e) });
      this.event(pod, "Warning", "Failed", `Error: ${messageOf(e)}`, spec.name);
      return 10_000;
    }
    const postStart = spec.lifecycle?.postStart;
    if (postStart !== undefined) {
      const podIP = pod.spec?.hostNetwork ? this.options.hostIPs[0] : podIPs[0];
      const failure = await this.runHook(postStart, { container: spec, containerId, podIP }, this.gracePeriodSeconds(pod));
      if (failure !== undefined) {
        // Upstream kills a container whose postStart hook failed; policy and back-off decide its restart.
        this.event(pod, "Warning", "FailedPostStartHook", failure, spec.name);
        await this.options.runtime.stopContainer(containerId, this.gracePeriodSeconds(pod));
      }
    }
    return undefined;
  }

  /** true when the image is there; otherwise a retry delay, with the container's waiting reason recorded. */
  private async ensureImage(record: PodRecord, spec: Container, config: SandboxConfig): Promise<true | number> {
    const { pod } = record;
    const image = spec.image ?? "";
    const present = (await this.options.runtime.imageStatus(image)) !== undefined;
    switch (pullDecision(pullPolicy(spec), present)) {
      case "present":
        this.event(pod, "Normal", "Pulled", `Container image "${image}" already present on machine`, spec.name);
        return true;
      case "missing-never": {
        const message = `Container image "${image}" is not present with pull policy of Never`;
        record.waiting.set(spec.name, { reason: "ErrImageNeverPull", message });
        this.event(pod, "Warning", "ErrImageNeverPull", message, spec.name);
        return 10_000;
      }
      case "pull":
        break;
    }
    const lastFailure = record.pullBackoffs.get(spec.name);
    if (lastFailure !== undefined) {
      const decision = restartDecision(lastFailure, lastFailure.lastRestartMs, this.clock.now());
      if (!decision.restart) {
        const message = `Back-off pulling image "${image}"`;
        record.waiting.set(spec.name, { reason: "ImagePullBackOff", message });
        this.event(pod, "Normal", "BackOff", message, spec.name);
        return decision.remainingMs;
      }
    }
    this.event(pod, "Normal", "Pulling", `Pulling image "${image}"`, spec.name);
    const began = this.clock.now();
    try {
      await this.options.runtime.pullImage(image, config);
    } catch (e) {
      const previous = record.pullBackoffs.get(spec.name);
      record.pullBackoffs.set(spec.name, { delayMs: previous === undefined ? 10_000 : Math.min(previous.delayMs * 2, 300_000), lastRestartMs: this.clock.now() });
      record.waiting.set(spec.name, { reason: "ErrImagePull", message: messageOf(e) });
      this.event(pod, "Warning", "Failed", `Failed to pull image "${image}": ${messageOf(e)}`, spec.name);
      this.event(pod, "Warning", "Failed", "Error: ErrImagePull", spec.name);
      return record.pullBackoffs.get(spec.name)!.delayMs;
    }
    record.pullBackoffs.delete(spec.name);
    const took = goDuration(this.clock.now() - began);
    const size = (await this.options.runtime.imageStatus(image))?.size ?? 0;
    this.event(pod, "Normal", "Pulled", `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${size} bytes.`, spec.name);
    return true;
  }

  private async optionalGet<T extends object>(api: ReturnType<typeof inNamespace>, name: string): Promise<T | undefined> {
    try {
      return await this.options.client.get<T>(api, name);
    } catch (e) {
      if (hasReason(e, "NotFound")) return undefined;
      throw e;
    }
  }

  private runHook(handler: LifecycleHandler, subject: HookSubject, timeoutSeconds: number): Promise<string | undefined> {
    const context = { clock: this.clock, runtime: this.options.runtime, policy: { podCidr: this.options.podCidr ?? DEFAULT_POD_CIDR, nodeIPs: this.options.hostIPs } };
    return runLifecycleHook(handler, subject, context, timeoutSeconds).catch((e: unknown) => messageOf(e));
  }

  private gracePeriodSeconds(pod: Pod): number {
    return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  }

  private async stopTerminal(state: PodRuntimeState, pod: Pod): Promise<void> {
    for (const c of state.containers) if (c.state === "running") await this.options.runtime.stopContainer(c.id, this.gracePeriodSeconds(pod));
    for (const s of state.sandboxes) if (s.state === "ready") await this.options.runtime.stopPodSandbox(s.id);
  }

  /** Graceful deletion: preStop hooks and SIGTERM within the remaining grace period, cleanup, then the final delete. */
  private async terminate(record: PodRecord, state: PodRuntimeState): Promise<void> {
    const { pod } = record;
    const deadline = Date.parse(pod.metadata?.deletionTimestamp ?? "");
    const remainingSeconds = Number.isNaN(deadline) ? this.gracePeriodSeconds(pod) : Math.max(0, Math.ceil((deadline - this.clock.now()) / 1000));
    const graceSeconds = Math.min(remainingSeconds, this.gracePeriodSeconds(pod));
    await this.removeAll(pod.metadata?.uid ?? "", state, pod, graceSeconds);
    if (record.mirror === undefined) {
      const api = inNamespace(resources.pods, pod.metadata?.namespace ?? "default");
      try {
        await this.options.client.delete(api, pod.metadata?.name ?? "", { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid ?? "" } });
      } catch (e) {
        if (!hasReason(e, "NotFound", "Conflict")) throw e;
      }
    }
  }

  /** Stops every container (preStop hooks first), then removes containers, sandboxes and volumes of the pod. */
  private async removeAll(uid: string, state: PodRuntimeState, pod: Pod | undefined, graceSeconds: number): Promise<void> {
    const running = state.containers.filter((c) => c.state === "running");
    const podIP = pod?.spec?.hostNetwork ? this.options.hostIPs[0] : state.sandboxes.find((s) => s.ip !== undefined)?.ip;
    const specs = [...(pod?.spec?.initContainers ?? []), ...(pod?.spec?.containers ?? [])];
    await Promise.all(
      running.map(async (c) => {
        const began = this.clock.now();
        const spec = specs.find((s) => s.name === c.metadata.name);
        const preStop = spec?.lifecycle?.preStop;
        if (spec !== undefined && preStop !== undefined && graceSeconds > 0) {
          const failure = await this.runHook(preStop, { container: spec, containerId: c.id, podIP }, graceSeconds);
          if (failure !== undefined && pod !== undefined) this.event(pod, "Warning", "FailedPreStopHook", failure, c.metadata.name);
        }
        if (pod !== undefined) this.event(pod, "Normal", "Killing", `Stopping container ${c.metadata.name}`, c.metadata.name);
        const left = Math.max(0, graceSeconds - Math.floor((this.clock.now() - began) / 1000));
        await this.options.runtime.stopContainer(c.id, left);
      }),
    );
    for (const c of state.containers) await this.options.runtime.removeContainer(c.id);
    for (const s of state.sandboxes) {
      await this.options.runtime.stopPodSandbox(s.id);
      await this.options.runtime.removePodSandbox(s.id);
    }
    this.options.probes?.removePod(uid);
    await this.options.volumes?.tearDown(uid);
    this.options.statusManager.forget(uid);
  }

  /** An event about the pod with this uid (or one of its containers), if the workers know it (probe failures). */
  podEvent(uid: string, type: "Normal" | "Warning", reason: string, message: string, container?: string): void {
    const record = this.records.get(uid);
    if (record !== undefined) this.event(record.mirror ?? record.pod, type, reason, message, container);
  }

  /** An event about the pod; about one of its containers (involvedObject.fieldPath, as upstream) when container is given. */
  private event(pod: Pod, type: "Normal" | "Warning", reason: string, message: string, container?: string): void {
    const object = { apiVersion: "v1", kind: "Pod", ...pod };
    const fieldPath = container === undefined ? undefined : containerFieldPath(pod, container);
    this.options.recorder.event(fieldPath === undefined ? object : { ...referenceTo(object), fieldPath }, type, reason, message);
  }
}
