import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  FieldManagerConflictError,
  FieldSet,
  ManagedFieldsError,
  changedPaths,
  compareObjects,
  decodeManagedFields,
  describeConflicts,
  encodeManagedFields,
  fieldSetOf,
  formatPath,
  goJson,
  isManagedFieldsReset,
  managerFromUserAgent,
  managerKey,
  parseElement,
  recordWrite,
  serializeElement,
  shapeOf,
  type FieldPath,
  type ManagedFieldsEntry,
  type PathElement,
  type RecordedWrite,
} from "./managed-fields.ts";
import type { JsonObject } from "../../api/patch/json-value.ts";
import type { ApiObject } from "../registry/strategy.ts";

const f = (field: string): PathElement => ({ field });
const deployment = shapeOf("apps", "v1", "Deployment");
const pod = shapeOf("", "v1", "Pod");
const service = shapeOf("", "v1", "Service");
const widget = shapeOf("example.com", "v1", "Widget");

const paths = (set: FieldSet) => set.paths().map(formatPath);

describe("path elements", () => {
  const cases: { element: PathElement; text: string; printed: string }[] = [
    { element: f("replicas"), text: "f:replicas", printed: ".replicas" },
    { element: { key: [["name", "web"]] }, text: 'k:{"name":"web"}', printed: '[name="web"]' },
    { element: { key: [["containerPort", 80], ["protocol", "TCP"]] }, text: 'k:{"containerPort":80,"protocol":"TCP"}', printed: '[containerPort=80,protocol="TCP"]' },
    { element: { value: "example.com/finalizer" }, text: 'v:"example.com/finalizer"', printed: '[="example.com/finalizer"]' },
    { element: { value: 3 }, text: "v:3", printed: "[=3]" },
    { element: { index: 2 }, text: "i:2", printed: "[2]" },
  ];
  for (const c of cases) {
    test(`${c.text} serializes, parses back and prints as ${c.printed}`, () => {
      assert.equal(serializeElement(c.element), c.text);
      assert.deepEqual(parseElement(c.text), c.element);
      assert.equal(formatPath([c.element]), c.printed);
    });
  }

  test("keys parse in name order whatever order they were written in", () => {
    assert.deepEqual(parseElement('k:{"protocol":"UDP","containerPort":53}'), { key: [["containerPort", 53], ["protocol", "UDP"]] });
  });

  test("unknown element types are skipped, malformed ones are errors", () => {
    assert.equal(parseElement("z:whatever"), undefined);
    assert.throws(() => parseElement("k:{not json"), ManagedFieldsError);
    assert.throws(() => parseElement("replicas"), ManagedFieldsError);
    assert.throws(() => parseElement("i:x"), ManagedFieldsError);
  });

  test("values are written as Go writes JSON: sorted keys, HTML characters escaped", () => {
    assert.equal(goJson({ b: 1, a: "<x&y>" }), '{"a":"\\u003cx\\u0026y\\u003e","b":1}');
  });

  test("paths print as upstream's conflict messages do", () => {
    const path: FieldPath = [f("spec"), f("template"), f("spec"), f("containers"), { key: [["name", "web"]] }, f("image")];
    assert.equal(formatPath(path), '.spec.template.spec.containers[name="web"].image');
  });
});

