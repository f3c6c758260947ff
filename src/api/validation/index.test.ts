import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, formatInvalidMessage } from "./field-error.ts";
import { validateCreate, validateUpdate } from "./index.ts";

describe("validateCreate dispatch", () => {
  test("a Deployment gets its kind's rules", () => {
    const deployment = {
      metadata: { name: "x", namespace: "default" },
      spec: { replicas: -1, selector: { matchLabels: { app: "x" } }, template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "c", image: "i" }] } } },
    };
    const errs = validateCreate({ group: "apps", kind: "Deployment" }, deployment);
    assert.equal(
      formatInvalidMessage("Deployment.apps", "x", errs),
      'Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });

  test("the same kind name in another group is not mistaken", () => {
    const errs = validateCreate({ group: "example.com", kind: "Deployment", namespaced: true }, { metadata: { name: "x", namespace: "default" }, spec: { replicas: -1 } });
    assert.deepEqual(errs, []);
  });

  test("custom resources get metadata rules, with their scope", () => {
    const target = { group: "example.com", kind: "Widget", namespaced: true };
    assert.deepEqual(validateCreate(target, { metadata: { name: "w", namespace: "default", finalizers: ["cleanup"] }, spec: { anything: 1 } }), []);
    assert.deepEqual(validateCreate(target, { metadata: { name: "W" } }).map((e) => e.field), ["metadata.name", "metadata.namespace"]);
    assert.deepEqual(
      validateCreate({ group: "example.com", kind: "Cluster", namespaced: false }, { metadata: { name: "c", namespace: "x" } }).map(formatFieldError),
      ["metadata.namespace: Forbidden: not allowed on this type"],
    );
  });

  test("built-in kinds without own rules keep the core finalizer rule", () => {
    const errs = validateCreate({ group: "", kind: "LimitRange", namespaced: true }, { metadata: { name: "l", namespace: "d", finalizers: ["cleanup"] } });
    assert.deepEqual(errs.map(formatFieldError), ['metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified']);
  });

  test("malformed input never throws", () => {
    const kinds = ["Pod", "Service", "ConfigMap", "Secret", "Node", "Namespace", "Event", "Endpoints", "PersistentVolume", "PersistentVolumeClaim"];
    const shapes: unknown[] = [null, 5, "x", [], { metadata: 3, spec: "x" }, { spec: { containers: 7, ports: { a: 1 }, volumes: "v" } }];
    for (const kind of kinds) for (const shape of shapes) assert.ok(Array.isArray(validateCreate({ group: "", kind }, shape)));
    for (const [group, kind] of [
      ["apps", "Deployment"],
      ["apps", "StatefulSet"],
      ["apps", "DaemonSet"],
      ["batch", "Job"],
      ["batch", "CronJob"],
      ["networking.k8s.io", "Ingress"],
      ["rbac.authorization.k8s.io", "RoleBinding"],
    ] as const) {
      for (const shape of shapes) {
        assert.ok(Array.isArray(validateCreate({ group, kind }, shape)));
        assert.ok(Array.isArray(validateUpdate({ group, kind }, shape, shape)));
      }
    }
  });
});

describe("validateUpdate dispatch", () => {
  test("custom resources may not rename", () => {
    const target = { group: "example.com", kind: "Widget", namespaced: true };
    const old = { metadata: { name: "w", namespace: "default", uid: "1" } };
    const errs = validateUpdate(target, { metadata: { name: "v", namespace: "default", uid: "1" } }, old);
    assert.deepEqual(errs.map(formatFieldError), ['metadata.name: Invalid value: "v": field is immutable']);
  });

  test("a ConfigMap update with unchanged data passes", () => {
    const old = { metadata: { name: "c", namespace: "d", uid: "1" }, data: { a: "1" }, immutable: true };
    assert.deepEqual(validateUpdate({ group: "", kind: "ConfigMap" }, structuredClone(old), old), []);
  });
});
