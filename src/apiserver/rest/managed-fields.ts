// Field ownership: metadata.managedFields records, per field manager, the set
// of fields it last set, in upstream's FieldsV1 format (structured-merge-diff):
// `f:<name>` for a field, `k:{"name":"x"}` for a list item named by its keys,
// `v:<json>` for an item of a set of primitives, `i:<n>` for an index, and
// `.` for "this element itself" when it also has owned children. Every write
// through the ordinary verbs gives the fields it changed to its manager (an
// "Update" entry) and takes them from everyone else; server-side apply
// (./server-side-apply.ts) builds on the same sets. Pure: no I/O.
import type { ResourceInfo } from "../../api/registry.ts";
import { patchMetaFor, type PatchMeta } from "../../api/patch/patch-meta.ts";
import type { ApiObject } from "../registry/strategy.ts";
import { timestamp } from "./object-meta.ts";
import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from "../../api/patch/json-value.ts";


export class ManagedFieldsError extends Error {
  readonly reason = "InvalidManagedFields" as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ManagedFieldsError";
  }
}

/** A list item or list whose items cannot be told apart (a keyed list item that is not an object, say). */
export class ListItemError extends Error {
  readonly reason = "InvalidListItem" as const;
  constructor(message: string) {
    super(message);
    this.name = "ListItemError";
  }
}

// ---------------------------------------------------------------------------
// Path elements and paths

export type PathElement =
  | { readonly field: string }
  | { readonly key: readonly (readonly [name: string, value: JsonValue])[] }
  | { readonly value: JsonValue }
  | { readonly index: number };

export type FieldPath = readonly PathElement[];

/** Go's encoding/json text of a value: object keys sorted, <, > and & escaped. */
export function goJson(v: JsonValue): string {
  return escapeHtml(sortedJson(v));
}

function sortedJson(v: JsonValue): string {
  if (typeof v !== "object" || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(",")}]`;
  return `{${Object.keys(v).sort(compareText).map((k) => `${JSON.stringify(k)}:${sortedJson(v[k]!)}`).join(",")}}`;
}

const htmlCharacter = /[<>&\u2028\u2029]/;
const htmlCharacters = new RegExp(htmlCharacter.source, "g");

// Escaping the finished text once: JSON text holds these characters only inside strings.
function escapeHtml(text: string): string {
  if (!htmlCharacter.test(text)) return text;
  return text.replace(htmlCharacters, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The FieldsV1 key of an element: "f:name", `k:{"name":"x"}`, `v:"x"`, "i:0". */
export function serializeElement(pe: PathElement): string {
  if ("field" in pe) return `f:${pe.field}`;
  if ("key" in pe) return `k:${escapeHtml(`{${pe.key.map(([name, value]) => `${JSON.stringify(name)}:${sortedJson(value)}`).join(",")}}`)}`;
  if ("value" in pe) return `v:${goJson(pe.value)}`;
  return `i:${pe.index}`;
}

/** Parses a FieldsV1 key; undefined for element types this version does not know (upstream skips those). */
export function parseElement(text: string): PathElement | undefined {
  if (text.length < 2 || text[1] !== ":") throw new ManagedFieldsError(`invalid path element ${JSON.stringify(text)}`);
  const body = text.slice(2);
  switch (text[0]) {
    case "f":
      return { field: body };
    case "k": {
      const parsed = parseJson(body, text);
      if (!isJsonObject(parsed)) throw new ManagedFieldsError(`invalid key path element ${JSON.stringify(text)}`);
      return { key: Object.entries(parsed).sort(([a], [b]) => compareText(a, b)) };
    }
    case "v":
      return { value: parseJson(body, text) };
    case "i": {
      if (!/^-?\d+$/.test(body)) throw new ManagedFieldsError(`invalid index path element ${JSON.stringify(text)}`);
      return { index: Number(body) };
    }
    default:
      return undefined;
  }
}

function parseJson(body: string, element: string): JsonValue {
  try {
    return JSON.parse(body) as JsonValue;
  } catch (e) {
    throw new ManagedFieldsError(`invalid path element ${JSON.stringify(element)}`, { cause: e });
  }
}

function typeRank(v: JsonValue): number {
  if (typeof v === "number") return 0;
  if (typeof v === "string") return 1;
  if (typeof v === "boolean") return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null) return 4;
  return 5;
}

/** Upstream's total order of values: numbers, strings, booleans, lists, maps, null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return Math.sign(rank);
  if (typeof a === "number" || typeof a === "string") return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
  if (typeof a === "boolean") return Number(a) - Number(b as boolean);
  if (Array.isArray(a)) return compareSequences(a.map((v) => ["", v] as const), (b as JsonValue[]).map((v) => ["", v] as const));
  if (a === null) return 0;
  const sorted = (o: JsonObject) => Object.keys(o).sort(compareText).map((k) => [k, o[k]!] as const);
  return compareSequences(sorted(a), sorted(b as JsonObject));
}

function compareSequences(a: readonly (readonly [string, JsonValue])[], b: readonly (readonly [string, JsonValue])[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [an, av] = a[i]!;
    const [bn, bv] = b[i]!;
    const c = compareText(an, bn) || compareValues(av, bv);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function elementRank(pe: PathElement): number {
  return "field" in pe ? 0 : "key" in pe ? 1 : "value" in pe ? 2 : 3;
}

/** Upstream's order of elements: fields by name, then keys, values, indices. */
export function compareElements(a: PathElement, b: PathElement): number {
  const rank = elementRank(a) - elementRank(b);
  if (rank !== 0) return rank;
  if ("field" in a) return compareText(a.field, (b as { field: string }).field);
  if ("key" in a) return compareSequences(a.key, (b as { key: readonly (readonly [string, JsonValue])[] }).key);
  if ("value" in a) return compareValues(a.value, (b as { value: JsonValue }).value);
  return a.index - (b as { index: number }).index;
}

/** Go's %v of a value as structured-merge-diff prints it: strings quoted. */
function valueText(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueText).join(",")}]`;
  if (typeof v === "object") return Object.keys(v).map((k) => `${k}=${valueText(v[k]!)}`).join("");
  return String(v);
}