describe("FieldSet", () => {
  const fieldsV1 = {
    "f:spec": {
      "f:template": { "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {} } } } },
      "f:replicas": {},
    },
    "f:metadata": { "f:labels": { "f:app": {} } },
  };

  test("reads FieldsV1 and writes it back in upstream's order with '.' after the children", () => {
    const set = FieldSet.fromFieldsV1(fieldsV1);
    assert.deepEqual(paths(set), [
      ".metadata.labels.app",
      ".spec.replicas",
      '.spec.template.spec.containers[name="web"]',
      '.spec.template.spec.containers[name="web"].image',
      '.spec.template.spec.containers[name="web"].name',
    ]);
    const written = set.toFieldsV1();
    assert.deepEqual(Object.keys(written), ["f:metadata", "f:spec"]);
    assert.deepEqual(Object.keys((written["f:spec"] as JsonObject)), ["f:replicas", "f:template"]);
    const item = ((((written["f:spec"] as JsonObject)["f:template"] as JsonObject)["f:spec"] as JsonObject)["f:containers"] as JsonObject)['k:{"name":"web"}'] as JsonObject;
    assert.deepEqual(Object.keys(item), ["f:image", "f:name", "."]);
    assert.deepEqual(FieldSet.fromFieldsV1(written).toFieldsV1(), written);
  });

  test("fields sort before keys, keys before values, values before indices", () => {
    const set = FieldSet.of([[{ index: 0 }], [{ value: "a" }], [{ key: [["name", "a"]] }], [f("z")], [f("a")]]);
    assert.deepEqual(Object.keys(set.toFieldsV1()), ["f:a", "f:z", 'k:{"name":"a"}', 'v:"a"', "i:0"]);
  });

  test("rejects FieldsV1 that is not an object of objects", () => {
    assert.throws(() => FieldSet.fromFieldsV1([]), ManagedFieldsError);
    assert.throws(() => FieldSet.fromFieldsV1({ "f:spec": 1 }), ManagedFieldsError);
  });

  const a = FieldSet.of([[f("spec"), f("replicas")], [f("spec"), f("paused")], [f("metadata"), f("labels"), f("app")]]);
  const b = FieldSet.of([[f("spec"), f("replicas")], [f("spec"), f("minReadySeconds")]]);
  const ops: { name: string; result: FieldSet; expected: string[] }[] = [
    { name: "union", result: a.union(b), expected: [".metadata.labels.app", ".spec.minReadySeconds", ".spec.paused", ".spec.replicas"] },
    { name: "intersection", result: a.intersection(b), expected: [".spec.replicas"] },
    { name: "difference", result: a.difference(b), expected: [".metadata.labels.app", ".spec.paused"] },
    { name: "withoutSubtrees", result: a.withoutSubtrees(FieldSet.of([[f("spec")]])), expected: [".metadata.labels.app"] },
    { name: "within", result: a.within([f("spec")]), expected: [".spec.paused", ".spec.replicas"] },
    { name: "withAncestors", result: b.withAncestors(), expected: [".spec", ".spec.minReadySeconds", ".spec.replicas"] },
  ];
  for (const op of ops) {
    test(`${op.name}`, () => assert.deepEqual(paths(op.result), op.expected));
  }

  test("difference removes members only: the children of a removed parent stay", () => {
    const set = FieldSet.of([[f("metadata")], [f("metadata"), f("labels"), f("app")]]);
    assert.deepEqual(paths(set.difference(FieldSet.of([[f("metadata")]]))), [".metadata.labels.app"]);
  });

  test("has and isEmpty", () => {
    assert.equal(a.has([f("spec"), f("paused")]), true);
    assert.equal(a.has([f("spec")]), false);
    assert.equal(a.difference(a).isEmpty(), true);
    assert.equal(FieldSet.empty.isEmpty(), true);
  });
});

describe("fieldSetOf: what an applied configuration sets", () => {
  const cases: { name: string; shape: ReturnType<typeof shapeOf>; value: JsonObject; expected: string[] }[] = [
    {
      name: "deployment: selector atomic, containers and ports keyed (protocol defaulted into the key)",
      shape: deployment,
      value: {
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "web" } },
          template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80 }], args: ["-v"] }] } },
        },
      },
      expected: [
        ".spec.replicas",
        ".spec.selector",
        ".spec.template.metadata.labels.app",
        '.spec.template.spec.containers[name="web"]',
        '.spec.template.spec.containers[name="web"].args',
        '.spec.template.spec.containers[name="web"].image',
        '.spec.template.spec.containers[name="web"].name',
        '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]',
        '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].containerPort',
      ],
    },
    {
      name: "finalizers are a set; empty objects and nulls are owned leaves",
      shape: pod,
      value: { metadata: { finalizers: ["a", "b"] }, spec: { securityContext: {}, nodeName: null } },
      expected: ['.metadata.finalizers[="a"]', '.metadata.finalizers[="b"]', ".spec.nodeName", ".spec.securityContext"],
    },
    {
      name: "service ports are keyed by port and protocol; the selector map is atomic",
      shape: service,
      value: { spec: { selector: { app: "web" }, ports: [{ port: 53, protocol: "UDP" }] } },
      expected: [".spec.ports[port=53,protocol=\"UDP\"]", ".spec.ports[port=53,protocol=\"UDP\"].port", ".spec.ports[port=53,protocol=\"UDP\"].protocol", ".spec.selector"],
    },
    {
      name: "duplicated list items are owned as items only",
      shape: pod,
      value: { spec: { containers: [{ name: "a", image: "x" }, { name: "a", image: "y" }] } },
      expected: ['.spec.containers[name="a"]'],
    },
    {
      name: "custom resources: every list is atomic, every object granular",
      shape: widget,
      value: { spec: { items: [{ name: "a" }], selector: { x: "y" } } },
      expected: [".spec.items", ".spec.selector.x"],
    },
    {
      name: "an empty keyed list owns nothing; an empty atomic list is a leaf",
      shape: pod,
      value: { spec: { containers: [], tolerations: [] } },
      expected: [".spec.tolerations"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(paths(fieldSetOf(c.value, c.shape)), c.expected));
  }
});

