// The REST verbs of one resource over the store and its watch cache:
// get, list, watch, create, update, patch, delete, deletecollection, and the
// status subresource. HTTP lives in ../handler.ts; this file speaks objects.
import type { ResourceInfo } from "../../api/registry.ts";
import type { Preconditions, Store } from "../../storage/store.ts";
import { isStoreError } from "../../storage/store.ts";
import type { ApiObject, Strategy } from "../registry/strategy.ts";
import type { CacheEvent, WatchCache } from "../watch-cache.ts";
import type { Admission, Operation, UserInfo } from "../admission/admission.ts";
import { namespacePrefix, objectKey } from "../keys.ts";
import { ApiError, alreadyExists, badRequest, conflict, notFound, staleObjectMessage, type StatusTarget } from "../status.ts";
import { deepCopy, deepEqual, fillCreateMeta, keepSystemMeta, meta, specOf, timestamp } from "./object-meta.ts";
import type { ObjectFilter } from "./filter.ts";
import { encodeContinueToken } from "../../storage/continue-token.ts";
import { applyDefaults } from "../../api/defaults/index.ts";
import { checkObject, checkObjectUpdate } from "./validate.ts";
import { recordWrite, type FieldManagerOptions } from "./managed-fields.ts";

/** Writes also say who makes them (fieldManager, User-Agent, subresource): see managed-fields.ts. */
export interface WriteOptions extends FieldManagerOptions {
  dryRun: boolean;
  fieldManager?: string;
  user: UserInfo;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: Preconditions;
  dryRun: boolean;
  user: UserInfo;
}

export interface ListResult {
  items: ApiObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchSink {
  send(type: "ADDED" | "MODIFIED" | "DELETED", object: ApiObject): void;
  /** The cache lost history; the stream must end so the client relists. */
  end(): void;
}

const maxPatchRetries = 8;

/**
 * Which part of an object an update writes: the main resource, status, or a
 * subresource whose handler changed only what it owns (binding, finalize) —
 * those skip the main resource's update rules (a pod's nodeName is immutable
 * except through binding).
 */
export type UpdatePart = "main" | "status" | "subresource";

export class ResourceRest {
  readonly apiVersion: string;

  constructor(
    readonly info: ResourceInfo,
    private readonly store: Store,
    readonly cache: WatchCache,
    readonly strategy: Strategy,
    private readonly admission: Admission,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.apiVersion = info.group === "" ? info.version : `${info.group}/${info.version}`;
  }

  target(name: string): StatusTarget {
    const qualifiedResource = this.info.group === "" ? this.info.plural : `${this.info.plural}.${this.info.group}`;
    return { qualifiedResource, group: this.info.group, resource: this.info.plural, name };
  }

  key(namespace: string, name: string): string {
    return objectKey(this.cache.prefix, this.info.namespaced ? namespace : "", name);
  }

  /** Stored objects carry the storage version's apiVersion; serve the requested one. */
  private present(obj: ApiObject): ApiObject {
    if (obj.apiVersion === this.apiVersion && obj.kind === this.info.kind) return obj;
    return { ...obj, apiVersion: this.apiVersion, kind: this.info.kind };
  }

  async get(namespace: string, name: string, resourceVersion: string | null): Promise<ApiObject> {
    if (resourceVersion !== "0") await this.cache.sync();
    else await this.cache.ready();
    const obj = this.cache.get(this.key(namespace, name)) as ApiObject | undefined;
    if (obj === undefined) throw notFound(this.target(name));
    return this.present(obj);
  }

  /** A read straight from the store, for read-modify-write. */
  private async read(namespace: string, name: string): Promise<ApiObject | undefined> {
    try {
      return await this.store.get<ApiObject>(this.key(namespace, name));
    } catch (e) {
      if (isStoreError(e, "NotFound")) return undefined;
      throw e;
    }
  }

