import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { restartDecision, type BackoffEntry } from "./restart-backoff.ts";

const s = (n: number) => n * 1000;

describe("restartDecision", () => {
  const cases: { name: string; entry?: BackoffEntry; finished: number; now: number; restart: boolean; delay: number; remaining?: number }[] = [
    { name: "first exit restarts at once and arms 10 s", finished: s(100), now: s(100), restart: true, delay: s(10) },
    { name: "second exit within 10 s waits", entry: { delayMs: s(10), lastRestartMs: s(100) }, finished: s(105), now: s(107), restart: false, delay: s(10), remaining: s(8) },
    { name: "second exit after its 10 s restarts and doubles", entry: { delayMs: s(10), lastRestartMs: s(100) }, finished: s(105), now: s(115), restart: true, delay: s(20) },
    { name: "doubling stops at 5 minutes", entry: { delayMs: s(160), lastRestartMs: s(1000) }, finished: s(1010), now: s(1200), restart: true, delay: s(300) },
    { name: "at the cap it stays", entry: { delayMs: s(300), lastRestartMs: s(1000) }, finished: s(1010), now: s(1310), restart: true, delay: s(300) },
    { name: "an exit 10+ minutes after the last restart starts over", entry: { delayMs: s(300), lastRestartMs: s(1000) }, finished: s(1601), now: s(1601), restart: true, delay: s(10) },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = restartDecision(c.entry, c.finished, c.now);
      assert.equal(d.restart, c.restart);
      if (d.restart) assert.deepEqual(d.entry, { delayMs: c.delay, lastRestartMs: c.now });
      else {
        assert.equal(d.delayMs, c.delay);
        assert.equal(d.remainingMs, c.remaining);
      }
    });
  }
});
