import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const cases: [kind: string, version: string, name: string, input: JsonObject, expected: JsonObject][] = [
  [
    "ValidatingWebhookConfiguration", "v1", "webhooks",
    {
      webhooks: [
        {
          name: "v.example.com",
          clientConfig: { service: { namespace: "ns", name: "svc" } },
          rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
          sideEffects: "None",
          admissionReviewVersions: ["v1"],
        },
      ],
    },
    {
      webhooks: [
        {
          name: "v.example.com",
          clientConfig: { service: { namespace: "ns", name: "svc", port: 443 } },
          rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], scope: "*" }],
          sideEffects: "None",
          admissionReviewVersions: ["v1"],
          failurePolicy: "Fail",
          matchPolicy: "Equivalent",
          namespaceSelector: {},
          objectSelector: {},
          timeoutSeconds: 10,
        },
      ],
    },
  ],
  [
    "MutatingWebhookConfiguration", "v1", "mutating webhooks are not reinvoked by default",
    { webhooks: [{ name: "m.example.com", clientConfig: { url: "https://127.0.0.1:9443/m" }, failurePolicy: "Ignore", timeoutSeconds: 3 }] },
    {
      webhooks: [
        {
          name: "m.example.com",
          clientConfig: { url: "https://127.0.0.1:9443/m" },
          failurePolicy: "Ignore",
          timeoutSeconds: 3,
          matchPolicy: "Equivalent",
          namespaceSelector: {},
          objectSelector: {},
          reinvocationPolicy: "Never",
        },
      ],
    },
  ],
  [
    "ValidatingAdmissionPolicy", "v1", "a policy fails closed and matches equivalently",
    { spec: { matchConstraints: { resourceRules: [{ operations: ["*"], apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments"] }] }, validations: [{ expression: "true" }] } },
    {
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [{ operations: ["*"], apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments"], scope: "*" }],
          matchPolicy: "Equivalent",
          namespaceSelector: {},
          objectSelector: {},
        },
        validations: [{ expression: "true" }],
      },
    },
  ],
  [
    "ValidatingAdmissionPolicyBinding", "v1", "match resources of a binding",
    { spec: { policyName: "p", validationActions: ["Deny"], matchResources: { excludeResourceRules: [{ operations: ["DELETE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }] } } },
    {
      spec: {
        policyName: "p",
        validationActions: ["Deny"],
        matchResources: {
          excludeResourceRules: [{ operations: ["DELETE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], scope: "*" }],
          matchPolicy: "Equivalent",
          namespaceSelector: {},
          objectSelector: {},
        },
      },
    },
  ],
];

describe("admissionregistration.k8s.io/v1 defaults", () => {
  for (const [kind, version, name, input, expected] of cases) {
    test(`${kind} ${version}: ${name}`, () => {
      const target = { group: "admissionregistration.k8s.io", version, kind };
      const obj = structuredClone(input);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
