import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import { builtinResources } from "../registry.ts";

describe("applyDefaults", () => {
  test("an empty object of every built-in kind: no throw, stable, and only kinds with defaults change", () => {
    const changed: string[] = [];
    for (const info of builtinResources) {
      const obj = {};
      applyDefaults(info, obj);
      const once = structuredClone(obj);
      applyDefaults(info, obj);
      assert.deepEqual(obj, once, `${info.plural}.${info.group}/${info.version} is stable`);
      if (Object.keys(obj).length > 0) changed.push(`${info.group}/${info.version}/${info.kind}`);
    }
    assert.deepEqual(changed.sort(), [
      "/v1/Namespace",
      "/v1/PersistentVolume",
      "/v1/PersistentVolumeClaim",
      "/v1/Pod",
      "/v1/PodTemplate",
      "/v1/ReplicationController",
      "/v1/Secret",
      "/v1/Service",
      "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy",
      "apiextensions.k8s.io/v1/CustomResourceDefinition",
      "apps/v1/DaemonSet",
      "apps/v1/Deployment",
      "apps/v1/ReplicaSet",
      "apps/v1/StatefulSet",
      "autoscaling/v1/HorizontalPodAutoscaler",
      "autoscaling/v2/HorizontalPodAutoscaler",
      "batch/v1/CronJob",
      "batch/v1/Job",
      "flowcontrol.apiserver.k8s.io/v1/FlowSchema",
      "networking.k8s.io/v1/NetworkPolicy",
      "scheduling.k8s.io/v1/PriorityClass",
      "storage.k8s.io/v1/CSIDriver",
      "storage.k8s.io/v1/StorageClass",
    ]);
  });

  const untouched: [string, { group: string; version: string; kind: string }, object][] = [
    ["a version without defaults", { group: "apps", version: "v1beta1", kind: "Deployment" }, { spec: {} }],
    ["a custom resource", { group: "stable.example.com", version: "v1", kind: "CronTab" }, { spec: {} }],
    ["a version named like an Object member", { group: "", version: "constructor", kind: "call" }, { spec: {} }],
    ["a kind named like an Object member", { group: "", version: "v1", kind: "toString" }, { spec: {} }],
    ["an array instead of an object", { group: "", version: "v1", kind: "Pod" }, [{ spec: {} }]],
  ];
  for (const [name, target, input] of untouched) {
    test(`leaves ${name} alone`, () => {
      const obj = structuredClone(input);
      applyDefaults(target, obj);
      assert.deepEqual(obj, input);
    });
  }
});
