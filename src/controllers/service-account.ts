// The ServiceAccount controller: every active namespace has a ServiceAccount
// named "default", re-created when deleted (pods get it by default, see the
// ServiceAccount admission plugin).
import type { Namespace, ServiceAccount } from "kubernetes-types/core/v1";
import { hasReason } from "../client/errors.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { informerCache } from "./informer-cache.ts";
import type { ControllerContext } from "./manager.ts";
import { Runner, type Reconciler, type RunnerOptions } from "./runner.ts";
import type { WatchedCache } from "./watched-cache.ts";

export const defaultServiceAccountName = "default";

export interface ServiceAccountControllerOptions {
  client: KubeClient;
  namespaces: WatchedCache<Namespace>;
  /** At least the ServiceAccounts named "default". */
  serviceAccounts: WatchedCache<ServiceAccount>;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers">;
}

export class ServiceAccountController implements Reconciler {
  readonly name = "serviceaccount";
  private readonly client: KubeClient;
  private readonly namespaces: WatchedCache<Namespace>;
  private readonly serviceAccounts: WatchedCache<ServiceAccount>;
  private readonly runner: Runner;

  constructor(options: ServiceAccountControllerOptions) {
    this.client = options.client;
    this.namespaces = options.namespaces;
    this.serviceAccounts = options.serviceAccounts;
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 1 });
    const namespaceChanged = (ns: Namespace) => this.runner.enqueue(ns.metadata?.name ?? "");
    this.namespaces.subscribe({ onAdd: namespaceChanged, onUpdate: (_previous, ns) => namespaceChanged(ns), onDelete: () => {} });
    this.serviceAccounts.subscribe({
      onAdd: () => {},
      onUpdate: () => {},
      onDelete: (sa) => {
        if (sa.metadata?.name === defaultServiceAccountName) this.runner.enqueue(sa.metadata.namespace ?? "");
      },
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  async sync(namespace: string, signal: AbortSignal): Promise<void> {
    const ns = this.namespaces.get(namespace);
    if (ns === undefined || ns.metadata?.deletionTimestamp != null) return;
    if (this.serviceAccounts.get(`${namespace}/${defaultServiceAccountName}`) !== undefined) return;
    try {
      await this.client.create<ServiceAccount>(inNamespace(resources.serviceAccounts, namespace), { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: defaultServiceAccountName } }, { signal });
    } catch (e) {
      // Already there (the cache lags), or the namespace began terminating meanwhile.
      if (hasReason(e, "AlreadyExists", "Forbidden", "NotFound")) return;
      throw e;
    }
  }
}

/** The manager's entry: watches only the ServiceAccounts named "default". */
export function serviceAccountController(context: ControllerContext): ServiceAccountController {
  return new ServiceAccountController({
    client: context.client,
    namespaces: informerCache(context.informers.informerFor<Namespace>(resources.namespaces)),
    serviceAccounts: informerCache(context.informers.informerFor<ServiceAccount>(resources.serviceAccounts, { fieldSelector: `metadata.name=${defaultServiceAccountName}` })),
    workers: context.workers,
  });
}
