// Strategic merge patch as the API server applies it (upstream:
// k8s.io/apimachinery/pkg/util/strategicpatch, server side). A merge patch
// whose lists follow the schema: a list tagged "merge" merges its objects by
// the merge key (its primitives as a set), other lists are replaced whole;
// objects merge member by member; null removes a member. Directives:
//   $patch: replace | delete          on an object
//   {$patch: delete, <key>: v}        in a merged list: remove that element
//   {$patch: replace}                 in a merged list: the list is the patch's
//   $setElementOrder/<list>: [...]    the order of the merged list
//   $deleteFromPrimitiveList/<list>   primitives to remove from the list
//   $retainKeys: [...]                members to keep; the others are cleared
// Where a patch adds a value the document lacks, its directives apply to
// nothing: the value is the patch's, cleaned of directives and nulls.

import type { JsonObject, JsonValue } from "./json-value.ts";
import { canonicalJson, cloneJson, deleteMember, getMember, isJsonObject, jsonEqual, setMember } from "./json-value.ts";
import { orderMergedList } from "./list-order.ts";
import { PatchError } from "./patch-error.ts";
import type { FieldPatchMeta, PatchMeta } from "./patch-meta.ts";

export { patchMetaFor } from "./patch-meta.ts";

const patchDirective = "$patch";
const retainKeysDirective = "$retainKeys";
const setElementOrderDirective = "$setElementOrder";
const deleteFromPrimitiveListDirective = "$deleteFromPrimitiveList";

export function applyStrategicMergePatch(doc: unknown, patch: unknown, meta: PatchMeta): unknown {
  if (!isJsonObject(patch)) throw invalid("", "a strategic merge patch must be a JSON object");
  const original = doc === undefined || doc === null ? {} : cloneJson(doc);
  if (!isJsonObject(original)) throw invalid("", "the document to patch must be a JSON object");
  return mergeObject(original, patch, meta, "");
}

/** Merges `patch` into `original` (which it may change) and returns the result. */
function mergeObject(original: JsonObject, patch: JsonObject, schema: PatchMeta | undefined, path: string): JsonObject {
  const directive = getMember(patch, patchDirective);
  if (directive !== undefined) {
    if (directive === "replace") return mergeObject({}, withoutMember(patch, patchDirective), schema, path);
    if (directive === "delete") return {};
    throw invalid(path, `unknown patch type ${JSON.stringify(directive)}: an object takes "$patch": "replace" or "delete"`);
  }

  applyRetainKeys(original, patch, path);

  // Element orders go first: each also merges the list it orders.
  const orderedLists = new Set<string>();
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(setElementOrderDirective)) continue;
    const name = directiveTarget(key, setElementOrderDirective, "setElementOrder list", path);
    applyElementOrder(original, patch, name, value, schema, path);
    orderedLists.add(name);
  }

  for (const [key, value] of Object.entries(patch)) {
    if (key === retainKeysDirective || key.startsWith(setElementOrderDirective) || orderedLists.has(key)) continue;
    if (key.startsWith(deleteFromPrimitiveListDirective)) {
      const name = directiveTarget(key, deleteFromPrimitiveListDirective, "primitive list", path);
      deleteFromPrimitiveList(original, name, value, memberPath(path, name));
    } else if (key.startsWith("$")) {
      throw invalid(path, `unknown directive "${key}"`);
    } else {
      mergeMember(original, key, value, schema?.field(key), memberPath(path, key));
    }
  }
  return original;
}

function mergeMember(original: JsonObject, key: string, value: JsonValue, field: FieldPatchMeta | undefined, path: string): void {
  if (value === null) {
    deleteMember(original, key);
    return;
  }
  const current = getMember(original, key);
  if (current === undefined || current === null) {
    if (isJsonObject(value) && getMember(value, patchDirective) === "delete") return;
    setMember(original, key, materialize(value, field, path));
  } else if (isJsonObject(current) && isJsonObject(value)) {
    const base = field?.strategy === "replace" ? {} : current;
    setMember(original, key, mergeObject(base, value, field?.schema, path));
  } else if (Array.isArray(current) && Array.isArray(value)) {
    setMember(original, key, field?.strategy === "merge" ? mergeList(current, value, field, path).merged : materializeList(value, field, path));
  } else {
    setMember(original, key, materialize(value, field, path));
  }
}

/** A patch value where the document has none: directives apply to nothing. */
function materialize(value: JsonValue, field: FieldPatchMeta | undefined, path: string): JsonValue {
  if (isJsonObject(value)) return mergeObject({}, value, field?.schema, path);
  if (Array.isArray(value)) return materializeList(value, field, path);
  return value;
}

