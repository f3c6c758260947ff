// Cluster DNS on one node: watches Services and EndpointSlices, serves their
// records on the node's pod bridge address, and publishes the kube-dns
// Service and this node's EndpointSlice for it. The bridge address appears
// only once the first pod's network is set up, so binding is retried.
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { realClock, sleep, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { buildClusterDnsIndex, defaultClusterDnsSettings, type ClusterDnsIndex, type ClusterDnsSettings } from "./cluster-records.ts";
import { startDnsServer } from "./dns-server.ts";
import { kubeDnsEndpointSlice, kubeDnsNamespace, kubeDnsService } from "./kube-dns-objects.ts";

export interface ClusterDnsOptions {
  client: KubeClient;
  nodeName: string;
  /** Where pods reach this node, e.g. the bridge gateway 10.42.0.1. */
  address: string;
  /** 53 in production; tests use 0 (any free port). */
  port: number;
  /** The kube-dns Service's ClusterIP; absent: publish neither Service nor EndpointSlice. */
  serviceIP?: string;
  settings?: ClusterDnsSettings;
  clock?: Clock;
  bindRetryMs?: number;
  log?: (line: string) => void;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class ClusterDns {
  /** Resolves with the bound port once the server answers. */
  readonly ready: Promise<number>;
  private resolveReady!: (port: number) => void;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;

  constructor(private readonly options: ClusterDnsOptions) {
    this.clock = options.clock ?? realClock;
    this.log = options.log ?? ((line) => process.stderr.write(`dns: ${line}\n`));
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  async start(signal: AbortSignal): Promise<void> {
    const factory = new SharedInformerFactory(this.options.client, { clock: this.clock });
    const services = factory.informerFor<Service>(resources.services);
    const slices = factory.informerFor<EndpointSlice>(resources.endpointSlices);
    let index: ClusterDnsIndex | undefined;
    const invalidate = { onAdd: () => (index = undefined), onUpdate: () => (index = undefined), onDelete: () => (index = undefined) };
    services.addEventHandler(invalidate);
    slices.addEventHandler(invalidate);
    const informers = factory.start(signal);
    const currentIndex = () => (index ??= buildClusterDnsIndex(services.indexer.list(), slices.indexer.list(), this.options.settings ?? defaultClusterDnsSettings));
    let published = false;
    try {
      if (!(await factory.waitForSync(signal))) return;
      let lastError = "";
      while (!signal.aborted) {
        try {
          const server = await startDnsServer({ address: this.options.address, port: this.options.port, index: currentIndex, log: this.log }, signal);
          this.resolveReady(server.port);
          published = await this.publish(server.port);
          await server.closed;
          break;
        } catch (e) {
          // EADDRNOTAVAIL until the bridge has its address; other causes are logged once each.
          if (messageOf(e) !== lastError && (e as { code?: string }).code !== "EADDRNOTAVAIL") this.log(`serving DNS on ${this.options.address}:${this.options.port}: ${messageOf(e)}`);
          lastError = messageOf(e);
          await sleep(this.clock, this.options.bindRetryMs ?? 2000, signal);
        }
      }
    } finally {
      if (published) await this.unpublish();
      await informers;
    }
  }

  /** Whether this node's EndpointSlice was written. */
  private async publish(port: number): Promise<boolean> {
    const serviceIP = this.options.serviceIP;
    if (serviceIP === undefined) return false;
    const { client, nodeName, address } = this.options;
    try {
      await client.create<Service>(inNamespace(resources.services, kubeDnsNamespace), kubeDnsService(serviceIP));
    } catch (e) {
      if (!hasReason(e, "AlreadyExists")) this.log(`creating the kube-dns Service: ${messageOf(e)}`);
    }
    const api = inNamespace(resources.endpointSlices, kubeDnsNamespace);
    const slice = kubeDnsEndpointSlice(nodeName, address, port);
    try {
      try {
        await client.create<EndpointSlice>(api, slice);
      } catch (e) {
        if (!hasReason(e, "AlreadyExists")) throw e;
        const current = await client.get<EndpointSlice>(api, slice.metadata!.name!);
        await client.update<EndpointSlice>(api, { ...slice, metadata: { ...slice.metadata, resourceVersion: current.metadata?.resourceVersion } });
      }
      return true;
    } catch (e) {
      this.log(`publishing the kube-dns EndpointSlice: ${messageOf(e)}`);
      return false;
    }
  }

  private async unpublish(): Promise<void> {
    const name = kubeDnsEndpointSlice(this.options.nodeName, this.options.address, 0).metadata!.name!;
    try {
      await this.options.client.delete(inNamespace(resources.endpointSlices, kubeDnsNamespace), name, { signal: AbortSignal.timeout(5000) });
    } catch (e) {
      if (!hasReason(e, "NotFound")) this.log(`deleting the kube-dns EndpointSlice: ${messageOf(e)}`);
    }
  }
}

/** Where a node's pods reach its DNS server: the first address of its pod CIDR, which the CNI bridge takes as gateway. */
export function bridgeGatewayAddress(podCidr: string): string {
  const [base] = podCidr.split("/");
  const octets = (base ?? "").split(".").map(Number);
  const value = octets.reduce((sum, octet) => sum * 256 + octet, 0) + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}
