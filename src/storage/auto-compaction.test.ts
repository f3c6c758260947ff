import { test } from "node:test";
import assert from "node:assert/strict";
import { compactionTarget, startAutoCompaction } from "./auto-compaction.ts";

test("compactionTarget keeps the wanted number of revisions and never goes backwards", () => {
  const cases = [
    { latest: 5_000, compacted: 0, keep: 1_000, target: 4_000 },
    { latest: 5_000, compacted: 4_000, keep: 1_000, target: undefined },
    { latest: 5_001, compacted: 4_000, keep: 1_000, target: 4_001 },
    { latest: 500, compacted: 0, keep: 1_000, target: undefined },
    { latest: 10, compacted: 3, keep: 0, target: 10 },
  ];
  for (const { latest, compacted, keep, target } of cases) {
    assert.equal(compactionTarget(latest, compacted, keep), target, JSON.stringify({ latest, compacted, keep }));
  }
});

test("startAutoCompaction compacts on its interval until stopped and reports failures", async () => {
  let latest = 100;
  let compacted = 0;
  const calls: number[] = [];
  const errors: unknown[] = [];
  const stop = startAutoCompaction(
    {
      currentRevision: async () => latest,
      compact: async (revision) => {
        calls.push(revision);
        if (revision === 150) throw new Error("disk full");
        compacted = revision;
      },
    },
    () => compacted,
    { intervalMs: 5, keepRevisions: 10, onError: (error) => errors.push(error) },
  );
  const waitFor = async (condition: () => boolean) => {
    for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  await waitFor(() => compacted === 90);
  assert.equal(compacted, 90);
  latest = 160;
  await waitFor(() => errors.length > 0);
  assert.equal(errors.length > 0, true);
  latest = 170;
  await waitFor(() => compacted === 160);
  assert.equal(compacted, 160);
  stop();
  const callsAtStop = calls.length;
  latest = 500;
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(calls.length, callsAtStop, "no compaction after stop");
});