function materializeList(list: JsonValue[], field: FieldPatchMeta | undefined, path: string): JsonValue[] {
  const result: JsonValue[] = [];
  list.forEach((element, index) => {
    const elementPath = `${path}[${index}]`;
    if (isJsonObject(element) && Object.hasOwn(element, patchDirective)) {
      listDirectiveOf(element, elementPath);
      return;
    }
    if (isJsonObject(element)) result.push(mergeObject({}, element, field?.schema, elementPath));
    else if (Array.isArray(element)) result.push(materializeList(element, undefined, elementPath));
    else result.push(element);
  });
  return result;
}

interface MergedList {
  merged: JsonValue[];
  /**
   * The original list as upstream's $setElementOrder step sees it after the
   * merge: upstream edits the list in place, so deleted elements shift the
   * rest left and added elements fill the freed tail. This is the server
   * order that step interleaves by; kubectl apply's results depend on it.
   */
  editedOriginal: JsonValue[];
}

function mergeList(original: JsonValue[], patch: JsonValue[], field: FieldPatchMeta, path: string): MergedList {
  if (original.length === 0 && patch.length === 0) return { merged: original, editedOriginal: original };
  if (elementKind([...original, ...patch], path) !== "object") {
    const merged = [...new Map([...original, ...patch].map((item) => [canonicalJson(item), item])).values()];
    return { merged: orderMergedList(merged, patch, original, canonicalJson), editedOriginal: original };
  }

  const mergeKey = field.mergeKey;
  if (mergeKey === undefined) throw invalid(path, "cannot merge a list of objects without a merge key");
  const keyOf = (item: JsonValue) => (isJsonObject(item) ? getMember(item, mergeKey) : undefined);
  const elementPath = (element: JsonObject) => `${path}[${mergeKey}=${JSON.stringify(getMember(element, mergeKey))}]`;

  const editedOriginal = [...original];
  let length = original.length;
  let replace = false;
  const elements: JsonObject[] = [];
  for (const element of patch as JsonObject[]) {
    if (!Object.hasOwn(element, patchDirective)) {
      elements.push(element);
    } else if (listDirectiveOf(element, elementPath(element)) === "delete") {
      const doomed = requireMergeKey(element, mergeKey, path);
      for (let at = findByKey(editedOriginal, length, mergeKey, doomed); at >= 0; at = findByKey(editedOriginal, length, mergeKey, doomed)) {
        editedOriginal.copyWithin(at, at + 1, length);
        length--;
      }
    } else {
      replace = true;
    }
  }
  if (replace) {
    const merged = elements.map((element) => mergeObject({}, element, field.schema, elementPath(element)));
    return { merged, editedOriginal };
  }

  const base = editedOriginal.slice(0, length);
  const merged = [...base];
  for (const element of elements) {
    const key = requireMergeKey(element, mergeKey, path);
    const index = findByKey(merged, merged.length, mergeKey, key);
    if (index >= 0) {
      merged[index] = mergeObject(merged[index] as JsonObject, element, field.schema, elementPath(element));
    } else {
      merged.push(mergeObject({}, element, field.schema, elementPath(element)));
      if (length < editedOriginal.length) editedOriginal[length] = element;
      length++;
    }
  }
  return { merged: orderMergedList(merged, elements, base, (item) => canonicalJson(keyOf(item))), editedOriginal };
}

/** The first of the first `length` items whose merge key has the value `key`, or -1. */
function findByKey(items: JsonValue[], length: number, mergeKey: string, key: JsonValue): number {
  return items.findIndex((item, i) => i < length && isJsonObject(item) && Object.hasOwn(item, mergeKey) && jsonEqual(item[mergeKey], key));
}

/** The directive of a `$patch` element of a list: "delete" (of the element named) or "replace" (of the whole list). */
function listDirectiveOf(element: JsonObject, path: string): "delete" | "replace" {
  const directive = getMember(element, patchDirective);
  if (directive === "delete" || directive === "replace") return directive;
  if (directive === "merge") throw invalid(path, "merging lists cannot yet be specified in the patch");
  throw invalid(path, `unknown patch type ${JSON.stringify(directive)}: a list element takes "$patch": "delete" or "replace"`);
}

function requireMergeKey(element: JsonValue, mergeKey: string, path: string): JsonValue {
  const key = isJsonObject(element) ? getMember(element, mergeKey) : undefined;
  if (key === undefined) throw invalid(path, `${JSON.stringify(element)} does not contain declared merge key: ${mergeKey}`);
  return key;
}

type ElementKind = "object" | "string" | "number" | "boolean" | "null";

function elementKind(items: JsonValue[], path: string): ElementKind {
  let kind: ElementKind | undefined;
  for (const item of items) {
    if (Array.isArray(item)) throw invalid(path, "lists of lists are not supported");
    const itemKind = item === null ? "null" : isJsonObject(item) ? "object" : (typeof item as "string" | "number" | "boolean");
    if (kind !== undefined && kind !== itemKind) throw invalid(path, `list element types are not identical: ${kind} and ${itemKind}`);
    kind = itemKind;
  }
  return kind ?? "null";
}

