// Server-side apply (PATCH with application/apply-patch+yaml): the body is a
// partial object, the fields its manager wants to own with the values it
// wants. It merges into the live object (maps field by field, keyed lists item
// by item, atomic values whole), fails with 409 when it would change fields
// other managers own (unless forced), removes what the manager applied before
// and no longer applies when nobody else owns it, and creates the object when
// it is absent. The merged object then takes the ordinary update path of
// ResourceRest (defaults, admission, validation, resourceVersion precondition).
import type { UserInfo } from "../admission/admission.ts";
import type { ApiObject } from "../registry/strategy.ts";
import type { ResourceRest, UpdatePart, WriteOptions } from "./resource-rest.ts";
import { ApiError, badRequest, conflict } from "../status.ts";
import { timestamp } from "./object-meta.ts";
import {
  FieldManagerConflictError,
  FieldSet,
  ListItemError,
  compareObjects,
  decodeOrEmpty,
  describeConflicts,
  encodeManagedFields,
  fieldSetOf,
  formatPath,
  goJson,
  indexItems,
  itemElement,
  managerKey,
  ownableFields,
  scopeOf,
  scoped,
  scopedComparison,
  serializeElement,
  shapeOf,
  takeOwnership,
  withoutStripped,
  type FieldConflict,
  type FieldPath,
  type ListShape,
  type Managed,
  type ManagerId,
  type OwnershipScope,
  type ValueShape,
} from "./managed-fields.ts";
import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from "../../api/patch/json-value.ts";

export interface ApplyOptions {
  dryRun: boolean;
  fieldManager: string;
  force: boolean;
  user: UserInfo;
}

const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
// Upstream migrates client-side apply only for kubectl's own server-side apply manager.
const kubectlManager = "kubectl";
const beforeFirstApply = "before-first-apply";
// A create that races another create, or an update that races a delete, is retried this often.
const maxAttempts = 4;

/** One apply, all inputs as data. */
export interface ApplyRequest {
  /** The stored object; undefined when the apply creates it. */
  readonly live: ApiObject | undefined;
  readonly config: JsonObject;
  readonly manager: string;
  /** The version of the resource served (the applied configuration's apiVersion). */
  readonly apiVersion: string;
  /** "" for the main resource, "status" for the status subresource. */
  readonly subresource: string;
  readonly force: boolean;
  readonly shape: ValueShape;
  readonly scope: OwnershipScope;
  readonly now: Date;
}

/**
 * The object an apply produces, with its managedFields. Throws
 * FieldManagerConflictError when it would change fields other managers own
 * and is not forced, ListItemError when a keyed list item has no key.
 */
export function applyConfiguration(req: ApplyRequest): ApiObject {
  const { live, config, shape, scope } = req;
  const managed = decodeOrEmpty(live?.metadata?.managedFields);
  if (managed.size === 0 && live !== undefined) recordExistingFields(managed, live, req);

  const merged = (mergeValue(structuredClone(live ?? {}) as JsonObject, config, shape) ?? {}) as JsonObject;
  const applier: ManagerId = { manager: req.manager, operation: "Apply", subresource: req.subresource || undefined };
  const applierKey = managerKey(applier);
  const previous = managed.get(applierKey);
  const applied = withoutStripped(scoped(fieldSetOf(ownableFields(config), shape), scope));
  managed.set(applierKey, { id: applier, apiVersion: req.apiVersion, set: applied, time: previous?.time });
  if (previous !== undefined) prune(merged, previous.set, managed, shape);

  const before = ownableFields(live);
  const after = ownableFields(merged);
  const comparison = scopedComparison(compareObjects(before, after, shape), scope);
  const changed = comparison.added.union(comparison.modified);
  const conflicts: FieldConflict[] = [];
  for (const [key, owner] of managed) {
    if (key === applierKey) continue;
    for (const path of owner.set.intersection(changed).paths()) conflicts.push({ owner: owner.id, path });
  }
  if (conflicts.length > 0 && !req.force) {
    const allowed = req.manager === kubectlManager ? ownedThroughClientSideApply(live, req) : undefined;
    const remaining = allowed === undefined ? conflicts : conflicts.filter((c) => !allowed.has(c.path));
    if (remaining.length > 0) throw new FieldManagerConflictError(remaining);
  }
  takeOwnership(managed, changed, comparison.removed, applierKey);
  const mine = managed.get(applierKey)!;
  if (mine.set.isEmpty()) managed.delete(applierKey);
  else if (!jsonEqual(before, after)) managed.set(applierKey, { ...mine, time: timestamp(req.now) });

  const result = merged as ApiObject;
  if (req.manager === kubectlManager) keepLastAppliedInStep(result, config);
  result.metadata ??= {};
  const entries = encodeManagedFields(managed);
  if (entries === undefined) delete result.metadata.managedFields;
  else result.metadata.managedFields = entries;
  return result;
}

