// A stand-in for the scheduler and kubelet in controller tests, clearly not
// either: it binds every unbound pod to one made-up node through pods/binding,
// then (after readyDelayMs) reports it Running and Ready through pods/status,
// and finishes graceful deletions at once. No containers run anywhere. A pod
// labelled neverReadyLabel=true is bound but never becomes ready.
import type { Pod } from "kubernetes-types/core/v1";
import { hasReason } from "../../src/client/errors.ts";
import type { KubeClient } from "../../src/client/kube-client.ts";
import { splitObjectKey, objectKey } from "../../src/client/object-key.ts";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { SharedInformerFactory } from "../../src/client/shared-informer-factory.ts";
import { Runner, type Requeue } from "../../src/controllers/runner.ts";

export const neverReadyLabel = "simulated-node-actor/never-ready";

export interface SimulatedNodeActorOptions {
  nodeName?: string;
  /** How long a bound pod stays not ready. */
  readyDelayMs?: number;
}

export async function runSimulatedNodeActor(client: KubeClient, signal: AbortSignal, options: SimulatedNodeActorOptions = {}): Promise<void> {
  const nodeName = options.nodeName ?? "simulated-node";
  const readyDelayMs = options.readyDelayMs ?? 0;
  const factory = new SharedInformerFactory(client);
  const informer = factory.informerFor<Pod>(resources.pods);
  const boundAt = new Map<string, number>();

  const runner = new Runner(
    {
      name: "simulated-node-actor",
      async sync(key, syncSignal): Promise<Requeue | void> {
        const pod = informer.indexer.getByKey(key);
        if (pod === undefined) return;
        const { namespace, name } = splitObjectKey(key);
        const api = inNamespace(resources.pods, namespace);
        try {
          if (pod.metadata?.deletionTimestamp != null) {
            await client.delete(api, name, { gracePeriodSeconds: 0, signal: syncSignal });
            return;
          }
          if (!pod.spec?.nodeName) {
            const binding = { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { apiVersion: "v1", kind: "Node", name: nodeName } };
            await client.createSubresource(api, name, "binding", binding, { signal: syncSignal });
            boundAt.set(key, Date.now());
            return;
          }
          if (pod.status?.phase === "Running" || pod.metadata?.labels?.[neverReadyLabel] === "true") return;
          const wait = (boundAt.get(key) ?? 0) + readyDelayMs - Date.now();
          if (wait > 0) return { requeueAfterMs: wait };
          const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
          const conditions = ["PodScheduled", "Initialized", "ContainersReady", "Ready"].map((type) => ({ type, status: "True", lastTransitionTime: now }));
          const containerStatuses = (pod.spec.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? "", imageID: "", ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } }));
          await client.updateStatus<Pod>(api, { ...pod, status: { ...pod.status, phase: "Running", startTime: now, conditions, containerStatuses } });
        } catch (error) {
          if (!hasReason(error, "NotFound")) throw error;
        }
      },
    },
    { workers: 4, report: () => {} },
  );
  const enqueue = (pod: Pod) => runner.enqueue(objectKey(pod));
  informer.addEventHandler({ onAdd: enqueue, onUpdate: (_previous, pod) => enqueue(pod), onDelete: (pod) => boundAt.delete(objectKey(pod)) });
  await Promise.all([factory.start(signal), runner.start(signal)]);
}
