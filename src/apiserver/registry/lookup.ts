// Finds the REST handler of a resource: one ResourceRest per served
// group/version/resource, one watch cache per stored resource, both made on
// first use so an idle server holds no cache it never served.
import type { ResourceInfo, ResourceRegistry } from "../../api/registry.ts";
import type { Store } from "../../storage/store.ts";
import type { Admission } from "../admission/admission.ts";
import { ResourceRest } from "../rest/resource-rest.ts";
import { StoreFeed, type WatchCache } from "../watch-cache.ts";
import { strategyFor } from "./strategies.ts";
import { ServiceRest } from "./services.ts";

export class Registry {
  private readonly rests = new Map<string, ResourceRest>();
  private admission: Admission | undefined;
  readonly feed: StoreFeed;

  constructor(
    readonly resources: ResourceRegistry,
    private readonly store: Store,
    signal: AbortSignal,
  ) {
    this.feed = new StoreFeed(store);
    this.feed.start(signal).catch((e) => {
      console.error(`store feed stopped: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  /** Set once at start-up: admission plugins look objects up through this registry. */
  useAdmission(admission: Admission): void {
    this.admission = admission;
  }

  rest(group: string, version: string, plural: string): ResourceRest | undefined {
    const id = `${group}/${version}/${plural}`;
    const existing = this.rests.get(id);
    if (existing) return existing;
    const info = this.resources.byResource(group, version, plural);
    if (info === undefined || info.verbs.length === 0 || !info.verbs.some((v) => v === "get" || v === "list")) return undefined;
    const rest =
      info.group === "" && info.plural === "services"
        ? new ServiceRest(info, this.store, this.cache(info), this.admission!)
        : new ResourceRest(info, this.store, this.cache(info), strategyFor(info), this.admission!);
    this.rests.set(id, rest);
    return rest;
  }

  /** The watch cache of a stored resource. */
  cache(info: ResourceInfo): WatchCache {
    return this.feed.cache(info.storage);
  }
}