  async list(
    namespace: string,
    filter: ObjectFilter,
    opts: { limit?: number; continue?: string; resourceVersion?: string | null; resourceVersionMatch?: string | null },
  ): Promise<ListResult> {
    const prefix = namespacePrefix(this.cache.prefix, this.info.namespaced ? namespace : "");
    const match = opts.resourceVersionMatch ?? "";
    if (match !== "" && match !== "Exact" && match !== "NotOlderThan") throw badRequest(`invalid resourceVersionMatch: ${match}`);
    if (match !== "" && !opts.resourceVersion) throw badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
    const exact = match === "Exact" ? parseResourceVersion(opts.resourceVersion!) : undefined;
    if (opts.continue || exact !== undefined) {
      // Later pages, and lists at an exact revision, are read from the store at that revision: a consistent snapshot.
      const page = await this.store.list<ApiObject>(opts.continue ? { prefix, continue: opts.continue, limit: opts.limit } : { prefix, revision: exact, limit: opts.limit });
      const result: ListResult = { items: page.items.filter((o) => filter.matches(o)).map((o) => this.present(o)), resourceVersion: String(page.revision) };
      if (page.continue !== undefined) result.continue = page.continue;
      if (page.remainingItemCount !== undefined && filter.isEmpty()) result.remainingItemCount = page.remainingItemCount;
      return result;
    }
    if (opts.resourceVersion !== "0") await this.cache.sync();
    else await this.cache.ready();
    const listed = this.cache.list(prefix);
    const items: ApiObject[] = [];
    let lastKey = "";
    let remaining = 0;
    for (const { key, object } of listed.items) {
      if (!filter.matches(object as ApiObject)) continue;
      if (opts.limit && items.length >= opts.limit) {
        remaining++;
        continue;
      }
      items.push(this.present(object as ApiObject));
      lastKey = key;
    }
    const result: ListResult = { items, resourceVersion: String(listed.revision) };
    if (remaining > 0) {
      result.continue = encodeContinueToken(prefix, listed.revision, lastKey);
      if (filter.isEmpty()) result.remainingItemCount = remaining;
    }
    return result;
  }

  /**
   * Starts a watch. resourceVersion "" or "0" first sends the current objects as
   * ADDED; a number replays what happened after it. Returns a cancel function.
   */
  async watch(namespace: string, filter: ObjectFilter, resourceVersion: string | null, sink: WatchSink): Promise<() => void> {
    await this.cache.ready();
    const prefix = namespacePrefix(this.cache.prefix, this.info.namespaced ? namespace : "");
    const deliver = (e: CacheEvent) => {
      if (!keyInside(e.key, prefix)) return;
      const now = filter.matches(e.object as ApiObject);
      const before = e.prevObject !== undefined && filter.matches(e.prevObject as ApiObject);
      const obj = this.present(e.object as ApiObject);
      switch (e.type) {
        case "ADDED":
          if (now) sink.send("ADDED", obj);
          break;
        case "MODIFIED":
          if (now && before) sink.send("MODIFIED", obj);
          else if (now) sink.send("ADDED", obj);
          else if (before) sink.send("DELETED", obj);
          break;
        case "DELETED":
          if (before || now) sink.send("DELETED", obj);
          break;
      }
    };
    const listener = { event: deliver, reset: () => sink.end() };
    if (resourceVersion === null || resourceVersion === "" || resourceVersion === "0") {
      if (resourceVersion !== "0") await this.cache.sync();
      const listed = this.cache.list(prefix);
      const sub = this.cache.subscribe(listed.revision, listener);
      for (const { object } of listed.items) if (filter.matches(object as ApiObject)) sink.send("ADDED", this.present(object as ApiObject));
      return sub.cancel;
    }
    const from = parseResourceVersion(resourceVersion);
    const sub = this.cache.subscribe(from, listener);
    for (const e of sub.replay) deliver(e);
    return sub.cancel;
  }

  async create(namespace: string, body: ApiObject, opts: WriteOptions): Promise<ApiObject> {
    const obj = this.checkKind(body);
    this.checkNamespace(obj, namespace);
    fillCreateMeta(obj, this.info.namespaced ? namespace : "", this.clock(), this.strategy.tracksGeneration);
    this.strategy.prepareForCreate(obj);
    applyDefaults(this.info, obj);
    // managedFields: the creator owns what it set, defaults included (upstream records before admission).
    recordWrite(undefined, obj, obj.metadata?.managedFields, { resource: this.info, statusSubresource: this.strategy.statusSubresource, part: "main", options: opts, now: this.clock() });
    await this.admission.admit(this.attributes("CREATE", obj, undefined, opts));
    checkObject(this.info, obj, this.target(obj.metadata?.name ?? ""));
    await this.admission.validate(this.attributes("CREATE", obj, undefined, opts));
    if (opts.dryRun) return obj;
    try {
      return await this.store.create(this.key(namespace, obj.metadata!.name!), obj);
    } catch (e) {
      if (isStoreError(e, "AlreadyExists")) throw alreadyExists(this.target(obj.metadata!.name!));
      throw e;
    }
  }