/** A path as upstream's messages print it: `.spec.containers[name="web"].image`. */
export function formatPath(path: FieldPath): string {
  return path
    .map((pe) => {
      if ("field" in pe) return `.${pe.field}`;
      if ("key" in pe) return `[${pe.key.map(([name, value]) => `${name}=${valueText(value)}`).join(",")}]`;
      if ("value" in pe) return `[=${valueText(pe.value)}]`;
      return `[${pe.index}]`;
    })
    .join("");
}

// ---------------------------------------------------------------------------
// Sets of paths

interface SetNode {
  member: boolean;
  readonly children: Map<string, { readonly element: PathElement; readonly node: SetNode }>;
}

const emptyNode = (): SetNode => ({ member: false, children: new Map() });

function nodeIsEmpty(node: SetNode): boolean {
  return !node.member && node.children.size === 0;
}

/** A set over a tree built in this module; nothing outside it can pass a tree. */
let setOf: (root: SetNode) => FieldSet;

/** An immutable set of field paths, stored as a tree of path elements. */
export class FieldSet {
  private constructor(private readonly root: SetNode) {}

  static {
    setOf = (root) => new FieldSet(root);
  }

  static readonly empty = new FieldSet(emptyNode());

  static of(paths: Iterable<FieldPath>): FieldSet {
    const root = emptyNode();
    for (const path of paths) insert(root, path);
    return new FieldSet(root);
  }

  /** Reads a FieldsV1 object; throws ManagedFieldsError on malformed input. */
  static fromFieldsV1(fields: unknown): FieldSet {
    if (!isJsonObject(fields)) throw new ManagedFieldsError("fieldsV1 must be a JSON object");
    return new FieldSet(readFields(fields).node);
  }

  isEmpty(): boolean {
    return nodeIsEmpty(this.root);
  }

  has(path: FieldPath): boolean {
    let node: SetNode | undefined = this.root;
    for (const pe of path) {
      node = node.children.get(serializeElement(pe))?.node;
      if (node === undefined) return false;
    }
    return path.length > 0 && node.member;
  }

  /** Every member, in upstream's order. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (node: SetNode, prefix: PathElement[]) => {
      for (const [, { element, node: child }] of sortedEntries(node)) {
        const path = [...prefix, element];
        if (child.member) out.push(path);
        walk(child, path);
      }
    };
    walk(this.root, []);
    return out;
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet(combine(this.root, other.root, (a, b) => a || b));
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet(combine(this.root, other.root, (a, b) => a && b));
  }

  /** Members of this set that are not members of other (their children stay). */
  difference(other: FieldSet): FieldSet {
    return new FieldSet(combine(this.root, other.root, (a, b) => a && !b));
  }

  /** This set without the members of other and everything below them. */
  withoutSubtrees(other: FieldSet): FieldSet {
    const cut = (node: SetNode, remove: SetNode): SetNode => {
      const out: SetNode = { member: node.member && !remove.member, children: new Map() };
      for (const [k, { element, node: child }] of node.children) {
        const r = remove.children.get(k)?.node;
        const kept = r === undefined ? child : r.member ? undefined : cut(child, r);
        if (kept !== undefined && !nodeIsEmpty(kept)) out.children.set(k, { element, node: kept });
      }
      return out;
    };
    return new FieldSet(cut(this.root, other.root));
  }

  /** The members at or below the given path. */
  within(prefix: FieldPath): FieldSet {
    let node: SetNode | undefined = this.root;
    for (const pe of prefix) {
      node = node.children.get(serializeElement(pe))?.node;
      if (node === undefined) return FieldSet.empty;
    }
    const root = emptyNode();
    let at = root;
    for (const pe of prefix.slice(0, -1)) {
      const next = emptyNode();
      at.children.set(serializeElement(pe), { element: pe, node: next });
      at = next;
    }
    const last = prefix[prefix.length - 1];
    if (last === undefined) return this;
    at.children.set(serializeElement(last), { element: last, node });
    return new FieldSet(root);
  }