function applyRetainKeys(original: JsonObject, patch: JsonObject, path: string): void {
  const retainKeys = getMember(patch, retainKeysDirective);
  if (retainKeys === undefined) return;
  if (!Array.isArray(retainKeys)) throw invalid(path, "invalid patch format of retainKeys: $retainKeys must be a list");
  const kept = new Set(retainKeys.filter((key) => typeof key === "string"));
  for (const [key, value] of Object.entries(patch)) {
    if (value !== null && !key.startsWith("$") && !kept.has(key)) {
      throw invalid(path, `invalid patch format of retainKeys: "${key}" is in the patch but not in $retainKeys`);
    }
  }
  for (const key of Object.keys(original)) {
    if (!kept.has(key)) deleteMember(original, key);
  }
}

function applyElementOrder(
  original: JsonObject,
  patch: JsonObject,
  name: string,
  order: JsonValue,
  schema: PatchMeta | undefined,
  path: string,
): void {
  const listPath = memberPath(path, name);
  if (!Array.isArray(order)) throw invalid(listPath, `invalid patch format of setElementOrder list: $setElementOrder/${name} must be a list`);
  const field = schema?.field(name);
  const mergeKey = field?.mergeKey;
  const current = getMember(original, name) ?? null;
  const patchList = getMember(patch, name);
  if (current !== null && !Array.isArray(current)) throw invalid(listPath, "$setElementOrder names a member that is not a list");
  if (patchList !== undefined && !Array.isArray(patchList)) throw invalid(listPath, "a list with a $setElementOrder must be a list");
  if (mergeKey !== undefined) order.forEach((item) => requireMergeKey(item, mergeKey, listPath));
  validateOrder(patchList ?? [], order, mergeKey, name, listPath);

  let result: MergedList;
  if (patchList === undefined) {
    if (current === null) return;
    result = { merged: current, editedOriginal: current };
  } else if (current === null) {
    result = { merged: materializeList(patchList, field, listPath), editedOriginal: [] };
  } else if (field?.strategy === "merge") {
    result = mergeList(current, patchList, field, listPath);
  } else {
    result = { merged: materializeList(patchList, field, listPath), editedOriginal: current };
  }
  const identity = (item: JsonValue) => canonicalJson(mergeKey !== undefined && isJsonObject(item) ? getMember(item, mergeKey) : item);
  setMember(original, name, orderMergedList(result.merged, order, result.editedOriginal, identity));
}

/** The patch's own elements must appear in the $setElementOrder list, in the same relative order. */
function validateOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string | undefined, name: string, path: string): void {
  const named = patchList.filter((item) => !(isJsonObject(item) && Object.hasOwn(item, patchDirective)));
  const same = (item: JsonValue, ordered: JsonValue) =>
    mergeKey === undefined
      ? jsonEqual(item, ordered)
      : jsonEqual(requireMergeKey(item, mergeKey, path), requireMergeKey(ordered, mergeKey, path));
  let matched = 0;
  for (const ordered of order) {
    const item = named[matched];
    if (item === undefined) break;
    if (same(item, ordered)) matched++;
  }
  if (matched < named.length) {
    throw invalid(path, `the order in the patch list ${JSON.stringify(patchList)} doesn't match $setElementOrder/${name} ${JSON.stringify(order)}`);
  }
}

function deleteFromPrimitiveList(original: JsonObject, name: string, value: JsonValue, path: string): void {
  if (value === null) {
    deleteMember(original, name);
    return;
  }
  const current = getMember(original, name);
  // Upstream leaves the document alone when either side is not a list.
  if (!Array.isArray(current) || !Array.isArray(value) || current.length + value.length === 0) return;
  if (elementKind([...current, ...value], path) === "object") {
    throw invalid(path, `$deleteFromPrimitiveList/${name} applies only to lists of primitives`);
  }
  const doomed = new Set(value.map(canonicalJson));
  setMember(original, name, current.filter((item) => !doomed.has(canonicalJson(item))));
}

function directiveTarget(key: string, directive: string, format: string, path: string): string {
  const name = key.startsWith(`${directive}/`) ? key.slice(directive.length + 1) : "";
  if (name === "") throw invalid(path, `invalid patch format of ${format}: "${key}" must be "${directive}/<field>"`);
  return name;
}

function withoutMember(object: JsonObject, key: string): JsonObject {
  const copy: JsonObject = {};
  for (const [member, value] of Object.entries(object)) if (member !== key) setMember(copy, member, value);
  return copy;
}

function memberPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function invalid(path: string, message: string): PatchError {
  return new PatchError("InvalidPatch", path === "" ? message : `${path}: ${message}`);
}
