// VolumeBinding (a subset of upstream's): a pod's PersistentVolumeClaims
// decide where it can run. A bound claim's volume must be reachable from the
// node (PV node affinity); an unbound claim of an Immediate StorageClass
// waits for the PV controller; an unbound WaitForFirstConsumer claim needs an
// available PV that fits it and the node, or a class that can provision one.
// The choice is reserved so concurrent binding cycles never take the same PV,
// and written in pre-bind: PV claimRef, then the claim's volumeName with the
// bind-completed annotation (or, for provisioning, the selected-node
// annotation on the claim).
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { parseQuantity } from "../../api/quantity.ts";
import type { KubeClient } from "../../client/kube-client.ts";
import { inNamespace, resources } from "../../client/resources.ts";
import type { CycleState, StateData } from "../framework/cycle-state.ts";
import type { NodeInfo } from "../framework/node-info.ts";
import type { ClusterEvent, EventsToRegister, FilterPlugin, PreBindPlugin, PreFilterPlugin, ReservePlugin } from "../framework/plugin.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import { errorStatus, SKIP, SUCCESS, status, type Status } from "../framework/status.ts";
import { compileNodeSelectorTerms, type NodeCheck } from "./node-selector.ts";

export const VOLUME_BINDING = "VolumeBinding";
export const UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
export const NODE_CONFLICT = "node(s) had volume node affinity conflict";
export const BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const BIND_COMPLETED_ANNOTATION = "pv.kubernetes.io/bind-completed";
export const BOUND_BY_CONTROLLER_ANNOTATION = "pv.kubernetes.io/bound-by-controller";
export const SELECTED_NODE_ANNOTATION = "volume.kubernetes.io/selected-node";
/** A class with this provisioner has only pre-made volumes. */
const NO_PROVISIONER = "kubernetes.io/no-provisioner";
const STATE_KEY = "PreFilter" + VOLUME_BINDING;

const nodeConflict = status("UnschedulableAndUnresolvable", NODE_CONFLICT);
const bindConflict = status("UnschedulableAndUnresolvable", BIND_CONFLICT);

/** What the plugin reads from the scheduler's informer caches. */
export interface VolumeListers {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  volumes(): readonly PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
}

interface ClaimToBind {
  readonly claim: PersistentVolumeClaim;
  readonly key: string;
  readonly storageClassName: string;
  readonly requestBytes: number;
  readonly accessModes: readonly string[];
  /** The class may create a volume for it when no pre-made one fits. */
  readonly provisionable: boolean;
}

/** Per node: claim key to the PV chosen for it, or null when it is to be provisioned. */
type NodeChoices = Map<string, string | null>;

class VolumeState implements StateData {
  readonly choices = new Map<string, NodeChoices>();

  constructor(
    readonly boundVolumeChecks: readonly NodeCheck[],
    readonly toBind: readonly ClaimToBind[],
  ) {}

  clone(): StateData {
    return this;
  }
}

interface Reservation {
  readonly nodeName: string;
  readonly toBind: readonly ClaimToBind[];
  readonly choices: NodeChoices;
}

const claimKey = (claim: PersistentVolumeClaim) => `${claim.metadata?.namespace ?? ""}/${claim.metadata?.name ?? ""}`;

function storageBytes(text: string | number | undefined): number {
  if (text === undefined) return 0;
  try {
    return Number(parseQuantity(String(text)).value());
  } catch {
    return 0;
  }
}

function volumeNodeCheck(volume: PersistentVolume): NodeCheck | undefined {
  const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  return terms === undefined ? undefined : compileNodeSelectorTerms(terms);
}

