// Leader election on a coordination.k8s.io/v1 Lease (client-go's
// leaderelection with a LeaseLock). Candidates try every retryPeriod to take
// the Lease; the leader renews it every retryPeriod and stops leading if it
// could not renew for renewDeadline (shorter than leaseDuration, so it stops
// before anyone else may take over). Every write carries the resourceVersion
// that was read: two candidates writing at once cannot both win. A leader
// that stops cleanly first waits for its work to end, then releases the Lease.
import type { Lease } from "kubernetes-types/coordination/v1";
import { jittered, realClock, sleep, type Clock } from "./clock.ts";
import { hasReason, InvalidClientOptionError } from "./errors.ts";
import type { KubeClient } from "./kube-client.ts";
import { planLeaseAttempt, releasedLeaseSpec } from "./lease-plan.ts";
import { inNamespace, resources } from "./resources.ts";

export interface LeaderElectionConfig {
  client: KubeClient;
  namespace: string;
  /** The Lease's name, e.g. "kube-scheduler". */
  name: string;
  /** This candidate; unique among candidates (host name plus a random part). */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Give the Lease up when run's signal aborts (default true). */
  releaseOnCancel?: boolean;
  clock?: Clock;
  /** Told about failed Lease reads and writes (default: ignored; they are retried). */
  onError?: (error: unknown) => void;
}

export interface LeaderCallbacks {
  /** Starts the leader's work; signal aborts when leadership ends. run waits for a returned promise. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading?(): void;
  /** Called whenever the observed holder changes ("" when the Lease is released). */
  onNewLeader?(identity: string): void;
}

export class LeaderElector {
  private readonly clock: Clock;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly leases;
  /** The Lease as last read or written, with the resourceVersion for the next write. */
  private lease: Lease | undefined;
  private observedAtMs = 0;
  private reportedLeader: string | undefined;

  constructor(private readonly config: LeaderElectionConfig) {
    this.clock = config.clock ?? realClock;
    this.leaseDurationMs = config.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = config.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = config.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs && this.retryPeriodMs > 0)) {
      throw new InvalidClientOptionError("leader election needs leaseDuration > renewDeadline > retryPeriod > 0");
    }
    if (this.leaseDurationMs % 1000 !== 0) throw new InvalidClientOptionError("leaseDuration must be whole seconds (the Lease stores seconds)");
    if (!config.identity) throw new InvalidClientOptionError("leader election needs an identity");
    this.leases = inNamespace(resources.leases, config.namespace);
  }

  /** The holder of the Lease as last observed ("" when none). */
  getLeader(): string {
    return this.lease?.spec?.holderIdentity ?? "";
  }

  isLeader(): boolean {
    return this.getLeader() === this.config.identity;
  }

  /**
   * Campaigns until leading, leads until signal aborts or renewal fails, and
   * resolves once the leader's work has ended (and the Lease is released).
   * After losing the Lease it does not campaign again: start a new run.
   */
  async run(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<void> {
    if (!(await this.acquire(signal, callbacks))) return;
    const leading = new AbortController();
    const stopLeading = () => leading.abort();
    signal.addEventListener("abort", stopLeading, { once: true });
    const work = (async () => callbacks.onStartedLeading(leading.signal))().catch((e: unknown) => this.config.onError?.(e));
    try {
      await this.renewUntilLost(leading.signal, callbacks);
    } finally {
      leading.abort();
      signal.removeEventListener("abort", stopLeading);
      await work;
      if (signal.aborted && (this.config.releaseOnCancel ?? true) && this.isLeader()) await this.release();
      callbacks.onStoppedLeading?.();
    }
  }

  private async acquire(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal, callbacks)) return true;
      await sleep(this.clock, jittered(this.retryPeriodMs, 1.2), signal);
    }
    return false;
  }

  private async renewUntilLost(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<void> {
    let renewedAt = this.clock.now();
    while (!signal.aborted) {
      await sleep(this.clock, this.retryPeriodMs, signal);
      if (signal.aborted) return;
      if (await this.tryAcquireOrRenew(signal, callbacks)) {
        renewedAt = this.clock.now();
      } else if (this.clock.now() - renewedAt >= this.renewDeadlineMs || !this.isLeader()) {
        // Out of time, or a read showed another holder: leadership ends now.
        return;
      }
    }
  }

  private async tryAcquireOrRenew(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<boolean> {
    const requestSignal = AbortSignal.any([signal, AbortSignal.timeout(this.renewDeadlineMs)]);
    try {
      let current: Lease | undefined;
      try {
        current = await this.config.client.get<Lease>(this.leases, this.config.name, { signal: requestSignal });
      } catch (e) {
        if (!hasReason(e, "NotFound")) throw e;
      }
      this.observe(current, callbacks);
      const plan = planLeaseAttempt({
        current: current?.spec,
        observedAtMs: this.observedAtMs,
        identity: this.config.identity,
        nowMs: this.clock.now(),
        leaseDurationSeconds: this.leaseDurationMs / 1000,
      });
      switch (plan.action) {
        case "wait":
          return false;
        case "create":
          this.observe(await this.config.client.create<Lease>(this.leases, { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: this.config.name }, spec: plan.spec }, { signal: requestSignal }), callbacks);
          return true;
        case "update":
          // current's resourceVersion makes this a compare-and-swap.
          this.observe(await this.config.client.update<Lease>(this.leases, { ...current!, spec: plan.spec }, { signal: requestSignal }), callbacks);
          return true;
      }
    } catch (e) {
      if (!signal.aborted) this.config.onError?.(e);
      return false;
    }
  }

  private async release(): Promise<void> {
    const lease = this.lease;
    if (lease?.spec === undefined) return;
    try {
      this.lease = await this.config.client.update<Lease>(this.leases, { ...lease, spec: releasedLeaseSpec(lease.spec, this.clock.now()) }, { signal: AbortSignal.timeout(this.renewDeadlineMs) });
      this.observedAtMs = this.clock.now();
    } catch (e) {
      this.config.onError?.(e);
    }
  }

  private observe(lease: Lease | undefined, callbacks: LeaderCallbacks): void {
    if (JSON.stringify(lease?.spec) !== JSON.stringify(this.lease?.spec)) this.observedAtMs = this.clock.now();
    this.lease = lease;
    const holder = this.getLeader();
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      callbacks.onNewLeader?.(holder);
    }
  }
}
