// FakeApi: an in-memory stand-in for the API server, for unit tests of
// informers, queues, controllers and leader election. It keeps objects per
// resource, a global revision, a watch history and resourceVersion checks,
// and lets a test provoke what a real server does now and then: a watch the
// server ends, a history compaction (410 Expired), bookmarks, failed calls.
// It is not a server: no defaulting, validation, admission or finalizers
// (it fills in apiVersion and kind of built-in resources, nothing else);
// update replaces the whole object (status too); apply patches are refused.
import { randomUUID } from "node:crypto";
import type { Status } from "kubernetes-types/meta/v1";
import { parseFieldSelector } from "../../api/field-selector.ts";
import { parseLabelSelector } from "../../api/label-selector.ts";
import { applyJsonPatch } from "../../api/patch/json-patch.ts";
import { applyMergePatch } from "../../api/patch/merge-patch.ts";
import { applyStrategicMergePatch, patchMetaFor } from "../../api/patch/strategic-merge-patch.ts";
import { builtinResources } from "../../api/registry.ts";
import { selectableFields } from "../../api/selectable-fields.ts";
import { realClock, type Clock } from "../clock.ts";
import { ApiStatusError, type StatusReason } from "../errors.ts";
import type {
  CreateOptions,
  DeleteOptions,
  KubeClient,
  KubeObject,
  ListOptions,
  ObjectList,
  PatchOptions,
  PatchType,
  ReadOptions,
  ResourceRef,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from "../kube-client.ts";
import { objectKey } from "../object-key.ts";

export type FakeVerb = "get" | "list" | "create" | "update" | "patch" | "delete" | "watch";

interface Change {
  collection: string;
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeObject;
  previous: KubeObject | undefined;
  revision: number;
}

interface OpenWatch {
  collection: string;
  deliver(change: Change): void;
  bookmark(revision: number): void;
  end(): void;
}

export class FakeApi implements KubeClient {
  private revision = 100;
  /** Changes with a revision at or below this are forgotten: watching from there is 410 Expired. */
  private historyStart = 100;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: Change[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly faults = new Map<FakeVerb, Error[]>();
  /** Every call made, in order, for tests that count relists or writes. */
  readonly calls: { verb: FakeVerb; plural: string; namespace: string; name?: string }[] = [];

  constructor(private readonly clock: Clock = realClock) {}

  // ---- test controls ----

  /** The next call of verb fails with error (queued: one error per call). */
  failNext(verb: FakeVerb, error: Error): void {
    const queue = this.faults.get(verb) ?? [];
    queue.push(error);
    this.faults.set(verb, queue);
  }

  /** Forgets the history so far: a watch from any earlier version gets 410 Expired. */
  compact(): void {
    this.historyStart = this.revision;
    this.history.length = 0;
  }

  /** Ends every open watch, as a server does on its timeout. */
  endWatches(): void {
    for (const watch of [...this.watches]) watch.end();
  }

  /** Sends a BOOKMARK at the current revision to watches that allow them. */
  bookmark(): void {
    for (const watch of this.watches) watch.bookmark(this.revision);
  }

  get openWatches(): number {
    return this.watches.size;
  }

  get currentRevision(): string {
    return String(this.revision);
  }

  callsOf(verb: FakeVerb): number {
    return this.calls.filter((c) => c.verb === verb).length;
  }

  // ---- KubeClient ----

  async get<T extends KubeObject>(resource: ResourceRef, name: string, options: ReadOptions = {}): Promise<T> {
    this.enter("get", resource, name);
    if (options.subresource && options.subresource !== "status") throw notFound(resource, `${name}/${options.subresource}`);
    return clone(this.find(resource, name)) as T;
  }

  async list<T extends KubeObject>(resource: ResourceRef, options: ListOptions = {}): Promise<ObjectList<T>> {
    this.enter("list", resource);
    const matches = this.selector(resource, options);
    const all = [...this.collection(resource).values()]
      .filter((o) => !resource.namespace || o.metadata?.namespace === resource.namespace)
      .filter(matches)
      .sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : 1));
    const offset = options.continue ? Number(Buffer.from(options.continue, "base64url").toString()) : 0;
    const limit = options.limit && options.limit > 0 ? options.limit : all.length;
    const items = all.slice(offset, offset + limit);
    const metadata: ObjectList<T>["metadata"] = { resourceVersion: String(this.revision) };
    if (offset + limit < all.length) metadata.continue = Buffer.from(String(offset + limit)).toString("base64url");
    return { apiVersion: apiVersionOf(resource), kind: "List", metadata, items: items.map(clone) as T[] };
  }

  async create<T extends KubeObject>(resource: ResourceRef, object: T, _options: CreateOptions = {}): Promise<T> {
    const stored = clone(object);
    const meta = (stored.metadata ??= {});
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomUUID().slice(0, 5)}`;
    this.enter("create", resource, meta.name);
    if (!meta.name) throw statusError(422, "Invalid", "metadata.name: Required value");
    if (resource.namespace) meta.namespace = resource.namespace;
    const key = objectKey(stored);
    if (this.collection(resource).has(key)) throw statusError(409, "AlreadyExists", `${resource.plural} "${meta.name}" already exists`, { name: meta.name, kind: resource.plural });
    const kind = kindOf(resource);
    if (kind !== undefined) {
      stored.apiVersion ??= apiVersionOf(resource);
      stored.kind ??= kind;
    }
    stored.metadata = { ...meta, uid: randomUUID(), creationTimestamp: new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, "Z"), generation: 1 };
    return clone(this.commit(resource, "ADDED", stored, undefined)) as T;
  }

  async createSubresource<R>(resource: ResourceRef, name: string, subresource: string, body: unknown, _options: WriteOptions = {}): Promise<R> {
    this.enter("create", resource, `${name}/${subresource}`);
    if (resource.group !== "" || resource.plural !== "pods" || subresource !== "binding") throw notFound(resource, `${name}/${subresource}`);
    const pod = clone(this.find(resource, name)) as KubeObject & { spec?: { nodeName?: string } };
    if (pod.spec?.nodeName) throw statusError(409, "Conflict", `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    const target = (body as { target?: { name?: string } }).target?.name ?? "";
    pod.spec = { ...pod.spec, nodeName: target };
    this.commit(resource, "MODIFIED", pod, this.find(resource, name));
    return { kind: "Status", apiVersion: "v1", status: "Success", code: 201 } as R;
  }

  async update<T extends KubeObject>(resource: ResourceRef, object: T, options: WriteOptions = {}): Promise<T> {
    const name = object.metadata?.name ?? "";
    this.enter("update", resource, name);
    const current = this.find(resource, name);
    const given = object.metadata?.resourceVersion;
    if (given && given !== current.metadata?.resourceVersion) throw conflict(resource, name);
    const next = options.subresource === "status" ? { ...clone(current), status: clone((object as { status?: unknown }).status) } : clone(object);
    next.metadata = { ...next.metadata, namespace: current.metadata?.namespace, uid: current.metadata?.uid, creationTimestamp: current.metadata?.creationTimestamp, generation: current.metadata?.generation };
    if (!next.metadata.namespace) delete next.metadata.namespace;
    return clone(this.commit(resource, "MODIFIED", next, current)) as T;
  }

  updateStatus<T extends KubeObject>(resource: ResourceRef, object: T, options: WriteOptions = {}): Promise<T> {
    return this.update(resource, object, { ...options, subresource: "status" });
  }

  async patch<T extends KubeObject>(resource: ResourceRef, name: string, type: PatchType, patch: unknown, _options: PatchOptions = {}): Promise<T> {
    this.enter("patch", resource, name);
    const current = this.find(resource, name);
    const body = typeof patch === "string" ? (JSON.parse(patch) as unknown) : patch;
    let next: unknown;
    switch (type) {
      case "json":
        next = applyJsonPatch(clone(current), body);
        break;
      case "merge":
        next = applyMergePatch(clone(current), body);
        break;
      case "strategic": {
        const kind = kindOf(resource);
        const meta = kind ? patchMetaFor(resource.group, resource.version, kind) : undefined;
        if (meta === undefined) throw statusError(415, "UnsupportedMediaType", `the fake has no strategic merge schema for ${resource.plural}`);
        next = applyStrategicMergePatch(clone(current), body, meta);
        break;
      }
      case "apply":
        throw statusError(415, "UnsupportedMediaType", "the fake API does not do server-side apply");
    }
    const patched = next as KubeObject;
    const given = patched.metadata?.resourceVersion;
    if (given && given !== current.metadata?.resourceVersion) throw conflict(resource, name);
    return clone(this.commit(resource, "MODIFIED", patched, current)) as T;
  }

  async delete<T extends KubeObject>(resource: ResourceRef, name: string, options: DeleteOptions = {}): Promise<T | Status> {
    this.enter("delete", resource, name);
    const current = this.find(resource, name);
    const pre = options.preconditions;
    if ((pre?.uid && pre.uid !== current.metadata?.uid) || (pre?.resourceVersion && pre.resourceVersion !== current.metadata?.resourceVersion)) throw conflict(resource, name);
    this.commit(resource, "DELETED", clone(current), current);
    return { kind: "Status", apiVersion: "v1", status: "Success", details: { name, kind: resource.plural, uid: current.metadata?.uid ?? "" } };
  }

  async *watch<T extends KubeObject>(resource: ResourceRef, options: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    this.enter("watch", resource);
    const collection = collectionOf(resource);
    const matches = this.selector(resource, options);
    const inScope = (o: KubeObject) => !resource.namespace || o.metadata?.namespace === resource.namespace;
    const pending: WatchEvent<T>[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const push = (event: WatchEvent<T>) => {
      pending.push(event);
      wake?.();
    };
    const translate = (change: Change) => {
      if (!inScope(change.object)) return;
      const now = change.type !== "DELETED" && matches(change.object);
      const before = change.previous !== undefined && matches(change.previous);
      const object = clone(change.object) as T;
      if (change.type === "DELETED") {
        if (before || matches(change.object)) push({ type: "DELETED", object });
      } else if (now && before) push({ type: "MODIFIED", object });
      else if (now) push({ type: "ADDED", object });
      else if (before) push({ type: "DELETED", object });
    };
    const from = options.resourceVersion ?? "";
    if (from === "" || from === "0") {
      for (const object of this.collection(resource).values()) if (inScope(object) && matches(object)) push({ type: "ADDED", object: clone(object) as T });
    } else {
      if (Number(from) < this.historyStart) throw statusError(410, "Expired", `too old resource version: ${from} (${this.historyStart})`);
      for (const change of this.history) if (change.collection === collection && change.revision > Number(from)) translate(change);
    }
    const watch: OpenWatch = {
      collection,
      deliver: translate,
      bookmark: (revision) => {
        if (options.allowWatchBookmarks) push({ type: "BOOKMARK", object: { apiVersion: apiVersionOf(resource), metadata: { resourceVersion: String(revision) } } as T });
      },
      end: () => {
        // Like a closed connection: nothing after this moment reaches the client.
        ended = true;
        pending.length = 0;
        this.watches.delete(watch);
        wake?.();
      },
    };
    const signal = options.signal;
    const onAbort = () => watch.end();
    signal?.addEventListener("abort", onAbort, { once: true });
    this.watches.add(watch);
    try {
      for (;;) {
        while (pending.length > 0 && !ended && !signal?.aborted) yield pending.shift()!;
        if (ended || signal?.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.watches.delete(watch);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  // ---- internals ----

  private enter(verb: FakeVerb, resource: ResourceRef, name?: string): void {
    this.calls.push({ verb, plural: resource.plural, namespace: resource.namespace ?? "", ...(name !== undefined ? { name } : {}) });
    const fault = this.faults.get(verb)?.shift();
    if (fault !== undefined) throw fault;
  }

  private collection(resource: ResourceRef): Map<string, KubeObject> {
    const key = collectionOf(resource);
    let objects = this.objects.get(key);
    if (objects === undefined) this.objects.set(key, (objects = new Map()));
    return objects;
  }

  private find(resource: ResourceRef, name: string): KubeObject {
    const key = resource.namespace ? `${resource.namespace}/${name}` : name;
    const found = this.collection(resource).get(key);
    if (found === undefined) throw notFound(resource, name);
    return found;
  }

  private commit(resource: ResourceRef, type: Change["type"], object: KubeObject, previous: KubeObject | undefined): KubeObject {
    this.revision++;
    object.metadata = { ...object.metadata, resourceVersion: String(this.revision) };
    const objects = this.collection(resource);
    if (type === "DELETED") objects.delete(objectKey(object));
    else objects.set(objectKey(object), object);
    const change: Change = { collection: collectionOf(resource), type, object, previous, revision: this.revision };
    this.history.push(change);
    for (const watch of this.watches) if (watch.collection === change.collection) watch.deliver(change);
    return object;
  }

  private selector(resource: ResourceRef, options: { labelSelector?: string; fieldSelector?: string }): (o: KubeObject) => boolean {
    const labels = parseLabelSelector(options.labelSelector ?? "");
    const fields = parseFieldSelector(options.fieldSelector ?? "");
    return (o) => labels.matches(o.metadata?.labels ?? {}) && fields.matches(selectableFields(resource.group, resource.plural, o));
  }
}

function collectionOf(resource: ResourceRef): string {
  return `${resource.group}/${resource.plural}`;
}

/** The kind of a built-in resource, as the server fills it in. */
function kindOf(resource: ResourceRef): string | undefined {
  return builtinResources.find((r) => r.group === resource.group && r.version === resource.version && r.plural === resource.plural)?.kind;
}

function apiVersionOf(resource: ResourceRef): string {
  return resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function statusError(code: number, reason: StatusReason, message: string, details?: Status["details"]): ApiStatusError {
  return new ApiStatusError({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message, ...(details ? { details } : {}) });
}

function notFound(resource: ResourceRef, name: string): ApiStatusError {
  return statusError(404, "NotFound", `${resource.plural} "${name}" not found`, { name, kind: resource.plural });
}

function conflict(resource: ResourceRef, name: string): ApiStatusError {
  return statusError(409, "Conflict", `Operation cannot be fulfilled on ${resource.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, kind: resource.plural });
}
