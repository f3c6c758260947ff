// Server-side field validation, the `fieldValidation` query parameter of
// create, update and patch: which fields of a request body the kind's schema
// does not know, and which keys repeat, in the texts upstream's strict JSON
// decoder produces (`unknown field "spec.foo"`, `duplicate field "metadata.name"`),
// so that `kubectl apply --validate=strict` fails, and `--validate=warn` warns,
// exactly as against a real apiserver.
import { openApiSchemas } from "./openapi/index.ts";
import { ApiError } from "./status.ts";
import { goQuote } from "../api/validation/go-value.ts";
import { formatFieldErrorDetail, formatInvalidMessage, invalid, notSupported } from "../api/validation/field-error.ts";

export type FieldValidation = "Ignore" | "Warn" | "Strict";

/** The options object upstream validates the query parameters of each write as. */
export type WriteOptionsKind = "CreateOptions" | "UpdateOptions" | "PatchOptions";

// Upstream's allowed set includes "" (absent), listed sorted in its message.
const allowedValues = ["", "Ignore", "Strict", "Warn"] as const;

/**
 * The directive of a write; absent or empty means Warn, as upstream. Any other
 * value is a 422 Invalid on the options object, e.g. `CreateOptions.meta.k8s.io ""
 * is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"`.
 */
export function parseFieldValidation(value: string | null, options: WriteOptionsKind): FieldValidation {
  switch (value) {
    case null:
    case "":
    case "Warn":
      return "Warn";
    case "Ignore":
    case "Strict":
      return value;
  }
  const error = notSupported("fieldValidation", value, allowedValues);
  throw new ApiError(422, "Invalid", formatInvalidMessage(`${options}.meta.k8s.io`, "", [error]), {
    group: "meta.k8s.io",
    kind: options,
    causes: [{ reason: error.type, message: formatFieldErrorDetail(error), field: error.field }],
  });
}

type Schema = Record<string, unknown>;

/**
 * What the decoder does with a JSON value at one place of an object. Every
 * variant carries the same keys, so the scanner's hot paths see one shape.
 */
type FieldNode =
  /** A Go struct: keys must be its fields, each at most once. */
  | { readonly shape: "struct"; readonly fields: Map<string, FieldNode>; readonly element: undefined }
  /** A map (any key, each at most once) or a list, with elements of one kind. */
  | { readonly shape: "map" | "list"; readonly fields: undefined; readonly element: FieldNode }
  /**
   * opaque: scalars and types that decode themselves (raw JSON, int-or-string), nothing inside is checked;
   * untyped: decoded into a generic map (custom resources, patch bodies), only repeated keys are reported.
   */
  | { readonly shape: "opaque" | "untyped"; readonly fields: undefined; readonly element: undefined };

const structNode = (fields: Map<string, FieldNode>): FieldNode => ({ shape: "struct", fields, element: undefined });
const mapNode = (element: FieldNode): FieldNode => ({ shape: "map", fields: undefined, element });
const listNode = (element: FieldNode): FieldNode => ({ shape: "list", fields: undefined, element });
const opaque: FieldNode = { shape: "opaque", fields: undefined, element: undefined };
const untyped: FieldNode = { shape: "untyped", fields: undefined, element: undefined };

// Go types with their own UnmarshalJSON whose JSON is an object or array:
// upstream stores or re-parses them leniently, so unknown keys inside pass.
const selfDecodingTypes = new Set([
  "io.k8s.apimachinery.pkg.runtime.RawExtension",
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
]);

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const text: Schema = { type: "string" };
const texts: Schema = { type: "array", items: text };
const struct = (fields: Record<string, Schema>): Schema => ({ type: "object", properties: fields });
const selectorAttributes = (requirement: Schema) => struct({ rawSelector: text, requirements: { type: "array", items: requirement } });

