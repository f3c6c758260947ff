// The controller manager: one set of shared informers for every controller,
// started together, stopped together. Given a KubeClient and a signal,
// startControllerManager resolves once every part has stopped.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { EventRecorder } from "../client/event-recorder.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { DeploymentController } from "./deployment.ts";
import type { EventSink } from "./event-sink.ts";
import { informerCache } from "./informer-cache.ts";
import { ReplicaSetController } from "./replicaset.ts";

export interface ControllerManagerOptions {
  /** Workers per controller (upstream's --concurrent-*-syncs default 5). */
  workers?: number;
  /** Resolved once the caches are filled and the controllers are running. */
  onReady?: () => void;
}

export async function startControllerManager(client: KubeClient, signal: AbortSignal, options: ControllerManagerOptions = {}): Promise<void> {
  const factory = new SharedInformerFactory(client);
  const pods = informerCache(factory.informerFor<Pod>(resources.pods));
  const replicaSets = informerCache(factory.informerFor<ReplicaSet>(resources.replicaSets));
  const deployments = informerCache(factory.informerFor<Deployment>(resources.deployments));
  const workers = options.workers ?? 5;
  const recorders = [new EventRecorder(client, { component: "replicaset-controller" }), new EventRecorder(client, { component: "deployment-controller" })] as const;
  const sink = (recorder: EventRecorder): EventSink => ({ record: (object, type, reason, message) => recorder.event(object, type, reason, message) });
  const replicaSetController = new ReplicaSetController({ client, replicaSets, pods, events: sink(recorders[0]), workers });
  const deploymentController = new DeploymentController({ client, deployments, replicaSets, pods, events: sink(recorders[1]), workers });

  const informersStopped = factory.start(signal);
  // Controllers act on caches only once they hold a full list: a partial cache would look like missing pods.
  try {
    if (!(await factory.waitForSync(signal))) {
      await informersStopped;
      return;
    }
    const controllersStopped = Promise.all([replicaSetController.start(signal), deploymentController.start(signal)]);
    options.onReady?.();
    await Promise.all([informersStopped, controllersStopped]);
  } finally {
    await Promise.all(recorders.map((recorder) => recorder.close()));
  }
}
