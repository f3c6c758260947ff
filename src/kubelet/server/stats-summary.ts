// /stats/summary in upstream's shape (stats/v1alpha1 Summary), best effort:
// node CPU and memory from /proc, pods and their containers from the runtime.
import { readFile } from "node:fs/promises";
import type { Runtime } from "../runtime/runtime.ts";
import { podUidLabel } from "../runtime-labels.ts";

/** USER_HZ: /proc/stat counts in 1/100 s on Linux. */
const clockTicksPerSecond = 100;

export interface SummaryInput {
  procStat: string;
  meminfo: string;
  uptimeSeconds: number;
  nowMs: number;
}

/** Node figures from /proc/stat and /proc/meminfo text. */
export function nodeStats(nodeName: string, input: SummaryInput): Record<string, unknown> {
  const cpuLine = input.procStat.split("\n").find((l) => l.startsWith("cpu "))?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  // user, nice, system, irq, softirq, steal count as busy; idle and iowait do not.
  const busyTicks = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (cpuLine[i] ?? 0), 0);
  const mem = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(input.meminfo)?.[1] ?? 0) * 1024;
  const total = mem("MemTotal");
  const available = mem("MemAvailable");
  const time = new Date(input.nowMs).toISOString();
  return {
    nodeName,
    startTime: new Date(input.nowMs - input.uptimeSeconds * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: { time, usageCoreNanoSeconds: Math.round((busyTicks / clockTicksPerSecond) * 1e9) },
    memory: { time, availableBytes: available, usageBytes: total - mem("MemFree"), workingSetBytes: total - available },
  };
}

export async function statsSummary(runtime: Runtime, nodeName: string): Promise<Record<string, unknown>> {
  const [procStat, meminfo, uptime] = await Promise.all(["/proc/stat", "/proc/meminfo", "/proc/uptime"].map((p) => readFile(p, "utf8").catch(() => "")));
  const node = nodeStats(nodeName, { procStat: procStat!, meminfo: meminfo!, uptimeSeconds: Number(uptime!.split(" ")[0] ?? 0), nowMs: Date.now() });
  const sandboxes = (await runtime.listPodSandboxes()).filter((s) => s.state === "ready");
  const containers = await runtime.listContainers({ state: "running" });
  const pods = sandboxes.map((s) => ({
    podRef: { name: s.metadata.name, namespace: s.metadata.namespace, uid: s.metadata.uid },
    startTime: s.createdAt.toISOString().replace(/\.\d+Z$/, "Z"),
    containers: containers.filter((c) => c.sandboxId === s.id || c.labels[podUidLabel] === s.metadata.uid).map((c) => ({ name: c.metadata.name, startTime: c.createdAt.toISOString().replace(/\.\d+Z$/, "Z") })),
  }));
  return { node: { ...node, systemContainers: [] }, pods };
}
