import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyConfiguration, serverSideApply, type ApplyRequest } from "./server-side-apply.ts";
import { FieldManagerConflictError, FieldSet, formatPath, recordWrite, shapeOf, type ManagedFieldsEntry } from "./managed-fields.ts";
import type { JsonObject } from "../../api/patch/json-value.ts";
import type { ApiObject } from "../registry/strategy.ts";
import { ApiError } from "../status.ts";
import { MemoryStore } from "../../storage/memory/memory-store.ts";
import { ResourceRegistry } from "../../api/registry.ts";
import { Registry } from "../registry/lookup.ts";
import { admissionChain } from "../admission/admission.ts";

const deploymentShape = shapeOf("apps", "v1", "Deployment");
const now = new Date("2024-06-01T12:00:00Z");

function manifest(replicas: number, containers: JsonObject[] = [{ name: "web", image: "nginx:1.27" }]): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { app: "web" } },
    spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers } } },
  };
}

function request(live: ApiObject | undefined, config: JsonObject, overrides: Partial<ApplyRequest> = {}): ApplyRequest {
  return { live, config, manager: "ci", apiVersion: "apps/v1", subresource: "", force: false, shape: deploymentShape, scope: "allButStatus", now, ...overrides };
}

const entries = (obj: ApiObject) => (obj.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
const owned = (obj: ApiObject, manager: string) => {
  const entry = entries(obj).find((e) => e.manager === manager);
  return entry === undefined ? [] : FieldSet.fromFieldsV1(entry.fieldsV1).paths().map(formatPath);
};
const containersOf = (obj: ApiObject) => ((obj.spec as JsonObject)["template"] as { spec: { containers: JsonObject[] } }).spec.containers;

/** An update by another manager, as ResourceRest records it. */
function updated(live: ApiObject, change: (o: ApiObject) => void, manager: string): ApiObject {
  const next = structuredClone(live);
  change(next);
  recordWrite(live, next, next.metadata?.managedFields, { resource: { group: "apps", version: "v1", kind: "Deployment" }, statusSubresource: true, part: "main", options: { fieldManager: manager }, now });
  return next;
}

describe("applyConfiguration (pure)", () => {
  test("creating: the applier owns exactly what it applied", () => {
    const obj = applyConfiguration(request(undefined, manifest(2)));
    assert.equal(entries(obj).length, 1);
    assert.deepEqual({ ...entries(obj)[0], fieldsV1: undefined }, { manager: "ci", operation: "Apply", apiVersion: "apps/v1", time: "2024-06-01T12:00:00Z", fieldsType: "FieldsV1", fieldsV1: undefined });
    assert.deepEqual(owned(obj, "ci"), [
      ".metadata.labels.app",
      ".spec.replicas",
      ".spec.selector",
      ".spec.template.metadata.labels.app",
      '.spec.template.spec.containers[name="web"]',
      '.spec.template.spec.containers[name="web"].image',
      '.spec.template.spec.containers[name="web"].name',
    ]);
  });

  const orders: { name: string; live: string[]; applied: string[]; merged: string[] }[] = [
    { name: "new applied items go before the shared one they precede", live: ["a", "b"], applied: ["c", "a"], merged: ["c", "a", "b"] },
    { name: "shared items follow the applied order; live-only items keep their places", live: ["a", "b", "c"], applied: ["c", "a"], merged: ["b", "c", "a"] },
    { name: "appending", live: ["a"], applied: ["a", "b"], merged: ["a", "b"] },
  ];
  for (const o of orders) {
    test(`keyed list merge: ${o.name}`, () => {
      const live = applyConfiguration(request(undefined, manifest(1, o.live.map((name) => ({ name, image: "x" }))), { manager: "other" }));
      const obj = applyConfiguration(request(live, manifest(1, o.applied.map((name) => ({ name, image: "x" }))), { force: true }));
      assert.deepEqual(containersOf(obj).map((c) => c["name"]), o.merged);
    });
  }

  test("maps merge field by field; atomic values and atomic lists are replaced whole", () => {
    const live = applyConfiguration(request(undefined, manifest(1, [{ name: "web", image: "x", args: ["a", "b"], env: [{ name: "A", value: "1" }] }]), { manager: "other" }));
    (live.spec as JsonObject)["selector"] = { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "Exists" }] };
    const obj = applyConfiguration(request(live, manifest(1, [{ name: "web", args: ["c"], env: [{ name: "B", value: "2" }] }]), { force: true }));
    assert.deepEqual((obj.spec as JsonObject)["selector"], { matchLabels: { app: "web" } });
    assert.deepEqual(containersOf(obj), [{ name: "web", image: "x", args: ["c"], env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] }]);
  });

  test("a re-apply that drops a field removes it when nobody else owns it", () => {
    const first = applyConfiguration(request(undefined, { ...manifest(1), metadata: { name: "web", labels: { app: "web" }, annotations: { note: "x" } } }));
    const second = applyConfiguration(request(first, manifest(1)));
    assert.equal(second.metadata!.annotations, undefined);
    assert.deepEqual(second.metadata!.labels, { app: "web" });
  });

  test("a dropped field another manager also owns stays", () => {
    const first = applyConfiguration(request(undefined, { ...manifest(1), metadata: { name: "web", labels: { app: "web", team: "a" } } }));
    const shared = applyConfiguration(request(first, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { team: "a" } } }, { manager: "other" }));
    const second = applyConfiguration(request(shared, manifest(1)));
    assert.deepEqual(second.metadata!.labels, { app: "web", team: "a" });
    assert.deepEqual(owned(second, "ci").filter((p) => p.startsWith(".metadata")), [".metadata.labels.app"]);
  });

  test("a dropped list item goes; an item another manager changed stays", () => {
    const first = applyConfiguration(request(undefined, manifest(1, [{ name: "web", image: "a" }, { name: "side", image: "b" }, { name: "log", image: "c" }])));
    const touched = updated(first, (o) => (containersOf(o)[2]!["image"] = "d"), "editor");
    const second = applyConfiguration(request(touched, manifest(1, [{ name: "web", image: "a" }])));
    assert.deepEqual(containersOf(second), [{ name: "web", image: "a" }, { name: "log", image: "d" }]);
  });

  test("changing a field another manager owns is a conflict; the same value is shared ownership", () => {
    const live = updated(applyConfiguration(request(undefined, manifest(1))), (o) => ((o.spec as JsonObject)["replicas"] = 3), "kubectl-edit");
    assert.throws(
      () => applyConfiguration(request(live, manifest(1))),
      (e: unknown) => e instanceof FieldManagerConflictError && e.message === 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
    const shared = applyConfiguration(request(live, manifest(3), { manager: "ci2" }));
    assert.deepEqual(owned(shared, "ci2").includes(".spec.replicas"), true);
    assert.deepEqual(owned(shared, "kubectl-edit"), [".spec.replicas"]);
  });

  test("force takes the fields over", () => {
    const live = updated(applyConfiguration(request(undefined, manifest(1))), (o) => ((o.spec as JsonObject)["replicas"] = 3), "kubectl-edit");
    const obj = applyConfiguration(request(live, manifest(1), { force: true }));
    assert.equal((obj.spec as JsonObject)["replicas"], 1);
    assert.deepEqual(owned(obj, "kubectl-edit"), []);
    assert.equal(owned(obj, "ci").includes(".spec.replicas"), true);
  });

  test("an object nobody tracked yet: its fields belong to before-first-apply", () => {
    const live: ApiObject = { ...manifest(1), metadata: { name: "web", uid: "u1", labels: { app: "web" } } };
    assert.throws(
      () => applyConfiguration(request(live, manifest(2))),
      (e: unknown) => e instanceof FieldManagerConflictError && e.message === 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
  });

  test("kubectl moves an object off client-side apply without conflicts and keeps the annotation current", () => {
    const lastApplied = JSON.stringify(manifest(1));
    const created: ApiObject = { ...manifest(1), metadata: { name: "web", labels: { app: "web" }, annotations: { "kubectl.kubernetes.io/last-applied-configuration": lastApplied } } };
    recordWrite(undefined, created, undefined, { resource: { group: "apps", version: "v1", kind: "Deployment" }, statusSubresource: true, part: "main", options: { fieldManager: "kubectl-client-side-apply" }, now });
    const config = manifest(2);
    assert.throws(() => applyConfiguration(request(created, config, { manager: "someone" })), FieldManagerConflictError);
    const obj = applyConfiguration(request(created, config, { manager: "kubectl" }));
    assert.equal((obj.spec as JsonObject)["replicas"], 2);
    const annotation = obj.metadata!.annotations!["kubectl.kubernetes.io/last-applied-configuration"]!;
    assert.equal(annotation.endsWith("\n"), true);
    assert.deepEqual(JSON.parse(annotation), config);
    assert.deepEqual(Object.keys(JSON.parse(annotation) as object), ["apiVersion", "kind", "metadata", "spec"]);
  });

  test("an applied null owns the field and leaves it unset", () => {
    const live = applyConfiguration(request(undefined, manifest(4)));
    const obj = applyConfiguration(request(live, { ...manifest(4), spec: { ...(manifest(4).spec as JsonObject), replicas: null } }));
    assert.equal((obj.spec as JsonObject)["replicas"], undefined);
    assert.equal(owned(obj, "ci").includes(".spec.replicas"), true);
  });

  test("status in an apply to the main resource is neither owned nor a conflict", () => {
    const live = applyConfiguration(request(undefined, manifest(1)));
    live.status = { replicas: 5 };
    const obj = applyConfiguration(request(live, { ...manifest(1), status: { replicas: 1 } }));
    assert.equal(owned(obj, "ci").some((p) => p.startsWith(".status")), false);
  });

  test("an unchanged re-apply keeps the applier's time", () => {
    const live = applyConfiguration(request(undefined, manifest(1)));
    const again = applyConfiguration(request(live, manifest(1), { now: new Date("2030-01-01T00:00:00Z") }));
    assert.deepEqual(again.metadata!.managedFields, live.metadata!.managedFields);
  });
});

