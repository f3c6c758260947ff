// Test support for controller sync tests: a cache that changes only when the
// test says an informer event arrived, and an event sink that remembers.
import type { KubeObject } from "../../client/kube-client.ts";
import { objectKey } from "../../client/object-key.ts";
import type { EventSink, EventType } from "../event-sink.ts";
import type { ChangeHandlers, WatchedCache } from "../watched-cache.ts";

export class HandFedCache<T extends KubeObject> implements WatchedCache<T> {
  private readonly objects = new Map<string, T>();
  private readonly handlers: ChangeHandlers<T>[] = [];

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  list(namespace?: string): T[] {
    return [...this.objects.values()].filter((object) => !namespace || object.metadata?.namespace === namespace);
  }

  subscribe(handlers: ChangeHandlers<T>): void {
    this.handlers.push(handlers);
  }

  deliver(object: T): void {
    const previous = this.objects.get(objectKey(object));
    this.objects.set(objectKey(object), object);
    for (const handler of this.handlers) {
      if (previous === undefined) handler.onAdd(object);
      else handler.onUpdate(previous, object);
    }
  }

  deliverDelete(object: T): void {
    this.objects.delete(objectKey(object));
    for (const handler of this.handlers) handler.onDelete(object);
  }

  /** The cache holds exactly what the server holds now. */
  replaceAll(objects: readonly T[]): void {
    const keep = new Set(objects.map(objectKey));
    for (const object of this.list()) if (!keep.has(objectKey(object))) this.deliverDelete(object);
    for (const object of objects) this.deliver(object);
  }
}

export class RecordedEvents implements EventSink {
  readonly seen: string[] = [];

  record(_regarding: KubeObject, type: EventType, reason: string, message: string): void {
    this.seen.push(`${type} ${reason}: ${message}`);
  }
}