describe("compareObjects and changedPaths", () => {
  const before: JsonObject = {
    metadata: { labels: { app: "web" }, finalizers: ["a"] },
    spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { spec: { containers: [{ name: "web", image: "nginx:1" }, { name: "side", image: "busybox" }] } } },
  };
  const cases: { name: string; after: JsonObject; added?: string[]; modified?: string[]; removed?: string[] }[] = [
    { name: "no change", after: structuredClone(before) },
    { name: "a leaf changes", after: { ...structuredClone(before), spec: { ...structuredClone(before.spec as JsonObject), replicas: 3 } }, modified: [".spec.replicas"] },
    {
      name: "an atomic selector changes as one leaf",
      after: { ...structuredClone(before), spec: { ...structuredClone(before.spec as JsonObject), selector: { matchLabels: { app: "api" } } } },
      modified: [".spec.selector"],
    },
    {
      name: "a new map is added with its leaves",
      after: { ...structuredClone(before), metadata: { ...structuredClone(before.metadata as JsonObject), annotations: { note: "x" } } },
      added: [".metadata.annotations", ".metadata.annotations.note"],
    },
    {
      name: "a list item goes, with its fields",
      after: { ...structuredClone(before), spec: { ...structuredClone(before.spec as JsonObject), template: { spec: { containers: [{ name: "web", image: "nginx:1" }] } } } },
      removed: ['.spec.template.spec.containers[name="side"]', '.spec.template.spec.containers[name="side"].image', '.spec.template.spec.containers[name="side"].name'],
    },
    {
      name: "set items come and go; order does not matter",
      after: { ...structuredClone(before), metadata: { labels: { app: "web" }, finalizers: ["b"] } },
      added: ['.metadata.finalizers[="b"]'],
      removed: ['.metadata.finalizers[="a"]'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = compareObjects(before, c.after, deployment);
      assert.deepEqual(paths(r.added), c.added ?? []);
      assert.deepEqual(paths(r.modified), c.modified ?? []);
      assert.deepEqual(paths(r.removed), c.removed ?? []);
      assert.deepEqual(changedPaths(before, c.after, deployment).map(formatPath).sort(), [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].sort());
    });
  }

  test("reordering a keyed list changes nothing", () => {
    const after = structuredClone(before);
    ((after.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers.reverse();
    assert.deepEqual(changedPaths(before, after, deployment), []);
  });
});

describe("managedFields entries", () => {
  const entries: ManagedFieldsEntry[] = [
    { manager: "kube-controller-manager", operation: "Update", apiVersion: "apps/v1", time: "2024-01-02T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:status": { "f:replicas": {} } }, subresource: "status" },
    { manager: "kubectl-edit", operation: "Update", apiVersion: "apps/v1", time: "2024-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:paused": {} } } },
    { manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", time: "2024-01-03T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } } },
  ];

  test("decode then encode sorts by operation, then time, then manager", () => {
    const out = encodeManagedFields(decodeManagedFields(entries))!;
    assert.deepEqual(out.map((e) => e.manager), ["kubectl", "kubectl-edit", "kube-controller-manager"]);
    assert.deepEqual(out[2], entries[0]);
    assert.deepEqual(Object.keys(out[2]!), ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource"]);
  });

  test("identities: appliers are one whatever the version, updaters one per version", () => {
    assert.equal(managerKey({ manager: "kubectl", operation: "Apply", apiVersion: "apps/v1" }), '{"manager":"kubectl","operation":"Apply"}');
    assert.equal(managerKey({ manager: "kubectl", operation: "Update", apiVersion: "apps/v1", subresource: "scale" }), '{"manager":"kubectl","operation":"Update","apiVersion":"apps/v1","subresource":"scale"}');
  });

  const invalid: { name: string; entries: unknown; message: RegExp }[] = [
    { name: "bad operation", entries: [{ operation: "Patch", apiVersion: "v1", fieldsType: "FieldsV1" }], message: /operation must be `Apply` or `Update`/ },
    { name: "no apiVersion", entries: [{ operation: "Update", fieldsType: "FieldsV1" }], message: /apiVersion must not be empty/ },
    { name: "no fieldsType", entries: [{ operation: "Update", apiVersion: "v1" }], message: /missing fieldsType in managed fields entry 0/ },
    { name: "other fieldsType", entries: [{ operation: "Update", apiVersion: "v1", fieldsType: "FieldsV2" }], message: /invalid fieldsType "FieldsV2"/ },
    { name: "not a list", entries: { operation: "Update" }, message: /must be a list/ },
  ];
  for (const c of invalid) {
    test(`rejects ${c.name}`, () => assert.throws(() => decodeManagedFields(c.entries), c.message));
  }

  const resets: { sent: unknown; reset: boolean }[] = [
    { sent: [], reset: true },
    { sent: [{}], reset: true },
    { sent: [{ manager: "" }], reset: true },
    { sent: undefined, reset: false },
    { sent: null, reset: false },
    { sent: [{}, {}], reset: false },
    { sent: [{ manager: "x" }], reset: false },
  ];
  for (const c of resets) {
    test(`${JSON.stringify(c.sent)} ${c.reset ? "clears" : "does not clear"} managedFields`, () => assert.equal(isManagedFieldsReset(c.sent), c.reset));
  }

  const agents: { agent: string | undefined; manager: string }[] = [
    { agent: "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07", manager: "kubectl" },
    { agent: "kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/abc/system:serviceaccount:kube-system:deployment-controller", manager: "kube-controller-manager" },
    { agent: "curl", manager: "curl" },
    { agent: "odd\u0007name/1", manager: "oddname" },
    { agent: undefined, manager: "" },
    { agent: "x".repeat(200), manager: "x".repeat(128) },
  ];
  for (const c of agents) {
    test(`User-Agent ${JSON.stringify(c.agent)?.slice(0, 40)} names manager ${JSON.stringify(c.manager).slice(0, 20)}`, () => assert.equal(managerFromUserAgent(c.agent), c.manager));
  }
});

