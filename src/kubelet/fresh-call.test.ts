import { test } from "node:test";
import assert from "node:assert/strict";
import { FreshCall } from "./fresh-call.ts";

/** A call whose every run is finished by hand; each run answers its own number and the state it began with. */
function controlled() {
  let state = 0;
  const runs: { finish: () => void; fail: () => void }[] = [];
  const fresh = new FreshCall(
    () =>
      new Promise<{ run: number; state: number }>((resolve, reject) => {
        const run = runs.length;
        const began = state;
        runs.push({ finish: () => resolve({ run, state: began }), fail: () => reject(new Error(`run ${run} failed`)) });
      }),
  );
  return { fresh, runs, setState: (value: number) => (state = value) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test("a lone caller gets its own call", async () => {
  const { fresh, runs } = controlled();
  const answer = fresh.get();
  assert.equal(runs.length, 1);
  runs[0]!.finish();
  assert.deepEqual(await answer, { run: 0, state: 0 });
});

test("callers arriving during a call share one later call that sees the state they saw", async () => {
  const { fresh, runs, setState } = controlled();
  const first = fresh.get();
  setState(1);
  const waiting = [fresh.get(), fresh.get(), fresh.get()];
  assert.equal(runs.length, 1, "no second call while the first runs");
  runs[0]!.finish();
  assert.deepEqual(await first, { run: 0, state: 0 });
  await tick();
  assert.equal(runs.length, 2);
  runs[1]!.finish();
  for (const answer of await Promise.all(waiting)) assert.deepEqual(answer, { run: 1, state: 1 });
});

test("a failed call does not stop the queued callers' call, and its failure reaches only its own callers", async () => {
  const { fresh, runs } = controlled();
  const first = fresh.get();
  const second = fresh.get();
  runs[0]!.fail();
  await assert.rejects(first, /run 0 failed/);
  await tick();
  runs[1]!.finish();
  assert.deepEqual(await second, { run: 1, state: 0 });
});

test("after a call settles, the next caller starts a new one", async () => {
  const { fresh, runs } = controlled();
  const first = fresh.get();
  runs[0]!.finish();
  await first;
  const next = fresh.get();
  assert.equal(runs.length, 2);
  runs[1]!.finish();
  assert.equal((await next).run, 1);
});