  /** This set plus every path that leads to one of its members. */
  withAncestors(): FieldSet {
    const lift = (node: SetNode): SetNode => {
      const out: SetNode = { member: node.member, children: new Map() };
      for (const [k, { element, node: child }] of node.children) out.children.set(k, { element, node: { ...lift(child), member: true } });
      return out;
    };
    return new FieldSet(lift(this.root));
  }

  /** The FieldsV1 object: elements in upstream's order, "." after the children of an owned element. */
  toFieldsV1(): JsonObject {
    const write = (node: SetNode): JsonObject => {
      const out: JsonObject = {};
      for (const [key, { node: child }] of sortedEntries(node)) {
        const inner = write(child);
        if (child.children.size > 0 && child.member) inner["."] = {};
        out[key] = inner;
      }
      return out;
    };
    return write(this.root);
  }
}

function insert(root: SetNode, path: FieldPath): void {
  insertSteps(root, path.map((element) => ({ element, key: serializeElement(element) })));
}

/** A path element with its FieldsV1 key, serialized once. */
interface Step {
  readonly element: PathElement;
  readonly key: string;
}

function insertSteps(root: SetNode, steps: readonly Step[]): void {
  if (steps.length === 0) return;
  let node = root;
  for (const { element, key } of steps) {
    let entry = node.children.get(key);
    if (entry === undefined) {
      entry = { element, node: emptyNode() };
      node.children.set(key, entry);
    }
    node = entry.node;
  }
  node.member = true;
}

/**
 * Every `member` rule here is false for an element in neither set, so a
 * subtree present on one side only comes out either whole or not at all:
 * it is shared, not copied (sets never change once built).
 */
function combine(a: SetNode, b: SetNode, member: (inA: boolean, inB: boolean) => boolean): SetNode {
  const out: SetNode = { member: member(a.member, b.member), children: new Map() };
  const keepOnlyA = member(true, false);
  const keepOnlyB = member(false, true);
  for (const [k, ea] of a.children) {
    const eb = b.children.get(k);
    if (eb === undefined) {
      if (keepOnlyA) out.children.set(k, ea);
      continue;
    }
    const child = combine(ea.node, eb.node, member);
    if (!nodeIsEmpty(child)) out.children.set(k, { element: ea.element, node: child });
  }
  if (keepOnlyB) for (const [k, eb] of b.children) if (!a.children.has(k)) out.children.set(k, eb);
  return out;
}

function sortedEntries(node: SetNode) {
  return [...node.children].sort(compareEntries);
}

// Two fields compare as their keys do ("f:" and the name): most entries are fields.
function compareEntries([ka, a]: [string, { readonly element: PathElement }], [kb, b]: [string, { readonly element: PathElement }]): number {
  if (ka.startsWith("f:") && kb.startsWith("f:")) return compareText(ka, kb);
  return compareElements(a.element, b.element);
}

/** Upstream's reading: an object without (known) children is an owned leaf; "." marks an owned parent. */
function readFields(fields: JsonObject): { node: SetNode; member: boolean } {
  const node = emptyNode();
  let member = false;
  for (const [k, v] of Object.entries(fields)) {
    if (k === ".") {
      member = true;
      continue;
    }
    const element = parseElement(k);
    if (element === undefined) continue;
    if (!isJsonObject(v)) throw new ManagedFieldsError(`the value of ${JSON.stringify(k)} in fieldsV1 must be an object`);
    const child = readFields(v);
    child.node.member = child.member;
    node.children.set(serializeElement(element), { element, node: child.node });
  }
  return { node, member: member || node.children.size === 0 };
}

// ---------------------------------------------------------------------------
// Shapes: how the fields of a kind merge, from the patch metadata of src/api/patch

export interface ObjectShape {
  field(name: string): ValueShape;
}

export interface ValueShape {
  /** Owned, compared and replaced as one leaf (x-kubernetes-map-type / list-type atomic). */
  readonly atomic: boolean;
  /**
   * A non-pointer struct of a built-in type: upstream compares typed objects,
   * which always carry it (empty) inside a parent that exists, so it is never
   * added or removed as a whole.
   */
  readonly alwaysPresent: boolean;
  /** The fields of an object value. */
  readonly fields: ObjectShape;
  /** How the items of a list value are told apart; absent for atomic lists. */
  readonly list?: ListShape;
}

export interface ListShape {
  /** The fields that name an item; empty for a set of primitive values. */
  readonly keys: readonly string[];
  /** Values of key fields an item leaves out. */
  readonly keyDefaults: Readonly<Record<string, JsonValue>>;
  readonly item: ValueShape;
}

interface ListKeys {
  keys: string[];
  keyDefaults: Record<string, JsonValue>;
}