/** Upstream gives the fields of an object nobody tracked yet to "before-first-apply", so an apply cannot silently take them. */
function recordExistingFields(managed: Managed, live: ApiObject, req: ApplyRequest): void {
  const c = scopedComparison(compareObjects({}, ownableFields(live), req.shape), req.scope);
  const set = withoutStripped(c.added.union(c.modified));
  if (set.isEmpty()) return;
  const id: ManagerId = { manager: beforeFirstApply, operation: "Update", apiVersion: req.apiVersion, subresource: req.subresource || undefined };
  managed.set(managerKey(id), { id, apiVersion: req.apiVersion, set, time: timestamp(req.now) });
}

/**
 * The fields kubectl's client-side apply set (its last-applied annotation)
 * that still hold the live values: kubectl's server-side apply may take those
 * over without a conflict, which is how objects move from one to the other.
 */
function ownedThroughClientSideApply(live: ApiObject | undefined, req: ApplyRequest): FieldSet | undefined {
  const text = live?.metadata?.annotations?.[lastAppliedAnnotation];
  if (typeof text !== "string" || text === "") return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isJsonObject(lastApplied) || lastApplied["apiVersion"] !== req.apiVersion) return undefined;
  try {
    const set = fieldSetOf(ownableFields(lastApplied), req.shape);
    const c = compareObjects(ownableFields(lastApplied), ownableFields(live), req.shape);
    return set.difference(c.modified).difference(c.added).difference(c.removed);
  } catch (e) {
    if (e instanceof ListItemError) return undefined;
    throw e;
  }
}

/** When an object also carries a client-side apply annotation, kubectl's applies keep it current so both flows agree. */
function keepLastAppliedInStep(result: ApiObject, config: JsonObject): void {
  const annotations = result.metadata?.annotations;
  if (typeof annotations?.[lastAppliedAnnotation] !== "string" || annotations[lastAppliedAnnotation] === "") return;
  const copy = structuredClone(config);
  const configAnnotations = isJsonObject(copy["metadata"]) ? copy["metadata"]["annotations"] : undefined;
  if (isJsonObject(configAnnotations)) delete configAnnotations[lastAppliedAnnotation];
  // What Go's json.Encoder writes for the unstructured object: sorted keys, then a newline.
  annotations[lastAppliedAnnotation] = `${goJson(copy)}\n`;
}

// ---------------------------------------------------------------------------
// Merging

/** A copy without null members: an applied null owns the field and leaves it unset. */
function withoutNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
  return out;
}

function mergeValue(live: JsonValue | undefined, config: JsonValue | undefined, shape: ValueShape): JsonValue | undefined {
  if (config === undefined) return live;
  if (config === null) return undefined;
  const sameKind = Array.isArray(live) === Array.isArray(config) && isJsonObject(live) === isJsonObject(config);
  if (live === undefined || live === null || !sameKind || shape.atomic || !(Array.isArray(config) || isJsonObject(config))) return withoutNulls(config);
  if (isJsonObject(config)) {
    const out: JsonObject = { ...(live as JsonObject) };
    for (const [name, value] of Object.entries(config)) {
      const merged = mergeValue(out[name], value, shape.fields.field(name));
      if (merged === undefined) delete out[name];
      else out[name] = merged;
    }
    return out;
  }
  if (shape.list === undefined) return withoutNulls(config);
  return mergeLists(live as JsonValue[], config as JsonValue[], shape.list);
}

/**
 * Upstream's order for a merged keyed list: live items keep their places,
 * applied items follow the applied order, and items only in the applied list
 * go where the applied list puts them relative to the shared ones.
 */
