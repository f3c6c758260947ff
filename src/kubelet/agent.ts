// The node agent (kubelet): registers the Node, keeps its Lease and status
// fresh, watches the pods bound to it and hands them to the pod workers, runs
// static pods from a manifest folder with mirror pods in the API, and relists
// the runtime so container changes turn into syncs. A restarted agent adopts
// what the runtime still runs: the first syncs find the containers there.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { realClock, sleep, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import { EventRecorder } from "../client/event-recorder.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { objectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { readHostFacts, type HostFacts } from "./host-facts.ts";
import { runNodeLease } from "./node-lease.ts";
import { registerNode, runNodeStatus, type NodeReporterOptions } from "./node-registration.ts";
import { runPleg } from "./pleg.ts";
import { parseResolvConf } from "./pod-dns.ts";
import { PodWorkers } from "./pod-workers.ts";
import { ProbeManager } from "./probes/probe-manager.ts";
import type { Runtime } from "./runtime/runtime.ts";
import { configMirrorAnnotation, mirrorPodFor, readStaticPods } from "./static-pods.ts";
import { StatusManager } from "./status-manager.ts";
import { startKubeletServer } from "./server/kubelet-server.ts";
import { VolumeManager } from "./volumes/volume-manager.ts";

export interface AgentOptions {
  client: KubeClient;
  runtime: Runtime;
  nodeName: string;
  /** Holds the pods' log directories (<dataDir>/logs/pods/<namespace>_<name>_<uid>/<container>/<restartCount>.log). */
  dataDir: string;
  podCIDR?: string;
  podManifestPath?: string;
  /** Defaults to facts read from this machine. */
  host?: HostFacts;
  clock?: Clock;
  nodeStatusIntervalMs?: number;
  leaseRenewIntervalMs?: number;
  plegPeriodMs?: number;
  staticPodScanMs?: number;
  /** The HTTPS server for logs, exec, attach, port-forward and stats (port 0: any free port); absent: none. */
  kubeletServer?: { port: number; host?: string; clientCa: string };
  /** One line per problem the agent lives through (default: stderr). */
  log?: (line: string) => void;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const isMirror = (pod: Pod) => pod.metadata?.annotations?.[configMirrorAnnotation] !== undefined;

export class Agent {
  /** Resolves once the node is registered and the first pod list is in; rejects if registration fails. */
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (e: unknown) => void;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  /** Static pods by namespace/name, and the mirror pods the API holds for them. */
  private readonly staticPods = new Map<string, Pod>();
  private readonly mirrors = new Map<string, Pod>();
  private workers: PodWorkers | undefined;
  private node: Node | undefined;

  constructor(private readonly options: AgentOptions) {
    this.clock = options.clock ?? realClock;
    this.log = options.log ?? ((line) => process.stderr.write(`kubelet: ${line}\n`));
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {});
  }

  /** The bound port, or undefined when not configured or not startable (the agent runs on without it). */
  private async startServer(internalIP: string, signal: AbortSignal): Promise<number | undefined> {
    const server = this.options.kubeletServer;
    if (server === undefined) return undefined;
    try {
      const logsRoot = join(this.options.dataDir, "logs", "pods");
      const started = await startKubeletServer({ ...server, runtime: this.options.runtime, logsRoot, nodeName: this.options.nodeName, addresses: [internalIP, "127.0.0.1"], log: this.log }, signal);
      return started.port;
    } catch (e) {
      this.log(`kubelet server on port ${server.port}: ${messageOf(e)}`);
      return undefined;
    }
  }

