import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  duplicate,
  FieldPath,
  forbidden,
  formatFieldError,
  formatFieldErrorDetail,
  formatInvalidMessage,
  internalError,
  invalid,
  notFound,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
  type FieldError,
} from "./field-error.ts";
import { goStringMap } from "./go-value.ts";

describe("FieldPath", () => {
  const cases: [string, FieldPath, string][] = [
    ["child chain", FieldPath.of("spec").child("containers").index(0).child("image"), "spec.containers[0].image"],
    ["map key", FieldPath.of("metadata").child("labels").key("app"), "metadata.labels[app]"],
    ["several names at once", FieldPath.of("spec", "template", "spec"), "spec.template.spec"],
    ["key then child", FieldPath.of("spec").child("resources").key("storage").child("x"), "spec.resources[storage].x"],
    ["empty root", FieldPath.of(""), ""],
    ["child of empty root", FieldPath.of("").child("a"), ".a"],
  ];
  for (const [name, path, expected] of cases) test(name, () => assert.equal(path.toString(), expected));

  test("root is the first element", () => {
    assert.equal(FieldPath.of("spec").child("a").index(1).root().toString(), "spec");
  });
});

describe("formatFieldError", () => {
  const path = FieldPath.of("spec", "replicas");
  const cases: [string, FieldError, string][] = [
    ["required without detail", required(path), "spec.replicas: Required value"],
    ["required with detail", required(path, "must be set"), "spec.replicas: Required value: must be set"],
    ["invalid number", invalid(path, -1, "must be greater than or equal to 0"), "spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
    ["invalid string is Go-quoted", invalid(path, 'a"b\n', "bad"), 'spec.replicas: Invalid value: "a\\"b\\n": bad'],
    ["invalid null", invalid(path, null, "bad"), "spec.replicas: Invalid value: null: bad"],
    ["invalid boolean", invalid(path, true, "bad"), "spec.replicas: Invalid value: true: bad"],
    ["invalid structured value is JSON", invalid(path, { a: 1 }, "bad"), 'spec.replicas: Invalid value: {"a":1}: bad'],
    ["invalid Go literal", invalid(path, goStringMap({ b: "2", a: "1" }), "bad"), 'spec.replicas: Invalid value: map[string]string{"a":"1", "b":"2"}: bad'],
    ["type invalid shows the value", typeInvalid(path, "3", "must be of type integer"), 'spec.replicas: Invalid value: "3": must be of type integer'],
    ["not supported", notSupported(path, "x", ["a", "b"]), 'spec.replicas: Unsupported value: "x": supported values: "a", "b"'],
    ["not supported without choices", notSupported(path, "x", []), 'spec.replicas: Unsupported value: "x"'],
    ["duplicate", duplicate(path, "c"), 'spec.replicas: Duplicate value: "c"'],
    ["forbidden hides the value", forbidden(path, "not allowed"), "spec.replicas: Forbidden: not allowed"],
    ["too long", tooLong(path, 63), "spec.replicas: Too long: may not be more than 63 bytes"],
    ["too long without a limit", tooLong(path, -1), "spec.replicas: Too long: value is too long"],
    ["too many", tooMany(path, 25, 20), "spec.replicas: Too many: 25: must have at most 20 items"],
    ["too many without a count", tooMany(path, -1, 20), "spec.replicas: Too many: must have at most 20 items"],
    ["not found", notFound(path, "vol"), 'spec.replicas: Not found: "vol"'],
    ["internal", internalError(path, new Error("boom")), "spec.replicas: Internal error: boom"],
  ];
  for (const [name, error, expected] of cases) test(name, () => assert.equal(formatFieldError(error), expected));

  test("the detail omits the field", () => {
    assert.equal(formatFieldErrorDetail(invalid(path, -1, "must be greater than or equal to 0")), "Invalid value: -1: must be greater than or equal to 0");
  });

  test("types are upstream's cause reasons", () => {
    assert.deepEqual(
      [required(path), invalid(path, 1, ""), notSupported(path, 1, []), duplicate(path, 1), forbidden(path, ""), tooLong(path, 1), tooMany(path, 1, 1), notFound(path, 1), typeInvalid(path, 1, "")].map((e) => e.type),
      [
        "FieldValueRequired",
        "FieldValueInvalid",
        "FieldValueNotSupported",
        "FieldValueDuplicate",
        "FieldValueForbidden",
        "FieldValueTooLong",
        "FieldValueTooMany",
        "FieldValueNotFound",
        "FieldValueTypeInvalid",
      ],
    );
  });
});

describe("formatInvalidMessage", () => {
  const a = invalid("spec.replicas", -1, "must be greater than or equal to 0");
  const b = required("spec.selector");
  const cases: [string, FieldError[], string][] = [
    ["no errors", [], 'Deployment.apps "x" is invalid'],
    ["one error stays bare", [a], 'Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [
      "several are bracketed",
      [a, b],
      'Deployment.apps "x" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.selector: Required value]',
    ],
    ["repeated texts count once", [b, b], 'Deployment.apps "x" is invalid: spec.selector: Required value'],
  ];
  for (const [name, errs, expected] of cases) test(name, () => assert.equal(formatInvalidMessage("Deployment.apps", "x", errs), expected));
});