// Upstream's structured-merge schema (1.32) where it differs from the patch
// metadata: list-map-keys with more than one key, lists atomic for apply,
// lists whose items are atomic structs.
const listKeyOverrides: Readonly<Record<string, ListKeys>> = {
  "core/v1.Container.ports": { keys: ["containerPort", "protocol"], keyDefaults: { containerPort: 0, protocol: "TCP" } },
  "core/v1.EphemeralContainer.ports": { keys: ["containerPort", "protocol"], keyDefaults: { containerPort: 0, protocol: "TCP" } },
  "core/v1.ServiceSpec.ports": { keys: ["port", "protocol"], keyDefaults: { port: 0, protocol: "TCP" } },
  "core/v1.PodSpec.topologySpreadConstraints": { keys: ["topologyKey", "whenUnsatisfiable"], keyDefaults: { topologyKey: "", whenUnsatisfiable: "" } },
};
const atomicLists = new Set(["core/v1.PodStatus.hostIPs"]);
const listsOfAtomicItems = new Set(["core/v1.PodSpec.imagePullSecrets", "core/v1.ServiceAccount.secrets", "meta/v1.ObjectMeta.ownerReferences"]);

// Built-in fields whose object values are atomic upstream wherever they occur
// (label selectors, object references, key selectors, node selectors).
const atomicFieldNames = new Set([
  "selector",
  "labelSelector",
  "namespaceSelector",
  "podSelector",
  "nodeSelector",
  "roleRef",
  "configMapKeyRef",
  "secretKeyRef",
  "fieldRef",
  "resourceFieldRef",
  "fileKeyRef",
  "secretRef",
  "claimRef",
  "dataSource",
  "targetRef",
  "involvedObject",
  "related",
  "preference",
  "scopeSelector",
  "nodeTopology",
  "requiredDuringSchedulingIgnoredDuringExecution",
]);

// Non-pointer struct fields of the built-in types (Go values, not pointers).
const alwaysPresentNames = new Set(["metadata", "spec", "status", "template", "strategy", "updateStrategy", "jobTemplate", "resources", "nodeInfo", "daemonEndpoints", "kubeletEndpoint", "loadBalancer"]);

// Shapes are made once per kind and field, as every write of a kind walks the
// same ones. Fields without patch metadata (map keys such as labels, fields of
// custom resources) share shapes that depend on the name alone, so arbitrary
// keys never grow a cache.
function objectShape(meta: PatchMeta | undefined, builtin: boolean): ObjectShape {
  if (meta === undefined) return builtin ? untypedBuiltinObject : untypedCustomObject;
  const known = new Map<string, ValueShape>();
  return {
    field(name) {
      let shape = known.get(name);
      if (shape === undefined) {
        shape = typedFieldShape(meta, builtin, name);
        if (shape === undefined) return builtin ? untypedBuiltinField(name) : untypedCustomField;
        known.set(name, shape);
      }
      return shape;
    },
  };
}

/** The shape of a field the type's patch metadata knows; undefined when it does not. */
function typedFieldShape(meta: PatchMeta, builtin: boolean, name: string): ValueShape | undefined {
  const tags = meta.field(name);
  const id = `${meta.typeName}.${name}`;
  const override = Object.hasOwn(listKeyOverrides, id) ? listKeyOverrides[id] : undefined;
  if (tags === undefined && override === undefined) return undefined;
  const fields = objectShape(tags?.schema, builtin);
  const keyed: ListKeys | undefined =
    override ??
    (tags?.strategy === "merge" && !atomicLists.has(id)
      ? { keys: tags.mergeKey === undefined ? [] : [tags.mergeKey], keyDefaults: tags.mergeKey === undefined ? {} : { [tags.mergeKey]: "" } }
      : undefined);
  const list: ListShape | undefined =
    keyed === undefined ? undefined : { ...keyed, item: { atomic: keyed.keys.length === 0 || listsOfAtomicItems.has(id), alwaysPresent: false, fields } };
  return { atomic: builtin && atomicFieldNames.has(name), alwaysPresent: builtin && alwaysPresentNames.has(name), fields, list };
}

const untypedCustomObject: ObjectShape = { field: () => untypedCustomField };
const untypedCustomField: ValueShape = { atomic: false, alwaysPresent: false, fields: untypedCustomObject };
const untypedBuiltinObject: ObjectShape = { field: (name) => untypedBuiltinField(name) };
const untypedBuiltinFields = [false, true].flatMap((atomic) => [false, true].map((alwaysPresent): ValueShape => ({ atomic, alwaysPresent, fields: untypedBuiltinObject })));

function untypedBuiltinField(name: string): ValueShape {
  return untypedBuiltinFields[(atomicFieldNames.has(name) ? 2 : 0) + (alwaysPresentNames.has(name) ? 1 : 0)]!;
}

/** The shape of a whole object of a kind; kinds without patch metadata (custom resources) have atomic lists only. */
export function shapeOf(group: string, version: string, kind: string): ValueShape {
  const key = `${group}/${version}/${kind}`;
  let shape = shapes.get(key);
  if (shape === undefined) {
    const meta = patchMetaFor(group, version, kind);
    shape = { atomic: false, alwaysPresent: false, fields: objectShape(meta, meta !== undefined) };
    shapes.set(key, shape);
  }
  return shape;
}

const shapes = new Map<string, ValueShape>();

