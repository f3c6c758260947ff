// Starts the scheduler the way kube-scheduler runs: shared informers, one
// event recorder for "default-scheduler", and (unless the configuration says
// leaderElect: false) only while this process holds the Lease named in the
// configuration (kube-system/kube-scheduler), so two schedulers never both
// bind. Each term starts from fresh caches. Resolves once everything stopped.
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { hostname } from "node:os";
import { realClock, sleep } from "../client/clock.ts";
import { EventRecorder } from "../client/event-recorder.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { LeaderElector } from "../client/leader-election.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { DefaultBinderPlugin } from "./binder.ts";
import { buildProfile, defaultSchedulerConfig, type SchedulerConfig } from "./config.ts";
import { DEFAULT_SCHEDULER_NAME } from "./plugins/default-profile.ts";
import { Scheduler } from "./scheduler.ts";

export interface StartSchedulerOptions {
  config?: SchedulerConfig;
  /** This candidate's identity in the Lease; host name plus a random part by default. */
  identity?: string;
  /** Called each time this process starts scheduling, with the running Scheduler. */
  onReady?: (scheduler: Scheduler) => void;
  /** Told about failed API writes; the scheduler goes on. */
  onError?: (error: unknown) => void;
}

export async function startScheduler(client: KubeClient, signal: AbortSignal, options: StartSchedulerOptions = {}): Promise<void> {
  const config = options.config ?? defaultSchedulerConfig();
  const election = config.leaderElection;
  if (!election.leaderElect) {
    await runScheduler(client, signal, config, options);
    return;
  }
  const identity = options.identity ?? `${hostname()}_${randomUUID()}`;
  while (!signal.aborted) {
    const elector = new LeaderElector({
      client,
      namespace: election.resourceNamespace,
      name: election.resourceName,
      identity,
      leaseDurationMs: election.leaseDurationMs,
      renewDeadlineMs: election.renewDeadlineMs,
      retryPeriodMs: election.retryPeriodMs,
    });
    await elector.run(signal, { onStartedLeading: (leading) => runScheduler(client, leading, config, options) });
    await sleep(realClock, election.retryPeriodMs, signal);
  }
}

async function runScheduler(client: KubeClient, outer: AbortSignal, config: SchedulerConfig, options: StartSchedulerOptions): Promise<void> {
  // Each informer, timer and writer listens on the signal; a term has its own so their count is known.
  const term = new AbortController();
  setMaxListeners(32, term.signal);
  const stopTerm = () => term.abort();
  outer.addEventListener("abort", stopTerm, { once: true });
  if (outer.aborted) term.abort();
  const signal = term.signal;
  const informers = new SharedInformerFactory(client);
  const recorder = new EventRecorder(client, { component: DEFAULT_SCHEDULER_NAME });
  const binder = new DefaultBinderPlugin(client);
  const scheduler = new Scheduler({
    client,
    informers,
    makeProfiles: (cluster) =>
      config.profiles.map((profile) => buildProfile(profile, { binder, spreadOwners: cluster.spreadOwners, volumes: cluster.volumes, client }, config.percentageOfNodesToScore)),
    events: { record: (regarding, type, reason, message) => recorder.event(regarding, type, reason, message) },
    initialBackoffMs: config.podInitialBackoffMs,
    maxBackoffMs: config.podMaxBackoffMs,
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  const informersStopped = informers.start(signal);
  try {
    await scheduler.start(signal, () => options.onReady?.(scheduler));
  } finally {
    term.abort();
    await informersStopped;
    outer.removeEventListener("abort", stopTerm);
    await recorder.close();
  }
}
