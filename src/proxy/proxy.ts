// The service proxy: watches Services and EndpointSlices and keeps the
// node's iptables rules in step. Changes are batched as kube-proxy batches
// them: two syncs at once, then at most one iptables-restore per
// minSyncIntervalMs however many events arrive (SyncBucket); a failed sync is
// retried. On stop, our jumps and chains are removed. Chain
// names carry the proxy's prefix (KUBE by default), so proxies of several
// agents on one machine keep to their own chains.
import { performance } from "node:perf_hooks";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { realClock, sleep, type Clock } from "../client/clock.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { systemIptables, type Iptables, type ProxyChains } from "./iptables.ts";
import type { LocalnetRouting } from "./route-localnet.ts";
import { ChainNames, cleanupRules, defaultChainNames, proxyRules } from "./rules.ts";
import { SyncBucket } from "./sync-bucket.ts";

export interface ServiceProxyOptions {
  client: KubeClient;
  nodeName: string;
  clusterCidr: string;
  iptables?: Iptables;
  /** Our chains are <prefix>-SERVICES etc.; default KUBE. */
  chainPrefix?: string;
  /** The bridge of this node's pods: pod traffic from other skiff bridges on the machine then skips our chains (see ChainNames). */
  podBridge?: string;
  /** Where route_localnet is turned on so NodePorts answer on 127.0.0.1 (the node's pod bridge); without it they do not. */
  localnet?: LocalnetRouting;
  clock?: Clock;
  minSyncIntervalMs?: number;
  resyncPeriodMs?: number;
  retryIntervalMs?: number;
  log?: (line: string) => void;
  /** After each applied sync: how long it took (rules computed, restored, jumps checked), for benchmarks and logs. */
  onSync?: (durationMs: number) => void;
}

interface Synced {
  chains: ProxyChains;
  applied: Map<string, string>;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class ServiceProxy {
  /** Resolves after the first successful sync; never rejects (failures are logged and retried). */
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private readonly iptables: Iptables;
  private readonly clock: Clock;
  readonly names: ChainNames;
  private readonly log: (line: string) => void;
  private wake: (() => void) | undefined;
  private pending = false;
  /** Synced rule sets, counted for tests and logs. */
  syncs = 0;

  constructor(private readonly options: ServiceProxyOptions) {
    this.iptables = options.iptables ?? systemIptables;
    this.clock = options.clock ?? realClock;
    this.names = new ChainNames(options.chainPrefix, options.podBridge);
    this.log = options.log ?? ((line) => process.stderr.write(`proxy: ${line}\n`));
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  private requestSync(): void {
    this.pending = true;
    this.wake?.();
  }

  async start(signal: AbortSignal): Promise<void> {
    const factory = new SharedInformerFactory(this.options.client, { clock: this.clock });
    const services = factory.informerFor<Service>(resources.services);
    const slices = factory.informerFor<EndpointSlice>(resources.endpointSlices);
    const handler = { onAdd: () => this.requestSync(), onUpdate: () => this.requestSync(), onDelete: () => this.requestSync() };
    services.addEventHandler(handler);
    slices.addEventHandler(handler);
    const informers = factory.start(signal);
    /** What the last successful sync left in the kernel; undefined makes the next sync a full one. */
    let synced: Synced | undefined;
    try {
      if (await factory.waitForSync(signal)) {
        this.pending = true;
        const bucket = new SyncBucket(this.options.minSyncIntervalMs ?? 1000, 2, this.clock.now());
        while (!signal.aborted) {
          if (!this.pending) {
            // A full resync now and then repairs rules someone else flushed (upstream's --iptables-sync-period).
            let resync = false;
            let cancelResync = () => {};
            let onAbort = () => {};
            await new Promise<void>((resolve) => {
              this.wake = resolve;
              onAbort = resolve;
              cancelResync = this.clock.setTimer(this.options.resyncPeriodMs ?? 30_000, () => {
                resync = true;
                resolve();
              });
              signal.addEventListener("abort", onAbort, { once: true });
            });
            cancelResync();
            signal.removeEventListener("abort", onAbort);
            if (resync) {
              this.pending = true;
              synced = undefined;
            }
          }
          this.wake = undefined;
          const wait = bucket.waitMs(this.clock.now());
          if (wait > 0) await sleep(this.clock, wait, signal);
          if (signal.aborted) break;
          this.pending = false;
          bucket.take(this.clock.now());
          try {
            const began = performance.now();
            synced = await this.sync(synced, services.indexer.list(), slices.indexer.list());
            this.syncs++;
            this.options.onSync?.(performance.now() - began);
            this.resolveReady();
          } catch (e) {
            this.log(`syncing iptables rules: ${messageOf(e)}`);
            synced = undefined;
            await sleep(this.clock, this.options.retryIntervalMs ?? 5000, signal);
            this.pending = true;
          }
        }
      }
    } finally {
      await this.cleanUp().catch((e: unknown) => this.log(`removing iptables rules: ${messageOf(e)}`));
      await informers;
    }
  }

  /**
   * A full sync (known undefined: the first, the periodic one, after a failure) reads the chains from iptables, writes
   * every chain and checks the jumps from the built-in chains; a partial one writes only the top-level chains and the
   * per-service chains that changed since the last sync, as kube-proxy does.
   */
  private async sync(known: Synced | undefined, services: Service[], endpointSlices: EndpointSlice[]): Promise<Synced> {
    const existingChains = known?.chains ?? (await this.iptables.existingChains());
    const rules = proxyRules({ services, endpointSlices, clusterCidr: this.options.clusterCidr, nodeName: this.options.nodeName, existingChains, names: this.names, ...(known ? { applied: known.applied } : {}) });
    await this.iptables.restore(rules.text);
    // Jumps after the chains exist (a jump to a missing chain is refused); the periodic full sync puts back flushed ones.
    if (known === undefined) for (const rule of this.names.jumps) await this.iptables.ensureJump(rule);
    // After the FIREWALL chain guards it; each time, as the pod bridge appears with the first pod.
    await this.options.localnet?.enable();
    return { chains: rules.chains, applied: rules.applied };
  }

  private async cleanUp(): Promise<void> {
    await this.options.localnet?.restore();
    await removeProxyRules(this.iptables, this.names.prefix, this.names.podBridge);
  }
}

/** Removes every jump and chain of the proxy with this prefix (default KUBE) and pod bridge; also for a proxy that died before it could. */
export async function removeProxyRules(iptables: Iptables = systemIptables, chainPrefix?: string, podBridge?: string): Promise<void> {
  const names = chainPrefix === undefined && podBridge === undefined ? defaultChainNames : new ChainNames(chainPrefix, podBridge);
  for (const rule of names.jumps) await iptables.removeJump(rule);
  const existing = await iptables.existingChains();
  const ours = { nat: existing.nat.filter((chain) => names.isOurs(chain)), filter: existing.filter.filter((chain) => names.isOurs(chain)) };
  if (ours.nat.length + ours.filter.length > 0) await iptables.restore(cleanupRules(ours, names));
}