/** The path element of a list item. */
export function itemElement(item: JsonValue, list: ListShape): PathElement {
  if (list.keys.length === 0) return { value: item };
  if (!isJsonObject(item)) throw new ListItemError(`associative list with keys has an element that is not a map`);
  const key = list.keys.map((name): [string, JsonValue] => {
    const value = item[name] ?? list.keyDefaults[name];
    if (value === undefined) throw new ListItemError(`associative list with keys has an element that omits key field ${JSON.stringify(name)} (and doesn't have default value)`);
    return [name, value];
  });
  return { key: key.sort(([a], [b]) => compareText(a, b)) };
}

/** The items of a list by their element (the first of duplicates wins) and the keys of duplicated ones. */
export function indexItems(items: readonly JsonValue[], list: ListShape): { byKey: Map<string, { element: PathElement; item: JsonValue }>; duplicates: Set<string> } {
  const byKey = new Map<string, { element: PathElement; item: JsonValue }>();
  const duplicates = new Set<string>();
  for (const item of items) {
    const element = itemElement(item, list);
    const k = serializeElement(element);
    if (byKey.has(k)) duplicates.add(k);
    else byKey.set(k, { element, item });
  }
  return { byKey, duplicates };
}

type Kind = "object" | "list" | "scalar";

function kindOf(v: JsonValue | undefined): Kind | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? "list" : isJsonObject(v) ? "object" : "scalar";
}

function isEmptyValue(v: JsonValue | undefined): boolean {
  return v === undefined || (Array.isArray(v) ? v.length === 0 : isJsonObject(v) && Object.keys(v).length === 0);
}

// ---------------------------------------------------------------------------
// Sets of values: what an applied configuration sets, what changed

/** Every field a value sets, as apply counts them: leaves, atomic values, list items, and empty objects. */
export function fieldSetOf(value: JsonObject, shape: ValueShape): FieldSet {
  const paths: FieldPath[] = [];
  const visit = (v: JsonValue, s: ValueShape, path: PathElement[]) => {
    if (s.atomic) return;
    if (Array.isArray(v)) {
      if (s.list === undefined) return;
      const { byKey, duplicates } = indexItems(v, s.list);
      for (const [k, { element, item }] of byKey) {
        paths.push([...path, element]);
        if (!duplicates.has(k)) visit(item, s.list.item, [...path, element]);
      }
      return;
    }
    if (!isJsonObject(v)) return;
    for (const [name, child] of Object.entries(v)) {
      const childShape = s.fields.field(name);
      const childPath = [...path, { field: name }];
      const leaf = childShape.atomic || child === null || !(Array.isArray(child) || isJsonObject(child)) || (isJsonObject(child) && Object.keys(child).length === 0) || (Array.isArray(child) && childShape.list === undefined);
      if (leaf) paths.push(childPath);
      else visit(child, childShape, childPath);
    }
  };
  visit(value, shape, []);
  return FieldSet.of(paths);
}

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/** What changed between two values, as upstream's comparison reports it (non-leaf paths added or removed whole count too). */
export function compareObjects(before: JsonValue, after: JsonValue, shape: ValueShape): Comparison {
  const added = emptyNode();
  const modified = emptyNode();
  const removed = emptyNode();
  // The path being visited; each of its elements is serialized once, however many sets it lands in.
  const path: Step[] = [];
  const leaf = (l: JsonValue | undefined, r: JsonValue | undefined) => {
    if (l === undefined) insertSteps(added, path);
    else if (r === undefined) insertSteps(removed, path);
    else if (!jsonEqual(l, r)) insertSteps(modified, path);
  };
  const visitField = (lo: JsonObject, ro: JsonObject, l: JsonValue | undefined, r: JsonValue | undefined, s: ValueShape, name: string) => {
    const child = s.fields.field(name);
    const zero = (side: JsonValue | undefined) => (side !== undefined && child.alwaysPresent ? {} : undefined);
    path.push({ element: { field: name }, key: `f:${name}` });
    visit(lo[name] ?? zero(l), ro[name] ?? zero(r), child);
    path.pop();
  };
  const visit = (l: JsonValue | undefined, r: JsonValue | undefined, s: ValueShape) => {
    const lk = kindOf(l);
    const rk = kindOf(r);
    const kind = rk ?? lk;
    const bothEmpty = isEmptyValue(l) && isEmptyValue(r);
    if ((lk !== undefined && rk !== undefined && lk !== rk) || kind === "scalar" || s.atomic || bothEmpty || (kind === "list" && s.list === undefined)) {
      leaf(l, r);
      return;
    }
    if (kind === "object") {
      const lo = (l ?? {}) as JsonObject;
      const ro = (r ?? {}) as JsonObject;
      for (const name of Object.keys(lo)) visitField(lo, ro, l, r, s, name);
      for (const name of Object.keys(ro)) if (!Object.hasOwn(lo, name)) visitField(lo, ro, l, r, s, name);
    } else {
      const list = s.list!;
      const li = indexItems((l ?? []) as JsonValue[], list).byKey;
      const ri = indexItems((r ?? []) as JsonValue[], list).byKey;
      const visitItem = (key: string, element: PathElement) => {
        path.push({ element, key });
        visit(li.get(key)?.item, ri.get(key)?.item, list.item);
        path.pop();
      };
      for (const [key, { element }] of li) visitItem(key, element);
      for (const [key, { element }] of ri) if (!li.has(key)) visitItem(key, element);
    }
    if (l === undefined) insertSteps(added, path);
    else if (r === undefined) insertSteps(removed, path);
  };
  visit(before, after, shape);
  return { added: setOf(added), modified: setOf(modified), removed: setOf(removed) };
}


