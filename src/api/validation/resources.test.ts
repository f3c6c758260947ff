import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FieldPath, formatFieldError, type FieldError } from "./field-error.ts";
import { isExtendedResourceName, isOvercommitAllowed, validateContainerResourceName, validateResourceRequirements } from "./resources.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const path = FieldPath.of("resources");

describe("resource names", () => {
  const cases: [string, string[]][] = [
    ["cpu", []],
    ["hugepages-2Mi", []],
    ["example.com/gpu", []],
    ["kubernetes.io/thing", []],
    ["pods", ['resources: Invalid value: "pods": must be a standard resource for containers']],
    ["gpu", ['resources: Invalid value: "gpu": must be a standard resource type or fully qualified', 'resources: Invalid value: "gpu": must be a standard resource for containers']],
  ];
  for (const [name, expected] of cases) test(name, () => assert.deepEqual(texts(validateContainerResourceName(name, path)), expected));

  test("extended and overcommitted resources", () => {
    assert.equal(isExtendedResourceName("example.com/gpu"), true);
    assert.equal(isExtendedResourceName("cpu"), false);
    assert.equal(isOvercommitAllowed("memory"), true);
    assert.equal(isOvercommitAllowed("hugepages-1Gi"), false);
    assert.equal(isOvercommitAllowed("example.com/gpu"), false);
  });
});

describe("validateResourceRequirements", () => {
  const cases: [string, unknown, string[]][] = [
    ["absent", undefined, []],
    ["numbers are quantities", { requests: { cpu: 1 }, limits: { cpu: 2 } }, []],
    ["equal requests and limits", { requests: { memory: "1Gi" }, limits: { memory: "1024Mi" } }, []],
    ["request above limit", { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } }, ['resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi']],
    [
      "extended resources need equal limits",
      { requests: { "example.com/gpu": "1" }, limits: { "example.com/gpu": "2" } },
      ['resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2'],
    ],
    [
      "huge pages need cpu or memory",
      { limits: { "hugepages-2Mi": "4Mi" } },
      ["resources: Forbidden: HugePages require cpu or memory"],
    ],
    [
      "huge pages in whole pages",
      { limits: { "hugepages-2Mi": "3Mi", memory: "1Gi" } },
      ['resources.limits[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi'],
    ],
    ["wrong type", { limits: { cpu: true } }, ["resources.limits[cpu]: Invalid value: true: must be a quantity"]],
  ];
  for (const [name, requirements, expected] of cases) test(name, () => assert.deepEqual(texts(validateResourceRequirements(requirements, path)), expected));
});