  /** PUT of the main resource. */
  async update(namespace: string, name: string, body: ApiObject, opts: WriteOptions): Promise<{ object: ApiObject; created: boolean }> {
    const obj = this.checkKind(body);
    this.checkNamespace(obj, namespace);
    if (obj.metadata?.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata?.name ?? ""}) does not match the name on the URL (${name})`);
    }
    const old = await this.read(namespace, name);
    if (old === undefined) {
      if (!this.strategy.allowCreateOnUpdate) throw notFound(this.target(name));
      return { object: await this.create(namespace, obj, opts), created: true };
    }
    const wanted = obj.metadata.resourceVersion;
    const object = await this.writeUpdate(namespace, old, obj, wanted ?? old.metadata!.resourceVersion!, opts, "main");
    return { object, created: false };
  }

  /** PUT of the status subresource: only status (and some metadata) changes. */
  async updateStatus(namespace: string, name: string, body: ApiObject, opts: WriteOptions): Promise<ApiObject> {
    const obj = this.checkKind(body);
    if (obj.metadata?.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata?.name ?? ""}) does not match the name on the URL (${name})`);
    }
    const old = await this.read(namespace, name);
    if (old === undefined) throw notFound(this.target(name));
    return this.writeUpdate(namespace, old, obj, obj.metadata.resourceVersion ?? old.metadata!.resourceVersion!, opts, "status");
  }

  /**
   * Read-modify-write with retries on conflict: mutate gets a copy of the
   * current object and returns the wanted one (or throws).
   */
  async modify(
    namespace: string,
    name: string,
    part: UpdatePart,
    opts: WriteOptions,
    mutate: (current: ApiObject) => ApiObject | Promise<ApiObject>,
    preconditionFromResult = true,
  ): Promise<ApiObject> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(namespace, name);
      if (current === undefined) throw notFound(this.target(name));
      const currentVersion = current.metadata!.resourceVersion!;
      const wanted = await mutate(deepCopy(current));
      const requested = preconditionFromResult ? wanted.metadata?.resourceVersion : undefined;
      if (requested !== undefined && requested !== currentVersion) throw conflict(this.target(name), staleObjectMessage);
      try {
        return await this.writeUpdate(namespace, current, wanted, currentVersion, opts, part);
      } catch (e) {
        // A precondition the request itself carried was checked above against a fresh read, so a conflict
        // here is a write that raced ours: start over, as upstream's patch does.
        if (e instanceof ApiError && e.reason === "Conflict" && attempt < maxPatchRetries) continue;
        throw e;
      }
    }
  }

  private async writeUpdate(namespace: string, old: ApiObject, obj: ApiObject, expectVersion: string, opts: WriteOptions, part: UpdatePart): Promise<ApiObject> {
    const name = old.metadata!.name!;
    // managedFields: what the request body carried, before the status branch below replaces obj.
    const sentManagedFields = obj.metadata?.managedFields;
    obj.apiVersion = old.apiVersion ?? this.apiVersion;
    obj.kind = this.info.kind;
    keepSystemMeta(obj, old);
    if (part === "status") {
      // The status subresource ignores everything but status (and labels/annotations? no: upstream keeps old metadata too).
      const status = obj.status;
      const next = deepCopy(old);
      if (status === undefined) delete next.status;
      else next.status = status;
      obj = next;
    } else if (part === "main") {
      this.strategy.prepareForUpdate(obj, old);
    }
    applyDefaults(this.info, obj);
    if (this.strategy.tracksGeneration && !deepEqual(specOf(obj), specOf(old))) {
      obj.metadata!.generation = (old.metadata?.generation ?? 0) + 1;
    }
    // managedFields: the writer owns the fields this update changed; others lose them.
    recordWrite(old, obj, sentManagedFields, { resource: this.info, statusSubresource: this.strategy.statusSubresource, part, options: opts, now: this.clock() });
    await this.admission.admit(this.attributes("UPDATE", obj, old, opts));
    if (part !== "subresource") checkObjectUpdate(this.info, obj, old, this.target(name));
    await this.admission.validate(this.attributes("UPDATE", obj, old, opts));
    if (obj.metadata!.resourceVersion !== undefined && obj.metadata!.resourceVersion !== expectVersion) {
      throw conflict(this.target(name), staleObjectMessage);
    }
    obj.metadata!.resourceVersion = old.metadata!.resourceVersion;
    if (deepEqual(obj, old)) return old;
    if (opts.dryRun) return obj;
    const pendingDelete = obj.metadata?.deletionTimestamp !== undefined && this.strategy.deletionFinalizersDone(obj) && !obj.metadata.deletionGracePeriodSeconds;
    try {
      if (pendingDelete) return await this.store.delete(this.key(namespace, name), { resourceVersion: expectVersion });
      return await this.store.update(this.key(namespace, name), obj, { resourceVersion: expectVersion });
    } catch (e) {
      if (isStoreError(e, "Conflict")) throw conflict(this.target(name), staleObjectMessage);
      if (isStoreError(e, "NotFound")) throw notFound(this.target(name));
      throw e;
    }
  }

  async delete(namespace: string, name: string, opts: DeleteOptions): Promise<{ object: ApiObject; deleted: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(namespace, name);
      if (current === undefined) throw notFound(this.target(name));
      checkDeletePreconditions(current, opts.preconditions, this.target(name));
      await this.admission.validate(this.attributes("DELETE", undefined, current, { dryRun: opts.dryRun, user: opts.user }));
      const next = deepCopy(current);
      const m = meta(next);
      const finalizers = new Set(m.finalizers ?? []);
      const policy = opts.propagationPolicy;
      if (policy === "Orphan") finalizers.add("orphan");
      if (policy === "Foreground") finalizers.add("foregroundDeletion");
      if (policy === "Background") {
        finalizers.delete("orphan");
        finalizers.delete("foregroundDeletion");
      }
      const grace = this.strategy.gracePeriod(current, opts.gracePeriodSeconds);
      const graceful = grace !== undefined && grace > 0;
      const alreadyDeleting = m.deletionTimestamp !== undefined;
      if (finalizers.size === 0 && !graceful && this.strategy.deletionFinalizersDone(next)) {
        if (opts.dryRun) return { object: current, deleted: true };
        try {
          const gone = await this.store.delete<ApiObject>(this.key(namespace, name), { resourceVersion: current.metadata!.resourceVersion });
          return { object: this.present(gone), deleted: true };
        } catch (e) {
          if (isStoreError(e, "Conflict") && attempt < maxPatchRetries) continue;
          if (isStoreError(e, "NotFound")) throw notFound(this.target(name));
          throw e;
        }
      }
      // The object stays until its finalizers are gone or its grace period ends.
      const now = this.clock();
      if (graceful) {
        const until = new Date(now.getTime() + grace * 1000);
        // A second delete may shorten the grace period, never extend it.
        if (!alreadyDeleting || Date.parse(m.deletionTimestamp!) > until.getTime()) {
          m.deletionTimestamp = timestamp(until);
          m.deletionGracePeriodSeconds = grace;
        }
      } else if (!alreadyDeleting) {
        m.deletionTimestamp = timestamp(now);
        m.deletionGracePeriodSeconds = 0;
      }
      if (finalizers.size > 0) m.finalizers = [...finalizers];
      else delete m.finalizers;
      this.strategy.prepareForDelete(next);
      if (deepEqual(next, current)) return { object: this.present(current), deleted: false };
      if (opts.dryRun) return { object: next, deleted: false };
      try {
        const updated = await this.store.update<ApiObject>(this.key(namespace, name), next, { resourceVersion: current.metadata!.resourceVersion });
        return { object: this.present(updated), deleted: false };
      } catch (e) {
        if (isStoreError(e, "Conflict") && attempt < maxPatchRetries) continue;
        if (isStoreError(e, "NotFound")) throw notFound(this.target(name));
        throw e;
      }
    }
  }

  async deleteCollection(namespace: string, filter: ObjectFilter, opts: DeleteOptions): Promise<ApiObject[]> {
    const listed = await this.list(namespace, filter, {});
    const deleted: ApiObject[] = [];
    for (const obj of listed.items) {
      try {
        deleted.push((await this.delete(obj.metadata!.namespace ?? "", obj.metadata!.name!, opts)).object);
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === "NotFound")) throw e;
      }
    }
    return deleted;
  }

  private checkKind(body: ApiObject): ApiObject {
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("the body of the request must be a JSON object");
    if (body.kind !== undefined && body.kind !== "" && body.kind !== this.info.kind) {
      throw badRequest(`the object provided is unrecognized (must be of type ${this.info.kind}): ${body.kind}`);
    }
    if (body.apiVersion !== undefined && body.apiVersion !== "" && body.apiVersion !== this.apiVersion) {
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${this.apiVersion})`);
    }
    const obj = deepCopy(body);
    obj.apiVersion = this.apiVersion;
    obj.kind = this.info.kind;
    return obj;
  }

  private checkNamespace(obj: ApiObject, namespace: string): void {
    const ns = obj.metadata?.namespace;
    if (this.info.namespaced && ns !== undefined && ns !== "" && ns !== namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
  }

  private attributes(operation: Operation, object: ApiObject | undefined, oldObject: ApiObject | undefined, opts: { dryRun: boolean; user: UserInfo }) {
    const m = object?.metadata ?? oldObject?.metadata ?? {};
    return { operation, resource: this.info, subresource: "", namespace: m.namespace ?? "", name: m.name ?? "", object, oldObject, user: opts.user, dryRun: opts.dryRun };
  }
}

function keyInside(key: string, prefix: string): boolean {
  return key.startsWith(prefix);
}

export function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return Number(rv);
}

function checkDeletePreconditions(obj: ApiObject, pre: Preconditions | undefined, target: StatusTarget): void {
  if (pre?.uid !== undefined && pre.uid !== obj.metadata?.uid) {
    throw conflict(target, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata?.uid ?? ""}`);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata?.resourceVersion) {
    throw conflict(target, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata?.resourceVersion ?? ""}`);
  }
}
