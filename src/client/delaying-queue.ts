// A work queue that can also add a key later (client-go's DelayingInterface).
// A key waiting for several delays is added once, at the earliest of them.
import { realClock, type CancelTimer, type Clock } from "./clock.ts";
import { WorkQueue } from "./work-queue.ts";

interface Waiting<K> {
  item: K;
  readyAt: number;
}

export class DelayingQueue<K = string> extends WorkQueue<K> {
  /** The earliest time each waiting key is due; the heap may hold stale entries. */
  private readonly readyAt = new Map<K, number>();
  private readonly heap: Waiting<K>[] = [];
  private timer: { at: number; cancel: CancelTimer } | undefined;

  constructor(protected readonly clock: Clock = realClock) {
    super();
  }

  /** Adds item after delayMs (at once when delayMs <= 0). */
  addAfter(item: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(item);
      return;
    }
    const at = this.clock.now() + delayMs;
    const current = this.readyAt.get(item);
    if (current !== undefined && current <= at) return;
    this.readyAt.set(item, at);
    this.push({ item, readyAt: at });
    this.arm();
  }

  /** Keys waiting for their delay. */
  get waitingLength(): number {
    return this.readyAt.size;
  }

  protected override onShutDown(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.readyAt.clear();
    this.heap.length = 0;
  }

  private arm(): void {
    const next = this.heap[0];
    if (next === undefined) return;
    if (this.timer !== undefined && this.timer.at <= next.readyAt) return;
    this.timer?.cancel();
    this.timer = { at: next.readyAt, cancel: this.clock.setTimer(next.readyAt - this.clock.now(), () => this.release()) };
  }

  private release(): void {
    this.timer = undefined;
    const now = this.clock.now();
    for (let top = this.heap[0]; top !== undefined && top.readyAt <= now; top = this.heap[0]) {
      this.pop();
      if (this.readyAt.get(top.item) !== top.readyAt) continue;
      this.readyAt.delete(top.item);
      this.add(top.item);
    }
    this.arm();
  }

  private push(entry: Waiting<K>): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.readyAt <= entry.readyAt) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.readyAt < heap[left]!.readyAt ? right : left;
      if (heap[child]!.readyAt >= last.readyAt) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
