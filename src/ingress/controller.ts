// The ingress controller of one node: keeps the proxy's routing table in step
// with Ingresses, IngressClasses, Services and EndpointSlices (informers, a
// coalesced rebuild after each change) and reports the node's address in the
// status of every Ingress of our classes.
import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Ingress, IngressClass } from "kubernetes-types/networking/v1";
import type { KubeClient, ResourceRef } from "../client/kube-client.ts";
import { objectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import type { SharedIndexInformer } from "../client/shared-informer.ts";
import { Runner, type Reconciler, type Requeue } from "../controllers/runner.ts";
import { buildRoutingTable, isOurs } from "./rules.ts";

/** spec.controller of the IngressClasses this controller implements. */
export const ingressControllerName = "skiff.dev/ingress";

const ingressesApi: ResourceRef = { group: "networking.k8s.io", version: "v1", plural: "ingresses" };
const ingressClassesApi: ResourceRef = { group: "networking.k8s.io", version: "v1", plural: "ingressclasses" };

export interface IngressControllerOptions {
  client: KubeClient;
  /** Told every new routing table. */
  onTable: (table: ReturnType<typeof buildRoutingTable>) => void;
  /** The Node whose InternalIP goes into status.loadBalancer.ingress. */
  nodeName: string;
}

export class IngressController implements Reconciler {
  readonly name = "ingress";
  private readonly factory: SharedInformerFactory;
  private readonly ingresses: SharedIndexInformer<Ingress>;
  private readonly classes: SharedIndexInformer<IngressClass>;
  private readonly services: SharedIndexInformer<Service>;
  private readonly slices: SharedIndexInformer<EndpointSlice>;
  private readonly nodes: SharedIndexInformer<Node>;
  private readonly runner = new Runner(this);
  private rebuildPending = false;

  constructor(private readonly options: IngressControllerOptions) {
    this.factory = new SharedInformerFactory(options.client);
    this.ingresses = this.factory.informerFor<Ingress>(ingressesApi);
    this.classes = this.factory.informerFor<IngressClass>(ingressClassesApi);
    this.services = this.factory.informerFor<Service>(resources.services);
    this.slices = this.factory.informerFor<EndpointSlice>(resources.endpointSlices);
    this.nodes = this.factory.informerFor<Node>(resources.nodes, { fieldSelector: `metadata.name=${options.nodeName}` });
    const rebuildOnChange = { onAdd: () => this.scheduleRebuild(), onUpdate: () => this.scheduleRebuild(), onDelete: () => this.scheduleRebuild() };
    for (const informer of [this.services, this.slices] as Array<SharedIndexInformer<Service | EndpointSlice>>) informer.addEventHandler(rebuildOnChange);
    this.ingresses.addEventHandler({
      onAdd: (ingress) => this.ingressChanged(ingress),
      onUpdate: (_old, ingress) => this.ingressChanged(ingress),
      onDelete: () => this.scheduleRebuild(),
    });
    const everyIngress = () => {
      this.scheduleRebuild();
      for (const key of this.ingresses.indexer.listKeys()) this.runner.enqueue(key);
    };
    this.classes.addEventHandler({ onAdd: everyIngress, onUpdate: everyIngress, onDelete: everyIngress });
    this.nodes.addEventHandler({ onAdd: everyIngress, onUpdate: everyIngress });
  }

  /** Runs until signal aborts; resolves once informers and workers have stopped. */
  async start(signal: AbortSignal): Promise<void> {
    const informers = this.factory.start(signal);
    const synced = await this.factory.waitForSync(signal);
    if (synced) {
      this.rebuild();
      await this.runner.start(signal);
    }
    await informers;
  }

  /** Writes the node's address into the status of our Ingress `key`, when it differs. */
  async sync(key: string, signal: AbortSignal): Promise<Requeue | void> {
    const ingress = this.ingresses.indexer.getByKey(key);
    if (ingress === undefined || !isOurs(ingress, this.classes.indexer.list(), ingressControllerName)) return;
    const node = this.nodes.indexer.list()[0];
    const ip = node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    if (ip === undefined) return { requeueAfterMs: 1_000 };
    const current = ingress.status?.loadBalancer?.ingress ?? [];
    if (current.length === 1 && current[0]?.ip === ip && current[0].hostname === undefined) return;
    const namespace = ingress.metadata?.namespace ?? "default";
    await this.options.client.updateStatus<Ingress>(inNamespace(ingressesApi, namespace), { ...ingress, status: { loadBalancer: { ingress: [{ ip }] } } }, { signal });
  }

  private ingressChanged(ingress: Ingress): void {
    this.scheduleRebuild();
    this.runner.enqueue(objectKey(ingress));
  }

  // Many events arrive together (an initial list, a rollout's slice updates): one rebuild per turn of the event loop.
  private scheduleRebuild(): void {
    if (this.rebuildPending || !this.factoryHasSynced()) return;
    this.rebuildPending = true;
    setImmediate(() => {
      this.rebuildPending = false;
      this.rebuild();
    });
  }

  private factoryHasSynced(): boolean {
    return [this.ingresses, this.classes, this.services, this.slices].every((informer) => informer.hasSynced());
  }

  private rebuild(): void {
    this.options.onTable(
      buildRoutingTable(
        { ingresses: this.ingresses.indexer.list(), ingressClasses: this.classes.indexer.list(), services: this.services.indexer.list(), endpointSlices: this.slices.indexer.list() },
        ingressControllerName,
      ),
    );
  }
}
