// Conformance cases for lists: prefixes, snapshots, pagination, history and compaction.
import assert from "node:assert/strict";
import type { ListResult, Store } from "../store.ts";
import { isStoreError } from "../store.ts";
import type { ConformanceCase } from "./harness.ts";
import type { TestObject } from "./fixtures.ts";
import { expectStoreError, revisionOf, testObject } from "./fixtures.ts";

/** Every page of a list, bounded so a token that never ends cannot hang the case. */
async function allPages(
  store: Store,
  prefix: string,
  limit: number,
  betweenPages: (pageIndex: number) => Promise<void> = async () => undefined,
): Promise<ListResult<TestObject>[]> {
  const pages: ListResult<TestObject>[] = [];
  let token: string | undefined;
  for (let page = 0; page < 1_000; page++) {
    const result = await store.list<TestObject>({ prefix, limit, continue: token });
    pages.push(result);
    token = result.continue;
    if (token === undefined) return pages;
    await betweenPages(page);
  }
  return assert.fail("the list never ended");
}

async function ignoreNotFound(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!isStoreError(error, "NotFound")) throw error;
  }
}

function keysOf(result: ListResult<TestObject>): string[] {
  return result.items.map((item) => item.metadata.name);
}

export const listCases: ConformanceCase[] = [
  {
    name: "list by prefix returns items sorted by key without leaking across prefixes",
    async run(harness) {
      const store = await harness.open();
      // Written out of order, with neighbours that share leading characters.
      for (const key of ["/a/m", "/ab/x", "/a/c", "/a", "/a/b/deep", "/b/a", "/a/z", "/a0", "/a/"]) {
        await store.create(key, testObject(key));
      }
      const last = await store.currentRevision();
      const underA = await store.list<TestObject>({ prefix: "/a/" });
      assert.deepEqual(keysOf(underA), ["/a/", "/a/b/deep", "/a/c", "/a/m", "/a/z"]);
      assert.equal(underA.revision, last);
      assert.equal(underA.continue, undefined);
      for (const item of underA.items) assert.deepEqual(await store.get(item.metadata.name), item);
      assert.deepEqual(keysOf(await store.list({ prefix: "/ab/" })), ["/ab/x"]);
      assert.deepEqual(keysOf(await store.list({ prefix: "/a/b/" })), ["/a/b/deep"]);
      assert.deepEqual(keysOf(await store.list({ prefix: "/c/" })), []);
      assert.deepEqual(keysOf(await store.list({ prefix: "/a" })), ["/a", "/a/", "/a/b/deep", "/a/c", "/a/m", "/a/z", "/a0", "/ab/x"]);
      await store.delete("/a/c");
      const afterDelete = await store.list<TestObject>({ prefix: "/a/" });
      assert.deepEqual(keysOf(afterDelete), ["/a/", "/a/b/deep", "/a/m", "/a/z"]);
      assert.equal(afterDelete.revision, await store.currentRevision());
    },
  },
  {
    name: "paginated list is a consistent snapshot while writes happen between pages",
    async run(harness) {
      const store = await harness.open();
      const names = Array.from({ length: 40 }, (_, i) => `/p/k${String(i).padStart(2, "0")}`);
      for (const name of names) await store.create(name, testObject(name, { v: "original" }));
      await store.create("/pp/neighbour", testObject("/pp/neighbour"));
      await store.create("/p0", testObject("/p0"));
      const snapshot = await store.list<TestObject>({ prefix: "/p/" });
      assert.equal(snapshot.items.length, 40);
      // Writes before and after the cursor of every page: creates, updates and deletes.
      let step = 0;
      const pages = await allPages(store, "/p/", 7, async (pageIndex) => {
        step++;
        await store.create(`/p/k${String(pageIndex * 7).padStart(2, "0")}-inserted`, testObject("inserted"));
        await store.create(`/p/k39-after-${step}`, testObject("appended"));
        await store.create(`/p/a-before-${step}`, testObject("prepended"));
        const unread = names[Math.min(39, (pageIndex + 1) * 7 + 2)]!;
        await ignoreNotFound(store.update(unread, testObject(unread, { v: "changed" })));
        await ignoreNotFound(store.delete(names[pageIndex * 7]!));
        await ignoreNotFound(store.delete(names[Math.min(39, (pageIndex + 1) * 7 + 4)]!));
      });
      assert.ok(pages.length >= 6, `40 items in pages of 7 gave ${pages.length} pages`);
      for (const page of pages) {
        assert.equal(page.revision, snapshot.revision, "every page is read at the first page's revision");
        assert.ok(page.items.length <= 7);
      }
      for (const page of pages.slice(0, -1)) assert.equal(page.items.length, 7, "only the last page may be short");
      const joined = pages.flatMap((page) => page.items);
      assert.deepEqual(joined, snapshot.items, "the pages together equal the snapshot: no duplicate, nothing missing");
      const latest = await store.list<TestObject>({ prefix: "/p/" });
      assert.notDeepEqual(keysOf(latest), keysOf(snapshot), "the writes between pages changed the latest state");
    },
  },
  {
    name: "limit bounds a page and remainingItemCount counts the items after it",
    async run(harness) {
      const store = await harness.open();
      for (let i = 0; i < 10; i++) await store.create(`/rc/k${i}`, testObject(`k${i}`));
      await store.create("/rcx/other", testObject("other"));
      await store.delete("/rc/k4");
      const pages = await allPages(store, "/rc/", 4);
      assert.deepEqual(
        pages.map((page) => keysOf(page)),
        [
          ["k0", "k1", "k2", "k3"],
          ["k5", "k6", "k7", "k8"],
          ["k9"],
        ],
      );
      assert.deepEqual(
        pages.map((page) => page.remainingItemCount),
        [5, 1, undefined],
      );
      const exact = await store.list<TestObject>({ prefix: "/rc/", limit: 9 });
      assert.equal(exact.items.length, 9);
      assert.equal(exact.continue, undefined, "no continue when nothing follows");
      const unlimited = await store.list<TestObject>({ prefix: "/rc/", limit: 0 });
      assert.equal(unlimited.items.length, 9);
      assert.equal(unlimited.continue, undefined);
    },
  },
  {
    name: "list at an explicit revision shows the state at that revision",
    async run(harness) {
      const store = await harness.open();
      const r1 = revisionOf(await store.create("/h/a", testObject("a", { v: "1" })));
      const r2 = revisionOf(await store.create("/h/b", testObject("b", { v: "1" })));
      const r3 = revisionOf(await store.update("/h/a", testObject("a", { v: "2" })));
      const r4 = revisionOf(await store.delete("/h/b"));
      const r5 = revisionOf(await store.create("/h/c", testObject("c", { v: "1" })));
      const r6 = revisionOf(await store.create("/h/b", testObject("b", { v: "again" })));
      const state = async (revision: number) => {
        const result = await store.list<TestObject>({ prefix: "/h/", revision });
        assert.equal(result.revision, revision);
        return result.items.map((item) => `${item.metadata.name}=${item.data.v}@${revisionOf(item)}`);
      };
      assert.deepEqual(await state(r1), [`a=1@${r1}`]);
      assert.deepEqual(await state(r2), [`a=1@${r1}`, `b=1@${r2}`]);
      assert.deepEqual(await state(r3), [`a=2@${r3}`, `b=1@${r2}`]);
      assert.deepEqual(await state(r4), [`a=2@${r3}`]);
      assert.deepEqual(await state(r5), [`a=2@${r3}`, `c=1@${r5}`]);
      assert.deepEqual(await state(r6), [`a=2@${r3}`, `b=again@${r6}`, `c=1@${r5}`]);
      const paged = await store.list<TestObject>({ prefix: "/h/", revision: r3, limit: 1 });
      assert.equal(paged.revision, r3);
      assert.ok(paged.continue !== undefined);
      const second = await store.list<TestObject>({ prefix: "/h/", continue: paged.continue, limit: 1 });
      assert.deepEqual(
        second.items.map((item) => `${item.metadata.name}=${item.data.v}`),
        ["b=1"],
      );
    },
  },
  {
    name: "list and continue at a compacted revision fail Expired",
    async run(harness) {
      const store = await harness.open();
      const revisions: number[] = [];
      for (let i = 0; i < 6; i++) revisions.push(revisionOf(await store.create(`/cmp/k${i}`, testObject(`k${i}`, { v: "1" }))));
      revisions.push(revisionOf(await store.update("/cmp/k0", testObject("k0", { v: "2" }))));
      revisions.push(revisionOf(await store.delete("/cmp/k1")));
      const firstPage = await store.list<TestObject>({ prefix: "/cmp/", limit: 2 });
      const atEnd = await store.list<TestObject>({ prefix: "/cmp/" });
      const beforeCompaction = await store.list<TestObject>({ prefix: "/cmp/", revision: revisions[3]! });
      const compactAt = revisions[3]!;
      const oldPage = await store.list<TestObject>({ prefix: "/cmp/", revision: revisions[1]!, limit: 1 });
      await store.compact(compactAt);
      await expectStoreError(store.list({ prefix: "/cmp/", revision: compactAt - 1 }), "Expired", "list below the compacted revision");
      await expectStoreError(store.list({ prefix: "/cmp/", continue: oldPage.continue, limit: 1 }), "Expired", "continue below the compacted revision");
      assert.deepEqual(await store.list({ prefix: "/cmp/", revision: compactAt }), beforeCompaction, "the compacted revision itself stays readable");
      assert.deepEqual(await store.list({ prefix: "/cmp/" }), atEnd);
      const rest = await store.list<TestObject>({ prefix: "/cmp/", continue: firstPage.continue });
      assert.deepEqual([...firstPage.items, ...rest.items], atEnd.items, "a token at a kept revision still works");
      assert.equal((await store.get<TestObject>("/cmp/k0")).data.v, "2");
      await expectStoreError(store.get("/cmp/k1"), "NotFound", "get of a key deleted before compaction");
    },
  },
  {
    name: "malformed continue tokens and negative limits fail InvalidArgument",
    async run(harness) {
      const store = await harness.open();
      for (let i = 0; i < 3; i++) await store.create(`/inv/k${i}`, testObject(`k${i}`));
      await expectStoreError(store.list({ prefix: "/inv/", continue: "not a token!" }), "InvalidArgument", "garbage token");
      await expectStoreError(
        store.list({ prefix: "/inv/", continue: Buffer.from('{"revision":"x"}').toString("base64url") }),
        "InvalidArgument",
        "token without a numeric revision",
      );
      await expectStoreError(store.list({ prefix: "/inv/", limit: -1 }), "InvalidArgument", "negative limit");
      await expectStoreError(store.list({ prefix: "/inv/", limit: 1.5 }), "InvalidArgument", "fractional limit");
    },
  },
];