/** Whether a PV can hold the claim, apart from the node: class, access modes, size, and not taken by another claim. */
export function volumeFitsClaim(volume: PersistentVolume, claim: ClaimToBind): boolean {
  const claimRef = volume.spec?.claimRef;
  if (claimRef !== undefined && claimRef !== null && `${claimRef.namespace ?? ""}/${claimRef.name ?? ""}` !== claim.key) return false;
  if (volume.metadata?.deletionTimestamp) return false;
  if ((volume.spec?.storageClassName ?? "") !== claim.storageClassName) return false;
  const modes = volume.spec?.accessModes ?? [];
  if (!claim.accessModes.every((mode) => modes.includes(mode))) return false;
  return storageBytes(volume.spec?.capacity?.storage) >= claim.requestBytes;
}

export class VolumeBindingPlugin implements PreFilterPlugin, FilterPlugin, ReservePlugin, PreBindPlugin, EventsToRegister {
  readonly name = VOLUME_BINDING;
  /** PVs chosen by pods whose binding cycle has not finished: no other pod may pick them meanwhile. */
  readonly #reservedVolumes = new Set<string>();
  readonly #reservations = new Map<string, Reservation>();

  constructor(
    private readonly listers: VolumeListers,
    private readonly client?: KubeClient,
  ) {}

  preFilter(state: CycleState, pod: PodInfo): { status: Status } {
    const claimNames = (pod.pod.spec?.volumes ?? []).flatMap((volume) => (volume.persistentVolumeClaim ? [volume.persistentVolumeClaim.claimName] : []));
    if (claimNames.length === 0) return { status: SKIP };
    const boundVolumeChecks: NodeCheck[] = [];
    const toBind: ClaimToBind[] = [];
    for (const name of claimNames) {
      const claim = this.listers.claim(pod.namespace, name);
      if (claim === undefined) return { status: status("UnschedulableAndUnresolvable", `persistentvolumeclaim "${name}" not found`) };
      if (claim.metadata?.deletionTimestamp) return { status: status("UnschedulableAndUnresolvable", `persistentvolumeclaim "${name}" is being deleted`) };
      const volumeName = claim.spec?.volumeName;
      if (volumeName) {
        const volume = this.listers.volume(volumeName);
        if (volume === undefined) return { status: status("UnschedulableAndUnresolvable", `pvc ${name}: pv "${volumeName}" not found`) };
        const check = volumeNodeCheck(volume);
        if (check !== undefined) boundVolumeChecks.push(check);
        continue;
      }
      const className = claim.spec?.storageClassName ?? "";
      const storageClass = className === "" ? undefined : this.listers.storageClass(className);
      if (storageClass?.volumeBindingMode !== "WaitForFirstConsumer") return { status: status("UnschedulableAndUnresolvable", UNBOUND_IMMEDIATE) };
      toBind.push({
        claim,
        key: claimKey(claim),
        storageClassName: className,
        requestBytes: storageBytes(claim.spec?.resources?.requests?.storage),
        accessModes: claim.spec?.accessModes ?? [],
        provisionable: storageClass.provisioner !== NO_PROVISIONER,
      });
    }
    state.write(STATE_KEY, new VolumeState(boundVolumeChecks, toBind));
    return { status: SUCCESS };
  }

  filter(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): Status {
    const volumeState = state.read<VolumeState>(STATE_KEY);
    if (volumeState === undefined) return SUCCESS;
    for (const check of volumeState.boundVolumeChecks) if (!check(nodeInfo)) return nodeConflict;
    if (volumeState.toBind.length === 0) return SUCCESS;
    const choices = this.#chooseVolumes(volumeState.toBind, nodeInfo);
    if (choices === undefined) return bindConflict;
    volumeState.choices.set(nodeInfo.name, choices);
    return SUCCESS;
  }

