import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startContainerd, stopContainerd } from "./start-containerd.ts";
import { containerdSkipReason } from "../cri/containerd-fixture.ts";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("an agent restart adopts the running containerd; only an explicit stop ends it", { skip: containerdSkipReason() }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "skiff-containerd-"));
  try {
    const firstRun = new AbortController();
    const first = await startContainerd({ dataDir, signal: firstRun.signal, keepRunning: true });
    assert.equal(first.adopted, false);
    firstRun.abort();
    await first.stopped;
    assert.ok(isAlive(first.pid), "keepRunning leaves containerd up when the agent stops");

    const secondRun = new AbortController();
    const second = await startContainerd({ dataDir, signal: secondRun.signal, keepRunning: true });
    assert.equal(second.adopted, true);
    assert.equal(second.pid, first.pid);
    secondRun.abort();
    await second.stopped;

    assert.equal(await stopContainerd(dataDir, 5000), true);
    assert.ok(!isAlive(first.pid), "stopped");
    assert.ok(!existsSync(first.paths.pidFile), "pid file removed");
    assert.equal(await stopContainerd(dataDir, 5000), false, "nothing left to stop");

    // A pid file naming a live process that is not our containerd (the pid was reused).
    writeFileSync(first.paths.pidFile, `${process.pid}\n`);
    const thirdRun = new AbortController();
    const third = await startContainerd({ dataDir, signal: thirdRun.signal });
    assert.equal(third.adopted, false, "a pid file naming another process is not adopted");
    thirdRun.abort();
    await third.stopped;
    assert.ok(!isAlive(third.pid), "without keepRunning, abort stops containerd");
  } finally {
    await stopContainerd(dataDir, 5000);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