/**
 * Fields the Go types of Kubernetes 1.32 decode but the generated schemas lack:
 * kubernetes-types 1.30 predates them, or lost them where a doc comment holds
 * a star followed by a slash. Found by comparing schemas.json with the json tags of kubernetes/api
 * v0.32.9 and apiextensions-apiserver v0.32.13.
 */
const fieldsMissingFromSchemas: Readonly<Record<string, Record<string, Schema>>> = {
  "io.k8s.api.admissionregistration.v1.RuleWithOperations": { resources: texts, scope: text },
  "io.k8s.api.admissionregistration.v1.NamedRuleWithOperations": { resources: texts, scope: text },
  "io.k8s.api.authorization.v1.ResourceAttributes": {
    fieldSelector: selectorAttributes(struct({ key: text, operator: text, values: texts })),
    labelSelector: selectorAttributes(ref("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement")),
  },
  "io.k8s.api.authorization.v1.ResourceRule": { verbs: texts, resources: texts },
  "io.k8s.api.coordination.v1.LeaseSpec": { strategy: text, preferredHolder: text },
  "io.k8s.api.core.v1.Volume": { image: struct({ reference: text, pullPolicy: text }) },
  "io.k8s.api.core.v1.ResourceClaim": { request: text },
  "io.k8s.api.core.v1.ContainerStatus": {
    user: struct({ linux: struct({ uid: text, gid: text, supplementalGroups: texts }) }),
    allocatedResourcesStatus: { type: "array", items: struct({ name: text, resources: { type: "array", items: struct({ resourceID: text, health: text }) } }) },
  },
  "io.k8s.api.core.v1.PodSpec": { resources: ref("io.k8s.api.core.v1.ResourceRequirements") },
  "io.k8s.api.core.v1.PodResourceClaim": { resourceClaimName: text, resourceClaimTemplateName: text },
  "io.k8s.api.core.v1.PodSecurityContext": { supplementalGroupsPolicy: text, seLinuxChangePolicy: text },
  "io.k8s.api.core.v1.NodeRuntimeHandlerFeatures": { userNamespaces: text },
  "io.k8s.api.core.v1.NodeStatus": { features: struct({ supplementalGroupsPolicy: text }) },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps": {
    "x-kubernetes-preserve-unknown-fields": text,
    "x-kubernetes-embedded-resource": text,
    "x-kubernetes-int-or-string": text,
    "x-kubernetes-list-map-keys": texts,
    "x-kubernetes-list-type": text,
    "x-kubernetes-map-type": text,
    "x-kubernetes-validations": { type: "array", items: ref("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule") },
  },
};

interface SchemaIndex {
  schemas: Record<string, Schema>;
  /** "<group>/<version>/<kind>" → schema name. */
  kinds: Map<string, string>;
  /** Compiled nodes by schema name; shared, so recursive types compile once. */
  named: Map<string, FieldNode>;
  /** Root node per "<group>/<version>/<kind>"; undefined when the kind has no schema. */
  roots: Map<string, FieldNode | undefined>;
}

let index: SchemaIndex | undefined;

function schemaIndex(): SchemaIndex {
  if (index !== undefined) return index;
  const schemas = openApiSchemas() as Record<string, Schema>;
  const kinds = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    for (const gvk of (schema["x-kubernetes-group-version-kind"] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
      kinds.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, name);
    }
  }
  index = { schemas, kinds, named: new Map(), roots: new Map() };
  return index;
}

function namedNode(idx: SchemaIndex, name: string): FieldNode {
  const known = idx.named.get(name);
  if (known !== undefined) return known;
  const schema = idx.schemas[name];
  if (selfDecodingTypes.has(name) || schema === undefined || schema["properties"] === undefined) {
    const node = schema === undefined || selfDecodingTypes.has(name) ? opaque : compile(idx, schema);
    idx.named.set(name, node);
    return node;
  }
  const fields = new Map<string, FieldNode>();
  const node = structNode(fields);
  // Registered before its fields compile, so a field of its own type finds it.
  idx.named.set(name, node);
  const properties = { ...(schema["properties"] as Record<string, Schema>), ...fieldsMissingFromSchemas[name] };
  for (const [field, fieldSchema] of Object.entries(properties)) fields.set(field, compile(idx, fieldSchema));
  return node;
}

