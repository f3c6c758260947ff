import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ReplicationController } from "kubernetes-types/core/v1";
import { asReplicaSet } from "./replication-controller.ts";

describe("asReplicaSet", () => {
  const template = { metadata: { labels: { app: "web", tier: "x" } }, spec: { containers: [{ name: "c" }] } };
  const cases: { name: string; rc: ReplicationController; matchLabels: Record<string, string> }[] = [
    { name: "the selector map becomes matchLabels", rc: { metadata: { name: "a" }, spec: { replicas: 2, selector: { app: "web" }, template } }, matchLabels: { app: "web" } },
    { name: "no selector: the template labels select", rc: { metadata: { name: "b" }, spec: { replicas: 2, template } }, matchLabels: { app: "web", tier: "x" } },
  ];
  for (const { name, rc, matchLabels } of cases) {
    test(name, () => {
      const view = asReplicaSet(rc);
      assert.deepEqual(view.spec?.selector, { matchLabels });
      assert.equal(view.spec?.replicas, 2);
      assert.equal(view.spec?.template, template);
    });
  }
});
