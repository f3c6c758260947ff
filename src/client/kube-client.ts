// What components need from the API: the verbs on any resource addressed by
// group, version and plural. RestClient speaks it over HTTP to a real server;
// testing/fake-api.ts keeps objects in memory for unit tests.
import type { ListMeta, ObjectMeta, Status } from "kubernetes-types/meta/v1";

/** A resource collection; namespace is omitted for cluster-scoped resources and for lists across namespaces. */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  namespace?: string;
}

/** The part of every API object the client relies on. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: "Exact" | "NotOlderThan";
  signal?: AbortSignal;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Events after this version; "" or absent starts with ADDED for every current object. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** The server ends the watch after this long. */
  timeoutSeconds?: number;
  /** Aborting ends the stream quietly. */
  signal?: AbortSignal;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

/** A watch event; ERROR events surface as a thrown ApiStatusError instead. */
export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

export interface ReadOptions {
  resourceVersion?: string;
  /** e.g. "status" or "scale". */
  subresource?: string;
  signal?: AbortSignal;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  subresource?: string;
  signal?: AbortSignal;
}

export type CreateOptions = Omit<WriteOptions, "subresource">;

export type PatchType = "json" | "merge" | "strategic" | "apply";

export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take over fields other managers own. */
  force?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface KubeClient {
  get<T extends KubeObject>(resource: ResourceRef, name: string, options?: ReadOptions): Promise<T>;
  list<T extends KubeObject>(resource: ResourceRef, options?: ListOptions): Promise<ObjectList<T>>;
  create<T extends KubeObject>(resource: ResourceRef, object: T, options?: CreateOptions): Promise<T>;
  /** POSTs to a named object's subresource (pods/binding, pods/eviction); returns the answer as sent. */
  createSubresource<R>(resource: ResourceRef, name: string, subresource: string, body: unknown, options?: WriteOptions): Promise<R>;
  /** PUT; the object's metadata.resourceVersion, when set, makes it conditional (409 Conflict on a mismatch). */
  update<T extends KubeObject>(resource: ResourceRef, object: T, options?: WriteOptions): Promise<T>;
  updateStatus<T extends KubeObject>(resource: ResourceRef, object: T, options?: WriteOptions): Promise<T>;
  patch<T extends KubeObject>(resource: ResourceRef, name: string, type: PatchType, patch: unknown, options?: PatchOptions): Promise<T>;
  /** Answers the object while finalizers or a grace period keep it, or a Success Status once it is gone. */
  delete<T extends KubeObject>(resource: ResourceRef, name: string, options?: DeleteOptions): Promise<T | Status>;
  watch<T extends KubeObject>(resource: ResourceRef, options?: WatchOptions): AsyncIterable<WatchEvent<T>>;
}