/** The leaf paths whose values differ between two objects (added, changed or removed). */
export function changedPaths(before: JsonObject, after: JsonObject, shape: ValueShape): FieldPath[] {
  const c = compareObjects(before, after, shape);
  return c.added.union(c.modified).union(c.removed).paths();
}

// ---------------------------------------------------------------------------
// What a manager may own, and what nobody owns

/** Which part of an object a write may own: upstream's "reset fields" of the main resource and of status. */
export type OwnershipScope = "whole" | "allButStatus" | "statusOnly";

const statusPath: FieldPath = [{ field: "status" }];
const statusSet = FieldSet.of([statusPath]);

export function scoped(set: FieldSet, scope: OwnershipScope): FieldSet {
  switch (scope) {
    case "whole":
      return set;
    case "allButStatus":
      return set.withoutSubtrees(statusSet);
    case "statusOnly":
      return set.within(statusPath);
  }
}

export function scopedComparison(c: Comparison, scope: OwnershipScope): Comparison {
  return { added: scoped(c.added, scope), modified: scoped(c.modified, scope), removed: scoped(c.removed, scope) };
}

// System fields never owned (upstream's strip set).
const strippedMetadata = ["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"];
const strippedPaths = FieldSet.of([[{ field: "apiVersion" }], [{ field: "kind" }], [{ field: "metadata" }], ...strippedMetadata.map((f) => [{ field: "metadata" }, { field: f }])]);

const strippedTopLevel = new Set(["apiVersion", "kind"]);
const strippedMetadataFields = new Set(strippedMetadata);

/**
 * The object without the fields nobody owns, for comparing and counting: a
 * shallow copy that shares everything below metadata with `obj`, so it is
 * for reading only.
 */
export function ownableFields(obj: ApiObject | JsonObject | undefined): JsonObject {
  const source = (obj ?? {}) as JsonObject;
  const copy = without(source, strippedTopLevel);
  const metadata = source["metadata"];
  if (isJsonObject(metadata)) copy["metadata"] = without(metadata, strippedMetadataFields);
  return copy;
}

function without(obj: JsonObject, names: ReadonlySet<string>): JsonObject {
  const out: JsonObject = {};
  for (const name of Object.keys(obj)) if (!names.has(name)) out[name] = obj[name]!;
  return out;
}

export function withoutStripped(set: FieldSet): FieldSet {
  return set.difference(strippedPaths);
}

// ---------------------------------------------------------------------------
// managedFields entries

export type ManagedOperation = "Apply" | "Update";

export interface ManagedFieldsEntry {
  manager?: string;
  operation: ManagedOperation;
  apiVersion: string;
  time?: string;
  fieldsType: "FieldsV1";
  fieldsV1: JsonObject;
  subresource?: string;
}

/** Who owns a set: appliers are one manager whatever version they applied; updaters are one per version. */
export interface ManagerId {
  readonly manager: string;
  readonly operation: ManagedOperation;
  /** Part of the identity of updaters only. */
  readonly apiVersion?: string;
  readonly subresource?: string;
}

export interface Owner {
  readonly id: ManagerId;
  readonly apiVersion: string;
  readonly set: FieldSet;
  readonly time?: string;
}

/** Owners by identity. */
export type Managed = Map<string, Owner>;

/** Upstream's identity string (the JSON of the entry without time and fields); also how conflicts are sorted. */
export function managerKey(id: ManagerId): string {
  const out: Record<string, string> = {};
  if (id.manager !== "") out["manager"] = id.manager;
  out["operation"] = id.operation;
  if (id.operation === "Update" && id.apiVersion) out["apiVersion"] = id.apiVersion;
  if (id.subresource) out["subresource"] = id.subresource;
  return JSON.stringify(out);
}

export function decodeManagedFields(entries: unknown): Managed {
  const managed: Managed = new Map();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new ManagedFieldsError("managedFields must be a list");
  entries.forEach((raw: unknown, i) => {
    if (!isJsonObject(raw)) throw new ManagedFieldsError(`managed fields entry ${i} must be an object`);
    const { manager = "", operation, apiVersion, fieldsType, fieldsV1, time, subresource = "" } = raw;
    if (operation !== "Apply" && operation !== "Update") throw new ManagedFieldsError("operation must be `Apply` or `Update`");
    if (typeof apiVersion !== "string" || apiVersion === "") throw new ManagedFieldsError("apiVersion must not be empty");
    if (fieldsType === undefined || fieldsType === "") throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (fieldsType !== "FieldsV1") throw new ManagedFieldsError(`invalid fieldsType ${JSON.stringify(fieldsType)} in managed fields entry ${i}`);
    if (typeof manager !== "string" || typeof subresource !== "string") throw new ManagedFieldsError(`managed fields entry ${i} has an invalid manager`);
    const id: ManagerId = { manager, operation, apiVersion: operation === "Update" ? apiVersion : undefined, subresource: subresource || undefined };
    const set = fieldsV1 === undefined || fieldsV1 === null ? FieldSet.empty : FieldSet.fromFieldsV1(fieldsV1);
    managed.set(managerKey(id), { id, apiVersion, set, time: typeof time === "string" ? time : undefined });
  });
  return managed;
}

