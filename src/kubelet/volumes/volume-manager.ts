// The kubelet's volumes: sets up each volume of a pod under
// <podsDir>/<uid>/volumes/<plugin>/<name> (or finds the host path it stands
// for), tells which host paths a container mounts, rewrites API-backed
// volumes when their objects change or tokens age, and removes it all when
// the pod is gone. mountPropagation is ignored.
import { existsSync, mkdirSync, realpathSync, statSync } from "node:fs";
import { chmod, mkdir, rm } from "node:fs/promises";
import { join, posix } from "node:path";
import type { ConfigMap, Container, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Volume } from "kubernetes-types/core/v1";
import { realClock, sleep, type Clock } from "../../client/clock.ts";
import { hasReason } from "../../client/errors.ts";
import type { KubeClient } from "../../client/kube-client.ts";
import { inNamespace, resources } from "../../client/resources.ts";
import { Quantity } from "../../api/quantity.ts";
import type { ResourceAmounts } from "../env/container-resource.ts";
import { ContainerConfigError } from "../env/env-errors.ts";
import { expandVariables } from "../env/expand-variables.ts";
import type { KeyValue, Mount } from "../runtime/runtime.ts";
import { writeAtomically, type Payload } from "./atomic-writer.ts";
import { checkHostPathType } from "./host-path-type.ts";
import { requestServiceAccountToken, tokenNeedsRenewal, type IssuedToken } from "./service-account-token.ts";
import { mountTmpfs, unmountUnder } from "./tmpfs.ts";
import { VolumeMountError, VolumeSourceError } from "./volume-errors.ts";
import { DEFAULT_FILE_MODE, configMapPayload, downwardApiPayload, mergePayloads, secretPayload } from "./volume-payload.ts";

export interface VolumeManagerOptions {
  podsDir: string;
  client: KubeClient;
  nodeName: string;
  clock?: Clock;
  /** Sizes memory-backed emptyDirs without a sizeLimit, and stands in for missing limits in downwardAPI files. */
  nodeAllocatable?: ResourceAmounts;
  /** Put secret and projected volumes on tmpfs (default: when running as root). */
  memoryBackedSecrets?: boolean;
}

type Plugin = "empty-dir" | "host-path" | "configmap" | "secret" | "downward-api" | "projected" | "persistent-claim";

interface PodVolumes {
  pod: Pod;
  /** Host paths of persistentVolumeClaim volumes, resolved through the bound PV at setUp. */
  claimPaths: Map<string, { path: string; readOnly: boolean }>;
  /** Tokens by "<volume>/<path>". */
  tokens: Map<string, IssuedToken>;
}

export class VolumeManager {
  private readonly podsDir: string;
  private readonly client: KubeClient;
  readonly nodeName: string;
  private readonly clock: Clock;
  private readonly nodeAllocatable: ResourceAmounts | undefined;
  private readonly memoryBackedSecrets: boolean;
  private readonly pods = new Map<string, PodVolumes>();

  constructor(options: VolumeManagerOptions) {
    this.podsDir = options.podsDir;
    this.client = options.client;
    this.nodeName = options.nodeName;
    this.clock = options.clock ?? realClock;
    this.nodeAllocatable = options.nodeAllocatable;
    this.memoryBackedSecrets = options.memoryBackedSecrets ?? process.getuid?.() === 0;
  }

  /** Makes every volume of the pod ready; throws a VolumeMountError (reason FailedMount) for the first that is not. */
  async setUp(pod: Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? "";
    const record = this.pods.get(uid) ?? { pod, claimPaths: new Map(), tokens: new Map() };
    record.pod = pod;
    this.pods.set(uid, record);
    for (const volume of pod.spec?.volumes ?? []) {
      await this.asMountFailure(volume, () => this.setUpVolume(record, volume));
    }
  }

