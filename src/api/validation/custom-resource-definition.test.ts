import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from "./custom-resource-definition.ts";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const schema = { openAPIV3Schema: { type: "object" } };

function crd(): JsonObject {
  return {
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
      versions: [
        { name: "v1", served: true, storage: true, schema },
        { name: "v1beta1", served: true, storage: false, schema },
      ],
    },
  };
}

type Edit = (c: JsonObject) => void;
const spec = (c: JsonObject): JsonObject => c.spec as JsonObject;

describe("CustomResourceDefinition", () => {
  test("valid", () => assert.deepEqual(texts(validateCustomResourceDefinition(crd())), []));

  const cases: [string, Edit, string[]][] = [
    ["name must match", (c) => ((c.metadata as JsonObject).name = "widgets"), ['metadata.name: Invalid value: "widgets": must be spec.names.plural+"."+spec.group']],
    [
      "group needs a dot",
      (c) => {
        spec(c).group = "example";
        (c.metadata as JsonObject).name = "widgets.example";
      },
      ['spec.group: Invalid value: "example": should be a domain with at least one dot'],
    ],
    ["scope", (c) => (spec(c).scope = "Global"), ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']],
    [
      "two storage versions",
      (c) => ((spec(c).versions as JsonObject[])[1]!.storage = true),
      [
        'spec.versions: Invalid value: [{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}},{"name":"v1beta1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]: must have exactly one version marked as storage version',
      ],
    ],
    [
      "schema required",
      (c) => delete (spec(c).versions as JsonObject[])[1]!.schema,
      ["spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required"],
    ],
    [
      "names",
      (c) => (spec(c).names = { plural: "widgets", kind: "Widget", listKind: "Widget" }),
      ["spec.names.singular: Required value", 'spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same'],
    ],
  ];
  for (const [name, edit, expected] of cases) {
    test(name, () => {
      const c = crd();
      edit(c);
      assert.deepEqual(texts(validateCustomResourceDefinition(c)), expected);
    });
  }

  test("group and plural are immutable", () => {
    const next = crd();
    spec(next).group = "example.org";
    assert.deepEqual(texts(validateCustomResourceDefinitionUpdate(next, crd())), ['spec.group: Invalid value: "example.org": field is immutable']);
  });
});