describe("recordWrite: ordinary writes", () => {
  const now = new Date("2024-05-01T10:00:00.123Z");
  const write = (overrides: Partial<RecordedWrite> = {}, options: RecordedWrite["options"] = { fieldManager: "editor" }): RecordedWrite => ({
    resource: { group: "apps", version: "v1", kind: "Deployment" },
    statusSubresource: true,
    part: "main",
    options,
    now,
    ...overrides,
  });
  const base = (): ApiObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", uid: "1", resourceVersion: "7", labels: { app: "web" } },
    spec: { replicas: 1, paused: false },
  });
  const created = () => {
    const obj = base();
    recordWrite(undefined, obj, undefined, write({ now: new Date("2023-12-31T00:00:00Z") }, { fieldManager: "creator" }));
    return obj;
  };

  test("a create gives everything but system fields and status to the creator; maps added whole are owned themselves, structs are not", () => {
    const obj = base();
    obj.status = { replicas: 0 };
    recordWrite(undefined, obj, undefined, write({}, { fieldManager: "creator" }));
    assert.deepEqual(obj.metadata!.managedFields, [
      {
        manager: "creator",
        operation: "Update",
        apiVersion: "apps/v1",
        time: "2024-05-01T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:metadata": { "f:labels": { "f:app": {}, ".": {} } }, "f:spec": { "f:paused": {}, "f:replicas": {} } },
      },
    ]);
  });

  test("an update moves the changed fields to its manager and keeps the rest with their owners", () => {
    const old = created();
    const next = structuredClone(old);
    (next.spec as JsonObject)["replicas"] = 3;
    recordWrite(old, next, next.metadata!.managedFields, write());
    const owners = Object.fromEntries((next.metadata!.managedFields as ManagedFieldsEntry[]).map((e) => [e.manager, paths(FieldSet.fromFieldsV1(e.fieldsV1))]));
    assert.deepEqual(owners, { creator: [".metadata.labels", ".metadata.labels.app", ".spec.paused"], editor: [".spec.replicas"] });
  });

  test("removed fields leave every owner; owners left with nothing are dropped", () => {
    const old = created();
    const next = structuredClone(old);
    delete next.metadata!.labels;
    next.spec = {};
    recordWrite(old, next, undefined, write());
    assert.equal(next.metadata!.managedFields, undefined);
  });

  test("a write that changes nothing keeps the entries as they were (no new time)", () => {
    const old = created();
    const next = structuredClone(old);
    recordWrite(old, next, undefined, write({ now: new Date("2030-01-01T00:00:00Z") }));
    assert.deepEqual(next.metadata!.managedFields, old.metadata!.managedFields);
  });

  test("the same manager's later writes extend its entry", () => {
    const old = created();
    const once = structuredClone(old);
    (once.spec as JsonObject)["replicas"] = 2;
    recordWrite(old, once, undefined, write());
    const twice = structuredClone(once);
    (twice.spec as JsonObject)["paused"] = true;
    recordWrite(once, twice, undefined, write());
    const editor = (twice.metadata!.managedFields as ManagedFieldsEntry[]).find((e) => e.manager === "editor")!;
    assert.deepEqual(paths(FieldSet.fromFieldsV1(editor.fieldsV1)), [".spec.paused", ".spec.replicas"]);
  });

  test("status writes record subresource status and own only status", () => {
    const old = created();
    const next = structuredClone(old);
    next.status = { replicas: 1 };
    recordWrite(old, next, undefined, write({ part: "status" }, { userAgent: "kube-controller-manager/v1.32.0" }));
    const entry = (next.metadata!.managedFields as ManagedFieldsEntry[]).find((e) => e.manager === "kube-controller-manager")!;
    assert.equal(entry.subresource, "status");
    assert.deepEqual(entry.fieldsV1, { "f:status": { "f:replicas": {} } });
  });

  test("the main resource never owns status when there is a status subresource", () => {
    const old = created();
    const next = structuredClone(old);
    next.status = { replicas: 4 };
    recordWrite(old, next, undefined, write());
    assert.deepEqual(next.metadata!.managedFields, old.metadata!.managedFields);
  });

  test("a scale write names its subresource", () => {
    const old = created();
    const next = structuredClone(old);
    (next.spec as JsonObject)["replicas"] = 5;
    recordWrite(old, next, undefined, write({}, { userAgent: "kubectl/v1.32.4 (linux/amd64)", subresource: "scale" }));
    const entry = (next.metadata!.managedFields as ManagedFieldsEntry[]).find((e) => e.manager === "kubectl")!;
    assert.deepEqual({ ...entry, time: undefined }, { manager: "kubectl", operation: "Update", apiVersion: "apps/v1", time: undefined, fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } }, subresource: "scale" });
  });

  test("an empty list sent by the client clears managedFields; the object then stays untracked", () => {
    const old = created();
    const next = structuredClone(old);
    (next.spec as JsonObject)["replicas"] = 9;
    recordWrite(old, next, [], write());
    assert.equal(next.metadata!.managedFields, undefined);
    const later = structuredClone(next);
    (later.spec as JsonObject)["paused"] = true;
    recordWrite(next, later, undefined, write());
    assert.equal(later.metadata!.managedFields, undefined);
  });

  test("valid entries sent by the client replace the stored ones; invalid ones are ignored", () => {
    const old = created();
    const mine: ManagedFieldsEntry[] = [{ manager: "restorer", operation: "Update", apiVersion: "apps/v1", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:paused": {} } } }];
    const next = structuredClone(old);
    recordWrite(old, next, mine, write());
    assert.deepEqual(next.metadata!.managedFields, mine);
    const other = structuredClone(old);
    recordWrite(old, other, [{ manager: "x", operation: "Bogus" }], write());
    assert.deepEqual(other.metadata!.managedFields, old.metadata!.managedFields);
  });

  test("entries set by server-side apply are kept as they are", () => {
    const next = base();
    const applied = [{ manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } } }];
    recordWrite(created(), next, applied, write({}, { managedFieldsApplied: true }));
    assert.deepEqual(next.metadata!.managedFields, applied);
  });

  test("more than ten updaters: the oldest merge into ancient-changes", () => {
    let obj = created();
    for (let i = 0; i < 11; i++) {
      const next = structuredClone(obj);
      next.metadata!.labels = { ...next.metadata!.labels, [`k${i}`]: "v" };
      recordWrite(obj, next, undefined, write({ now: new Date(Date.UTC(2024, 0, 1, 0, 0, i + 1)) }, { fieldManager: `m${i}` }));
      obj = next;
    }
    const managers = (obj.metadata!.managedFields as ManagedFieldsEntry[]).map((e) => e.manager).sort();
    assert.equal(managers.length, 10);
    assert.deepEqual(managers.slice(0, 3), ["ancient-changes", "m10", "m2"]);
    const ancient = (obj.metadata!.managedFields as ManagedFieldsEntry[]).find((e) => e.manager === "ancient-changes")!;
    assert.equal(ancient.time, "2024-01-01T00:00:02Z");
    assert.deepEqual(paths(FieldSet.fromFieldsV1(ancient.fieldsV1)), [".metadata.labels", ".metadata.labels.app", ".metadata.labels.k0", ".metadata.labels.k1", ".spec.paused", ".spec.replicas"]);
  });
});

