// Keeps a sink in step with the server (client-go's cache.Reflector): list,
// then watch from the list's resourceVersion; when a watch ends normally,
// watch again from the last version seen (bookmarks advance it too); when the
// version is too old (410 Gone/Expired) or the stream breaks, list again.
// Every restart of list-and-watch waits an exponential, jittered back-off
// (800 ms doubling to 30 s, reset after two quiet minutes), as upstream.
import { jittered, realClock, sleep, type Clock } from "./clock.ts";
import { ClientConnectionError, isResourceExpired } from "./errors.ts";
import type { KubeObject } from "./kube-client.ts";
import type { ListerWatcher } from "./lister-watcher.ts";

/** Where the reflector delivers what it learns. */
export interface ReflectorSink<T> {
  /** The complete current state, after a (re)list. */
  replace(items: T[], resourceVersion: string): void;
  added(obj: T): void;
  modified(obj: T): void;
  deleted(obj: T): void;
}

export interface ReflectorOptions {
  clock?: Clock;
  /** Items per list page; 0 lists in one request. */
  pageSize?: number;
  /** Each watch asks the server to end it after a random time in [min, 2*min). */
  minWatchTimeoutSeconds?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A run of list-and-watch this long without failure resets the back-off. */
  backoffResetMs?: number;
  random?: () => number;
  /** Told about every failure that leads to a relist (default: logged to stderr). */
  onError?: (error: unknown) => void;
  /** Names the reflector in messages. */
  name?: string;
}

export class Reflector<T extends KubeObject> {
  private lastVersion = "";
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(
    private readonly source: ListerWatcher<T>,
    private readonly sink: ReflectorSink<T>,
    private readonly options: ReflectorOptions = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
  }

  /** The resourceVersion of the last list, watch event or bookmark. */
  get lastSyncResourceVersion(): string {
    return this.lastVersion;
  }

  /** Lists and watches until signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const initial = this.options.initialBackoffMs ?? 800;
    const max = this.options.maxBackoffMs ?? 30_000;
    const resetAfter = this.options.backoffResetMs ?? 120_000;
    let backoff = initial;
    while (!signal.aborted) {
      const started = this.clock.now();
      try {
        await this.listAndWatch(signal);
      } catch (e) {
        if (signal.aborted) break;
        this.report(e);
      }
      if (signal.aborted) break;
      if (this.clock.now() - started >= resetAfter) backoff = initial;
      await sleep(this.clock, jittered(backoff, 1, this.random), signal);
      backoff = Math.min(max, backoff * 2);
    }
  }

  private async listAndWatch(signal: AbortSignal): Promise<void> {
    const version = await this.list(signal);
    this.lastVersion = version;
    for (;;) {
      const started = this.clock.now();
      const events = await this.watch(signal);
      if (signal.aborted) return;
      // A watch that ends at once with nothing in it would otherwise spin.
      if (events === 0 && this.clock.now() - started < 1000) {
        throw new ClientConnectionError(`${this.describe()}: the watch closed within a second without an event`);
      }
    }
  }

  /** Lists every page, hands the items over, and returns the list's resourceVersion. */
  private async list(signal: AbortSignal): Promise<string> {
    const pageSize = this.options.pageSize ?? 500;
    const items: T[] = [];
    let page = await this.source.list({ resourceVersion: "", ...(pageSize > 0 ? { limit: pageSize } : {}), signal });
    const version = page.metadata.resourceVersion ?? "";
    items.push(...page.items);
    while (page.metadata.continue) {
      try {
        page = await this.source.list({ continue: page.metadata.continue, limit: pageSize, signal });
        items.push(...page.items);
      } catch (e) {
        if (!isResourceExpired(e)) throw e;
        // The continue token outlived the server's history: one unpaged list instead.
        const full = await this.source.list({ resourceVersion: "", signal });
        this.sink.replace(full.items, full.metadata.resourceVersion ?? "");
        return full.metadata.resourceVersion ?? "";
      }
    }
    this.sink.replace(items, version);
    return version;
  }

  /** Watches from the last version until the stream ends; returns how many events it carried. */
  private async watch(signal: AbortSignal): Promise<number> {
    const minTimeout = this.options.minWatchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.floor(minTimeout * (1 + this.random()));
    let events = 0;
    for await (const event of this.source.watch({ resourceVersion: this.lastVersion, allowWatchBookmarks: true, timeoutSeconds, signal })) {
      events++;
      switch (event.type) {
        case "ADDED":
          this.sink.added(event.object);
          break;
        case "MODIFIED":
          this.sink.modified(event.object);
          break;
        case "DELETED":
          this.sink.deleted(event.object);
          break;
        case "BOOKMARK":
          break;
      }
      const version = event.object.metadata?.resourceVersion;
      if (version) this.lastVersion = version;
    }
    return events;
  }

  private report(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else if (!isResourceExpired(error)) console.error(`${this.describe()}: ${error instanceof Error ? error.message : String(error)}; listing again`);
  }

  private describe(): string {
    return `reflector ${this.options.name ?? ""}`.trim();
  }
}
