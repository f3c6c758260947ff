// Small helpers shared by the conformance cases: test objects, error
// expectations and a bounded watch collector.
import assert from "node:assert/strict";
import type { Revision, Store, StoredObject, StoreErrorReason, WatchEvent } from "../store.ts";
import { isStoreError } from "../store.ts";

export interface TestObject extends StoredObject {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: { name: string; uid: string; resourceVersion?: string };
  data: Record<string, string>;
}

export function testObject(name: string, data: Record<string, string> = {}, uid = `uid-${name}`): TestObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, uid }, data };
}

export function revisionOf(object: StoredObject): Revision {
  const resourceVersion = object.metadata?.resourceVersion;
  assert.ok(resourceVersion !== undefined && /^[1-9][0-9]*$/.test(resourceVersion), `bad resourceVersion ${resourceVersion}`);
  return Number(resourceVersion);
}

/** `object` as the store returns it after a write at `revision`. */
export function stamped<T extends TestObject>(object: T, revision: Revision): T {
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
}

export async function expectStoreError(operation: Promise<unknown>, reason: StoreErrorReason, what: string): Promise<void> {
  await assert.rejects(operation, (error: unknown) => {
    assert.ok(isStoreError(error), `${what}: expected StoreError ${reason}, got ${String(error)}`);
    assert.equal(error.reason, reason, `${what}: wrong reason (${error.message})`);
    return true;
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A watch consumed in the background. `finish(revision)` resolves with every
 * event received once one at or after `revision` arrived, or fails after
 * `timeoutMs` without it, so a lost event can never hang a case.
 */
export interface WatchCollector<T> {
  events: WatchEvent<T>[];
  finish(untilRevision: Revision, timeoutMs?: number): Promise<WatchEvent<T>[]>;
  /** Resolves with the events received when the watch ended by itself, or rejects with its error. */
  ended: Promise<WatchEvent<T>[]>;
  stop(): void;
}

export function collectWatch<T extends StoredObject>(store: Store, prefix: string, fromRevision: Revision): WatchCollector<T> {
  const controller = new AbortController();
  const events: WatchEvent<T>[] = [];
  let target: Revision | undefined;
  let reached: (() => void) | undefined;
  const reachedTarget = () => target !== undefined && (events.at(-1)?.revision ?? 0) >= target;
  const ended = (async () => {
    for await (const event of store.watch<T>({ prefix, fromRevision, signal: controller.signal })) {
      events.push(event);
      if (reachedTarget()) reached?.();
    }
    return events;
  })();
  // A collector that is never finished must not leave an unhandled rejection behind.
  ended.catch(() => undefined);
  return {
    events,
    ended,
    stop: () => controller.abort(),
    finish: async (untilRevision, timeoutMs = 20_000) => {
      target = untilRevision;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"reached" | "timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
        reached = () => resolve("reached");
        if (reachedTarget()) reached();
      });
      const outcome = await Promise.race([deadline, ended.then(() => "ended" as const)]).finally(() => clearTimeout(timer));
      controller.abort();
      await ended;
      if (outcome === "timeout") {
        assert.fail(`watch from ${fromRevision} on ${prefix} did not reach revision ${untilRevision} in ${timeoutMs} ms (got ${events.length} events, last ${events.at(-1)?.revision})`);
      }
      return events;
    },
  };
}
