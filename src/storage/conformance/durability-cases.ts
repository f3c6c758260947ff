// Conformance cases for data that outlives the store: reopen, and kill -9 of
// the process that was writing.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ConformanceCase } from "./harness.ts";
import type { TestObject } from "./fixtures.ts";
import { expectStoreError, revisionOf, testObject } from "./fixtures.ts";
import type { DurabilityWriterConfig } from "./durability-writer.ts";

const writerScript = fileURLToPath(new URL("./durability-writer.ts", import.meta.url));
const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

interface WriterRun {
  acknowledged: Map<string, string>;
  stderr: string;
  signal: NodeJS.Signals | null;
}

/** Runs the writer child until it acknowledged `killAfter` writes, then kill -9s it. */
function runWriterUntilKilled(config: DurabilityWriterConfig, killAfter: number, timeoutMs: number): Promise<WriterRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", writerScript, JSON.stringify(config)], {
      cwd: repositoryRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const acknowledged = new Map<string, string>();
    let partial = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const [key, resourceVersion] = line.split(" ");
        if (key && resourceVersion) acknowledged.set(key, resourceVersion);
      }
      if (acknowledged.size >= killAfter) child.kill("SIGKILL");
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (_code, signal) => {
      clearTimeout(timer);
      resolve({ acknowledged, stderr, signal });
    });
  });
}

export const durabilityCases: ConformanceCase[] = [
  {
    name: "reopen keeps data, revisions and the compacted revision",
    async run(harness) {
      assert.ok(harness.reopen, "the harness must provide reopen");
      const first = await harness.open();
      await first.create("/re/a", testObject("a", { v: "1" }));
      const b = await first.create("/re/b", testObject("b", { v: "1" }));
      const a2 = await first.update("/re/a", testObject("a", { v: "2" }));
      await first.delete("/re/b");
      const c = await first.create("/re/c", testObject("c", { v: "1" }));
      await first.compact(revisionOf(a2));
      const latest = await first.list<TestObject>({ prefix: "/re/" });
      const atCompaction = await first.list<TestObject>({ prefix: "/re/", revision: revisionOf(a2) });
      const revision = await first.currentRevision();
      await first.close();

      const second = await harness.reopen();
      assert.equal(await second.currentRevision(), revision);
      assert.deepEqual(await second.list({ prefix: "/re/" }), latest);
      assert.deepEqual(await second.list({ prefix: "/re/", revision: revisionOf(a2) }), atCompaction);
      await expectStoreError(second.list({ prefix: "/re/", revision: revisionOf(b) }), "Expired", "list below the compaction after reopen");
      assert.deepEqual(await second.get("/re/c"), c);
      const next = await second.create("/re/d", testObject("d"));
      assert.ok(revisionOf(next) > revision, "revisions continue after reopen");
    },
  },
  {
    name: "every acknowledged write survives kill -9 of the writing process",
    async run(harness) {
      assert.ok(harness.reopen && harness.childOpener, "the harness must provide reopen and childOpener");
      const initial = await harness.open();
      await initial.create("/durable-marker", testObject("marker"));
      await initial.close();
      const run = await runWriterUntilKilled(
        { opener: harness.childOpener(), prefix: "/durable/", lanes: 16, maxWritesPerLane: 100_000 },
        400,
        45_000,
      );
      assert.equal(run.signal, "SIGKILL", `the writer must be killed mid-stream, not exit by itself: ${run.stderr}`);
      assert.ok(run.acknowledged.size >= 400, `the writer acknowledged only ${run.acknowledged.size} writes: ${run.stderr}`);
      const reopened = await harness.reopen();
      const missing: string[] = [];
      for (const [key, resourceVersion] of run.acknowledged) {
        try {
          const object = await reopened.get<TestObject>(key);
          assert.equal(object.metadata.resourceVersion, resourceVersion, `${key} has another revision after the crash`);
          assert.equal(object.metadata.name, key);
        } catch (error) {
          missing.push(`${key}: ${String(error)}`);
        }
      }
      assert.deepEqual(missing, [], "acknowledged writes lost by kill -9");
      await reopened.get("/durable-marker");
      const highest = Math.max(...[...run.acknowledged.values()].map(Number));
      const after = await reopened.create("/durable-after", testObject("after"));
      assert.ok(revisionOf(after) > highest, "a write after recovery gets a newer revision than every acknowledged one");
    },
  },
];