  /** The smallest fitting PV per claim, each PV at most once; undefined when some claim gets none. */
  #chooseVolumes(toBind: readonly ClaimToBind[], nodeInfo: NodeInfo): NodeChoices | undefined {
    const choices: NodeChoices = new Map();
    const taken = new Set<string>();
    for (const claim of toBind) {
      let best: PersistentVolume | undefined;
      let bestBytes = Infinity;
      for (const volume of this.listers.volumes()) {
        const name = volume.metadata?.name ?? "";
        if (taken.has(name) || this.#reservedVolumes.has(name) || !volumeFitsClaim(volume, claim)) continue;
        const check = volumeNodeCheck(volume);
        if (check !== undefined && !check(nodeInfo)) continue;
        const bytes = storageBytes(volume.spec?.capacity?.storage);
        if (bytes < bestBytes) {
          best = volume;
          bestBytes = bytes;
        }
      }
      if (best !== undefined) {
        const name = best.metadata?.name ?? "";
        taken.add(name);
        choices.set(claim.key, name);
      } else if (claim.provisionable) {
        choices.set(claim.key, null);
      } else {
        return undefined;
      }
    }
    return choices;
  }

  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
    const volumeState = state.read<VolumeState>(STATE_KEY);
    const choices = volumeState?.choices.get(nodeName);
    if (volumeState === undefined || choices === undefined || choices.size === 0) return SUCCESS;
    for (const volumeName of choices.values()) if (volumeName !== null) this.#reservedVolumes.add(volumeName);
    this.#reservations.set(pod.key, { nodeName, toBind: volumeState.toBind, choices });
    return SUCCESS;
  }

  unreserve(_state: CycleState, pod: PodInfo): void {
    this.#release(pod.key);
  }

  async preBind(_state: CycleState, pod: PodInfo): Promise<Status> {
    const reservation = this.#reservations.get(pod.key);
    if (reservation === undefined) return SKIP;
    if (this.client === undefined) return errorStatus(new Error("VolumeBinding has no API client to bind volumes"));
    try {
      for (const claim of reservation.toBind) {
        const volumeName = reservation.choices.get(claim.key);
        if (volumeName === undefined) continue;
        await (volumeName === null ? this.#selectNode(claim.claim, reservation.nodeName) : this.#bind(claim.claim, volumeName));
      }
      return SUCCESS;
    } catch (error) {
      return errorStatus(error);
    } finally {
      this.#release(pod.key);
    }
  }

  async #bind(claim: PersistentVolumeClaim, volumeName: string): Promise<void> {
    const client = this.client as KubeClient;
    const namespace = claim.metadata?.namespace ?? "";
    await client.patch(resources.persistentVolumes, volumeName, "merge", {
      metadata: { annotations: { [BOUND_BY_CONTROLLER_ANNOTATION]: "yes" } },
      spec: {
        claimRef: { kind: "PersistentVolumeClaim", apiVersion: "v1", namespace, name: claim.metadata?.name, uid: claim.metadata?.uid, resourceVersion: claim.metadata?.resourceVersion },
      },
    });
    await client.patch(inNamespace(resources.persistentVolumeClaims, namespace), claim.metadata?.name ?? "", "merge", {
      metadata: { annotations: { [BIND_COMPLETED_ANNOTATION]: "yes", [BOUND_BY_CONTROLLER_ANNOTATION]: "yes" } },
      spec: { volumeName },
    });
  }

  async #selectNode(claim: PersistentVolumeClaim, nodeName: string): Promise<void> {
    const namespace = claim.metadata?.namespace ?? "";
    await (this.client as KubeClient).patch(inNamespace(resources.persistentVolumeClaims, namespace), claim.metadata?.name ?? "", "merge", {
      metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: nodeName } },
    });
  }

  #release(podKey: string): void {
    const reservation = this.#reservations.get(podKey);
    if (reservation === undefined) return;
    this.#reservations.delete(podKey);
    for (const volumeName of reservation.choices.values()) if (volumeName !== null) this.#reservedVolumes.delete(volumeName);
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: "Node", action: "Add" },
      { resource: "Node", action: "UpdateNodeLabel" },
      { resource: "PersistentVolume", action: "Add" },
      { resource: "PersistentVolume", action: "Update" },
      { resource: "PersistentVolumeClaim", action: "Add" },
      { resource: "PersistentVolumeClaim", action: "Update" },
      { resource: "StorageClass", action: "Add" },
    ];
  }
}
