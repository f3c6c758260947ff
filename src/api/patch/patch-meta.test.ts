import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { patchMetaFor, patchMetaFromTable } from "./patch-meta.ts";

describe("patchMetaFromTable", () => {
  const meta = patchMetaFromTable(
    {
      Outer: { inner: { type: "Inner" }, list: { strategy: "merge", mergeKey: "id", retainKeys: true, type: "Inner" }, loose: { type: "Absent" } },
      Inner: { tags: { strategy: "merge" } },
    },
    "Outer",
  );

  test("reads a field's tags", () => {
    const list = meta.field("list");
    assert.equal(list?.strategy, "merge");
    assert.equal(list?.mergeKey, "id");
    assert.equal(list?.retainKeys, true);
  });

  test("follows a field to its type", () => {
    assert.equal(meta.field("inner")?.schema?.typeName, "Inner");
    assert.equal(meta.field("inner")?.schema?.field("tags")?.strategy, "merge");
    assert.equal(meta.field("inner")?.retainKeys, false);
  });

  test("knows nothing of unlisted fields and types", () => {
    assert.equal(meta.field("other"), undefined);
    assert.equal(meta.field("loose")?.schema, undefined);
    assert.equal(meta.field("toString"), undefined);
    assert.equal(patchMetaFromTable({}, "Missing").field("x"), undefined);
  });
});

describe("patchMetaFor", () => {
  const known: Array<[group: string, version: string, kind: string, typeName: string]> = [
    ["", "v1", "Pod", "core/v1.Pod"],
    ["", "v1", "ConfigMap", "core/v1.ConfigMap"],
    ["apps", "v1", "Deployment", "apps/v1.Deployment"],
    ["batch", "v1", "CronJob", "batch/v1.CronJob"],
    ["networking.k8s.io", "v1", "Ingress", "networking.k8s.io/v1.Ingress"],
    ["autoscaling", "v2", "HorizontalPodAutoscaler", "autoscaling/v2.HorizontalPodAutoscaler"],
    ["rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "rbac.authorization.k8s.io/v1.ClusterRoleBinding"],
  ];
  for (const [group, version, kind, typeName] of known) {
    test(`${group}/${version} ${kind}`, () => assert.equal(patchMetaFor(group, version, kind)?.typeName, typeName));
  }

  const unknown: Array<[group: string, version: string, kind: string]> = [
    ["stable.example.com", "v1", "CronTab"],
    ["apps", "v1beta1", "Deployment"],
    ["core", "v1", "Pod"],
    ["", "v1", "PodSpec"],
    ["", "v1", "toString"],
  ];
  for (const [group, version, kind] of unknown) {
    test(`none for ${group}/${version} ${kind}`, () => assert.equal(patchMetaFor(group, version, kind), undefined));
  }
});