function compile(idx: SchemaIndex, schema: Schema): FieldNode {
  const target = schema["$ref"];
  if (typeof target === "string") return namedNode(idx, target.slice(target.lastIndexOf("/") + 1));
  const allOf = schema["allOf"] as Schema[] | undefined;
  if (allOf?.[0] !== undefined) return compile(idx, allOf[0]);
  const properties = schema["properties"] as Record<string, Schema> | undefined;
  if (properties !== undefined) {
    return structNode(new Map(Object.entries(properties).map(([field, s]) => [field, compile(idx, s)])));
  }
  const items = schema["items"] as Schema | undefined;
  if (schema["type"] === "array" && items !== undefined) return listNode(compile(idx, items));
  const values = schema["additionalProperties"];
  if (typeof values === "object" && values !== null) return mapNode(compile(idx, values as Schema));
  return opaque;
}

function rootNode(group: string, version: string, kind: string): FieldNode | undefined {
  const idx = schemaIndex();
  const key = `${group}/${version}/${kind}`;
  if (idx.roots.has(key)) return idx.roots.get(key);
  const name = idx.kinds.get(key);
  const node = name === undefined ? undefined : namedNode(idx, name);
  idx.roots.set(key, node);
  return node;
}

/** Whether anything below a node can be unknown; saves building paths into lists of strings and the like. */
function inspects(node: FieldNode): boolean {
  switch (node.shape) {
    case "struct":
      return true;
    case "map":
    case "list":
      return inspects(node.element);
    case "opaque":
    case "untyped":
      return false;
  }
}

const child = (path: string, key: string) => (path === "" ? key : `${path}.${key}`);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function collectUnknown(node: FieldNode, value: unknown, path: string, out: string[]): void {
  switch (node.shape) {
    case "struct":
      if (!isRecord(value)) return;
      for (const key of Object.keys(value)) {
        const field = node.fields.get(key);
        if (field === undefined) out.push(child(path, key));
        else if (inspects(field)) collectUnknown(field, value[key], child(path, key), out);
      }
      return;
    case "map":
      if (!isRecord(value)) return;
      for (const key of Object.keys(value)) collectUnknown(node.element, value[key], child(path, key), out);
      return;
    case "list":
      if (!Array.isArray(value)) return;
      for (let i = 0; i < value.length; i++) collectUnknown(node.element, value[i], `${path}[${i}]`, out);
      return;
    case "opaque":
    case "untyped":
      return;
  }
}

/**
 * Paths of the fields in obj that the kind's schema does not know, formatted as
 * upstream reports them (`spec.template.spec.containers[0].bogus`, map keys
 * after a dot), in the object's key order. Kinds without a schema (custom
 * resources) have none. Below an unknown field nothing more is reported.
 */
export function unknownFields(group: string, version: string, kind: string, obj: unknown): string[] {
  const root = rootNode(group, version, kind);
  const out: string[] = [];
  if (root !== undefined) collectUnknown(root, obj, "", out);
  return out;
}

type ProblemKind = "unknown field" | "duplicate field";

const problemText = (kind: ProblemKind, path: string) => `${kind} ${goQuote(path)}`;

/** The text upstream reports, and warns with, for an unknown field. */
export const unknownFieldProblem = (path: string): string => problemText("unknown field", path);

// Upstream's decoder keeps at most this many strict errors, each text once.
const maxProblems = 100;

class ProblemList {
  readonly texts: string[] = [];
  private readonly seen = new Set<string>();

  add(kind: ProblemKind, path: string): void {
    if (this.texts.length >= maxProblems) return;
    const problem = problemText(kind, path);
    if (this.seen.has(problem)) return;
    this.seen.add(problem);
    this.texts.push(problem);
  }
}

