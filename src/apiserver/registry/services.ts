// Services: the registry gives each one its cluster IP and node ports.
//
// Allocation state is derived, not stored: what other Services hold is read
// from the watch cache (so it survives restarts and follows deletes, type
// changes and finalizer-delayed removals by itself), plus the values that
// writes in flight on this server have picked but the cache does not show
// yet. A write keeps its picks reserved until the cache has caught up with
// it. This is collision-free for one API server per store (our sqlite and
// etcd modes); several API servers on one etcd would need a stored
// allocation object, which we do not have.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ResourceInfo } from "../../api/registry.ts";
import { formatInvalidMessage, formatFieldErrorDetail } from "../../api/validation/field-error.ts";
import type { Store } from "../../storage/store.ts";
import type { Admission } from "../admission/admission.ts";
import { ResourceRest, type UpdatePart, type WriteOptions } from "../rest/resource-rest.ts";
import { allocateForService, type ServiceSpecShape } from "../service-allocation/service-allocation.ts";
import { ipv4Range, type Ipv4Range } from "../service-allocation/ipv4-range.ts";
import { defaultNodePortRange, type PortRange } from "../service-allocation/port-range.ts";
import { objectKey } from "../keys.ts";
import { invalid } from "../status.ts";
import type { WatchCache } from "../watch-cache.ts";
import { genericStrategy, type ApiObject, type Strategy } from "./strategy.ts";

/** The cluster's service CIDR: 10.43.0.1 is the `kubernetes` Service, 10.43.0.10 cluster DNS. */
export const serviceCidr = "10.43.0.0/16";

interface Reservation {
  ips: Set<string>;
  ports: Set<number>;
}

export interface ServiceAllocatorOptions {
  ipRange?: Ipv4Range;
  portRange?: PortRange;
  random?: () => number;
}

export class UnreservedServiceWriteError extends Error {
  readonly reason = "UnreservedServiceWrite";
  constructor() {
    super("a Service write reached allocation outside ServiceRest's verbs");
  }
}

export class ServiceRest extends ResourceRest {
  private readonly allocator: ServiceAllocator;

  constructor(info: ResourceInfo, store: Store, cache: WatchCache, admission: Admission, options: ServiceAllocatorOptions = {}) {
    const allocator = new ServiceAllocator(cache, options);
    super(info, store, cache, serviceStrategy(info, allocator), admission);
    this.allocator = allocator;
  }

  override create(namespace: string, body: ApiObject, opts: WriteOptions): Promise<ApiObject> {
    return this.allocator.reserving(() => super.create(namespace, body, opts));
  }

  override update(namespace: string, name: string, body: ApiObject, opts: WriteOptions): Promise<{ object: ApiObject; created: boolean }> {
    return this.allocator.reserving(() => super.update(namespace, name, body, opts));
  }

  override modify(
    namespace: string,
    name: string,
    part: UpdatePart,
    opts: WriteOptions,
    mutate: (current: ApiObject) => ApiObject | Promise<ApiObject>,
    preconditionFromResult = true,
  ): Promise<ApiObject> {
    return this.allocator.reserving(() => super.modify(namespace, name, part, opts, mutate, preconditionFromResult));
  }
}

class ServiceAllocator {
  private readonly inFlight = new Set<Reservation>();
  private readonly currentWrite = new AsyncLocalStorage<Reservation>();
  private readonly ipRange: Ipv4Range;
  private readonly portRange: PortRange;
  private readonly random: () => number;

  constructor(
    private readonly cache: WatchCache,
    options: ServiceAllocatorOptions,
  ) {
    this.ipRange = options.ipRange ?? ipv4Range(serviceCidr);
    this.portRange = options.portRange ?? defaultNodePortRange;
    this.random = options.random ?? Math.random;
  }

  /** Runs a write with its own reservation, held until the cache shows the write. */
  async reserving<T>(write: () => Promise<T>): Promise<T> {
    await this.cache.sync();
    const reservation: Reservation = { ips: new Set(), ports: new Set() };
    this.inFlight.add(reservation);
    try {
      const result = await this.currentWrite.run(reservation, write);
      await this.cache.sync();
      return result;
    } finally {
      this.inFlight.delete(reservation);
    }
  }

  allocate(obj: ApiObject, old: ApiObject | undefined): void {
    const reservation = this.currentWrite.getStore();
    // Writes reach the strategy only through ServiceRest's verbs, which open a reservation.
    if (reservation === undefined) throw new UnreservedServiceWriteError();
    const name = obj.metadata?.name ?? "";
    const ownKey = objectKey(this.cache.prefix, obj.metadata?.namespace ?? "", name);
    const takenIps = new Set<string>();
    const takenPorts = new Set<number>();
    for (const { key, object } of this.cache.list().items) {
      if (key === ownKey) continue;
      const spec = (object as ApiObject).spec as ServiceSpecShape | undefined;
      for (const ip of spec?.clusterIPs ?? (spec?.clusterIP ? [spec.clusterIP] : [])) takenIps.add(ip);
      for (const port of spec?.ports ?? []) if (port.nodePort) takenPorts.add(port.nodePort);
      if (typeof spec?.healthCheckNodePort === "number") takenPorts.add(spec.healthCheckNodePort);
    }
    for (const other of this.inFlight) {
      if (other === reservation) continue;
      for (const ip of other.ips) takenIps.add(ip);
      for (const port of other.ports) takenPorts.add(port);
    }
    const spec = (obj.spec ??= {}) as ServiceSpecShape;
    const oldSpec = old === undefined ? undefined : ((old.spec ?? {}) as ServiceSpecShape);
    const result = allocateForService(spec, oldSpec, { ipRange: this.ipRange, portRange: this.portRange, random: this.random, takenIps, takenPorts });
    if (result.errors.length > 0) {
      const causes = result.errors.map((e) => ({ reason: e.type, message: formatFieldErrorDetail(e), field: e.field }));
      const target = { qualifiedResource: "services", group: "", resource: "services", name };
      throw invalid("Service", name, formatInvalidMessage("Service", name, result.errors), causes, target);
    }
    for (const ip of result.ips) reservation.ips.add(ip);
    for (const port of result.ports) reservation.ports.add(port);
  }
}

function serviceStrategy(info: ResourceInfo, allocator: ServiceAllocator): Strategy {
  const base = genericStrategy(info);
  return {
    ...base,
    prepareForCreate(obj) {
      base.prepareForCreate(obj);
      allocator.allocate(obj, undefined);
    },
    prepareForUpdate(obj, old) {
      base.prepareForUpdate(obj, old);
      allocator.allocate(obj, old);
    },
  };
}
