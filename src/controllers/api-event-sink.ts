// Events written straight to the API as core/v1 Events, one per call, in call
// order per sink, without waiting: a controller's sync never waits on or fails
// because of an Event.
import type { Event } from "kubernetes-types/core/v1";
import type { KubeClient, KubeObject } from "../client/kube-client.ts";
import { inNamespace, resources } from "../client/resources.ts";
import type { EventSink, EventType } from "./event-sink.ts";

export class ApiEventSink implements EventSink {
  /** Writes go one after another so Events keep the order controllers recorded them in. */
  private tail: Promise<void> = Promise.resolve();
  private lastNanos = 0n;

  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
    private readonly now: () => number = Date.now,
  ) {}

  record(regarding: KubeObject, type: EventType, reason: string, message: string): void {
    const meta = regarding.metadata ?? {};
    const namespace = meta.namespace || "default";
    const time = new Date(Math.floor(this.now() / 1000) * 1000).toISOString().replace(".000Z", "Z");
    const event: Event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${meta.name ?? "object"}.${this.uniqueNanos().toString(16)}`, namespace },
      involvedObject: {
        apiVersion: regarding.apiVersion ?? "",
        kind: regarding.kind ?? "",
        name: meta.name ?? "",
        namespace,
        uid: meta.uid ?? "",
        resourceVersion: meta.resourceVersion ?? "",
      },
      type,
      reason,
      message,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: "",
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    };
    this.tail = this.tail.then(async () => {
      try {
        await this.client.create(inNamespace(resources.events, namespace), event);
      } catch (error) {
        process.stderr.write(`${this.component}: could not record event ${reason} for ${namespace}/${meta.name ?? ""}: ${(error as Error).message}\n`);
      }
    });
  }

  /**
   * Upstream names an Event <object>.<hex of its Unix time in nanoseconds>, so
   * names sort in recording order; strictly increasing keeps two Events of one
   * millisecond apart.
   */
  private uniqueNanos(): bigint {
    const nanos = BigInt(this.now()) * 1_000_000n;
    this.lastNanos = nanos > this.lastNanos ? nanos : this.lastNanos + 1n;
    return this.lastNanos;
  }

  /** Resolves once every Event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    return this.tail;
  }
}