describe("serverSideApply through ResourceRest (in-memory store)", () => {
  const abort = new AbortController();
  after(() => abort.abort());
  const registry = new Registry(new ResourceRegistry(), new MemoryStore(), abort.signal);
  registry.useAdmission(admissionChain([]));
  const deployments = registry.rest("apps", "v1", "deployments")!;
  const user = { name: "admin", groups: ["system:masters"] };
  const apply = (name: string, body: unknown, fieldManager = "kubectl", force = false, part: "main" | "status" = "main", dryRun = false) =>
    serverSideApply(deployments, "default", name, body, { dryRun, fieldManager, force, user }, part);
  const named = (name: string, config: JsonObject): JsonObject => ({ ...config, metadata: { ...(config["metadata"] as JsonObject), name } });
  const rejected = async (p: Promise<unknown>, code: number, reason: string, message?: string) => {
    await assert.rejects(p, (e: unknown) => {
      assert.equal(e instanceof ApiError, true);
      const err = e as ApiError;
      assert.deepEqual([err.code, err.reason], [code, reason]);
      if (message !== undefined) assert.equal(err.message, message);
      return true;
    });
  };

  test("the first apply creates the object (201) with one Apply entry; defaults are nobody's", async () => {
    const { object, created } = await apply("create", named("create", manifest(2)));
    assert.equal(created, true);
    assert.equal((object.spec as { strategy?: { type?: string } }).strategy?.type, "RollingUpdate");
    assert.deepEqual(entries(object).map((e) => [e.manager, e.operation]), [["kubectl", "Apply"]]);
    assert.equal(owned(object, "kubectl").some((p) => p.startsWith(".spec.strategy")), false);
    const stored = await deployments.get("default", "create", null);
    assert.deepEqual(stored.metadata!.managedFields, object.metadata!.managedFields);
  });

  test("a second apply from the same manager updates (200) and bumps the generation", async () => {
    await apply("reapply", named("reapply", manifest(1)));
    const { object, created } = await apply("reapply", named("reapply", manifest(3)));
    assert.equal(created, false);
    assert.equal((object.spec as JsonObject)["replicas"], 3);
    assert.equal(object.metadata!.generation, 2);
    assert.equal(entries(object).length, 1);
  });

  test("a field dropped from the configuration is removed", async () => {
    await apply("drop", { ...named("drop", manifest(1)), metadata: { name: "drop", labels: { app: "web" }, annotations: { owner: "team-a" } } });
    const { object } = await apply("drop", named("drop", manifest(1)));
    assert.equal(object.metadata!.annotations, undefined);
  });

  test("another manager's update, then an apply of the old value: 409 with upstream's message and causes; force wins", async () => {
    await apply("conflict", named("conflict", manifest(1)));
    await deployments.modify("default", "conflict", "main", { dryRun: false, fieldManager: "kubectl-edit", user }, (d) => {
      (d.spec as JsonObject)["replicas"] = 4;
      return d;
    });
    await assert.rejects(apply("conflict", named("conflict", manifest(1))), (e: unknown) => {
      assert.equal(e instanceof ApiError, true);
      const err = e as ApiError;
      assert.equal(err.code, 409);
      assert.equal(err.reason, "Conflict");
      assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas');
      assert.deepEqual(err.details, { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl-edit" using apps/v1', field: ".spec.replicas" }] });
      return true;
    });
    const { object } = await apply("conflict", named("conflict", manifest(1)), "kubectl", true);
    assert.equal((object.spec as JsonObject)["replicas"], 1);
    assert.deepEqual(entries(object).map((e) => e.manager), ["kubectl"]);
  });

  test("kubectl scale (an Update through the scale subresource) then apply: the conflict names the subresource", async () => {
    await apply("scaled", named("scaled", manifest(1)));
    await deployments.modify("default", "scaled", "main", { dryRun: false, userAgent: "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07", subresource: "scale", user }, (d) => {
      (d.spec as JsonObject)["replicas"] = 5;
      return d;
    });
    await rejected(apply("scaled", named("scaled", manifest(1))), 409, "Conflict", 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    const { object } = await apply("scaled", named("scaled", manifest(1)), "kubectl", true);
    assert.equal((object.spec as JsonObject)["replicas"], 1);
  });

  test("two appliers setting the same value share the field", async () => {
    await apply("shared", named("shared", manifest(2)));
    const { object } = await apply("shared", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "shared" }, spec: { replicas: 2 } }, "autoscaler");
    assert.deepEqual(owned(object, "autoscaler"), [".spec.replicas"]);
    assert.equal(owned(object, "kubectl").includes(".spec.replicas"), true);
  });

  test("ordinary writes record Update entries for their manager", async () => {
    const created = await deployments.create("default", named("plain", manifest(1)) as ApiObject, { dryRun: false, fieldManager: "kubectl-create", user });
    assert.deepEqual(entries(created).map((e) => [e.manager, e.operation]), [["kubectl-create", "Update"]]);
    assert.equal(owned(created, "kubectl-create").includes(".spec.strategy.type"), true);
  });

  test("an apply to status owns status only, as subresource status", async () => {
    await apply("status", named("status", manifest(1)));
    const { object } = await apply("status", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "status" }, status: { observedGeneration: 1 } }, "controller", false, "status");
    assert.deepEqual((object.status as JsonObject)["observedGeneration"], 1);
    const entry = entries(object).find((e) => e.manager === "controller")!;
    assert.deepEqual([entry.operation, entry.subresource, entry.fieldsV1], ["Apply", "status", { "f:status": { "f:observedGeneration": {} } }]);
  });

  test("a dry run creates nothing", async () => {
    const { created } = await apply("dry", named("dry", manifest(1)), "kubectl", false, "main", true);
    assert.equal(created, true);
    await rejected(deployments.get("default", "dry", null), 404, "NotFound");
  });

  test("a resourceVersion in the configuration is a precondition", async () => {
    await apply("pre", named("pre", manifest(1)));
    const config = { ...named("pre", manifest(2)), metadata: { name: "pre", labels: { app: "web" }, resourceVersion: "1" } };
    await rejected(apply("pre", config), 409, "Conflict", 'Operation cannot be fulfilled on deployments.apps "pre": the object has been modified; please apply your changes to the latest version and try again');
  });

  const bad: { name: string; body: unknown; part?: "main" | "status"; code: number; reason: string; message: string }[] = [
    { name: "another version", body: { ...named("bad", manifest(1)), apiVersion: "apps/v1beta1" }, code: 400, reason: "BadRequest", message: "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1" },
    { name: "managedFields in the body", body: { ...named("bad", manifest(1)), metadata: { name: "bad", managedFields: [] } }, code: 400, reason: "BadRequest", message: "metadata.managedFields must be nil" },
    { name: "another name", body: named("other", manifest(1)), code: 400, reason: "BadRequest", message: "the name of the object (other) does not match the name on the URL (bad)" },
    { name: "another kind", body: { ...named("bad", manifest(1)), kind: "StatefulSet" }, code: 400, reason: "BadRequest", message: "the object provided is unrecognized (must be of type Deployment): StatefulSet" },
    { name: "another namespace", body: { ...named("bad", manifest(1)), metadata: { name: "bad", namespace: "kube-system" } }, code: 400, reason: "BadRequest", message: "the namespace of the provided object does not match the namespace sent on the request" },
    { name: "a list", body: [], code: 400, reason: "BadRequest", message: "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}" },
    { name: "status of a missing object", body: named("bad", manifest(1)), part: "status", code: 404, reason: "NotFound", message: 'deployments.apps "bad" not found' },
  ];
  for (const c of bad) {
    test(`refuses ${c.name}`, async () => rejected(apply("bad", c.body, "kubectl", false, c.part ?? "main"), c.code, c.reason, c.message));
  }
});
