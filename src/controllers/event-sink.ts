// Where controllers send the Events a user reads in `kubectl describe`.
// Recording never fails the sync that caused it.
import type { KubeObject } from "../client/kube-client.ts";

export type EventType = "Normal" | "Warning";

export interface EventSink {
  record(regarding: KubeObject, type: EventType, reason: string, message: string): void;
}

/** Objects from lists carry no apiVersion and kind; Events need both to point at them. */
export function typed<T extends KubeObject>(object: T, apiVersion: string, kind: string): T {
  return { ...object, apiVersion, kind };
}