/** The same owners, or none when the entries cannot be read (upstream falls back the same way). */
export function decodeOrEmpty(entries: unknown): Managed {
  try {
    return decodeManagedFields(entries);
  } catch (e) {
    if (e instanceof ManagedFieldsError) return new Map();
    throw e;
  }
}

function seconds(time: string | undefined): number {
  return time === undefined ? 0 : Math.floor(Date.parse(time) / 1000);
}

/** The entries upstream writes: sorted by operation, time, manager, apiVersion, subresource; undefined when nobody owns anything. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  const entries: ManagedFieldsEntry[] = [];
  for (const owner of managed.values()) {
    if (owner.set.isEmpty()) continue;
    // Upstream's field order, with its omitempty fields left out.
    entries.push({
      ...(owner.id.manager === "" ? {} : { manager: owner.id.manager }),
      operation: owner.id.operation,
      apiVersion: owner.apiVersion,
      ...(owner.time === undefined ? {} : { time: owner.time }),
      fieldsType: "FieldsV1",
      fieldsV1: owner.set.toFieldsV1(),
      ...(owner.id.subresource ? { subresource: owner.id.subresource } : {}),
    });
  }
  entries.sort(
    (p, q) =>
      compareText(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      compareText(p.manager ?? "", q.manager ?? "") ||
      compareText(p.apiVersion, q.apiVersion) ||
      compareText(p.subresource ?? "", q.subresource ?? ""),
  );
  return entries.length === 0 ? undefined : entries;
}

/** Upstream: an explicitly empty list, or a list of one empty entry, clears managedFields. */
export function isManagedFieldsReset(sent: unknown): boolean {
  if (!Array.isArray(sent)) return false;
  if (sent.length === 0) return true;
  const [only] = sent as unknown[];
  return sent.length === 1 && isJsonObject(only) && Object.values(only).every((v) => v === null || v === "");
}

// Upstream keeps at most this many updaters; older ones merge into "ancient-changes" per version.
const maxUpdateManagers = 10;

function capUpdateManagers(managed: Managed): void {
  const updaters = [...managed.entries()].filter(([, o]) => o.id.operation === "Update");
  if (updaters.length <= maxUpdateManagers) return;
  updaters.sort(([ka, a], [kb, b]) => seconds(a.time) - seconds(b.time) || compareText(ka, kb));
  const firstOfVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [key, owner] of updaters) {
    if (count <= maxUpdateManagers) break;
    const version = owner.apiVersion;
    const first = firstOfVersion.get(version);
    if (first === undefined) {
      firstOfVersion.set(version, key);
      continue;
    }
    const bucketId: ManagerId = { manager: "ancient-changes", operation: "Update", apiVersion: version };
    const bucketKey = managerKey(bucketId);
    let bucket = managed.get(bucketKey);
    if (bucket === undefined) {
      const firstOwner = managed.get(first)!;
      managed.delete(first);
      bucket = { ...firstOwner, id: bucketId };
    }
    managed.set(bucketKey, { id: bucketId, apiVersion: version, set: owner.set.union(bucket.set), time: owner.time });
    managed.delete(key);
    count--;
  }
}

/** Every other owner loses the fields a write changed (set or removed); owners left with nothing are dropped. */
export function takeOwnership(managed: Managed, changed: FieldSet, removed: FieldSet, except?: string): void {
  for (const [key, owner] of managed) {
    if (key === except) continue;
    const set = owner.set.difference(changed).difference(removed);
    if (set.isEmpty()) managed.delete(key);
    else managed.set(key, { ...owner, set });
  }
}

/** A field-manager name from a User-Agent, as upstream derives it: the part before "/", printable, at most 128 bytes. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? "").split("/")[0]!;
  let out = "";
  let bytes = 0;
  for (const ch of prefix) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    const size = Buffer.byteLength(ch, "utf8");
    if (bytes + size > 128) break;
    out += ch;
    bytes += size;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Recording an ordinary write (create, update, patch, subresources)

/** What a write says about who makes it; WriteOptions of ResourceRest extend this. */
export interface FieldManagerOptions {
  /** The fieldManager query parameter. */
  fieldManager?: string;
  /** The request's User-Agent: names the manager when fieldManager is absent. */
  userAgent?: string;
  /** The subresource the write comes through ("scale", "binding"); status writes are known from the part written. */
  subresource?: string;
  /** Server-side apply already set metadata.managedFields on the object; keep them as they are. */
  managedFieldsApplied?: boolean;
}

