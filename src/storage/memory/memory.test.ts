import { test } from "node:test";
import assert from "node:assert/strict";
import { isStoreError } from "../store.ts";
import { runConformance } from "../conformance/conformance.ts";
import { openMemoryStore } from "./memory-store.ts";

runConformance("memory", () => ({ open: () => openMemoryStore() }), {
  skip: {
    "reopen keeps data, revisions and the compacted revision": "the memory store keeps nothing once closed",
    "every acknowledged write survives kill -9 of the writing process": "the memory store lives in one process only",
  },
});

test("the memory store's compaction policy keeps the configured revisions", async () => {
  const store = await openMemoryStore({ compaction: { intervalMs: 5, keepRevisions: 3 } });
  try {
    await store.create("/m/k", { metadata: { uid: "k" } });
    for (let i = 0; i < 9; i++) await store.update("/m/k", { metadata: { uid: "k" } });
    const stillReadable = async (revision: number) =>
      store.list({ prefix: "/m/", revision }).then(
        () => true,
        (error: unknown) => (isStoreError(error, "Expired") ? false : Promise.reject(error)),
      );
    for (let waited = 0; waited < 5_000 && (await stillReadable(6)); waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await stillReadable(6), false, "revision 6 was compacted away");
    assert.equal(await stillReadable(7), true, "the last 3 revisions behind 10 stay readable");
  } finally {
    await store.close();
  }
});