  /** Rewrites configMap, secret, downwardAPI and projected volumes whose sources changed, and renews aging tokens. */
  async refresh(pod: Pod): Promise<void> {
    const record = this.pods.get(pod.metadata?.uid ?? "");
    if (!record) return;
    record.pod = pod;
    for (const volume of pod.spec?.volumes ?? []) {
      const plugin = pluginOf(volume);
      if (plugin === "configmap" || plugin === "secret" || plugin === "downward-api" || plugin === "projected") {
        await this.asMountFailure(volume, () => this.writeApiVolume(record, volume, plugin));
      }
    }
  }

  /** Refreshes every set-up pod each periodMs until signal aborts; reports failures without stopping. */
  async start(signal: AbortSignal, periodMs = 60_000, onError: (pod: Pod, error: unknown) => void = () => {}): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.clock, periodMs, signal);
      if (signal.aborted) break;
      for (const record of [...this.pods.values()]) {
        await this.refresh(record.pod).catch((e: unknown) => onError(record.pod, e));
      }
    }
  }

  /** The binds for one container; throws a ContainerConfigError for a mount naming no volume or a bad subPath. */
  containerMounts(pod: Pod, container: Container, env: KeyValue[] = []): Mount[] {
    const record = this.pods.get(pod.metadata?.uid ?? "");
    const values = new Map(env.map(({ key, value }) => [key, value]));
    return (container.volumeMounts ?? []).map((volumeMount) => {
      const volume = pod.spec?.volumes?.find((v) => v.name === volumeMount.name);
      if (!volume) throw new ContainerConfigError(`cannot find volume "${volumeMount.name}" to mount into container "${container.name}"`);
      const source = this.sourcePath(pod, volume, record);
      const subPath = volumeMount.subPathExpr ? expandVariables(volumeMount.subPathExpr, (name) => values.get(name)) : (volumeMount.subPath ?? "");
      return {
        containerPath: volumeMount.mountPath,
        hostPath: subPath === "" ? source.path : subPathOf(source.path, subPath, volumeMount.name, container.name),
        readonly: volumeMount.readOnly === true || source.readOnly,
      };
    });
  }

  /** Unmounts and removes <podsDir>/<uid>/volumes (the rest of the pod's directory belongs to the kubelet). */
  async tearDown(podUid: string): Promise<void> {
    this.pods.delete(podUid);
    const root = join(this.podsDir, podUid, "volumes");
    if (!existsSync(root)) return;
    await unmountUnder(root);
    await rm(root, { recursive: true, force: true });
  }

  volumeDir(podUid: string, plugin: Exclude<Plugin, "host-path" | "persistent-claim">, volumeName: string): string {
    return join(this.podsDir, podUid, "volumes", `kubernetes.io~${plugin}`, volumeName);
  }

  private async asMountFailure(volume: Volume, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      throw new VolumeMountError(`MountVolume.SetUp failed for volume "${volume.name}" : ${detail}`, { cause: e });
    }
  }

  private async setUpVolume(record: PodVolumes, volume: Volume): Promise<void> {
    const uid = record.pod.metadata?.uid ?? "";
    const plugin = pluginOf(volume);
    switch (plugin) {
      case "empty-dir": {
        const dir = this.volumeDir(uid, "empty-dir", volume.name);
        await mkdir(dir, { recursive: true });
        const medium = volume.emptyDir?.medium ?? "";
        if (medium === "Memory") await mountTmpfs(dir, this.memorySize(volume));
        else if (medium !== "") throw new VolumeSourceError(`emptyDir medium ${JSON.stringify(medium)} is not supported`);
        // Any user of any container may write an emptyDir, whatever the kubelet's umask.
        await chmod(dir, 0o777);
        return;
      }
      case "host-path":
        checkHostPathType(volume.hostPath?.path ?? "", volume.hostPath?.type);
        return;
      case "persistent-claim":
        record.claimPaths.set(volume.name, await this.claimPath(record.pod, volume));
        return;
      case "configmap":
      case "secret":
      case "downward-api":
      case "projected":
        await this.writeApiVolume(record, volume, plugin);
        return;
      case undefined:
        throw new VolumeSourceError("volume type is not supported");
    }
  }

  private async writeApiVolume(record: PodVolumes, volume: Volume, plugin: "configmap" | "secret" | "downward-api" | "projected"): Promise<void> {
    const pod = record.pod;
    const dir = this.volumeDir(pod.metadata?.uid ?? "", plugin, volume.name);
    const payload = await this.payloadOf(record, volume);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    if ((plugin === "secret" || plugin === "projected") && this.memoryBackedSecrets) await mountTmpfs(dir);
    await writeAtomically(dir, payload, new Date(this.clock.now()));
  }

  private async payloadOf(record: PodVolumes, volume: Volume): Promise<Payload> {
    const pod = record.pod;
    const namespace = pod.metadata?.namespace ?? "";
    if (volume.configMap) {
      const { name = "", items, optional = false, defaultMode = DEFAULT_FILE_MODE } = volume.configMap;
      const configMap = await this.getOptional<ConfigMap>("configmap", namespace, name, optional);
      return configMap ? configMapPayload(configMap, items, defaultMode, optional) : new Map();
    }
    if (volume.secret) {
      const { secretName = "", items, optional = false, defaultMode = DEFAULT_FILE_MODE } = volume.secret;
      const secret = await this.getOptional<Secret>("secret", namespace, secretName, optional);
      return secret ? secretPayload(secret, items, defaultMode, optional) : new Map();
    }
    if (volume.downwardAPI) {
      return downwardApiPayload(pod, volume.downwardAPI.items ?? [], volume.downwardAPI.defaultMode ?? DEFAULT_FILE_MODE, this.nodeAllocatable);
    }
    const projected = volume.projected;
    const defaultMode = projected?.defaultMode ?? DEFAULT_FILE_MODE;
    const parts: Payload[] = [];
    for (const source of projected?.sources ?? []) {
      if (source.configMap) {
        const { name = "", items, optional = false } = source.configMap;
        const configMap = await this.getOptional<ConfigMap>("configmap", namespace, name, optional);
        if (configMap) parts.push(configMapPayload(configMap, items, defaultMode, optional));
      } else if (source.secret) {
        const { name = "", items, optional = false } = source.secret;
        const secret = await this.getOptional<Secret>("secret", namespace, name, optional);
        if (secret) parts.push(secretPayload(secret, items, defaultMode, optional));
      } else if (source.downwardAPI) {
        parts.push(downwardApiPayload(pod, source.downwardAPI.items ?? [], defaultMode, this.nodeAllocatable));
      } else if (source.serviceAccountToken) {
        const projection = source.serviceAccountToken;
        const key = `${volume.name}/${projection.path}`;
        let issued = record.tokens.get(key);
        if (!issued || tokenNeedsRenewal(issued, this.clock.now())) {
          issued = await requestServiceAccountToken(this.client, pod, projection, this.clock.now());
          record.tokens.set(key, issued);
        }
        parts.push(new Map([[projection.path, { content: Buffer.from(issued.token, "utf8"), mode: defaultMode }]]));
      }
    }
    return mergePayloads(parts);
  }

  // Upstream's kubelet words a missing object as `configmap "x" not found` (singular kind).
  private async getOptional<T extends ConfigMap | Secret>(kind: "configmap" | "secret", namespace: string, name: string, optional: boolean): Promise<T | undefined> {
    const resource = inNamespace(kind === "configmap" ? resources.configMaps : resources.secrets, namespace);
    try {
      return await this.client.get<T>(resource, name);
    } catch (e) {
      if (!hasReason(e, "NotFound")) throw e;
      if (optional) return undefined;
      throw new VolumeSourceError(`${kind} "${name}" not found`, { cause: e });
    }
  }

  private async claimPath(pod: Pod, volume: Volume): Promise<{ path: string; readOnly: boolean }> {
    const namespace = pod.metadata?.namespace ?? "";
    const claimName = volume.persistentVolumeClaim?.claimName ?? "";
    const claim = await this.client.get<PersistentVolumeClaim>(inNamespace(resources.persistentVolumeClaims, namespace), claimName);
    const volumeName = claim.spec?.volumeName ?? "";
    const phase = claim.status?.phase ?? "";
    if (phase !== "Bound" || volumeName === "") {
      throw new VolumeSourceError(`PVC ${namespace}/${claimName} has non-bound phase (${JSON.stringify(phase)}) or empty pvc.Spec.VolumeName (${JSON.stringify(volumeName)})`);
    }
    const bound = await this.client.get<PersistentVolume>(resources.persistentVolumes, volumeName);
    const readOnly = volume.persistentVolumeClaim?.readOnly === true;
    if (bound.spec?.hostPath) {
      checkHostPathType(bound.spec.hostPath.path, bound.spec.hostPath.type);
      return { path: bound.spec.hostPath.path, readOnly };
    }
    if (bound.spec?.local) {
      if (!existsSync(bound.spec.local.path)) throw new VolumeSourceError(`path "${bound.spec.local.path}" does not exist`);
      return { path: bound.spec.local.path, readOnly };
    }
    throw new VolumeSourceError(`persistent volume ${volumeName} has a source this node cannot mount (only hostPath and local)`);
  }

  private memorySize(volume: Volume): bigint | undefined {
    const size = volume.emptyDir?.sizeLimit ?? this.nodeAllocatable?.memory;
    if (size === undefined) return undefined;
    return Quantity.parse(String(size)).value();
  }

  private sourcePath(pod: Pod, volume: Volume, record: PodVolumes | undefined): { path: string; readOnly: boolean } {
    const uid = pod.metadata?.uid ?? "";
    const plugin = pluginOf(volume);
    switch (plugin) {
      case "host-path":
        return { path: volume.hostPath?.path ?? "", readOnly: false };
      case "persistent-claim": {
        const claim = record?.claimPaths.get(volume.name);
        if (!claim) throw new ContainerConfigError(`volume "${volume.name}" is not set up yet`);
        return claim;
      }
      case "empty-dir":
        return { path: this.volumeDir(uid, plugin, volume.name), readOnly: false };
      // API data volumes are mounted read-only: the kubelet alone writes them.
      case "configmap":
      case "secret":
      case "downward-api":
      case "projected":
        return { path: this.volumeDir(uid, plugin, volume.name), readOnly: true };
      case undefined:
        throw new ContainerConfigError(`volume "${volume.name}" has a type this node does not support`);
    }
  }
}

function pluginOf(volume: Volume): Plugin | undefined {
  if (volume.emptyDir) return "empty-dir";
  if (volume.hostPath) return "host-path";
  if (volume.configMap) return "configmap";
  if (volume.secret) return "secret";
  if (volume.downwardAPI) return "downward-api";
  if (volume.projected) return "projected";
  if (volume.persistentVolumeClaim) return "persistent-claim";
  return undefined;
}

// A subPath that does not exist yet becomes a directory with the volume's mode; one that does is resolved so the
// bind targets the real file. Messages are upstream's.
function subPathOf(volumePath: string, subPath: string, volumeName: string, containerName: string): string {
  if (posix.isAbsolute(subPath)) throw new ContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split("/").includes("..")) throw new ContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
  const full = join(volumePath, subPath);
  const base = realpathSync(volumePath);
  if (!existsSync(full)) mkdirSync(full, { recursive: true, mode: statSync(base).mode & 0o7777 });
  const resolved = realpathSync(full);
  if (resolved !== base && !resolved.startsWith(`${base}/`)) {
    throw new ContainerConfigError(`subPath \`${subPath}\` of volumeMount "${volumeName}" of container "${containerName}" leads outside the volume`);
  }
  return resolved;
}