export interface RecordedWrite {
  readonly resource: Pick<ResourceInfo, "group" | "version" | "kind">;
  /** The resource has a status subresource: writes to the main resource never own status. */
  readonly statusSubresource: boolean;
  /** The part of the object written: "main", "status", or what a subresource handler owns. */
  readonly part: string;
  readonly options: FieldManagerOptions;
  readonly now: Date;
}

export function scopeOf(part: string, statusSubresource: boolean): OwnershipScope {
  if (part === "status") return "statusOnly";
  return part === "main" && statusSubresource ? "allButStatus" : "whole";
}

function setManagedFields(obj: ApiObject, entries: unknown): void {
  obj.metadata ??= {};
  if (Array.isArray(entries) && entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

/**
 * Sets next.metadata.managedFields for a write of `next` over `previous`
 * (undefined: a create). `sent` is what the request body carried: a non-empty
 * valid list replaces the recorded one (upstream lets clients edit it), an
 * empty list clears it, anything else keeps the stored entries; subresource
 * writes always keep the stored ones. An existing object without entries stays
 * untracked until its first apply, as upstream.
 */
export function recordWrite(previous: ApiObject | undefined, next: ApiObject, sent: unknown, write: RecordedWrite): void {
  if (write.options.managedFieldsApplied) return setManagedFields(next, sent);
  const subresource = write.options.subresource ?? (write.part === "status" ? "status" : "");
  let managed: Managed;
  if (subresource !== "") managed = decodeOrEmpty(previous?.metadata?.managedFields);
  else if (isManagedFieldsReset(sent)) managed = new Map();
  else {
    managed = decodeOrEmpty(sent);
    if (managed.size === 0) managed = decodeOrEmpty(previous?.metadata?.managedFields);
  }
  if (managed.size === 0 && previous !== undefined) return setManagedFields(next, undefined);
  const { group, version, kind } = write.resource;
  const apiVersion = group === "" ? version : `${group}/${version}`;
  const shape = shapeOf(group, version, kind);
  let comparison: Comparison;
  try {
    comparison = scopedComparison(compareObjects(ownableFields(previous), ownableFields(next), shape), scopeOf(write.part, write.statusSubresource));
  } catch (e) {
    // Upstream keeps the stored entries when it cannot compute new ones.
    if (e instanceof ListItemError) return setManagedFields(next, previous?.metadata?.managedFields);
    throw e;
  }
  const changed = comparison.added.union(comparison.modified);
  takeOwnership(managed, changed, comparison.removed);
  const owned = withoutStripped(changed);
  if (!owned.isEmpty()) {
    const manager = write.options.fieldManager ?? managerFromUserAgent(write.options.userAgent);
    const id: ManagerId = { manager, operation: "Update", apiVersion, subresource: subresource || undefined };
    const key = managerKey(id);
    const before = managed.get(key)?.set ?? FieldSet.empty;
    managed.set(key, { id, apiVersion, set: before.union(owned), time: timestamp(write.now) });
  }
  capUpdateManagers(managed);
  setManagedFields(next, encodeManagedFields(managed));
}

// ---------------------------------------------------------------------------
// Conflicts of an apply

export interface FieldConflict {
  readonly owner: ManagerId;
  readonly path: FieldPath;
}

/** An apply would change fields other managers own. */
export class FieldManagerConflictError extends Error {
  readonly reason = "FieldManagerConflict" as const;
  constructor(readonly conflicts: readonly FieldConflict[]) {
    super(describeConflicts(conflicts).message);
    this.name = "FieldManagerConflictError";
  }
}

/** How upstream names a manager in conflict messages. */
export function describeManager(id: ManagerId): string {
  let text = JSON.stringify(id.manager);
  if (id.subresource) text += ` with subresource ${JSON.stringify(id.subresource)}`;
  return id.operation === "Update" ? `${text} using ${id.apiVersion ?? ""}` : text;
}

/** Upstream's Status message and causes for apply conflicts. */
export function describeConflicts(conflicts: readonly FieldConflict[]): { message: string; causes: { reason: "FieldManagerConflict"; message: string; field: string }[] } {
  const sorted = [...conflicts].sort((a, b) => compareText(managerKey(a.owner), managerKey(b.owner)) || comparePaths(a.path, b.path));
  const causes = sorted.map((c) => ({ reason: "FieldManagerConflict" as const, message: `conflict with ${describeManager(c.owner)}`, field: formatPath(c.path) }));
  if (sorted.length === 1) {
    const [only] = sorted;
    return { message: `Apply failed with 1 conflict: conflict with ${describeManager(only!.owner)}: ${formatPath(only!.path)}`, causes };
  }
  const lines: string[] = [];
  let previous: string | undefined;
  for (const c of sorted) {
    const key = managerKey(c.owner);
    if (key !== previous) lines.push(`conflicts with ${describeManager(c.owner)}:`);
    previous = key;
    lines.push(`- ${formatPath(c.path)}`);
  }
  return { message: `Apply failed with ${sorted.length} conflicts: ${lines.join("\n")}`, causes };
}

function comparePaths(a: FieldPath, b: FieldPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareElements(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
