// The controller manager: one set of shared informers for every controller,
// started together, stopped together, and (by default) only while this
// process holds the Lease kube-system/skiff-controller-manager, so two
// managers never both act. Given a KubeClient and a signal,
// startControllerManager resolves once every part has stopped.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod, ReplicationController } from "kubernetes-types/core/v1";
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { hostname } from "node:os";
import { realClock, sleep } from "../client/clock.ts";
import { EventRecorder } from "../client/event-recorder.ts";
import type { KubeClient, KubeObject, ResourceRef } from "../client/kube-client.ts";
import { resources } from "../client/resources.ts";
import { LeaderElector } from "../client/leader-election.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { daemonSetControllerFor } from "./daemonset.ts";
import { statefulSetControllerFor } from "./statefulset.ts";
import { cronJobControllerFor } from "./cronjob.ts";
import { DeploymentController } from "./deployment.ts";
import type { EventSink } from "./event-sink.ts";
import { informerCache } from "./informer-cache.ts";
import { jobControllersFor } from "./job.ts";
import { NodeLifecycleController, nodeLeases } from "./node-lifecycle.ts";
import type { WatchedCache } from "./watched-cache.ts";
import { ReplicaSetController } from "./replicaset.ts";
import { replicationControllerKind, replicationControllersAsReplicaSets } from "./replication-controller.ts";
import { garbageCollector } from "./garbage-collector.ts";
import { namespaceController } from "./namespace.ts";
import { serviceAccountController } from "./service-account.ts";
import { rootCaPublisher } from "./root-ca-publisher.ts";
import { endpointsControllerFor } from "./endpoints.ts";
import { endpointSliceControllerFor } from "./endpointslice.ts";

export interface ControllerManagerOptions {
  /** Workers per controller (upstream's --concurrent-*-syncs default 5). */
  workers?: number;
  /** Called once the caches are filled and the controllers are running (each time this process becomes leader). */
  onReady?: () => void;
  /** false runs the controllers without electing a leader (a single manager, tests). */
  leaderElection?: false | { identity?: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
}

export const leaseNamespace = "kube-system";
export const leaseName = "skiff-controller-manager";

export async function startControllerManager(client: KubeClient, signal: AbortSignal, options: ControllerManagerOptions = {}): Promise<void> {
  const election = options.leaderElection;
  if (election === false) {
    await runControllers(client, signal, options);
    return;
  }
  const identity = election?.identity ?? `${hostname()}_${randomUUID()}`;
  const retryPeriodMs = election?.retryPeriodMs ?? 2_000;
  // A lost Lease ends the term; this process then campaigns again with fresh caches, like a restarted manager.
  while (!signal.aborted) {
    const elector = new LeaderElector({
      client,
      namespace: leaseNamespace,
      name: leaseName,
      identity,
      leaseDurationMs: election?.leaseDurationMs ?? 15_000,
      renewDeadlineMs: election?.renewDeadlineMs ?? 10_000,
      retryPeriodMs,
    });
    await elector.run(signal, { onStartedLeading: (leading) => runControllers(client, leading, options) });
    await sleep(realClock, retryPeriodMs, signal);
  }
}

/** What every controller is built from: one client, one set of shared informers, one event recorder per component. */
export interface ControllerContext {
  client: KubeClient;
  informers: SharedInformerFactory;
  workers: number;
  events(component: string): EventSink;
}

export interface StartableController {
  start(signal: AbortSignal): Promise<void>;
}

/** The controllers this manager runs, one entry each; a controller file exports its own entry. */
const controllers: Array<(context: ControllerContext) => StartableController> = [
  (c) => new ReplicaSetController({ client: c.client, replicaSets: cacheOf<ReplicaSet>(c, resources.replicaSets), pods: cacheOf<Pod>(c, resources.pods), events: c.events("replicaset-controller"), workers: c.workers }),
  (c) =>
    new DeploymentController({
      client: c.client,
      deployments: cacheOf<Deployment>(c, resources.deployments),
      replicaSets: cacheOf<ReplicaSet>(c, resources.replicaSets),
      pods: cacheOf<Pod>(c, resources.pods),
      events: c.events("deployment-controller"),
      workers: c.workers,
    }),
  (c) =>
    new NodeLifecycleController({
      client: c.client,
      nodes: cacheOf(c, resources.nodes),
      leases: cacheOf(c, nodeLeases),
      pods: cacheOf(c, resources.pods),
      events: c.events("node-controller"),
      evictionEvents: c.events("taint-eviction-controller"),
      workers: c.workers,
    }),
  (c) =>
    new ReplicaSetController({
      client: c.client,
      kind: replicationControllerKind,
      replicaSets: replicationControllersAsReplicaSets(cacheOf<ReplicationController>(c, resources.replicationControllers)),
      pods: cacheOf<Pod>(c, resources.pods),
      events: c.events("replication-controller"),
      workers: c.workers,
    }),
  daemonSetControllerFor,
  jobControllersFor,
  cronJobControllerFor,
  statefulSetControllerFor,
  garbageCollector,
  namespaceController,
  serviceAccountController,
  rootCaPublisher,
  endpointsControllerFor,
  endpointSliceControllerFor,
];

export function cacheOf<T extends KubeObject>(context: ControllerContext, resource: ResourceRef): WatchedCache<T> {
  return informerCache(context.informers.informerFor<T>(resource));
}

async function runControllers(client: KubeClient, signal: AbortSignal, options: ControllerManagerOptions): Promise<void> {
  // Every worker of every controller listens on this signal for each request it has in flight:
  // dozens of listeners are the normal case, not a leak.
  setMaxListeners(0, signal);
  const informers = new SharedInformerFactory(client);
  const recorders: EventRecorder[] = [];
  const context: ControllerContext = {
    client,
    informers,
    workers: options.workers ?? 5,
    events(component) {
      const recorder = new EventRecorder(client, { component });
      recorders.push(recorder);
      return { record: (object, type, reason, message) => recorder.event(object, type, reason, message) };
    },
  };
  const running = controllers.map((make) => make(context));
  const informersStopped = informers.start(signal);
  // Controllers act on caches only once they hold a full list: a partial cache would look like missing pods.
  try {
    if (!(await informers.waitForSync(signal))) {
      await informersStopped;
      return;
    }
    const controllersStopped = Promise.all(running.map((controller) => controller.start(signal)));
    options.onReady?.();
    await Promise.all([informersStopped, controllersStopped]);
  } finally {
    await Promise.all(recorders.map((recorder) => recorder.close()));
  }
}
