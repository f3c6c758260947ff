// The pod lifecycle event generator: relists the runtime every periodMs
// (upstream: 1 s) and tells which pods' sandboxes or containers changed since
// the last look (started, exited, appeared, vanished), so their workers sync.
import { realClock, sleep, type Clock } from "../client/clock.ts";
import { podUidLabel } from "./runtime-labels.ts";
import type { ContainerStatus, Runtime, SandboxStatus } from "./runtime/runtime.ts";

export interface PlegOptions {
  runtime: Runtime;
  onPodChanged(uid: string): void;
  periodMs?: number;
  clock?: Clock;
  onError?: (error: unknown) => void;
}

/** A fingerprint of each pod's runtime objects and their states, by pod uid. */
export function podFingerprints(sandboxes: SandboxStatus[], containers: ContainerStatus[]): Map<string, string> {
  const parts = new Map<string, string[]>();
  const add = (uid: string | undefined, part: string) => {
    if (uid === undefined || uid === "") return;
    const list = parts.get(uid) ?? [];
    list.push(part);
    parts.set(uid, list);
  };
  for (const s of sandboxes) add(s.labels[podUidLabel] ?? s.metadata.uid, `s:${s.id}:${s.state}`);
  for (const c of containers) add(c.labels[podUidLabel], `c:${c.id}:${c.state}`);
  return new Map([...parts].map(([uid, list]) => [uid, list.sort().join(",")]));
}

/** Uids whose fingerprint differs between two relists (including pods that appeared or vanished). */
export function changedPods(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const uids = new Set([...before.keys(), ...after.keys()]);
  return [...uids].filter((uid) => before.get(uid) !== after.get(uid));
}

export async function runPleg(options: PlegOptions, signal: AbortSignal): Promise<void> {
  const clock = options.clock ?? realClock;
  let last = new Map<string, string>();
  while (!signal.aborted) {
    try {
      const [sandboxes, containers] = await Promise.all([options.runtime.listPodSandboxes(), options.runtime.listContainers()]);
      const next = podFingerprints(sandboxes, containers);
      for (const uid of changedPods(last, next)) options.onPodChanged(uid);
      last = next;
    } catch (e) {
      if (!signal.aborted) options.onError?.(e);
    }
    await sleep(clock, options.periodMs ?? 1000, signal);
  }
}
