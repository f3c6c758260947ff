// A binary heap whose items have keys, so a queued pod can be found, updated
// or removed in O(log n) without scanning.

export class KeyedHeap<T> {
  readonly #items: T[] = [];
  readonly #indexByKey = new Map<string, number>();
  readonly #keyOf: (item: T) => string;
  readonly #less: (left: T, right: T) => boolean;

  constructor(keyOf: (item: T) => string, less: (left: T, right: T) => boolean) {
    this.#keyOf = keyOf;
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  has(key: string): boolean {
    return this.#indexByKey.has(key);
  }

  get(key: string): T | undefined {
    const index = this.#indexByKey.get(key);
    return index === undefined ? undefined : this.#items[index];
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  /** Adds the item, or replaces the one with the same key and restores the order. */
  upsert(item: T): void {
    const key = this.#keyOf(item);
    const index = this.#indexByKey.get(key);
    if (index !== undefined) {
      this.#items[index] = item;
      this.#restore(index);
      return;
    }
    this.#items.push(item);
    this.#indexByKey.set(key, this.#items.length - 1);
    this.#siftUp(this.#items.length - 1);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.#removeAt(0);
    return top;
  }

  delete(key: string): T | undefined {
    const index = this.#indexByKey.get(key);
    if (index === undefined) return undefined;
    const item = this.#items[index];
    this.#removeAt(index);
    return item;
  }

  values(): readonly T[] {
    return this.#items;
  }

  #removeAt(index: number): void {
    const removed = this.#items[index] as T;
    this.#indexByKey.delete(this.#keyOf(removed));
    const last = this.#items.pop() as T;
    if (index < this.#items.length) {
      this.#items[index] = last;
      this.#indexByKey.set(this.#keyOf(last), index);
      this.#restore(index);
    }
  }

  #restore(index: number): void {
    if (!this.#siftUp(index)) this.#siftDown(index);
  }

  #swap(left: number, right: number): void {
    const leftItem = this.#items[left] as T;
    const rightItem = this.#items[right] as T;
    this.#items[left] = rightItem;
    this.#items[right] = leftItem;
    this.#indexByKey.set(this.#keyOf(rightItem), left);
    this.#indexByKey.set(this.#keyOf(leftItem), right);
  }

  #siftUp(start: number): boolean {
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#less(this.#items[index] as T, this.#items[parent] as T)) break;
      this.#swap(index, parent);
      index = parent;
    }
    return index !== start;
  }

  #siftDown(start: number): void {
    let index = start;
    const count = this.#items.length;
    while (true) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < count && this.#less(this.#items[left] as T, this.#items[smallest] as T)) smallest = left;
      if (right < count && this.#less(this.#items[right] as T, this.#items[smallest] as T)) smallest = right;
      if (smallest === index) return;
      this.#swap(index, smallest);
      index = smallest;
    }
  }
}
