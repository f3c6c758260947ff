// The root CA publisher: a ConfigMap kube-root-ca.crt in every active
// namespace whose ca.crt is the cluster CA, so pods can verify the API
// server (the projected service-account volume mounts it). Edits and
// deletions are undone.
import type { ConfigMap, Namespace } from "kubernetes-types/core/v1";
import { hasReason } from "../client/errors.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { RestClient } from "../client/rest-client.ts";
import { informerCache } from "./informer-cache.ts";
import type { ControllerContext } from "./manager.ts";
import { Runner, type Reconciler, type RunnerOptions } from "./runner.ts";
import type { WatchedCache } from "./watched-cache.ts";

export const rootCaConfigMapName = "kube-root-ca.crt";
export const rootCaKey = "ca.crt";
const description =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

export interface RootCaPublisherOptions {
  client: KubeClient;
  /** PEM of the cluster CA; nothing is published without one. */
  ca: string | undefined;
  namespaces: WatchedCache<Namespace>;
  /** At least the ConfigMaps named kube-root-ca.crt. */
  configMaps: WatchedCache<ConfigMap>;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers">;
}

export class RootCaPublisher implements Reconciler {
  readonly name = "root-ca-cert-publisher";
  private readonly client: KubeClient;
  private readonly ca: string | undefined;
  private readonly namespaces: WatchedCache<Namespace>;
  private readonly configMaps: WatchedCache<ConfigMap>;
  private readonly runner: Runner;

  constructor(options: RootCaPublisherOptions) {
    this.client = options.client;
    this.ca = options.ca;
    this.namespaces = options.namespaces;
    this.configMaps = options.configMaps;
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 1 });
    const namespaceChanged = (ns: Namespace) => this.runner.enqueue(ns.metadata?.name ?? "");
    this.namespaces.subscribe({ onAdd: namespaceChanged, onUpdate: (_previous, ns) => namespaceChanged(ns), onDelete: () => {} });
    const configMapChanged = (cm: ConfigMap) => {
      if (cm.metadata?.name === rootCaConfigMapName) this.runner.enqueue(cm.metadata.namespace ?? "");
    };
    this.configMaps.subscribe({ onAdd: configMapChanged, onUpdate: (_previous, cm) => configMapChanged(cm), onDelete: configMapChanged });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  async sync(namespace: string, signal: AbortSignal): Promise<void> {
    const ns = this.namespaces.get(namespace);
    if (this.ca === undefined || ns === undefined || ns.metadata?.deletionTimestamp != null) return;
    const api = inNamespace(resources.configMaps, namespace);
    const current = this.configMaps.get(`${namespace}/${rootCaConfigMapName}`);
    try {
      if (current === undefined) {
        await this.client.create<ConfigMap>(api, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: rootCaConfigMapName, annotations: { "kubernetes.io/description": description } }, data: { [rootCaKey]: this.ca } }, { signal });
        return;
      }
      const data = current.data ?? {};
      if (data[rootCaKey] === this.ca && Object.keys(data).length === 1 && current.binaryData === undefined) return;
      // Only the CA: other keys and binary data are dropped, as upstream's publisher replaces the data.
      const { binaryData: _dropped, ...rest } = current;
      await this.client.update<ConfigMap>(api, { ...rest, data: { [rootCaKey]: this.ca } }, { signal });
    } catch (e) {
      // A lagging cache (AlreadyExists, Conflict) is corrected by the watch event that follows; a terminating namespace refuses.
      if (hasReason(e, "AlreadyExists", "Conflict", "Forbidden", "NotFound")) return;
      throw e;
    }
  }
}

/** The manager's entry: the CA is the one this manager's own client trusts (its kubeconfig's). */
export function rootCaPublisher(context: ControllerContext): RootCaPublisher {
  return new RootCaPublisher({
    client: context.client,
    ca: context.client instanceof RestClient ? context.client.config.ca : undefined,
    namespaces: informerCache(context.informers.informerFor<Namespace>(resources.namespaces)),
    configMaps: informerCache(context.informers.informerFor<ConfigMap>(resources.configMaps, { fieldSelector: `metadata.name=${rootCaConfigMapName}` })),
    workers: context.workers,
  });
}
