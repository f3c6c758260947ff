// The controller manager: one set of shared informers for every controller,
// started together, stopped together. Given a KubeClient and a signal,
// startControllerManager resolves once every part has stopped.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { KubeClient } from "../client/kube-client.ts";
import { resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { ApiEventSink } from "./api-event-sink.ts";
import { DeploymentController } from "./deployment.ts";
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
  const replicaSetController = new ReplicaSetController({ client, replicaSets, pods, events: new ApiEventSink(client, "replicaset-controller"), workers });
  const deploymentController = new DeploymentController({ client, deployments, replicaSets, pods, events: new ApiEventSink(client, "deployment-controller"), workers });

  const informersStopped = factory.start(signal);
  // Controllers act on caches only once they hold a full list: a partial cache would look like missing pods.
  if (!(await factory.waitForSync(signal))) {
    await informersStopped;
    return;
  }
  const controllersStopped = Promise.all([replicaSetController.start(signal), deploymentController.start(signal)]);
  options.onReady?.();
  await Promise.all([informersStopped, controllersStopped]);
}
