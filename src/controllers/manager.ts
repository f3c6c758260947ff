// The controller manager: one set of shared informers for every controller,
// started together, stopped together, and (by default) only while this
// process holds the Lease kube-system/skiff-controller-manager, so two
// managers never both act. Given a KubeClient and a signal,
// startControllerManager resolves once every part has stopped.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod, ReplicationController } from "kubernetes-types/core/v1";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { realClock, sleep } from "../client/clock.ts";
import { EventRecorder } from "../client/event-recorder.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { resources } from "../client/resources.ts";
import { LeaderElector } from "../client/leader-election.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { DeploymentController } from "./deployment.ts";
import type { EventSink } from "./event-sink.ts";
import { informerCache } from "./informer-cache.ts";
import { ReplicaSetController } from "./replicaset.ts";
import { replicationControllerKind, replicationControllersAsReplicaSets } from "./replication-controller.ts";

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

async function runControllers(client: KubeClient, signal: AbortSignal, options: ControllerManagerOptions): Promise<void> {
  const factory = new SharedInformerFactory(client);
  const pods = informerCache(factory.informerFor<Pod>(resources.pods));
  const replicaSets = informerCache(factory.informerFor<ReplicaSet>(resources.replicaSets));
  const deployments = informerCache(factory.informerFor<Deployment>(resources.deployments));
  const replicationControllers = replicationControllersAsReplicaSets(informerCache(factory.informerFor<ReplicationController>(resources.replicationControllers)));
  const workers = options.workers ?? 5;
  const recorders = [
    new EventRecorder(client, { component: "replicaset-controller" }),
    new EventRecorder(client, { component: "deployment-controller" }),
    new EventRecorder(client, { component: "replication-controller" }),
  ] as const;
  const sink = (recorder: EventRecorder): EventSink => ({ record: (object, type, reason, message) => recorder.event(object, type, reason, message) });
  const replicaSetController = new ReplicaSetController({ client, replicaSets, pods, events: sink(recorders[0]), workers });
  const deploymentController = new DeploymentController({ client, deployments, replicaSets, pods, events: sink(recorders[1]), workers });
  const replicationController = new ReplicaSetController({ client, kind: replicationControllerKind, replicaSets: replicationControllers, pods, events: sink(recorders[2]), workers });

  const informersStopped = factory.start(signal);
  // Controllers act on caches only once they hold a full list: a partial cache would look like missing pods.
  try {
    if (!(await factory.waitForSync(signal))) {
      await informersStopped;
      return;
    }
    const controllersStopped = Promise.all([replicaSetController.start(signal), deploymentController.start(signal), replicationController.start(signal)]);
    options.onReady?.();
    await Promise.all([informersStopped, controllersStopped]);
  } finally {
    await Promise.all(recorders.map((recorder) => recorder.close()));
  }
}
