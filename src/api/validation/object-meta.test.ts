import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import { nameIsDNSLabel, nameIsDNSSubdomain } from "./names.ts";
import { validateObjectMeta, validateObjectMetaUpdate, validateTemplateObjectMeta, type ObjectMetaOptions } from "./object-meta.ts";
import { FieldPath } from "./field-error.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const namespaced: ObjectMetaOptions = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const clusterScoped: ObjectMetaOptions = { namespaced: false, nameValidator: nameIsDNSLabel };
const subdomainRegex =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe("validateObjectMeta", () => {
  const cases: [string, unknown, ObjectMetaOptions, string[]][] = [
    ["valid", { name: "web", namespace: "default", labels: { app: "web" } }, namespaced, []],
    ["generateName only", { generateName: "web-", namespace: "default" }, namespaced, ["metadata.name: Required value: name or generateName is required"]],
    ["neither name", { namespace: "default" }, namespaced, ["metadata.name: Required value: name or generateName is required"]],
    ["bad name", { name: "Web", namespace: "default" }, namespaced, [`metadata.name: Invalid value: "Web": ${subdomainRegex}`]],
    ["bad generateName", { generateName: "Web-", name: "web", namespace: "default" }, namespaced, [`metadata.generateName: Invalid value: "Web-": ${subdomainRegex}`]],
    ["namespace required", { name: "web" }, namespaced, ["metadata.namespace: Required value"]],
    ["namespace forbidden", { name: "web", namespace: "default" }, clusterScoped, ["metadata.namespace: Forbidden: not allowed on this type"]],
    ["scope unknown", { name: "web", namespace: "default" }, { namespaced: undefined, nameValidator: nameIsDNSSubdomain }, []],
    ["negative generation", { name: "web", namespace: "default", generation: -1 }, namespaced, ["metadata.generation: Invalid value: -1: must be greater than or equal to 0"]],
    [
      "owner reference fields",
      { name: "web", namespace: "default", ownerReferences: [{ apiVersion: "apps/", kind: "", name: "", uid: "" }] },
      namespaced,
      [
        'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
      ],
    ],
    [
      "events may not own",
      { name: "web", namespace: "default", ownerReferences: [{ apiVersion: "v1", kind: "Event", name: "e", uid: "1" }] },
      namespaced,
      ['metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"1"}: /v1, Kind=Event is disallowed from being an owner'],
    ],
    [
      "one controller",
      {
        name: "web",
        namespace: "default",
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "ReplicaSet", name: "a", uid: "1", controller: true },
          { apiVersion: "apps/v1", kind: "ReplicaSet", name: "b", uid: "2", controller: true },
        ],
      },
      namespaced,
      [
        'metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"a","uid":"1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b","uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b',
      ],
    ],
    [
      "finalizers",
      { name: "web", namespace: "default", finalizers: ["kubernetes", "example.com/ok", "custom", "orphan", "foregroundDeletion"] },
      namespaced,
      [
        'metadata.finalizers: Invalid value: ["kubernetes","example.com/ok","custom","orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
        'metadata.finalizers[2]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
      ],
    ],
    [
      "finalizers of custom resources",
      { name: "web", namespace: "default", finalizers: ["custom"] },
      { ...namespaced, standardFinalizerNames: false },
      [],
    ],
    ["annotations total size", { name: "web", namespace: "default", annotations: { big: "x".repeat(256 * 1024) } }, namespaced, ["metadata.annotations: Too long: may not be more than 262144 bytes"]],
  ];
  for (const [name, meta, opts, expected] of cases) test(name, () => assert.deepEqual(texts(validateObjectMeta(meta, opts)), expected));

  test("annotation keys are checked lowercased but shown as given", () => {
    const errs = validateObjectMeta({ name: "web", namespace: "default", annotations: { "Example.com/Key": "v", "a b": "v" } }, namespaced);
    assert.deepEqual(
      errs.map((e) => [e.field, e.value]),
      [["metadata.annotations", "a b"]],
    );
  });
});

describe("validateObjectMetaUpdate", () => {
  const old = { name: "web", namespace: "default", uid: "u1", creationTimestamp: "2024-01-01T00:00:00Z", generation: 2, resourceVersion: "5" };
  const cases: [string, unknown, unknown, string[]][] = [
    ["unchanged", { ...old }, old, []],
    ["no resourceVersion is the REST layer's business", { ...old, resourceVersion: undefined }, old, []],
    ["name", { ...old, name: "other" }, old, ['metadata.name: Invalid value: "other": field is immutable']],
    ["namespace", { ...old, namespace: "x" }, old, ['metadata.namespace: Invalid value: "x": field is immutable']],
    ["uid", { ...old, uid: "u2" }, old, ['metadata.uid: Invalid value: "u2": field is immutable']],
    ["creationTimestamp", { ...old, creationTimestamp: "2025-01-01T00:00:00Z" }, old, ['metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable']],
    ["generation decremented", { ...old, generation: 1 }, old, ["metadata.generation: Invalid value: 1: must not be decremented"]],
    [
      "new finalizers while deleting",
      { ...old, deletionTimestamp: "t", finalizers: ["a.io/x", "b.io/y"] },
      { ...old, deletionTimestamp: "t", finalizers: ["a.io/x"] },
      ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}'],
    ],
    ["removing finalizers while deleting", { ...old, deletionTimestamp: "t" }, { ...old, deletionTimestamp: "t", finalizers: ["a.io/x"] }, []],
    ["labels still checked", { ...old, labels: { a: "-" } }, old, [/* one error */ "metadata.labels"]],
  ];
  for (const [name, meta, previous, expected] of cases) {
    test(name, () => {
      const errs = validateObjectMetaUpdate(meta, previous);
      if (name === "labels still checked") assert.deepEqual(errs.map((e) => e.field), expected);
      else assert.deepEqual(texts(errs), expected);
    });
  }
});

describe("validateTemplateObjectMeta", () => {
  test("only labels and annotations may be set", () => {
    const errs = validateTemplateObjectMeta({ labels: { a: "b" }, name: "x" }, FieldPath.of("spec", "template", "metadata"));
    assert.deepEqual(texts(errs), ["spec.template.metadata.name: Forbidden: cannot be set"]);
  });
});