describe("describeConflicts: upstream's Status text", () => {
  const replicas: FieldPath = [f("spec"), f("replicas")];
  const image: FieldPath = [f("spec"), f("template"), f("spec"), f("containers"), { key: [["name", "web"]] }, f("image")];
  const scaler = { manager: "kubectl", operation: "Update" as const, apiVersion: "apps/v1", subresource: "scale" };
  const applier = { manager: "ci", operation: "Apply" as const };
  const editor = { manager: "kubectl-edit", operation: "Update" as const, apiVersion: "apps/v1" };

  test("one conflict", () => {
    const d = describeConflicts([{ owner: scaler, path: replicas }]);
    assert.equal(d.message, 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    assert.deepEqual(d.causes, [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl" with subresource "scale" using apps/v1', field: ".spec.replicas" }]);
  });

  test("several conflicts are grouped by manager, managers in the order of their identities", () => {
    const d = describeConflicts([
      { owner: editor, path: replicas },
      { owner: applier, path: image },
      { owner: editor, path: image },
    ]);
    assert.equal(
      d.message,
      'Apply failed with 3 conflicts: conflicts with "ci":\n- .spec.template.spec.containers[name="web"].image\nconflicts with "kubectl-edit" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
    assert.deepEqual(d.causes.map((c) => c.field), ['.spec.template.spec.containers[name="web"].image', ".spec.replicas", '.spec.template.spec.containers[name="web"].image']);
  });

  test("the error carries the conflicts and the message", () => {
    const e = new FieldManagerConflictError([{ owner: applier, path: replicas }]);
    assert.equal(e.reason, "FieldManagerConflict");
    assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "ci": .spec.replicas');
  });
});
