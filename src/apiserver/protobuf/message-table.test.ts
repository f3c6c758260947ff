import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isMessageName, isWellKnownType } from "./message-schema.ts";
import type { MessageName } from "./message-schema.ts";
import { messageSchema, messageTable } from "./message-table.ts";

const messages = Object.entries(messageTable) as [MessageName, (typeof messageTable)[MessageName]][];

/** The JSON keys a message produces, with inline members spread in. */
function jsonKeys(name: MessageName): string[] {
  return (messageSchema(name) ?? []).flatMap((field) =>
    field.inline && isMessageName(field.type) ? jsonKeys(field.type) : [field.jsonName],
  );
}

describe("messageTable", () => {
  test("covers the kinds kubectl's generators send", () => {
    for (const name of [
      "core.v1.Namespace",
      "core.v1.ConfigMap",
      "core.v1.Secret",
      "core.v1.ServiceAccount",
      "core.v1.Service",
      "core.v1.Pod",
      "core.v1.ResourceQuota",
      "apps.v1.Deployment",
      "batch.v1.Job",
      "batch.v1.CronJob",
      "networking.v1.Ingress",
      "policy.v1.PodDisruptionBudget",
      "rbac.v1.Role",
      "rbac.v1.RoleBinding",
      "scheduling.v1.PriorityClass",
      "authorization.v1.SelfSubjectAccessReview",
      "authentication.v1.TokenRequest",
    ] as const) {
      assert.ok(messageSchema(name), name);
    }
  });

  test("every referenced message is in the table", () => {
    const dangling = messages.flatMap(([name, fields]) =>
      fields.filter((field) => isMessageName(field.type) && !messageSchema(field.type)).map((field) => `${name}.${field.jsonName}`),
    );
    assert.deepEqual(dangling, []);
  });

  test("field numbers are unique and positive within a message", () => {
    for (const [name, fields] of messages) {
      const numbers = fields.map((field) => field.number);
      assert.equal(new Set(numbers).size, numbers.length, name);
      assert.ok(numbers.every((number) => Number.isInteger(number) && number > 0), name);
    }
  });

  test("JSON keys are unique within a message, inline members included", () => {
    for (const [name] of messages) {
      const keys = jsonKeys(name);
      assert.equal(new Set(keys).size, keys.length, `${name}: ${keys.join(",")}`);
    }
  });

  test("field shapes are consistent", () => {
    for (const [name, fields] of messages) {
      for (const field of fields) {
        const where = `${name}.${field.jsonName}`;
        assert.ok(!(field.repeated && field.map), `${where} is both repeated and a map`);
        assert.ok(!(field.pointer && (field.repeated || field.map)), `${where} is a pointer to a list or map`);
        if (field.inline) assert.ok(isMessageName(field.type) && !field.pointer && !field.repeated, `${where} inline`);
        if (field.map) assert.ok(!isMessageName(field.type) || messageSchema(field.type), `${where} map value`);
        assert.ok(isMessageName(field.type) || isWellKnownType(field.type) || /^(string|bool|int32|int64|bytes)$/.test(field.type), where);
      }
    }
  });

  test("keeps upstream's field numbers for well-known fields", () => {
    const numberOf = (name: MessageName, jsonName: string) =>
      messageSchema(name)?.find((field) => field.jsonName === jsonName)?.number;
    assert.equal(numberOf("meta.v1.ObjectMeta", "name"), 1);
    assert.equal(numberOf("meta.v1.ObjectMeta", "labels"), 11);
    assert.equal(numberOf("meta.v1.ObjectMeta", "ownerReferences"), 13);
    assert.equal(numberOf("meta.v1.ObjectMeta", "managedFields"), 17);
    assert.equal(numberOf("core.v1.Container", "image"), 2);
    assert.equal(numberOf("core.v1.PodSpec", "containers"), 2);
    assert.equal(numberOf("core.v1.Secret", "stringData"), 4);
    assert.equal(numberOf("apps.v1.DeploymentSpec", "template"), 3);
  });
});