export class MalformedJsonError extends Error {
  readonly reason = "MalformedJson" as const;
  constructor(position: number) {
    super(`field validation expects a body that already parsed as JSON; unexpected text at offset ${position}`);
    this.name = "MalformedJsonError";
  }
}

/**
 * Walks the text of a JSON document once, following the schema, the way
 * upstream's strict decoder does: keys are checked in document order, a
 * repeated key is seen only in raw text, and unknown or self-decoding values
 * are skipped without looking inside.
 */
class StrictScanner {
  private pos = 0;
  readonly problems = new ProblemList();

  constructor(private readonly text: string) {}

  document(root: FieldNode): void {
    this.value(root, "");
  }

  private value(node: FieldNode, path: string): void {
    this.skipSpace();
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b /* { */ && (node.shape === "struct" || node.shape === "map" || node.shape === "untyped")) return this.object(node, path);
    if (c === 0x5b /* [ */ && (node.shape === "list" || node.shape === "untyped")) return this.array(node.shape === "list" ? node.element : node, path);
    this.skipValue();
  }

  private object(node: FieldNode, path: string): void {
    this.pos++;
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 0x7d /* } */) {
      this.pos++;
      return;
    }
    const seen = new Set<string>();
    while (true) {
      this.skipSpace();
      const key = this.key();
      this.skipSpace();
      this.expect(0x3a /* : */);
      const field = node.shape === "struct" ? node.fields.get(key) : node.shape === "map" ? node.element : untyped;
      if (field === undefined) {
        this.problems.add("unknown field", child(path, key));
        this.skipSpace();
        this.skipValue();
      } else {
        if (seen.has(key)) this.problems.add("duplicate field", child(path, key));
        seen.add(key);
        if (field.shape === "opaque") {
          this.skipSpace();
          this.skipValue();
        } else {
          this.value(field, child(path, key));
        }
      }
      this.skipSpace();
      const next = this.text.charCodeAt(this.pos++);
      if (next === 0x7d /* } */) return;
      if (next !== 0x2c /* , */) throw new MalformedJsonError(this.pos - 1);
    }
  }

  private array(items: FieldNode, path: string): void {
    this.pos++;
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 0x5d /* ] */) {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.value(items, `${path}[${i}]`);
      this.skipSpace();
      const next = this.text.charCodeAt(this.pos++);
      if (next === 0x5d /* ] */) return;
      if (next !== 0x2c /* , */) throw new MalformedJsonError(this.pos - 1);
    }
  }

  private key(): string {
    const start = this.pos;
    const escaped = this.skipString();
    return escaped ? (JSON.parse(this.text.slice(start, this.pos)) as string) : this.text.slice(start + 1, this.pos - 1);
  }

  /** Moves past a string; tells whether it holds escapes. */
  private skipString(): boolean {
    if (this.text.charCodeAt(this.pos) !== 0x22 /* " */) throw new MalformedJsonError(this.pos);
    let escaped = false;
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 0x5c /* \ */) {
        escaped = true;
        i++;
      } else if (c === 0x22) {
        this.pos = i + 1;
        return escaped;
      }
    }
    throw new MalformedJsonError(this.pos);
  }

  /** Skips one value of any shape without looking inside. */
  private skipValue(): void {
    const first = this.text.charCodeAt(this.pos);
    if (first === 0x22) {
      this.skipString();
      return;
    }
    if (first === 0x7b || first === 0x5b) {
      let depth = 0;
      while (this.pos < this.text.length) {
        const c = this.text.charCodeAt(this.pos);
        if (c === 0x22) {
          this.skipString();
          continue;
        }
        this.pos++;
        if (c === 0x7b || c === 0x5b) depth++;
        else if ((c === 0x7d || c === 0x5d) && --depth === 0) return;
      }
      throw new MalformedJsonError(this.pos);
    }
    const start = this.pos;
    while (this.pos < this.text.length && !endsLiteral(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) throw new MalformedJsonError(this.pos);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private expect(code: number): void {
    if (this.text.charCodeAt(this.pos) !== code) throw new MalformedJsonError(this.pos);
    this.pos++;
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const endsLiteral = (c: number) => c === 0x2c || c === 0x7d || c === 0x5d || isSpace(c);

/**
 * The strict-decoding problems of a JSON request body for a create or an
 * update, upstream's texts in document order: `unknown field "spec.foo"` and
 * `duplicate field "metadata.labels.app"`, each once, at most 100. For a kind
 * without a schema (custom resources) only repeated keys are reported. Call
 * it on a body that parsed as JSON; other text throws MalformedJsonError.
 */
export function bodyProblems(group: string, version: string, kind: string, body: string): string[] {
  const scanner = new StrictScanner(body);
  scanner.document(rootNode(group, version, kind) ?? untyped);
  return scanner.problems.texts;
}

// Upstream decodes a JSON patch into a list of operations before applying it.
const jsonPatchOperations = listNode(structNode(new Map([["op", opaque], ["path", opaque], ["from", opaque], ["value", untyped]])));

export type StrictPatchType = "json" | "merge" | "strategic";

/**
 * The strict-decoding problems of a patch body itself (repeated keys, and for
 * JSON patches unknown keys of an operation, prefixed "json patch " as upstream).
 * The unknown fields of the patched object come from unknownFields, after
 * these. Call it on a body that parsed as JSON.
 */
export function patchBodyProblems(type: StrictPatchType, body: string): string[] {
  const scanner = new StrictScanner(body);
  scanner.document(type === "json" ? jsonPatchOperations : untyped);
  return type === "json" ? scanner.problems.texts.map((p) => `json patch ${p}`) : scanner.problems.texts;
}

const strictDecodingText = (problems: readonly string[]) => `strict decoding error: ${problems.join(", ")}`;

/**
 * The 400 a create or an update with fieldValidation=Strict gets, e.g.
 * `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"`.
 * dataKind and dataVersion are those of the body, targetKind the resource's.
 */
export function strictDecodingError(dataKind: string, dataVersion: string, targetKind: string, problems: readonly string[]): ApiError {
  return new ApiError(400, "BadRequest", `${dataKind} in version ${goQuote(dataVersion)} cannot be handled as a ${targetKind}: ${strictDecodingText(problems)}`);
}

/**
 * The 422 a patch with fieldValidation=Strict gets: ` "" is invalid: patch:
 * Invalid value: "<shown>": strict decoding error: ...`. Upstream shows the
 * patch body printed by Go's %+v for a strategic merge patch, and the patched
 * object's JSON for JSON and merge patches (here in our key order; upstream's
 * follows its Go structs).
 */
export function strictPatchError(type: StrictPatchType, patch: unknown, patched: unknown, problems: readonly string[]): ApiError {
  const shown = type === "strategic" ? goPrinted(patch) : JSON.stringify(patched);
  const error = invalid("patch", shown, strictDecodingText(problems));
  return new ApiError(422, "Invalid", formatInvalidMessage("", "", [error]), {
    causes: [{ reason: error.type, message: formatFieldErrorDetail(error), field: error.field }],
  });
}

/** A decoded JSON value as Go's fmt prints it with %+v: maps with sorted keys, strings bare. */
function goPrinted(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goPrinted).join(" ")}]`;
  switch (typeof value) {
    case "object": {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      return `map[${keys.map((k) => `${k}:${goPrinted(record[k])}`).join(" ")}]`;
    }
    case "number":
      return Number.isSafeInteger(value) ? String(value) : goFloat(value);
    default:
      return String(value);
  }
}

/** %v of a float64: the shortest digits, in exponent form below 1e-4 and from 1e6 (strconv's 'g' with precision -1). */
function goFloat(n: number): string {
  const [mantissa = "", exponentText = "0"] = n.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return String(n);
}
