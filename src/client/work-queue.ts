// A FIFO of keys for controller workers (client-go's workqueue.Typed). A key
// is queued at most once however often it is added (the dirty set), and is
// never handed to two workers at once: a key added while a worker holds it
// waits in the dirty set and is queued again when that worker calls done().

export class WorkQueue<K = string> {
  private queue: K[] = [];
  private head = 0;
  /** Keys that need processing: queued, or added again while being processed. */
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly getters: ((item: K | undefined) => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private stopping = false;

  /** Queues item unless it is already waiting; ignored once the queue shuts down. */
  add(item: K): void {
    if (this.stopping || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.enqueue(item);
  }

  /**
   * The next key, once there is one; the caller owns it until done(key).
   * Resolves undefined when the queue has shut down and holds nothing more.
   */
  get(): Promise<K | undefined> {
    if (this.head < this.queue.length) return Promise.resolve(this.take());
    if (this.stopping) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Ends processing of item; if it was added meanwhile it is queued again. */
  done(item: K): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) this.enqueue(item);
    this.checkDrained();
  }

  /** Keys waiting to be handed out (not those being processed). */
  get length(): number {
    return this.queue.length - this.head;
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Stops accepting keys; workers still receive what is queued, then undefined. */
  shutDown(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.onShutDown();
    // Getters wait only on an empty queue: none of them will get a key now.
    for (const resolve of this.getters.splice(0)) resolve(undefined);
    this.checkDrained();
  }

  /** Like shutDown, and resolves once every queued key has been handed out and marked done. */
  shutDownWithDrain(): Promise<void> {
    const drained = new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    this.shutDown();
    this.checkDrained();
    return drained;
  }

  /** A hook for stacked queues to release their own timers. */
  protected onShutDown(): void {}

  private enqueue(item: K): void {
    const getter = this.getters.shift();
    if (getter !== undefined) {
      this.dirty.delete(item);
      this.processing.add(item);
      getter(item);
      return;
    }
    this.queue.push(item);
  }

  private take(): K {
    const item = this.queue[this.head]!;
    this.head++;
    // Compact now and then so a long-lived queue does not keep a dead prefix.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(item);
    this.processing.add(item);
    return item;
  }

  private checkDrained(): void {
    if (!this.stopping || this.length > 0 || this.processing.size > 0) return;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}