  async start(signal: AbortSignal): Promise<void> {
    const { client, runtime, nodeName } = this.options;
    let reporter: NodeReporterOptions;
    try {
      const version = await runtime.version();
      const host = this.options.host ?? (await readHostFacts(this.options.dataDir));
      const kubeletPort = await this.startServer(host.internalIP, signal);
      reporter = {
        client,
        runtime,
        identity: { name: nodeName, containerRuntimeVersion: `${version.runtimeName}://${version.runtimeVersion}`, ...(this.options.podCIDR ? { podCIDR: this.options.podCIDR } : {}), ...(kubeletPort !== undefined ? { kubeletPort } : {}) },
        host,
        clock: this.clock,
        onError: (e) => this.log(`posting node status: ${messageOf(e)}`),
        ...(this.options.nodeStatusIntervalMs !== undefined ? { statusIntervalMs: this.options.nodeStatusIntervalMs } : {}),
      };
      this.node = await registerNode(reporter);
    } catch (e) {
      this.rejectReady(e);
      throw e;
    }
    const node = this.node;
    const recorder = new EventRecorder(client, { component: "kubelet", host: nodeName, clock: this.clock });
    const hostDns = parseResolvConf(await readFile("/etc/resolv.conf", "utf8").catch(() => ""));
    const nodeAllocatable = node.status?.allocatable;
    const volumes = new VolumeManager({ podsDir: join(this.options.dataDir, "pods"), client, nodeName, clock: this.clock, ...(nodeAllocatable ? { nodeAllocatable } : {}) });
    const probes = new ProbeManager({
      runtime,
      clock: this.clock,
      nodeIPs: [reporter.host.internalIP],
      ...(this.options.podCIDR ? { podCidr: this.options.podCIDR } : {}),
      onResult: (uid) => this.workers?.poke(uid),
      onUnhealthy: (uid, container, _kind, message) => this.workers?.podEvent(uid, "Warning", "Unhealthy", message, container),
    });
    const workers = new PodWorkers({
      client,
      runtime,
      recorder,
      statusManager: new StatusManager(client),
      nodeName,
      hostIPs: [reporter.host.internalIP],
      ...(nodeAllocatable ? { nodeAllocatable } : {}),
      logsRoot: join(this.options.dataDir, "logs", "pods"),
      hostDns,
      ...(this.options.podCIDR ? { podCidr: this.options.podCIDR } : {}),
      clock: this.clock,
      volumes,
      probes,
    });
    this.workers = workers;
    const factory = new SharedInformerFactory(client, { clock: this.clock });
    const pods = factory.informerFor<Pod>(resources.pods, { fieldSelector: `spec.nodeName=${nodeName}` });
    pods.addEventHandler({
      onAdd: (pod) => this.podSeen(pod),
      onUpdate: (_old, pod) => this.podSeen(pod),
      onDelete: (pod) => this.podGone(pod),
    });
    const running: Promise<unknown>[] = [factory.start(signal), workers.start(signal), volumes.start(signal, 60_000, (pod, e) => this.log(`refreshing volumes of ${objectKey(pod)}: ${messageOf(e)}`))];
    running.push(runNodeLease({ client, node, clock: this.clock, onError: (e) => this.log(`renewing the node lease: ${messageOf(e)}`), ...(this.options.leaseRenewIntervalMs !== undefined ? { renewIntervalMs: this.options.leaseRenewIntervalMs } : {}) }, signal));
    running.push(runNodeStatus(reporter, node, signal));
    const synced = await factory.waitForSync(signal);
    if (synced && this.options.podManifestPath !== undefined) await this.scanStaticPods();
    // Relisting only after the pod list is in: an unknown pod's containers are removed as orphans.
    if (synced) {
      running.push(runPleg({ runtime, clock: this.clock, onPodChanged: (uid) => workers.poke(uid), onError: (e) => this.log(`relisting the runtime: ${messageOf(e)}`), ...(this.options.plegPeriodMs !== undefined ? { periodMs: this.options.plegPeriodMs } : {}) }, signal));
      if (this.options.podManifestPath !== undefined) running.push(this.runStaticPods(signal));
      this.resolveReady();
    } else this.rejectReady(new Error("stopped before the pod list arrived"));
    await Promise.all(running);
    probes.close();
    await recorder.close();
  }

  private podSeen(pod: Pod): void {
    if (!isMirror(pod)) {
      this.workers?.update(pod);
      return;
    }
    const key = objectKey(pod);
    this.mirrors.set(key, pod);
    const staticPod = this.staticPods.get(key);
    if (staticPod !== undefined && pod.metadata?.annotations?.[configMirrorAnnotation] === staticPod.metadata?.uid && !pod.metadata?.deletionTimestamp) {
      this.workers?.update(staticPod, pod);
      return;
    }
    // A mirror of no static pod, an outdated one, or one being deleted: remove it (a current one is made again).
    this.deleteMirror(pod);
  }

  private podGone(pod: Pod): void {
    if (!isMirror(pod)) {
      this.workers?.remove(pod);
      return;
    }
    this.mirrors.delete(objectKey(pod));
  }

  private deleteMirror(mirror: Pod): void {
    const api = inNamespace(resources.pods, mirror.metadata?.namespace ?? "default");
    this.options.client.delete(api, mirror.metadata?.name ?? "", { gracePeriodSeconds: 0, preconditions: { uid: mirror.metadata?.uid ?? "" } }).catch((e: unknown) => {
      if (!hasReason(e, "NotFound", "Conflict")) this.log(`deleting mirror pod ${objectKey(mirror)}: ${messageOf(e)}`);
    });
  }

  private async runStaticPods(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.clock, this.options.staticPodScanMs ?? 20_000, signal);
      if (!signal.aborted) await this.scanStaticPods();
    }
  }

  /** Reads the manifests: new and changed pods start, removed ones stop; mirrors follow. */
  private async scanStaticPods(): Promise<void> {
    const dir = this.options.podManifestPath!;
    const found = await readStaticPods(dir, this.options.nodeName, (e) => this.log(`static pod: ${messageOf(e)}`));
    const current = new Map(found.map((pod) => [objectKey(pod), pod]));
    for (const [key, old] of this.staticPods) {
      if (current.get(key)?.metadata?.uid === old.metadata?.uid) continue;
      this.workers?.remove(old);
      this.staticPods.delete(key);
      const mirror = this.mirrors.get(key);
      if (mirror !== undefined) this.deleteMirror(mirror);
    }
    for (const [key, pod] of current) {
      const known = this.staticPods.has(key);
      this.staticPods.set(key, pod);
      const mirror = this.mirrors.get(key);
      const mirrorCurrent = mirror !== undefined && mirror.metadata?.annotations?.[configMirrorAnnotation] === pod.metadata?.uid;
      if (!known) this.workers?.update(pod, mirrorCurrent ? mirror : undefined);
      if (!mirrorCurrent && this.node !== undefined) await this.createMirror(pod, this.node);
    }
  }

  private async createMirror(pod: Pod, node: Node): Promise<void> {
    const api = inNamespace(resources.pods, pod.metadata?.namespace ?? "default");
    try {
      await this.options.client.create<Pod>(api, mirrorPodFor(pod, node));
    } catch (e) {
      if (!hasReason(e, "AlreadyExists")) this.log(`creating mirror pod ${objectKey(pod)}: ${messageOf(e)}`);
    }
  }
}
