import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeStats } from "./stats-summary.ts";

test("node stats: busy CPU ticks as core-nanoseconds, memory from meminfo, start time from uptime", () => {
  const stats = nodeStats("n1", {
    procStat: "cpu  100 20 30 1000 50 5 5 0 0 0\ncpu0 1 2 3 4 5 6 7 0 0 0\n",
    meminfo: "MemTotal:       2048 kB\nMemFree:         512 kB\nMemAvailable:   1024 kB\n",
    uptimeSeconds: 60,
    nowMs: Date.parse("2026-01-01T00:01:00Z"),
  });
  assert.deepEqual(stats, {
    nodeName: "n1",
    startTime: "2026-01-01T00:00:00Z",
    // user + nice + system + irq + softirq + steal = 160 ticks of 10 ms.
    cpu: { time: "2026-01-01T00:01:00.000Z", usageCoreNanoSeconds: 1_600_000_000 },
    memory: { time: "2026-01-01T00:01:00.000Z", availableBytes: 1024 * 1024, usageBytes: 1536 * 1024, workingSetBytes: 1024 * 1024 },
  });
});