function mergeLists(live: JsonValue[], config: JsonValue[], list: ListShape): JsonValue[] {
  const liveItems = live.map((item) => ({ key: serializeElement(itemElement(item, list)), item }));
  const applied = indexItems(config, list).byKey;
  const liveByKey = indexItems(live, list).byKey;
  const appliedKeys = [...applied.keys()];
  const shared = appliedKeys.filter((k) => liveByKey.has(k));
  const out: JsonValue[] = [];
  const done = new Set<string>();
  const emit = (key: string) => {
    done.add(key);
    const merged = mergeValue(liveByKey.get(key)?.item, applied.get(key)!.item, list.item);
    if (merged !== undefined) out.push(merged);
  };
  let nextShared = 0;
  let l = 0;
  let r = 0;
  // Every pass advances l or r, so the loop ends after live.length + config.length passes.
  while (l < liveItems.length || r < appliedKeys.length) {
    const lk = liveItems[l]?.key;
    const rk = appliedKeys[r];
    if (lk !== undefined && rk !== undefined) {
      if (lk === rk) {
        emit(rk);
        l++;
        r++;
        nextShared++;
        continue;
      }
      if (applied.has(lk) && shared[nextShared] !== undefined && shared[nextShared] !== lk) {
        l++;
        continue;
      }
    }
    if (lk !== undefined) {
      if (!applied.has(lk)) {
        out.push(liveItems[l]!.item);
        l++;
        continue;
      }
      if (done.has(lk)) l++;
    }
    if (rk !== undefined) {
      emit(rk);
      r++;
      if (shared[nextShared] === rk) nextShared++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Pruning what the manager no longer applies

interface Location {
  readonly container: JsonObject | JsonValue[];
  readonly at: string | number;
  /** The key fields of the list item that holds this field, if it is one. */
  readonly itemKeys: readonly string[];
}

function locate(root: JsonObject, path: FieldPath, shape: ValueShape): Location | undefined {
  let value: JsonValue = root;
  let s = shape;
  let itemKeys: readonly string[] = [];
  for (let i = 0; i < path.length; i++) {
    const pe = path[i]!;
    let container: JsonObject | JsonValue[];
    let at: string | number;
    let next: ValueShape;
    let nextKeys: readonly string[] = [];
    if ("field" in pe) {
      if (!isJsonObject(value) || !Object.hasOwn(value, pe.field)) return undefined;
      container = value;
      at = pe.field;
      next = s.fields.field(pe.field);
    } else if ("index" in pe) {
      if (!Array.isArray(value) || pe.index >= value.length) return undefined;
      container = value;
      at = pe.index;
      next = s;
    } else {
      const list = s.list;
      if (!Array.isArray(value) || list === undefined) return undefined;
      const wanted = serializeElement(pe);
      const index = value.findIndex((item) => {
        try {
          return serializeElement(itemElement(item, list)) === wanted;
        } catch (e) {
          if (e instanceof ListItemError) return false;
          throw e;
        }
      });
      if (index < 0) return undefined;
      container = value;
      at = index;
      next = list.item;
      nextKeys = list.keys;
    }
    if (i === path.length - 1) return { container, at, itemKeys };
    value = Array.isArray(container) ? container[at as number]! : container[at as string]!;
    s = next;
    itemKeys = nextKeys;
  }
  return undefined;
}

function removeAt(loc: Location): void {
  if (Array.isArray(loc.container)) loc.container.splice(loc.at as number, 1);
  else delete loc.container[loc.at as string];
}

function valueAt(loc: Location): JsonValue | undefined {
  return Array.isArray(loc.container) ? loc.container[loc.at as number] : loc.container[loc.at as string];
}

/**
 * Removes from the merged object what the manager applied last time
 * (`last`) and no longer applies, unless some manager owns it or something
 * inside it; objects and lists left empty by that go too. Key fields of items
 * that stay are kept, or the items could no longer be named.
 */
function prune(merged: JsonObject, last: FieldSet, managed: Managed, shape: ValueShape): void {
  let owned = FieldSet.empty;
  for (const owner of managed.values()) owned = owned.union(owner.set);
  owned = owned.withAncestors();
  const removed: FieldPath[] = [];
  for (const path of last.difference(owned).paths()) {
    const loc = locate(merged, path, shape);
    if (loc === undefined) continue;
    const tail = path[path.length - 1]!;
    if ("field" in tail && loc.itemKeys.includes(tail.field)) continue;
    removeAt(loc);
    removed.push(path);
  }
  const applied = last.withAncestors();
  const parents = new Map<string, FieldPath>();
  for (const path of removed) for (let n = path.length - 1; n > 0; n--) parents.set(formatPath(path.slice(0, n)), path.slice(0, n));
  for (const parent of [...parents.values()].sort((a, b) => b.length - a.length)) {
    if (!applied.has(parent) || owned.has(parent)) continue;
    const loc = locate(merged, parent, shape);
    if (loc === undefined) continue;
    const value = valueAt(loc);
    if ((Array.isArray(value) && value.length === 0) || (isJsonObject(value) && Object.keys(value).length === 0)) removeAt(loc);
  }
}

// ---------------------------------------------------------------------------
// The PATCH

function checkedConfiguration(rest: ResourceRest, namespace: string, body: unknown): JsonObject {
  if (!isJsonObject(body)) {
    const got = Array.isArray(body) ? "array" : body === null ? "null" : typeof body;
    throw badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${got} into Go value of type map[string]interface {}`);
  }
  const apiVersion = typeof body["apiVersion"] === "string" ? body["apiVersion"] : "";
  if (apiVersion !== rest.apiVersion) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${apiVersion}, expected: ${rest.apiVersion}`);
  }
  const metadata = body["metadata"];
  if (isJsonObject(metadata) && metadata["managedFields"] !== undefined && metadata["managedFields"] !== null) {
    throw badRequest("metadata.managedFields must be nil");
  }
  if (body["kind"] !== rest.info.kind) {
    throw badRequest(`the object provided is unrecognized (must be of type ${rest.info.kind}): ${String(body["kind"] ?? "")}`);
  }
  const ns = isJsonObject(metadata) ? metadata["namespace"] : undefined;
  if (rest.info.namespaced && typeof ns === "string" && ns !== "" && ns !== namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  return body;
}

/**
 * Applies `body` as `opts.fieldManager` to the object `name` (its main
 * resource or status) and stores the result; creates the object when absent
 * (main resource only). Conflicts are 409 with upstream's message and causes.
 */
export async function serverSideApply(
  rest: ResourceRest,
  namespace: string,
  name: string,
  body: unknown,
  opts: ApplyOptions,
  part: UpdatePart,
): Promise<{ object: ApiObject; created: boolean }> {
  const config = checkedConfiguration(rest, namespace, body);
  const configVersion = isJsonObject(config["metadata"]) ? config["metadata"]["resourceVersion"] : undefined;
  const base = {
    config,
    manager: opts.fieldManager,
    apiVersion: rest.apiVersion,
    subresource: part === "status" ? "status" : "",
    force: opts.force,
    shape: shapeOf(rest.info.group, rest.info.version, rest.info.kind),
    scope: scopeOf(part, rest.strategy.statusSubresource),
  };
  const apply = (live: ApiObject | undefined): ApiObject => {
    let object: ApiObject;
    try {
      object = applyConfiguration({ ...base, live, now: new Date() });
    } catch (e) {
      if (e instanceof FieldManagerConflictError) {
        const { message, causes } = describeConflicts(e.conflicts);
        throw new ApiError(409, "Conflict", message, { causes }, { cause: e });
      }
      if (e instanceof ListItemError) {
        throw new ApiError(500, "InternalError", `Internal error occurred: failed to create typed patch object (${namespace}/${name}; ${rest.apiVersion}, Kind=${rest.info.kind}): ${e.message}`, undefined, { cause: e });
      }
      throw e;
    }
    const objectName = object.metadata?.name ?? "";
    if (objectName !== name) throw badRequest(`the name of the object (${objectName}) does not match the name on the URL (${name})`);
    // The live resourceVersion is not a precondition; one the configuration names is.
    if (configVersion === undefined || configVersion === null) delete object.metadata!.resourceVersion;
    return object;
  };
  const write: WriteOptions = { dryRun: opts.dryRun, fieldManager: opts.fieldManager, user: opts.user, managedFieldsApplied: true };
  for (let attempt = 1; ; attempt++) {
    try {
      return { object: await rest.modify(namespace, name, part, write, apply), created: false };
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === "NotFound") || part !== "main" || attempt >= maxAttempts) throw e;
    }
    const created = apply(undefined);
    const uid = created.metadata?.uid;
    if (uid) throw conflict(rest.target(name), `uid mismatch: the provided object specified uid ${uid}, and no existing object was found`);
    try {
      return { object: await rest.create(namespace, created, write), created: true };
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === "AlreadyExists") || attempt >= maxAttempts) throw e;
    }
  }
}
