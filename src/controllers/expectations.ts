// What a controller is waiting to see from its informers after it wrote to the
// API (upstream's UIDTrackingControllerExpectations). A controller records the
// creations and deletions it is about to make BEFORE making them; informer
// events count them down; until they reach zero the controller does not act on
// its (possibly stale) cache again, so a slow watch never makes it create or
// delete twice. Records expire so a lost event cannot wedge a controller.
import type { Clock } from "../client/clock.ts";

/** Upstream's ExpectationsTimeout: after this a record no longer blocks a sync. */
export const expectationsTimeoutMs = 5 * 60 * 1000;

interface Expectation {
  pendingCreates: number;
  /** Keys of the children whose deletion is awaited; a second event for one counts once. */
  pendingDeletes: Set<string>;
  recordedAt: number;
}

export class Expectations {
  private readonly records = new Map<string, Expectation>();

  constructor(private readonly clock: Pick<Clock, "now">) {}

  /** True when nothing is awaited for controllerKey, or its record expired. */
  satisfied(controllerKey: string): boolean {
    const record = this.records.get(controllerKey);
    if (record === undefined) return true;
    if (record.pendingCreates <= 0 && record.pendingDeletes.size === 0) return true;
    return this.clock.now() - record.recordedAt > expectationsTimeoutMs;
  }

  /** Replaces the record: count creations about to be sent. */
  expectCreations(controllerKey: string, count: number): void {
    this.records.set(controllerKey, { pendingCreates: count, pendingDeletes: new Set(), recordedAt: this.clock.now() });
  }

  /** Replaces the record: the children (by key) about to be deleted. */
  expectDeletions(controllerKey: string, childKeys: readonly string[]): void {
    this.records.set(controllerKey, { pendingCreates: 0, pendingDeletes: new Set(childKeys), recordedAt: this.clock.now() });
  }

  /** An informer saw a child appear, or a create failed and will never be seen. */
  creationObserved(controllerKey: string): void {
    const record = this.records.get(controllerKey);
    if (record !== undefined) record.pendingCreates--;
  }

  /** An informer saw a child go, or its delete failed; ignored for children not awaited. */
  deletionObserved(controllerKey: string, childKey: string): void {
    this.records.get(controllerKey)?.pendingDeletes.delete(childKey);
  }

  /** Forgets controllerKey (the controller itself was deleted). */
  delete(controllerKey: string): void {
    this.records.delete(controllerKey);
  }

  /** Counts still awaited, for logs and tests. */
  pending(controllerKey: string): { creates: number; deletes: number } | undefined {
    const record = this.records.get(controllerKey);
    return record && { creates: record.pendingCreates, deletes: record.pendingDeletes.size };
  }
}
