import { test } from "node:test";
import assert from "node:assert/strict";
import { KeyedHeap } from "./keyed-heap.ts";

interface Item {
  key: string;
  rank: number;
}

function heapOf(items: Item[]): KeyedHeap<Item> {
  const heap = new KeyedHeap<Item>((item) => item.key, (left, right) => left.rank < right.rank);
  for (const item of items) heap.upsert(item);
  return heap;
}

function drain(heap: KeyedHeap<Item>): number[] {
  const ranks: number[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) ranks.push(item.rank);
  return ranks;
}

// A fixed pseudo-random sequence keeps the test repeatable.
function ranks(count: number, seed: number): number[] {
  const values: number[] = [];
  let state = seed;
  for (let index = 0; index < count; index++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    values.push(state % 1000);
  }
  return values;
}

for (const seed of [1, 7, 42]) {
  test(`pops in order after inserts, deletes and re-ranks (seed ${seed})`, () => {
    const items = ranks(200, seed).map((rank, index) => ({ key: `k${index}`, rank }));
    const heap = heapOf(items);
    const kept = new Map(items.map((item) => [item.key, item.rank]));
    for (let index = 0; index < 200; index += 3) {
      heap.delete(`k${index}`);
      kept.delete(`k${index}`);
    }
    for (let index = 1; index < 200; index += 5) {
      heap.upsert({ key: `k${index}`, rank: 1000 - index });
      kept.set(`k${index}`, 1000 - index);
    }
    assert.equal(heap.size, kept.size);
    assert.deepEqual(drain(heap), [...kept.values()].sort((left, right) => left - right));
  });
}

test("get and has see items by key; deleting an unknown key is harmless", () => {
  const heap = heapOf([{ key: "a", rank: 2 }, { key: "b", rank: 1 }]);
  assert.equal(heap.get("a")?.rank, 2);
  assert.equal(heap.has("c"), false);
  assert.equal(heap.delete("c"), undefined);
  assert.equal(heap.peek()?.key, "b");
});
