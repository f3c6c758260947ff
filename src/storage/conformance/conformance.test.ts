// The suite must catch broken backends: wrap the memory store in faults and
// check that the cases meant to notice each fault fail, while the same cases
// pass on the unwrapped store.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Preconditions, Store, StoredObject, WatchEvent, WatchOptions } from "../store.ts";
import { isStoreError } from "../store.ts";
import { openMemoryStore } from "../memory/memory-store.ts";
import type { ConformanceCase, HarnessFactory } from "./conformance.ts";
import { conformanceCases, runCase } from "./conformance.ts";

function delegating(store: Store, overrides: Partial<Store>): Store {
  return {
    backend: store.backend,
    get: (key) => store.get(key),
    list: (options) => store.list(options),
    create: (key, object) => store.create(key, object),
    update: (key, object, preconditions) => store.update(key, object, preconditions),
    delete: (key, preconditions) => store.delete(key, preconditions),
    watch: (options) => store.watch(options),
    currentRevision: () => store.currentRevision(),
    compact: (revision) => store.compact(revision),
    close: () => store.close(),
    ...overrides,
  };
}

/** Passes each watch's events through `rewrite`, which sees them one at a time with their index. */
function rewritingWatch(store: Store, rewrite: (events: AsyncIterable<WatchEvent<StoredObject>>) => AsyncIterable<WatchEvent<StoredObject>>): Store {
  return delegating(store, {
    watch: <T extends StoredObject>(options: WatchOptions) => rewrite(store.watch(options)) as AsyncIterable<WatchEvent<T>>,
  });
}

const faults: { name: string; wrap(store: Store): Store; caughtBy: string[] }[] = [
  {
    name: "drops the 100th event of every watch",
    wrap: (store) =>
      rewritingWatch(store, async function* (events) {
        let index = 0;
        for await (const event of events) if (index++ !== 100) yield event;
      }),
    caughtBy: [
      "watch delivers 10,000 events exactly once and in order, DELETED with prevObject",
      "watchers started before, during and after the writes each see the full sequence",
    ],
  },
  {
    name: "swaps the 100th and 101st events of every watch",
    wrap: (store) =>
      rewritingWatch(store, async function* (events) {
        let index = 0;
        let held: WatchEvent<StoredObject> | undefined;
        for await (const event of events) {
          if (index++ === 100) {
            held = event;
            continue;
          }
          yield event;
          if (held !== undefined) {
            yield held;
            held = undefined;
          }
        }
      }),
    caughtBy: [
      "watch delivers 10,000 events exactly once and in order, DELETED with prevObject",
      "watchers started before, during and after the writes each see the full sequence",
    ],
  },
  {
    name: "accepts an update at a stale resourceVersion",
    wrap: (store) =>
      delegating(store, {
        update: async <T extends StoredObject>(key: string, object: T, preconditions?: Preconditions) => {
          try {
            return await store.update(key, object, preconditions);
          } catch (error) {
            if (!isStoreError(error, "Conflict") || preconditions?.resourceVersion === undefined) throw error;
            return store.update(key, object, { ...preconditions, resourceVersion: undefined });
          }
        },
      }),
    caughtBy: ["update with a stale resourceVersion fails Conflict", "racing read-modify-write loops: exactly one writer wins each revision"],
  },
];

function caseNamed(name: string): ConformanceCase {
  const found = conformanceCases.find((candidate) => candidate.name === name);
  assert.ok(found, `no case named ${name}`);
  return found;
}

const healthy: HarnessFactory = () => ({ open: () => openMemoryStore() });

describe("the conformance suite catches broken backends", () => {
  for (const fault of faults) {
    for (const name of fault.caughtBy) {
      test(`"${name}" fails on a store that ${fault.name} and passes without the fault`, async () => {
        const broken: HarnessFactory = () => ({ open: async () => fault.wrap(await openMemoryStore()) });
        await assert.rejects(
          runCase(caseNamed(name), broken),
          (error: unknown) => {
            // The case must fail on its own assertion, not on a crash of the wrapper.
            assert.ok(error instanceof assert.AssertionError, `failed for another reason: ${String(error)}`);
            return true;
          },
          `the case did not notice a store that ${fault.name}`,
        );
        await runCase(caseNamed(name), healthy);
      });
    }
  }
});
