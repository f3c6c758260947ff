// What makes a Service's endpoints worth recomputing: the Service itself, and
// any pod its selector matches before or after a change.
import type { Pod, Service } from "kubernetes-types/core/v1";
import { objectKey } from "../../client/object-key.ts";
import type { WatchedCache } from "../watched-cache.ts";
import { selects } from "./service-pods.ts";

export function enqueueOnServiceOrPodChange(services: WatchedCache<Service>, pods: WatchedCache<Pod>, enqueue: (serviceKey: string) => void): void {
  const serviceChanged = (service: Service) => enqueue(objectKey(service));
  services.subscribe({ onAdd: serviceChanged, onUpdate: (_previous, service) => serviceChanged(service), onDelete: serviceChanged });
  const podChanged = (...versions: Pod[]) => {
    const namespace = versions[0]?.metadata?.namespace ?? "";
    for (const service of services.list(namespace)) {
      if (versions.some((pod) => selects(service, pod))) enqueue(objectKey(service));
    }
  };
  pods.subscribe({ onAdd: (pod) => podChanged(pod), onUpdate: (previous, pod) => podChanged(previous, pod), onDelete: (pod) => podChanged(pod) });
}
