import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messageNameForKind, protobufKinds } from "./kind-messages.ts";
import { messageSchema } from "./message-table.ts";

describe("messageNameForKind", () => {
  const cases: { apiVersion: string; kind: string; message: string | undefined }[] = [
    { apiVersion: "v1", kind: "Pod", message: "core.v1.Pod" },
    { apiVersion: "apps/v1", kind: "Deployment", message: "apps.v1.Deployment" },
    { apiVersion: "v1", kind: "Event", message: "core.v1.Event" },
    { apiVersion: "events.k8s.io/v1", kind: "Event", message: "events.v1.Event" },
    { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", message: "authorization.v1.SelfSubjectAccessReview" },
    { apiVersion: "v1", kind: "Status", message: "meta.v1.Status" },
    { apiVersion: "batch/v1", kind: "DeleteOptions", message: "meta.v1.DeleteOptions" },
    { apiVersion: "apps/v1", kind: "Pod", message: undefined },
    { apiVersion: "v1", kind: "Deployment", message: undefined },
    { apiVersion: "v1", kind: "Widget", message: undefined },
    { apiVersion: "", kind: "Pod", message: undefined },
    { apiVersion: "v1", kind: "toString", message: undefined },
  ];
  for (const { apiVersion, kind, message } of cases) {
    test(`${apiVersion || "(empty)"} ${kind}`, () => assert.equal(messageNameForKind(apiVersion, kind), message));
  }

  test("every listed kind has a message in the table", () => {
    const missing = protobufKinds.filter(({ apiVersion, kind }) => {
      const name = messageNameForKind(apiVersion, kind);
      return name === undefined || messageSchema(name) === undefined;
    });
    assert.deepEqual(missing, []);
  });

  test("every list kind carries items of its element kind", () => {
    for (const { apiVersion, kind } of protobufKinds.filter(({ kind }) => kind.endsWith("List"))) {
      const list = messageSchema(messageNameForKind(apiVersion, kind) ?? "none.none");
      const items = list?.find((field) => field.jsonName === "items");
      assert.equal(items?.type, messageNameForKind(apiVersion, kind.slice(0, -"List".length)), `${apiVersion} ${kind}`);
      assert.equal(items?.repeated, true, `${apiVersion} ${kind}`);
    }
  });
});
